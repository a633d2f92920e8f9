"""What the deputies app plugs into the core's registries."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_office.navigation import OFFICE, NavItem
from congress_office.registries import Card, PdfReport, dashboard_cards, demo_seeders, nav_items, pdf_reports


def pending_activities_card(user):
    if not user.has_perm("deputies.review_activity") or user.township_id is None:
        return None
    from .choices import ActivityStatus
    from .models import Activity

    count = Activity.objects.visible_to(user).filter(status=ActivityStatus.SUBMITTED).count()
    return Card(
        title=_("待确认履职活动"),
        value=count,
        url=reverse("deputies:activity_list") + "?status=submitted",
        tone="warning" if count else "secondary",
        icon="bi-person-check",
    )


def deputy_record_context(job, progress):
    """The 履职档案 of one deputy and year, read through the owner's visibility: a deputy
    gets only their own, another township's deputy is "not found"."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from .models import Deputy
    from .selectors import deputy_year_record, parse_record_year

    year = parse_record_year(job.params.get("year"))
    deputy_id = str(job.params.get("deputy_id", ""))
    deputy = None
    if year is not None and deputy_id.isdigit():
        deputy = (
            Deputy.objects.visible_to(job.owner)
            .select_related("township", "term", "district", "group")
            .filter(pk=int(deputy_id))
            .first()
        )
    if deputy is None:
        raise ValidationError(_("找不到该代表的履职档案，或您无权查看。"))
    progress(30, _("正在汇总履职情况"))
    return {
        "record": deputy_year_record(deputy=deputy, year=year),
        "today": timezone.localdate(),
        "owner": job.owner,
        "compiler": record_compiler(deputy.township),
    }


def record_compiler(township):
    """制表人 of a 履职档案: the office keeps the record (代表法 Art.58), so it is the clerk the
    township names for it (Township.record_compiler), or else the office itself — never the
    person who happened to press 导出."""
    from django.utils.translation import gettext

    return township.record_compiler or gettext("%(t)s人大办公室") % {"t": township.name}


def served_in(township, year):
    """The deputies of the township who held office at some time in `year`: their term overlaps
    the year and their mandate had not ended before it began."""
    from datetime import date

    from django.db.models import Q

    from .choices import DeputyStatus
    from .models import Deputy

    start, end = date(year, 1, 1), date(year, 12, 31)
    ended_before = Q(status=DeputyStatus.TERMINATED, status_date__lt=start)
    return (
        Deputy.objects.filter(township=township, term__start_date__lte=end, term__end_date__gte=start)
        .exclude(ended_before)
        .select_related("township", "term")
        .order_by("term__number", "name", "pk")
    )


def archive_records(township, year):
    """One 履职档案 per deputy who served in the year, dated the year's last day (today while the
    year is still running); none for a year not begun."""
    from datetime import date

    from django.utils import timezone
    from django.utils.translation import gettext

    from congress_office.registries import ArchiveEntry

    today = timezone.localdate()
    if year > today.year:
        return
    day = min(date(year, 12, 31), today)
    presidium = gettext("%(t)s人民代表大会主席团") % {"t": township.name}
    for deputy in served_in(township, year):
        yield ArchiveEntry(
            record=deputy,
            title=gettext("%(n)s%(y)s年度履职档案") % {"n": deputy.name, "y": year},
            responsible=presidium,
            date=day,
        )


def record_full_copy(deputy, user):
    """A package writer who may see deputies' numbers in full (the township's clerks and chairs,
    services.contact) receives the 履职档案 with the phone in full; each time is logged."""
    from .models import ContactAccessKind
    from .services.contact import can_view_deputy_contact, deputy_contact_reveal

    if not can_view_deputy_contact(user, deputy) or not (deputy.phone or deputy.id_number):
        return False
    deputy_contact_reveal(deputy=deputy, user=user, kind=ContactAccessKind.ARCHIVE)
    return True


def record_parts(deputy, user, item=None, year=None, full=False):
    """The deputy's 履职档案 of the item's year (or `year`), as the deputies' PDF report prints
    it, dated the day it was archived and made by the archivist `user`; the phone masked unless
    `full` (the full copy, see record_full_copy)."""
    from django.utils.translation import gettext

    from congress_office.pdf import render_pdf
    from congress_office.registries import ArchivePart
    from congress_office.services.archive import archived_on

    from .models import Deputy
    from .selectors import deputy_year_record

    year = item.year if item is not None else year
    if year is None:
        raise ValueError("record_parts needs the archive item or the year")
    deputy = Deputy.objects.select_related("township", "term", "district", "group").get(pk=deputy.pk)

    def render():
        context = {
            "record": deputy_year_record(deputy=deputy, year=year),
            "today": archived_on(item),
            "owner": user,
            "compiler": record_compiler(deputy.township),
            "phone_in_full": full,
        }
        return render_pdf("deputies/pdf/record.html", {"title": gettext("代表履职档案"), **context})

    return [ArchivePart(gettext("%(n)s%(y)s年度履职档案") % {"n": deputy.name, "y": year}, render)]


