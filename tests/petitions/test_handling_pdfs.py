# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""The printed documents of handling, rendered through the platform's PDF job (eager): the
督办单 with its red head, the 处理意见书, the 办结报告 and the 延期办理告知书. Each carries the
petition's number and its key words, with every font embedded; each reads through the job
owner's visibility (another unit's or another township's petition is not found)."""

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from congress_office.cases import Satisfaction
from congress_office.models import PdfJob, PdfJobStatus
from petitions.services.handling import (
    completion_report_file,
    leader_take_ownership,
    petition_approve_extension,
    petition_rate,
    petition_request_extension,
    petition_supervise,
)

from .handling_fixtures import (  # noqa: F401 (fixtures)
    accepted,
    assigned,
    co_handler,
    co_unit,
    lead_handler,
    replied,
    third_handler,
    third_unit,
)

ARTIFACTS = settings.BASE_DIR / "test-artifacts"


def squash(text):
    return re.sub(r"\s+", "", text)


def pdf_text(data):
    return squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def fonts(data):
    found = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in (page["/Resources"].get_object().get("/Font") or {}).values():
            font = ref.get_object()
            found[str(font.get("/BaseFont"))] = font
    return found


def is_embedded(font):
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def save_artifact(name, data):
    """Keep the PDF and a PNG of its first page (60 dpi) in test-artifacts/ to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(data)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTIFACTS / name)],
            check=True,
            timeout=60,
        )


def run_job(client, user, report, django_capture_on_commit_callbacks, **params):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:pdfjob_start", args=[report]), params)
    assert response.status_code == 302
    return PdfJob.objects.filter(owner=user, report=report).latest("created_at")


def download(client, job):
    assert (job.status, job.progress) == (PdfJobStatus.DONE, 100), job.message
    response = client.get(reverse("core:pdfjob_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def check_document(data, petition, *words):
    text = pdf_text(data)
    assert squash(str(petition.number)) in text
    for word in words:
        assert squash(word) in text, word
    found = fonts(data)
    assert found, "no fonts"
    assert all(is_embedded(font) for font in found.values()), list(found)
    return text


@pytest.fixture
def supervised(assigned, chair, clerk):
    leader_take_ownership(petition=assigned, by=chair)
    supervision, _job = petition_supervise(
        petition=assigned, by=chair, content="该事项群众反映强烈，请于一周内报送办理进展。"
    )
    return assigned, supervision


def test_the_supervision_notice(client, supervised, chair, django_capture_on_commit_callbacks):
    """督办单: the red head of the presidium, the notice's number, the unit, the deadline and
    the supervision opinion; the leader in charge is named."""
    petition, supervision = supervised
    job = run_job(
        client, chair, "petitions.supervision_notice", django_capture_on_commit_callbacks, supervision_id=supervision.pk
    )

    data = download(client, job)

    text = check_document(
        data,
        petition,
        "督办单",
        "青山镇人大主席团",
        str(supervision.number),
        "青山镇自然资源所：",
        "2026年10月8日",
        "该事项群众反映强烈",
        "包案",
    )
    assert "王大山" in text
    assert job.title == "信访事项督办单"
    save_artifact("petition_supervision_notice", data)


def test_the_handling_opinion(client, replied, clerk, django_capture_on_commit_callbacks):
    """处理意见书: addressed to the petitioner, the reply's content, the outcome and the right to
    ask for a 复查 within 30 days; signed by the lead unit on the reply date."""
    job = run_job(
        client, clerk, "petitions.handling_opinion", django_capture_on_commit_callbacks, petition_id=replied.pk
    )

    data = download(client, job)

    check_document(
        data,
        replied,
        "信访事项处理意见书",
        "王大山：",
        "经核实，已补发补偿款2万元。",
        "处理意见",
        "支持",
        "30日内",
        "复查",
        "青山镇自然资源所",
        "2026年8月10日",
    )
    save_artifact("petition_handling_opinion", data)


def test_the_completion_report(client, replied, clerk, lead_handler, django_capture_on_commit_callbacks):
    """办结报告: from the lead unit to the presidium, with the handling summary and whether it
    was closed on time."""
    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.SATISFIED)
    completion_report_file(
        petition=replied, by=lead_handler, content="经核实，补偿款已足额发放到位，信访人表示满意，息诉罢访。"
    )

    job = run_job(
        client, lead_handler, "petitions.completion_report", django_capture_on_commit_callbacks, petition_id=replied.pk
    )
    data = download(client, job)

    text = check_document(
        data, replied, "办结情况的报告", "青山镇人大主席团：", "补偿款已足额发放到位", "特此报告", "按期办结", "满意"
    )
    assert "是" in text
    save_artifact("petition_completion_report", data)


def test_the_extension_notice(client, assigned, clerk, chair, django_capture_on_commit_callbacks):
    """延期办理告知书: the petitioner is told the reason and the new due date, once a chair has
    approved the request."""
    petition_request_extension(petition=assigned, days=30, reason="涉及征地历史遗留问题，需调取档案核实", by=clerk)
    pending = run_job(
        client, clerk, "petitions.extension_notice", django_capture_on_commit_callbacks, petition_id=assigned.pk
    )
    assert pending.status == PdfJobStatus.FAILED and "没有延期记录" in pending.message  # not before the approval
    petition_approve_extension(petition=assigned, by=chair, note="同意")

    job = run_job(
        client, clerk, "petitions.extension_notice", django_capture_on_commit_callbacks, petition_id=assigned.pk
    )
    data = download(client, job)

    check_document(
        data,
        assigned,
        "延期办理告知书",
        "王大山：",
        "涉及征地历史遗留问题",
        "2026年11月9日",
        "2026年10月8日",
        "特此告知",
    )
    save_artifact("petition_extension_notice", data)


def test_a_document_not_yet_due_fails_with_a_chinese_message(
    client, assigned, clerk, django_capture_on_commit_callbacks
):
    job = run_job(
        client, clerk, "petitions.handling_opinion", django_capture_on_commit_callbacks, petition_id=assigned.pk
    )
    assert job.status == PdfJobStatus.FAILED and "尚未答复，不能出具处理意见书" in job.message


@pytest.mark.parametrize("who", ["third_handler", "other_clerk"])
def test_another_unit_or_township_cannot_print_the_notice(
    request, client, supervised, who, django_capture_on_commit_callbacks
):
    _petition, supervision = supervised
    job = run_job(
        client,
        request.getfixturevalue(who),
        "petitions.supervision_notice",
        django_capture_on_commit_callbacks,
        supervision_id=supervision.pk,
    )
    assert job.status == PdfJobStatus.FAILED and "找不到该督办单" in job.message


def test_the_lead_units_handler_prints_the_notice_of_their_unit(
    client, supervised, lead_handler, django_capture_on_commit_callbacks
):
    _petition, supervision = supervised
    job = run_job(
        client,
        lead_handler,
        "petitions.supervision_notice",
        django_capture_on_commit_callbacks,
        supervision_id=supervision.pk,
    )
    assert job.status == PdfJobStatus.DONE


def test_garbage_parameters_fail_cleanly(client, clerk, django_capture_on_commit_callbacks):
    job = run_job(
        client, clerk, "petitions.completion_report", django_capture_on_commit_callbacks, petition_id="1 OR 1=1"
    )
    assert job.status == PdfJobStatus.FAILED and "找不到该信访件" in job.message
    assert date.today()  # the job never raised into the request
