"""Petitions' blocks of the role homes (congress_office.home): the clerk's 待受理 and 待交办.
Each reads the petition list's own queryset with the filter its count links to, so the list
shows exactly the count; the items are the oldest first, with their next due date (three
queries each)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_office.home import QueueItem, member, queue_of
from congress_office.registries import home_sections
from congress_office.roles import Role

from .choices import PetitionState


def _queue(user, state, *, title, empty, order, icon, tone):
    from .selectors import attach_next_due, petition_list

    rows = petition_list(user=user, filters={"state": state}).qs
    return queue_of(
        rows.order_by("received_on", "pk"),
        item=lambda p: QueueItem(title=str(p), url=p.get_absolute_url(), note=p.get_channel_display(), due=p.next_due),
        prepare=attach_next_due,
        title=title,
        url=reverse("petitions:petition_list") + f"?state={state}",
        empty=empty,
        order=order,
        icon=icon,
        tone=tone,
    )


def to_accept_section(user):
    """待受理: registered petitions awaiting the acceptance decision (15 日 to tell the petitioner)."""
    if not member(user, Role.CLERK, "petitions.decide_petition"):
        return None
    return _queue(
        user,
        PetitionState.REGISTERED,
        title=_("待受理信访件"),
        empty=_("没有待受理的信访件。"),
        order=20,
        icon="bi-envelope-paper",
        tone="warning",
    )


def to_assign_section(user):
    """待交办: accepted petitions not yet assigned to a unit."""
    if not member(user, Role.CLERK, "petitions.assign_petition"):
        return None
    return _queue(
        user,
        PetitionState.ACCEPTED,
        title=_("待交办信访件"),
        empty=_("没有待交办的信访件。"),
        order=21,
        icon="bi-send",
        tone="warning",
    )


def register():
    home_sections.register("petitions.to_accept", to_accept_section)
    home_sections.register("petitions.to_assign", to_assign_section)
