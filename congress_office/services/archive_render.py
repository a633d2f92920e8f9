"""The archived copy of each item (件): its files rendered and stamped once, when the item is
archived, and kept as they were then (ArchiveFile), as a paper item is stamped with its 归档章
when it is filed. The annual package then only copies and hashes them, and two packages of the
same year hold the same bytes whatever changed in the records since (a corrected 档号 renders the
item again, with its new stamp).

Every item has its archive copy, personal data masked. A section whose items hold personal data
(`full_copy`) also gets a full copy, given only to a package writer the section lets read it (and
logged by the section). The full copy and the content of classified items are stored encrypted.

With a broker, 整理归档 queues the rendering (chunks of ARCHIVE_EXPORT_CHUNK items), and the sweep
queues what a lost message or a dead worker left; without one (the embedded demo), a package
renders the items it finds without files itself. Either way an item is rendered once.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..crypto import decrypt_bytes, encrypt_bytes
from ..models.archive import ArchiveFile, ArchiveItem, FileVariant, OrgCode, Retention, archive_file_path
from ..registries import ArchivePart, archive_sections
from .archive_stamp import StampCells, page_count, stamp, stamp_pages

logger = logging.getLogger(__name__)


def _summary_parts(item):
    def render():
        from ..pdf import render_pdf

        return render_pdf("archive/item_summary.html", {"title": item.title, "item": item})

    return [ArchivePart(_("归档文件"), render)]


def item_parts(item, *, full=False):
    """The parts the item's section renders (as archived by its archivist), or a one-page summary
    for an item whose section or record is gone."""
    section = archive_sections.get(item.kind)
    record = item.record
    if section is None or section.parts is None or record is None:
        return _summary_parts(item)
    return list(section.parts(record, item.archived_by, item=item, full=full))


def variants_of(item):
    section = archive_sections.get(item.kind)
    if section is not None and section.full_copy is not None and item.record is not None:
        return [FileVariant.ARCHIVE, FileVariant.FULL]
    return [FileVariant.ARCHIVE]


RETENTION_SHORT = {Retention.PERMANENT: "永久", Retention.THIRTY: "30年", Retention.TEN: "10年"}


def stamp_cells(item, pages, orgs):
    """The six cells of the item's 归档章."""
    return StampCells(
        fonds=item.fonds.code,
        year=item.year,
        sequence=item.sequence,
        org=orgs.get(item.org_code) or item.org_code,
        retention=RETENTION_SHORT[item.retention],
        pages=pages,
    )


def org_names(township):
    """{机构（问题）code: name} of a township (an instance or its id)."""
    return dict(OrgCode.objects.filter(township=township).values_list("code", "name"))


@dataclass
class _Rendered:
    item: ArchiveItem
    files: list  # [(variant, ArchivePart, bytes, pages)]

    @property
    def pages(self):
        """The 页数 of the 归档章: the pages of the archive copy's PDFs."""
        return sum(pages for variant, _part, _data, pages in self.files if variant == FileVariant.ARCHIVE)

    def firsts(self):
        """The index of each copy's first file, which takes the 归档章 (a PDF by the registry's rule)."""
        seen, found = set(), []
        for index, (variant, part, _data, _pages) in enumerate(self.files):
            if variant not in seen:
                seen.add(variant)
                if part.ext == "pdf":
                    found.append(index)
        return found


def _render(item):
    try:
        files = []
        for variant in variants_of(item):
            for part in item_parts(item, full=variant == FileVariant.FULL):
                data = part.render()
                files.append((variant, part, data, page_count(data) if part.ext == "pdf" else 0))
    except ValidationError:
        raise
    except Exception as error:  # a missing scan, a broken record: name the item, log the rest
        logger.exception("archive item %s failed to render", item.code)
        raise ValidationError(
            _("%(c)s（%(t)s）无法生成，详情已记入日志") % {"c": item.code, "t": item.title[:30]}
        ) from error
    return _Rendered(item, files)


def _store(rendered):
    """Save the files to storage and their rows, unless another worker stored the item first."""
    item, rows, positions = rendered.item, [], {}
    pages = rendered.pages
    for variant, part, data, file_pages in rendered.files:
        positions[variant] = position = positions.get(variant, 0) + 1
        encrypted = variant == FileVariant.FULL or item.secrecy_level > 0
        row = ArchiveFile(
            item=item,
            variant=variant,
            position=position,
            title=str(part.title)[:200],
            ext=part.ext,
            encrypted=encrypted,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            pages=file_pages,
        )
        name = archive_file_path(row, f"{position:02d}.{part.ext}")
        row.file.name = default_storage.save(name, ContentFile(encrypt_bytes(data) if encrypted else data))
        rows.append(row)
    with transaction.atomic():
        locked = ArchiveItem.objects.select_for_update().only("rendered_at", "destruction").get(pk=item.pk)
        if locked.rendered_at is not None or locked.destruction_id is not None:  # another worker won
            transaction.on_commit(lambda: _delete_stored(rows))
            item.rendered_at = locked.rendered_at
            return False
        ArchiveFile.objects.bulk_create(rows)
        item.pages, item.rendered_at = pages, timezone.now()
        ArchiveItem.objects.filter(pk=item.pk).update(pages=item.pages, rendered_at=item.rendered_at)
    return True


