# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""Decision dates (决定日期): the acceptance decision and the reply count by the date the clerk
enters, not by the moment it is entered. A decision taken on time and entered late is on time
in 按期受理率 and 按期办结率; the entry time is kept apart (Deadline.met_at, met_on the decision
date). A date before the event it answers, or in the future, is refused in Chinese — by the
services and through the pages — and changes nothing.

The dates here are relative to today (the services refuse future dates): a petition received
100 days ago, accepted on its day 5 and replied 30 days after the acceptance, all entered today,
well after both due dates.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from congress_office.models import CaseReply, Deadline, DeadlineRule, DeadlineState
from congress_office.services.cases import case_timeline
from congress_office.workdays import compute_due_date
from petitions.choices import PetitionState
from petitions.services import stats
from petitions.services.handling import petition_assign, petition_reply
from petitions.services.registration import (
    petition_accept,
    petition_decline,
    petition_mark_outside_remit,
    petition_transfer_out,
)
from petitions.services.stats import Period

from .factories import register_petition
from .handling_fixtures import lead_handler  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def clock(petition, name):
    return Deadline.objects.get(subject_id=petition.pk, kind=f"petitions.petition.{name}")


def new_petition(township, clerk, received_on, n=1):
    return register_petition(
        township=township, by=clerk, received_on=received_on, phone=f"1370000{n:04d}", id_number="", title=f"事项{n}"
    )


def figures(clerk, first):
    """The totals from the month of `first` to this month."""
    from petitions.models import Petition

    period = Period.for_months(first.replace(day=1), today().replace(day=1))
    return stats.totals(Petition.objects.visible_to(clerk), period, today=today())


# --- 按期受理率 / 按期办结率 count by the decision date ----------------------------------------------


def test_an_acceptance_dated_on_day_5_and_entered_on_day_40_is_on_time(township, clerk):
    received = today() - timedelta(days=40)
    on_time = new_petition(township, clerk, received, 1)
    late = new_petition(township, clerk, received, 2)
    due = compute_due_date(received, DeadlineRule.CALENDAR_DAYS, 15)
    assert due < today()  # entering the decision today is after its due date

    petition_accept(petition=on_time, by=clerk, on=received + timedelta(days=5))
    petition_accept(petition=late, by=clerk, on=due + timedelta(days=1))

    met = clock(on_time, "acceptance")
    assert met.state == DeadlineState.MET and met.due_date == due
    assert met.met_on == received + timedelta(days=5)  # the decision date …
    assert timezone.localtime(met.met_at).date() == today()  # … and the entry time, kept apart
    assert met.met_in_time is True and clock(late, "acceptance").met_in_time is False
    t = figures(clerk, received)
    assert (t.accepted_on_time, t.decided) == (1, 2)
    assert str(t.acceptance_rate) == "50.0%"


def test_a_reply_dated_within_the_limit_and_entered_late_is_closed_on_time(township, clerk, unit, lead_handler):
    received = today() - timedelta(days=100)
    accepted_on = received + timedelta(days=5)
    petitions = [new_petition(township, clerk, received, n) for n in (1, 2)]
    for petition in petitions:
        petition_accept(petition=petition, by=clerk, on=accepted_on)
        petition_assign(petition=petition, lead_unit=unit, by=clerk)
    due = compute_due_date(accepted_on, DeadlineRule.CALENDAR_DAYS, 60)
    assert clock(petitions[0], "handling").due_date == due < today()

    replied_on = accepted_on + timedelta(days=30)
    petition_reply(petition=petitions[0], by=lead_handler, outcome="support", content="已补发。", on=replied_on)
    petition_reply(petition=petitions[1], by=lead_handler, outcome="explain", content="已解释。", on=due + timedelta(1))

    met = clock(petitions[0], "handling")
    assert (met.state, met.met_on) == (DeadlineState.MET, replied_on)
    assert timezone.localtime(met.met_at).date() == today() > due
    petitions[0].refresh_from_db()
    assert petitions[0].replied_on == replied_on
    t = figures(clerk, received)
    assert (t.closed_on_time, t.closure_due) == (1, 2)
    assert (t.accepted_on_time, t.decided) == (2, 2)  # both accepted on day 5, entered today


def test_a_decline_and_a_transfer_count_by_their_decision_dates(township, clerk):
    received = today() - timedelta(days=40)
    declined, transferred = new_petition(township, clerk, received, 1), new_petition(township, clerk, received, 2)

    petition_decline(petition=declined, by=clerk, reason="已进入诉讼程序。", on=received + timedelta(days=3))
    petition_transfer_out(
        petition=transferred, by=clerk, to="示范县人社局", reason="劳动监察", on=received + timedelta(days=30)
    )

    assert clock(declined, "acceptance").met_on == received + timedelta(days=3)
    assert case_timeline(declined)[-1].data == {"on": (received + timedelta(days=3)).isoformat()}
    t = figures(clerk, received)
    assert (t.accepted_on_time, t.decided) == (1, 2)


# --- a date before the event it answers, or in the future, is refused ------------------------------


def assert_still_registered(petition):
    petition.refresh_from_db()
    assert petition.state == PetitionState.REGISTERED and petition.accepted_on is None
    assert clock(petition, "acceptance").state == DeadlineState.OPEN
    assert [e.action for e in case_timeline(petition)] == ["register"]


