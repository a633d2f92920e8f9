"""Petition statistics (信访统计): pure reads, each with a fixed number of SQL queries whatever the
number of petitions (conditional `Count(filter=...)` grouped by `TruncMonth`, channel, category,
subject or lead unit; nothing is loaded row by row).

Every function takes `petitions`, a queryset that starts from `Petition.objects.visible_to(user)`
(a county-wide user's may be narrowed to one township), and a `Period` of whole calendar months.

统计口径 (the same text is shown on the page, in the .xlsx and in the monthly report; see
DEFINITIONS):

- 收件数: petitions whose `received_on` falls in the period. 重复信访率 = petitions of those with
  `repeat_of` set ÷ 收件数.
- 按期受理率 = decided on time ÷ decided, over the period's received petitions. The decision
  (受理, 不予受理 or 转送) meets the petition's "acceptance" Deadline; it is on time when its
  decision date `met_on` (the date the clerk enters, not the moment of entry) is on or before the
  deadline's `due_date` (PETITION_ACCEPTANCE_DAYS from receipt).
  Petitions still awaiting a decision are not in the denominator.
- 答复率 = replied ÷ accepted, over the period's received petitions: accepted = state 已受理待交办
  or any later state; replied = state 已答复 or later (重新办理, 已办结, 复查中, 复核中, 复核终结).
- 按期办结率 = handling deadlines met on time ÷ handling deadlines due for completion. Each
  "handling" and "reopened" Deadline (a reopened petition's second round counts again) belongs to
  the period holding its settlement date: the day it was met when that was on time, otherwise its
  due date. So a deadline met late, or still open past its due date, counts as late where it fell
  due; one met early counts where it was met; an open deadline not yet due is not counted. On
  time = met (the unit's reply) on or before the due date, an approved extension included. A
  past month's figures therefore no longer change.
- 满意率 = (满意 + 基本满意) ÷ all ratings, over the petitioners' ratings of replies (CaseRating)
  made in the period. Return visits (回访) are reported apart as 回访满意率, over the visits
  (ReturnVisit) of the period.

Breakdowns attribute each figure to the group of its petition (channel, category, subject name,
lead unit), and the month breakdown to the month of the date the figure is counted on: receipt
for the cohort figures, settlement for closure, rating for satisfaction.
"""

import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Count, DateField, Exists, F, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least, TruncDate, TruncMonth
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_office.cases import Satisfaction
from congress_office.models import CaseRating, Deadline, DeadlineState, Township
from congress_office.models.deadlines import PENDING_STATES
from congress_office.workdays import start_of_day

from ..choices import Category, Channel, PetitionState
from ..models import Petition, ReturnVisit

logger = logging.getLogger(__name__)

ACCEPTANCE_KIND = "petitions.petition.acceptance"
HANDLING_KINDS = ("petitions.petition.handling", "petitions.petition.reopened")
ACCEPTED_STATES = (
    PetitionState.ACCEPTED,
    PetitionState.ASSIGNED,
    PetitionState.REPLIED,
    PetitionState.REOPENED,
    PetitionState.CLOSED,
    PetitionState.REVIEWING,
    PetitionState.RECHECKING,
    PetitionState.FINAL,
)
REPLIED_STATES = (
    PetitionState.REPLIED,
    PetitionState.REOPENED,
    PetitionState.CLOSED,
    PetitionState.REVIEWING,
    PetitionState.RECHECKING,
    PetitionState.FINAL,
)
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)
TOP_SUBJECTS = 5
# the statistics page lists at most this many rows of a breakdown or of the overdue units (a county
# has about 480 units: 700 KB of HTML); the .xlsx export and the totals keep them all
PAGE_ROWS = 50
# a period longer than this is refused (the month breakdown lists every month)
MAX_PERIOD_MONTHS = 120


def _acceptance_definition():
    return _(
        "统计期内收到、已作出受理决定（受理、不予受理或转送）的信访件中，在受理告知期限（收到之日起%(n)s日）"
        "到期日当日或之前作出决定的比例。尚未作出决定的不计入。"
    ) % {"n": settings.PETITION_ACCEPTANCE_DAYS}


DEFINITIONS = [
    (gettext_lazy("收件数"), gettext_lazy("统计期内收到（收到日期在统计期内）的信访件数。")),
    (gettext_lazy("按期受理率"), lazy(_acceptance_definition, str)()),
    (
        gettext_lazy("按期办结率"),
        gettext_lazy(
            "应办结件次中按期办结的比例。每个办理期限（含不满意后重新办理的期限，各计一次）归属其“应办结日”所在的"
            "统计期：按期办结的为实际办结日，逾期办结或逾期未办结的为到期日；尚未到期且未办结的不计入。按期指承办单位"
            "在到期日（含经批准的延期）当日或之前答复。"
        ),
    ),
    (
        gettext_lazy("决定日期"),
        gettext_lazy(
            "受理决定和答复均按办理人员填写的决定日期（答复日期）计算是否按期，而不是录入系统的时间："
            "按期作出、事后补录的仍计为按期。"
        ),
    ),
    (
        gettext_lazy("答复率"),
        gettext_lazy("统计期内收到并已受理的信访件中，已答复（含重新办理、已办结、复查、复核）的比例。"),
    ),
    (
        gettext_lazy("满意率"),
        gettext_lazy(
            "统计期内信访人对答复作出的评价中，“满意”与“基本满意”所占比例（按评价人次计）。"
            "回访满意情况单列为“回访满意率”，不并入满意率。"
        ),
    ),
    (
        gettext_lazy("重复信访率"),
        gettext_lazy("统计期内收到的信访件中，经登记比对为同一信访人就同一事项重复信访的比例。"),
    ),
    (
        gettext_lazy("逾期单位"),
        gettext_lazy("截至统计期末（统计期未结束的截至今日），办理期限已过仍未办结的承办单位及件数。"),
    ),
]


