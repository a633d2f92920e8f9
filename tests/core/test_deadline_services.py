"""The deadline services: deadline_open, deadline_extend, deadline_meet (congress_office.services.deadlines)."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from congress_office.models import Deadline, DeadlineExtension, DeadlineRule, DeadlineState, Notification
from congress_office.roles import Role
from congress_office.services.deadlines import deadline_extend, deadline_meet, deadline_open
from tests.factories import UnitFactory, UserFactory, make_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(users):
    return users[Role.DEPUTY]


@pytest.fixture
def handler(users):
    return users[Role.UNIT_HANDLER]


@pytest.fixture
def deadline(township, unit, deputy):
    """15 calendar days from 16 Sep 2026: ends 1 Oct (National Day) → due 8 Oct 2026."""
    return make_deadline(township=township, start=date(2026, 9, 16), limit=15, unit=unit, user=deputy)


def open_(township, **kwargs):
    defaults = dict(
        township=township,
        kind="core.general",
        title="督办事项",
        start_date=date(2026, 11, 2),
        rule=DeadlineRule.CALENDAR_DAYS,
        limit=15,
    )
    return deadline_open(**{**defaults, **kwargs})


# --- deadline_open ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "rule", "limit", "due"),
    [
        (date(2026, 9, 16), DeadlineRule.CALENDAR_DAYS, 15, date(2026, 10, 8)),  # 1 Oct → 8 Oct
        (date(2026, 11, 2), DeadlineRule.CALENDAR_DAYS, 15, date(2026, 11, 17)),
        (date(2026, 9, 29), DeadlineRule.WORKING_DAYS, 5, date(2026, 10, 12)),  # 30 Sep, 8, 9, 10 (调休), 12 Oct
        (date(2026, 2, 13), DeadlineRule.WORKING_DAYS, 2, date(2026, 2, 24)),  # 14 Feb (调休), 24 Feb
        (date(2026, 11, 30), DeadlineRule.MONTHS, 3, date(2027, 3, 1)),  # Sun 28 Feb 2027 → Mon 1 Mar
        (date(2026, 8, 15), DeadlineRule.MONTHS, 6, date(2027, 2, 15)),  # a Monday in the fallback year
    ],
)
def test_open_computes_the_due_date_per_rule(township, clerk, start, rule, limit, due):
    """The due date follows the rule on the Chinese calendar and is stored twice: as the
    statutory original and as the current due date; the deadline starts open."""
    deadline = open_(township, start_date=start, rule=rule, limit=limit, by=clerk)
    deadline.refresh_from_db()
    assert deadline.due_date == due
    assert deadline.original_due_date == due
    assert deadline.state == DeadlineState.OPEN
    assert deadline.created_by == clerk
    assert (deadline.start_date, deadline.rule, deadline.limit) == (start, rule, limit)
    assert start.isoformat() in deadline.basis() and str(limit) in deadline.basis()


def test_open_links_the_subject(township, unit):
    """A subject object is attached through its content type and primary key."""
    deadline = open_(township, subject=unit)
    deadline.refresh_from_db()
    assert deadline.subject == unit


def test_open_refuses_a_unit_of_another_township(township, other_unit):
    """The responsible unit must belong to the deadline's township; the message is Chinese."""
    with pytest.raises(ValidationError) as excinfo:
        open_(township, responsible_unit=other_unit)
    assert excinfo.value.message_dict == {"responsible_unit": ["责任单位必须属于本乡镇。"]}
    assert not Deadline.objects.exists()


def test_open_refuses_a_responsible_user_of_another_township(township, other_clerk):
    """The responsible person must belong to the deadline's township."""
    with pytest.raises(ValidationError) as excinfo:
        open_(township, responsible_user=other_clerk)
    assert excinfo.value.message_dict == {"responsible_user": ["责任人必须属于本乡镇。"]}
    assert not Deadline.objects.exists()


def test_open_refuses_an_unknown_kind(township):
    """Only registered kinds may be opened; the error names the kind in Chinese."""
    with pytest.raises(ValidationError) as excinfo:
        open_(township, kind="petitions.nonexistent")
    assert excinfo.value.messages == ["未知的期限事项类型：petitions.nonexistent"]
    assert not Deadline.objects.exists()


def test_open_refuses_an_unknown_rule_with_a_validation_error(township):
    """An unknown rule is a ValidationError on `rule` (not a crash)."""
    with pytest.raises(ValidationError) as excinfo:
        open_(township, rule="weeks")
    assert list(excinfo.value.message_dict) == ["rule"]
    assert "未知的期限计算方式" in excinfo.value.message_dict["rule"][0]
    assert not Deadline.objects.exists()


def test_open_refuses_a_zero_limit(township):
    """A limit must be positive."""
    with pytest.raises(ValidationError):
        open_(township, limit=0)
    assert not Deadline.objects.exists()


