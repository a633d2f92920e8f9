"""Handling a petition on the core's engine (信访工作条例 Art.31–36).

The office does not decide a petition itself: it assigns (交办) or transfers (转办) it to the
responsible unit, supervises (督办), and the unit replies with a 处理意见书 (支持 / 解释说明 /
不予支持). The petitioner may ask for a 复查 within 30 days of the reply and for a 复核 within 30
days of the 复查 decision; each is decided within 30 days, and after a 复核 the same request is
not accepted again. Leaders instruct (批示) and take ownership (包案); the unit files a
completion report (办结报告); the office visits the petitioner afterwards (回访).

Every write is one service here, keyword-only and atomic. Each starts with its `check_*`
function, which raises PermissionDenied or ValidationError (Chinese) without changing anything;
`petition_actions` runs the same checks to offer only the actions that would succeed. The
clocks are Deadlines of kind "petitions.petition.<clock>", so the platform's daily scan
reminds the unit and clerks and escalates overdue ones to the chairs.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from congress_office.cases import Satisfaction
from congress_office.message_keys import Message
from congress_office.models import AssignmentMode, DeadlineExtension, DeadlineRule, User
from congress_office.roles import Role
from congress_office.services.cases import (
    case_approve_extension,
    case_assign,
    case_check,
    case_co_input,
    case_event,
    case_lock,
    case_meet_clocks,
    case_open_clock,
    case_rate,
    case_refuse_extension,
    case_reply,
    case_request_extension,
    case_supervise,
    case_transition,
    check_decision_date,
    passes,
    pending_co_units,
)
from congress_office.services.notifications import notify
from congress_office.services.pdf import pdf_job_start
from congress_office.workdays import compute_due_date

from ..case_type import HANDLING as HANDLING_STATES
from ..choices import Outcome, ReviewKind
from ..models import CompletionReport, LeaderInstruction, Petition, ReturnVisit, Review

REVIEW_ACTIONS = {
    ReviewKind.REVIEW: ("request_review", "decide_review"),
    ReviewKind.RECHECK: ("request_recheck", "decide_recheck"),
}

RETURN_VISIT_METHODS = [
    ("电话", gettext_lazy("电话")),
    ("上门", gettext_lazy("上门")),
    ("约谈", gettext_lazy("约谈")),
    ("短信", gettext_lazy("短信")),
    ("其他", gettext_lazy("其他")),
]


def _today():
    return timezone.localdate()


def _not_in_future(value, field, label):
    if value > _today():
        raise ValidationError({field: _("%(label)s不能晚于今天。") % {"label": label}})


def _clerks_and_chairs(petition):
    return list(
        User.objects.filter(
            township_id=petition.township_id, is_active=True, groups__name__in=[Role.CLERK, Role.CHAIR]
        ).distinct()
    )


def _lead_handlers(petition):
    if not petition.lead_unit_id:
        return []
    return list(User.objects.with_role(Role.UNIT_HANDLER).filter(unit_id=petition.lead_unit_id))


def _check(action):
    """check_<action>(petition, by): the engine's check of one step, for views and buttons."""

    def check(petition, by, **context):
        case_check(item=petition, action=action, by=by, **context)

    check.__name__ = f"check_{action}"
    return check


check_assign = _check("assign")
check_co_input = _check("co_input")
check_request_extension = _check("request_extension")
check_approve_extension = _check("approve_extension")
check_supervise = _check("supervise")
check_reply = _check("reply")
check_rate = _check("rate")
check_instruct = _check("instruct")
check_return_visit = _check("return_visit")


# --- assignment (交办 / 转办) -------------------------------------------------------------------


@transaction.atomic
def petition_assign(*, petition, lead_unit, by, co_units=(), mode=AssignmentMode.ASSIGN, note=""):
    """Assign (交办) or transfer (转办) an accepted petition to a lead unit, optionally with
    co-handling units. The 60-day handling clock runs from the acceptance date (Art.34)."""
    if mode not in AssignmentMode.values:
        raise ValidationError({"mode": _("请选择交办或转办。")})
    check_assign(petition, by)
    if petition.accepted_on is None:
        raise ValidationError(_("该事项尚未受理，不能交办。"))
    return case_assign(
        item=petition,
        lead_unit=lead_unit,
        by=by,
        co_units=list(co_units),
        mode=mode,
        start=petition.accepted_on,
        note=note,
    )


