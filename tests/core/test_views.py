"""The platform's pages through the test client: deadlines, units, holidays, notifications,
record history, home pages, language switch, local-only assets and the health check."""

import html
import json
import re
from collections import deque
from datetime import date, timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from congress_office.models import (
    Deadline,
    DeadlineExtension,
    DeadlineState,
    Holiday,
    Notification,
    PdfJob,
    PdfJobStatus,
    Unit,
    UnitKind,
)
from congress_office.roles import Role
from congress_office.workdays import LIBRARY_YEARS
from tests.factories import UnitFactory, make_deadline

CJK = re.compile(r"[\u4e00-\u9fff]")


def text_of(response):
    return response.content.decode()


def field_errors(response):
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def badge(response):
    match = re.search(r'data-testid="unread-badge">(\d+)<', text_of(response))
    return int(match.group(1)) if match else 0


# --- deadlines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "rule", "limit", "due", "basis"),
    [
        # 5 working days from Tue 29 Sep 2026: 30 Sep, then the National Day break (1–7 Oct),
        # 8, 9, Sat 10 Oct (调休 working day), 12 Oct
        ("2026-09-29", "working_days", 5, "2026-10-12", "自 2026-09-29 起 5 工作日"),
        # 7 calendar days from 25 Sep end on 2 Oct, a holiday: moved to the next working day
        ("2026-09-25", "calendar_days", 7, "2026-10-08", "自 2026-09-25 起 7 日（自然日）"),
        ("2026-11-30", "months", 3, "2027-03-01", "自 2026-11-30 起 3 个月"),
    ],
)
def test_clerk_registers_deadline_and_sees_computed_due_date(client, clerk, unit, start, rule, limit, due, basis):
    """A clerk's valid deadline is saved in their township; the detail page shows the due
    date computed on the Chinese calendar and the basis it was computed from."""
    client.force_login(clerk)
    response = client.post(
        reverse("core:deadline_create"),
        {
            "title": "东风村信访件办理",
            "responsible_unit": unit.pk,
            "start_date": start,
            "rule": rule,
            "limit": limit,
            "note": "按条例办理",
        },
        follow=True,
    )
    deadline = Deadline.objects.get(title="东风村信访件办理")
    assert response.redirect_chain == [(deadline.get_absolute_url(), 302)]
    page = text_of(response)
    assert f'data-testid="due-date">{due}<' in page
    assert f'data-testid="basis">{basis}<' in page
    assert f"已登记，到期日为 {due}。" in page
    assert deadline.township == clerk.township
    assert deadline.created_by == clerk
    assert deadline.state == DeadlineState.OPEN


def test_deadline_form_errors_are_chinese_and_keep_typed_values(client, clerk, other_unit):
    """Bad input is refused with Chinese messages, every typed value is still in the form, and
    nothing is saved; another township's unit is not a valid choice."""
    client.force_login(clerk)
    response = client.post(
        reverse("core:deadline_create"),
        {
            "title": "",
            "responsible_unit": other_unit.pk,
            "start_date": "2026-02-30",
            "rule": "working_days",
            "limit": "0",
            "note": "保留这段说明",
        },
    )
    assert response.status_code == 200
    errors = field_errors(response)
    assert set(errors) == {"title", "responsible_unit", "start_date", "limit"}
    page = html.unescape(text_of(response))
    for messages in errors.values():
        for message in messages:
            assert CJK.search(message), message
            assert message in page
    assert "这个字段是必填项。" in errors["title"]
    assert 'value="2026-02-30"' in page
    assert 'name="limit" value="0"' in page
    assert "保留这段说明</textarea>" in page
    assert not Deadline.objects.exists()


@pytest.fixture
def deadline(township, unit):
    """Opened 2 Nov 2026, 15 calendar days: due Tue 17 Nov 2026."""
    return make_deadline(township=township, title="垃圾转运站异味投诉处理", unit=unit)


