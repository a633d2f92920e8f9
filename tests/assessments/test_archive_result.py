"""The 考核结果 archive section: a plan becomes an item once its four quarters and every grade
are confirmed; its one part lists each subject's scores and grade."""

import io
from decimal import Decimal

from django.utils import timezone
from pypdf import PdfReader

from assessments import services as svc
from assessments.choices import SubjectKind
from congress_office.registries import archive_sections
from congress_office.roles import Role

from .conftest import score_quarter

KIND = "assessments.result"


def squash(text):
    return "".join(text.split())


def test_a_finished_plan_is_an_item_with_its_results(plan, township, clerk, chair, users):
    section = archive_sections[KIND]
    assert (section.retention_class, section.period) == ("records", "D10")
    year = plan.year
    svc.plan_create(township=township, by=clerk, year=year - 1)  # last year's, never scored
    for quarter in (1, 2, 3, 4):
        score_quarter(plan, clerk, quarter, fraction=Decimal("0.5") if quarter == 4 else 1)
        svc.quarter_confirm(plan=plan, quarter=quarter, by=chair)
    assert list(section.entries(township, year)) == []  # the grades are not confirmed yet
    teams = list(plan.subjects.filter(kind=SubjectKind.TEAM))
    cadres = list(plan.subjects.filter(kind=SubjectKind.CADRE))
    grades = {s.pk: "good" for s in teams} | {s.pk: "competent" for s in cadres} | {cadres[0].pk: "excellent"}
    svc.grades_confirm(plan=plan, by=chair, grades=grades)

    (entry,) = section.entries(township, year)
    assert entry.record.pk == plan.pk
    assert entry.title == f"青山镇{year}年度干部实绩考核结果"
    assert (entry.responsible, entry.date) == ("青山镇人民代表大会主席团", timezone.localdate())
    assert list(section.entries(township, year - 1)) == []

    parts = section.parts(plan, users[Role.AUDITOR])
    assert [(str(p.title), p.ext) for p in parts] == [("考核结果", "pdf")]
    data = parts[0].render()
    assert data.startswith(b"%PDF-")
    text = squash(PdfReader(io.BytesIO(data)).pages[0].extract_text())
    assert f"青山镇{year}年度干部实绩考核结果" in text
    assert "领导班子" in text and "第1片区领导班子" in text and "良好" in text
    assert "干部1" in text and "优秀" in text and "称职" in text
    assert "87.50" in text  # 25 + 25 + 25 + 12.5