@transaction.atomic
def petition_co_input(*, petition, by, note, unit=None):
    """A co-handling unit sends its opinion to the lead unit (the office may record it for a
    unit that sent it on paper)."""
    return case_co_input(item=petition, unit=unit, by=by, note=note)


# --- extension (延期): requested, approved by a chair ------------------------------------------


def handling_extensions(petition):
    """Extensions granted on any handling clock of the petition (at most one, Art.34)."""
    spec_kinds = [f"{Petition.case_type_key}.{name}" for name in ("handling", "reopened")]
    return DeadlineExtension.objects.filter(
        deadline__subject_type=ContentType.objects.get_for_model(Petition),
        deadline__subject_id=petition.pk,
        deadline__kind__in=spec_kinds,
    )


@transaction.atomic
def petition_request_extension(*, petition, days, reason, by):
    """The office or the lead unit asks for the handling clock to be extended once, by at most
    PETITION_MAX_EXTENSION_DAYS days; a chair of the township approves or refuses it."""
    if not isinstance(days, int) or days < 1:
        raise ValidationError({"extra": _("请填写延长的天数。")})
    return case_request_extension(item=petition, by=by, reason=reason, extra=days)


def petition_extension_approved(*, petition, extension, by):
    """On approval (the engine's hook): the petitioner has no account, so the 延期办理告知书 is
    printed; the timeline records that they are to be told."""
    case_event(
        item=petition,
        action="notify_petitioner",
        label=Message(gettext_noop("告知信访人")),
        by=by,
        note=Message(
            gettext_noop("办理期限延长至 %(due)s，延期理由：%(reason)s。请打印《延期办理告知书》送达信访人。"),
            due=extension.new_due_date,
            reason=extension.reason,
        ),
        data={"extension_id": extension.pk, "new_due_date": extension.new_due_date.isoformat()},
    )


def petition_approve_extension(*, petition, by, note=""):
    return case_approve_extension(item=petition, by=by, note=note)


def petition_refuse_extension(*, petition, by, note):
    return case_refuse_extension(item=petition, by=by, note=note)


# --- supervision (督办) -------------------------------------------------------------------------


SUPERVISION_REPORT = "petitions.supervision_notice"


@transaction.atomic
def petition_supervise(*, petition, by, content, reply_by=None):
    """Issue a supervision notice (督办单, numbered 督办〔year〕n号 per township) to the lead
    unit and queue its PDF for `by`. Returns (supervision, pdf_job)."""
    supervision = case_supervise(item=petition, by=by, content=content, reply_by=reply_by)
    job = pdf_job_start(report=SUPERVISION_REPORT, user=by, params={"supervision_id": str(supervision.pk)})
    return supervision, job


# --- reply (答复) and the petitioner's rating ------------------------------------------------


@transaction.atomic
def petition_reply(*, petition, by, outcome, content, on=None, attachments=(), before_co_input=None):
    """The lead unit's (or the office's) reply with its outcome: 支持, 解释说明 or 不予支持.
    It meets the handling clock on the reply date; the 处理意见书 is printed from it.
    `attachments` are stored with the reply; `before_co_input` is the form's answer to "a
    co-handling unit has not sent its opinion: reply first?" (see case_reply)."""
    check_reply(petition, by)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("请选择处理意见：支持、解释说明或不予支持。")})
    on = check_decision_date(
        on or _today(), earliest=petition.accepted_on, earliest_label=_("受理日期"), label=_("答复日期")
    )
    reply, _event = case_reply(
        item=petition,
        by=by,
        content=content,
        result=outcome,
        on=on,
        files=attachments,
        before_co_input_confirmed=before_co_input,
    )
    petition.outcome, petition.replied_on = outcome, on
    petition.save(update_fields=["outcome", "replied_on"])
    return reply