# --- deadline_extend --------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_extend_requires_a_reason(deadline, chair, clerk, reason):
    """No reason, no extension: ValidationError on `reason`, and nothing changes."""
    with pytest.raises(ValidationError) as excinfo:
        deadline_extend(deadline=deadline, reason=reason, approver=chair, by=clerk, extra=10)
    assert "reason" in excinfo.value.message_dict
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.state) == (date(2026, 10, 8), DeadlineState.OPEN)
    assert not DeadlineExtension.objects.exists()


@pytest.mark.parametrize("approver_role", [Role.CLERK, Role.DEPUTY, Role.UNIT_HANDLER, Role.AUDITOR, Role.COUNTY])
def test_extend_refuses_approvers_without_the_chair_permission(deadline, users, clerk, approver_role):
    """Only a holder of core.approve_extension (the chair role) may approve; a county-wide
    reader without it may not either."""
    with pytest.raises(PermissionDenied):
        deadline_extend(deadline=deadline, reason="情况复杂", approver=users[approver_role], by=clerk, extra=10)
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 10, 8)
    assert not DeadlineExtension.objects.exists()
    assert not Notification.objects.exists()


def test_extend_refuses_a_chair_of_another_township(deadline, other_chair, clerk):
    """A chair approves only the extensions of their own township."""
    with pytest.raises(PermissionDenied):
        deadline_extend(deadline=deadline, reason="情况复杂", approver=other_chair, by=clerk, extra=10)
    assert not DeadlineExtension.objects.exists()


def test_extend_refuses_an_inactive_chair(deadline, township, make_user, clerk):
    """A deactivated chair account no longer approves anything."""
    former = make_user(Role.CHAIR, township, username="former_chair", is_active=False)
    with pytest.raises(PermissionDenied):
        deadline_extend(deadline=deadline, reason="情况复杂", approver=former, by=clerk, extra=10)


@pytest.mark.parametrize("new_due", [date(2026, 10, 8), date(2026, 10, 1)])
def test_extend_requires_a_later_date(deadline, chair, clerk, new_due):
    """The new due date must be after the current one (equal or earlier is refused)."""
    with pytest.raises(ValidationError) as excinfo:
        deadline_extend(deadline=deadline, reason="情况复杂", approver=chair, by=clerk, new_due_date=new_due)
    assert "new_due_date" in excinfo.value.message_dict
    assert not DeadlineExtension.objects.exists()


def test_extend_requires_a_date_or_an_amount(deadline, chair, clerk):
    """Neither new_due_date nor extra: ValidationError on `extra`."""
    with pytest.raises(ValidationError) as excinfo:
        deadline_extend(deadline=deadline, reason="情况复杂", approver=chair, by=clerk)
    assert "extra" in excinfo.value.message_dict


def test_extend_to_a_date(deadline, chair, clerk):
    """Extending to an explicit date records the extension and moves only the current due date."""
    extension = deadline_extend(
        deadline=deadline, reason="  需要现场核查  ", approver=chair, by=clerk, new_due_date=date(2026, 11, 6)
    )
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 6)
    assert deadline.original_due_date == date(2026, 10, 8)
    assert deadline.state == DeadlineState.EXTENDED
    assert (extension.previous_due_date, extension.new_due_date) == (date(2026, 10, 8), date(2026, 11, 6))
    assert extension.reason == "需要现场核查"
    assert (extension.approver, extension.requested_by) == (chair, clerk)


def test_extend_by_extra_units_of_the_deadlines_rule(deadline, chair, clerk):
    """`extra` counts from the current due date in the deadline's own rule: 8 Oct + 15 days = 23 Oct."""
    extension = deadline_extend(deadline=deadline, reason="情况复杂", approver=chair, by=clerk, extra=15)
    assert extension.new_due_date == date(2026, 10, 23)
    # and again from the extended date: 23 Oct + 8 days = Sat 31 Oct → Mon 2 Nov
    second = deadline_extend(deadline=deadline, reason="仍需协调", approver=chair, by=clerk, extra=8)
    assert (second.previous_due_date, second.new_due_date) == (date(2026, 10, 23), date(2026, 11, 2))
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 2)
    assert deadline.extensions.count() == 2


def test_extend_by_working_days(township, chair, clerk):
    """A working-day deadline extends in working days (due 12 Oct + 3 = 15 Oct); extra_rule
    overrides the rule (8 Oct + 2 working days = Sat 10 Oct, 调休)."""
    working = open_(township, start_date=date(2026, 9, 29), rule=DeadlineRule.WORKING_DAYS, limit=5)
    assert deadline_extend(deadline=working, reason="理由", approver=chair, by=clerk, extra=3).new_due_date == date(
        2026, 10, 15
    )
    calendar = open_(township, start_date=date(2026, 9, 16), limit=15)
    extension = deadline_extend(
        deadline=calendar, reason="理由", approver=chair, by=clerk, extra=2, extra_rule=DeadlineRule.WORKING_DAYS
    )
    assert extension.new_due_date == date(2026, 10, 10)