def test_chair_extends_deadline(client, users, chair, clerk, deadline):
    """An extension with reason and approver moves the due date, sets 已延期, keeps the record,
    and notifies the township's clerk (who sees the unread badge)."""
    client.force_login(chair)
    form_page = client.get(reverse("core:deadline_extend", args=[deadline.pk]))
    assert form_page.context["form"].fields["approver"].initial == chair.pk
    assert list(form_page.context["form"].fields["approver"].queryset) == [chair]
    response = client.post(
        reverse("core:deadline_extend", args=[deadline.pk]),
        {
            "new_due_date": "2026-12-31",
            "reason": "需要补充现场检测报告",
            "approver": chair.pk,
        },
        follow=True,
    )
    assert response.redirect_chain == [(deadline.get_absolute_url(), 302)]
    page = text_of(response)
    assert "已延期至 2026-12-31。" in page
    assert ">已延期</span>" in page
    assert 'data-testid="due-date">2026-12-31<' in page
    assert "需要补充现场检测报告" in page
    deadline.refresh_from_db()
    assert (deadline.state, deadline.due_date, deadline.original_due_date) == (
        DeadlineState.EXTENDED,
        date(2026, 12, 31),
        date(2026, 11, 17),
    )
    extension = deadline.extensions.get()
    assert (extension.approver, extension.requested_by) == (chair, chair)
    notification = Notification.objects.get(recipient=clerk)
    assert notification.title == "期限已延长：垃圾转运站异味投诉处理"
    assert notification.url == deadline.get_absolute_url()
    client.force_login(clerk)
    assert badge(client.get(reverse("core:home"))) == 1


def test_extension_by_working_days_counts_from_current_due_date(client, chair, deadline):
    """ "Extra" extends by the deadline's own rule from its current due date (17 Nov + 10 days)."""
    client.force_login(chair)
    client.post(
        reverse("core:deadline_extend", args=[deadline.pk]), {"extra": 10, "reason": "延长", "approver": chair.pk}
    )
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"new_due_date": "2026-12-31", "reason": "   "}, "reason", "这个字段是必填项。"),
        ({"new_due_date": "2026-11-10", "reason": "理由"}, "new_due_date", "延期后的到期日必须晚于当前到期日"),
        ({"reason": "理由"}, None, "请填写延期后的到期日，或延长的期限。"),
    ],
)
def test_invalid_extension_saves_nothing(client, chair, clerk, deadline, data, field, message):
    """Without a reason, or with a date not after the current due date, the form shows the
    Chinese error, keeps the input, and nothing is saved or sent."""
    client.force_login(chair)
    response = client.post(reverse("core:deadline_extend", args=[deadline.pk]), {**data, "approver": chair.pk})
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    assert message in text_of(response)
    if data.get("new_due_date"):
        assert f'value="{data["new_due_date"]}"' in text_of(response)
    deadline.refresh_from_db()
    assert (deadline.state, deadline.due_date) == (DeadlineState.OPEN, date(2026, 11, 17))
    assert not DeadlineExtension.objects.exists()
    assert not Notification.objects.exists()


def test_met_deadline_cannot_be_extended(client, chair, deadline):
    """Extending a deadline already met is refused with the service's Chinese message."""
    Deadline.objects.filter(pk=deadline.pk).update(state=DeadlineState.MET, met_at=timezone.now())
    client.force_login(chair)
    response = client.post(
        reverse("core:deadline_extend", args=[deadline.pk]),
        {"new_due_date": "2026-12-31", "reason": "理由", "approver": chair.pk},
    )
    assert response.status_code == 200
    assert "该事项已办结，不能延期。" in response.context["form"].non_field_errors()
    assert not DeadlineExtension.objects.exists()


ACTIONS = {  # role: (登记 on the list, 延期 on the detail, 标记办结 on the detail, 新增单位, 编辑 on the unit)
    Role.CLERK: (True, False, True, True, True),
    Role.CHAIR: (False, True, True, False, False),
    Role.DEPUTY: (False, False, False, None, None),
    Role.UNIT_HANDLER: (False, False, True, None, None),
    Role.AUDITOR: (False, False, False, False, False),
    Role.COUNTY: (False, False, False, False, False),
    Role.ADMIN: (False, False, False, True, True),
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_pages_offer_only_the_actions_the_role_may_take(client, users, unit, role):
    """Buttons for create, extend, meet and edit appear exactly for the roles allowed to use
    them (None: the role cannot open the page at all)."""
    deadline = make_deadline(township=unit.township, unit=unit, user=users[Role.DEPUTY])
    client.force_login(users[role])
    create, extend, meet, unit_create, unit_edit = ACTIONS[role]
    deadline_list = text_of(client.get(reverse("core:deadline_list")))
    assert (reverse("core:deadline_create") in deadline_list) is create
    detail = text_of(client.get(deadline.get_absolute_url()))
    assert (reverse("core:deadline_extend", args=[deadline.pk]) in detail) is extend
    assert (reverse("core:deadline_meet", args=[deadline.pk]) in detail) is meet
    if unit_create is not None:
        assert (reverse("core:unit_create") in text_of(client.get(reverse("core:unit_list")))) is unit_create
        unit_page = text_of(client.get(unit.get_absolute_url()))
        assert (reverse("core:unit_update", args=[unit.pk]) in unit_page) is unit_edit


def test_meet_then_meet_again(client, clerk, deadline):
    """Meeting a deadline marks it 已办结; a second meet is refused with a Chinese message and
    changes nothing; the detail page then offers neither meet nor extend."""
    client.force_login(clerk)
    url = reverse("core:deadline_meet", args=[deadline.pk])
    assert client.get(url).status_code == 405
    page = text_of(client.post(url, follow=True))
    assert "已标记办结。" in page
    assert ">已办结</span>" in page
    deadline.refresh_from_db()
    met_at = deadline.met_at
    assert deadline.state == DeadlineState.MET and met_at is not None
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(deadline.get_absolute_url(), 302)]
    page = text_of(response)
    assert "该事项已办结。" in page
    assert "alert-danger" in page
    assert url not in page
    deadline.refresh_from_db()
    assert deadline.met_at == met_at


