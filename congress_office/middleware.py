import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation


class ForcePasswordChangeMiddleware:
    """A user whose password was set by someone else changes it before doing anything else."""

    allowed_prefixes = ("/static/", "/media/", "/health/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("password_change"), reverse("password_change_done"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(self.allowed_prefixes):
                return redirect("password_change")
        return self.get_response(request)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the switch (the language cookie).

    The browser's Accept-Language is not consulted: office PCs often run an English browser, and
    the interface is Chinese first.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionIdleTimeoutMiddleware:
    """A signed-in session ends after SESSION_IDLE_TIMEOUT seconds without a request.

    The session's expiry (SESSION_COOKIE_AGE, the same number) is moved on by saving the session,
    which this does at most every SESSION_IDLE_REFRESH_SECONDS rather than on every request
    (SESSION_SAVE_EVERY_REQUEST would write the session row on every page, download and htmx poll).
    So the idle limit is between the timeout minus the refresh interval and the timeout. The
    session backend enforces the expiry; the check here is for a session whose expiry was set
    longer than the idle limit.
    """

    seen_key = "_idle_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.COOKIES.get(settings.SESSION_COOKIE_NAME) and SESSION_KEY in session:
            now = int(time.time())
            seen = session.get(self.seen_key)
            if seen is not None and now - seen >= settings.SESSION_IDLE_TIMEOUT:
                session.flush()
            elif seen is None or now - seen >= settings.SESSION_IDLE_REFRESH_SECONDS:
                session[self.seen_key] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


def mark_session_seen(sender, request, user, **kwargs):
    """user_logged_in: signing in counts as activity. The session login() saves carries the mark,
    so the first request after it does not write the session again."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SessionIdleTimeoutMiddleware.seen_key] = int(time.time())