@transaction.atomic
def petition_rate(*, petition, satisfaction, comment="", by=None):
    """The petitioner rates the reply: online (`by=None`, the public page has checked the query
    code) or told to the office, which records it. The petition closes; 不满意 reopens
    handling only when PETITION_REHANDLE_ON_UNSATISFIED is on. Either way the petitioner may
    ask for 复查 within PETITION_REVIEW_REQUEST_DAYS of the reply."""
    if satisfaction == Satisfaction.UNSATISFIED and not (comment or "").strip():
        raise ValidationError({"comment": _("不满意时请填写理由。")})
    return case_rate(
        item=petition,
        satisfaction=satisfaction,
        rater_key="citizen",
        rater_label=petition.petitioner,
        by=by,
        comment=(comment or "").strip(),
    )


# --- 复查 and 复核 --------------------------------------------------------------------------------


def review_window(petition, kind):
    """(start, last day) within which a request of `kind` may be made, or None when it cannot
    be made at all yet: 复查 from the reply, 复核 from the 复查 decision. The last day follows
    the platform's rule for calendar-day limits (moved to the next working day)."""
    if kind == ReviewKind.REVIEW:
        start = petition.replied_on
    else:
        review = petition.reviews.filter(kind=ReviewKind.REVIEW, decided_on__isnull=False).first()
        start = review.decided_on if review else None
    if start is None:
        return None
    return start, compute_due_date(start, DeadlineRule.CALENDAR_DAYS, settings.PETITION_REVIEW_REQUEST_DAYS)


def _duplicate_review_message(kind):
    if kind == ReviewKind.RECHECK:
        return _("复核意见为终结意见：同一信访事项已经复核，不再受理复核申请。")
    return _("该信访事项已经申请过复查，不能重复申请；对复查意见不服的，可以申请复核。")


def _review_refusal(petition, kind):
    """Why a request of `kind` cannot be made, in the statute's words, or None: once per
    petition (复核 is final), 复核 only after a 复查 decision, 复查 only after the reply."""
    if petition.reviews.filter(kind=kind).exists():
        return _duplicate_review_message(kind)
    if kind == ReviewKind.RECHECK and review_window(petition, kind) is None:
        return _("须先经复查并作出复查意见，方可申请复核。")
    if kind == ReviewKind.REVIEW and petition.replied_on is None:
        return _("该事项尚未答复，不能申请复查。")
    return None


def check_request_review(petition, kind, by):
    """Permission and state only; the window depends on the request date (see the service).
    A state the step does not start from is refused with the statute's reason when there is
    one (“复核意见为终结意见…” says more than “当前为复核终结”)."""
    if kind not in REVIEW_ACTIONS:
        raise ValidationError({"kind": _("请选择复查或复核。")})
    try:
        case_check(item=petition, action=REVIEW_ACTIONS[kind][0], by=by)
    except ValidationError:
        reason = _review_refusal(petition, kind)
        if reason:
            raise ValidationError(reason) from None
        raise
    reason = _review_refusal(petition, kind)
    if reason:
        raise ValidationError(reason)


