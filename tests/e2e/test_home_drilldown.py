"""Role homes in a real browser (issue 14): a chair clicks a bar of the per-unit chart and lands
on the deadlines it counts; a deputy's home on a phone opens on 记录履职活动 and 提建议, without
the office's counters, and fits 375 px."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from congress_office.roles import Role

from ..deputies.factories import DeputyFactory, TermFactory
from ..factories import PASSWORD, UnitFactory, UserFactory, make_deadline
from .test_clerk_journey import assert_chinese_page, assert_no_horizontal_overflow
from .test_deputy_journey import PHONE, assert_labels_on_one_line

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username, name):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name=f"您好，{name}")).to_be_visible()


def test_a_bar_of_the_unit_chart_opens_the_deadlines_it_counts(live_server, browser, screenshot, township):
    unit = UnitFactory(township=township, name="自然资源所")
    today = timezone.localdate()
    for n in range(3):
        make_deadline(township=township, title=f"逾期事项{n}", unit=unit, start=today - timedelta(days=60))
    make_deadline(township=township, title="在办事项", unit=unit, start=today)
    UserFactory(username="chair", name="王主席", township=township, roles=[Role.CHAIR])
    page, recorder = browser(1366, 900)
    log_in(page, live_server, "chair", "王主席")
    chart = page.locator("#unit-chart")
    expect(chart.locator("canvas")).to_be_visible()
    # the middle of the 逾期 bar (series 1) of the first unit, where ECharts drew it (once its
    # entry animation is over)
    page.wait_for_timeout(1500)
    x, y = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('unit-chart'));
            const bar = chart.getModel().getSeriesByIndex(1).getData().getItemLayout(0);
            return [bar.x + bar.width / 2, bar.y + bar.height / 2];
        }"""
    )
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()  # in the viewport, where the mouse clicks
    screenshot(page, "home-drilldown-chair-chart")
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(rf"/deadlines/\?state=overdue&responsible_unit={unit.pk}$"))
    rows = page.get_by_test_id("deadline-table").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("逾期事项")
    recorder.assert_clean()


def test_the_deputys_phone_home_opens_on_the_next_actions(live_server, browser, screenshot, township):
    deputy_user = UserFactory(username="guilan", name="张桂兰", township=township, roles=[Role.DEPUTY])
    DeputyFactory(term=TermFactory(township=township), name="张桂兰", user=deputy_user)
    page, recorder = browser(**PHONE)
    log_in(page, live_server, "guilan", "张桂兰")
    screenshot(page, "home-drilldown-deputy-375")
    actions = page.get_by_test_id("deputy-actions")
    expect(actions.get_by_role("link", name="记录履职活动")).to_be_visible()
    expect(actions.get_by_role("link", name="提建议")).to_be_visible()
    expect(page.get_by_test_id("home-deputies-awaiting_rating")).to_contain_text("没有等待您评价的答复")
    expect(page.get_by_test_id("deadline-counts")).to_have_count(0)
    assert_chinese_page(page)
    assert_no_horizontal_overflow(page, PHONE["width"])
    assert_labels_on_one_line(page)
    page.get_by_role("button", name="菜单").click()
    menu = page.locator("#mainNav")
    expect(menu.get_by_role("link", name="履职活动")).to_be_visible()
    expect(menu.get_by_role("link", name="期限督办")).to_have_count(0)
    expect(menu.get_by_role("link", name="代表名册")).to_have_count(0)
    screenshot(page, "home-drilldown-deputy-375-menu")
    actions.get_by_role("link", name="提建议").click()
    page.wait_for_url("**/suggestions/new/")
    recorder.assert_clean()
