"""Both document flows in a real browser (issue 8's journeys):

1. 收文: the clerk receives a letter from the county with its scan, registers it (收文号), checks
   it and writes the 拟办意见; a chair writes the 批办意见; the clerk assigns it to 自然资源所 on
   a clock and circulates it to the chair and the auditor; the chair opens it (the read receipt);
   the clerk sees who has read it and who not; the unit's handler, on a phone, closes it with
   the result; the clerk marks it archived.
2. 发文: the clerk drafts a 通知; the office's head reviews it (核稿); the chair signs it (签发);
   the clerk registers its 发文字号, records the printing, the seal and the dispatch with copies
   per recipient, and opens the GB/T 9704 PDF, whose text and embedded fonts are checked.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from congress_office.roles import Role
from congress_office.services.cases import case_timeline
from documents.choices import IncomingState, OutgoingState
from documents.models import Circulation, Dispatch, IncomingDocument, IssuingBody, OutgoingDocument, SealLog

from ..core.test_pdf import is_embedded, pdf_fonts, pdf_text, squash
from ..factories import PASSWORD, UnitFactory, UserFactory
from .test_clerk_journey import assert_no_horizontal_overflow
from .test_deputy_journey import assert_labels_on_one_line

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812, "mobile": True}
DESKTOP = {"width": 1280, "height": 900}
YEAR = timezone.localdate().year
SENDER = "县人大常委会办公室"
LETTER = "关于做好2027年度代表建议交办工作的通知"
SENDER_NUMBER = f"县人办〔{YEAR}〕12号"
PROPOSAL = "拟请主席阅示，交自然资源所牵头办理，并送主席、审计人员传阅。"
INSTRUCTION = "同意，请自然资源所抓紧办理，月底前报结果。"
RESULT = "已按通知要求梳理涉及土地的代表建议3件，并报县人大常委会办公室。"
NOTICE = "关于召开镇第十九届人民代表大会第三次会议的通知"
NOTICE_BODY = "经镇人大主席团研究，定于12月20日召开镇第十九届人民代表大会第三次会议。\n请各代表小组通知代表按时出席。"


@pytest.fixture
def office(township, unit):
    UnitFactory(township=township, name="城建办")
    body = IssuingBody.objects.create(
        township=township, name="青山镇人民代表大会主席团", code="青人", mark="青山镇人大主席团文件"
    )
    return {
        "body": body,
        "clerk": UserFactory(username="zhangli", name="张丽", township=township, roles=[Role.CLERK]),
        "head": UserFactory(username="wangfang", name="王芳", township=township, roles=[Role.CLERK]),
        "chair": UserFactory(username="lizhuxi", name="李明", township=township, roles=[Role.CHAIR]),
        "auditor": UserFactory(username="shenji", name="孙审", township=township, roles=[Role.AUDITOR]),
        "handler": UserFactory(
            username="zhaojg", name="赵建国", township=township, unit=unit, roles=[Role.UNIT_HANDLER]
        ),
    }


@pytest.fixture
def scan(tmp_path):
    """A scanned letter: a one-page PDF as a scanner writes it."""
    from weasyprint import HTML

    path = tmp_path / "来文扫描件.pdf"
    path.write_bytes(HTML(string="<p>县人大常委会办公室来文</p>").write_pdf())
    return path


def field_label(text):
    """A form field's label as crispy renders it: the text, and an asterisk when required."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


