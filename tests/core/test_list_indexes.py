"""The main lists' queries are served by indexes, not by a sequential scan of the big tables
(issue 12). Each page is requested through the test client as a township clerk and as an admin
(county-wide); every query it sent that reads a big table is EXPLAINed on PostgreSQL with
sequential scans and sorts priced out (`enable_seqscan = off`, `enable_sort = off`), so the plan
shows a scan of the whole table only where no index can serve the query, and a page of rows
(ORDER BY … LIMIT) sorted only where no index gives the list's order (an incremental sort, which
only orders rows an index already brought in order of their first keys, is fine). A missing index for a filter or a sort
fails here (the last test drops one to prove it).

The rows themselves do not matter to the plans, so a few are enough; the county benchmark
(`manage.py bench_county`) measures the same pages at scale.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_office.models import Notification
from congress_office.roles import Role
from deputies.choices import ActivityType
from deputies.models import Activity
from tests.petitions.factories import register_petition

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")

# the tables that grow with a county's ten years (DESIGN.md: 300 k petitions, 1 M activities …)
BIG_TABLES = {
    "petitions_petition",
    "deputies_activity",
    "deputies_activity_participants",
    "deputies_suggestion",
    "core_deadline",
    "core_caseevent",
    "core_caserating",
    "core_notification",
    "documents_incomingdocument",
    "documents_outgoingdocument",
}

PAGES = [
    ("petitions:petition_list", {}),
    ("petitions:petition_list", {"page": "500"}),
    ("petitions:petition_list", {"state": "handling"}),
    ("petitions:petition_list", {"overdue": "on"}),
    ("petitions:petition_list", {"received_after": "2026-01-01"}),
    ("deputies:activity_list", {}),
    ("deputies:activity_list", {"page": "500"}),
    ("deputies:activity_list", {"status": "submitted"}),
    ("deputies:suggestion_list", {}),
    ("core:deadline_list", {}),
    ("core:deadline_list", {"state": "pending"}),
    ("core:deadline_list", {"state": "overdue"}),
    ("core:deadline_list", {"state": "all"}),
    ("core:deadline_list", {"state": "pending", "no_unit": "true"}),  # the chart's 人大办 bar
    ("core:notification_list", {}),
    ("core:home", {}),
    ("petitions:stats", {"year": "2026"}),
    ("documents:incoming_list", {}),
    ("documents:outgoing_list", {}),
]

SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
# a bounded count (pagination's COUNT over LIMIT cap + 1) stops at the cap: a scan is fine there
BOUNDED_COUNT = re.compile(r"^SELECT COUNT\(\*\) FROM \(.* LIMIT \d+\) subquery$", re.S)
# known and left for a later change: the registers' year choices read DISTINCT year over the whole
# register (about 70 ms county-wide at scale 1.0, docs/performance.md)
KNOWN = re.compile(r'^SELECT DISTINCT "documents_(incoming|outgoing)document"\."year" AS "year" FROM')
PAGE_OF_ROWS = re.compile(r"ORDER BY .* LIMIT \d+", re.S)


def plan_problems(sql):
    """What in the plan of `sql` reads a big table without an index: ([problems], plan)."""
    with connection.cursor() as cursor:
        # a few rows make any plan cheap: price out what the big tables must never need
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute("SET LOCAL enable_sort = on")
    problems = []
    if not BOUNDED_COUNT.match(sql) and not KNOWN.match(sql):
        problems = [f"a sequential scan of {t}" for t in sorted(set(SEQ_SCAN.findall(plan)) & BIG_TABLES)]
    if PAGE_OF_ROWS.search(sql) and "GROUP BY" not in sql and re.search(r"->\s+Sort\b", plan):
        problems.append("a page of rows sorted after reading them all (no index in the list's order)")
    return problems, plan


def reads_big_table(sql):
    return sql.lstrip().upper().startswith("SELECT") and any(f'"{table}"' in sql for table in BIG_TABLES)


@pytest.fixture
def rows(township, users):
    """A few rows of each big table, so that every page runs its page query (an empty page is
    never queried)."""
    clerk = users[Role.CLERK]
    for n in range(3):
        register_petition(township=township, by=clerk, title=f"土地补偿{n}", phone=f"1381234567{n}")
    Activity.objects.bulk_create(
        Activity(
            township=township,
            type=ActivityType.INSPECTION,
            date=f"2026-0{n + 1}-10",
            place="东风村",
            title=f"调研{n}",
            summary="……",
            submitted_by=clerk,
        )
        for n in range(3)
    )
    for user in users.values():
        Notification.objects.bulk_create(Notification(recipient=user, title=f"通知{n}") for n in range(3))


@pytest.mark.parametrize("role", [Role.CLERK, Role.ADMIN])
@pytest.mark.parametrize(("url_name", "query"), PAGES, ids=[f"{n}{q}" for n, q in PAGES])
def test_the_lists_read_the_big_tables_through_indexes(rows, users, client_for, role, url_name, query):
    client = client_for(users[role])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(url_name), query)
    assert response.status_code == 200
    checked = 0
    for executed in captured.captured_queries:
        sql = executed["sql"]
        if not reads_big_table(sql):
            continue
        checked += 1
        problems, plan = plan_problems(sql)
        assert not problems, f"{url_name} {query} as {role}: {problems}\n{sql}\n{plan}"
    assert checked, "the page read none of the big tables: the test would prove nothing"


def test_a_list_without_its_index_fails_the_check(rows, users, client_for):
    """The check above can fail: without the index in the petition list's order, the county-wide
    list sorts every row, and the check says so."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX petition_received_idx")  # rolled back with the test
    client = client_for(users[Role.ADMIN])
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("petitions:petition_list"))
    page = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "petitions_petition"') and PAGE_OF_ROWS.search(q["sql"])
    ]
    assert page
    problems, plan = plan_problems(page[0])
    assert problems, plan
