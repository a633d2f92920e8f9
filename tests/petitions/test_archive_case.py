# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""The petitions' archive section: one item per petition finished in the year (closed, or not
accepted / transferred out), and its case file in DA/T 22 order: the 信访事项档案 first, then
the documents issued, then the attachments. Two copies are archived: the archive copy with phone
and ID number masked, which an auditor's package holds, and the full copy (stored encrypted),
which a clerk's package holds and logs; the keyed hashes never appear."""

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from congress_office.cases import Satisfaction
from congress_office.registries import archive_sections
from congress_office.roles import Role
from petitions.models import PersonalDataAccess, Petition, PetitionAttachment
from petitions.services.handling import (
    completion_report_file,
    petition_approve_extension,
    petition_rate,
    petition_request_extension,
    petition_supervise,
    return_visit_record,
)
from petitions.services.registration import petition_decline

from .factories import register_petition
from .handling_fixtures import (  # noqa: F401 (fixtures)
    accepted,
    accepted_petition,
    assigned,
    co_handler,
    co_unit,
    lead_handler,
    replied,
)

PHONE, ID_NUMBER = "13812345678", "320102197503081234"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def squash(text):
    return re.sub(r"\s+", "", text)


def pdf_text(data, page=None):
    pages = PdfReader(io.BytesIO(data)).pages
    chosen = pages if page is None else [pages[page]]
    return squash("".join(p.extract_text() for p in chosen))


def section():
    return archive_sections["petitions.case"]


def close_on(petition, when):
    Petition.objects.filter(pk=petition.pk).update(closed_at=when)
    petition.refresh_from_db()


def blank_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def closed(replied, clerk):
    """Replied on 10 Aug 2026, rated 满意 by the petitioner (told to the office): closed."""
    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.SATISFIED)
    replied.refresh_from_db()
    close_on(replied, datetime(2026, 8, 20, 10, 0, tzinfo=SHANGHAI))
    return replied


@pytest.fixture
def full_case(assigned, clerk, chair, lead_handler):
    """Supervised, extended, replied, rated, reported, visited, with a PDF and a photo attached."""
    supervision, _job = petition_supervise(petition=assigned, by=chair, content="请于一周内报送办理进展。")
    petition_request_extension(petition=assigned, days=30, reason="涉及征地历史遗留问题", by=clerk)
    petition_approve_extension(petition=assigned, by=chair, note="同意")
    from petitions.services.handling import petition_reply

    petition_reply(
        petition=assigned,
        by=lead_handler,
        outcome="support",
        content="经核实，已补发补偿款2万元。",
        on=date(2026, 8, 10),
    )
    petition_rate(petition=assigned, by=clerk, satisfaction=Satisfaction.SATISFIED, comment="感谢")
    completion_report_file(petition=assigned, by=lead_handler, content="补偿款已足额发放到位，息诉罢访。")
    return_visit_record(
        petition=assigned, by=clerk, visited_on=date(2026, 8, 25), satisfaction=Satisfaction.SATISFIED, note="已到账"
    )
    PetitionAttachment.objects.create(
        petition=assigned, file=SimpleUploadedFile("征地协议.pdf", blank_pdf()), name="征地协议.pdf", size=10
    )
    PetitionAttachment.objects.create(
        petition=assigned, file=SimpleUploadedFile("现场照片.png", png()), name="现场照片.png", size=10
    )
    assigned.refresh_from_db()
    return assigned, supervision


def test_the_section_is_registered_as_cases_d30():
    s = section()
    assert (str(s.name), s.retention_class, s.period, s.org_code) == ("信访事项", "cases", "D30", "BGS")
    assert s.parts is not None