@transaction.atomic
def petition_request_review(*, petition, kind, requested_on, request, by):
    """Register a request for 复查 (within PETITION_REVIEW_REQUEST_DAYS of the reply) or 复核
    (within the same number of days of the 复查 decision) and start its decision clock. Each
    kind is accepted once per petition: a second 复核 is refused (the unique constraint on
    Review is the final word, also under concurrent requests)."""
    if kind not in REVIEW_ACTIONS:
        raise ValidationError({"kind": _("请选择复查或复核。")})
    request_action = REVIEW_ACTIONS[kind][0]
    check_request_review(petition, kind, by)
    if not (request or "").strip():
        raise ValidationError({"request": _("请填写申请理由。")})
    if requested_on is None:
        raise ValidationError({"requested_on": _("请填写申请日期。")})
    _not_in_future(requested_on, "requested_on", _("申请日期"))
    case_lock(petition)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                petition=petition,
                kind=kind,
                requested_on=requested_on,
                request=request.strip(),
                recorded_by=by,
            )
    except IntegrityError:
        raise ValidationError(_duplicate_review_message(kind)) from None
    window = review_window(petition, kind)
    if window is None:
        if kind == ReviewKind.RECHECK:
            raise ValidationError(_("须先经复查并作出复查意见，方可申请复核。"))
        raise ValidationError(_("该事项尚未答复，不能申请复查。"))
    start, last_day = window
    if requested_on < start:
        raise ValidationError(
            {
                "requested_on": _("申请日期不能早于%(what)s（%(d)s）。")
                % {"what": _("答复日期") if kind == ReviewKind.REVIEW else _("复查决定日期"), "d": start.isoformat()}
            }
        )
    if requested_on > last_day:
        days = settings.PETITION_REVIEW_REQUEST_DAYS
        if kind == ReviewKind.REVIEW:
            message = _(
                "复查申请须自收到处理意见之日起 %(n)s 日内提出（答复日期 %(start)s，最迟 %(last)s），已超过期限。"
            )
        else:
            message = _(
                "复核申请须自收到复查意见之日起 %(n)s 日内提出（复查决定日期 %(start)s，最迟 %(last)s），已超过期限。"
            )
        values = {"n": days, "start": start.isoformat(), "last": last_day.isoformat()}
        raise ValidationError({"requested_on": message % values})
    case_transition(
        item=petition,
        action=request_action,
        by=by,
        actor_label="" if by else petition.petitioner,  # the petitioner, online
        note=review.request,
        data={"kind": kind, "requested_on": requested_on.isoformat(), "review_id": review.pk},
    )
    label = ReviewKind(kind).label
    case_open_clock(
        item=petition,
        clock_name=kind,
        start=requested_on,
        by=by,
        title=Message(gettext_noop("%(kind)s决定：%(p)s"), kind=label, p=petition),
    )
    notify(
        recipients=_clerks_and_chairs(petition),
        title=Message(gettext_noop("信访人申请%(kind)s：%(p)s"), kind=label, p=petition),
        body=review.request[:200],
        url=petition.get_absolute_url(),
        township=petition.township,
    )
    return review


def check_decide_review(petition, kind, by):
    if kind not in REVIEW_ACTIONS:
        raise ValidationError({"kind": _("请选择复查或复核。")})
    case_check(item=petition, action=REVIEW_ACTIONS[kind][1], by=by)


@transaction.atomic
def petition_decide_review(*, petition, kind, by, decision, outcome, decided_on=None):
    """Decide the pending 复查 or 复核 and meet its clock. A 复查 decision closes the petition
    again (a 复核 may follow); a 复核 decision is final (复核终结)."""
    check_decide_review(petition, kind, by)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("请选择结论：支持、解释说明或不予支持。")})
    if not (decision or "").strip():
        raise ValidationError({"decision": _("请填写%(kind)s意见。") % {"kind": ReviewKind(kind).label}})
    decided_on = decided_on or _today()
    _not_in_future(decided_on, "decided_on", _("决定日期"))
    case_lock(petition)
    review = Review.objects.select_for_update().filter(petition=petition, kind=kind, decided_on__isnull=True).first()
    if review is None:
        raise ValidationError(_("没有待决定的%(kind)s申请。") % {"kind": ReviewKind(kind).label})
    if decided_on < review.requested_on:
        raise ValidationError(
            {"decided_on": _("决定日期不能早于申请日期（%(d)s）。") % {"d": review.requested_on.isoformat()}}
        )
    review.decision, review.outcome, review.decided_on = decision.strip(), outcome, decided_on
    review._history_user = by
    review.save(update_fields=["decision", "outcome", "decided_on"])
    case_transition(
        item=petition,
        action=REVIEW_ACTIONS[kind][1],
        by=by,
        note=review.decision,
        data={"kind": kind, "outcome": outcome, "review_id": review.pk},
    )
    case_meet_clocks(petition, [kind], by=by, on=decided_on)
    return review


# --- leaders: instructions (批示) and ownership (包案) ------------------------------------------


