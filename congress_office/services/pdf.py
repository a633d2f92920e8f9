import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import outbox
from ..models import JobKind, PdfJob, PdfJobStatus
from ..pdf import render_pdf
from ..registries import pdf_reports

logger = logging.getLogger(__name__)


@transaction.atomic
def pdf_job_start(*, report, user, params=None) -> PdfJob:
    """Queue a report for rendering; the Celery task starts after this transaction commits."""
    spec = pdf_reports.get(report)
    if spec is None:
        raise ValidationError(_("未知的报表。"))
    if spec.permission and not user.has_perm(spec.permission):
        raise PermissionDenied
    job = PdfJob.objects.create(
        owner=user,
        township_id=user.township_id,
        report=report,
        params=params or {},
        title=str(spec.title),
    )
    from ..tasks import render_pdf_job

    job_enqueue(render_pdf_job, job.pk)
    return job


# --- what every job (a PDF, a large .xlsx export) shares -------------------------------------------

QUEUE_DOWN = gettext_lazy("任务队列暂不可用，队列恢复后将自动开始")
# what the sweeper did, on the job's page
REQUEUED_WAITING = gettext_lazy("任务在队列中等待过久，已重新提交（第 %(n)s 次）")
REQUEUED_RUNNING = gettext_lazy("任务执行超时，已重新开始")
GAVE_UP = gettext_lazy("任务多次未能完成，已标记为失败，请重新生成")


def job_task(kind):
    from ..tasks import export_xlsx_job, render_pdf_job, render_zip_job

    return {JobKind.XLSX: export_xlsx_job, JobKind.ZIP: render_zip_job}.get(kind, render_pdf_job)


def job_enqueue(task, job_id):
    """Send the job's task through the outbox: after the transaction that created the job
    commits, or, when the broker is down, by the beat's flush once it is back (the job says so
    meanwhile, see job_queue_state)."""
    outbox.enqueue(task, str(job_id))


def job_queue_state(args, sent):
    """The outbox's hook for the job tasks: a job whose task the broker did not take says it
    waits for the queue; once the flush has sent it, no longer."""
    waiting = PdfJob.objects.filter(pk=args[0], status=PdfJobStatus.PENDING)
    if sent:
        waiting.filter(message=str(QUEUE_DOWN)).update(message="")
    else:
        waiting.update(message=str(QUEUE_DOWN))


FILE_EXPIRED = gettext_lazy("文件已超过保留期限并已删除，如需要请重新生成。")


def job_files_expire(now=None):
    """The daily sweep: the files of jobs finished more than JOB_FILE_KEEP_DAYS ago are deleted
    from the storage (a list export holds personal data); the job stays, its page says the file
    is gone. Returns how many files were deleted."""
    now = now or timezone.now()
    expired = PdfJob.objects.filter(
        status=PdfJobStatus.DONE,
        finished_at__lt=now - timedelta(days=settings.JOB_FILE_KEEP_DAYS),
    ).exclude(file="")
    deleted = 0
    for job in expired.iterator(chunk_size=200):
        name = job.file.name
        try:
            job.file.storage.delete(name)
        except OSError:  # the storage refused: left for tomorrow's sweep
            logger.warning("job %s: could not delete its file %s", job.pk, name, exc_info=True)
            continue
        PdfJob.objects.filter(pk=job.pk).update(file="", notice=str(FILE_EXPIRED))
        deleted += 1
    return deleted


def job_sweep_stuck(now=None):
    """The sweeper (beat, every minute): a job queued longer than JOB_PENDING_TIMEOUT with nothing
    of it in the outbox (unsent, or sent within that time) lost its message; a job running
    JOB_RUNNING_TIMEOUT without progress lost its worker. Either is queued again, up to
    JOB_MAX_REQUEUES times, then failed; the job's page says which. Returns the counts."""
    now = now or timezone.now()
    pending_limit = now - timedelta(seconds=settings.JOB_PENDING_TIMEOUT)
    running_limit = now - timedelta(seconds=settings.JOB_RUNNING_TIMEOUT)
    stuck = PdfJob.objects.filter(
        Q(status=PdfJobStatus.PENDING, updated_at__lt=pending_limit)
        | Q(status=PdfJobStatus.RUNNING, updated_at__lt=running_limit)
    ).only("pk", "kind", "status", "attempt", "updated_at")
    counts = {"requeued": 0, "failed": 0}
    jobs = list(stuck.order_by("updated_at")[:500])
    if not jobs:
        return counts
    waiting = outbox.in_flight({job_task(kind).name for kind in JobKind}, since=pending_limit)
    for job in jobs:
        if job.status == PdfJobStatus.PENDING and str(job.pk) in waiting:
            continue  # its task waits in the outbox, or was sent a moment ago
        outcome = _job_requeue(job, now)
        if outcome:
            counts[outcome] += 1
    return counts