def test_entries_are_the_petitions_finished_in_the_year(
    closed, township, clerk, unit, lead_handler, other_township, other_clerk
):
    """Closed in 2026 and not accepted in 2026 are items; one closed in 2025, one still being
    handled, one replied but not yet rated, and another township's are not."""
    from petitions.services.handling import petition_assign, petition_reply

    last_year = accepted_petition(township=township, clerk=clerk, title="去年办结的事项", accepted_on=date(2025, 3, 2))
    petition_assign(petition=last_year, lead_unit=unit, by=clerk)
    petition_reply(petition=last_year, by=lead_handler, outcome="explain", content="已解释。", on=date(2025, 3, 9))
    petition_rate(petition=last_year, by=clerk, satisfaction=Satisfaction.SATISFIED)
    close_on(last_year, datetime(2025, 12, 31, 23, 0, tzinfo=SHANGHAI))

    handling = accepted_petition(township=township, clerk=clerk, title="正在办理的事项")
    petition_assign(petition=handling, lead_unit=unit, by=clerk)
    awaiting = accepted_petition(township=township, clerk=clerk, title="待评价的事项")
    petition_assign(petition=awaiting, lead_unit=unit, by=clerk)
    petition_reply(petition=awaiting, by=lead_handler, outcome="support", content="已办。", on=date(2026, 8, 10))

    declined = register_petition(township=township, by=clerk, title="不属受理范围的事项", received_on=date(2026, 5, 4))
    petition_decline(petition=declined, by=clerk, reason="已通过诉讼解决", on=date(2026, 5, 8))
    elsewhere = accepted_petition(township=other_township, clerk=other_clerk, title="外乡镇的事项")

    entries = list(section().entries(township, 2026))

    assert {e.record.pk for e in entries} == {closed.pk, declined.pk}
    by_pk = {e.record.pk: e for e in entries}
    entry = by_pk[closed.pk]
    assert (entry.title, entry.number, entry.date) == ("土地补偿款未足额发放", str(closed.number), date(2026, 8, 20))
    assert entry.responsible == "青山镇自然资源所"
    declined_entry = by_pk[declined.pk]
    assert (declined_entry.date, declined_entry.responsible) == (date(2026, 5, 8), "青山镇人大办公室")
    assert [e.record.pk for e in section().entries(township, 2025)] == [last_year.pk]
    assert elsewhere.pk not in {e.record.pk for e in section().entries(other_township, 2026)}


def test_the_parts_in_da_t_22_order(full_case, users):
    """The case file, then the documents issued in order (受理告知书, 督办单, 延期告知书,
    处理意见书, 办结报告), then the attachments; every file a PDF, the photo wrapped into one."""
    petition, supervision = full_case
    auditor = users[Role.AUDITOR]

    parts = section().parts(petition, auditor)

    assert [p.title for p in parts] == [
        "信访事项档案",
        "受理告知书",
        f"信访事项督办单（{supervision.number}）",
        "信访事项延期办理告知书",
        "信访事项处理意见书",
        "信访事项办结报告",
        "附件1：征地协议.pdf",
        "附件2：现场照片.png",
    ]
    assert {p.ext for p in parts} == {"pdf"}
    rendered = [p.render() for p in parts]
    assert all(data.startswith(b"%PDF-") for data in rendered)
    number, title = squash(str(petition.number)), "土地补偿款未足额发放"
    first = pdf_text(rendered[0], page=0)
    assert "信访事项档案" in first and number in first and title in first
    words = ("受理告知书", "督办单", "延期办理告知书", "处理意见书", "办结情况的报告")
    for data, word in zip(rendered[1:6], words, strict=True):
        text = pdf_text(data)
        assert number in text and word in text, word
    assert "现场照片.png" in pdf_text(rendered[7])


def test_the_case_file_holds_the_handling_the_replies_ratings_and_return_visits(full_case, users):
    petition, supervision = full_case
    text = pdf_text(section().parts(petition, users[Role.AUDITOR])[0].render())

    for word in (
        "登记情况",
        "请求足额发放土地补偿款",
        "自然资源所",
        "城建办",
        str(supervision.number),
        "涉及征地历史遗留问题",
        "经核实，已补发补偿款2万元。",
        "支持",
        "满意",
        "感谢",
        "补偿款已足额发放到位",
        "回访",
        "已到账",
        "办理过程",
        "征地协议.pdf",
    ):
        assert squash(word) in text, word


