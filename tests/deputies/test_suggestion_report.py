"""The year report of suggestions for the session: its rates on a known set of suggestions,
the page, and the PDF rendered by the background task (Chinese text, fonts embedded), plus the
supervision notice (督办单) PDF."""

# ruff: noqa: F811  (fixtures imported from test_suggestions are named as test arguments)
import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from congress_office.cases import Satisfaction
from congress_office.models import CaseReply, PdfJob, PdfJobStatus
from congress_office.roles import Role
from congress_office.services.cases import case_lapse_feedback
from deputies.suggestions import services
from deputies.suggestions.models import Consultation
from deputies.suggestions.selectors import suggestion_year_report

from .factories import DeputyFactory, TermFactory
from .test_suggestions import (  # noqa: F401  (fixtures)
    assign,
    co_unit,
    consult,
    deputy_b,
    deputy_c,
    lead_handler,
    on,
    rate,
    submit,
)

pytestmark = pytest.mark.django_db

REPORT = "deputies.suggestion_report"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


def answer(suggestion, by, category, *, consulted_with):
    consult(suggestion, by, consulted_with)
    return services.suggestion_reply(suggestion=suggestion, by=by, category=category, content=f"{category}类答复。")


@pytest.fixture
def known_set(deputy_user, deputy, deputy_b, deputy_c, term, clerk, unit, lead_handler, on, other_township, make_user):
    """Six suggestions of the year:

    1 村道修缮   A, consulted; 满意 + 基本满意 → closed
    2 路灯安装   B, consulted; 不满意 → reopened; consulted again, A; 满意 + 满意 → closed
    3 公共厕所   D; its consultation was entered only after the answer (backfilled): not "before"
    4 冷链仓储   C, consulted; 基本满意 → closed
    5 河道整治   assigned, not answered
    6 校门安全   awaiting assignment
    plus one of last year and one of another township, which the report leaves out.

    Answered 4; consulted before the answer 3 → 面商率 75.0%; latest answer A: 1 and 2 →
    解决率 50.0%; ratings 6, of which 满意/基本满意 5 → 满意率 83.3%."""
    on(date(2025, 12, 20))
    last_year = submit(deputy_user, term, title="去年的建议")
    assign(last_year, clerk, unit)
    answer(last_year, lead_handler, "A", consulted_with=[deputy])
    on(date(2026, 3, 2))
    made = {}
    made[1] = submit(deputy_user, term, title="村道修缮", co=[deputy_b])
    made[2] = submit(deputy_user, term, title="路灯安装", co=[deputy_c])
    made[3] = submit(deputy_user, term, title="公共厕所")
    made[4] = submit(deputy_b.user, term, title="冷链仓储")
    made[5] = submit(deputy_user, term, title="河道整治")
    made[6] = submit(deputy_user, term, title="校门安全")
    for n in range(1, 6):
        assign(made[n], clerk, unit)
    on(date(2026, 4, 1))
    answer(made[1], lead_handler, "A", consulted_with=[deputy, deputy_b])
    rate(made[1], deputy, Satisfaction.SATISFIED)
    rate(made[1], deputy_b, Satisfaction.BASICALLY)
    answer(made[2], lead_handler, "B", consulted_with=[deputy])
    rate(made[2], deputy, Satisfaction.UNSATISFIED, comment="没有时间表。")
    answer(made[2], lead_handler, "A", consulted_with=[deputy, deputy_c])
    rate(made[2], deputy, Satisfaction.SATISFIED)
    rate(made[2], deputy_c, Satisfaction.SATISFIED, by=clerk)
    answer(made[3], lead_handler, "D", consulted_with=[deputy])
    replied_at = CaseReply.objects.get(item_id=made[3].pk).replied_at
    Consultation.objects.filter(suggestion=made[3]).update(recorded_at=replied_at + timedelta(hours=2))
    answer(made[4], lead_handler, "C", consulted_with=[deputy_b])
    rate(made[4], deputy_b, Satisfaction.BASICALLY)
    other_term = TermFactory(township=other_township)
    other_user = make_user(Role.DEPUTY, other_township, username="bs_deputy")
    DeputyFactory(term=other_term, name="吴德明", user=other_user)
    submit(other_user, other_term, title="白水乡的建议")
    return made


