"""Deputies' suggestions on the core's handling engine: numbering, every clock (calendar
months, working days across holidays and 调休), every transition with who may take it, the
consult-before-answer rule, ratings by each signer, reopening, extension and supervision,
visibility, the visit log's hand-over and the deputy's record section."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from congress_office.cases import Satisfaction
from congress_office.models import CaseAssignment, CaseRating, Deadline, DeadlineState, Holiday, Notification
from congress_office.registries import deputy_record_sections
from congress_office.roles import Role
from congress_office.services.cases import (
    case_lapse_feedback,
    case_pending_deadlines,
    case_timeline,
    pending_extension_request,
)
from congress_office.workdays import WorkCalendar
from deputies.choices import DeputyStatus
from deputies.models import ReceptionDay, ReceptionVisit
from deputies.suggestions import services
from deputies.suggestions.models import Consultation, Suggestion, SuggestionState
from deputies.suggestions.selectors import deputy_suggestion_rows
from tests.factories import TownshipFactory, UnitFactory, UserFactory

from .factories import DeputyFactory, TermFactory

pytestmark = pytest.mark.django_db

TITLE = "关于修缮东风村至石桥村村道的建议"
CONTENT = "村道多处破损，雨天积水，建议纳入年度修缮计划。"
REAL_LOCALDATE = timezone.localdate


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def on(monkeypatch):
    """Set "today" for the services and the engine (timezone.localdate); timestamps stay real."""

    def set_today(day):
        def localdate(value=None, timezone=None):
            return day if value is None else REAL_LOCALDATE(value, timezone)

        monkeypatch.setattr(timezone, "localdate", localdate)
        return day

    return set_today


@pytest.fixture
def co_unit(township):
    return UnitFactory(township=township, name="财政所")


@pytest.fixture
def third_unit(township):
    return UnitFactory(township=township, name="司法所")


@pytest.fixture
def lead_handler(users):
    """users[UNIT_HANDLER], of 自然资源所 (the `unit` fixture): the lead unit in these tests."""
    return users[Role.UNIT_HANDLER]


@pytest.fixture
def co_handler(township, co_unit, make_user):
    return make_user(Role.UNIT_HANDLER, township, username="co_handler", unit=co_unit)


@pytest.fixture
def other_handler(township, third_unit, make_user):
    return make_user(Role.UNIT_HANDLER, township, username="other_handler", unit=third_unit)


@pytest.fixture
def deputy_b(term, township, make_user):
    """A co-signer with an account."""
    return DeputyFactory(term=term, name="李秀梅", user=make_user(Role.DEPUTY, township, username="deputy_b"))


@pytest.fixture
def deputy_c(term):
    """A co-signer without an account (the office records their rating from the paper form)."""
    return DeputyFactory(term=term, name="王建华")


@pytest.fixture
def outsider(term, township, make_user):
    """A deputy of the same township who did not sign."""
    return DeputyFactory(term=term, name="赵春梅", user=make_user(Role.DEPUTY, township, username="outsider"))


@pytest.fixture
def submitted(deputy_user, deputy, deputy_b, deputy_c, term):
    """张桂兰's suggestion, co-signed by 李秀梅 and 王建华."""
    return submit(deputy_user, term, co=[deputy_b, deputy_c])


@pytest.fixture
def assigned(submitted, clerk, unit, co_unit):
    assign(submitted, clerk, unit, co_units=[co_unit])
    return submitted


@pytest.fixture
def consulted(assigned, lead_handler, deputy):
    consult(assigned, lead_handler, [deputy])
    return assigned


@pytest.fixture
def replied(consulted, lead_handler):
    services.suggestion_reply(suggestion=consulted, by=lead_handler, category="A", content="已列入明年修缮计划。")
    return consulted


@pytest.fixture
def answered_on(submitted, clerk, unit, co_unit, lead_handler, deputy, on):
    """`submitted`, assigned (with 财政所 co-handling) and consulted on 1 Sep 2026, and answered
    on the day given: the days run forward, as the engine requires (a reply, a rating or a
    lapse is never dated before the step it follows)."""

    def answer(day, category="A", content="已解决。"):
        on(date(2026, 9, 1))
        assign(submitted, clerk, unit, co_units=[co_unit])
        consult(submitted, lead_handler, [deputy])
        on(day)
        services.suggestion_reply(suggestion=submitted, by=lead_handler, category=category, content=content)
        return submitted

    return answer


def submit(by, term, *, co=(), lead=None, title=TITLE, **kwargs):
    return services.suggestion_submit(
        by=by, term=term, title=title, content=CONTENT, co_signers=co, lead=lead, **kwargs
    )


def assign(suggestion, by, unit, *, co_units=(), start=None):
    return services.suggestion_assign(suggestion=suggestion, lead_unit=unit, co_units=co_units, by=by, start=start)


def consult(suggestion, by, deputies, held_on=None):
    return services.consultation_record(
        suggestion=suggestion,
        by=by,
        held_on=held_on or timezone.localdate(),
        method="in_person",
        unit_people="张明（所长）",
        deputies=deputies,
        summary="当面听取代表意见，商定了办理方案。",
    )


def rate(suggestion, deputy, satisfaction=Satisfaction.SATISFIED, by=None, comment=""):
    return services.suggestion_rate(
        suggestion=suggestion, deputy=deputy, satisfaction=satisfaction, by=by or deputy.user, comment=comment
    )


def clock(suggestion, name):
    return Deadline.objects.get(
        subject_id=suggestion.pk, kind=f"deputies.suggestion.{name}", subject_type__model="suggestion"
    )


# --- submission and numbering -----------------------------------------------------------------------


def test_a_deputy_submits_and_leads_with_co_signers(submitted, deputy, deputy_b, deputy_c, clerk, deputy_user):
    """The deputy's own register entry leads; co-signers follow; the office is told it waits for
    assignment, and a co-signer with an account that they were listed."""
    signers = list(submitted.signers.select_related("deputy"))

    assert [(s.deputy.name, s.is_lead) for s in signers] == [("张桂兰", True), ("李秀梅", False), ("王建华", False)]
    assert submitted.state == SuggestionState.REGISTERED and submitted.submitted_by == deputy_user
    assert Notification.objects.filter(recipient=clerk, title__contains="待交办").exists()
    assert Notification.objects.filter(recipient=deputy_b.user, title__contains="联名").exists()
    assert [e.action for e in case_timeline(submitted)] == ["submit"]


