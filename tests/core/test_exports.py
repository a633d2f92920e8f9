"""The list exports to .xlsx (congress_office.xlsx, issue 12): written in write-only mode from
a chunked iterator, no row cap; up to EXPORT_INLINE_MAX_ROWS rows the file is the answer, above
it a job (a PdfJob of kind xlsx) that the real Celery worker writes, with progress and a
download only its owner may fetch; the broker down leaves the job waiting, not the user with a
500; 20,000 rows add less than 100 MiB."""

import ctypes
import gc
import io
import os
import time
import zipfile
from datetime import date, datetime, timedelta
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from congress_office import crypto
from congress_office.models import JobKind, PdfJob, PdfJobStatus
from congress_office.outbox import flush
from congress_office.roles import Role
from congress_office.services.pdf import QUEUE_DOWN
from congress_office.xlsx import XLSX
from deputies.services.register_io import COLUMNS, EXPORT_EXTRA, read_table
from petitions.choices import Category, Channel, PetitionState
from petitions.models import Petition
from petitions.services.export import HEADERS

from ..deputies.factories import DeputyFactory, DeputyGroupFactory, DistrictFactory, TermFactory
from ..petitions.factories import register_petition, subject
from . import test_archive_broker
from .conftest import wait_until

EXPORT = reverse("petitions:petition_export")
FORMULA = '=HYPERLINK("http://x","点我")'
RAW_PHONE, RAW_ID = "13812345678", "320102197503081234"
MASKED_PHONE, MASKED_ID = "138****5678", "3201**********1234"
MIB = 1024 * 1024

own_broker = test_archive_broker.own_broker  # a Redis of the test's own, stopped and started again


def workbook_rows(data):
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def download_url(job):
    return reverse("core:pdfjob_download", args=[job.pk])


# --- a small export is the download itself ------------------------------------------------------


def test_a_small_export_is_the_file_masked_with_formulas_kept_as_text(client_for, clerk, township):
    register_petition(township=township, by=clerk, title=FORMULA)
    register_petition(township=township, by=clerk, title="村道损毁", received_on=date(2026, 11, 3))

    response = client_for(clerk).get(EXPORT)

    assert response.status_code == 200 and response.streaming  # the temporary file, streamed
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    book = load_workbook(io.BytesIO(response.getvalue()))
    sheet = book.active
    assert sheet.title == "信访件"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADERS and len(rows) == 3
    by_title = {row[6]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    formula = by_title["'" + FORMULA]  # kept as text: a "'" first, a string cell, never a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert (formula["联系电话"], formula["身份证号"]) == (MASKED_PHONE, MASKED_ID)
    assert formula["乡镇"] == "青山镇" and formula["信访人"] == "王大山" and formula["状态"] == "待受理"
    assert formula["收到日期"] == datetime(2026, 11, 2)
    assert isinstance(formula["下一期限"], datetime)  # the acceptance deadline (next_due)
    assert by_title["村道损毁"]["收到日期"] == datetime(2026, 11, 3)
    dump = str(rows)
    assert RAW_PHONE not in dump and RAW_ID not in dump


def export_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(EXPORT)
        response.getvalue()
    return len(captured.captured_queries)


def test_an_export_costs_the_same_queries_for_2_and_12_rows(client_for, clerk, township):
    client = client_for(clerk)
    for n in range(2):
        register_petition(township=township, by=clerk, title=f"事由{n}")
    small = export_queries(client)
    for n in range(10):
        register_petition(township=township, by=clerk, title=f"另一事由{n}")
    assert export_queries(client) == small


def test_the_cipher_is_built_once_per_key_set(settings):
    assert crypto._fernet() is crypto._fernet()
    token = crypto.encrypt("13812345678")
    old_key = crypto._derived("field-encryption").decode()
    settings.FIELD_ENCRYPTION_KEYS = [crypto.Fernet.generate_key().decode(), old_key]
    assert crypto._fernet() is crypto._fernet()
    assert crypto.decrypt(token) == "13812345678"  # the old key still decrypts


# --- above the threshold: a job --------------------------------------------------------------------


def test_the_register_above_the_threshold_is_a_job_whose_file_imports_again(
    settings, client_for, clerk, township, django_capture_on_commit_callbacks
):
    """Eager tasks: the job is written when the request's callbacks run."""
    settings.EXPORT_INLINE_MAX_ROWS = 1
    term = TermFactory(township=township)
    district = DistrictFactory(term=term, name="东风村选区", seats=3)
    group = DeputyGroupFactory(term=term, name="东风片代表小组")
    for name in ("甲一", "甲二"):
        DeputyFactory(term=term, name=name, district=district, group=group, work_unit="-村委会主任")
    client = client_for(clerk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("deputies:deputy_export"), {"group": group.pk})

    job = PdfJob.objects.get(owner=clerk)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.kind, job.status, job.progress) == (JobKind.XLSX, PdfJobStatus.DONE, 100)
    assert job.title == "代表名册导出（2 条）" and job.file.name.startswith("exports/")
    assert job.params["query"] == f"group={group.pk}"
    download = client.get(download_url(job))
    assert download["Content-Type"] == XLSX and "代表名册-" in unquote(download["Content-Disposition"])
    data = download.getvalue()
    rows = read_table(SimpleUploadedFile("导出.xlsx", data))
    assert [r["姓名"] for r in rows] == ["甲一", "甲二"]
    assert rows[0]["工作单位及职务"] == "-村委会主任"  # defused in the file, read back as it was
    assert workbook_rows(data)[0] == list(COLUMNS) + EXPORT_EXTRA


