"""A register printed from the browser (Chromium's own print, the print stylesheet): the clerk
opens the 信访登记簿 from the petition list; on paper it is A4 landscape, without the menu,
the buttons or the filters, its header row repeated on every page; on a phone the page fits the
screen (the table scrolls inside its frame)."""

import io
import unicodedata
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from congress_office.roles import Role

from ..factories import PASSWORD, UserFactory
from ..petitions.factories import register_petition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROWS = 45  # enough for two landscape pages


@pytest.fixture
def office(role_groups, township):
    clerk = UserFactory(username="printer", name="王芳", township=township, roles=[Role.CLERK])
    start = date(2026, 1, 5)
    for i in range(ROWS):
        register_petition(
            township=township,
            by=clerk,
            title=f"村道损坏无人维修第{i}件",
            received_on=start + timedelta(days=i),
            phone=f"138123{45600 + i}",
        )
    return clerk


def text_of(pdf_page):
    # Chromium's PDFs map some CJK characters to their Kangxi radical forms (⼈ for 人)
    return unicodedata.normalize("NFKC", pdf_page.extract_text()).replace(" ", "")


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_the_petition_register_prints_cleanly(live_server, browser, screenshot, office):
    page, recorder = browser()
    log_in(page, live_server, "printer")
    page.goto(f"{live_server.url}/petitions/")
    page.get_by_test_id("print-register").click()
    page.wait_for_selector("[data-testid=register-sheet]")
    screenshot(page, "register_print_page")

    page.emulate_media(media="print")
    data = page.pdf(prefer_css_page_size=True, print_background=True)
    (screenshot(page, "register_print_page").parent / "register_print.pdf").write_bytes(data)  # for a human
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for number, pdf_page in enumerate(reader.pages, start=1):
        box = pdf_page.mediabox
        assert float(box.width) > float(box.height), f"page {number} is not landscape"
        text = text_of(pdf_page)
        # the header row on every page; nothing of the screen's chrome
        assert "信访人" in text and "承办单位" in text, f"page {number} lost the table header"
        for chrome in ("导出PDF", "返回列表", "筛选条件", "期限督办", "退出登录", "内部办公系统"):
            assert chrome not in text, f"{chrome} printed on page {number}"
    everything = "".join(text_of(p) for p in reader.pages)
    assert "信访登记簿" in everything and "村道损坏无人维修第44件" in everything
    page.emulate_media(media="screen")
    recorder.assert_clean()


def test_the_register_fits_a_phone(live_server, browser, screenshot, office):
    page, recorder = browser(375, 740, mobile=True)
    log_in(page, live_server, "printer")
    page.goto(f"{live_server.url}/registers/petitions.register/")
    page.wait_for_selector("[data-testid=register-sheet]")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the phone"
    path = screenshot(page, "register_print_phone")
    page.screenshot(path=str(path.with_name("register_print_phone_top.png")))  # the first screen
    recorder.assert_clean()
