"""The shared handling engine: every step of every case type goes through here.

A case type (congress_office.cases.CaseType, registered in registries.case_types) declares its
states, its transitions with who may take them, its clocks and the features it switches on
(co-handling, extension, rating). `case_check` is the one place that decides whether a user may
take a step now; `case_transition` runs the same check again under the row lock and records the
step. The services below build the shared steps on those two: assign, co-handlers' input,
extension requests and their approval, supervision, reply, rating, the lapse of a feedback
window. An app's own services call them and add only their own fields and preconditions.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..cases import Satisfaction, UnitRule, setting_value
from ..message_keys import Message
from ..models import (
    AssignmentMode,
    AssignmentRole,
    CaseAssignment,
    CaseEvent,
    CaseRating,
    CaseReply,
    CaseReplyAttachment,
    CaseSupervision,
    Deadline,
    DeadlineExtension,
    DeadlineRule,
    DeadlineState,
    ExtensionRequest,
    ExtensionRequestState,
    Unit,
    User,
)
from ..models.deadlines import PENDING_STATES
from ..registries import case_types
from ..roles import Role
from ..uploads import clean_upload
from ..workdays import compute_due_date
from .deadlines import chairs_of, deadline_extend, deadline_meet, deadline_open
from .notifications import notify
from .numbering import next_sequence


def case_type_of(item):
    return case_types[item.case_type_key]


def _has_field(item, name):
    try:
        type(item)._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def case_round(item):
    return item.round if _has_field(item, "round") else 1


def _item_key(item):
    return {"item_type": ContentType.objects.get_for_model(item), "item_id": item.pk}


def _item_rows(item):
    return {**_item_key(item), "township_id": item.township_id}


def lead_unit_id(item):
    """The lead unit of the current round: the model's field when it has one, else the latest
    lead assignment."""
    if _has_field(item, "lead_unit"):
        return item.lead_unit_id
    row = CaseAssignment.objects.filter(**_item_key(item), role=AssignmentRole.LEAD).order_by("-pk").first()
    return row.unit_id if row else None


def is_office(user):
    """The office's own roles (clerks and chairs) are not bound by the unit rule."""
    return user.has_role(Role.CLERK, Role.CHAIR)


def is_unit_handler_only(user):
    return user.has_role(Role.UNIT_HANDLER) and not is_office(user)


def pending_co_units(item):
    """The co-handling units of the current round that have not yet sent their opinion."""
    rows = CaseAssignment.objects.filter(
        **_item_key(item), round=case_round(item), role=AssignmentRole.CO, input_at__isnull=True
    ).select_related("unit")
    return [row.unit for row in rows]


def unit_handlers(unit_ids):
    return list(User.objects.with_role(Role.UNIT_HANDLER).filter(unit_id__in=unit_ids))


# --- who may take a step now --------------------------------------------------------------------


def _transition_of(spec, action):
    transition = spec.transitions.get(action)
    if transition is None:
        raise ValidationError(_("该事项不能“%(a)s”。") % {"a": action})
    return transition


def _check_actor(item, by, transition):
    if by is None:
        if not transition.public:
            raise PermissionDenied(_("请先登录。"))
        return  # a citizen through the public pages: the view has checked the query code
    if by.is_county_wide:
        raise PermissionDenied(_("县级账号和系统管理员只能查看，不能办理事项。"))
    if by.township_id != item.township_id:
        raise PermissionDenied(_("不能办理其他乡镇的事项。"))
    needed = transition.permissions
    if needed and not any(by.has_perm(p) for p in needed):
        raise PermissionDenied(_("您没有“%(action)s”的权限。") % {"action": transition.label})
    if transition.unit != UnitRule.ANY and is_unit_handler_only(by):
        if transition.unit == UnitRule.LEAD and (by.unit_id is None or by.unit_id != lead_unit_id(item)):
            raise PermissionDenied(_("只有主办单位可以“%(action)s”。") % {"action": transition.label})
        if transition.unit == UnitRule.CO and by.unit_id not in {u.pk for u in pending_co_units(item)}:
            raise PermissionDenied(_("只有尚未提交意见的协办单位可以“%(action)s”。") % {"action": transition.label})


def _check_state(spec, transition, state):
    if state not in transition.sources:
        raise ValidationError(
            _("该事项当前为“%(state)s”，不能“%(action)s”。")
            % {"state": spec.state_label(state), "action": transition.label}
        )


