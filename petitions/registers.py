"""The petitions' printable registers (congress_office/registers.py): the 信访登记簿 and the
来访登记表（接谈记录）, one sheet per visit. Both read the petition list's rows for the same
query string (PetitionFilterSet, Petition.objects.visible_to), oldest first; a `year` narrows
them to the petitions received that year.

Phones and ID numbers are masked; `full=1` prints them in full for whoever may see them
(can_view_personal_data: the township's clerks and chairs), each petition shown in full logged as
a full view (PersonalDataAccess), as on the detail page."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_office.models import Deadline
from congress_office.registers import (
    Column,
    RegisterSheet,
    checked_filterset,
    day,
    header_township,
    personal_note,
    query_year,
    register_print,
    register_sheet,
    scope_text,
    take,
)
from congress_office.registries import PrintRegister
from congress_office.services.cases import case_type_of

from . import selectors
from .choices import Channel
from .filters import PetitionFilterSet
from .models import PersonalDataAccess, Petition
from .services.personal_data import PERSONAL_FIELDS, can_view_personal_data

REGISTER_KEY = "petitions.register"
VISIT_SHEETS_KEY = "petitions.visit_sheets"
# the petition list's filters, and the year
LIST_PARAMS = (*PetitionFilterSet.Meta.fields, "year")
REGISTER_ORDER = ("received_on", "pk")
HANDLING_CLOCKS = ("handling", "reopened")
# a 来访登记表 is a page: the print page shows the first 100 of the selection (the PDF takes more)
VISIT_SHEETS_PRINT_MAX = 100


def register_rows(user, query):
    """(filterset, the rows in register order) for `query`: the list's filter, the year."""
    filterset = checked_filterset(user, selectors.petition_list(user=user, filters=query or None))
    rows = filterset.qs.select_related("lead_unit", "registered_by").order_by(*REGISTER_ORDER)
    year = query_year(query)
    if year:
        rows = rows.filter(received_on__gte=date(year, 1, 1), received_on__lte=date(year, 12, 31))
    return filterset, rows


def may_show_full(user):
    """Whether `user` may ask for phones and ID numbers in full (their township's staff; each
    petition is checked again with can_view_personal_data when printed)."""
    return bool(user.township_id) and user.has_perm("petitions.view_personal_data")


def reveal(user, petitions, full):
    """({petition id: {"phone", "id_number"}} as printed, whether any is in full): in full where
    asked and allowed (each such petition logged as a full view, in one query), else masked."""
    shown, logged = {}, []
    # a register in full is the office's (a unit handler reveals one petitioner on its page)
    full = full and may_show_full(user)
    for petition in petitions:
        in_full = full and can_view_personal_data(user, petition)
        values = {"phone": petition.masked_phone, "id_number": petition.masked_id_number}
        if in_full:
            revealed = {name: getattr(petition, name) for name in PERSONAL_FIELDS if getattr(petition, name)}
            if revealed:
                values.update(revealed)
                logged.append(PersonalDataAccess(petition=petition, user=user, fields=",".join(revealed)))
        shown[petition.pk] = values
    if logged:
        PersonalDataAccess.objects.bulk_create(logged)
    return shown, bool(logged)


def handling_due(petitions):
    """{petition id: the due date of its latest handling clock (else of its latest clock)}: one
    query whatever the number of petitions."""
    kinds = {f"petitions.petition.{name}" for name in HANDLING_CLOCKS}
    due, fallback = {}, {}
    for subject_id, kind, due_date in (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Petition), subject_id__in=[p.pk for p in petitions]
        )
        .order_by("subject_id", "created_at", "pk")
        .values_list("subject_id", "kind", "due_date")
    ):
        (due if kind in kinds else fallback)[subject_id] = due_date
    return {pk: due.get(pk) or fallback.get(pk) for pk in {p.pk for p in petitions}}


def _state_and_close(petition):
    label = case_type_of(petition).state_label(petition.state)
    if petition.closed_at:
        return f"{label}\n{day(timezone.localtime(petition.closed_at).date())}"
    return label


def _personal_data(user, in_full):
    """The RegisterSheet fields of a register holding petitioners' phones and ID numbers."""
    return {"notes": [personal_note(in_full)], "full": in_full, "may_show_full": may_show_full(user)}


