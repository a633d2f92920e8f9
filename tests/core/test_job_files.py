"""Finished jobs' files (a PDF, a list export with personal data) are deleted JOB_FILE_KEEP_DAYS
after they were made by the daily beat task; the job stays and its page says the file is gone."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from congress_office.models import JobKind, PdfJob, PdfJobStatus
from congress_office.tasks import expire_job_files

pytestmark = pytest.mark.django_db


def finished_job(owner, days_ago, kind=JobKind.XLSX):
    job = PdfJob.objects.create(
        owner=owner,
        township=owner.township,
        kind=kind,
        report="petitions.petition_list",
        title="信访件导出（3,000 条）",
        status=PdfJobStatus.DONE,
        progress=100,
        finished_at=timezone.now() - timedelta(days=days_ago),
    )
    job.file.save(f"export-{job.pk}.xlsx", ContentFile(b"PK\x03\x04 an export"), save=True)
    return job


def test_files_past_the_keeping_period_are_deleted_and_the_page_says_so(client, clerk, settings):
    settings.JOB_FILE_KEEP_DAYS = 7
    old, recent = finished_job(clerk, days_ago=8), finished_job(clerk, days_ago=2)
    old_name, recent_name = old.file.name, recent.file.name
    assert default_storage.exists(old_name) and default_storage.exists(recent_name)

    assert expire_job_files.run() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not default_storage.exists(old_name) and not old.file
    assert default_storage.exists(recent_name) and recent.file.name == recent_name
    client.force_login(clerk)
    html = client.get(old.get_absolute_url()).content.decode()
    assert "文件已超过保留期限并已删除" in html and 'data-testid="job-download"' not in html
    assert client.get(reverse("core:pdfjob_download", args=[old.pk])).status_code == 404
    assert client.get(reverse("core:pdfjob_download", args=[recent.pk])).status_code == 200
    assert expire_job_files.run() == 0  # nothing left to delete


def test_the_keeping_period_is_a_setting(clerk, settings):
    job = finished_job(clerk, days_ago=2)
    settings.JOB_FILE_KEEP_DAYS = 1
    assert expire_job_files.run() == 1
    job.refresh_from_db()
    assert not job.file