def test_a_job_whose_owner_lost_the_permission_fails(settings, client_for, clerk, township):
    from congress_office.services.exports import xlsx_job_run

    register_petition(township=township, by=clerk)
    job = PdfJob.objects.create(
        owner=clerk, township=township, kind=JobKind.XLSX, report="petitions.petitions", title="信访件导出（1 条）"
    )
    clerk.is_active = False
    clerk.save()

    xlsx_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == PdfJobStatus.FAILED and "权限" in job.message and not job.file


@pytest.mark.real_worker
@pytest.mark.xdist_group("worker")
@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_written_by_the_worker_for_its_owner_only(
    celery_worker, role_groups, settings, township, other_township, make_user, client
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    clerk = make_user(Role.CLERK, township, username="clerk")
    chair = make_user(Role.CHAIR, township, username="chair")
    other_clerk = make_user(Role.CLERK, other_township, username="other_clerk")
    for n in range(5):
        register_petition(township=township, by=clerk, title=f"事由{n}")
    for n in range(2):
        register_petition(township=other_township, by=other_clerk, title=f"外乡事由{n}")
    client.force_login(clerk)

    with celery_worker.routing():
        response = client.get(EXPORT)

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.kind, job.owner, job.title) == (JobKind.XLSX, clerk, "信访件导出（5 条）")

    def finished():
        job.refresh_from_db()
        return job.is_finished

    wait_until(finished, timeout=120, interval=0.2, message="the export job to finish")
    assert (job.status, job.progress) == (PdfJobStatus.DONE, 100), job.message
    page = client.get(job.get_absolute_url()).content.decode()
    assert "下载 Excel" in page and download_url(job) in page and 'data-status="done"' in page

    download = client.get(download_url(job))
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    assert "attachment" in download["Content-Disposition"] and ".xlsx" in download["Content-Disposition"]
    rows = workbook_rows(download.getvalue())
    assert rows[0] == HEADERS
    assert sorted(row[6] for row in rows[1:]) == [f"事由{n}" for n in range(5)]  # the owner's rows only
    assert {(row[8], row[9]) for row in rows[1:]} == {(MASKED_PHONE, MASKED_ID)}

    for user in (chair, other_clerk):  # a job is its owner's: anyone else gets 404
        client.force_login(user)
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.get(download_url(job)).status_code == 404


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_job_waits_and_is_sent_when_it_is_back(
    own_broker, role_groups, settings, township, make_user, client
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    clerk = make_user(Role.CLERK, township, username="clerk")
    for n in range(2):
        register_petition(township=township, by=clerk, title=f"事由{n}")
    client.force_login(clerk)

    own_broker.stop()
    started = time.monotonic()
    response = client.get(EXPORT)
    assert response.status_code == 302  # not a 500
    pdf = client.post(reverse("core:pdfjob_start", args=["core.deadline_overview"]))
    assert pdf.status_code == 302  # a PDF job likewise
    assert time.monotonic() - started < 60
    export = PdfJob.objects.get(kind=JobKind.XLSX)
    assert response.url == export.get_absolute_url()
    for job in PdfJob.objects.all():
        assert (job.status, job.message) == (PdfJobStatus.PENDING, str(QUEUE_DOWN))
    assert str(QUEUE_DOWN) in client.get(export.get_absolute_url()).content.decode()

    # the queue is back: the outbox's flush sends both jobs, their messages reach the queue
    broker = own_broker.start()
    assert flush(now=timezone.now() + timedelta(minutes=5))["sent"] == 2
    assert broker.llen(test_archive_broker.QUEUE) == 2
    messages = b"".join(broker.lrange(test_archive_broker.QUEUE, 0, -1))
    assert b"export_xlsx_job" in messages and b"render_pdf_job" in messages
    export.refresh_from_db()
    assert export.status == PdfJobStatus.PENDING and export.message == ""


# --- memory -----------------------------------------------------------------------------------------


def bulk_petitions(township, count):
    """`count` registered petitions written in batches (personal data through the model's
    encryption), without the service's deadlines."""
    topic = subject()
    rows = (
        Petition(
            township=township,
            state=PetitionState.REGISTERED,
            year=2026,
            sequence=n + 1,
            channel=Channel.LETTER if n % 2 else Channel.VISIT,
            category=Category.APPEAL,
            subject=topic,
            title=f"土地补偿款未足额发放（{n}）" if n % 97 else FORMULA,
            petitioner_name="王大山",
            address="青山镇东风村3组",
            phone=RAW_PHONE,
            id_number=RAW_ID,
            request="请求足额发放土地补偿款",
            facts="2025年征地后补偿款少发2万元",
            received_on=date(2026, 1, 1) + timedelta(days=n % 300),
        )
        for n in range(count)
    )
    batch = []
    for petition in rows:
        batch.append(petition)
        if len(batch) == 2000:
            Petition.objects.bulk_create(batch)
            batch = []
    Petition.objects.bulk_create(batch)


def _rss_kib():
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _sep, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def _release_free_memory():
    """Return what earlier work freed to the system, so that the export cannot reuse it unseen."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="needs Linux's /proc/self/clear_refs")
def test_an_export_of_20000_rows_adds_less_than_100_mib(settings, client_for, clerk, township):
    """The whole request in process (bounded count, chunked iterator, decryption and masking,
    write-only workbook in a temporary file, the streamed response): the peak resident memory it
    adds (the high-water mark reset before it; C allocations of lxml and psycopg counted too)
    stays under 100 MiB, and the test within 30 s."""
    started = time.monotonic()
    rows = 20_000
    settings.EXPORT_INLINE_MAX_ROWS = rows  # the download itself, in this request
    bulk_petitions(township, rows)
    client = client_for(clerk)
    client.get(reverse("petitions:petition_list"))  # the first request's imports and caches
    _release_free_memory()
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # VmHWM := VmRSS
    before = _rss_kib()["VmRSS"]

    response = client.get(EXPORT)
    written = 0
    with io.BytesIO() as copy:
        for chunk in response.streaming_content:
            written += len(chunk)
            copy.write(chunk)
        added_mib = (_rss_kib()["VmHWM"] - before) / 1024
        data = copy.getvalue()

    print(f"20,000-row export: {added_mib:.1f} MiB added, a {written / MIB:.1f} MiB file")
    assert response.status_code == 200
    assert added_mib < 100
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.read("xl/worksheets/sheet1.xml").count(b"<row ") == rows + 1  # the header and every row
    assert time.monotonic() - started < 30
