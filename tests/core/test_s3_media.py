# ruff: noqa: F811  (the fixtures imported from test_archive_package are redefined as arguments)
"""Media on S3-compatible storage (issue 13 item 10): the attachment journeys through the pages,
each run twice, on the filesystem and on a local S3 server (moto in server mode, started by the
session fixture in tests/conftest.py). On S3 every file is an object of the bucket, nothing is
written under MEDIA_ROOT, the objects are private and reached only through our access-checked
views, a missing object is a 404, and deleting a file deletes its object."""

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from congress_office.models import ArchiveExport, ArchiveFile, ExportStatus, PdfJob, PdfJobStatus
from congress_office.roles import Role
from congress_office.services.archive_export import archive_export_delete_files, export_dir, package_root
from deputies.choices import ActivityType
from deputies.models import Activity
from petitions.models import Petition, PetitionAttachment
from tests.conftest import S3_TEST_OPTIONS
from tests.petitions.office_fixtures import petition_form_data, png_bytes

from .test_archive_package import YEAR, archived, fonds, section  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


class Media:
    """What the journeys look at in the storage under test: the bucket's objects, or the files
    under MEDIA_ROOT."""

    def __init__(self, kind, root, bucket=None):
        self.kind, self.root, self.bucket = kind, Path(root), bucket

    @property
    def on_s3(self):
        return self.bucket is not None

    def local_files(self):
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())

    def keys(self):
        if self.on_s3:
            return sorted(o.key for o in self.bucket.objects.all())
        return self.local_files()

    def read(self, name):
        if self.on_s3:
            return self.bucket.Object(name).get()["Body"].read()
        return (self.root / name).read_bytes()

    def check_nothing_local(self):
        """On S3, nothing at all under MEDIA_ROOT (on the filesystem the files are there: keys() lists them)."""
        if self.on_s3:
            assert self.local_files() == []


@pytest.fixture(params=["filesystem", "s3"])
def media(request, settings):
    if request.param == "s3":
        bucket = request.getfixturevalue("s3_storage")
        assert default_storage.__class__.__name__ == "S3Storage"
        return Media("s3", settings.MEDIA_ROOT, bucket)
    assert default_storage.__class__.__name__ == "FileSystemStorage"
    return Media("filesystem", settings.MEDIA_ROOT)


def body(response):
    return b"".join(response.streaming_content)


# --- the settings ------------------------------------------------------------------------------


def settings_of(**env):
    """STORAGES["default"] and ARCHIVE_WORK_DIR as settings.base builds them from `env`."""
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.STORAGES['default'], settings.ARCHIVE_WORK_DIR]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "DJANGO_", "ARCHIVE_WORK_DIR"))}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "congress_office.settings.base", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_s3_settings_make_a_private_s3_default_storage_and_the_filesystem_stays_the_default():
    storage, work_dir = settings_of(
        S3_BUCKET="congress-media",
        S3_ENDPOINT_URL="http://minio.intranet:9000",
        S3_ACCESS_KEY_ID="testing",
        S3_SECRET_ACCESS_KEY="testing",
        S3_ADDRESSING_STYLE="path",
    )
    assert storage == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**S3_TEST_OPTIONS, "bucket_name": "congress-media", "endpoint_url": "http://minio.intranet:9000"},
    }
    assert work_dir == str(ROOT / "var" / "archive-work")  # the package's scratch folder, not the media

    assert settings_of() == [{"BACKEND": "django.core.files.storage.FileSystemStorage"}, ""]


# --- petition attachments ------------------------------------------------------------------------


