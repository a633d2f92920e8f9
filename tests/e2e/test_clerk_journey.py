"""A township clerk's day in a real browser: sign in, register a supervised item with a
working-day limit, and export the deadline report as PDF — at desktop and at phone width."""

import re

import pytest
from playwright.sync_api import expect

from congress_office.models import Deadline, DeadlineRule, PdfJob, PdfJobStatus
from congress_office.roles import Role

from ..factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "关于村道硬化工程进度的督办"
START = "2026-09-28"
# 10 working days from Monday 28 September 2026: 29, 30 Sep; the National Day holiday
# (1–7 Oct) is skipped; 8, 9 Oct; Saturday 10 Oct is a make-up working day; 12–16 Oct.
EXPECTED_DUE = "2026-10-16"

VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 375, "height": 812, "mobile": True},
}


def assert_no_horizontal_overflow(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width + 1:
        culprits = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .slice(0, 8).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                                      + ' → ' + Math.round(el.getBoundingClientRect().right))""",
            width,
        )
        pytest.fail(f"{page.url}: page is {scroll_width}px wide at {width}px; widest: {culprits}")


def assert_labels_on_one_line(page):
    """Navigation entries and buttons keep their label on one line (no "首\n页")."""
    broken = page.evaluate(
        """() => [...document.querySelectorAll('.navbar-brand, .navbar .nav-link, .btn')]
            .filter(el => el.offsetParent !== null)
            .filter(el => {
                const range = document.createRange();
                range.selectNodeContents(el);
                const rects = [...range.getClientRects()].filter(r => r.width > 0);
                if (!rects.length) return false;
                const tops = rects.map(r => r.top);
                const style = getComputedStyle(el);
                const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
                return Math.max(...tops) - Math.min(...tops) > line * 0.6;
            })
            .map(el => el.textContent.trim().replace(/\\s+/g, ' '))"""
    )
    assert not broken, f"{page.url}: labels broken over two lines: {broken}"


def assert_chinese_page(page):
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    # the office's name, not the host (auth's views put their own `site_name` in the context)
    expect(page.locator(".navbar-brand")).to_have_text("乡镇人大办公室")
    expect(page).to_have_title(re.compile(r"乡镇人大办公室$"))


@pytest.fixture
def journey_clerk(township, unit):
    return UserFactory(username="zhangli", name="张丽", township=township, roles=[Role.CLERK])


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_clerk_registers_a_deadline_and_exports_the_report(live_server, browser, screenshot, journey_clerk, device):
    viewport = VIEWPORTS[device]
    width = viewport["width"]
    page, recorder = browser(**viewport)
    step = iter(range(1, 100))

    def look(name):
        """Every page: Chinese, no horizontal scrolling, and a screenshot for a human."""
        assert_chinese_page(page)
        assert_no_horizontal_overflow(page, width)
        assert_labels_on_one_line(page)
        screenshot(page, f"{device}-{next(step):02d}-{name}")

    # 1. The login page, in Chinese.
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    look("login")

    page.get_by_label("用户名").fill("zhangli")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # 2. The home page.
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="您好，张丽")).to_be_visible()
    nav_link = page.locator("#mainNav").get_by_role("link", name="期限督办")
    if device == "phone":
        expect(nav_link).to_be_hidden()  # collapsed behind the menu button
        look("home")
        page.get_by_role("button", name="菜单").click()
        expect(page.locator("#mainNav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # animation over
        expect(nav_link).to_be_visible()
        look("home-menu-open")
    else:
        expect(nav_link).to_be_visible()
        look("home")
        # the expanded navbar from the lg breakpoint up: whole entries wrap, labels never break
        for narrower in (1100, 1024, 992):
            page.set_viewport_size({"width": narrower, "height": viewport["height"]})
            assert_no_horizontal_overflow(page, narrower)
            assert_labels_on_one_line(page)
        screenshot(page, f"{device}-{next(step):02d}-home-at-992px")
        page.set_viewport_size({"width": width, "height": viewport["height"]})

    # 3. 期限督办 → 登记督办事项.
    nav_link.click()
    page.wait_for_url("**/deadlines/")
    expect(page.get_by_role("heading", name="期限督办")).to_be_visible()
    look("deadline-list-empty")
    page.get_by_role("link", name="登记督办事项").click()
    page.wait_for_url("**/deadlines/new/")
    expect(page.get_by_role("heading", name="登记督办事项")).to_be_visible()

    page.get_by_label("督办事项").fill(TITLE)
    page.get_by_label("责任单位").select_option(label="自然资源所")
    page.get_by_label("起算日").fill(START)
    page.get_by_label("计算方式").select_option(label="工作日")
    page.get_by_label("期限").fill("10")
    page.get_by_label("说明").fill("县人大常委会交办，请按期报送进展。")
    look("deadline-form")
    page.get_by_role("button", name="保存").click()

    # 4. The detail page, with the computed due date.
    page.wait_for_url(re.compile(r"/deadlines/\d+/$"))
    expect(page.get_by_role("alert")).to_contain_text(f"已登记，到期日为 {EXPECTED_DUE}。")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_test_id("due-date")).to_have_text(EXPECTED_DUE)
    expect(page.get_by_test_id("basis")).to_contain_text("10")
    expect(page.get_by_text("自然资源所")).to_be_visible()
    look("deadline-detail")
    deadline = Deadline.objects.get(title=TITLE)
    assert (deadline.rule, deadline.limit, str(deadline.due_date)) == (DeadlineRule.WORKING_DAYS, 10, EXPECTED_DUE)
    assert deadline.township_id == journey_clerk.township_id and deadline.created_by_id == journey_clerk.pk

    # 5. Back to the list (breadcrumb), where the item is listed; export the report.
    page.locator(".breadcrumb").get_by_role("link", name="期限督办").click()
    page.wait_for_url("**/deadlines/")
    expect(page.get_by_test_id("deadline-table").get_by_role("link", name=TITLE)).to_be_visible()
    look("deadline-list")
    page.get_by_role("button", name="导出情况表 PDF").click()

    # 6. The job page reaches 已完成 with a download link.
    page.wait_for_url(re.compile(r"/pdf/[0-9a-f-]{36}/$"))
    progress = page.get_by_test_id("pdfjob-progress")
    expect(progress).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.get_by_test_id("pdfjob-status")).to_have_text("已完成")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    download = page.get_by_role("link", name="下载 PDF")
    expect(download).to_be_visible()
    look("pdf-job-done")

    job = PdfJob.objects.get(owner=journey_clerk)
    assert job.status == PdfJobStatus.DONE
    response = page.request.get(live_server.url + download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    recorder.assert_clean()