# --- periods and rates ----------------------------------------------------------------------


def _month_end(day):
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def add_months(day, months):
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole calendar months, from the first day of `start`'s month to the last of `end`'s."""

    start: date
    end: date

    def __post_init__(self):
        if self.start > self.end:
            raise ValidationError(_("起始月份不能晚于截止月份。"))

    @classmethod
    def for_year(cls, year):
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def for_month(cls, year, month):
        first = date(year, month, 1)
        return cls(first, _month_end(first))

    @classmethod
    def for_months(cls, first, last):
        return cls(first.replace(day=1), _month_end(last))

    @property
    def months(self):
        """The first day of every month of the period, oldest first."""
        months, day = [], self.start
        while day <= self.end:
            months.append(day)
            day = add_months(day, 1)
        return months

    @property
    def is_single_month(self):
        return self.start.replace(day=1) == self.end.replace(day=1)

    @property
    def label(self):
        if self.start == date(self.start.year, 1, 1) and self.end == date(self.start.year, 12, 31):
            return _("%(y)s年") % {"y": self.start.year}
        if self.is_single_month:
            return month_label(self.start)
        return _("%(a)s至%(b)s") % {"a": month_label(self.start), "b": month_label(self.end)}


def month_label(day):
    return _("%(y)s年%(m)s月") % {"y": day.year, "m": day.month}


@dataclass(frozen=True)
class Rate:
    """numerator ÷ denominator; no value (shown “—”) when the denominator is 0."""

    numerator: int
    denominator: int

    @property
    def value(self):
        """The share as a float between 0 and 1, or None."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self):
        """The share in per cent, rounded half up to one decimal (Decimal), or None."""
        if not self.denominator:
            return None
        return (Decimal(self.numerator * 100) / Decimal(self.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def __str__(self):
        return "—" if self.percent is None else f"{self.percent}%"


@dataclass
class Figures:
    """The counts of one group (a month, a channel …, or the whole period) and their rates."""

    key: object = None
    label: str = ""
    received: int = 0
    repeats: int = 0
    decided: int = 0
    accepted_on_time: int = 0
    accepted: int = 0
    replied: int = 0
    closure_due: int = 0
    closed_on_time: int = 0
    ratings: int = 0
    satisfied: int = 0
    # a unit's name and township (the unit breakdown only)
    unit_name: str = ""
    unit_township: str = ""

    COUNTS = (
        "received",
        "repeats",
        "decided",
        "accepted_on_time",
        "accepted",
        "replied",
        "closure_due",
        "closed_on_time",
        "ratings",
        "satisfied",
    )

    @property
    def acceptance_rate(self):
        return Rate(self.accepted_on_time, self.decided)

    @property
    def closure_rate(self):
        return Rate(self.closed_on_time, self.closure_due)

    @property
    def reply_rate(self):
        return Rate(self.replied, self.accepted)

    @property
    def satisfaction_rate(self):
        return Rate(self.satisfied, self.ratings)

    @property
    def repeat_rate(self):
        return Rate(self.repeats, self.received)

    @property
    def is_empty(self):
        return not any(getattr(self, name) for name in self.COUNTS)

    def add(self, other):
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@dataclass
class OverdueUnit:
    unit_id: int | None
    unit: str
    township: str
    overdue: int
    oldest_due: date
    days: int = 0  # how long the oldest has been overdue, at the day counted


@dataclass
class PetitionStats:
    period: Period
    today: date
    overdue_as_of: date
    totals: Figures
    by_month: list
    by_channel: list
    by_category: list
    by_subject: list
    by_unit: list
    return_visits: Rate
    overdue_units: list
    several_townships: bool = False
    top_subjects: list = field(default_factory=list)
    # when the figures come from a county-wide snapshot (facts_snapshot): the moment they were counted
    computed_at: datetime | None = None

    @property
    def top_subject_shares(self):
        """(subject figures, its share of the period's received petitions) of the top subjects."""
        return [(row, Rate(row.received, self.totals.received)) for row in self.top_subjects]

    def page_breakdowns(self):
        """(key, title, dimension label, rows shown, rows left out) of every breakdown on the
        page: a county's unit table lists its PAGE_ROWS busiest units, the .xlsx lists them all."""
        return [
            (key, title, dimension, rows[:PAGE_ROWS], max(0, len(rows) - PAGE_ROWS))
            for key, title, dimension, rows in self.breakdowns()
        ]

    @property
    def page_overdue_units(self):
        return self.overdue_units[:PAGE_ROWS]

    @property
    def more_overdue_units(self):
        return max(0, len(self.overdue_units) - PAGE_ROWS)

    def breakdowns(self):
        """(key, title, dimension label, rows) of every breakdown, in the page's order."""
        return [
            ("month", _("按月份"), _("月份"), self.by_month),
            ("channel", _("按信访方式"), _("信访方式"), self.by_channel),
            ("category", _("按信访类别"), _("信访类别"), self.by_category),
            ("subject", _("按事项分类"), _("事项分类"), self.by_subject),
            ("unit", _("按主办单位"), _("主办单位"), self.by_unit),
        ]


# --- the queries ------------------------------------------------------------------------------


def _petition_type():
    return ContentType.objects.get_for_model(Petition)


def _visible_ids(petitions):
    return petitions.order_by().values("pk")


def _normalised(petitions):
    # a visibility that had to use DISTINCT (unit handlers, deputies) cannot be grouped directly
    if petitions.query.distinct:
        return Petition.objects.filter(pk__in=_visible_ids(petitions))
    return petitions


def _of_petition(field_name, ref):
    """The value of `field_name` of the petition whose pk is the outer row's `ref`."""
    return Subquery(Petition.objects.filter(pk=OuterRef(ref)).order_by().values(field_name)[:1])


# Every breakdown is counted from the same rows: each source (the period's received petitions,
# the handling deadlines it settles, the ratings it records) is one query giving, per record,
# every dimension's key and its counts (0 or 1). On PostgreSQL that query is aggregated by
# GROUPING SETS, every breakdown at once, so three queries serve the whole page whatever the
# number of rows; elsewhere (SQLite in development) the rows are counted in Python. The counts
# are those the grouped queries per breakdown gave (the tests compare them on every path).
KEYS = {
    "k_month": "month",
    "k_channel": "channel",
    "k_category": "category",
    "k_subject": "subject",
    "k_unit": "unit",
    "k_unit_name": "unit_name",
    "k_unit_township": "unit_township",
    "k_township": "township",
}
# the columns each breakdown groups by
GROUPING = {
    "total": (),
    "month": ("k_month",),
    "channel": ("k_channel",),
    "category": ("k_category",),
    "subject": ("k_subject",),
    "unit": ("k_unit", "k_unit_name", "k_unit_township"),
    "township": ("k_township",),
}
COHORT_COUNTS = ("received", "repeats", "decided", "accepted_on_time", "accepted", "replied")
CLOSURE_COUNTS = ("closure_due", "closed_on_time")
RATING_COUNTS = ("ratings", "satisfied")


def _flag(condition):
    return Case(When(condition, then=1), default=0, output_field=IntegerField())


@dataclass
class Facts:
    """Each source's counts for every breakdown: {dimension: [row]} per source."""

    cohort: dict
    closure: dict
    ratings: dict

    def rows(self, dimension="total"):
        """The three sources' counts grouped by `dimension`: [cohort, closure, ratings], each a
        list of {"key": …, (unit_name, unit_township,) counts…} as a GROUP BY would give."""
        return [self.cohort[dimension], self.closure[dimension], self.ratings[dimension]]


def _as_row(dimension, values, counts):
    row = {name: values[name] or 0 for name in counts}
    if dimension != "total":
        row["key"] = values[GROUPING[dimension][0]]
        if dimension == "month":
            row["key"] = _as_date(row["key"])
    if dimension == "unit":
        row["unit_name"], row["unit_township"] = values["k_unit_name"], values["k_unit_township"]
    return row


def _counted(qs, counts):
    """{dimension: rows} of `qs` (its k_* keys and n_* counts), in one query."""
    columns = [*KEYS, *(f"n_{name}" for name in counts)]
    qs = qs.order_by().values(*columns)
    if connection.vendor == "postgresql":
        return _counted_by_grouping_sets(qs, counts)
    grouped = {dimension: {} for dimension in GROUPING}
    for record in qs:
        for dimension, keys in GROUPING.items():
            key = tuple(record[k] for k in keys)
            group = grouped[dimension].get(key)
            if group is None:
                group = grouped[dimension][key] = {k: record[k] for k in keys} | dict.fromkeys(counts, 0)
            for name in counts:
                group[name] += record[f"n_{name}"]
    result = {
        dimension: [_as_row(dimension, values, counts) for values in groups.values()]
        for dimension, groups in grouped.items()
    }
    result["total"] = result["total"] or [dict.fromkeys(counts, 0)]
    return result


def _counted_by_grouping_sets(qs, counts):
    sql, params = qs.query.sql_with_params()
    keys = list(KEYS)
    sets = ", ".join("(" + ", ".join(group) + ")" for group in GROUPING.values())
    sums = ", ".join(f"SUM(n_{name}) AS {name}" for name in counts)
    query = (
        f"SELECT {', '.join(keys)}, GROUPING({', '.join(keys)}) AS grouping_id, {sums} "
        f"FROM ({sql}) AS facts GROUP BY GROUPING SETS ({sets})"
    )
    # GROUPING() sets a bit for each key a row is NOT grouped by, the first key highest
    masks = {
        sum(1 << (len(keys) - 1 - i) for i, key in enumerate(keys) if key not in group): dimension
        for dimension, group in GROUPING.items()
    }
    result = {dimension: [] for dimension in GROUPING}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column[0] for column in cursor.description]
        for record in cursor.fetchall():
            values = dict(zip(names, record, strict=True))
            dimension = masks[values["grouping_id"]]
            result[dimension].append(_as_row(dimension, values, counts))
    result["total"] = result["total"] or [dict.fromkeys(counts, 0)]
    return result


def cohort_facts(petitions, period):
    """收件、重复、受理决定（按期）、受理、答复 of the petitions received in the period (one query)."""
    acceptance = Deadline.objects.filter(
        subject_type=_petition_type(),
        subject_id=OuterRef("pk"),
        kind=ACCEPTANCE_KIND,
        state=DeadlineState.MET,
        # implied (an acceptance deadline falls due after the petition arrived), and it keeps
        # the lookup to the period's deadlines
        due_date__gte=period.start,
    )
    on_time = acceptance.filter(met_on__lte=F("due_date"))
    qs = petitions.filter(received_on__gte=period.start, received_on__lte=period.end).annotate(
        k_month=TruncMonth("received_on"),
        k_channel=F("channel"),
        k_category=F("category"),
        k_subject=F("subject__name"),
        k_unit=F("lead_unit_id"),
        k_unit_name=F("lead_unit__name"),
        k_unit_township=F("lead_unit__township__name"),
        k_township=F("township_id"),
        n_received=Value(1, output_field=IntegerField()),
        n_repeats=_flag(Q(repeat_of__isnull=False)),
        n_decided=_flag(Exists(acceptance)),
        n_accepted_on_time=_flag(Exists(on_time)),
        n_accepted=_flag(Q(state__in=ACCEPTED_STATES)),
        n_replied=_flag(Q(state__in=REPLIED_STATES)),
    )
    return _counted(qs, COHORT_COUNTS)


def _in_townships_of(petitions):
    """Deadlines and ratings carry their petition's township: filtering on it first keeps a
    township's figures to its own rows (an index on the township serves it) before each row's
    petition is looked up."""
    having = Township.objects.filter(Exists(petitions.order_by().filter(township_id=OuterRef("pk"))))
    return Q(township__in=having.values("pk"))


def _settled_on():
    """The day a handling deadline settles: its due date, or the day it was met if earlier."""
    return Case(
        When(state=DeadlineState.MET, then=Least(F("due_date"), Coalesce(F("met_on"), F("due_date")))),
        default=F("due_date"),
        output_field=DateField(),
    )


def closure_facts(petitions, period, today):
    """应办结 and 按期办结: the handling deadlines settled in the period (met, or open and past
    due), under their petition's keys and their own responsible unit (one query)."""
    # an open deadline counts once its due date has passed: due yesterday at the latest
    last_due = min(period.end, today - timedelta(days=1))
    qs = (
        Deadline.objects.filter(
            _in_townships_of(petitions),
            subject_type=_petition_type(),
            kind__in=HANDLING_KINDS,
            subject_id__in=_visible_ids(petitions),
        )
        .annotate(settled_on=_settled_on())
        .filter(
            Q(state=DeadlineState.MET, settled_on__gte=period.start, settled_on__lte=period.end)
            | Q(state__in=PENDING_STATES, due_date__gte=period.start, due_date__lte=last_due)
        )
        # implied by both branches (a met deadline settles on or before its due date), and what
        # an index on the due date can serve: the period's deadlines, not the county's ten years
        .filter(due_date__gte=period.start)
        .annotate(
            k_month=TruncMonth("settled_on"),
            k_channel=_of_petition("channel", "subject_id"),
            k_category=_of_petition("category", "subject_id"),
            k_subject=_of_petition("subject__name", "subject_id"),
            k_unit=F("responsible_unit_id"),
            k_unit_name=F("responsible_unit__name"),
            k_unit_township=F("responsible_unit__township__name"),
            k_township=F("township_id"),
            n_closure_due=Value(1, output_field=IntegerField()),
            n_closed_on_time=_flag(Q(state=DeadlineState.MET, met_on__lte=F("due_date"))),
        )
    )
    return _counted(qs, CLOSURE_COUNTS)


def rating_facts(petitions, period):
    """The petitioners' ratings of replies made in the period, satisfied or not, under their
    petition's keys and lead unit (one query)."""
    qs = CaseRating.objects.filter(
        _in_townships_of(petitions),
        item_type=_petition_type(),
        item_id__in=_visible_ids(petitions),
        # the period's local days as an instant range (a date cast of rated_at defeats its index)
        rated_at__gte=start_of_day(period.start),
        rated_at__lt=start_of_day(period.end + timedelta(days=1)),
    ).annotate(
        k_month=TruncMonth(TruncDate("rated_at")),
        k_channel=_of_petition("channel", "item_id"),
        k_category=_of_petition("category", "item_id"),
        k_subject=_of_petition("subject__name", "item_id"),
        k_unit=_of_petition("lead_unit_id", "item_id"),
        k_unit_name=_of_petition("lead_unit__name", "item_id"),
        k_unit_township=_of_petition("lead_unit__township__name", "item_id"),
        k_township=F("township_id"),
        n_ratings=Value(1, output_field=IntegerField()),
        n_satisfied=_flag(Q(satisfaction__in=SATISFIED)),
    )
    return _counted(qs, RATING_COUNTS)


def facts_of(petitions, period, today):
    """Every breakdown's counts of the three sources (three queries)."""
    petitions = _normalised(petitions)
    return Facts(
        cohort=cohort_facts(petitions, period),
        closure=closure_facts(petitions, period, today),
        ratings=rating_facts(petitions, period),
    )


# --- county-wide figures: a snapshot kept fresh by a task ----------------------------------------
#
# A county-wide year reads every township's year: 57 k petitions, 33 k settled deadlines and 22 k
# ratings at county scale, about a second of PostgreSQL work. County users read aggregates only,
# so their pages read the facts a beat task (petitions.tasks.refresh_county_statistics) computes
# every PETITION_STATS_SNAPSHOT_REFRESH seconds: the same facts_of, stored in the shared cache
# under the scope (the visible petitions' SQL), the period and the day. A page that finds no
# snapshot younger than PETITION_STATS_SNAPSHOT_MAX_AGE computes the facts itself and stores them;
# one that cannot reach the cache computes them live. The page says when its figures were counted.

SNAPSHOT_PREFIX = "petitions:stats:facts:"


@dataclass(frozen=True)
class Snapshot:
    facts: Facts
    computed_at: datetime


def snapshot_key(petitions, period, today):
    sql, params = _visible_ids(_normalised(petitions)).query.sql_with_params()
    scope = repr((sql, tuple(str(p) for p in params), period.start, period.end, today))
    return SNAPSHOT_PREFIX + hashlib.sha256(scope.encode()).hexdigest()


def facts_snapshot(petitions, period, today, *, refresh=False) -> Snapshot:
    """The facts of `petitions` in `period` as of `today`, from a snapshot at most
    PETITION_STATS_SNAPSHOT_MAX_AGE seconds old, or counted now (and stored) when there is none
    or `refresh` is set."""
    key = snapshot_key(petitions, period, today)
    max_age = settings.PETITION_STATS_SNAPSHOT_MAX_AGE
    if not refresh:
        try:
            found = cache.get(key)
        except Exception:  # the cache (Redis) is down: the figures are counted live
            logger.warning("petition statistics: the cache is unreachable, counting live", exc_info=True)
            found = None
        if isinstance(found, Snapshot) and found.computed_at >= timezone.now() - timedelta(seconds=max_age):
            return found
    snapshot = Snapshot(facts=facts_of(petitions, period, today), computed_at=timezone.now())
    try:
        cache.set(key, snapshot, timeout=max_age)
    except Exception:
        logger.warning("petition statistics: could not store the snapshot", exc_info=True)
    return snapshot


def county_scopes():
    """The petitions each active county-wide user with the statistics permission sees, one per
    distinct visibility (usually a single one: the whole county)."""
    from congress_office.models import User

    scopes = {}
    for user in User.objects.filter(is_active=True, township__isnull=True).prefetch_related("groups"):
        if user.is_county_wide and user.has_perm("petitions.view_petition_stats"):
            petitions = _normalised(Petition.objects.visible_to(user))
            scopes.setdefault(str(_visible_ids(petitions).query), petitions)
    return list(scopes.values())


def refresh_county_snapshots(today=None):
    """Count the county-wide facts of every snapshot period anew (the beat task); returns how
    many snapshots were stored."""
    today = today or timezone.localdate()
    stored = 0
    for petitions in county_scopes():
        for period in snapshot_periods(today):
            facts_snapshot(petitions, period, today, refresh=True)
            stored += 1
    return stored


def snapshot_periods(today):
    """The periods county users open most, which the task keeps counted: this year and last, and
    the monthly report's this month and last month with their 13-month trends."""
    this_month, last_month = today.replace(day=1), add_months(today, -1)
    periods = [Period.for_year(today.year), Period.for_year(today.year - 1)]
    for month in (this_month, last_month):
        periods.append(Period.for_month(month.year, month.month))
        periods.append(Period.for_months(add_months(month, -12), month))
    return periods


def return_visit_rate(petitions, period):
    """回访满意率: satisfied or basically satisfied return visits of the period (one query)."""
    row = ReturnVisit.objects.filter(
        petition__in=_visible_ids(petitions),
        visited_on__gte=period.start,
        visited_on__lte=period.end,
    ).aggregate(visits=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__in=SATISFIED)))
    return Rate(row["satisfied"], row["visits"])


