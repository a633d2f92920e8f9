"""What the deputies app plugs into the core's registries."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_office.navigation import NavItem
from congress_office.registries import Card, PdfReport, dashboard_cards, nav_items, pdf_reports


def pending_activities_card(user):
    if not user.has_perm("deputies.review_activity") or user.township_id is None:
        return None
    from .choices import ActivityStatus
    from .models import Activity

    count = Activity.objects.visible_to(user).filter(status=ActivityStatus.SUBMITTED).count()
    return Card(title=_("待确认履职活动"), value=count, url=reverse("deputies:activity_list") + "?status=submitted",
                tone="warning" if count else "secondary", icon="bi-person-check")


def deputy_record_context(job, progress):
    """The 履职档案 of one deputy and year, read through the owner's visibility."""
    from .models import Deputy
    from .selectors import deputy_year_record

    deputy = Deputy.objects.visible_to(job.owner).select_related("township", "term", "district", "group").get(
        pk=job.params["deputy_id"]
    )
    progress(30, "正在汇总履职情况")
    return {"record": deputy_year_record(deputy=deputy, year=int(job.params["year"]))}


def register():
    nav_items.register("deputies.register", NavItem(_("代表名册"), "deputies:deputy_list", "bi-people", permission="deputies.view_deputy"))
    nav_items.register("deputies.activities", NavItem(_("履职活动"), "deputies:activity_list", "bi-journal-check", permission="deputies.view_activity"))
    nav_items.register("deputies.records", NavItem(_("履职档案"), "deputies:record_home", "bi-archive", permission="deputies.view_record"))
    dashboard_cards.register("deputies.pending_activities", pending_activities_card)
    pdf_reports.register(
        "deputies.record",
        PdfReport(title=_("代表履职档案"), template="deputies/pdf/record.html",
                  build_context=deputy_record_context, permission="deputies.view_record"),
    )
