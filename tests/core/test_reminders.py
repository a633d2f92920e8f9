"""Reminders: the stage a deadline is in, the daily scan, who is told, e-mail after commit,
and exactly-once delivery when scans run concurrently on PostgreSQL."""

import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection

from congress_office.models import Deadline, DeadlineRule, DeadlineState, Notification, Reminder
from congress_office.roles import Role
from congress_office.services.deadlines import deadline_extend, deadline_meet, deadlines_scan, reminder_stage
from congress_office.workdays import WorkCalendar
from tests.factories import UnitFactory, make_deadline

# 2 Nov 2026 + 15 calendar days: Tuesday 17 Nov 2026.
DUE = date(2026, 11, 17)


@pytest.fixture
def team(township, unit, users, other_township, make_user):
    """Everyone who might be told, and some who must not be."""
    other_unit = UnitFactory(township=township, name="财政所")
    return {
        "deputy": users[Role.DEPUTY],
        "handler": users[Role.UNIT_HANDLER],
        "clerk": users[Role.CLERK],
        "clerk_no_email": make_user(Role.CLERK, township, username="clerk2", email=""),
        "chair": users[Role.CHAIR],
        "auditor": users[Role.AUDITOR],
        "county": users[Role.COUNTY],
        "inactive_clerk": make_user(Role.CLERK, township, username="gone", is_active=False),
        "other_unit_handler": make_user(Role.UNIT_HANDLER, township, username="handler2", unit=other_unit),
        "other_clerk": make_user(Role.CLERK, other_township, username="other_clerk"),
        "other_chair": make_user(Role.CHAIR, other_township, username="other_chair"),
    }


@pytest.fixture
def deadline(township, unit, team):
    return make_deadline(township=township, title="青山镇督办事项", unit=unit, user=team["deputy"])


BEFORE_RECIPIENTS = {"deputy", "handler", "clerk", "clerk2"}
OVERDUE_RECIPIENTS = BEFORE_RECIPIENTS | {"chair"}


def notified(deadline=None, **filters):
    qs = Notification.objects.filter(**filters)
    if deadline is not None:
        qs = qs.filter(title__contains=deadline.title)
    return Counter(qs.values_list("recipient__username", flat=True))


def base(stage):
    """A before-stage without the due date it names ("before:7:2026-11-17" → "before:7")."""
    if stage and stage.startswith("before:"):
        return stage.rsplit(":", 1)[0]
    return stage


def stages(deadline):
    return [base(s) for s in Reminder.objects.filter(deadline=deadline).order_by("pk").values_list("stage", flat=True)]


# --- reminder_stage ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "days_left", "expected"),
    [
        # Monday 16 Nov 2026, an ordinary working day
        (date(2026, 11, 16), 10, None),
        (date(2026, 11, 16), 8, None),
        (date(2026, 11, 16), 7, "before:7"),
        (date(2026, 11, 16), 5, "before:7"),
        (date(2026, 11, 16), 4, "before:7"),
        (date(2026, 11, 16), 3, "before:3"),
        (date(2026, 11, 16), 2, "before:3"),
        (date(2026, 11, 16), 1, "before:1"),
        (date(2026, 11, 16), 0, "before:1"),
        (date(2026, 11, 16), -1, "overdue:2026-11-16"),
        (date(2026, 11, 16), -30, "overdue:2026-11-16"),
        # Saturday 3 Oct 2026, National Day: before-stages do not depend on the day; overdue waits
        (date(2026, 10, 3), 10, None),
        (date(2026, 10, 3), 7, "before:7"),
        (date(2026, 10, 3), 5, "before:7"),
        (date(2026, 10, 3), 3, "before:3"),
        (date(2026, 10, 3), 2, "before:3"),
        (date(2026, 10, 3), 1, "before:1"),
        (date(2026, 10, 3), 0, "before:1"),
        (date(2026, 10, 3), -1, None),
        # Monday 5 Oct 2026 is a holiday too; Sunday 15 Nov an ordinary rest day
        (date(2026, 10, 5), -3, None),
        (date(2026, 11, 15), -1, None),
        (date(2026, 11, 15), 3, "before:3"),
        # Saturday 10 Oct 2026 and Sunday 20 Sep 2026 are 调休 working days: overdue reminders go out
        (date(2026, 10, 10), -1, "overdue:2026-10-10"),
        (date(2026, 9, 20), -2, "overdue:2026-09-20"),
    ],
)
def test_reminder_stage(today, days_left, expected):
    """Before the due date: the nearest configured stage (7, 3, 1) the remaining days have
    reached, on any day. After it: one dated stage per working day, none on rest days."""
    deadline = Deadline(due_date=today + timedelta(days=days_left))
    stage = reminder_stage(deadline, today, WorkCalendar())
    assert base(stage) == expected
    if expected and expected.startswith("before:"):
        assert stage == f"{expected}:{deadline.due_date.isoformat()}"


