"""Working days on the official Chinese calendar, and the arithmetic of due dates.

Sources, in order: the editable holiday table (`Holiday`), chinesecalendar for the years it
knows, and for any other year plain weekdays (admins see a warning until that year is
entered). A missing year never raises: deadlines running into next January are computed today.
"""

import calendar as pycalendar
from datetime import date, datetime, time, timedelta

import chinese_calendar
from chinese_calendar import constants as cc_constants
from django.conf import settings
from django.utils import timezone

from .models import DeadlineRule, Holiday

LIBRARY_YEARS = frozenset(d.year for d in cc_constants.holidays)


def start_of_day(day):
    """The first instant of the local `day`: what a date range on a datetime column compares with
    (an index on the column serves it; a date cast of the column would not)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class WorkCalendar:
    """Answers "is this a working day?"; loads the holiday table once per year it touches."""

    def __init__(self):
        self._table = {}
        self._loaded_years = set()

    def _load_year(self, year):
        if year in self._loaded_years:
            return
        self._loaded_years.add(year)
        for day, is_workday in Holiday.objects.filter(date__year=year).values_list("date", "is_workday"):
            self._table[day] = is_workday

    def is_workday(self, day):
        self._load_year(day.year)
        if day in self._table:
            return self._table[day]
        if day.year in LIBRARY_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def next_workday(self, day):
        """The first working day on or after `day`."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start, count):
        """The `count`-th working day after `start` (the start day itself is not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def working_days_between(self, start, end):
        """Working days in (start, end]."""
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_workday(start + timedelta(days=n)))


def add_months(start, months):
    """Calendar months: 30 Nov + 3 months is 28 Feb (29 in a leap year)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, pycalendar.monthrange(year, month)[1]))


def compute_due_date(start, rule, limit, *, work_calendar=None):
    """The due date of a limit of `limit` units of `rule` counted from `start`.

    A limit in calendar days or months that ends on a rest day moves to the next working day
    when DEADLINE_ROLL_FORWARD_ON_REST_DAY is on (the rule Chinese procedure law uses).
    """
    cal = work_calendar or WorkCalendar()
    if rule == DeadlineRule.WORKING_DAYS:
        return cal.add_working_days(start, limit)
    if rule == DeadlineRule.CALENDAR_DAYS:
        due = start + timedelta(days=limit)
    elif rule == DeadlineRule.MONTHS:
        due = add_months(start, limit)
    else:
        raise ValueError(f"unknown deadline rule {rule!r}")
    if settings.DEADLINE_ROLL_FORWARD_ON_REST_DAY:
        due = cal.next_workday(due)
    return due


def years_without_calendar(years):
    """Those of `years` that neither chinesecalendar nor the holiday table covers."""
    missing = {y for y in years if y not in LIBRARY_YEARS}
    if not missing:
        return []
    entered = set(Holiday.objects.filter(date__year__in=missing).values_list("date__year", flat=True).distinct())
    return sorted(missing - entered)