def overdue_cutoff(period, today):
    """The day the overdue units are counted at the start of: the day after the period, or today."""
    return min(period.end + timedelta(days=1), today)


def overdue_as_of(cutoff, today):
    """The day the overdue units are shown "as of": today, or the last day of a past period."""
    return cutoff if cutoff >= today else cutoff - timedelta(days=1)


def overdue_units(petitions, *, cutoff, today):
    """Units with handling deadlines past due and not met at the start of `cutoff` (one query),
    most overdue first. At today: the deadlines still open; for a past period: those not met
    by its end."""
    qs = Deadline.objects.filter(
        subject_type=_petition_type(),
        kind__in=HANDLING_KINDS,
        subject_id__in=_visible_ids(petitions),
        due_date__lt=cutoff,
    )
    if cutoff >= today:
        qs = qs.filter(state__in=PENDING_STATES)
    else:
        qs = qs.filter(Q(state__in=PENDING_STATES) | Q(state=DeadlineState.MET, met_on__gte=cutoff))
    rows = (
        qs.values("responsible_unit_id", "responsible_unit__name", "township__name")
        .annotate(overdue=Count("pk"), oldest_due=Min("due_date"))
        .order_by("-overdue", "oldest_due", "responsible_unit__name")
    )
    as_of = overdue_as_of(cutoff, today)
    return [
        OverdueUnit(
            unit_id=r["responsible_unit_id"],
            unit=r["responsible_unit__name"] or _("（未指定单位）"),
            township=r["township__name"],
            overdue=r["overdue"],
            oldest_due=r["oldest_due"],
            days=(as_of - r["oldest_due"]).days,
        )
        for r in rows
    ]


