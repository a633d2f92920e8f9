"""The county overview (县级汇总): per township, the figures each app registers in
`registries.county_figures` (petitions' rates, suggestions' rates, duty activities, overdue
counts), sorted and ranked; and one township's figures with a monthly trend. Aggregates only:
no case and no person is listed. Fixed queries: one for the townships, then each app's grouped
queries, whatever the number of townships.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .models import Township
from .registries import county_figures

TOWNSHIP_SORT = "township"
# how many years back the year picker offers (the platform keeps ten years of records)
YEARS_OFFERED = 10


@dataclass(frozen=True)
class Ratio:
    """numerator ÷ denominator: a share shown in per cent (`per_cent`), or a plain number such as
    activities per deputy; “—” when the denominator is 0. Rounded half up to one decimal."""

    numerator: object
    denominator: int
    per_cent: bool = True

    @property
    def value(self):
        return float(self.numerator) / self.denominator if self.denominator else None

    @property
    def shown(self):
        if not self.denominator:
            return None
        scale = Decimal(100) if self.per_cent else Decimal(1)
        return (Decimal(self.numerator) * scale / Decimal(self.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def percent(self):
        return self.shown if self.per_cent else None

    def __str__(self):
        shown = self.shown
        if shown is None:
            return "—"
        return f"{shown}%" if self.per_cent else str(shown)


@dataclass(frozen=True)
class Column:
    """A registered CountyColumn under its full key ("petitions.acceptance_rate")."""

    key: str
    spec: object
    section: str

    @property
    def label(self):
        return self.spec.label

    @property
    def kind(self):
        return self.spec.kind


@dataclass
class Section:
    key: str
    spec: object
    columns: list

    @property
    def title(self):
        return self.spec.title


@dataclass
class Row:
    township: Township
    values: dict  # full column key -> value
    rank: int | None = None

    def cells(self, columns):
        return [(column, self.values[column.key]) for column in columns]


@dataclass
class Sort:
    key: str
    descending: bool

    @property
    def param(self):
        return f"-{self.key}" if self.descending else self.key


@dataclass
class Overview:
    year: int
    start: date
    end: date
    sections: list
    rows: list
    totals: dict
    sort: Sort
    rank_column: Column | None
    reports: list = field(default_factory=list)

    @property
    def columns(self):
        return [column for section in self.sections for column in section.columns]

    def total_cells(self):
        return [(column, self.totals[column.key]) for column in self.columns]

    @property
    def has_data(self):
        # an int has a denominator too (1): a count is its own value, a share has data when it
        # has something to divide by
        return any(
            value if isinstance(value, int) else value.denominator for row in self.rows for value in row.values.values()
        )


def year_period(year):
    return date(year, 1, 1), date(year, 12, 31)


def offered_years(today):
    return list(range(today.year, today.year - YEARS_OFFERED, -1))


def sections_for(user):
    """The registered sections the user may read, in their order."""
    found = []
    for key, spec in sorted(county_figures.items(), key=lambda item: (item[1].order, item[0])):
        if spec.permission and not user.has_perm(spec.permission):
            continue
        columns = [Column(f"{key}.{c.key}", c, key) for c in spec.columns]
        found.append(Section(key, spec, columns))
    return found


def _empty(column):
    if column.kind == "count":
        return 0
    return Ratio(0, 0, per_cent=column.kind == "rate")


def _fill(sections, data_by_section, township_id):
    values = {}
    for section in sections:
        row = data_by_section[section.key].get(township_id) or {}
        for column in section.columns:
            value = row.get(column.spec.key)
            values[column.key] = _empty(column) if value is None else value
    return values


def _total(column, values):
    if column.kind == "count":
        return sum(values)
    numerator = sum(v.numerator for v in values)
    denominator = sum(v.denominator for v in values)
    return Ratio(numerator, denominator, per_cent=column.kind == "rate")


def sort_value(column, value):
    """A number to sort by, or None (sorted last whatever the direction)."""
    if column.kind == "count":
        return value
    return value.value


def best_first(column):
    """The direction that puts the best township first."""
    return Sort(column.key, descending=column.spec.higher_is_better)


def default_sort(columns):
    """The first rate registered (信访 按期受理率), best first; by township when there is none."""
    for column in columns:
        if column.kind == "rate":
            return best_first(column)
    return Sort(TOWNSHIP_SORT, descending=False)


def parse_sort(raw, columns):
    by_key = {column.key: column for column in columns}
    raw = (raw or "").strip()
    descending = raw.startswith("-")
    key = raw[1:] if descending else raw
    if key == TOWNSHIP_SORT or key in by_key:
        return Sort(key, descending)
    return default_sort(columns)


def sorted_rows(rows, sort, by_key):
    """Rows in the sort's order; townships without a value last; ties by township code."""
    by_code = sorted(rows, key=lambda row: row.township.code)
    if sort.key == TOWNSHIP_SORT:
        return list(reversed(by_code)) if sort.descending else by_code
    column = by_key[sort.key]
    present = [row for row in by_code if sort_value(column, row.values[column.key]) is not None]
    missing = [row for row in by_code if sort_value(column, row.values[column.key]) is None]
    present.sort(key=lambda row: sort_value(column, row.values[column.key]), reverse=sort.descending)
    return present + missing


