"""The archive items of the documents app: which 发文 and 收文 of a year become items, their
clearance, and their files in DA/T 22-2015 order (正本, 发文稿纸, 定稿; 收文处理单, 收文)."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from congress_office.registries import archive_sections
from congress_office.roles import Role
from documents.choices import DocType, Secrecy
from documents.models import IncomingDocument, OutgoingDocument
from documents.services import incoming as inc
from documents.services import outgoing as out

YEAR = timezone.localdate().year


def pdf_text(data, page=None):
    reader = PdfReader(io.BytesIO(data))
    pages = reader.pages if page is None else [reader.pages[page]]
    return "".join(p.extract_text() for p in pages).replace(" ", "").replace("\n", "")


def blank_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def docx_upload(text):
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("正文.docx", buffer.getvalue())


def entries(kind, township, year=YEAR):
    return list(archive_sections[kind].entries(township, year))


def parts(kind, record, user):
    return archive_sections[kind].parts(record, user)


def signed_and_numbered(document, clerk, chair):
    out.outgoing_submit(document=document, by=clerk)
    out.outgoing_review(document=document, by=clerk, passed=True)
    out.outgoing_sign(document=document, by=chair, opinion="同意印发")
    out.outgoing_register(document=document, by=clerk)
    OutgoingDocument.objects.filter(pk=document.pk).update(archived_at=timezone.now(), archived_by=clerk)
    return OutgoingDocument.objects.get(pk=document.pk)


def test_outgoing_items_of_the_year_and_their_parts_in_order(township, clerk, chair, users, body):
    document = out.outgoing_create(
        township=township,
        by=clerk,
        issuing_body=body,
        doc_type=DocType.NOTICE,
        title="关于召开代表座谈会的通知",
        main_recipients="各代表小组",
        signature="青山镇人大主席团",
        docx=docx_upload("经镇人大主席团研究，决定召开代表座谈会。"),
    )
    document = signed_and_numbered(document, clerk, chair)
    last_year = out.outgoing_create(
        township=township, by=clerk, issuing_body=body, doc_type=DocType.NOTICE, title="去年的通知", body="正文"
    )
    OutgoingDocument.objects.filter(pk=last_year.pk).update(
        archived_at=timezone.now() - timedelta(days=400), archived_by=clerk
    )

    found = entries("documents.outgoing", township)
    assert [e.record.pk for e in found] == [document.pk]
    assert (found[0].number, found[0].clearance, found[0].secrecy) == (f"青人〔{YEAR}〕1号", 0, "")
    assert [e.record.pk for e in entries("documents.outgoing", township, YEAR - 1)] == [last_year.pk]

    files = parts("documents.outgoing", document, users[Role.AUDITOR])
    assert [(str(p.title), p.ext) for p in files] == [("正本", "pdf"), ("发文稿纸", "pdf"), ("定稿", "docx")]
    original = files[0].render()
    assert original.startswith(b"%PDF-")
    assert "关于召开代表座谈会的通知" in pdf_text(original, 0) and f"青人〔{YEAR}〕1号" in pdf_text(original, 0)
    sheet = pdf_text(files[1].render(), 0)
    assert "发文稿纸" in sheet and f"青人〔{YEAR}〕1号" in sheet
    assert files[2].render()[:4] == b"PK\x03\x04"  # the .docx as it was signed


def test_without_a_docx_the_signed_text_is_in_the_draft_sheet_only(draft, clerk, chair, users):
    document = signed_and_numbered(draft, clerk, chair)
    assert [str(p.title) for p in parts("documents.outgoing", document, users[Role.AUDITOR])] == ["正本", "发文稿纸"]


def test_a_classified_document_carries_its_clearance_to_the_item(township, clerk, chair, users, body):
    """The item records the clearance its content needs; whoever archives it, its files are
    rendered (and stored encrypted), and a package leaves the content out for the uncleared."""
    clerk.clearance = chair.clearance = 1
    clerk.save()
    chair.save()
    document = out.outgoing_create(
        township=township,
        by=clerk,
        issuing_body=body,
        doc_type=DocType.NOTICE,
        title="涉密通知",
        body="正文",
        secrecy=Secrecy.SECRET,
        copy_number="000001",
    )
    document = signed_and_numbered(document, clerk, chair)
    (entry,) = entries("documents.outgoing", township)
    assert entry.clearance == 1 and entry.secrecy == document.secrecy_mark and entry.secrecy.startswith("秘密")
    files = parts("documents.outgoing", document, users[Role.AUDITOR])  # clearance 0 archives it
    assert [str(p.title) for p in files] == ["正本", "发文稿纸"] and "涉密通知" in pdf_text(files[0].render(), 0)


def test_incoming_items_and_their_parts_slip_first(township, clerk, users):
    scan = blank_pdf()
    received = inc.incoming_receive(
        township=township, by=clerk, sender="县人大常委会办公室", title="关于代表培训的通知"
    )
    document = inc.incoming_register(
        document=received,
        by=clerk,
        sender_number="县人办〔2026〕5号",
        doc_type=DocType.NOTICE,
        files=[
            SimpleUploadedFile("第1页.pdf", scan, content_type="application/pdf"),
            SimpleUploadedFile("第2页.png", png(), content_type="image/png"),
        ],
    )
    IncomingDocument.objects.filter(pk=document.pk).update(archived_at=timezone.now())
    other = inc.incoming_receive(township=township, by=clerk, sender="县委办", title="未归档的来文")

    found = entries("documents.incoming", township)
    assert [e.record.pk for e in found] == [document.pk] and other.pk not in [e.record.pk for e in found]
    assert (found[0].number, found[0].responsible, found[0].clearance) == ("县人办〔2026〕5号", "县人大常委会办公室", 0)
    assert entries("documents.incoming", township, YEAR - 1) == []

    files = parts("documents.incoming", document, users[Role.AUDITOR])
    assert [(str(p.title), p.ext) for p in files] == [
        ("收文处理单", "pdf"),
        ("收文（1/2）", "pdf"),
        ("收文（2/2）", "pdf"),
    ]
    slip = pdf_text(files[0].render(), 0)
    assert "收文处理单" in slip and document.number in slip
    assert files[1].render() == scan  # a PDF scan as it was received
    wrapped = files[2].render()
    assert wrapped.startswith(b"%PDF-")
    (page,) = PdfReader(io.BytesIO(wrapped)).pages
    assert len(page.images) == 1  # the image, on a page of its own
