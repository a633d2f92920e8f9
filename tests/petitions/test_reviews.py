# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""复查 and 复核 (信访工作条例 Art.35): a 复查 request within 30 days of the reply, a 复核
request within 30 days of the 复查 decision, each decided within 30 days on a clock of the
deadline engine; after a 复核 the same request is not accepted again."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from congress_office.cases import Satisfaction
from congress_office.models import Deadline, DeadlineRule, DeadlineState, Notification
from congress_office.roles import Role
from congress_office.workdays import compute_due_date
from petitions.choices import PetitionState, ReviewKind
from petitions.models import Review
from petitions.services.handling import (
    petition_decide_review,
    petition_rate,
    petition_reply,
    petition_request_review,
    review_window,
)

from .handling_fixtures import (  # noqa: F401 (fixtures)
    REPLIED,
    accepted,
    assigned,
    co_handler,
    co_unit,
    events,
    lead_handler,
    replied,
)

REVIEW, RECHECK = ReviewKind.REVIEW, ReviewKind.RECHECK


def request(petition, by, kind=REVIEW, on=None, text="对处理意见不服，请求复查。"):
    return petition_request_review(petition=petition, kind=kind, requested_on=on, request=text, by=by)


def decide(petition, by, kind=REVIEW, on=None, outcome="reject", text="维持原处理意见。"):
    return petition_decide_review(petition=petition, kind=kind, by=by, decision=text, outcome=outcome, decided_on=on)


def clock(petition, kind):
    return Deadline.objects.get(subject_id=petition.pk, kind=f"petitions.petition.{kind}")


@pytest.fixture
def reviewed(replied, clerk, chair):
    """复查 requested on 1 Sep 2026 and decided on 20 Sep 2026 (a 调休 working Sunday)."""
    request(replied, clerk, on=date(2026, 9, 1))
    decide(replied, chair, on=date(2026, 9, 20))
    replied.refresh_from_db()
    return replied


# --- 复查 --------------------------------------------------------------------------------------


def test_a_review_requested_on_day_30_is_registered_with_its_30_day_decision_clock(replied, clerk, chair):
    """Replied 10 Aug; day 30 is 9 Sep: accepted. The petition is 复查中 and the decision is
    due 30 days after the request (9 Oct; rolled forward past nothing)."""
    day_30 = REPLIED + timedelta(days=30)

    review = request(replied, clerk, on=day_30)

    replied.refresh_from_db()
    assert replied.state == PetitionState.REVIEWING
    assert (review.kind, review.requested_on, review.recorded_by) == (REVIEW, day_30, clerk)
    deadline = clock(replied, "review")
    assert (deadline.start_date, deadline.rule, deadline.limit) == (day_30, DeadlineRule.CALENDAR_DAYS, 30)
    assert deadline.due_date == compute_due_date(day_30, DeadlineRule.CALENDAR_DAYS, 30) == date(2026, 10, 9)
    assert events(replied)[-1] == "request_review"
    assert Notification.objects.filter(recipient=chair, title__startswith="信访人申请复查").exists()


def test_a_review_requested_on_day_31_is_refused(replied, clerk):
    with pytest.raises(ValidationError) as error:
        request(replied, clerk, on=REPLIED + timedelta(days=31))

    message = error.value.message_dict["requested_on"][0]
    assert "30 日内" in message and "2026-09-09" in message and "已超过期限" in message
    replied.refresh_from_db()
    assert replied.state == PetitionState.REPLIED and not Review.objects.exists()


def test_the_request_window_ending_in_a_holiday_runs_to_the_next_working_day(assigned, lead_handler, clerk):
    """Replied 1 Sep: day 30 is 1 Oct (National Day), so the window runs to 8 Oct; 9 Oct is late."""
    petition_reply(
        petition=assigned, by=lead_handler, outcome="reject", content="不符合补偿条件。", on=date(2026, 9, 1)
    )
    assigned.refresh_from_db()
    assert review_window(assigned, REVIEW) == (date(2026, 9, 1), date(2026, 10, 8))

    with pytest.raises(ValidationError, match="最迟 2026-10-08"):
        request(assigned, clerk, on=date(2026, 10, 9))
    request(assigned, clerk, on=date(2026, 10, 8))


