# ruff: noqa: F811  (fixtures imported from the deputies' tests are named as test arguments)
"""县级汇总 (issue 12): the county overview and a township's page, for county-wide accounts only.

Expected behaviour:
- each township's figures are those of the statistics pages for that township alone: the
  petitions' rates of petition_stats, the suggestions' rates of the year report, the confirmed
  activities and serving deputies of township_year_summary, the overdue counts of the home cards;
- the table sorts by any column (?sort=, an arrow on the sorted header) and ranks the townships
  (名次, equal values share a rank, no value no rank);
- a township's page has the same figures and twelve months of the statistics' month breakdown;
- both pages take the same number of queries for 2 and for 4 townships;
- nothing a county user can reach from the menu shows a petitioner's name, address, phone or ID
  number, masked or not, and the county's monthly report PDF holds none either.
"""

import re
from datetime import date, datetime, time
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_office import county
from congress_office.cases import Satisfaction
from congress_office.crypto import mask_id_number, mask_phone
from congress_office.models import CaseRating, Deadline, PdfJob, PdfJobStatus
from congress_office.models.deadlines import PENDING_STATES
from congress_office.roles import Role
from congress_office.services.cases import case_assign, case_rate, case_reply
from deputies.choices import ActivityStatus, DeputyStatus
from deputies.models import ReceptionDay, ReceptionVisit
from deputies.selectors import township_year_summary
from deputies.suggestions.models import Suggestion, SuggestionState
from deputies.suggestions.selectors import suggestion_year_report
from petitions.models import Petition
from petitions.services import stats
from petitions.services.registration import petition_accept
from tests.deputies.conftest import deputy, deputy_user, district, group, term  # noqa: F401
from tests.deputies.factories import ActivityFactory, DeputyFactory, DistrictFactory, TermFactory
from tests.deputies.test_suggestion_report import known_set  # noqa: F401
from tests.deputies.test_suggestions import deputy_b, deputy_c, lead_handler, on  # noqa: F401
from tests.factories import TownshipFactory, UnitFactory
from tests.petitions.factories import register_petition
from tests.petitions.test_stats import build_known_set

from .test_pdf import pdf_text, squash

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("core:county_overview")
REPORT_START = reverse("core:pdfjob_start", args=["petitions.monthly_report"])
TODAY = date(2026, 11, 21)
YEAR = 2026
RATES = ("acceptance_rate", "closure_rate", "reply_rate", "satisfaction_rate", "repeat_rate")

# what the factories and the known sets write about petitioners (and a reception visitor)
PETITIONER = "王大山"
ADDRESS = "青山镇东风村3组"
PHONES = ("13911112222", "13812345678", "13900000003", "13900000007", "13700000001")
ID_NUMBER = "320102197503081234"


def forbidden_strings():
    return [PETITIONER, ADDRESS, ID_NUMBER, mask_id_number(ID_NUMBER), *PHONES, *(mask_phone(p) for p in PHONES)]


def township_page(code):
    return reverse("core:county_township", args=[code])


@pytest.fixture
def petition_set(township, other_township, users, unit, other_unit, make_user):
    """The known petitions of tests/petitions/test_stats.py (six in 青山镇, one in 白水乡), plus
    one whose 信访事由 names its petitioner (its deadlines carry that title) and a reception visit
    by the same person."""
    second_unit = UnitFactory(township=township, name="劳动保障所")
    known = build_known_set(township, other_township, users, unit, second_unit, other_unit, make_user)
    known["named"] = register_petition(
        township=township,
        by=users[Role.CLERK],
        received_on=date(2026, 11, 2),
        title=f"{PETITIONER}反映宅基地纠纷",
        phone="13700000001",
    )
    return known