def test_deadline_list_filters(client, clerk, township, unit):
    """The list filters by state, unit, search text and due-date range; it opens on what is
    still to do (未办结, soonest due first), and 全部 lists every state (issue 14)."""
    other = UnitFactory(township=township, name="财政所")
    make_deadline(township=township, title="甲事项", unit=unit)
    b = make_deadline(township=township, title="乙事项", unit=other, limit=40)
    c = make_deadline(township=township, title="丙事项", unit=unit)
    Deadline.objects.filter(pk=c.pk).update(state=DeadlineState.MET)
    client.force_login(clerk)

    def titles(**params):
        page = text_of(client.get(reverse("core:deadline_list"), params))
        return re.findall(r'<td data-label="事项"><a href="[^"]+">([^<]+)</a>', page)

    assert titles() == ["甲事项", "乙事项"]
    assert titles(state="all") == ["甲事项", "丙事项", "乙事项"]
    assert titles(state="met") == ["丙事项"]
    assert titles(responsible_unit=other.pk) == ["乙事项"]
    assert titles(state="all", responsible_unit=unit.pk) == ["甲事项", "丙事项"]
    assert titles(q="乙") == ["乙事项"]
    assert titles(due_after=b.due_date.isoformat()) == ["乙事项"]
    assert titles(state="all", due_before=(b.due_date - timedelta(days=1)).isoformat()) == ["甲事项", "丙事项"]
    assert titles(state="pending") == ["甲事项", "乙事项"]
    assert titles(state="nonsense") == ["甲事项", "乙事项"]  # an invalid choice: the default, 未办结


# --- units ------------------------------------------------------------------------------------

UNIT_DATA = {"name": "司法所", "kind": UnitKind.STATION, "contact": "张三", "phone": "0510-1234567", "is_active": "on"}


def test_clerk_creates_unit_in_own_township(client, clerk, township, other_township):
    """The clerk's form has no township field; the unit lands in the clerk's township even if
    another township is posted."""
    client.force_login(clerk)
    assert "township" not in client.get(reverse("core:unit_create")).context["form"].fields
    response = client.post(reverse("core:unit_create"), {**UNIT_DATA, "township": other_township.pk}, follow=True)
    unit = Unit.objects.get(name="司法所")
    assert response.redirect_chain == [(unit.get_absolute_url(), 302)]
    assert "承办单位已保存。" in text_of(response)
    assert unit.township == township


def test_clerk_duplicate_unit_name_is_a_chinese_form_error(client, clerk, unit, other_unit):
    """A name already used in the township is refused on the name field (input kept); the
    same name as another township's unit is fine."""
    client.force_login(clerk)
    response = client.post(reverse("core:unit_create"), {**UNIT_DATA, "name": "自然资源所", "contact": "王五"})
    assert response.status_code == 200
    assert field_errors(response) == {"name": ["本乡镇已有同名承办单位。"]}
    assert 'value="王五"' in text_of(response)
    assert Unit.objects.filter(name="自然资源所").count() == 1
    response = client.post(reverse("core:unit_create"), {**UNIT_DATA, "name": other_unit.name})
    assert response.status_code == 302
    assert Unit.objects.filter(name=other_unit.name).count() == 2


