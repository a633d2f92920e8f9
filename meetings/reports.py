"""The session dossier PDF (会议档案): agenda, sign-in sheet with leave and absences, each vote
with its threshold, the resolutions, the meeting's documents and the minutes. Built by the
platform's PDF job (progress shown, WeasyPrint in the worker)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services as svc
from .choices import AttendanceStatus, VoteState
from .models import Meeting


def dossier_context(job, progress):
    """The PDF job's context: the meeting of `job.params`, as far as the job's owner may see it."""
    raw = str(job.params.get("meeting_id", ""))
    meeting = None
    if raw.isdigit():
        meeting = Meeting.objects.visible_to(job.owner).select_related("township", "term").filter(pk=int(raw)).first()
    if meeting is None:
        raise ValidationError(_("找不到该会议，或您无权查看。"))
    return meeting_dossier_context(meeting, progress)


def meeting_dossier_context(meeting, progress=None):
    """The dossier of one meeting (the PDF job's and the archive item's)."""
    progress = progress or (lambda percent, message: None)
    progress(20, _("正在整理签到情况"))
    attendances = list(meeting.attendances.select_related("deputy", "leave_decided_by").order_by("deputy__name"))
    groups = {
        status: [a for a in attendances if a.status == status]
        for status in (AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)
    }
    progress(50, _("正在整理表决情况"))
    votes = list(
        meeting.votes.filter(state=VoteState.CLOSED).select_related("resolution", "agenda_item").order_by("pk")
    )
    for vote in votes:
        vote.result_text = svc.vote_result_text(vote)
    return {
        "title": _("%(m)s档案") % {"m": meeting.title},
        "meeting": meeting,
        "agenda": list(meeting.agenda.all()),
        "attendances": attendances,
        "present": groups[AttendanceStatus.PRESENT],
        "leave": groups[AttendanceStatus.LEAVE],
        "absent": groups[AttendanceStatus.ABSENT],
        "observers": list(meeting.observers.all()),
        "quorum": svc.quorum_status(meeting, present=len(groups[AttendanceStatus.PRESENT])),
        "votes": votes,
        "motions": list(meeting.motions.order_by("pk")),
        "documents": list(meeting.documents.select_related("document__issuing_body")),
        "materials": list(meeting.materials.select_related("owner")),
        "today": timezone.localdate(),
    }