@pytest.fixture
def world(petition_set, known_set, township, other_township, users, term, deputy, deputy_b, deputy_c, on):
    """Petitions, suggestions (the year report's known set) and duty activities in 青山镇 and
    白水乡, read on 21 Nov 2026."""
    other_term = TermFactory(township=other_township)  # 吴德明's, made by the year report's known set
    # 青山镇: three serving deputies (张桂兰, 李秀梅, 王建华) and one terminated
    DeputyFactory(
        term=term, name="退出代表", status=DeputyStatus.TERMINATED, status_reason="辞职", status_date=date(2026, 1, 20)
    )
    for day in (date(2026, 2, 3), date(2026, 3, 9), date(2026, 3, 20), date(2026, 6, 15)):
        ActivityFactory(township=township, date=day, participants=[deputy])
    ActivityFactory(township=township, date=date(2026, 5, 5), status=ActivityStatus.SUBMITTED)
    ActivityFactory(township=township, date=date(2025, 12, 5))
    ActivityFactory(township=other_township, date=date(2026, 4, 1))
    DeputyFactory(term=other_term, name="白水代表")
    district = DistrictFactory(term=term, name="西岭村选区")
    day = ReceptionDay.objects.create(township=township, district=district, date=date(2026, 5, 10), place="村委会")
    ReceptionVisit.objects.create(
        reception_day=day,
        visitor=PETITIONER,
        visitor_contact=PHONES[0],
        matter=f"{PETITIONER}反映宅基地纠纷",
        recorded_by=users[Role.CLERK],
    )
    on(TODAY)
    return SimpleNamespace(
        township=township,
        other_township=other_township,
        users=users,
        county=users[Role.COUNTY],
        petitions=petition_set,
        suggestions=known_set,
        reception_day=day,
        other_clerk=petition_set["other_clerk"],
    )


def overview(client, user, params=None):
    client.force_login(user)
    response = client.get(OVERVIEW, params or {"year": YEAR})
    assert response.status_code == 200
    return response


def rows_by_code(response):
    return {row.township.code: row for row in response.context["overview"].rows}


def pair(value):
    return (value.numerator, value.denominator)


# --- the figures -------------------------------------------------------------------------------------


def test_the_figures_are_those_of_each_townships_statistics(client, world, users):
    """Per township: the petition statistics page's totals (the same numerators and
    denominators), the overdue petitions of the home card, the suggestions' year report, the
    deputies' year summary; the 全县合计 row adds them up."""
    rows = rows_by_code(overview(client, world.county))
    county_petitions = Petition.objects.visible_to(world.county)
    for township, reader in ((world.township, users[Role.CLERK]), (world.other_township, world.other_clerk)):
        values = rows[township.code].values
        petitions = county_petitions.filter(township=township)
        expected = stats.petition_stats(petitions, stats.Period.for_year(YEAR), today=TODAY).totals
        assert values["petitions.received"] == expected.received
        for name in RATES:
            assert pair(values[f"petitions.{name}"]) == pair(getattr(expected, name)), (township, name)
            assert str(values[f"petitions.{name}"]) == str(getattr(expected, name))
        assert values["petitions.overdue"] == stats.overdue_count(petitions, TODAY)

        report = suggestion_year_report(user=reader, year=YEAR)
        assert values["deputies.suggestions.total"] == report.total
        assert pair(values["deputies.suggestions.consultation_rate"]) == (report.consulted, report.answered)
        assert pair(values["deputies.suggestions.solved_rate"]) == (report.solved, report.answered)
        assert pair(values["deputies.suggestions.satisfaction_rate"]) == (report.satisfied, report.ratings)
        assert values["deputies.suggestions.consultation_rate"].shown == report.consultation_rate
        assert values["deputies.suggestions.satisfaction_rate"].shown == report.satisfaction_rate
        overdue = {
            d.subject_id
            for d in Deadline.objects.filter(subject_type__model="suggestion", township=township)
            if d.state in PENDING_STATES and d.due_date < TODAY
        }
        assert values["deputies.suggestions.overdue"] == len(overdue)

        summary = township_year_summary(township_id=township.pk, year=YEAR)
        assert values["deputies.activities.activities"] == summary["activity_count"]
        assert values["deputies.activities.deputies"] == summary["deputy_count"]

    qingshan = rows["qingshan"].values
    # the known sets in words: 7 received (the six of test_stats and the named one), 4 of 5
    # decided on time; 4 suggestion rates as in the year report's test; 4 confirmed activities
    # of 3 serving deputies
    assert qingshan["petitions.received"] == 7 and pair(qingshan["petitions.acceptance_rate"]) == (4, 5)
    assert str(qingshan["deputies.suggestions.consultation_rate"]) == "75.0%"
    assert str(qingshan["deputies.suggestions.solved_rate"]) == "50.0%"
    assert str(qingshan["deputies.suggestions.satisfaction_rate"]) == "83.3%"
    assert (qingshan["deputies.activities.activities"], qingshan["deputies.activities.deputies"]) == (4, 3)
    assert str(qingshan["deputies.activities.per_deputy"]) == "1.3"

    totals = overview(client, world.county).context["overview"].totals
    assert totals["petitions.received"] == 8
    both = [rows["qingshan"].values["petitions.closure_rate"], rows["baishui"].values["petitions.closure_rate"]]
    assert pair(totals["petitions.closure_rate"]) == (sum(r.numerator for r in both), sum(r.denominator for r in both))


