"""The documents' case types on the core's handling engine.

An incoming document (收文) is a case like a petition: 签收 → 登记 → 初审 → 拟办 → 批办 →
交办 to a unit on a clock (shorter for 加急 / 特急) → 答复 / 办结, with 传阅 and 催办 along the
way. An outgoing document (发文) uses the engine for its access rules and timeline only:
起草 → 核稿 → 签发 → 复核 → 登记 → 印制 → 用印 → 核发, with no clock.
"""

from django.utils.translation import gettext_lazy as _

from congress_office.cases import CaseType, Clock, Extension, Transition, UnitRule
from congress_office.models import DeadlineRule

from .choices import IncomingState as I
from .choices import OutgoingState as O

HANDLE = "documents.handle_incoming"
INSTRUCT = "documents.instruct_incoming"
DRAFT = "documents.add_outgoingdocument"
REVIEW = "documents.review_outgoing"
SIGN = "documents.sign_outgoing"
ISSUE = "documents.change_outgoingdocument"

# states in which an incoming document may be circulated and read
CIRCULATING = (I.CHECKED, I.PROPOSED, I.INSTRUCTED, I.ASSIGNED, I.CLOSED)


def incoming_case_type():
    return CaseType(
        key="documents.incoming",
        label=_("收文"),
        states=dict(I.choices),
        transitions={
            "register": Transition(_("登记"), (I.RECEIVED,), I.REGISTERED, HANDLE),
            "return": Transition(_("退文"), (I.REGISTERED,), I.RETURNED, HANDLE),
            "check": Transition(_("初审"), (I.REGISTERED,), I.CHECKED, HANDLE),
            "propose": Transition(_("拟办"), (I.CHECKED,), I.PROPOSED, HANDLE),
            "instruct": Transition(_("批办"), (I.PROPOSED,), I.INSTRUCTED, INSTRUCT),
            "assign": Transition(_("交办"), (I.INSTRUCTED,), I.ASSIGNED, HANDLE),
            "circulate": Transition(_("传阅"), CIRCULATING, None, HANDLE),
            "read": Transition(_("阅文"), CIRCULATING, None),
            "supervise": Transition(_("催办"), (I.ASSIGNED,), None, (HANDLE, INSTRUCT)),
            "request_extension": Transition(
                _("申请延期"), (I.ASSIGNED,), None, (HANDLE, "core.meet_deadline"), UnitRule.LEAD
            ),
            "approve_extension": Transition(_("批准延期"), (I.ASSIGNED,), None, "core.approve_extension"),
            "refuse_extension": Transition(_("不批准延期"), (I.ASSIGNED,), None, "core.approve_extension"),
            "reply": Transition(_("办结"), (I.ASSIGNED,), I.CLOSED, (HANDLE, "core.meet_deadline"), UnitRule.LEAD),
            "archive": Transition(_("归档"), (I.CLOSED, I.RETURNED), None, HANDLE),
        },
        clocks={
            "handling": Clock(
                DeadlineRule.WORKING_DAYS, "DOCUMENT_HANDLING_WORKING_DAYS", _("收文办理"), handling=True
            ),
            "handling_urgent": Clock(
                DeadlineRule.WORKING_DAYS, "DOCUMENT_URGENT_WORKING_DAYS", _("收文办理（加急）"), handling=True
            ),
            "handling_very_urgent": Clock(
                DeadlineRule.WORKING_DAYS, "DOCUMENT_VERY_URGENT_WORKING_DAYS", _("收文办理（特急）"), handling=True
            ),
            "reading": Clock(DeadlineRule.WORKING_DAYS, "DOCUMENT_READING_WORKING_DAYS", _("传阅")),
        },
        closed_states=(I.CLOSED,),
        extension=Extension(max_count=1, max_extra="DOCUMENT_MAX_EXTENSION_WORKING_DAYS"),
    )


def outgoing_case_type():
    return CaseType(
        key="documents.outgoing",
        label=_("发文"),
        states=dict(O.choices),
        transitions={
            "save_draft": Transition(_("修改稿本"), (O.DRAFT, O.SIGNED), None, DRAFT),
            "submit": Transition(_("送核稿"), (O.DRAFT,), O.REVIEWING, DRAFT),
            "return_draft": Transition(_("核稿退回"), (O.REVIEWING,), O.DRAFT, REVIEW),
            "pass_review": Transition(_("核稿通过"), (O.REVIEWING,), O.SIGNING, REVIEW),
            "sign": Transition(_("签发"), (O.SIGNING,), O.SIGNED, SIGN),
            "resign": Transition(_("复核：实质性修改送签发人"), (O.SIGNED,), O.SIGNING, internal=True),
            "register": Transition(_("登记编号"), (O.SIGNED,), O.NUMBERED, ISSUE),
            "void_number": Transition(_("作废文号"), (O.NUMBERED, O.PRINTED), O.SIGNED, ISSUE),
            "print": Transition(_("印制"), (O.NUMBERED,), O.PRINTED, ISSUE),
            "seal": Transition(_("用印"), (O.PRINTED,), O.SEALED, ISSUE),
            "dispatch": Transition(_("核发"), (O.SEALED,), O.DISPATCHED, ISSUE),
            "archive": Transition(_("归档"), (O.DISPATCHED,), None, ISSUE),
        },
        clocks={},
        closed_states=(O.DISPATCHED,),
    )
