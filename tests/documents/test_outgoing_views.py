"""The outgoing pages (发文) through the Django test client: the register with its filters and
export, 起草 (typed or .docx), 修改稿本, the versions and their comparison, every step from the
document's page, the 发文稿纸 PDF. Another township's document is 404, a role without the step
403, a step the state does not allow is refused in Chinese and changes nothing, a classified
document is 404 for an uncleared user on every URL and absent from the list and the export,
and the register's queries do not grow with its rows."""

import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from congress_office.models import CaseEvent
from congress_office.roles import Role
from congress_office.services.cases import case_timeline
from documents.choices import DocType, OutgoingState, Secrecy
from documents.models import DraftVersion, IssuingBody, OutgoingDocument, SealLog, VoidedNumber
from documents.services import outgoing as out

from ..core.test_pdf import is_embedded, pdf_fonts, pdf_text, squash

YEAR = timezone.localdate().year
LIST = reverse("documents:outgoing_list")
EXPORT = reverse("documents:outgoing_export")
CREATE = reverse("documents:outgoing_create")
# every page about one document, and the steps' form pages
DOC_PAGES = (
    "outgoing_detail",
    "outgoing_edit",
    "outgoing_versions",
    "outgoing_compare",
    "outgoing_sheet",
    "outgoing_submit",
    "outgoing_review",
    "outgoing_sign",
    "outgoing_register",
    "outgoing_void",
    "outgoing_print",
    "outgoing_seal",
    "outgoing_dispatch",
    "outgoing_archive",
)


def url(name, doc, *args):
    return reverse(f"documents:{name}", args=[doc.pk, *args])


def every_url(doc):
    urls = [url(name, doc) for name in DOC_PAGES]
    urls.append(url("outgoing_version_file", doc, 1))
    try:
        urls.append(url("outgoing_pdf", doc))
    except NoReverseMatch:  # the print view is another page's; checked once it exists
        pass
    return urls


def steps(client, doc):
    return re.findall(r'data-action="([a-z_]+)"', client.get(url("outgoing_detail", doc)).text)


def refresh(doc):
    return OutgoingDocument.objects.get(pk=doc.pk)


def sign(doc, clerk, chair):
    out.outgoing_submit(document=doc, by=clerk)
    out.outgoing_review(document=doc, by=clerk, passed=True)
    out.outgoing_sign(document=doc, by=chair, opinion="同意印发")
    return refresh(doc)


def make_docx(paragraphs):
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    buffer.name = "正文.docx"
    return buffer


def draft_data(issuing, **extra):
    return {
        "issuing_body": issuing.pk,
        "doc_type": DocType.NOTICE,
        "title": "关于开展代表集中视察活动的通知",
        "main_recipients": "各村（社区）人大代表小组",
        "body": "为加强代表履职，经研究，定于11月开展集中视察。\n请各代表小组做好准备。",
        "signature": "青山镇人大主席团",
        "written_on": "",
        "cc_recipients": "县人大常委会办公室",
        "print_body": "青山镇人大办公室",
        "secrecy": "",
        "secrecy_years": "",
        "urgency": "",
        "copy_number": "",
        "attachments_note": "",
        "seal": "",
        "annotation": "联系人：张三，电话：1234567",
        **extra,
    }


def edit_data(doc, **changes):
    data = {
        name: getattr(doc, name) or ""
        for name in out.DRAFT_FIELDS
        if name not in ("note", "written_on", "secrecy_years")
    }
    data.update(
        annotation=doc.note,
        written_on=doc.written_on.isoformat() if doc.written_on else "",
        secrecy_years=doc.secrecy_years or "",
    )
    data.update(changes)
    return data


# --- the whole flow through the pages -------------------------------------------------------------


