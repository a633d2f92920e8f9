"""What suggestions plug into the core's registries. Called at the end of
deputies.plugins.register(), so the demo seeder runs after the deputies' own."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_office.navigation import OFFICE, NavItem
from congress_office.registries import (
    Card,
    PdfReport,
    RecordSection,
    dashboard_cards,
    demo_seeders,
    deputy_record_sections,
    nav_items,
    pdf_reports,
    reception_visit_actions,
    register_case_type,
    role_tables,
)
from congress_office.roles import Role

from .case_type import suggestion_case_type


def suggestions_card(user):
    """The office: suggestions awaiting assignment; a deputy: answers awaiting their rating;
    a unit handler: their unit's suggestions in handling."""
    if user.township_id is None or not user.has_perm("deputies.view_suggestion"):
        return None
    from . import access, selectors

    url = reverse("deputies:suggestion_list")
    if user.has_perm("deputies.assign_suggestion"):
        count = selectors.awaiting_assignment_count(user)
        return Card(
            title=_("待交办代表建议"),
            value=count,
            url=url + "?state=registered",
            tone="warning" if count else "secondary",
            icon="bi-lightbulb",
        )
    deputy = access.own_deputy(user)
    if deputy is not None and user.has_perm("deputies.rate_suggestion"):
        count = selectors.awaiting_my_rating_count(user, deputy)
        return Card(
            title=_("待我评价的建议"),
            value=count,
            url=url + "?state=replied",
            tone="danger" if count else "secondary",
            icon="bi-hand-thumbs-up",
        )
    if user.has_role(Role.UNIT_HANDLER) and user.unit_id:
        count = selectors.unit_open_count(user)
        return Card(
            title=_("本单位在办代表建议"),
            value=count,
            url=url + "?state=assigned",
            tone="primary" if count else "secondary",
            icon="bi-lightbulb",
        )
    return None


def visit_to_suggestion(visit, user):
    """“转为代表建议” on a reception visit, for those who may add suggestions in its township."""
    if not user.has_perm("deputies.add_suggestion") or user.township_id != visit.reception_day.township_id:
        return None
    return {
        "label": _("转为代表建议"),
        "url": reverse("deputies:suggestion_create") + f"?visit={visit.pk}",
        "icon": "bi-lightbulb",
    }


def record_rows(deputy, year):
    from .selectors import deputy_suggestion_rows

    return deputy_suggestion_rows(deputy, year)


def year_report_context(job, progress):
    from .reports import year_report_context as build

    return build(job, progress)


def supervision_context(job, progress):
    from .reports import supervision_context as build

    return build(job, progress)


def seed(**kwargs):
    from .demo import seed as run

    return run(**kwargs)


def satisfaction_indicator(unit, start, end):
    from urllib.parse import urlencode

    from django.urls import reverse

    from congress_office.indicators import satisfaction_of

    from .models import Suggestion

    def cases(unit, start, end):
        return f"{reverse('deputies:suggestion_list')}?" + urlencode({"lead_unit": unit.pk, "year": start.year})

    return satisfaction_of(Suggestion, cases)(unit, start, end)


def on_time_indicator(unit, start, end):
    from congress_office.indicators import on_time_of

    return on_time_of("deputies.suggestion.")(unit, start, end)


def _responsible(suggestion):
    """The lead unit by its full name (自然资源所 → 青山镇自然资源所), else the presidium."""
    township = suggestion.township.name
    if suggestion.lead_unit is None:
        return str(_("%(t)s人大主席团") % {"t": township})
    name = suggestion.lead_unit.name
    return name if name.startswith(township) else f"{township}{name}"


def archive_suggestions(township, year):
    """One item per suggestion finished in the year: answered and rated by every signer (or
    the feedback window lapsed), on the day it was closed."""
    from django.utils import timezone

    from congress_office.registries import ArchiveEntry

    from .models import Suggestion, SuggestionState

    for s in Suggestion.objects.filter(
        township=township, state=SuggestionState.CLOSED, closed_at__year=year
    ).select_related("township", "lead_unit"):
        yield ArchiveEntry(
            record=s,
            title=s.title,
            responsible=_responsible(s),
            date=timezone.localtime(s.closed_at).date(),
            number=str(s.number),
        )


def archive_suggestion_parts(suggestion, user, item=None, full=False):
    """The 代表建议档案 (the suggestion, its deputies, the assignment, 面商, each answer with its
    unit and date, each rating, supervision and the timeline); suggestions carry no uploaded
    attachments, so it is the item's only file."""
    from django.utils.translation import gettext

    from congress_office.registries import ArchivePart

    def render():
        from congress_office.pdf import render_pdf
        from congress_office.services.archive import archived_on

        from .models import Suggestion
        from .selectors import suggestion_page

        record = Suggestion.objects.select_related("township", "term", "lead_unit", "submitted_by").get(
            pk=suggestion.pk
        )
        return render_pdf(
            "deputies/suggestions/pdf_archive.html",
            {
                "title": gettext("代表建议档案"),
                "suggestion": record,
                "page": suggestion_page(suggestion=record),
                "presidium": _("%(t)s人大主席团") % {"t": record.township.name},
                "archivist": user,
                "archived_on": archived_on(item),
            },
        )

    return [ArchivePart(gettext("代表建议档案"), render)]


def register():
    from .permissions import SUGGESTIONS_ROLE_PERMISSIONS

    role_tables.register("deputies.suggestions", SUGGESTIONS_ROLE_PERMISSIONS)
    register_case_type(suggestion_case_type())
    nav_items.register(
        "deputies.suggestions",
        NavItem(
            _("代表建议"),
            "deputies:suggestion_list",
            "bi-lightbulb",
            permission="deputies.view_suggestion",
            roles=(*OFFICE, "deputy", "unit_handler"),
        ),
    )
    dashboard_cards.register("deputies.suggestions", suggestions_card)
    from . import home

    home.register()
    from congress_office.registries import county_figures

    from . import county

    county_figures.register("deputies.suggestions", county.FIGURES)
    reception_visit_actions.register("deputies.suggestion", visit_to_suggestion)
    deputy_record_sections.register(
        "deputies.suggestions", RecordSection(title=_("提出代表建议情况"), build=record_rows)
    )
    pdf_reports.register(
        "deputies.suggestion_report",
        PdfReport(
            title=_("代表建议办理情况报告"),
            template="deputies/suggestions/pdf_report.html",
            build_context=year_report_context,
            permission="deputies.view_suggestion_report",
            params=("year",),
        ),
    )
    pdf_reports.register(
        "deputies.suggestion_supervision",
        PdfReport(
            title=_("代表建议督办单"),
            template="deputies/suggestions/pdf_supervision.html",
            build_context=supervision_context,
            permission="deputies.view_suggestion",
            params=("supervision_id",),
        ),
    )
    demo_seeders.register("deputies.suggestions", seed)
    from congress_office.registries import ArchiveSection, archive_sections

    archive_sections.register(
        "deputies.suggestion",
        ArchiveSection(
            "deputies.suggestion",
            _("代表建议"),
            "cases",
            "D30",
            archive_suggestions,
            parts=archive_suggestion_parts,
        ),
    )
    from congress_office.registries import UnitIndicator, unit_indicators

    unit_indicators.register(
        "deputies.suggestions.satisfaction",
        UnitIndicator(label=_("代表建议答复满意率"), compute=satisfaction_indicator),
    )
    unit_indicators.register(
        "deputies.suggestions.on_time", UnitIndicator(label=_("代表建议按期办结率"), compute=on_time_indicator)
    )