def test_numbers_are_gapless_per_township_and_year(deputy_user, deputy, term, on, other_township, make_user):
    """建议〔year〕n号: 1, 2, 3 in a township; another township counts on its own; a new year starts at 1."""
    on(date(2026, 5, 6))
    first, second = submit(deputy_user, term), submit(deputy_user, term, title="第二条建议")
    other_term = TermFactory(township=other_township)
    other_deputy_user = make_user(Role.DEPUTY, other_township, username="bs_deputy")
    DeputyFactory(term=other_term, name="吴德明", user=other_deputy_user)
    elsewhere = submit(other_deputy_user, other_term)
    on(date(2027, 1, 4))
    next_year = submit(deputy_user, term, title="新年度的建议")

    assert [str(s.number) for s in (first, second, elsewhere, next_year)] == [
        "建议〔2026〕1号",
        "建议〔2026〕2号",
        "建议〔2026〕1号",
        "建议〔2027〕1号",
    ]


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_gapless_under_concurrent_submissions():
    """Eight deputies submitting at the same moment get 1…8, no gap, no duplicate: the township
    row is locked while the number is issued."""
    township = TownshipFactory(code="qingshan", name="青山镇")
    term = TermFactory(township=township)
    people = []
    for n in range(8):
        user = UserFactory(township=township, username=f"concurrent{n}", roles=[Role.DEPUTY])
        people.append((user.pk, DeputyFactory(term=term, name=f"代表{n}", user=user).pk))
    barrier = threading.Barrier(len(people))

    def run(ids):
        from congress_office.models import User

        try:
            user = User.objects.get(pk=ids[0])
            barrier.wait(timeout=10)
            return services.suggestion_submit(by=user, term=term, title="同时提交", content=CONTENT).sequence
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        sequences = sorted(pool.map(run, people))

    assert sequences == list(range(1, len(people) + 1))
    assert Suggestion.objects.filter(township=township).count() == len(people)


def test_the_office_registers_on_behalf_of_deputies(clerk, deputy, deputy_c, term):
    suggestion = submit(clerk, term, lead=deputy_c, co=[deputy])

    assert [s.deputy.name for s in suggestion.signers.all()] == ["王建华", "张桂兰"]
    assert case_timeline(suggestion)[0].label == "代为登记"


def test_a_deputy_cannot_lead_in_another_deputys_name(deputy_user, deputy, deputy_b, term):
    with pytest.raises(PermissionDenied, match="本人名义"):
        submit(deputy_user, term, lead=deputy_b)


@pytest.mark.parametrize("status", [DeputyStatus.SUSPENDED, DeputyStatus.TERMINATED])
def test_a_deputy_not_in_active_service_cannot_co_sign(deputy_user, deputy, deputy_b, term, status):
    deputy_b.status, deputy_b.status_reason, deputy_b.status_date = status, "依法暂停或终止", date(2026, 3, 1)
    deputy_b.save()

    with pytest.raises(ValidationError, match="不能提出或联名"):
        submit(deputy_user, term, co=[deputy_b])


def test_a_co_signer_of_another_township_is_refused(deputy_user, deputy, term, other_deputy):
    with pytest.raises(ValidationError, match="不是本届代表"):
        submit(deputy_user, term, co=[other_deputy])


@pytest.mark.parametrize("role", [Role.CHAIR, Role.UNIT_HANDLER, Role.AUDITOR, Role.COUNTY])
def test_other_roles_cannot_submit(users, term, deputy, role):
    with pytest.raises(PermissionDenied):
        submit(users[role], term, lead=deputy)


def test_title_and_content_are_required(deputy_user, deputy, term):
    with pytest.raises(ValidationError) as error:
        services.suggestion_submit(by=deputy_user, term=term, title="  ", content=CONTENT)

    assert error.value.message_dict == {"title": ["请填写建议标题。"]}


# --- clocks -----------------------------------------------------------------------------------------


def test_the_answer_is_due_three_calendar_months_after_assignment(submitted, clerk, unit, co_unit):
    """30 Nov 2026 + 3 months = 28 Feb 2027 (February has no 30th: the month's last day). 2027
    is past what chinesecalendar knows and the holiday table has no entry for it, so weekdays
    are working days: 28 Feb 2027 is a Sunday and the deadline rolls forward to Monday 1 March.
    Co-handlers' opinion: 30 Dec 2026, a Wednesday and a working day."""
    assign(submitted, clerk, unit, co_units=[co_unit], start=date(2026, 11, 30))
    answer, co_input = clock(submitted, "handling"), clock(submitted, "co_input")

    assert (answer.start_date, answer.rule, answer.limit) == (date(2026, 11, 30), "months", 3)
    assert answer.due_date == answer.original_due_date == date(2027, 3, 1)
    assert answer.responsible_unit == unit
    assert answer.basis() == "自 2026-11-30 起 3 个月"
    assert co_input.due_date == date(2026, 12, 30) and co_input.responsible_unit == co_unit


def test_a_holiday_entered_for_a_later_year_moves_the_deadline(submitted, clerk, unit):
    """Once the office enters 1 March 2027 as a rest day in the holiday table, the roll-forward
    skips it too: due Tuesday 2 March."""
    Holiday.objects.create(date=date(2027, 3, 1), name="测试假日")

    assign(submitted, clerk, unit, start=date(2026, 11, 30))

    assert clock(submitted, "handling").due_date == date(2027, 3, 2)


def test_a_hard_suggestion_is_due_in_six_months(deputy_user, deputy, term, clerk, unit):
    """30 Nov 2026 + 6 months = 30 May 2027, a Sunday (no calendar data for 2027: weekdays) →
    Monday 31 May."""
    suggestion = submit(deputy_user, term, is_hard=True)

    assign(suggestion, clerk, unit, start=date(2026, 11, 30))

    due = clock(suggestion, "handling_hard")
    assert (due.limit, due.due_date) == (6, date(2027, 5, 31))
    assert not Deadline.objects.filter(subject_id=suggestion.pk, kind="deputies.suggestion.handling").exists()


def test_months_end_on_the_29th_of_february_in_a_leap_year(submitted, clerk, unit):
    """30 Nov 2027 + 3 months = 29 Feb 2028 (a leap year; a Tuesday, so no roll-forward)."""
    assign(submitted, clerk, unit, start=date(2027, 11, 30))

    assert clock(submitted, "handling").due_date == date(2028, 2, 29)


def test_a_limit_ending_in_the_national_day_holiday_moves_to_the_first_working_day(submitted, clerk, unit):
    """1 Jul 2026 + 3 months = 1 Oct 2026, National Day: rest days until 7 Oct → due 8 Oct."""
    assign(submitted, clerk, unit, start=date(2026, 7, 1))

    assert clock(submitted, "handling").due_date == date(2026, 10, 8)


