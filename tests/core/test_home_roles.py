"""Role homes and drill-down (issue 14, items 1 and 2).

Each role's home opens on its next actions: the blocks the apps register (home_sections), every
count linking to the filtered list that shows exactly that count; the office's counters only for
the office and the county; a fixed number of queries per role whatever the data volume; menus
per role. Every chart bar carries the URL of its list, and a deadline links to its subject
(petition, suggestion …) wherever it is shown."""

# ruff: noqa: F811  (fixtures imported from other test modules are named as test arguments)
import html
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from congress_office.home import QUEUE_TEMPLATE
from congress_office.models import ArchiveExport, Deadline, DeadlineState, Fonds
from congress_office.navigation import nav_for
from congress_office.registries import DeadlineKind, deadline_kinds
from congress_office.roles import Role
from congress_office.services.deadlines import deadline_open
from deputies.choices import ActivityStatus
from deputies.models import ReceptionDay
from documents.choices import DocType, IncomingState, OutgoingState
from documents.models import IncomingDocument, IssuingBody, OutgoingDocument
from documents.services.incoming import incoming_receive
from documents.services.outgoing import outgoing_create
from meetings import services as meeting_services
from meetings.choices import MeetingKind
from petitions.choices import PetitionState
from petitions.models import Petition
from tests.deputies.conftest import deputy, deputy_user, district, group, term  # noqa: F401
from tests.deputies.factories import ActivityFactory
from tests.deputies.test_suggestions import (  # noqa: F401
    assign,
    assigned,
    co_unit,
    consulted,
    deputy_b,
    deputy_c,
    lead_handler,
    replied,
    request_extension,
    submit,
    submitted,
)
from tests.factories import UnitFactory, make_archive_items, make_deadline
from tests.petitions.factories import register_petition

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")

BLOCKS = {
    Role.CLERK: {
        "core-overdue",
        "deputies-activities_to_confirm",
        "deputies-suggestions_to_assign",
        "petitions-to_accept",
        "petitions-to_assign",
        "documents-incoming_todo",
    },
    Role.CHAIR: {"core-extensions", "deputies-awards", "documents-incoming_instruction", "documents-outgoing_signing"},
    Role.DEPUTY: {
        "deputies-deputy_actions",
        "deputies-awaiting_rating",
        "deputies-returned_activities",
        "deputies-reception_days",
        "meetings-coming",
    },
    Role.UNIT_HANDLER: {"core-unit_items"},
    Role.AUDITOR: {"core-archive"},
    Role.COUNTY: set(),
    Role.ADMIN: set(),
}
# the queues a role's data below fills (each count > 0, so following its link proves something)
FILLED = {
    Role.CLERK: BLOCKS[Role.CLERK],
    Role.CHAIR: {"core-extensions", "documents-incoming_instruction", "documents-outgoing_signing"},
    Role.DEPUTY: {"deputies-awaiting_rating", "deputies-returned_activities"},
    Role.UNIT_HANDLER: {"core-unit_items"},
}


# --- the data each role's home is about ---------------------------------------------------------


def today():
    return timezone.localdate()