def test_a_notice_goes_from_draft_to_archive_through_the_pages(client, clerk, chair, body):
    client.force_login(clerk)
    response = client.post(CREATE, draft_data(body))
    doc = OutgoingDocument.objects.get()
    assert response.status_code == 302 and response.url == doc.get_absolute_url()
    assert doc.note == "联系人：张三，电话：1234567" and doc.drafted_by == clerk
    assert doc.versions.get().note == "初稿"
    assert steps(client, doc) == ["save_draft", "submit"]

    response = client.post(url("outgoing_submit", doc))
    assert response.status_code == 302 and refresh(doc).state == OutgoingState.REVIEWING
    response = client.post(url("outgoing_review", doc), {"decision": "return", "comment": "请写明视察时间。"})
    assert response.status_code == 302 and refresh(doc).state == OutgoingState.DRAFT

    doc = refresh(doc)
    response = client.post(
        url("outgoing_edit", doc),
        edit_data(doc, body=doc.body + "\r\n视察时间：11月12日。", change_note="按核稿意见补充时间"),
    )
    assert response.status_code == 302
    version = doc.versions.order_by("-version").first()
    assert version.version == 2 and version.note == "按核稿意见补充时间"
    assert "\r" not in refresh(doc).body

    client.post(url("outgoing_submit", doc))
    client.post(url("outgoing_review", doc), {"decision": "pass", "comment": ""})
    assert refresh(doc).state == OutgoingState.SIGNING

    client.force_login(chair)
    assert steps(client, doc) == ["sign"]
    signing = {"opinion": "同意印发", "on": timezone.localdate(), "confirm": "on"}
    response = client.post(url("outgoing_sign", doc), signing)
    assert response.status_code == 302
    doc = refresh(doc)
    assert doc.state == OutgoingState.SIGNED and doc.signer == chair and doc.signed_version == 2

    client.force_login(clerk)
    assert "register" in steps(client, doc)
    preview = client.get(url("outgoing_register", doc))
    assert f"青人〔{YEAR}〕1号" in preview.text
    client.post(url("outgoing_register", doc), {"confirm": "on"})
    doc = refresh(doc)
    assert doc.number == f"青人〔{YEAR}〕1号"
    client.post(url("outgoing_print", doc), {"copies": 30, "printed_on": timezone.localdate(), "print_body": ""})
    client.post(url("outgoing_seal", doc), {"seal": "青山镇人大主席团印章", "count": 30, "confirm": "on"})
    dispatch_form = client.get(url("outgoing_dispatch", doc)).context["form"]
    assert [dispatch_form.fields[key].label for key, _name in dispatch_form.recipients] == [
        "主送：各村（社区）人大代表小组（份）",
        "抄送：县人大常委会办公室（份）",
    ]
    too_many = client.post(url("outgoing_dispatch", doc), {"copies_0": 29, "copies_1": 2, "confirm": "on"})
    assert "超过印制份数 30 份" in too_many.text and refresh(doc).state == OutgoingState.SEALED
    client.post(url("outgoing_dispatch", doc), {"copies_0": 28, "copies_1": 2, "confirm": "on"})
    assert refresh(doc).state == OutgoingState.DISPATCHED
    assert list(doc.dispatches.values_list("recipient", "copies")) == [
        ("各村（社区）人大代表小组", 28),
        ("县人大常委会办公室", 2),
    ]
    assert steps(client, doc) == ["archive"]
    client.post(url("outgoing_archive", doc), {"confirm": "on"})
    doc = refresh(doc)
    assert doc.archived_at is not None and steps(client, doc) == []

    page = client.get(url("outgoing_detail", doc)).text
    for text in (
        f"青人〔{YEAR}〕1号",
        "同意印发",
        "青山镇人大主席团印章 × 30",
        "各村（社区）人大代表小组",
        "县人大常委会办公室",
        "请写明视察时间。",
        "已归档",
    ):
        assert text in page, text
    assert page.count('data-testid="event"') == len(case_timeline(doc)) == 12


def test_the_page_offers_only_the_steps_the_user_may_take_now(client_for, draft, clerk, chair, users):
    assert steps(client_for(clerk), draft) == ["save_draft", "submit"]
    assert steps(client_for(chair), draft) == []
    assert steps(client_for(users[Role.AUDITOR]), draft) == []
    out.outgoing_submit(document=draft, by=clerk)
    assert steps(client_for(clerk), draft) == ["pass_review"]
    assert steps(client_for(chair), draft) == ["pass_review"]
    out.outgoing_review(document=draft, by=chair, passed=True)
    assert steps(client_for(clerk), draft) == []
    assert steps(client_for(chair), draft) == ["sign"]
    out.outgoing_sign(document=draft, by=chair, opinion="同意")
    assert steps(client_for(clerk), draft) == ["save_draft", "register"]
    out.outgoing_register(document=draft, by=clerk)
    assert steps(client_for(clerk), draft) == ["print", "void_number"]
    assert steps(client_for(users[Role.COUNTY]), draft) == []