def test_the_table_shows_the_figures_with_their_parts(client, world):
    html = overview(client, world.county).content.decode()
    row = re.search(r'<tr data-testid="county-row" data-township="qingshan">(.*?)</tr>', html, re.S).group(1)
    cell = re.search(r'data-key="petitions.acceptance_rate"[^>]*>(.*?)</td>', row, re.S).group(1)
    assert "80.0%" in cell and "4/5" in cell
    assert f'href="{township_page("qingshan")}?year={YEAR}"' in row
    assert 'data-testid="county-total"' in html and "全县合计" in html
    # the county-wide monthly report: whole county (township ""), the year and a month
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*data-testid="county-report-form">(.*?)</form>', html, re.S
    )
    assert form.group(1) == REPORT_START
    assert '<input type="hidden" name="township" value="">' in form.group(2)
    assert 'name="year"' in form.group(2) and 'name="month"' in form.group(2)


# --- sorting and ranking ------------------------------------------------------------------------------


@pytest.fixture
def three(world):
    """A third township with nothing recorded: no rate, no rank."""
    return TownshipFactory(code="dongling", name="东岭镇")


def order_and_ranks(response):
    return [(row.township.code, row.rank) for row in response.context["overview"].rows]


def test_the_default_order_ranks_by_the_acceptance_rate(client, three, world):
    """白水乡 100.0% (1/1) before 青山镇 80.0% (4/5); 东岭镇 has no rate: last, unranked."""
    response = overview(client, world.county)
    assert order_and_ranks(response) == [("baishui", 1), ("qingshan", 2), ("dongling", None)]
    html = response.content.decode()
    header = re.search(r'<th scope="col"[^>]*aria-sort="descending"[^>]*>(.*?)</th>', html, re.S).group(1)
    assert "按期受理率" in header and "bi-caret-down-fill" in header
    assert html.count("aria-sort=") == 1
    assert "名次按“按期受理率”排列" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-petitions.received", [("qingshan", 1), ("baishui", 2), ("dongling", 3)]),
        ("petitions.received", [("dongling", 3), ("baishui", 2), ("qingshan", 1)]),
        # lower is better: the best first, and rank 1 is the lowest
        ("petitions.repeat_rate", [("baishui", 1), ("qingshan", 2), ("dongling", None)]),
        ("-petitions.repeat_rate", [("qingshan", 2), ("baishui", 1), ("dongling", None)]),
        ("-deputies.activities.activities", [("qingshan", 1), ("baishui", 2), ("dongling", 3)]),
        # by township: its code; the rank stays that of the default column
        ("township", [("baishui", 1), ("dongling", None), ("qingshan", 2)]),
        ("-township", [("qingshan", 2), ("dongling", None), ("baishui", 1)]),
        ("no.such_column", [("baishui", 1), ("qingshan", 2), ("dongling", None)]),
    ],
)
def test_any_column_sorts_the_table_server_side(client, three, world, sort, expected):
    response = overview(client, world.county, {"year": YEAR, "sort": sort})
    assert order_and_ranks(response) == expected


def test_a_header_sorts_best_first_and_the_sorted_one_reverses(client, three, world):
    response = overview(client, world.county, {"year": YEAR, "sort": "-petitions.received"})
    html = response.content.decode()

    def link(key):
        return re.search(rf'href="([^"]+)" data-testid="sort-{re.escape(key)}"', html).group(1).replace("&amp;", "&")

    assert link("petitions.received") == f"?year={YEAR}&sort=petitions.received"
    assert link("petitions.closure_rate") == f"?year={YEAR}&sort=-petitions.closure_rate"
    assert link("petitions.repeat_rate") == f"?year={YEAR}&sort=petitions.repeat_rate"
    assert link("township") == f"?year={YEAR}&sort=township"
    header = re.search(r'aria-sort="descending"[^>]*>(.*?)</th>', html, re.S).group(1)
    assert "收件数" in header and "bi-caret-down-fill" in header
    ascending = overview(client, world.county, {"year": YEAR, "sort": "petitions.received"}).content.decode()
    assert re.search(r'aria-sort="ascending"[^>]*>.*?bi-caret-up-fill.*?</th>', ascending, re.S)


