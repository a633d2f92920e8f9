"""Staff sessions end after SESSION_IDLE_TIMEOUT (8 hours) without a request, however long ago
the user signed in; activity keeps them in. Time is moved by ageing the session (its expiry in
the database and the middleware's last-seen mark), not by sleeping."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_office.middleware import SessionIdleTimeoutMiddleware

pytestmark = pytest.mark.django_db

HOUR = 3600


def session_key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def age_session(client, seconds):
    """As if `seconds` had passed since the session was last saved and seen."""
    row = Session.objects.get(session_key=session_key(client))
    data = row.get_decoded()
    if SessionIdleTimeoutMiddleware.seen_key in data:
        data[SessionIdleTimeoutMiddleware.seen_key] -= seconds
    row.session_data = Session.objects.encode(data)
    row.expire_date -= timedelta(seconds=seconds)
    row.save()


def signed_in(client):
    """Whether the home page opens for the client (rather than sending it to the login page)."""
    response = client.get(reverse("core:home"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def test_the_idle_timeout_is_eight_hours_and_the_session_cookie_lives_as_long():
    assert settings.SESSION_IDLE_TIMEOUT == 8 * HOUR
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # the middleware refreshes, at most every few minutes


def test_a_session_idle_for_eight_hours_and_a_minute_is_signed_out(client, clerk):
    client.force_login(clerk)
    assert signed_in(client)
    age_session(client, 8 * HOUR + 60)
    assert not signed_in(client)


def test_a_session_used_every_hour_for_ten_hours_stays_signed_in(client, clerk):
    client.force_login(clerk)
    assert signed_in(client)
    for _hour in range(10):
        age_session(client, HOUR)
        assert signed_in(client), f"signed out after {_hour + 1} h of hourly use"
    row = Session.objects.get(session_key=session_key(client))
    # the last request moved the expiry a full idle period on
    assert row.expire_date > timezone.now() + timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60)


def test_the_first_request_after_signing_in_does_not_write_the_session(client, clerk):
    """Signing in marks the session seen (so pages' query counts do not change after a login)."""
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as ctx:
        assert signed_in(client)
    writes = [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]
    assert writes == []


def test_requests_minutes_apart_do_not_write_the_session_each_time(client, clerk):
    """The expiry moves at most every SESSION_IDLE_REFRESH_SECONDS, not on every request."""
    client.force_login(clerk)
    assert signed_in(client)
    age_session(client, 60)
    before = Session.objects.get(session_key=session_key(client))
    assert signed_in(client)
    after = Session.objects.get(session_key=session_key(client))
    assert (after.expire_date, after.session_data) == (before.expire_date, before.session_data)
    age_session(client, settings.SESSION_IDLE_REFRESH_SECONDS)
    assert signed_in(client)
    refreshed = Session.objects.get(session_key=session_key(client))
    assert refreshed.expire_date > after.expire_date


def test_a_session_whose_expiry_was_set_longer_is_still_ended_after_the_idle_timeout(client, clerk):
    """The middleware's own check: a session given a longer expiry (set_expiry, another backend's
    default) still ends after SESSION_IDLE_TIMEOUT without a request."""
    client.force_login(clerk)
    assert signed_in(client)
    row = Session.objects.get(session_key=session_key(client))
    row.expire_date += timedelta(days=14)
    row.save()
    age_session(client, 8 * HOUR + 60)
    assert not signed_in(client)