class Journey:
    def __init__(self, live_server, browser, screenshot, prefix):
        self.url = live_server.url
        self.browser = browser
        self.screenshot = screenshot
        self.prefix = prefix
        self.step = iter(range(1, 100))
        self.recorders = []

    def open(self, username, name, *, size=DESKTOP):
        page, recorder = self.browser(**size)
        self.recorders.append(recorder)
        page.goto(f"{self.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{self.url}/")
        expect(page.get_by_role("heading", name=f"您好，{name}")).to_be_visible()
        page.width = size["width"]
        return page

    def look(self, page, name):
        self.screenshot(page, f"{self.prefix}-{next(self.step):02d}-{name}")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        assert_no_horizontal_overflow(page, page.width)
        assert_labels_on_one_line(page)

    def act(self, page, key, *, fill=None, select=None, check=(), files=None, button, dialog=None, message):
        """Take the step `key` from the document's page: open its form, fill it in, submit,
        confirm the browser's dialog when there is one, and read the success message."""
        detail = page.url
        page.locator(f'a[data-action="{key}"]').click()
        page.wait_for_url(lambda url: url != detail)
        form = page.get_by_test_id("action-form")
        for label, value in (fill or {}).items():
            form.get_by_label(field_label(label)).fill(str(value))
        for label, value in (select or {}).items():
            form.get_by_label(field_label(label)).select_option(label=value)
        for label in check:
            form.get_by_label(label).check()
        for label, path in (files or {}).items():
            form.get_by_label(label).set_input_files(path)
        self.look(page, key)
        seen = []
        if dialog:
            page.once("dialog", lambda d: (seen.append(d.message), d.accept()))
        form.get_by_role("button", name=button, exact=True).click()
        page.wait_for_url(detail)
        if dialog:
            assert seen == [dialog]
        expect(page.get_by_role("alert").filter(has_text=message)).to_be_visible()

    def assert_clean(self):
        for recorder in self.recorders:
            recorder.assert_clean()


