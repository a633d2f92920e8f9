# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""Handling a petition on the shared engine: the statutory clocks (holidays and 调休 included),
assignment, extension, supervision, reply, rating and reopening, co-handling, leader
instructions and ownership, the completion report, the return visit; who may take each step
and in which state; reminders and escalation through the platform's deadline scan; what a
unit handler sees."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from congress_office.cases import Satisfaction
from congress_office.models import (
    AssignmentRole,
    CaseAssignment,
    CaseEvent,
    Deadline,
    DeadlineRule,
    DeadlineState,
    ExtensionRequest,
    Holiday,
    Notification,
    PdfJob,
    Reminder,
    TaskOutbox,
)
from congress_office.roles import Role
from congress_office.services.cases import case_pending_deadlines, case_timeline, extension_queue
from congress_office.services.deadlines import deadlines_scan
from congress_office.workdays import compute_due_date
from petitions.choices import PetitionState
from petitions.models import CompletionReport, LeaderInstruction, Petition, ReturnVisit
from petitions.services.handling import (
    completion_report_file,
    leader_instruct,
    leader_take_ownership,
    petition_approve_extension,
    petition_assign,
    petition_co_input,
    petition_rate,
    petition_refuse_extension,
    petition_reply,
    petition_request_extension,
    petition_supervise,
    return_visit_record,
)

from ..factories import TownshipFactory, UnitFactory
from .factories import register_petition
from .handling_fixtures import (  # noqa: F401 (fixtures)
    ACCEPTED,
    HANDLING_DUE,
    REPLIED,
    accepted,
    accepted_petition,
    assigned,
    co_handler,
    co_unit,
    events,
    lead_handler,
    replied,
    second_chair,
    third_handler,
    third_unit,
)


def handling_deadline(petition, clock="handling"):
    return Deadline.objects.get(subject_id=petition.pk, kind=f"petitions.petition.{clock}")


def closed(petition, clerk):
    petition_rate(petition=petition, by=clerk, satisfaction=Satisfaction.SATISFIED)
    petition.refresh_from_db()
    return petition


# --- the clocks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted_on", "due", "why"),
    [
        (date(2026, 7, 2), date(2026, 8, 31), "day 60 is a Monday: no move"),
        (date(2026, 8, 4), date(2026, 10, 8), "day 60 is 3 Oct, National Day holiday: the first working day after"),
        (date(2026, 8, 18), date(2026, 10, 19), "day 60 is Saturday 17 Oct: Monday"),
        (date(2026, 8, 11), date(2026, 10, 10), "day 60 is Saturday 10 Oct, a 调休 working day: it stays"),
        (date(2026, 7, 27), date(2026, 9, 28), "day 60 is Friday 25 Sep, the Mid-Autumn Festival: Monday"),
    ],
)
def test_handling_is_due_sixty_days_after_acceptance_on_the_official_calendar(
    township, clerk, unit, accepted_on, due, why
):
    """The handling clock runs 60 calendar days from the acceptance date (not the assignment
    date); a last day on a rest day moves to the next working day, a 调休 working Saturday
    does not move."""
    petition = accepted_petition(township=township, clerk=clerk, accepted_on=accepted_on)

    petition_assign(petition=petition, lead_unit=unit, by=clerk)

    deadline = handling_deadline(petition)
    assert deadline.due_date == due, why
    assert (deadline.start_date, deadline.rule, deadline.limit) == (accepted_on, DeadlineRule.CALENDAR_DAYS, 60)
    assert deadline.responsible_unit == unit
    assert deadline.basis() == f"自 {accepted_on.isoformat()} 起 60 日（自然日）"


def test_the_holiday_table_moves_the_handling_deadline(township, clerk, unit):
    """An office-entered rest day (the editable holiday table) is honoured like the library's."""
    Holiday.objects.create(date=date(2026, 8, 31), is_workday=False, name="防汛停工")
    petition = accepted_petition(township=township, clerk=clerk, accepted_on=date(2026, 7, 2))

    petition_assign(petition=petition, lead_unit=unit, by=clerk)

    assert handling_deadline(petition).due_date == date(2026, 9, 1)


# --- assignment (交办 / 转办) -------------------------------------------------------------------


def test_assign_opens_the_clock_and_records_lead_and_co_units(accepted, clerk, unit, co_unit, lead_handler, co_handler):
    """交办 to a lead unit with a co-handling unit: the state moves to 办理中, both units are
    recorded for round 1, the lead unit's clock is opened and both units' handlers are told."""
    event = petition_assign(petition=accepted, lead_unit=unit, co_units=[co_unit], by=clerk, note="请依法处理")

    accepted.refresh_from_db()
    assert accepted.state == PetitionState.ASSIGNED and accepted.lead_unit == unit
    rows = list(CaseAssignment.objects.filter(item_id=accepted.pk).order_by("role"))
    assert [(r.unit, r.role, r.round, r.mode) for r in rows] == [
        (co_unit, AssignmentRole.CO, 1, "assign"),
        (unit, AssignmentRole.LEAD, 1, "assign"),
    ]
    lead = next(r for r in rows if r.role == AssignmentRole.LEAD)
    assert lead.deadline.due_date == HANDLING_DUE
    assert (event.action, event.label, event.note) == ("assign", "交办", "请依法处理")
    assert event.data == {"lead_unit": "自然资源所", "co_units": ["城建办"]}
    for handler in (lead_handler, co_handler):
        assert Notification.objects.filter(recipient=handler, title__startswith="新交办事项").exists()


