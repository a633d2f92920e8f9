"""A petition's whole journey in a real browser (the issue's "a citizen submits online, a clerk
accepts and assigns, the unit replies, the citizen rates with the query code"):

1. a citizen on a phone, without an account, fills in the public form with a photo and keeps the
   query code the success page shows;
2. the township office's clerk (desktop) finds it in the petition list (网上, 待受理), accepts it
   and assigns it to 自然资源所;
3. that unit's handler (phone) sees it — and only their unit's petitions — and replies 支持;
4. the citizen queries the progress with the code and the phone, reads the reply (no staff
   names), rates it 满意 and the petition is closed.

The public pages are rate-limited per IP through the cache: the test clears it first and makes
one submission and one query.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from congress_office.roles import Role
from congress_office.services.cases import case_timeline
from petitions.choices import Channel, Outcome, PetitionState
from petitions.models import Petition
from petitions.services.handling import petition_assign
from petitions.services.registration import petition_accept

from ..factories import PASSWORD, UnitFactory, UserFactory
from ..petitions.factories import register_petition, subject
from .test_clerk_journey import assert_no_horizontal_overflow
from .test_deputy_journey import assert_labels_on_one_line

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812, "mobile": True}
DESKTOP = {"width": 1280, "height": 900}
CLERK_NAME = "张丽"
HANDLER_NAME = "赵建国"
CITIZEN = "李秀梅"
CITIZEN_PHONE = "13912345678"
TITLE = "东风村二组土地征收补偿款未发放到位"
REQUEST = "请求核实并足额发放2025年东风村二组土地征收补偿款。"
FACTS = "2025年3月，镇里征收东风村二组农田用于修建乡道，我家被征收1.2亩，至今只领到补偿款一半。"
REASONS = "按照征地补偿协议，补偿款应在征收后三个月内全额发放。"
ASSIGN_NOTE = "请自然资源所核实征地补偿发放情况，依法答复信访人。"
REPLY = "经核实，您家被征收土地1.2亩，补偿款尚余1.8万元未发放。现已补发到您的账户，请注意查收。"
RATING_COMMENT = "补偿款已收到，谢谢。"
# the entry's accessible name starts with its icon's glyph (CSS generated content); not 信访统计
NAV_PETITIONS = re.compile(r"信访$")


def assert_public_page(page):
    """The public pages: Simplified Chinese, their own title and brand (no office navigation)."""
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_title(re.compile(r"网上信访$"))
    expect(page.locator(".navbar-brand")).to_contain_text("网上信访")


def assert_office_page(page):
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".navbar-brand")).to_have_text("乡镇人大办公室")
    expect(page).to_have_title(re.compile(r"乡镇人大办公室$"))


@pytest.fixture
def journey(township, unit):
    """青山镇 with 自然资源所 (whose handler replies) and 城建办; a clerk; two other petitions of
    the township that are not the citizen's (a letter still 待受理, one assigned to 城建办)."""
    cache.clear()  # the public pages' rate-limit counters
    subject("土地征收")  # the shared subjects come from a migration a transactional flush removes
    subject("劳动社保")
    other_unit = UnitFactory(township=township, name="城建办")
    clerk = UserFactory(username="zhangli", name=CLERK_NAME, township=township, roles=[Role.CLERK])
    handler = UserFactory(username="zhaojg", name=HANDLER_NAME, township=township, unit=unit, roles=[Role.UNIT_HANDLER])
    today = timezone.localdate()
    letter = register_petition(
        township=township,
        by=clerk,
        received_on=today - timedelta(days=3),
        title="来信反映村道路灯损坏",
        subject_name="劳动社保",
    )
    elsewhere = register_petition(
        township=township,
        by=clerk,
        received_on=today - timedelta(days=6),
        title="反映集镇排水沟堵塞",
        phone="13600001111",
        id_number="",
    )
    petition_accept(petition=elsewhere, by=clerk, on=today - timedelta(days=5))
    petition_assign(petition=elsewhere, lead_unit=other_unit, by=clerk)
    yield {"clerk": clerk, "handler": handler, "letter": letter, "elsewhere": elsewhere}
    cache.clear()


@pytest.fixture
def photo(tmp_path):
    """A real PNG (a phone's screenshot of the field, only smaller)."""
    image = Image.new("RGB", (640, 480), (210, 225, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 480), fill=(110, 150, 80))
    draw.line((0, 300, 640, 260), fill=(150, 120, 90), width=12)  # the new road across the field
    path = tmp_path / "征地现场.png"
    image.save(path, "PNG")
    return path


