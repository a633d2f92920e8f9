"""A deputy's duty activity in a real browser, at phone width: the deputy logs an activity with a
photo, the office's clerk confirms it, and the deputy's 履职档案 and its PDF show it."""

import io
import re

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from pypdf import PdfReader

from congress_office.models import PdfJob, PdfJobStatus
from congress_office.roles import Role
from deputies.choices import ActivityStatus, ActivityType
from deputies.models import Activity

from ..deputies.factories import DeputyFactory, DeputyGroupFactory, DistrictFactory, TermFactory
from ..factories import PASSWORD, UserFactory
from .test_clerk_journey import assert_chinese_page, assert_no_horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812, "mobile": True}
WIDTH = PHONE["width"]
DEPUTY_NAME = "张桂兰"
CLERK_NAME = "张丽"
TITLE = "走访东风村选民听取村道意见"
PLACE = "东风村村委会"
SUMMARY = "走访东风村十二户选民，收集村道硬化、路灯维修等意见五条。"
PHOTO_SIZE = (800, 600)  # the thumbnail's longer side is 480 px: 480 × 360


def assert_labels_on_one_line(page):
    """Navigation entries and buttons keep their label on one line (no "联系\n选民").

    As test_clerk_journey's check, but the text is measured in the label's own flow: the bell's
    unread count (a badge pinned above its corner) and a button laid out as a card (a
    notification: title, time and body on lines of their own) are not labels broken in two.
    """
    broken = page.evaluate(
        """() => [...document.querySelectorAll('.navbar-brand, .navbar .nav-link, .btn')]
            .filter(el => el.offsetParent !== null)
            .filter(el => ![...el.querySelectorAll('*')]
                .some(child => ['block', 'flex', 'grid'].includes(getComputedStyle(child).display)))
            .filter(el => {
                const pinned = node => {
                    for (let p = node.parentElement; p && p !== el; p = p.parentElement) {
                        if (['absolute', 'fixed'].includes(getComputedStyle(p).position)) return true;
                    }
                    return false;
                };
                const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                const tops = [];
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (!node.textContent.trim() || pinned(node)) continue;
                    const range = document.createRange();
                    range.selectNodeContents(node);
                    tops.push(...[...range.getClientRects()].filter(r => r.width > 0).map(r => r.top));
                }
                if (!tops.length) return false;
                const style = getComputedStyle(el);
                const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
                return Math.max(...tops) - Math.min(...tops) > line * 0.6;
            })
            .map(el => el.textContent.trim().replace(/\\s+/g, ' '))"""
    )
    assert not broken, f"{page.url}: labels broken over two lines: {broken}"


@pytest.fixture
def journey(township):
    term = TermFactory(township=township)
    deputy_user = UserFactory(username="guilan", name=DEPUTY_NAME, township=township, roles=[Role.DEPUTY])
    deputy = DeputyFactory(
        term=term,
        name=DEPUTY_NAME,
        user=deputy_user,
        district=DistrictFactory(term=term, name="东风村选区", seats=3),
        group=DeputyGroupFactory(term=term, name="东风片代表小组"),
    )
    clerk = UserFactory(username="zhangli", name=CLERK_NAME, township=township, roles=[Role.CLERK])
    return {"deputy": deputy, "deputy_user": deputy_user, "clerk": clerk}


