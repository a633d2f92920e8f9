"""发文: 起草 → 核稿 → 签发 → 复核 → 登记 (发文字号) → 印制 → 用印 → 核发 → 归档.

Every step is one service on the core's engine (who may take it is the case type's). Every saved
draft is a version; a substantive change after signing sends the document back to the signer.
The 发文字号 机关代字〔YYYY〕N号 is gapless and unique per 机关代字 and year: the issuing body's
row is locked while the number is taken, and a voided number is logged and never reused.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress_office.message_keys import Message
from congress_office.services.cases import (
    case_check,
    case_event,
    case_internal_transition,
    case_lock,
    case_transition,
    check_decision_date,
)
from congress_office.services.notifications import notify

from ..choices import DocType, OutgoingState
from ..models import Dispatch, DispatchKind, DraftVersion, IssuingBody, OutgoingDocument, SealLog, VoidedNumber
from .incoming import _cleared, check_secrecy

# the fields a draft may set (GB/T 9704 elements other than the number, the signer and the print data)
DRAFT_FIELDS = (
    "doc_type",
    "copy_number",
    "title",
    "main_recipients",
    "body",
    "attachments_note",
    "signature",
    "written_on",
    "seal",
    "note",
    "cc_recipients",
    "print_body",
    "secrecy",
    "secrecy_years",
    "urgency",
)
# a change to these after signing is substantive: it goes back to the signer (复核)
SUBSTANTIVE = ("doc_type", "title", "main_recipients", "body", "attachments_note", "signature", "secrecy")


def docx_text(upload):
    """The text of a .docx body, paragraph by paragraph (the file itself is kept). The upload is
    checked first (a zip bomb is refused before python-docx unpacks it; free when the form has)."""
    from docx import Document

    from ..models import validate_document_upload

    try:
        validate_document_upload(upload)
    except ValidationError as error:
        raise ValidationError({"docx": error.messages}) from None
    try:
        upload.seek(0)
        text = "\n".join(p.text for p in Document(upload).paragraphs)
    except Exception as error:  # a damaged or disguised file: say so, keep nothing
        raise ValidationError(
            {"docx": _("无法读取该 Word 文件（%(e)s），请另存为 .docx 后再上传。") % {"e": type(error).__name__}}
        ) from None
    finally:
        upload.seek(0)
    return text.strip()


def _clean_values(values, township_id):
    unknown = set(values) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError(_("未知的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    if "doc_type" in values and values["doc_type"] not in DocType.values:
        raise ValidationError({"doc_type": _("请选择文种。")})
    if "secrecy" in values or "secrecy_years" in values:
        values["secrecy_years"] = check_secrecy(values.get("secrecy", ""), values.get("secrecy_years"))
    if not (values.get("title") or "").strip():
        raise ValidationError({"title": _("请填写标题。")})
    return values


def _save_version(document, by, note, docx=None):
    last = document.versions.aggregate(n=Max("version"))["n"] or 0
    return DraftVersion.objects.create(
        document=document,
        version=last + 1,
        title=document.title,
        body=document.body,
        docx=docx or "",
        note=(note or "").strip()[:200],
        saved_by=by,
    )


@transaction.atomic
def outgoing_create(*, township, by, issuing_body, docx=None, note="", annotation=None, **values):
    """起草: a new outgoing document, version 1. A .docx may be uploaded as the body. `note` is
    the version's 修改说明; the document's 附注 (its field `note`) comes as `annotation`."""
    if annotation is not None:
        values["note"] = annotation
    if not by.has_perm("documents.add_outgoingdocument") or by.township_id != township.pk:
        raise PermissionDenied(_("只有本乡镇人大办工作人员可以起草发文。"))
    if issuing_body.township_id != township.pk or not issuing_body.is_active:
        raise ValidationError({"issuing_body": _("请选择本乡镇在用的发文机关。")})
    if docx is not None:
        values["body"] = docx_text(docx)
    values = _clean_values(values, township.pk)
    if not _cleared(by, values.get("secrecy", "")):
        raise ValidationError({"secrecy": _("您的涉密等级不足，不能起草该密级的公文。")})
    document = OutgoingDocument(
        township=township, state=OutgoingState.DRAFT, issuing_body=issuing_body, drafted_by=by, **values
    )
    document.full_clean()
    document._history_user = by
    document.save()
    version = _save_version(document, by, note or _("初稿"), docx)
    case_event(
        item=document,
        action="draft",
        label=Message(gettext_noop("起草")),
        by=by,
        to_state=document.state,
        data={"version": version.version},
    )
    return document


@transaction.atomic
def outgoing_save_draft(*, document, by, docx=None, note="", annotation=None, **values):
    """Save the draft as a new version. After signing (复核), a substantive change sends the
    document back to the signer; a non-substantive one (a typo in 附注 …) is only recorded.
    `note` is the version's 修改说明, `annotation` the 附注 (as in outgoing_create)."""
    if annotation is not None:
        values["note"] = annotation
    case_check(item=document, action="save_draft", by=by)
    case_lock(document)
    case_check(item=document, action="save_draft", by=by)
    if docx is not None:
        values["body"] = docx_text(docx)
    merged = {name: values.get(name, getattr(document, name)) for name in DRAFT_FIELDS}
    merged = _clean_values(merged, document.township_id)
    if merged["secrecy"] != document.secrecy and not _cleared(by, merged["secrecy"]):
        raise ValidationError({"secrecy": _("您的涉密等级不足，不能将公文标为该密级。")})
    changed = [name for name in DRAFT_FIELDS if merged[name] != getattr(document, name)]
    if not changed and docx is None:
        raise ValidationError(_("内容没有变化，无需保存新稿本。"))
    for name in changed:
        setattr(document, name, merged[name])
    document.full_clean()
    version = _save_version(document, by, note, docx)
    substantive = [name for name in changed if name in SUBSTANTIVE]
    if document.state == OutgoingState.SIGNED and substantive:
        case_internal_transition(
            item=document,
            action="resign",
            by=by,
            save_fields=tuple(changed),
            note=(note or "").strip(),
            data={"version": version.version, "changed": substantive},
        )
        if document.signer_id:
            notify(
                recipients=[document.signer],
                title=Message(gettext_noop("签发后有实质性修改，请重新签发：%(d)s"), d=document),
                body=(note or "").strip()[:200],
                url=document.get_absolute_url(),
                township=document.township,
            )
        return version
    case_transition(
        item=document,
        action="save_draft",
        by=by,
        note=(note or "").strip(),
        data={"version": version.version, "changed": changed},
        save_fields=tuple(changed),
    )
    return version