def test_a_citizen_petitions_online_the_office_assigns_the_unit_replies_and_the_citizen_rates(
    live_server,
    browser,
    screenshot,
    journey,
    unit,
    photo,
):
    started = timezone.now()
    step = iter(range(1, 100))

    def look(page, name, *, width, public=False):
        """A screenshot for a human first, then: Chinese, no horizontal scrolling, labels whole."""
        screenshot(page, f"petition-{next(step):02d}-{name}")
        (assert_public_page if public else assert_office_page)(page)
        assert_no_horizontal_overflow(page, width)
        assert_labels_on_one_line(page)

    def log_in(page, username, name):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        expect(page.get_by_role("heading", name=f"您好，{name}")).to_be_visible()

    def confirm_next_dialog(page, dialogs):
        def accept(dialog):
            dialogs.append(dialog.message)
            dialog.accept()

        page.once("dialog", accept)

    # --- 1. The citizen, on a phone, no account: the public form ----------------------------------
    citizen, citizen_recorder = browser(**PHONE)
    citizen.goto(live_server.url + reverse("petitions:public_create"))
    expect(citizen.get_by_role("heading", name="网上信访")).to_be_visible()
    expect(citizen.get_by_role("link", name="登录")).to_have_count(0)  # nothing asks for an account
    look(citizen, "public-form-empty", width=375, public=True)

    form = citizen.get_by_test_id("public-form")
    form.get_by_label("向哪个乡镇反映").select_option(label="青山镇")
    form.get_by_label("姓名").fill(CITIZEN)
    form.get_by_label("手机号码").fill(CITIZEN_PHONE)
    form.get_by_label("住址").fill("青山镇东风村二组18号")
    form.get_by_label("信访类别").select_option(label="申诉求决类")
    form.get_by_label("事项分类").select_option(label="土地征收")
    form.get_by_label("标题").fill(TITLE)
    form.get_by_label("诉求").fill(REQUEST)
    form.get_by_label("事实").fill(FACTS)
    form.get_by_label("理由").fill(REASONS)
    form.get_by_label("附件").set_input_files(photo)
    assert form.get_by_label("附件").evaluate("input => [...input.files].map(f => f.name)") == ["征地现场.png"]
    look(citizen, "public-form-filled", width=375, public=True)
    form.get_by_role("button", name="提交").click()

    created = citizen.get_by_test_id("created")
    expect(created).to_be_visible()
    expect(created.get_by_role("heading", name="您反映的事项已提交")).to_be_visible()
    expect(created).to_contain_text("青山镇人大已于")
    code = re.sub(r"\s+", "", citizen.get_by_test_id("query-code").inner_text())
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", code), code
    look(citizen, "public-created", width=375, public=True)

    petition = Petition.objects.get(title=TITLE)
    assert (petition.channel, petition.state, petition.registered_by_id) == (
        Channel.ONLINE,
        PetitionState.REGISTERED,
        None,
    )
    assert (petition.petitioner_name, petition.phone) == (CITIZEN, CITIZEN_PHONE)
    assert [(a.name, a.size) for a in petition.attachments.all()] == [("征地现场.png", photo.stat().st_size)]
    assert petition.repeat_of_id is None

    # --- 2. The clerk, at a desk: the list, the acceptance decision, the assignment ---------------
    desk, clerk_recorder = browser(**DESKTOP)
    log_in(desk, "zhangli", CLERK_NAME)
    look(desk, "clerk-home", width=1280)
    desk.locator("#mainNav").get_by_role("link", name=NAV_PETITIONS).click()
    desk.wait_for_url("**/petitions/")
    expect(desk.get_by_role("heading", name=re.compile(r"^信访件"))).to_contain_text("共 3 件")

    desk.locator("summary", has_text="筛选").click()
    filters = desk.locator("form.filter-form")
    filters.get_by_label("信访方式").select_option(label="网上")
    filters.get_by_label("状态").select_option(label="待受理")
    filters.get_by_role("button", name="筛选").click()
    desk.wait_for_url(re.compile(r"\?.*channel=online"))
    rows = desk.get_by_test_id("petition-row")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text(petition.number)
    expect(row).to_contain_text("网上 · 土地征收")
    expect(row.get_by_test_id("state-badge")).to_have_text("待受理")
    expect(row).to_contain_text(CITIZEN)
    expect(row).not_to_contain_text(CITIZEN_PHONE)  # masked in lists
    look(desk, "clerk-list-filtered", width=1280)

    row.get_by_role("link", name=TITLE).click()
    desk.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/")
    expect(desk.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(desk.get_by_test_id("state-badge")).to_have_text("待受理")
    matter = desk.get_by_test_id("matter")
    expect(matter).to_contain_text("网上")
    expect(matter).to_contain_text("网上提交")  # no registering clerk
    expect(matter.get_by_test_id("request")).to_have_text(REQUEST)
    attachment = desk.get_by_test_id("attachments").get_by_role("link", name="征地现场.png")
    expect(attachment).to_be_visible()
    response = desk.request.get(live_server.url + attachment.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert response.body() == photo.read_bytes()
    look(desk, "clerk-detail-registered", width=1280)

    desk.get_by_test_id("decide").click()
    desk.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/decide/")
    expect(desk.get_by_role("heading", name="受理决定")).to_be_visible()
    expect(desk.get_by_test_id("acceptance-deadline")).to_be_visible()
    decision = desk.get_by_test_id("decision-form")
    decision.get_by_role("radio", name="受理", exact=True).check()
    expect(decision.get_by_label("决定日期")).to_have_value(timezone.localdate().isoformat())
    look(desk, "clerk-decide", width=1280)
    decision.get_by_role("button", name="确定").click()
    desk.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/")
    expect(desk.get_by_role("alert").filter(has_text="已作出受理决定：已受理待交办。")).to_be_visible()
    expect(desk.get_by_test_id("state-badge")).to_have_text("已受理待交办")

    desk.get_by_test_id("handling-actions").get_by_role("link", name="交办 / 转办").click()
    desk.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/assign/")
    expect(desk.get_by_role("heading", name="交办 / 转办")).to_be_visible()
    assign = desk.get_by_test_id("action-form")
    expect(assign.get_by_role("radio", name="交办", exact=True)).to_be_checked()
    assign.get_by_label("主办单位").select_option(label="自然资源所")
    assign.get_by_label("交办意见").fill(ASSIGN_NOTE)
    look(desk, "clerk-assign", width=1280)
    dialogs = []
    confirm_next_dialog(desk, dialogs)
    assign.get_by_role("button", name="确认交办").click()
    desk.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/")
    assert dialogs == ["确认交办？交办后承办单位即开始办理，期限自受理之日起计算。"]
    expect(desk.get_by_role("alert").filter(has_text="已交办，承办单位经办人已收到通知。")).to_be_visible()
    expect(desk.get_by_test_id("state-badge")).to_have_text("办理中")
    expect(desk.get_by_test_id("panel-assignments").get_by_test_id("assignment")).to_contain_text("自然资源所")
    timeline = desk.get_by_test_id("timeline").get_by_test_id("event")
    expect(timeline).to_have_count(3)
    expect(timeline.locator("strong")).to_have_text(["登记", "受理", "交办"])
    expect(timeline.nth(0)).to_contain_text(CITIZEN)  # registered by the citizen online
    expect(timeline.nth(1)).to_contain_text(CLERK_NAME)
    expect(timeline.nth(2)).to_contain_text(ASSIGN_NOTE)
    look(desk, "clerk-detail-assigned", width=1280)

    # --- 3. The unit's handler, on a phone: their list, the reply ----------------------------------
    field, handler_recorder = browser(**PHONE)
    log_in(field, "zhaojg", HANDLER_NAME)
    expect(field.get_by_role("link", name="通知", exact=True)).to_contain_text("1")  # told of the assignment
    expect(field.locator("#mainNav")).to_be_hidden()
    field.get_by_role("button", name="菜单").click()
    expect(field.locator("#mainNav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    field.locator("#mainNav").get_by_role("link", name=NAV_PETITIONS).click()
    field.wait_for_url("**/petitions/")
    rows = field.get_by_test_id("petition-row")
    expect(rows).to_have_count(1)  # not the letter (unassigned) nor 城建办's petition
    expect(rows.first).to_contain_text(TITLE)
    expect(rows.first.get_by_test_id("state-badge")).to_have_text("办理中")
    expect(field.get_by_text(journey["letter"].title)).to_have_count(0)
    expect(field.get_by_text(journey["elsewhere"].title)).to_have_count(0)
    look(field, "handler-list", width=375)

    rows.first.get_by_role("link", name=TITLE).click()
    field.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/")
    expect(field.get_by_test_id("state-badge")).to_have_text("办理中")
    actions = field.get_by_test_id("handling-actions")
    expect(actions.get_by_role("link", name="交办 / 转办")).to_have_count(0)
    look(field, "handler-detail", width=375)
    actions.get_by_role("link", name="答复").click()
    field.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/reply/")
    expect(field.get_by_role("heading", name="答复", exact=True)).to_be_visible()
    reply = field.get_by_test_id("action-form")
    reply.get_by_role("radio", name="支持", exact=True).check()
    reply.get_by_label("答复内容").fill(REPLY)
    expect(reply.get_by_label("答复日期")).to_have_value(timezone.localdate().isoformat())
    reply.get_by_role("checkbox", name=re.compile("我已核对以上内容")).check()
    look(field, "handler-reply", width=375)
    dialogs = []
    confirm_next_dialog(field, dialogs)
    reply.get_by_role("button", name="确认答复").click()
    field.wait_for_url(f"{live_server.url}/petitions/{petition.pk}/")
    assert dialogs == ["答复后不能修改，确认提交？"]
    expect(field.get_by_role("alert").filter(has_text="已答复，办理期限已办结。")).to_be_visible()
    expect(field.get_by_test_id("state-badge")).to_have_text("已答复")
    replies = field.get_by_test_id("panel-replies")
    expect(replies).to_contain_text("支持")
    expect(replies).to_contain_text(REPLY)
    look(field, "handler-replied", width=375)

    # --- 4. The citizen queries with the code and the phone, and rates the reply -----------------
    # still on the success page, the phone's tab left open since: its button to the query page
    citizen.get_by_test_id("created").get_by_role("link", name="去查询进度").click()
    citizen.wait_for_url("**/petitions/public/query/")
    expect(citizen.get_by_role("heading", name="查询办理进度")).to_be_visible()
    query = citizen.get_by_test_id("query-form")
    query.get_by_label("查询码").fill(code.lower())  # typed as it comes: case does not matter
    query.get_by_label("手机号码").fill(CITIZEN_PHONE)
    look(citizen, "public-query", width=375, public=True)
    query.get_by_role("button", name="查询").click()

    progress = citizen.get_by_test_id("progress")
    expect(progress).to_be_visible()
    expect(progress.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(citizen.get_by_test_id("public-state")).to_have_text("当前状态：已答复，请评价")
    steps = citizen.get_by_test_id("public-timeline").locator("li")
    expect(steps).to_have_text([re.compile(label + "$") for label in ("登记", "受理", "交办", "答复")])
    answer = citizen.get_by_test_id("reply")
    expect(answer).to_contain_text(REPLY)
    expect(answer.get_by_test_id("outcome")).to_have_text("支持")
    body = citizen.locator("body")
    for staff in (CLERK_NAME, HANDLER_NAME, "zhangli", "zhaojg"):
        expect(body).not_to_contain_text(staff)
    expect(body).not_to_contain_text(ASSIGN_NOTE)  # internal notes stay inside
    look(citizen, "public-progress-replied", width=375, public=True)

    rating = citizen.get_by_test_id("rating-form")
    rating.get_by_role("radio", name="满意", exact=True).check()
    rating.get_by_label("意见").fill(RATING_COMMENT)
    rating.get_by_role("button", name="提交评价").click()
    citizen.wait_for_url("**/petitions/public/query/rate/")
    expect(citizen.get_by_test_id("message")).to_have_text("感谢您的评价！")
    expect(citizen.get_by_test_id("public-state")).to_have_text("当前状态：已办结")
    expect(citizen.get_by_test_id("rated")).to_contain_text("评价：满意")
    expect(citizen.get_by_test_id("rating-form")).to_have_count(0)
    expect(steps).to_have_text(
        [re.compile(label + "$") for label in ("登记", "受理", "交办", "答复", "评价：满意", "办结")]
    )
    for staff in (CLERK_NAME, HANDLER_NAME):
        expect(body).not_to_contain_text(staff)
    look(citizen, "public-progress-closed", width=375, public=True)

    # --- the record --------------------------------------------------------------------------------
    petition.refresh_from_db()
    assert petition.state == PetitionState.CLOSED
    assert petition.closed_at is not None and petition.closed_at >= started
    assert (petition.lead_unit_id, petition.outcome) == (unit.pk, Outcome.SUPPORT)
    assert petition.accepted_on == petition.replied_on == petition.received_on  # all on the same day
    events = case_timeline(petition)
    assert [e.action for e in events] == ["register", "accept", "assign", "reply", "rate", "close"]
    assert [e.at for e in events] == sorted(e.at for e in events)
    actors = [e.actor_id for e in events]
    assert actors == [None, journey["clerk"].pk, journey["clerk"].pk, journey["handler"].pk, None, None]
    journey["letter"].refresh_from_db()
    journey["elsewhere"].refresh_from_db()
    assert journey["letter"].state == PetitionState.REGISTERED  # the others untouched
    assert journey["elsewhere"].state == PetitionState.ASSIGNED

    citizen_recorder.assert_clean()
    clerk_recorder.assert_clean()
    handler_recorder.assert_clean()
