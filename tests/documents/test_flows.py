"""Both document flows through their services: every step in order, the numbers, the clocks,
and refusals that change nothing."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from congress_office.models import Deadline, DeadlineState
from congress_office.services.cases import case_timeline
from documents.choices import IncomingState, OutgoingState, Secrecy, Urgency
from documents.models import Dispatch, IncomingDocument, OutgoingDocument, VoidedNumber
from documents.services import incoming as inc
from documents.services import outgoing as out


def actions(item):
    return [e.action for e in case_timeline(item)]


def test_an_incoming_document_goes_from_receipt_to_archive(registered, clerk, chair, handler, unit, users):
    assert registered.number == "收〔2026〕1号" and registered.state == IncomingState.REGISTERED
    inc.incoming_check(document=registered, by=clerk)
    inc.incoming_propose(document=registered, by=clerk, proposal="拟请主席阅示，交自然资源所办理。")
    with pytest.raises(PermissionDenied):
        inc.incoming_instruct(document=registered, by=clerk, instruction="同意")
    inc.incoming_instruct(document=registered, by=chair, instruction="同意，请自然资源所抓紧办理。")
    inc.incoming_assign(document=registered, by=clerk, lead_unit=unit)
    clock = Deadline.objects.get(kind="documents.incoming.handling", subject_id=registered.pk)
    assert clock.limit == 10 and clock.responsible_unit == unit
    inc.incoming_circulate(document=registered, by=clerk, readers=[chair, users["auditor"]])
    assert inc.incoming_mark_read(document=registered, by=chair).read_at is not None
    assert inc.incoming_mark_read(document=registered, by=chair) is None  # once
    assert inc.incoming_remind_unread(document=registered, by=clerk) == 1
    inc.incoming_supervise(document=registered, by=chair, content="请于本周内办结。")
    inc.incoming_close(document=registered, by=handler, result="已按通知要求落实。")
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET
    inc.incoming_archive(document=registered, by=clerk)
    registered.refresh_from_db()
    assert registered.state == IncomingState.CLOSED and registered.archived_at is not None
    assert actions(registered) == [
        "receive",
        "register",
        "check",
        "propose",
        "instruct",
        "assign",
        "circulate",
        "read",
        "supervise",
        "reply",
        "archive",
    ]


def test_urgency_shortens_the_handling_clock(township, clerk, chair, unit, settings):
    settings.DOCUMENT_VERY_URGENT_WORKING_DAYS = 2
    doc = inc.incoming_receive(
        township=township, by=clerk, sender="县政府办", title="特急通知", urgency=Urgency.VERY_URGENT
    )
    inc.incoming_register(document=doc, by=clerk)
    inc.incoming_check(document=doc, by=clerk)
    inc.incoming_propose(document=doc, by=clerk, proposal="拟办")
    inc.incoming_instruct(document=doc, by=chair, instruction="同意")
    inc.incoming_assign(document=doc, by=clerk, lead_unit=unit, start=date(2026, 11, 2))
    clock = Deadline.objects.get(subject_id=doc.pk, kind="documents.incoming.handling_very_urgent")
    assert (clock.limit, clock.due_date) == (2, date(2026, 11, 4))


def test_a_returned_document_keeps_its_reason_and_number(registered, clerk):
    with pytest.raises(ValidationError):
        inc.incoming_return(document=registered, by=clerk, reason=" ")
    inc.incoming_return(document=registered, by=clerk, reason="来文非本机关职权范围，请转县民政局。")
    registered.refresh_from_db()
    assert registered.state == IncomingState.RETURNED and registered.number == "收〔2026〕1号"
    with pytest.raises(ValidationError, match="不能“拟办”"):
        inc.incoming_propose(document=registered, by=clerk, proposal="x")


def test_registration_numbers_are_gapless_per_township_and_year(township, other_township, clerk, other_clerk):
    numbers = []
    for n in range(3):
        doc = inc.incoming_receive(township=township, by=clerk, sender="县委办", title=f"来文{n}")
        numbers.append(inc.incoming_register(document=doc, by=clerk).sequence)
    other = inc.incoming_receive(township=other_township, by=other_clerk, sender="县委办", title="来文")
    assert numbers == [1, 2, 3] and inc.incoming_register(document=other, by=other_clerk).sequence == 1


def test_secrecy_needs_clearance_and_a_period_within_its_level(township, clerk, chair):
    with pytest.raises(ValidationError, match="涉密等级不足"):
        inc.incoming_receive(township=township, by=clerk, sender="县委办", title="机密件", secrecy=Secrecy.CONFIDENTIAL)
    clerk.clearance = 2
    clerk.save()
    doc = inc.incoming_receive(
        township=township, by=clerk, sender="县委办", title="机密件", secrecy=Secrecy.CONFIDENTIAL
    )
    with pytest.raises(ValidationError, match="1 至 20 年"):
        inc.incoming_register(document=doc, by=clerk, secrecy_years=25)
    inc.incoming_register(document=doc, by=clerk, secrecy_years=None)
    doc.refresh_from_db()
    assert doc.secrecy_years == 20 and doc.secrecy_mark == "机密★20年"
    assert not IncomingDocument.objects.visible_to(chair).filter(pk=doc.pk).exists()
    chair.clearance = 2
    chair.save()
    assert IncomingDocument.objects.visible_to(chair).filter(pk=doc.pk).exists()


def test_raising_a_drafts_secrecy_needs_the_clearance_for_it(draft, clerk):
    with pytest.raises(ValidationError, match="涉密等级不足"):
        out.outgoing_save_draft(document=draft, by=clerk, secrecy=Secrecy.SECRET, note="定密")
    draft.refresh_from_db()
    assert draft.secrecy == Secrecy.NONE and draft.versions.count() == 1
    clerk.clearance = 1
    clerk.save()
    out.outgoing_save_draft(document=draft, by=clerk, secrecy=Secrecy.SECRET, note="定密")
    assert OutgoingDocument.objects.get(pk=draft.pk).secrecy == Secrecy.SECRET


def test_an_outgoing_document_goes_from_draft_to_archive(draft, clerk, chair, body):
    assert draft.state == OutgoingState.DRAFT and draft.versions.count() == 1
    out.outgoing_save_draft(document=draft, by=clerk, body=draft.body + "请各位代表准时参加。", note="补充")
    out.outgoing_submit(document=draft, by=clerk)
    out.outgoing_review(document=draft, by=clerk, passed=False, comment="请补充会议地点。")
    draft.refresh_from_db()
    assert draft.state == OutgoingState.DRAFT
    out.outgoing_save_draft(document=draft, by=clerk, body=draft.body + "地点：镇政府三楼会议室。")
    out.outgoing_submit(document=draft, by=clerk)
    out.outgoing_review(document=draft, by=clerk, passed=True)
    with pytest.raises(PermissionDenied):
        out.outgoing_sign(document=draft, by=clerk, opinion="同意")
    out.outgoing_sign(document=draft, by=chair, opinion="同意印发")
    assert draft.signed_version == 3
    out.outgoing_register(document=draft, by=clerk)
    draft.refresh_from_db()
    assert draft.number == "青人〔2026〕1号"
    out.outgoing_print(document=draft, by=clerk, copies=40)
    out.outgoing_seal(document=draft, by=clerk, seal="青山镇人大主席团印章", count=40)
    with pytest.raises(ValidationError, match="超过印制份数 40 份"):
        out.outgoing_dispatch(document=draft, by=clerk, copies={"各村（社区）": 39, "镇直各单位": 1})
    with pytest.raises(ValidationError, match="至少分发 1 份"):
        out.outgoing_dispatch(document=draft, by=clerk, copies={"县人大常委会": 0})
    assert not Dispatch.objects.filter(document=draft).exists()
    out.outgoing_dispatch(document=draft, by=clerk, copies={"各村（社区）": 30})
    assert set(Dispatch.objects.filter(document=draft).values_list("recipient", "kind", "copies")) == {
        ("各村（社区）", "main", 30),
        ("县人大常委会", "cc", 1),
        ("镇直各单位", "main", 1),
    }
    out.outgoing_archive(document=draft, by=clerk)
    assert actions(draft)[-6:] == ["sign", "register", "print", "seal", "dispatch", "archive"]


def test_a_substantive_change_after_signing_goes_back_to_the_signer(draft, clerk, chair):
    out.outgoing_submit(document=draft, by=clerk)
    out.outgoing_review(document=draft, by=clerk, passed=True)
    out.outgoing_sign(document=draft, by=chair, opinion="同意")
    out.outgoing_save_draft(document=draft, by=clerk, body="会议改期至2026年12月22日。", note="改期")
    draft.refresh_from_db()
    assert draft.state == OutgoingState.SIGNING and actions(draft)[-1] == "resign"


def test_a_voided_number_is_logged_and_never_reused(draft, clerk, chair, township, body):
    out.outgoing_submit(document=draft, by=clerk)
    out.outgoing_review(document=draft, by=clerk, passed=True)
    out.outgoing_sign(document=draft, by=chair, opinion="同意")
    out.outgoing_register(document=draft, by=clerk)
    out.outgoing_void_number(document=draft, by=clerk, reason="编号时选错发文机关")
    out.outgoing_register(document=draft, by=clerk)
    draft.refresh_from_db()
    assert draft.number == "青人〔2026〕2号"
    assert str(VoidedNumber.objects.get()) == "青人〔2026〕1号"


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_registrations_take_fifty_gapless_numbers(township, clerk, chair, body):
    documents = []
    for n in range(50):
        doc = out.outgoing_create(
            township=township, by=clerk, issuing_body=body, doc_type="notice", title=f"通知{n}", body="正文"
        )
        out.outgoing_submit(document=doc, by=clerk)
        out.outgoing_review(document=doc, by=clerk, passed=True)
        out.outgoing_sign(document=doc, by=chair, opinion="同意")
        documents.append(doc)
    errors, barrier = [], threading.Barrier(len(documents))

    def register(doc):
        try:
            barrier.wait()
            out.outgoing_register(document=OutgoingDocument.objects.get(pk=doc.pk), by=clerk)
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(doc,)) for doc in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(OutgoingDocument.objects.values_list("sequence", flat=True)) == list(range(1, 51))