def received_count(petitions, first, last):
    """Petitions received from `first` to `last` (one query): the home page's 本月信访."""
    return petitions.filter(received_on__gte=first, received_on__lte=last).count()


def overdue_count(petitions, today):
    """Petitions with a deadline (acceptance, handling …) past due and not met (one query), as
    the petition list's "仅逾期" filter counts them."""
    overdue = Deadline.objects.filter(
        subject_type=_petition_type(),
        subject_id=OuterRef("pk"),
        state__in=PENDING_STATES,
        due_date__lt=today,
    )
    return petitions.filter(Exists(overdue)).count()


# --- assembling the breakdowns -------------------------------------------------------------------


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _merge(dimension, sources):
    """{key: Figures} from the rows of the three sources."""
    merged = {}
    for rows in sources:
        for row in rows:
            key = row.get("key")
            if dimension == "month":
                key = _as_date(key)
            figures = merged.setdefault(key, Figures(key=key))
            for name, value in row.items():
                if name in Figures.COUNTS:
                    setattr(figures, name, getattr(figures, name) + (value or 0))
                elif name in ("unit_name", "unit_township") and value:
                    setattr(figures, name, value)
    return merged


def _labelled(dimension, merged, *, period, several_townships):
    if dimension == "month":
        return [_with_label(merged.get(month) or Figures(key=month), month_label(month)) for month in period.months]
    if dimension in ("channel", "category"):
        choices = Channel if dimension == "channel" else Category
        rows = [
            _with_label(merged.pop(value, None) or Figures(key=value), str(label)) for value, label in choices.choices
        ]
        # a value no longer among the choices still adds up
        rows += [_with_label(f, str(f.key)) for f in merged.values()]
        return rows
    if dimension == "subject":
        rows = [_with_label(f, f.key or _("（未分类）")) for f in merged.values()]
        return sorted(rows, key=lambda f: (-f.received, -f.closure_due, -f.ratings, f.label))
    # units: the township is named when the figures cover several
    rows = []
    for f in merged.values():
        if f.key is None:
            label = _("（未交办）")
        else:
            name = f.unit_name or str(f.key)
            label = f"{f.unit_township}·{name}" if several_townships and f.unit_township else name
        rows.append(_with_label(f, label))
    return sorted(rows, key=lambda f: (f.key is None, -f.received, -f.closure_due, f.label))


