import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .places import Township


class PdfJobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class JobKind(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"
    # several PDFs of one report (one per selected record) in one .zip (services.pdf_zip)
    ZIP = "zip", "ZIP"


# what a finished job's file is: (content type, extension)
JOB_FORMATS = {
    JobKind.PDF: ("application/pdf", "pdf"),
    JobKind.XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    JobKind.ZIP: ("application/zip", "zip"),
}


def job_file_path(job, filename):
    """A PDF (or a zip of PDFs) under pdf/ as before, a list export under exports/."""
    folder = "pdf" if job.kind in (JobKind.PDF, JobKind.ZIP) else "exports"
    return f"{folder}/{timezone.now():%Y/%m}/{filename}"


class PdfJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class PdfJob(models.Model):
    """A long PDF render, or a large list export to .xlsx (`kind`), run by a Celery task; the
    page polls its progress and offers the file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pdf_jobs")
    township = models.ForeignKey(Township, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=JobKind.choices, default=JobKind.PDF)
    # the key of the job's entry in pdf_reports, or in xlsx_exports for an .xlsx job
    report = models.CharField(_("报表"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=PdfJobStatus.choices, default=PdfJobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(_("说明"), max_length=200, blank=True)
    file = models.FileField(_("文件"), upload_to=job_file_path, blank=True)
    # the Celery task that claimed the job: a redelivery of that task (its worker died) may resume it
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # the heartbeat: set when the job is queued, claimed, makes progress or ends; the sweeper
    # (services.pdf.job_sweep_stuck) takes up a job queued or running too long without it
    updated_at = models.DateTimeField(default=timezone.now)
    # how many times the sweeper queued the job again; a run writes only while the job is still
    # at the attempt it claimed, so a run the sweeper gave up on cannot overwrite the new one
    attempt = models.PositiveSmallIntegerField(_("重新提交次数"), default=0)
    runs = models.PositiveSmallIntegerField(_("运行次数"), default=0)  # claims by a task
    # what the sweeper did, shown on the job's page (the message is the run's progress)
    notice = models.CharField(_("提示"), max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PdfJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("PDF 生成任务")
        verbose_name_plural = _("PDF 生成任务")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="pdfjob_progress_max_100"),
        ]
        indexes = [
            # the sweeper's scan every minute: the jobs not finished, a small part of the table
            models.Index(
                fields=["updated_at"],
                condition=models.Q(status__in=["pending", "running"]),
                name="pdfjob_unfinished_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:pdfjob_detail", args=[self.pk])

    @property
    def content_type(self):
        return JOB_FORMATS[self.kind][0]

    @property
    def extension(self):
        return JOB_FORMATS[self.kind][1]

    @property
    def download_name(self):
        return (self.params or {}).get("filename") or f"{self.title}.{self.extension}"

    @property
    def is_finished(self):
        return self.status in (PdfJobStatus.DONE, PdfJobStatus.FAILED)
