"""Several PDFs of one report as ONE job, downloaded as a .zip (打印全部通知, 导出全年履职档案).

A zip job is a PdfJob of kind ZIP: `report` names the pdf_reports entry every document is
rendered with, `params["items"]` lists the documents, each {"params": {...}, "name": "....pdf"}
(the params that report's build_context reads, the file name inside the zip). The run renders
them one by one through the report's own build_context, which re-checks the job owner's
visibility of each record, so a record the owner may not (or no longer) see fails the job; the
page then says which item failed. The progress reads "已生成 12/48". The finished zip expires
like every job file (JOB_FILE_KEEP_DAYS, services.pdf.job_files_expire).
"""

import re
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import JobKind, PdfJob, PdfJobStatus
from ..pdf import render_pdf
from ..registries import pdf_reports
from .pdf import job_claim, job_enqueue, job_failed, job_progress, job_save

# the most documents one zip job renders (the batch pages cap the selection at the same number)
ZIP_MAX_ITEMS = 200
# characters a file name inside the zip must not carry (path separators, Windows' reserved ones)
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class ZipItemJob:
    """What a report's build_context(job, progress) reads of one document of a zip job: the
    zip job's owner and township, the document's own params."""

    pk: object
    owner: object
    township_id: object
    report: str
    title: str
    params: dict = field(default_factory=dict)


def safe_name(name, extension="pdf"):
    """A file name fit for a zip entry: no path separators nor reserved characters, the extension."""
    name = UNSAFE_NAME.sub("-", str(name)).strip(" .-") or "document"
    suffix = f".{extension}"
    return name if name.lower().endswith(suffix) else f"{name}{suffix}"


def unique_names(names):
    """The names, each made unique within the list: a second "2026-张三-履职档案.pdf" becomes
    "2026-张三-履职档案(2).pdf" (two deputies of the same name)."""
    seen, result = set(), []
    for name in names:
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{stem}({n}).{extension}" if extension else f"{stem}({n})"
        seen.add(candidate.lower())
        result.append(candidate)
    return result


@transaction.atomic
def pdf_zip_job_start(*, report, user, items, title, filename) -> PdfJob:
    """Queue a zip of `report` rendered once per item ({"params": {...}, "name": "x.pdf"});
    the task starts after this transaction commits (through the outbox, like every job)."""
    spec = pdf_reports.get(report)
    if spec is None:
        raise ValidationError(_("未知的报表。"))
    if spec.permission and not user.has_perm(spec.permission):
        raise PermissionDenied
    if not items:
        raise ValidationError(_("没有可生成的文件。"))
    if len(items) > ZIP_MAX_ITEMS:
        raise ValidationError(_("一次最多生成 %(n)s 份文件，请分批生成。") % {"n": ZIP_MAX_ITEMS})
    names = unique_names([safe_name(item["name"]) for item in items])
    entries = [
        {"params": {key: str(value) for key, value in (item.get("params") or {}).items()}, "name": name}
        for item, name in zip(items, names, strict=True)
    ]
    job = PdfJob.objects.create(
        owner=user,
        township_id=user.township_id,
        kind=JobKind.ZIP,
        report=report,
        params={"items": entries, "filename": safe_name(filename, "zip")},
        title=str(title)[: PdfJob._meta.get_field("title").max_length],
    )
    from ..tasks import render_zip_job

    job_enqueue(render_zip_job, job.pk)
    return job


def _quiet(percent, message):
    """The progress of one document inside a zip job: the job reports per document instead."""


def pdf_zip_job_run(*, job_id, task_id=""):
    """Render a queued zip job document by document (see job_claim for a task delivered twice).
    A document that fails fails the job, naming it; nothing half-written is offered."""
    job = job_claim(job_id, task_id, _("开始生成"))
    if job is None:
        return None
    progress = job_progress(job)
    entries = (job.params or {}).get("items") or []
    total = len(entries)
    current = None
    try:
        spec = pdf_reports[job.report]
        with tempfile.TemporaryFile() as scratch:
            with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for index, entry in enumerate(entries, start=1):
                    current = (index, entry["name"])
                    item_job = ZipItemJob(
                        pk=job.pk,
                        owner=job.owner,
                        township_id=job.township_id,
                        report=job.report,
                        title=str(spec.title),
                        params=dict(entry.get("params") or {}),
                    )
                    context = spec.build_context(item_job, _quiet)
                    pdf = render_pdf(spec.template, {**context, "title": str(spec.title)})
                    archive.writestr(entry["name"], pdf)
                    progress(
                        5 + 90 * index // max(total, 1),
                        _("已生成 %(done)s/%(total)s") % {"done": index, "total": total},
                    )
                current = None
            scratch.seek(0)
            job.file.save(f"{job.report.replace('.', '-')}-{job.pk}.zip", File(scratch), save=False)
        job.status, job.progress = PdfJobStatus.DONE, 100
        job.message = _("已完成，共 %(total)s 份") % {"total": total}
    except Exception as exc:  # the user must see that it failed, and on which document
        job_failed(job, exc)
        if current is not None:
            index, name = current
            prefix = _("第 %(index)s/%(total)s 份「%(name)s」") % {"index": index, "total": total, "name": name}
            limit = PdfJob._meta.get_field("message").max_length
            job.message = f"{prefix}{job.message}"[:limit]
    finally:
        job.finished_at = timezone.now()
        job_save(job)
    return job
