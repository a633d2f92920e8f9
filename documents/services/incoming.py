"""收文: 签收 → 登记 → 初审 (退文) → 拟办 → 批办 → 交办 → 传阅 → 催办 → 办结 → 归档.

Every step is one service, keyword-only and atomic, on the core's handling engine: who may take
it and in which state is the case type's (documents.case_type); the engine keeps the timeline,
the clocks and the notifications. "收文有来源，流转有记录": nothing is deleted, every step has
who, when and the opinion.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress_office.message_keys import Message
from congress_office.services.cases import (
    case_assign,
    case_check,
    case_event,
    case_open_clock,
    case_reply,
    case_supervise,
    case_transition,
    check_decision_date,
)
from congress_office.services.deadlines import deadline_meet
from congress_office.services.notifications import notify
from congress_office.services.numbering import next_sequence

from ..choices import SECRECY_LEVEL, IncomingState, Secrecy, Urgency
from ..models import Circulation, IncomingDocument, IncomingFile

HANDLING_CLOCK = {
    Urgency.NORMAL: "handling",
    Urgency.URGENT: "handling_urgent",
    Urgency.VERY_URGENT: "handling_very_urgent",
}


def _text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def check_secrecy(secrecy, years):
    """A level and a period within the level's maximum (绝密 ≤30, 机密 ≤20, 秘密 ≤10 years)."""
    if secrecy not in Secrecy.values:
        raise ValidationError({"secrecy": _("请选择密级。")})
    if not secrecy:
        if years:
            raise ValidationError({"secrecy_years": _("非密公文不标注保密期限。")})
        return None
    limit = settings.DOCUMENT_SECRECY_MAX_YEARS[secrecy]
    if years is not None and not 1 <= years <= limit:
        raise ValidationError(
            {
                "secrecy_years": _("%(level)s公文的保密期限为 1 至 %(n)s 年。")
                % {"level": Secrecy(secrecy).label, "n": limit}
            }
        )
    return years or limit


def _cleared(user, secrecy):
    return user.clearance >= SECRECY_LEVEL[Secrecy(secrecy or "")]


def _add_files(document, files, by):
    for upload in files or []:
        row = IncomingFile(document=document, file=upload, name=upload.name[:200], uploaded_by=by)
        row.full_clean(exclude=["document"])
        row.save()


@transaction.atomic
def incoming_receive(*, township, by, sender, title, received_at=None, urgency="", secrecy="", note=""):
    """签收: who received it and when (a classified one only by someone cleared for it)."""
    if not by.has_perm("documents.add_incomingdocument") or by.township_id != township.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有本乡镇人大办工作人员可以签收来文。"))
    received_at = received_at or timezone.now()
    if received_at > timezone.now():
        raise ValidationError({"received_at": _("签收时间不能晚于现在。")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("请选择紧急程度。")})
    check_secrecy(secrecy, None)
    if not _cleared(by, secrecy):
        raise ValidationError({"secrecy": _("您的涉密等级不足，不能签收该密级的公文，请交有权限的人员签收。")})
    document = IncomingDocument(
        township=township,
        state=IncomingState.RECEIVED,
        year=timezone.localtime(received_at).year,
        received_at=received_at,
        received_by=by,
        sender=_text(sender, "sender", _("请填写来文机关。")),
        title=_text(title, "title", _("请填写标题。")),
        urgency=urgency,
        secrecy=secrecy,
    )
    document.full_clean()
    document._history_user = by
    document.save()
    case_event(
        item=document,
        action="receive",
        label=Message(gettext_noop("签收")),
        by=by,
        note=note,
        to_state=document.state,
        data={"received_at": timezone.localtime(received_at).isoformat(timespec="minutes")},
    )
    return document