def test_the_detail_page_links_the_sheet_and_the_print_view_when_it_exists(client_for, draft, clerk):
    page = client_for(clerk).get(url("outgoing_detail", draft)).text
    assert url("outgoing_sheet", draft) in page
    try:
        assert url("outgoing_pdf", draft) in page and "打印 / 下载 PDF" in page
    except NoReverseMatch:
        assert "打印 / 下载 PDF" not in page


# --- refusals ---------------------------------------------------------------------------------


def test_another_townships_document_is_404_on_every_url(client_for, draft, other_clerk, other_chair):
    for user in (other_clerk, other_chair):
        client = client_for(user)
        for address in every_url(draft):
            assert client.get(address).status_code == 404, address
        for name in ("outgoing_submit", "outgoing_edit"):
            assert client.post(url(name, draft), {"confirm": "on"}).status_code == 404
    assert refresh(draft).state == OutgoingState.DRAFT


def test_a_role_without_the_step_gets_403_and_nothing_changes(client_for, draft, clerk, chair, users):
    signing = sign(draft, clerk, chair)
    out.outgoing_save_draft(document=signing, by=clerk, body="会议改期。", note="改期")  # back to the signer
    doc = refresh(draft)
    assert doc.state == OutgoingState.SIGNING
    events = CaseEvent.objects.count()

    clerk_client = client_for(clerk)
    assert clerk_client.get(url("outgoing_sign", doc)).status_code == 403
    assert clerk_client.post(url("outgoing_sign", doc), {"opinion": "同意", "confirm": "on"}).status_code == 403

    auditor = client_for(users[Role.AUDITOR])
    assert auditor.get(url("outgoing_detail", doc)).status_code == 200
    assert auditor.post(url("outgoing_sign", doc), {"opinion": "同意", "confirm": "on"}).status_code == 403
    assert auditor.get(CREATE).status_code == 403

    county = client_for(users[Role.COUNTY])
    assert county.get(url("outgoing_detail", doc)).status_code == 200
    assert county.post(url("outgoing_sign", doc), {"opinion": "同意", "confirm": "on"}).status_code == 403
    assert county.get(CREATE).status_code == 403

    for role in (Role.DEPUTY, Role.UNIT_HANDLER):
        client = client_for(users[role])
        assert client.get(LIST).status_code == 403
        assert client.get(url("outgoing_detail", doc)).status_code == 403

    doc = refresh(doc)
    assert doc.state == OutgoingState.SIGNING and doc.sign_opinion == "同意印发"
    assert CaseEvent.objects.count() == events


def test_an_illegal_step_is_refused_in_chinese_and_changes_nothing(client_for, draft, clerk):
    client = client_for(clerk)
    events = CaseEvent.objects.count()

    response = client.get(url("outgoing_register", draft), follow=True)
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "该事项当前为“起草中”，不能“登记编号”。" in response.text

    response = client.post(url("outgoing_register", draft), {"confirm": "on"})
    assert response.status_code == 200
    assert "该事项当前为“起草中”，不能“登记编号”。" in response.text
    response = client.post(url("outgoing_dispatch", draft), {})
    assert "不能“核发”" in response.text

    doc = refresh(draft)
    assert doc.state == OutgoingState.DRAFT and doc.sequence is None
    assert CaseEvent.objects.count() == events


