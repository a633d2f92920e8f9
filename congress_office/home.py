"""The role homes (issue 14): each role's home opens on its next actions. The blocks come from
the `home_sections` registry (each app registers its own in its plugins, the core its deadline,
extension and archive blocks here); a block is a HomeSection, most of them a queue: a count that
links to the filtered list behind it, and the first few items of that list.

Every block reads a fixed number of queries whatever the data volume (a count and a page of at
most TOP rows), so a role's home does too.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registries import HomeSection, home_sections
from .roles import Role

QUEUE_TEMPLATE = "core/home/_queue.html"
TOP = 5  # the items a queue shows; its count links to all of them

# the roles whose home shows the office's counters (办理中, 已逾期 …), its cards and the chart;
# a deputy, a unit handler and an auditor see their own blocks only
OVERVIEW_ROLES = (Role.CLERK, Role.CHAIR, Role.COUNTY, Role.ADMIN)


@dataclass(frozen=True)
class QueueItem:
    title: str
    url: str
    note: str = ""
    due: object = None  # a date: shown as a badge, red once past
    badge: str = ""  # a short text instead of the date (一个状态 …)


def queue(*, title, count, url, items, empty, order=100, icon="bi-inbox", tone="primary", wide=False):
    """A queue block: `count` links to `url` (the list that shows exactly that many), `items`
    (QueueItem, at most TOP) are its first rows, `empty` says what an empty queue means."""
    return HomeSection(
        title=title,
        template=QUEUE_TEMPLATE,
        context={
            "count": count,
            "url": url,
            "items": list(items),
            "empty": empty,
            "icon": icon,
            "tone": tone if count else "secondary",
        },
        order=order,
        wide=wide,
    )


def queue_of(rows, *, item, prepare=None, **block):
    """A queue block of the queryset `rows` (already in the order shown): its count, then its
    first TOP rows (two queries), each made a QueueItem by `item`; `prepare(rows)` may read what
    the items need for the page in one more query. `block` is what queue() takes besides."""
    count = rows.count()
    top = list(rows[:TOP])
    if prepare is not None:
        prepare(top)
    return queue(count=count, items=[item(row) for row in top], **block)


def member(user, role, permission):
    """`user` holds `role` in a township and has `permission`: who a township's block is for."""
    return user.has_role(role) and user.township_id is not None and user.has_perm(permission)


def sections_for(user):
    """The blocks of `user`'s home, in order: [{"key", "section"}]."""
    shown = []
    for key, make in home_sections.items():
        section = make(user)
        if section is not None:
            shown.append({"key": key.replace(".", "-"), "section": section})
    return sorted(shown, key=lambda entry: entry["section"].order)


def shows_overview(user):
    return user.is_county_wide or user.has_role(*OVERVIEW_ROLES)


def _deadline_item(d):
    return QueueItem(
        title=d.display_title,
        url=d.subject_url or d.get_absolute_url(),
        note=str(d.responsible_unit or d.responsible_user or ""),
        due=d.due_date,
    )


def _deadline_queue(deadlines, **block):
    rows = deadlines.select_related("responsible_unit", "responsible_user").order_by("due_date", "pk")
    return queue_of(rows, item=_deadline_item, **block)


# --- the core's blocks ----------------------------------------------------------------------------


def overdue_section(user):
    """The clerk's 已逾期: pending deadlines past due, the longest overdue first (two queries)."""
    from .models import Deadline

    if not member(user, Role.CLERK, "core.view_deadline"):
        return None
    today = timezone.localdate()
    return _deadline_queue(
        Deadline.objects.visible_to(user).overdue_on(today),
        title=_("已逾期"),
        url=reverse("core:deadline_list") + "?state=overdue",
        empty=_("没有逾期事项。"),
        order=40,
        icon="bi-exclamation-octagon",
        tone="danger",
    )


def unit_items_section(user):
    """A unit handler's items: the pending deadlines of their unit (and their own), soonest due
    first, each linking to its petition, suggestion or document (two queries)."""
    from .models import Deadline

    if not member(user, Role.UNIT_HANDLER, "core.view_deadline"):
        return None
    return _deadline_queue(
        Deadline.objects.visible_to(user).pending(),
        title=_("我的承办事项"),
        url=reverse("core:deadline_list") + "?state=pending",
        empty=_("本单位目前没有待办事项。交办的信访件、代表建议和收文会出现在这里。"),
        order=10,
        icon="bi-briefcase",
        wide=True,
    )


def extension_section(user):
    """A chair's 延期申请: requests waiting for their decision, oldest first (two queries)."""
    from .services.cases import extension_queue

    if not member(user, Role.CHAIR, "core.approve_extension"):
        return None
    return queue_of(
        extension_queue(user),
        item=lambda r: QueueItem(
            title=r.deadline.display_title,
            url=r.deadline.subject_url or r.deadline.get_absolute_url(),
            note=_("申请延期至 %(d)s") % {"d": r.new_due_date.isoformat()},
            due=r.deadline.due_date,
        ),
        title=_("延期申请"),
        url=reverse("core:extension_queue"),
        empty=_("没有待审批的延期申请。"),
        order=10,
        icon="bi-calendar-check",
        tone="warning",
    )


def archive_section(user):
    """The auditor's annual archive: this year's and last year's items, and the packages
    (exports) with their state, linking to the archive home (three queries)."""
    from .models import ArchiveExport, ArchiveItem

    if not member(user, Role.AUDITOR, "core.view_archiveitem"):
        return None
    today = timezone.localdate()
    years = [today.year - 1, today.year]
    items = ArchiveItem.objects.filter(township_id=user.township_id, year__in=years)
    counts = {year: 0 for year in years}
    for row in items.values("year").order_by().annotate(n=Count("pk")):
        counts[row["year"]] = row["n"]
    exports = list(ArchiveExport.objects.filter(township_id=user.township_id).order_by("-created_at", "-pk")[:TOP])
    return HomeSection(
        title=_("年度档案"),
        template="core/home/_archive.html",
        context={"years": [(year, counts[year]) for year in reversed(years)], "exports": exports},
        order=10,
        wide=True,
    )


def register():
    home_sections.register("core.unit_items", unit_items_section)
    home_sections.register("core.overdue", overdue_section)
    home_sections.register("core.extensions", extension_section)
    home_sections.register("core.archive", archive_section)