@pytest.mark.django_db
def test_reminder_stage_follows_the_configured_days(settings):
    """DEADLINE_REMINDER_DAYS_BEFORE=[5, 2] gives stages before:5 and before:2 only."""
    settings.DEADLINE_REMINDER_DAYS_BEFORE = [5, 2]
    today, cal = date(2026, 11, 16), WorkCalendar()
    got = {
        n: base(reminder_stage(Deadline(due_date=today + timedelta(days=n)), today, cal)) for n in (7, 6, 5, 3, 2, 0)
    }
    assert got == {7: None, 6: None, 5: "before:5", 3: "before:5", 2: "before:2", 0: "before:2"}


@pytest.mark.django_db
def test_reminder_stage_honours_the_holiday_table():
    """An entered rest day stops overdue reminders; an entered make-up day allows them (2027)."""
    from congress_office.models import Holiday

    Holiday.objects.create(date=date(2027, 1, 1), name="元旦")
    Holiday.objects.create(date=date(2027, 2, 20), name="春节", is_workday=True)
    cal = WorkCalendar()
    assert reminder_stage(Deadline(due_date=date(2026, 12, 30)), date(2027, 1, 1), cal) is None
    assert reminder_stage(Deadline(due_date=date(2027, 2, 1)), date(2027, 2, 20), cal) == "overdue:2027-02-20"


# --- the daily scan ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_scan_sends_each_stage_once_over_the_life_of_a_deadline(deadline, team):
    """Day by day: 7, 3 and 1 days before (3 days before falls on a Saturday: sent anyway), then
    overdue on each working day (escalated, chairs told), never twice, never on rest days."""
    assert deadline.due_date == DUE
    plan = [
        (date(2026, 11, 5), None),  # 12 days left
        (date(2026, 11, 9), None),  # 8 days left
        (date(2026, 11, 10), "before:7"),
        (date(2026, 11, 10), None),  # the same day again
        (date(2026, 11, 11), None),  # still stage before:7
        (date(2026, 11, 14), "before:3"),  # Saturday
        (date(2026, 11, 15), None),  # 2 days left: still before:3
        (date(2026, 11, 16), "before:1"),
        (date(2026, 11, 17), None),  # due today: before:1 was sent
        (date(2026, 11, 18), "overdue:2026-11-18"),
        (date(2026, 11, 18), None),
        (date(2026, 11, 19), "overdue:2026-11-19"),
        (date(2026, 11, 20), "overdue:2026-11-20"),
        (date(2026, 11, 21), None),  # Saturday
        (date(2026, 11, 22), None),  # Sunday
        (date(2026, 11, 23), "overdue:2026-11-23"),
    ]
    expected_stages = []
    for today, stage in plan:
        result = deadlines_scan(today=today)
        if stage:
            expected_stages.append(stage)
        assert result.reminders_sent == (1 if stage else 0), today
        assert stages(deadline) == expected_stages, today
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.OVERDUE

    reminders = {base(r.stage): r for r in Reminder.objects.filter(deadline=deadline)}
    assert [s for s, r in reminders.items() if r.escalated] == [s for s in expected_stages if s.startswith("overdue")]
    assert reminders["before:7"].sent_on == date(2026, 11, 10)
    assert reminders["before:7"].recipients == len(BEFORE_RECIPIENTS)
    assert reminders["overdue:2026-11-23"].recipients == len(OVERDUE_RECIPIENTS)

    # 3 before-stages to 4 people, 4 overdue stages to 5 people: one notification each
    counts = notified(deadline)
    assert counts == Counter({name: 3 + 4 for name in BEFORE_RECIPIENTS} | {"chair": 4})
    assert Notification.objects.filter(title__startswith="【提醒】").count() == 3 * len(BEFORE_RECIPIENTS)
    assert Notification.objects.filter(title__startswith="【逾期】").count() == 4 * len(OVERDUE_RECIPIENTS)
    assert Notification.objects.filter(title__contains="还剩 7 天").count() == len(BEFORE_RECIPIENTS)
    assert set(Notification.objects.values_list("township_id", flat=True)) == {deadline.township_id}