def add_work(township, users, unit, deputy, term, district, n=1, tag=""):
    """`n` of everything the homes show, in `township`: petitions to accept and to assign,
    activities to confirm and returned, suggestions to assign, an overdue deadline of a unit of
    its own, incoming documents waiting for the office and for 批办, an outgoing document
    waiting for 签发, reception days and a meeting in sign-in for `deputy`."""
    clerk, deputy_user = users[Role.CLERK], users[Role.DEPUTY]
    body, _created = IssuingBody.objects.get_or_create(township=township, code="青人", defaults={"name": "主席团"})
    for i in range(n):
        label = f"{tag}{i}"
        register_petition(township=township, by=clerk, title=f"待受理{label}", phone=f"1391234{i:04d}")
        accepted = register_petition(township=township, by=clerk, title=f"待交办{label}", phone=f"1381234{i:04d}")
        Petition.objects.filter(pk=accepted.pk).update(state=PetitionState.ACCEPTED)
        ActivityFactory(township=township, status=ActivityStatus.SUBMITTED, submitted_by=deputy_user)
        ActivityFactory(
            township=township, status=ActivityStatus.RETURNED, return_reason="请补充照片", submitted_by=deputy_user
        )
        submit(deputy_user, term, title=f"关于修缮村道的建议{label}")
        other_unit = UnitFactory(township=township, name=f"单位{label}")
        make_deadline(township=township, title=f"逾期事项{label}", unit=other_unit, start=today() - timedelta(days=60))
        make_deadline(township=township, title=f"本单位事项{label}", unit=unit, start=today())
        incoming_receive(township=township, by=clerk, sender="县人大常委会办公室", title=f"收文{label}")
        proposed = incoming_receive(township=township, by=clerk, sender="县政府办", title=f"待批办{label}")
        IncomingDocument.objects.filter(pk=proposed.pk).update(state=IncomingState.PROPOSED)
        draft = outgoing_create(
            township=township,
            by=clerk,
            issuing_body=body,
            doc_type=DocType.NOTICE,
            title=f"关于召开会议的通知{label}",
            main_recipients="各村（社区）",
            body="定于下周召开会议。",
            signature="青山镇人大主席团",
        )
        OutgoingDocument.objects.filter(pk=draft.pk).update(state=OutgoingState.SIGNING)
        day = ReceptionDay.objects.create(
            township=township, district=district, date=today() + timedelta(days=3 + i + len(tag)), place="东风村委会"
        )
        day.deputies.add(deputy)
        meeting = meeting_services.meeting_plan(
            township=township,
            by=clerk,
            kind=MeetingKind.SESSION,
            starts_at=timezone.now() + timedelta(hours=2 + i),
            place="镇政府三楼会议室",
        )
        meeting_services.sign_in_start(meeting=meeting, by=clerk)


@pytest.fixture
def work(township, users, unit, deputy, term, district, replied, assigned, lead_handler):
    """Everything of add_work once, plus `replied` (张桂兰's suggestion answered, waiting for her
    rating) and a suggestion of 张桂兰 assigned to 自然资源所 with an extension request pending
    for the chairs."""
    add_work(township, users, unit, deputy, term, district)
    pending = submit(users[Role.DEPUTY], term, title="关于增设路灯的建议")
    assign(pending, users[Role.CLERK], unit)
    request_extension(pending, lead_handler, extra=1)
    fonds = Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")
    make_archive_items(township, fonds, users[Role.CLERK], [("D30", 2)], year=today().year)
    ArchiveExport.objects.create(township=township, year=today().year - 1, requested_by=users[Role.AUDITOR])
    return township


def blocks_of(response):
    return {entry["key"]: entry["section"] for entry in response.context["sections"]}


def listed_count(client, url):
    """How many rows the list behind `url` shows in all (its paginator's count)."""
    response = client.get(url)
    assert response.status_code == 200, url
    paginator = response.context.get("paginator")
    if paginator is not None:
        return paginator.count
    return len(response.context["object_list"])


# --- what each role's home shows ----------------------------------------------------------------


@pytest.mark.parametrize("role", list(BLOCKS), ids=lambda r: r.value)
def test_each_role_home_is_built_around_its_next_actions(work, users, client_for, role):
    """A role sees its own blocks and no others; the office's counters, cards and chart are for
    the office and the county only (a deputy's home does not show 办理中 0, 已逾期 0 …)."""
    response = client_for(users[role]).get(HOME)
    assert response.status_code == 200
    assert set(blocks_of(response)) == BLOCKS[role]
    overview = role in (Role.CLERK, Role.CHAIR, Role.COUNTY, Role.ADMIN)
    assert ("counts" in response.context) is overview
    page = response.content.decode()
    assert ('data-testid="deadline-counts"' in page) is overview
    if not overview:
        assert response.context["cards"] == []
        assert "chart_data" not in response.context


def test_the_deputy_home_offers_the_two_actions_meetings_and_reception_days(work, users, client_for, deputy):
    page = client_for(users[Role.DEPUTY]).get(HOME).content.decode()
    actions = re.search(r'data-testid="deputy-actions">(.*?)</div>', page, re.S).group(1)
    assert reverse("deputies:activity_create") in actions and "记录履职活动" in actions
    assert reverse("deputies:suggestion_create") in actions and "提建议" in actions
    assert reverse("deputies:record_detail", args=[deputy.pk, today().year]) in actions
    meetings = re.search(r'data-testid="coming-meetings">(.*?)</ul>', page, re.S).group(1)
    [meeting_pk] = re.findall(r'href="/meetings/(\d+)/sign-in/"', meetings)  # sign-in is open
    assert client_for(users[Role.DEPUTY]).get(reverse("meetings:sign_in", args=[meeting_pk])).status_code == 200
    days = re.search(r'data-testid="reception-days">(.*?)</ul>', page, re.S).group(1)
    assert "东风村委会" in days and "东风村选区" in days


