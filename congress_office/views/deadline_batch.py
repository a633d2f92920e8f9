"""催办逾期单位 from the deadline list: the ticked deadlines, or every overdue one
("催办全部逾期单位"), grouped by responsible unit; one reminder per unit (services.urging)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import TownshipMemberMixin
from ..models import Deadline
from ..services.urging import deadline_urge_unit, overdue_list_url, unit_handler_accounts
from .batch import BatchItem, BatchView, objects_by_ids

# how many item titles a unit's line names before "等"
TITLES_SHOWN = 3


class DeadlineRemindView(TownshipMemberMixin, BatchView):
    permission_required = "core.add_deadline"
    title = gettext_lazy("催办逾期单位")
    intro = gettext_lazy(
        "每个承办单位收到一条催办通知（发给该单位的经办人账号），列出其全部逾期事项；每项事项记录一次催办。"
    )
    confirm_label = gettext_lazy("确认发送催办通知")
    allow_all = True

    def get_back_url(self):
        return reverse("core:deadline_list") + "?state=overdue"

    def get_objects(self, ids):
        user = self.request.user
        deadlines = (
            Deadline.objects.visible_to(user)
            .filter(township_id=user.township_id)
            .select_related("responsible_unit")
            .order_by("due_date", "pk")
        )
        if ids:
            return objects_by_ids(deadlines, ids)
        return list(deadlines.overdue_on(self.today).filter(responsible_unit__isnull=False))

    @property
    def today(self):
        return timezone.localdate()

    def plan(self, objects, options):
        today = self.today
        by_unit, skipped = {}, []
        for deadline in objects:
            if not deadline.is_pending:
                skipped.append((deadline, _("已办结")))
            elif deadline.due_date >= today:
                skipped.append((deadline, _("尚未逾期")))
            elif deadline.responsible_unit_id is None:
                skipped.append((deadline, _("没有责任单位")))
            else:
                by_unit.setdefault(deadline.responsible_unit_id, []).append(deadline)
        handlers = unit_handler_accounts(by_unit)
        items = []
        for deadlines in by_unit.values():
            unit = deadlines[0].responsible_unit
            names = [user.display_name for user in handlers.get(unit.pk, [])]
            titles = "、".join(d.display_title for d in deadlines[:TITLES_SHOWN])
            if len(deadlines) > TITLES_SHOWN:
                titles = _("%(titles)s 等") % {"titles": titles}
            items.append(
                BatchItem(
                    key=f"unit-{unit.pk}",
                    label=_("%(unit)s（逾期 %(n)s 项）") % {"unit": unit.name, "n": len(deadlines)},
                    action=_("发送催办通知给 %(names)s") % {"names": "、".join(names)},
                    skip="" if names else _("该单位没有经办人账号，不能发送通知，请电话或书面催办"),
                    url=overdue_list_url(unit),
                    detail=titles,
                    payload={"unit": unit, "deadlines": deadlines, "no_handler": not names},
                )
            )
        for deadline, reason in skipped:
            items.append(
                BatchItem(
                    key=f"deadline-{deadline.pk}",
                    label=deadline.display_title,
                    skip=reason,
                    url=deadline.get_absolute_url(),
                    payload={"deadline": deadline},
                )
            )
        return items

    def perform(self, item, options):
        result = deadline_urge_unit(
            unit=item.payload["unit"], deadlines=item.payload["deadlines"], by=self.request.user, today=self.today
        )
        item.payload["urged"] = len(result.deadlines)
        return _("已通知 %(names)s，催办 %(n)s 项") % {
            "names": "、".join(user.display_name for user in result.handlers),
            "n": len(result.deadlines),
        }

    def summary_notes(self, outcomes):
        units = [o for o in outcomes if "unit" in (o.item.payload or {})]
        reminded = [o for o in units if o.done]
        count = sum(o.item.payload.get("urged", 0) for o in reminded)
        notes = [_("已催办 %(units)s 个单位，共 %(n)s 项逾期事项。") % {"units": len(reminded), "n": count}]
        without = [o.item.payload["unit"].name for o in units if o.item.payload["no_handler"]]
        if without:
            notes.append(_("没有经办人账号的单位（未发送通知）：%(names)s") % {"names": "、".join(without)})
        return notes
