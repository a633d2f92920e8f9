"""The Content-Security-Policy in a real browser: the pages with scripts, charts and htmx load
and work under the policy, and Chromium reports no violation — neither a securitypolicyviolation
event nor a console message about the Content Security Policy — on the home dashboard with its
chart, the petition form (its channel script), the petition statistics with their chart and
the public petition pages. The charts are hovered, so their tooltips render too; and no page
has a <style> element (htmx adds one for its indicators unless its config says not to)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from congress_office.roles import Role

from ..factories import PASSWORD, UnitFactory, UserFactory, make_deadline
from ..petitions.factories import register_petition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# every violation the page reports, also those of scripts that run before ours
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""


@pytest.fixture
def office(role_groups, township, unit):
    """A clerk who is also a chair (the dashboard chart, the form and the statistics), deadlines
    at several units (some overdue) and petitions over a few months."""
    other = UnitFactory(township=township, name="财政所")
    user = UserFactory(username="csp", name="王芳", township=township, roles=[Role.CLERK, Role.CHAIR])
    today = timezone.localdate()
    for n, (u, days_ago) in enumerate([(unit, 5), (unit, 40), (other, 70), (other, 3), (None, 20)]):
        make_deadline(township=township, title=f"督办事项{n}", start=today - timedelta(days=days_ago), unit=u, limit=30)
    first = today.replace(day=1)
    for n, months_ago in enumerate([0, 0, 1, 2, 3]):
        received = date(first.year, first.month, 1) - timedelta(days=31 * months_ago)
        register_petition(
            township=township,
            by=user,
            received_on=max(received, today - timedelta(days=120)),
            title=f"信访事项{n}",
            subject_name=["土地征收", "劳动社保", "环境污染"][n % 3],
            phone=f"1391234567{n}",
            id_number="",
        )
    return user


def test_pages_run_under_the_policy_without_a_violation(browser, live_server, office, screenshot):
    page, recorder = browser()
    page.context.add_init_script(RECORD_VIOLATIONS)
    csp_messages = []
    page.context.on("console", lambda m: csp_messages.append(m.text) if "Content Security Policy" in m.text else None)
    violations = {}

    def check(name):
        page.wait_for_load_state("load")
        found = page.evaluate("window.__cspViolations")
        if found:
            violations[name] = found
        # no <style> element (htmx would add one for its indicators without the htmx-config meta)
        assert page.evaluate("document.querySelectorAll('style').length") == 0, name
        screenshot(page, f"csp-{name}")

    def hover_chart(selector):
        chart = page.locator(selector)
        expect(chart.locator("canvas").first).to_be_visible()
        box = chart.bounding_box()
        for fx, fy in ((0.3, 0.3), (0.5, 0.5), (0.7, 0.6)):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(150)

    # the login page and the home dashboard with the chart by unit
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("csp")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    hover_chart("#unit-chart")
    check("home")
    # Bootstrap's dropdown (the user menu) under the policy
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()

    # the petition form: its script shows the fields of the chosen channel
    page.goto(f"{live_server.url}/petitions/new/")
    oral = page.locator("[data-show-for] textarea[name=oral_record]")
    channels = page.locator(".channel-grid")
    channels.get_by_text("来信", exact=True).click()
    expect(oral).to_be_hidden()
    channels.get_by_text("来访", exact=True).click()
    expect(oral).to_be_visible()
    check("petition-form")

    # the statistics page with the trend chart
    page.goto(f"{live_server.url}/petitions/stats/")
    hover_chart("#petition-trend-chart")
    expect(page.locator("[data-testid=top-subjects] .subject-bar span").first).to_be_attached()
    check("petition-stats")

    # the public pages, signed out
    public, public_recorder = browser(375, 812, mobile=True)
    public.context.add_init_script(RECORD_VIOLATIONS)
    public.context.on("console", lambda m: csp_messages.append(m.text) if "Content Security Policy" in m.text else None)
    for name, path in (("public-form", "/petitions/public/new/"), ("public-query", "/petitions/public/query/")):
        public.goto(f"{live_server.url}{path}")
        public.wait_for_load_state("load")
        found = public.evaluate("window.__cspViolations")
        if found:
            violations[name] = found
        assert public.evaluate("document.querySelectorAll('style').length") == 0, name
        screenshot(public, f"csp-{name}")

    assert violations == {}
    assert csp_messages == []
    recorder.assert_clean()
    public_recorder.assert_clean()
