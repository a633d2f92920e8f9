"""The shared engine on a petition: a full happy path and an illegal transition."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from congress_office.cases import Satisfaction
from petitions.choices import PetitionState
from petitions.services.registration import petition_accept

from .factories import register_petition


def test_register_accept_assign_reply_rate_closes(clerk, chair, users, unit, township):
    from congress_office.roles import Role
    from congress_office.services.cases import case_assign, case_rate, case_reply, case_timeline

    petition = register_petition(township=township, by=clerk)
    assert petition.state == PetitionState.REGISTERED
    with pytest.raises(ValidationError, match="不能“交办”"):
        case_assign(item=petition, lead_unit=unit, by=clerk)
    petition_accept(petition=petition, by=clerk, on=date(2026, 11, 5))
    case_assign(item=petition, lead_unit=unit, by=clerk, start=petition.accepted_on)
    case_reply(item=petition, by=users[Role.UNIT_HANDLER], content="已补发。", result="support")
    case_rate(item=petition, satisfaction=Satisfaction.SATISFIED, rater_key="citizen", rater_label="王大山")
    petition.refresh_from_db()
    assert petition.state == PetitionState.CLOSED
    assert [e.action for e in case_timeline(petition)] == ["register", "accept", "assign", "reply", "rate", "close"]