def _check_feature(spec, item, action):
    """The engine's own preconditions of the shared steps."""
    if action == "co_input" and not pending_co_units(item):
        raise ValidationError(_("没有待提交意见的协办单位。"))
    if action == "request_extension":
        _extension_clock(spec, item)
        if ExtensionRequest.objects.filter(**_item_key(item), state=ExtensionRequestState.PENDING).exists():
            raise ValidationError(_("已有一项延期申请正在等待审批，请等主席团负责人审批后再申请。"))
    if action in ("approve_extension", "refuse_extension") and not (
        ExtensionRequest.objects.filter(**_item_key(item), state=ExtensionRequestState.PENDING).exists()
    ):
        raise ValidationError(_("没有待审批的延期申请。"))
    if action == "supervise" and lead_unit_id(item) is None:
        raise ValidationError(_("该事项尚未交办，不能督办。"))


def case_check(*, item, action, by, **context):
    """Whether `by` may take `action` on `item` now, without changing anything: the township
    (county-wide accounts and superusers only read), the transition's permission and unit rule,
    the current state, the engine's own preconditions, then the type's. Raises PermissionDenied
    or ValidationError (Chinese); returns the Transition. `by=None` is a citizen."""
    spec = case_type_of(item)
    transition = _transition_of(spec, action)
    _check_actor(item, by, transition)
    _check_state(spec, transition, item.state)
    _check_feature(spec, item, action)
    hook = spec.preconditions.get(action)
    if hook is not None:
        hook(item, by, **context)
    return transition


def case_may(*, item, action, by, **context):
    """case_check as a yes or no, for pages that offer only the steps that would succeed."""
    return passes(lambda: case_check(item=item, action=action, by=by, **context))


def passes(check, *args):
    """Whether `check(*args)` accepts (it raises PermissionDenied or ValidationError to refuse)."""
    try:
        check(*args)
    except (PermissionDenied, ValidationError):
        return False
    return True


def case_lock(item):
    """Lock the case's row for this transaction and refresh its state (and round)."""
    fields = ["state"] + (["round"] if _has_field(item, "round") else [])
    row = type(item).objects.select_for_update().filter(pk=item.pk).values(*fields).get()
    for name, value in row.items():
        setattr(item, name, value)
    return item


def case_event(*, item, action, label, by=None, actor_label="", note="", data=None, from_state="", to_state=""):
    """One timeline step. `label` and `note` may be a message_keys.Message or a gettext_lazy
    string (a transition's label): the timeline then shows them in the reader's language."""
    event = CaseEvent(
        **_item_rows(item),
        action=action,
        actor=by,
        actor_label=actor_label or "",
        data=data or {},
        from_state=from_state,
        to_state=to_state,
    )
    event.set_message("label", label, max_length=40)
    event.set_message("note", note or "")
    event.save(force_insert=True)
    return event


def _move(item, spec, action, *, by, actor_label="", note="", data=None, save_fields=()):
    transition = spec.transitions[action]
    current = item.state
    if transition.target is not None and transition.target != current:
        item.state = transition.target
        save_fields = ("state", *save_fields)
        if transition.target in spec.closed_states and _has_field(item, "closed_at"):
            item.closed_at = timezone.now()
            save_fields = (*save_fields, "closed_at")
    if save_fields:
        if by is not None:
            item._history_user = by
        item.save(update_fields=list(dict.fromkeys(save_fields)))
    return case_event(
        item=item,
        action=action,
        label=transition.label,
        by=by,
        actor_label=actor_label,
        note=note,
        data=data,
        from_state=current,
        to_state=item.state,
    )


@transaction.atomic
def case_transition(*, item, action, by=None, actor_label="", note="", data=None, save_fields=(), **context):
    """Take `action` on `item`: lock the row, run case_check on the current state, move to the
    transition's target (a step without one leaves the state) and record it in the timeline."""
    spec = case_type_of(item)
    if _transition_of(spec, action).internal:
        raise PermissionDenied(_("该操作由系统自动完成。"))
    case_lock(item)
    case_check(item=item, action=action, by=by, **context)
    return _move(item, spec, action, by=by, actor_label=actor_label, note=note, data=data, save_fields=save_fields)


def case_internal_transition(*, item, action, by=None, actor_label="", note="", data=None, save_fields=()):
    """Take one of the type's `internal` transitions (reopen, close, a document's return to its
    signer …): the calling service has decided it follows from a step it has just checked."""
    spec = case_type_of(item)
    transition = _transition_of(spec, action)
    if not transition.internal:
        raise PermissionDenied(_("该操作须经权限检查。"))
    _check_state(spec, transition, item.state)
    return _move(item, spec, action, by=by, actor_label=actor_label, note=note, data=data, save_fields=save_fields)


# --- clocks -------------------------------------------------------------------------------------


