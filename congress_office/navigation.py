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


NAV_ITEMS = [
    NavItem(_("首页"), "core:home", "bi-house"),
    NavItem(_("县级汇总"), "core:county_overview", "bi-grid-3x3-gap", county_wide_only=True),
    NavItem(_("期限督办"), "core:deadline_list", "bi-alarm", permission="core.view_deadline"),
    NavItem(_("承办单位"), "core:unit_list", "bi-building", permission="core.view_unit"),
    NavItem(_("节假日"), "core:holiday_list", "bi-calendar3", permission="core.view_holiday"),
    NavItem(_("档案"), "core:archive_home", "bi-archive", permission="core.view_archiveitem"),
    NavItem(_("系统管理"), "admin:index", "bi-gear", staff_only=True),
]


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
        items.append({"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "url_name": item.url_name})
    return items
