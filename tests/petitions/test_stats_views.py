"""The statistics page, its .xlsx export, the monthly analysis report (PDF through the job path,
Celery eager) and the home page cards: access, township scoping, figures and query counts.
The known set of petitions is the one of test_stats.py."""

import io
from urllib.parse import unquote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from congress_office.models import PdfJob, PdfJobStatus
from congress_office.roles import Role
from petitions.models import Petition

from ..core.test_pdf import is_embedded, pdf_fonts, pdf_text, save_artifact, squash
from ..factories import UnitFactory
from .test_stats import build_known_set, make_batch

STATS = reverse("petitions:stats")
EXPORT = reverse("petitions:stats_export")
REPORT_START = reverse("core:pdfjob_start", args=["petitions.monthly_report"])
YEAR = {"year": "2026"}


@pytest.fixture
def known(township, other_township, users, unit, other_unit, make_user):
    """The known set of test_stats.py (six petitions in 青山镇, one in 白水乡)."""
    second_unit = UnitFactory(township=township, name="劳动保障所")
    return build_known_set(township, other_township, users, unit, second_unit, other_unit, make_user)


def page(client, user, params=None, url=STATS):
    client.force_login(user)
    return client.get(url, params or {})


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- access -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [STATS, EXPORT])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_HANDLER])
@pytest.mark.parametrize("url", [STATS, EXPORT])
def test_deputies_and_unit_handlers_are_forbidden(client, users, role, url):
    assert page(client, users[role], url=url).status_code == 403


@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR, Role.AUDITOR, Role.COUNTY, Role.ADMIN])
def test_the_office_and_the_county_may_open_the_page(client, users, role):
    response = page(client, users[role])
    assert response.status_code == 200
    assert "信访统计" in response.text and 'data-testid="stats-kpis"' in response.text


def test_the_report_is_refused_to_a_deputy(client, users):
    client.force_login(users[Role.DEPUTY])
    assert client.post(REPORT_START, {"year": "2026", "month": "4"}).status_code == 403
    assert not PdfJob.objects.exists()


# --- the page ----------------------------------------------------------------------------------------


def test_the_clerk_sees_the_figures_the_chart_and_the_definitions(client, known, clerk):
    response = page(client, clerk, YEAR)
    html = response.text
    kpis = response.context["stats"].totals

    assert (kpis.received, str(kpis.acceptance_rate), str(kpis.closure_rate)) == (6, "80.0%", "60.0%")
    for testid, text in [
        ("kpi-received", ">6<"),
        ("kpi-acceptance", "80.0%"),
        ("kpi-closure", "60.0%"),
        ("kpi-reply", "75.0%"),
        ("kpi-satisfaction", "75.0%"),
        ("kpi-repeat", "16.7%"),
    ]:
        start = html.index(f'data-testid="{testid}"')
        assert text in html[start : start + 700], testid
    assert "回访满意率 50.0%" in html
    assert "青山镇 · 2026年（2026-01-01 至 2026-12-31）" in html
    for testid in (
        "breakdown-month",
        "breakdown-channel",
        "breakdown-category",
        "breakdown-subject",
        "breakdown-unit",
        "top-subjects",
        "overdue-units",
        "definitions",
    ):
        assert f'data-testid="{testid}"' in html, testid
    assert "自然资源所" in html and "土地征收" in html and "应办结件次中按期办结的比例" in html
    assert 'id="petition-trend-data"' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/petition_stats.js" in html
    chart = response.context["chart_data"]
    assert chart["received"] == [0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0]
    assert chart["closure"][3:7] == [100.0, 50.0, 50.0, None]
    assert f'href="{EXPORT}?year=2026"' in html
    assert f'action="{REPORT_START}"' in html and "生成月度分析报告" in html
    assert 'name="township"' not in html  # no township filter for a township's user


def test_the_page_renders_in_english(client, known, clerk):
    client.force_login(clerk)
    client.cookies["django_language"] = "en"
    response = client.get(STATS, YEAR)
    assert response.status_code == 200 and 'lang="en"' in response.text
    assert str(response.context["stats"].totals.acceptance_rate) == "80.0%"