def test_the_rates_on_a_known_set(known_set, clerk):
    report = suggestion_year_report(user=clerk, year=2026)

    assert [r.title for r in report.rows] == ["村道修缮", "路灯安装", "公共厕所", "冷链仓储", "河道整治", "校门安全"]
    assert (report.total, report.answered, report.consulted, report.solved) == (6, 4, 3, 2)
    assert (report.ratings, report.satisfied) == (6, 5)
    assert (str(report.consultation_rate), str(report.solved_rate), str(report.satisfaction_rate)) == (
        "75.0",
        "50.0",
        "83.3",
    )
    assert dict(report.by_state) == {"待交办": 1, "办理中": 1, "已答复待评价": 1, "不满意重新办理": 0, "已办结": 3}
    assert dict(report.by_category)["A类：已经解决或者基本解决"] == 2


def test_the_report_query_count_does_not_grow(known_set, clerk, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # content type (unless cached), the rows, their signers
        suggestion_year_report(user=clerk, year=2026)


def test_an_empty_year_has_no_rates(clerk):
    report = suggestion_year_report(user=clerk, year=2026)

    assert report.total == 0 and report.consultation_rate is None and report.satisfaction_rate is None


def test_the_report_page(known_set, client, clerk):
    client.force_login(clerk)

    response = client.get(reverse("deputies:suggestion_report"), {"year": 2026})
    html = response.content.decode()

    assert response.status_code == 200
    for text in ("面商率", "75.0%", "解决率", "50.0%", "满意率", "83.3%", "村道修缮"):
        assert text in html, text
    assert "白水乡的建议" not in html and "去年的建议" not in html


def test_the_resolved_categories_come_from_the_settings(known_set, clerk, client, settings):
    """解决率 counts the categories settings.SUGGESTION_RESOLVED_CATEGORIES names, read when the
    report is made: A by default (1 and 2 of 4 → 50.0%); with A and C, 4 counts too (75.0%)."""
    client.force_login(clerk)
    page = reverse("deputies:suggestion_report")
    assert suggestion_year_report(user=clerk, year=2026).solved == 2
    assert "最近一次答复为A类的件数 ÷ 已答复件数" in client.get(page, {"year": 2026}).content.decode()

    settings.SUGGESTION_RESOLVED_CATEGORIES = ["A", "C"]
    report = suggestion_year_report(user=clerk, year=2026)
    html = client.get(page, {"year": 2026}).content.decode()

    assert (report.solved, str(report.solved_rate), report.resolved_label) == (3, "75.0", "A类、C类")
    assert 'data-testid="solved-rate">75.0%<' in html
    assert 'data-testid="solved-basis">A类、C类 3 / 4 件<' in html
    assert "最近一次答复为A类、C类的件数 ÷ 已答复件数" in html


def test_unrated_is_counted_apart_and_not_in_the_denominator(known_set, clerk, client, on):
    """公共厕所's window lapses with 张桂兰 not having rated: she is recorded 未评价, which the page
    shows apart; 满意率 stays 5 of the 6 ratings given (83.3%), and the page states the rule."""
    on(date(2026, 6, 1))
    case_lapse_feedback(today=date(2026, 6, 1))
    client.force_login(clerk)

    report = suggestion_year_report(user=clerk, year=2026)
    html = client.get(reverse("deputies:suggestion_report"), {"year": 2026}).content.decode()

    assert (report.ratings, report.satisfied, report.unrated, str(report.satisfaction_rate)) == (6, 5, 1, "83.3")
    assert [(r.title, r.unrated_count, r.rating_count) for r in report.rows if r.unrated_count] == [("公共厕所", 1, 0)]
    assert dict(report.by_state)["已办结"] == 4
    assert 'data-testid="satisfaction-rate">83.3%<' in html
    assert 'data-testid="unrated-count">未评价 1 人次（不计入）<' in html
    assert 'data-testid="row-unrated">未评价 1<' in html
    assert "满意率 = (满意 + 基本满意) ÷ 已评价；反馈期限届满未评价的记为“未评价”，单列，不计入分母。" in html


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_HANDLER])
def test_deputies_and_units_do_not_get_the_report(role, client, users):
    client.force_login(users[role])

    assert client.get(reverse("deputies:suggestion_report")).status_code == 403
    assert client.post(reverse("core:pdfjob_start", args=[REPORT]), {"year": "2026"}).status_code == 403