@transaction.atomic
def outgoing_submit(*, document, by):
    """送核稿."""
    return case_transition(item=document, action="submit", by=by)


@transaction.atomic
def outgoing_review(*, document, by, passed, comment=""):
    """核稿: pass it to the signer, or return the draft with comments."""
    comment = (comment or "").strip()
    if not passed and not comment:
        raise ValidationError({"comment": _("退回修改时请填写核稿意见。")})
    event = case_transition(item=document, action="pass_review" if passed else "return_draft", by=by, note=comment)
    if not passed:
        notify(
            recipients=[document.drafted_by],
            title=Message(gettext_noop("核稿退回：%(d)s"), d=document),
            body=comment[:200],
            url=document.get_absolute_url(),
            township=document.township,
        )
    return event


@transaction.atomic
def outgoing_sign(*, document, by, opinion, on=None):
    """签发 by a chair: opinion, name and date; the signed version is recorded."""
    case_check(item=document, action="sign", by=by)
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": _("请填写签发意见（如“同意印发”）。")})
    on = check_decision_date(
        on or timezone.localdate(),
        earliest=timezone.localtime(document.drafted_at).date(),
        earliest_label=_("起草日期"),
        field="on",
        label=_("签发日期"),
    )
    document.signer, document.sign_opinion, document.signed_on = by, opinion, on
    document.signed_version = document.versions.aggregate(n=Max("version"))["n"]
    return case_transition(
        item=document,
        action="sign",
        by=by,
        note=opinion,
        data={"on": on.isoformat(), "version": document.signed_version},
        save_fields=("signer", "sign_opinion", "signed_on", "signed_version"),
    )


def next_document_sequence(issuing_body, year):
    """The next 发文序号 of the issuing body in the year: after every number ever taken,
    voided ones included. Locks the issuing body's row until the transaction ends, so
    concurrent sign-offs queue and a number is never issued twice nor skipped."""
    IssuingBody.objects.select_for_update().filter(pk=issuing_body.pk).values_list("pk", flat=True).get()
    used = OutgoingDocument.objects.filter(issuing_body=issuing_body, year=year).aggregate(n=Max("sequence"))["n"]
    voided = VoidedNumber.objects.filter(issuing_body=issuing_body, year=year).aggregate(n=Max("sequence"))["n"]
    return max(used or 0, voided or 0) + 1


@transaction.atomic
def outgoing_register(*, document, by):
    """登记: the 发文字号 机关代字〔YYYY〕N号."""
    case_check(item=document, action="register", by=by)
    case_lock(document)
    case_check(item=document, action="register", by=by)
    year = timezone.localdate().year
    document.year, document.sequence = year, next_document_sequence(document.issuing_body, year)
    # the 代字 as it is today: an admin who changes it later does not rewrite issued numbers
    document.number_code = IssuingBody.objects.values_list("code", flat=True).get(pk=document.issuing_body_id)
    return case_transition(
        item=document,
        action="register",
        by=by,
        data={"number": document.number},
        save_fields=("year", "sequence", "number_code"),
    )


