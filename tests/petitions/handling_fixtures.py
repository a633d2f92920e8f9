"""Fixtures and helpers of the handling tests (交办 … 回访); test modules import them by name."""

from datetime import date

import pytest

from congress_office.roles import Role
from petitions.services.handling import petition_assign, petition_reply
from petitions.services.registration import petition_accept

from ..factories import UnitFactory
from .factories import register_petition

# 2026: National Day 1–7 Oct (rest), 10 Oct a 调休 working Saturday
ACCEPTED = date(2026, 8, 4)  # + 60 days = Sat 3 Oct, in the holiday → Thu 8 Oct
HANDLING_DUE = date(2026, 10, 8)
REPLIED = date(2026, 8, 10)  # Mon; + 30 days = Wed 9 Sep, a working day


@pytest.fixture
def co_unit(township):
    return UnitFactory(township=township, name="城建办")


@pytest.fixture
def third_unit(township):
    return UnitFactory(township=township, name="农业服务中心")


@pytest.fixture
def lead_handler(users):
    return users[Role.UNIT_HANDLER]


@pytest.fixture
def co_handler(make_user, township, co_unit):
    return make_user(Role.UNIT_HANDLER, township, username="co_handler", unit=co_unit)


@pytest.fixture
def third_handler(make_user, township, third_unit):
    return make_user(Role.UNIT_HANDLER, township, username="third_handler", unit=third_unit)


@pytest.fixture
def second_chair(make_user, township):
    return make_user(Role.CHAIR, township, username="vice_chair", name="李副主席")


def accepted_petition(*, township, clerk, accepted_on=ACCEPTED, **kwargs):
    """A petition received two days before `accepted_on` and accepted on it."""
    from datetime import timedelta

    received = kwargs.pop("received_on", accepted_on - timedelta(days=2))
    petition = register_petition(township=township, by=clerk, received_on=received, **kwargs)
    petition_accept(petition=petition, by=clerk, on=accepted_on)
    petition.refresh_from_db()
    return petition


@pytest.fixture
def accepted(township, clerk):
    return accepted_petition(township=township, clerk=clerk)


@pytest.fixture
def assigned(accepted, clerk, unit, co_unit, lead_handler, co_handler):
    """Accepted on 4 Aug 2026 and assigned to 自然资源所 (lead) with 城建办 (co-handling)."""
    petition_assign(petition=accepted, lead_unit=unit, co_units=[co_unit], by=clerk)
    accepted.refresh_from_db()
    return accepted


@pytest.fixture
def replied(assigned, lead_handler):
    """Replied by the lead unit on 10 Aug 2026 (支持)."""
    petition_reply(
        petition=assigned, by=lead_handler, outcome="support", content="经核实，已补发补偿款2万元。", on=REPLIED
    )
    assigned.refresh_from_db()
    return assigned


def events(petition):
    from congress_office.services.cases import case_timeline

    return [e.action for e in case_timeline(petition)]
