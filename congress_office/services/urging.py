"""催办: reminding a responsible unit of its overdue deadlines, on the office's demand (the daily
scan reminds on its own schedule, services.deadlines.deadlines_scan).

One notification per unit, to its handler accounts, listing the unit's overdue items; each item
records the 催办 as a Reminder of stage "urge:<day>" on its deadline (shown with the scan's
reminders on the deadline's page), so a unit is urged about an item at most once a day however
often the office clicks. The case engine has no 催办 event of its own, so no timeline entry.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..message_keys import Message
from ..models import Reminder, Unit, User
from ..roles import Role
from .notifications import notify

URGE_STAGE = "urge"


@dataclass
class UrgeResult:
    unit: Unit
    handlers: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)


def urge_stage(day):
    return f"{URGE_STAGE}:{day.isoformat()}"


def unit_handler_accounts(unit_ids):
    """{unit id: [active handler accounts]} of these units (one query)."""
    accounts = {}
    for user in User.objects.with_role(Role.UNIT_HANDLER).filter(unit_id__in=list(unit_ids)).order_by("name", "pk"):
        accounts.setdefault(user.unit_id, []).append(user)
    return accounts


def overdue_list_url(unit):
    return f"{reverse('core:deadline_list')}?" + urlencode({"state": "overdue", "responsible_unit": unit.pk})


@transaction.atomic
def deadline_urge_unit(*, unit, deadlines, by, today=None) -> UrgeResult:
    """催办 `unit` about those of `deadlines` that are its own, pending and past due today: one
    notification to its handlers, a Reminder on each item. Refused (ValidationError) when the
    unit has no handler account, nothing overdue, or was urged about all of it today."""
    today = today or timezone.localdate()
    if not by.has_perm("core.add_deadline") or by.township_id is None or by.township_id != unit.township_id:
        raise PermissionDenied(_("只能催办本乡镇的承办单位。"))
    # the unit's row serialises two clerks urging it at once: one of them finds it done
    unit = Unit.objects.select_for_update().select_related("township").get(pk=unit.pk)
    overdue = [d for d in deadlines if d.responsible_unit_id == unit.pk and d.is_pending and d.due_date < today]
    if not overdue:
        raise ValidationError(_("该单位没有逾期未办结的事项。"))
    handlers = unit_handler_accounts([unit.pk]).get(unit.pk, [])
    if not handlers:
        raise ValidationError(_("该单位没有经办人账号，无法发送催办通知，请电话或书面催办。"))
    stage = urge_stage(today)
    already = set(Reminder.objects.filter(deadline__in=overdue, stage=stage).values_list("deadline_id", flat=True))
    fresh = [d for d in overdue if d.pk not in already]
    if not fresh:
        raise ValidationError(_("今天已催办过该单位的这些逾期事项。"))
    Reminder.objects.bulk_create(
        [Reminder(deadline=d, stage=stage, sent_on=today, escalated=False, recipients=len(handlers)) for d in fresh]
    )
    earliest = min(fresh, key=lambda d: d.due_date)
    # message keys (congress_office.message_keys): each handler reads it in their own language;
    # the items' titles are the records' own words
    notify(
        recipients=handlers,
        title=Message(gettext_noop("【催办】%(unit)s有 %(n)s 项逾期事项，请尽快办理"), unit=unit.name, n=len(fresh)),
        body=Message(
            gettext_noop("最早的一项已于 %(due)s 到期（逾期 %(days)s 天）。逾期事项：%(titles)s"),
            due=earliest.due_date,
            days=(today - earliest.due_date).days,
            titles="；".join(d.display_title for d in fresh),
        ),
        url=overdue_list_url(unit),
        township=unit.township,
    )
    return UrgeResult(unit=unit, handlers=handlers, deadlines=fresh)