def test_an_incoming_letter_is_registered_instructed_handled_circulated_and_archived(
    live_server, browser, screenshot, office, unit, scan
):
    journey = Journey(live_server, browser, screenshot, "incoming")

    # --- the clerk receives and registers it ------------------------------------------------------
    desk = journey.open("zhangli", "张丽")
    desk.locator("#mainNav").get_by_role("link", name=re.compile(r"公文$")).click()
    desk.wait_for_url("**/documents/incoming/")
    expect(desk.get_by_test_id("empty")).to_be_visible()
    journey.look(desk, "register-empty")
    desk.get_by_test_id("receive").click()
    form = desk.get_by_test_id("receive-form")
    form.get_by_label("来文机关").fill(SENDER)
    form.get_by_label("标题").fill(LETTER)
    form.get_by_label("紧急程度").select_option(label="加急")
    journey.look(desk, "receive")
    form.get_by_role("button", name="签收", exact=True).click()
    desk.wait_for_url(re.compile(r"/documents/incoming/\d+/$"))
    document = IncomingDocument.objects.get(title=LETTER)
    assert (document.state, document.received_by_id) == (IncomingState.RECEIVED, office["clerk"].pk)
    expect(desk.get_by_test_id("title")).to_have_text(LETTER)

    journey.act(
        desk,
        "register",
        fill={"来文字号": SENDER_NUMBER, "份数": 2, "页数": 3},
        select={"文种": "通知"},
        files={"扫描件或电子文件": scan},
        button="登记并编号",
        message=f"已登记，收文号 收〔{YEAR}〕1号。",
    )
    expect(desk.get_by_test_id("files")).to_contain_text("来文扫描件.pdf")
    expect(desk.get_by_test_id("number")).to_have_text(f"收〔{YEAR}〕1号")
    journey.act(desk, "check", button="初审通过", message="初审通过，请提出拟办意见。")
    journey.act(
        desk,
        "propose",
        fill={"拟办意见": PROPOSAL},
        button="提交拟办意见",
        message="拟办意见已提交，主席团负责人已收到批办通知。",
    )
    expect(desk.get_by_test_id("proposal")).to_have_text(PROPOSAL)
    expect(desk.locator('a[data-action="instruct"]')).to_have_count(0)  # a chair's step
    journey.look(desk, "proposed")

    # --- the chair instructs (批办) -----------------------------------------------------------------
    chair = journey.open("lizhuxi", "李明")
    chair.goto(live_server.url + document.get_absolute_url())
    journey.act(
        chair,
        "instruct",
        fill={"批办意见": INSTRUCTION},
        button="提交批办意见",
        message="批办意见已记录，办公室将按批办意见交办。",
    )
    expect(chair.get_by_test_id("instruction")).to_have_text(INSTRUCTION)

    # --- the clerk assigns it on a clock and circulates it ------------------------------------------
    desk.reload()
    journey.act(
        desk,
        "assign",
        select={"承办单位": "自然资源所"},
        button="确认交办",
        dialog="确认交办？交办后承办单位即开始办理。",
        message="已交办，承办单位经办人已收到通知。",
    )
    deadline = desk.get_by_test_id("deadlines").get_by_test_id("deadline")
    expect(deadline).to_have_count(1)
    expect(deadline).to_contain_text("自然资源所")
    expect(deadline).to_contain_text("收文办理（加急）")
    expect(deadline.get_by_test_id("basis")).to_contain_text("3 工作日")  # DOCUMENT_URGENT_WORKING_DAYS
    journey.act(
        desk, "circulate", check=("李明（人大主席团）", "孙审（审计档案人员）"), button="送阅", message="已送阅 2 人。"
    )
    readers = desk.get_by_test_id("circulation").get_by_test_id("reader")
    expect(readers).to_have_count(2)
    expect(desk.get_by_test_id("read-summary")).to_have_text("0/2 已阅")

    # the chair opens it: the read receipt
    chair.reload()
    expect(chair.get_by_test_id("circulation")).to_contain_text("李明")
    assert Circulation.objects.get(document=document, reader=office["chair"]).read_at is not None
    desk.reload()
    expect(desk.get_by_test_id("read-summary")).to_have_text("1/2 已阅")
    expect(desk.get_by_test_id("circulation").locator('[data-read="1"]')).to_contain_text("李明")
    expect(desk.get_by_test_id("unread")).to_have_text("尚未阅文：孙审")
    journey.look(desk, "circulated")

    # --- the unit's handler, on a phone, closes it ---------------------------------------------------
    phone = journey.open("zhaojg", "赵建国", size=PHONE)
    phone.goto(live_server.url + reverse("documents:incoming_list"))
    rows = phone.get_by_test_id("incoming-row")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name=LETTER).click()
    phone.wait_for_url(live_server.url + document.get_absolute_url())
    journey.look(phone, "handler-detail")
    journey.act(
        phone,
        "reply",
        fill={"办理结果": RESULT},
        check=("我已核对以上内容",),
        button="确认办结",
        dialog="办结后不能修改，确认提交？",
        message="已办结，可打印《收文处理单》。",
    )
    expect(phone.get_by_test_id("result")).to_have_text(RESULT)

    # --- the clerk files it, and prints the routing slip ---------------------------------------------
    desk.reload()
    journey.act(desk, "archive", check=("确认归档",), button="确认归档", message="已标记归档。")
    expect(desk.get_by_test_id("archived")).to_be_visible()
    slip = desk.request.get(live_server.url + desk.get_by_test_id("slip-pdf").get_attribute("href"))
    assert slip.status == 200 and slip.headers["content-type"] == "application/pdf"
    text = squash(pdf_text(slip.body()))
    for expected in (f"收〔{YEAR}〕1号", SENDER, SENDER_NUMBER, PROPOSAL, INSTRUCTION, RESULT, "自然资源所", "李明"):
        assert squash(expected) in text, expected
    assert all(is_embedded(font) for font in pdf_fonts(slip.body()))
    journey.look(desk, "archived")

    document.refresh_from_db()
    assert document.state == IncomingState.CLOSED and document.archived_at is not None
    assert [e.action for e in case_timeline(document)] == [
        "receive",
        "register",
        "check",
        "propose",
        "instruct",
        "assign",
        "circulate",
        "read",
        "reply",
        "archive",
    ]
    journey.assert_clean()


