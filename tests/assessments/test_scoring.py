"""Plans, weights, quarterly scores, confirmed quarters, corrections and the 优秀 quota."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services as svc
from assessments.choices import SubjectKind
from assessments.models import AssessmentPlan, Indicator, Score

from .conftest import score_quarter


def test_weights_must_sum_to_100_before_scoring(township, clerk):
    plan = svc.plan_create(township=township, by=clerk, year=2027)
    social = svc.type_add(plan=plan, by=clerk, name="社会管理类")
    svc.indicator_add(assessment_type=social, by=clerk, name="信访维稳", weight=60)
    with pytest.raises(ValidationError, match="已分配权重 60 分，再加 50 分将超过 100 分"):
        svc.indicator_add(assessment_type=social, by=clerk, name="安全生产", weight=50)
    subject = svc.subject_add(plan=plan, by=clerk, kind=SubjectKind.CADRE, name="干部甲", assessment_type=social)
    assert [(t.name, n) for t, n in svc.weight_problems(plan)] == [("社会管理类", 60)]
    with pytest.raises(ValidationError, match="不是 100 分"):
        svc.score_set(subject=subject, indicator=social.indicators.get(), quarter=1, value=10, by=clerk)
    svc.indicator_add(assessment_type=social, by=clerk, name="安全生产", weight=40)
    assert svc.weight_problems(plan) == []
    assert (
        svc.score_set(subject=subject, indicator=social.indicators.first(), quarter=1, value=15, by=clerk).value == 15
    )


def test_a_quarter_scores_at_most_a_quarter_of_the_weight(plan, clerk):
    subject = plan.subjects.first()
    revenue = Indicator.objects.get(assessment_type__plan=plan, name="财政收入")
    assert revenue.quarter_max == Decimal("12.50")
    with pytest.raises(ValidationError, match="每季度得分为 0–12.50 分"):
        svc.score_set(subject=subject, indicator=revenue, quarter=1, value="12.6", by=clerk)
    score = svc.score_set(
        subject=subject,
        indicator=revenue,
        quarter=1,
        value="12.5",
        by=clerk,
        evidence="完成1.2亿元",
        links=["/petitions/"],
    )
    assert (score.value, score.links) == (Decimal("12.50"), ["/petitions/"])


def test_the_year_is_the_sum_of_the_four_quarters(plan, clerk, chair):
    for quarter, fraction in zip((1, 2, 3, 4), (1, Decimal("0.8"), Decimal("0.6"), 1), strict=True):
        score_quarter(plan, clerk, quarter, fraction)
        svc.quarter_confirm(plan=plan, quarter=quarter, by=chair)
    totals = svc.subject_totals(plan)
    first = totals[plan.subjects.first().pk]
    assert first["quarters"] == {1: Decimal("25.00"), 2: Decimal("20.00"), 3: Decimal("15.00"), 4: Decimal("25.00")}
    assert first["year"] == Decimal("85.00")


def test_a_quarter_is_confirmed_only_when_complete_in_order_and_then_locked(plan, clerk, chair):
    with pytest.raises(PermissionDenied):
        svc.quarter_confirm(plan=plan, quarter=1, by=clerk)
    with pytest.raises(ValidationError, match="还有 21 项未评分"):
        svc.quarter_confirm(plan=plan, quarter=1, by=chair)
    score_quarter(plan, clerk, 2)
    with pytest.raises(ValidationError, match="请先确认第 1 季度"):
        svc.quarter_confirm(plan=plan, quarter=2, by=chair)
    score_quarter(plan, clerk, 1)
    svc.quarter_confirm(plan=plan, quarter=1, by=chair)
    subject, indicator = plan.subjects.first(), Indicator.objects.filter(assessment_type__plan=plan).first()
    with pytest.raises(ValidationError, match="第 1 季度已确认，如需更改请提出更正申请"):
        svc.score_set(subject=subject, indicator=indicator, quarter=1, value=1, by=clerk)
    with pytest.raises(ValidationError, match="不能再调整"):
        svc.type_add(plan=plan, by=clerk, name="社会管理类")


def test_a_correction_after_confirmation_is_recorded_and_approved_by_another(plan, clerk, chair, users):
    score_quarter(plan, clerk, 1)
    svc.quarter_confirm(plan=plan, quarter=1, by=chair)
    score = Score.objects.filter(subject__plan=plan, quarter=1).first()
    with pytest.raises(ValidationError, match="更正理由"):
        svc.correction_request(score=score, by=clerk, new_value=5, reason=" ")
    correction = svc.correction_request(score=score, by=clerk, new_value=5, reason="复核发现统计口径有误")
    with pytest.raises(ValidationError, match="待批准"):
        svc.correction_request(score=score, by=clerk, new_value=4, reason="再次")
    with pytest.raises(PermissionDenied):
        svc.correction_decide(correction=correction, by=clerk, approve=True)
    svc.correction_decide(correction=correction, by=chair, approve=True)
    score.refresh_from_db()
    correction.refresh_from_db()
    assert (
        score.value == Decimal("5.00") and correction.old_value == Decimal("12.50") and correction.decided_by == chair
    )


def test_the_excellent_quota_per_kind(plan, clerk, chair, settings):
    with pytest.raises(ValidationError, match="四个季度均确认后"):
        svc.grades_confirm(plan=plan, by=chair, grades={})
    for quarter in (1, 2, 3, 4):
        score_quarter(plan, clerk, quarter)
        svc.quarter_confirm(plan=plan, quarter=quarter, by=chair)
    teams = list(plan.subjects.filter(kind=SubjectKind.TEAM))
    cadres = list(plan.subjects.filter(kind=SubjectKind.CADRE))
    grades = {s.pk: "good" for s in teams} | {s.pk: "competent" for s in cadres}
    grades[cadres[0].pk] = grades[cadres[1].pk] = "excellent"
    with pytest.raises(ValidationError, match="领导干部评为优秀的 2 个，超过名额：5 个考核对象，优秀不超过 1 个"):
        svc.grades_confirm(plan=plan, by=chair, grades=grades)
    grades[teams[0].pk] = "excellent"  # ⌊2/5⌋ = 0 for the two teams
    grades[cadres[1].pk] = "competent"
    with pytest.raises(ValidationError, match="领导班子评为优秀的 1 个"):
        svc.grades_confirm(plan=plan, by=chair, grades=grades)
    grades[teams[0].pk] = "good"
    with pytest.raises(ValidationError, match="请为每个考核对象选择等次"):
        svc.grades_confirm(plan=plan, by=chair, grades={**grades, teams[1].pk: "competent"})  # a cadre grade for a team
    svc.grades_confirm(plan=plan, by=chair, grades=grades)
    assert sorted(plan.subjects.values_list("grade", flat=True)) == ["competent"] * 4 + ["excellent"] + ["good"] * 2
    settings.ASSESSMENT_EXCELLENT_QUOTA = (2, 5)
    assert svc.excellent_quota(5) == 2 and svc.excellent_quota(7) == 2


def test_a_plan_copies_last_years_types_indicators_and_subjects(plan, township, clerk):
    copy = svc.plan_create(township=township, by=clerk, year=plan.year + 1, copy_last_year=True)
    assert copy.copied_from == plan
    assert list(copy.types.values_list("name", flat=True)) == ["经济发展类"]
    assert sorted(Indicator.objects.filter(assessment_type__plan=copy).values_list("name", "weight")) == [
        ("安全生产", 20),
        ("财政收入", 50),
        ("项目建设", 30),
    ]
    assert copy.subjects.count() == 7 and not Score.objects.filter(subject__plan=copy).exists()
    with pytest.raises(ValidationError, match="已存在"):
        svc.plan_create(township=township, by=clerk, year=plan.year)
    with pytest.raises(ValidationError, match="没有 2019 年度"):
        svc.plan_create(township=township, by=clerk, year=2020, copy_last_year=True)
    assert AssessmentPlan.objects.count() == 2


def test_only_the_office_plans_and_scores(plan, chair, users, township):
    from congress_office.roles import Role

    with pytest.raises(PermissionDenied):
        svc.plan_create(township=township, by=chair, year=2030)
    subject = plan.subjects.first()
    indicator = subject.assessment_type.indicators.first()
    with pytest.raises(PermissionDenied):
        svc.score_set(subject=subject, indicator=indicator, quarter=1, value=1, by=users[Role.DEPUTY])


def test_evidence_links_are_records_of_the_product(plan, clerk, client_for):
    subject = plan.subjects.first()
    indicator = subject.assessment_type.indicators.first()
    with pytest.raises(ValidationError, match="本系统内的链接"):
        svc.score_set(
            subject=subject, indicator=indicator, quarter=1, value=1, by=clerk, links=["https://example.com/x"]
        )
    client = client_for(clerk)
    key = f"{subject.pk}-{indicator.pk}"
    client.post(
        f"/assessments/{plan.pk}/quarters/1/",
        {f"v-{key}": "10", f"e-{key}": "见信访件", f"l-{key}": "/petitions/1/ /deputies/"},
    )
    assert Score.objects.get(subject=subject, indicator=indicator, quarter=1).links == ["/petitions/1/", "/deputies/"]