def case_open_clock(*, item, clock_name, start, unit=None, user=None, by=None, title=None):
    spec = case_type_of(item)
    clock = spec.clocks[clock_name]
    return deadline_open(
        township=item.township,
        kind=spec.deadline_kind(clock_name),
        title=title or Message(gettext_noop("%(clock)s：%(item)s"), clock=clock.label, item=item),
        start_date=start,
        rule=clock.rule,
        limit=clock.current_limit,
        responsible_unit=unit,
        responsible_user=user,
        subject=item,
        by=by,
    )


def case_deadlines(item, clock_names=None):
    qs = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(item), subject_id=item.pk)
    if clock_names is not None:
        spec = case_type_of(item)
        qs = qs.filter(kind__in=[spec.deadline_kind(c) for c in clock_names])
    return qs


def case_pending_deadlines(item, clock_names=None):
    return case_deadlines(item, clock_names).filter(state__in=PENDING_STATES)


def case_meet_clocks(item, clock_names, *, by, on=None):
    """Meet the pending clocks named, on the decision date `on` (default today)."""
    for deadline in case_pending_deadlines(item, clock_names):
        deadline_meet(deadline=deadline, by=by, on=on)


def case_handling_deadline(item):
    """The handling clock now running, or None."""
    spec = case_type_of(item)
    return case_pending_deadlines(item, spec.handling_clocks).order_by("-pk").first()


def check_decision_date(on, *, earliest, earliest_label, field="on", label=None):
    """A decision date the clerk enters: not in the future, not before the event it answers."""
    label = label or _("决定日期")
    if on > timezone.localdate():
        raise ValidationError({field: _("%(label)s不能晚于今天。") % {"label": label}})
    if earliest is not None and on < earliest:
        raise ValidationError(
            {
                field: _("%(label)s不能早于%(what)s（%(d)s）。")
                % {"label": label, "what": earliest_label, "d": earliest.isoformat()}
            }
        )
    return on


# --- assignment and co-handlers' input ------------------------------------------------------------


@transaction.atomic
def case_assign(
    *, item, lead_unit, by, co_units=(), mode=AssignmentMode.ASSIGN, start=None, clock=None, action=None, note=""
):
    """Assign (交办) or transfer (转办) a case to a lead unit, optionally with co-handling units.

    Opens the handling clock (`clock`, default the type's first handling clock) for the lead unit
    and, when the type has co-handling with a clock, the co-handlers' input clock."""
    spec = case_type_of(item)
    action = action or ("transfer" if mode == AssignmentMode.TRANSFER else "assign")
    case_check(item=item, action=action, by=by)
    co_units = [u for u in co_units if u.pk != lead_unit.pk]
    if co_units and spec.co_handling is None:
        raise ValidationError({"co_units": _("该类事项没有协办单位。")})
    for unit in [lead_unit, *co_units]:
        if unit.township_id != item.township_id or not unit.is_active:
            raise ValidationError({"lead_unit": _("承办单位必须是本乡镇在用的单位。")})
    start = start or timezone.localdate()
    event = case_transition(
        item=item,
        action=action,
        by=by,
        note=note,
        data={"lead_unit": lead_unit.name, "co_units": [u.name for u in co_units]},
    )
    if _has_field(item, "lead_unit"):
        item.lead_unit = lead_unit
        item.save(update_fields=["lead_unit"])
    deadline = case_open_clock(
        item=item, clock_name=clock or spec.handling_clocks[0], start=start, unit=lead_unit, by=by
    )
    rows = dict(**_item_rows(item), mode=mode, round=case_round(item), assigned_by=by)
    CaseAssignment.objects.create(**rows, unit=lead_unit, role=AssignmentRole.LEAD, deadline=deadline)
    co_clock = spec.co_handling.clock if spec.co_handling else None
    for unit in co_units:
        co_deadline = None
        if co_clock:
            co_deadline = case_open_clock(
                item=item,
                clock_name=co_clock,
                start=start,
                unit=unit,
                by=by,
                title=_("协办意见：%(item)s") % {"item": item},
            )
        CaseAssignment.objects.create(**rows, unit=unit, role=AssignmentRole.CO, deadline=co_deadline)
    notify(
        recipients=unit_handlers([lead_unit.pk, *[u.pk for u in co_units]]),
        title=Message(gettext_noop("新%(mode)s事项：%(item)s"), mode=AssignmentMode(mode).label, item=item),
        body=Message(gettext_noop("主办单位：%(lead)s；办理期限至 %(due)s。"), lead=lead_unit, due=deadline.due_date),
        url=item.get_absolute_url(),
        township=item.township,
    )
    return event


