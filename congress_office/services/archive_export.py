"""The annual package as a Celery job: `archive_export_start` queues it; the run splits the
year's items into chunks the workers write side by side (each item written whole or not at
all, see archive_package.write_items); the chunk that writes the last item claims the finishing
step (catalogues, 文件目录.xml, manifests, zip). A job whose worker died — no heartbeat for
ARCHIVE_EXPORT_STALE_SECONDS — is taken up again by `archive_export_resume_stale` (the beat runs
it, the job page offers it): it goes on with the items not yet written, none twice."""

import hashlib
import logging
import shutil
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import outbox
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
from .archive_verify import verify_package
from .pdf import GAVE_UP, QUEUE_DOWN, REQUEUED_WAITING

logger = logging.getLogger(__name__)


# where the finished zips are kept in the media storage: archive/exports/<job>/<name>.zip
PACKAGES = "archive/exports"


def export_dir(export):
    """The job's local working folder: ARCHIVE_WORK_DIR, or beside the media on the filesystem."""
    base = settings.ARCHIVE_WORK_DIR
    return (Path(base) if base else Path(settings.MEDIA_ROOT) / PACKAGES) / str(export.pk)


def package_root(export):
    return export_dir(export) / package_name(fonds_of(export.township), export.year)


def _written(export):
    items = package_root(export) / ITEMS_DIR
    if not items.is_dir():
        return set()
    return {p.name for p in items.iterdir() if p.is_dir() and not p.name.startswith(".tmp-")}


def export_queue_state(args, sent):
    """The outbox's hook for archive_export_run: a job whose task the broker did not take says it
    waits for the queue; once the flush has sent it, that it is queued."""
    waiting = ArchiveExport.objects.filter(pk=args[0], status=ExportStatus.PENDING)
    if sent:
        waiting.filter(message=str(QUEUE_DOWN)).update(message=_("排队等待"))
    else:
        waiting.update(message=str(QUEUE_DOWN))


def _enqueue(task, export_id):
    """Through the outbox: sent after the commit, or by its flush once a broker that was down is
    back (the job says so meanwhile, see export_queue_state)."""
    outbox.enqueue(task, export_id)


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
    # one INSERT and one connection for them all; a chunk sent twice writes no item twice
    outbox.enqueue_many(archive_export_chunk, [[export_id, chunk] for chunk in chunks])
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
        built = export_dir(export) / f".{root.name}.zip"  # local; the media storage keeps the package
        write_zip(root, built, as_of(export.township, export.year))
        sha = hashlib.sha256()
        with open(built, "rb") as handle:
            while block := handle.read(1024 * 1024):
                sha.update(block)
        size = built.stat().st_size
        package = _store_package(export, built, f"{root.name}.zip")
        ArchiveExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.DONE,
            done=export.total,
            message=_("已完成"),
            package=package,
            package_size=size,
            package_sha256=sha.hexdigest(),
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    except Exception:
        logger.exception("archive export %s failed while finishing", export_id)
        _fail(export_id)
        return False
    return True


def _store_package(export, built, filename):
    """Save the zip built on local disk to the media storage (the filesystem or S3), where any web
    node serves it, and remove the local copy. A finishing step that died after saving it is
    resumed: the same name is written again, never a second package."""
    name = f"{PACKAGES}/{export.pk}/{filename}"
    if default_storage.exists(name):
        default_storage.delete(name)
    with open(built, "rb") as handle:
        name = default_storage.save(name, File(handle, name=filename))
    built.unlink()
    return name


def archive_export_verify(export):
    """The DA/T 70 check of a finished package: on the working folder where this node has it,
    otherwise on the stored zip unpacked into a temporary folder (another node built it)."""
    root = package_root(export)
    if root.is_dir() or not export.package:
        return verify_package(root)
    with tempfile.TemporaryDirectory(prefix="archive-verify-") as scratch:
        try:
            handle = default_storage.open(export.package, "rb")
        except FileNotFoundError:
            return verify_package(root)  # names the package as missing
        with handle, zipfile.ZipFile(handle) as archive:
            archive.extractall(scratch)
        report = verify_package(Path(scratch) / root.name)
    report.root = export.package
    return report


def stale_exports(now=None):
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.ARCHIVE_EXPORT_STALE_SECONDS)
    started = Q(status__in=[ExportStatus.RUNNING, ExportStatus.FINISHING], heartbeat_at__lt=limit)
    # queued, but no worker took it up: its message was lost or never reached the broker
    queued = now - timedelta(seconds=settings.JOB_PENDING_TIMEOUT)
    waiting = Q(status=ExportStatus.PENDING, created_at__lt=queued) & (
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=queued)
    )
    return ArchiveExport.objects.filter(started | waiting)


def archive_export_resume(*, export, by=None):
    """Take a job whose worker stopped up again where it stopped."""
    if by is not None and (not by.has_perm(ARCHIVE) or by.township_id not in (None, export.township_id)):
        raise PermissionDenied
    return _requeue(stale_exports().filter(pk=export.pk), export.pk)


@transaction.atomic
def _requeue(stale, export_id, message=None, **fields):
    """Back to the queue, if still stale (a concurrent sweep or click may have taken it)."""
    from ..tasks import archive_export_run

    requeued = stale.update(
        status=ExportStatus.PENDING,
        task_id="",
        message=message or _("已中断，正在从中断处继续"),
        heartbeat_at=timezone.now(),
        **fields,
    )
    if requeued:
        _enqueue(archive_export_run, export_id)
    return bool(requeued)


def archive_export_resume_stale(now=None):
    """The sweeper's part (beat, every minute): every job whose worker died goes on where it
    stopped; every job whose message was lost (nothing of it in the outbox, unsent or sent within
    JOB_PENDING_TIMEOUT) is sent again; a job is claimed once, so a duplicate message does
    nothing. After JOB_MAX_REQUEUES such requeues the job fails and says so. Returns how many
    jobs it requeued or failed."""
    from ..tasks import archive_export_run

    now = now or timezone.now()
    rows = list(stale_exports(now).values_list("pk", "status", "requeues"))
    if not rows:
        return 0
    since = now - timedelta(seconds=settings.JOB_PENDING_TIMEOUT)
    waiting = outbox.in_flight([archive_export_run.name], since=since)
    handled = 0
    for export_id, status, requeues in rows:
        if status == ExportStatus.PENDING and str(export_id) in waiting:
            continue  # its task waits in the outbox (the broker is down), or was just sent
        stale = stale_exports(now).filter(pk=export_id, requeues=requeues)
        if requeues >= settings.JOB_MAX_REQUEUES:
            failed = stale.update(
                status=ExportStatus.FAILED,
                message=(_("导出失败：%(e)s") % {"e": GAVE_UP})[:200],
                finished_at=timezone.now(),
            )
            handled += failed
            continue
        message = None
        if status == ExportStatus.PENDING:
            message = str(REQUEUED_WAITING) % {"n": requeues + 1}
        handled += _requeue(stale, export_id, message, requeues=F("requeues") + 1)
    return handled


def archive_export_delete_files(export):
    shutil.rmtree(export_dir(export), ignore_errors=True)
    if export.package:
        default_storage.delete(export.package)