def test_equal_values_share_a_rank():
    column = county.Column("x.rate", SimpleNamespace(kind="rate", higher_is_better=True), "x")
    rows = [
        county.Row(SimpleNamespace(code=str(n)), {"x.rate": county.Ratio(*parts)})
        for n, parts in enumerate([(1, 2), (2, 4), (1, 5), (0, 0), (3, 3)])
    ]
    county.rank(rows, column)
    assert [row.rank for row in rows] == [2, 2, 4, None, 1]


def test_a_ratio_rounds_half_up_and_shows_a_dash_without_a_denominator():
    assert str(county.Ratio(2, 3)) == "66.7%" and str(county.Ratio(1, 16)) == "6.3%"
    assert str(county.Ratio(4, 3, per_cent=False)) == "1.3" and county.Ratio(4, 3, per_cent=False).percent is None
    assert str(county.Ratio(0, 0)) == "—" and county.Ratio(0, 0).value is None


# --- a township's page ---------------------------------------------------------------------------------


def test_a_township_page_has_its_figures_and_twelve_months(client, world):
    """青山镇's page: the overview's figures, and each month as the statistics page's month
    breakdown counts it (receipt, settlement, rating), suggestions by the month submitted,
    confirmed activities by their date; a link to its statistics page; nothing of a case."""
    row = rows_by_code(overview(client, world.county))["qingshan"]
    response = client.get(township_page("qingshan"), {"year": YEAR})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.values == row.values
    assert [m.month for m in page.months] == [date(YEAR, n, 1) for n in range(1, 13)]

    petitions = Petition.objects.visible_to(world.county).filter(township=world.township)
    by_month = stats.breakdown(petitions, stats.Period.for_year(YEAR), "month", today=TODAY)
    for month, expected in zip(page.months, by_month, strict=True):
        assert month.values["petitions.received"] == expected.received
        for name in RATES:
            assert pair(month.values[f"petitions.{name}"]) == pair(getattr(expected, name)), (month.month, name)
    march = page.months[2].values
    assert (march["petitions.received"], march["deputies.activities.activities"]) == (3, 2)
    assert [m.values["deputies.activities.activities"] for m in page.months][:6] == [0, 1, 2, 0, 0, 1]
    assert sum(m.values["deputies.suggestions.total"] for m in page.months) == row.values["deputies.suggestions.total"]
    assert page.months[11].is_future  # December, after 21 Nov

    html = response.content.decode()
    assert f"{reverse('petitions:stats')}?township=qingshan&amp;year={YEAR}" in html
    assert 'data-testid="monthly-trend"' in html and "2026年3月" in html
    assert not re.search(r'href="/petitions/\d+/', html)
    # the township's own monthly report
    assert '<input type="hidden" name="township" value="qingshan">' in html


def test_suggestions_go_to_the_month_they_were_submitted(client, world):
    first = Suggestion.objects.filter(township=world.township, year=YEAR).order_by("sequence").first()
    Suggestion.objects.filter(pk=first.pk).update(
        submitted_at=timezone.make_aware(datetime.combine(date(2026, 3, 2), time(9)))
    )
    client.force_login(world.county)
    page = client.get(township_page("qingshan"), {"year": YEAR}).context["page"]
    assert page.months[2].values["deputies.suggestions.total"] >= 1


def test_an_unknown_township_is_404_and_another_year_is_empty(client, world):
    client.force_login(world.county)
    assert client.get(township_page("nowhere")).status_code == 404
    page = client.get(township_page("qingshan"), {"year": 2025}).context["page"]
    assert page.values["petitions.received"] == 0 and str(page.values["petitions.acceptance_rate"]) == "—"
    assert page.values["deputies.activities.activities"] == 1  # the one of 5 Dec 2025


@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR, Role.AUDITOR, Role.DEPUTY, Role.UNIT_HANDLER])
def test_township_users_are_refused(client, users, township, role):
    client.force_login(users[role])
    assert client.get(OVERVIEW).status_code == 403
    assert client.get(township_page(township.code)).status_code == 403


def test_the_admin_sees_the_overview(client, users, township):
    client.force_login(users[Role.ADMIN])
    assert client.get(OVERVIEW).status_code == 200