def test_a_deputy_sees_no_office_menu_and_no_office_counters(work, users, client_for):
    """The issue's walk-through: the deputy's phone menu offered 代表名册, 信访 and 期限督办."""
    page = client_for(users[Role.DEPUTY]).get(HOME).content.decode()
    menu = re.search(r'<div class="collapse navbar-collapse" id="mainNav">(.*?)</ul>', page, re.S).group(1)
    for label in ("代表名册", "信访", "期限督办"):
        assert f"</i>{label}</a>" not in menu
    for label in ("履职活动", "代表建议", "会议"):
        assert f"</i>{label}</a>" in menu
    assert "办理中" not in page


@pytest.mark.parametrize("role", list(FILLED), ids=lambda r: r.value)
def test_every_queue_count_leads_to_a_list_of_that_count(work, users, client_for, role):
    """Following a queue's count opens the list behind it, and the list shows exactly that many;
    each of the queue's items opens."""
    client = client_for(users[role])
    blocks = blocks_of(client.get(HOME))
    queues = {key: s for key, s in blocks.items() if s.template == QUEUE_TEMPLATE}
    assert FILLED[role] <= set(queues)
    for key, section in queues.items():
        count = section.context["count"]
        if key in FILLED[role]:
            assert count > 0, key
        assert listed_count(client, section.context["url"]) == count, key
        assert len(section.context["items"]) == min(count, 5), key
        for item in section.context["items"]:
            assert client.get(item.url, follow=True).status_code == 200, (key, item.title)


@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR], ids=lambda r: r.value)
def test_every_card_leads_to_a_list_of_that_count(work, users, client_for, role):
    """The office's cards (待确认履职活动, 待交办代表建议, 本月信访, 信访逾期, 延期待审批 …) each
    open the list of what they count."""
    client = client_for(users[role])
    cards = client.get(HOME).context["cards"]
    assert cards
    for card in cards:
        assert listed_count(client, card.url) == card.value, card.title


@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR, Role.DEPUTY, Role.UNIT_HANDLER, Role.AUDITOR])
def test_every_link_of_the_home_blocks_resolves(work, users, client_for, role):
    client = client_for(users[role])
    page = client.get(HOME).content.decode()
    blocks = re.search(r'data-testid="home-sections">(.*)<div class="row g-3">', page, re.S)
    hrefs = set(re.findall(r'href="([^"#]+)"', blocks.group(1) if blocks else page))
    assert hrefs
    for href in hrefs:
        assert client.get(html.unescape(href), follow=True).status_code == 200, href


def test_the_auditor_home_is_the_annual_archive(work, users, client_for):
    page = client_for(users[Role.AUDITOR]).get(HOME).content.decode()
    year = today().year
    assert re.search(rf'data-testid="archive-year-{year}">2<', page)
    assert f'href="{reverse("core:archive_home")}?year={year}"' in page
    exports = re.search(r'data-testid="archive-exports">(.*?)</ul>', page, re.S).group(1)
    assert f"{year - 1} 年度归档包" in exports


def test_another_townships_users_see_none_of_it(work, other_clerk, other_chair, client_for):
    """The blocks read through each user's visibility: 白水乡's clerk and chair count nothing of
    青山镇's work."""
    for user in (other_clerk, other_chair):
        for key, section in blocks_of(client_for(user).get(HOME)).items():
            if section.template == QUEUE_TEMPLATE:
                assert section.context["count"] == 0, key
                assert section.context["items"] == [], key


# --- fixed number of queries per role -----------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [Role.CLERK, Role.CHAIR, Role.DEPUTY, Role.UNIT_HANDLER, Role.AUDITOR, Role.COUNTY],
    ids=lambda r: r.value,
)
def test_each_role_home_runs_a_fixed_number_of_queries(
    work, township, users, unit, deputy, term, district, client_for, role, django_assert_num_queries
):
    """With three more of everything (each with relations of its own), the home runs exactly
    the queries it ran before."""
    client = client_for(users[role])
    client.get(HOME)  # per-process caches (content types, translations)
    before = client.get(HOME)
    shown = sum(len(s.context.get("items", ())) for s in blocks_of(before).values())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    add_work(township, users, unit, deputy, term, district, n=3, tag="more")
    with django_assert_num_queries(len(few)):
        after = client.get(HOME)
    if role in FILLED:
        assert sum(len(s.context.get("items", ())) for s in blocks_of(after).values()) > shown


