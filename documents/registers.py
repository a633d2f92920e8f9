"""The 收文登记簿 and 发文登记簿 as printable registers (congress_office/registers.py): the rows
of each register's list for the same query string (its FilterSet, visible_to: township, unit,
secrecy clearance), oldest first (the reverse of the list's order, on the same indexes)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_office.registers import Column, day, read_register, register_print, register_sheet
from congress_office.registries import PrintRegister

from .choices import Secrecy, Urgency
from .views.incoming import add_register_figures, incoming_register_rows
from .views.incoming import state_label as incoming_state
from .views.outgoing import outgoing_register_filter
from .views.outgoing import state_label as outgoing_state

INCOMING_KEY = "documents.incoming_register"
OUTGOING_KEY = "documents.outgoing_register"
INCOMING_PARAMS = ("q", "year", "doc_type", "sender", "state", "secrecy", "urgency", "overdue")
OUTGOING_PARAMS = ("q", "year", "doc_type", "issuing_body", "state", "secrecy")
INCOMING_ORDER = ("year", "received_at", "pk")
OUTGOING_ORDER = ("drafted_at", "pk")


def _secrecy(document):
    return document.secrecy_mark or str(Secrecy.NONE.label)


def _incoming_row(d):
    return [
        str(d.number),
        day(timezone.localtime(d.received_at).date()),
        d.sender,
        d.sender_number,
        d.title,
        d.get_doc_type_display() if d.doc_type else "",
        _secrecy(d),
        Urgency(d.urgency).label if d.urgency else "",
        str(d.copies or ""),
        d.lead_unit.name if d.lead_unit_id else "",
        day(d.next_due),
        incoming_state(d.state),
    ]


def incoming_register(user, query, *, limit, full=False, strict=False):
    """收文登记簿: 收文号, 签收日期, 来文机关, 来文字号, 标题, 文种, 密级, 紧急程度, 份数, 承办单位,
    办理期限, 状态."""
    filterset, total, documents = read_register(
        user, incoming_register_rows(user=user, filters=query or None, figures=False), INCOMING_ORDER, limit, strict
    )
    add_register_figures(documents)
    return register_sheet(
        user,
        filterset,
        title=_("收文登记簿"),
        columns=[
            Column(_("收文号"), "nowrap"),
            Column(_("签收日期"), "nowrap"),
            Column(_("来文机关"), "mid"),
            Column(_("来文字号"), "nowrap"),
            Column(_("标题"), "wide"),
            Column(_("文种"), "nowrap"),
            Column(_("密级"), "nowrap"),
            Column(_("紧急程度"), "nowrap"),
            Column(_("份数"), "num"),
            Column(_("承办单位"), "mid"),
            Column(_("办理期限"), "nowrap"),
            Column(_("状态"), "nowrap"),
        ],
        objects=documents,
        row=_incoming_row,
        total=total,
    )


def _outgoing_row(d):
    return [
        d.number or _("（未编号）"),
        d.issuing_body.name,
        d.title,
        d.get_doc_type_display() if d.doc_type else "",
        d.main_recipients,
        _secrecy(d),
        d.signer.display_name if d.signer_id else "",
        day(d.written_on),
        str(d.printed_copies or ""),
        day(timezone.localtime(d.dispatched_at).date() if d.dispatched_at else None),
        outgoing_state(d.state),
    ]


def outgoing_register(user, query, *, limit, full=False, strict=False):
    """发文登记簿: 发文字号, 发文机关, 标题, 文种, 主送机关, 密级, 签发人, 成文日期, 印发份数, 核发日期,
    状态."""
    filterset, total, documents = read_register(
        user, outgoing_register_filter(user, query), OUTGOING_ORDER, limit, strict
    )
    return register_sheet(
        user,
        filterset,
        title=_("发文登记簿"),
        columns=[
            Column(_("发文字号"), "nowrap"),
            Column(_("发文机关"), "mid"),
            Column(_("标题"), "wide"),
            Column(_("文种"), "nowrap"),
            Column(_("主送机关"), "mid"),
            Column(_("密级"), "nowrap"),
            Column(_("签发人"), "nowrap"),
            Column(_("成文日期"), "nowrap"),
            Column(_("印发份数"), "num"),
            Column(_("核发日期"), "nowrap"),
            Column(_("状态"), "nowrap"),
        ],
        objects=documents,
        row=_outgoing_row,
        total=total,
    )


def register():
    register_print(
        INCOMING_KEY,
        PrintRegister(
            title=gettext_lazy("收文登记簿"),
            build=incoming_register,
            permission="documents.view_incomingdocument",
            params=INCOMING_PARAMS,
            list_url="documents:incoming_list",
        ),
    )
    register_print(
        OUTGOING_KEY,
        PrintRegister(
            title=gettext_lazy("发文登记簿"),
            build=outgoing_register,
            permission="documents.view_outgoingdocument",
            params=OUTGOING_PARAMS,
            list_url="documents:outgoing_list",
        ),
    )
