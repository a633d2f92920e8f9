"""One congress session in a real browser, from the notice to the minutes (issue 9's journey):

1. the clerk (1280 px) plans the session, adds an agenda item to be voted on and sends the notice;
2. a deputy (375 px) reads the notification, opens the meeting and acknowledges the notice;
3. the clerk starts the sign-in and shows the code in the hall; the deputy signs in with it on
   the phone; the clerk marks five more deputies present and opens the sitting (应到 9 人，实到
   6 人，法定人数 6 人);
4. the clerk puts the item to a phone vote; the deputy votes 赞成; the clerk closes the vote:
   赞成 1 票 of the 5 needed (more than half of all 9 deputies), not passed;
5. the clerk writes the minutes and closes the session; the absent are recorded as such.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from congress_office.roles import Role
from meetings.choices import AttendanceStatus, MeetingState
from meetings.models import Attendance, Meeting, Vote

from ..deputies.factories import DeputyFactory, TermFactory
from ..factories import UserFactory
from .test_documents_journey import DESKTOP, PHONE, Journey, field_label

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ITEM = "审查和批准2027年镇财政预算"
MINUTES = "会议应到代表9名，实到6名。预算草案赞成票未过全体代表半数，未获通过。"


@pytest.fixture
def hall(township):
    term = TermFactory(township=township)
    clerk = UserFactory(username="zhangli", name="张丽", township=township, roles=[Role.CLERK])
    deputy_user = UserFactory(username="wangdf", name="王德福", township=township, roles=[Role.DEPUTY])
    deputies = [DeputyFactory(term=term, name="王德福", user=deputy_user)]
    deputies += [DeputyFactory(term=term, name=f"代表{n}") for n in range(1, 9)]
    return {"clerk": clerk, "deputies": deputies}


def press(page, action, *, dialog=None):
    seen = []
    if dialog:
        page.once("dialog", lambda d: (seen.append(d.message), d.accept()))
    page.locator(f'[data-action="{action}"]').first.click()
    page.wait_for_load_state()
    if dialog:
        assert seen == [dialog]


def test_a_session_from_the_notice_to_the_minutes(live_server, browser, screenshot, hall):
    journey = Journey(live_server, browser, screenshot, "meeting")
    starts = timezone.localtime() + timedelta(minutes=5)

    # --- 1. the clerk plans it ---------------------------------------------------------------------
    desk = journey.open("zhangli", "张丽", size=DESKTOP)
    desk.locator("#mainNav").get_by_role("link", name=re.compile(r"会议$")).click()
    desk.wait_for_url("**/meetings/")
    expect(desk.get_by_test_id("empty")).to_be_visible()
    expect(desk.get_by_test_id("too-few")).to_contain_text("已安排人民代表大会会议 0 次")
    desk.get_by_test_id("create").click()
    form = desk.get_by_test_id("meeting-form")
    form.get_by_label(field_label("会议类型")).select_option(label="人民代表大会会议")
    form.get_by_label(field_label("会议时间")).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label(field_label("会议地点")).fill("镇政府三楼会议室")
    journey.look(desk, "plan")
    form.get_by_role("button", name="保存").click()
    desk.wait_for_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get()
    expect(desk.get_by_test_id("title")).to_have_text("青山镇第十九届人民代表大会第一次会议")
    press(desk, "agenda_add")
    form = desk.get_by_test_id("action-form")
    form.get_by_label(field_label("议程")).fill(ITEM)
    form.get_by_label(field_label("报告人")).fill("镇财政所所长")
    form.get_by_label("需要表决").check()
    form.get_by_role("button", name="提交").click()
    desk.wait_for_url(live_server.url + meeting.get_absolute_url())
    expect(desk.get_by_test_id("agenda-item")).to_contain_text(ITEM)
    press(desk, "notify")
    expect(desk.get_by_role("alert").filter(has_text="已向 9 名应到人员发出会议通知。")).to_be_visible()
    journey.look(desk, "notified")

    # --- 2. the deputy, on the phone, acknowledges --------------------------------------------------
    phone = journey.open("wangdf", "王德福", size=PHONE)
    expect(phone.get_by_role("link", name="通知", exact=True)).to_contain_text("1")
    phone.goto(live_server.url + meeting.get_absolute_url())
    own = phone.get_by_test_id("own")
    expect(own.get_by_test_id("own-status")).to_have_text("未签到")
    journey.look(phone, "deputy-notice")
    press(phone, "acknowledge")
    expect(phone.get_by_test_id("acknowledged")).to_be_visible()

    # --- 3. sign-in ----------------------------------------------------------------------------------
    press(desk, "sign_in_start", dialog="开始签到？签到开始后不能再调整议程。")
    expect(desk.get_by_test_id("state-badge")).to_have_text("签到中")
    with desk.context.expect_page() as opened:
        press(desk, "code")
    hall_screen = opened.value
    hall_screen.wait_for_load_state()
    hall_screen.width = DESKTOP["width"]
    code = hall_screen.get_by_test_id("code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    journey.look(hall_screen, "hall-code")

    phone.reload()
    press(phone, "sign_in")
    form = phone.get_by_test_id("action-form")
    form.get_by_label(field_label("签到码")).fill("000000" if code != "000000" else "111111")
    form.get_by_role("button", name="签到").click()
    expect(form).to_contain_text("签到码不正确")
    form.get_by_label(field_label("签到码")).fill(code)
    journey.look(phone, "deputy-sign-in")
    form.get_by_role("button", name="签到").click()
    phone.wait_for_url(live_server.url + meeting.get_absolute_url())
    expect(phone.get_by_role("alert").filter(has_text="签到成功")).to_be_visible()
    expect(phone.get_by_test_id("own-status")).to_contain_text("出席")

    desk.reload()
    for deputy in hall["deputies"][1:6]:
        row = desk.get_by_test_id("attendee").filter(has_text=deputy.name)
        row.locator('[data-action="mark-present"]').click()
        desk.wait_for_load_state()
    expect(desk.get_by_test_id("quorum")).to_contain_text("应到 9 人，实到 6 人，法定人数 6 人")
    press(desk, "open")
    expect(
        desk.get_by_role("alert").filter(has_text="已宣布开会：应到 9 人，实到 6 人，法定人数 6 人。")
    ).to_be_visible()
    journey.look(desk, "open")

    # --- 4. the vote ----------------------------------------------------------------------------------
    press(desk, "vote_open")
    expect(desk.get_by_text("通过所需票数：5 票（全体代表 9 人的过半数），不是出席人数的过半数。")).to_be_visible()
    form = desk.get_by_test_id("action-form")
    form.get_by_label(field_label("表决方式")).select_option(label="手机表决（公开）")
    form.get_by_role("button", name="开始表决").click()
    desk.wait_for_url(re.compile(r"/meetings/\d+/#votes$"))

    phone.reload()
    press(phone, "ballot")
    form = phone.get_by_test_id("action-form")
    form.get_by_label("赞成").check()
    journey.look(phone, "deputy-ballot")
    seen = []
    phone.once("dialog", lambda d: (seen.append(d.message), d.accept()))
    form.get_by_role("button", name="提交表决意见").click()
    phone.wait_for_url(live_server.url + meeting.get_absolute_url())
    assert seen == ["表决意见提交后不能更改。确认？"]
    expect(phone.get_by_test_id("voted")).to_have_text("已表决：赞成")
    journey.look(phone, "deputy-voted")

    desk.reload()
    press(desk, "vote_close")
    expect(desk.get_by_test_id("vote-summary")).to_contain_text("已收到手机表决 1 票")
    seen = []
    desk.once("dialog", lambda d: (seen.append(d.message), d.accept()))
    desk.get_by_test_id("action-form").get_by_role("button", name="结束表决并计票").click()
    desk.wait_for_url(re.compile(r"/meetings/\d+/#votes$"))
    vote = desk.get_by_test_id("vote")
    expect(vote.get_by_test_id("threshold")).to_have_text("赞成 1 票，通过所需 5 票（全体代表过半数）")
    expect(vote.get_by_test_id("failed")).to_be_visible()
    journey.look(desk, "vote-closed")

    # --- 5. minutes and close ---------------------------------------------------------------------------
    press(desk, "minutes")
    desk.get_by_test_id("action-form").get_by_label("会议纪要").fill(MINUTES)
    desk.get_by_test_id("action-form").get_by_role("button", name="保存纪要").click()
    desk.wait_for_url(live_server.url + meeting.get_absolute_url())
    press(desk, "close", dialog="确认闭会？未签到的应到人员将记为缺席（已准假的记为请假）。")
    expect(desk.get_by_test_id("state-badge")).to_have_text("已闭会")
    expect(desk.get_by_test_id("minutes")).to_contain_text(MINUTES)
    expect(desk.get_by_test_id("attendance-counts")).to_have_text("出席 6 · 请假 0 · 缺席 3")
    journey.look(desk, "closed")

    meeting.refresh_from_db()
    assert (meeting.state, meeting.legal_number, meeting.quorum) == (MeetingState.CLOSED, 9, 6)
    row = Attendance.objects.get(meeting=meeting, deputy=hall["deputies"][0])
    assert (row.status, row.signed_in_via) == (AttendanceStatus.PRESENT, "phone") and row.acknowledged_at
    vote = Vote.objects.get()
    assert (vote.yes, vote.not_voted, vote.required, vote.passed) == (1, 5, 5, False)
    journey.assert_clean()
