"""A list export too large to be the answer of its request (more than EXPORT_INLINE_MAX_ROWS rows)
as a background job: a PdfJob of kind xlsx, written by a Celery task with progress, downloaded
from the job's page. The task rebuilds the rows from what the job keeps: the list's query string
and its owner, whose visibility (visible_to) and permission hold when it runs."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import JobKind, PdfJob, PdfJobStatus
from ..registries import xlsx_exports
from .pdf import job_claim, job_enqueue, job_failed, job_progress, job_save

logger = logging.getLogger(__name__)


@transaction.atomic
def xlsx_job_start(*, key, user, query, filename, total) -> PdfJob:
    """Queue the export `key` of the list filtered by `query` (a query string); `total` rows at
    the time, for the title. The task starts after this transaction commits; a broker that is
    down leaves the job waiting (see services.pdf.job_enqueue), not the user with an error."""
    spec = xlsx_exports.get(key)
    if spec is None:
        raise ValidationError(_("未知的导出。"))
    if spec.permission and not user.has_perm(spec.permission):
        raise PermissionDenied
    title = _("%(what)s导出（%(n)s 条）") % {"what": spec.title, "n": f"{total:,}"}
    job = PdfJob.objects.create(
        owner=user,
        township_id=user.township_id,
        kind=JobKind.XLSX,
        report=key,
        params={"query": query, "filename": filename, "language": translation.get_language() or ""},
        title=title[: PdfJob._meta.get_field("title").max_length],
    )
    from ..tasks import export_xlsx_job

    job_enqueue(export_xlsx_job, job.pk)
    return job


def xlsx_job_run(*, job_id, task_id=""):
    """Write a queued export (a task delivered twice writes it once, see services.pdf.job_claim).
    Progress: 5 % when claimed, then up to 95 % as the rows are written, 100 % with the file."""
    job = job_claim(job_id, task_id, _("开始导出"))
    if job is None:
        return None
    progress = job_progress(job)
    handle = None
    try:
        spec = xlsx_exports[job.report]  # inside the try: an export removed since fails the job
        owner = job.owner
        if not owner.is_active or (spec.permission and not owner.has_perm(spec.permission)):
            raise ValidationError(_("您已没有导出该列表的权限。"))
        params = job.params or {}
        with translation.override(params.get("language") or settings.LANGUAGE_CODE):
            table = spec.table(owner, QueryDict(params.get("query", "")))
            total = table.rows.count()
            shown = [5]

            def written(rows):
                percent = min(95, 5 + 90 * rows // max(total, 1))
                if percent > shown[0]:  # one UPDATE per per cent at most
                    shown[0] = percent
                    progress(percent, _("已写入 %(n)s / %(t)s 条") % {"n": f"{rows:,}", "t": f"{total:,}"})

            handle = table.write(progress=written)
        name = f"{job.report.replace('.', '-')}-{job.pk}.xlsx"
        job.file.save(name, File(handle, name=name), save=False)
        job.status, job.progress, job.message = PdfJobStatus.DONE, 100, _("已完成")
    except Exception as exc:  # the user must see that it failed, not wait forever
        job_failed(job, exc)
    finally:
        if handle is not None:
            handle.close()
        job.finished_at = timezone.now()
        job_save(job)  # unless the sweeper took the job up again meanwhile
    return job
