"""民生实事项目代表票决: candidates, the vote (more than half of all deputies), implementation
with progress reports on a clock, and the deputies' rating at a later session."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress_office.models import Deadline, DeadlineState
from congress_office.roles import Role
from meetings import services as svc
from meetings.choices import MeetingKind, ProjectSource, ProjectState, VoteMethod

from .conftest import opened as sit
from .conftest import today_at


@pytest.fixture
def candidates(session, clerk, deputies):
    bridge = svc.project_add(
        meeting=session,
        by=clerk,
        title="东风村便民桥建设",
        source=ProjectSource.DEPUTIES,
        proposer=deputies[1],
        budget=Decimal("45.5"),
    )
    lights = svc.project_add(meeting=session, by=clerk, title="集镇主街路灯改造", source=ProjectSource.GOVERNMENT)
    return bridge, lights


def test_candidates_need_a_name_and_a_proposing_deputy_when_from_deputies(session, clerk):
    with pytest.raises(ValidationError, match="提出代表"):
        svc.project_add(meeting=session, by=clerk, title="x", source=ProjectSource.DEPUTIES)
    with pytest.raises(ValidationError, match="项目名称"):
        svc.project_add(meeting=session, by=clerk, title=" ", source=ProjectSource.GOVERNMENT)


def test_a_project_is_chosen_only_with_more_than_half_of_all_deputies(session, clerk, deputies, candidates):
    bridge, lights = candidates
    session = sit(session, clerk, deputies)
    vote = svc.project_vote_open(project=bridge, by=clerk, method=VoteMethod.PHONE)
    assert vote.title == "民生实事项目：东风村便民桥建设" and vote.required == 5
    for deputy in deputies[:5]:
        svc.ballot_cast(vote=vote, by=deputy.user, choice="yes")
    svc.vote_close(vote=vote, by=clerk)
    with pytest.raises(ValidationError, match="已付表决"):
        svc.project_vote_open(project=bridge, by=clerk, method=VoteMethod.HANDS)
    second = svc.project_vote_open(project=lights, by=clerk, method=VoteMethod.HANDS)
    svc.vote_close(vote=second, by=clerk, yes=4, no=2, abstain=0)  # 4 of 6 present, not 5 of 9
    bridge.refresh_from_db()
    lights.refresh_from_db()
    assert (bridge.state, lights.state) == (ProjectState.CHOSEN, ProjectState.NOT_CHOSEN)


def test_a_chosen_project_reports_its_progress_on_a_clock_and_is_rated_at_the_next_session(
    session, township, clerk, deputies, candidates, unit, users, settings
):
    bridge, _lights = candidates
    session = sit(session, clerk, deputies)
    svc.vote_close(
        vote=svc.project_vote_open(project=bridge, by=clerk, method=VoteMethod.HANDS),
        by=clerk,
        yes=7 - 1,
        no=0,
        abstain=0,
    )
    svc.meeting_close(meeting=session, by=clerk)
    bridge.refresh_from_db()
    with pytest.raises(ValidationError, match="尚未交付实施"):
        svc.project_report(project=bridge, by=clerk, content="x", progress=10)
    settings.LIVELIHOOD_REPORT_MONTHS = 2
    svc.project_assign(project=bridge, by=clerk, lead_unit=unit)
    first = Deadline.objects.get(kind="meetings.project_report", subject_id=bridge.pk)
    assert (first.limit, first.responsible_unit) == (2, unit)
    handler = users[Role.UNIT_HANDLER]
    with pytest.raises(PermissionDenied):
        svc.project_report(project=bridge, by=deputies[0].user, content="x", progress=10)
    svc.project_report(project=bridge, by=handler, content="完成桥梁设计和招标。", progress=40)
    first.refresh_from_db()
    assert first.state == DeadlineState.MET
    with pytest.raises(ValidationError, match="40–100"):
        svc.project_report(project=bridge, by=handler, content="倒退", progress=30)
    svc.project_report(project=bridge, by=handler, content="桥梁主体完工，已通行。", progress=100)
    bridge.refresh_from_db()
    assert (bridge.state, bridge.progress, bridge.deadline) == (ProjectState.DONE, 100, None)
    assert (
        Deadline.objects.filter(kind="meetings.project_report", subject_id=bridge.pk, state=DeadlineState.MET).count()
        == 2
    )

    with pytest.raises(ValidationError, match="之后的人民代表大会会议"):
        svc.project_rate(project=bridge, by=deputies[0].user, satisfaction="satisfied", meeting=session)
    later = svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.SESSION, starts_at=today_at(18))
    later = sit(later, clerk, deputies)
    svc.project_rate(project=bridge, by=deputies[0].user, satisfaction="satisfied", meeting=later)
    svc.project_rate(project=bridge, by=deputies[1].user, satisfaction="unsatisfied", meeting=later)
    with pytest.raises(ValidationError, match="已测评"):
        svc.project_rate(project=bridge, by=deputies[0].user, satisfaction="basically", meeting=later)
    with pytest.raises(ValidationError, match="请先签到"):
        svc.project_rate(project=bridge, by=deputies[8].user, satisfaction="satisfied", meeting=later)
    assert svc.project_rating_summary(bridge) == ({"satisfied": 1, "unsatisfied": 1}, 50)
