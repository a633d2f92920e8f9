# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""Issue 14, item 8, on petitions: a unit handler sees the petitioner's phone and ID number for
the petitions of their unit while its part runs (each view logged as the clerks' reveals are);
a reply carries attachments, downloadable only by those who may see the petition; replying
before a co-handling unit's opinion asks for confirmation and says so on the timeline."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congress_office.models import CaseEvent, CaseReply, CaseReplyAttachment
from congress_office.roles import Role
from petitions.choices import PetitionState
from petitions.models import PersonalDataAccess
from petitions.services.handling import petition_co_input, petition_rate, petition_reply
from petitions.services.personal_data import can_view_personal_data

from .handling_fixtures import (  # noqa: F401 (fixtures)
    accepted,
    assigned,
    co_handler,
    co_unit,
    lead_handler,
    third_handler,
    third_unit,
)
from .office_fixtures import exe_upload, pdf_upload, png_upload

PHONE, ID_NUMBER = "13812345678", "320102197503081234"


def url(name, petition):
    return reverse(f"petitions:{name}", args=[petition.pk])


def text(response):
    return response.content.decode()


def reply_data(**extra):
    return {
        "outcome": "support",
        "content": "经核实，已补发补偿款2万元。",
        "on": "2026-09-30",
        "confirm": "on",
        **extra,
    }


# --- the petitioner's contact details for the unit's handler -------------------------------------


def test_the_lead_units_handler_reveals_the_phone_and_the_view_is_logged(client, assigned, lead_handler, clerk):
    """The detail page offers 查看完整信息 to the lead unit's handler; the POST shows the phone and
    ID number in full and writes a PersonalDataAccess row (the log the clerks' reveals use),
    which the office sees on the petition; the handler does not see the log itself."""
    client.force_login(lead_handler)
    page = text(client.get(url("petition_detail", assigned)))
    assert 'data-testid="reveal"' in page and PHONE not in page and "138****5678" in page
    assert 'data-testid="accesses"' not in page

    revealed = client.post(url("petition_reveal", assigned))

    assert revealed.status_code == 200 and PHONE in text(revealed) and ID_NUMBER in text(revealed)
    assert "no-store" in revealed["Cache-Control"]
    access = PersonalDataAccess.objects.get(petition=assigned)
    assert access.user == lead_handler and access.fields == "phone,id_number"
    client.force_login(clerk)
    office_page = text(client.get(url("petition_detail", assigned)))
    assert 'data-testid="accesses"' in office_page and lead_handler.display_name in office_page


def test_a_co_units_handler_sees_them_until_the_unit_has_sent_its_opinion(client, assigned, co_handler):
    client.force_login(co_handler)
    assert PHONE in text(client.post(url("petition_reveal", assigned)))

    petition_co_input(petition=assigned, by=co_handler, note="城建办意见：同意补发。")
    assigned.refresh_from_db()

    assert not can_view_personal_data(co_handler, assigned)
    refused = client.post(url("petition_reveal", assigned))
    assert refused.status_code == 403 and PersonalDataAccess.objects.filter(user=co_handler).count() == 1
    assert PHONE not in text(client.get(url("petition_detail", assigned)))


def test_another_unit_or_township_cannot_reveal(client, assigned, third_handler, make_user, other_township, unit):
    """A handler of a unit the petition was not assigned to does not see the petition at all
    (404); a handler of another township neither; nothing is logged."""
    elsewhere = make_user(Role.UNIT_HANDLER, other_township, username="far_handler")
    for user in (third_handler, elsewhere):
        client.force_login(user)
        assert client.get(url("petition_detail", assigned)).status_code == 404
        assert client.post(url("petition_reveal", assigned)).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_lead_units_part_ends_when_the_petition_is_closed(assigned, lead_handler, clerk):
    """Replied: the handler may still call (the rating, the 办结报告); closed: no more."""
    petition_reply(petition=assigned, by=lead_handler, outcome="support", content="已补发。", on=date(2026, 9, 30))
    assigned.refresh_from_db()
    assert assigned.state == PetitionState.REPLIED and can_view_personal_data(lead_handler, assigned)

    petition_rate(petition=assigned, satisfaction="satisfied", by=clerk)
    assigned.refresh_from_db()

    assert assigned.state == PetitionState.CLOSED
    assert not can_view_personal_data(lead_handler, assigned)
    assert can_view_personal_data(clerk, assigned)  # the office keeps its right


# --- a reply's attachments --------------------------------------------------------------------


@pytest.fixture
def replied_with_files(client, assigned, lead_handler):
    client.force_login(lead_handler)
    response = client.post(
        url("petition_reply", assigned),
        reply_data(before_co_input="on", attachments=[pdf_upload("答复函.pdf"), png_upload("现场照片.png")]),
    )
    assert response.status_code == 302, text(response)
    return assigned


def test_a_reply_carries_attachments_listed_on_the_petition(client, replied_with_files, lead_handler, clerk):
    petition = replied_with_files
    reply = CaseReply.objects.get(item_id=petition.pk)
    files = list(CaseReplyAttachment.objects.filter(reply=reply))
    assert [f.name for f in files] == ["答复函.pdf", "现场照片.png"]
    assert all(f.uploaded_by == lead_handler and f.township_id == petition.township_id for f in files)
    assert all(f.file.name.startswith("replies/") for f in files)  # media storage, served by the view only

    client.force_login(clerk)
    page = text(client.get(url("petition_detail", petition)))
    assert 'data-testid="reply-attachments"' in page and "答复函.pdf" in page
    download = client.get(reverse("core:reply_attachment", args=[files[0].pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_reply_attachment_is_not_served_outside_the_petition(
    client, replied_with_files, third_handler, other_clerk, users
):
    """Another unit's handler, another township's clerk (404) and the county (which reads
    figures only: 404) do not get the file; an anonymous visitor is sent to log in."""
    attachment = CaseReplyAttachment.objects.first()
    link = reverse("core:reply_attachment", args=[attachment.pk])
    for user in (third_handler, other_clerk, users[Role.COUNTY]):
        client.force_login(user)
        assert client.get(link).status_code == 404, user
    client.force_login(users[Role.CLERK])
    assert client.get(link).status_code == 200
    assert client.get(reverse("core:reply_attachment", args=[attachment.pk + 999])).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302


def test_a_refused_file_saves_nothing(client, assigned, lead_handler):
    client.force_login(lead_handler)
    response = client.post(
        url("petition_reply", assigned), reply_data(before_co_input="on", attachments=[exe_upload()])
    )

    assert response.status_code == 200 and "不支持的文件类型" in text(response)
    assigned.refresh_from_db()
    assert assigned.state == PetitionState.ASSIGNED and not CaseReply.objects.exists()
    assert not CaseReplyAttachment.objects.exists()


def test_the_service_checks_the_files_too(assigned, lead_handler):
    from django.core.exceptions import ValidationError

    fake = SimpleUploadedFile("答复.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="内容与扩展名不符"):
        petition_reply(petition=assigned, by=lead_handler, outcome="support", content="x", attachments=[fake])
    assert not CaseReply.objects.exists()


# --- replying before the co-handling unit's opinion ---------------------------------------------


def test_the_reply_form_warns_of_the_pending_co_unit(client, assigned, lead_handler):
    client.force_login(lead_handler)
    page = text(client.get(url("petition_reply", assigned)))

    assert "协办单位城建办尚未提交协办意见，确定先行答复吗？" in page
    assert 'name="before_co_input"' in page and 'enctype="multipart/form-data"' in page


def test_without_the_confirmation_nothing_is_saved_and_nothing_typed_is_lost(client, assigned, lead_handler):
    client.force_login(lead_handler)

    response = client.post(url("petition_reply", assigned), reply_data())

    assert response.status_code == 200
    page = text(response)
    assert "协办单位城建办尚未提交协办意见，确定先行答复吗？" in page and "尚未保存" in page
    assert "经核实，已补发补偿款2万元。" in page and 'value="2026-09-30"' in page
    assigned.refresh_from_db()
    assert assigned.state == PetitionState.ASSIGNED and not CaseReply.objects.exists()
    assert not CaseEvent.objects.filter(item_id=assigned.pk, action="reply").exists()


def test_a_confirmed_early_reply_is_noted_on_the_timeline(client, assigned, lead_handler):
    client.force_login(lead_handler)

    response = client.post(url("petition_reply", assigned), reply_data(before_co_input="on"))

    assert response.status_code == 302
    event = CaseEvent.objects.get(item_id=assigned.pk, action="reply")
    assert event.data["before_co_input"] == ["城建办"]
    assert "在协办单位城建办提交意见前答复" in event.note
    assert "在协办单位城建办提交意见前答复" in text(client.get(url("petition_detail", assigned)))


def test_no_question_once_the_co_unit_has_sent_its_opinion(client, assigned, lead_handler, co_handler):
    petition_co_input(petition=assigned, by=co_handler, note="同意。")
    client.force_login(lead_handler)
    page = text(client.get(url("petition_reply", assigned)))
    assert "尚未提交协办意见" not in page and 'name="before_co_input"' not in page

    assert client.post(url("petition_reply", assigned), reply_data()).status_code == 302
    event = CaseEvent.objects.get(item_id=assigned.pk, action="reply")
    assert "before_co_input" not in event.data and "提交意见前答复" not in event.note


def test_the_service_refuses_an_unconfirmed_early_reply(assigned, lead_handler):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="协办单位城建办尚未提交协办意见"):
        petition_reply(petition=assigned, by=lead_handler, outcome="support", content="x", before_co_input=False)
    assert not CaseReply.objects.exists()


def test_the_case_file_lists_and_the_archive_keeps_the_reply_attachments(replied_with_files, clerk):
    """The 信访事项档案 (PDF text) names the reply's files under the reply; the archive item
    carries them after the petition's own attachments."""
    import io
    import re

    from pypdf import PdfReader

    from petitions.plugins import archive_petition_parts

    parts = archive_petition_parts(replied_with_files, clerk)

    titles = [part.title for part in parts]
    assert titles[-2:] == ["答复附件1：答复函.pdf", "答复附件2：现场照片.png"]
    assert parts[-2].render().startswith(b"%PDF-")
    case_file = PdfReader(io.BytesIO(parts[0].render()))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in case_file.pages))
    assert "答复附件答复函.pdf；现场照片.png" in text
