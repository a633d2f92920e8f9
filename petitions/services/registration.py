"""Registration and the acceptance decision (信访工作条例 Art.22–23): within 15 days of receipt
the office accepts, declines with a reason, or transfers an item outside its remit."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress_office.crypto import keyed_hash
from congress_office.message_keys import Message
from congress_office.services.cases import (
    case_event,
    case_meet_clocks,
    case_open_clock,
    case_pending_deadlines,
    case_transition,
    check_decision_date,
)
from congress_office.services.numbering import next_sequence

from ..choices import Channel, PetitionState
from ..models import Petition

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_query_code():
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(10))


def query_code_hash(code):
    return keyed_hash(f"query-code:{code}")


def find_earlier_case(petition):
    """The most recent earlier petition of the same person (ID number or phone) on the same
    subject, or None: the repeat-petition check (重复信访)."""
    identity = [h for h in (petition.id_hash, petition.phone_hash) if h]
    if not identity:
        return None
    from django.db.models import Q

    same_person = Q()
    if petition.id_hash:
        same_person |= Q(id_hash=petition.id_hash)
    if petition.phone_hash:
        same_person |= Q(phone_hash=petition.phone_hash)
    # only petitions received up to this one's date: a letter registered late is not the
    # "repeat" of a later petition
    return (
        Petition.objects.filter(
            township_id=petition.township_id, subject_id=petition.subject_id, received_on__lte=petition.received_on
        )
        .filter(same_person)
        .exclude(pk=petition.pk)
        .order_by("-received_on", "-pk")
        .first()
    )


@transaction.atomic
def petition_register(
    *,
    township,
    by,
    channel,
    category,
    subject,
    title,
    address,
    request,
    facts,
    received_on,
    petitioner_name="",
    organisation="",
    phone="",
    id_number="",
    reasons="",
    oral_record="",
    is_group=False,
    headcount=1,
    representatives=(),
    source_deputy=None,
    with_query_code=False,
    query_code=None,
):
    """Register a petition from any channel and start its 15-day acceptance clock.

    Returns (petition, query_code); the code is only returned here (its hash is stored) and is
    given to the petitioner to follow the case online. `query_code` fixes the code instead of
    drawing one (demo data that the README can quote)."""
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("收到日期不能晚于今天。")})
    if subject.township_id not in (None, township.pk):
        raise ValidationError({"subject": _("事项分类不属于本乡镇。")})
    if channel == Channel.DEPUTY and source_deputy is None:
        raise ValidationError({"source_deputy": _("代表转交的信访件请选择转交代表。")})
    if source_deputy is not None and source_deputy.township_id != township.pk:
        raise ValidationError({"source_deputy": _("转交代表必须是本乡镇的代表。")})
    if not (petitioner_name or "").strip() and not (organisation or "").strip():
        # the model's check constraint says the same, but not in words a clerk can act on
        raise ValidationError({"petitioner_name": _("请填写信访人姓名或单位名称。")})
    year = received_on.year
    petition = Petition(
        township=township,
        state=PetitionState.REGISTERED,
        year=year,
        sequence=next_sequence(queryset=Petition.objects, township_id=township.pk, year=year),
        channel=channel,
        category=category,
        subject=subject,
        title=title,
        address=address,
        request=request,
        facts=facts,
        reasons=reasons,
        oral_record=oral_record,
        received_on=received_on,
        petitioner_name=petitioner_name,
        organisation=organisation,
        phone=phone.strip(),
        id_number=id_number.strip().upper(),
        phone_hash=keyed_hash(phone),
        id_hash=keyed_hash(id_number),
        is_group=is_group,
        headcount=headcount if is_group else 1,
        representatives=[r for r in representatives if r],
        registered_by=by,
        source_deputy=source_deputy,
    )
    code = None
    if with_query_code:
        code = query_code or new_query_code()
        petition.query_code_hash = query_code_hash(code)
    petition.full_clean()
    # linked before the first save: one history record for the registration
    earlier = find_earlier_case(petition)
    petition.repeat_of = earlier
    if by is not None:
        petition._history_user = by
    petition.save()
    case_event(
        item=petition,
        action="register",
        label=Message(gettext_noop("登记")),
        by=by,
        actor_label="" if by else (petitioner_name or organisation),
        to_state=petition.state,
        data={"channel": channel, "repeat_of": earlier.pk if earlier else None},
    )
    case_open_clock(
        item=petition,
        clock_name="acceptance",
        start=received_on,
        by=by,
        title=Message(gettext_noop("受理告知：%(p)s"), p=petition),
    )
    return petition, code


def _decision_date(petition, on):
    """The decision date the clerk enters: not in the future, not before receipt — and, for an
    item already found outside the remit, not before that finding (the objection clock's start)."""
    earliest, label = petition.received_on, _("收到日期")
    if petition.state == PetitionState.OUTSIDE_REMIT:
        objection = case_pending_deadlines(petition, ["objection"]).order_by("-pk").first()
        if objection is not None:
            earliest, label = objection.start_date, _("认定不属本机关职权的日期")
    return check_decision_date(on or timezone.localdate(), earliest=earliest, earliest_label=label, label=_("决定日期"))


@transaction.atomic
def petition_accept(*, petition, by, on=None):
    """Accept (受理) on the decision date `on`: the acceptance clock is met on that date, and the
    handling clock will run from it once assigned."""
    on = _decision_date(petition, on)
    case_transition(item=petition, action="accept", by=by, data={"on": on.isoformat()})
    petition.accepted_on = on
    petition.save(update_fields=["accepted_on"])
    case_meet_clocks(petition, ["acceptance"], by=by, on=on)
    return petition


@transaction.atomic
def petition_decline(*, petition, by, reason, on=None):
    """Not accepted (不予受理), with the reason the notice letter gives the petitioner."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写不予受理的理由。")})
    on = _decision_date(petition, on)
    case_transition(item=petition, action="not_accept", by=by, note=reason, data={"on": on.isoformat()})
    petition.decision_reason = reason.strip()
    petition.save(update_fields=["decision_reason"])
    case_meet_clocks(petition, ["acceptance"], by=by, on=on)
    return petition


@transaction.atomic
def petition_mark_outside_remit(*, petition, by, reason, on=None):
    """The item is outside the office's remit (不属于本机关职权范围): the objection clock opens —
    within PETITION_OBJECTION_WORKING_DAYS working days the office objects to the sender or passes
    it to the competent body (petition_transfer_out meets it), with reminders like any clock."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明不属于本机关职权范围的理由。")})
    on = _decision_date(petition, on)
    case_transition(item=petition, action="mark_outside_remit", by=by, note=reason.strip(), data={"on": on.isoformat()})
    petition.decision_reason = reason.strip()
    petition.save(update_fields=["decision_reason"])
    return case_open_clock(
        item=petition,
        clock_name="objection",
        start=on,
        by=by,
        title=Message(gettext_noop("提出异议或转送：%(p)s"), p=petition),
    )


@transaction.atomic
def petition_transfer_out(*, petition, by, to, reason, on=None):
    """Outside the office's remit: transferred to the competent body (转送有权处理的机关); meets
    the acceptance clock and, when the item was marked outside the remit, the objection clock."""
    if not (to or "").strip():
        raise ValidationError({"to": _("请填写转送的机关。")})
    on = _decision_date(petition, on)
    case_transition(item=petition, action="transfer_out", by=by, note=reason, data={"to": to, "on": on.isoformat()})
    petition.transferred_to = to.strip()
    petition.decision_reason = (reason or "").strip() or petition.decision_reason
    petition.save(update_fields=["transferred_to", "decision_reason"])
    case_meet_clocks(petition, ["acceptance", "objection"], by=by, on=on)
    return petition


def petition_for_query(*, code, phone):
    """The petition a citizen may follow with the query code and the phone number given at
    submission, or None. Both must match; nothing tells which one was wrong."""
    code = "".join((code or "").split()).upper()
    if len(code) != 10 or not phone:
        return None
    return (
        Petition.objects.select_related("township", "subject", "lead_unit")
        .filter(query_code_hash=query_code_hash(code), phone_hash=keyed_hash(phone))
        .first()
    )
