"""The calendar (日历): what concerns a user day by day — reception days, trainings, meetings and
the deadlines falling due — as a month or a week page and as an .ics file (RFC 5545).

The core imports no app: each app registers in `registries.calendar_sources` a callable
(user, start, end, township=None) -> [CalendarEvent] of the events from `start` to `end`
(dates, both included) that `user` may see, in a fixed number of queries whatever their number;
`township` (given to county-wide users only) narrows them to one township. The deadlines come
from the core itself (`deadline_events`).
"""

import calendar as stdlib_calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# the range a page or an export may cover: a month grid is at most six weeks
MAX_RANGE_DAYS = 42
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class CalendarEvent:
    """One entry of the calendar. `start` is a date (an all-day entry) or an aware datetime;
    `end` is the last day of an all-day entry (inclusive) or the end time, or None. `uid` is
    stable (kind and primary key of the record), so a re-imported .ics updates its entries
    instead of doubling them; `url` is the record's page (drill-down), "" when the user may not
    open one."""

    start: date | datetime
    title: str
    kind: str  # reception, training, meeting, deadline
    kind_label: str
    uid: str
    url: str = ""
    township: str = ""
    end: date | datetime | None = None
    location: str = ""
    description: str = ""
    overdue: bool = False
    # a description worked out only when an export asks for it (a deadline's basis: a month's
    # 600 deadlines need it in the .ics, not on the page)
    describe: Callable | None = field(default=None, compare=False, repr=False)

    @property
    def details(self):
        return self.describe() if self.describe is not None else self.description

    @property
    def all_day(self):
        return not isinstance(self.start, datetime)

    @property
    def day(self):
        """The local date the entry falls on."""
        return timezone.localtime(self.start).date() if isinstance(self.start, datetime) else self.start

    @property
    def sort_key(self):
        # all-day entries first on their day, then by time and title
        moment = "" if self.all_day else timezone.localtime(self.start).strftime("%H:%M")
        return (self.day, not self.all_day, moment, self.kind, self.title, self.uid)


def calendar_events(*, user, start, end, township=None):
    """Every source's events from `start` to `end` (inclusive) that `user` may see, sorted by day
    and time; an entry two sources both give (the same uid) once."""
    from .registries import calendar_sources

    seen, events = set(), []
    for source in calendar_sources.values():
        for event in source(user, start, end, township=township):
            if event.uid in seen:
                continue
            seen.add(event.uid)
            events.append(event)
    return sorted(events, key=lambda e: e.sort_key)


def _deadline_description(deadline):
    responsible = deadline.responsible_unit or deadline.responsible_user
    lines = [deadline.basis()]
    if responsible is not None:
        lines.insert(0, _("责任：%(who)s") % {"who": responsible})
    return "\n".join(lines)


def deadline_events(user, start, end, township=None):
    """Pending deadlines by due date, as `Deadline.visible_to` scopes them: the township's for
    its office, the unit's for a unit handler, a deputy's own. County-wide accounts read figures,
    not casework: the calendar shows them no deadlines (the 期限督办 list stays theirs)."""
    from .models import Deadline
    from .selectors import kind_label

    if user.township_id is None or user.is_county_wide or not user.has_perm("core.view_deadline"):
        return []
    today = timezone.localdate()
    deadlines = (
        Deadline.objects.visible_to(user)
        .pending()
        .filter(due_date__range=(start, end))
        .select_related("township", "responsible_unit", "responsible_user")
        .order_by("due_date", "pk")
    )
    events = []
    for deadline in deadlines:
        events.append(
            CalendarEvent(
                start=deadline.due_date,
                title=deadline.display_title,
                kind="deadline",
                kind_label=str(kind_label(deadline.kind)),
                uid=f"core.deadline-{deadline.pk}",
                url=deadline.get_absolute_url(),
                township=deadline.township.name,
                describe=partial(_deadline_description, deadline),
                overdue=deadline.due_date < today,
            )
        )
    return events


# --- ranges ---------------------------------------------------------------------------------------


def parse_month(year, month, *, today):
    """The (year, month) asked for, or today's when missing or out of range."""
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        return today.year, today.month
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return today.year, today.month
    return year, month


def parse_day(value, *, today):
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return today
    return day if MIN_YEAR <= day.year <= MAX_YEAR else today


def month_weeks(year, month):
    """The month's grid: weeks from Monday to Sunday, the neighbouring months' days included."""
    return stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


def month_bounds(year, month):
    return date(year, month, 1), date(year, month, stdlib_calendar.monthrange(year, month)[1])


def week_bounds(day):
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def shift_month(year, month, delta):
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def group_by_day(events):
    days = {}
    for event in events:
        days.setdefault(event.day, []).append(event)
    return days


# --- .ics -------------------------------------------------------------------------------------------


def uid_domain():
    """The domain part of every UID: the site's host name, so UIDs differ between deployments
    and stay the same from one export to the next."""
    return urlsplit(settings.SITE_URL).hostname or "congress-office.invalid"


def events_to_ics(events, *, name, absolute_url):
    """An iCalendar file (bytes) of `events`: all-day entries as VALUE=DATE with the day after
    as DTEND, timed ones in the site's time zone (Asia/Shanghai) with its VTIMEZONE; text is
    escaped by icalendar (commas, semicolons, backslashes, line breaks). `absolute_url(path)`
    makes each record's link absolute."""
    import icalendar

    zone = timezone.get_default_timezone()
    stamp = timezone.now()
    domain = uid_domain()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//congress-office//calendar//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(zone))
    for event in events:
        item = icalendar.Event()
        item.add("uid", f"{event.uid}@{domain}")
        item.add("dtstamp", stamp)
        item.add("summary", event.title)
        if event.all_day:
            item.add("dtstart", event.start)
            item.add("dtend", (event.end or event.start) + timedelta(days=1))
        else:
            item.add("dtstart", event.start.astimezone(zone))
            if event.end is not None:
                item.add("dtend", event.end.astimezone(zone))
        item.add("categories", [event.kind_label])
        if event.location:
            item.add("location", event.location)
        lines = [line for line in (event.kind_label, event.township, event.details) if line]
        if event.url:
            url = absolute_url(event.url)
            item.add("url", url)
            lines.append(url)
        item.add("description", "\n".join(lines))
        cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()
