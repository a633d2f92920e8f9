"""What the deputies app plugs into the core's registries."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_office.navigation import NavItem
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
    return {"record": deputy_year_record(deputy=deputy, year=year), "today": timezone.localdate(), "owner": job.owner}


def register():
    from congress_office.registries import role_tables

    from . import demo
    from .permissions import DEPUTIES_ROLE_PERMISSIONS

    role_tables.register("deputies", DEPUTIES_ROLE_PERMISSIONS)
    nav_items.register(
        "deputies.register",
        NavItem(_("代表名册"), "deputies:deputy_list", "bi-people", permission="deputies.view_deputy"),
    )
    nav_items.register(
        "deputies.activities",
        NavItem(_("履职活动"), "deputies:activity_list", "bi-journal-check", permission="deputies.view_activity"),
    )
    nav_items.register(
        "deputies.records",
        NavItem(_("履职档案"), "deputies:record_home", "bi-archive", permission="deputies.view_record"),
    )
    dashboard_cards.register("deputies.pending_activities", pending_activities_card)
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

    from .suggestions import plugins as suggestion_plugins

    suggestion_plugins.register()