def test_no_township_and_no_data_have_their_empty_states(client, make_user, db):
    county_user = make_user(Role.COUNTY, None, username="county_only")
    client.force_login(county_user)
    assert 'data-testid="county-empty"' in client.get(OVERVIEW).content.decode()
    TownshipFactory(code="kong", name="空白乡")
    html = client.get(OVERVIEW).content.decode()
    assert 'data-testid="county-no-data"' in html and "空白乡" in html


# --- a fixed number of queries --------------------------------------------------------------------------


def populate(township, n, make_user):
    """A township with a petition (received, accepted, assigned, answered and rated in 2026), a
    suggestion, two deputies and a confirmed activity."""
    clerk = make_user(Role.CLERK, township, username=f"clerk_{township.code}")
    unit = UnitFactory(township=township, name="自然资源所")
    petition = register_petition(
        township=township, by=clerk, received_on=date(2026, 3, 2), phone=f"139{n:08d}", id_number=""
    )
    petition_accept(petition=petition, by=clerk, on=date(2026, 3, 5))
    case_assign(item=petition, lead_unit=unit, by=clerk, start=date(2026, 3, 5))
    case_reply(item=petition, by=clerk, content="已办理。", result="support")
    case_rate(item=petition, satisfaction=Satisfaction.SATISFIED, rater_key="citizen", rater_label="信访人")
    # settled and rated in 2026 whatever day the test runs on
    Deadline.objects.filter(subject_id=petition.pk, kind="petitions.petition.handling").update(
        met_on=date(2026, 4, 1), met_at=timezone.make_aware(datetime.combine(date(2026, 4, 1), time(10)))
    )
    CaseRating.objects.filter(item_id=petition.pk).update(
        rated_at=timezone.make_aware(datetime.combine(date(2026, 4, 5), time(10)))
    )
    term = TermFactory(township=township)
    deputies = [DeputyFactory(term=term, name=f"代表{n}{i}") for i in range(2)]
    Suggestion.objects.create(
        township=township,
        term=term,
        year=YEAR,
        sequence=1,
        title="村道修缮",
        content="建议修缮村道。",
        submitted_by=clerk,
        state=SuggestionState.REGISTERED,
    )
    ActivityFactory(township=township, date=date(2026, 6, 15), participants=deputies, submitted_by=clerk)


def queries_of(client, url, params):
    from django.core.cache import cache

    client.get(url, params)  # warm per-process caches (content types, translations)
    cache.clear()  # the petitions' figures counted, not read from the snapshot the warm-up stored
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx)


def test_both_pages_take_the_same_queries_for_2_and_for_4_townships(client, users, make_user):
    townships = [TownshipFactory(code=f"t{n}", name=f"第{n}镇") for n in range(4)]
    for n, township in enumerate(townships[:2]):
        populate(township, n, make_user)
    client.force_login(users[Role.COUNTY])
    params = {"year": YEAR}
    two = queries_of(client, OVERVIEW, params), queries_of(client, township_page("t0"), params)
    for n, township in enumerate(townships[2:], start=2):
        populate(township, n, make_user)
    four = queries_of(client, OVERVIEW, params), queries_of(client, township_page("t0"), params)
    rows = client.get(OVERVIEW, params).context["overview"].rows
    assert len([r for r in rows if r.values["petitions.received"]]) == 4  # the extra rows really count

    assert two == four, (two, four)
    # 15 and 20 when written: the session, the user, its roles and permissions, the townships, then
    # each app's grouped reads (petitions: the statistics' rows and the overdue; suggestions: the
    # year report's counts and the overdue; activities and deputies), and on the township page
    # the month breakdowns
    assert four[0] <= 20 and four[1] <= 24, four


# --- no petitioner data for the county ----------------------------------------------------------------


def nav_links(html):
    menu = re.search(r'<ul class="navbar-nav me-auto[^"]*">(.*?)</ul>', html, re.S).group(1)
    return re.findall(r'href="([^"]+)"><i', menu)


