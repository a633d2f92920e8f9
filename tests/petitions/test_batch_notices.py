"""打印受理告知书 for the ticked petitions (petitions.views.batch): a confirmation naming each
notice (a petition not yet decided is skipped), one zip job of the notices, each PDF addressed
to its petitioner; other townships' petitions and other roles are refused."""

import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from congress_office.models import JobKind, PdfJob, PdfJobStatus
from congress_office.roles import Role
from petitions.services.registration import petition_accept, petition_decline

from .factories import register_petition

pytestmark = pytest.mark.django_db

NOTICES = reverse("petitions:petition_notice_zip")
LIST = reverse("petitions:petition_list")
DECIDED = date(2026, 11, 5)


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def petitions(township, clerk):
    accepted = register_petition(township=township, by=clerk, petitioner_name="王大山", phone="13812345670")
    petition_accept(petition=accepted, by=clerk, on=DECIDED)
    declined = register_petition(
        township=township, by=clerk, petitioner_name="李小梅", title="要求调换宅基地", phone="13812345671"
    )
    petition_decline(petition=declined, by=clerk, reason="该事项已经人民法院判决。", on=DECIDED)
    waiting = register_petition(township=township, by=clerk, petitioner_name="赵四", phone="13812345672")
    return {"accepted": accepted, "declined": declined, "waiting": waiting}


def test_the_list_offers_the_batch_to_who_decides_petitions(client_for, clerk, users, petitions):
    html = client_for(clerk).get(LIST).content.decode()
    assert 'data-testid="batch-notices"' in html and 'form="petition-batch"' in html and "js/batch.js" in html
    response = client_for(users[Role.AUDITOR]).get(LIST)
    assert response.status_code == 200 and 'form="petition-batch"' not in response.content.decode()


def test_the_confirmation_names_each_notice_and_skips_the_undecided(client_for, clerk, petitions):
    ids = [petitions[k].pk for k in ("accepted", "declined", "waiting")]
    response = client_for(clerk).post(NOTICES, {"ids": ids})

    assert response.status_code == 200
    items = {int(item.key): item for item in response.context["items"]}
    accepted, declined, waiting = (petitions[k] for k in ("accepted", "declined", "waiting"))
    assert items[accepted.pk].action == f"生成 {accepted.number}-受理告知书.pdf"
    assert items[declined.pk].action == f"生成 {declined.number}-不予受理告知书.pdf"
    assert items[waiting.pk].skip == "尚未作出受理决定"
    assert not PdfJob.objects.exists()


def test_confirm_renders_the_notices_into_one_zip(client_for, clerk, petitions, django_capture_on_commit_callbacks):
    ids = [petitions[k].pk for k in ("accepted", "declined", "waiting")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(clerk).post(NOTICES, {"ids": ids, "stage": "confirm"})

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.kind == JobKind.ZIP and job.status == PdfJobStatus.DONE, job.message
    accepted, declined = petitions["accepted"], petitions["declined"]
    with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        assert archive.namelist() == [f"{accepted.number}-受理告知书.pdf", f"{declined.number}-不予受理告知书.pdf"]
        first = pdf_text(archive.read(archive.namelist()[0]))
        second = pdf_text(archive.read(archive.namelist()[1]))
    assert "受理告知书" in first and "王大山" in first and "李小梅" not in first
    assert "不予受理告知书" in second and "李小梅" in second and "该事项已经人民法院判决" in second


def test_only_undecided_petitions_start_no_job(client_for, clerk, petitions):
    response = client_for(clerk).post(NOTICES, {"ids": [petitions["waiting"].pk], "stage": "confirm"})
    assert response.status_code == 302 and response.url == LIST
    assert not PdfJob.objects.exists()


def test_another_townships_petition_is_refused(client_for, clerk, petitions, other_township, other_clerk):
    foreign = register_petition(township=other_township, by=other_clerk, phone="13987654321")
    petition_accept(petition=foreign, by=other_clerk, on=DECIDED)
    response = client_for(clerk).post(NOTICES, {"ids": [petitions["accepted"].pk, foreign.pk], "stage": "confirm"})
    assert response.status_code == 404 and not PdfJob.objects.exists()


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_other_roles_may_not_print_the_notices(client_for, users, petitions, role):
    response = client_for(users[role]).post(NOTICES, {"ids": [petitions["accepted"].pk], "stage": "confirm"})
    assert response.status_code == 403 and not PdfJob.objects.exists()
