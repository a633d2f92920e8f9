"""The meetings' kind of the header's search box (congress_office.search). A meeting's title is
not a column: it is built from the township, the term and the ordinal (青山镇第十九届人民代表大会
第二次会议), so a query is read against that pattern (第十九届, 第二次, 主席团, 人民代表大会 …);
a meeting is also found by the titles of its agenda items (关于土地征收情况的报告) and its place."""

import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.search import SearchRow, register_kind, text_matches

from .choices import SESSION_KINDS, MeetingKind, MeetingState
from .models import AgendaItem, Meeting, chinese_number

AGENDA_FIELDS = ("title",)  # meetings 0007_search_trgm indexes this
NUMBER = r"([零〇一二三四五六七八九十百\d]+)"
TERM_RE = re.compile(rf"第{NUMBER}届")
ORDINAL_RE = re.compile(rf"第{NUMBER}次")
# what is left of a title once the township and the numbers are taken out
PRESIDIUM_SKELETON = "第届人民代表大会主席团第次会议"
SESSION_SKELETON = "第届人民代表大会第次会议"
FROM_CHINESE = {chinese_number(n): n for n in range(1, 100)}


def _number(text):
    return int(text) if text.isdigit() else FROM_CHINESE.get(text)


def title_condition(q):
    """The meetings whose title contains `q` as far as the title's fixed words and numbers go
    (the township's name is not read), or None when `q` is not part of such a title."""
    condition = Q()
    for regex, field in ((TERM_RE, "term__number"), (ORDINAL_RE, "ordinal")):
        found = regex.search(q)
        if found:
            number = _number(found.group(1))
            if number is None:
                return None
            condition &= Q(**{field: number})
    skeleton = ORDINAL_RE.sub("第次", TERM_RE.sub("第届", q))
    if skeleton in PRESIDIUM_SKELETON and skeleton not in SESSION_SKELETON:
        return condition & Q(kind=MeetingKind.PRESIDIUM)
    if skeleton in SESSION_SKELETON and skeleton not in PRESIDIUM_SKELETON:
        return condition & Q(kind__in=SESSION_KINDS)
    if skeleton in PRESIDIUM_SKELETON:
        return condition
    return None


def meeting_search(user, q):
    meetings = Meeting.objects.visible_to(user).select_related("township", "term").order_by("-starts_at", "-pk")
    agenda = AgendaItem.objects.filter(text_matches(AGENDA_FIELDS, q)).values("meeting_id")
    condition = Q(pk__in=agenda) | Q(place__icontains=q)
    by_title = title_condition(q)
    if by_title is not None and not by_title:
        return meetings  # every title has it (会议, 人民代表大会 …)
    if by_title is not None:
        condition |= by_title
    return meetings.filter(condition)


def meeting_row(meeting, user):
    meta = [
        timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
        meeting.place,
        str(MeetingState(meeting.state).label),
    ]
    return SearchRow(meeting.title, meeting.get_absolute_url(), " · ".join(m for m in meta if m))


def register():
    register_kind(
        "meetings",
        title=_("会议"),
        search=meeting_search,
        row=meeting_row,
        permission="meetings.view_meeting",
        order=60,
    )
