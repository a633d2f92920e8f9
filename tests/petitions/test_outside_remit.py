"""An item outside the office's remit (不属于本机关职权范围, 信访工作条例): the clerk records it on the
decide page with a reason; the objection clock opens — PETITION_OBJECTION_WORKING_DAYS working
days on the official calendar — and is shown and reminded like any other deadline; transferring
the item to the competent body (转送有权机关) meets it.

2026: 1–7 Oct is the National Day holiday and Sat 10 Oct a 调休 working day, so 5 working days
from Mon 28 Sep are 29 Sep, 30 Sep, 8, 9 and 10 Oct: due Sat 10 Oct (counting weekdays would
give Mon 5 Oct, in the holiday).
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from congress_office.models import Deadline, DeadlineRule, DeadlineState, Notification, Reminder
from congress_office.registries import deadline_kinds, pdf_reports
from congress_office.roles import Role
from congress_office.services.cases import case_timeline
from congress_office.services.deadlines import deadlines_scan
from congress_office.workdays import compute_due_date
from petitions.choices import PetitionState
from petitions.services.registration import (
    petition_accept,
    petition_decline,
    petition_mark_outside_remit,
    petition_transfer_out,
)

from .factories import register_petition

pytestmark = pytest.mark.django_db

RECEIVED = date(2026, 9, 25)  # Fri
MARKED = date(2026, 9, 28)  # Mon
OBJECTION_DUE = date(2026, 10, 10)  # Sat, a 调休 working day
REASON = "所反映事项属县市场监督管理局职权。"


def clock(petition, name):
    return Deadline.objects.get(subject_id=petition.pk, kind=f"petitions.petition.{name}")


@pytest.fixture
def petition(township, clerk):
    return register_petition(township=township, by=clerk, received_on=RECEIVED)


@pytest.fixture
def outside(petition, clerk):
    petition_mark_outside_remit(petition=petition, by=clerk, reason=REASON, on=MARKED)
    petition.refresh_from_db()
    return petition


def test_every_clock_of_the_case_type_is_a_deadline_kind():
    from congress_office.registries import case_types

    spec = case_types["petitions.petition"]
    assert "objection" in spec.clocks
    for name, spec_clock in spec.clocks.items():
        assert deadline_kinds[spec.deadline_kind(name)].label == spec_clock.label
    assert str(deadline_kinds["petitions.petition.objection"].label) == "提出异议或转送"


def test_marking_opens_the_objection_clock_in_working_days_across_the_holiday(outside, clerk):
    deadline = clock(outside, "objection")

    assert outside.state == PetitionState.OUTSIDE_REMIT and outside.decision_reason == REASON
    assert (deadline.start_date, deadline.rule, deadline.limit) == (MARKED, DeadlineRule.WORKING_DAYS, 5)
    assert deadline.due_date == OBJECTION_DUE == compute_due_date(MARKED, DeadlineRule.WORKING_DAYS, 5)
    assert deadline.basis() == "自 2026-09-28 起 5 工作日"
    assert deadline.state == DeadlineState.OPEN
    assert clock(outside, "acceptance").state == DeadlineState.OPEN  # the petitioner is not told yet
    event = case_timeline(outside)[-1]
    assert (event.action, event.note, event.data) == ("mark_outside_remit", REASON, {"on": "2026-09-28"})
    assert str(event.label) == "不属本机关职权"


def test_the_limit_is_read_from_the_settings_when_the_clock_opens(petition, clerk, settings):
    settings.PETITION_OBJECTION_WORKING_DAYS = 3
    petition_mark_outside_remit(petition=petition, by=clerk, reason=REASON, on=MARKED)
    deadline = clock(petition, "objection")
    assert (deadline.limit, deadline.due_date) == (3, date(2026, 10, 8))


def test_a_reason_is_needed(petition, clerk):
    with pytest.raises(ValidationError) as refused:
        petition_mark_outside_remit(petition=petition, by=clerk, reason=" ", on=MARKED)
    assert refused.value.message_dict == {"reason": ["请说明不属于本机关职权范围的理由。"]}
    petition.refresh_from_db()
    assert petition.state == PetitionState.REGISTERED
    assert not Deadline.objects.filter(kind="petitions.petition.objection").exists()


def test_the_clock_is_reminded_and_escalated_like_any_other(outside, clerk, chair, users):
    deadline = clock(outside, "objection")

    deadlines_scan(today=date(2026, 10, 9))
    reminder = Reminder.objects.get(deadline=deadline)
    assert reminder.stage == "before:1:2026-10-10" and not reminder.escalated
    title = f"【提醒】提出异议或转送：{outside} 将于 2026-10-10 到期（还剩 1 天）"
    assert Notification.objects.filter(recipient=clerk, title=title).count() == 1
    assert not Notification.objects.filter(recipient=chair, title__contains="提出异议或转送").exists()

    deadlines_scan(today=date(2026, 10, 12))
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.OVERDUE
    overdue = f"【逾期】提出异议或转送：{outside} 已于 2026-10-10 到期"
    assert Notification.objects.filter(recipient=chair, title=overdue).count() == 1
    assert Notification.objects.filter(recipient=clerk, title=overdue).count() == 1


def test_transferring_meets_the_objection_and_acceptance_clocks_on_the_decision_date(outside, clerk):
    petition_transfer_out(petition=outside, by=clerk, to="示范县市场监督管理局", reason="", on=date(2026, 10, 9))

    outside.refresh_from_db()
    assert outside.state == PetitionState.TRANSFERRED_OUT and outside.transferred_to == "示范县市场监督管理局"
    assert outside.decision_reason == REASON  # the finding's reason is kept when the transfer gives none
    for name in ("objection", "acceptance"):
        deadline = clock(outside, name)
        assert (deadline.state, deadline.met_on, deadline.met_in_time) == (DeadlineState.MET, date(2026, 10, 9), True)
    deadlines_scan(today=date(2026, 10, 12))
    assert not Reminder.objects.exists()  # nothing left to chase


def test_a_transfer_dated_before_the_finding_is_refused(outside, clerk):
    with pytest.raises(ValidationError) as refused:
        petition_transfer_out(petition=outside, by=clerk, to="某局", reason="", on=date(2026, 9, 27))

    assert refused.value.message_dict["on"] == ["决定日期不能早于认定不属本机关职权的日期（2026-09-28）。"]
    outside.refresh_from_db()
    assert outside.state == PetitionState.OUTSIDE_REMIT and clock(outside, "objection").is_pending


def test_once_outside_the_remit_it_is_only_transferred(outside, clerk):
    with pytest.raises(ValidationError, match="该事项当前为“不属本机关职权待转送”，不能“受理”。"):
        petition_accept(petition=outside, by=clerk, on=date(2026, 10, 9))
    with pytest.raises(ValidationError, match="不能“不予受理”"):
        petition_decline(petition=outside, by=clerk, reason="理由", on=date(2026, 10, 9))
    with pytest.raises(ValidationError, match="不能“不属本机关职权”"):
        petition_mark_outside_remit(petition=outside, by=clerk, reason=REASON, on=date(2026, 10, 9))
    assert [e.action for e in case_timeline(outside)] == ["register", "mark_outside_remit"]


def test_no_notice_letter_before_the_transfer(outside, clerk):
    class Job:
        owner, params = clerk, {"petition_id": str(outside.pk)}

    with pytest.raises(ValidationError, match="尚未作出受理决定"):
        pdf_reports["petitions.acceptance_notice"].build_context(Job(), lambda *a: None)

    petition_transfer_out(petition=outside, by=clerk, to="示范县市场监督管理局", reason="", on=date(2026, 10, 9))
    outside.refresh_from_db()
    context = pdf_reports["petitions.acceptance_notice"].build_context(Job(), lambda *a: None)
    assert context["kind"] == "transferred" and context["decided_on"] == date(2026, 10, 9)


# --- through the pages ---------------------------------------------------------------------------


def decide_url(petition):
    return reverse("petitions:petition_decide", args=[petition.pk])


def test_the_decide_page_offers_it_with_a_reason(client, petition, clerk):
    client.force_login(clerk)
    page = client.get(decide_url(petition)).content.decode()
    assert 'value="mark_outside_remit"' in page and "不属本机关职权（5 个工作日内提出异议或转送有权机关）" in page

    missing = client.post(decide_url(petition), {"decision": "mark_outside_remit", "on": "2026-09-28"})
    assert missing.status_code == 200 and "请说明不属于本机关职权范围的理由。" in missing.content.decode()
    response = client.post(
        decide_url(petition), {"decision": "mark_outside_remit", "on": "2026-09-28", "reason": REASON}, follow=True
    )

    html = response.content.decode()
    assert "已认定不属本机关职权：请于 2026-10-10 前提出异议或转送有权处理的机关（5 个工作日）。" in html
    petition.refresh_from_db()
    assert petition.state == PetitionState.OUTSIDE_REMIT
    deadlines = html[html.index('data-testid="deadlines"') :]
    assert "提出异议或转送" in deadlines and "2026-10-10" in deadlines and "自 2026-09-28 起 5 工作日" in deadlines
    assert 'data-testid="decide"' in html and 'data-testid="notice-pdf"' not in html
    assert "不属本机关职权待转送" in html and REASON in html


def test_the_decide_page_then_offers_only_the_transfer(client, outside, clerk):
    client.force_login(clerk)
    page = client.get(decide_url(outside)).content.decode()

    assert 'value="transfer_out"' in page
    for other in ("accept", "not_accept", "mark_outside_remit"):
        assert f'value="{other}"' not in page, other
    assert 'data-testid="objection-deadline"' in page and "2026-10-10" in page

    refused = client.post(decide_url(outside), {"decision": "accept", "on": "2026-10-09"})
    assert "该事项当前为“不属本机关职权待转送”，不能“受理”。" in refused.content.decode()
    response = client.post(
        decide_url(outside), {"decision": "transfer_out", "to": "示范县市场监督管理局", "on": "2026-10-09"}
    )
    assert response.status_code == 302
    outside.refresh_from_db()
    assert outside.state == PetitionState.TRANSFERRED_OUT
    assert clock(outside, "objection").met_on == date(2026, 10, 9)


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_only_the_deciders_record_it(client, petition, users, role):
    client.force_login(users[role])
    response = client.post(decide_url(petition), {"decision": "mark_outside_remit", "on": "2026-09-28", "reason": "x"})
    assert response.status_code in (403, 404)
    petition.refresh_from_db()
    assert petition.state == PetitionState.REGISTERED


def test_the_list_filters_the_items_awaiting_their_transfer(client, outside, petition, clerk, township):
    other = register_petition(township=township, by=clerk, received_on=RECEIVED, phone="13600000009", title="另一件")
    client.force_login(clerk)
    rows = client.get(reverse("petitions:petition_list"), {"state": PetitionState.OUTSIDE_REMIT}).context["petitions"]
    assert list(rows) == [outside] and other not in rows