def _with_label(figures, label):
    figures.label = label
    return figures


def breakdown(petitions, period, dimension, *, today=None, several_townships=False, facts=None):
    """The figures of `dimension` ("month", "channel", "category", "subject" or "unit") in
    `period`, from `facts` (read here when not given: three queries)."""
    today = today or timezone.localdate()
    facts = facts or facts_of(petitions, period, today)
    merged = _merge(dimension, facts.rows(dimension))
    return _labelled(dimension, merged, period=period, several_townships=several_townships)


def totals(petitions, period, *, today=None, facts=None):
    """The figures of the whole period (three queries, none when `facts` are given)."""
    today = today or timezone.localdate()
    facts = facts or facts_of(petitions, period, today)
    merged = _merge("total", facts.rows())
    return _with_label(merged.get(None) or Figures(), _("合计"))


def _sum(rows, label):
    total = Figures(label=label)
    for row in rows:
        total.add(row)
    return total


def petition_stats(petitions, period, *, today=None, several_townships=False, snapshot=False) -> PetitionStats:
    """Every figure of the statistics page in five queries whatever the number of petitions:
    three for the counts every breakdown is made of, one for return visits, one for overdue
    units (the totals and top subjects come from the breakdowns). With `snapshot` (county-wide
    users) the counts come from the task's snapshot when it is fresh (two queries)."""
    today = today or timezone.localdate()
    petitions = _normalised(petitions)
    computed_at = None
    if snapshot:
        found = facts_snapshot(petitions, period, today)
        facts, computed_at = found.facts, found.computed_at
    else:
        facts = facts_of(petitions, period, today)
    common = {"today": today, "several_townships": several_townships, "facts": facts}
    by_channel = breakdown(petitions, period, "channel", **common)
    by_subject = breakdown(petitions, period, "subject", **common)
    cutoff = overdue_cutoff(period, today)
    stats = PetitionStats(
        period=period,
        today=today,
        overdue_as_of=overdue_as_of(cutoff, today),
        totals=_sum(by_channel, _("合计")),  # every petition has exactly one channel
        by_month=breakdown(petitions, period, "month", **common),
        by_channel=by_channel,
        by_category=breakdown(petitions, period, "category", **common),
        by_subject=by_subject,
        by_unit=breakdown(petitions, period, "unit", **common),
        return_visits=return_visit_rate(petitions, period),
        overdue_units=overdue_units(petitions, cutoff=cutoff, today=today),
        several_townships=several_townships,
        top_subjects=[s for s in by_subject if s.received][:TOP_SUBJECTS],
        computed_at=computed_at,
    )
    return stats


