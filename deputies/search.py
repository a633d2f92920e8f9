"""The deputies' kinds of the header's search box (congress_office.search): deputies by name or
work unit, a whole phone or ID number through the register's keyed hash; suggestions by title
or number (建议〔2026〕3号, 2026-3, 3)."""

import re

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.personal_numbers import normalise_id_number, normalise_phone
from congress_office.search import SearchRow, list_url, meta_line, register_kind, text_matches

from .choices import DeputyStatus
from .filters import ID_LIKE_RE, PHONE_LIKE_RE
from .models import Deputy, deputy_id_hash, deputy_phone_hash
from .suggestions.models import Suggestion

DEPUTY_FIELDS = ("name", "work_unit")  # deputies 0011_search_trgm indexes these
SUGGESTION_FIELDS = ("title",)
# "建议〔2026〕3号", "2026-3": a suggestion's number
SUGGESTION_NUMBER_RE = re.compile(r"(\d{4})\D+(\d{1,6})\D*$")


def deputy_search(user, q):
    deputies = Deputy.objects.visible_to(user).select_related("township").order_by("name", "pk")
    compact = normalise_id_number(q)
    if ID_LIKE_RE.match(compact):
        return deputies.filter(id_hash=deputy_id_hash(compact))
    condition = text_matches(DEPUTY_FIELDS, q)
    phone = normalise_phone(q)
    if PHONE_LIKE_RE.match(phone):
        condition |= Q(phone_hash=deputy_phone_hash(phone))
    return deputies.filter(condition)


def deputy_row(deputy, user):
    meta = meta_line(user, deputy.township, deputy.work_unit, DeputyStatus(deputy.status).label)
    return SearchRow(deputy.name, reverse("deputies:deputy_detail", args=[deputy.pk]), meta)


# the register hides terminated deputies unless asked: the search finds them too
deputy_list_url = list_url("deputies:deputy_list", include_terminated="on")


def suggestion_search(user, q):
    suggestions = Suggestion.objects.visible_to(user).select_related("township").order_by("-year", "-sequence", "-pk")
    condition = text_matches(SUGGESTION_FIELDS, q)
    number = SUGGESTION_NUMBER_RE.search(q)
    if number:
        condition |= Q(year=int(number.group(1)), sequence=int(number.group(2)))
    elif q.isdigit() and len(q) <= 6:
        condition |= Q(sequence=int(q))
    return suggestions.filter(condition)


def suggestion_row(suggestion, user):
    submitted = timezone.localtime(suggestion.submitted_at).date().isoformat()
    meta = meta_line(user, suggestion.township, suggestion.state_label, submitted, skip_empty=False)
    return SearchRow(f"{suggestion.number} {suggestion.title}", suggestion.get_absolute_url(), meta)


suggestion_list_url = list_url("deputies:suggestion_list")


def register():
    register_kind(
        "suggestions",
        title=_("代表建议"),
        search=suggestion_search,
        row=suggestion_row,
        permission="deputies.view_suggestion",
        list_url=suggestion_list_url,
        order=20,
    )
    register_kind(
        "deputies",
        title=_("人大代表"),
        search=deputy_search,
        row=deputy_row,
        permission="deputies.view_deputy",
        list_url=deputy_list_url,
        order=30,
    )
