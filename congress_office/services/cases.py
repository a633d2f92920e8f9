"""The shared handling engine: every transition of a petition or a suggestion goes through here.

A case type (congress_office.cases.CaseType, registered in registries.case_types) declares its
states, transitions with permissions, clocks and hooks; these services enforce them, keep the
timeline (CaseEvent), open and meet deadlines through the deadline engine, and notify.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..cases import CaseState, Satisfaction
from ..models import (
    AssignmentMode,
    AssignmentRole,
    CaseAssignment,
    CaseEvent,
    CaseRating,
    CaseReply,
    CaseSupervision,
    Deadline,
    User,
)
from ..models.deadlines import PENDING_STATES
from ..registries import case_types
from ..roles import Role
from .deadlines import deadline_extend, deadline_meet, deadline_open
from .notifications import notify
from .numbering import next_sequence


def case_type_of(item):
    return case_types[item.case_type_key]


def _item_rows(item):
    return {"item_type": ContentType.objects.get_for_model(item), "item_id": item.pk, "township_id": item.township_id}


def _check_actor(item, by, permission):
    if by is None:  # a citizen through the public pages: the view has checked the query code
        return
    if permission and not by.has_perm(permission):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    if not by.is_county_wide and by.township_id != item.township_id:
        raise PermissionDenied(_("不能办理其他乡镇的事项。"))


def case_check_actor(*, item, by, permission=""):
    """Raise PermissionDenied unless `by` holds `permission` and belongs to the item's township
    (`by=None` is a citizen through the public pages, checked by the view)."""
    _check_actor(item, by, permission)


def _refuse_state(spec, transition, current):
    if current not in transition.sources:
        raise ValidationError(
            _("该事项当前为“%(state)s”，不能“%(action)s”。")
            % {"state": spec.state_label(current), "action": transition.label}
        )


def _transition_of(spec, action):
    transition = spec.transitions.get(action)
    if transition is None:
        raise ValidationError(_("未知的操作：%(a)s") % {"a": action})
    return transition


def case_check(*, item, action, by):
    """Whether `by` may take `action` on `item` now, without changing anything: the same
    permission, township and state checks as case_transition (which repeats them under a row
    lock). Raises PermissionDenied or ValidationError (Chinese); returns the Transition.
    Pages use it to offer only the actions that would succeed."""
    spec = case_type_of(item)
    transition = _transition_of(spec, action)
    _check_actor(item, by, transition.permission)
    _refuse_state(spec, transition, item.state)
    return transition


def passes(check, *args):
    """Whether `check(*args)` accepts (it raises PermissionDenied or ValidationError to refuse):
    pages use it to offer only the actions that would succeed."""
    try:
        check(*args)
    except (PermissionDenied, ValidationError):
        return False
    return True


def case_event(*, item, action, label, by=None, actor_label="", note="", data=None, from_state="", to_state=""):
    return CaseEvent.objects.create(
        **_item_rows(item),
        action=action,
        label=label,
        actor=by,
        actor_label=actor_label or "",
        note=note or "",
        data=data or {},
        from_state=from_state,
        to_state=to_state,
    )


def case_transition(*, item, action, by=None, actor_label="", note="", data=None, save_fields=()):
    """Move `item` along `action` of its case type: checks the acting user's permission and
    township and the current state; a refused transition raises ValidationError in Chinese."""
    spec = case_type_of(item)
    transition = _transition_of(spec, action)
    _check_actor(item, by, transition.permission)
    # lock the row so two clerks cannot both move the same case
    current = type(item).objects.select_for_update().only("state").get(pk=item.pk).state
    _refuse_state(spec, transition, current)
    item.state = transition.target
    if transition.target == CaseState.CLOSED:
        item.closed_at = timezone.now()
        save_fields = (*save_fields, "closed_at")
    if by is not None:
        item._history_user = by
    item.save(update_fields=["state", *save_fields])
    return case_event(
        item=item,
        action=action,
        label=transition.label,
        by=by,
        actor_label=actor_label,
        note=note,
        data=data,
        from_state=current,
        to_state=transition.target,
    )


def _deadline_kind(item, clock_name):
    return f"{item.case_type_key}.{clock_name}"


def case_open_clock(*, item, clock_name, start, unit=None, user=None, by=None, title=None):
    spec = case_type_of(item)
    clock = spec.clocks[clock_name]
    return deadline_open(
        township=item.township,
        kind=_deadline_kind(item, clock_name),
        title=title or f"{clock.label}：{item}",
        start_date=start,
        rule=clock.rule,
        limit=clock.limit,
        responsible_unit=unit,
        responsible_user=user,
        subject=item,
        by=by,
    )


def case_pending_deadlines(item, clock_names=None):
    qs = Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(item), subject_id=item.pk, state__in=PENDING_STATES
    )
    if clock_names:
        qs = qs.filter(kind__in=[_deadline_kind(item, c) for c in clock_names])
    return qs


def handling_clocks(spec):
    """The clocks that run while a unit handles the case ("handling", "handling_hard" …, "reopened")."""
    return [name for name in spec.clocks if name.startswith("handling")] + ["reopened"]


def _meet(item, clock_names, by):
    for deadline in case_pending_deadlines(item, clock_names):
        deadline_meet(deadline=deadline, by=by)


def unit_handlers(unit_ids):
    return list(User.objects.with_role(Role.UNIT_HANDLER).filter(unit_id__in=unit_ids))


@transaction.atomic
def case_assign(
    *, item, lead_unit, by, co_units=(), mode=AssignmentMode.ASSIGN, start=None, clock="handling", action=None, note=""
):
    """Assign (交办) or transfer (转办) a case to a lead unit, optionally with co-handling units.

    Opens the handling clock for the lead unit and, when the type has one, the co-handlers'
    input clock (their opinion is due to the lead unit)."""
    spec = case_type_of(item)
    co_units = [u for u in co_units if u.pk != lead_unit.pk]
    for unit in [lead_unit, *co_units]:
        if unit.township_id != item.township_id or not unit.is_active:
            raise ValidationError({"lead_unit": _("承办单位必须是本乡镇在用的单位。")})
    start = start or timezone.localdate()
    event = case_transition(
        item=item,
        action=action or ("transfer" if mode == AssignmentMode.TRANSFER else "assign"),
        by=by,
        note=note,
        data={"lead_unit": lead_unit.name, "co_units": [u.name for u in co_units]},
    )
    item.lead_unit = lead_unit
    item.save(update_fields=["lead_unit"])
    deadline = case_open_clock(item=item, clock_name=clock, start=start, unit=lead_unit, by=by)
    CaseAssignment.objects.create(
        **_item_rows(item),
        unit=lead_unit,
        role=AssignmentRole.LEAD,
        mode=mode,
        round=item.round,
        deadline=deadline,
        assigned_by=by,
    )
    for unit in co_units:
        co_deadline = None
        if "co_input" in spec.clocks:
            co_deadline = case_open_clock(
                item=item,
                clock_name="co_input",
                start=start,
                unit=unit,
                by=by,
                title=_("协办意见：%(item)s") % {"item": item},
            )
        CaseAssignment.objects.create(
            **_item_rows(item),
            unit=unit,
            role=AssignmentRole.CO,
            mode=mode,
            round=item.round,
            deadline=co_deadline,
            assigned_by=by,
        )
    notify(
        recipients=unit_handlers([lead_unit.pk, *[u.pk for u in co_units]]),
        title=_("新%(mode)s事项：%(item)s") % {"mode": AssignmentMode(mode).label, "item": item},
        body=_("主办单位：%(lead)s；办理期限至 %(due)s。") % {"lead": lead_unit, "due": deadline.due_date},
        url=item.get_absolute_url(),
        township=item.township,
    )
    return event


@transaction.atomic
def case_co_input(*, item, unit, by, note):
    """A co-handling unit sends its opinion to the lead unit (its own handler, or the office
    recording it for the unit)."""
    _check_actor(item, by, "")
    if by is not None and by.has_role(Role.UNIT_HANDLER) and not by.has_role(Role.CLERK) and by.unit_id != unit.pk:
        raise PermissionDenied(_("只能提交本单位的协办意见。"))
    assignment = (
        CaseAssignment.objects.select_for_update()
        .filter(
            **{k: v for k, v in _item_rows(item).items() if k != "township_id"},
            unit=unit,
            role=AssignmentRole.CO,
            round=item.round,
        )
        .first()
    )
    if assignment is None:
        raise ValidationError(_("该单位不是本事项的协办单位。"))
    if assignment.input_at:
        raise ValidationError(_("协办意见已提交。"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写协办意见。")})
    assignment.input_note, assignment.input_at = note.strip(), timezone.now()
    assignment.save(update_fields=["input_note", "input_at"])
    if assignment.deadline_id and assignment.deadline.is_pending:
        deadline_meet(deadline=assignment.deadline, by=by)
    return case_event(item=item, action="co_input", label=_("协办意见"), by=by, note=note, data={"unit": unit.name})


@transaction.atomic
def case_extend(*, item, reason, approver, by, extra=None, new_due_date=None):
    """Extend the current handling clock (reason, approver; the person concerned is told)."""
    spec = case_type_of(item)
    # who and in which state first: a user without the right learns nothing about the clock
    if "extend" in spec.transitions:
        case_check(item=item, action="extend", by=by)
    deadline = case_pending_deadlines(item, handling_clocks(spec)).order_by("-pk").first()
    if deadline is None:
        raise ValidationError(_("该事项没有正在计时的办理期限。"))
    if spec.max_extension_days and deadline.extensions.exists():
        raise ValidationError(_("该事项已延期过一次，不能再次延期。"))
    if spec.max_extension_days:
        from datetime import timedelta

        limit = deadline.due_date + timedelta(days=spec.max_extension_days)
        if extra and extra > spec.max_extension_days:
            raise ValidationError({"extra": _("延期不得超过 %(n)s 日。") % {"n": spec.max_extension_days}})
        if new_due_date and new_due_date > limit:
            raise ValidationError(
                {
                    "new_due_date": _("延期不得超过 %(n)s 日（最迟 %(d)s）。")
                    % {"n": spec.max_extension_days, "d": limit}
                }
            )
    if "extend" not in spec.transitions:
        _check_actor(item, by, "")
    extension = deadline_extend(
        deadline=deadline,
        reason=reason,
        approver=approver,
        by=by,
        extra=extra,
        new_due_date=new_due_date,
    )
    case_event(
        item=item,
        action="extend",
        label=_("延期"),
        by=by,
        note=reason,
        data={"from": str(extension.previous_due_date), "to": str(extension.new_due_date), "approver": str(approver)},
    )
    if spec.concerned_users:
        notify(
            recipients=spec.concerned_users(item),
            title=_("办理期限延长：%(item)s") % {"item": item},
            body=_("延期至 %(d)s。理由：%(r)s") % {"d": extension.new_due_date, "r": reason},
            url=item.get_absolute_url(),
            township=item.township,
        )
    return extension


@transaction.atomic
def case_supervise(*, item, by, content, reply_by=None):
    """Issue a supervision notice (督办单) to the lead unit, numbered per township and year."""
    spec = case_type_of(item)
    if "supervise" in spec.transitions:
        # the type says in which states a case may be supervised (a replied case is no longer
        # the unit's to hurry); the row lock keeps a concurrent reply from slipping past
        transition = case_check(item=item, action="supervise", by=by)
        item.state = type(item).objects.select_for_update().only("state").get(pk=item.pk).state
        _refuse_state(spec, transition, item.state)
    else:
        _check_actor(item, by, "")
    if item.state in (CaseState.CLOSED, CaseState.REGISTERED) or item.lead_unit_id is None:
        raise ValidationError(_("只能对正在办理的事项督办。"))
    if not (content or "").strip():
        raise ValidationError({"content": _("请填写督办意见。")})
    year = timezone.localdate().year
    supervision = CaseSupervision.objects.create(
        **_item_rows(item),
        year=year,
        sequence=next_sequence(queryset=CaseSupervision.objects, township_id=item.township_id, year=year),
        unit=item.lead_unit,
        content=content.strip(),
        reply_by=reply_by,
        issued_by=by,
    )
    case_event(
        item=item,
        action="supervise",
        label=_("督办"),
        by=by,
        note=content,
        data={"number": str(supervision.number), "supervision_id": supervision.pk},
    )
    notify(
        recipients=unit_handlers([item.lead_unit_id]),
        title=_("督办通知：%(item)s") % {"item": item},
        body=content,
        url=item.get_absolute_url(),
        township=item.township,
    )
    return supervision


@transaction.atomic
def case_reply(*, item, by, content, result="", unit=None):
    """Record the lead unit's reply: meets the handling clock, opens the rating window."""
    spec = case_type_of(item)
    # who and when first, then the type's own precondition (e.g. 面商 before a suggestion's answer)
    case_check(item=item, action="reply", by=by)
    if (
        by is not None
        and by.has_role(Role.UNIT_HANDLER)
        and not by.has_role(Role.CLERK)
        and by.unit_id != item.lead_unit_id
    ):
        raise PermissionDenied(_("只有主办单位可以答复。"))
    if spec.before_reply:
        spec.before_reply(item)
    if not (content or "").strip():
        raise ValidationError({"content": _("请填写答复内容。")})
    event = case_transition(item=item, action="reply", by=by, note=content, data={"result": result})
    reply = CaseReply.objects.create(
        **_item_rows(item),
        round=item.round,
        unit=unit or item.lead_unit,
        content=content.strip(),
        result=result,
        replied_by=by,
    )
    _meet(item, handling_clocks(spec), by)
    if "feedback" in spec.clocks:
        case_open_clock(
            item=item,
            clock_name="feedback",
            start=timezone.localdate(),
            by=by,
            title=_("满意度反馈：%(item)s") % {"item": item},
        )
    if spec.concerned_users:
        notify(
            recipients=spec.concerned_users(item),
            title=_("已答复：%(item)s") % {"item": item},
            body=content[:200],
            url=item.get_absolute_url(),
            township=item.township,
        )
    return reply, event


