"""Suggestions' blocks of the role homes (congress_office.home): a deputy's 待我评价, the
clerk's 待交办. Each reads the suggestion list's own queryset with the same filter the count
links to, so the list shows exactly the count (two queries each)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_office.home import QueueItem, member, queue_of
from congress_office.registries import home_sections
from congress_office.roles import Role

from .filters import AWAITING_ME
from .models import SuggestionState


def _queue(user, filters, **block):
    from .selectors import suggestion_list

    return queue_of(suggestion_list(user=user, filters=filters).qs, **block)


def awaiting_rating_section(user):
    """待我评价: answers to the deputy's suggestions waiting for their rating."""
    from .access import own_deputy

    if not member(user, Role.DEPUTY, "deputies.rate_suggestion"):
        return None
    if own_deputy(user) is None:
        return None
    return _queue(
        user,
        {"awaiting": AWAITING_ME},
        item=lambda s: QueueItem(title=s.title, url=s.get_absolute_url(), note=s.category_label),
        title=_("待我评价"),
        url=reverse("deputies:suggestion_list") + f"?awaiting={AWAITING_ME}",
        empty=_("没有等待您评价的答复。承办单位答复您的建议后，请在这里评价。"),
        order=20,
        icon="bi-hand-thumbs-up",
        tone="danger",
    )


def to_assign_section(user):
    """待交办: registered suggestions the office is to assign to a unit."""
    if not member(user, Role.CLERK, "deputies.assign_suggestion"):
        return None
    return _queue(
        user,
        {"state": SuggestionState.REGISTERED},
        item=lambda s: QueueItem(title=s.title, url=s.get_absolute_url(), note=s.lead_name or ""),
        title=_("待交办代表建议"),
        url=reverse("deputies:suggestion_list") + f"?state={SuggestionState.REGISTERED}",
        empty=_("没有待交办的代表建议。"),
        order=25,
        icon="bi-lightbulb",
        tone="warning",
    )


def register():
    home_sections.register("deputies.awaiting_rating", awaiting_rating_section)
    home_sections.register("deputies.suggestions_to_assign", to_assign_section)