@pytest.mark.parametrize(
    "decide",
    [
        lambda p, by, on: petition_accept(petition=p, by=by, on=on),
        lambda p, by, on: petition_decline(petition=p, by=by, reason="理由", on=on),
        lambda p, by, on: petition_mark_outside_remit(petition=p, by=by, reason="理由", on=on),
        lambda p, by, on: petition_transfer_out(petition=p, by=by, to="某局", reason="", on=on),
    ],
    ids=["accept", "decline", "outside_remit", "transfer_out"],
)
def test_a_decision_before_receipt_or_in_the_future_is_refused(township, clerk, decide):
    received = today() - timedelta(days=10)
    petition = new_petition(township, clerk, received)

    with pytest.raises(ValidationError) as before:
        decide(petition, clerk, received - timedelta(days=1))
    assert before.value.message_dict["on"] == [f"决定日期不能早于收到日期（{received.isoformat()}）。"]
    with pytest.raises(ValidationError) as future:
        decide(petition, clerk, today() + timedelta(days=1))
    assert future.value.message_dict["on"] == ["决定日期不能晚于今天。"]
    assert_still_registered(petition)


def test_a_reply_before_the_acceptance_or_in_the_future_is_refused(township, clerk, unit, lead_handler):
    received = today() - timedelta(days=20)
    petition = new_petition(township, clerk, received)
    petition_accept(petition=petition, by=clerk, on=received + timedelta(days=2))
    petition_assign(petition=petition, lead_unit=unit, by=clerk)

    for on, message in (
        (received + timedelta(days=1), f"答复日期不能早于受理日期（{(received + timedelta(days=2)).isoformat()}）。"),
        (today() + timedelta(days=1), "答复日期不能晚于今天。"),
    ):
        with pytest.raises(ValidationError) as refused:
            petition_reply(petition=petition, by=lead_handler, outcome="support", content="已办理。", on=on)
        assert refused.value.message_dict["on"] == [message]

    petition.refresh_from_db()
    assert (petition.state, petition.replied_on, petition.outcome) == (PetitionState.ASSIGNED, None, "")
    assert clock(petition, "handling").state == DeadlineState.OPEN and not CaseReply.objects.exists()


# --- through the pages ---------------------------------------------------------------------------


def decide_url(petition):
    return reverse("petitions:petition_decide", args=[petition.pk])


def test_the_decide_page_takes_the_decision_date(client, township, clerk):
    received = today() - timedelta(days=40)
    petition = new_petition(township, clerk, received)
    client.force_login(clerk)

    page = client.get(decide_url(petition)).content.decode()
    assert 'name="on"' in page and f'value="{today().isoformat()}"' in page and "决定日期" in page
    response = client.post(decide_url(petition), {"decision": "accept", "on": (received + timedelta(5)).isoformat()})

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.accepted_on == received + timedelta(days=5)
    assert clock(petition, "acceptance").met_on == received + timedelta(days=5)
    html = client.get(petition.get_absolute_url()).content.decode()
    assert f"办结日期 {(received + timedelta(5)).isoformat()}（录入于 {today().isoformat()}" in html


@pytest.mark.parametrize("decision", ["accept", "not_accept", "mark_outside_remit", "transfer_out"])
def test_the_decide_page_refuses_a_date_before_receipt_or_in_the_future(client, township, clerk, decision):
    received = today() - timedelta(days=10)
    petition = new_petition(township, clerk, received)
    client.force_login(clerk)
    data = {"decision": decision, "reason": "理由", "to": "某局"}

    before = client.post(decide_url(petition), {**data, "on": (received - timedelta(days=1)).isoformat()})
    future = client.post(decide_url(petition), {**data, "on": (today() + timedelta(days=1)).isoformat()})

    assert before.status_code == 200 and "决定日期不能早于收到日期" in before.content.decode()
    assert future.status_code == 200 and "决定日期不能晚于今天。" in future.content.decode()
    assert_still_registered(petition)


def test_the_reply_page_takes_the_reply_date_and_refuses_a_wrong_one(client, township, clerk, unit, lead_handler):
    received = today() - timedelta(days=100)
    petition = new_petition(township, clerk, received)
    petition_accept(petition=petition, by=clerk, on=received + timedelta(days=5))
    petition_assign(petition=petition, lead_unit=unit, by=clerk)
    url = reverse("petitions:petition_reply", args=[petition.pk])
    client.force_login(lead_handler)

    page = client.get(url).content.decode()
    assert 'name="on"' in page and "答复日期" in page and "按期办结率按此日期计算" in page
    data = {"outcome": "support", "content": "已办理。", "confirm": "on"}
    wrong = ((received, "答复日期不能早于受理日期"), (today() + timedelta(days=1), "答复日期不能晚于今天。"))
    for on, message in wrong:
        response = client.post(url, {**data, "on": on.isoformat()})
        assert response.status_code == 200 and message in response.content.decode()
    petition.refresh_from_db()
    assert petition.state == PetitionState.ASSIGNED and not CaseReply.objects.exists()

    replied_on = received + timedelta(days=35)
    assert client.post(url, {**data, "on": replied_on.isoformat()}).status_code == 302
    assert clock(petition, "handling").met_on == replied_on
