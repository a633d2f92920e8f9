"""The annual package as a Celery job: `archive_export_start` queues it; the run splits the
year's items into chunks the workers write side by side (each item written whole or not at
all, see archive_package.write_items); the chunk that writes the last item claims the finishing
step (catalogues, 文件目录.xml, manifests, zip). A job whose worker died — no heartbeat for
ARCHIVE_EXPORT_STALE_SECONDS — is taken up again by `archive_export_resume_stale` (the beat runs
it, the job page offers it): it goes on with the items not yet written, none twice."""

import hashlib
import logging
import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models.archive import ArchiveExport, ArchiveItem, ExportStatus
from .archive import ARCHIVE, archive_assign, fonds_of
from .archive_package import (
    ITEMS_DIR,
    as_of,
    finish_package,
    package_name,
    write_in_batches,
    write_zip,
    year_items,
)

logger = logging.getLogger(__name__)


def export_dir(export):
    return Path(settings.MEDIA_ROOT) / "archive" / "exports" / str(export.pk)


def package_root(export):
    return export_dir(export) / package_name(fonds_of(export.township), export.year)


def _written(export):
    items = package_root(export) / ITEMS_DIR
    if not items.is_dir():
        return set()
    return {p.name for p in items.iterdir() if p.is_dir() and not p.name.startswith(".tmp-")}


QUEUE_DOWN = _("任务队列暂不可用，队列恢复后将自动开始")


def _send(task, export_id):
    """Hand the job to the broker; when the broker is down the user's action still succeeds: the
    job waits, says so, and the beat's sweep sends it again once the queue is back."""
    try:
        task.delay(export_id)
    except Exception:  # kombu's OperationalError and the like: the broker, not the user's data
        logger.warning("archive export %s: the task queue is unreachable; the sweep will retry", export_id)
        ArchiveExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(message=QUEUE_DOWN)


def _enqueue(task, export_id):
    transaction.on_commit(lambda: _send(task, export_id))


def archive_export_start(*, township, year, by):
    """Archive what is not archived yet (its 档号 assigned), then queue the package."""
    if not by.has_perm(ARCHIVE) or (by.township_id is not None and by.township_id != township.pk):
        raise PermissionDenied(_("您没有导出本乡镇档案的权限。"))
    if year > timezone.localdate().year or year < 1949:
        raise ValidationError(_("请选择有效的年度。"))
    with transaction.atomic():
        archive_assign(township=township, year=year, by=by)
        total = ArchiveItem.objects.filter(township=township, year=year).count()
        if total == 0:
            raise ValidationError(_("%(y)s年度没有可归档的文件。") % {"y": year})
        export = ArchiveExport.objects.create(
            township=township, year=year, requested_by=by, total=total, message=_("排队等待")
        )
        from ..tasks import archive_export_run

        _enqueue(archive_export_run, export.pk)
    return export


def _heartbeat(export_id, **fields):
    ArchiveExport.objects.filter(pk=export_id).update(heartbeat_at=timezone.now(), **fields)


def archive_export_run(*, export_id, task_id=""):
    """Claim a queued job and hand its unwritten items to the workers in chunks."""
    claimable = (
        Q(status=ExportStatus.PENDING) | Q(status=ExportStatus.RUNNING, task_id=task_id)
        if task_id
        else Q(status=ExportStatus.PENDING)
    )
    claimed = ArchiveExport.objects.filter(claimable, pk=export_id).update(
        status=ExportStatus.RUNNING, task_id=task_id, runs=F("runs") + 1, heartbeat_at=timezone.now()
    )
    if not claimed:
        return None
    export = ArchiveExport.objects.select_related("township").get(pk=export_id)
    try:
        items = list(year_items(export.township, export.year).filter(archived_at__lte=export.created_at))
        written = _written(export)
        todo = [i.pk for i in items if i.code not in written]
        _heartbeat(
            export.pk,
            total=len(items),
            done=len(items) - len(todo),
            message=_("正在整理归档文件：%(d)d / %(t)d 件") % {"d": len(items) - len(todo), "t": len(items)},
        )
        items_dir = package_root(export) / ITEMS_DIR
        items_dir.mkdir(parents=True, exist_ok=True)
        for leftover in items_dir.glob(".tmp-*"):  # half-written by a worker that died
            shutil.rmtree(leftover, ignore_errors=True)
    except Exception:
        logger.exception("archive export %s failed", export_id)
        _fail(export_id)
        return None
    from ..tasks import archive_export_chunk

    size = settings.ARCHIVE_EXPORT_CHUNK
    chunks = [todo[n : n + size] for n in range(0, len(todo), size)]
    if not chunks:
        _finish(export_id)
    for chunk in chunks:
        archive_export_chunk.delay(export_id, chunk)
    return len(chunks)