@transaction.atomic
def leader_instruct(*, petition, by, content):
    """A chair's written instruction (领导批示); the office and the lead unit are told."""
    check_instruct(petition, by)
    if not (content or "").strip():
        raise ValidationError({"content": _("请填写批示内容。")})
    instruction = LeaderInstruction(petition=petition, leader=by, content=content.strip())
    instruction.full_clean()
    event = case_transition(item=petition, action="instruct", by=by, note=instruction.content)
    instruction._history_user = by
    instruction.save()
    event.data = {"instruction_id": instruction.pk}
    event.save(update_fields=["data"])
    recipients = [u for u in _clerks_and_chairs(petition) if u.pk != by.pk] + _lead_handlers(petition)
    notify(
        recipients=recipients,
        title=Message(gettext_noop("领导批示：%(p)s"), p=petition),
        body=Message(gettext_noop("%(leader)s批示：%(c)s"), leader=by.display_name, c=instruction.content[:200]),
        url=petition.get_absolute_url(),
        township=petition.township,
    )
    return instruction


def check_take_ownership(petition, by):
    case_check(item=petition, action="take_ownership", by=by)
    if petition.leader_owner_id == by.pk:
        raise ValidationError(_("您已包案该事项。"))
    if petition.leader_owner_id:
        raise ValidationError(_("该事项已由%(leader)s包案。") % {"leader": petition.leader_owner.display_name})


@transaction.atomic
def leader_take_ownership(*, petition, by):
    """A chair takes personal charge of the petition (领导包案) until it is finished."""
    check_take_ownership(petition, by)
    case_lock(petition)
    owner = Petition.objects.filter(pk=petition.pk).values_list("leader_owner_id", flat=True).get()
    if owner:
        petition.leader_owner_id = owner
        check_take_ownership(petition, by)
    petition.leader_owner = by
    case_transition(
        item=petition,
        action="take_ownership",
        by=by,
        note=_("%(leader)s包案") % {"leader": by.display_name},
        save_fields=("leader_owner",),
    )
    notify(
        recipients=[u for u in _clerks_and_chairs(petition) if u.pk != by.pk] + _lead_handlers(petition),
        title=Message(gettext_noop("领导包案：%(p)s"), p=petition),
        body=Message(gettext_noop("由%(leader)s包案办理。"), leader=by.display_name),
        url=petition.get_absolute_url(),
        township=petition.township,
    )
    return petition


# --- completion report (办结报告) and return visit (回访) ---------------------------------------


def check_completion_report(petition, by):
    case_check(item=petition, action="completion_report", by=by)
    if CompletionReport.objects.filter(petition=petition).exists():
        raise ValidationError(_("该事项的办结报告已提交。"))


@transaction.atomic
def completion_report_file(*, petition, by, content):
    """The lead unit (or the office) files the completion report once the petition is replied
    or closed; one per petition."""
    check_completion_report(petition, by)
    if not (content or "").strip():
        raise ValidationError({"content": _("请填写办结情况。")})
    try:
        with transaction.atomic():
            report = CompletionReport(petition=petition, content=content.strip(), filed_by=by)
            report._history_user = by
            report.save()
    except IntegrityError:
        raise ValidationError(_("该事项的办结报告已提交。")) from None
    case_transition(
        item=petition, action="completion_report", by=by, note=report.content, data={"report_id": report.pk}
    )
    notify(
        recipients=[u for u in _clerks_and_chairs(petition) if u.pk != by.pk],
        title=Message(gettext_noop("办结报告：%(p)s"), p=petition),
        body=report.content[:200],
        url=petition.get_absolute_url(),
        township=petition.township,
    )
    return report


@transaction.atomic
def return_visit_record(*, petition, by, visited_on, satisfaction, method="电话", note=""):
    """A clerk records a return visit (回访) after closure with the petitioner's satisfaction."""
    check_return_visit(petition, by)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度。")})
    if method not in dict(RETURN_VISIT_METHODS):
        raise ValidationError({"method": _("请选择回访方式。")})
    _not_in_future(visited_on, "visited_on", _("回访日期"))
    if petition.replied_on and visited_on < petition.replied_on:
        raise ValidationError(
            {"visited_on": _("回访日期不能早于答复日期（%(d)s）。") % {"d": petition.replied_on.isoformat()}}
        )
    visit = ReturnVisit(
        petition=petition,
        visited_on=visited_on,
        method=method,
        satisfaction=satisfaction,
        note=(note or "").strip(),
        visited_by=by,
    )
    visit.full_clean()
    visit._history_user = by
    visit.save()
    case_transition(
        item=petition,
        action="return_visit",
        by=by,
        note=visit.note,
        data={
            "visit_id": visit.pk,
            "satisfaction": satisfaction,
            "method": method,
            "visited_on": visited_on.isoformat(),
        },
    )
    return visit


