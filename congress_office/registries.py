"""Registries the domain apps plug into from their AppConfig.ready(); the core imports no app.

- deadline_kinds: what a Deadline.kind means (its label, and the URL of its subject).
- dashboard_cards: counters on home pages, each a callable (user) -> Card or None.
- home_sections: the blocks of each role's home page, each a callable (user) -> HomeSection or None.
- pdf_reports: reports rendered to PDF by a Celery task with progress.
- xlsx_exports: list exports to .xlsx (a download, or a Celery job above EXPORT_INLINE_MAX_ROWS).
- deputy_record_sections: sections of a deputy's yearly record (履职档案) from later apps.
- deputy_flags: what later apps flag about deputies on the register (absences …).
- record_links: what a record cites or is cited by in later apps (a petition's 批复 …).
- lookup_kinds: what the search-as-you-type filter fields look up (deputy, unit, subject …).
- county_figures: the columns of the county overview (县级汇总), per township, from each app.
- search_kinds: what the one search box in the header searches (petitions, deputies …).
- print_registers: printable registers (登记簿, 名册, 台账): a print page and a PDF each.
- calendar_sources: the entries of the calendar (日历): reception days, trainings, meetings …
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


class Registry:
    def __init__(self, name):
        self.name = name
        self._items = {}

    def register(self, key, item):
        if key in self._items and self._items[key] is not item:
            raise ValueError(f"{self.name}: {key!r} is already registered")
        self._items[key] = item
        return item

    def unregister(self, key):
        self._items.pop(key, None)

    def get(self, key):
        return self._items.get(key)

    def __getitem__(self, key):
        return self._items[key]

    def __contains__(self, key):
        return key in self._items

    def items(self):
        return self._items.items()

    def values(self):
        return self._items.values()


@dataclass(frozen=True)
class DeadlineKind:
    label: str
    # Who, besides the responsible unit and user, is reminded (role codes within the township).
    remind_roles: tuple = ("clerk",)
    # a county-wide user without this permission does not see deadlines of this kind (their
    # titles name the case, which may name a citizen): "" for everyone who sees deadlines
    view_permission: str = ""
    # subject_url(subject) -> the page of the deadline's subject (default: its get_absolute_url()),
    # opened through core:deadline_subject, so a list links to it without loading any subject
    subject_url: Callable | None = None


@dataclass(frozen=True)
class Card:
    title: str
    value: object
    url: str = ""
    tone: str = "primary"
    icon: str = "bi-clipboard-check"


@dataclass(frozen=True)
class HomeSection:
    """A block of a role's home page: `template` rendered with `context` (plus the page's
    `user` and `today`). `order` places it (the next actions first); `wide` spans the row."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    wide: bool = False


@dataclass(frozen=True)
class PdfReport:
    title: str
    template: str
    # build_context(job, progress) -> dict; progress(percent, message) records progress.
    build_context: Callable
    permission: str = ""
    roles: tuple = field(default_factory=tuple)
    # POST fields the start view copies (as strings) into job.params; build_context validates them.
    params: tuple = ()


@dataclass(frozen=True)
class XlsxExport:
    """A list's .xlsx export (congress_office.xlsx.xlsx_export): table(user, query) ->
    congress_office.xlsx.ExportTable, the rows `user` may see filtered by `query` (the list's
    query string as a QueryDict), not yet evaluated. `title` names the job of a large export
    (信访件导出（12,345 条）); `permission` is checked again when a job runs."""

    title: str
    table: Callable
    permission: str = ""


@dataclass(frozen=True)
class ArchiveEntry:
    """One record of a year that becomes an archive item (件)."""

    record: object
    title: str
    responsible: str
    date: object
    number: str = ""
    secrecy: str = ""  # the 密级 as printed (秘密 …)
    clearance: int = 0  # the User.clearance needed to read the content


@dataclass(frozen=True)
class ArchivePart:
    """One file of an archive item. A section lists an item's parts in DA/T 22-2015 order:
    正本 before 定稿, 正文 before 附件, a 文件处理单 / 发文稿纸 before the 收文 / 定稿 it belongs to.
    `render()` returns the file's bytes (a PDF unless `ext` says otherwise; the 归档章 goes on
    the first page of the first part, so that part is a PDF)."""

    title: str
    render: Callable
    ext: str = "pdf"


