"""Citations (issue 8 point 7): a petition or a suggestion cites a document, the document lists
what cites it, through the core's record_links registry; secrecy and townships respected, a
fixed number of queries on the pages that show them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_office.registries import record_links
from congress_office.roles import Role
from congress_office.services.cases import case_timeline
from deputies.suggestions import services as suggestion_services
from documents.choices import Secrecy
from documents.models import DocumentCitation
from documents.services import citations
from documents.services import incoming as inc
from documents.services import outgoing as out
from tests.deputies.factories import DeputyFactory, TermFactory
from tests.petitions.factories import register_petition

ADD = reverse("documents:citation_add")


@pytest.fixture
def petition(township, clerk):
    return register_petition(township=township, by=clerk, phone="13500000009", id_number="")


@pytest.fixture
def other_petition(other_township, other_clerk):
    return register_petition(township=other_township, by=other_clerk, phone="13500000010", id_number="")


@pytest.fixture
def suggestion(township, users):
    term = TermFactory(township=township)
    DeputyFactory(term=term, name="张桂兰", user=users[Role.DEPUTY])
    return suggestion_services.suggestion_submit(
        by=users[Role.DEPUTY], term=term, title="关于修缮村道的建议", content="村道破损，建议修缮。"
    )


@pytest.fixture
def classified(township, clerk):
    """A 机密 incoming document, registered by a clerk cleared for it."""
    clerk.clearance = 2
    clerk.save(update_fields=["clearance"])
    doc = inc.incoming_receive(
        township=township, by=clerk, sender="县委办公室", title="机密来文", secrecy=Secrecy.CONFIDENTIAL
    )
    return inc.incoming_register(document=doc, by=clerk)


def key(document):
    return citations.document_key(document)


# --- the services ---------------------------------------------------------------------------------


def test_a_clerk_links_a_petition_to_an_incoming_document(registered, petition, clerk, chair):
    citation = citations.citation_add(document=registered, record=petition, by=clerk, relation="转办函")
    assert citation.incoming == registered and citation.cited_by == petition
    event = case_timeline(registered)[-1]
    assert (event.action, event.label) == ("cite", "关联信访件") and petition.number in event.note
    links = citations.record_links(petition, chair)
    assert [(link["label"], link["relation"], link["url"]) for link in links] == [
        (f"{registered.number} {registered.title}", "转办函", registered.get_absolute_url())
    ]
    # and the document lists the petition
    assert [link["label"] for link in citations.record_links(registered, chair)] == [
        f"{petition.number} {petition.title}"
    ]


def test_a_link_is_refused_twice_for_another_townships_record_and_for_other_roles(
    registered, petition, other_petition, clerk, chair, users
):
    with pytest.raises(ValidationError, match="只能关联本乡镇"):
        citations.citation_add(document=registered, record=other_petition, by=clerk, relation="转办函")
    with pytest.raises(PermissionDenied):
        citations.citation_add(document=registered, record=petition, by=chair, relation="转办函")
    with pytest.raises(PermissionDenied):
        citations.citation_add(document=registered, record=petition, by=users[Role.COUNTY], relation="转办函")
    with pytest.raises(ValidationError, match="关联关系"):
        citations.citation_add(document=registered, record=petition, by=clerk, relation=" ")
    assert not DocumentCitation.objects.exists()
    citations.citation_add(document=registered, record=petition, by=clerk, relation="转办函")
    with pytest.raises(ValidationError, match="已关联本公文"):
        citations.citation_add(document=registered, record=petition, by=clerk, relation="答复批复")
    assert DocumentCitation.objects.count() == 1


def test_a_withdrawn_link_is_kept_but_no_longer_listed(registered, petition, clerk):
    citation = citations.citation_add(document=registered, record=petition, by=clerk, relation="转办函")
    citations.citation_remove(citation=citation, by=clerk)
    citation.refresh_from_db()
    assert citation.removed_at is not None and citation.removed_by == clerk
    assert citations.record_links(petition, clerk) == []
    with pytest.raises(ValidationError, match="已取消"):
        citations.citation_remove(citation=citation, by=clerk)
    citations.citation_add(document=registered, record=petition, by=clerk, relation="答复批复")  # again
    assert [e.action for e in case_timeline(registered)][-3:] == ["cite", "uncite", "cite"]


def test_numbers_are_found_within_the_documents_township(township, other_township, petition, other_petition, clerk):
    find = citations.find_citable
    for typed in (petition.number, f"{petition.year}-{petition.sequence}", f"〔{petition.year}〕{petition.sequence}号"):
        assert find(township=township, kind="petition", number=typed, user=clerk) == petition, typed
    with pytest.raises(ValidationError, match="不是本乡镇的信访件编号"):
        find(township=township, kind="petition", number=other_petition.number, user=clerk)
    with pytest.raises(ValidationError, match="本乡镇没有编号"):
        find(township=township, kind="petition", number=f"{petition.year}-99", user=clerk)
    with pytest.raises(ValidationError, match="格式"):
        find(township=township, kind="petition", number="东风村", user=clerk)


def test_a_suggestion_cites_an_outgoing_document(draft, suggestion, clerk, chair, users):
    citations.citation_add(document=draft, record=suggestion, by=clerk, relation="答复批复")
    assert [link["kind"] for link in citations.record_links(suggestion, chair)] == ["发文"]
    assert citations.record_links(suggestion, users[Role.DEPUTY]) == []  # no documents for deputies
    assert [link["kind"] for link in citations.record_links(draft, clerk)] == ["代表建议"]


def test_the_outgoing_page_lists_the_records_citing_it(client_for, draft, suggestion, clerk):
    client = client_for(clerk)
    page = client.get(reverse("documents:outgoing_detail", args=[draft.pk])).content.decode()
    assert 'data-testid="cited-by-empty"' in page and f"outgoing:{draft.pk}" in page  # the add link
    citations.citation_add(document=draft, record=suggestion, by=clerk, relation="答复批复")
    page = client.get(reverse("documents:outgoing_detail", args=[draft.pk])).content.decode()
    assert 'data-testid="cited-by-row"' in page and suggestion.title in page and "答复批复" in page


def test_a_classified_document_is_listed_only_to_the_cleared(classified, petition, clerk, chair, users):
    citations.citation_add(document=classified, record=petition, by=clerk, relation="来文依据")
    assert citations.record_links(petition, chair) == []
    assert citations.record_links(petition, users[Role.AUDITOR]) == []
    chair.clearance = 2
    chair.save(update_fields=["clearance"])
    assert [link["secrecy"] for link in citations.record_links(petition, chair)] == ["机密★20年"]


def test_the_documents_provider_is_registered():
    assert "documents" in record_links


# --- the pages ------------------------------------------------------------------------------------


def test_the_add_form_links_a_petition_by_its_number(client_for, registered, petition, clerk):
    client = client_for(clerk)
    response = client.get(ADD, {"document": key(registered)})
    assert response.status_code == 200 and registered.title in response.content.decode()
    response = client.post(
        ADD, {"document": key(registered), "kind": "petition", "number": petition.number, "relation": "转办函"}
    )
    assert response.status_code == 302 and response["Location"] == registered.get_absolute_url()
    assert DocumentCitation.objects.get().cited_by == petition


def test_the_add_form_refuses_another_townships_number_and_changes_nothing(
    client_for, registered, other_petition, clerk
):
    response = client_for(clerk).post(
        ADD, {"document": key(registered), "kind": "petition", "number": other_petition.number, "relation": "转办函"}
    )
    assert response.status_code == 200
    assert "不是本乡镇的信访件编号" in response.content.decode()
    assert not DocumentCitation.objects.exists()


def test_the_add_form_is_refused_to_other_roles_and_townships(client_for, registered, draft, users, other_clerk):
    for role in (Role.CHAIR, Role.AUDITOR, Role.UNIT_HANDLER, Role.DEPUTY, Role.COUNTY):
        assert client_for(users[role]).get(ADD, {"document": key(registered)}).status_code == 403, role
    client = client_for(other_clerk)
    assert client.get(ADD, {"document": key(registered)}).status_code == 404
    assert client.get(ADD, {"document": key(draft)}).status_code == 404
    clerk = client_for(users[Role.CLERK])
    for bad in ("", "incoming:x", "memo:1", f"outgoing:{draft.pk + 1000}"):
        assert clerk.get(ADD, {"document": bad}).status_code == 404, bad


def test_the_add_form_of_a_classified_document_is_404_to_an_uncleared_clerk(
    client_for, classified, township, make_user
):
    uncleared = make_user(Role.CLERK, township, username="clerk2")
    assert client_for(uncleared).get(ADD, {"document": key(classified)}).status_code == 404


def test_removing_a_link_by_post(client_for, registered, petition, clerk, other_clerk, chair):
    citation = citations.citation_add(document=registered, record=petition, by=clerk, relation="转办函")
    url = reverse("documents:citation_remove", args=[citation.pk])
    assert client_for(chair).post(url).status_code == 403
    assert client_for(other_clerk).post(url).status_code == 404
    assert client_for(clerk).get(url).status_code == 405
    assert client_for(clerk).post(url).status_code == 302
    citation.refresh_from_db()
    assert citation.removed_at is not None


def test_the_petition_page_shows_the_linked_document_to_whom_may_see_it(
    client_for, registered, classified, petition, clerk, chair
):
    citations.citation_add(document=registered, record=petition, by=clerk, relation="转办函")
    citations.citation_add(document=classified, record=petition, by=clerk, relation="来文依据")
    html = client_for(chair).get(petition.get_absolute_url()).content.decode()
    assert registered.get_absolute_url() in html and "转办函" in html
    assert classified.get_absolute_url() not in html and "机密来文" not in html
    chair.clearance = 2
    chair.save(update_fields=["clearance"])
    html = client_for(chair).get(petition.get_absolute_url()).content.decode()
    assert classified.get_absolute_url() in html and "机密来文" in html


def test_the_petition_page_shows_an_empty_state(client_for, petition, clerk):
    html = client_for(clerk).get(petition.get_absolute_url()).content.decode()
    assert 'data-testid="record-links-empty"' in html


def test_the_suggestion_page_shows_the_linked_document(client_for, draft, suggestion, clerk):
    citations.citation_add(document=draft, record=suggestion, by=clerk, relation="答复批复")
    html = client_for(clerk).get(suggestion.get_absolute_url()).content.decode()
    assert draft.get_absolute_url() in html and "答复批复" in html


def test_the_petition_page_takes_the_same_queries_with_more_links(client_for, township, clerk, body, registered):
    def count(petition):
        client = client_for(clerk)
        client.get(petition.get_absolute_url())  # warm caches (content types, permissions)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(petition.get_absolute_url()).status_code == 200
        return len(ctx)

    none = register_petition(township=township, by=clerk, phone="13500000011", id_number="")
    one = register_petition(township=township, by=clerk, phone="13500000012", id_number="")
    many = register_petition(township=township, by=clerk, phone="13500000013", id_number="")
    citations.citation_add(document=registered, record=one, by=clerk, relation="转办函")
    citations.citation_add(document=registered, record=many, by=clerk, relation="转办函")
    for n in range(3):
        doc = out.outgoing_create(
            township=township, by=clerk, issuing_body=body, doc_type="reply", title=f"批复{n}", body="正文"
        )
        citations.citation_add(document=doc, record=many, by=clerk, relation="答复批复")
    assert count(none) == count(one) == count(many)


def render_cited_by(document, user):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("documents/citations/_cited_by.html", {"document": document}, request=request)


def test_the_cited_by_partial_lists_what_cites_the_document_in_fixed_queries(
    registered, petition, suggestion, township, clerk, chair, users, django_assert_max_num_queries
):
    empty = render_cited_by(registered, clerk)
    assert 'data-testid="cited-by-empty"' in empty and 'data-testid="citation-add"' in empty
    assert f"?document=incoming:{registered.pk}" in empty
    citations.citation_add(document=registered, record=petition, by=clerk, relation="转办函")
    citations.citation_add(document=registered, record=suggestion, by=clerk, relation="交办通知")
    for n in range(3):
        extra = register_petition(township=township, by=clerk, phone=f"1350000002{n}", id_number="")
        citations.citation_add(document=registered, record=extra, by=clerk, relation="转办函")
    clerk.has_perm("documents.add_documentcitation")  # permissions cached, as on a page
    with django_assert_max_num_queries(4):  # the links, the petitions, the suggestions; the unread count
        html = render_cited_by(registered, clerk)
    assert html.count('data-testid="cited-by-row"') == 5 and 'data-testid="citation-remove"' in html
    assert petition.get_absolute_url() in html and suggestion.get_absolute_url() in html
    chair_html = render_cited_by(registered, chair)
    assert 'data-testid="citation-add"' not in chair_html and 'data-testid="citation-remove"' not in chair_html
    # a unit handler sees none of these petitions (not assigned to the unit)
    assert 'data-testid="cited-by-row"' not in render_cited_by(registered, users[Role.UNIT_HANDLER])