def _fail(export_id, message=""):
    detail = message or _("系统内部错误，详情已记入日志")
    ArchiveExport.objects.filter(pk=export_id).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.FAILED, message=(_("导出失败：%(e)s") % {"e": detail})[:200], finished_at=timezone.now()
    )


def archive_export_chunk(*, export_id, item_ids):
    """Write some of the job's items; the chunk that completes the set finishes the package."""
    export = ArchiveExport.objects.select_related("township", "requested_by").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.RUNNING:
        return 0
    root = package_root(export)
    wrote = 0
    try:
        items = list(year_items(export.township, export.year).filter(pk__in=item_ids))
        for _batch, written in write_in_batches(items, export.requested_by, root):
            wrote += len(written)
            _heartbeat(export.pk, done=F("done") + len(written))
        export.refresh_from_db(fields=["done", "total", "status"])
        if export.status == ExportStatus.RUNNING:
            ArchiveExport.objects.filter(pk=export.pk).update(
                message=_("正在整理归档文件：%(d)d / %(t)d 件") % {"d": export.done, "t": export.total}
            )
        if len(_written(export)) >= export.total:
            _finish(export_id)
    except Exception as exc:
        logger.exception("archive export %s failed", export_id)
        _fail(export_id, "；".join(exc.messages) if isinstance(exc, ValidationError) else "")
    return wrote


def _finish(export_id):
    """The finishing step, claimed once: catalogues, 文件目录.xml, 说明文件, manifests, zip."""
    claimed = ArchiveExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.FINISHING, message=_("正在编制归档文件目录和校验清单"), heartbeat_at=timezone.now()
    )
    if not claimed:
        return False
    export = ArchiveExport.objects.select_related("township", "requested_by").get(pk=export_id)
    try:
        root = package_root(export)
        finish_package(root, fonds_of(export.township), export.year, export.requested_by)
        _heartbeat(export.pk, message=_("正在打包"))
        target = export_dir(export) / f"{root.name}.zip"
        write_zip(root, target, as_of(export.township, export.year))
        sha = hashlib.sha256()
        with open(target, "rb") as handle:
            while block := handle.read(1024 * 1024):
                sha.update(block)
        ArchiveExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.DONE,
            done=export.total,
            message=_("已完成"),
            package=str(target.relative_to(settings.MEDIA_ROOT)),
            package_size=target.stat().st_size,
            package_sha256=sha.hexdigest(),
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    except Exception:
        logger.exception("archive export %s failed while finishing", export_id)
        _fail(export_id)
        return False
    return True


def stale_exports(now=None):
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.ARCHIVE_EXPORT_STALE_SECONDS)
    started = Q(status__in=[ExportStatus.RUNNING, ExportStatus.FINISHING], heartbeat_at__lt=limit)
    # queued, but no worker took it up: its message was lost or never reached the broker
    waiting = Q(status=ExportStatus.PENDING, created_at__lt=limit) & (
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=limit)
    )
    return ArchiveExport.objects.filter(started | waiting)


def archive_export_resume(*, export, by=None):
    """Take a job whose worker stopped up again where it stopped."""
    if by is not None and (not by.has_perm(ARCHIVE) or by.township_id not in (None, export.township_id)):
        raise PermissionDenied
    return _requeue(stale_exports().filter(pk=export.pk), export.pk)


def _requeue(stale, export_id):
    """Back to the queue, if still stale (a concurrent sweep or click may have taken it)."""
    from ..tasks import archive_export_run

    requeued = stale.update(
        status=ExportStatus.PENDING, task_id="", message=_("已中断，正在从中断处继续"), heartbeat_at=timezone.now()
    )
    if requeued:
        _enqueue(archive_export_run, export_id)
    return bool(requeued)


def archive_export_resume_stale(now=None):
    """The beat's sweep: every job whose worker died goes on, every job whose message was lost is
    sent again (a job is claimed once, so a duplicate message does nothing)."""
    ids = list(stale_exports(now).values_list("pk", flat=True))
    for export_id in ids:
        _requeue(stale_exports(now).filter(pk=export_id), export_id)
    return len(ids)


def archive_export_delete_files(export):
    shutil.rmtree(export_dir(export), ignore_errors=True)