def test_transfer_is_recorded_as_转办(accepted, chair, unit):
    """转办 takes the same path with its own label; a chair may assign too."""
    event = petition_assign(petition=accepted, lead_unit=unit, by=chair, mode="transfer")

    assert (event.action, event.label) == ("transfer", "转办")
    assert CaseAssignment.objects.get(item_id=accepted.pk).get_mode_display() == "转办"


def test_a_petition_not_yet_accepted_cannot_be_assigned(township, clerk, unit):
    """Only an accepted petition is assigned; the refusal names the state and the step."""
    petition = register_petition(township=township, by=clerk, received_on=date(2026, 8, 1))

    with pytest.raises(ValidationError, match="该事项当前为“待受理”，不能“交办”"):
        petition_assign(petition=petition, lead_unit=unit, by=clerk)


def test_an_assigned_petition_cannot_be_assigned_again(assigned, clerk, third_unit):
    with pytest.raises(ValidationError, match="当前为“办理中”，不能“交办”"):
        petition_assign(petition=assigned, lead_unit=third_unit, by=clerk)


def test_a_unit_of_another_township_is_refused(accepted, clerk, other_unit):
    with pytest.raises(ValidationError, match="承办单位必须是本乡镇在用的单位"):
        petition_assign(petition=accepted, lead_unit=other_unit, by=clerk)


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY, Role.ADMIN])
def test_only_the_office_assigns(accepted, users, unit, role):
    with pytest.raises(PermissionDenied, match="权限|只能查看"):
        petition_assign(petition=accepted, lead_unit=unit, by=users[role])


def test_another_townships_clerk_cannot_assign(accepted, other_clerk, unit):
    with pytest.raises(PermissionDenied, match="不能办理其他乡镇的事项"):
        petition_assign(petition=accepted, lead_unit=unit, by=other_clerk)


# --- extension (延期): requested, approved or refused by a chair ------------------------------


def extend(petition, days, *, by, chair, reason="情况复杂"):
    """Request an extension and have a chair approve it."""
    petition_request_extension(petition=petition, days=days, reason=reason, by=by)
    return petition_approve_extension(petition=petition, by=chair, note="同意").extension


def test_a_request_waits_for_a_chair_and_changes_nothing_until_approved(assigned, clerk, chair, second_chair):
    request = petition_request_extension(petition=assigned, days=30, reason="涉及多个部门，需进一步调查", by=clerk)

    assert request.is_pending and request.new_due_date == date(2026, 11, 9)
    assert handling_deadline(assigned).due_date == HANDLING_DUE
    assert list(extension_queue(chair)) == [request] == list(extension_queue(second_chair))
    assert Notification.objects.filter(recipient=chair, title__contains="延期申请待审批").exists()
    assert case_timeline(assigned)[-1].action == "request_extension"


def test_a_30_day_extension_approved_by_a_chair_is_recorded_and_the_petitioner_told(assigned, clerk, chair):
    """Extended once by 30 days (8 Oct + 30 = Sat 7 Nov → Mon 9 Nov); the chair approves as
    themself; the timeline shows the approval and that the petitioner is told; the requester
    is notified."""
    petition_request_extension(petition=assigned, days=30, reason="涉及多个部门，需进一步调查", by=clerk)
    request = petition_approve_extension(petition=assigned, by=chair, note="同意延期")
    extension = request.extension

    assert (extension.previous_due_date, extension.new_due_date) == (HANDLING_DUE, date(2026, 11, 9))
    assert extension.approver == chair and extension.requested_by == clerk
    assert request.decided_by == chair and not request.is_pending
    deadline = handling_deadline(assigned)
    assert (deadline.due_date, deadline.state, deadline.original_due_date) == (
        date(2026, 11, 9),
        DeadlineState.EXTENDED,
        HANDLING_DUE,
    )
    timeline = case_timeline(assigned)
    assert [e.action for e in timeline][-3:] == ["request_extension", "approve_extension", "notify_petitioner"]
    told = timeline[-1]
    assert told.label == "告知信访人" and "2026-11-09" in told.note and "延期办理告知书" in told.note
    assert told.data["extension_id"] == extension.pk
    assert timeline[-2].data["approver"] == chair.display_name
    assert Notification.objects.filter(recipient=clerk, title__contains="延期申请已批准").exists()
    assert not extension_queue(chair).exists()