def test_the_feedback_window_counts_working_days_across_national_day_and_its_make_up_days(answered_on):
    """Answered Friday 18 Sep 2026: 20 working days follow the official 2026 calendar — Sunday
    20 Sep and Saturday 10 Oct are make-up working days (调休), 25–27 Sep (Mid-Autumn) and 1–7 Oct
    (National Day) are rest days — so the window closes Thursday 22 Oct, not 16 Oct as counting
    plain weekdays would give."""
    suggestion = answered_on(date(2026, 9, 18), category="B", content="正在解决。")
    window = clock(suggestion, "feedback")
    cal = WorkCalendar()

    assert (window.rule, window.limit, window.start_date) == ("working_days", 20, date(2026, 9, 18))
    assert window.due_date == date(2026, 10, 22)
    assert cal.is_workday(date(2026, 9, 20)) and cal.is_workday(date(2026, 10, 10))
    assert cal.working_days_between(date(2026, 9, 18), date(2026, 10, 22)) == 20


def test_unsatisfied_reopens_on_a_one_month_clock(answered_on, deputy, unit):
    """Answered and rated 不满意 on Friday 9 Oct 2026, it reopens; the new answer is due 9 Nov
    2026 (a Monday)."""
    replied = answered_on(date(2026, 10, 9))
    rate(replied, deputy, Satisfaction.UNSATISFIED, comment="没有明确完工时间。")
    replied.refresh_from_db()
    reopened = clock(replied, "reopened")

    assert (replied.state, replied.round) == (SuggestionState.REOPENED, 2)
    assert (reopened.rule, reopened.limit, reopened.due_date) == ("months", 1, date(2026, 11, 9))
    assert reopened.responsible_unit == unit
    assert clock(replied, "feedback").state == DeadlineState.MET
    lead = CaseAssignment.objects.get(item_id=replied.pk, round=2)
    assert (lead.unit, lead.role, lead.deadline) == (unit, "lead", reopened)


# --- co-handling ------------------------------------------------------------------------------------


def test_a_co_handler_sends_its_opinion_once_and_meets_its_clock(assigned, co_handler, lead_handler, clerk, co_unit):
    """Once sent, the unit is no longer a co-handler still to send one: its handler is refused,
    and the office finds no unit left to record an opinion for."""
    services.suggestion_co_input(suggestion=assigned, by=co_handler, note="同意，财政所将安排资金。")

    assert clock(assigned, "co_input").state == DeadlineState.MET
    assert Notification.objects.filter(recipient=lead_handler, title__contains="协办意见").exists()
    with pytest.raises(PermissionDenied, match="只有尚未提交意见的协办单位可以“协办意见”"):
        services.suggestion_co_input(suggestion=assigned, by=co_handler, note="再说一次")
    with pytest.raises(ValidationError, match="没有待提交意见的协办单位"):
        services.suggestion_co_input(suggestion=assigned, by=clerk, unit=co_unit, note="再记一次")
    assert CaseAssignment.objects.get(item_id=assigned.pk, unit=co_unit).input_note == "同意，财政所将安排资金。"


def test_the_lead_unit_cannot_send_a_co_handlers_opinion(assigned, lead_handler):
    with pytest.raises(PermissionDenied, match="只有尚未提交意见的协办单位可以“协办意见”"):
        services.suggestion_co_input(suggestion=assigned, by=lead_handler, note="意见")


def test_the_office_records_a_co_handlers_opinion_for_a_named_unit(assigned, clerk, co_unit):
    with pytest.raises(ValidationError, match="请选择协办单位"):
        services.suggestion_co_input(suggestion=assigned, by=clerk, note="意见")

    services.suggestion_co_input(suggestion=assigned, by=clerk, unit=co_unit, note="电话记录：同意。")

    assert CaseAssignment.objects.get(item_id=assigned.pk, unit=co_unit).input_note == "电话记录：同意。"


# --- consultation and reply -------------------------------------------------------------------------


def test_the_answer_is_refused_until_the_deputies_were_consulted(assigned, lead_handler, deputy):
    """面商 first: without a consultation recorded in this round the unit cannot answer."""
    with pytest.raises(ValidationError, match="答复前须先与代表面商"):
        services.suggestion_reply(suggestion=assigned, by=lead_handler, category="A", content="已解决。")

    consultation = consult(assigned, lead_handler, [deputy])
    services.suggestion_reply(suggestion=assigned, by=lead_handler, category="A", content="已解决。")

    assigned.refresh_from_db()
    assert assigned.state == SuggestionState.REPLIED
    assert (consultation.round, consultation.unit) == (1, assigned.lead_unit)
    assert list(consultation.deputies.all()) == [deputy]
    assert clock(assigned, "handling").state == DeadlineState.MET


def test_a_co_handler_cannot_answer(consulted, co_handler):
    with pytest.raises(PermissionDenied, match="只有主办单位可以“答复”"):
        services.suggestion_reply(suggestion=consulted, by=co_handler, category="A", content="已解决。")


def test_the_answer_category_must_be_a_configured_one(consulted, lead_handler, settings):
    settings.SUGGESTION_CATEGORIES = {"A": "已解决", "B": "正在解决", "C": "待以后解决", "D": "参考", "E": "其他"}
    with pytest.raises(ValidationError, match="办理结果类别"):
        services.suggestion_reply(suggestion=consulted, by=lead_handler, category="Z", content="…")

    services.suggestion_reply(suggestion=consulted, by=lead_handler, category="E", content="其他处理。")

    assert services.category_label("E") == "E类：其他"


def test_a_consultation_names_signers_and_a_date_within_the_round(assigned, lead_handler, outsider, deputy):
    with pytest.raises(ValidationError, match="必须是该建议的提出代表"):
        consult(assigned, lead_handler, [outsider])
    with pytest.raises(ValidationError, match="不能晚于今天"):
        consult(assigned, lead_handler, [deputy], held_on=date(2099, 1, 1))
    with pytest.raises(ValidationError, match="不能早于本轮交办日期"):
        consult(assigned, lead_handler, [deputy], held_on=date(2020, 1, 1))


