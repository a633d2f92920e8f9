"""The bar holds one row at 1366 px for every role, in Chinese and in English (issue 14): long
menus keep their occasional entries under 更多, which opens and leads to them."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from congress_office.roles import Role

from ..factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# the tops of the brand and of every entry of the bar (not those inside a dropdown), and its height
ROW = """() => {
    const visible = (el) => el.offsetParent !== null && el.getBoundingClientRect().width > 0;
    const parts = [document.querySelector('.navbar-brand'),
                   ...document.querySelectorAll('#mainNav .nav-link:not(.dropdown-menu *)'),
                   ...document.querySelectorAll('#mainNav form[role="search"], #mainNav > a')].filter(visible);
    const tops = parts.map((el) => Math.round(el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2));
    return {spread: Math.max(...tops) - Math.min(...tops), height: document.querySelector('nav.navbar').offsetHeight,
            count: parts.length};
}"""


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_every_roles_bar_is_one_row_at_1366_in_chinese_and_english(live_server, browser, screenshot, township):
    accounts = {
        "clerk": dict(roles=[Role.CLERK], township=township),
        "chair": dict(roles=[Role.CHAIR], township=township),
        "deputy": dict(roles=[Role.DEPUTY], township=township),
        "handler": dict(roles=[Role.UNIT_HANDLER], township=township),
        "auditor": dict(roles=[Role.AUDITOR], township=township),
        "county": dict(roles=[Role.COUNTY]),
        "admin": dict(roles=[Role.ADMIN], is_staff=True, is_superuser=True),
    }
    for username, fields in accounts.items():
        # the longest names an office has: the bar must hold them too
        UserFactory(username=username, name="欧阳晓明", **fields)
    page, recorder = browser(1366, 900)
    for username in accounts:
        log_in(page, live_server, username)
        for language in ("zh", "en"):
            if language == "en":
                page.get_by_role("button", name="English").click()
                expect(page.locator("html")).to_have_attribute("lang", "en")
            row = page.evaluate(ROW)
            if username in ("clerk", "county") or row["spread"] > 8:
                screenshot(page, f"menu-1366-{username}-{language}")
            assert row["count"] >= 4, (username, language, row)
            assert row["spread"] <= 8 and row["height"] <= 70, (username, language, row)
    # the clerk's 更多 opens on its entries, and they lead to their pages
    log_in(page, live_server, "clerk")
    page.get_by_test_id("nav-more").locator("a.dropdown-toggle").click()
    holidays = page.get_by_test_id("nav-more").get_by_role("link", name="节假日")
    expect(holidays).to_be_visible()
    holidays.click()
    page.wait_for_url(f"{live_server.url}{reverse('core:holiday_list')}")
    recorder.assert_clean()