def test_the_archive_copy_masks_phone_and_id_number_and_the_auditor_gets_it(closed, users, clerk):
    """The archive copy has the registration data, with phone and ID number masked as on the
    detail page, whoever archived it; no plaintext, no keyed hash, in any file. The auditor, who
    may not reveal them, receives that copy: nothing is logged as a full view."""
    auditor = users[Role.AUDITOR]
    assert section().full_copy(closed, auditor) is False
    rendered = [p.render() for p in section().parts(closed, clerk)]
    text = "".join(pdf_text(data) for data in rendered)

    first = pdf_text(rendered[0])
    for word in ("王大山", "青山镇东风村3组", "请求足额发放土地补偿款", "2025年征地后补偿款少发2万元", "来信"):
        assert squash(word) in first, word
    assert "138****5678" in first and "3201**********1234" in first
    assert PHONE not in text and ID_NUMBER not in text
    assert closed.phone_hash not in text and closed.id_hash not in text
    assert not PersonalDataAccess.objects.filter(petition=closed).exists()


def test_a_clerk_receives_the_full_copy_and_the_view_is_logged(closed, clerk, users):
    """A clerk of the township may reveal them on the page: a clerk's package takes the full
    copy, which carries them in full, and each time is logged like a reveal; the hashes are
    still never printed."""
    first = pdf_text(section().parts(closed, users[Role.AUDITOR], full=True)[0].render())
    assert PHONE in first and ID_NUMBER in first
    assert closed.phone_hash not in first and closed.id_hash not in first
    assert not PersonalDataAccess.objects.filter(petition=closed).exists()  # rendering is no view

    assert section().full_copy(closed, clerk) is True
    access = PersonalDataAccess.objects.get(petition=closed)
    assert (access.user, access.fields) == (clerk, "phone,id_number")


def test_the_packages_of_an_auditor_and_a_clerk(closed, township, clerk, users, tmp_path):
    from congress_office.models import ArchiveFile, Fonds
    from congress_office.services.archive import archive_assign
    from congress_office.services.archive_package import build_package

    Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")
    (item,) = archive_assign(township=township, year=2026, by=clerk)

    def case_file(user, out):
        root, _zip = build_package(township=township, year=2026, user=user, out_dir=tmp_path / out)
        return pdf_text((root / "items" / item.code / "01-信访事项档案.pdf").read_bytes())

    masked = case_file(users[Role.AUDITOR], "auditor")
    assert "138****5678" in masked and PHONE not in masked and ID_NUMBER not in masked
    assert not PersonalDataAccess.objects.filter(petition=closed).exists()

    full = case_file(clerk, "clerk")
    assert PHONE in full and ID_NUMBER in full and "完整副本" in full
    assert PersonalDataAccess.objects.filter(petition=closed, user=clerk).count() == 1

    for row in ArchiveFile.objects.filter(item=item, variant="full"):  # encrypted at rest
        with row.file.open("rb") as handle:
            raw = handle.read()
        assert row.encrypted and not raw.startswith(b"%PDF") and PHONE.encode() not in raw


def test_a_declined_petition_keeps_its_notice(township, clerk, users):
    declined = register_petition(township=township, by=clerk, received_on=date(2026, 5, 4))
    petition_decline(petition=declined, by=clerk, reason="已通过诉讼解决", on=date(2026, 5, 8))

    parts = section().parts(declined, users[Role.AUDITOR])

    assert [p.title for p in parts] == ["信访事项档案", "不予受理告知书"]
    notice = pdf_text(parts[1].render())
    assert "不予受理告知书" in notice and "已通过诉讼解决" in notice and "2026年5月8日" in notice