# --- the monthly analysis report (信访工作月度分析) ---------------------------------------------


def parse_report_month(year, month, *, today):
    """(year, month) as ints from the job's string params; ValidationError (Chinese) when they are
    not a month that has begun."""
    try:
        year, month = int(str(year)), int(str(month))
        first = date(year, month, 1)
    except (TypeError, ValueError):
        raise ValidationError(_("请选择要分析的年份和月份。")) from None
    if year < 2000 or first > today:
        raise ValidationError(_("只能分析已经开始的月份。"))
    return year, month


@dataclass
class Change:
    """A count compared with an earlier one: 环比 / 同比. An earlier period without any
    petition gives no comparison ("上年同期无数据"), not "增加16件" against nothing."""

    current: int
    previous: int
    kind: str = ""  # 环比 / 同比
    earlier: str = ""  # 上月 / 上年同期

    @property
    def comparable(self):
        return bool(self.previous)

    @property
    def phrase(self):
        """“环比增加3件（60.0%）”, or “上年同期无数据” when there is nothing to compare with."""
        if not self.comparable:
            return _("%(earlier)s无数据") % {"earlier": self.earlier}
        return f"{self.kind}{self}"

    @property
    def difference(self):
        return self.current - self.previous

    @property
    def percent(self):
        return Rate(abs(self.difference), self.previous).percent

    def __str__(self):
        if self.difference == 0:
            return _("持平")
        word = _("增加") if self.difference > 0 else _("减少")
        if self.previous:
            return _("%(w)s%(n)s件（%(p)s%%）") % {"w": word, "n": abs(self.difference), "p": self.percent}
        return _("%(w)s%(n)s件") % {"w": word, "n": abs(self.difference)}