@transaction.atomic
def case_co_input(*, item, by, note, unit=None):
    """A co-handling unit sends its opinion to the lead unit: its own handler (their unit), or
    the office recording it for a unit that sent it on paper (`unit` it names)."""
    case_check(item=item, action="co_input", by=by)
    if is_unit_handler_only(by):
        if unit is not None and unit.pk != by.unit_id:
            raise PermissionDenied(_("只能提交本单位的协办意见。"))
        unit = by.unit
    if unit is None:
        raise ValidationError({"unit": _("请选择协办单位。")})
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写协办意见。")})
    case_lock(item)
    assignment = (
        CaseAssignment.objects.select_for_update()
        .filter(**_item_key(item), unit=unit, role=AssignmentRole.CO, round=case_round(item))
        .first()
    )
    if assignment is None:
        raise ValidationError({"unit": _("该单位不是本事项的协办单位。")})
    if assignment.input_at:
        raise ValidationError({"unit": _("该单位的协办意见已提交。")})
    event = case_transition(item=item, action="co_input", by=by, note=note.strip(), data={"unit": unit.name})
    assignment.input_note, assignment.input_at = note.strip(), timezone.now()
    assignment.save(update_fields=["input_note", "input_at"])
    if assignment.deadline_id and assignment.deadline.is_pending:
        deadline_meet(deadline=assignment.deadline, by=by)
    lead = lead_unit_id(item)
    if lead:
        notify(
            recipients=unit_handlers([lead]),
            title=Message(gettext_noop("协办意见已送达：%(item)s"), item=item),
            body=note.strip()[:200],
            url=item.get_absolute_url(),
            township=item.township,
        )
    return event


# --- extension: requested, then approved or refused by a chair ------------------------------------


def _extension_clock(spec, item):
    if spec.extension is None:
        raise ValidationError(_("该类事项的办理期限不能延长。"))
    deadline = case_handling_deadline(item)
    if deadline is None:
        raise ValidationError(_("该事项没有正在计时的办理期限。"))
    max_count = setting_value(spec.extension.max_count)
    if max_count is not None:
        done = DeadlineExtension.objects.filter(deadline__in=case_deadlines(item, spec.handling_clocks)).count()
        if done >= max_count:
            if max_count == 1:
                raise ValidationError(_("办理期限已延长过一次，不能再次延期。"))
            raise ValidationError(_("办理期限已延长 %(n)s 次，不能再次延期。") % {"n": done})
    return deadline


def extension_latest(item, deadline):
    """(latest due date an extension may reach, text naming the limit) or (None, "")."""
    ext = case_type_of(item).extension
    candidates = []
    max_extra = setting_value(ext.max_extra)
    if max_extra:
        rule = ext.extra_rule or deadline.rule
        unit = DeadlineRule(rule).label
        latest = compute_due_date(deadline.due_date, rule, max_extra)
        candidates.append((latest, _("每次延期不得超过 %(n)s %(unit)s") % {"n": max_extra, "unit": unit}))
    if ext.outer_limit is not None:
        outer = ext.outer_limit(item, deadline)
        if outer is not None:
            candidates.append(outer)
    if not candidates:
        return None, ""
    return min(candidates, key=lambda c: c[0])


def _extension_due_date(item, deadline, extra, new_due_date):
    ext = case_type_of(item).extension
    if new_due_date is None:
        if not extra or extra < 1:
            raise ValidationError({"extra": _("请填写延长期限或延期后的到期日。")})
        new_due_date = compute_due_date(deadline.due_date, ext.extra_rule or deadline.rule, extra)
    if new_due_date <= deadline.due_date:
        field = "new_due_date" if extra is None else "extra"
        raise ValidationError(
            {field: _("延期后的到期日必须晚于当前到期日（%(due)s）。") % {"due": deadline.due_date.isoformat()}}
        )
    latest, why = extension_latest(item, deadline)
    max_extra = setting_value(ext.max_extra)
    too_long = extra is not None and max_extra and extra > max_extra
    if latest is not None and (too_long or new_due_date > latest):
        field = "new_due_date" if extra is None else "extra"
        raise ValidationError(
            {field: _("%(why)s，最迟只能延至 %(latest)s。") % {"why": why, "latest": latest.isoformat()}}
        )
    return new_due_date