def test_another_townships_clerk_sees_none_of_it(client, known):
    response = page(client, known["other_clerk"], YEAR)
    html = response.text
    assert response.context["stats"].totals.received == 1
    assert "拆迁补偿" in html and "财政所" in html
    assert "土地征收" not in html and "自然资源所" not in html


def test_a_township_user_cannot_pick_another_township(client, known, clerk):
    response = page(client, clerk, {**YEAR, "township": "baishui"})
    assert response.context["stats"].totals.received == 6 and "拆迁补偿" not in response.text


def test_the_county_sees_every_township_and_may_pick_one(client, known, users):
    county = users[Role.COUNTY]
    everything = page(client, county, YEAR)
    assert everything.context["stats"].totals.received == 7
    assert 'name="township"' in everything.text and "全部乡镇" in everything.text
    assert "白水乡·财政所" in everything.text and "示范县 · 2026年" in everything.text

    one = page(client, county, {**YEAR, "township": "baishui"})
    assert one.context["stats"].totals.received == 1
    assert "白水乡 · 2026年" in one.text and "土地征收" not in one.text
    assert '<input type="hidden" name="township" value="baishui">' in one.text  # the report follows the pick


def test_a_range_of_months(client, known, clerk):
    response = page(client, clerk, {"start": "2026-04", "end": "2026-05"})
    t = response.context["stats"].totals
    assert (t.received, str(t.closure_rate), str(t.satisfaction_rate)) == (3, "66.7%", "50.0%")
    assert "2026年4月至2026年5月" in response.text
    assert [row.label for row in response.context["stats"].by_month] == ["2026年4月", "2026年5月"]


@pytest.mark.parametrize(
    "params, error",
    [
        ({"start": "2026-05", "end": "2026-04"}, "截止月份不能早于起始月份"),
        ({"start": "五月", "end": "2026-06"}, "请按“年-月”填写"),
        ({"start": "2010-01", "end": "2026-06"}, "统计期最长 120 个月"),
    ],
)
def test_a_wrong_range_is_explained_and_the_year_shown(client, clerk, params, error):
    response = page(client, clerk, params)
    assert response.status_code == 200
    assert error in response.text and "已按本年度统计。" in response.text
    assert response.context["period"].start.month == 1 and response.context["period"].end.month == 12


def test_the_page_takes_a_fixed_number_of_queries(client, township, users, unit):
    clerk, handler = users[Role.CLERK], users[Role.UNIT_HANDLER]
    ContentType.objects.get_for_model(Petition)
    client.force_login(clerk)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(STATS, YEAR)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context["stats"].totals.received

    make_batch(township, clerk, unit, handler, 2, 100)
    small, n_small = count()
    make_batch(township, clerk, unit, handler, 6, 200)
    large, n_large = count()
    assert (n_small, n_large) == (2, 8)
    assert small == large


# --- the .xlsx export ---------------------------------------------------------------------------------