def test_a_rejected_answer_needs_a_new_consultation_before_the_second_answer(replied, lead_handler, deputy, deputy_b):
    rate(replied, deputy, Satisfaction.UNSATISFIED, comment="没有具体时间表。")

    with pytest.raises(ValidationError, match="答复前须先与代表面商"):
        services.suggestion_reply(suggestion=replied, by=lead_handler, category="B", content="补充答复。")
    consult(replied, lead_handler, [deputy, deputy_b])
    services.suggestion_reply(suggestion=replied, by=lead_handler, category="B", content="补充答复。")

    replied.refresh_from_db()
    assert (replied.state, replied.round) == (SuggestionState.REPLIED, 2)
    assert list(Consultation.objects.filter(suggestion=replied).values_list("round", flat=True)) == [1, 2]
    # each signer rates the new answer again, including the one who rated the first
    rate(replied, deputy, Satisfaction.BASICALLY)


# --- ratings ----------------------------------------------------------------------------------------


def test_each_signer_rates_once_and_all_satisfied_closes_it(replied, deputy, deputy_b, deputy_c, clerk):
    """Every signer rates separately; 满意 / 基本满意 from all three closes the suggestion and
    meets the feedback window. The office records the rating of the signer without an account."""
    rate(replied, deputy, Satisfaction.SATISFIED)
    with pytest.raises(ValidationError, match="已经评价过"):
        rate(replied, deputy, Satisfaction.BASICALLY)
    rate(replied, deputy_b, Satisfaction.BASICALLY)
    replied.refresh_from_db()
    assert replied.state == SuggestionState.REPLIED  # 王建华 has not rated yet

    rate(replied, deputy_c, Satisfaction.SATISFIED, by=clerk)

    replied.refresh_from_db()
    assert replied.state == SuggestionState.CLOSED and replied.closed_at is not None
    assert clock(replied, "feedback").state == DeadlineState.MET
    assert sorted(CaseRating.objects.filter(item_id=replied.pk).values_list("rater_key", flat=True)) == sorted(
        f"deputy:{d.pk}" for d in (deputy, deputy_b, deputy_c)
    )
    assert [e.action for e in case_timeline(replied)][-4:] == ["rate", "rate", "rate", "close"]


def test_a_deputy_who_did_not_sign_cannot_rate(replied, outsider):
    with pytest.raises(PermissionDenied, match="只有提出该建议的代表"):
        rate(replied, outsider)


def test_a_signer_cannot_rate_for_another_signer(replied, deputy, deputy_b):
    with pytest.raises(PermissionDenied, match="本人"):
        rate(replied, deputy_b, by=deputy.user)


def test_ratings_after_the_feedback_window_are_refused(answered_on, deputy, on):
    consulted = answered_on(date(2026, 9, 18))
    on(date(2026, 10, 22))  # the window's last day: still accepted
    rate(consulted, deputy, Satisfaction.SATISFIED)

    on(date(2026, 10, 23))
    with pytest.raises(ValidationError, match="反馈期限已于 2026-10-22 届满"):
        rate(consulted, consulted.signers.all()[1].deputy)


def test_unsatisfied_needs_a_reason(replied, deputy):
    with pytest.raises(ValidationError, match="请说明不满意的理由"):
        rate(replied, deputy, Satisfaction.UNSATISFIED)


# --- the lapse of the feedback window -------------------------------------------------------------


def state_of(suggestion):
    """Everything a lapse could change, to compare two runs."""
    suggestion.refresh_from_db()
    return (
        suggestion.state,
        suggestion.closed_at,
        sorted(CaseRating.objects.filter(item_id=suggestion.pk).values_list("rater_label", "satisfaction")),
        sorted(Deadline.objects.filter(subject_id=suggestion.pk).values_list("kind", "state")),
        len(case_timeline(suggestion)),
        Notification.objects.count(),
    )


def test_a_lapsed_feedback_window_records_unrated_and_closes_the_suggestion_once(
    answered_on, deputy, deputy_b, deputy_c, on
):
    """Answered 18 Sep 2026, the window ends 22 Oct. 张桂兰 rated in time; on 23 Oct the engine
    records 未评价 for the two who did not, closes the suggestion and marks the window lapsed.
    On the window's last day nothing lapses, and a second run changes nothing."""
    suggestion = answered_on(date(2026, 9, 18))
    on(date(2026, 10, 20))
    rate(suggestion, deputy, Satisfaction.SATISFIED)
    on(date(2026, 10, 22))
    assert case_lapse_feedback(today=date(2026, 10, 22)) == 0
    assert state_of(suggestion)[0] == SuggestionState.REPLIED
    on(date(2026, 10, 23))

    assert case_lapse_feedback(today=date(2026, 10, 23)) == 1

    first = state_of(suggestion)
    assert first[0] == SuggestionState.CLOSED and first[1] is not None
    assert first[2] == sorted(
        [("张桂兰", Satisfaction.SATISFIED), ("李秀梅", Satisfaction.UNRATED), ("王建华", Satisfaction.UNRATED)]
    )
    assert clock(suggestion, "feedback").state == DeadlineState.LAPSED
    closing = case_timeline(suggestion)[-1]
    assert (closing.action, closing.actor, closing.data) == (
        "close",
        None,
        {"lapsed": True, "unrated": ["李秀梅", "王建华"]},
    )
    assert "2026-10-22" in closing.note
    assert case_lapse_feedback(today=date(2026, 10, 23)) == 0
    assert case_lapse_feedback(today=date(2026, 11, 30)) == 0
    assert state_of(suggestion) == first
    with pytest.raises(ValidationError, match="该事项当前为“已办结”，不能“评价”"):
        rate(suggestion, deputy_b, Satisfaction.SATISFIED)


def test_the_daily_task_lapses_the_window_and_nobody_is_reminded_of_it_again(answered_on, clerk, chair, on):
    """The daily task reminds of the open window before it ends (7 days before: 15 Oct); the
    morning after it ends it records 未评价 for all three and closes the suggestion; run again,
    and on the days after, it neither lapses nor reminds nor escalates that window."""
    from congress_office.models import Reminder
    from congress_office.services.deadlines import deadlines_scan
    from congress_office.tasks import scan_deadlines

    suggestion = answered_on(date(2026, 9, 18))
    window = clock(suggestion, "feedback")
    on(date(2026, 10, 15))
    assert scan_deadlines(today="2026-10-15")["lapsed"] == 0
    assert list(Reminder.objects.filter(deadline=window).values_list("stage", flat=True)) == ["before:7:2026-10-22"]
    on(date(2026, 10, 23))

    first = scan_deadlines(today="2026-10-23")
    after_first = (state_of(suggestion), list(Reminder.objects.filter(deadline=window).values_list("pk", flat=True)))
    second = scan_deadlines(today="2026-10-23")

    assert (first["lapsed"], second["lapsed"]) == (1, 0)
    assert (state_of(suggestion), list(Reminder.objects.filter(deadline=window).values_list("pk", flat=True))) == (
        after_first
    )
    assert after_first[0][0] == SuggestionState.CLOSED
    assert {label for label, satisfaction in after_first[0][2] if satisfaction == Satisfaction.UNRATED} == {
        "张桂兰",
        "李秀梅",
        "王建华",
    }
    for day in (date(2026, 10, 26), date(2026, 10, 27), date(2026, 11, 2)):
        on(day)
        deadlines_scan(today=day)
        scan_deadlines(today=day.isoformat())
    window.refresh_from_db()
    assert window.state == DeadlineState.LAPSED
    assert list(Reminder.objects.filter(deadline=window).values_list("stage", flat=True)) == ["before:7:2026-10-22"]
    assert not Notification.objects.filter(title__startswith="【逾期】", title__contains=window.title).exists()
    assert not Notification.objects.filter(recipient=chair, title__contains="满意度反馈").exists()


