"""Documents' blocks of the role homes (congress_office.home): the clerk's 收文待办, the chair's
批办 (incoming documents with the office's 拟办 opinion) and 签发 (outgoing documents awaiting
sign-off). Each counts what the register's filter behind its link lists (two queries each)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_office.home import QueueItem, member, queue_of
from congress_office.registries import home_sections
from congress_office.roles import Role

from .choices import IncomingState, OutgoingState
from .filters import OFFICE_TODO_STATES

STATE_LABELS = dict(IncomingState.choices)  # the state column has no choices of its own


def _incoming(user, rows, *, tone="warning", **block):
    return queue_of(
        rows.order_by("received_at", "pk"),
        item=lambda d: QueueItem(
            title=str(d), url=d.get_absolute_url(), note=d.sender, badge=STATE_LABELS.get(d.state, "")
        ),
        tone=tone,
        **block,
    )


def incoming_todo_section(user):
    """收文待办: incoming documents waiting for the office's own step."""
    from .models import IncomingDocument

    if not member(user, Role.CLERK, "documents.handle_incoming"):
        return None
    rows = IncomingDocument.objects.visible_to(user).filter(state__in=OFFICE_TODO_STATES)
    return _incoming(
        user,
        rows,
        title=_("收文待办"),
        url=reverse("documents:incoming_list") + "?todo=on",
        empty=_("没有待办的收文。"),
        order=35,
        icon="bi-inbox",
    )


def incoming_instruction_section(user):
    """批办: incoming documents with the office's 拟办 opinion, waiting for a chair's 批办."""
    from .models import IncomingDocument

    if not member(user, Role.CHAIR, "documents.instruct_incoming"):
        return None
    rows = IncomingDocument.objects.visible_to(user).filter(state=IncomingState.PROPOSED)
    return _incoming(
        user,
        rows,
        title=_("收文待批办"),
        url=reverse("documents:incoming_list") + f"?state={IncomingState.PROPOSED}",
        empty=_("没有等待批办的收文。"),
        order=20,
        icon="bi-pen",
    )


def outgoing_signing_section(user):
    """签发: outgoing documents reviewed (核稿) and waiting for the head's sign-off."""
    from .models import OutgoingDocument

    if not member(user, Role.CHAIR, "documents.sign_outgoing"):
        return None
    rows = OutgoingDocument.objects.visible_to(user).filter(state=OutgoingState.SIGNING)
    return queue_of(
        rows.select_related("drafted_by").order_by("drafted_at", "pk"),
        item=lambda d: QueueItem(
            title=str(d),
            url=d.get_absolute_url(),
            note=d.drafted_by.display_name if d.drafted_by else "",
            badge=d.get_doc_type_display(),
        ),
        title=_("发文待签发"),
        url=reverse("documents:outgoing_list") + f"?state={OutgoingState.SIGNING}",
        empty=_("没有等待签发的发文。"),
        order=30,
        icon="bi-vector-pen",
        tone="warning",
    )


def register():
    home_sections.register("documents.incoming_todo", incoming_todo_section)
    home_sections.register("documents.incoming_instruction", incoming_instruction_section)
    home_sections.register("documents.outgoing_signing", outgoing_signing_section)
