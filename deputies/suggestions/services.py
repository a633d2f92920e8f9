"""Writes of deputies' suggestions (代表建议、批评和意见), each one transaction.

Submission and numbering live here; every later step runs on the core's handling engine
(congress_office.services.cases), which checks who may take it and in which state (as the case
type declares), keeps the timeline, opens and meets the clocks and notifies.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress_office.cases import Satisfaction
from congress_office.message_keys import Message
from congress_office.models import User
from congress_office.roles import Role
from congress_office.services.cases import (
    case_approve_extension,
    case_assign,
    case_check,
    case_co_input,
    case_event,
    case_handling_deadline,
    case_rate,
    case_refuse_extension,
    case_reply,
    case_request_extension,
    case_supervise,
    case_transition,
    check_decision_date,
    feedback_window,
)
from congress_office.services.notifications import notify
from congress_office.services.numbering import next_sequence

from ..choices import DeputyStatus
from . import access
from .case_type import rater_key, signer_users
from .models import Consultation, ConsultationMethod, Suggestion, SuggestionSigner, SuggestionState


def categories():
    """The answer categories {code: label}, configurable (settings.SUGGESTION_CATEGORIES)."""
    return dict(settings.SUGGESTION_CATEGORIES)


def limits():
    """The statutory numbers the pages spell out, from the settings (provinces vary)."""
    return {
        "answer_months": settings.SUGGESTION_ANSWER_MONTHS,
        "hard_answer_months": settings.SUGGESTION_HARD_ANSWER_MONTHS,
        "co_input_months": settings.SUGGESTION_CO_INPUT_MONTHS,
        "feedback_working_days": settings.SUGGESTION_FEEDBACK_WORKING_DAYS,
        "reopen_months": settings.SUGGESTION_REOPEN_MONTHS,
    }


def category_label(code):
    label = categories().get(code)
    return _("%(code)s类：%(label)s") % {"code": code, "label": label} if label else (code or "")


def _text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _clerks(township_id):
    return User.objects.with_role(Role.CLERK).filter(township_id=township_id)


def _signers(*, by, lead, co_signers, term):
    """The lead signer first, then the co-signers (each once): active deputies of the term."""
    own = access.own_deputy(by)
    if lead is None:
        if own is None:
            raise ValidationError({"lead": _("您的账号尚未关联代表信息，请联系人大办。")})
        lead = own
    elif not access.is_office(by) and (own is None or own.pk != lead.pk):
        raise PermissionDenied(_("代表只能以本人名义领衔提出建议。"))
    people, seen = [], set()
    for deputy in [lead, *co_signers]:
        if deputy.pk in seen:
            continue
        seen.add(deputy.pk)
        if deputy.township_id != term.township_id or deputy.term_id != term.pk:
            raise ValidationError({"co_signers": _("%(name)s 不是本届代表，不能联名。") % {"name": deputy.name}})
        if deputy.status != DeputyStatus.ACTIVE:
            raise ValidationError(
                {
                    "co_signers": _("%(name)s 已暂停执行代表职务或代表资格已终止，不能提出或联名建议。")
                    % {"name": deputy.name}
                }
            )
        people.append(deputy)
    return people


def _link_visit(visit, suggestion, by):
    from ..models import ReceptionVisit

    visit = ReceptionVisit.objects.select_for_update().select_related("reception_day").get(pk=visit.pk)
    if visit.reception_day.township_id != suggestion.township_id:
        raise ValidationError(_("接待记录不属于本乡镇。"))
    if visit.follow_up_kind:
        raise ValidationError(_("该接待记录已转办，不能重复转为代表建议。"))
    visit.follow_up_kind, visit.follow_up_id = "suggestion", suggestion.pk
    visit._history_user = by
    visit.save(update_fields=["follow_up_kind", "follow_up_id"])
    return visit


@transaction.atomic
def suggestion_submit(
    *, by, term, title, content, co_signers=(), is_hard=False, session="", lead=None, visit=None
) -> Suggestion:
    """A deputy submits a suggestion (their register entry is the lead signer) alone or with
    co-signers, or the office registers one on behalf of deputies (naming the lead signer).

    Numbered 建议〔year〕n号, gapless per township and year. From a reception visit, the visit
    is linked (follow_up_kind "suggestion") in the same transaction."""
    access.check_submit(by, term.township_id)
    title = _text(title, "title", _("请填写建议标题。"))
    content = _text(content, "content", _("请填写建议内容。"))
    signers = _signers(by=by, lead=lead, co_signers=list(co_signers or []), term=term)
    year = timezone.localdate().year
    suggestion = Suggestion(
        township_id=term.township_id,
        term=term,
        year=year,
        sequence=next_sequence(queryset=Suggestion.objects, township_id=term.township_id, year=year),
        session=(session or "").strip(),
        title=title,
        content=content,
        is_hard=bool(is_hard),
        submitted_by=by,
        state=SuggestionState.REGISTERED,
    )
    suggestion.full_clean()
    suggestion._history_user = by
    suggestion.save()
    SuggestionSigner.objects.bulk_create(
        [SuggestionSigner(suggestion=suggestion, deputy=d, is_lead=(i == 0)) for i, d in enumerate(signers)]
    )
    on_behalf = access.is_office(by) and access.own_deputy(by) not in signers
    case_event(
        item=suggestion,
        action="submit",
        label=Message(gettext_noop("代为登记")) if on_behalf else Message(gettext_noop("提出建议")),
        by=by,
        to_state=SuggestionState.REGISTERED,
        note=title,
        data={"signers": [d.name for d in signers], "number": str(suggestion.number)},
    )
    if visit is not None:
        _link_visit(visit, suggestion, by)
    notify(
        recipients=[u for u in _clerks(suggestion.township_id) if u.pk != by.pk],
        title=Message(gettext_noop("新代表建议待交办：%(s)s"), s=suggestion),
        body=Message(gettext_noop("提出代表：%(names)s"), names="、".join(d.name for d in signers)),
        url=suggestion.get_absolute_url(),
        township=suggestion.township,
    )
    co_users = [d.user for d in signers[1:] if d.user_id and d.user_id != by.pk]
    if co_users:
        notify(
            recipients=co_users,
            title=Message(gettext_noop("您已联名代表建议：%(s)s"), s=suggestion),
            body=Message(gettext_noop("领衔代表：%(name)s"), name=signers[0].name),
            url=suggestion.get_absolute_url(),
            township=suggestion.township,
        )
    return suggestion


@transaction.atomic
def suggestion_assign(*, suggestion, lead_unit, by, co_units=(), start=None, note=""):
    """交办 to a lead unit, optionally with co-handling units. The answer is due in
    SUGGESTION_ANSWER_MONTHS calendar months (SUGGESTION_HARD_ANSWER_MONTHS for a suggestion
    marked hard); co-handlers' input to the lead unit in SUGGESTION_CO_INPUT_MONTHS."""
    event = case_assign(
        item=suggestion,
        lead_unit=lead_unit,
        co_units=list(co_units or []),
        by=by,
        start=start,
        clock="handling_hard" if suggestion.is_hard else "handling",
        note=(note or "").strip(),
    )
    notify(
        recipients=signer_users(suggestion),
        title=Message(gettext_noop("您的建议已交办：%(s)s"), s=suggestion),
        body=Message(gettext_noop("主办单位：%(unit)s"), unit=lead_unit),
        url=suggestion.get_absolute_url(),
        township=suggestion.township,
    )
    return event