def test_a_refusal_needs_a_reason_changes_no_clock_and_tells_the_requester(assigned, lead_handler, chair):
    petition_request_extension(petition=assigned, days=10, reason="需现场勘验", by=lead_handler)
    with pytest.raises(ValidationError):
        petition_refuse_extension(petition=assigned, by=chair, note=" ")

    request = petition_refuse_extension(petition=assigned, by=chair, note="事实清楚，请按期办结")

    assert request.state == "refused" and request.decided_by == chair
    assert handling_deadline(assigned).due_date == HANDLING_DUE
    assert Notification.objects.filter(recipient=lead_handler, title__contains="未获批准").exists()
    assert case_timeline(assigned)[-1].action == "refuse_extension"


def test_an_extension_longer_than_30_days_is_refused_with_the_latest_date(assigned, clerk):
    with pytest.raises(ValidationError) as error:
        petition_request_extension(petition=assigned, days=31, reason="情况复杂", by=clerk)

    assert list(error.value.message_dict) == ["extra"]
    assert "30" in error.value.message_dict["extra"][0] and "2026-11-09" in error.value.message_dict["extra"][0]
    assert not ExtensionRequest.objects.exists()


def test_a_second_request_waits_for_the_first(assigned, clerk, lead_handler):
    petition_request_extension(petition=assigned, days=10, reason="情况复杂", by=clerk)

    with pytest.raises(ValidationError, match="正在等待审批"):
        petition_request_extension(petition=assigned, days=10, reason="仍需调查", by=lead_handler)


def test_a_second_extension_is_refused(assigned, clerk, chair):
    extend(assigned, 10, by=clerk, chair=chair)

    with pytest.raises(ValidationError, match="办理期限已延长过一次，不能再次延期"):
        petition_request_extension(petition=assigned, days=10, reason="仍需调查", by=clerk)


def test_the_reopened_round_cannot_be_extended_after_an_earlier_extension(
    assigned, clerk, chair, lead_handler, settings
):
    """Once per petition: an extension in round 1 leaves none for the reopened round."""
    settings.PETITION_REHANDLE_ON_UNSATISFIED = True
    extend(assigned, 5, by=clerk, chair=chair)
    petition_reply(petition=assigned, by=lead_handler, outcome="explain", content="已解释政策。", on=REPLIED)
    petition_rate(petition=assigned, by=clerk, satisfaction=Satisfaction.UNSATISFIED, comment="补偿标准不对")
    assigned.refresh_from_db()

    with pytest.raises(ValidationError, match="已延长过一次"):
        petition_request_extension(petition=assigned, days=5, reason="再次调查", by=clerk)


@pytest.mark.parametrize("role", [Role.CLERK, Role.DEPUTY, Role.UNIT_HANDLER, Role.AUDITOR, Role.COUNTY])
def test_only_a_chair_approves(assigned, clerk, users, role):
    petition_request_extension(petition=assigned, days=10, reason="情况复杂", by=clerk)

    with pytest.raises(PermissionDenied):
        petition_approve_extension(petition=assigned, by=users[role])
    assert ExtensionRequest.objects.get().is_pending


def test_a_chair_of_another_township_cannot_approve(assigned, clerk, other_chair):
    petition_request_extension(petition=assigned, days=10, reason="情况复杂", by=clerk)

    with pytest.raises(PermissionDenied, match="其他乡镇"):
        petition_approve_extension(petition=assigned, by=other_chair)
    assert extension_queue(other_chair).count() == 0


def test_a_chair_may_request_and_approve(assigned, chair):
    extension = extend(assigned, 15, by=chair, chair=chair, reason="需要现场勘验")

    assert extension.requested_by == chair == extension.approver


def test_the_lead_unit_may_request_but_not_another_unit(assigned, lead_handler, co_handler, third_handler):
    petition_request_extension(petition=assigned, days=10, reason="需委托鉴定", by=lead_handler)
    ExtensionRequest.objects.all().delete()

    for handler in (co_handler, third_handler):
        with pytest.raises(PermissionDenied):
            petition_request_extension(petition=assigned, days=10, reason="需委托鉴定", by=handler)


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_others_cannot_request(assigned, users, role):
    with pytest.raises(PermissionDenied):
        petition_request_extension(petition=assigned, days=10, reason="情况复杂", by=users[role])


def test_a_replied_petition_cannot_be_extended(replied, clerk):
    with pytest.raises(ValidationError, match="当前为“已答复”，不能“申请延期”"):
        petition_request_extension(petition=replied, days=10, reason="情况复杂", by=clerk)


def test_a_request_left_pending_when_the_unit_replies_cannot_be_approved(assigned, clerk, chair, lead_handler):
    petition_request_extension(petition=assigned, days=10, reason="情况复杂", by=clerk)
    petition_reply(petition=assigned, by=lead_handler, outcome="support", content="已办理。", on=REPLIED)
    assigned.refresh_from_db()

    with pytest.raises(ValidationError, match="不能“批准延期”"):
        petition_approve_extension(petition=assigned, by=chair)


