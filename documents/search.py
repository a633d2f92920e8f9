"""The documents' kinds of the header's search box (congress_office.search): 收文 by title, sender,
来文字号 or 收文号; 发文 by title or 发文字号. Both read through visible_to, which leaves out what
is classified above the user's clearance: such a document is not counted, and its title never
reaches the results."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.search import SearchRow, list_url, meta_line, register_kind, text_matches

from .filters import INCOMING_NUMBER_RE, OUTGOING_NUMBER_RE
from .models import IncomingDocument, OutgoingDocument

INCOMING_FIELDS = ("title", "sender", "sender_number")  # documents 0006_search_trgm indexes these
OUTGOING_FIELDS = ("title",)


def _meta(document, user, *parts):
    return meta_line(user, document.township, document.secrecy_mark if document.secrecy else "", *parts)


def incoming_search(user, q):
    documents = IncomingDocument.objects.visible_to(user).select_related("township").order_by("-received_at", "-pk")
    condition = text_matches(INCOMING_FIELDS, q)
    number = INCOMING_NUMBER_RE.search(q)
    if number:
        condition |= Q(year=int(number.group(1)), sequence=int(number.group(2)))
    elif q.isdigit() and len(q) <= 6:
        condition |= Q(sequence=int(q))
    return documents.filter(condition)


def incoming_row(document, user):
    title = f"{document.number} {document.title}" if document.number else document.title
    received = timezone.localtime(document.received_at).date().isoformat()
    return SearchRow(
        title, document.get_absolute_url(), _meta(document, user, document.sender, document.state_label, received)
    )


def outgoing_search(user, q):
    documents = (
        OutgoingDocument.objects.visible_to(user)
        .select_related("township", "issuing_body")
        .order_by("-drafted_at", "-pk")
    )
    condition = text_matches(OUTGOING_FIELDS, q)
    number = OUTGOING_NUMBER_RE.match(q.replace(" ", ""))
    if number:
        numbered = Q(year=int(number["year"]), sequence=int(number["seq"]))
        if number["code"]:
            numbered &= Q(issuing_body__code=number["code"]) | Q(number_code=number["code"])
        condition |= numbered
    return documents.filter(condition)


def outgoing_row(document, user):
    title = f"{document.number} {document.title}" if document.number else document.title
    day = document.written_on or timezone.localtime(document.drafted_at).date()
    return SearchRow(
        title,
        document.get_absolute_url(),
        _meta(document, user, document.issuing_body.name, document.state_label, day.isoformat()),
    )


def register():
    register_kind(
        "incoming",
        title=_("收文"),
        search=incoming_search,
        row=incoming_row,
        permission="documents.view_incomingdocument",
        list_url=list_url("documents:incoming_list"),
        order=40,
    )
    register_kind(
        "outgoing",
        title=_("发文"),
        search=outgoing_search,
        row=outgoing_row,
        permission="documents.view_outgoingdocument",
        list_url=list_url("documents:outgoing_list"),
        order=50,
    )