@transaction.atomic
def case_request_extension(*, item, by, reason, extra=None, new_due_date=None):
    """The office or the lead unit asks to extend the handling clock (reason, and a length in
    the type's unit or a date); the chairs find it in their queue."""
    if case_type_of(item).extension is None:
        raise ValidationError(_("该类事项的办理期限不能延长。"))
    case_check(item=item, action="request_extension", by=by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写延期理由。")})
    case_lock(item)
    case_check(item=item, action="request_extension", by=by)
    deadline = case_handling_deadline(item)
    new_due_date = _extension_due_date(item, deadline, extra, new_due_date)
    spec = case_type_of(item)
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                **_item_rows(item),
                deadline=deadline,
                reason=reason.strip(),
                extra=extra,
                extra_rule=(spec.extension.extra_rule or deadline.rule) if extra else "",
                new_due_date=new_due_date,
                requested_by=by,
            )
    except IntegrityError:
        raise ValidationError(_("已有一项延期申请正在等待审批，请等主席团负责人审批后再申请。")) from None
    _move(
        item,
        spec,
        "request_extension",
        by=by,
        note=request.reason,
        data={"request_id": request.pk, "from": deadline.due_date.isoformat(), "to": new_due_date.isoformat()},
    )
    notify(
        recipients=[chair for chair in chairs_of(item.township_id) if chair.pk != by.pk],
        title=Message(gettext_noop("延期申请待审批：%(item)s"), item=item),
        body=Message(gettext_noop("申请延期至 %(d)s。理由：%(r)s"), d=new_due_date, r=request.reason),
        url=item.get_absolute_url(),
        township=item.township,
    )
    return request


def _pending_request(item, request_id=None):
    qs = ExtensionRequest.objects.select_for_update().filter(**_item_key(item), state=ExtensionRequestState.PENDING)
    if request_id is not None:
        qs = qs.filter(pk=request_id)
    request = qs.select_related("deadline").first()
    if request is None:
        raise ValidationError(_("没有待审批的延期申请。"))
    return request


def pending_extension_request(item):
    return (
        ExtensionRequest.objects.filter(**_item_key(item), state=ExtensionRequestState.PENDING)
        .select_related("deadline", "requested_by")
        .first()
    )


def _withdraw_extension_requests(item, note):
    """A request still pending when its clock stops (the reply came first) lapses, so it leaves
    the chairs' queue."""
    ExtensionRequest.objects.filter(**_item_key(item), state=ExtensionRequestState.PENDING).update(
        state=ExtensionRequestState.WITHDRAWN, decided_at=timezone.now(), decision_note=note
    )


def _decide_extension(item, action, by, note):
    case_check(item=item, action=action, by=by)
    case_lock(item)
    case_check(item=item, action=action, by=by)
    request = _pending_request(item)
    request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), (note or "").strip()
    return request


@transaction.atomic
def case_approve_extension(*, item, by, note=""):
    """A chair approves the pending request as themself: the clock moves, the requester and the
    people the case concerns are told, and the type's own consequence follows (a notice …)."""
    spec = case_type_of(item)
    request = _decide_extension(item, "approve_extension", by, note)
    deadline = _extension_clock(spec, item)
    if deadline.pk != request.deadline_id:
        raise ValidationError(_("申请延期的期限已不在计时，请重新申请。"))
    # the limits again: another extension, or the outer limit, may have changed since
    _extension_due_date(item, deadline, None, request.new_due_date)
    extension = deadline_extend(
        deadline=deadline,
        reason=request.reason,
        approver=by,
        by=request.requested_by,
        new_due_date=request.new_due_date,
    )
    request.state, request.extension = ExtensionRequestState.APPROVED, extension
    request.save(update_fields=["state", "extension", "decided_by", "decided_at", "decision_note"])
    _move(
        item,
        spec,
        "approve_extension",
        by=by,
        note=request.decision_note or request.reason,
        data={
            "request_id": request.pk,
            "from": str(extension.previous_due_date),
            "to": str(extension.new_due_date),
            "approver": by.display_name,
        },
    )
    recipients = [request.requested_by] + (list(spec.concerned_users(item)) if spec.concerned_users else [])
    notify(
        recipients=recipients,
        title=Message(gettext_noop("延期申请已批准：%(item)s"), item=item),
        body=Message(gettext_noop("办理期限延至 %(d)s。理由：%(r)s"), d=extension.new_due_date, r=request.reason),
        url=item.get_absolute_url(),
        township=item.township,
    )
    if spec.extension.on_approved is not None:
        spec.extension.on_approved(item, extension, by)
    return request


@transaction.atomic
def case_refuse_extension(*, item, by, note):
    """A chair refuses the pending request, with a reason the requester is told."""
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写不予批准的理由。")})
    request = _decide_extension(item, "refuse_extension", by, note)
    request.state = ExtensionRequestState.REFUSED
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _move(
        item, case_type_of(item), "refuse_extension", by=by, note=request.decision_note, data={"request_id": request.pk}
    )
    notify(
        recipients=[request.requested_by],
        title=Message(gettext_noop("延期申请未获批准：%(item)s"), item=item),
        body=Message(gettext_noop("理由：%(r)s"), r=request.decision_note),
        url=item.get_absolute_url(),
        township=item.township,
    )
    return request


