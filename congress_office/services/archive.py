"""Archive items (件) and their 档号 (DA/T 22-2015): the apps say through `archive_sections` which of
a year's records become items; this assigns each its 档号, gapless per 全宗, year, retention and
机构（问题）code, also under concurrent runs (the 全宗 row is locked), and never twice for one
record. A 档号 is never changed in place: a correction takes a new one and keeps the old on record."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..models.archive import (
    CATEGORY_CODE,
    RETENTION_YEARS,
    ArchiveCodeChange,
    ArchiveItem,
    Fonds,
    OrgCode,
    Retention,
    RetentionClass,
    RetentionRule,
)
from ..registries import archive_sections

ARCHIVE = "core.add_archiveitem"


def archive_code(fonds_code, year, retention, org_code, sequence):
    """0123-WS·2026-Y-BGS-0001: 件号 of four digits, zero-padded."""
    return f"{fonds_code}-{CATEGORY_CODE}·{year}-{retention}-{org_code}-{sequence:04d}"


def retention_of(section):
    """The kind's period: the admins' rule when there is one, else the section's default; never
    laxer than its class's."""
    rule = RetentionRule.objects.filter(kind=section.kind).select_related("retention_class").first()
    period = rule.period if rule else section.period
    klass = rule.retention_class if rule else RetentionClass.objects.filter(code=section.retention_class).first()
    if klass is not None and RETENTION_YEARS[period] < RETENTION_YEARS[klass.period]:
        period = klass.period
    return period


def archived_at(item):
    """When an item was archived (local time): what its PDFs print as their date or 打印时间, so
    the same item renders to the same bytes whenever it is exported (now for no item yet)."""
    from django.utils import timezone

    return timezone.localtime(item.archived_at if item is not None and item.archived_at else None)


def archived_on(item):
    return archived_at(item).date()


def _next_sequence(fonds, year, retention, org_code):
    last = ArchiveItem.objects.filter(fonds=fonds, year=year, retention=retention, org_code=org_code).aggregate(
        n=Max("sequence")
    )["n"]
    return (last or 0) + 1


def _check(by, township):
    if not by.has_perm(ARCHIVE):
        raise PermissionDenied(_("您没有归档的权限。"))
    if by.township_id is not None and by.township_id != township.pk:
        raise PermissionDenied(_("只能整理本乡镇的档案。"))


def fonds_of(township):
    fonds = Fonds.objects.filter(township=township).first()
    if fonds is None:
        raise ValidationError(_("请先由系统管理员设置本乡镇的全宗号。"))
    return fonds


@transaction.atomic
def archive_assign(*, township, year, by):
    """Make the year's items of every section that are not archived yet; returns the new items."""
    _check(by, township)
    fonds = fonds_of(township)
    Fonds.objects.select_for_update().filter(pk=fonds.pk).values_list("pk", flat=True).get()
    known_orgs = set(OrgCode.objects.filter(township=township).values_list("code", flat=True))
    created = []
    for key, section in sorted(archive_sections.items()):
        retention = retention_of(section)
        if section.org_code not in known_orgs:
            OrgCode.objects.get_or_create(township=township, code=section.org_code, defaults={"name": section.org_code})
            known_orgs.add(section.org_code)
        entries = list(section.entries(township, year))
        if not entries:
            continue
        content_type = ContentType.objects.get_for_model(type(entries[0].record))
        done = set(
            ArchiveItem.objects.filter(
                item_type=content_type, year=year, item_id__in=[e.record.pk for e in entries]
            ).values_list("item_id", flat=True)
        )
        sequence = _next_sequence(fonds, year, retention, section.org_code)
        for entry in sorted(entries, key=lambda e: (e.date, e.record.pk)):
            if entry.record.pk in done:
                continue
            created.append(
                ArchiveItem.objects.create(
                    township=township,
                    fonds=fonds,
                    year=year,
                    retention=retention,
                    org_code=section.org_code,
                    sequence=sequence,
                    code=archive_code(fonds.code, year, retention, section.org_code, sequence),
                    kind=key,
                    item_type=content_type,
                    item_id=entry.record.pk,
                    title=str(entry.title)[:300],
                    responsible=str(entry.responsible)[:100],
                    number=str(entry.number or "")[:60],
                    date=entry.date,
                    secrecy=str(entry.secrecy or ""),
                    secrecy_level=entry.clearance,
                    archived_by=by,
                )
            )
            sequence += 1
    if created:
        from .archive_render import schedule_render

        schedule_render([item.pk for item in created])  # through the outbox: sent after the commit
    return created


@transaction.atomic
def archive_code_correct(*, item, by, reason, retention=None, org_code=None):
    """A corrected retention or 机构 code: the item takes the next 档号 of its new series; the old
    one is kept on record (and its number stays taken, so no series is renumbered)."""
    _check(by, item.township)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明更正理由。")})
    retention = retention or item.retention
    org_code = org_code or item.org_code
    if retention not in Retention.values:
        raise ValidationError({"retention": _("请选择保管期限。")})
    if (retention, org_code) == (item.retention, item.org_code):
        raise ValidationError(_("保管期限和机构代码均未改变。"))
    Fonds.objects.select_for_update().filter(pk=item.fonds_id).values_list("pk", flat=True).get()
    sequence = _next_sequence(item.fonds, item.year, retention, org_code)
    old = item.code
    item.retention, item.org_code, item.sequence = retention, org_code, sequence
    item.code = archive_code(item.fonds.code, item.year, retention, org_code, sequence)
    item.rendered_at = None  # its 归档章 shows the old 档号: rendered again with the new one
    item.save(update_fields=["retention", "org_code", "sequence", "code", "rendered_at"])
    ArchiveCodeChange.objects.create(item=item, old_code=old, new_code=item.code, reason=reason, changed_by=by)
    from .archive_render import discard_files, schedule_render

    discard_files([item.pk])
    schedule_render([item.pk])  # through the outbox: sent after the commit
    return item