# --- what the current user may do now ----------------------------------------------------------


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    url: str
    icon: str
    tone: str = "outline-primary"


def petition_actions(petition, user):
    """The handling actions `user` may take on `petition` in its current state, each with the
    URL of its form page: the same checks the services run, so a button never leads to a
    refusal (a concurrent change aside)."""
    if not user.is_authenticated:
        return []
    review, recheck = ReviewKind.REVIEW, ReviewKind.RECHECK
    candidates = [
        ("assign", _("交办 / 转办"), "petition_assign", (), "bi-send", "primary", check_assign),
        ("co_input", _("提交协办意见"), "petition_co_input", (), "bi-people", "outline-primary", check_co_input),
        ("reply", _("答复"), "petition_reply", (), "bi-reply", "primary", check_reply),
        ("supervise", _("督办"), "petition_supervise", (), "bi-alarm", "outline-danger", check_supervise),
        (
            "request_extension",
            _("申请延期"),
            "petition_extend",
            (),
            "bi-calendar-plus",
            "outline-warning",
            check_request_extension,
        ),
        (
            "approve_extension",
            _("审批延期申请"),
            "petition_extension_decide",
            (),
            "bi-calendar-check",
            "warning",
            check_approve_extension,
        ),
        ("rate", _("登记评价"), "petition_rate", (), "bi-star", "outline-primary", check_rate),
        (
            "request_review",
            _("登记复查申请"),
            "petition_review_request",
            (review,),
            "bi-arrow-repeat",
            "outline-secondary",
            lambda p, u: check_request_review(p, review, u),
        ),
        (
            "decide_review",
            _("作出复查意见"),
            "petition_review_decide",
            (review,),
            "bi-check2-square",
            "primary",
            lambda p, u: check_decide_review(p, review, u),
        ),
        (
            "request_recheck",
            _("登记复核申请"),
            "petition_review_request",
            (recheck,),
            "bi-arrow-repeat",
            "outline-secondary",
            lambda p, u: check_request_review(p, recheck, u),
        ),
        (
            "decide_recheck",
            _("作出复核意见"),
            "petition_review_decide",
            (recheck,),
            "bi-check2-all",
            "primary",
            lambda p, u: check_decide_review(p, recheck, u),
        ),
        ("instruct", _("领导批示"), "petition_instruct", (), "bi-pen", "outline-danger", check_instruct),
        (
            "take_ownership",
            _("包案"),
            "petition_take_ownership",
            (),
            "bi-person-badge",
            "outline-danger",
            check_take_ownership,
        ),
        (
            "completion_report",
            _("办结报告"),
            "petition_completion_report",
            (),
            "bi-file-earmark-check",
            "outline-success",
            check_completion_report,
        ),
        ("return_visit", _("回访"), "petition_return_visit", (), "bi-telephone", "outline-success", check_return_visit),
    ]
    return [
        Action(key, label, reverse(f"petitions:{name}", args=[petition.pk, *url_args]), icon, tone)
        for key, label, name, url_args, icon, tone, check in candidates
        if passes(check, petition, user)
    ]


__all__ = [
    "Action",
    "HANDLING_STATES",
    "RETURN_VISIT_METHODS",
    "check_assign",
    "check_co_input",
    "check_completion_report",
    "check_decide_review",
    "check_approve_extension",
    "check_request_extension",
    "check_instruct",
    "check_reply",
    "check_request_review",
    "check_return_visit",
    "check_supervise",
    "check_take_ownership",
    "completion_report_file",
    "handling_extensions",
    "leader_instruct",
    "leader_take_ownership",
    "pending_co_units",
    "petition_actions",
    "petition_assign",
    "petition_co_input",
    "petition_decide_review",
    "petition_approve_extension",
    "petition_extension_approved",
    "petition_refuse_extension",
    "petition_request_extension",
    "petition_rate",
    "petition_reply",
    "petition_request_review",
    "petition_supervise",
    "return_visit_record",
    "review_window",
]