# --- menus per role ---------------------------------------------------------------------------------

# each role's menu, beyond 日历 (the calendar's entry, tests/core/test_calendar.py)
MENUS = {
    Role.DEPUTY: ["首页", "履职活动", "代表建议", "会议"],
    Role.UNIT_HANDLER: ["首页", "代表建议", "信访", "公文", "期限督办"],
    # a long menu: the bar first, then what is under 更多 (信访统计 …)
    Role.AUDITOR: ["首页", "代表名册", "履职档案", "代表建议", "信访", "公文", "会议", "档案", "信访统计"],
    Role.CLERK: [
        "首页",
        "代表名册",
        "履职活动",
        "代表建议",
        "信访",
        "公文",
        "会议",
        "期限督办",
        "履职档案",
        "信访统计",
        "承办单位",
        "节假日",
        "档案",
    ],
}
# under 更多 in the bar (the phone's menu lists them after the others)
MORE = {
    Role.DEPUTY: [],
    Role.UNIT_HANDLER: [],
    Role.AUDITOR: ["信访统计"],
    Role.CLERK: ["履职档案", "信访统计", "实绩考核", "承办单位", "节假日", "档案"],
}


@pytest.mark.parametrize("role", list(MENUS), ids=lambda r: r.value)
def test_each_role_menu_shows_only_what_it_uses(users, role, client_for):
    """The menu is data (NavItem.roles): a deputy has no 代表名册, 信访 or 期限督办, a unit
    handler no 信访 list of the office, an auditor no 期限督办 or 节假日; the collapsed phone menu
    is the same list."""
    user = users[role]
    labels = [str(item["label"]) for item in nav_for(user) if str(item["label"]) != "日历"]
    assert [label for label in labels if label != "实绩考核"] == MENUS[role]
    page = client_for(user).get(HOME).content.decode()
    menu = re.search(r'<div class="collapse navbar-collapse" id="mainNav">(.*?)</ul>', page, re.S).group(1)
    shown = [label for label in re.findall(r"</i>([^<]+)</a>", menu) if label not in ("日历", "实绩考核", "更多")]
    assert shown == MENUS[role]
    assert [str(item["label"]) for item in nav_for(user) if item["more"]] == MORE[role]
    assert ("更多" in menu) == bool(MORE[role])


def test_the_county_homes_township_counts_open_their_deadlines(township, other_township, unit, users, client_for):
    """The county home's table: each township's 办理中, 已逾期 and 本年办结 open the deadline list
    of that township with exactly that many."""
    make_deadline(township=township, title="逾期", unit=unit, start=today() - timedelta(days=60))
    make_deadline(township=township, title="在办", unit=unit, start=today())
    met = make_deadline(township=other_township, title="办结", start=today())
    Deadline.objects.filter(pk=met.pk).update(state=DeadlineState.MET, met_at=timezone.now())
    client = client_for(users[Role.COUNTY])
    table = re.search(r'data-testid="township-table">(.*?)</table>', client.get(HOME).content.decode(), re.S)
    links = re.findall(r'<a href="([^"]+)"[^>]*data-testid="township-count">(\d+)</a>', table.group(1))
    assert len(links) == 6 and sum(int(n) for _href, n in links) == 4  # 2 pending, 1 overdue, 1 met
    for href, number in links:
        assert listed_count(client, html.unescape(href)) == int(number), href
    # a township user has no township filter: the parameter changes nothing
    clerk = client_for(users[Role.CLERK])
    assert listed_count(clerk, f"{reverse('core:deadline_list')}?township={other_township.pk}") == 2


# --- chart bars ----------------------------------------------------------------------------------


