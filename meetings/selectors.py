"""Read-side queries of meetings: each a fixed number of queries."""

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

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
            what = "出席"
            if row.left_at:
                what += f"（{timezone.localtime(row.left_at):%H:%M} 离会）"
        elif row.status == AttendanceStatus.LEAVE or row.leave_state == LeaveState.APPROVED:
            what = f"请假（{row.leave_reason}）" if row.leave_reason else "请假"
        elif row.status == AttendanceStatus.ABSENT:
            what = "缺席"
        else:
            what = "待开会"
        rows.append(
            {
                "date": timezone.localtime(meeting.starts_at).date(),
                "text": f"{meeting.title}：{what}",
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
