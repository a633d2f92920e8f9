"""Working-day arithmetic on the official Chinese calendar (congress_office.workdays).

Expected dates below are worked out by hand from the State Council's 2026 arrangement as
chinesecalendar 1.11 records it:
- Spring Festival: rest 15–23 Feb 2026 (Sun–Mon); make-up working Saturdays 14 Feb and 28 Feb.
- Mid-Autumn: rest 25–27 Sep 2026 (Fri–Sun).
- National Day: rest 1–7 Oct 2026 (Thu–Wed); make-up working days Sun 20 Sep and Sat 10 Oct.
  (8 Oct 2026, a Thursday, is an ordinary working day.)
2027 is not in the library: plain weekdays unless the Holiday table says otherwise.
"""

from datetime import date

import pytest

from congress_office.models import DeadlineRule, Holiday
from congress_office.workdays import (
    LIBRARY_YEARS,
    WorkCalendar,
    add_months,
    compute_due_date,
    years_without_calendar,
)

pytestmark = pytest.mark.django_db

CAL = DeadlineRule.CALENDAR_DAYS
WORK = DeadlineRule.WORKING_DAYS
MONTHS = DeadlineRule.MONTHS


@pytest.fixture
def cal():
    return WorkCalendar()


# --- is_workday on the 2026 official calendar ---------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 19), False),  # ordinary Saturday
        (date(2026, 9, 20), True),  # Sunday, 调休 for National Day
        (date(2026, 9, 25), False),  # Friday, Mid-Autumn
        (date(2026, 9, 30), True),  # Wednesday before the holiday
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 5), False),  # Monday inside the holiday
        (date(2026, 10, 7), False),  # last rest day
        (date(2026, 10, 8), True),  # Thursday after the holiday
        (date(2026, 10, 10), True),  # Saturday, 调休
        (date(2026, 10, 11), False),  # ordinary Sunday
        (date(2026, 2, 14), True),  # Saturday, 调休 before Spring Festival
        (date(2026, 2, 16), False),  # Monday, Spring Festival
        (date(2026, 2, 23), False),  # Monday, last Spring Festival rest day
        (date(2026, 2, 24), True),  # first working day after it
        (date(2026, 2, 28), True),  # Saturday, 调休 after Spring Festival
        (date(2026, 11, 16), True),  # ordinary Monday
    ],
)
def test_is_workday_follows_the_official_2026_calendar(cal, day, expected):
    """Public holidays are rest days, 调休 weekend days are working days, other days by weekday."""
    assert cal.is_workday(day) is expected


def test_next_workday_skips_the_national_day_holiday(cal):
    """The first working day on or after 1 Oct 2026 is 8 Oct; a working day is its own next working day."""
    assert cal.next_workday(date(2026, 10, 1)) == date(2026, 10, 8)
    assert cal.next_workday(date(2026, 9, 26)) == date(2026, 9, 28)
    assert cal.next_workday(date(2026, 10, 10)) == date(2026, 10, 10)


# --- working days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # Across National Day: 30 Sep, then 8, 9, 10 (Sat, 调休) and 12 Oct.
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 29), 5, date(2026, 10, 12)),
        # 15 working days from Thu 24 Sep: 28, 29, 30 Sep; 8, 9, 10, 12–16, 19–22 Oct.
        (date(2026, 9, 24), 15, date(2026, 10, 22)),
        # Friday 18 Sep + 1 working day is Sunday 20 Sep (调休).
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        # Spring Festival: 13 Feb (Fri) → 14 Feb (Sat, 调休) → 24 Feb.
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 2, 12), 5, date(2026, 2, 26)),
        # 27 Feb (Fri), 28 Feb (Sat, 调休).
        (date(2026, 2, 26), 2, date(2026, 2, 28)),
        # An ordinary stretch: Mon 2 Nov + 5 working days is Mon 9 Nov.
        (date(2026, 11, 2), 5, date(2026, 11, 9)),
    ],
)
def test_add_working_days_across_holidays(cal, start, count, expected):
    """The N-th working day after the start day (the start day itself is not counted)."""
    assert cal.add_working_days(start, count) == expected


