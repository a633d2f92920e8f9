"""三级建档 and the 实绩档案: targets with three departments, monthly reports on a clock, checks,
the timeline and its PDF; a cadre sees their own file, the county only aggregates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments import targets as tg
from assessments.choices import SubjectKind
from congress_office.models import Deadline, DeadlineState
from congress_office.roles import Role

from ..factories import UserFactory


@pytest.fixture
def cadre(plan, township):
    subject = plan.subjects.filter(kind=SubjectKind.CADRE).first()
    subject.user = UserFactory(username="cadre1", township=township, roles=[])
    subject.save()
    return subject


@pytest.fixture
def target(cadre, clerk):
    return tg.target_add(
        subject=cadre,
        by=clerk,
        title="完成东风河治理工程",
        responsible_dept="镇水利站",
        leading_dept="镇农业农村办",
        assessing_dept="镇考核办",
        goal="年底前完工",
    )


def test_a_target_has_three_departments_and_a_monthly_clock(target, clerk, cadre, plan):
    clock = Deadline.objects.get(kind="assessments.target_report", subject_id=target.pk)
    month = tg.current_month(plan)
    assert clock.due_date == tg.month_end(plan.year, month) and clock.responsible_user == cadre.user
    with pytest.raises(ValidationError, match="承担部门"):
        tg.target_add(subject=cadre, by=clerk, title="x", responsible_dept=" ", leading_dept="a", assessing_dept="b")
    team = plan.subjects.filter(kind=SubjectKind.TEAM).first()
    with pytest.raises(ValidationError, match="领导干部"):
        tg.target_add(subject=team, by=clerk, title="x", responsible_dept="a", leading_dept="a", assessing_dept="b")


def test_the_cadre_reports_monthly_and_the_office_checks(target, cadre, clerk, users, plan):
    with pytest.raises(PermissionDenied):
        tg.target_report(target=target, by=users[Role.DEPUTY], month=1, content="x")
    month = tg.current_month(plan)
    tg.target_report(target=target, by=cadre.user, month=month, content="完成河道清淤1公里")
    old = Deadline.objects.filter(kind="assessments.target_report", subject_id=target.pk).order_by("pk")
    assert old.first().state == DeadlineState.MET
    if month < 12:
        assert old.last().state == DeadlineState.OPEN and old.last().due_date == tg.month_end(plan.year, month + 1)
    with pytest.raises(ValidationError, match="已报送"):
        tg.target_report(target=target, by=cadre.user, month=month, content="again")
    with pytest.raises(PermissionDenied):
        tg.target_check(target=target, by=cadre.user, finding="自查")
    tg.target_check(target=target, by=clerk, finding="现场核查属实")
    kinds = [e["kind"] for e in tg.record_timeline(cadre)]
    assert "月度进展" in kinds and "随报随查" in kinds


def test_the_cadre_sees_their_own_file_only_and_the_county_aggregates(client_for, target, cadre, plan, users, clerk):
    page = reverse("assessments:subject_detail", args=[cadre.pk])
    own = client_for(cadre.user).get(page)
    assert own.status_code == 200 and "完成东风河治理工程" in own.content.decode()
    other = plan.subjects.exclude(pk=cadre.pk).filter(kind=SubjectKind.CADRE).first()
    assert client_for(cadre.user).get(reverse("assessments:subject_detail", args=[other.pk])).status_code == 404
    county = client_for(users[Role.COUNTY])
    assert county.get(page).status_code == 404
    detail = county.get(reverse("assessments:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="aggregates"' in detail and other.name not in detail
    assert county.get(reverse("assessments:promotion", args=[plan.pk])).status_code == 403
    assert client_for(clerk).get(page).status_code == 200


def test_the_record_pdf(client_for, target, cadre, clerk, django_capture_on_commit_callbacks):
    from ..core.test_pdf import pdf_text, run_report, squash

    tg.target_check(target=target, by=clerk, finding="现场核查属实")
    client = client_for(cadre.user)
    job, data = run_report(
        client, django_capture_on_commit_callbacks, "assessments.record", {"subject_id": cadre.pk}, cadre.user
    )
    assert data, job.message
    printed = squash(pdf_text(data))
    for expected in (f"{cadre.name}实绩档案", "完成东风河治理工程", "镇水利站", "现场核查属实"):
        assert squash(expected) in printed, expected