def test_a_review_of_a_closed_petition_is_possible_within_the_window(replied, clerk):
    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.BASICALLY)
    request(replied, clerk, on=date(2026, 8, 20))
    replied.refresh_from_db()
    assert replied.state == PetitionState.REVIEWING


def test_no_review_before_the_reply(assigned, clerk):
    with pytest.raises(ValidationError, match="尚未答复，不能申请复查"):
        request(assigned, clerk, on=date(2026, 8, 20))


def test_no_review_while_the_petition_is_reopened(replied, clerk, settings):
    settings.PETITION_REHANDLE_ON_UNSATISFIED = True
    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.UNSATISFIED, comment="不满意")
    with pytest.raises(ValidationError, match="当前为“重新办理”，不能“申请复查”"):
        request(replied, clerk, on=date(2026, 8, 20))


def test_a_request_date_before_the_reply_or_in_the_future_is_refused(replied, clerk):
    with pytest.raises(ValidationError, match="不能早于答复日期"):
        request(replied, clerk, on=REPLIED - timedelta(days=1))
    with pytest.raises(ValidationError, match="申请日期不能晚于今天"):
        request(replied, clerk, on=timezone.localdate() + timedelta(days=1))


def test_a_second_review_is_refused(reviewed, clerk):
    """The unique constraint per kind speaks, in words the clerk can pass on."""
    with pytest.raises(ValidationError, match="已经申请过复查，不能重复申请；对复查意见不服的，可以申请复核"):
        request(reviewed, clerk, on=date(2026, 9, 25))
    assert reviewed.reviews.filter(kind=REVIEW).count() == 1


def test_deciding_a_review_meets_its_clock_and_closes_again(replied, clerk, chair):
    request(replied, clerk, on=date(2026, 9, 1))

    review = decide(replied, chair, on=date(2026, 9, 20), outcome="explain", text="原处理意见正确，已向信访人解释。")

    replied.refresh_from_db()
    assert replied.state == PetitionState.CLOSED
    assert (review.decided_on, review.outcome) == (date(2026, 9, 20), "explain")
    assert review.get_outcome_display() == "解释说明"
    deadline = clock(replied, "review")
    assert deadline.state == DeadlineState.MET
    assert events(replied)[-2:] == ["request_review", "decide_review"]


def test_a_decision_needs_a_pending_request_and_a_sensible_date(replied, clerk, chair):
    with pytest.raises(ValidationError, match="当前为“已答复”，不能“复查决定”"):
        decide(replied, chair, on=date(2026, 9, 20))
    request(replied, clerk, on=date(2026, 9, 1))
    with pytest.raises(ValidationError, match="决定日期不能早于申请日期"):
        decide(replied, chair, on=date(2026, 8, 31))
    with pytest.raises(ValidationError, match="请选择结论"):
        decide(replied, chair, on=date(2026, 9, 20), outcome="")
    with pytest.raises(ValidationError, match="请填写复查意见"):
        decide(replied, chair, on=date(2026, 9, 20), text=" ")


def test_a_late_decision_is_recorded_and_its_overdue_clock_met(replied, clerk, chair):
    """The law's 30 days are a clock, not a lock: a late decision is still recorded."""
    request(replied, clerk, on=date(2026, 9, 1))
    Deadline.objects.filter(subject_id=replied.pk, kind="petitions.petition.review").update(state=DeadlineState.OVERDUE)

    decide(replied, chair, on=date(2026, 10, 20))

    assert clock(replied, "review").state == DeadlineState.MET


# --- 复核 --------------------------------------------------------------------------------------