@dataclass(frozen=True)
class ArchiveSection:
    """What an app contributes to a year's archive: `entries(township, year)` yields
    ArchiveEntry, `parts(...)` renders one item's files; `period` is the default
    retention of the kind (an admin's RetentionRule for `kind` overrides it, never laxer than `retention_class`'s)."""

    kind: str
    name: str
    retention_class: str
    period: str
    entries: Callable
    org_code: str = "BGS"
    # parts(record, user, item=None, full=False) -> [ArchivePart]: the item's files, rendered once
    # when it is archived (`user` is the archivist, whom the PDFs may name): personal data masked,
    # or in full when `full` (only for a section with `full_copy`)
    parts: Callable | None = None
    # full_copy(record, user) -> bool: whether `user`, writing a package, receives the item's full
    # copy (personal data in full) rather than the archive copy; it logs the full view it grants.
    # None: the section's items hold no personal data beyond what every archivist may read
    full_copy: Callable | None = None


@dataclass(frozen=True)
class UnitIndicator:
    """compute(unit, start, end) -> (numerator, denominator, url): a share over a period, with
    a link to the records it counts."""

    label: str
    compute: Callable


@dataclass(frozen=True)
class DeputyFlag:
    label: str
    detail: str = ""
    tone: str = "warning"


@dataclass(frozen=True)
class RecordSection:
    """A section of a deputy's yearly record supplied by a later app (meetings attended,
    suggestions, motions …): build(deputy, year) -> list of rows (dicts with "date" and "text")."""

    title: str
    build: Callable


@dataclass(frozen=True)
class LookupKind:
    """A kind of record the search-as-you-type filter fields (congress_office.widgets.LookupSelect)
    look up through the core's lookup view: queryset(user) -> what the user may see (their
    township's rows for a township user), searched with `search_fields` (icontains, ORed) or
    `search(queryset, q)`, in `ordering`; text(obj, user) -> the option's label."""

    queryset: Callable
    search_fields: tuple = ("name",)
    ordering: tuple = ("name", "pk")
    search: Callable | None = None
    text: Callable | None = None
    # allowed(user) -> bool: whether the user may look this kind up at all (404 if not)
    allowed: Callable | None = None


@dataclass(frozen=True)
class CountyColumn:
    """One column of the county overview. `kind`: "count" (an int), "rate" (a share shown in per
    cent) or "ratio" (a number such as activities per deputy); a rate's or ratio's value has
    `numerator`, `denominator`, `value` (a float or None) and str() (petitions' Rate, the core's
    Ratio). `higher_is_better`: the ranking order (False for 重复信访率 and overdue counts)."""

    key: str
    label: str
    kind: str = "count"
    higher_is_better: bool = True
    help: str = ""  # the definition, shown as the header's title


@dataclass(frozen=True)
class CountyFigures:
    """What an app adds to the county overview (县级汇总) and its township pages: aggregates
    only, never a case or a person.

    compute(user, start, end, today, township=None) -> {township_id: {column key: value}} of the
    whole months from `start` to `end`, read through what `user` may see (narrowed to `township`
    when given), in a fixed number of queries whatever the number of townships.
    monthly(user, township, start, end, today) -> {first day of a month: {column key: value}} for
    the township page's trend, in a fixed number of queries too; `monthly_columns` are the keys it
    fills (default: every column). link(township, year) -> the app's own statistics page for that
    township, or ""."""

    title: str
    columns: tuple
    compute: Callable
    monthly: Callable | None = None
    monthly_columns: tuple = ()
    permission: str = ""
    order: int = 100
    link: Callable | None = None
    # a PdfReport key taking the params year, month and township (empty: the whole county) that
    # the overview offers, e.g. the petitions' monthly analysis
    report: str = ""
    # a line the overview shows under its title (e.g. how fresh the figures are)
    note: object = ""


@dataclass(frozen=True)
class PrintRegister:
    """A printable register (信访登记簿, 代表名册, 督办台账 …), see congress_office/registers.py:
    build(user, query, *, limit, full, strict=False) -> registers.RegisterSheet of the rows `user`
    may see for `query` (the list's query string, a QueryDict): at most `limit` (`strict`, a PDF:
    more is a ValidationError), personal data in full when `full` and allowed; `params` are the
    query fields it reads (copied into its PDF job); `template` draws the sheet (the print page
    and the PDF share it)."""

    title: str
    build: Callable
    permission: str
    params: tuple = ()
    list_url: str = ""  # the URL name of the list it prints ("" when the print page is the list)
    template: str = "registers/_table.html"
    landscape: bool = True
    # the print page's cap when the register's rows are bigger than a table row (a 来访登记表 is
    # a page each): 0, REGISTER_PRINT_MAX_ROWS
    print_rows: int = 0
    per_person: bool = False  # one row per person: not for county accounts (aggregates only)