def extension_queue(user):
    """Pending extension requests a chair may decide: their township's, oldest first."""
    if not user.has_perm("core.approve_extension") or user.is_county_wide or not user.township_id:
        return ExtensionRequest.objects.none()
    return (
        ExtensionRequest.objects.filter(township_id=user.township_id, state=ExtensionRequestState.PENDING)
        .select_related("deadline", "requested_by", "item_type")
        .order_by("requested_at", "pk")
    )


# --- supervision, reply ---------------------------------------------------------------------------


@transaction.atomic
def case_supervise(*, item, by, content, reply_by=None):
    """Issue a supervision notice (督办单) to the lead unit, numbered per township and year."""
    case_check(item=item, action="supervise", by=by)
    if not (content or "").strip():
        raise ValidationError({"content": _("请填写督办意见。")})
    if reply_by is not None and reply_by < timezone.localdate():
        raise ValidationError({"reply_by": _("要求反馈日期不能早于今天。")})
    case_lock(item)
    case_check(item=item, action="supervise", by=by)
    year = timezone.localdate().year
    unit_id = lead_unit_id(item)
    supervision = CaseSupervision.objects.create(
        **_item_rows(item),
        year=year,
        sequence=next_sequence(queryset=CaseSupervision.objects, township_id=item.township_id, year=year),
        code=CaseSupervision.code_for(item.township),
        unit_id=unit_id,
        content=content.strip(),
        reply_by=reply_by,
        issued_by=by,
    )
    _move(
        item,
        case_type_of(item),
        "supervise",
        by=by,
        note=content,
        data={"number": str(supervision.number), "supervision_id": supervision.pk},
    )
    notify(
        recipients=unit_handlers([unit_id]),
        title=Message(gettext_noop("督办通知：%(item)s"), item=item),
        body=content,
        url=item.get_absolute_url(),
        township=item.township,
    )
    return supervision


def reply_upload_limits():
    """(MB per file, files per reply) of a reply's attachments."""
    return settings.CASE_REPLY_UPLOAD_MAX_MB, settings.CASE_REPLY_UPLOAD_MAX_FILES


def validate_reply_attachments(files):
    """The files a reply carries, each through clean_upload (the size and type rules of every
    upload), at most CASE_REPLY_UPLOAD_MAX_FILES. Returns what is to be stored (an image
    encoded again); ValidationError on the `attachments` field."""
    files = [f for f in (files or ()) if f]
    limit_mb, max_files = reply_upload_limits()
    if len(files) > max_files:
        raise ValidationError({"attachments": _("一次答复最多上传 %(n)s 个附件。") % {"n": max_files}})
    cleaned, errors = [], []
    for upload in files:
        try:
            cleaned.append(clean_upload(upload, limit_mb=limit_mb) or upload)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return cleaned


def validate_reply_attachment(file):
    """One file of a reply, through clean_upload within CASE_REPLY_UPLOAD_MAX_MB (the form
    field's validator). Returns what is to be stored."""
    return clean_upload(file, limit_mb=settings.CASE_REPLY_UPLOAD_MAX_MB)


def reply_attachments_help():
    limit_mb, max_files = reply_upload_limits()
    return _("可选多个文件，最多 %(n)s 个，单个不超过 %(mb)s MB；照片（JPG、PNG）或文档（PDF、Word、Excel、TXT）。") % {
        "n": max_files,
        "mb": limit_mb,
    }


def early_reply_confirm_label(units):
    return _("确定在协办单位%(units)s提交协办意见前先行答复") % {"units": "、".join(u.name for u in units)}


def early_reply_warning(units):
    """What the reply form asks before the lead unit answers ahead of its co-handling units."""
    return _("协办单位%(units)s尚未提交协办意见，确定先行答复吗？") % {"units": "、".join(u.name for u in units)}


