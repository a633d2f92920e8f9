"""The calendar (日历) in a real browser: a deputy on a 375 px phone finds it in the menu, reads
June's entries as a list of days and opens the session from it; a clerk at 1366 px reads the
month grid, steps to the week and downloads the month as .ics."""

import re
from datetime import date, datetime, time

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from congress_office.roles import Role
from deputies.models import ReceptionDay
from meetings.choices import MeetingKind
from meetings.services import meeting_notify, meeting_plan

from ..deputies.factories import DeputyFactory, DistrictFactory, TermFactory, TrainingFactory
from ..factories import PASSWORD, UserFactory, make_deadline
from .test_clerk_journey import assert_chinese_page, assert_no_horizontal_overflow
from .test_deputy_journey import assert_labels_on_one_line

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812, "mobile": True}
DESKTOP = {"width": 1366, "height": 900}
JUNE = "year=2026&month=6"
TRAINING = "新任代表履职能力提升培训（第一期）"
DEADLINE = "关于东风村村道硬化工程进度的督办"


@pytest.fixture
def june(township, unit):
    term = TermFactory(township=township)
    deputy_user = UserFactory(username="guilan", name="张桂兰", township=township, roles=[Role.DEPUTY])
    clerk = UserFactory(username="zhangli", name="张丽", township=township, roles=[Role.CLERK])
    district = DistrictFactory(term=term, name="东风村选区")
    deputy = DeputyFactory(term=term, name="张桂兰", user=deputy_user, district=district, is_presidium=True)
    reception = ReceptionDay.objects.create(
        township=township, district=district, date=date(2026, 6, 10), place="东风村村委会二楼会议室"
    )
    reception.deputies.set([deputy])
    TrainingFactory(
        township=township, title="新任代表履职能力提升培训（第一期）", date=date(2026, 6, 10), place="镇党校"
    )
    session = meeting_plan(
        township=township,
        by=clerk,
        kind=MeetingKind.SESSION,
        starts_at=timezone.make_aware(datetime.combine(date(2026, 6, 18), time(9, 0))),
        place="镇政府三楼会议室",
    )
    meeting_notify(meeting=session, by=clerk)
    make_deadline(
        township=township, title="关于东风村村道硬化工程进度的督办", start=date(2026, 6, 1), limit=10, unit=unit
    )
    return {"session": session}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_deputy_reads_the_month_on_a_phone_and_a_clerk_downloads_it(live_server, browser, screenshot, june):
    page, recorder = browser(**PHONE)

    def look(name):
        screenshot(page, f"calendar-phone-{name}")
        assert_chinese_page(page)
        assert_no_horizontal_overflow(page, PHONE["width"])
        assert_labels_on_one_line(page)

    log_in(page, live_server, "guilan")
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#mainNav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.locator("#mainNav").get_by_role("link", name="日历").click()
    page.wait_for_url("**/calendar/")
    expect(page.get_by_test_id("calendar-today-item")).to_be_visible()
    look("this-month")

    page.goto(f"{live_server.url}/calendar/?{JUNE}")
    expect(page.get_by_test_id("calendar-grid")).to_be_hidden()
    listing = page.get_by_test_id("calendar-list")
    expect(listing.get_by_test_id("calendar-event")).to_have_count(3)  # no office deadline for a deputy
    expect(listing).to_contain_text("东风村选区代表接待日")
    expect(listing).to_contain_text("东风村村委会二楼会议室")
    expect(listing).to_contain_text("新任代表履职能力提升培训（第一期）")
    look("june")

    listing.get_by_role("link", name=re.compile("第一次会议")).click()
    page.wait_for_url(f"**{june['session'].get_absolute_url()}")

    page.goto(f"{live_server.url}/calendar/week/?date=2026-06-08")
    expect(page.get_by_test_id("calendar-week")).to_contain_text("东风村选区代表接待日")
    look("week")
    recorder.assert_clean()

    # --- the clerk, at 1366 px (one test: a transactional test's flush is the slow part) ---------
    page, recorder = browser(**DESKTOP)
    log_in(page, live_server, "zhangli")
    page.goto(f"{live_server.url}/calendar/?{JUNE}")
    grid = page.get_by_test_id("calendar-grid")
    expect(grid).to_be_visible()
    expect(grid.get_by_test_id("calendar-event")).to_have_count(4)
    expect(page.get_by_test_id("calendar-list")).to_be_hidden()
    screenshot(page, "calendar-desktop-june")
    assert_no_horizontal_overflow(page, DESKTOP["width"])
    assert_labels_on_one_line(page)

    with page.expect_download() as download_info:
        page.get_by_test_id("calendar-ics").click()
    download = download_info.value
    assert download.suggested_filename == "calendar-2026-06.ics"
    calendar = icalendar.Calendar.from_ical(open(download.path(), "rb").read())
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == sorted(
        [
            "东风村选区代表接待日",
            "新任代表履职能力提升培训（第一期）",
            str(june["session"].title),
            "关于东风村村道硬化工程进度的督办",
        ]
    )

    page.get_by_role("link", name="周", exact=True).click()
    page.wait_for_url("**/calendar/week/?date=2026-06-01")
    page.get_by_test_id("calendar-next").click()
    page.wait_for_url("**/calendar/week/?date=2026-06-08")
    expect(page.get_by_test_id("calendar-week")).to_contain_text("新任代表履职能力提升培训（第一期）")
    screenshot(page, "calendar-desktop-week")
    assert_no_horizontal_overflow(page, DESKTOP["width"])
    recorder.assert_clean()