@dataclass(frozen=True)
class SearchKind:
    """A kind of record the header's search box finds (congress_office.search): search(user, q)
    -> the matches `user` may see (visible_to), ordered and with what row() reads selected;
    row(obj, user) -> congress_office.search.SearchRow; list_url(q) -> the kind's own list
    filtered with ?q= (查看全部; default: the search page narrowed to this kind). A kind the
    user lacks `permission` for, or that `allowed(user)` refuses, is not searched at all."""

    title: str
    search: Callable
    row: Callable
    permission: str = ""
    allowed: Callable | None = None
    list_url: Callable | None = None
    order: int = 100


role_tables = Registry("role permission tables")  # {Role: ["app.codename", …]} of each app
case_types = Registry("case types")  # congress_office.cases.CaseType of petitions, suggestions …
deadline_kinds = Registry("deadline kinds")
dashboard_cards = Registry("dashboard cards")
# the role homes' blocks of each app: callables (user) -> HomeSection or None, each in a fixed
# number of queries (a deputy's 记录履职活动 / 待我评价, a clerk's queues, a chair's approvals …)
home_sections = Registry("home sections")
pdf_reports = Registry("pdf reports")
xlsx_exports = Registry("xlsx exports")  # XlsxExport of each list export (petitions, the register …)
deputy_record_sections = Registry("deputy record sections")
# providers(deputy_ids) -> {deputy_id: [DeputyFlag, …]} in a fixed number of queries: what a later
# app says about a deputy on the register (two unexcused absences from sessions …)
deputy_flags = Registry("deputy flags")
# UnitIndicator entries: figures the product computes for a unit and a period from its own
# records (the share of deadlines met, replies rated satisfied …), offered to the assessments
unit_indicators = Registry("unit indicators")
archive_sections = Registry("archive sections")  # ArchiveSection of each app
demo_seeders = Registry("demo seeders")  # callables (township, users, today) run by seed_demo
nav_items = Registry("navigation")  # congress_office.navigation.NavItem entries of the domain apps
# "转为信访 / 转为代表建议" on a reception visit: callables (visit, user) -> {"label", "url"} or None
reception_visit_actions = Registry("reception visit actions")
# links between records of different apps (a petition citing the 批复 that answers it …): callables
# (record, user) -> list of {"label", "url", "relation"} (optional "kind", "icon"), only what the
# user may see; the {% record_links record as links %} tag (templatetags/citations.py) calls them all
record_links = Registry("record links")
# LookupKind entries by the kind named in the lookup URL (lookup/<kind>/): "deputy", "unit" …
lookup_kinds = Registry("lookup kinds")
# CountyFigures entries of the apps, by key: the county overview's sections, in `order`
county_figures = Registry("county figures")
# SearchKind entries of the apps by key ("petitions", "deputies" …): the header's search box
search_kinds = Registry("search kinds")
# PrintRegister entries by key ("petitions.register" …): print page and PDF (registers.register_print)
print_registers = Registry("print registers")
# the calendar (日历): callables (user, start, end, township=None) -> [calendar_events.CalendarEvent]
# of the days from start to end (inclusive) that the user may see, in a fixed number of queries
calendar_sources = Registry("calendar sources")


def register_case_type(spec):
    """Register a case type (congress_office.cases.CaseType) and a deadline kind for each of its
    clocks, so the daily scan reminds and escalates them like any other deadline."""
    case_types.register(spec.key, spec)
    for clock_name, clock in spec.clocks.items():
        deadline_kinds.register(
            spec.deadline_kind(clock_name), DeadlineKind(label=clock.label, view_permission=spec.view_permission)
        )
    return spec


def unregister_case_type(spec):
    case_types.unregister(spec.key)
    for clock_name in spec.clocks:
        deadline_kinds.unregister(spec.deadline_kind(clock_name))


def register_core():
    from . import reports
    from .roles import CORE_ROLE_PERMISSIONS

    role_tables.register("core", CORE_ROLE_PERMISSIONS)
    from .views.extensions import extension_card

    deadline_kinds.register("core.general", DeadlineKind(label=_("督办事项")))
    from .calendar_events import deadline_events

    calendar_sources.register("core.deadlines", deadline_events)
    dashboard_cards.register("core.extension_requests", extension_card)
    from .views.archive_disposal import destruction_card

    dashboard_cards.register("core.destruction_approvals", destruction_card)
    reports.register()
    from . import indicators

    indicators.register()
    from . import lookups

    lookups.register()
    from . import supervision_ledger

    supervision_ledger.register()  # 督办台账: print page and PDF
    from . import home

    home.register()