def test_working_days_limit_counts_a_tiaoxiu_saturday(cal):
    """Friday 9 Oct 2026 + 1 working day is Saturday 10 Oct (调休), not Monday 12 Oct."""
    assert compute_due_date(date(2026, 10, 9), WORK, 1, work_calendar=cal) == date(2026, 10, 10)
    # and a 20-working-day feedback window opened on 9 Oct includes it: 10, 12–16, 19–23, 26–30 Oct, 2–5 Nov
    assert compute_due_date(date(2026, 10, 9), WORK, 20) == date(2026, 11, 5)


def test_working_days_between_counts_half_open_interval(cal):
    """Working days in (13 Feb, 28 Feb] 2026: 14, 24, 25, 26, 27, 28 Feb = 6."""
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 7)) == 0
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1


# --- calendar days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "limit", "expected"),
    [
        (date(2026, 9, 16), 15, date(2026, 10, 8)),  # ends 1 Oct (National Day) → 8 Oct
        (date(2026, 2, 1), 15, date(2026, 2, 24)),  # ends 16 Feb (Spring Festival) → 24 Feb
        (date(2026, 11, 1), 14, date(2026, 11, 16)),  # ends Sunday 15 Nov → Monday
        (date(2026, 9, 25), 15, date(2026, 10, 10)),  # ends on a 调休 Saturday: a working day, stays
        (date(2026, 11, 2), 15, date(2026, 11, 17)),  # ends on a working day, stays
        (date(2026, 8, 2), 60, date(2026, 10, 8)),  # 60 days ends 1 Oct → 8 Oct
    ],
)
def test_calendar_days_limit_rolls_forward_from_a_rest_day(start, limit, expected):
    """A limit in 日 that ends on a rest day moves to the next working day (default setting)."""
    assert compute_due_date(start, CAL, limit) == expected


def test_calendar_days_limit_stays_on_rest_day_when_roll_forward_is_off(settings):
    """With DEADLINE_ROLL_FORWARD_ON_REST_DAY=False a calendar-day limit may end on a holiday."""
    settings.DEADLINE_ROLL_FORWARD_ON_REST_DAY = False
    assert compute_due_date(date(2026, 9, 16), CAL, 15) == date(2026, 10, 1)
    assert compute_due_date(date(2026, 11, 1), CAL, 14) == date(2026, 11, 15)
    assert compute_due_date(date(2026, 11, 30), MONTHS, 3) == date(2027, 2, 28)
    # working days are unaffected by the setting
    assert compute_due_date(date(2026, 9, 30), WORK, 1) == date(2026, 10, 8)


def test_unknown_rule_is_refused():
    """compute_due_date does not guess an unknown rule."""
    with pytest.raises(ValueError):
        compute_due_date(date(2026, 11, 2), "weeks", 2)