def test_extend_an_overdue_deadline(deadline, chair, clerk):
    """An overdue deadline can be extended; it becomes extended again."""
    Deadline.objects.filter(pk=deadline.pk).update(state=DeadlineState.OVERDUE)
    deadline_extend(deadline=deadline, reason="情况复杂", approver=chair, by=clerk, extra=30)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.EXTENDED


def test_extend_notifies_the_responsible_people(
    deadline, township, chair, clerk, deputy, handler, users, other_clerk, django_capture_on_commit_callbacks
):
    """The responsible user, the unit's handlers and the township's clerks are told (in-app and
    by e-mail after commit); chairs, auditors, other units' handlers and other townships are not."""
    other_handler = UserFactory(
        roles=[Role.UNIT_HANDLER], township=township, unit=UnitFactory(township=township), username="h2"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deadline_extend(deadline=deadline, reason="情况复杂", approver=chair, by=clerk, extra=15)
        assert mail.outbox == []  # nothing is e-mailed before the transaction commits
    assert len(callbacks) == 1
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"clerk", "deputy", "handler"}
    assert Notification.objects.count() == 3
    assert all("期限已延长" in n.title and "2026-10-23" in n.body for n in Notification.objects.all())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in (clerk, deputy, handler))
    assert not {chair.email, users[Role.AUDITOR].email, other_handler.email, other_clerk.email} & {
        m.to[0] for m in mail.outbox
    }
    assert all(n.emailed_at is not None for n in Notification.objects.all())


def test_extend_refused_on_a_met_deadline(deadline, chair, clerk):
    """A met deadline cannot be extended."""
    deadline_meet(deadline=deadline, by=clerk)
    with pytest.raises(ValidationError):
        deadline_extend(deadline=deadline, reason="情况复杂", approver=chair, by=clerk, extra=10)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET
    assert deadline.due_date == date(2026, 10, 8)
    assert not DeadlineExtension.objects.exists()


def test_extend_by_a_superuser(deadline, clerk):
    """A superuser holds every permission and is county-wide: may approve any township's extension."""
    root = UserFactory(township=None, is_superuser=True, username="root")
    extension = deadline_extend(deadline=deadline, reason="情况复杂", approver=root, by=clerk, extra=5)
    assert extension.approver == root


# --- deadline_meet ----------------------------------------------------------------------------


def test_meet_marks_the_deadline_met_once(deadline, handler):
    """Meeting sets state met and the time; meeting again is refused with a Chinese message."""
    deadline_meet(deadline=deadline, by=handler)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET
    assert deadline.met_at is not None
    first_met_at = deadline.met_at
    with pytest.raises(ValidationError) as excinfo:
        deadline_meet(deadline=deadline, by=handler)
    assert excinfo.value.messages == ["该事项已办结。"]
    deadline.refresh_from_db()
    assert deadline.met_at == first_met_at


def test_meet_an_overdue_or_extended_deadline(deadline, chair, clerk):
    """Overdue and extended deadlines are still pending, so they can be met."""
    deadline_extend(deadline=deadline, reason="理由", approver=chair, by=clerk, extra=3)
    deadline_meet(deadline=deadline, by=clerk)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET
    assert not Deadline.objects.pending().exists()


# --- history ----------------------------------------------------------------------------------


def test_history_records_the_acting_user(township, unit, clerk, chair, handler):
    """simple_history keeps one record per change, attributed to the user who acted (outside a
    request too): opened by the clerk, extended (requested by the clerk), met by the handler."""
    deadline = open_(township, responsible_unit=unit, by=clerk, start_date=date(2026, 9, 16))
    deadline_extend(deadline=deadline, reason="情况复杂", approver=chair, by=clerk, extra=15)
    deadline_meet(deadline=deadline, by=handler)

    records = list(deadline.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+", "~", "~"]
    assert [r.history_user for r in records] == [clerk, clerk, handler]
    assert [r.state for r in records] == [DeadlineState.OPEN, DeadlineState.EXTENDED, DeadlineState.MET]
    assert [r.due_date for r in records] == [date(2026, 10, 8), date(2026, 10, 23), date(2026, 10, 23)]

    extension = deadline.extensions.get()
    ext_records = list(extension.history.all())
    assert len(ext_records) == 1
    assert ext_records[0].history_type == "+"
    assert ext_records[0].history_user == clerk
    assert ext_records[0].approver_id == chair.pk