@transaction.atomic
def outgoing_void_number(*, document, by, reason):
    """Void the assigned number (logged with its reason, never reused); the document goes back
    to 已签发待登记 and takes a new number when registered again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写作废文号的理由。")})
    case_check(item=document, action="void_number", by=by)
    voided = VoidedNumber.objects.create(
        issuing_body=document.issuing_body,
        year=document.year,
        sequence=document.sequence,
        code=document.number_code,
        document=document,
        reason=reason,
        voided_by=by,
    )
    number = str(voided)
    document.year = document.sequence = None
    document.number_code = ""
    return case_transition(
        item=document,
        action="void_number",
        by=by,
        note=reason,
        data={"number": number},
        save_fields=("year", "sequence", "number_code"),
    )


@transaction.atomic
def outgoing_print(*, document, by, copies, printed_on=None, print_body=""):
    """印制: how many copies, by whom (印发机关) and when (印发日期)."""
    if not isinstance(copies, int) or copies < 1:
        raise ValidationError({"copies": _("印制份数至少为 1。")})
    printed_on = check_decision_date(
        printed_on or timezone.localdate(),
        earliest=document.signed_on,
        earliest_label=_("签发日期"),
        field="printed_on",
        label=_("印发日期"),
    )
    document.printed_copies, document.printed_on = copies, printed_on
    document.print_body = (print_body or "").strip() or document.print_body or document.issuing_body.name
    return case_transition(
        item=document,
        action="print",
        by=by,
        data={"copies": copies, "printed_on": printed_on.isoformat()},
        save_fields=("printed_copies", "printed_on", "print_body"),
    )


@transaction.atomic
def outgoing_seal(*, document, by, seal, count):
    """用印 with the seal log: which seal, who, when, how many."""
    seal = (seal or "").strip()
    if not seal:
        raise ValidationError({"seal": _("请填写所用印章。")})
    if not isinstance(count, int) or count < 1:
        raise ValidationError({"count": _("用印次数至少为 1。")})
    case_check(item=document, action="seal", by=by)
    log = SealLog.objects.create(document=document, seal=seal, count=count, used_by=by)
    document.seal = document.seal or seal
    case_transition(
        item=document,
        action="seal",
        by=by,
        data={"seal": seal, "count": count, "log_id": log.pk},
        save_fields=("seal",),
    )
    return log


def split_recipients(text):
    return [name.strip() for name in re.split(r"[、，,；;\n]+", text or "") if name.strip()]


@transaction.atomic
def outgoing_dispatch(*, document, by, copies=None):
    """核发 to every 主送 and 抄送 body, each recorded with its number of copies (`copies`:
    recipient name → count, 1 where not given); together no more than were printed."""
    case_check(item=document, action="dispatch", by=by)
    recipients = [(name, DispatchKind.MAIN) for name in split_recipients(document.main_recipients)]
    recipients += [(name, DispatchKind.CC) for name in split_recipients(document.cc_recipients)]
    if not recipients:
        raise ValidationError(_("没有主送或抄送机关，不能核发。请在稿本中填写主送机关。"))
    copies = copies or {}
    counts = [copies.get(name, 1) for name, _kind in recipients]
    if any(not isinstance(n, int) or n < 1 for n in counts):
        raise ValidationError(_("每个收文机关至少分发 1 份。"))
    if document.printed_copies and sum(counts) > document.printed_copies:
        raise ValidationError(
            _("分发合计 %(n)s 份，超过印制份数 %(printed)s 份。请核对份数或补印。")
            % {"n": sum(counts), "printed": document.printed_copies}
        )
    Dispatch.objects.bulk_create(
        [
            Dispatch(document=document, recipient=name[:100], kind=kind, copies=n, sent_by=by)
            for (name, kind), n in zip(recipients, counts, strict=True)
        ]
    )
    document.dispatched_at = timezone.now()
    return case_transition(
        item=document,
        action="dispatch",
        by=by,
        data={"main": split_recipients(document.main_recipients), "cc": split_recipients(document.cc_recipients)},
        save_fields=("dispatched_at",),
    )


@transaction.atomic
def outgoing_archive(*, document, by):
    """The 归档 mark."""
    case_check(item=document, action="archive", by=by)
    if document.archived_at:
        raise ValidationError(_("该发文已归档。"))
    document.archived_at, document.archived_by = timezone.now(), by
    return case_transition(item=document, action="archive", by=by, save_fields=("archived_at", "archived_by"))