def rank(rows, column):
    """名次 on `column`, best first; equal values share a rank (1, 1, 3); no value, no rank."""
    values = [sort_value(column, row.values[column.key]) for row in rows]
    ordered = sorted((v for v in values if v is not None), reverse=column.spec.higher_is_better)
    for row, value in zip(rows, values, strict=True):
        row.rank = None if value is None else ordered.index(value) + 1


def county_overview(user, *, year, today, sort=""):
    """Every township the user may see, with every registered figure of `year`."""
    start, end = year_period(year)
    townships = list(Township.objects.visible_to(user).filter(is_active=True).order_by("code"))
    sections = sections_for(user)
    data = {section.key: section.spec.compute(user, start, end, today) for section in sections}
    rows = [Row(t, _fill(sections, data, t.pk)) for t in townships]
    columns = [column for section in sections for column in section.columns]
    by_key = {column.key: column for column in columns}
    chosen = parse_sort(sort, columns)
    rank_column = by_key.get(chosen.key) or by_key.get(default_sort(columns).key)
    if rank_column is not None:
        rank(rows, rank_column)
    totals = {column.key: _total(column, [row.values[column.key] for row in rows]) for column in columns}
    return Overview(
        year=year,
        start=start,
        end=end,
        sections=sections,
        rows=sorted_rows(rows, chosen, by_key),
        totals=totals,
        sort=chosen,
        rank_column=rank_column,
        reports=[section.spec.report for section in sections if section.spec.report],
    )


def header_links(overview):
    """{column key or "township": (sort param when clicked, "ascending"/"descending"/"")}: a
    click on the sorted column reverses it, on another sorts it best first."""
    current = overview.sort
    links = {}
    for column in [None, *overview.columns]:
        key = TOWNSHIP_SORT if column is None else column.key
        if key == current.key:
            state = "descending" if current.descending else "ascending"
            links[key] = (Sort(key, not current.descending).param, state)
        else:
            links[key] = ((best_first(column) if column else Sort(key, False)).param, "")
    return links


@dataclass
class MonthRow:
    month: date
    values: dict
    is_future: bool = False
    cell_list: list = field(default_factory=list)  # [(column, value)] in the table's order


@dataclass
class TownshipPage:
    township: Township
    year: int
    sections: list
    values: dict
    months: list
    monthly_sections: list  # [(section, [Column])]
    links: list  # [(title, url)]

    @property
    def monthly_columns(self):
        return [column for _section, columns in self.monthly_sections for column in columns]

    @property
    def section_cells(self):
        """[(section, [(column, value)])]: the township's figures of the year, by section."""
        return [(section, [(c, self.values[c.key]) for c in section.columns]) for section in self.sections]


def _months(start):
    months, day = [], start
    for _i in range(12):
        months.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def county_township(user, township, *, year, today):
    """One township's figures of `year` and its twelve months."""
    start, end = year_period(year)
    sections = sections_for(user)
    data = {section.key: section.spec.compute(user, start, end, today, township=township) for section in sections}
    values = _fill(sections, data, township.pk)
    months = _months(start)
    monthly_sections, trend = [], {month: {} for month in months}
    for section in sections:
        if section.spec.monthly is None:
            continue
        keys = section.spec.monthly_columns or tuple(c.spec.key for c in section.columns)
        columns = [c for c in section.columns if c.spec.key in keys]
        monthly_sections.append((section, columns))
        by_month = section.spec.monthly(user, township, start, end, today)
        for month in months:
            row = by_month.get(month) or {}
            for column in columns:
                value = row.get(column.spec.key)
                trend[month][column.key] = _empty(column) if value is None else value
    monthly_columns = [column for _section, columns in monthly_sections for column in columns]
    links = []
    for section in sections:
        url = section.spec.link(township, year) if section.spec.link else ""
        if url:
            links.append((section.title, url))
    return TownshipPage(
        township=township,
        year=year,
        sections=sections,
        values=values,
        months=[
            MonthRow(m, trend[m], is_future=m > today, cell_list=[(c, trend[m][c.key]) for c in monthly_columns])
            for m in months
        ],
        monthly_sections=monthly_sections,
        links=links,
    )