def test_the_page_shows_unrated_for_a_signer_who_did_not_rate(answered_on, deputy, on, client, clerk):
    suggestion = answered_on(date(2026, 9, 18))
    on(date(2026, 10, 20))
    rate(suggestion, deputy, Satisfaction.BASICALLY)
    on(date(2026, 10, 23))
    case_lapse_feedback(today=date(2026, 10, 23))
    client.force_login(clerk)

    html = client.get(suggestion.get_absolute_url()).content.decode()

    signers = {
        name: row
        for row in html.split('data-testid="signer"')[1:]
        for name in ("张桂兰", "李秀梅", "王建华")
        if f'data-testid="signer-name">{name}' in row
    }
    assert 'data-satisfaction="basically">基本满意<' in signers["张桂兰"]
    for name in ("李秀梅", "王建华"):
        assert 'data-satisfaction="unrated">未评价<' in signers[name], name
    assert 'data-testid="rate-buttons"' not in html
    assert '<span class="badge text-bg-success" data-testid="state-badge">已办结</span>' in html


# --- extension and supervision ----------------------------------------------------------------------


def request_extension(suggestion, by, *, extra=None, new_due_date=None, reason="需县级部门立项。"):
    return services.suggestion_request_extension(
        suggestion=suggestion, by=by, reason=reason, extra=extra, new_due_date=new_due_date
    )


def decide(suggestion, by, *, approve=True, note=""):
    return services.suggestion_decide_extension(suggestion=suggestion, by=by, approve=approve, note=note)


def test_an_extension_is_requested_then_approved_by_a_chair_as_themself(
    assigned, clerk, chair, deputy_user, deputy_b, make_user, township
):
    """The office asks (a reason and a length); the request waits for a chair, who is told, and
    the clock does not move until a chair approves it as themself; then the requester and every
    signer with an account are told."""
    other_chair = make_user(Role.CHAIR, township, username="chair2")
    answer = clock(assigned, "handling")
    due = answer.due_date

    request = request_extension(assigned, clerk, extra=1)

    assert pending_extension_request(assigned) == request
    assert (request.requested_by, request.deadline, request.extra) == (clerk, answer, 1)
    assert request.reason == "需县级部门立项。"
    assert request.new_due_date > due
    answer.refresh_from_db()
    assert (answer.due_date, answer.state, answer.extensions.count()) == (due, DeadlineState.OPEN, 0)
    for person in (chair, other_chair):
        assert Notification.objects.filter(recipient=person, title__startswith="延期申请待审批").exists()
    with pytest.raises(ValidationError, match="已有一项延期申请正在等待审批"):
        request_extension(assigned, clerk, extra=2)

    decide(assigned, chair, note="同意延期。")

    answer.refresh_from_db()
    request.refresh_from_db()
    extension = answer.extensions.get()
    assert (answer.state, answer.due_date) == (DeadlineState.EXTENDED, request.new_due_date)
    assert (extension.previous_due_date, extension.new_due_date) == (due, request.new_due_date)
    assert (extension.approver, extension.requested_by, extension.reason) == (chair, clerk, "需县级部门立项。")
    assert (request.state, request.decided_by, request.decision_note, request.extension) == (
        "approved",
        chair,
        "同意延期。",
        extension,
    )
    assert pending_extension_request(assigned) is None
    for person in (clerk, deputy_user, deputy_b.user):
        assert Notification.objects.filter(recipient=person, title__startswith="延期申请已批准").exists(), person
    approved = case_timeline(assigned)[-1]
    assert [e.action for e in case_timeline(assigned)][-2:] == ["request_extension", "approve_extension"]
    assert (approved.actor, approved.data["approver"], approved.data["to"]) == (
        chair,
        chair.display_name,
        request.new_due_date.isoformat(),
    )


def test_the_lead_units_handler_requests_and_a_refusal_needs_a_reason(
    assigned, lead_handler, co_handler, chair, deputy_user
):
    """The lead unit's own handler may ask (here for a date), a co-handler may not. A chair who
    refuses must say why; the requester is told the reason, nothing moves, and a new request
    may follow."""
    answer = clock(assigned, "handling")
    due = answer.due_date
    wanted = due + timedelta(days=20)
    with pytest.raises(PermissionDenied, match="只有主办单位可以“申请延期”"):
        request_extension(assigned, co_handler, new_due_date=wanted)
    request = request_extension(assigned, lead_handler, new_due_date=wanted, reason="需等待县交通局批复。")
    assert (request.requested_by, request.new_due_date, request.extra) == (lead_handler, wanted, None)

    with pytest.raises(ValidationError) as error:
        decide(assigned, chair, approve=False, note="  ")
    assert error.value.message_dict == {"note": ["请填写不予批准的理由。"]}
    request.refresh_from_db()
    assert request.state == "pending"

    decide(assigned, chair, approve=False, note="理由不充分，请按期答复。")

    request.refresh_from_db()
    answer.refresh_from_db()
    assert (request.state, request.decided_by, request.decision_note) == ("refused", chair, "理由不充分，请按期答复。")
    assert (answer.due_date, answer.state, answer.extensions.count()) == (due, DeadlineState.OPEN, 0)
    refusal = Notification.objects.get(recipient=lead_handler, title__startswith="延期申请未获批准")
    assert "理由不充分" in refusal.body
    assert not Notification.objects.filter(recipient=deputy_user, title__startswith="延期申请已批准").exists()
    assert case_timeline(assigned)[-1].action == "refuse_extension"
    assert request_extension(assigned, lead_handler, extra=1, reason="补充理由后再次申请。").state == "pending"


