"""The documents' demo (documents/demo.py, run by seed_demo): a year of 收文 and 发文 in every
state for 青山镇, a few for 白水乡, gapless numbers, one classified letter only the cleared chair
sees, and a second run that changes nothing."""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from congress_office.models import CaseEvent, Deadline, DeadlineState, Notification, Township, User
from congress_office.services.cases import case_timeline
from documents.choices import IncomingState, OutgoingState, Secrecy
from documents.models import (
    Circulation,
    Dispatch,
    DocumentCitation,
    DraftVersion,
    IncomingDocument,
    IssuingBody,
    OutgoingDocument,
    SealLog,
    VoidedNumber,
)
from documents.services.citations import record_links

from ..demo_snapshot import seed_demo_once

MODELS = [
    IssuingBody,
    IncomingDocument,
    OutgoingDocument,
    Circulation,
    DraftVersion,
    SealLog,
    Dispatch,
    VoidedNumber,
    DocumentCitation,
    CaseEvent,
    Deadline,
]

# the demo-data modules run in one test process, which seeds once (tests/demo_snapshot.py)
pytestmark = pytest.mark.xdist_group("demo")


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """seed_demo once for this module, rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo_once()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


@pytest.fixture
def qingshan(seeded):
    return Township.objects.get(code="qingshan")


@pytest.fixture
def baishui(seeded):
    return Township.objects.get(code="baishui")


def test_running_seed_demo_twice_changes_nothing(seeded):
    first = counts()
    clearances = dict(User.objects.values_list("username", "clearance"))
    stamps = list(IncomingDocument.objects.order_by("pk").values_list("pk", "state", "received_at", "archived_at"))
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    assert dict(User.objects.values_list("username", "clearance")) == clearances
    assert (
        list(IncomingDocument.objects.order_by("pk").values_list("pk", "state", "received_at", "archived_at")) == stamps
    )


def test_qingshan_has_its_issuing_bodies(qingshan):
    bodies = dict(IssuingBody.objects.filter(township=qingshan).values_list("code", "name"))
    assert bodies == {"青人": "青山镇人民代表大会主席团", "青人大": "青山镇人民代表大会", "青人办": "青山镇人大办公室"}


def test_a_year_of_incoming_documents_in_every_state(qingshan, seeded):
    docs = IncomingDocument.objects.filter(township=qingshan)
    assert docs.count() >= 40
    assert set(docs.values_list("state", flat=True)) == set(IncomingState.values)
    assert docs.filter(archived_at__isnull=False, state=IncomingState.CLOSED).count() >= 10
    assert docs.filter(archived_at__isnull=False, state=IncomingState.RETURNED).exists()
    today = timezone.localdate()
    oldest = timezone.localtime(docs.order_by("received_at").first().received_at).date()
    assert oldest <= today - timedelta(days=330)
    assert len({"县人大常委会办公室" in s or s for s in docs.values_list("sender", flat=True)}) >= 5
    # some handled ones overdue, one supervised, one extended
    kind = ContentType.objects.get_for_model(IncomingDocument)
    handling = Deadline.objects.filter(subject_type=kind, kind__startswith="documents.incoming.handling")
    assert handling.filter(state=DeadlineState.OVERDUE).count() >= 2
    assert handling.filter(state=DeadlineState.EXTENDED).exists()
    assert CaseEvent.objects.filter(item_type=kind, action="supervise").exists()


def test_circulation_has_read_and_outstanding_receipts(qingshan):
    rows = Circulation.objects.filter(document__township=qingshan)
    assert rows.filter(read_at__isnull=False).count() >= 20
    assert rows.filter(read_at__isnull=True).count() >= 3
    assert all(row.read_at >= row.sent_at for row in rows.filter(read_at__isnull=False))


def test_outgoing_documents_in_every_state(qingshan, baishui):
    docs = OutgoingDocument.objects.filter(township=qingshan)
    assert docs.count() >= 30
    assert set(docs.values_list("state", flat=True)) == set(OutgoingState.values)
    assert docs.filter(archived_at__isnull=False).count() >= 8
    assert {d.issuing_body.code for d in docs.select_related("issuing_body")} == {"青人", "青人大", "青人办"}
    assert 2 <= OutgoingDocument.objects.filter(township=baishui).count() <= 6
    assert 2 <= IncomingDocument.objects.filter(township=baishui).count() <= 6


def test_document_numbers_are_gapless_with_one_voided_number_logged(qingshan, seeded):
    taken = defaultdict(list)
    for body_id, year, sequence in OutgoingDocument.objects.filter(sequence__isnull=False).values_list(
        "issuing_body_id", "year", "sequence"
    ):
        taken[body_id, year].append(sequence)
    for body_id, year, sequence in VoidedNumber.objects.values_list("issuing_body_id", "year", "sequence"):
        taken[body_id, year].append(sequence)
    assert taken
    for key, numbers in taken.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key
    voided = VoidedNumber.objects.get(issuing_body__township=qingshan)
    assert voided.reason and voided.document.sequence > voided.sequence
    assert voided.document.state == OutgoingState.DISPATCHED
    # 收文号 likewise, per township and year
    incoming = defaultdict(list)
    for township_id, year, sequence in IncomingDocument.objects.filter(sequence__isnull=False).values_list(
        "township_id", "year", "sequence"
    ):
        incoming[township_id, year].append(sequence)
    for key, numbers in incoming.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key


def test_the_classified_letter_is_seen_only_by_the_cleared_chair(qingshan):
    classified = IncomingDocument.objects.get(township=qingshan, secrecy=Secrecy.CONFIDENTIAL)
    assert classified.secrecy_mark == "机密★20年"
    assert IncomingDocument.objects.exclude(secrecy="").count() == 1
    clerk, chair = User.objects.get(username="qs_clerk"), User.objects.get(username="qs_chair")
    assert chair.clearance == 2
    assert list(User.objects.filter(clearance__gt=0).values_list("username", flat=True)) == ["qs_chair"]
    assert IncomingDocument.objects.visible_to(chair).filter(pk=classified.pk).exists()
    for name in ("qs_clerk", "qs_vicechair", "qs_auditor", "county"):
        user = User.objects.get(username=name)
        assert not IncomingDocument.objects.visible_to(user).filter(pk=classified.pk).exists(), name
    assert (
        IncomingDocument.objects.visible_to(clerk).count()
        == IncomingDocument.objects.filter(township=qingshan).count() - 1
    )
    # the notification of its 批办 went to the cleared chair only
    told = Notification.objects.filter(url=classified.get_absolute_url()).values_list("recipient__username", flat=True)
    assert set(told) == {"qs_chair"}


def test_every_step_has_its_timeline_dated_where_it_happened(qingshan):
    now = timezone.now()
    for doc in IncomingDocument.objects.filter(township=qingshan):
        events = case_timeline(doc)
        assert events[0].action == "receive" and events[0].at == doc.received_at
        stamps = [e.at for e in events]
        assert stamps == sorted(stamps) and stamps[-1] <= now
    old = OutgoingDocument.objects.filter(township=qingshan, archived_at__isnull=False).order_by("drafted_at").first()
    events = case_timeline(old)
    assert [e.action for e in events][-5:] == ["register", "print", "seal", "dispatch", "archive"]
    assert events[0].at.date() < (now - timedelta(days=60)).date()
    assert old.written_on == old.signed_on and old.printed_on >= old.signed_on


def test_demo_petitions_and_suggestions_cite_their_documents(qingshan):
    from petitions.models import Petition

    clerk = User.objects.get(username="qs_clerk")
    assert DocumentCitation.objects.filter(township=qingshan).count() >= 4
    petition = Petition.objects.get(township=qingshan, title="养殖场污水直排河道")
    links = record_links(petition, clerk)
    assert [link["relation"] for link in links] == ["转办函"]
    assert "关于转送养殖场污染问题信访事项的函" in links[0]["label"]
