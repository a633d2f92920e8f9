"""A plan of 青山镇 for this year: one type (经济发展类) with three indicators (50, 30, 20), two
teams and five cadres."""

import pytest
from django.utils import timezone

from assessments import services as svc
from assessments.choices import SubjectKind


@pytest.fixture
def plan(township, clerk):
    plan = svc.plan_create(township=township, by=clerk, year=timezone.localdate().year)
    economy = svc.type_add(plan=plan, by=clerk, name="经济发展类")
    for name, weight in (("财政收入", 50), ("项目建设", 30), ("安全生产", 20)):
        svc.indicator_add(assessment_type=economy, by=clerk, name=name, weight=weight, goal="完成年度预期目标")
    for n in range(2):
        svc.subject_add(
            plan=plan, by=clerk, kind=SubjectKind.TEAM, name=f"第{n + 1}片区领导班子", assessment_type=economy
        )
    for n in range(5):
        svc.subject_add(
            plan=plan, by=clerk, kind=SubjectKind.CADRE, name=f"干部{n + 1}", position="副镇长", assessment_type=economy
        )
    return plan


def score_quarter(plan, clerk, quarter, fraction=1):
    """Every subject on every indicator, `fraction` of the quarter's maximum."""
    for subject in plan.subjects.all():
        for indicator in subject.assessment_type.indicators.all():
            svc.score_set(
                subject=subject, indicator=indicator, quarter=quarter, value=indicator.quarter_max * fraction, by=clerk
            )