def test_a_recheck_after_the_review_decision_opens_its_clock(reviewed, clerk):
    """复查 decided 20 Sep; a 复核 requested 30 days later (20 Oct) is registered: 复核中, due 19 Nov."""
    review = request(reviewed, clerk, kind=RECHECK, on=date(2026, 10, 20), text="对复查意见不服，请求复核。")

    reviewed.refresh_from_db()
    assert reviewed.state == PetitionState.RECHECKING and review.kind == RECHECK
    deadline = clock(reviewed, "recheck")
    assert (deadline.start_date, deadline.limit, deadline.due_date) == (date(2026, 10, 20), 30, date(2026, 11, 19))


def test_a_recheck_on_day_31_after_the_review_decision_is_refused(reviewed, clerk):
    with pytest.raises(ValidationError, match="复核申请须自收到复查意见之日起 30 日内提出"):
        request(reviewed, clerk, kind=RECHECK, on=date(2026, 10, 21))


def test_no_recheck_before_a_review_decision(replied, clerk):
    with pytest.raises(ValidationError, match="须先经复查并作出复查意见，方可申请复核"):
        request(replied, clerk, kind=RECHECK, on=date(2026, 8, 20))
    request(replied, clerk, on=date(2026, 9, 1))
    with pytest.raises(ValidationError, match="须先经复查并作出复查意见"):
        request(replied, clerk, kind=RECHECK, on=date(2026, 9, 2))


def test_the_recheck_decision_is_final_and_a_second_recheck_is_refused(reviewed, clerk, chair):
    request(reviewed, clerk, kind=RECHECK, on=date(2026, 10, 9))
    decide(reviewed, chair, kind=RECHECK, on=date(2026, 10, 30), text="复核维持复查意见。")

    reviewed.refresh_from_db()
    assert reviewed.state == PetitionState.FINAL
    assert str(PetitionState(reviewed.state).label) == "复核终结"
    assert clock(reviewed, "recheck").state == DeadlineState.MET
    with pytest.raises(ValidationError, match="复核意见为终结意见：同一信访事项已经复核，不再受理复核申请"):
        request(reviewed, clerk, kind=RECHECK, on=date(2026, 11, 2), text="再次请求复核")
    assert Review.objects.filter(petition=reviewed, kind=RECHECK).count() == 1


def test_a_second_recheck_while_the_first_is_pending_is_refused(reviewed, clerk):
    request(reviewed, clerk, kind=RECHECK, on=date(2026, 10, 9))
    with pytest.raises(ValidationError, match="不再受理复核申请"):
        request(reviewed, clerk, kind=RECHECK, on=date(2026, 10, 10))


def test_the_whole_review_path_is_in_the_timeline(reviewed, clerk, chair):
    request(reviewed, clerk, kind=RECHECK, on=date(2026, 10, 9))
    decide(reviewed, chair, kind=RECHECK, on=date(2026, 10, 30))
    assert events(reviewed)[-4:] == ["request_review", "decide_review", "request_recheck", "decide_recheck"]


# --- who may register and decide --------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CHAIR, Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY, Role.ADMIN])
def test_only_the_office_registers_a_request(replied, users, role):
    with pytest.raises(PermissionDenied):
        request(replied, users[role], on=date(2026, 9, 1))


def test_another_townships_clerk_cannot_register_a_request(replied, other_clerk):
    with pytest.raises(PermissionDenied, match="不能办理其他乡镇的事项"):
        request(replied, other_clerk, on=date(2026, 9, 1))


@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR])
def test_the_office_or_a_chair_decides(replied, clerk, users, role):
    request(replied, clerk, on=date(2026, 9, 1))
    decide(replied, users[role], on=date(2026, 9, 10))
    assert Review.objects.get().decided_on == date(2026, 9, 10)


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_others_cannot_decide(replied, clerk, users, role):
    request(replied, clerk, on=date(2026, 9, 1))
    with pytest.raises(PermissionDenied):
        decide(replied, users[role], on=date(2026, 9, 10))


def test_an_unknown_kind_is_refused(replied, clerk):
    with pytest.raises(ValidationError, match="请选择复查或复核"):
        request(replied, clerk, kind="appeal", on=date(2026, 9, 1))