def _delete_stored(rows):
    for row in rows:
        try:
            default_storage.delete(row.file.name)
        except OSError:  # a file that is not there is gone already
            logger.warning("archive file %s could not be deleted", row.file.name)


def render_items(items):
    """Render, stamp and store the files of the items that have none (each copy's first page
    takes the 归档章; the stamps of the batch are rendered in one document); returns how many
    this call stored. A broken record names its item in a ValidationError and logs the rest."""
    todo = [item for item in items if item.rendered_at is None and item.destruction_id is None]
    if not todo:
        return 0
    orgs = {township_id: org_names(township_id) for township_id in {item.township_id for item in todo}}
    rendered = [_render(item) for item in todo]
    cells = [stamp_cells(r.item, r.pages, orgs[r.item.township_id]) for r in rendered]
    pages = stamp_pages(cells)
    for r, cell, stamp_page in zip(rendered, cells, pages, strict=True):
        for index in r.firsts():
            variant, part, data, file_pages = r.files[index]
            r.files[index] = (variant, part, stamp(data, cell, stamp_page)[0], file_pages)
    return sum(1 for r in rendered if _store(r))


def render_item(item):
    """render_items for one item: True when this call stored its files."""
    return render_items([item]) == 1


def unrendered(queryset=None):
    return (queryset if queryset is not None else ArchiveItem.objects.all()).filter(
        rendered_at__isnull=True, destruction__isnull=True
    )


def schedule_render(item_ids):
    """Queue the rendering of items just archived, in chunks, through the task outbox: written in
    the transaction that archived them, sent after it commits (or by the outbox's flush when the
    broker was down). Returns the number of chunks. Without a broker (eager tasks) nothing is
    queued: the first package renders them."""
    from .. import celery_app, outbox, tasks

    if not item_ids or celery_app.conf.task_always_eager:
        return 0

    size = settings.ARCHIVE_EXPORT_CHUNK
    chunks = [list(item_ids[start : start + size]) for start in range(0, len(item_ids), size)]
    outbox.enqueue_many(tasks.archive_render_chunk, [[chunk] for chunk in chunks])
    return len(chunks)


def render_pending(older_than_seconds=None, limit=5000):
    """The sweep's part: queue the items archived a while ago and still without files, unless
    chunks wait in the outbox for a broker that was down (their flush sends them)."""
    from .. import tasks
    from ..models import TaskOutbox

    if TaskOutbox.objects.filter(task=tasks.archive_render_chunk.name, sent_at__isnull=True).exists():
        return 0
    cutoff = timezone.now() - timezone.timedelta(
        seconds=older_than_seconds if older_than_seconds is not None else settings.ARCHIVE_EXPORT_STALE_SECONDS
    )
    ids = list(unrendered().filter(archived_at__lt=cutoff).order_by("pk").values_list("pk", flat=True)[:limit])
    return schedule_render(ids)


def stored_files(item, user):
    """(variant, [ArchiveFile]) of the copy `user` receives in a package: the full copy when the
    section grants it (and logs it), else the archive copy. Renders the item first if needed."""
    fresh = render_item(item)
    rows = list(ArchiveFile.objects.filter(item=item) if fresh else item.files.all())
    variant = FileVariant.ARCHIVE
    section = archive_sections.get(item.kind)
    if section is not None and section.full_copy is not None and any(r.variant == FileVariant.FULL for r in rows):
        record = item.record
        if record is not None and section.full_copy(record, user):
            variant = FileVariant.FULL
    return variant, [r for r in rows if r.variant == variant]


def read_file(row):
    """The plain content of a stored file."""
    with row.file.open("rb") as handle:
        data = handle.read()
    return decrypt_bytes(data) if row.encrypted else data


def discard_files(item_ids):
    """Delete the stored files of destroyed items (after the commit that recorded the destruction);
    returns how many files."""
    rows = list(ArchiveFile.objects.filter(item_id__in=item_ids))
    ArchiveFile.objects.filter(pk__in=[r.pk for r in rows]).delete()
    transaction.on_commit(lambda: _delete_stored(rows))
    return len(rows)