@pytest.mark.django_db
def test_scan_marks_overdue_once(township, unit, team):
    """Pending deadlines past their due date become overdue (counted once); met and future ones do not."""
    make_deadline(township=township, title="逾期事项", unit=unit)  # due 17 Nov
    extended = make_deadline(township=township, title="延期事项", start=date(2026, 10, 26), unit=unit)  # due 10 Nov
    deadline_extend(
        deadline=extended, reason="情况复杂", approver=team["chair"], by=team["clerk"], new_due_date=date(2026, 11, 16)
    )
    met = make_deadline(township=township, title="已办结事项", unit=unit)
    deadline_meet(deadline=met, by=team["clerk"])
    future = make_deadline(township=township, title="未到期事项", start=date(2026, 11, 20), unit=unit)

    first = deadlines_scan(today=date(2026, 11, 18))
    assert first.marked_overdue == 2
    assert first.scanned == 2  # met and far-future deadlines are not even looked at
    states = dict(Deadline.objects.values_list("title", "state"))
    assert states == {
        "逾期事项": DeadlineState.OVERDUE,
        "延期事项": DeadlineState.OVERDUE,
        "已办结事项": DeadlineState.MET,
        "未到期事项": DeadlineState.OPEN,
    }
    second = deadlines_scan(today=date(2026, 11, 19))
    assert second.marked_overdue == 0
    assert not Reminder.objects.filter(deadline__in=[met, future]).exists()
    assert future.due_date == date(2026, 12, 7)


@pytest.mark.django_db
def test_second_scan_on_the_same_day_sends_nothing(township, unit, team):
    """Running the scan twice the same day: the second run writes no reminder and no notification."""
    today = date(2026, 11, 16)  # Monday; dues: Mon 23, Thu 19, Tue 17 and Thu 12 Nov
    for n, days in enumerate([7, 3, 1, -4]):
        deadline = make_deadline(
            township=township, title=f"事项{n}", start=date(2026, 11, 5), limit=11 + days, unit=unit
        )
        assert deadline.due_date == today + timedelta(days=days)
    first = deadlines_scan(today=today)
    reminders, notifications = Reminder.objects.count(), Notification.objects.count()
    assert first.reminders_sent == reminders == 4
    assert notifications == 3 * 3 + 4  # handler, clerk, clerk2 for each; the chair for the overdue one
    second = deadlines_scan(today=today)
    assert second.reminders_sent == 0
    assert second.scanned == 4
    assert (Reminder.objects.count(), Notification.objects.count()) == (reminders, notifications)


@pytest.mark.django_db
def test_a_missed_scan_sends_only_the_current_stage(deadline):
    """If the scan first runs one day before the due date, only before:1 goes out, not 7 and 3."""
    deadlines_scan(today=date(2026, 11, 16))
    assert stages(deadline) == ["before:1"]


@pytest.mark.django_db
def test_overdue_reminders_skip_holidays(township, unit, team):
    """A deadline due 30 Sep 2026 is reminded overdue on no day of the National Day holiday,
    then on Thursday 8 Oct, Friday 9 Oct and the 调休 Saturday 10 Oct, not on Sunday 11 Oct."""
    deadline = make_deadline(township=township, title="节前事项", start=date(2026, 9, 15), limit=15, unit=unit)
    assert deadline.due_date == date(2026, 9, 30)
    day = date(2026, 10, 1)
    while day <= date(2026, 10, 11):
        deadlines_scan(today=day)
        day += timedelta(days=1)
    assert stages(deadline) == ["overdue:2026-10-08", "overdue:2026-10-09", "overdue:2026-10-10"]
    assert all(Reminder.objects.filter(deadline=deadline).values_list("escalated", flat=True))


@pytest.mark.django_db
def test_recipients_of_reminders(deadline, team):
    """Before the due date: the responsible user, the responsible unit's handlers and the
    township's clerks. Overdue: also the township's chairs. Never: inactive users, auditors,
    county users, handlers of other units, anyone of another township."""
    deadlines_scan(today=date(2026, 11, 10))
    assert set(notified(deadline)) == BEFORE_RECIPIENTS
    Notification.objects.all().delete()
    deadlines_scan(today=date(2026, 11, 18))
    assert set(notified(deadline)) == OVERDUE_RECIPIENTS
    never = {"auditor", "county", "gone", "handler2", "other_clerk", "other_chair"}
    assert not Notification.objects.filter(recipient__username__in=never).exists()


@pytest.mark.django_db
def test_another_townships_users_never_get_its_reminders(deadline, township, other_township, team):
    """Two townships, both with overdue deadlines: each township's people hear only of their own."""
    other = make_deadline(township=other_township, title="白水乡督办事项")
    deadlines_scan(today=date(2026, 11, 18))
    assert set(notified(other)) == {"other_clerk", "other_chair"}
    assert set(notified(deadline)) == OVERDUE_RECIPIENTS
    assert not Notification.objects.filter(recipient__township=township, title__contains=other.title).exists()
    assert not Notification.objects.filter(recipient__township=other_township, title__contains=deadline.title).exists()