# --- supervision (督办) -------------------------------------------------------------------------


def test_supervision_notices_are_numbered_per_township_and_year(
    township, clerk, chair, unit, other_township, other_clerk, django_capture_on_commit_callbacks
):
    """机关代字 + 督〔year〕1号, 2号 … in one township (青人督〔2026〕1号, as a 发文字号 is
    written); another township starts again at 1 with its own 机关代字. Each notice queues its
    PDF for the one who issued it."""
    year = timezone.localdate().year
    first = accepted_petition(township=township, clerk=clerk)
    second = accepted_petition(township=township, clerk=clerk, title="村道损坏无人维修", subject_name="交通运输")
    other_unit = UnitFactory(township=other_township, name="财政所")
    elsewhere = accepted_petition(township=other_township, clerk=other_clerk)
    for petition, lead, by in ((first, unit, clerk), (second, unit, clerk), (elsewhere, other_unit, other_clerk)):
        petition_assign(petition=petition, lead_unit=lead, by=by)

    with django_capture_on_commit_callbacks() as callbacks:
        n1, job = petition_supervise(petition=first, by=chair, content="请于一周内报送办理进展。")
    n2, _job = petition_supervise(petition=second, by=clerk, content="请加快办理。")
    n3, _job = petition_supervise(petition=first, by=chair, content="再次督办。")
    m1, _job = petition_supervise(petition=elsewhere, by=other_clerk, content="请加快办理。")

    assert [str(s.number) for s in (n1, n2, n3)] == [f"青人督〔{year}〕{n}号" for n in (1, 2, 3)]
    assert str(m1.number) == f"白人督〔{year}〕1号"
    assert (job.owner, job.report) == (chair, "petitions.supervision_notice")
    assert job.params == {"supervision_id": str(n1.pk)}
    # the render is queued to run after the commit, not inside the transaction: its outbox row
    # is written, unsent, and a callback of the commit will send it
    assert job.status == "pending" and callbacks
    assert TaskOutbox.objects.filter(args=[str(job.pk)], sent_at__isnull=True).exists()
    event = CaseEvent.objects.filter(item_id=first.pk, action="supervise").first()
    assert event.label == "督办" and event.data["number"] == f"青人督〔{year}〕1号"


def test_the_lead_units_handlers_are_told_of_a_supervision(assigned, chair, lead_handler, co_handler):
    petition_supervise(petition=assigned, by=chair, content="请按期办结。")

    assert Notification.objects.filter(recipient=lead_handler, title__startswith="督办通知").exists()
    assert not Notification.objects.filter(recipient=co_handler, title__startswith="督办通知").exists()


def test_supervision_needs_a_petition_in_handling(replied, clerk, chair):
    """Only a petition a unit is handling is supervised: not before assignment, not after the reply."""
    waiting = accepted_petition(township=replied.township, clerk=clerk, title="另案")
    with pytest.raises(ValidationError, match="当前为“已受理待交办”，不能“督办”"):
        petition_supervise(petition=waiting, by=chair, content="x")
    with pytest.raises(ValidationError, match="当前为“已答复”，不能“督办”"):
        petition_supervise(petition=replied, by=chair, content="请加快办理。")


def test_a_reply_by_date_in_the_past_is_refused(assigned, chair):
    with pytest.raises(ValidationError, match="要求反馈日期不能早于今天"):
        petition_supervise(
            petition=assigned, by=chair, content="请加快办理。", reply_by=timezone.localdate() - timedelta(days=1)
        )


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_only_the_office_and_chairs_supervise(assigned, users, role):
    with pytest.raises(PermissionDenied):
        petition_supervise(petition=assigned, by=users[role], content="请加快办理。")
    assert not PdfJob.objects.exists()


# --- co-handling (协办) -------------------------------------------------------------------------


def test_a_co_unit_sends_its_opinion_to_the_lead_unit(assigned, co_handler):
    event = petition_co_input(petition=assigned, by=co_handler, note="城建办意见：该地块规划已调整。")

    row = CaseAssignment.objects.get(item_id=assigned.pk, role=AssignmentRole.CO)
    assert row.input_note == "城建办意见：该地块规划已调整。" and row.input_at
    assert (event.action, event.data) == ("co_input", {"unit": "城建办"})
    with pytest.raises(PermissionDenied, match="只有尚未提交意见的协办单位"):
        petition_co_input(petition=assigned, by=co_handler, note="再次提交")


def test_the_lead_unit_or_another_unit_cannot_send_a_co_opinion(assigned, lead_handler, third_handler):
    for handler in (lead_handler, third_handler):
        with pytest.raises(PermissionDenied, match="只有尚未提交意见的协办单位"):
            petition_co_input(petition=assigned, by=handler, note="意见")