@transaction.atomic
def incoming_register(
    *,
    document,
    by,
    sender_number="",
    doc_type="",
    copies=1,
    pages=1,
    secrecy=None,
    secrecy_years=None,
    urgency=None,
    files=(),
):
    """登记: the 收文号 (收〔year〕n号, gapless per township and year) and the particulars."""
    case_check(item=document, action="register", by=by)
    secrecy = document.secrecy if secrecy is None else secrecy
    years = check_secrecy(secrecy, secrecy_years)
    if not _cleared(by, secrecy):
        raise ValidationError({"secrecy": _("您的涉密等级不足，不能登记该密级的公文。")})
    if urgency is not None:
        if urgency not in Urgency.values:
            raise ValidationError({"urgency": _("请选择紧急程度。")})
        document.urgency = urgency
    if not (isinstance(copies, int) and copies >= 1):
        raise ValidationError({"copies": _("份数至少为 1。")})
    if not (isinstance(pages, int) and pages >= 1):
        raise ValidationError({"pages": _("页数至少为 1。")})
    document.sender_number, document.doc_type = (sender_number or "").strip(), doc_type or ""
    document.copies, document.pages, document.secrecy, document.secrecy_years = copies, pages, secrecy, years
    document.sequence = next_sequence(
        queryset=IncomingDocument.objects.exclude(pk=document.pk), township_id=document.township_id, year=document.year
    )
    document.full_clean()
    case_transition(
        item=document,
        action="register",
        by=by,
        data={"number": document.number},
        save_fields=("sequence", "sender_number", "doc_type", "copies", "pages", "secrecy", "secrecy_years", "urgency"),
    )
    _add_files(document, files, by)
    return document


@transaction.atomic
def incoming_return(*, document, by, reason):
    """初审退文: returned to the sender with the reason (a printable 退文说明)."""
    case_check(item=document, action="return", by=by)
    document.return_reason = _text(reason, "reason", _("请填写退文理由。"))
    return case_transition(
        item=document, action="return", by=by, note=document.return_reason, save_fields=("return_reason",)
    )


@transaction.atomic
def incoming_check(*, document, by, note=""):
    """初审通过: the document is for this office and complete."""
    return case_transition(item=document, action="check", by=by, note=(note or "").strip())


@transaction.atomic
def incoming_propose(*, document, by, proposal):
    """拟办意见 by the office; the chairs are asked for their 批办."""
    case_check(item=document, action="propose", by=by)
    document.proposal = _text(proposal, "proposal", _("请填写拟办意见。"))
    event = case_transition(item=document, action="propose", by=by, note=document.proposal, save_fields=("proposal",))
    from congress_office.services.deadlines import chairs_of

    notify(
        recipients=[u for u in chairs_of(document.township_id) if _cleared(u, document.secrecy)],
        title=Message(gettext_noop("收文待批办：%(d)s"), d=document.number),
        body=document.proposal[:200],
        url=document.get_absolute_url(),
        township=document.township,
    )
    return event


@transaction.atomic
def incoming_instruct(*, document, by, instruction):
    """批办 by a chair."""
    case_check(item=document, action="instruct", by=by)
    document.instruction = _text(instruction, "instruction", _("请填写批办意见。"))
    return case_transition(
        item=document, action="instruct", by=by, note=document.instruction, save_fields=("instruction",)
    )


@transaction.atomic
def incoming_assign(*, document, by, lead_unit, start=None, note=""):
    """交办 to the handling unit, on a clock by urgency (DOCUMENT_*_WORKING_DAYS)."""
    return case_assign(
        item=document,
        lead_unit=lead_unit,
        by=by,
        start=start,
        clock=HANDLING_CLOCK[Urgency(document.urgency)],
        note=note,
    )


