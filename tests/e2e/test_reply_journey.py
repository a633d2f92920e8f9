# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""A lead unit's handler on a 375 px phone (issue 14, item 8): reveals the petitioner's phone to
call them, answers before the co-handling unit's opinion (the form asks first, nothing typed is
lost), with a photo attached; the answer lists the file."""

import pytest

from congress_office.models import CaseReplyAttachment
from tests.factories import PASSWORD
from tests.petitions.handling_fixtures import (  # noqa: F401 (fixtures)
    accepted,
    assigned,
    co_handler,
    co_unit,
    lead_handler,
)
from tests.petitions.office_fixtures import png_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lead_units_handler_calls_and_answers_from_a_phone(live_server, browser, screenshot, assigned, tmp_path):
    page, recorder = browser(375, 812, mobile=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("handler")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{assigned.get_absolute_url()}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("reveal").click()
    page.wait_for_selector("[data-testid=revealed-note]")
    assert page.get_by_test_id("phone").inner_text() == "13812345678"
    screenshot(page, "handler_revealed_phone_375")

    page.goto(f"{live_server.url}/petitions/{assigned.pk}/reply/")
    warning = page.get_by_test_id("early-reply-warning")
    assert "协办单位城建办尚未提交协办意见，确定先行答复吗？" in warning.inner_text()
    page.get_by_label("支持", exact=True).check()
    page.get_by_label("答复内容").fill("经核实，已补发补偿款2万元。")
    page.get_by_label("答复日期").fill("2026-09-30")
    page.get_by_label("我已核对以上内容，确认提交（提交后不能撤回）").check()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认答复").click()
    page.wait_for_selector("text=尚未保存")
    assert page.get_by_label("答复内容").input_value() == "经核实，已补发补偿款2万元。"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "reply_confirm_early_375")

    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes())
    page.set_input_files("input[name=attachments]", str(photo))
    page.get_by_label("确定在协办单位城建办提交协办意见前先行答复").check()
    page.get_by_label("我已核对以上内容，确认提交（提交后不能撤回）").check()
    page.get_by_role("button", name="确认答复").click()
    page.wait_for_url(f"{live_server.url}{assigned.get_absolute_url()}")
    page.get_by_test_id("reply-attachment").wait_for()
    assert page.get_by_test_id("reply-attachment").inner_text() == "现场照片.png"
    assert "在协办单位城建办提交意见前答复" in page.get_by_test_id("timeline").inner_text()
    screenshot(page, "reply_with_attachment_375")
    assert CaseReplyAttachment.objects.count() == 1
    recorder.assert_clean()
