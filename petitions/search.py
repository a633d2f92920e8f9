"""The petitions' kind of the header's search box (congress_office.search): 事由, petitioner or
organisation found inside words, a number (青信〔2026〕12号, 2026-12), or a whole phone or ID
number through its keyed hash (never by decrypting rows)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congress_office.crypto import keyed_hash
from congress_office.personal_numbers import normalise_id_number, normalise_phone
from congress_office.search import SearchRow, list_url, meta_line, register_kind, text_matches

from .choices import PetitionState
from .filters import ID_LIKE_RE, NUMBER_RE, PHONE_LIKE_RE
from .models import Petition

FIELDS = ("title", "petitioner_name", "organisation")  # petitions 0009_search_trgm indexes these


def petition_search(user, q):
    petitions = Petition.objects.visible_to(user).select_related("township").order_by("-received_on", "-pk")
    compact = normalise_id_number(q)
    if ID_LIKE_RE.match(compact):
        return petitions.filter(id_hash=keyed_hash(compact))
    phone = normalise_phone(q)
    if PHONE_LIKE_RE.match(phone) and len(phone) >= 11:
        return petitions.filter(phone_hash=keyed_hash(phone))
    condition = text_matches(FIELDS, q)
    number = NUMBER_RE.search(q)
    if number:
        condition |= Q(year=int(number.group(1)), sequence=int(number.group(2)))
    return petitions.filter(condition)


def petition_row(petition, user):
    state = PetitionState(petition.state).label if petition.state in PetitionState.values else petition.state
    received = petition.received_on.isoformat()
    meta = meta_line(user, petition.township, petition.petitioner, state, received, skip_empty=False)
    return SearchRow(f"{petition.number} {petition.title}", petition.get_absolute_url(), meta)


petition_list_url = list_url("petitions:petition_list")


def register():
    register_kind(
        "petitions",
        title=_("信访件"),
        search=petition_search,
        row=petition_row,
        permission="petitions.view_petition",
        list_url=petition_list_url,
        order=10,
    )
