"""Meetings' block of the role homes (congress_office.home): a deputy's coming meetings, with
the sign-in link while sign-in is open (two queries: the linked register entry, the meetings
with the deputy's attendance)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.home import TOP, member
from congress_office.registries import HomeSection, home_sections
from congress_office.roles import Role
from congress_office.workdays import start_of_day

from .choices import MeetingState

COMING_STATES = (MeetingState.NOTIFIED, MeetingState.SIGNING_IN, MeetingState.OPEN)
IN_SITTING = (MeetingState.SIGNING_IN, MeetingState.OPEN)


def coming_meetings_section(user):
    """The meetings the deputy is expected at, from today on, soonest first; a meeting in
    sitting (签到中 / 进行中) offers 签到 until the deputy has signed in."""
    from deputies.models import Deputy

    from .models import Attendance

    if not member(user, Role.DEPUTY, "meetings.view_meeting"):
        return None
    deputy = getattr(user, "_suggestion_deputy", False)
    if deputy is False:  # the same cache the suggestions' own_deputy keeps on the user
        deputy = Deputy.objects.filter(user=user).first()
        user._suggestion_deputy = deputy
    if deputy is None:
        return None
    today = timezone.localdate()
    attendances = list(
        Attendance.objects.filter(
            # a sitting of several days stays listed until it closes
            Q(meeting__starts_at__gte=start_of_day(today)) | Q(meeting__state__in=IN_SITTING),
            deputy=deputy,
            meeting__township_id=user.township_id,
            meeting__state__in=COMING_STATES,
        )
        .select_related("meeting__township", "meeting__term")
        .order_by("meeting__starts_at", "meeting__pk")[:TOP]
    )
    rows = [
        {
            "meeting": a.meeting,
            "attendance": a,
            "can_sign_in": a.meeting.state in IN_SITTING and a.signed_in_at is None and bool(a.meeting.sign_in_code),
        }
        for a in attendances
    ]
    return HomeSection(
        title=_("近期会议"),
        template="meetings/home/_coming.html",
        context={"rows": rows},
        order=15,
    )


def register():
    home_sections.register("meetings.coming", coming_meetings_section)