@transaction.atomic
def case_rate(*, item, satisfaction, rater_key, rater_label, by=None, comment=""):
    """One person rates the current reply. 不满意 reopens the case on the shorter 'reopened'
    clock; when every rater is satisfied or basically satisfied, the case closes."""
    spec = case_type_of(item)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度。")})
    if item.state != CaseState.REPLIED:
        raise ValidationError(_("该事项当前为“%(s)s”，不能评价。") % {"s": spec.state_label(item.state)})
    reply = CaseReply.objects.filter(
        **{k: v for k, v in _item_rows(item).items() if k != "township_id"}, round=item.round
    ).first()
    if reply is None:
        raise ValidationError(_("尚未答复，不能评价。"))
    if CaseRating.objects.filter(reply=reply, rater_key=rater_key).exists():
        raise ValidationError(_("您已经评价过本次答复。"))
    rating = CaseRating.objects.create(
        **_item_rows(item),
        reply=reply,
        rater_key=rater_key,
        rater_label=rater_label,
        satisfaction=satisfaction,
        comment=comment or "",
    )
    case_event(
        item=item,
        action="rate",
        label=_("评价：%(s)s") % {"s": Satisfaction(satisfaction).label},
        by=by,
        actor_label=rater_label,
        note=comment,
    )
    if satisfaction == Satisfaction.UNSATISFIED:
        _meet(item, ["feedback"], by)
        item.round += 1
        item.save(update_fields=["round"])
        case_transition(item=item, action="reopen", by=by, actor_label=rater_label, note=comment)
        deadline = case_open_clock(
            item=item, clock_name="reopened", start=timezone.localdate(), unit=item.lead_unit, by=by
        )
        CaseAssignment.objects.create(
            **_item_rows(item),
            unit=item.lead_unit,
            role=AssignmentRole.LEAD,
            round=item.round,
            deadline=deadline,
            assigned_by=by or reply.replied_by,
        )
        notify(
            recipients=unit_handlers([item.lead_unit_id]),
            title=_("评价不满意，重新办理：%(item)s") % {"item": item},
            body=comment,
            url=item.get_absolute_url(),
            township=item.township,
        )
    elif spec.all_rated is None or spec.all_rated(item):
        _meet(item, ["feedback"], by)
        case_transition(item=item, action="close", by=by, actor_label=rater_label)
    return rating


def case_timeline(item):
    """The whole history of a case, oldest first (one query)."""
    return list(
        CaseEvent.objects.filter(item_type=ContentType.objects.get_for_model(item), item_id=item.pk).select_related(
            "actor"
        )
    )