def suggestion_co_input(*, suggestion, by, note, unit=None):
    """A co-handling unit sends its opinion to the lead unit (meets its clock)."""
    return case_co_input(item=suggestion, unit=unit, by=by, note=note)


def _current_round_start(suggestion):
    deadline = case_handling_deadline(suggestion)
    return deadline.start_date if deadline else None


@transaction.atomic
def consultation_record(*, suggestion, by, held_on, method, unit_people, deputies, summary, unit=None) -> Consultation:
    """Record the lead unit's face-to-face consultation (面商) with the deputies in this round:
    who (unit people and deputies), when and how. Required before the unit may answer.
    `unit`, when given, must be the lead unit (the one that answers)."""
    case_check(item=suggestion, action="consult", by=by)
    if unit is not None and unit.pk != suggestion.lead_unit_id:
        raise ValidationError({"unit": _("面商应由主办单位（%(u)s）进行。") % {"u": suggestion.lead_unit}})
    if method not in ConsultationMethod.values:
        raise ValidationError({"method": _("请选择面商方式。")})
    unit_people = _text(unit_people, "unit_people", _("请填写单位参加人员。"))
    summary = _text(summary, "summary", _("请填写面商情况。"))
    if not isinstance(held_on, date):
        raise ValidationError({"held_on": _("请填写面商日期。")})
    check_decision_date(
        held_on,
        earliest=_current_round_start(suggestion),
        earliest_label=_("本轮交办日期"),
        field="held_on",
        label=_("面商日期"),
    )
    deputies = list(deputies or [])
    signer_ids = set(suggestion.signers.values_list("deputy_id", flat=True))
    if not deputies:
        raise ValidationError({"deputies": _("请选择参加面商的代表。")})
    if any(d.pk not in signer_ids for d in deputies):
        raise ValidationError({"deputies": _("参加面商的代表必须是该建议的提出代表。")})
    consultation = Consultation(
        suggestion=suggestion,
        round=suggestion.round,
        unit=suggestion.lead_unit,
        held_on=held_on,
        method=method,
        unit_people=unit_people,
        summary=summary,
        recorded_by=by,
    )
    consultation.full_clean()
    case_transition(
        item=suggestion,
        action="consult",
        by=by,
        note=summary,
        data={
            "held_on": held_on.isoformat(),
            "method": str(ConsultationMethod(method).label),
            "unit_people": unit_people,
            "deputies": [d.name for d in deputies],
            "round": suggestion.round,
        },
    )
    consultation._history_user = by
    consultation.save()
    consultation.deputies.set(deputies)
    return consultation


