"""List pages and home pages run a fixed number of queries whatever the number of rows.

Each page is rendered with N rows of everything it shows and again with 5N: the query count
must be identical, and stay under an absolute ceiling (so a new per-request query shows up
here too). The rows differ in every relation the pages display (unit, responsible user,
township), so a missing select_related / annotation is an N+1 and fails.
"""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_office.models import Deadline, DeadlineRule, DeadlineState, Notification, Unit, User
from congress_office.roles import Role

N = 4
_serial = itertools.count()

# Ceilings per page. Measured (Nov 2026): lists 9–10, notifications 8–9 (session, user, roles,
# two permission queries, unread badge, the user's township, the rows, the filter choices,
# the page count); home 11–12 plus one or two per dashboard card the domain apps register, plus
# two or three per block of the role's home (a count and its first rows: a clerk's six queues
# make 28 in all, Dec 2026; tests/core/test_home_roles.py pins each role's exact count).
CEILING = {
    "core:deadline_list": 12,
    "core:unit_list": 12,
    "core:notification_list": 11,
    "core:home": 32,
}


def add_rows(n, *, townships, readers):
    """n more of everything, in each township: a unit with a pending and a met deadline (the
    pending one with its own responsible deputy), and n notifications for each reader.
    Written in bulk: these tests are about reading."""
    today = timezone.localdate()
    for township in townships:
        serials = [next(_serial) for _ in range(n)]
        units = Unit.objects.bulk_create(Unit(township=township, name=f"单位{i}") for i in serials)
        deputies = User.objects.bulk_create(
            User(township=township, username=f"dep{i}", name=f"代表{i}") for i in serials
        )
        Group.objects.get(name=Role.DEPUTY).user_set.add(*deputies)
        rows = []
        for i, unit, deputy in zip(serials, units, deputies, strict=True):
            for state, due in ((DeadlineState.OPEN, today + timedelta(days=i % 9)), (DeadlineState.MET, today)):
                rows.append(
                    Deadline(
                        township=township,
                        kind="core.general",
                        title=f"事项{i}{state}",
                        responsible_unit=unit,
                        responsible_user=deputy if state == DeadlineState.OPEN else None,
                        start_date=today,
                        rule=DeadlineRule.CALENDAR_DAYS,
                        limit=15,
                        original_due_date=due,
                        due_date=due,
                        state=state,
                        met_at=timezone.now() if state == DeadlineState.MET else None,
                    )
                )
        Deadline.objects.bulk_create(rows)
    for reader in readers:
        Notification.objects.bulk_create(
            Notification(recipient=reader, title=f"通知{next(_serial)}", url="/") for _ in range(n)
        )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx), response


PAGES = ["core:deadline_list", "core:unit_list", "core:notification_list", "core:home"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR, Role.COUNTY], ids=lambda r: r.value)
def test_query_count_does_not_grow_with_rows(
    client,
    users,
    township,
    other_township,
    role,
    name,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    """Rendering with 5N rows takes exactly the queries of N rows, and at most CEILING[name]."""
    user = users[role]
    readers = [users[r] for r in (Role.CLERK, Role.CHAIR, Role.COUNTY)]
    add_rows(N, townships=[township, other_township], readers=readers)
    client.force_login(user)
    url = reverse(name)
    client.get(url)  # warm per-process caches (content types, translations)
    few, response = queries_for(client, url)
    shown = rows_shown(name, response)
    add_rows(4 * N, townships=[township, other_township], readers=readers)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert rows_shown(name, response) > shown  # the extra rows really are on the page
    with django_assert_max_num_queries(CEILING[name]):
        client.get(url)


def rows_shown(name, response):
    context = response.context
    if name == "core:home":
        return len(context["recent_notifications"]) + context["counts"]["pending"]
    key = {"core:deadline_list": "deadlines", "core:unit_list": "units", "core:notification_list": "notifications"}
    return len(context[key[name]])


def test_deadline_list_of_a_county_user_shows_townships_without_extra_queries(
    client,
    users,
    township,
    other_township,
    django_assert_max_num_queries,
):
    """The county's deadline list has the township column; the township comes with each row."""
    add_rows(2 * N, townships=[township, other_township], readers=[])
    client.force_login(users[Role.COUNTY])
    url = reverse("core:deadline_list") + "?state=all"  # the pending and the met (the list opens on 未办结)
    client.get(url)
    with django_assert_max_num_queries(CEILING["core:deadline_list"]):
        page = client.get(url).content.decode()
    assert page.count('<td data-label="乡镇">青山镇</td>') == 2 * N * 2
    assert page.count('<td data-label="乡镇">白水乡</td>') == 2 * N * 2