def test_a_notice_is_drafted_reviewed_signed_numbered_sealed_dispatched_and_printed(
    live_server, browser, screenshot, office
):
    journey = Journey(live_server, browser, screenshot, "outgoing")

    # --- the clerk drafts it -------------------------------------------------------------------------
    desk = journey.open("zhangli", "张丽")
    desk.goto(live_server.url + reverse("documents:outgoing_list"))
    expect(desk.get_by_test_id("empty")).to_be_visible()
    desk.get_by_test_id("create").click()
    form = desk.get_by_test_id("draft-form")
    form.get_by_label("文种").select_option(label="通知")
    form.get_by_label("标题").fill(NOTICE)
    form.get_by_label("主送机关").fill("各村（社区）人大代表小组")
    form.get_by_label("正文", exact=True).fill(NOTICE_BODY)
    form.get_by_label("发文机关署名").fill("青山镇人大主席团")
    form.get_by_label("抄送机关").fill("县人大常委会办公室")
    journey.look(desk, "draft")
    form.get_by_test_id("submit").click()
    desk.wait_for_url(re.compile(r"/documents/outgoing/\d+/$"))
    notice = OutgoingDocument.objects.get(title=NOTICE)
    expect(desk.get_by_test_id("number")).to_have_text("未编号")
    journey.act(desk, "submit", button="送核稿", message="已送核稿。")

    # --- the office's head reviews it ----------------------------------------------------------------
    head = journey.open("wangfang", "王芳")
    head.goto(live_server.url + notice.get_absolute_url())
    journey.act(
        head,
        "pass_review",
        check=("核稿通过，送签发",),
        fill={"核稿意见": "文字规范。"},
        button="提交核稿意见",
        message="核稿通过，已送签发。",
    )

    # --- the chair signs it ----------------------------------------------------------------------------
    chair = journey.open("lizhuxi", "李明")
    chair.goto(live_server.url + notice.get_absolute_url())
    expect(chair.get_by_test_id("steps").locator("a")).to_have_count(1)
    journey.act(
        chair,
        "sign",
        fill={"签发意见": "同意印发"},
        check=("确认以本人名义签发",),
        button="签发",
        dialog="确认签发？签发后实质性修改须重新签发。",
        message="已签发，可登记编号。",
    )

    # --- the clerk numbers, prints, seals and dispatches it ------------------------------------------
    desk.reload()
    journey.act(
        desk,
        "register",
        check=("确认登记编号",),
        button="登记编号",
        dialog="确认登记编号？",
        message=f"已登记，发文字号为 青人〔{YEAR}〕1号。",
    )
    expect(desk.get_by_test_id("number")).to_have_text(f"青人〔{YEAR}〕1号")
    journey.act(
        desk,
        "print",
        fill={"印制份数": 30},
        button="登记印制",
        dialog="确认登记印制？",
        message="已登记印制，下一步用印。",
    )
    journey.act(
        desk,
        "seal",
        fill={"所用印章": "青山镇人大主席团印章", "用印次数": 30},
        check=("确认已用印并登记",),
        button="登记用印",
        message="已登记用印，下一步核发。",
    )
    journey.act(
        desk,
        "dispatch",
        fill={"主送：各村（社区）人大代表小组（份）": 27, "抄送：县人大常委会办公室（份）": 2},
        check=("确认核发",),
        button="核发",
        dialog="确认核发？",
        message="已核发，分发记录已登记。",
    )
    dispatches = desk.get_by_test_id("dispatches").locator("li")
    expect(dispatches).to_have_count(2)
    expect(dispatches.nth(0)).to_contain_text("各村（社区）人大代表小组")
    expect(dispatches.nth(0)).to_contain_text("27 份")
    expect(desk.get_by_test_id("seal-log")).to_contain_text("青山镇人大主席团印章")
    journey.look(desk, "dispatched")

    # --- the printed document: GB/T 9704 -------------------------------------------------------------
    with desk.context.expect_page() as opened:
        desk.get_by_test_id("print-pdf").click()
    pdf_page = opened.value
    pdf_page.wait_for_load_state()
    response = desk.request.get(live_server.url + reverse("documents:outgoing_pdf", args=[notice.pk]))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    data = response.body()
    text = squash(pdf_text(data))
    for expected in (
        "青山镇人大主席团文件",
        f"青人〔{YEAR}〕1号",
        NOTICE,
        "各村（社区）人大代表小组：",
        NOTICE_BODY,
        "青山镇人大主席团",
        "抄送：县人大常委会办公室",
    ):
        assert squash(expected) in text, expected
    fonts = pdf_fonts(data)
    assert fonts and all(is_embedded(font) for font in fonts)

    notice.refresh_from_db()
    assert notice.state == OutgoingState.DISPATCHED and notice.signer == office["chair"]
    assert (notice.number_code, notice.printed_copies) == ("青人", 30)
    assert list(Dispatch.objects.filter(document=notice).values_list("copies", flat=True)) == [27, 2]
    assert SealLog.objects.filter(document=notice).count() == 1
    assert [e.action for e in case_timeline(notice)] == [
        "draft",
        "submit",
        "pass_review",
        "sign",
        "register",
        "print",
        "seal",
        "dispatch",
    ]
    journey.assert_clean()