@transaction.atomic
def suggestion_reply(*, suggestion, by, category, content, on=None, attachments=(), before_co_input=None):
    """The lead unit answers with a category (A–D, labels configurable). Refused until the
    unit has recorded a consultation in this round (the type's precondition); opens the
    signers' feedback window. `attachments` are stored with the answer; `before_co_input` is
    the form's answer to "a co-handling unit has not sent its opinion: answer first?"."""
    case_check(item=suggestion, action="reply", by=by)
    if category not in categories():
        raise ValidationError({"category": _("请选择办理结果类别。")})
    if on is not None:
        check_decision_date(
            on, earliest=_current_round_start(suggestion), earliest_label=_("本轮交办日期"), label=_("答复日期")
        )
    return case_reply(
        item=suggestion,
        by=by,
        content=content,
        result=category,
        on=on,
        files=attachments,
        before_co_input_confirmed=before_co_input,
    )


def feedback_deadline(suggestion):
    return feedback_window(suggestion)


@transaction.atomic
def suggestion_rate(*, suggestion, deputy, satisfaction, by, comment=""):
    """A signing deputy rates the current answer, once per round, within the feedback window
    (SUGGESTION_FEEDBACK_WORKING_DAYS). 不满意 reopens it on the SUGGESTION_REOPEN_MONTHS
    clock (round + 1); when every signer is satisfied or basically satisfied, it is closed."""
    comment = (comment or "").strip()
    case_check(item=suggestion, action="rate", by=by, deputy=deputy)
    if satisfaction == Satisfaction.UNSATISFIED and not comment:
        raise ValidationError({"comment": _("请说明不满意的理由，承办单位将据此重新办理。")})
    return case_rate(
        item=suggestion,
        satisfaction=satisfaction,
        rater_key=rater_key(deputy),
        rater_label=deputy.name,
        by=by,
        comment=comment,
        deputy=deputy,
    )


def suggestion_request_extension(*, suggestion, by, reason, extra=None, new_due_date=None):
    """The office or the lead unit asks to extend the answer clock (months or a date), within
    SUGGESTION_HARD_ANSWER_MONTHS of the assignment in all; a chair approves or refuses it."""
    return case_request_extension(item=suggestion, by=by, reason=reason, extra=extra, new_due_date=new_due_date)


def suggestion_decide_extension(*, suggestion, by, approve, note=""):
    """A chair approves or refuses the pending extension request, as themself."""
    if approve:
        return case_approve_extension(item=suggestion, by=by, note=note)
    return case_refuse_extension(item=suggestion, by=by, note=note)


def suggestion_supervise(*, suggestion, by, content, reply_by=None):
    """Issue a supervision notice (督办单, numbered 督办〔year〕n号 per township) to the lead unit."""
    return case_supervise(item=suggestion, by=by, content=content, reply_by=reply_by)
