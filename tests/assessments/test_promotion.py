"""The promotion score (40 % assessment + 60 % inspection) and the reserve-cadre list: every
number, its explanation, and the flags that bar a promotion."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import evaluation as ev
from assessments import services as svc
from assessments.choices import SubjectKind
from assessments.models import EvaluationAnswer, EvaluationResponse
from assessments.promotion import reserve_list

YEAR = 2026
GRADES = {  # name: grades of 2024, 2025, 2026
    "陈志明": ["excellent", "excellent", "competent"],
    "刘红梅": ["excellent", "excellent", "excellent"],
    "张国强": ["basically", "competent", "basically"],  # two 一般 years: flagged
    "孙建华": ["competent", "incompetent", "excellent"],  # one 较差 year: flagged
}


@pytest.fixture
def plans(township, clerk):
    made = []
    for offset, year in enumerate((YEAR - 2, YEAR - 1, YEAR)):
        plan = svc.plan_create(township=township, by=clerk, year=year)
        kind = svc.type_add(plan=plan, by=clerk, name="经济发展类")
        svc.indicator_add(assessment_type=kind, by=clerk, name="财政收入", weight=100)
        for name, grades in GRADES.items():
            subject = svc.subject_add(plan=plan, by=clerk, kind=SubjectKind.CADRE, name=name, assessment_type=kind)
            subject.grade = grades[offset]
            subject.save(update_fields=["grade"])
        made.append(plan)
    return made


def closed_evaluation(plan, clerk, good, total):
    """A closed evaluation in which 陈志明 got `good` 好/较好 answers out of `total`."""
    evaluation = ev.evaluation_create(plan=plan, by=clerk)
    evaluation.state = "closed"
    evaluation.save()
    subject = plan.subjects.get(name="陈志明")
    question = evaluation.questions.first()
    for n in range(total):
        response = EvaluationResponse.objects.create(evaluation=evaluation)
        EvaluationAnswer.objects.create(
            response=response, subject=subject, question=question, rating="good" if n < good else "fair"
        )


def test_every_number_of_the_promotion_score(plans, clerk):
    plan = plans[-1]
    closed_evaluation(plan, clerk, good=9, total=12)
    svc.inspection_set(subject=plan.subjects.get(name="陈志明"), by=clerk, score="52.5")
    with pytest.raises(ValidationError, match="0–60 分"):
        svc.inspection_set(subject=plan.subjects.get(name="刘红梅"), by=clerk, score=61)
    rows = {r.subject.name: r for r in reserve_list(plan)}
    chen = rows["陈志明"]
    assert (chen.excellent_years, chen.excellent_points) == (2, Decimal(12))
    assert chen.evaluation_points == Decimal("7.50") and "9/12" in chen.evaluation_basis
    assert chen.assessment_points == Decimal("19.50") and chen.total == Decimal("72.00") and chen.promotable
    assert [y for y, _label in chen.years] == [YEAR - 2, YEAR - 1, YEAR]
    assert rows["刘红梅"].excellent_points == 18 and rows["刘红梅"].inspection_points is None
    assert rows["张国强"].flags == ["任期内有 2 个年度为基本称职（一般）"]
    assert rows["孙建华"].flags == ["任期内有 1 个年度为不称职（较差）"]
    order = [r.subject.name for r in reserve_list(plan)]
    assert order[:2] == ["陈志明", "刘红梅"] and set(order[2:]) == {"张国强", "孙建华"}  # flagged last


def test_the_excellent_points_are_capped_and_the_term_is_a_setting(plans, settings):
    settings.ASSESSMENT_EXCELLENT_YEAR_POINTS = 20
    rows = {r.subject.name: r for r in reserve_list(plans[-1])}
    assert rows["刘红梅"].excellent_points == 30  # 3 × 20, at most 30
    settings.ASSESSMENT_TERM_YEARS = 1
    rows = {r.subject.name: r for r in reserve_list(plans[-1])}
    assert rows["刘红梅"].excellent_years == 1 and rows["张国强"].promotable  # one year only in view


def test_the_page_explains_the_numbers_and_saves_inspection_scores(client_for, clerk, plans):
    plan = plans[-1]
    client = client_for(clerk)
    page = client.get(reverse("assessments:promotion", args=[plan.pk])).content.decode()
    assert "综合得分 = 考核得分（40%）+ 考察得分（60%）" in page and page.count('data-testid="not-promotable"') == 2
    chen = plan.subjects.get(name="陈志明")
    client.post(reverse("assessments:promotion", args=[plan.pk]), {f"inspection-{chen.pk}": "55"})
    chen.refresh_from_db()
    assert chen.inspection.score == Decimal("55.00")


def test_the_reserve_list_pdf(client_for, clerk, plans, django_capture_on_commit_callbacks):
    from ..core.test_pdf import is_embedded, pdf_fonts, pdf_text, run_report, squash

    client = client_for(clerk)
    job, data = run_report(
        client, django_capture_on_commit_callbacks, "assessments.promotion", {"plan_id": plans[-1].pk}, clerk
    )
    assert data, job.message
    printed = squash(pdf_text(data))
    for expected in (
        "后备干部综合得分表",
        "陈志明",
        "优秀2年×6分",
        "一般不得提拔",
        "任期内有2个年度为基本称职（一般）",
    ):
        assert squash(expected) in printed, expected
    assert all(is_embedded(font) for font in pdf_fonts(data))