def test_the_office_records_a_co_opinion_sent_on_paper(assigned, clerk, co_unit, unit):
    petition_co_input(petition=assigned, by=clerk, unit=co_unit, note="书面意见已收到。")
    assert CaseAssignment.objects.get(item_id=assigned.pk, role=AssignmentRole.CO).input_at

    with pytest.raises(ValidationError, match="没有待提交意见的协办单位"):
        petition_co_input(petition=assigned, by=clerk, unit=unit, note="x")


# --- reply (答复) -------------------------------------------------------------------------------


def test_the_lead_units_handler_replies_and_meets_the_handling_deadline(assigned, lead_handler):
    """The reply sets the outcome and date, moves to 已答复 and meets the 60-day clock."""
    reply = petition_reply(
        petition=assigned, by=lead_handler, outcome="support", content="已补发补偿款。", on=date(2026, 9, 30)
    )

    assigned.refresh_from_db()
    assert (assigned.state, assigned.outcome, assigned.replied_on) == (
        PetitionState.REPLIED,
        "support",
        date(2026, 9, 30),
    )
    assert (reply.round, reply.unit, reply.result, reply.replied_by) == (1, assigned.lead_unit, "support", lead_handler)
    deadline = handling_deadline(assigned)
    assert deadline.state == DeadlineState.MET and deadline.met_at
    assert not case_pending_deadlines(assigned).exists()
    assert events(assigned)[-1] == "reply"


def test_a_clerk_may_record_the_units_reply(assigned, clerk):
    petition_reply(petition=assigned, by=clerk, outcome="explain", content="已向信访人解释政策。", on=REPLIED)
    assigned.refresh_from_db()
    assert assigned.get_outcome_display() == "解释说明"


def test_a_co_units_handler_cannot_reply(assigned, co_handler):
    with pytest.raises(PermissionDenied, match="只有主办单位可以“答复”"):
        petition_reply(petition=assigned, by=co_handler, outcome="support", content="已办理。", on=REPLIED)


@pytest.mark.parametrize("role", [Role.CHAIR, Role.DEPUTY, Role.AUDITOR, Role.COUNTY, Role.ADMIN])
def test_others_cannot_reply(assigned, users, role):
    with pytest.raises(PermissionDenied):
        petition_reply(petition=assigned, by=users[role], outcome="support", content="已办理。", on=REPLIED)


def test_another_units_handler_cannot_reply(assigned, third_handler):
    with pytest.raises(PermissionDenied, match="只有主办单位可以“答复”"):
        petition_reply(petition=assigned, by=third_handler, outcome="support", content="已办理。", on=REPLIED)


def test_another_townships_clerk_cannot_reply(assigned, other_clerk):
    with pytest.raises(PermissionDenied, match="不能办理其他乡镇的事项"):
        petition_reply(petition=assigned, by=other_clerk, outcome="support", content="已办理。", on=REPLIED)


def test_the_reply_needs_an_outcome_content_and_a_sensible_date(assigned, lead_handler):
    with pytest.raises(ValidationError, match="支持、解释说明或不予支持"):
        petition_reply(petition=assigned, by=lead_handler, outcome="maybe", content="已办理。")
    with pytest.raises(ValidationError, match="请填写答复内容"):
        petition_reply(petition=assigned, by=lead_handler, outcome="support", content="  ")
    with pytest.raises(ValidationError, match="答复日期不能晚于今天"):
        petition_reply(
            petition=assigned,
            by=lead_handler,
            outcome="support",
            content="x",
            on=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="不能早于受理日期"):
        petition_reply(petition=assigned, by=lead_handler, outcome="support", content="x", on=date(2026, 8, 1))


def test_a_petition_not_yet_assigned_cannot_be_replied(accepted, clerk):
    with pytest.raises(ValidationError, match="当前为“已受理待交办”，不能“答复”"):
        petition_reply(petition=accepted, by=clerk, outcome="support", content="x", on=REPLIED)


def test_a_replied_petition_cannot_be_replied_again(replied, lead_handler):
    with pytest.raises(ValidationError, match="当前为“已答复”，不能“答复”"):
        petition_reply(petition=replied, by=lead_handler, outcome="support", content="x", on=REPLIED)


# --- rating and reopening ---------------------------------------------------------------------


def test_a_satisfied_petitioner_closes_the_petition(replied, clerk):
    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.BASICALLY)

    replied.refresh_from_db()
    assert replied.state == PetitionState.CLOSED and replied.closed_at
    assert events(replied)[-2:] == ["rate", "close"]
    rate = CaseEvent.objects.get(item_id=replied.pk, action="rate")
    assert (rate.label, rate.actor, rate.actor_label) == ("评价：基本满意", clerk, "王大山")