def _counts_in_words(rows):
    """ "来信 3 件、来访 2 件" of the groups that received any."""
    return "、".join(_("%(label)s%(n)s件") % {"label": row.label, "n": row.received} for row in rows if row.received)


# the monthly report's unit tables: at most this many rows each (the statistics page has them all)
REPORT_UNIT_ROWS = 30


def monthly_report_data(petitions, *, year, month, today=None, scope_label="", several_townships=False, snapshot=False):
    """The figures of the monthly analysis report: the month's statistics, the 13 months up to
    it (month-on-month and year-on-year), and the changes in words: eight queries (two with a
    fresh county-wide `snapshot`)."""
    today = today or timezone.localdate()
    period = Period.for_month(year, month)
    stats = petition_stats(petitions, period, today=today, several_townships=several_townships, snapshot=snapshot)
    trend_period = Period.for_months(add_months(period.start, -12), period.start)
    trend_facts = facts_snapshot(petitions, trend_period, today).facts if snapshot else None
    trend = breakdown(petitions, trend_period, "month", today=today, facts=trend_facts)
    current, previous, last_year = trend[-1], trend[-2], trend[0]
    recent = trend[-6:]
    peak = max((row.received for row in recent), default=0)
    units = [row for row in stats.by_unit if row.key]
    return {
        "stats": stats,
        "period": period,
        # each of the last six months with the length of its bar (per cent of the busiest)
        "trend": [(row, round(row.received * 100 / peak) if peak else 0) for row in recent],
        "current": current,
        "previous": previous,
        "last_year": last_year,
        "month_on_month": Change(current.received, previous.received, kind=_("环比"), earlier=_("上月")),
        "year_on_year": Change(current.received, last_year.received, kind=_("同比"), earlier=_("上年同期")),
        "scope_label": scope_label,
        "definitions": DEFINITIONS,
        "today": today,
        "channel_shares": [(row, Rate(row.received, stats.totals.received)) for row in stats.by_channel],
        "category_shares": [(row, Rate(row.received, stats.totals.received)) for row in stats.by_category],
        "channel_text": _counts_in_words(stats.by_channel),
        "category_text": _counts_in_words(stats.by_category),
        "overdue_total": sum(u.overdue for u in stats.overdue_units),
        "units_with_closure": [u for u in stats.by_unit if u.closure_due],
        # a county has hundreds of units: the report lists the busiest, the page lists them all
        "report_units": units[:REPORT_UNIT_ROWS],
        "more_units": max(0, len(units) - REPORT_UNIT_ROWS),
        "report_overdue_units": stats.overdue_units[:REPORT_UNIT_ROWS],
        "more_overdue_units": max(0, len(stats.overdue_units) - REPORT_UNIT_ROWS),
    }


def report_scope(owner, township_code):
    """(petitions, township or None, scope label, several townships) the report covers: the
    owner's visibility, narrowed to one township when a county-wide owner asked for one."""
    petitions = Petition.objects.visible_to(owner)
    township = None
    if owner.is_county_wide:
        if township_code:
            township = Township.objects.visible_to(owner).filter(code=str(township_code)).first()
            if township is None:
                raise ValidationError(_("找不到该乡镇。"))
            petitions = petitions.filter(township=township)
    else:
        township = owner.township
    if township is not None:
        return petitions, township, township.name, False
    county = Township.objects.visible_to(owner).exclude(county="").values_list("county", flat=True).first()
    return petitions, None, county or _("全县"), True


def monthly_report_context(job, progress):
    """build_context of the "petitions.monthly_report" PdfReport: params year, month and, for a
    county-wide owner, an optional township code. Reads through Petition.objects.visible_to(job.owner)."""
    today = timezone.localdate()
    year, month = parse_report_month(job.params.get("year"), job.params.get("month"), today=today)
    progress(10, _("正在确定统计范围"))
    petitions, township, scope_label, several = report_scope(job.owner, job.params.get("township"))
    progress(20, _("正在统计本月信访情况"))
    data = monthly_report_data(
        petitions,
        year=year,
        month=month,
        today=today,
        scope_label=scope_label,
        several_townships=several,
        snapshot=job.owner.is_county_wide,
    )
    progress(45, _("正在汇总走势与逾期单位"))
    office = _("%(t)s人大办公室") % {"t": township.name} if township else _("%(c)s人大常委会") % {"c": scope_label}
    return {**data, "township": township, "owner": job.owner, "office": office}


# --- the .xlsx export ------------------------------------------------------------------------------

# (header, attribute of Figures or a Rate property, is a rate)
XLSX_COLUMNS = [
    ("收件数", "received", False),
    ("重复信访件数", "repeats", False),
    ("重复信访率", "repeat_rate", True),
    ("已作受理决定件数", "decided", False),
    ("按期受理件数", "accepted_on_time", False),
    ("按期受理率", "acceptance_rate", True),
    ("受理件数", "accepted", False),
    ("已答复件数", "replied", False),
    ("答复率", "reply_rate", True),
    ("应办结件次", "closure_due", False),
    ("按期办结件次", "closed_on_time", False),
    ("按期办结率", "closure_rate", True),
    ("评价人次", "ratings", False),
    ("满意人次（含基本满意）", "satisfied", False),
    ("满意率", "satisfaction_rate", True),
]
PERCENT_FORMAT = "0.0%"