def test_a_petition_attachment_is_stored_and_served_through_the_access_check(
    media, client_for, clerk, other_clerk, moto_s3
):
    pdf_a, pdf_b = PDF + b"% first\n", PDF + b"% second\n"
    client = client_for(clerk)
    for title, data in (("第一件", pdf_a), ("第二件", pdf_b)):
        uploads = [SimpleUploadedFile("材料.pdf", data, "application/pdf")]
        if title == "第一件":
            uploads.append(SimpleUploadedFile("现场照片.png", png_bytes(), "image/png"))
        response = client.post(
            reverse("petitions:petition_create"), petition_form_data(title=title, attachments=uploads)
        )
        assert response.status_code == 302, response.content.decode()[:2000]

    first, second = Petition.objects.order_by("pk")
    pdf_row = first.attachments.get(name="材料.pdf")
    png_row = first.attachments.get(name="现场照片.png")
    other_pdf = second.attachments.get()
    names = [pdf_row.file.name, png_row.file.name, other_pdf.file.name]
    assert len(set(names)) == 3  # the same file name twice keeps both, on S3 as on the filesystem
    assert set(names) <= set(media.keys())

    download = client.get(reverse("petitions:attachment_download", args=[pdf_row.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert body(download) == pdf_a == media.read(pdf_row.file.name)
    assert body(client.get(reverse("petitions:attachment_download", args=[other_pdf.pk]))) == pdf_b
    photo = client.get(reverse("petitions:attachment_download", args=[png_row.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert body(photo) == media.read(png_row.file.name) and media.read(png_row.file.name).startswith(b"\x89PNG")

    for row in (pdf_row, png_row):
        assert client_for(other_clerk).get(reverse("petitions:attachment_download", args=[row.pk])).status_code == 404
    detail = client_for(clerk).get(first.get_absolute_url()).content.decode()
    assert moto_s3.split("//")[1] not in detail and "X-Amz-" not in detail  # no link to the bucket itself
    media.check_nothing_local()


def test_on_s3_the_objects_are_private_and_a_lost_object_is_a_404(s3_storage, client_for, clerk, township):
    from tests.petitions.factories import register_petition

    petition = register_petition(township=township, by=clerk)
    PetitionAttachment.objects.create(
        petition=petition, file=SimpleUploadedFile("材料.pdf", PDF, "application/pdf"), name="材料.pdf", size=len(PDF)
    )
    row = petition.attachments.get()
    grants = s3_storage.Object(row.file.name).Acl().grants
    assert all("AllUsers" not in str(g["Grantee"]) and "AuthenticatedUsers" not in str(g["Grantee"]) for g in grants)
    url = row.file.url  # only ever a short-lived signed link, never a public one
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url

    s3_storage.Object(row.file.name).delete()
    response = client_for(clerk).get(reverse("petitions:attachment_download", args=[row.pk]))
    assert response.status_code == 404


def test_deleting_an_attachment_deletes_its_object(media, township, clerk):
    from tests.petitions.factories import register_petition

    petition = register_petition(township=township, by=clerk)
    row = PetitionAttachment.objects.create(
        petition=petition, file=SimpleUploadedFile("材料.pdf", PDF, "application/pdf"), name="材料.pdf", size=len(PDF)
    )
    name = row.file.name
    assert name in media.keys()

    row.file.delete(save=False)
    row.delete()

    assert name not in media.keys()
    assert not default_storage.exists(name)
    media.check_nothing_local()


# --- a deputy's activity photo -------------------------------------------------------------------


@pytest.fixture
def deputy(township, users):
    from tests.deputies.factories import DeputyFactory, DistrictFactory, TermFactory

    term = TermFactory(township=township)
    district = DistrictFactory(term=term, name="东风村选区", seats=3)
    return DeputyFactory(term=term, district=district, name="张桂兰", user=users[Role.DEPUTY])


def test_a_deputy_activity_photo_is_stored_shown_and_refused_to_another_township(
    media, client_for, users, deputy, other_clerk
):
    client = client_for(users[Role.DEPUTY])
    photo = png_bytes()
    response = client.post(
        reverse("deputies:activity_create"),
        {
            "type": ActivityType.CONTACT_VOTERS,
            "date": timezone.localdate().isoformat(),
            "place": "东风村委会",
            "title": "走访东风村选民",
            "summary": "听取选民对村道修缮的意见。",
            "outcome": "",
            "photos": [SimpleUploadedFile("现场照片.png", photo, "image/png")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Activity.objects.get().attachments.get()
    assert attachment.file.name in media.keys()

    full = client.get(reverse("deputies:activity_attachment", args=[attachment.pk]))
    assert full.status_code == 200 and full["Content-Type"] == "image/png"
    assert body(full) == media.read(attachment.file.name)
    thumb = client.get(reverse("deputies:activity_thumbnail", args=[attachment.pk]))  # Pillow reads the object
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert client_for(other_clerk).get(reverse("deputies:activity_attachment", args=[attachment.pk])).status_code == 404
    media.check_nothing_local()


# --- a PDF job's file ----------------------------------------------------------------------------


def test_a_pdf_job_file_is_written_by_the_job_and_downloaded_by_its_owner_only(
    media, client, clerk, users, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):  # eager: the job runs in-process
        client.post(reverse("core:pdfjob_start", args=["core.deadline_overview"]))
    job = PdfJob.objects.get(owner=clerk)
    assert job.status == PdfJobStatus.DONE, job.message
    assert job.file.name in media.keys()

    download = client.get(reverse("core:pdfjob_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    data = body(download)
    assert data.startswith(b"%PDF") and data == media.read(job.file.name)
    client.force_login(users[Role.CHAIR])
    assert client.get(reverse("core:pdfjob_download", args=[job.pk])).status_code == 404
    media.check_nothing_local()

    default_storage.delete(job.file.name)  # lost from the storage: a 404, not a 500
    client.force_login(clerk)
    assert client.get(reverse("core:pdfjob_download", args=[job.pk])).status_code == 404


# --- the annual archive package ------------------------------------------------------------------


def test_the_archive_package_is_saved_to_the_storage_and_any_node_serves_and_verifies_it(
    media, archived, users, client_for, make_user, other_township, django_capture_on_commit_callbacks
):
    client = client_for(users[Role.AUDITOR])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:archive_export_start"), {"year": YEAR})
    export = ArchiveExport.objects.get()
    assert export.status == ExportStatus.DONE, export.message
    assert export.package == f"archive/exports/{export.pk}/{export.package.rsplit('/', 1)[-1]}"
    keys = media.keys()
    assert export.package in keys
    rendered = list(ArchiveFile.objects.values_list("file", flat=True))
    assert rendered and set(rendered) <= set(keys)  # the items' rendered files are objects too
    work = export_dir(export)
    assert not list(work.glob(".*.zip"))  # the zip built on local disk went to the storage
    if media.on_s3:
        assert not list(work.rglob("*.zip"))

    download = client.get(reverse("core:archive_export_download", args=[export.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    data = body(download)
    assert data == media.read(export.package) and len(data) == export.package_size
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert any(name.endswith("文件目录.xml") for name in archive.namelist())
    stranger = make_user(Role.AUDITOR, other_township, username="other_auditor")
    assert client_for(stranger).get(reverse("core:archive_export_download", args=[export.pk])).status_code == 404
    client = client_for(users[Role.AUDITOR])

    shutil.rmtree(package_root(export))  # a web node that did not build it has no working folder
    verified = client.post(reverse("core:archive_export_verify", args=[export.pk])).content.decode()
    assert 'alert-success" data-testid="verify-result"' in verified and "通过：" in verified  # from the stored zip
    media.check_nothing_local()

    archive_export_delete_files(export)
    assert export.package not in media.keys()
    assert client.get(reverse("core:archive_export_download", args=[export.pk])).status_code == 404