def petition_register(user, query, *, limit, full=False, strict=False):
    """信访登记簿: 编号, 登记日期, 来信/来访, 信访人 (with the phone, masked unless asked and
    allowed), 事项, 承办单位, 期限, 状态 / 办结日期; a county account's with the township."""
    filterset, rows = register_rows(user, query)
    total, petitions = take(rows, limit, strict)
    contact, in_full = reveal(user, petitions, full)
    due = handling_due(petitions)

    def row(p):
        who = [p.petitioner]
        if p.is_group:
            who.append(_("集体访 %(n)s 人") % {"n": p.headcount})
        if contact[p.pk]["phone"]:
            who.append(contact[p.pk]["phone"])
        return [
            str(p.number),
            day(p.received_on),
            p.get_channel_display(),
            "\n".join(who),
            f"{p.title}\n{p.subject.name} · {p.get_category_display()}",
            p.lead_unit.name if p.lead_unit_id else "",
            day(due.get(p.pk)),
            _state_and_close(p),
        ]

    return register_sheet(
        user,
        filterset,
        title=_("信访登记簿"),
        columns=[
            Column(_("编号"), "nowrap"),
            Column(_("登记日期"), "nowrap"),
            Column(_("来信/来访"), "nowrap"),
            Column(_("信访人"), "mid"),
            Column(_("事项"), "wide"),
            Column(_("承办单位"), "mid"),
            Column(_("期限"), "nowrap"),
            Column(_("状态/办结日期"), "nowrap"),
        ],
        objects=petitions,
        row=row,
        total=total,
        scope=scope_text(filterset, [(_("年度"), query_year(query))]),
        **_personal_data(user, in_full),
    )


def _handling_opinion(petition):
    """What the office decided, in words, for the sheet's 处理意见 (blank lines when nothing yet)."""
    parts = []
    if petition.accepted_on:
        parts.append(_("%(d)s 受理") % {"d": day(petition.accepted_on)})
    if petition.decision_reason:
        parts.append(petition.decision_reason)
    if petition.transferred_to:
        parts.append(_("转送%(o)s") % {"o": petition.transferred_to})
    if petition.lead_unit_id:
        parts.append(_("交%(u)s办理") % {"u": petition.lead_unit.name})
    if petition.outcome:
        parts.append(_("处理意见：%(o)s") % {"o": petition.get_outcome_display()})
    return "；".join(parts)


def visit_sheets(user, query, *, limit, full=False, strict=False):
    """来访登记表（接谈记录）: one sheet per visit petition (来访人, 人数, 证件, 联系方式, 反映问题,
    接谈人, 接谈情况, 处理意见, 签字栏), for one petition (`petition_id`) or the list's query."""
    petition_id = str(query.get("petition_id", "") or "").strip()
    filterset = None
    if petition_id:
        rows = Petition.objects.none()
        if petition_id.isdigit():
            rows = (
                Petition.objects.visible_to(user)
                .select_related("township", "subject", "lead_unit", "registered_by")
                .filter(pk=int(petition_id))
            )
        total, petitions = take(rows, 1, False)
        if not petitions:
            raise ValidationError(_("找不到该信访件，或您无权查看。"))
        if petitions[0].channel != Channel.VISIT:
            raise ValidationError(_("该信访件不是来访，没有来访登记表。"))
        scope = str(petitions[0].number)
    else:
        filterset, rows = register_rows(user, query)
        total, petitions = take(rows.filter(channel=Channel.VISIT), limit, strict)
        scope = scope_text(filterset, [(_("年度"), query_year(query))])
    contact, in_full = reveal(user, petitions, full)
    sheets = []
    for p in petitions:
        representatives = "、".join(str(r) for r in p.representatives or ())
        sheets.append(
            {
                "petition": p,
                "visitor": p.petitioner,
                "representatives": representatives,
                "headcount": p.headcount,
                "id_number": contact[p.pk]["id_number"],
                "phone": contact[p.pk]["phone"],
                "address": p.address,
                "matter": f"{p.title}\n{p.request}",
                "facts": p.facts,
                "receiver": p.registered_by.display_name if p.registered_by_id else "",
                "record": p.oral_record,
                "opinion": _handling_opinion(p),
            }
        )
    township = user.township.name if user.township_id else (petitions[0].township.name if petitions else "")
    return RegisterSheet(
        title=_("来访登记表（接谈记录）"),
        township=township or header_township(user, filterset),
        columns=[],
        rows=sheets,
        total=total,
        scope=scope,
        filterset=filterset,
        printed_on=timezone.localdate(),
        **_personal_data(user, in_full),
    )


def register():
    register_print(
        REGISTER_KEY,
        PrintRegister(
            title=gettext_lazy("信访登记簿"),
            build=petition_register,
            permission="petitions.view_petition",
            params=LIST_PARAMS,
            list_url="petitions:petition_list",
        ),
    )
    register_print(
        VISIT_SHEETS_KEY,
        PrintRegister(
            title=gettext_lazy("来访登记表（接谈记录）"),
            build=visit_sheets,
            permission="petitions.view_petition",
            params=(*LIST_PARAMS, "petition_id"),
            list_url="petitions:petition_list",
            template="petitions/registers/_visit_sheets.html",
            landscape=False,
            print_rows=VISIT_SHEETS_PRINT_MAX,
        ),
    )