@transaction.atomic
def case_reply(
    *, item, by, content, result="", unit=None, on=None, data=None, files=(), before_co_input_confirmed=None
):
    """Record the lead unit's reply: meets the handling clock on the reply date `on` (default
    today), closes co-handlers' clocks still open, opens the feedback window when the type rates.

    `files` are stored as the reply's attachments (checked by clean_upload first). While a
    co-handling unit of the round has not sent its opinion, a reply made from a form needs
    `before_co_input_confirmed=True` (False: refused with the question the form shows; None: a
    caller that asks nobody, such as the demo data); either way the reply event names those
    units ("在协办单位XX提交意见前答复")."""
    spec = case_type_of(item)
    case_check(item=item, action="reply", by=by)
    if not (content or "").strip():
        raise ValidationError({"content": _("请填写答复内容。")})
    files = validate_reply_attachments(files)
    on = on or timezone.localdate()
    running = case_handling_deadline(item)
    check_decision_date(
        on, earliest=running.start_date if running else None, earliest_label=_("本轮办理起算日"), label=_("答复日期")
    )
    pending = pending_co_units(item)
    if pending and before_co_input_confirmed is False:
        raise ValidationError({"before_co_input": early_reply_warning(pending)})
    data = {"result": result, **(data or {})}
    note = content
    if pending:
        names = "、".join(u.name for u in pending)
        data["before_co_input"] = [u.name for u in pending]
        note = Message(
            gettext_noop("%(content)s\n（在协办单位%(units)s提交意见前答复）"), content=content.strip(), units=names
        )
    event = case_transition(item=item, action="reply", by=by, note=note, data=data)
    reply = CaseReply.objects.create(
        **_item_rows(item),
        round=case_round(item),
        unit_id=unit.pk if unit else lead_unit_id(item),
        content=content.strip(),
        result=result,
        replied_by=by,
    )
    for upload in files:
        CaseReplyAttachment.objects.create(
            **_item_rows(item),
            reply=reply,
            file=upload,
            name=str(upload.name)[:200],
            size=upload.size or 0,
            uploaded_by=by,
        )
    case_meet_clocks(item, spec.handling_clocks, by=by, on=on)
    _withdraw_extension_requests(item, _("事项已答复，延期申请自动失效。"))
    if spec.co_handling and spec.co_handling.clock:
        # once the lead unit has answered, a co-handler's opinion is no longer awaited
        case_meet_clocks(item, [spec.co_handling.clock], by=by, on=on)
    if spec.rating and spec.rating.feedback_clock:
        case_open_clock(
            item=item,
            clock_name=spec.rating.feedback_clock,
            start=on,
            by=by,
            title=Message(gettext_noop("满意度反馈：%(item)s"), item=item),
        )
    if spec.concerned_users:
        notify(
            recipients=spec.concerned_users(item),
            title=Message(gettext_noop("已答复：%(item)s"), item=item),
            body=content[:200],
            url=item.get_absolute_url(),
            township=item.township,
        )
    return reply, event


def reply_attachments(item):
    """The attachments of every reply of a case, by reply id (one query)."""
    rows = {}
    for attachment in CaseReplyAttachment.objects.filter(**_item_key(item)).order_by("pk"):
        rows.setdefault(attachment.reply_id, []).append(attachment)
    return rows


def reply_attachment_get(*, pk, user, visible):
    """A reply's attachment, if `user` may see its case: `visible(model)` is the case model's
    `visible_to(user)` queryset (the app passes it, the core imports no app). None otherwise."""
    attachment = CaseReplyAttachment.objects.select_related("item_type").filter(pk=pk).first()
    if attachment is None:
        return None
    model = attachment.item_type.model_class()
    if model is None or not visible(model).filter(pk=attachment.item_id).exists():
        return None
    return attachment


# --- rating, reopening and the lapse of the feedback window ----------------------------------------


def current_reply(item):
    return CaseReply.objects.filter(**_item_key(item), round=case_round(item)).first()


def rated_keys(item):
    reply = current_reply(item)
    if reply is None:
        return set()
    return set(CaseRating.objects.filter(reply=reply).values_list("rater_key", flat=True))


def feedback_window(item):
    """The feedback clock of the current reply still open, or None."""
    spec = case_type_of(item)
    if not (spec.rating and spec.rating.feedback_clock):
        return None
    return case_pending_deadlines(item, [spec.rating.feedback_clock]).order_by("-pk").first()