def test_a_refusal_of_the_service_lands_on_the_form(client_for, draft, clerk, chair):
    client = client_for(clerk)
    out.outgoing_submit(document=draft, by=clerk)
    response = client.post(url("outgoing_review", draft), {"decision": "return", "comment": ""})
    assert response.status_code == 200 and "退回修改时请填写核稿意见。" in response.text
    assert refresh(draft).state == OutgoingState.REVIEWING

    out.outgoing_review(document=draft, by=clerk, passed=True)
    client = client_for(chair)
    response = client.post(url("outgoing_sign", draft), {"opinion": "同意", "on": "2000-01-01", "confirm": "on"})
    assert response.status_code == 200 and "起草日期" in response.text
    response = client.post(url("outgoing_sign", draft), {"opinion": "同意", "on": timezone.localdate()})
    assert response.status_code == 200 and "请勾选确认后再提交。" in response.text
    assert refresh(draft).state == OutgoingState.SIGNING


def test_an_unchanged_edit_is_refused_and_a_substantive_change_after_signing_returns_to_the_signer(
    client_for, draft, clerk, chair
):
    client = client_for(clerk)
    response = client.post(url("outgoing_edit", draft), edit_data(draft, change_note="无修改"))
    assert response.status_code == 200 and "内容没有变化，无需保存新稿本。" in response.text
    response = client.post(url("outgoing_edit", draft), edit_data(draft, title="新标题"))
    assert response.status_code == 200 and "请填写修改说明。" in response.text
    assert draft.versions.count() == 1

    doc = sign(draft, clerk, chair)
    page = client.get(url("outgoing_edit", doc)).text
    assert 'data-testid="resign-warning"' in page
    response = client.post(url("outgoing_edit", doc), edit_data(doc, annotation="此件公开发布", change_note="加附注"))
    assert refresh(doc).state == OutgoingState.SIGNED and refresh(doc).note == "此件公开发布"
    doc = refresh(doc)
    response = client.post(url("outgoing_edit", doc), edit_data(doc, body="会议改期至12月22日。", change_note="改期"))
    assert response.status_code == 302
    assert refresh(doc).state == OutgoingState.SIGNING
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("退回签发人重新签发" in m for m in messages)


def test_a_voided_number_is_listed_and_the_next_registration_takes_a_new_one(client_for, draft, clerk, chair):
    doc = sign(draft, clerk, chair)
    out.outgoing_register(document=doc, by=clerk)
    client = client_for(clerk)
    response = client.post(url("outgoing_void", doc), {"reason": "", "confirm": "on"})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert VoidedNumber.objects.count() == 0
    response = client.post(url("outgoing_void", doc), {"reason": "选错发文机关", "confirm": "on"})
    assert response.status_code == 302
    assert refresh(doc).state == OutgoingState.SIGNED and VoidedNumber.objects.count() == 1
    client.post(url("outgoing_register", doc), {"confirm": "on"})
    assert refresh(doc).number == f"青人〔{YEAR}〕2号"
    page = client.get(url("outgoing_detail", doc)).text
    assert f"<s>青人〔{YEAR}〕1号</s>" in page and "选错发文机关" in page


# --- secrecy ----------------------------------------------------------------------------------


@pytest.fixture
def classified(township, clerk, body):
    clerk.clearance = 2
    clerk.save()
    return out.outgoing_create(
        township=township,
        by=clerk,
        issuing_body=body,
        doc_type=DocType.NOTICE,
        title="关于某涉密事项的通知",
        body="涉密正文。",
        main_recipients="各村",
        secrecy=Secrecy.CONFIDENTIAL,
    )


def test_a_classified_document_is_404_for_an_uncleared_user_everywhere(
    client_for, classified, draft, township, chair, users, make_user
):
    uncleared_clerk = make_user(Role.CLERK, township, username="clerk2")
    for user in (uncleared_clerk, chair, users[Role.AUDITOR], users[Role.COUNTY]):
        client = client_for(user)
        for address in every_url(classified):
            assert client.get(address).status_code == 404, (user, address)
        assert client.post(url("outgoing_submit", classified)).status_code == 404
        listed = client.get(LIST).context["documents"]
        assert classified not in listed and draft in listed
        export = client.get(EXPORT).getvalue()
        assert "关于某涉密事项的通知" not in xlsx_text(export)
        assert "关于召开镇第十九届人民代表大会第三次会议的通知" in xlsx_text(export)

    chair.clearance = 2
    chair.save()
    client = client_for(chair)
    assert client.get(url("outgoing_detail", classified)).status_code == 200
    assert classified in client.get(LIST).context["documents"]