def test_an_online_rating_has_no_account_behind_it(replied):
    """The public page (query code checked there) rates with by=None."""
    petition_rate(petition=replied, satisfaction=Satisfaction.SATISFIED)

    replied.refresh_from_db()
    assert replied.state == PetitionState.CLOSED
    assert CaseEvent.objects.get(item_id=replied.pk, action="rate").actor is None


def test_by_default_an_unsatisfied_rating_closes_and_leaves_the_way_to_review(replied, clerk):
    """信访工作条例: the statutory path after 不满意 is 复查; the office does not re-handle it
    unless PETITION_REHANDLE_ON_UNSATISFIED is on."""
    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.UNSATISFIED, comment="补发金额不对")

    replied.refresh_from_db()
    assert (replied.state, replied.round) == (PetitionState.CLOSED, 1)
    assert not Deadline.objects.filter(subject_id=replied.pk, kind="petitions.petition.reopened").exists()
    assert events(replied)[-2:] == ["rate", "close"]


def test_an_unsatisfied_rating_reopens_on_a_30_day_clock_in_round_2(replied, clerk, unit, lead_handler, settings):
    """With re-handling on: 不满意 is round 2, 重新办理, a new 30-day 'reopened' clock from today
    for the lead unit, whose handlers are told; the round-2 reply meets it and a satisfied
    rating closes."""
    settings.PETITION_REHANDLE_ON_UNSATISFIED = True
    today = timezone.localdate()

    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.UNSATISFIED, comment="补发金额不对")

    replied.refresh_from_db()
    assert (replied.state, replied.round) == (PetitionState.REOPENED, 2)
    reopened = handling_deadline(replied, "reopened")
    assert (reopened.start_date, reopened.limit, reopened.rule) == (today, 30, DeadlineRule.CALENDAR_DAYS)
    assert reopened.due_date == compute_due_date(today, DeadlineRule.CALENDAR_DAYS, 30)
    assert reopened.responsible_unit == unit and reopened.is_pending
    assert CaseAssignment.objects.filter(item_id=replied.pk, round=2, role=AssignmentRole.LEAD, unit=unit).exists()
    assert Notification.objects.filter(recipient=lead_handler, title__startswith="评价不满意，重新办理").exists()
    assert events(replied)[-2:] == ["rate", "reopen"]

    petition_reply(petition=replied, by=lead_handler, outcome="support", content="已按标准补足。")
    reopened.refresh_from_db()
    assert reopened.state == DeadlineState.MET
    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.SATISFIED)
    replied.refresh_from_db()
    assert replied.state == PetitionState.CLOSED


def test_unsatisfied_needs_a_reason(replied, clerk):
    with pytest.raises(ValidationError, match="不满意时请填写理由"):
        petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.UNSATISFIED)


def test_only_a_replied_petition_is_rated(assigned, clerk):
    with pytest.raises(ValidationError, match="当前为“办理中”，不能“评价”"):
        petition_rate(petition=assigned, by=clerk, satisfaction=Satisfaction.SATISFIED)