def test_clerk_edits_unit_and_name_clash_is_refused(client, clerk, township, unit):
    """Editing keeps the township; renaming onto another unit's name is refused."""
    UnitFactory(township=township, name="财政所")
    client.force_login(clerk)
    url = reverse("core:unit_update", args=[unit.pk])
    response = client.post(url, {**UNIT_DATA, "name": "自然资源所", "contact": "李四"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.contact, unit.township) == ("李四", township)
    response = client.post(url, {**UNIT_DATA, "name": "财政所"})
    assert field_errors(response) == {"name": ["本乡镇已有同名承办单位。"]}
    unit.refresh_from_db()
    assert unit.name == "自然资源所"


def test_admin_chooses_township_for_unit(client, users, township, other_township, other_unit):
    """A county-wide admin picks the township; a duplicate within that township is refused in Chinese."""
    client.force_login(users[Role.ADMIN])
    form = client.get(reverse("core:unit_create")).context["form"]
    assert set(form.fields["township"].queryset) == {township, other_township}
    response = client.post(reverse("core:unit_create"), {**UNIT_DATA, "township": other_township.pk})
    assert response.status_code == 302
    assert Unit.objects.get(name="司法所").township == other_township
    response = client.post(reverse("core:unit_create"), {**UNIT_DATA, "name": "财政所", "township": other_township.pk})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors and all(CJK.search(m) for messages in errors.values() for m in messages)
    assert "已经存在" in text_of(response)
    response = client.post(reverse("core:unit_create"), {**UNIT_DATA, "name": "财政所"})
    assert "township" in field_errors(response)


def test_unit_list_is_ordered_and_counts_pending(client, clerk, township):
    """Units are listed by kind then name (a stable order for paging), with their pending deadlines."""
    names = [
        ("戊村", UnitKind.VILLAGE),
        ("丁所", UnitKind.STATION),
        ("丙办", UnitKind.OFFICE),
        ("乙办", UnitKind.OFFICE),
    ]
    units = {name: UnitFactory(township=township, name=name, kind=kind) for name, kind in names}
    make_deadline(township=township, unit=units["丁所"])
    make_deadline(township=township, unit=units["丁所"])
    met = make_deadline(township=township, unit=units["丁所"])
    Deadline.objects.filter(pk=met.pk).update(state=DeadlineState.MET)
    client.force_login(clerk)
    page = text_of(client.get(reverse("core:unit_list")))
    rows = re.findall(
        r'<td data-label="名称"><a href="[^"]+">([^<]+)</a>.*?<td data-label="在办事项">(\d+)</td>', page, re.S
    )
    expected = [u.name for u in Unit.objects.filter(township=township).order_by("kind", "name")]
    assert [name for name, _count in rows] == expected
    assert dict(rows)["丁所"] == "2"


# --- holidays ---------------------------------------------------------------------------------


def test_admin_adds_and_deletes_holiday(client, users):
    """The admin adds a holiday (listed under its year), a duplicate date is refused in Chinese,
    and deleting asks for confirmation first."""
    client.force_login(users[Role.ADMIN])
    response = client.post(reverse("core:holiday_create"), {"date": "2027-01-01", "name": "元旦"}, follow=True)
    assert response.redirect_chain == [(reverse("core:holiday_list") + "?year=2027", 302)]
    assert "元旦" in text_of(response)
    holiday = Holiday.objects.get(date=date(2027, 1, 1))
    assert holiday.is_workday is False

    response = client.post(reverse("core:holiday_create"), {"date": "2027-01-01", "name": "重复"})
    assert response.status_code == 200
    assert "已存在" in field_errors(response)["date"][0]

    url = reverse("core:holiday_delete", args=[holiday.pk])
    confirm = text_of(client.get(url))
    assert "确定要删除“2027-01-01 元旦”吗" in confirm
    assert f'href="{reverse("core:holiday_list")}?year=2027">取消</a>' in confirm
    assert Holiday.objects.filter(pk=holiday.pk).exists()
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("core:holiday_list") + "?year=2027", 302)]
    assert "已删除。" in text_of(response)
    assert not Holiday.objects.filter(pk=holiday.pk).exists()


def test_clerk_reads_holidays_but_cannot_change_them(client, clerk):
    """A clerk lists holidays without add/delete buttons, and the add and delete URLs are 403."""
    holiday = Holiday.objects.create(date=date(2027, 1, 1), name="元旦")
    client.force_login(clerk)
    page = text_of(client.get(reverse("core:holiday_list"), {"year": 2027}))
    assert "元旦" in page
    assert reverse("core:holiday_create") not in page
    assert reverse("core:holiday_delete", args=[holiday.pk]) not in page
    assert client.post(reverse("core:holiday_create"), {"date": "2027-01-02", "name": "x"}).status_code == 403
    assert client.post(reverse("core:holiday_delete", args=[holiday.pk])).status_code == 403
    assert Holiday.objects.count() == 1