def test_only_a_chair_of_the_township_decides(assigned, clerk, lead_handler, users, other_township, make_user):
    """The office and the units ask, they do not decide; a chair of another township and the
    county only read. Nothing changes on a refused decision."""
    other_chair = make_user(Role.CHAIR, other_township, username="bs_chair")
    with pytest.raises(ValidationError, match="没有待审批的延期申请"):
        decide(assigned, users[Role.CHAIR])
    request = request_extension(assigned, clerk, extra=1)
    refusals = [
        (clerk, "您没有“%s”的权限。"),
        (lead_handler, "您没有“%s”的权限。"),
        (other_chair, "不能办理其他乡镇的事项。"),
        (users[Role.COUNTY], "县级账号和系统管理员只能查看，不能办理事项。"),
    ]

    for person, message in refusals:
        for approve, label in ((True, "批准延期"), (False, "不批准延期")):
            with pytest.raises(PermissionDenied) as error:
                decide(assigned, person, approve=approve, note="意见")
            assert str(error.value) == (message % label if "%s" in message else message)

    request.refresh_from_db()
    assert request.state == "pending" and clock(assigned, "handling").extensions.count() == 0
    assert case_timeline(assigned)[-1].action == "request_extension"


def test_extensions_stop_at_the_hard_limit_after_assignment(submitted, clerk, chair, unit, on):
    """Assigned Tuesday 1 Dec 2026, due Monday 1 Mar 2027 (3 months). +2 months → 1 May 2027, a
    Saturday → Monday 3 May (2027 has no calendar data: weekdays are working days). Another +2
    would pass SUGGESTION_HARD_ANSWER_MONTHS (6) after the assignment, 1 Jun 2027, and so would
    2035: both are refused naming the limit and the latest date, and nothing changes. Up to
    1 Jun itself is allowed; after that there is no room left."""
    on(date(2026, 12, 1))
    assign(submitted, clerk, unit)
    answer = clock(submitted, "handling")
    assert answer.due_date == date(2027, 3, 1)
    request_extension(submitted, clerk, extra=2)
    decide(submitted, chair)
    answer.refresh_from_db()
    assert answer.due_date == date(2027, 5, 3)
    message = "建议自交办之日起最长 6 个月内答复（含延期），最迟只能延至 2027-06-01。"
    before = (len(case_timeline(submitted)), Notification.objects.count())

    with pytest.raises(ValidationError) as by_months:
        request_extension(submitted, clerk, extra=2)
    with pytest.raises(ValidationError) as to_2035:
        request_extension(submitted, clerk, new_due_date=date(2035, 1, 1))

    assert by_months.value.message_dict == {"extra": [message]}
    assert to_2035.value.message_dict == {"new_due_date": [message]}
    answer.refresh_from_db()
    assert (answer.due_date, answer.extensions.count()) == (date(2027, 5, 3), 1)
    assert pending_extension_request(submitted) is None
    assert (len(case_timeline(submitted)), Notification.objects.count()) == before

    request_extension(submitted, clerk, new_due_date=date(2027, 6, 1))
    decide(submitted, chair)
    answer.refresh_from_db()
    assert (answer.due_date, answer.extensions.count()) == (date(2027, 6, 1), 2)
    with pytest.raises(ValidationError, match="最迟只能延至 2027-06-01"):
        request_extension(submitted, clerk, new_due_date=date(2027, 6, 2))


def test_the_hard_limit_is_read_from_the_settings_when_used(submitted, clerk, chair, unit, on, settings):
    """The limit is the setting's value at the time of the request, and again at the decision:
    a request made under 6 months that passes a limit lowered to 5 is not approved."""
    on(date(2026, 12, 1))
    assign(submitted, clerk, unit)
    request_extension(submitted, clerk, new_due_date=date(2027, 6, 1))
    settings.SUGGESTION_HARD_ANSWER_MONTHS = 5  # 1 May 2027 is a Saturday → Monday 3 May

    with pytest.raises(ValidationError, match=r"最长 5 个月内答复（含延期），最迟只能延至 2027-05-03"):
        decide(submitted, chair)
    assert pending_extension_request(submitted).new_due_date == date(2027, 6, 1)
    assert clock(submitted, "handling").due_date == date(2027, 3, 1)

    decide(submitted, chair, approve=False, note="超过法定期限。")
    with pytest.raises(ValidationError, match=r"最长 5 个月.*2027-05-03"):
        request_extension(submitted, clerk, extra=3)
    assert request_extension(submitted, clerk, new_due_date=date(2027, 5, 3)).new_due_date == date(2027, 5, 3)


def test_supervision_notices_are_numbered_per_township_and_year(assigned, chair, clerk, lead_handler, on):
    on(date(2026, 12, 1))
    first = services.suggestion_supervise(suggestion=assigned, by=chair, content="请加快办理。")
    second = services.suggestion_supervise(
        suggestion=assigned, by=clerk, content="请于月底前答复。", reply_by=date(2026, 12, 31)
    )

    assert [str(first.number), str(second.number)] == ["青人督〔2026〕1号", "青人督〔2026〕2号"]
    assert first.unit == assigned.lead_unit
    assert Notification.objects.filter(recipient=lead_handler, title__startswith="督办通知").count() == 2
    assert [e.data["number"] for e in case_timeline(assigned) if e.action == "supervise"] == [
        "青人督〔2026〕1号",
        "青人督〔2026〕2号",
    ]


def test_a_supervision_cannot_ask_for_feedback_in_the_past(assigned, chair):
    with pytest.raises(ValidationError, match="要求反馈日期"):
        services.suggestion_supervise(suggestion=assigned, by=chair, content="请办理。", reply_by=date(2020, 1, 1))


# --- states -----------------------------------------------------------------------------------------


def test_illegal_transitions_are_refused_in_chinese(submitted, clerk, chair, unit, deputy, lead_handler):
    with pytest.raises(ValidationError, match="该事项当前为“待交办”，不能“答复”。"):
        services.suggestion_reply(suggestion=submitted, by=clerk, category="A", content="…")
    with pytest.raises(ValidationError, match="该事项当前为“待交办”，不能“评价”。"):
        rate(submitted, deputy)
    with pytest.raises(ValidationError, match="该事项当前为“待交办”，不能“申请延期”。"):
        request_extension(submitted, clerk, extra=1)
    assign(submitted, clerk, unit)
    with pytest.raises(ValidationError, match="该事项当前为“办理中”，不能“交办”。"):
        assign(submitted, clerk, unit)
    request_extension(submitted, clerk, extra=1)
    consult(submitted, lead_handler, [deputy])
    services.suggestion_reply(suggestion=submitted, by=lead_handler, category="A", content="已解决。")
    with pytest.raises(ValidationError, match="该事项当前为“已答复待评价”，不能“督办”。"):
        services.suggestion_supervise(suggestion=submitted, by=clerk, content="督办")
    with pytest.raises(ValidationError, match="该事项当前为“已答复待评价”，不能“申请延期”。"):
        request_extension(submitted, clerk, extra=1)
    with pytest.raises(ValidationError, match="该事项当前为“已答复待评价”，不能“批准延期”。"):
        decide(submitted, chair)