@transaction.atomic
def incoming_circulate(*, document, by, readers, start=None):
    """传阅 to named people: each gets a reading clock (DOCUMENT_READING_WORKING_DAYS) with the
    platform's reminders until they open it. Readers must be of the township and cleared."""
    case_check(item=document, action="circulate", by=by)
    readers = list(readers)
    if not readers:
        raise ValidationError({"readers": _("请选择传阅人员。")})
    for reader in readers:
        if reader.township_id != document.township_id or not reader.is_active:
            raise ValidationError({"readers": _("传阅人员必须是本乡镇的在用账号。")})
        if not reader.has_perm("documents.view_incomingdocument"):
            raise ValidationError(
                {"readers": _("%(name)s 的角色不能查阅收文，不能列入传阅。") % {"name": reader.display_name}}
            )
        if not _cleared(reader, document.secrecy):
            raise ValidationError(
                {"readers": _("%(name)s 的涉密等级不足，不能传阅该公文。") % {"name": reader.display_name}}
            )
    already = set(document.circulations.values_list("reader_id", flat=True))
    new = [r for r in readers if r.pk not in already]
    if not new:
        raise ValidationError({"readers": _("所选人员均已在传阅名单中。")})
    start = start or timezone.localdate()
    for reader in new:
        deadline = case_open_clock(
            item=document,
            clock_name="reading",
            start=start,
            user=reader,
            by=by,
            title=Message(gettext_noop("传阅：%(d)s"), d=document),
        )
        Circulation.objects.create(document=document, reader=reader, sent_by=by, deadline=deadline)
    event = case_transition(item=document, action="circulate", by=by, data={"readers": [r.display_name for r in new]})
    notify(
        recipients=new,
        title=Message(gettext_noop("请阅文件：%(d)s"), d=document),
        body=Message(gettext_noop("送阅人：%(by)s"), by=by.display_name),
        url=document.get_absolute_url(),
        township=document.township,
    )
    return event


@transaction.atomic
def incoming_mark_read(*, document, by):
    """The read receipt: the first time a named reader opens the document. Returns the row, or
    None when `by` is not on the list (or has read it already)."""
    row = Circulation.objects.select_for_update().filter(document=document, reader=by, read_at__isnull=True).first()
    if row is None:
        return None
    row.read_at = timezone.now()
    row.save(update_fields=["read_at"])
    if row.deadline_id and row.deadline.is_pending:
        deadline_meet(deadline=row.deadline, by=by)
    case_event(item=document, action="read", label=Message(gettext_noop("阅文")), by=by)
    return row


def incoming_remind_unread(*, document, by):
    """A reminder now to everyone on the list who has not read it yet; returns how many."""
    case_check(item=document, action="circulate", by=by)
    unread = [c.reader for c in document.circulations.filter(read_at__isnull=True).select_related("reader")]
    notify(
        recipients=unread,
        title=Message(gettext_noop("【催阅】%(d)s"), d=document),
        body=Message(gettext_noop("请尽快阅文。")),
        url=document.get_absolute_url(),
        township=document.township,
    )
    return len(unread)


def incoming_supervise(*, document, by, content, reply_by=None):
    """催办: a supervision notice to the handling unit (督办〔year〕n号)."""
    return case_supervise(item=document, by=by, content=content, reply_by=reply_by)


@transaction.atomic
def incoming_close(*, document, by, result, on=None):
    """答复 / 办结 with the result, on the date given (the clock is met on it)."""
    case_check(item=document, action="reply", by=by)
    result = _text(result, "result", _("请填写办理结果。"))
    if on is not None:
        check_decision_date(on, earliest=timezone.localtime(document.received_at).date(), earliest_label=_("签收日期"))
    reply, event = case_reply(item=document, by=by, content=result, on=on)
    document.result = result
    document.save(update_fields=["result"])
    return reply


@transaction.atomic
def incoming_archive(*, document, by):
    """The 归档 mark (the archive issue builds the 件 from it)."""
    case_check(item=document, action="archive", by=by)
    if document.archived_at:
        raise ValidationError(_("该收文已归档。"))
    document.archived_at, document.archived_by = timezone.now(), by
    return case_transition(item=document, action="archive", by=by, save_fields=("archived_at", "archived_by"))
