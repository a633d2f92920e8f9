"""The meetings app's entries of the calendar (日历): congress sessions and presidium meetings.
The office and county accounts see the township's meetings (planned ones included, as
Meeting.visible_to has it); a deputy those they are expected at (their attendance row), once
notified. One query."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from congress_office.calendar_events import CalendarEvent
from congress_office.roles import Role
from congress_office.workdays import start_of_day


def events(user, start, end, township=None):
    from .models import Meeting

    if not user.has_perm("meetings.view_meeting"):
        return []
    meetings = Meeting.objects.visible_to(user).filter(
        starts_at__gte=start_of_day(start), starts_at__lt=start_of_day(end + timedelta(days=1))
    )
    if not (user.is_county_wide or user.has_role(Role.CLERK, Role.CHAIR, Role.AUDITOR)):
        meetings = meetings.filter(attendances__deputy__user=user)
    if township is not None:
        meetings = meetings.filter(township=township)
    meetings = meetings.select_related("township", "term").order_by("starts_at", "pk")
    found = []
    for meeting in meetings:
        starts = timezone.localtime(meeting.starts_at)
        ends = (
            timezone.localtime(meeting.closed_at)
            if meeting.closed_at and meeting.closed_at > meeting.starts_at
            else None
        )
        found.append(
            CalendarEvent(
                start=starts,
                end=ends,
                title=str(meeting.title),
                kind="meeting",
                kind_label=meeting.get_kind_display(),
                uid=f"meetings.meeting-{meeting.pk}",
                url=meeting.get_absolute_url(),
                township=meeting.township.name,
                location=meeting.place,
                description=_("状态：%(state)s") % {"state": meeting.get_state_display()},
            )
        )
    return found
