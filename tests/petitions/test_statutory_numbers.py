# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""The statutory numbers the petition pages spell out (受理 15 日, 办理 60 日, 延期 30 日, 复查 30
日, 异议 5 个工作日 …) come from the settings (provinces vary): changed settings change every text."""

import pytest
from django.urls import reverse

from petitions.choices import ReviewKind
from petitions.services import stats
from petitions.services.handling import petition_decide_review, petition_request_review

from .handling_fixtures import (  # noqa: F401 (fixtures)
    accepted,
    assigned,
    co_handler,
    co_unit,
    lead_handler,
    replied,
)


@pytest.fixture
def provincial(settings):
    settings.PETITION_ACCEPTANCE_DAYS = 20
    settings.PETITION_HANDLING_DAYS = 90
    settings.PETITION_MAX_EXTENSION_DAYS = 20
    settings.PETITION_REVIEW_REQUEST_DAYS = 45
    settings.PETITION_REVIEW_DECISION_DAYS = 40
    settings.PETITION_OBJECTION_WORKING_DAYS = 7
    return settings


def text(client, user, name, petition, *args):
    client.force_login(user)
    response = client.get(reverse(f"petitions:{name}", args=[petition.pk, *args]))
    assert response.status_code == 200, name
    return response.content.decode()


def test_the_handling_pages_read_the_numbers_from_the_settings(client, provincial, replied, assigned, clerk, chair):
    review = text(client, clerk, "petition_review_request", replied, ReviewKind.REVIEW)
    assert "自收到书面答复之日起 45 日内请求复查" in review and "30 日" not in review
    rate = text(client, clerk, "petition_rate", replied)
    assert "自收到书面答复之日起 45 日内请求复查" in rate

    from datetime import date

    petition_request_review(petition=replied, kind="review", requested_on=date(2026, 9, 1), request="不服", by=clerk)
    decide = text(client, chair, "petition_review_decide", replied, ReviewKind.REVIEW)
    assert "信访人不服的可以在 45 日内申请复核" in decide
    petition_decide_review(
        petition=replied, kind="review", by=chair, decision="维持。", outcome="reject", decided_on=date(2026, 9, 5)
    )
    recheck = text(client, clerk, "petition_review_request", replied, ReviewKind.RECHECK)
    assert "自收到书面复查意见之日起 45 日内请求复核" in recheck


def test_the_extension_form_and_the_decide_page_read_them_too(client, provincial, assigned, township, clerk):
    from .factories import register_petition

    extend = text(client, clerk, "petition_extend", assigned)
    assert "最多 20 日" in extend and "30 日" not in extend
    registered = register_petition(township=township, by=clerk, phone="13600000001", id_number="")
    decide = text(client, clerk, "petition_decide", registered)
    assert "7 个工作日内提出异议或转送有权机关" in decide and "5 个工作日" not in decide


def test_the_statistics_definition_reads_the_acceptance_days(provincial):
    acceptance = dict((str(term), str(value)) for term, value in stats.DEFINITIONS)["按期受理率"]
    assert "收到之日起20日" in acceptance and "15日" not in acceptance


def test_the_public_review_right_reads_the_request_days(client, provincial, replied):
    from congress_office.cases import Satisfaction
    from petitions.services.handling import petition_rate, review_window
    from petitions.views.public import public_progress, review_right_message

    petition_rate(petition=replied, by=None, satisfaction=Satisfaction.UNSATISFIED, comment="不服")
    replied.refresh_from_db()
    offer = public_progress(replied)["review_offer"]
    assert offer["days"] == 45 and offer["last"] == review_window(replied, ReviewKind.REVIEW)[1]
    assert "自收到书面答复之日起 45 日内" in review_right_message({**offer, "open": True})