@pytest.mark.parametrize("role", [Role.CHAIR, Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_only_the_office_records_a_rating(replied, users, role):
    with pytest.raises(PermissionDenied):
        petition_rate(petition=replied, by=users[role], satisfaction=Satisfaction.SATISFIED)


# --- leaders: instruction (批示) and ownership (包案) -------------------------------------------


def test_a_chair_instructs_and_the_office_and_lead_unit_are_told(assigned, chair, clerk, lead_handler, co_handler):
    instruction = leader_instruct(petition=assigned, by=chair, content="请自然资源所依法依规妥善处理，按期办结。")

    assert LeaderInstruction.objects.get() == instruction and instruction.leader == chair
    event = CaseEvent.objects.get(item_id=assigned.pk, action="instruct")
    assert (event.label, event.actor, event.note) == ("领导批示", chair, instruction.content)
    assert Notification.objects.filter(recipient=clerk, title__startswith="领导批示").exists()
    assert Notification.objects.filter(recipient=lead_handler, title__startswith="领导批示").exists()
    assert not Notification.objects.filter(recipient=co_handler, title__startswith="领导批示").exists()


def test_a_chair_may_instruct_on_a_petition_just_registered(township, clerk, chair):
    petition = register_petition(township=township, by=clerk, received_on=date(2026, 8, 1))
    leader_instruct(petition=petition, by=chair, content="请办公室及时受理。")
    assert petition.instructions.count() == 1


@pytest.mark.parametrize("role", [Role.CLERK, Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY, Role.ADMIN])
def test_only_chairs_instruct_and_take_ownership(assigned, users, role):
    with pytest.raises(PermissionDenied, match="权限|只能查看"):
        leader_instruct(petition=assigned, by=users[role], content="请办理。")
    with pytest.raises(PermissionDenied, match="权限|只能查看"):
        leader_take_ownership(petition=assigned, by=users[role])


def test_another_townships_chair_cannot_instruct(assigned, other_chair):
    with pytest.raises(PermissionDenied, match="不能办理其他乡镇的事项"):
        leader_instruct(petition=assigned, by=other_chair, content="请办理。")


def test_no_instruction_on_a_closed_petition(replied, clerk, chair):
    closed(replied, clerk)
    with pytest.raises(ValidationError, match="当前为“已办结”，不能“领导批示”"):
        leader_instruct(petition=replied, by=chair, content="请回访。")


def test_a_chair_takes_ownership_once(assigned, chair, second_chair, clerk):
    leader_take_ownership(petition=assigned, by=chair)

    assigned.refresh_from_db()
    assert assigned.leader_owner == chair
    assert CaseEvent.objects.get(item_id=assigned.pk, action="take_ownership").label == "领导包案"
    assert Notification.objects.filter(recipient=clerk, title__startswith="领导包案").exists()
    with pytest.raises(ValidationError, match="您已包案该事项"):
        leader_take_ownership(petition=assigned, by=chair)
    with pytest.raises(ValidationError, match=f"该事项已由{chair.display_name}包案"):
        leader_take_ownership(petition=assigned, by=second_chair)


def test_ownership_taken_concurrently_is_seen_under_the_lock(assigned, chair, second_chair):
    """A stale copy of the petition does not let a second leader overwrite the first."""
    stale = Petition.objects.get(pk=assigned.pk)
    leader_take_ownership(petition=assigned, by=chair)

    with pytest.raises(ValidationError, match="已由"):
        leader_take_ownership(petition=stale, by=second_chair)
    assert Petition.objects.get(pk=assigned.pk).leader_owner == chair


# --- completion report (办结报告) and return visit (回访) ---------------------------------------


def test_the_lead_unit_files_the_completion_report_after_the_reply(replied, lead_handler, clerk):
    report = completion_report_file(petition=replied, by=lead_handler, content="补偿款已足额发放，信访人表示满意。")

    assert CompletionReport.objects.get(petition=replied) == report and report.filed_by == lead_handler
    assert events(replied)[-1] == "completion_report"
    assert Notification.objects.filter(recipient=clerk, title__startswith="办结报告").exists()
    with pytest.raises(ValidationError, match="办结报告已提交"):
        completion_report_file(petition=replied, by=clerk, content="重复")


def test_a_clerk_may_file_the_report_for_a_closed_petition(replied, clerk):
    closed(replied, clerk)
    completion_report_file(petition=replied, by=clerk, content="已办结。")
    assert replied.completion_report.filed_by == clerk


def test_no_completion_report_before_the_reply(assigned, lead_handler):
    with pytest.raises(ValidationError, match="不能“办结报告”"):
        completion_report_file(petition=assigned, by=lead_handler, content="办理中")


@pytest.mark.parametrize("who", ["co_handler", "third_handler"])
def test_other_units_cannot_file_the_report(request, replied, who):
    with pytest.raises(PermissionDenied, match="只有主办单位"):
        completion_report_file(petition=replied, by=request.getfixturevalue(who), content="x")


@pytest.mark.parametrize("role", [Role.CHAIR, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_others_cannot_file_the_report(replied, users, role):
    with pytest.raises(PermissionDenied):
        completion_report_file(petition=replied, by=users[role], content="x")


def test_a_clerk_records_a_return_visit_after_closure(replied, clerk):
    closed(replied, clerk)
    visit = return_visit_record(
        petition=replied,
        by=clerk,
        visited_on=date(2026, 9, 1),
        method="上门",
        satisfaction=Satisfaction.SATISFIED,
        note="补偿款已到账，表示满意。",
    )

    assert ReturnVisit.objects.get() == visit and visit.visited_by == clerk
    event = CaseEvent.objects.get(item_id=replied.pk, action="return_visit")
    assert event.label == "回访" and event.data["satisfaction"] == "satisfied"
    # a second visit is allowed (回访 may be repeated)
    return_visit_record(petition=replied, by=clerk, visited_on=date(2026, 10, 9), satisfaction=Satisfaction.BASICALLY)
    assert replied.return_visits.count() == 2


def test_no_return_visit_before_closure(replied, clerk):
    with pytest.raises(ValidationError, match="不能“回访”"):
        return_visit_record(petition=replied, by=clerk, visited_on=date(2026, 9, 1), satisfaction="satisfied")


def test_a_return_visit_date_must_be_sensible(replied, clerk):
    closed(replied, clerk)
    with pytest.raises(ValidationError, match="回访日期不能晚于今天"):
        return_visit_record(
            petition=replied, by=clerk, visited_on=timezone.localdate() + timedelta(days=1), satisfaction="satisfied"
        )
    with pytest.raises(ValidationError, match="不能早于答复日期"):
        return_visit_record(petition=replied, by=clerk, visited_on=date(2026, 8, 9), satisfaction="satisfied")
    with pytest.raises(ValidationError, match="请选择回访方式"):
        return_visit_record(
            petition=replied, by=clerk, visited_on=date(2026, 9, 1), satisfaction="satisfied", method="飞鸽传书"
        )


@pytest.mark.parametrize("role", [Role.CHAIR, Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_only_the_office_records_return_visits(replied, clerk, users, role):
    closed(replied, clerk)
    with pytest.raises(PermissionDenied, match="权限|只能查看"):
        return_visit_record(petition=replied, by=users[role], visited_on=date(2026, 9, 1), satisfaction="satisfied")


# --- the whole timeline --------------------------------------------------------------------


def test_the_timeline_shows_every_step_in_order(assigned, clerk, chair, lead_handler, co_handler):
    leader_instruct(petition=assigned, by=chair, content="请妥善处理。")
    leader_take_ownership(petition=assigned, by=chair)
    petition_co_input(petition=assigned, by=co_handler, note="同意。")
    extend(assigned, 20, by=clerk, chair=chair, reason="需现场勘验")
    petition_supervise(petition=assigned, by=chair, content="请按期办结。")
    petition_reply(petition=assigned, by=lead_handler, outcome="support", content="已办理。", on=REPLIED)
    petition_rate(petition=assigned, by=clerk, satisfaction=Satisfaction.SATISFIED)
    completion_report_file(petition=assigned, by=lead_handler, content="已办结。")
    return_visit_record(petition=assigned, by=clerk, visited_on=date(2026, 9, 1), satisfaction="satisfied")

    assert events(assigned) == [
        "register",
        "accept",
        "assign",
        "instruct",
        "take_ownership",
        "co_input",
        "request_extension",
        "approve_extension",
        "notify_petitioner",
        "supervise",
        "reply",
        "rate",
        "close",
        "completion_report",
        "return_visit",
    ]


# --- reminders and escalation through the platform's engine -----------------------------------


def test_an_overdue_handling_deadline_is_escalated_to_the_chairs_by_the_daily_scan(
    assigned, chair, second_chair, clerk, lead_handler, other_chair
):
    """The handling clock is a Deadline of kind petitions.petition.handling: 3 days before the
    due date the unit and clerks are reminded; the working day after it, the scan marks it
    overdue and escalates to the township's chairs (not another township's), once."""
    deadline = handling_deadline(assigned)
    assert deadline.kind == "petitions.petition.handling"

    deadlines_scan(today=date(2026, 10, 5))  # 3 days before 8 Oct
    before = Reminder.objects.get(deadline=deadline)
    assert before.stage.startswith("before:3") and not before.escalated
    assert not Notification.objects.filter(recipient=chair).exists()

    result = deadlines_scan(today=date(2026, 10, 9))
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.OVERDUE and result.marked_overdue == 1
    overdue = Reminder.objects.get(deadline=deadline, stage__startswith="overdue:")
    assert overdue.escalated and overdue.sent_on == date(2026, 10, 9)
    title = f"【逾期】信访办理：{assigned} 已于 2026-10-08 到期"
    for person in (chair, second_chair, clerk, lead_handler):
        assert Notification.objects.filter(recipient=person, title=title).count() == 1
    assert not Notification.objects.filter(recipient=other_chair).exists()

    deadlines_scan(today=date(2026, 10, 9))  # a repeated scan sends nothing twice
    assert Notification.objects.filter(recipient=chair, title=title).count() == 1


def test_a_replied_petition_is_not_chased(replied, chair):
    deadlines_scan(today=date(2026, 10, 9))
    assert not Reminder.objects.exists()


# --- what a unit handler sees --------------------------------------------------------------


def test_a_unit_handler_sees_only_the_petitions_assigned_to_their_unit(
    township, clerk, unit, co_unit, third_unit, lead_handler, co_handler, third_handler, other_township, other_clerk
):
    """Lead or co-handling, this round or an earlier one: visible; registered but unassigned,
    assigned to another unit, or another township's: not."""
    led = accepted_petition(township=township, clerk=clerk, title="甲")
    co = accepted_petition(township=township, clerk=clerk, title="乙")
    elsewhere = accepted_petition(township=township, clerk=clerk, title="丙")
    unassigned = accepted_petition(township=township, clerk=clerk, title="丁")
    petition_assign(petition=led, lead_unit=unit, by=clerk)
    petition_assign(petition=co, lead_unit=co_unit, co_units=[unit], by=clerk)
    petition_assign(petition=elsewhere, lead_unit=third_unit, by=clerk)
    TownshipFactory(code="x")  # noise

    def visible(user):
        return set(Petition.objects.visible_to(user).values_list("title", flat=True))

    assert visible(lead_handler) == {"甲", "乙"}
    assert visible(co_handler) == {"乙"}
    assert visible(third_handler) == {"丙"}
    assert visible(clerk) == {"甲", "乙", "丙", "丁"}
    assert visible(other_clerk) == set()
    assert unassigned.title not in visible(lead_handler)
