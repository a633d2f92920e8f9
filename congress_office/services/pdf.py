import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def _send(task, job_id):
    """Hand the job to the broker. When the broker is down the user's request still succeeds: the
    job waits and says so, and the beat's sweep (job_resend_waiting) sends it again."""
    try:
        task.delay(str(job_id))
    except Exception:  # kombu's OperationalError and the like: the broker, not the user's data
        logger.warning("job %s: the task queue is unreachable; the sweep will retry", job_id, exc_info=True)
        PdfJob.objects.filter(pk=job_id, status=PdfJobStatus.PENDING).update(message=str(QUEUE_DOWN))


def job_enqueue(task, job_id):
    """Send the job's task once the transaction that created the job commits."""
    transaction.on_commit(lambda: _send(task, job_id))


def job_resend_waiting(now=None):
    """The beat's sweep: a job still queued JOB_RESEND_SECONDS after it was created (its message
    never reached the broker, or was lost) is sent again; a job is claimed once, so a duplicate
    message does nothing. Jobs older than a day are left: their user has long gone."""
    from ..tasks import export_xlsx_job, render_pdf_job

    now = now or timezone.now()
    waiting = PdfJob.objects.filter(
        status=PdfJobStatus.PENDING,
        created_at__lt=now - timedelta(seconds=settings.JOB_RESEND_SECONDS),
        created_at__gte=now - timedelta(days=1),
    )
    sent = 0
    for job_id, kind in waiting.values_list("pk", "kind"):
        task = export_xlsx_job if kind == JobKind.XLSX else render_pdf_job
        try:
            task.delay(str(job_id))
        except Exception:
            logger.warning("job %s: the task queue is still unreachable", job_id, exc_info=True)
            break
        PdfJob.objects.filter(pk=job_id, status=PdfJobStatus.PENDING).update(message="")
        sent += 1
    return sent


def job_claim(job_id, task_id, message):
    """The job, now running under `task_id`, or None. A job finished, or running under another
    task, is left alone (the task may be delivered twice); the same task delivered again after its
    worker died (acks_late, reject_on_worker_lost) takes the job up again instead of leaving it
    "running" for ever."""
    claimable = Q(status=PdfJobStatus.PENDING)
    if task_id:
        claimable |= Q(status=PdfJobStatus.RUNNING, task_id=task_id)
    claimed = PdfJob.objects.filter(claimable, pk=job_id).update(
        status=PdfJobStatus.RUNNING, progress=5, message=message, task_id=task_id
    )
    if not claimed:
        return None
    return PdfJob.objects.select_related("owner").get(pk=job_id)


def job_progress(job):
    """progress(percent, message): records the job's progress (one UPDATE)."""

    def progress(percent, message):
        job.progress, job.message = percent, message  # so a failure keeps the bar where it stopped
        PdfJob.objects.filter(pk=job.pk).update(progress=percent, message=message)

    return progress


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
        job.save()
    return job
