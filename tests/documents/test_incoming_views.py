"""The incoming pages (收文) through the Django test client: the register and its export, the
催办 view, 签收, the document's page and every step, the files and the PDFs.

Anonymous → login; a role without the permission → 403; another township's document, or one
classified above the user's clearance → 404 on every URL (and absent from the list and the
export); a step the state does not allow → back to the document, or on the form, with the
reason in Chinese and nothing changed; the read receipt when a named reader opens it; a fixed
number of queries whatever the rows."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from congress_office.models import CaseSupervision, Deadline, DeadlineState, ExtensionRequest, Notification
from congress_office.roles import Role
from congress_office.services.cases import case_request_extension, case_timeline
from documents.choices import DocType, IncomingState, Secrecy, Urgency
from documents.models import Circulation, IncomingDocument, IncomingFile
from documents.services import incoming as inc

from ..core.test_pdf import is_embedded, pdf_fonts
from ..factories import UnitFactory

LIST = reverse("documents:incoming_list")
EXPORT = reverse("documents:incoming_export")
OVERDUE = reverse("documents:incoming_overdue")
CREATE = reverse("documents:incoming_create")
PDF_MAGIC = b"%PDF-"

# every URL of one document: (URL name, methods it answers)
DOCUMENT_URLS = (
    "incoming_detail",
    "incoming_register",
    "incoming_check",
    "incoming_return",
    "incoming_propose",
    "incoming_instruct",
    "incoming_assign",
    "incoming_circulate",
    "incoming_supervise",
    "incoming_extend",
    "incoming_extension_decide",
    "incoming_close",
    "incoming_archive",
    "incoming_slip_pdf",
    "incoming_return_pdf",
)
POST_ONLY_URLS = ("incoming_remind",)


def url(name, document):
    return reverse(f"documents:{name}", args=[document.pk])


def text(response):
    return response.content.decode()


def squash(value):
    return re.sub(r"\s+", "", value)


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def state_of(document):
    return IncomingDocument.objects.values_list("state", flat=True).get(pk=document.pk)


def receive(township, clerk, n=0, **kwargs):
    return inc.incoming_receive(
        township=township, by=clerk, sender=kwargs.pop("sender", "县人大常委会办公室"), title=f"来文{n}", **kwargs
    )


def to_state(document, state, *, clerk, chair, unit, start=None):
    """Drive a registered document on through the services to `state`."""
    order = [IncomingState.CHECKED, IncomingState.PROPOSED, IncomingState.INSTRUCTED, IncomingState.ASSIGNED]
    steps = {
        IncomingState.CHECKED: lambda: inc.incoming_check(document=document, by=clerk),
        IncomingState.PROPOSED: lambda: inc.incoming_propose(document=document, by=clerk, proposal="拟请主席阅示。"),
        IncomingState.INSTRUCTED: lambda: inc.incoming_instruct(
            document=document, by=chair, instruction="同意，交自然资源所办理。"
        ),
        IncomingState.ASSIGNED: lambda: inc.incoming_assign(document=document, by=clerk, lead_unit=unit, start=start),
    }
    for step in order[: order.index(state) + 1]:
        steps[step]()
    document.refresh_from_db()
    return document


@pytest.fixture
def checked(registered, clerk, chair, unit):
    return to_state(registered, IncomingState.CHECKED, clerk=clerk, chair=chair, unit=unit)


@pytest.fixture
def proposed(registered, clerk, chair, unit):
    return to_state(registered, IncomingState.PROPOSED, clerk=clerk, chair=chair, unit=unit)


@pytest.fixture
def instructed(registered, clerk, chair, unit):
    return to_state(registered, IncomingState.INSTRUCTED, clerk=clerk, chair=chair, unit=unit)


@pytest.fixture
def assigned(registered, clerk, chair, unit):
    return to_state(registered, IncomingState.ASSIGNED, clerk=clerk, chair=chair, unit=unit)


@pytest.fixture
def overdue_doc(registered, clerk, chair, unit):
    """Assigned three weeks ago on a 10-working-day clock: past due."""
    start = timezone.localdate() - timedelta(days=30)
    return to_state(registered, IncomingState.ASSIGNED, clerk=clerk, chair=chair, unit=unit, start=start)


@pytest.fixture
def cleared_clerk(clerk):
    clerk.clearance = 2
    clerk.save()
    return clerk


@pytest.fixture
def classified(township, cleared_clerk):
    """A 机密 document, registered."""
    document = receive(township, cleared_clerk, 99, secrecy=Secrecy.CONFIDENTIAL)
    return inc.incoming_register(document=document, by=cleared_clerk, sender_number="县委办〔2026〕3号")


@pytest.fixture
def uncleared(township, make_user):
    """A clerk and chair at once, with every permission of the incoming pages, not cleared."""
    from tests.factories import UserFactory

    return UserFactory(roles=[Role.CLERK, Role.CHAIR], township=township, username="uncleared")


# --- access ------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, registered):
    for target in (
        LIST,
        EXPORT,
        OVERDUE,
        CREATE,
        url("incoming_detail", registered),
        url("incoming_slip_pdf", registered),
    ):
        response = client.get(target)
        assert response.status_code == 302 and "/login" in response["Location"], target


def test_another_townships_user_gets_404_on_every_url(client_for, registered, other_township):
    from tests.factories import UserFactory

    # a clerk and chair at once: every permission of the pages, so only the township decides
    both = UserFactory(roles=[Role.CLERK, Role.CHAIR], township=other_township, username="other_both", clearance=3)
    for user in (both,):
        client = client_for(user)
        for name in DOCUMENT_URLS:
            assert client.get(url(name, registered)).status_code == 404, (user, name)
        for name in POST_ONLY_URLS:
            assert client.post(url(name, registered)).status_code == 404, name
        assert registered.title not in text(client.get(LIST))


def test_a_role_without_the_permission_gets_403(client_for, users, registered):
    deputy = client_for(users[Role.DEPUTY])
    for target in (LIST, EXPORT, OVERDUE, CREATE, url("incoming_detail", registered)):
        assert deputy.get(target).status_code == 403, target
    chair = client_for(users[Role.CHAIR])
    for name in ("incoming_register", "incoming_check", "incoming_return", "incoming_propose", "incoming_assign"):
        assert chair.get(url(name, registered)).status_code == 403, name
    assert chair.get(CREATE).status_code == 403
    assert chair.post(url("incoming_register", registered), {"copies": 1, "pages": 1}).status_code == 403
    clerk = client_for(users[Role.CLERK])
    assert clerk.get(url("incoming_instruct", registered)).status_code == 403
    assert clerk.get(url("incoming_extension_decide", registered)).status_code == 403
    assert state_of(registered) == IncomingState.REGISTERED


def test_county_accounts_read_but_do_not_write(client_for, users, registered):
    county = client_for(users[Role.COUNTY])
    assert registered.title in text(county.get(LIST))
    page = county.get(url("incoming_detail", registered))
    assert page.status_code == 200 and page.context["actions"] == []
    assert county.get(CREATE).status_code == 403
    assert county.get(url("incoming_check", registered)).status_code == 403


def test_a_unit_handler_sees_only_what_their_unit_handles(
    client_for, handler, registered, clerk, chair, unit, township
):
    client = client_for(handler)
    assert client.get(url("incoming_detail", registered)).status_code == 404
    to_state(registered, IncomingState.ASSIGNED, clerk=clerk, chair=chair, unit=unit)
    other = receive(township, clerk, 2)
    listed = text(client.get(LIST))
    assert registered.title in listed and other.title not in listed
    page = client.get(url("incoming_detail", registered))
    assert {a["key"] for a in page.context["actions"]} == {"reply", "request_extension"}
    assert 'data-testid="receive"' not in listed


def test_a_document_circulated_to_another_units_handler_becomes_visible_to_them_only(
    client_for, registered, clerk, chair, unit, township, make_user, users
):
    """传阅 reaches beyond the lead unit: a handler of another unit named on the list opens it
    (and the read is recorded); a colleague of theirs not on the list still gets 404; a deputy
    cannot be put on the list (the role does not read incoming documents)."""
    to_state(registered, IncomingState.ASSIGNED, clerk=clerk, chair=chair, unit=unit)
    other_unit = UnitFactory(township=township, name="城建办")
    reader = make_user(Role.UNIT_HANDLER, township, unit=other_unit, username="cjb1")
    colleague = make_user(Role.UNIT_HANDLER, township, unit=other_unit, username="cjb2")
    form = client_for(clerk).get(url("incoming_circulate", registered)).context["form"]
    candidates = set(form.fields["readers"].queryset)
    assert {reader, colleague} <= candidates and users[Role.DEPUTY] not in candidates
    with pytest.raises(ValidationError, match="不能查阅收文"):
        inc.incoming_circulate(document=registered, by=clerk, readers=[users[Role.DEPUTY]])

    assert client_for(reader).get(url("incoming_detail", registered)).status_code == 404
    inc.incoming_circulate(document=registered, by=clerk, readers=[reader])
    page = client_for(reader).get(url("incoming_detail", registered))
    assert page.status_code == 200 and page.context["actions"] == []
    assert registered.title in text(client_for(reader).get(LIST))
    assert Circulation.objects.get(document=registered, reader=reader).read_at is not None
    assert client_for(colleague).get(url("incoming_detail", registered)).status_code == 404
    assert registered.title not in text(client_for(colleague).get(LIST))


# --- secrecy -------------------------------------------------------------------------------------------


def test_a_classified_document_is_404_for_an_uncleared_user_on_every_url(client_for, classified, uncleared):
    client = client_for(uncleared)
    for name in DOCUMENT_URLS:
        assert client.get(url(name, classified)).status_code == 404, name
    for name in POST_ONLY_URLS:
        assert client.post(url(name, classified)).status_code == 404, name
    assert client.post(url("incoming_check", classified), {"note": ""}).status_code == 404
    assert classified.title not in text(client.get(LIST))
    assert list(client.get(LIST, {"q": classified.title}).context["documents"]) == []
    assert classified.title not in text(client.get(OVERDUE))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get(EXPORT).getvalue())).active
    assert all(classified.title not in str(cell.value) for row in sheet.iter_rows() for cell in row)
    assert state_of(classified) == IncomingState.REGISTERED


def test_a_classified_file_is_404_for_an_uncleared_user(client_for, township, cleared_clerk, uncleared):
    document = receive(township, cleared_clerk, 5, secrecy=Secrecy.CONFIDENTIAL)
    scan = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    inc.incoming_register(document=document, by=cleared_clerk, files=[scan])
    row = IncomingFile.objects.get(document=document)
    target = reverse("documents:incoming_file", args=[row.pk])
    assert client_for(uncleared).get(target).status_code == 404
    response = client_for(cleared_clerk).get(target)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(PDF_MAGIC)


def test_a_cleared_user_sees_the_classified_document_with_its_mark(client_for, classified, chair):
    chair.clearance = 2
    chair.save()
    client = client_for(chair)
    assert classified.title in text(client.get(LIST))
    page = client.get(url("incoming_detail", classified))
    assert page.status_code == 200
    assert "机密★20年" in text(page) and "派生定密" in text(page)
    assert "no-store" in page["Cache-Control"]


def test_receiving_above_ones_clearance_is_refused_on_the_form(client_for, clerk):
    response = client_for(clerk).post(
        CREATE,
        {"sender": "县委办", "title": "机密件", "secrecy": Secrecy.CONFIDENTIAL, "received_at": "2026-01-05T09:00"},
    )
    assert response.status_code == 200 and "涉密等级不足" in text(response)
    assert not IncomingDocument.objects.exists()


# --- the register ------------------------------------------------------------------------------------------


def test_the_register_offers_receiving_to_clerks_and_has_an_empty_state(client_for, clerk, chair, township):
    page = client_for(clerk).get(LIST)
    assert page.status_code == 200
    assert 'data-testid="receive"' in text(page) and "还没有收文" in text(page)
    assert 'data-testid="receive"' not in text(client_for(chair).get(LIST))
    receive(township, clerk)
    filtered = client_for(clerk).get(LIST, {"sender": "不存在的机关"})
    assert "没有符合条件的收文" in text(filtered)


def register_rows(n, *, township, clerk, unit, chair):
    for i in range(n):
        document = receive(township, clerk, i, urgency=Urgency.URGENT if i % 2 else "")
        inc.incoming_register(document=document, by=clerk, doc_type=DocType.NOTICE)
        if i % 3 == 0:
            to_state(document, IncomingState.ASSIGNED, clerk=clerk, chair=chair, unit=unit)
            inc.incoming_circulate(document=document, by=clerk, readers=[chair])


def count_queries(client, target, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target, params or {})
    assert response.status_code == 200
    return len(queries)


def test_the_register_and_export_cost_the_same_queries_for_1_and_20_rows(
    client_for, clerk, chair, township, unit, django_assert_max_num_queries
):
    client = client_for(clerk)
    register_rows(1, township=township, clerk=clerk, unit=unit, chair=chair)
    with django_assert_max_num_queries(12):
        client.get(LIST)
    small = count_queries(client, LIST), count_queries(client, EXPORT), count_queries(client, LIST, {"overdue": "on"})
    register_rows(19, township=township, clerk=clerk, unit=unit, chair=chair)
    assert IncomingDocument.objects.count() == 20
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["documents"]) == 20
    large = count_queries(client, LIST), count_queries(client, EXPORT), count_queries(client, LIST, {"overdue": "on"})
    assert small == large


def listed(client, **params):
    return {d.pk for d in client.get(LIST, params).context["documents"]}


def test_the_register_filters(client_for, clerk, chair, township, unit, cleared_clerk):
    a = receive(township, clerk, 1, sender="县财政局", urgency=Urgency.VERY_URGENT)
    inc.incoming_register(document=a, by=clerk, doc_type=DocType.NOTICE, sender_number="县财〔2026〕8号")
    b = receive(township, clerk, 2, sender="县民政局")
    inc.incoming_register(document=b, by=clerk, doc_type=DocType.LETTER)
    to_state(
        b, IncomingState.ASSIGNED, clerk=clerk, chair=chair, unit=unit, start=timezone.localdate() - timedelta(days=30)
    )
    c = receive(township, cleared_clerk, 3, secrecy=Secrecy.SECRET)
    client = client_for(cleared_clerk)
    assert listed(client) == {a.pk, b.pk, c.pk}
    assert listed(client, doc_type=DocType.NOTICE) == {a.pk}
    assert listed(client, sender="财政") == {a.pk}
    assert listed(client, state=IncomingState.RECEIVED) == {c.pk}
    assert listed(client, secrecy="none") == {a.pk, b.pk}
    assert listed(client, secrecy=Secrecy.SECRET) == {c.pk}
    assert listed(client, urgency=Urgency.VERY_URGENT) == {a.pk}
    assert listed(client, urgency="normal") == {b.pk, c.pk}
    assert listed(client, overdue="on") == {b.pk}
    assert listed(client, year=a.year) == {a.pk, b.pk, c.pk}
    last_year = receive(township, clerk, 4, received_at=timezone.now() - timedelta(days=400))
    assert listed(client, year=a.year - 1) == {last_year.pk}
    assert str(a.year - 1) in text(client.get(LIST))
    assert listed(client, q="县财〔2026〕8号") == {a.pk}
    assert listed(client, q=f"收〔{a.year}〕{b.sequence}号") == {b.pk}
    assert listed(client, q="来文3") == {c.pk}
    page = text(client.get(LIST, {"overdue": "on"}))
    assert "已逾期" in page


def test_the_export_is_the_filtered_register_with_chinese_headers_and_defused_formulas(client_for, clerk, township):
    from openpyxl import load_workbook

    formula = inc.incoming_receive(township=township, by=clerk, sender='=HYPERLINK("http://x")', title="-1+2")
    inc.incoming_register(document=formula, by=clerk, sender_number="@SUM(A1)")
    plain = receive(township, clerk, 7, sender="县教育局")
    response = client_for(clerk).get(EXPORT, {"sender": "HYPERLINK"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[:5] == ["收文号", "签收时间", "来文机关", "来文字号", "标题"] and "承办单位" in header
    assert len(rows) == 2
    row = dict(zip(header, rows[1], strict=True))
    assert row["来文机关"] == '\'=HYPERLINK("http://x")'
    assert row["标题"] == "'-1+2" and row["来文字号"] == "'@SUM(A1)"
    assert row["收文号"] == formula.number
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)
    assert plain.title not in str(rows)


# --- 签收 ------------------------------------------------------------------------------------------------


def test_a_clerk_receives_a_document(client_for, clerk):
    client = client_for(clerk)
    form = client.get(CREATE)
    assert form.status_code == 200 and "派生定密" in text(form)
    assert form.context["form"].initial["received_at"] <= timezone.localtime()
    response = client.post(
        CREATE,
        {
            "sender": "县人大常委会",
            "title": "关于开展代表履职培训的通知",
            "urgency": Urgency.URGENT,
            "received_at": "2026-01-05T09:30",
        },
    )
    document = IncomingDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.state == IncomingState.RECEIVED and document.received_by == clerk
    assert timezone.localtime(document.received_at).strftime("%Y-%m-%d %H:%M") == "2026-01-05 09:30"
    assert [e.action for e in case_timeline(document)] == ["receive"]


def test_receiving_in_the_future_is_refused(client_for, clerk):
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(clerk).post(CREATE, {"sender": "县委办", "title": "来文", "received_at": later})
    assert response.status_code == 200 and "签收时间不能晚于现在" in text(response)
    assert not IncomingDocument.objects.exists()


# --- the document's page -----------------------------------------------------------------------------------------


def test_the_page_shows_every_field_and_only_the_steps_the_user_may_take(client_for, registered, clerk, chair):
    page = client_for(clerk).get(url("incoming_detail", registered))
    body = text(page)
    for value in (registered.number, registered.sender, "县人办〔2026〕12号", "通知", "每份 3 页", clerk.display_name):
        assert value in body, value
    assert {a["key"] for a in page.context["actions"]} == {"check", "return"}
    assert [e.action for e in page.context["timeline"]] == ["receive", "register"]
    assert client_for(chair).get(url("incoming_detail", registered)).context["actions"] == []


def test_a_step_the_state_does_not_allow_is_refused_in_chinese_and_changes_nothing(client_for, registered, clerk):
    client = client_for(clerk)
    response = client.get(url("incoming_propose", registered), follow=True)
    assert response.redirect_chain[-1][0] == url("incoming_detail", registered)
    assert any("不能“拟办”" in m for m in messages_of(response))
    response = client.post(url("incoming_propose", registered), {"proposal": "拟办"})
    assert response.status_code == 200 and "该事项当前为“已登记待初审”，不能“拟办”。" in text(response)
    registered.refresh_from_db()
    assert registered.state == IncomingState.REGISTERED and registered.proposal == ""
    response = client.post(url("incoming_register", registered), {"copies": 1, "pages": 1})
    assert response.status_code == 200 and "不能“登记”" in text(response)
    assert IncomingDocument.objects.get(pk=registered.pk).sequence == registered.sequence
    assert len(case_timeline(registered)) == 2


def real_png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_whole_flow_through_the_pages(client_for, received, clerk, chair, handler, unit, users):
    client = client_for(clerk)
    scans = [
        SimpleUploadedFile("第1页.pdf", b"%PDF-1.4 one", content_type="application/pdf"),
        SimpleUploadedFile("第2页.png", real_png(), content_type="image/png"),  # Pillow decodes it
    ]
    response = client.post(
        url("incoming_register", received),
        {"sender_number": "县人办〔2026〕20号", "doc_type": DocType.NOTICE, "copies": 2, "pages": 4, "files": scans},
    )
    assert response.status_code == 302, text(response)
    received.refresh_from_db()
    assert received.state == IncomingState.REGISTERED and received.sequence == 1 and received.copies == 2
    assert sorted(received.files.values_list("name", flat=True)) == ["第1页.pdf", "第2页.png"]
    file_url = reverse("documents:incoming_file", args=[received.files.first().pk])
    assert client.get(file_url).status_code == 200

    assert client.post(url("incoming_check", received), {"note": "属本机关办理范围"}).status_code == 302
    assert client.post(url("incoming_propose", received), {"proposal": "拟请王主席阅示。"}).status_code == 302
    assert state_of(received) == IncomingState.PROPOSED

    chair_client = client_for(chair)
    assert chair_client.get(url("incoming_instruct", received)).status_code == 200
    assert (
        chair_client.post(url("incoming_instruct", received), {"instruction": "同意，交自然资源所。"}).status_code
        == 302
    )

    client = client_for(clerk)
    assign_page = client.get(url("incoming_assign", received))
    assert "10 个工作日" in text(assign_page)
    assert client.post(url("incoming_assign", received), {"lead_unit": unit.pk}).status_code == 302
    received.refresh_from_db()
    assert received.state == IncomingState.ASSIGNED and received.lead_unit == unit
    clock = Deadline.objects.get(kind="documents.incoming.handling", subject_id=received.pk)
    page = client.get(url("incoming_detail", received))
    assert clock.due_date.isoformat() in text(page) and clock.basis() in text(page)

    circulate = client.get(url("incoming_circulate", received))
    candidates = set(circulate.context["form"].fields["readers"].queryset)
    assert chair in candidates and handler in candidates and users[Role.DEPUTY] not in candidates
    response = client.post(url("incoming_circulate", received), {"readers": [chair.pk, users[Role.AUDITOR].pk]})
    assert response.status_code == 302
    assert Circulation.objects.filter(document=received).count() == 2

    # the named reader opens it: the read receipt
    chair_client = client_for(chair)
    response = chair_client.get(url("incoming_detail", received))
    assert any("阅文时间" in m for m in messages_of(response))
    row = Circulation.objects.get(document=received, reader=chair)
    assert row.read_at is not None and row.deadline.state == DeadlineState.MET
    chair_client.get(url("incoming_detail", received))
    assert [e.action for e in case_timeline(received)].count("read") == 1

    client = client_for(clerk)
    page = client.get(url("incoming_detail", received))
    assert page.context["read_count"] == 1 and [c.reader for c in page.context["unread"]] == [users[Role.AUDITOR]]
    assert client.get(url("incoming_detail", received)).context["can_remind"]
    before = Notification.objects.filter(recipient=users[Role.AUDITOR]).count()
    response = client.post(url("incoming_remind", received), follow=True)
    assert any("已提醒 1 名" in m for m in messages_of(response))
    assert Notification.objects.filter(recipient=users[Role.AUDITOR]).count() == before + 1

    response = client.post(url("incoming_supervise", received), {"content": "请本周内办结。"})
    assert response.status_code == 200 and "请勾选确认" in text(response)
    response = client.post(url("incoming_supervise", received), {"content": "请本周内办结。", "confirm": "on"})
    assert response.status_code == 302 and CaseSupervision.objects.filter(item_id=received.pk).count() == 1

    # the lead unit's handler closes it
    handler_client = client_for(handler)
    response = handler_client.post(
        url("incoming_close", received), {"result": "已落实。", "on": timezone.localdate().isoformat(), "confirm": "on"}
    )
    assert response.status_code == 302, text(response)
    received.refresh_from_db()
    assert received.state == IncomingState.CLOSED and received.result == "已落实。"
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET

    client = client_for(clerk)
    assert client.post(url("incoming_archive", received), {}).status_code == 200
    assert client.post(url("incoming_archive", received), {"confirm": "on"}).status_code == 302
    received.refresh_from_db()
    assert received.archived_at is not None
    assert client.get(url("incoming_archive", received)).status_code == 302  # already archived: back with the reason
    assert [e.action for e in case_timeline(received)] == [
        "receive",
        "register",
        "check",
        "propose",
        "instruct",
        "assign",
        "circulate",
        "read",
        "supervise",
        "reply",
        "archive",
    ]


def test_circulating_to_an_uncleared_reader_is_refused_on_the_form(client_for, classified, cleared_clerk, chair):
    inc.incoming_check(document=classified, by=cleared_clerk)
    response = client_for(cleared_clerk).post(url("incoming_circulate", classified), {"readers": [chair.pk]})
    assert response.status_code == 200 and "涉密等级不足" in text(response)
    assert not Circulation.objects.exists()


def test_a_unit_handler_of_another_unit_cannot_close(client_for, assigned, township, make_user):
    from tests.factories import UnitFactory

    stranger = make_user(Role.UNIT_HANDLER, township, unit=UnitFactory(township=township, name="财政所"))
    assert client_for(stranger).get(url("incoming_close", assigned)).status_code == 404


def test_extension_request_and_decision(client_for, assigned, clerk, chair, settings):
    client = client_for(clerk)
    page = client.get(url("incoming_extend", assigned))
    assert page.status_code == 200 and "最迟可延至" in text(page)
    response = client.post(url("incoming_extend", assigned), {"days": 99, "reason": "情况复杂"})
    assert response.status_code == 200 and "最迟只能延至" in text(response)
    assert client.post(url("incoming_extend", assigned), {"days": 3, "reason": "需要现场核查"}).status_code == 302
    assert ExtensionRequest.objects.filter(state="pending").count() == 1
    # a second request while one is pending: back to the document with the reason
    response = client.get(url("incoming_extend", assigned), follow=True)
    assert any("正在等待审批" in m for m in messages_of(response))

    chair_client = client_for(chair)
    page = chair_client.get(url("incoming_detail", assigned))
    assert page.context["can_decide_extension"] and "需要现场核查" in text(page)
    response = chair_client.post(url("incoming_extension_decide", assigned), {"decision": "refuse"})
    assert response.status_code == 200 and "请填写不予批准的理由" in text(response)
    assert chair_client.post(url("incoming_extension_decide", assigned), {"decision": "approve"}).status_code == 302
    clock = Deadline.objects.get(kind="documents.incoming.handling", subject_id=assigned.pk)
    assert clock.state == DeadlineState.EXTENDED and clock.due_date > clock.original_due_date
    assert "延期" in text(client_for(clerk).get(url("incoming_detail", assigned)))


def test_refusing_an_extension(client_for, assigned, clerk, chair):
    case_request_extension(item=assigned, by=clerk, reason="需要协调", extra=2)
    response = client_for(chair).post(
        url("incoming_extension_decide", assigned), {"decision": "refuse", "note": "可以按期办结"}
    )
    assert response.status_code == 302
    assert ExtensionRequest.objects.get().state == "refused"
    assert "可以按期办结" in text(client_for(clerk).get(url("incoming_detail", assigned)))


# --- 退文 and the PDFs -------------------------------------------------------------------------------------------


def test_a_return_with_its_printable_note(client_for, registered, clerk, users):
    client = client_for(clerk)
    assert client.get(url("incoming_return_pdf", registered)).status_code == 404  # not returned
    response = client.post(url("incoming_return", registered), {"reason": "来文不属本机关职权范围，请转县民政局。"})
    assert response.status_code == 200 and "请勾选确认" in text(response)
    assert state_of(registered) == IncomingState.REGISTERED
    response = client.post(
        url("incoming_return", registered), {"reason": "来文不属本机关职权范围，请转县民政局。", "confirm": "on"}
    )
    assert response.status_code == 302
    assert state_of(registered) == IncomingState.RETURNED
    page = client.get(url("incoming_detail", registered))
    assert 'data-testid="return-pdf"' in text(page) and {a["key"] for a in page.context["actions"]} == {"archive"}
    response = client.get(url("incoming_return_pdf", registered))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    content = squash(pdf_text(response.content))
    for value in (
        "退文说明",
        "县人大常委会办公室：",
        "关于做好代表建议办理工作的通知",
        "县人办〔2026〕12号",
        "来文不属本机关职权范围，请转县民政局。",
        "青山镇人大办公室",
        registered.number,
    ):
        assert squash(value) in content, value
    fonts = pdf_fonts(response.content)
    assert fonts and all(is_embedded(f) for f in fonts)
    assert client_for(users[Role.DEPUTY]).get(url("incoming_return_pdf", registered)).status_code == 403


def test_the_routing_slip_shows_the_whole_chain(client_for, assigned, clerk, chair, users):
    inc.incoming_circulate(document=assigned, by=clerk, readers=[chair, users[Role.AUDITOR]])
    inc.incoming_mark_read(document=assigned, by=chair)
    response = client_for(clerk).get(url("incoming_slip_pdf", assigned))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(PDF_MAGIC) and response["Content-Disposition"].startswith("inline")
    content = squash(pdf_text(response.content))
    clock = Deadline.objects.get(kind="documents.incoming.handling", subject_id=assigned.pk)
    for value in (
        "收文处理单",
        assigned.number,
        "县人大常委会办公室",
        "县人办〔2026〕12号",
        "关于做好代表建议办理工作的通知",
        "非密",
        "平件",
        "1份/每份3页",
        "拟请主席阅示。",
        "同意，交自然资源所办理。",
        chair.display_name,
        "自然资源所",
        clock.due_date.strftime("%Y年%-m月%-d日"),
        "已阅",
        "未阅",
        users[Role.AUDITOR].display_name,
    ):
        assert squash(value) in content, value
    fonts = pdf_fonts(response.content)
    assert fonts and all(is_embedded(f) for f in fonts)


def test_the_slip_of_a_closed_document_carries_the_result(client_for, assigned, clerk):
    inc.incoming_close(document=assigned, by=clerk, result="已按通知要求组织代表培训。")
    content = squash(pdf_text(client_for(clerk).get(url("incoming_slip_pdf", assigned)).content))
    assert "已按通知要求组织代表培训。" in content


# --- 催办 ---------------------------------------------------------------------------------------------------


def test_the_overdue_view_groups_items_per_unit(client_for, overdue_doc, clerk, chair, township, unit):
    fresh = receive(township, clerk, 8)
    inc.incoming_register(document=fresh, by=clerk)
    to_state(fresh, IncomingState.ASSIGNED, clerk=clerk, chair=chair, unit=unit)  # due later: not overdue
    page = client_for(clerk).get(OVERDUE)
    assert page.status_code == 200
    groups = page.context["groups"]
    assert [g["unit"] for g in groups] == [unit] and [r["document"] for r in groups[0]["rows"]] == [overdue_doc]
    clock = Deadline.objects.get(kind="documents.incoming.handling", subject_id=overdue_doc.pk)
    assert groups[0]["oldest"] == clock.due_date and "催办" in text(page)
    assert url("incoming_supervise", overdue_doc) in text(page)


def test_the_overdue_view_has_an_empty_state(client_for, clerk):
    page = client_for(clerk).get(OVERDUE)
    assert page.status_code == 200 and "没有逾期未办结的收文" in text(page)


def test_the_overdue_view_costs_the_same_queries_for_1_and_20_items(client_for, clerk, chair, township, unit):
    start = timezone.localdate() - timedelta(days=40)

    def add(n, offset):
        for i in range(n):
            document = receive(township, clerk, offset + i)
            inc.incoming_register(document=document, by=clerk)
            to_state(document, IncomingState.ASSIGNED, clerk=clerk, chair=chair, unit=unit, start=start)

    client = client_for(clerk)
    add(1, 0)
    small = count_queries(client, OVERDUE)
    add(19, 100)
    response = client.get(OVERDUE)
    assert response.context["total"] == 20
    assert count_queries(client, OVERDUE) == small


def test_an_overdue_reading_is_listed_per_reader(client_for, checked, clerk, chair):
    inc.incoming_circulate(document=checked, by=clerk, readers=[chair], start=date(2026, 1, 5))
    page = client_for(clerk).get(OVERDUE)
    assert [g["reader"] for g in page.context["reader_groups"]] == [chair]


def test_the_page_costs_the_same_queries_for_1_and_6_readers(client_for, assigned, clerk, chair, township, make_user):
    inc.incoming_circulate(document=assigned, by=clerk, readers=[chair])
    client = client_for(clerk)
    small = count_queries(client, url("incoming_detail", assigned))
    others = [make_user(Role.AUDITOR, township, username=f"reader{n}") for n in range(5)]
    inc.incoming_circulate(document=assigned, by=clerk, readers=others)
    for reader in others[:3]:
        inc.incoming_mark_read(document=assigned, by=reader)
    inc.incoming_supervise(document=assigned, by=chair, content="请抓紧。")
    page = client.get(url("incoming_detail", assigned))
    assert page.context["read_count"] == 3 and len(page.context["unread"]) == 3
    assert count_queries(client, url("incoming_detail", assigned)) == small
