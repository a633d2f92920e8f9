"""The header's search box in a real browser: a clerk on a 375 px phone opens the menu, searches
土地 and opens a petition from the grouped results; at 1366 px, where the menu fills the
bar, an icon opens the search page; from 1400 px the box itself is in the bar."""

import re

import pytest
from playwright.sync_api import expect

from congress_office.roles import Role

from ..factories import UserFactory
from ..petitions.factories import register_petition
from .test_calendar_journey import DESKTOP, PHONE, log_in
from .test_clerk_journey import assert_chinese_page, assert_no_horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_clerk_searches_from_the_header_on_a_phone_and_at_1366(live_server, browser, screenshot, township):
    clerk = UserFactory(username="zhangli", name="张丽", township=township, roles=[Role.CLERK])
    petition = register_petition(township=township, by=clerk, title="关于土地征收补偿款的信访")
    register_petition(township=township, by=clerk, title="拆迁补偿问题", petitioner_name="李四")

    page, recorder = browser(**PHONE)
    log_in(page, live_server, "zhangli")
    box = page.get_by_test_id("header-search")
    expect(box).to_be_hidden()  # folded into the menu on a phone
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#mainNav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    box.get_by_role("searchbox").fill("土地")
    box.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search/?q=*")
    group = page.get_by_test_id("search-kind-petitions")
    expect(group).to_contain_text("关于土地征收补偿款的信访")
    expect(group).not_to_contain_text("拆迁补偿问题")
    expect(group.get_by_test_id("search-count")).to_have_text("1")
    screenshot(page, "search-phone-results")
    assert_chinese_page(page)
    assert_no_horizontal_overflow(page, PHONE["width"])
    group.get_by_role("link", name=re.compile("关于土地征收")).click()
    page.wait_for_url(f"**{petition.get_absolute_url()}")
    recorder.assert_clean()

    page, recorder = browser(**DESKTOP)
    log_in(page, live_server, "zhangli")
    # at 1366 px the menu fills the bar: an icon, which adds no row to it, opens the search page
    expect(page.get_by_test_id("header-search")).to_be_hidden()
    link = page.get_by_test_id("header-search-link")
    expect(link).to_be_visible()
    height = page.locator("nav.navbar").bounding_box()["height"]
    page.evaluate("document.querySelector('[data-testid=header-search-link]').classList.add('d-lg-none')")
    assert page.locator("nav.navbar").bounding_box()["height"] == height
    page.evaluate("document.querySelector('[data-testid=header-search-link]').classList.remove('d-lg-none')")
    link.click()
    page.wait_for_url("**/search/")
    search_box = page.locator("main").get_by_role("searchbox")
    expect(search_box).to_be_focused()
    search_box.fill("李四")
    search_box.press("Enter")
    expect(page.get_by_test_id("search-kind-petitions")).to_contain_text("拆迁补偿问题")
    screenshot(page, "search-desktop-results")
    assert_no_horizontal_overflow(page, DESKTOP["width"])
    recorder.assert_clean()

    # at 1400 px and wider the box itself is in the bar
    page, recorder = browser(width=1600, height=900)
    log_in(page, live_server, "zhangli")
    box = page.get_by_test_id("header-search")
    expect(box).to_be_visible()
    box.get_by_role("searchbox").fill("土地")
    box.get_by_role("searchbox").press("Enter")
    expect(page.get_by_test_id("search-kind-petitions")).to_contain_text("关于土地征收补偿款的信访")
    screenshot(page, "search-wide-results")
    recorder.assert_clean()