def register_lookups():
    """What the deputies' filter fields look up: deputies, districts, groups and terms the user
    may see (their own township's for a township user)."""
    from django.db.models import Q

    from congress_office.lookups import with_township
    from congress_office.registries import LookupKind, lookup_kinds

    from .models import Deputy, DeputyGroup, District, Term
    from .selectors import co_participant_choices

    def search_terms(queryset, q):
        condition = Q(township__name__icontains=q)
        digits = q.strip("第届 ")
        if digits.isdigit():
            condition |= Q(number=int(digits))
        return queryset.filter(condition)

    by_township = ("township__code", "-term__number", "name", "pk")
    lookup_kinds.register(
        "deputy",
        LookupKind(
            queryset=lambda user: Deputy.objects.visible_to(user).select_related("township"),
            search_fields=("name",),
            ordering=("township__code", "name", "pk"),
            text=with_township,
        ),
    )
    # the fellow deputies a deputy may name as co-participants of an activity: the serving
    # deputies of their own township, by name (a deputy's "deputy" kind is only themselves)
    lookup_kinds.register(
        "co_deputy",
        LookupKind(
            queryset=lambda user: co_participant_choices(user).select_related("group"),
            search_fields=("name",),
            ordering=("name", "pk"),
            text=lambda obj, user: f"{obj.name}（{obj.group}）" if obj.group_id else obj.name,
            allowed=lambda user: user.township_id is not None and user.has_perm("deputies.add_activity"),
        ),
    )
    lookup_kinds.register(
        "district",
        LookupKind(
            queryset=lambda user: District.objects.visible_to(user).select_related("township"),
            search_fields=("name", "area"),
            ordering=by_township,
            text=with_township,
        ),
    )
    lookup_kinds.register(
        "group",
        LookupKind(
            queryset=lambda user: DeputyGroup.objects.visible_to(user).select_related("township"),
            search_fields=("name",),
            ordering=by_township,
            text=with_township,
        ),
    )
    lookup_kinds.register(
        "term",
        LookupKind(
            queryset=lambda user: Term.objects.visible_to(user).select_related("township"),
            search=search_terms,
            ordering=("township__code", "-number", "pk"),
            text=with_township,
        ),
    )


def register_export_table(user, query):
    from .views.register import deputies_export_table

    return deputies_export_table(user, query)


def register():
    from congress_office.registries import role_tables

    from . import demo
    from .permissions import DEPUTIES_ROLE_PERMISSIONS

    role_tables.register("deputies", DEPUTIES_ROLE_PERMISSIONS)
    register_lookups()
    from . import search

    search.register()  # the header's search box: deputies and suggestions
    from . import registers

    registers.register()  # 代表名册: print page and PDF
    nav_items.register(
        "deputies.register",
        NavItem(_("代表名册"), "deputies:deputy_list", "bi-people", permission="deputies.view_deputy", roles=OFFICE),
    )
    nav_items.register(
        "deputies.activities",
        NavItem(
            _("履职活动"),
            "deputies:activity_list",
            "bi-journal-check",
            permission="deputies.view_activity",
            roles=("clerk", "chair", "deputy", "county", "admin"),
        ),
    )
    nav_items.register(
        "deputies.records",
        NavItem(
            _("履职档案"),
            "deputies:record_home",
            "bi-archive",
            permission="deputies.view_record",
            roles=OFFICE,
            more=("clerk", "chair", "county", "admin"),  # the auditor's yearly export: in its bar
        ),
    )
    dashboard_cards.register("deputies.pending_activities", pending_activities_card)
    from . import home

    home.register()
    from congress_office.registries import calendar_sources

    from . import calendar

    calendar_sources.register("deputies", calendar.events)
    from congress_office.registries import county_figures

    from . import county

    county_figures.register("deputies.activities", county.FIGURES)
    pdf_reports.register(
        "deputies.record",
        PdfReport(
            title=_("代表履职档案"),
            template="deputies/pdf/record.html",
            build_context=deputy_record_context,
            permission="deputies.view_record",
            params=("deputy_id", "year"),
        ),
    )
    demo_seeders.register("deputies", demo.seed)
    from congress_office.registries import XlsxExport, xlsx_exports

    from .services.register_io import EXPORT_KEY

    xlsx_exports.register(
        EXPORT_KEY, XlsxExport(title=_("代表名册"), table=register_export_table, permission="deputies.view_deputy")
    )
    from congress_office.registries import ArchiveSection, archive_sections

    archive_sections.register(
        "deputies.record",
        ArchiveSection(
            "deputies.record",
            _("代表履职档案"),
            "records",
            "D10",
            archive_records,
            org_code="BGS",
            parts=record_parts,
            full_copy=record_full_copy,
        ),
    )

    from .suggestions import plugins as suggestion_plugins

    suggestion_plugins.register()