def test_no_page_a_county_user_reaches_shows_a_petitioner(client, world):
    """Every menu entry, the overview, both township pages, the deadline list (a petition's
    deadline is titled with its 信访事由, which here names the petitioner), notifications, the
    search-as-you-type lookups and the reception day with the petitioner's visit: no name, address,
    phone or ID number, masked or not, and no link to a page the county is refused."""
    from congress_office.registries import lookup_kinds

    # the data is there: a clerk's deadline list names the petitioner
    client.force_login(world.users[Role.CLERK])
    assert PETITIONER in client.get(reverse("core:deadline_list")).content.decode()

    client.force_login(world.county)
    home = client.get(reverse("core:home")).content.decode()
    urls = [reverse("core:home"), *nav_links(home)]
    assert OVERVIEW in urls and reverse("petitions:stats") in urls
    assert reverse("petitions:petition_list") not in urls
    urls += [
        f"{OVERVIEW}?year={YEAR}",
        f"{township_page('qingshan')}?year={YEAR}",
        f"{township_page('baishui')}?year={YEAR}",
        f"{reverse('petitions:stats')}?year={YEAR}",
        f"{reverse('petitions:stats')}?year={YEAR}&township=qingshan",
        reverse("core:deadline_list") + "?state=overdue",
        reverse("core:notification_list"),
        reverse("deputies:reception_detail", args=[world.reception_day.pk]),
        reverse("deputies:suggestion_report") + f"?year={YEAR}",
    ]
    urls += [reverse("core:lookup", args=[kind]) for kind, _spec in lookup_kinds.items()]
    urls += [reverse("core:lookup", args=[kind]) + "?q=王" for kind, _spec in lookup_kinds.items()]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)  # 404: a lookup kind not for them
        pages[url] = response.content.decode()
    for url, html in pages.items():
        for text in forbidden_strings():
            assert text not in html, (url, text)
        assert 'href="/petitions/"' not in html, url
        assert not re.search(r'href="/petitions/(\d+|export|files)/', html), url
        assert reverse("deputies:deputy_export") not in html, url
    # no link of the home page or the overview leads to a refused page
    links = set()
    for url in (reverse("core:home"), f"{OVERVIEW}?year={YEAR}", f"{township_page('qingshan')}?year={YEAR}"):
        links |= {href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"]*)"', pages[url])}
    skipped = ("/static/", "/accounts/logout/", "/i18n/", "/admin/", "/petitions/public/")
    for href in sorted(links):
        if not href.startswith(skipped):
            assert client.get(href).status_code != 403, href
    # the petition deadlines are not listed to the county, nor opened
    named = Deadline.objects.filter(subject_id=world.petitions["named"].pk, subject_type__model="petition").first()
    assert client.get(named.get_absolute_url()).status_code == 404


def test_the_county_monthly_report_names_no_petitioner(client, world, django_capture_on_commit_callbacks):
    """The county user starts 信访工作月度分析 for the whole county (township "") from the
    overview's form: the PDF covers every township and names no petitioner, although November's
    petition is titled with the petitioner's name."""
    client.force_login(world.county)
    for month in ("4", "11"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(REPORT_START, {"year": str(YEAR), "month": month, "township": ""})
        job = PdfJob.objects.filter(owner=world.county).latest("created_at")
        assert response.status_code == 302 and response.url == job.get_absolute_url()
        assert job.status == PdfJobStatus.DONE, job.message
        text = squash(pdf_text(job.file.read()))
        assert f"示范县{YEAR}年{month}月信访工作情况分析" in text and "示范县人大常委会" in text
        for forbidden in forbidden_strings():
            assert forbidden not in text, (month, forbidden)
    assert "信访工作月度分析" in text


# --- the role table and its migration ------------------------------------------------------------------


def test_the_county_group_no_longer_holds_view_petition_and_the_migration_removes_it():
    """The role table grants the county the statistics and subjects only; migration 0007 takes
    view_petition away from a county group that still holds it (an older database), and keeps
    the rest."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from petitions.permissions import PETITIONS_ROLE_PERMISSIONS

    assert "petitions.view_petition" not in PETITIONS_ROLE_PERMISSIONS[Role.COUNTY]
    group = Group.objects.get(name=Role.COUNTY.value)
    assert not group.permissions.filter(content_type__app_label="petitions", codename="view_petition").exists()
    view = Permission.objects.get(content_type__app_label="petitions", codename="view_petition")
    group.permissions.add(view)
    migration = importlib.import_module("petitions.migrations.0007_county_reads_aggregates")
    migration.forwards(apps, None)
    held = set(group.permissions.filter(content_type__app_label="petitions").values_list("codename", flat=True))
    assert held == {"view_subject", "view_petition_stats"}
    clerk = Group.objects.get(name=Role.CLERK.value)
    assert clerk.permissions.filter(pk=view.pk).exists()