def test_the_timeline_holds_every_step(replied, deputy, deputy_b, deputy_c, clerk):
    for d, by in ((deputy, None), (deputy_b, None), (deputy_c, clerk)):
        rate(replied, d, Satisfaction.SATISFIED, by=by)

    assert [e.action for e in case_timeline(replied)] == [
        "submit",
        "assign",
        "consult",
        "reply",
        "rate",
        "rate",
        "rate",
        "close",
    ]
    assign_event = case_timeline(replied)[1]
    assert assign_event.data == {"lead_unit": "自然资源所", "co_units": ["财政所"]}
    assert (assign_event.from_state, assign_event.to_state) == ("registered", "assigned")


# --- who may take each step -------------------------------------------------------------------------

ACTORS = [
    "clerk",
    "chair",
    "signer",
    "non_signer",
    "lead_handler",
    "co_handler",
    "other_handler",
    "auditor",
    "county",
    "other_township",
]
ALLOWED = {
    "assign": {"clerk", "chair"},
    "co_input": {"clerk", "co_handler"},
    "consult": {"clerk", "lead_handler"},
    "reply": {"clerk", "lead_handler"},
    # the request of an extension: the office, a chair, or the lead unit's handler
    "extend": {"clerk", "chair", "lead_handler"},
    "decide_extension": {"chair"},  # approving it (a refusal is checked alike)
    "supervise": {"clerk", "chair"},
    "rate": {"clerk", "signer"},  # the office records a signer's paper rating
}
MATRIX = [(action, actor, actor in allowed) for action, allowed in ALLOWED.items() for actor in ACTORS]


@pytest.fixture
def actors(users, deputy_user, outsider, lead_handler, co_handler, other_handler, other_clerk):
    return {
        "clerk": users[Role.CLERK],
        "chair": users[Role.CHAIR],
        "signer": deputy_user,
        "non_signer": outsider.user,
        "lead_handler": lead_handler,
        "co_handler": co_handler,
        "other_handler": other_handler,
        "auditor": users[Role.AUDITOR],
        "county": users[Role.COUNTY],
        "other_township": other_clerk,
    }


@pytest.fixture
def ready_for(deputy_user, deputy, term, clerk, unit, co_unit, lead_handler, chair):
    """A suggestion in the state the action starts from."""

    def make(action):
        suggestion = submit(deputy_user, term)
        if action == "assign":
            return suggestion
        assign(suggestion, clerk, unit, co_units=[co_unit])
        if action in ("co_input", "consult", "extend", "supervise"):
            return suggestion
        if action == "decide_extension":
            request_extension(suggestion, clerk, extra=1)
            return suggestion
        consult(suggestion, lead_handler, [deputy])
        if action == "reply":
            return suggestion
        services.suggestion_reply(suggestion=suggestion, by=lead_handler, category="A", content="已解决。")
        return suggestion

    return make


def perform(action, suggestion, by, *, chair, unit, co_unit, deputy):
    if action == "assign":
        return assign(suggestion, by, unit, co_units=[co_unit])
    if action == "co_input":
        return services.suggestion_co_input(
            suggestion=suggestion, by=by, note="协办意见", unit=co_unit if by.has_role(Role.CLERK) else None
        )
    if action == "consult":
        return consult(suggestion, by, [deputy])
    if action == "reply":
        return services.suggestion_reply(suggestion=suggestion, by=by, category="A", content="已解决。")
    if action == "extend":
        return request_extension(suggestion, by, extra=1, reason="需要协调。")
    if action == "decide_extension":
        return decide(suggestion, by, note="同意。")
    if action == "supervise":
        return services.suggestion_supervise(suggestion=suggestion, by=by, content="请加快办理。")
    return services.suggestion_rate(suggestion=suggestion, deputy=deputy, satisfaction=Satisfaction.SATISFIED, by=by)


@pytest.mark.parametrize(("action", "actor", "allowed"), MATRIX, ids=[f"{a}-{b}" for a, b, _ in MATRIX])
def test_who_may_take_each_step(action, actor, allowed, actors, ready_for, chair, unit, co_unit, deputy):
    """Each step by each kind of user: the office and the presidium assign and supervise; the
    office, the presidium or the lead unit asks for an extension, and only a chair decides it;
    the lead unit (or the office) consults and answers; a co-handler sends its opinion; a signer
    rates. Everyone else — a deputy who did not sign, another unit, the auditor, the county, another
    township — is refused with PermissionDenied and nothing changes."""
    suggestion = ready_for(action)
    before = (suggestion.state, len(case_timeline(suggestion)))
    kwargs = {"chair": chair, "unit": unit, "co_unit": co_unit, "deputy": deputy}

    if allowed:
        perform(action, suggestion, actors[actor], **kwargs)
        assert len(case_timeline(suggestion)) > before[1]
    else:
        with pytest.raises(PermissionDenied):
            perform(action, suggestion, actors[actor], **kwargs)
        suggestion.refresh_from_db()
        assert (suggestion.state, len(case_timeline(suggestion))) == before


# --- visibility -------------------------------------------------------------------------------------


def test_who_sees_which_suggestions(
    assigned,
    deputy_user,
    deputy,
    term,
    clerk,
    users,
    lead_handler,
    co_handler,
    other_handler,
    outsider,
    other_clerk,
    deputy_b,
):
    """The office sees the township's; a unit handler only those assigned to their unit (lead or
    co-handling); a deputy only those they signed; another township nothing; the county all."""
    unassigned = submit(outsider.user, term, title="另一条建议")

    def visible(user):
        return set(Suggestion.objects.visible_to(user).values_list("pk", flat=True))

    both = {assigned.pk, unassigned.pk}
    assert visible(clerk) == visible(users[Role.CHAIR]) == visible(users[Role.AUDITOR]) == both
    assert visible(users[Role.COUNTY]) == both
    assert visible(lead_handler) == visible(co_handler) == {assigned.pk}
    assert visible(other_handler) == set()
    assert visible(deputy_user) == visible(deputy_b.user) == {assigned.pk}
    assert visible(outsider.user) == {unassigned.pk}
    assert visible(other_clerk) == set()


# --- from the visit log -----------------------------------------------------------------------------


