"""The 代表名册 as a printable register (congress_office/registers.py): the deputy list's rows for
the same query string (DeputyFilterSet, Deputy.objects.visible_to), in the list's order.
Phones masked; `full=1` prints them in full for the township's clerks and chairs
(can_view_deputy_contact), logged as an export of the register (DeputyContactAccess). One row per
person: not for county accounts (aggregates only)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_office.registers import Column, personal_note, read_register, register_print, register_sheet
from congress_office.registries import PrintRegister

from . import selectors
from .services.contact import can_view_deputy_contact, deputy_contact_export_logged

REGISTER_KEY = "deputies.register"
LIST_PARAMS = ("q", "term", "district", "group", "status", "include_terminated")
# the list's order (views.register.DEPUTY_ORDER)
DEPUTY_ORDER = ("-term__number", "group__name", "name", "pk")


def deputy_register(user, query, *, limit, full=False, strict=False):
    """代表名册: 姓名, 性别, 民族, 出生年月, 党派, 选区, 代表小组, 职业/单位, 联系电话."""
    filterset, total, deputies = read_register(
        user, selectors.deputy_list(user=user, filters=query or None), DEPUTY_ORDER, limit, strict
    )
    may_show_full = can_view_deputy_contact(user, township_id=user.township_id)
    in_full = bool(full and may_show_full and any(d.phone for d in deputies))
    if in_full:
        deputy_contact_export_logged(
            user=user, rows=total, query=query.urlencode() if hasattr(query, "urlencode") else ""
        )

    def row(d):
        status = "" if d.status == "active" else f"（{d.get_status_display()}）"
        return [
            d.name + status,
            d.get_gender_display(),
            d.ethnicity,
            d.birth_date.strftime("%Y.%m") if d.birth_date else "",
            d.get_affiliation_display(),
            d.district.name if d.district_id else "",
            d.group.name if d.group_id else "",
            "\n".join(part for part in (d.occupation, d.work_unit) if part),
            d.phone if in_full else d.masked_phone,
        ]

    return register_sheet(
        user,
        filterset,
        title=_("代表名册"),
        columns=[
            Column(_("姓名"), "nowrap"),
            Column(_("性别"), "nowrap"),
            Column(_("民族"), "nowrap"),
            Column(_("出生年月"), "nowrap"),
            Column(_("党派"), "nowrap"),
            Column(_("选区"), "mid"),
            Column(_("代表小组"), "mid"),
            Column(_("职业/单位"), "wide"),
            Column(_("联系电话"), "nowrap"),
        ],
        objects=deputies,
        row=row,
        total=total,
        notes=[personal_note(in_full)],
        full=in_full,
        may_show_full=may_show_full,
    )


def register():
    register_print(
        REGISTER_KEY,
        PrintRegister(
            title=gettext_lazy("代表名册"),
            build=deputy_register,
            permission="deputies.view_deputy",
            params=LIST_PARAMS,
            list_url="deputies:deputy_list",
            per_person=True,
        ),
    )