def test_the_export_has_a_sheet_per_breakdown_with_chinese_headers_and_numbers(client, known, clerk):
    response = page(client, clerk, YEAR, url=EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "青山镇信访统计（2026年）.xlsx" in unquote(response["Content-Disposition"])
    book = workbook(response)
    assert book.sheetnames == [
        "总体情况",
        "按月份",
        "按信访方式",
        "按信访类别",
        "按事项分类",
        "按主办单位",
        "逾期单位",
        "口径说明",
    ]

    summary = {row[0]: tuple(row[1:]) for row in sheet_rows(book["总体情况"])[4:]}
    assert summary["收件数"][0] == 6
    assert summary["按期受理率"] == (0.8, 4, 5)
    assert summary["按期办结率"] == (0.6, 3, 5)
    assert summary["答复率"] == (0.75, 3, 4)
    assert summary["满意率"] == (0.75, 3, 4)
    assert summary["回访满意率"] == (0.5, 1, 2)
    assert book["总体情况"]["B7"].number_format == "0.0%"

    channels = sheet_rows(book["按信访方式"])
    assert channels[0] == [
        "信访方式",
        "收件数",
        "重复信访件数",
        "重复信访率",
        "已作受理决定件数",
        "按期受理件数",
        "按期受理率",
        "受理件数",
        "已答复件数",
        "答复率",
        "应办结件次",
        "按期办结件次",
        "按期办结率",
        "评价人次",
        "满意人次（含基本满意）",
        "满意率",
    ]
    visit = next(row for row in channels if row[0] == "来访")
    assert visit[1:] == [2, 1, 0.5, 2, 1, 0.5, 2, 2, 1.0, 3, 2, pytest.approx(2 / 3), 3, 2, pytest.approx(2 / 3)]
    fax = next(row for row in channels if row[0] == "传真")
    assert fax[1] == 0 and fax[3] is None  # nothing to divide by: an empty cell
    assert channels[-1][:2] == ["合计", 6]

    months = sheet_rows(book["按月份"])
    assert [row[0] for row in months[1:13]] == [f"2026年{m}月" for m in range(1, 13)]
    assert [row[1] for row in months[1:13]] == [0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0]
    subjects = sheet_rows(book["按事项分类"])
    assert [row[:2] for row in subjects[1:4]] == [["土地征收", 3], ["劳资纠纷", 2], ["环境污染", 1]]
    units = sheet_rows(book["按主办单位"])
    assert units[1][0] == "自然资源所" and units[1][10:13] == [4, 3, 0.75]
    overdue = sheet_rows(book["逾期单位"])
    assert overdue[0] == ["承办单位", "乡镇", "逾期未办结件数", "最早到期日"]
    assert overdue[1][:3] == ["自然资源所", "青山镇", 1]
    notes = sheet_rows(book["口径说明"])
    assert notes[0] == ["指标", "统计口径"] and "按期办结率" in [row[0] for row in notes]


def test_the_export_keeps_to_the_users_township(client, known):
    book = workbook(page(client, known["other_clerk"], YEAR, url=EXPORT))
    values = {str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    assert "拆迁补偿" in values and "财政所" in values
    assert "土地征收" not in values and "自然资源所" not in values


def test_the_export_is_in_chinese_whatever_the_language(client, known, clerk):
    client.force_login(clerk)
    client.cookies["django_language"] = "en"
    book = workbook(client.get(EXPORT, YEAR))
    assert book.sheetnames[0] == "总体情况" and sheet_rows(book["按信访方式"])[1][0] == "来信"


# --- the monthly analysis report ---------------------------------------------------------------------


def start_report(client, user, data, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REPORT_START, data)
    return response, PdfJob.objects.filter(owner=user).latest("created_at")


def test_the_monthly_report_is_rendered_through_the_job(client, known, clerk, django_capture_on_commit_callbacks):
    response, job = start_report(client, clerk, {"year": "2026", "month": "4"}, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.status, job.progress, job.message) == (PdfJobStatus.DONE, 100, "已完成")
    assert job.params == {"year": "2026", "month": "4"} and job.title == "信访工作月度分析"
    data = job.file.read()
    save_artifact("petition-monthly-report", data)

    text = squash(pdf_text(data))
    assert "信访工作月度分析" in text and "青山镇2026年4月信访工作情况分析" in text
    # April 2025 had no petition: no "同比增加3件" against nothing (issue 14)
    assert "共收到信访件3件，环比持平，上年同期无数据。" in text
    assert "同比增加" not in text
    assert "土地征收" in text and "自然资源所" in text
    assert "按期受理率100.0%" in text and "答复率50.0%" in text
    assert "青山镇人大办公室" in text and "统计口径" in text
    fonts = pdf_fonts(data)
    assert fonts and all(is_embedded(font) for font in fonts)

    download = client.get(reverse("core:pdfjob_download", args=[job.pk]))
    assert download.status_code == 200


def test_another_townships_report_holds_only_its_petitions(client, known, django_capture_on_commit_callbacks):
    _response, job = start_report(
        client, known["other_clerk"], {"year": "2026", "month": "3"}, django_capture_on_commit_callbacks
    )
    assert job.status == PdfJobStatus.DONE
    text = squash(pdf_text(job.file.read()))
    assert "白水乡2026年3月信访工作情况分析" in text and "拆迁补偿" in text and "财政所" in text
    assert "土地征收" not in text and "自然资源所" not in text


def test_the_county_report_covers_a_township_it_picks(client, known, users, django_capture_on_commit_callbacks):
    county = users[Role.COUNTY]
    _response, job = start_report(
        client, county, {"year": "2026", "month": "3", "township": "baishui"}, django_capture_on_commit_callbacks
    )
    assert job.status == PdfJobStatus.DONE
    text = squash(pdf_text(job.file.read()))
    assert "白水乡2026年3月信访工作情况分析" in text and "土地征收" not in text

    _response, job = start_report(client, county, {"year": "2026", "month": "3"}, django_capture_on_commit_callbacks)
    text = squash(pdf_text(job.file.read()))
    assert "示范县2026年3月信访工作情况分析" in text and "示范县人大常委会" in text
    assert "土地征收" in text and "拆迁补偿" in text


@pytest.mark.parametrize("data", [{"year": "2026", "month": "13"}, {"month": "4"}, {"year": "2999", "month": "1"}])
def test_a_wrong_month_fails_the_job_with_a_chinese_message(client, clerk, data, django_capture_on_commit_callbacks):
    _response, job = start_report(client, clerk, data, django_capture_on_commit_callbacks)
    assert job.status == PdfJobStatus.FAILED
    assert job.message.startswith("生成失败：") and (
        "请选择要分析的年份和月份" in job.message or "只能分析已经开始的月份" in job.message
    )


# --- the home page -------------------------------------------------------------------------------------


def test_the_home_page_shows_the_petition_cards_to_clerks_and_chairs(client, known, users):
    for role in (Role.CLERK, Role.CHAIR):
        html = page(client, users[role], url=reverse("core:home")).text
        # 本月信访 opens the petitions it counts (issue 14: every count leads to its records)
        listed = f'href="{reverse("petitions:petition_list")}?received_after='
        assert "本月信访" in html and "信访逾期" in html and listed in html
    for role in (Role.DEPUTY, Role.AUDITOR):
        html = page(client, users[role], url=reverse("core:home")).text
        assert "本月信访" not in html


def test_the_cards_keep_the_home_page_within_its_query_ceiling(client, known, clerk):
    """tests/core/test_queries.py allows the home page 32 queries; the two cards take one each."""
    client.force_login(clerk)
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("core:home"))
    cards = [str(card.title) for card in response.context["cards"]]
    assert "本月信访" in cards and "信访逾期" in cards
    assert len(ctx.captured_queries) <= 32


def test_the_report_form_offers_last_month_or_the_periods_last():
    from datetime import date

    from petitions.services.stats import Period
    from petitions.views.stats import report_default_month

    today = date(2026, 11, 21)
    assert report_default_month(Period.for_year(2026), today) == (2026, 10)
    assert report_default_month(Period.for_year(2025), today) == (2025, 12)
    assert report_default_month(Period.for_month(2026, 11), today) == (2026, 11)
    assert report_default_month(Period.for_year(2026), date(2026, 1, 9)) == (2026, 1)


def test_a_long_unit_table_lists_the_busiest_and_says_how_many_it_left_out(client, known, users, monkeypatch):
    from petitions.services import stats as stats_service

    monkeypatch.setattr(stats_service, "PAGE_ROWS", 1)
    response = page(client, users[Role.COUNTY], YEAR)
    html = response.content.decode()
    result = response.context["stats"]

    units = [row for row in result.by_unit if row.key]
    assert len(units) >= 2 and len(result.overdue_units) == 2  # 青山镇's 自然资源所 and 白水乡's unit
    shown = dict((key, (rows, more)) for key, _t, _d, rows, more in result.page_breakdowns())
    assert len(shown["unit"][0]) == 1 and shown["unit"][1] == len(result.by_unit) - 1
    assert f"另有 {len(result.by_unit) - 1} 项未列出" in html
    assert "另有 1 个单位有逾期未办结事项" in html
    assert result.totals.received == 7  # the totals keep every row