def squash(text):
    return re.sub(r"\s+", "", text)


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def fonts_of(data):
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        fonts.extend(ref.get_object() for ref in (resources.get("/Font") or {}).values())
    return fonts


def embedded(font):
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def run_job(client, report, data, capture):
    with capture(execute=True):
        response = client.post(reverse("core:pdfjob_start", args=[report]), data)
    assert response.status_code == 302
    job = PdfJob.objects.get(report=report)
    assert job.status == PdfJobStatus.DONE, job.message
    with job.file.open("rb") as handle:
        return handle.read()


def test_the_report_pdf_is_rendered_by_the_task_with_fonts_embedded(
    known_set, client, clerk, django_capture_on_commit_callbacks
):
    """The job runs through the Celery task path (eager in tests); the PDF's text has the rates,
    the rules they follow (未评价 apart, outside the denominator; the page's test has one) and
    the suggestions' titles, and every font it uses is embedded."""
    client.force_login(clerk)

    data = run_job(client, REPORT, {"year": "2026"}, django_capture_on_commit_callbacks)

    text = squash(pdf_text(data))
    for expected in (
        "代表建议、批评和意见",
        "面商率",
        "75.0%",
        "解决率",
        "50.0%",
        "A类2件/已答复4件",
        "满意率",
        "83.3%",
        "满意及基本满意5人次/已评价6人次；未评价0人次（不计入）",
        "满意率=(满意+基本满意)÷已评价；反馈期限届满未评价的记为“未评价”，单列，不计入分母。",
        "最近一次答复为A类的件数÷已答复件数",
        "村道修缮",
        "建议〔2026〕1号",
    ):
        assert expected in text, expected
    assert "白水乡的建议" not in text
    fonts = fonts_of(data)
    assert fonts and all(embedded(f) for f in fonts)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "suggestion_report.pdf").write_bytes(data)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(ARTIFACTS / "suggestion_report.pdf"),
                str(ARTIFACTS / "suggestion_report"),
            ],
            check=True,
        )


def test_a_pdf_for_a_year_that_is_not_a_year_fails_with_a_message(client, clerk, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:pdfjob_start", args=[REPORT]), {"year": "abc"})

    job = PdfJob.objects.get(report=REPORT)
    assert job.status == PdfJobStatus.FAILED and "请选择报告年度" in job.message


def test_the_supervision_notice_pdf(
    deputy_user, deputy, term, clerk, chair, unit, client, django_capture_on_commit_callbacks
):
    suggestion = submit(deputy_user, term, title="关于整治双河村河道垃圾的建议")
    assign(suggestion, clerk, unit)
    supervision = services.suggestion_supervise(
        suggestion=suggestion,
        by=chair,
        content="该建议即将到期，请加快办理。",
        reply_by=date.today() + timedelta(days=10),
    )
    client.force_login(chair)

    data = run_job(
        client,
        "deputies.suggestion_supervision",
        {"supervision_id": str(supervision.pk)},
        django_capture_on_commit_callbacks,
    )

    text = squash(pdf_text(data))
    for expected in (
        "代表建议督办单",
        str(supervision.number),
        "关于整治双河村河道垃圾的建议",
        "自然资源所",
        "该建议即将到期，请加快办理。",
        "张桂兰",
    ):
        assert expected in text, expected
    assert all(embedded(f) for f in fonts_of(data))
    (ARTIFACTS / "suggestion_supervision.pdf").write_bytes(data)


def test_a_supervision_notice_of_another_township_is_not_found(
    deputy_user, deputy, term, clerk, chair, unit, client, other_clerk, django_capture_on_commit_callbacks
):
    suggestion = submit(deputy_user, term)
    assign(suggestion, clerk, unit)
    supervision = services.suggestion_supervise(suggestion=suggestion, by=chair, content="请加快办理。")
    client.force_login(other_clerk)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("core:pdfjob_start", args=["deputies.suggestion_supervision"]),
            {"supervision_id": str(supervision.pk)},
        )

    job = PdfJob.objects.get(report="deputies.suggestion_supervision")
    assert job.status == PdfJobStatus.FAILED and "找不到该督办单" in job.message
