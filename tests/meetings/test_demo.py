"""The meetings' demo (meetings/demo.py, run by seed_demo): this year's sessions of 青山镇 (two
closed, one coming and notified), a presidium meeting, three motions (one short of signers, one
listed and passed, one turned into a suggestion), a vote that fails with a majority of those
present but not of all deputies, the budget's resolution as a draft document; a second run
changes nothing."""

import pytest
from django.core.management import call_command
from django.db import transaction

from deputies.suggestions.models import Suggestion
from meetings import services as svc
from meetings.choices import MeetingKind, MeetingState, MotionState
from meetings.models import Attendance, Meeting, Motion, Vote

from ..demo_snapshot import seed_demo_once


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo_once()
        yield
        transaction.set_rollback(True)


# the demo-data modules run in one test process, which seeds once (tests/demo_snapshot.py)
pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.xdist_group("demo")]


@pytest.mark.django_db
def test_qingshan_has_this_years_sessions_and_a_presidium_meeting():
    meetings = list(Meeting.objects.filter(township__code="qingshan").order_by("starts_at"))
    assert [(m.kind, m.ordinal, m.state) for m in meetings] == [
        (MeetingKind.SESSION, 1, MeetingState.CLOSED),
        (MeetingKind.PRESIDIUM, 1, MeetingState.CLOSED),
        (MeetingKind.SESSION, 2, MeetingState.CLOSED),
        (MeetingKind.SESSION, 3, MeetingState.NOTIFIED),
    ]
    assert meetings[0].title == "青山镇第十九届人民代表大会第一次会议"
    first = meetings[0]
    assert first.legal_number == first.attendances.count() and first.quorum == svc.session_quorum_of(first)
    statuses = set(Attendance.objects.filter(meeting=first).values_list("status", flat=True))
    assert statuses == {"present", "leave", "absent"}
    assert meetings[1].opinions.get().state == "assigned"
    coming = meetings[-1]
    assert svc.materials_progress(list(coming.materials.all())) == (2, 6, 33)


@pytest.mark.django_db
def test_the_motions_and_the_vote_that_fails_with_a_majority_of_those_present():
    motions = {m.title: m for m in Motion.objects.filter(township__code="qingshan")}
    assert motions["关于在柳塘村设立便民服务点的议案"].state == MotionState.SIGNING
    assert svc.signer_status(motions["关于在柳塘村设立便民服务点的议案"]) == (4, 5)
    assert motions["关于整治集镇主街排水沟的议案"].state == MotionState.PASSED
    turned = motions["关于增加村级卫生室药品种类的议案"]
    assert turned.state == MotionState.AS_SUGGESTION and Suggestion.objects.filter(pk=turned.suggestion_id).exists()
    failed = Vote.objects.exclude(title__startswith="民生实事项目").get(
        meeting__township__code="qingshan", passed=False
    )
    assert failed.yes * 2 > failed.present and failed.yes < failed.required == failed.legal_number // 2 + 1
    budget = Vote.objects.get(
        meeting__ordinal=1, meeting__kind="session", meeting__township__code="qingshan", title__contains="预算"
    )
    assert budget.passed and budget.resolution is not None and "全体代表过半数" in budget.resolution.body


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    before = (Meeting.objects.count(), Motion.objects.count(), Vote.objects.count(), Attendance.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Meeting.objects.count(), Motion.objects.count(), Vote.objects.count(), Attendance.objects.count()) == before


@pytest.mark.django_db
def test_a_livelihood_project_vote_with_two_chosen_rated_at_the_next_session():
    from meetings.models import LivelihoodProject

    projects = list(LivelihoodProject.objects.filter(township__code="qingshan", meeting__ordinal=1).order_by("pk"))
    assert [p.state for p in projects] == ["chosen", "chosen", "not_chosen"]
    coming = LivelihoodProject.objects.filter(township__code="qingshan", meeting__ordinal=3)
    assert coming.count() == 4 and set(coming.values_list("state", flat=True)) == {"candidate"}
    assert projects[0].progress == 60 and projects[0].lead_unit_id and projects[0].deadline_id
    counts, rate = svc.project_rating_summary(projects[0])
    assert sum(counts.values()) == 12 and rate == 91