# --- months ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 15), 6, date(2026, 9, 15)),
        (date(2026, 5, 31), 21, date(2028, 2, 29)),
        (date(2026, 10, 1), 12, date(2027, 10, 1)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    """Calendar months: 30 Nov + 3 months is 28 Feb, or 29 Feb in a leap year."""
    assert add_months(start, months) == expected


def test_months_limit_rolls_forward_like_calendar_days():
    """30 Nov 2026 + 3 months is Sunday 28 Feb 2027 (weekday fallback) → Monday 1 Mar 2027;
    30 Nov 2027 + 3 months is Tuesday 29 Feb 2028, a working day; 15 Jun + 3 months is
    15 Sep 2026, a Tuesday; 1 Jul 2026 + 3 months is 1 Oct → 8 Oct."""
    assert compute_due_date(date(2026, 11, 30), MONTHS, 3) == date(2027, 3, 1)
    assert compute_due_date(date(2027, 11, 30), MONTHS, 3) == date(2028, 2, 29)
    assert compute_due_date(date(2026, 6, 15), MONTHS, 3) == date(2026, 9, 15)
    assert compute_due_date(date(2026, 7, 1), MONTHS, 3) == date(2026, 10, 8)


# --- years the library does not know ----------------------------------------------------------


def test_library_years_stop_at_2026():
    """The installed chinesecalendar knows 2026 and not 2027 (these tests rely on that)."""
    assert 2026 in LIBRARY_YEARS
    assert 2027 not in LIBRARY_YEARS


def test_unknown_year_falls_back_to_weekdays_without_raising(cal):
    """2027 has no data: weekdays are working days, weekends rest days, and nothing raises."""
    assert cal.is_workday(date(2027, 1, 1)) is True  # a Friday (New Year's Day, but not entered)
    assert cal.is_workday(date(2027, 1, 2)) is False  # Saturday
    assert cal.is_workday(date(2027, 1, 3)) is False  # Sunday
    assert cal.is_workday(date(2027, 2, 8)) is True  # Monday (Spring Festival week, not entered)
    # 31 Dec 2026 (Thu), 1 Jan 2027 (Fri), 4 Jan 2027 (Mon)
    assert cal.add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 4)
    assert compute_due_date(date(2026, 12, 20), CAL, 14) == date(2027, 1, 4)  # Sun 3 Jan → Mon 4 Jan
    assert compute_due_date(date(2026, 12, 1), WORK, 60) == date(2027, 2, 23)


def test_holiday_table_overrides_the_weekday_fallback():
    """Entries for 2027 make a weekday a rest day and a Saturday a make-up working day."""
    Holiday.objects.create(date=date(2027, 1, 1), name="元旦")
    Holiday.objects.create(date=date(2027, 2, 20), name="春节", is_workday=True)  # Saturday
    cal = WorkCalendar()
    assert cal.is_workday(date(2027, 1, 1)) is False
    assert cal.is_workday(date(2027, 2, 20)) is True
    assert cal.is_workday(date(2027, 2, 21)) is False  # the Sunday after: still the fallback
    # 31 Dec 2026 (Thu), 4 Jan (Mon), 5 Jan (Tue): the entered holiday is skipped
    assert compute_due_date(date(2026, 12, 30), WORK, 3) == date(2027, 1, 5)
    # 19 Feb 2027 (Fri) + 1 working day is the make-up Saturday
    assert compute_due_date(date(2027, 2, 19), WORK, 1) == date(2027, 2, 20)
    # a calendar-day limit ending on the entered holiday rolls forward to Mon 4 Jan
    assert compute_due_date(date(2026, 12, 18), CAL, 14) == date(2027, 1, 4)


def test_holiday_table_overrides_the_library_for_a_known_year():
    """A Holiday row beats chinesecalendar: 8 Oct 2026 made a rest day, 3 Oct 2026 a working day."""
    Holiday.objects.create(date=date(2026, 10, 8), name="国庆节（本地）")
    Holiday.objects.create(date=date(2026, 10, 3), name="值班", is_workday=True)
    cal = WorkCalendar()
    assert cal.is_workday(date(2026, 10, 8)) is False
    assert cal.is_workday(date(2026, 10, 3)) is True
    assert cal.is_workday(date(2026, 10, 9)) is True  # untouched days still follow the library
    # 30 Sep + 1 working day: 3 Oct now; + 2: 9 Oct (8 Oct is a rest day now)
    assert compute_due_date(date(2026, 9, 30), WORK, 1) == date(2026, 10, 3)
    assert compute_due_date(date(2026, 9, 30), WORK, 2) == date(2026, 10, 9)
    # a calendar-day limit ending 1 Oct rolls to the entered working day 3 Oct
    assert compute_due_date(date(2026, 9, 16), CAL, 15) == date(2026, 10, 3)


def test_years_without_calendar():
    """Years neither the library nor the table covers are listed, sorted; one entry covers its year."""
    assert years_without_calendar([2026]) == []
    assert years_without_calendar([2028, 2026, 2027]) == [2027, 2028]
    Holiday.objects.create(date=date(2027, 1, 1), name="元旦")
    assert years_without_calendar([2026, 2027, 2028]) == [2028]
    assert years_without_calendar([]) == []