@pytest.mark.parametrize("year", ["abc", "0", "99999", "2027x"])
def test_holiday_list_ignores_a_bad_year(client, clerk, year):
    """A mangled ?year= shows the current year instead of a server error."""
    client.force_login(clerk)
    response = client.get(reverse("core:holiday_list"), {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


# --- notifications ----------------------------------------------------------------------------


def notification(user, title="通知", url="", read=False):
    return Notification.objects.create(recipient=user, title=title, url=url, read_at=timezone.now() if read else None)


def test_notification_list_shows_own_notifications(client, clerk, chair):
    """The list shows the user's notifications, newest first, and nobody else's."""
    notification(clerk, "第一条")
    notification(clerk, "第二条", read=True)
    notification(chair, "主席的通知")
    client.force_login(clerk)
    page = text_of(client.get(reverse("core:notification_list")))
    assert page.index("第二条") < page.index("第一条")
    assert "主席的通知" not in page
    assert page.count(">未读</span>") == 1


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("/deadlines/1/", True),
        ("http://testserver/units/", True),
        ("https://evil.example/phish", False),
        ("//evil.example/phish", False),
        ("/\\evil.example", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_opening_notification_marks_read_and_follows_local_links_only(client, clerk, url, local):
    """Opening marks the notification read and redirects to its link when it is local;
    otherwise to the notification list."""
    n = notification(clerk, url=url)
    client.force_login(clerk)
    response = client.post(reverse("core:notification_open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == (url if local else reverse("core:notification_list"))
    n.refresh_from_db()
    assert n.read_at is not None


def test_read_all_and_unread_badge(client, clerk, chair):
    """The navbar badge counts unread notifications; read-all clears them (only the user's own)."""
    for i in range(3):
        notification(clerk, f"提醒{i}")
    notification(clerk, "已读", read=True)
    theirs = notification(chair, "主席未读")
    client.force_login(clerk)
    home = client.get(reverse("core:home"))
    assert badge(home) == 3
    assert reverse("core:notification_read_all") in text_of(client.get(reverse("core:notification_list")))
    response = client.post(reverse("core:notification_read_all"))
    assert response["Location"] == reverse("core:notification_list")
    assert not Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert badge(client.get(reverse("core:home"))) == 0
    assert client.get(reverse("core:notification_read_all")).status_code == 405


# --- record history ---------------------------------------------------------------------------


def history_block(response):
    match = re.search(
        r'<ul class="list-group list-group-flush small" data-testid="history">(.*?)</ul>\s*</div>',
        text_of(response),
        re.S,
    )
    return re.sub(r"\s+", " ", match.group(1)) if match else None


def test_deadline_history_shows_who_changed_what(client, users, clerk, chair, unit):
    """Changes made through the pages are recorded with the user who made them (the history
    middleware), shown field by field to roles with core.view_audit, hidden from the others."""
    client.force_login(clerk)
    client.post(
        reverse("core:deadline_create"),
        {
            "title": "养老服务站建设",
            "responsible_unit": unit.pk,
            "start_date": "2026-11-02",
            "rule": "calendar_days",
            "limit": 15,
        },
    )
    deadline = Deadline.objects.get()
    Deadline.objects.filter(pk=deadline.pk).update(responsible_user=users[Role.DEPUTY])
    client.force_login(chair)
    client.post(
        reverse("core:deadline_extend", args=[deadline.pk]),
        {"new_due_date": "2026-12-01", "reason": "资金未到位", "approver": chair.pk},
    )

    for viewer in (clerk, chair, users[Role.AUDITOR], users[Role.ADMIN]):
        client.force_login(viewer)
        history = history_block(client.get(deadline.get_absolute_url()))
        assert history is not None, viewer
        changed, created = history.split("</li> <li")[:2]
        assert f"<strong>{chair.display_name}</strong> · 已修改" in changed
        assert "状态：办理中 → 已延期" in changed
        assert "到期日：2026年11月17日 → 2026年12月1日" in changed
        assert f"<strong>{clerk.display_name}</strong> · 已创建" in created
    for viewer in (users[Role.DEPUTY], users[Role.COUNTY]):
        client.force_login(viewer)
        page = text_of(client.get(deadline.get_absolute_url()))
        assert "养老服务站建设" in page
        assert "修改记录" not in page


def test_history_names_related_records(client, users, township, other_township, unit):
    """A changed foreign key is shown by name (乡镇：青山镇 → 白水乡), not by database id."""
    client.force_login(users[Role.ADMIN])
    response = client.post(
        reverse("core:unit_update", args=[unit.pk]), {**UNIT_DATA, "name": unit.name, "township": other_township.pk}
    )
    assert response.status_code == 302
    history = history_block(client.get(unit.get_absolute_url()))
    assert f"<strong>{users[Role.ADMIN].display_name}</strong> · 已修改" in history
    assert "乡镇：青山镇 → 白水乡" in history


def test_unit_history_shows_who_changed_what(client, users, clerk):
    """A unit's page shows its changes with the clerk who made them; the county role does not see them."""
    client.force_login(clerk)
    client.post(reverse("core:unit_create"), UNIT_DATA)
    unit = Unit.objects.get(name="司法所")
    client.post(reverse("core:unit_update", args=[unit.pk]), {**UNIT_DATA, "contact": "李四", "is_active": ""})
    history = history_block(client.get(unit.get_absolute_url()))
    assert f"<strong>{clerk.display_name}</strong> · 已修改" in history
    assert "联系人：张三 → 李四" in history
    assert "启用：是 → 否" in history
    client.force_login(users[Role.COUNTY])
    page = text_of(client.get(unit.get_absolute_url()))
    assert "司法所" in page and "修改记录" not in page


# --- home pages -------------------------------------------------------------------------------


def stat(response, label):
    match = re.search(
        rf'<div class="text-muted small">{label}</div><div class="display-6 [^"]+">(\d+)</div>', text_of(response)
    )
    return int(match.group(1))


def make_states(township, unit, today, prefix=""):
    """Deadlines of every state relative to `today`: 2 open far off, 1 open due in 3 days,
    2 overdue (one still marked open by a scan not yet run), 1 extended, 2 met this month,
    1 met long ago."""
    start = today - timedelta(days=90)

    def add(title, due, state, met_at=None):
        d = make_deadline(township=township, title=prefix + title, unit=unit, start=start, limit=1)
        Deadline.objects.filter(pk=d.pk).update(due_date=due, original_due_date=due, state=state, met_at=met_at)

    now = timezone.now()
    add("远期一", today + timedelta(days=30), DeadlineState.OPEN)
    add("远期二", today + timedelta(days=20), DeadlineState.OPEN)
    add("三天后", today + timedelta(days=3), DeadlineState.OPEN)
    add("逾期已标", today - timedelta(days=5), DeadlineState.OVERDUE)
    add("逾期未标", today - timedelta(days=1), DeadlineState.OPEN)
    add("已延期", today + timedelta(days=40), DeadlineState.EXTENDED)
    add("本月办结一", today - timedelta(days=1), DeadlineState.MET, now)
    add("本月办结二", today - timedelta(days=2), DeadlineState.MET, now)
    add("早已办结", today - timedelta(days=60), DeadlineState.MET, now - timedelta(days=45))


def test_chair_home_shows_real_counts(client, chair, township, unit, other_township, other_unit):
    """The chair's counters count their township's deadlines by state (the other township's
    deadlines do not count), and the unit chart has the data."""
    today = timezone.localdate()
    make_states(township, unit, today)
    make_states(other_township, other_unit, today, prefix="白水")
    client.force_login(chair)
    response = client.get(reverse("core:home"))
    assert stat(response, "办理中") == 6
    assert stat(response, "已逾期") == 2
    assert stat(response, "7 日内到期") == 1
    assert stat(response, "本月办结") == 2
    chart = json.loads(
        re.search(r'id="unit-chart-data" type="application/json">(.*?)</script>', text_of(response)).group(1)
    )
    assert {k: chart[k] for k in ("units", "pending", "overdue")} == {
        "units": ["自然资源所"],
        "pending": [6],
        "overdue": [2],
    }
    # each bar opens the deadline list behind it (tests/core/test_home_roles.py follows them)
    assert chart["pending_urls"] == [f"{reverse('core:deadline_list')}?state=pending&responsible_unit={unit.pk}"]
    assert chart["overdue_urls"] == [f"{reverse('core:deadline_list')}?state=overdue&responsible_unit={unit.pk}"]


def test_each_counter_links_to_what_it_counts(client, chair, township, unit):
    """Following a counter's link lists exactly as many deadlines as the counter shows."""
    make_states(township, unit, timezone.localdate())
    client.force_login(chair)
    home = client.get(reverse("core:home"))
    cards = re.findall(
        r'<a class="card stat-card[^"]*" href="([^"]+)"><div class="card-body">'
        r'<div class="text-muted small">([^<]+)</div><div class="display-6 [^"]+">(\d+)</div>',
        text_of(home),
    )
    assert [label for _href, label, _n in cards] == ["办理中", "已逾期", "7 日内到期", "本月办结"]
    for href, label, number in cards:
        listed = client.get(html.unescape(href)).context["deadlines"]
        assert len(listed) == int(number), label


def test_clerk_home_counts_and_upcoming(client, clerk, township, unit):
    """The clerk sees the counters and the nearest pending deadlines, earliest first."""
    make_states(township, unit, timezone.localdate())
    client.force_login(clerk)
    response = client.get(reverse("core:home"))
    assert stat(response, "办理中") == 6
    upcoming = [d.title for d in response.context["my_deadlines"]]
    assert upcoming[:3] == ["逾期已标", "逾期未标", "三天后"]
    assert "unit-chart-data" not in text_of(response)  # no core.view_dashboard


def test_county_home_lists_every_township(client, users, township, unit, other_township, other_unit):
    """The county home lists both townships with their own counts."""
    today = timezone.localdate()
    make_states(township, unit, today)
    make_deadline(township=other_township, unit=other_unit, title="白水一", start=today)
    client.force_login(users[Role.COUNTY])
    response = client.get(reverse("core:home"))
    table = re.search(r'data-testid="township-table">(.*?)</table>', text_of(response), re.S).group(1)
    # each count links to the township's deadlines (tests/core/test_home_roles.py follows them)
    cell = r"<td[^>]*><a [^>]*>(\d+)</a></td>"
    rows = re.findall(rf"<tr><td[^>]*>([^<]+)</td>{cell}{cell}{cell}</tr>", table)
    assert rows == [("白水乡", "1", "0", "0"), ("青山镇", "6", "2", "3")]
    assert stat(response, "办理中") == 7


@pytest.fixture
def on_21_november_2026(monkeypatch):
    """Pin "today" to 21 Nov 2026 (chinesecalendar knows 2026, not 2027)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return date(2026, 11, 21) if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def test_admin_home_warns_that_2027_calendar_is_missing(client, users, on_21_november_2026):
    """The admin is told that 2027's holidays are missing until at least one 2027 date is entered;
    other roles never see the warning."""
    assert 2026 in LIBRARY_YEARS and 2027 not in LIBRARY_YEARS
    client.force_login(users[Role.ADMIN])
    page = text_of(client.get(reverse("core:home")))
    warning = re.search(r'data-testid="calendar-warning">(.*?)</div>', page, re.S).group(1)
    assert "2027 年的节假日安排尚未录入" in warning
    assert f"{reverse('core:holiday_list')}?year=2027" in warning
    holiday_page = text_of(client.get(reverse("core:holiday_list"), {"year": 2027}))
    assert "2027 年的节假日安排尚未录入" in holiday_page

    client.post(reverse("core:holiday_create"), {"date": "2027-01-01", "name": "元旦"})
    assert "calendar-warning" not in text_of(client.get(reverse("core:home")))
    Holiday.objects.all().delete()
    client.force_login(users[Role.CLERK])
    assert "calendar-warning" not in text_of(client.get(reverse("core:home")))


# --- language, assets, health ------------------------------------------------------------------


def test_language_switch_to_english(client, clerk):
    """POST /i18n/setlang/ switches to English: pages say lang="en" and Django's own strings are English."""
    client.force_login(clerk)
    assert '<html lang="zh-hans">' in text_of(client.get(reverse("core:home")))
    assert "旧密码" in text_of(client.get(reverse("password_change")))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("core:deadline_list")})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:deadline_list")
    assert '<html lang="en">' in text_of(client.get(reverse("core:deadline_list")))
    assert "Old password" in text_of(client.get(reverse("password_change")))
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in text_of(client.get(reverse("core:home")))


EXTERNAL = re.compile(r"""\b(?:src|href|action|srcset|poster)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.\-]*:)?//""", re.I)
LOCAL_LINK = re.compile(r"""\bhref\s*=\s*["'](/[^"'#]*)""", re.I)
STATIC_REF = re.compile(r"""\b(?:src|href)\s*=\s*["']/static/([^"'?#]+)""", re.I)


def assert_local_only(url, response):
    page = text_of(response)
    found = EXTERNAL.findall(page)
    assert not found, f"{url} references an external host: {found}"
    for path in STATIC_REF.findall(page):
        assert finders.find(path), f"{url} references /static/{path}, which is not installed"


def is_core_page(href):
    """The platform's own pages (the domain apps crawl theirs in their own tests)."""
    try:
        match = resolve(href.split("?")[0])
    except Resolver404:
        return False
    return match.namespace == "core" or match.url_name in ("password_change", "password_change_done")


def crawl(client, start, limit=80):
    """GET every local page of the platform reachable from `start` (no downloads)."""
    seen, queue, pages = set(), deque(start), 0
    while queue and pages < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302), url
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        assert_local_only(url, response)
        for href in LOCAL_LINK.findall(text_of(response)):
            href = html.unescape(href)
            if href.startswith("//") or "/download/" in href or not is_core_page(href):
                continue
            queue.append(href)
    return seen


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_no_page_references_an_external_host(client, users, township, unit, other_township, role):
    """Every page a role can reach, and the error, login and admin pages, load assets and link
    only locally (the intranet has no internet), and every static asset they use is installed."""
    deadline = make_deadline(township=township, unit=unit, user=users[Role.DEPUTY])
    DeadlineExtension.objects.create(
        deadline=deadline,
        previous_due_date=deadline.due_date,
        new_due_date=deadline.due_date + timedelta(days=5),
        reason="理由",
        approver=users[Role.CHAIR],
        requested_by=users[Role.CHAIR],
    )
    make_states(township, unit, timezone.localdate())
    notification(users[role], "提醒", url=deadline.get_absolute_url())
    job = PdfJob.objects.create(
        owner=users[role], report="core.deadline_overview", title="情况表", status=PdfJobStatus.DONE, progress=100
    )
    job.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"))
    client.force_login(users[role])
    # every link a page shows must open (200) for the role that sees it
    seen = crawl(client, [reverse("core:home"), job.get_absolute_url(), reverse("password_change_done")])
    assert reverse("core:notification_list") in seen
    others = [
        reverse("core:holiday_list") + "?year=2027",
        reverse("core:unit_create"),
        "/deadlines/999999/",
        reverse("core:holiday_create"),
        reverse("admin:index"),
    ]
    for url in others:  # 403 or 404 pages for most roles
        assert_local_only(url, client.get(url))
    client.logout()
    for url in (reverse("login"), reverse("admin:login"), "/no-such-page/"):
        assert_local_only(url, client.get(url))


def test_health_reports_database_and_eager_broker(client, db):
    """/health/ needs no login and answers JSON: database ok, broker "eager" when tasks run eagerly."""
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


def test_health_checks_the_real_broker(client, db, settings):
    """With eager tasks off, /health/ connects to the broker (Redis when REDIS_URL is set)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from congress_office.celery import app

    assert app.conf.broker_url == (settings.REDIS_URL or "memory://")
    response = client.get(reverse("health"))
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_fails_when_broker_is_down(client, db, settings, monkeypatch):
    """An unreachable broker makes /health/ answer 503 with the error named."""
    from kombu import Connection

    from congress_office.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0"))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "ok"
    assert body["broker"].startswith("error: ")


def test_overdue_filter_includes_deadlines_the_scan_has_not_marked_yet(client, clerk, township, unit):
    """state=overdue lists every pending deadline past its due date, marked by the scan or not."""
    today = timezone.localdate()
    marked = make_deadline(township=township, title="已标逾期", unit=unit, start=today - timedelta(days=40))
    unmarked = make_deadline(township=township, title="未标逾期", unit=unit, start=today - timedelta(days=40))
    make_deadline(township=township, title="未到期", unit=unit, start=today)
    Deadline.objects.filter(pk=marked.pk).update(state=DeadlineState.OVERDUE)
    assert unmarked.due_date < today
    client.force_login(clerk)
    listed = client.get(reverse("core:deadline_list"), {"state": "overdue"}).context["deadlines"]
    assert {d.title for d in listed} == {"已标逾期", "未标逾期"}


def test_pages_are_chinese_even_for_an_english_browser_until_the_user_switches(client, clerk):
    """Accept-Language does not decide: Chinese by default, English only after the switch."""
    client.force_login(clerk)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert 'lang="en"' in response.content.decode()


def test_favicon_ico_redirects_to_the_local_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("img/favicon.svg")
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.svg")
