"""Read-side queries of meetings: each a fixed number of queries."""

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import SESSION_KINDS, AttendanceStatus, LeaveState, MeetingState
from .models import Attendance


def attendance_record_rows(deputy, year):
    """The 履职档案 section: every meeting of the year the deputy was expected at, with what
    they did (one query)."""
    rows = []
    queryset = (
        Attendance.objects.filter(deputy=deputy, meeting__year=year)
        .exclude(meeting__state=MeetingState.PLANNED)
        .select_related("meeting__township", "meeting__term")
        .order_by("meeting__starts_at", "pk")
    )
    for row in queryset:
        meeting = row.meeting
        if row.status == AttendanceStatus.PRESENT:
            what = str(AttendanceStatus.PRESENT.label)
            if row.left_at:
                what = _("出席（%(t)s 离会）") % {"t": f"{timezone.localtime(row.left_at):%H:%M}"}
        elif row.status == AttendanceStatus.LEAVE or row.leave_state == LeaveState.APPROVED:
            what = (
                _("请假（%(r)s）") % {"r": row.leave_reason} if row.leave_reason else str(AttendanceStatus.LEAVE.label)
            )
        elif row.status == AttendanceStatus.ABSENT:
            what = str(AttendanceStatus.ABSENT.label)
        else:
            what = _("待开会")
        rows.append(
            {
                "date": timezone.localtime(meeting.starts_at).date(),
                "text": _("%(m)s：%(what)s") % {"m": meeting.title, "what": what},
                "url": meeting.get_absolute_url(),
            }
        )
    return rows


def unexcused_absence_counts(deputy_ids):
    """{deputy_id: n} of the deputies with at least SESSION_UNEXCUSED_ABSENCES_FLAG sessions
    missed without approved leave (one query)."""
    rows = (
        Attendance.objects.filter(
            deputy_id__in=list(deputy_ids),
            meeting__kind__in=SESSION_KINDS,
            meeting__state=MeetingState.CLOSED,
            status=AttendanceStatus.ABSENT,
        )
        .exclude(leave_state=LeaveState.APPROVED)
        .values("deputy_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.SESSION_UNEXCUSED_ABSENCES_FLAG)
    )
    return {row["deputy_id"]: row["n"] for row in rows}