@pytest.fixture
def photo(tmp_path):
    """A real JPEG, as a phone's camera would hand it over (only smaller)."""
    image = Image.new("RGB", PHOTO_SIZE, (196, 220, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(120, 150, 90))  # a field
    draw.rectangle((300, 250, 520, 430), fill=(200, 60, 50))  # the village committee's building
    draw.polygon([(280, 250), (410, 170), (540, 250)], fill=(90, 90, 90))
    path = tmp_path / "IMG_20261121_093000.jpg"
    image.save(path, "JPEG", quality=85)
    return path


def test_deputy_logs_an_activity_the_clerk_confirms_it_and_the_record_pdf_shows_it(
    live_server,
    browser,
    screenshot,
    journey,
    photo,
):
    deputy = journey["deputy"]
    step = iter(range(1, 100))

    def look(page, name):
        """Every page: a screenshot for a human (taken first: a failure below leaves it to look at),
        Chinese, no horizontal scrolling at 375 px, labels on one line."""
        screenshot(page, f"deputy-{next(step):02d}-{name}")
        assert_chinese_page(page)
        assert_no_horizontal_overflow(page, WIDTH)
        assert_labels_on_one_line(page)

    def log_in(page, username, name, *, shoot=None):
        page.goto(f"{live_server.url}/accounts/login/")
        expect(page.get_by_role("heading", name="登录")).to_be_visible()
        if shoot:
            look(page, shoot)
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        expect(page.get_by_role("heading", name=f"您好，{name}")).to_be_visible()

    def open_menu(page):
        """The phone's navbar is collapsed behind the hamburger button."""
        expect(page.locator("#mainNav")).to_be_hidden()
        page.get_by_role("button", name="菜单").click()
        expect(page.locator("#mainNav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # animation over

    def expect_thumbnail(page):
        """The photo's thumbnail (a real JPEG, not the placeholder) has loaded."""
        thumbnail = page.get_by_test_id("attachments").get_by_test_id("thumbnail")
        expect(thumbnail).to_have_count(1)
        thumbnail.scroll_into_view_if_needed()  # loading="lazy"
        expect(thumbnail).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
        assert thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [480, 360]

    # --- 1. The deputy, on a phone, logs an activity with a photo --------------------------------
    page, deputy_recorder = browser(**PHONE)
    log_in(page, "guilan", DEPUTY_NAME, shoot="login")
    look(page, "home")
    open_menu(page)
    look(page, "home-menu-open")
    page.locator("#mainNav").get_by_role("link", name="履职活动").click()
    page.wait_for_url("**/deputies/activities/")
    expect(page.get_by_role("heading", name="履职活动", exact=True)).to_be_visible()
    look(page, "activity-list-empty")

    page.get_by_role("link", name="记录履职活动").click()
    page.wait_for_url("**/deputies/activities/new/")
    expect(page.get_by_role("heading", name="记录履职活动")).to_be_visible()
    form = page.get_by_test_id("activity-form")
    # the types are buttons (radio inputs styled as .btn-check): tap the label
    form.locator("label.btn", has_text=re.compile(r"^联系选民$")).click()
    expect(form.get_by_role("radio", name="联系选民", exact=True)).to_be_checked()
    expect(form.get_by_label("日期")).to_have_value(timezone.localdate().isoformat())  # today by default
    form.get_by_label("地点").fill(PLACE)
    form.get_by_label("主题").fill(TITLE)
    form.get_by_label("活动内容").fill(SUMMARY)
    form.get_by_label("现场照片").set_input_files(photo)
    look(page, "activity-form")
    form.get_by_role("button", name="提交").click()

    page.wait_for_url(re.compile(r"/deputies/activities/\d+/$"))
    expect(page.get_by_role("alert").filter(has_text="已提交，等待人大办确认。")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_test_id("status-badge")).to_have_text("待确认")
    expect(page.get_by_text("该活动等待人大办确认。")).to_be_visible()
    expect(page.get_by_test_id("participants")).to_contain_text(DEPUTY_NAME)
    expect_thumbnail(page)
    look(page, "activity-submitted")
    activity_url = page.url

    activity = Activity.objects.get(title=TITLE)
    assert (activity.status, activity.type) == (ActivityStatus.SUBMITTED, ActivityType.CONTACT_VOTERS)
    assert (activity.place, activity.summary) == (PLACE, SUMMARY)
    assert activity.submitted_by_id == journey["deputy_user"].pk
    assert list(activity.participants.all()) == [deputy]
    assert [a.is_image for a in activity.attachments.all()] == [True]

    # … and logs out (the account menu is inside the collapsed navbar).
    open_menu(page)
    page.locator("#mainNav").get_by_role("button", name=re.compile(DEPUTY_NAME)).click()  # the account menu
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")

    # --- 2. The clerk, also on a phone, confirms it from the notification ------------------------
    clerk_page, clerk_recorder = browser(**PHONE)
    log_in(clerk_page, "zhangli", CLERK_NAME)
    bell = clerk_page.get_by_role("link", name="通知", exact=True)  # the phone's bell, outside the menu
    expect(bell).to_contain_text("1")  # one unread
    bell.click()
    clerk_page.wait_for_url("**/notifications/")
    notification = clerk_page.get_by_role("button", name=re.compile(f"待确认的履职活动：{TITLE}"))
    expect(notification).to_contain_text(f"填报人：{DEPUTY_NAME}")
    look(clerk_page, "clerk-notifications")
    notification.click()
    clerk_page.wait_for_url(activity_url)
    expect(clerk_page.get_by_test_id("status-badge")).to_have_text("待确认")
    expect_thumbnail(clerk_page)
    look(clerk_page, "clerk-activity-to-confirm")

    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    clerk_page.once("dialog", accept)  # <form data-confirm>: window.confirm first
    clerk_page.get_by_test_id("confirm-activity").click()
    expect(clerk_page.get_by_role("alert").filter(has_text="已确认该履职活动。")).to_be_visible()
    assert dialogs == ["确认该履职活动属实？确认后记入参加代表的履职档案。"]
    expect(clerk_page.get_by_test_id("status-badge")).to_have_text("已确认")
    expect(clerk_page.get_by_test_id("confirm-activity")).to_have_count(0)
    reviewer = clerk_page.locator("dt", has_text=re.compile(r"^审核人$")).locator("xpath=following-sibling::dd[1]")
    expect(reviewer).to_contain_text(CLERK_NAME)
    look(clerk_page, "clerk-activity-confirmed")
    activity.refresh_from_db()
    assert (activity.status, activity.reviewed_by_id) == (ActivityStatus.CONFIRMED, journey["clerk"].pk)

    # --- 3. The deputy logs in again: the record of this year shows it, and exports the PDF -----
    log_in(page, "guilan", DEPUTY_NAME)
    # the deputy's home links to their own record (the menu's 履职档案 is the office's register)
    page.get_by_test_id("my-record").click()
    year = timezone.localdate().year
    page.wait_for_url(f"{live_server.url}/deputies/records/{deputy.pk}/{year}/")
    expect(page.get_by_test_id("record-title")).to_have_text(f"{DEPUTY_NAME} · {year}年度履职档案")
    expect(page.get_by_test_id("activity-total")).to_have_text("1")
    activity_link = page.get_by_test_id("activities").get_by_role("link", name=TITLE)
    expect(activity_link).to_be_visible()
    look(page, "record")

    activity_link.click()
    page.wait_for_url(activity_url)
    expect(page.get_by_test_id("status-badge")).to_have_text("已确认")
    expect_thumbnail(page)
    look(page, "activity-confirmed")
    page.go_back()
    page.wait_for_url(f"{live_server.url}/deputies/records/{deputy.pk}/{year}/")

    page.get_by_test_id("export-pdf").get_by_role("button", name="导出 PDF").click()
    page.wait_for_url(re.compile(r"/pdf/[0-9a-f-]{36}/$"), timeout=60_000)
    expect(page.get_by_test_id("pdfjob-progress")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.get_by_test_id("pdfjob-status")).to_have_text("已完成")
    download = page.get_by_role("link", name="下载 PDF")
    expect(download).to_be_visible()
    look(page, "pdf-job-done")

    job = PdfJob.objects.get(owner=journey["deputy_user"], report="deputies.record")
    assert job.status == PdfJobStatus.DONE
    response = page.request.get(live_server.url + download.get_attribute("href"))  # the context's cookies
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", "", text)  # a table cell may wrap the title
    assert TITLE in text
    assert DEPUTY_NAME in text
    assert PLACE in text

    deputy_recorder.assert_clean()
    clerk_recorder.assert_clean()
