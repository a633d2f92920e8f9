"""The assessment pages: access, the score sheet (what is typed survives a refusal), quarter
confirmation, grades with the quota shown, and fixed query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services as svc
from assessments.choices import SubjectKind
from assessments.models import Score
from congress_office.roles import Role

from .conftest import score_quarter

LIST = reverse("assessments:plan_list")


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_access(client, client_for, plan, users, other_clerk, other_chair):
    pages = [
        url("plan_detail", plan.pk),
        url("score_sheet", plan.pk, 1),
        url("grades", plan.pk),
        url("subject_add", plan.pk),
    ]
    for target in [LIST, *pages]:
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    for role in (Role.DEPUTY, Role.UNIT_HANDLER, Role.AUDITOR):
        assert client_for(users[role]).get(LIST).status_code == 403, role
    for user, targets in (
        (other_clerk, [p for p in pages if "grades" not in p]),
        (other_chair, pages[:1] + pages[2:3]),
    ):
        other = client_for(user)
        for target in targets:
            assert other.get(target).status_code == 404, target
    assert plan.title not in text(client_for(other_clerk).get(LIST))


def test_the_plan_page_and_the_empty_state(client_for, clerk, plan, other_clerk):
    page = text(client_for(clerk).get(url("plan_detail", plan.pk)))
    assert "权重合计 100 分" in page and page.count('data-testid="subject"') == 7
    assert 'data-testid="empty"' in text(client_for(other_clerk).get(LIST))


def test_the_score_sheet_keeps_what_was_typed_when_a_value_is_refused(client_for, clerk, plan):
    client = client_for(clerk)
    subject = plan.subjects.filter(kind=SubjectKind.CADRE).first()
    revenue, projects = list(subject.assessment_type.indicators.order_by("order")[:2])
    data = {
        f"v-{subject.pk}-{revenue.pk}": "12.5",
        f"e-{subject.pk}-{revenue.pk}": "财政收入1.2亿元",
        f"v-{subject.pk}-{projects.pk}": "9",
    }
    response = client.post(url("score_sheet", plan.pk, 1), data)
    page = text(response)
    assert response.status_code == 200 and "有 1 项未保存" in page and "每季度得分为 0–7.50 分" in page
    assert 'value="9"' in page  # the refused value is still there
    assert Score.objects.get(subject=subject, indicator=revenue, quarter=1).evidence == "财政收入1.2亿元"
    response = client.post(
        url("score_sheet", plan.pk, 1), {**data, f"v-{subject.pk}-{projects.pk}": "7.5"}, follow=True
    )
    assert "已保存 1 项评分" in text(response)


def test_confirm_and_grade_through_the_pages(client_for, clerk, chair, plan):
    for quarter in (1, 2, 3, 4):
        score_quarter(plan, clerk, quarter)
        response = client_for(chair).post(url("quarter_confirm", plan.pk, quarter), follow=True)
        assert f"第 {quarter} 季度考核已确认" in text(response)
    locked = text(client_for(clerk).get(url("score_sheet", plan.pk, 1)))
    assert 'data-testid="locked"' in locked
    client = client_for(chair)
    page = text(client.get(url("grades", plan.pk)))
    assert (
        "已评优秀 0 个，名额 1 个（5 个对象的 20% 以内）" in page
        and "已评优秀 0 个，名额 0 个（2 个对象的 20% 以内）" in page
    )
    grades = {f"grade-{s.pk}": ("good" if s.kind == SubjectKind.TEAM else "excellent") for s in plan.subjects.all()}
    response = client.post(url("grades", plan.pk), grades)
    page = text(response)
    assert response.status_code == 200 and "超过名额" in page and "已评优秀 5 个，名额 1 个" in page
    cadres = list(plan.subjects.filter(kind=SubjectKind.CADRE))
    for cadre in cadres[1:]:
        grades[f"grade-{cadre.pk}"] = "competent"
    response = client.post(url("grades", plan.pk), grades, follow=True)
    assert "年度等次已确认" in text(response)
    assert plan.subjects.filter(grade="excellent").count() == 1


def count(client, target):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


def test_the_plan_page_and_the_sheet_cost_the_same_queries_for_more_subjects(client_for, clerk, plan):
    client = client_for(clerk)
    score_quarter(plan, clerk, 1)
    few = (count(client, url("plan_detail", plan.pk)), count(client, url("score_sheet", plan.pk, 1)))
    economy = plan.types.get()
    for n in range(15):
        svc.subject_add(plan=plan, by=clerk, kind=SubjectKind.CADRE, name=f"新干部{n}", assessment_type=economy)
    score_quarter(plan, clerk, 1)
    assert (count(client, url("plan_detail", plan.pk)), count(client, url("score_sheet", plan.pk, 1))) == few


@pytest.mark.parametrize("name", ["type_add", "indicator_add", "subject_add"])
def test_the_plan_forms(client_for, clerk, township, name):
    plan = svc.plan_create(township=township, by=clerk, year=2030)
    client = client_for(clerk)
    client.post(url("type_add", plan.pk), {"name": "经济发展类"})
    economy = plan.types.get()
    data = {
        "type_add": {"name": "社会管理类"},
        "indicator_add": {"assessment_type": economy.pk, "name": "财政收入", "weight": 50, "goal": "增长5%"},
        "subject_add": {"kind": "cadre", "name": "张三", "position": "副镇长", "assessment_type": economy.pk},
    }[name]
    response = client.post(url(name, plan.pk), data)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
