# ruff: noqa: F811  (fixtures imported from test_suggestions are named as test arguments)
"""Issue 14, item 8, on suggestions: the answer carries attachments (listed on the answer,
downloadable by those who may see the suggestion), and answering before a co-handling unit's
opinion (协办意见) asks for confirmation on the detail page's form and says so on the timeline."""

import pytest
from django.urls import reverse

from congress_office.models import CaseEvent, CaseReply, CaseReplyAttachment
from congress_office.roles import Role
from deputies.suggestions import services
from deputies.suggestions.models import SuggestionState
from tests.petitions.office_fixtures import pdf_upload

from .test_suggestions import (  # noqa: F401  (fixtures)
    assign,
    assigned,
    co_handler,
    co_unit,
    consult,
    consulted,
    deputy_b,
    deputy_c,
    lead_handler,
    other_handler,
    outsider,
    submit,
    submitted,
    third_unit,
)

pytestmark = pytest.mark.django_db

WARNING = "协办单位财政所尚未提交协办意见，确定先行答复吗？"


def url(name, suggestion):
    return reverse(f"deputies:suggestion_{name}", args=[suggestion.pk])


def test_the_answer_form_warns_of_the_pending_co_unit_and_takes_files(consulted, client_for, lead_handler):
    page = client_for(lead_handler).get(url("detail", consulted)).content.decode()

    assert WARNING in page and 'name="before_co_input"' in page
    assert 'name="attachments"' in page and 'enctype="multipart/form-data"' in page


def test_without_the_confirmation_nothing_is_saved_and_the_text_stays(consulted, client_for, lead_handler):
    response = client_for(lead_handler).post(url("reply", consulted), {"category": "A", "content": "已列入修缮计划。"})

    assert response.status_code == 200
    page = response.content.decode()
    assert WARNING in page and "尚未保存" in page and "已列入修缮计划。" in page
    consulted.refresh_from_db()
    assert consulted.state == SuggestionState.ASSIGNED and not CaseReply.objects.exists()


def test_a_confirmed_answer_with_a_file_is_noted_and_listed(consulted, client_for, lead_handler, clerk):
    client = client_for(lead_handler)
    response = client.post(
        url("reply", consulted),
        {
            "category": "A",
            "content": "已列入修缮计划。",
            "before_co_input": "on",
            "attachments": [pdf_upload("修缮计划.pdf")],
        },
    )

    assert response.status_code == 302
    consulted.refresh_from_db()
    assert consulted.state == SuggestionState.REPLIED
    event = CaseEvent.objects.get(item_id=consulted.pk, action="reply")
    assert event.data["before_co_input"] == ["财政所"] and "在协办单位财政所提交意见前答复" in event.note
    attachment = CaseReplyAttachment.objects.get()
    assert attachment.name == "修缮计划.pdf" and attachment.reply.item_id == consulted.pk
    page = client_for(clerk).get(url("detail", consulted)).content.decode()
    assert "修缮计划.pdf" in page and reverse("core:reply_attachment", args=[attachment.pk]) in page
    assert client_for(clerk).get(reverse("core:reply_attachment", args=[attachment.pk])).status_code == 200


def test_the_file_is_not_served_to_another_unit_or_township(
    consulted, client_for, lead_handler, other_handler, make_user, other_township
):
    services.suggestion_reply(
        suggestion=consulted,
        by=lead_handler,
        category="A",
        content="已解决。",
        attachments=[pdf_upload()],
        before_co_input=True,
    )
    link = reverse("core:reply_attachment", args=[CaseReplyAttachment.objects.get().pk])
    elsewhere = make_user(Role.CLERK, other_township, username="far_clerk")
    for user in (other_handler, elsewhere):  # another unit (司法所) of the township, another township
        assert client_for(user).get(link).status_code == 404, user
    assert client_for(lead_handler).get(link).status_code == 200
