"""Batch confirm / return of duty activities (批量确认、批量退回).

Each activity goes through the single-item service (activity_confirm / activity_return: the
permission and township check, the state check under a row lock, the notifications), each in its
own transaction: an item another clerk handled meanwhile is reported and left as it is, and it
never undoes the others."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..choices import ActivityStatus
from .activities import activity_confirm, activity_return

CONFIRM, RETURN = "confirm", "return"
# the most activities one batch handles (the confirmation page lists each one)
MAX_BATCH = 200


@dataclass
class BatchOutcome:
    action: str
    done: list = field(default_factory=list)  # activities changed
    handled: list = field(default_factory=list)  # (activity, message): no longer waiting, untouched
    refused: list = field(default_factory=list)  # (activity, message): not the user's to review
    ignored: int = 0  # ids that are not the user's township's (or no activity)

    def summary(self):
        """ "已确认 12 项；2 项已被他人处理，未改动" and the like."""
        verb = _("已确认") if self.action == CONFIRM else _("已退回")
        parts = [_("%(verb)s %(n)s 项") % {"verb": verb, "n": len(self.done)}]
        if self.handled:
            parts.append(_("%(n)s 项已被他人处理，未改动") % {"n": len(self.handled)})
        if self.refused:
            parts.append(_("%(n)s 项无权处理，未改动") % {"n": len(self.refused)})
        if self.ignored:
            parts.append(_("%(n)s 项不属于本乡镇或已不存在，已忽略") % {"n": self.ignored})
        return _("；").join(parts)


def activity_batch_review(*, by, activities, action, reason="", requested=None) -> BatchOutcome:
    """Confirm or return (with one `reason` for all) each of `activities` (those of the user's
    township among the ids asked for; `requested` is how many ids were asked for, the rest are
    counted as ignored). Raises ValidationError before touching anything when the action is unknown,
    the batch is too large or a return has no reason."""
    if action not in (CONFIRM, RETURN):
        raise ValidationError(_("未知的批量操作。"))
    activities = list(activities)
    if len(activities) > MAX_BATCH:
        raise ValidationError(_("一次最多处理 %(n)s 项，请分批操作。") % {"n": MAX_BATCH})
    if action == RETURN and not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退回原因。")})
    outcome = BatchOutcome(action=action, ignored=max((requested or 0) - len(activities), 0))
    for activity in activities:
        try:
            if action == CONFIRM:
                changed = activity_confirm(activity=activity, by=by)
            else:
                changed = activity_return(activity=activity, by=by, reason=reason)
        except PermissionDenied as error:
            outcome.refused.append((activity, str(error) or _("您无权进行此操作。")))
        except ValidationError as error:
            activity.refresh_from_db(fields=["status"])
            outcome.handled.append((activity, " ".join(error.messages)))
        else:
            outcome.done.append(changed)
    return outcome


def is_pending(activity):
    return activity.status == ActivityStatus.SUBMITTED
