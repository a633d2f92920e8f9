"""What the meetings app plugs into the core's registries: its roles, navigation, the
attendance section of a deputy's yearly record, and its demo data."""

from django.utils.translation import gettext_lazy as _

from congress_office.navigation import OFFICE, NavItem
from congress_office.registries import (
    DeadlineKind,
    DeputyFlag,
    PdfReport,
    RecordSection,
    deadline_kinds,
    demo_seeders,
    deputy_flags,
    deputy_record_sections,
    nav_items,
    pdf_reports,
    register_case_type,
    role_tables,
)


def record_rows(deputy, year):
    from .selectors import attendance_record_rows

    return attendance_record_rows(deputy, year)


def absence_flags(deputy_ids):
    from .selectors import unexcused_absence_counts

    flags = {}
    for deputy_id, n in unexcused_absence_counts(deputy_ids).items():
        flags[deputy_id] = [
            DeputyFlag(
                label=_("未经批准缺席大会 %(n)s 次") % {"n": n},
                detail=_(
                    "该代表未经批准 %(n)s 次不出席本级人民代表大会会议。"
                    "依照代表法，未经批准两次不出席本级人民代表大会会议的，代表资格终止：请提请主席团审查并予公告。"
                )
                % {"n": n},
                tone="danger",
            )
        ]
    return flags


def dossier_context(job, progress):
    from .reports import dossier_context as build

    return build(job, progress)


def seed(**kwargs):
    from .demo import seed as run

    return run(**kwargs)


def archive_meetings(township, year):
    """One dossier per meeting closed in the year."""
    from django.utils import timezone

    from congress_office.registries import ArchiveEntry

    from .choices import MeetingState
    from .models import Meeting

    for m in Meeting.objects.filter(township=township, year=year, state=MeetingState.CLOSED).select_related(
        "township", "term"
    ):
        yield ArchiveEntry(
            record=m,
            title=_("%(m)s会议档案") % {"m": m.title},
            responsible=_("%(t)s人民代表大会") % {"t": township.name},
            date=timezone.localtime(m.starts_at).date(),
        )


def meeting_parts(meeting, user, item=None, full=False):
    """The archive item of a meeting: its dossier (会议档案), one PDF."""
    from django.utils.translation import gettext

    from congress_office.pdf import render_pdf
    from congress_office.registries import ArchivePart
    from congress_office.services.archive import archived_on

    from .models import Meeting
    from .reports import meeting_dossier_context

    meeting = Meeting.objects.select_related("township", "term").get(pk=meeting.pk)
    return [
        ArchivePart(
            gettext("会议档案"),
            lambda: render_pdf(
                "meetings/pdf_dossier.html", {**meeting_dossier_context(meeting), "today": archived_on(item)}
            ),
        )
    ]


def register():
    from .case_type import opinion_case_type
    from .permissions import MEETINGS_ROLE_PERMISSIONS

    role_tables.register("meetings", MEETINGS_ROLE_PERMISSIONS)
    register_case_type(opinion_case_type())
    from . import search

    search.register()  # the header's search box
    nav_items.register(
        "meetings",
        NavItem(_("会议"), "meetings:list", "bi-people", permission="meetings.view_meeting", roles=(*OFFICE, "deputy")),
    )
    deputy_record_sections.register("meetings", RecordSection(title=_("出席会议情况"), build=record_rows))
    deputy_flags.register("meetings.absences", absence_flags)
    deadline_kinds.register("meetings.material", DeadlineKind(label=_("会议材料准备")))
    deadline_kinds.register("meetings.project_report", DeadlineKind(label=_("民生实事项目进展报告")))
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
    from . import home

    home.register()
    from congress_office.registries import calendar_sources

    from . import calendar

    calendar_sources.register("meetings", calendar.events)
    from congress_office.registries import ArchiveSection, archive_sections

    archive_sections.register(
        "meetings.meeting",
        ArchiveSection("meetings.meeting", _("会议"), "meetings", "Y", archive_meetings, parts=meeting_parts),
    )
