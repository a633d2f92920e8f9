"""A batch operation in a real browser (the "全选本页" box and the count are static JavaScript,
the pages run under the CSP): a clerk on a 375 px phone ticks every overdue item of the page,
催办所选, reads the confirmation (each unit with its overdue count), confirms and reads the
summary, which names the unit without a handler account."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from congress_office.models import Notification
from congress_office.roles import Role

from ..factories import UnitFactory, UserFactory, make_deadline
from .test_calendar_journey import log_in
from .test_clerk_journey import assert_chinese_page, assert_no_horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812, "mobile": True}


@pytest.fixture
def overdue_items(township, unit):
    UserFactory(username="zhangli", name="张丽", township=township, roles=[Role.CLERK])
    handler = UserFactory(username="wangqiang", name="王强", township=township, roles=[Role.UNIT_HANDLER], unit=unit)
    no_handler = UnitFactory(township=township, name="农业服务中心")
    start = timezone.localdate() - timedelta(days=20)
    for title, owner in (("土地补偿款信访", unit), ("宅基地纠纷信访", unit), ("灌溉渠修缮建议", no_handler)):
        make_deadline(township=township, title=title, start=start, limit=15, unit=owner)
    return handler


def test_a_clerk_urges_every_overdue_unit_from_a_phone(live_server, browser, screenshot, overdue_items):
    page, recorder = browser(**PHONE)

    def look(name):
        screenshot(page, f"batch-phone-{name}")
        assert_chinese_page(page)
        assert_no_horizontal_overflow(page, PHONE["width"])

    log_in(page, live_server, "zhangli")
    page.goto(f"{live_server.url}{reverse('core:deadline_list')}?state=overdue")
    button = page.get_by_test_id("remind-selected")
    expect(button).to_contain_text("（0）")
    page.locator(".batch-all-phone input").check()  # the phone's 全选本页 (the table header is hidden)
    expect(button).to_contain_text("（3）")
    look("list")

    button.click()
    items = page.get_by_test_id("batch-item")
    expect(items).to_have_count(2)
    expect(page.get_by_test_id("batch-items")).to_contain_text("自然资源所（逾期 2 项）")
    expect(page.get_by_test_id("batch-items")).to_contain_text("发送催办通知给 王强")
    expect(page.get_by_test_id("batch-items")).to_contain_text("没有经办人账号")
    look("confirm")

    page.get_by_test_id("batch-confirm").click()
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_contain_text("已完成 1 项，跳过 1 项")
    expect(summary).to_contain_text("没有经办人账号的单位（未发送通知）：农业服务中心")
    look("summary")
    assert Notification.objects.filter(recipient=overdue_items, title__startswith="【催办】").count() == 1
    recorder.assert_clean()