@transaction.atomic
def case_rate(*, item, satisfaction, rater_key, rater_label, by=None, comment="", **context):
    """One person rates the current reply. 不满意 reopens the case on the type's reopen clock
    when the type says so; when every rater has rated without 不满意 (or 不满意 does not
    reopen), the case closes."""
    spec = case_type_of(item)
    if spec.rating is None:
        raise ValidationError(_("该类事项不评价。"))
    case_check(item=item, action="rate", by=by, **context)
    if satisfaction not in Satisfaction.values or satisfaction == Satisfaction.UNRATED:
        raise ValidationError({"satisfaction": _("请选择满意度。")})
    case_lock(item)
    case_check(item=item, action="rate", by=by, **context)
    reply = current_reply(item)
    if reply is None:
        raise ValidationError(_("尚未答复，不能评价。"))
    window = feedback_window(item)
    if window is not None and timezone.localdate() > window.due_date:
        raise ValidationError(
            _("反馈期限已于 %(d)s 届满，不能再评价；如对答复有意见，请联系人大办。")
            % {"d": window.due_date.isoformat()}
        )
    if CaseRating.objects.filter(reply=reply, rater_key=rater_key).exists():
        raise ValidationError(_("%(name)s 已经评价过本次答复。") % {"name": rater_label})
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
        label=Message(gettext_noop("评价：%(s)s"), s=Satisfaction(satisfaction).label),
        by=by,
        actor_label=rater_label,
        note=comment,
    )
    feedback = [spec.rating.feedback_clock] if spec.rating.feedback_clock else []
    if satisfaction == Satisfaction.UNSATISFIED and spec.rating.reopen_clock and spec.rating.reopens(item):
        case_meet_clocks(item, feedback, by=by)
        _reopen(item, spec, by=by, actor_label=rater_label, note=comment, replied_by=reply.replied_by)
    elif satisfaction == Satisfaction.UNSATISFIED or rated_keys(item) >= {k for k, _label in spec.rating.raters(item)}:
        case_meet_clocks(item, feedback, by=by)
        _move(item, spec, "close", by=by, actor_label=rater_label)
    return rating


def _reopen(item, spec, *, by, actor_label, note, replied_by):
    item.round += 1
    item.save(update_fields=["round"])
    _move(item, spec, "reopen", by=by, actor_label=actor_label, note=note)
    unit_id = lead_unit_id(item)
    deadline = case_open_clock(
        item=item,
        clock_name=spec.rating.reopen_clock,
        start=timezone.localdate(),
        unit=Unit.objects.filter(pk=unit_id).first(),
        by=by,
    )
    CaseAssignment.objects.create(
        **_item_rows(item),
        unit_id=unit_id,
        role=AssignmentRole.LEAD,
        round=item.round,
        deadline=deadline,
        assigned_by=by or replied_by,
    )
    notify(
        recipients=unit_handlers([unit_id]),
        title=Message(gettext_noop("评价不满意，重新办理：%(item)s"), item=item),
        body=note,
        url=item.get_absolute_url(),
        township=item.township,
    )


def case_lapse_feedback(*, today=None):
    """The daily scan's part of the engine: every feedback window that ended before `today`
    records 未评价 for the raters who did not rate, closes its case and leaves the window
    lapsed, so nobody is reminded of it again. Idempotent: a second run finds nothing."""
    today = today or timezone.localdate()
    lapsed = 0
    for spec in case_types.values():
        if not (spec.rating and spec.rating.feedback_clock):
            continue
        kind = spec.deadline_kind(spec.rating.feedback_clock)
        for deadline_id in Deadline.objects.filter(kind=kind, state__in=PENDING_STATES, due_date__lt=today).values_list(
            "pk", flat=True
        ):
            lapsed += _lapse_one(spec, deadline_id, today)
    return lapsed


@transaction.atomic
def _lapse_one(spec, deadline_id, today):
    deadline = (
        Deadline.objects.select_for_update(of=("self",))
        .filter(pk=deadline_id, state__in=PENDING_STATES, due_date__lt=today)
        .select_related("subject_type")
        .first()
    )
    if deadline is None:
        return 0
    item = deadline.subject_type.model_class().objects.get(pk=deadline.subject_id)
    case_lock(item)
    deadline.state = DeadlineState.LAPSED
    deadline.save(update_fields=["state"])
    reply = current_reply(item)
    if reply is None or item.state not in spec.transitions["close"].sources:
        return 1
    done = rated_keys(item)
    missing = [(key, label) for key, label in spec.rating.raters(item) if key not in done]
    CaseRating.objects.bulk_create(
        [
            CaseRating(
                **_item_rows(item), reply=reply, rater_key=key, rater_label=label, satisfaction=Satisfaction.UNRATED
            )
            for key, label in missing
        ]
    )
    _move(
        item,
        spec,
        "close",
        by=None,
        actor_label=_("系统"),
        note=Message(
            gettext_noop("反馈期限（%(d)s）届满，未评价的视为“未评价”：%(names)s"),
            d=deadline.due_date,
            names="、".join(label for _k, label in missing) or "—",
        ),
        data={"lapsed": True, "unrated": [label for _k, label in missing]},
    )
    return 1


def case_timeline(item):
    """The whole history of a case, oldest first (one query)."""
    return list(CaseEvent.objects.filter(**_item_key(item)).select_related("actor"))
