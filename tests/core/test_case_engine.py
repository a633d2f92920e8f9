"""The handling engine on its own: a third, synthetic case type defined here (an "errand": a
task handed to a unit, say an incoming document being handled) is driven through assign →
supervise → reply → close with no petition or suggestion code involved. It has no round, no
lead-unit field, no rating, no co-handling and no extension, so the engine must need none of
them; its clock is declared with a setting's name and read when it opens."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.urls import reverse

from congress_office.cases import CaseType, Clock, Extension, Transition, UnitRule
from congress_office.models import BaseCase, CaseAssignment, CaseSupervision, Deadline, DeadlineRule, DeadlineState
from congress_office.registries import register_case_type, unregister_case_type
from congress_office.roles import Role
from congress_office.services.cases import (
    case_approve_extension,
    case_assign,
    case_check,
    case_may,
    case_rate,
    case_reply,
    case_request_extension,
    case_supervise,
    case_timeline,
    case_transition,
)
from congress_office.workdays import compute_due_date

from ..factories import UnitFactory


class Errand(BaseCase):
    title = models.CharField(max_length=60)
    case_type_key = "tests.errand"

    class Meta:
        app_label = "core"
        managed = False

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"/errands/{self.pk}/"


OPEN, HANDLING, ANSWERED, DONE = "open", "handling", "answered", "done"


def needs_a_title(item, by, **context):
    if not item.title:
        raise ValidationError("没有标题的差事不能办结。")


def errand_type():
    return CaseType(
        key="tests.errand",
        label="差事",
        states={OPEN: "待办", HANDLING: "办理中", ANSWERED: "已回复", DONE: "已办结"},
        transitions={
            "assign": Transition("交办", (OPEN,), HANDLING, "core.add_deadline"),
            "supervise": Transition("催办", (HANDLING,), None, "core.approve_extension"),
            "reply": Transition("回复", (HANDLING,), ANSWERED, "core.meet_deadline", UnitRule.LEAD),
            "close": Transition("办结", (ANSWERED,), DONE, "core.add_deadline"),
        },
        clocks={"handling": Clock(DeadlineRule.WORKING_DAYS, "TEST_ERRAND_WORKING_DAYS", "差事办理", handling=True)},
        closed_states=(DONE,),
        preconditions={"close": needs_a_title},
    )


@pytest.fixture
def errands(db, settings):
    settings.TEST_ERRAND_WORKING_DAYS = 5
    with connection.schema_editor() as editor:
        editor.create_model(Errand)
    ContentType.objects.clear_cache()
    spec = register_case_type(errand_type())
    yield spec
    unregister_case_type(spec)
    ContentType.objects.clear_cache()


@pytest.fixture
def errand(errands, township):
    return Errand.objects.create(township=township, state=OPEN, title="转来县政府来文")


@pytest.fixture
def handler(users):
    return users[Role.UNIT_HANDLER]


def test_a_third_case_type_runs_assign_supervise_reply_close(errand, clerk, chair, handler, unit):
    case_assign(item=errand, lead_unit=unit, by=clerk, start=date(2026, 9, 28))
    errand.refresh_from_db()
    assert errand.state == HANDLING
    clock = Deadline.objects.get(kind="tests.errand.handling")
    # 5 working days from Mon 28 Sep 2026 across National Day (1–7 Oct rest, Sat 10 Oct worked):
    # 29, 30 Sep, 8, 9, 10 Oct
    assert (clock.rule, clock.limit, clock.due_date) == (DeadlineRule.WORKING_DAYS, 5, date(2026, 10, 10))
    assert CaseAssignment.objects.get(item_id=errand.pk).unit == unit

    supervision = case_supervise(item=errand, by=chair, content="请尽快办理。")
    assert supervision.unit == unit and supervision.number.startswith(f"{errand.township.agency_code}督〔")

    case_reply(item=errand, by=handler, content="已办理完毕。")
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET and clock.met_on is not None

    case_transition(item=errand, action="close", by=clerk)
    errand.refresh_from_db()
    assert errand.state == DONE
    assert [e.action for e in case_timeline(errand)] == ["assign", "supervise", "reply", "close"]
    assert CaseSupervision.objects.filter(item_id=errand.pk).count() == 1


def test_the_clock_reads_its_setting_when_it_opens(errand, clerk, unit, settings):
    settings.TEST_ERRAND_WORKING_DAYS = 2
    case_assign(item=errand, lead_unit=unit, by=clerk, start=date(2026, 11, 2))

    assert Deadline.objects.get(kind="tests.errand.handling").due_date == date(2026, 11, 4)


def test_the_engine_refuses_in_chinese_and_changes_nothing(errand, clerk, chair, handler, unit, make_user, township):
    with pytest.raises(ValidationError, match="当前为“待办”，不能“回复”"):
        case_reply(item=errand, by=clerk, content="x")
    with pytest.raises(PermissionDenied, match="您没有“交办”的权限"):
        case_assign(item=errand, lead_unit=unit, by=chair)
    case_assign(item=errand, lead_unit=unit, by=clerk)

    other_unit = UnitFactory(township=township, name="另一单位")
    stranger = make_user(Role.UNIT_HANDLER, township, username="stranger", unit=other_unit)
    with pytest.raises(PermissionDenied, match="只有主办单位可以“回复”"):
        case_reply(item=errand, by=stranger, content="x")
    # features the type does not switch on are refused, not stubbed
    with pytest.raises(ValidationError, match="不能延长"):
        case_request_extension(item=errand, by=clerk, reason="r", extra=1)
    with pytest.raises(ValidationError, match="不评价"):
        case_rate(item=errand, satisfaction="satisfied", rater_key="x", rater_label="x")
    with pytest.raises(ValidationError, match="不能“办结”"):
        case_transition(item=errand, action="close", by=clerk)
    errand.refresh_from_db()
    assert errand.state == HANDLING
    assert [e.action for e in case_timeline(errand)] == ["assign"]


def test_county_wide_accounts_and_superusers_only_read(errand, users, make_user, other_clerk):
    admin = make_user(Role.ADMIN, None, username="root_admin")
    admin.is_superuser = True
    admin.save()
    for user in (users[Role.COUNTY], admin):
        with pytest.raises(PermissionDenied, match="只能查看"):
            case_check(item=errand, action="assign", by=user)
    with pytest.raises(PermissionDenied, match="其他乡镇"):
        case_check(item=errand, action="assign", by=other_clerk)
    assert not case_may(item=errand, action="assign", by=None)


def test_a_type_precondition_runs_after_who_and_when(errand, clerk, handler, unit):
    case_assign(item=errand, lead_unit=unit, by=clerk)
    case_reply(item=errand, by=handler, content="已办理。")
    Errand.objects.filter(pk=errand.pk).update(title="")
    errand.refresh_from_db()

    with pytest.raises(ValidationError, match="没有标题"):
        case_transition(item=errand, action="close", by=clerk)
    with pytest.raises(PermissionDenied):  # who comes first: the handler learns nothing more
        case_transition(item=errand, action="close", by=handler)


# --- a type that switches extension on: the request, the chairs' queue and the approval ----------


def extendable_type():
    spec = errand_type()
    spec.key = "tests.errand"
    spec.transitions.update(
        {
            "request_extension": Transition("申请延期", (HANDLING,), None, "core.add_deadline"),
            "approve_extension": Transition("批准延期", (HANDLING,), None, "core.approve_extension"),
            "refuse_extension": Transition("不批准延期", (HANDLING,), None, "core.approve_extension"),
        }
    )
    spec.extension = Extension(max_count=2, max_extra=3)
    return spec


@pytest.fixture
def extendable(errands):
    unregister_case_type(errands)
    spec = register_case_type(extendable_type())
    yield spec
    unregister_case_type(spec)
    register_case_type(errands)


def _assigned(township, clerk, unit, title):
    errand = Errand.objects.create(township=township, state=OPEN, title=title)
    case_assign(item=errand, lead_unit=unit, by=clerk, start=date(2026, 11, 2))
    return errand


def test_requests_wait_in_the_chairs_queue_with_fixed_queries(
    extendable, client, township, clerk, chair, other_chair, unit, django_assert_max_num_queries
):
    first = _assigned(township, clerk, unit, "第一件")
    case_request_extension(item=first, by=clerk, reason="需要时间", extra=2)
    client.force_login(chair)
    with django_assert_max_num_queries(12) as one:
        page = client.get(reverse("core:extension_queue"))
    assert page.status_code == 200 and "第一件" in page.text and "需要时间" in page.text
    for n in range(3):
        case_request_extension(item=_assigned(township, clerk, unit, f"另一件{n}"), by=clerk, reason="同上", extra=1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("core:extension_queue"))
    assert page.text.count('data-testid="extension-request"') == 4
    home = client.get(reverse("core:home")).text
    assert "延期申请" in home and reverse("core:extension_queue") in home

    client.force_login(other_chair)
    assert 'data-testid="extension-request"' not in client.get(reverse("core:extension_queue")).text
    client.force_login(clerk)
    assert client.get(reverse("core:extension_queue")).status_code == 403


def test_the_engine_counts_extensions_in_the_clocks_own_unit(extendable, township, clerk, chair, unit):
    errand = _assigned(township, clerk, unit, "差事")
    due = Deadline.objects.get(kind="tests.errand.handling").due_date  # 5 working days: Mon 9 Nov
    with pytest.raises(ValidationError, match="每次延期不得超过 3 工作日"):
        case_request_extension(item=errand, by=clerk, reason="r", extra=4)
    case_request_extension(item=errand, by=clerk, reason="r", extra=3)
    request = case_approve_extension(item=errand, by=chair)
    assert request.extension.new_due_date == compute_due_date(due, DeadlineRule.WORKING_DAYS, 3)
    case_request_extension(item=errand, by=clerk, reason="r", extra=1)
    case_approve_extension(item=errand, by=chair)
    with pytest.raises(ValidationError, match="已延长 2 次"):
        case_request_extension(item=errand, by=clerk, reason="r", extra=1)