@pytest.mark.django_db
def test_reminder_emails_are_sent_only_after_commit(deadline, team, django_capture_on_commit_callbacks):
    """Notifications are written with the reminder; e-mails are enqueued on commit and go out
    through the locmem backend, one per recipient with an address; each notification is marked."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deadlines_scan(today=date(2026, 11, 18))
        assert mail.outbox == []
        assert Notification.objects.count() == len(OVERDUE_RECIPIENTS)
        assert not Notification.objects.filter(emailed_at__isnull=False).exists()
    assert len(callbacks) == 1
    with_email = OVERDUE_RECIPIENTS - {"clerk2"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{name}@example.invalid" for name in with_email)
    assert all(m.subject.startswith("[乡镇人大办公室] 【逾期】青山镇督办事项") for m in mail.outbox)
    assert all(deadline.get_absolute_url() in m.body for m in mail.outbox)
    assert Notification.objects.filter(emailed_at__isnull=False).count() == len(with_email)
    assert Notification.objects.get(recipient__username="clerk2").emailed_at is None


@pytest.mark.django_db
def test_no_email_when_the_transaction_rolls_back(deadline, team, django_capture_on_commit_callbacks):
    """A scan whose transaction is rolled back e-mails nobody."""
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                deadlines_scan(today=date(2026, 11, 18))
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []
    assert not Reminder.objects.exists()


# --- concurrency -------------------------------------------------------------------------------

THREADS = 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups")
def test_concurrent_scans_remind_exactly_once(township, unit, make_user):
    """Four scans at once on PostgreSQL: one Reminder per (deadline, stage), one notification
    per recipient and stage, one e-mail per notification; the threads' counts add up exactly."""
    clerk = make_user(Role.CLERK, township, username="clerk")
    make_user(Role.CLERK, township, username="clerk2")
    make_user(Role.UNIT_HANDLER, township, username="handler", unit=unit)
    make_user(Role.CHAIR, township, username="chair")
    today = date(2026, 11, 16)  # Monday
    expected = {}
    for n in range(24):
        days_left = [7, 3, 1, -4][n % 4]
        deadline = make_deadline(
            township=township,
            title=f"并发事项{n:02d}",
            start=today - timedelta(days=20),
            rule=DeadlineRule.CALENDAR_DAYS,
            limit=20 + days_left,
            unit=unit,
        )
        assert deadline.due_date == today + timedelta(days=days_left)
        expected[deadline.pk] = "overdue:2026-11-16" if days_left < 0 else f"before:{days_left}"
    mail.outbox = []

    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def scan():
        try:
            barrier.wait(timeout=30)
            results.append(deadlines_scan(today=today))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == THREADS

    assert sum(r.reminders_sent for r in results) == len(expected)
    assert sum(r.marked_overdue for r in results) == 6
    assert {d: base(s) for d, s in Reminder.objects.values_list("deadline_id", "stage")} == expected
    assert Reminder.objects.count() == len(expected)

    per_recipient = Counter(Notification.objects.values_list("recipient__username", "title"))
    assert set(per_recipient.values()) == {1}
    people = {"clerk", "clerk2", "handler"}
    assert Counter(name for name, _title in per_recipient) == Counter(
        {name: len(expected) for name in people} | {"chair": 6}
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Notification.objects.values_list("recipient__email", flat=True)
    )
    assert len(mail.outbox) == 3 * 24 + 6
    assert clerk.notifications.filter(emailed_at__isnull=True).count() == 0
    assert Deadline.objects.filter(state=DeadlineState.OVERDUE).count() == 6


@pytest.mark.django_db
def test_an_extended_deadline_is_reminded_again_before_its_new_due_date(deadline, team):
    """Stages name the due date: after an extension the 7/3/1-day reminders run again for the
    new date, and the ones already sent for the old date stay as they were."""
    deadlines_scan(today=date(2026, 11, 10))  # before:7 for 17 Nov
    deadline_extend(
        deadline=deadline,
        reason="需补充材料",
        approver=team["chair"],
        by=team["clerk"],
        new_due_date=date(2026, 11, 27),
    )
    deadlines_scan(today=date(2026, 11, 20))  # 7 days before the new date
    sent = list(Reminder.objects.filter(deadline=deadline).order_by("pk").values_list("stage", flat=True))
    assert sent == ["before:7:2026-11-17", "before:7:2026-11-27"]
