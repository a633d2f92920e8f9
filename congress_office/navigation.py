"""The navigation: each role sees only the entries it may use."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    permission: str = ""
    staff_only: bool = False
    county_wide_only: bool = False  # county and admin accounts (no township)
    # the roles that use the entry (shown to a user with one of them and the permission); empty:
    # every role with the permission. A deputy's menu is 首页, 履职活动, 代表建议, 会议, 日历 …,
    # not the office's 代表名册, 信访 or 期限督办, which their permissions would allow.
    roles: tuple = ()
    # an entry used now and then (统计, 档案, 单位 …): in a long menu it sits under 更多, so the
    # bar keeps one row at 1366 px in Chinese and English; on a phone the list is the same
    # True, or the roles for which it is secondary (档案 is the auditor's daily work, not the clerk's)
    more: bool | tuple = False


# the office's and the overseers' roles: the entries of the office's work
OFFICE = ("clerk", "chair", "auditor", "county", "admin")


NAV_ITEMS = [
    NavItem(_("首页"), "core:home", "bi-house"),
    NavItem(_("县级汇总"), "core:county_overview", "bi-grid-3x3-gap", county_wide_only=True),
    NavItem(
        _("期限督办"),
        "core:deadline_list",
        "bi-alarm",
        permission="core.view_deadline",
        roles=("clerk", "chair", "unit_handler", "county", "admin"),
    ),
    NavItem(_("日历"), "core:calendar", "bi-calendar-week", permission="core.view_deadline"),
    NavItem(
        _("承办单位"),
        "core:unit_list",
        "bi-building",
        permission="core.view_unit",
        roles=("clerk", "chair", "county", "admin"),
        more=True,
    ),
    NavItem(
        _("节假日"),
        "core:holiday_list",
        "bi-calendar3",
        permission="core.view_holiday",
        roles=("clerk", "admin"),
        more=True,
    ),
    NavItem(
        _("档案"),
        "core:archive_home",
        "bi-archive",
        permission="core.view_archiveitem",
        more=("clerk", "chair", "county", "admin"),
    ),
    NavItem(_("系统管理"), "admin:index", "bi-gear", staff_only=True, more=True),
]


# a menu longer than this keeps its `more` entries under 更多, and at most this many entries
# in the bar, before the 更多 toggle
NAV_INLINE_MAX = 9


def nav_for(user):
    from .registries import nav_items

    # the home page and the county overview first, then the domain apps' entries (registered in
    # their ready()), then the core's
    items = []
    for item in [*NAV_ITEMS[:2], *nav_items.values(), *NAV_ITEMS[2:]]:
        if item.permission and not user.has_perm(item.permission):
            continue
        if item.staff_only and not user.is_staff:
            continue
        if item.county_wide_only and not user.is_county_wide:
            continue
        if item.roles and not user.has_role(*item.roles):
            continue
        items.append(
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "icon": item.icon,
                "url_name": item.url_name,
                "more": item.more is True or (bool(item.more) and user.has_role(*item.more)),
            }
        )
    if len(items) <= NAV_INLINE_MAX:
        for entry in items:
            entry["more"] = False
    else:
        # still too long (the admin's, the county's): the last of the bar's entries join 更多
        for entry in [entry for entry in items if not entry["more"]][NAV_INLINE_MAX:]:
            entry["more"] = True
    # the bar's order: what stays in the bar, then what is under 更多 (the phone's list too)
    return sorted(items, key=lambda entry: entry["more"])
