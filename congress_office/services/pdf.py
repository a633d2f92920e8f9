import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PdfJob, PdfJobStatus
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

    transaction.on_commit(lambda: render_pdf_job.delay(str(job.pk)))
    return job


def _set_progress(job, percent, message):
    PdfJob.objects.filter(pk=job.pk).update(progress=percent, message=message)


def pdf_job_run(*, job_id, task_id=""):
    """Render a queued job. A job finished, or running under another task, is left alone (the
    task may be delivered twice); the same task delivered again after its worker died (acks_late,
    reject_on_worker_lost) takes the job up again instead of leaving it "running" for ever."""
    claimable = Q(status=PdfJobStatus.PENDING)
    if task_id:
        claimable |= Q(status=PdfJobStatus.RUNNING, task_id=task_id)
    claimed = PdfJob.objects.filter(claimable, pk=job_id).update(
        status=PdfJobStatus.RUNNING, progress=5, message=_("开始生成"), task_id=task_id
    )
    if not claimed:
        return None
    job = PdfJob.objects.select_related("owner").get(pk=job_id)

    def progress(percent, message):
        job.progress, job.message = percent, message  # so a failure keeps the bar where it stopped
        _set_progress(job, percent, message)

    try:
        spec = pdf_reports[job.report]  # inside the try: a report removed since the job was queued fails the job
        context = spec.build_context(job, progress)
        progress(50, _("正在排版"))
        pdf = render_pdf(spec.template, {**context, "title": job.title}, progress=progress)
        job.file.save(f"{job.report.replace('.', '-')}-{job.pk}.pdf", ContentFile(pdf), save=False)
        job.status, job.progress, job.message = PdfJobStatus.DONE, 100, _("已完成")
    except Exception as exc:  # the user must see that it failed, not wait forever
        logger.exception("PDF job %s failed", job_id)
        # A ValidationError is written for the user; any other error's text (SQL, file paths,
        # a traceback's last line) belongs in the log, not on the page.
        detail = "；".join(exc.messages) if isinstance(exc, ValidationError) else _("系统内部错误，详情已记入日志")
        message = _("生成失败：%(error)s") % {"error": detail}
        job.status, job.message = PdfJobStatus.FAILED, message[: PdfJob._meta.get_field("message").max_length]
    finally:
        job.finished_at = timezone.now()
        job.save()
    return job