@transaction.atomic
def _job_requeue(job, now):
    """Queue `job` again, or fail it after JOB_MAX_REQUEUES; only if it is still as the sweeper
    read it (a worker that claimed it or made progress meanwhile wins)."""
    unchanged = PdfJob.objects.filter(pk=job.pk, status=job.status, attempt=job.attempt, updated_at=job.updated_at)
    if job.attempt >= settings.JOB_MAX_REQUEUES:
        failed = unchanged.update(
            status=PdfJobStatus.FAILED, message=str(GAVE_UP), notice="", finished_at=now, updated_at=now
        )
        if failed:
            logger.warning("job %s: stuck %s after %s requeues, failed", job.pk, job.status, job.attempt)
        return "failed" if failed else None
    if job.status == PdfJobStatus.RUNNING:
        notice = str(REQUEUED_RUNNING)
    else:
        notice = str(REQUEUED_WAITING) % {"n": job.attempt + 1}
    # a new attempt: the run the sweeper gives up on can no longer write (see job_claim)
    requeued = unchanged.update(
        status=PdfJobStatus.PENDING,
        attempt=F("attempt") + 1,
        progress=0,
        message="",
        notice=notice,
        task_id="",
        updated_at=now,
    )
    if not requeued:
        return None
    logger.warning("job %s: stuck %s, queued again (attempt %s)", job.pk, job.status, job.attempt + 1)
    job_enqueue(job_task(job.kind), job.pk)
    return "requeued"


def job_claim(job_id, task_id, message):
    """The job, now running under `task_id`, or None. A job finished, or running under another
    task, is left alone (the task may be delivered twice, by the outbox or the broker); the same
    task delivered again after its worker died (acks_late, reject_on_worker_lost) takes the job up
    again instead of leaving it "running" for ever. A job the sweeper queued again is pending at
    a new attempt: the run it gave up on writes nothing more (job_progress, job_save)."""
    claimable = Q(status=PdfJobStatus.PENDING)
    if task_id:
        claimable |= Q(status=PdfJobStatus.RUNNING, task_id=task_id)
    claimed = PdfJob.objects.filter(claimable, pk=job_id).update(
        status=PdfJobStatus.RUNNING,
        progress=5,
        message=message,
        task_id=task_id,
        runs=F("runs") + 1,
        updated_at=timezone.now(),
    )
    if not claimed:
        return None
    return PdfJob.objects.select_related("owner").get(pk=job_id)


def _current(job):
    """The job's row while it is still this run's: running at the attempt it claimed."""
    return PdfJob.objects.filter(pk=job.pk, status=PdfJobStatus.RUNNING, attempt=job.attempt)


def job_progress(job):
    """progress(percent, message): records the job's progress (one UPDATE), its heartbeat."""

    def progress(percent, message):
        job.progress, job.message = percent, message  # so a failure keeps the bar where it stopped
        _current(job).update(progress=percent, message=message, updated_at=timezone.now())

    return progress


def job_save(job):
    """Write the run's outcome, unless the sweeper gave up on this run meanwhile."""
    job.updated_at = timezone.now()
    fields = ("status", "progress", "message", "file", "finished_at", "updated_at")
    saved = _current(job).update(**{name: getattr(job, name) for name in fields})
    if not saved:
        logger.warning("job %s: the run ended after the sweeper had taken the job up again", job.pk)
    return bool(saved)


def job_failed(job, exc):
    """Mark the job failed (the caller saves it). A ValidationError is written for the user; any
    other error's text (SQL, file paths, a traceback's last line) belongs in the log, not on the
    page."""
    logger.error("job %s (%s) failed", job.pk, job.report, exc_info=exc)
    detail = "；".join(exc.messages) if isinstance(exc, ValidationError) else _("系统内部错误，详情已记入日志")
    message = _("生成失败：%(error)s") % {"error": detail}
    job.status, job.message = PdfJobStatus.FAILED, message[: PdfJob._meta.get_field("message").max_length]


def pdf_job_run(*, job_id, task_id=""):
    """Render a queued job (see job_claim for a task delivered twice)."""
    job = job_claim(job_id, task_id, _("开始生成"))
    if job is None:
        return None
    progress = job_progress(job)
    try:
        spec = pdf_reports[job.report]  # inside the try: a report removed since the job was queued fails the job
        context = spec.build_context(job, progress)
        progress(50, _("正在排版"))
        pdf = render_pdf(spec.template, {**context, "title": job.title}, progress=progress)
        job.file.save(f"{job.report.replace('.', '-')}-{job.pk}.pdf", ContentFile(pdf), save=False)
        job.status, job.progress, job.message = PdfJobStatus.DONE, 100, _("已完成")
    except Exception as exc:  # the user must see that it failed, not wait forever
        job_failed(job, exc)
    finally:
        job.finished_at = timezone.now()
        job_save(job)
    return job