@pytest.fixture
def visit(township, district, deputy, clerk):
    day = ReceptionDay.objects.create(
        township=township, district=district, date=date(2026, 10, 15), place="东风村代表联络站"
    )
    day.deputies.set([deputy])
    return ReceptionVisit.objects.create(
        reception_day=day, visitor="王大爷", matter="村口路灯坏了三个月。", recorded_by=clerk
    )


def test_a_visit_becomes_a_suggestion_once(visit, deputy_user, deputy, term):
    suggestion = submit(deputy_user, term, title="关于修复东风村路灯的建议", visit=visit)

    visit.refresh_from_db()
    assert (visit.follow_up_kind, visit.follow_up_id) == ("suggestion", suggestion.pk)
    with pytest.raises(ValidationError, match="已转办"):
        submit(deputy_user, term, title="再转一次", visit=visit)
    assert Suggestion.objects.count() == 1


# --- the deputy's record ----------------------------------------------------------------------------


def test_the_record_lists_the_deputys_suggestions_of_the_year(replied, deputy, deputy_user, term, deputy_b, on):
    """Title, number, lead or co-signed, state and answer category; other years are not listed."""
    rate(replied, deputy_b, Satisfaction.SATISFIED)
    on(date(2025, 12, 1))
    submit(deputy_user, term, title="去年的建议")
    on(REAL_LOCALDATE())
    year = REAL_LOCALDATE().year

    rows = deputy_suggestion_rows(deputy, year)
    co_rows = deputy_suggestion_rows(deputy_b, year)

    assert "deputies.suggestions" in dict(deputy_record_sections.items())
    assert [r["text"] for r in rows] == [f"建议〔{year}〕1号 {TITLE}（领衔；已答复待评价；A类：已经解决或者基本解决）"]
    assert co_rows[0]["text"].startswith(f"建议〔{year}〕1号 {TITLE}（联名；")
    assert deputy_suggestion_rows(deputy, 2025)[0]["text"].endswith("（领衔；待交办；未答复）")


def test_only_the_current_rounds_clock_stays_open(assigned, lead_handler, deputy):
    """Once the lead unit answers, a co-handler's opinion is no longer awaited (its clock is
    closed, so nobody is reminded of it); after 不满意 only the reopened answer clock runs."""
    assert sorted(d.kind for d in case_pending_deadlines(assigned)) == [
        "deputies.suggestion.co_input",
        "deputies.suggestion.handling",
    ]
    consult(assigned, lead_handler, [deputy])
    services.suggestion_reply(suggestion=assigned, by=lead_handler, category="B", content="正在解决。")
    assert [d.kind for d in case_pending_deadlines(assigned)] == ["deputies.suggestion.feedback"]

    rate(assigned, deputy, Satisfaction.UNSATISFIED, comment="不具体")

    assert [d.kind for d in case_pending_deadlines(assigned)] == ["deputies.suggestion.reopened"]


# --- demo data --------------------------------------------------------------------------------------


@pytest.mark.xdist_group("demo")  # with the demo-data modules, which seed once (tests/demo_snapshot.py)
def test_the_demo_seeds_suggestions_in_every_state_once():
    """seed_demo (after the deputies' own seeder) gives 青山镇 about fifteen suggestions in every
    state, one reopened, some signed by the demo deputy 张桂兰 (one awaiting her rating), some
    assigned to the demo unit account's unit; running it again adds nothing."""
    from django.core.management import call_command

    from congress_office.models import CaseEvent, Township, User
    from congress_office.registries import demo_seeders

    from ..demo_snapshot import seed_demo_once

    keys = list(dict(demo_seeders.items()))
    assert keys.index("deputies") < keys.index("deputies.suggestions")

    seed_demo_once()  # the demo's rows (seeded once for the demo-data tests' process)
    qingshan = Township.objects.get(code="qingshan")
    suggestions = Suggestion.objects.filter(township=qingshan)
    states = {state: suggestions.filter(state=state).count() for state in SuggestionState.values}
    qs_deputy = User.objects.get(username="qs_deputy")
    qs_unit = User.objects.get(username="qs_unit")
    before = (Suggestion.objects.count(), CaseEvent.objects.count(), Deadline.objects.count())

    call_command("seed_demo", verbosity=0)

    assert 14 <= suggestions.count() <= 16
    assert all(states.values()), states
    assert suggestions.filter(round=2, state=SuggestionState.REOPENED).exists()
    assert Suggestion.objects.visible_to(qs_deputy).count() >= 3
    assert Suggestion.objects.visible_to(qs_unit).count() >= 2
    from deputies.suggestions.selectors import awaiting_my_rating_count

    assert awaiting_my_rating_count(qs_deputy, qs_deputy.deputy) == 1
    assert Suggestion.objects.filter(township__code="baishui").count() == 2
    assert (Suggestion.objects.count(), CaseEvent.objects.count(), Deadline.objects.count()) == before


def test_reminders_and_escalation_go_through_the_deadline_engine(assigned, lead_handler, chair):
    """The answer clock is an ordinary Deadline: the daily scan reminds the lead unit's handler
    (and the office) before it falls due, and once overdue escalates to the presidium."""
    from congress_office.models import Reminder
    from congress_office.services.deadlines import deadlines_scan

    answer = clock(assigned, "handling")
    deadlines_scan(today=answer.due_date - timedelta(days=3))
    deadlines_scan(today=WorkCalendar().next_workday(answer.due_date + timedelta(days=1)))

    stages = list(Reminder.objects.filter(deadline=answer).values_list("stage", "escalated"))
    assert stages[0][0].startswith("before:3") and stages[0][1] is False
    assert stages[-1][0].startswith("overdue") and stages[-1][1] is True
    assert Notification.objects.filter(recipient=lead_handler, title__startswith="【提醒】").exists()
    assert Notification.objects.filter(recipient=chair, title__startswith="【逾期】").exists()


def test_the_consultation_is_the_lead_units(assigned, clerk, co_unit, unit, deputy):
    with pytest.raises(ValidationError, match="面商应由主办单位"):
        services.consultation_record(
            suggestion=assigned,
            by=clerk,
            unit=co_unit,
            held_on=timezone.localdate(),
            method="phone",
            unit_people="李华",
            deputies=[deputy],
            summary="电话沟通。",
        )

    consultation = services.consultation_record(
        suggestion=assigned,
        by=clerk,
        unit=unit,
        held_on=timezone.localdate(),
        method="phone",
        unit_people="李华",
        deputies=[deputy],
        summary="电话沟通。",
    )

    assert consultation.unit == unit