def test_drafting_above_ones_clearance_is_refused_on_the_form(client_for, clerk, body):
    client = client_for(clerk)
    response = client.post(CREATE, draft_data(body, secrecy=Secrecy.SECRET))
    assert response.status_code == 200 and "您的涉密等级不足" in response.text
    clerk.clearance = 1
    clerk.save()
    response = client.post(CREATE, draft_data(body, secrecy=Secrecy.SECRET, secrecy_years=11))
    assert response.status_code == 200 and "秘密公文的保密期限为 1 至 10 年。" in response.text
    assert not OutgoingDocument.objects.exists()
    response = client.post(CREATE, draft_data(body, secrecy=Secrecy.SECRET))
    assert OutgoingDocument.objects.get().secrecy_mark == "秘密★10年"
    assert "只能依据所收上级来文的密级派生定密" in client.get(CREATE).text


# --- versions, comparison, .docx ------------------------------------------------------------------


def test_the_compare_page_marks_the_changes_side_by_side_and_escapes_the_text(client_for, draft, clerk):
    out.outgoing_save_draft(
        document=draft,
        by=clerk,
        body=draft.body.replace("12月20日", "12月22日") + "\n请各位代表<b>准时</b>参加。",
        note="改期并补充",
    )
    client = client_for(clerk)
    versions = client.get(url("outgoing_versions", draft)).text
    assert versions.count('data-testid="version-row"') == 2 and "改期并补充" in versions

    response = client.get(url("outgoing_compare", draft), {"a": 1, "b": 2})
    assert response.status_code == 200
    html = response.text
    assert "<del>0</del>" in html and "<ins>2</ins>" in html  # 12月20日 → 12月22日, one character
    assert "<ins>请各位代表&lt;b&gt;准时&lt;/b&gt;参加。</ins>" in html
    assert "<b>准时</b>" not in html
    assert 'data-kind="change"' in html and 'data-kind="insert"' in html
    # the columns stack on a phone (the page's stylesheet: no inline <style> under the CSP)
    assert "/static/css/documents.css" in html
    assert "@media (max-width: 767.98px)" in (settings.BASE_DIR / "static" / "css" / "documents.css").read_text()

    same = client.get(url("outgoing_compare", draft), {"a": 2, "b": 2}).text
    assert "两稿内容相同。" in same
    assert client.get(url("outgoing_compare", draft), {"a": 9, "b": 1}).status_code == 404
    assert client.get(url("outgoing_compare", draft), {"a": "x"}).status_code == 404
    assert client.get(url("outgoing_compare", draft)).context["old"].version == 1  # the last two by default


def test_an_uploaded_docx_becomes_the_body_and_is_kept(client_for, clerk, body):
    client = client_for(clerk)
    upload = make_docx(["经镇人大主席团研究，决定召开代表座谈会。", "请各代表小组组长参加。"])
    response = client.post(CREATE, {**draft_data(body, body=""), "docx": upload})
    assert response.status_code == 302, response.context["form"].errors
    doc = OutgoingDocument.objects.get()
    assert doc.body == "经镇人大主席团研究，决定召开代表座谈会。\n请各代表小组组长参加。"
    version = DraftVersion.objects.get(document=doc)
    assert version.docx.name.endswith(".docx")

    download = client.get(url("outgoing_version_file", doc, 1))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")

    upload = make_docx(["经镇人大主席团研究，决定召开代表座谈会。", "请各代表小组组长准时参加。"])
    data = {**edit_data(doc, change_note="上传修改稿"), "docx": upload}
    assert client.post(url("outgoing_edit", doc), data).status_code == 302
    assert refresh(doc).body.endswith("请各代表小组组长准时参加。")
    assert "<ins>准时</ins>" in client.get(url("outgoing_compare", doc)).text