def stats_xlsx(stats, *, scope_label="") -> bytes:
    """The statistics as an .xlsx workbook: a summary sheet, one sheet per breakdown, the overdue
    units and the definitions; Chinese headers whatever the page's language. Rates are numbers
    (fractions shown as per cent), empty where there is nothing to divide by. No personal data."""
    with translation.override("zh-hans"):
        return _xlsx(stats, scope_label)


def _defuse_cells(book):
    """Every text cell a spreadsheet would run as a formula (a unit's or a subject's name
    starting with = + - @) is kept as text (congress_office.xlsx.defuse); numbers stay numbers."""
    from congress_office.xlsx import defuse

    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = defuse(cell.value)


def _xlsx(stats, scope_label):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor="F0F0F0")
    book = Workbook()

    def header(sheet, values):
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.freeze_panes = f"B{sheet.max_row + 1}"  # a coordinate: sheet.cell() would create the row

    def figures_row(figures):
        values = [figures.label]
        for _header, name, is_rate in XLSX_COLUMNS:
            value = getattr(figures, name)
            values.append(value.value if is_rate else value)
        return values

    def format_rates(sheet, first_row):
        for index, (_header, _name, is_rate) in enumerate(XLSX_COLUMNS, start=2):
            if is_rate:
                for (cell,) in sheet.iter_rows(min_row=first_row, min_col=index, max_col=index):
                    cell.number_format = PERCENT_FORMAT

    def widths(sheet, first, rest=12):
        sheet.column_dimensions["A"].width = first
        for index in range(2, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(index)].width = rest

    summary = book.active
    summary.title = "总体情况"
    summary.append([f"{scope_label}信访统计（{stats.period.label}）"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(
        [f"统计期：{stats.period.start:%Y-%m-%d} 至 {stats.period.end:%Y-%m-%d}；生成日期：{stats.today:%Y-%m-%d}"]
    )
    summary.append([])
    header(summary, ["指标", "数值", "分子", "分母"])
    t = stats.totals
    for label, value, numerator, denominator in [
        ("收件数", t.received, None, None),
        ("重复信访件数", t.repeats, None, None),
        ("按期受理率", t.acceptance_rate.value, t.accepted_on_time, t.decided),
        ("按期办结率", t.closure_rate.value, t.closed_on_time, t.closure_due),
        ("答复率", t.reply_rate.value, t.replied, t.accepted),
        ("满意率", t.satisfaction_rate.value, t.satisfied, t.ratings),
        ("重复信访率", t.repeat_rate.value, t.repeats, t.received),
        ("回访满意率", stats.return_visits.value, stats.return_visits.numerator, stats.return_visits.denominator),
    ]:
        summary.append([label, value, numerator, denominator])
        if numerator is not None:
            summary.cell(row=summary.max_row, column=2).number_format = PERCENT_FORMAT
    widths(summary, 16)

    for key, title, dimension_label, rows in stats.breakdowns():
        sheet = book.create_sheet(str(title))
        header(sheet, [str(dimension_label)] + [h for h, _n, _r in XLSX_COLUMNS])
        for row in rows:
            sheet.append(figures_row(row))
        sheet.append(figures_row(stats.totals))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        format_rates(sheet, 2)
        widths(sheet, 12 if key == "month" else 22)

    overdue = book.create_sheet("逾期单位")
    header(overdue, ["承办单位", "乡镇", "逾期未办结件数", "最早到期日"])
    for unit in stats.overdue_units:
        overdue.append([unit.unit, unit.township, unit.overdue, unit.oldest_due])
        overdue.cell(row=overdue.max_row, column=4).number_format = "yyyy-mm-dd"
    overdue.append([f"截至 {stats.overdue_as_of:%Y-%m-%d}"])
    widths(overdue, 24, 16)

    notes = book.create_sheet("口径说明")
    header(notes, ["指标", "统计口径"])
    for term, text in DEFINITIONS:
        notes.append([str(term), str(text)])
        notes.cell(row=notes.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90

    _defuse_cells(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the county overview (县级汇总): the same figures, one row per township ---------------------


def township_breakdown(petitions, period, *, today=None, snapshot=False):
    """{township id: Figures} of `period`, the figures `totals` gives for each township alone
    (three queries whatever the number of townships: a deadline and a rating belong to their
    petition's township, the engine writes them so; none with a fresh `snapshot`); a township
    with nothing in the period is absent."""
    today = today or timezone.localdate()
    facts = facts_snapshot(petitions, period, today).facts if snapshot else facts_of(petitions, period, today)
    merged = _merge("township", facts.rows("township"))
    return {key: _with_label(figures, "") for key, figures in merged.items()}


def overdue_by_township(petitions, today):
    """{township id: petitions with a deadline past due and not met}, as overdue_count counts
    them (the home page's 信访逾期 and the list's 仅逾期), in one query."""
    overdue = Deadline.objects.filter(
        subject_type=_petition_type(),
        subject_id=OuterRef("pk"),
        state__in=PENDING_STATES,
        due_date__lt=today,
    )
    rows = _normalised(petitions).filter(Exists(overdue)).order_by().values("township_id").annotate(n=Count("pk"))
    return {row["township_id"]: row["n"] for row in rows}
