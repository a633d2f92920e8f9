"""Motions (议案): who may move them, co-signers, the presidium's decision, withdrawal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deputies.suggestions.models import Suggestion
from meetings import services as svc
from meetings.choices import AttendanceStatus, MotionKind, MotionSource, MotionState, VoteMethod


def motion_of(session, lead_user, co, **kwargs):
    return svc.motion_create(
        meeting=session,
        by=lead_user,
        kind=kwargs.pop("kind", MotionKind.ORDINARY),
        source=MotionSource.DEPUTIES,
        title=kwargs.pop("title", "关于修建东风村便民桥的议案"),
        content="东风河上无桥，村民绕行五公里。建议由镇政府列入明年计划。",
        co_signers=co,
        **kwargs,
    )


def confirm_all(motion, people):
    for deputy in people:
        svc.motion_confirm(motion=motion, by=deputy.user)


def test_five_deputies_are_needed_and_each_confirms(session, deputies, clerk):
    motion = motion_of(session, deputies[0].user, deputies[1:4])
    assert motion.state == MotionState.SIGNING
    confirm_all(motion, deputies[1:4])
    with pytest.raises(ValidationError, match="须由代表 5 人以上联名，现已确认 4 人，还需 1 人"):
        svc.motion_submit(motion=motion, by=deputies[0].user)
    other = motion_of(session, deputies[0].user, deputies[1:5], title="关于整治集镇排水沟的议案")
    confirm_all(other, deputies[1:4])
    svc.motion_confirm(motion=other, by=clerk, deputy=deputies[4])  # a paper signature
    assert svc.motion_submit(motion=other, by=deputies[0].user).state == MotionState.SUBMITTED
    assert other.signers.get(deputy=deputies[4]).via == "paper"


def test_an_inquiry_needs_ten_and_a_recall_a_fifth(session, deputies, settings):
    inquiry = motion_of(session, deputies[0].user, deputies[1:9], kind=MotionKind.INQUIRY, title="质询")
    confirm_all(inquiry, deputies[1:9])
    with pytest.raises(ValidationError, match="10 人以上"):
        svc.motion_submit(motion=inquiry, by=deputies[0].user)
    settings.MOTION_INQUIRY_MIN_SIGNERS = 9
    assert svc.motion_submit(motion=inquiry, by=deputies[0].user).state == MotionState.SUBMITTED
    recall = motion_of(session, deputies[0].user, deputies[1:2], kind=MotionKind.RECALL, title="罢免")
    confirm_all(recall, deputies[1:2])
    assert svc.signer_status(recall) == (2, 2)  # ⌈9/5⌉


def test_who_may_move_what(session, deputies, clerk, chair):
    with pytest.raises(PermissionDenied):
        svc.motion_create(
            meeting=session,
            by=deputies[0].user,
            kind=MotionKind.ORDINARY,
            source=MotionSource.GOVERNMENT,
            title="t",
            content="c",
        )
    with pytest.raises(ValidationError, match="罢免案由主席团"):
        svc.motion_create(
            meeting=session, by=clerk, kind=MotionKind.RECALL, source=MotionSource.GOVERNMENT, title="t", content="c"
        )
    with pytest.raises(PermissionDenied):
        svc.motion_create(
            meeting=session,
            by=deputies[0].user,
            kind=MotionKind.ORDINARY,
            source=MotionSource.DEPUTIES,
            title="t",
            content="c",
            lead=deputies[1],
        )
    government = svc.motion_create(
        meeting=session, by=clerk, kind=MotionKind.ORDINARY, source=MotionSource.GOVERNMENT, title="预算", content="c"
    )
    assert government.state == MotionState.SUBMITTED


def test_the_deadline_closes_submissions(session, deputies):
    session.motion_deadline = timezone.now() - timezone.timedelta(minutes=1)
    session.save()
    with pytest.raises(ValidationError, match="截止时间"):
        motion_of(session, deputies[0].user, deputies[1:5])


def submitted(session, deputies, **kwargs):
    motion = motion_of(session, deputies[0].user, deputies[1:5], **kwargs)
    confirm_all(motion, deputies[1:5])
    return svc.motion_submit(motion=motion, by=deputies[0].user)


def test_the_presidium_lists_a_motion_and_the_vote_decides_it(session, deputies, clerk, chair):
    motion = submitted(session, deputies)
    with pytest.raises(PermissionDenied):
        svc.motion_decide(motion=motion, by=deputies[0].user, decision=svc.LIST)
    motion = svc.motion_decide(motion=motion, by=chair, decision=svc.LIST)
    assert motion.state == MotionState.LISTED and motion.agenda_item.needs_vote
    svc.sign_in_start(meeting=session, by=clerk)
    for deputy in deputies[:7]:
        svc.attendance_mark(meeting=session, by=clerk, deputy=deputy, status=AttendanceStatus.PRESENT)
    svc.meeting_open(meeting=session, by=clerk)
    session.refresh_from_db()
    vote = svc.vote_open(meeting=session, by=clerk, title="", method=VoteMethod.HANDS, motion=motion)
    assert vote.title == motion.title and vote.agenda_item == motion.agenda_item
    with pytest.raises(ValidationError, match="已付表决"):
        svc.motion_withdraw(motion=motion, by=deputies[0].user)
    svc.vote_close(vote=vote, by=clerk, yes=6, no=1, abstain=0)
    motion.refresh_from_db()
    assert motion.state == MotionState.PASSED


def test_not_listing_needs_a_reason(session, deputies, chair):
    motion = submitted(session, deputies)
    with pytest.raises(ValidationError, match="理由"):
        svc.motion_decide(motion=motion, by=chair, decision=svc.NOT_LIST)
    motion = svc.motion_decide(
        motion=motion, by=chair, decision=svc.NOT_LIST, reason="属于政府日常工作，不属于本级人大职权。"
    )
    assert motion.state == MotionState.NOT_LISTED


def test_a_motion_handled_as_a_suggestion_keeps_its_signers(session, deputies, clerk):
    motion = submitted(session, deputies)
    motion = svc.motion_decide(motion=motion, by=clerk, decision=svc.AS_SUGGESTION, reason="作为代表建议交政府办理。")
    suggestion = Suggestion.objects.get(pk=motion.suggestion_id)
    assert motion.state == MotionState.AS_SUGGESTION
    assert suggestion.title == motion.title and suggestion.session == session.title
    assert list(suggestion.signers.order_by("-is_lead", "pk").values_list("deputy__name", flat=True)) == [
        d.name for d in deputies[:5]
    ]


def test_withdrawal_until_the_vote(session, deputies, clerk):
    motion = submitted(session, deputies)
    with pytest.raises(PermissionDenied):
        svc.motion_withdraw(motion=motion, by=deputies[3].user)
    assert svc.motion_withdraw(motion=motion, by=deputies[0].user, reason="已协商解决").state == MotionState.WITHDRAWN