def test_each_bar_of_the_unit_chart_opens_the_deadlines_it_counts(township, unit, users, client_for):
    """The chair's per-unit chart: a unit's 在办 and 逾期 bars, and the bar of the deadlines no unit
    is responsible for (人大办), each open the deadline list with exactly the bar's value."""
    start = today() - timedelta(days=60)
    make_deadline(township=township, title="逾期", unit=unit, start=start)
    make_deadline(township=township, title="在办", unit=unit, start=today())
    make_deadline(township=township, title="人大办在办", start=today())
    make_deadline(township=township, title="人大办逾期", start=start)
    make_deadline(township=township, title="人大办逾期二", start=start)
    client = client_for(users[Role.CHAIR])
    page = client.get(HOME).content.decode()
    chart = json.loads(re.search(r'id="unit-chart-data" type="application/json">(.*?)</script>', page).group(1))
    assert chart["units"] == ["人大办（未指定单位）", "自然资源所"]
    assert chart["pending"] == [3, 2] and chart["overdue"] == [2, 1]
    for series in ("pending", "overdue"):
        for value, url in zip(chart[series], chart[f"{series}_urls"], strict=True):
            assert listed_count(client, url) == value, url


def test_the_unit_chart_script_follows_a_bars_url():
    """The click handler reads the URL of the bar from the chart data (no URL built in JS)."""
    from django.conf import settings

    script = (settings.BASE_DIR / "static/js/dashboard.js").read_text()
    assert 'chart.on("click"' in script and "data.pending_urls" in script and "data.overdue_urls" in script


def test_each_month_bar_of_the_petition_statistics_opens_its_petitions(township, users, client_for):
    """信访统计's trend chart: each month's bar opens the petition list of that month, which lists
    exactly the bar's number."""
    clerk = users[Role.CLERK]
    year = today().year
    for month, n in ((1, 2), (3, 1)):
        for i in range(n):
            register_petition(
                township=township,
                by=clerk,
                received_on=today().replace(month=month, day=10),
                title=f"{month}月{i}",
                phone=f"137{month:02d}12345{i}",
            )
    client = client_for(clerk)
    page = client.get(reverse("petitions:stats"), {"year": year}).content.decode()
    chart = json.loads(re.search(r'id="petition-trend-data" type="application/json">(.*?)</script>', page).group(1))
    assert len(chart["urls"]) == len(chart["received"])
    assert sum(chart["received"]) == 3
    for value, url in zip(chart["received"], chart["urls"], strict=True):
        assert listed_count(client, url) == value, url
    script = (__import__("django.conf").conf.settings.BASE_DIR / "static/js/petition_stats.js").read_text()
    assert "data.urls[params.dataIndex]" in script


def test_each_breakdown_row_opens_its_petitions(township, unit, users, client_for):
    """信访统计's tables by month, channel, category and lead unit: each row's 收件 opens the
    petition list of the period narrowed to that row, which lists exactly that many."""
    from petitions.choices import Channel

    clerk = users[Role.CLERK]
    made = [
        register_petition(
            township=township,
            by=clerk,
            received_on=today().replace(month=2, day=3),
            title=f"反映{i}",
            phone=f"1361234500{i}",
            channel=Channel.VISIT if i == 0 else Channel.LETTER,
        )
        for i in range(3)
    ]
    Petition.objects.filter(pk__in=[p.pk for p in made[:2]]).update(lead_unit=unit)
    client = client_for(clerk)
    page = client.get(reverse("petitions:stats"), {"year": today().year}).content.decode()
    links = re.findall(r'<a href="([^"]+)" data-testid="breakdown-link">(\d+)</a>', page)
    queries = " ".join(html.unescape(href) for href, _n in links)
    for narrowed in ("channel=visit", "channel=letter", "category=appeal", f"lead_unit={unit.pk}"):
        assert narrowed in queries
    for href, number in links:
        assert listed_count(client, html.unescape(href)) == int(number), href


def test_a_county_account_gets_no_bar_links_to_a_list_it_may_not_open(users, client_for):
    chart = client_for(users[Role.COUNTY]).get(reverse("petitions:stats")).context["chart_data"]
    assert chart["urls"] == []


# --- a deadline leads to its subject -------------------------------------------------------------


@pytest.fixture
def petition(township, users):
    return register_petition(township=township, by=users[Role.CLERK], title="土地补偿款未足额发放")


def petition_deadline(petition):
    return Deadline.objects.filter(subject_id=petition.pk, kind__startswith="petitions.").get()


