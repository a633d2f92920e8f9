"""The deadline engine: opening, extending and meeting deadlines, and the daily reminder scan.

Every case type (petitions, suggestions, documents, meetings, assessments) calls these
services; nothing else writes a Deadline.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..message_keys import Message
from ..models import Deadline, DeadlineExtension, DeadlineRule, DeadlineState, Reminder, User
from ..registries import deadline_kinds
from ..roles import Role
from ..workdays import WorkCalendar, compute_due_date
from .notifications import notify

logger = logging.getLogger(__name__)


def _record_history_user(instance, user):
    """Attribute the history record simple_history writes on save to the acting user; outside a
    request (tasks, commands, other services) the middleware cannot supply it."""
    if user is not None:
        instance._history_user = user


@transaction.atomic
def deadline_open(
    *,
    township,
    kind,
    title,
    start_date,
    rule,
    limit,
    responsible_unit=None,
    responsible_user=None,
    subject=None,
    by=None,
    note="",
) -> Deadline:
    """Open a deadline: its due date is computed once here, from the rule, on the Chinese calendar."""
    if kind not in deadline_kinds:
        raise ValidationError(_("未知的期限事项类型：%(kind)s") % {"kind": kind})
    if rule not in DeadlineRule.values:
        raise ValidationError({"rule": _("未知的期限计算方式：%(rule)s") % {"rule": rule}})
    if responsible_unit is not None and responsible_unit.township_id != township.pk:
        raise ValidationError({"responsible_unit": _("责任单位必须属于本乡镇。")})
    if responsible_user is not None and responsible_user.township_id not in (None, township.pk):
        raise ValidationError({"responsible_user": _("责任人必须属于本乡镇。")})
    due = compute_due_date(start_date, rule, limit)
    deadline = Deadline(
        township=township,
        kind=kind,
        start_date=start_date,
        rule=rule,
        limit=limit,
        original_due_date=due,
        due_date=due,
        responsible_unit=responsible_unit,
        responsible_user=responsible_user,
        created_by=by,
        note=note,
    )
    deadline.set_message("title", title, max_length=200)  # a Message shows in the reader's language
    if subject is not None:
        deadline.subject_type = ContentType.objects.get_for_model(subject)
        deadline.subject_id = subject.pk
    deadline.full_clean()
    _record_history_user(deadline, by)
    deadline.save()
    return deadline


@transaction.atomic
def deadline_extend(*, deadline, reason, approver, by, new_due_date=None, extra=None, extra_rule=None):
    """Extend a pending deadline to `new_due_date`, or by `extra` units of `extra_rule`
    (default: the deadline's own rule) counted from the current due date."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not deadline.is_pending:
        raise ValidationError(_("该事项已办结，不能延期。"))
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("请填写延期理由。")})
    if not approver.has_perm("core.approve_extension") or (
        not approver.is_county_wide and approver.township_id != deadline.township_id
    ):
        raise PermissionDenied(_("批准人无权批准本乡镇的延期。"))
    if new_due_date is None:
        if not extra:
            raise ValidationError({"extra": _("请填写延长期限或延期后的到期日。")})
        new_due_date = compute_due_date(deadline.due_date, extra_rule or deadline.rule, extra)
    if new_due_date <= deadline.due_date:
        raise ValidationError(
            {"new_due_date": _("延期后的到期日必须晚于当前到期日（%(due)s）。") % {"due": deadline.due_date}}
        )
    extension = DeadlineExtension(
        deadline=deadline,
        previous_due_date=deadline.due_date,
        new_due_date=new_due_date,
        reason=reason.strip(),
        approver=approver,
        requested_by=by,
    )
    extension.full_clean()
    _record_history_user(extension, by)
    extension.save()
    deadline.due_date = new_due_date
    deadline.state = DeadlineState.EXTENDED
    _record_history_user(deadline, by)
    deadline.save(update_fields=["due_date", "state"])
    notify(
        recipients=responsible_people(deadline),
        title=Message(gettext_noop("期限已延长：%(title)s"), title=deadline.message("title")),
        body=Message(gettext_noop("新的到期日：%(due)s。理由：%(reason)s"), due=new_due_date, reason=extension.reason),
        url=deadline.get_absolute_url(),
        township=deadline.township,
    )
    return extension


