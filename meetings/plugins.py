"""What the meetings app plugs into the core's registries: its roles, navigation, the
attendance section of a deputy's yearly record, and its demo data."""

from django.utils.translation import gettext_lazy as _

from congress_office.navigation import NavItem
from congress_office.registries import (
    DeadlineKind,
    PdfReport,
    RecordSection,
    deadline_kinds,
    demo_seeders,
    deputy_record_sections,
    nav_items,
    pdf_reports,
    role_tables,
)


def record_rows(deputy, year):
    from .selectors import attendance_record_rows

    return attendance_record_rows(deputy, year)


def dossier_context(job, progress):
    from .reports import dossier_context as build

    return build(job, progress)


def seed(**kwargs):
    from .demo import seed as run

    return run(**kwargs)


def register():
    from .permissions import MEETINGS_ROLE_PERMISSIONS

    role_tables.register("meetings", MEETINGS_ROLE_PERMISSIONS)
    nav_items.register(
        "meetings",
        NavItem(_("会议"), "meetings:list", "bi-people", permission="meetings.view_meeting"),
    )
    deputy_record_sections.register("meetings", RecordSection(title=_("出席会议情况"), build=record_rows))
    deadline_kinds.register("meetings.material", DeadlineKind(label=_("会议材料准备")))
    pdf_reports.register(
        "meetings.dossier",
        PdfReport(
            title=_("会议档案"),
            template="meetings/pdf_dossier.html",
            build_context=dossier_context,
            permission="meetings.view_meeting",
            params=("meeting_id",),
        ),
    )
    demo_seeders.register("meetings", seed)
