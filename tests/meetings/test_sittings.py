"""Meetings through their services: numbering, notices and leave, sign-in, the quorum gate,
votes against the majority of all deputies, resolutions handed to documents, and the record."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from deputies.choices import DeputyStatus
from documents.choices import DocType, OutgoingState
from documents.models import IssuingBody
from meetings import services as svc
from meetings.choices import (
    AttendanceStatus,
    Choice,
    ConvenedBy,
    LeaveState,
    MeetingKind,
    MeetingState,
    VoteMethod,
)
from meetings.models import Attendance
from meetings.selectors import attendance_record_rows, unexcused_absence_counts

from .conftest import opened, sign_in, today_at

# --- planning -------------------------------------------------------------------------------------


def test_sessions_are_numbered_within_the_term_and_presidium_meetings_apart(session, township, clerk, deputies):
    assert session.title == "青山镇第十九届人民代表大会第一次会议" and session.attendances.count() == 9
    second = svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.SESSION, starts_at=today_at(14))
    presidium = svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.PRESIDIUM, starts_at=today_at(8))
    assert second.ordinal == 2 and presidium.ordinal == 1
    assert presidium.title == "青山镇第十九届人民代表大会主席团第一次会议"
    assert presidium.attendances.count() == 3  # its members only
    assert svc.sessions_planned(township.pk, session.year) == (2, 2)


def test_an_extra_session_needs_a_presidium_decision_or_a_fifth_of_the_deputies(township, clerk, deputies):
    with pytest.raises(ValidationError, match="主席团决定"):
        svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.EXTRA_SESSION, starts_at=today_at(9))
    with pytest.raises(ValidationError, match="全体代表 9 人，至少 2 人，现有 1 人"):
        svc.meeting_plan(
            township=township,
            by=clerk,
            kind=MeetingKind.EXTRA_SESSION,
            starts_at=today_at(9),
            convened_by=ConvenedBy.DEPUTIES,
            proposers=deputies[:1],
        )
    extra = svc.meeting_plan(
        township=township,
        by=clerk,
        kind=MeetingKind.EXTRA_SESSION,
        starts_at=today_at(9),
        convened_by=ConvenedBy.DEPUTIES,
        proposers=deputies[:2],
    )
    assert extra.ordinal == 1 and set(extra.proposers.all()) == set(deputies[:2])


def test_only_the_office_plans_meetings(township, chair, users, deputies):
    with pytest.raises(PermissionDenied):
        svc.meeting_plan(township=township, by=chair, kind=MeetingKind.SESSION, starts_at=today_at(9))


def test_a_meeting_outside_any_term_is_refused_in_chinese(township, clerk, deputies):
    with pytest.raises(ValidationError, match="任期内"):
        svc.meeting_plan(
            township=township, by=clerk, kind=MeetingKind.SESSION, starts_at=today_at(9) + timedelta(days=3650)
        )


# --- notice, leave ------------------------------------------------------------------------------------


def test_notice_acknowledgement_and_leave(session, clerk, chair, deputies, deputy_user):
    with pytest.raises(ValidationError, match="尚未发出"):
        svc.notice_acknowledge(meeting=session, by=deputy_user)
    assert svc.meeting_notify(meeting=session, by=clerk) == 9
    assert svc.meeting_notify(meeting=session, by=clerk) == 0  # once per member
    row = svc.notice_acknowledge(meeting=session, by=deputy_user)
    assert row.acknowledged_at is not None
    with pytest.raises(ValidationError, match="事由"):
        svc.leave_request(meeting=session, by=deputy_user, reason=" ")
    row = svc.leave_request(meeting=session, by=deputy_user, reason="赴县医院陪护家人")
    with pytest.raises(PermissionDenied):
        svc.leave_decide(attendance=row, by=deputy_user, approve=True)
    row = svc.leave_decide(attendance=row, by=chair, approve=True)
    assert (row.leave_state, row.status) == (LeaveState.APPROVED, AttendanceStatus.LEAVE)


# --- sign-in and quorum ----------------------------------------------------------------------------


def test_phone_sign_in_works_only_with_the_code_while_the_sitting_is_open_and_once(
    session, clerk, deputies, deputy_user
):
    with pytest.raises(ValidationError, match="签到尚未开始"):
        svc.sign_in_by_code(meeting=session, by=deputy_user, code="000000")
    session = svc.sign_in_start(meeting=session, by=clerk)
    assert len(session.sign_in_code) == 6 and session.sign_in_code.isdigit()
    wrong = "1" * 6 if session.sign_in_code != "1" * 6 else "2" * 6
    with pytest.raises(ValidationError, match="签到码不正确"):
        svc.sign_in_by_code(meeting=session, by=deputy_user, code=wrong)
    row = svc.sign_in_by_code(meeting=session, by=deputy_user, code=session.sign_in_code)
    assert (row.status, row.signed_in_via) == (AttendanceStatus.PRESENT, "phone")
    with pytest.raises(ValidationError, match="您已于"):
        svc.sign_in_by_code(meeting=session, by=deputy_user, code=session.sign_in_code)
    sign_in(session, clerk, deputies[1:6])
    svc.meeting_open(meeting=session, by=clerk)
    svc.meeting_close(meeting=session, by=clerk)
    session.refresh_from_db()
    with pytest.raises(ValidationError, match="会议已结束"):
        svc.sign_in_by_code(meeting=session, by=deputies[7].user, code=session.sign_in_code or "x")


def test_a_deputy_of_another_township_cannot_sign_in(session, clerk, other_township, make_user):
    from congress_office.roles import Role

    session = svc.sign_in_start(meeting=session, by=clerk)
    stranger = make_user(Role.DEPUTY, other_township, username="stranger")
    with pytest.raises(ValidationError, match="不是本次会议的应到人员"):
        svc.sign_in_by_code(meeting=session, by=stranger, code=session.sign_in_code)


def test_the_sitting_opens_only_with_two_thirds_of_all_deputies(session, clerk, deputies):
    svc.sign_in_start(meeting=session, by=clerk)
    sign_in(session, clerk, deputies[:5])
    with pytest.raises(ValidationError, match="应到 9 人，实到 5 人，法定人数 6 人"):
        svc.meeting_open(meeting=session, by=clerk)
    sign_in(session, clerk, deputies[5:6])
    status = svc.meeting_open(meeting=session, by=clerk)
    assert status.text == "应到 9 人，实到 6 人，法定人数 6 人" and status.met
    session.refresh_from_db()
    assert (session.state, session.legal_number, session.quorum) == (MeetingState.OPEN, 9, 6)
    # the legal number stays frozen when a deputy's mandate ends during the sitting
    deputies[8].status, deputies[8].status_reason, deputies[8].status_date = (
        DeputyStatus.TERMINATED,
        "辞职",
        timezone.localdate(),
    )
    deputies[8].save()
    assert svc.quorum_status(session).expected == 9


def test_a_suspended_deputy_is_not_counted_in_all_deputies(session, clerk, deputies):
    for deputy in deputies[7:]:
        deputy.status, deputy.status_reason, deputy.status_date = (
            DeputyStatus.SUSPENDED,
            "因刑事案件被羁押",
            timezone.localdate(),
        )
        deputy.save()
    svc.sign_in_start(meeting=session, by=clerk)
    sign_in(session, clerk, deputies[:5])
    assert svc.meeting_open(meeting=session, by=clerk).text == "应到 7 人，实到 5 人，法定人数 5 人"


# --- votes -------------------------------------------------------------------------------------------


def test_a_majority_of_those_present_is_not_enough(session, clerk, deputies):
    """9 deputies, 6 present: 4 yes is two thirds of those present but not more than half of all."""
    session = opened(session, clerk, deputies)
    vote = svc.vote_open(meeting=session, by=clerk, title="关于修建东风村便民桥的议案", method=VoteMethod.HANDS)
    assert (vote.legal_number, vote.required) == (9, 5)
    with pytest.raises(ValidationError, match="超过在场人数 6 人"):
        svc.vote_close(vote=vote, by=clerk, yes=5, no=1, abstain=1)
    vote = svc.vote_close(vote=vote, by=clerk, yes=4, no=1, abstain=1)
    assert (vote.passed, vote.present, vote.not_voted) == (False, 6, 0)
    assert svc.required_text(vote) == "赞成 4 票，通过所需 5 票（全体代表过半数）"
    assert svc.vote_result_text(vote) == (
        "全体代表 9 人，出席 6 人；赞成 4 票，反对 1 票，弃权 1 票，未表决 0 人；"
        "通过所需 5 票（全体代表过半数），未通过。"
    )
    second = svc.vote_open(meeting=session, by=clerk, title="关于镇财政预算的决议", method=VoteMethod.PAPER)
    assert svc.vote_close(vote=second, by=clerk, yes=5, no=0, abstain=1).passed is True


def test_the_quorum_is_checked_again_before_each_vote(session, clerk, deputies):
    session = opened(session, clerk, deputies)
    svc.attendance_depart(meeting=session, by=clerk, deputy=deputies[0])
    with pytest.raises(ValidationError, match="应到 9 人，实到 5 人，法定人数 6 人"):
        svc.vote_open(meeting=session, by=clerk, title="表决", method=VoteMethod.HANDS)
    sign_in(session, clerk, deputies[6:7])  # a late arrival
    assert svc.vote_open(meeting=session, by=clerk, title="表决", method=VoteMethod.HANDS).required == 5


def test_phone_votes_count_the_ballots_of_those_in_the_hall(session, clerk, deputies):
    session = opened(session, clerk, deputies)
    vote = svc.vote_open(meeting=session, by=clerk, title="民生实事项目", method=VoteMethod.PHONE)
    for deputy, choice in zip(deputies[:5], [Choice.YES] * 4 + [Choice.NO], strict=True):
        svc.ballot_cast(vote=vote, by=deputy.user, choice=choice)
    with pytest.raises(ValidationError, match="重复"):
        svc.ballot_cast(vote=vote, by=deputies[0].user, choice=Choice.NO)
    with pytest.raises(ValidationError, match="请先签到"):
        svc.ballot_cast(vote=vote, by=deputies[8].user, choice=Choice.YES)
    vote = svc.vote_close(vote=vote, by=clerk)
    assert (vote.yes, vote.no, vote.abstain, vote.not_voted, vote.passed) == (4, 1, 0, 1, False)
    assert vote.present_ids == sorted(d.pk for d in deputies[:6])
    assert vote.entitled_ids == session.entitled_ids == sorted(d.pk for d in deputies)


def test_a_secret_ballot_keeps_totals_only(session, clerk, deputies):
    session = opened(session, clerk, deputies)
    vote = svc.vote_open(meeting=session, by=clerk, title="选举", method=VoteMethod.SECRET)
    with pytest.raises(ValidationError, match="不能在手机上表决"):
        svc.ballot_cast(vote=vote, by=deputies[0].user, choice=Choice.YES)
    vote = svc.vote_close(vote=vote, by=clerk, yes=6, no=0, abstain=0)
    assert vote.passed and not vote.ballots.exists()


def test_a_passed_resolution_becomes_a_draft_outgoing_document(session, clerk, deputies, township):
    body = IssuingBody.objects.create(township=township, name="青山镇人民代表大会", code="青人大")
    session = opened(session, clerk, deputies)
    failed = svc.vote_close(
        vote=svc.vote_open(meeting=session, by=clerk, title="甲", method=VoteMethod.HANDS),
        by=clerk,
        yes=4,
        no=2,
        abstain=0,
    )
    with pytest.raises(ValidationError, match="表决通过"):
        svc.resolution_draft(vote=failed, by=clerk, issuing_body=body)
    vote = svc.vote_open(meeting=session, by=clerk, title="关于2027年镇财政预算的报告", method=VoteMethod.HANDS)
    vote = svc.vote_close(vote=vote, by=clerk, yes=6, no=0, abstain=0)
    document = svc.resolution_draft(vote=vote, by=clerk, issuing_body=body, doc_type=DocType.RESOLUTION)
    assert (document.state, document.doc_type, document.township_id) == (OutgoingState.DRAFT, "resolution", township.pk)
    assert document.title == "青山镇第十九届人民代表大会第一次会议关于2027年镇财政预算的报告的决议"
    assert "全体代表 9 人，出席 6 人；赞成 6 票" in document.body and "通过所需 5 票（全体代表过半数）" in document.body
    with pytest.raises(ValidationError, match="已形成"):
        svc.resolution_draft(vote=vote, by=clerk, issuing_body=body)


def test_closing_marks_the_rest_absent_or_on_leave_and_needs_votes_closed(session, clerk, chair, deputies):
    row = svc.leave_request(meeting=session, by=clerk, deputy=deputies[8], reason="外出务工")
    svc.leave_decide(attendance=row, by=chair, approve=True)
    session = opened(session, clerk, deputies)
    vote = svc.vote_open(meeting=session, by=clerk, title="表决", method=VoteMethod.HANDS)
    with pytest.raises(ValidationError, match="未结束的表决"):
        svc.meeting_close(meeting=session, by=clerk)
    svc.vote_close(vote=vote, by=clerk, yes=6, no=0, abstain=0)
    svc.meeting_close(meeting=session, by=clerk, minutes="会议审议通过了预算。")
    statuses = dict(Attendance.objects.filter(meeting=session).values_list("deputy__name", "status"))
    assert statuses["代表8"] == AttendanceStatus.LEAVE
    assert statuses["代表6"] == statuses["代表7"] == AttendanceStatus.ABSENT
    assert list(statuses.values()).count(AttendanceStatus.PRESENT) == 6
    assert unexcused_absence_counts([d.pk for d in deputies]) == {}  # once is not yet flagged


def test_a_deputy_absent_twice_without_leave_is_flagged_on_the_register(
    session, township, clerk, chair, deputies, client_for, settings
):
    second = svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.SESSION, starts_at=today_at(15))
    for meeting in (session, second):
        row = svc.leave_request(meeting=meeting, by=clerk, deputy=deputies[8], reason="外出务工")
        svc.leave_decide(attendance=row, by=chair, approve=meeting is session)  # refused the second time
        meeting = opened(meeting, clerk, deputies)
        svc.meeting_close(meeting=meeting, by=clerk)
    counts = unexcused_absence_counts([d.pk for d in deputies])
    assert counts == {deputies[6].pk: 2, deputies[7].pk: 2}  # deputies[8] had leave once
    client = client_for(clerk)
    listing = client.get(reverse("deputies:deputy_list")).content.decode()
    assert listing.count('data-testid="deputy-flag"') == 2 and "未经批准缺席大会 2 次" in listing
    page = client.get(reverse("deputies:deputy_detail", args=[deputies[6].pk])).content.decode()
    assert 'data-testid="deputy-flag-detail"' in page and "代表资格终止" in page
    settings.SESSION_UNEXCUSED_ABSENCES_FLAG = 3
    assert unexcused_absence_counts([d.pk for d in deputies]) == {}


def test_attendance_is_in_the_deputys_yearly_record(session, clerk, deputies):
    session = opened(session, clerk, deputies)
    svc.meeting_close(meeting=session, by=clerk)
    rows = attendance_record_rows(deputies[0], session.year)
    assert [r["text"] for r in rows] == ["青山镇第十九届人民代表大会第一次会议：出席"]
    assert attendance_record_rows(deputies[7], session.year)[0]["text"].endswith("缺席")


# --- preparation -------------------------------------------------------------------------------------


def test_the_materials_checklist_runs_on_the_deadline_engine(session, clerk, chair, deputy_user):
    from congress_office.models import Deadline, DeadlineState

    due = timezone.localdate() + timedelta(days=5)
    with pytest.raises(ValidationError, match="负责人"):
        svc.material_add(meeting=session, by=clerk, title="政府工作报告", owner=deputy_user.__class__(), due_date=due)
    report = svc.material_add(
        meeting=session, by=clerk, title="镇人民政府工作报告（审议稿）", owner=chair, due_date=due
    )
    svc.material_add(meeting=session, by=clerk, title="会场布置", owner=clerk, due_date=due)
    deadline = Deadline.objects.get(kind="meetings.material", subject_id=session.pk, responsible_user=chair)
    assert deadline.due_date == due and deadline.state == DeadlineState.OPEN
    with pytest.raises(PermissionDenied):
        svc.material_done(item=report, by=deputy_user)
    svc.material_done(item=report, by=chair)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET
    assert svc.materials_progress(list(session.materials.all())) == (1, 2, 50)
    with pytest.raises(ValidationError, match="已完成"):
        svc.material_done(item=report, by=chair)


def test_the_meetings_documents_are_drafted_in_the_documents_app(session, clerk, deputies, township):
    from documents.choices import DocType

    body = IssuingBody.objects.create(township=township, name="青山镇人民代表大会主席团", code="青人")
    svc.agenda_add(meeting=session, by=clerk, title="审查和批准2027年镇财政预算", needs_vote=True)
    notice = svc.meeting_document_draft(meeting=session, by=clerk, issuing_body=body, purpose="notice")
    assert (notice.doc_type, notice.main_recipients) == (DocType.NOTICE, "各位代表")
    assert notice.title == "关于召开青山镇第十九届人民代表大会第一次会议的通知"
    assert "镇政府三楼会议室" in notice.body and "1. 审查和批准2027年镇财政预算" in notice.body
    with pytest.raises(ValidationError, match="已起草过"):
        svc.meeting_document_draft(meeting=session, by=clerk, issuing_body=body, purpose="notice")
    request = svc.meeting_document_draft(meeting=session, by=clerk, issuing_body=body, purpose="request")
    assert (request.doc_type, request.main_recipients) == (DocType.REQUEST, "县人大常委会")
    with pytest.raises(ValidationError, match="闭会后"):
        svc.meeting_document_draft(meeting=session, by=clerk, issuing_body=body, purpose="report")
    with pytest.raises(ValidationError, match="纪要"):
        svc.meeting_document_draft(meeting=session, by=clerk, issuing_body=body, purpose="minutes")
    session = opened(session, clerk, deputies)
    svc.vote_close(
        vote=svc.vote_open(meeting=session, by=clerk, title="预算", method=VoteMethod.HANDS),
        by=clerk,
        yes=6,
        no=0,
        abstain=0,
    )
    svc.meeting_close(meeting=session, by=clerk, minutes="会议审议通过了2027年镇财政预算。")
    session.refresh_from_db()
    report = svc.meeting_document_draft(meeting=session, by=clerk, issuing_body=body, purpose="report")
    assert "应到代表 9 名，实到 6 名" in report.body and "预算：全体代表 9 人" in report.body
    minutes = svc.meeting_document_draft(meeting=session, by=clerk, issuing_body=body, purpose="minutes")
    assert (minutes.doc_type, minutes.body) == (DocType.MINUTES, "会议审议通过了2027年镇财政预算。")
    assert sorted(session.documents.values_list("purpose", flat=True)) == ["minutes", "notice", "report", "request"]


# --- 审议意见 on the handling engine -------------------------------------------------------------------


def test_a_presidium_opinion_is_assigned_answered_and_rated(township, clerk, chair, deputies, unit, users, client_for):
    from congress_office.models import Deadline, DeadlineState
    from congress_office.roles import Role
    from congress_office.services.cases import case_supervise, case_timeline
    from meetings.choices import OpinionState

    presidium = svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.PRESIDIUM, starts_at=today_at(8))
    with pytest.raises(ValidationError, match="会议开始后"):
        svc.opinion_register(meeting=presidium, by=clerk, title="t", content="c")
    presidium = opened(presidium, clerk, deputies[:3], present=2)
    opinion = svc.opinion_register(
        meeting=presidium, by=clerk, title="关于农村饮水安全工作的审议意见", content="请镇政府在两个月内完成管网改造。"
    )
    with pytest.raises(PermissionDenied):
        svc.opinion_assign(opinion=opinion, by=chair, lead_unit=unit)
    svc.opinion_assign(opinion=opinion, by=clerk, lead_unit=unit)
    clock = Deadline.objects.get(kind="meetings.opinion.handling", subject_id=opinion.pk)
    assert (clock.rule, clock.limit, clock.responsible_unit) == ("months", 2, unit)
    case_supervise(item=opinion, by=chair, content="请加快进度。")
    handler = users[Role.UNIT_HANDLER]
    page = client_for(handler).get(reverse("meetings:opinion_detail", args=[opinion.pk]))
    assert page.status_code == 200 and [s["key"] for s in page.context["steps"]] == ["reply"]
    svc.opinion_reply(opinion=opinion, by=handler, content="已完成管网改造3公里。")
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET
    with pytest.raises(PermissionDenied):
        svc.opinion_rate(opinion=opinion, by=handler, satisfaction="satisfied")
    svc.opinion_rate(opinion=opinion, by=chair, satisfaction="satisfied")
    opinion.refresh_from_db()
    assert (opinion.state, opinion.satisfaction) == (OpinionState.CLOSED, "satisfied")
    assert [e.action for e in case_timeline(opinion)] == ["register", "assign", "supervise", "reply", "rate"]
    response = client_for(clerk).post(reverse("meetings:opinion_assign", args=[opinion.pk]), {"lead_unit": unit.pk})
    assert response.status_code == 200 and "不能“交办”" in response.content.decode()  # refused on the form