def test_a_file_that_is_not_a_docx_is_refused(client_for, clerk, body):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(clerk)
    fake = SimpleUploadedFile("正文.docx", b"%PDF-1.4 not a word file", content_type="application/pdf")
    response = client.post(CREATE, {**draft_data(body, body=""), "docx": fake})
    assert response.status_code == 200 and not OutgoingDocument.objects.exists()
    pdf = SimpleUploadedFile("正文.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = client.post(CREATE, {**draft_data(body, body=""), "docx": pdf})
    assert "请上传 .docx 格式的 Word 文件" in response.text
    response = client.post(CREATE, draft_data(body, body=""))
    assert "请填写正文，或上传 Word 文件作为正文。" in response.text


def test_the_create_page_says_when_no_issuing_body_is_set(client_for, clerk, township):
    page = client_for(clerk).get(CREATE).text
    assert 'data-testid="no-issuing-body"' in page


# --- the register, its filters, its export, its queries -------------------------------------------


def add_documents(n, *, township, clerk, body, chair=None):
    for i in range(n):
        doc = out.outgoing_create(
            township=township,
            by=clerk,
            issuing_body=body,
            doc_type=DocType.NOTICE if i % 2 else DocType.REPORT,
            title=f"发文{i}",
            body="正文",
            main_recipients="各村",
        )
        if chair and i % 3 == 0:
            doc = sign(doc, clerk, chair)
            out.outgoing_register(document=doc, by=clerk)


def queries_for(client, address, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address, params or {})
    assert response.status_code == 200
    return len(ctx), response


@pytest.mark.parametrize("params", [{}, {"q": "发文", "state": "numbered"}, {"year": YEAR, "secrecy": "none"}])
def test_the_register_queries_do_not_grow_with_its_rows(
    client_for, clerk, chair, township, body, params, django_assert_max_num_queries
):
    client = client_for(clerk)
    add_documents(1, township=township, clerk=clerk, body=body, chair=chair)
    one, _response = queries_for(client, LIST, params)
    add_documents(19, township=township, clerk=clerk, body=body, chair=chair)
    with django_assert_max_num_queries(one):
        response = client.get(LIST, params)
    assert response.status_code == 200
    if not params:
        assert len(response.context["documents"]) == 20
    assert one <= 14, one


def test_the_export_queries_do_not_grow_with_its_rows(client_for, clerk, chair, township, body):
    client = client_for(clerk)
    add_documents(1, township=township, clerk=clerk, body=body, chair=chair)
    one, _response = queries_for(client, EXPORT)
    add_documents(19, township=township, clerk=clerk, body=body, chair=chair)
    twenty, _response = queries_for(client, EXPORT)
    assert one == twenty


def test_the_register_is_paginated_and_has_an_empty_state(client_for, clerk, township, body):
    client = client_for(clerk)
    page = client.get(LIST).text
    assert 'data-testid="empty"' in page and "还没有发文。" in page and 'data-testid="create"' in page
    assert "没有符合条件的发文。" in client.get(LIST, {"q": "无此标题"}).text
    add_documents(31, township=township, clerk=clerk, body=body)
    response = client.get(LIST)
    assert len(response.context["documents"]) == 30 and response.context["paginator"].count == 31
    assert len(client.get(LIST, {"page": 2}).context["documents"]) == 1


def listed(client, **params):
    return {d.title for d in client.get(LIST, params).context["documents"]}


def test_the_register_filters(client_for, clerk, chair, township, body, other_body, users):
    second = IssuingBody.objects.create(township=township, name="青山镇人大办公室", code="青人办")
    add_documents(3, township=township, clerk=clerk, body=body, chair=chair)  # 发文0 numbered
    out.outgoing_create(
        township=township, by=clerk, issuing_body=second, doc_type=DocType.LETTER, title="办公室函", body="正文"
    )
    client = client_for(clerk)
    assert listed(client, q=f"青人〔{YEAR}〕1号") == {"发文0"}
    assert listed(client, q=f"〔{YEAR}〕1") == {"发文0"}
    assert listed(client, q="办公室") == {"办公室函"}
    assert listed(client, issuing_body=second.pk) == {"办公室函"}
    assert listed(client, doc_type=DocType.REPORT) == {"发文0", "发文2"}
    assert listed(client, state=OutgoingState.NUMBERED) == {"发文0"}
    assert listed(client, state=OutgoingState.DRAFT) == {"发文1", "发文2", "办公室函"}
    assert listed(client, year=YEAR) == {"发文0", "发文1", "发文2", "办公室函"}
    assert listed(client, secrecy="none") == {"发文0", "发文1", "发文2", "办公室函"}
    assert listed(client, secrecy=Secrecy.SECRET) == set()
    bodies = client.get(LIST).context["filterset"].form.fields["issuing_body"].queryset
    assert set(bodies) == {body, second} and other_body not in bodies
    # another township's body is not a valid choice: the filter form refuses it
    assert client.get(LIST, {"issuing_body": other_body.pk}).context["filterset"].form.errors
    # a county-wide account sees every township's bodies
    county_bodies = client_for(users[Role.COUNTY]).get(LIST).context["filterset"].form.fields["issuing_body"]
    assert other_body in county_bodies.queryset


def test_archived_is_a_state_of_the_register(client_for, draft, clerk, chair):
    doc = sign(draft, clerk, chair)
    out.outgoing_register(document=doc, by=clerk)
    out.outgoing_print(document=doc, by=clerk, copies=5)
    out.outgoing_seal(document=doc, by=clerk, seal="印章", count=5)
    out.outgoing_dispatch(document=doc, by=clerk)
    client = client_for(clerk)
    assert listed(client, state=OutgoingState.DISPATCHED) == {doc.title}
    out.outgoing_archive(document=doc, by=clerk)
    assert listed(client, state=OutgoingState.DISPATCHED) == set()
    assert listed(client, state="archived") == {doc.title}


def xlsx_rows(content):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def xlsx_text(content):
    return "\n".join(str(v) for row in xlsx_rows(content) for v in row if v is not None)


def test_the_export_has_chinese_headers_and_defuses_formulas(client_for, clerk, chair, township, body):
    doc = out.outgoing_create(
        township=township,
        by=clerk,
        issuing_body=body,
        doc_type=DocType.NOTICE,
        title='=HYPERLINK("http://example.invalid","点我")',
        body="正文",
        main_recipients="+各村",
    )
    sign(doc, clerk, chair)
    out.outgoing_register(document=refresh(doc), by=clerk)
    add_documents(2, township=township, clerk=clerk, body=body)
    response = client_for(clerk).get(EXPORT, {"q": "HYPERLINK"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = xlsx_rows(response.getvalue())
    assert rows[0][:5] == ["发文字号", "年度", "发文机关", "文种", "标题"] and "状态" in rows[0]
    assert len(rows) == 2  # the filter applies to the export
    row = rows[1]
    assert row[0] == f"青人〔{YEAR}〕1号" and row[2] == "青山镇人民代表大会主席团" and row[3] == "通知"
    assert row[4] == "'" + '=HYPERLINK("http://example.invalid","点我")'
    assert row[5] == "'+各村"
    assert row[7] == "非密" and row[17] == "已编号待印制"


# --- 发文稿纸 ---------------------------------------------------------------------------------------


def test_the_draft_sheet_shows_the_drafting_and_signing_chain(client_for, draft, clerk, chair, users):
    out.outgoing_submit(document=draft, by=clerk)
    out.outgoing_review(document=draft, by=clerk, passed=False, comment="请补充会议地点。")
    out.outgoing_save_draft(document=draft, by=clerk, body=draft.body + "地点：镇政府三楼会议室。", note="补充地点")
    out.outgoing_submit(document=draft, by=clerk)
    out.outgoing_review(document=draft, by=clerk, passed=True, comment="文字规范，同意送签。")
    out.outgoing_sign(document=draft, by=chair, opinion="同意印发")
    out.outgoing_register(document=draft, by=clerk)
    out.outgoing_print(document=draft, by=clerk, copies=40)
    out.outgoing_seal(document=draft, by=clerk, seal="青山镇人大主席团印章", count=40)

    response = client_for(users[Role.AUDITOR]).get(url("outgoing_sheet", draft))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    data = response.content
    assert data.startswith(b"%PDF")
    text = squash(pdf_text(data))
    for expected in (
        "青山镇人民代表大会主席团发文稿纸",
        "通知",
        "关于召开镇第十九届人民代表大会第三次会议的通知",
        "各村（社区）、镇直各单位",
        "县人大常委会",
        "非密",
        "平件",
        clerk.display_name,
        "退回修改：请补充会议地点。",
        "核稿通过：文字规范，同意送签。",
        "同意印发",
        f"签发人：{chair.display_name}",
        f"青人〔{YEAR}〕1号",
        "40份",
        "青山镇人大主席团印章，40次",
        "地点：镇政府三楼会议室。",
    ):
        assert squash(expected) in text, expected
    fonts = pdf_fonts(data)
    assert fonts and all(is_embedded(font) for font in fonts)
    assert SealLog.objects.filter(document=draft).count() == 1


# --- admin ------------------------------------------------------------------------------------


def test_admins_edit_the_issuing_bodies_and_only_read_the_documents(client, users, draft, body, classified):
    admin_user = users[Role.ADMIN]
    client.force_login(admin_user)
    change = reverse("admin:documents_issuingbody_change", args=[body.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="code"' in page.text
    assert client.get(reverse("admin:documents_issuingbody_add")).status_code == 200

    changelist = client.get(reverse("admin:documents_outgoingdocument_changelist"))
    assert changelist.status_code == 200
    assert draft.title in changelist.text and classified.title not in changelist.text
    assert client.get(reverse("admin:documents_outgoingdocument_add")).status_code == 403
    detail = client.get(reverse("admin:documents_outgoingdocument_change", args=[draft.pk]))
    assert detail.status_code == 200 and 'name="title"' not in detail.text
    assert client.get(reverse("admin:documents_outgoingdocument_change", args=[classified.pk])).status_code == 302


def test_an_admin_changes_a_code_in_use_and_issued_numbers_keep_theirs(
    client, users, draft, township, clerk, chair, body
):
    doc = sign(draft, clerk, chair)
    out.outgoing_register(document=doc, by=clerk)
    out.outgoing_void_number(document=refresh(doc), by=clerk, reason="编号时选错发文机关")
    out.outgoing_register(document=refresh(doc), by=clerk)
    client.force_login(users[Role.ADMIN])
    change = reverse("admin:documents_issuingbody_change", args=[body.pk])
    page = client.get(change).text
    assert 'name="code"' in page and 'name="township"' not in page  # the township is fixed once in use
    form = {"name": body.name, "code": "青人主", "mark": body.mark, "is_active": "on", "order": 0}
    assert client.post(change, form).status_code == 302
    body.refresh_from_db()
    assert body.code == "青人主"
    assert refresh(doc).number == f"青人〔{YEAR}〕2号"  # issued under the old 代字
    assert str(VoidedNumber.objects.get(document=doc)) == f"青人〔{YEAR}〕1号"
    second = sign(
        out.outgoing_create(
            township=township, by=clerk, issuing_body=body, doc_type="notice", title="第二件", body="正文"
        ),
        clerk,
        chair,
    )
    out.outgoing_register(document=second, by=clerk)
    assert refresh(second).number == f"青人主〔{YEAR}〕3号"  # the new 代字, the body's sequence goes on


def test_the_document_pages_queries_do_not_grow_with_versions_and_events(client_for, draft, clerk, chair):
    """More versions, events and voided numbers: the same queries (the change
    history adds one query per kind of related object, so the signer is there in both)."""
    client = client_for(clerk)
    pages = ("outgoing_detail", "outgoing_versions", "outgoing_compare")
    doc = sign(draft, clerk, chair)
    out.outgoing_register(document=doc, by=clerk)
    before = {name: queries_for(client, url(name, doc))[0] for name in pages}
    out.outgoing_void_number(document=refresh(doc), by=clerk, reason="重编")
    for n in range(3):
        out.outgoing_save_draft(document=refresh(doc), by=clerk, annotation=f"附注{n}", note=f"改附注{n}")
    out.outgoing_register(document=refresh(doc), by=clerk)
    out.outgoing_void_number(document=refresh(doc), by=clerk, reason="再次重编")
    out.outgoing_register(document=refresh(doc), by=clerk)
    after = {name: queries_for(client, url(name, doc))[0] for name in pages}
    assert refresh(doc).versions.count() == 4 and VoidedNumber.objects.count() == 2
    assert after == before, (before, after)