def test_a_deadline_links_to_its_subject_on_the_list_the_detail_and_the_home(petition, users, client_for):
    deadline = petition_deadline(petition)
    subject = reverse("core:deadline_subject", args=[deadline.pk])
    client = client_for(users[Role.CLERK])
    response = client.get(subject)
    assert response.status_code == 302 and response["Location"] == petition.get_absolute_url()

    row = re.search(
        rf'<a href="{deadline.get_absolute_url()}">[^<]+</a>(.*?)</td>',
        client.get(reverse("core:deadline_list")).content.decode(),
        re.S,
    )
    assert f'href="{subject}" data-testid="deadline-subject"' in row.group(1)
    detail = client.get(deadline.get_absolute_url()).content.decode()
    assert f'href="{subject}" data-testid="deadline-subject"' in detail
    home = client.get(HOME).content.decode()  # 临近到期
    assert f'href="{subject}" data-testid="deadline-subject"' in home


def test_a_reminder_leads_through_the_deadline_to_its_subject(petition, users, client_for):
    """A reminder notification opens the deadline, whose page links to the subject."""
    from congress_office.models import Notification
    from congress_office.services.deadlines import deadline_send_reminder

    deadline = petition_deadline(petition)
    deadline_send_reminder(deadline=deadline, stage="before:3", today=deadline.due_date - timedelta(days=3))
    clerk = users[Role.CLERK]
    notification = Notification.objects.filter(recipient=clerk).latest("pk")
    client = client_for(clerk)
    opened = client.post(reverse("core:notification_open", args=[notification.pk]), follow=True)
    assert f'href="{reverse("core:deadline_subject", args=[deadline.pk])}"' in opened.content.decode()


def test_the_subject_link_respects_who_may_see_the_deadline(petition, users, other_clerk, client_for, make_user):
    deadline = petition_deadline(petition)
    url = reverse("core:deadline_subject", args=[deadline.pk])
    assert client_for(other_clerk).get(url).status_code == 404  # another township's
    assert client_for(users[Role.DEPUTY]).get(url).status_code == 404  # not the deputy's
    assert client_for(make_user(None, petition.township, username="nobody")).get(url).status_code == 403


def test_a_deadline_without_a_subject_has_no_subject_link(township, users, client_for):
    deadline = make_deadline(township=township, title="办公室督办事项")
    assert deadline.subject_url == ""
    client = client_for(users[Role.CLERK])
    assert client.get(reverse("core:deadline_subject", args=[deadline.pk])).status_code == 404
    assert 'data-testid="deadline-subject"' not in client.get(deadline.get_absolute_url()).content.decode()


def test_a_deadline_kind_may_name_its_subjects_page(township, unit, users, client_for):
    """A kind whose subject has no page of its own says where to go (the assessments' monthly
    target report opens the cadre's page)."""
    deadline_kinds.register(
        "tests.unit_review", DeadlineKind(label="单位评议", subject_url=lambda u: f"/units/{u.pk}/")
    )
    try:
        deadline = deadline_open(
            township=township,
            kind="tests.unit_review",
            title="评议自然资源所",
            start_date=today(),
            rule="calendar_days",
            limit=10,
            subject=unit,
        )
        response = client_for(users[Role.CLERK]).get(deadline.subject_url)
        assert response["Location"] == f"/units/{unit.pk}/"
    finally:
        deadline_kinds.unregister("tests.unit_review")
    spec = deadline_kinds["assessments.target_report"]
    assert spec.subject_url is not None


# --- lists open on the useful default -----------------------------------------------------------


def test_the_deadline_list_opens_on_pending_by_due_date_and_offers_all(township, users, client_for):
    later = make_deadline(township=township, title="后到期", start=today(), limit=20)
    sooner = make_deadline(township=township, title="先到期", start=today(), limit=5)
    done = make_deadline(township=township, title="已办结", start=today(), limit=1)
    Deadline.objects.filter(pk=done.pk).update(state=DeadlineState.MET)
    client = client_for(users[Role.CLERK])
    response = client.get(reverse("core:deadline_list"))
    assert [d.pk for d in response.context["deadlines"]] == [sooner.pk, later.pk]
    form = response.content.decode()
    assert re.search(r'<option value="pending" selected>未办结</option>', form)
    assert '<option value="all">全部</option>' in form
    everything = client.get(reverse("core:deadline_list"), {"state": "all"}).context["deadlines"]
    assert [d.pk for d in everything] == [done.pk, sooner.pk, later.pk]
