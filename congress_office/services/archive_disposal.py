"""Disposal of archive items past their retention (DA/T 22-2015): a panel's 鉴定 decides, item by
item, to destroy or to keep N more years; a chair approves the items to destroy, which makes the
销毁清册 with the next number of the township and year; the destruction is then carried out and
recorded. Nothing is destroyed without an appraisal and an approved list, and nothing is deleted:
the catalogue rows stay, marked with the list that destroyed them, and the appraisal and the list
are kept permanently.

Permissions: an appraisal and the carrying out need ``core.add_archiveitem`` (the clerks and the
auditors, who archive); the approval needs the chair role (人大主席团) of the same township, as no
archive permission is granted to the chairs.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Township
from ..models.archive import (
    RETENTION_YEARS,
    Appraisal,
    AppraisalDecision,
    AppraisalEntry,
    ArchiveItem,
    DestructionList,
    Retention,
)
from ..roles import Role
from .archive_render import discard_files

ARCHIVE = "core.add_archiveitem"
NUMBER_PREFIX = "XH"
MAX_KEEP_YEARS = 100


def _check_archivist(by, township):
    if not by.has_perm(ARCHIVE):
        raise PermissionDenied(_("您没有档案鉴定和销毁的权限。"))
    if by.township_id != township.pk:
        raise PermissionDenied(_("只能鉴定和销毁本乡镇的档案。"))


def _check_chair(by, township):
    if not by.has_role(Role.CHAIR):
        raise PermissionDenied(_("档案销毁须经人大主席团负责人批准。"))
    if by.township_id != township.pk:
        raise PermissionDenied(_("只能批准本乡镇的档案销毁。"))


def _current_year():
    return timezone.localdate().year


def items_due(township, year=None):
    """The township's items whose period ended before `year` (default: this year): never the
    permanent ones, nor those destroyed or already sent for destruction by an appraisal."""
    year = year or _current_year()
    period_end = Coalesce(
        "extended_to",
        Case(
            *[
                When(retention=retention, then=F("year") + Value(years))
                for retention, years in RETENTION_YEARS.items()
                if retention != Retention.PERMANENT
            ],
            output_field=IntegerField(),
        ),
    )
    return (
        ArchiveItem.objects.filter(township=township, destruction__isnull=True)
        .exclude(retention=Retention.PERMANENT)
        .exclude(appraisals__decision=AppraisalDecision.DESTROY)
        .annotate(period_end=period_end)
        .filter(period_end__lt=year)
        .order_by("year", "retention", "org_code", "sequence")
    )


def _clean_decisions(decisions):
    cleaned = {}
    for item_id, value in decisions.items():
        try:
            decision, keep_years = value
            item_id = int(item_id)
        except (TypeError, ValueError):
            raise ValidationError(_("鉴定结论的格式不正确。")) from None
        if decision == AppraisalDecision.DESTROY:
            keep_years = None
        elif decision == AppraisalDecision.KEEP:
            try:
                keep_years = int(keep_years)
            except (TypeError, ValueError):
                keep_years = 0
            if not 1 <= keep_years <= MAX_KEEP_YEARS:
                raise ValidationError(_("延长保管的年限须为1至%(n)s年。") % {"n": MAX_KEEP_YEARS})
        else:
            raise ValidationError(_("鉴定结论只能是“销毁”或“延长保管”。"))
        cleaned[item_id] = (decision, keep_years)
    return cleaned


@transaction.atomic
def appraisal_create(*, township, by, held_on, panel, opinion, decisions):
    """Record a 鉴定: `decisions` maps item ids to ("destroy", None) or ("keep", years). Every item
    must be due and of the township; a kept item's period is extended to the appraisal's year
    plus the years (its 档号 does not change). Returns the appraisal."""
    _check_archivist(by, township)
    panel, opinion = (panel or "").strip(), (opinion or "").strip()
    errors = {}
    if not panel:
        errors["panel"] = _("请填写鉴定小组成员。")
    if not opinion:
        errors["opinion"] = _("请填写鉴定意见。")
    if held_on is None:
        errors["held_on"] = _("请填写鉴定日期。")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("鉴定日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    if not decisions:
        raise ValidationError(_("请至少选择一件到期的档案。"))
    decisions = _clean_decisions(decisions)
    # locked, so two panels cannot decide on the same item at once
    items = {i.pk: i for i in ArchiveItem.objects.select_for_update().filter(pk__in=decisions)}
    if len(items) != len(decisions):
        raise ValidationError(_("所选档案不存在。"))
    if any(item.township_id != township.pk for item in items.values()):
        raise ValidationError(_("只能鉴定本乡镇的档案。"))
    due = set(items_due(township).filter(pk__in=decisions).values_list("pk", flat=True))
    not_due = [items[pk].code for pk in decisions if pk not in due]
    if not_due:
        raise ValidationError(
            _("以下档案尚未到期、已销毁或已送销毁，不能鉴定：%(codes)s") % {"codes": "、".join(not_due)}
        )
    appraisal = Appraisal.objects.create(
        township=township, held_on=held_on, panel=panel, opinion=opinion, created_by=by
    )
    entries = []
    for pk, (decision, keep_years) in sorted(decisions.items()):
        entries.append(AppraisalEntry(appraisal=appraisal, item=items[pk], decision=decision, keep_years=keep_years))
        if decision == AppraisalDecision.KEEP:
            item = items[pk]
            item.extended_to = held_on.year + keep_years
            item.save(update_fields=["extended_to"])
    AppraisalEntry.objects.bulk_create(entries)
    return appraisal


def to_destroy(appraisal):
    """The entries of an appraisal that send items for destruction, in 档号 order."""
    return (
        appraisal.entries.filter(decision=AppraisalDecision.DESTROY)
        .select_related("item")
        .order_by("item__year", "item__retention", "item__org_code", "item__sequence")
    )


def _next_number(township, year):
    """XH-2026-001 after the township's last list of the year; the 全宗号 in front keeps the number
    unique across townships (0123-XH-2026-001). Call inside a transaction: the township row is
    locked, so concurrent approvals queue and no number is skipped or issued twice."""
    Township.objects.select_for_update().filter(pk=township.pk).values_list("pk", flat=True).get()
    fonds = getattr(township, "fonds", None)
    prefix = f"{fonds.code}-" if fonds else f"{township.code}-"
    prefix += f"{NUMBER_PREFIX}-{year}-"
    taken = DestructionList.objects.filter(township=township, number__startswith=prefix).values_list(
        "number", flat=True
    )
    last = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:03d}"


@transaction.atomic
def destruction_approve(*, appraisal, by):
    """A chair of the township approves the items the appraisal sends for destruction: the
    销毁清册 is made with the next number. Returns it."""
    _check_chair(by, appraisal.township)
    appraisal = Appraisal.objects.select_for_update().select_related("township").get(pk=appraisal.pk)
    if DestructionList.objects.filter(appraisal=appraisal).exists():
        raise ValidationError(_("本次鉴定的销毁清册已经批准，不能重复批准。"))
    entries = list(to_destroy(appraisal))
    if not entries:
        raise ValidationError(_("本次鉴定没有需要销毁的档案。"))
    if any(e.item.destruction_id is not None for e in entries):
        raise ValidationError(_("清册中有档案已经销毁。"))
    number = _next_number(appraisal.township, timezone.localdate().year)
    return DestructionList.objects.create(
        township=appraisal.township, appraisal=appraisal, number=number, approved_by=by
    )


@transaction.atomic
def destruction_carry_out(*, destruction, by):
    """Record that the approved list's items were destroyed, and by whom (监销人), and delete their
    stored files: each item's catalogue row stays, marked with the list. Returns the list."""
    _check_archivist(by, destruction.township)
    destruction = DestructionList.objects.select_for_update().get(pk=destruction.pk)
    if destruction.destroyed_at is not None:
        raise ValidationError(_("该清册的档案已经销毁，不能重复登记。"))
    item_ids = [e.item_id for e in to_destroy(destruction.appraisal)]
    ArchiveItem.objects.filter(pk__in=item_ids, destruction__isnull=True).update(destruction=destruction)
    discard_files(item_ids)  # the electronic copies go with the record of their destruction
    destruction.destroyed_by = by
    destruction.destroyed_at = timezone.now()
    destruction.save(update_fields=["destroyed_by", "destroyed_at"])
    return destruction