@transaction.atomic
def deadline_meet(*, deadline, by=None, on=None):
    """Mark a deadline met (办结) on the decision date `on` (default today; the entry time is
    kept in met_at). Meeting a met deadline again is refused, and so is a date before the
    deadline started or in the future."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not deadline.is_pending:
        raise ValidationError(_("该事项已办结。"))
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": _("办结日期不能晚于今天。")})
    if on < deadline.start_date:
        raise ValidationError(
            {"on": _("办结日期不能早于期限起算日（%(d)s）。") % {"d": deadline.start_date.isoformat()}}
        )
    deadline.state = DeadlineState.MET
    deadline.met_at = timezone.now()
    deadline.met_on = on
    _record_history_user(deadline, by)
    deadline.save(update_fields=["state", "met_at", "met_on"])
    return deadline


def responsible_people(deadline):
    """Who is reminded: the responsible user, the responsible unit's handlers, and the
    township users of the roles the deadline's kind names (clerks by default)."""
    people = []
    if deadline.responsible_user_id:
        people.append(deadline.responsible_user)
    kind = deadline_kinds.get(deadline.kind)
    roles = list(kind.remind_roles) if kind else [Role.CLERK]
    if deadline.responsible_unit_id:
        people += list(User.objects.with_role(Role.UNIT_HANDLER).filter(unit_id=deadline.responsible_unit_id))
    people += list(User.objects.filter(groups__name__in=roles, township_id=deadline.township_id, is_active=True))
    return people


def chairs_of(township_id):
    """The chairs of a township (人大主席团负责人): they approve extensions and receive escalations."""
    return User.objects.with_role(Role.CHAIR).filter(township_id=township_id).order_by("name", "username")


def reminder_stage(deadline, today, work_calendar):
    """The reminder stage a pending deadline is in today, or None.

    Before the due date: the nearest configured stage (7, 3, 1 days by default) that the
    remaining days have reached, so a missed scan still sends the current stage but never an
    obsolete one; the stage names the due date, so an extension starts the stages afresh. After
    it: one stage per working day, escalated to the chairs.
    """
    days_left = (deadline.due_date - today).days
    if days_left < 0:
        if work_calendar.is_workday(today):
            return f"overdue:{today.isoformat()}"
        return None
    reached = [n for n in settings.DEADLINE_REMINDER_DAYS_BEFORE if days_left <= n]
    if not reached:
        return None
    # the due date is part of the stage: an extended deadline is reminded again before its new date
    return f"before:{min(reached)}:{deadline.due_date.isoformat()}"


def deadline_send_reminder(*, deadline, stage, today):
    """Send one stage's reminder for one deadline, exactly once.

    The Reminder row and the notifications are written in one transaction; the unique
    constraint on (deadline, stage) makes a concurrent or repeated attempt fail here and
    send nothing. A worker that dies before commit leaves nothing behind, so the next scan
    sends it.
    """
    overdue = stage.startswith("overdue:")
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(deadline=deadline, stage=stage, sent_on=today, escalated=overdue)
            recipients = responsible_people(deadline)
            if overdue:
                title = Message(
                    gettext_noop("【逾期】%(title)s 已于 %(due)s 到期"),
                    title=deadline.message("title"),
                    due=deadline.due_date,
                )
                recipients += list(chairs_of(deadline.township_id))
            else:
                title = Message(
                    gettext_noop("【提醒】%(title)s 将于 %(due)s 到期（还剩 %(days)s 天）"),
                    title=deadline.message("title"),
                    due=deadline.due_date,
                    days=(deadline.due_date - today).days,
                )
            sent = notify(
                recipients=recipients,
                title=title,
                body=deadline.basis_message(),
                url=deadline.get_absolute_url(),
                township=deadline.township,
            )
            reminder.recipients = len(sent)
            reminder.save(update_fields=["recipients"])
    except IntegrityError:
        return None
    return reminder


@dataclass
class ScanResult:
    scanned: int = 0
    marked_overdue: int = 0
    reminders_sent: int = 0


def deadlines_scan(*, today=None):
    """The daily scan: mark passed deadlines overdue and send each stage's reminder once."""
    today = today or timezone.localdate()
    result = ScanResult()
    cal = WorkCalendar()
    horizon = today + timedelta(days=max(settings.DEADLINE_REMINDER_DAYS_BEFORE, default=0))
    candidates = (
        Deadline.objects.pending()
        .filter(due_date__lte=horizon)
        .select_related("township", "responsible_user", "responsible_unit")
        .order_by("pk")
    )
    for deadline in candidates.iterator(chunk_size=500):
        result.scanned += 1
        if deadline.due_date < today and deadline.state != DeadlineState.OVERDUE:
            updated = Deadline.objects.filter(pk=deadline.pk, state__in=[DeadlineState.OPEN, DeadlineState.EXTENDED])
            if updated.update(state=DeadlineState.OVERDUE):
                deadline.state = DeadlineState.OVERDUE
                result.marked_overdue += 1
        stage = reminder_stage(deadline, today, cal)
        if stage and deadline_send_reminder(deadline=deadline, stage=stage, today=today):
            result.reminders_sent += 1
    logger.info("deadline scan %s: %s", today, result)
    return result


__all__ = [
    "DeadlineRule",
    "ScanResult",
    "deadline_extend",
    "deadline_meet",
    "deadline_open",
    "deadline_send_reminder",
    "deadlines_scan",
    "reminder_stage",
    "responsible_people",
]
