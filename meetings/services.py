"""The rules of meetings: planning and numbering, notices and leave, sign-in, the quorum gate,
votes against the majority of all deputies, motions and their co-signers, and the hand-off of
a passed resolution to the documents app.

Every function checks who may act (PermissionDenied) and what the meeting's state allows
(ValidationError with the reason in Chinese), inside one transaction, and changes nothing when
it refuses.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress_office.message_keys import Message
from congress_office.models import Township
from congress_office.services.cases import unit_handlers
from congress_office.services.notifications import notify
from deputies.choices import DeputyStatus
from deputies.models import Deputy, Term

from . import thresholds
from .choices import (
    SESSION_KINDS,
    AttendanceStatus,
    Choice,
    ConvenedBy,
    DocumentPurpose,
    LeaveState,
    MeetingKind,
    MeetingState,
    MotionKind,
    MotionSource,
    MotionState,
    OpinionState,
    ProjectSource,
    ProjectState,
    SignInVia,
    VoteMethod,
    VoteState,
)
from .models import (
    AgendaItem,
    Attendance,
    Ballot,
    DeliberationOpinion,
    LivelihoodProject,
    MaterialItem,
    Meeting,
    MeetingDocument,
    Motion,
    MotionSigner,
    Observer,
    ProjectRating,
    ProjectReport,
    Vote,
)

RUN = "meetings.run_meeting"
DECIDE = "meetings.decide_meeting"
IN_SITTING = (MeetingState.SIGNING_IN, MeetingState.OPEN)


def _require(user, permission, township_id):
    if not user.has_perm(permission):
        raise PermissionDenied(_("您没有办理此项会议工作的权限。"))
    if user.township_id is None or user.township_id != township_id:
        raise PermissionDenied(_("只能办理本乡镇的会议。"))


def _state(meeting, allowed, message):
    if meeting.state not in allowed:
        raise ValidationError(message)


def _lock(meeting):
    return Meeting.objects.select_for_update(of=("self",)).select_related("township", "term").get(pk=meeting.pk)


# --- who counts ------------------------------------------------------------------------------------


def legal_members(*, township_id, term_id, kind):
    """全体代表 (or the presidium's members): the term's deputies in office now — not those
    suspended (暂停执行代表职务) nor terminated, whose seats are vacant."""
    qs = Deputy.objects.filter(township_id=township_id, term_id=term_id, status=DeputyStatus.ACTIVE)
    if kind == MeetingKind.PRESIDIUM:
        qs = qs.filter(is_presidium=True)
    return qs


def quorum_of(kind, n):
    return thresholds.presidium_quorum(n) if kind == MeetingKind.PRESIDIUM else thresholds.session_quorum(n)


def session_quorum_of(meeting):
    """The quorum of the meeting's frozen legal number (None before it opened)."""
    return None if meeting.legal_number is None else quorum_of(meeting.kind, meeting.legal_number)


@dataclass(frozen=True)
class Quorum:
    expected: int  # 应到: all deputies (frozen when the sitting opened)
    present: int  # 实到: signed in and not gone
    required: int  # 法定人数
    frozen: bool

    @property
    def met(self):
        return self.expected > 0 and self.present >= self.required

    @property
    def text(self):
        return _("应到 %(n)s 人，实到 %(m)s 人，法定人数 %(k)s 人") % {
            "n": self.expected,
            "m": self.present,
            "k": self.required,
        }


def quorum_status(meeting, *, present=None):
    """The quorum line of a meeting: the frozen legal number once open, today's before."""
    if meeting.legal_number is not None:
        expected, frozen = meeting.legal_number, True
    else:
        expected = legal_members(township_id=meeting.township_id, term_id=meeting.term_id, kind=meeting.kind).count()
        frozen = False
    if present is None:
        present = meeting.attendances.filter(status=AttendanceStatus.PRESENT, left_at__isnull=True).count()
    return Quorum(expected=expected, present=present, required=quorum_of(meeting.kind, expected), frozen=frozen)


# --- planning ----------------------------------------------------------------------------------------


def term_of(township_id, day):
    term = Term.objects.filter(township_id=township_id, start_date__lte=day, end_date__gte=day).first()
    if term is None:
        raise ValidationError({"starts_at": _("会议日期不在任何一届代表的任期内，请先在代表名册中设置届次。")})
    return term


def next_ordinal(township_id, term_id, kind):
    """The next 会次 in the term: sessions and extra sessions share one sequence (第M次会议),
    presidium meetings have their own. The township row is locked until the transaction ends."""
    Township.objects.select_for_update().filter(pk=township_id).values_list("pk", flat=True).get()
    kinds = [MeetingKind.PRESIDIUM] if kind == MeetingKind.PRESIDIUM else list(SESSION_KINDS)
    last = Meeting.objects.filter(township_id=township_id, term_id=term_id, kind__in=kinds).aggregate(n=Max("ordinal"))[
        "n"
    ]
    return (last or 0) + 1


@transaction.atomic
def meeting_plan(
    *,
    township,
    by,
    kind,
    starts_at,
    place="",
    convened_by=None,
    proposers=(),
    decision_note="",
    motion_deadline=None,
):
    """Plan a meeting: numbered within the term, every member expected. A 临时会议 is convened by
    a presidium decision (recorded) or on the joint proposal of at least 1/5 of the deputies."""
    _require(by, "meetings.add_meeting", township.pk)
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("请选择会议类型。")})
    term = term_of(township.pk, timezone.localtime(starts_at).date())
    members = list(legal_members(township_id=township.pk, term_id=term.pk, kind=kind))
    if not members:
        raise ValidationError(
            _("本届没有在任的主席团成员，请先在代表名册中标注。")
            if kind == MeetingKind.PRESIDIUM
            else _("本届没有在任代表，不能安排会议。")
        )
    proposers = list(proposers)
    if kind == MeetingKind.EXTRA_SESSION:
        convened_by = convened_by or ConvenedBy.PRESIDIUM
        if convened_by == ConvenedBy.PRESIDIUM and not (decision_note or "").strip():
            raise ValidationError({"decision_note": _("请填写主席团决定召开临时会议的情况。")})
        if convened_by == ConvenedBy.DEPUTIES:
            member_ids = {d.pk for d in members}
            if any(p.pk not in member_ids for p in proposers):
                raise ValidationError({"proposers": _("提议人必须是本届在任代表。")})
            needed = thresholds.extra_session_signers(len(members))
            if len(set(p.pk for p in proposers)) < needed:
                raise ValidationError(
                    {
                        "proposers": _(
                            "提议召开临时会议须有五分之一以上代表联名：全体代表 %(n)s 人，至少 %(k)s 人，现有 %(m)s 人。"  # noqa: E501
                        )
                        % {"n": len(members), "k": needed, "m": len(set(p.pk for p in proposers))}
                    }
                )
    else:
        convened_by = ConvenedBy.PLAN
        proposers = []
    meeting = Meeting(
        township=township,
        term=term,
        kind=kind,
        convened_by=convened_by,
        ordinal=next_ordinal(township.pk, term.pk, kind),
        year=timezone.localtime(starts_at).year,
        starts_at=starts_at,
        place=(place or "").strip(),
        motion_deadline=motion_deadline,
        decision_note=(decision_note or "").strip(),
        created_by=by,
    )
    meeting.full_clean(exclude=["proposers"])
    meeting._history_user = by
    meeting.save()
    if proposers:
        meeting.proposers.set(proposers)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, deputy=d) for d in members])
    return meeting


def sessions_planned(township_id, year):
    """How many regular sessions the year has, against SESSION_MIN_PER_YEAR."""
    planned = Meeting.objects.filter(township_id=township_id, year=year, kind=MeetingKind.SESSION).count()
    return planned, settings.SESSION_MIN_PER_YEAR


@transaction.atomic
def agenda_add(*, meeting, by, title, presenter="", materials="", needs_vote=False):
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(meeting, (MeetingState.PLANNED, MeetingState.NOTIFIED), _("会议已开始，不能再调整议程。"))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写议程。")})
    order = (meeting.agenda.aggregate(n=Max("order"))["n"] or 0) + 1
    return AgendaItem.objects.create(
        meeting=meeting,
        order=order,
        title=title,
        presenter=(presenter or "").strip(),
        materials=(materials or "").strip(),
        needs_vote=bool(needs_vote),
    )


@transaction.atomic
def material_add(*, meeting, by, title, owner, due_date):
    """A checklist item with its owner and due date on the deadline engine (reminders to the
    owner and the office before and after it falls due)."""
    from congress_office.models import DeadlineRule
    from congress_office.services.deadlines import deadline_open

    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(
        meeting,
        (MeetingState.PLANNED, MeetingState.NOTIFIED, MeetingState.SIGNING_IN),
        _("会议已开始，准备工作清单不再增加。"),
    )
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写材料或准备事项。")})
    if owner is None or owner.township_id != meeting.township_id or not owner.is_active:
        raise ValidationError({"owner": _("负责人必须是本乡镇的在用账号。")})
    today = timezone.localdate()
    if due_date < today:
        raise ValidationError({"due_date": _("完成期限不能早于今天。")})
    item = MaterialItem.objects.create(meeting=meeting, title=title, owner=owner, due_date=due_date)
    item.deadline = deadline_open(
        township=meeting.township,
        kind="meetings.material",
        title=Message(gettext_noop("会议材料：%(t)s（%(m)s）"), t=title, m=meeting),
        start_date=today,
        rule=DeadlineRule.CALENDAR_DAYS,
        limit=(due_date - today).days,
        responsible_user=owner,
        subject=meeting,
        by=by,
    )
    if item.deadline.due_date != due_date:  # the date the office chose, even on a rest day
        item.deadline.due_date = item.deadline.original_due_date = due_date
        item.deadline.save(update_fields=["due_date", "original_due_date"])
    item.save(update_fields=["deadline"])
    return item


@transaction.atomic
def material_done(*, item, by):
    from congress_office.services.deadlines import deadline_meet

    meeting = item.meeting
    if not (by.has_perm(RUN) and by.township_id == meeting.township_id) and by.pk != item.owner_id:
        raise PermissionDenied(_("由负责人或人大办勾销。"))
    item = MaterialItem.objects.select_for_update(of=("self",)).select_related("deadline").get(pk=item.pk)
    if item.done_at:
        raise ValidationError(_("该事项已完成。"))
    item.done_at, item.done_by = timezone.now(), by
    item.save(update_fields=["done_at", "done_by"])
    if item.deadline_id and item.deadline.is_pending:
        deadline_meet(deadline=item.deadline, by=by)
    return item


def materials_progress(items):
    """(done, total, percent) of a meeting's checklist."""
    total = len(items)
    done = sum(1 for i in items if i.done_at)
    return done, total, (done * 100 // total if total else 0)


@transaction.atomic
def observer_add(*, meeting, by, name, unit=""):
    _require(by, RUN, meeting.township_id)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写列席人员姓名。")})
    return Observer.objects.create(meeting=meeting, name=name, unit=(unit or "").strip())


# --- notice and leave ----------------------------------------------------------------------------------


@transaction.atomic
def meeting_notify(*, meeting, by):
    """The notice to every expected member (in the app; the printable 通知 is its PDF)."""
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(meeting, (MeetingState.PLANNED, MeetingState.NOTIFIED), _("会议已开始，无需再发通知。"))
    now = timezone.now()
    pending = list(meeting.attendances.filter(notified_at__isnull=True).select_related("deputy__user"))
    Attendance.objects.filter(pk__in=[a.pk for a in pending]).update(notified_at=now)
    when = timezone.localtime(meeting.starts_at)  # a datetime: shown in the reader's format
    notify(
        recipients=[a.deputy.user for a in pending if a.deputy.user_id],
        title=Message(gettext_noop("会议通知：%(m)s"), m=meeting),
        body=Message(
            gettext_noop("时间：%(when)s；地点：%(place)s。请确认收到通知；不能出席的请在线请假。"),
            when=when,
            place=meeting.place or "—",
        ),
        url=meeting.get_absolute_url(),
        township=meeting.township,
    )
    if meeting.state == MeetingState.PLANNED:
        meeting.state = MeetingState.NOTIFIED
        meeting._history_user = by
        meeting.save(update_fields=["state"])
    return len(pending)


def own_attendance(meeting, user):
    """The user's own row at the meeting (a deputy expected there), or ValidationError."""
    row = (
        Attendance.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, deputy__user=user)
        .select_related("deputy")
        .first()
    )
    if row is None:
        raise ValidationError(_("您不是本次会议的应到人员。"))
    return row


@transaction.atomic
def notice_acknowledge(*, meeting, by):
    row = own_attendance(meeting, by)
    if row.notified_at is None:
        raise ValidationError(_("尚未发出会议通知。"))
    if row.acknowledged_at is None:
        row.acknowledged_at = timezone.now()
        row.save(update_fields=["acknowledged_at"])
    return row


@transaction.atomic
def leave_request(*, meeting, by, reason, deputy=None):
    """请假: the deputy on the phone, or the clerk on their behalf; a chair decides."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写请假事由。")})
    if deputy is None:
        row = own_attendance(meeting, by)
    else:
        _require(by, RUN, meeting.township_id)
        row = Attendance.objects.select_for_update(of=("self",)).filter(meeting=meeting, deputy=deputy).first()
        if row is None:
            raise ValidationError(_("%(name)s 不是本次会议的应到人员。") % {"name": deputy.name})
    if meeting.state == MeetingState.CLOSED:
        raise ValidationError(_("会议已闭会，不能再请假。"))
    if row.status == AttendanceStatus.PRESENT:
        raise ValidationError(_("已签到，不能再请假；中途离会请由工作人员登记。"))
    row.leave_state, row.leave_reason = LeaveState.REQUESTED, reason
    row._history_user = by
    row.save(update_fields=["leave_state", "leave_reason"])
    from congress_office.models import User
    from congress_office.roles import Role

    chairs = User.objects.filter(township_id=meeting.township_id, is_active=True, groups__name=Role.CHAIR)
    notify(
        recipients=list(chairs),
        title=Message(gettext_noop("请假待批准：%(name)s（%(m)s）"), name=row.deputy.name, m=meeting),
        body=reason[:200],
        url=meeting.get_absolute_url(),
        township=meeting.township,
    )
    return row


@transaction.atomic
def leave_decide(*, attendance, by, approve):
    meeting = attendance.meeting
    _require(by, DECIDE, meeting.township_id)
    row = Attendance.objects.select_for_update(of=("self",)).select_related("deputy__user").get(pk=attendance.pk)
    if row.leave_state != LeaveState.REQUESTED:
        raise ValidationError(_("没有待批准的请假。"))
    row.leave_state = LeaveState.APPROVED if approve else LeaveState.REFUSED
    row.leave_decided_by, row.leave_decided_at = by, timezone.now()
    fields = ["leave_state", "leave_decided_by", "leave_decided_at"]
    if approve and row.status != AttendanceStatus.PRESENT:
        row.status = AttendanceStatus.LEAVE
        fields.append("status")
    row._history_user = by
    row.save(update_fields=fields)
    if row.deputy.user_id:
        notify(
            recipients=[row.deputy.user],
            title=Message(
                gettext_noop("请假已批准：%(m)s") if approve else gettext_noop("请假未获批准：%(m)s"), m=meeting
            ),
            url=meeting.get_absolute_url(),
            township=meeting.township,
        )
    return row


# --- sign-in and the sitting -------------------------------------------------------------------------


def new_code():
    length = settings.SESSION_SIGN_IN_CODE_LENGTH
    return "".join(secrets.choice("0123456789") for _i in range(length))


@transaction.atomic
def sign_in_start(*, meeting, by):
    """签到开始: the code shown in the hall becomes valid (until the meeting closes)."""
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(meeting, (MeetingState.PLANNED, MeetingState.NOTIFIED), _("签到已开始或会议已结束。"))
    meeting.state, meeting.sign_in_code = MeetingState.SIGNING_IN, new_code()
    meeting._history_user = by
    meeting.save(update_fields=["state", "sign_in_code"])
    return meeting


@transaction.atomic
def attendance_mark(*, meeting, by, deputy, status, at=None):
    """The clerk marks 出席 / 请假 / 缺席 for one member (a late arrival keeps its time)."""
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(meeting, IN_SITTING, _("只能在签到开始后、闭会前登记出席情况。"))
    if status not in (AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT):
        raise ValidationError({"status": _("请选择出席、请假或缺席。")})
    row = Attendance.objects.select_for_update(of=("self",)).filter(meeting=meeting, deputy=deputy).first()
    if row is None:
        raise ValidationError(_("%(name)s 不是本次会议的应到人员。") % {"name": deputy.name})
    at = at or timezone.now()
    if at > timezone.now():
        raise ValidationError({"at": _("时间不能晚于现在。")})
    row.status, row.marked_by = status, by
    if status == AttendanceStatus.PRESENT:
        row.signed_in_at, row.signed_in_via, row.left_at = at, SignInVia.CLERK, None
    else:
        row.signed_in_at, row.signed_in_via = None, ""
    row._history_user = by
    row.save()
    return row


@transaction.atomic
def attendance_depart(*, meeting, by, deputy, at=None):
    """An early departure (中途离会): no longer counted as present from `at` on."""
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(meeting, (MeetingState.OPEN,), _("会议进行中才能登记中途离会。"))
    row = Attendance.objects.select_for_update(of=("self",)).filter(meeting=meeting, deputy=deputy).first()
    if row is None or not row.is_in_hall:
        raise ValidationError(_("%(name)s 未在会场，不能登记离会。") % {"name": deputy.name})
    row.left_at = at or timezone.now()
    row._history_user = by
    row.save(update_fields=["left_at"])
    return row


@transaction.atomic
def sign_in_by_code(*, meeting, by, code):
    """A deputy signs in on the phone with the code shown in the hall: only while sign-in is
    open or the sitting is in progress, once."""
    meeting = _lock(meeting)
    if meeting.state not in IN_SITTING or not meeting.sign_in_code:
        raise ValidationError({"code": _("本次会议现在不能签到：签到尚未开始或会议已结束。")})
    if not secrets.compare_digest((code or "").strip(), meeting.sign_in_code):
        raise ValidationError({"code": _("签到码不正确，请核对会场显示的签到码。")})
    row = own_attendance(meeting, by)
    if row.status == AttendanceStatus.PRESENT and row.left_at is None:
        raise ValidationError(
            {"code": _("您已于 %(t)s 签到。") % {"t": timezone.localtime(row.signed_in_at).strftime("%H:%M")}}
        )
    row.status, row.signed_in_at, row.signed_in_via, row.left_at = (
        AttendanceStatus.PRESENT,
        timezone.now(),
        SignInVia.PHONE,
        None,
    )
    row._history_user = by
    row.save(update_fields=["status", "signed_in_at", "signed_in_via", "left_at"])
    return row


@transaction.atomic
def meeting_open(*, meeting, by):
    """宣布开会: the legal number is frozen now; the sitting opens only with a quorum."""
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(meeting, (MeetingState.SIGNING_IN,), _("请先开始签到。"))
    entitled = list(
        legal_members(township_id=meeting.township_id, term_id=meeting.term_id, kind=meeting.kind)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    n = len(entitled)
    status = quorum_status(meeting)
    status = Quorum(expected=n, present=status.present, required=quorum_of(meeting.kind, n), frozen=True)
    if not status.met:
        raise ValidationError(_("%(q)s，不足法定人数，不能宣布开会。") % {"q": status.text})
    meeting.legal_number, meeting.quorum, meeting.entitled_ids = n, status.required, entitled
    meeting.state, meeting.opened_at = MeetingState.OPEN, timezone.now()
    meeting._history_user = by
    meeting.save(update_fields=["legal_number", "quorum", "entitled_ids", "state", "opened_at"])
    return status


@transaction.atomic
def meeting_close(*, meeting, by, minutes=None):
    """闭会: open votes must be closed first; members never signed in are 缺席 (请假 when their
    leave was approved); the code stops working."""
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(meeting, (MeetingState.OPEN,), _("会议未在进行中。"))
    if meeting.votes.filter(state=VoteState.OPEN).exists():
        raise ValidationError(_("还有未结束的表决，请先结束表决。"))
    meeting.attendances.filter(status=AttendanceStatus.EXPECTED, leave_state=LeaveState.APPROVED).update(
        status=AttendanceStatus.LEAVE
    )
    meeting.attendances.filter(status=AttendanceStatus.EXPECTED).update(status=AttendanceStatus.ABSENT)
    meeting.state, meeting.closed_at, meeting.sign_in_code = MeetingState.CLOSED, timezone.now(), ""
    fields = ["state", "closed_at", "sign_in_code"]
    if minutes is not None:
        meeting.minutes = minutes.strip()
        fields.append("minutes")
    meeting._history_user = by
    meeting.save(update_fields=fields)
    return meeting


@transaction.atomic
def minutes_save(*, meeting, by, minutes):
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(meeting, (MeetingState.OPEN, MeetingState.CLOSED), _("会议开始后才能记录纪要。"))
    meeting.minutes = (minutes or "").strip()
    meeting._history_user = by
    meeting.save(update_fields=["minutes"])
    return meeting


# --- votes --------------------------------------------------------------------------------------------


def in_hall_ids(meeting):
    return list(
        meeting.attendances.filter(status=AttendanceStatus.PRESENT, left_at__isnull=True)
        .order_by("deputy_id")
        .values_list("deputy_id", flat=True)
    )


@transaction.atomic
def vote_open(*, meeting, by, title, method, agenda_item=None, motion=None):
    """A vote opens only while the sitting is open and still has its quorum (checked again:
    late arrivals and early departures count); it passes with more than half of all deputies."""
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    _state(meeting, (MeetingState.OPEN,), _("会议未在进行中，不能表决。"))
    if method not in VoteMethod.values:
        raise ValidationError({"method": _("请选择表决方式。")})
    if meeting.votes.filter(state=VoteState.OPEN).exists():
        raise ValidationError(_("上一项表决尚未结束。"))
    if motion is not None and motion.state != MotionState.LISTED:
        raise ValidationError(_("该议案未列入议程或已表决，不能付表决。"))
    status = quorum_status(meeting)
    if not status.met:
        raise ValidationError(_("%(q)s，不足法定人数，不能表决。") % {"q": status.text})
    title = (title or "").strip() or (agenda_item.title if agenda_item else "") or (motion.title if motion else "")
    if not title:
        raise ValidationError({"title": _("请填写表决事项。")})
    return Vote.objects.create(
        meeting=meeting,
        agenda_item=agenda_item or (motion.agenda_item if motion else None),
        motion=motion,
        title=title,
        method=method,
        legal_number=meeting.legal_number,
        required=thresholds.more_than_half(meeting.legal_number),
        opened_by=by,
    )


@transaction.atomic
def ballot_cast(*, vote, by, choice):
    """A deputy's own vote on the phone: open phone votes only, once, while in the hall."""
    vote = Vote.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=vote.pk)
    if vote.state != VoteState.OPEN or vote.method != VoteMethod.PHONE:
        raise ValidationError(_("该事项现在不能在手机上表决。"))
    if choice not in Choice.values:
        raise ValidationError({"choice": _("请选择赞成、反对或弃权。")})
    row = own_attendance(vote.meeting, by)
    if not row.is_in_hall:
        raise ValidationError(_("请先签到；离会后不能表决。"))
    if Ballot.objects.filter(vote=vote, deputy=row.deputy).exists():
        raise ValidationError(_("您已表决，不能重复表决。"))
    return Ballot.objects.create(vote=vote, deputy=row.deputy, choice=choice)


def _count(value, name):
    if value is None or not isinstance(value, int) or value < 0:
        raise ValidationError({name: _("请填写票数（不小于 0 的整数）。")})
    return value


@transaction.atomic
def vote_close(*, vote, by, yes=None, no=None, abstain=None):
    """结束表决: the counts (entered for hands, paper and secret ballots; counted from the
    ballots for phone votes), who was present now, and the result against the threshold."""
    meeting = vote.meeting
    _require(by, RUN, meeting.township_id)
    vote = Vote.objects.select_for_update(of=("self",)).get(pk=vote.pk)
    if vote.state != VoteState.OPEN:
        raise ValidationError(_("该表决已结束。"))
    present_ids = in_hall_ids(meeting)
    present = len(present_ids)
    if vote.method == VoteMethod.PHONE:
        choices = list(vote.ballots.filter(deputy_id__in=present_ids).values_list("choice", flat=True))
        yes, no, abstain = (choices.count(Choice.YES), choices.count(Choice.NO), choices.count(Choice.ABSTAIN))
    else:
        yes, no, abstain = _count(yes, "yes"), _count(no, "no"), _count(abstain, "abstain")
        if yes + no + abstain > present:
            raise ValidationError(
                _("赞成、反对、弃权合计 %(sum)s 票，超过在场人数 %(present)s 人。")
                % {"sum": yes + no + abstain, "present": present}
            )
    vote.yes, vote.no, vote.abstain = yes, no, abstain
    vote.not_voted = present - yes - no - abstain
    vote.present, vote.present_ids, vote.entitled_ids = present, present_ids, meeting.entitled_ids
    vote.passed = yes >= vote.required
    vote.state, vote.closed_by, vote.closed_at = VoteState.CLOSED, by, timezone.now()
    vote._history_user = by
    vote.save()
    _project_result(vote)
    if vote.motion_id:
        Motion.objects.filter(pk=vote.motion_id).update(state=MotionState.PASSED if vote.passed else MotionState.FAILED)
    return vote


def vote_result_text(vote):
    """赞成 x 票，通过所需 y 票（全体代表过半数） and the counts."""
    base = _(
        "全体代表 %(n)s 人，出席 %(present)s 人；赞成 %(yes)s 票，反对 %(no)s 票，弃权 %(abstain)s 票，未表决 %(nv)s 人；"  # noqa: E501
    )
    if vote.meeting.kind == MeetingKind.PRESIDIUM:
        base = _(
            "主席团成员 %(n)s 人，出席 %(present)s 人；赞成 %(yes)s 票，反对 %(no)s 票，弃权 %(abstain)s 票，未表决 %(nv)s 人；"  # noqa: E501
        )
    text = base % {
        "n": vote.legal_number,
        "present": vote.present,
        "yes": vote.yes,
        "no": vote.no,
        "abstain": vote.abstain,
        "nv": vote.not_voted,
    }
    outcome = _("%(counts)s%(needed)s，通过。") if vote.passed else _("%(counts)s%(needed)s，未通过。")
    return outcome % {"counts": text, "needed": needed_text(vote)}


def needed_text(vote):
    whom = _("全体主席团成员过半数") if vote.meeting.kind == MeetingKind.PRESIDIUM else _("全体代表过半数")
    return _("通过所需 %(k)s 票（%(whom)s）") % {"k": vote.required, "whom": whom}


def required_text(vote):
    """赞成 x 票，通过所需 y 票（全体代表过半数）; while the vote is open, the threshold only."""
    if vote.yes is None:
        return needed_text(vote)
    return _("赞成 %(yes)s 票，%(needed)s") % {"yes": vote.yes, "needed": needed_text(vote)}


@transaction.atomic
def resolution_draft(*, vote, by, issuing_body, doc_type="resolution", title=""):
    """A passed 决议 / 决定 becomes a draft outgoing document with the result in its text."""
    from documents.choices import DocType
    from documents.services.outgoing import outgoing_create

    meeting = vote.meeting
    _require(by, RUN, meeting.township_id)
    vote = Vote.objects.select_for_update(of=("self",)).get(pk=vote.pk)
    if vote.state != VoteState.CLOSED or not vote.passed:
        raise ValidationError(_("只有表决通过的事项才能形成决议或决定。"))
    if vote.resolution_id:
        raise ValidationError(_("该事项已形成决议（决定）草稿。"))
    if doc_type not in (DocType.RESOLUTION, DocType.DECISION):
        raise ValidationError({"doc_type": _("请选择决议或决定。")})
    day = timezone.localtime(vote.closed_at).date()
    label = _("决议") if doc_type == DocType.RESOLUTION else _("决定")
    title = (title or "").strip() or _("%(m)s关于%(item)s的%(label)s") % {
        "m": meeting.title,
        "item": vote.title.removeprefix("关于").removesuffix("的议案"),
        "label": label,
    }
    body = _("（%(day)s%(m)s通过）\n\n%(m)s审议了%(item)s。%(result)s\n\n会议决定：") % {
        "day": f"{day.year}年{day.month}月{day.day}日",
        "m": meeting.title,
        "item": vote.title,
        "result": vote_result_text(vote),
    }
    document = outgoing_create(
        township=meeting.township,
        by=by,
        issuing_body=issuing_body,
        doc_type=doc_type,
        title=title[:200],
        body=body,
        signature=_("%(t)s人民代表大会") % {"t": meeting.township.name},
        note=_("由表决结果生成"),
    )
    vote.resolution = document
    vote.save(update_fields=["resolution"])
    return document


# --- the meeting's documents ------------------------------------------------------------------------


def _day(value):
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日"


def _document_values(meeting, purpose):
    """Title, recipients and a first text for each of the meeting's documents."""
    from documents.choices import DocType

    agenda = "\n".join(f"{i}. {item.title}" for i, item in enumerate(meeting.agenda.all(), start=1)) or _(
        "（议程待定）"
    )
    county = _("县人大常委会")
    if purpose == DocumentPurpose.NOTICE:
        return {
            "doc_type": DocType.NOTICE,
            "title": _("关于召开%(m)s的通知") % {"m": meeting.title},
            "main_recipients": _("各位代表") if meeting.is_session else _("主席团各位成员"),
            "body": _(
                "经研究，定于%(day)s%(time)s在%(place)s召开%(m)s。会议主要议程：\n%(agenda)s\n请准时出席。因故不能出席的，请提前向人大办请假。"
            )
            % {
                "day": _day(meeting.starts_at),
                "time": timezone.localtime(meeting.starts_at).strftime("%H:%M"),
                "place": meeting.place or _("（地点待定）"),
                "m": meeting.title,
                "agenda": agenda,
            },
        }
    if purpose == DocumentPurpose.REQUEST:
        return {
            "doc_type": DocType.REQUEST,
            "title": _("关于召开%(m)s的请示") % {"m": meeting.title},
            "main_recipients": county,
            "body": _("我镇拟于%(day)s召开%(m)s。会议主要议程：\n%(agenda)s\n妥否，请批示。")
            % {"day": _day(meeting.starts_at), "m": meeting.title, "agenda": agenda},
        }
    if purpose == DocumentPurpose.REPORT:
        if meeting.state != MeetingState.CLOSED:
            raise ValidationError(_("会议闭会后才能起草会后报告。"))
        results = "\n".join(
            f"{v.title}：{vote_result_text(v)}" for v in meeting.votes.filter(state=VoteState.CLOSED).order_by("pk")
        )
        present = meeting.attendances.filter(status=AttendanceStatus.PRESENT).count()
        return {
            "doc_type": DocType.REPORT,
            "title": _("关于%(m)s召开情况的报告") % {"m": meeting.title},
            "main_recipients": county,
            "body": _(
                "%(m)s于%(day)s召开。应到代表 %(n)s 名，实到 %(p)s 名，符合法定人数。会议表决情况：\n%(results)s\n特此报告。"  # noqa: E501
            )
            % {
                "m": meeting.title,
                "day": _day(meeting.starts_at),
                "n": meeting.legal_number,
                "p": present,
                "results": results or "—",
            },
        }
    if purpose == DocumentPurpose.MINUTES:
        if not meeting.minutes:
            raise ValidationError(_("请先记录会议纪要。"))
        return {
            "doc_type": DocType.MINUTES,
            "title": _("%(m)s纪要") % {"m": meeting.title},
            "main_recipients": _("各位代表") if meeting.is_session else _("主席团各位成员"),
            "body": meeting.minutes,
        }
    raise ValidationError({"purpose": _("请选择会议文件的用途。")})


@transaction.atomic
def meeting_document_draft(*, meeting, by, issuing_body, purpose):
    """Draft the meeting's 通知, 会前请示, 会后报告 or 纪要 as an outgoing document (then reviewed,
    signed, numbered and printed in the GB/T 9704 layout by the documents app), once each."""
    from documents.services.outgoing import outgoing_create

    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    if meeting.documents.filter(purpose=purpose).exists():
        raise ValidationError(_("本次会议已起草过该文件。"))
    values = _document_values(meeting, purpose)
    document = outgoing_create(
        township=meeting.township,
        by=by,
        issuing_body=issuing_body,
        signature=issuing_body.name,
        note=_("由会议信息生成"),
        **values,
    )
    MeetingDocument.objects.create(meeting=meeting, purpose=purpose, document=document)
    return document


# --- motions ------------------------------------------------------------------------------------------


def required_signers(motion_kind, n):
    if motion_kind == MotionKind.INQUIRY:
        return settings.MOTION_INQUIRY_MIN_SIGNERS
    if motion_kind == MotionKind.RECALL:
        return thresholds.recall_signers(n)
    return settings.MOTION_MIN_SIGNERS


def _own_deputy(user, meeting):
    return Deputy.objects.filter(user=user, township_id=meeting.township_id, term_id=meeting.term_id).first()


@transaction.atomic
def motion_create(*, meeting, by, kind, source, title, content, lead=None, co_signers=()):
    """议案 to a session before its deadline. From deputies: the lead deputy (the user, or named
    by the clerk) and the co-signers, each of whom confirms; from the presidium or the
    government: registered by the office, submitted at once. 罢免案 come from the presidium or
    deputies only."""
    if meeting.kind not in SESSION_KINDS:
        raise ValidationError(_("议案只能向人民代表大会会议提出。"))
    if meeting.state == MeetingState.CLOSED:
        raise ValidationError(_("会议已闭会，不能再提出议案。"))
    if meeting.motion_deadline and timezone.now() > meeting.motion_deadline:
        raise ValidationError(
            _("议案截止时间 %(t)s 已过。")
            % {"t": timezone.localtime(meeting.motion_deadline).strftime("%Y-%m-%d %H:%M")}
        )
    if kind not in MotionKind.values or source not in MotionSource.values:
        raise ValidationError(_("请选择议案类别和提出者。"))
    if kind == MotionKind.RECALL and source == MotionSource.GOVERNMENT:
        raise ValidationError({"source": _("罢免案由主席团或五分之一以上代表联名提出。")})
    if kind == MotionKind.INQUIRY and source != MotionSource.DEPUTIES:
        raise ValidationError({"source": _("质询案由代表联名提出。")})
    title, content = (title or "").strip(), (content or "").strip()
    if not title or not content:
        raise ValidationError(_("请填写案由和案据、方案。"))
    office = by.has_perm(RUN) and by.township_id == meeting.township_id
    own = _own_deputy(by, meeting)
    if source != MotionSource.DEPUTIES and not office:
        raise PermissionDenied(_("主席团、政府提出的议案由人大办登记。"))
    if source == MotionSource.DEPUTIES:
        if lead is None:
            lead = own
        if lead is None or (not office and (own is None or own.pk != lead.pk)):
            raise PermissionDenied(_("代表只能以本人名义领衔提出议案。"))
    motion = Motion.objects.create(
        township=meeting.township,
        meeting=meeting,
        kind=kind,
        source=source,
        title=title,
        content=content,
        state=MotionState.SIGNING if source == MotionSource.DEPUTIES else MotionState.SUBMITTED,
        submitted_by=by,
        submitted_at=None if source == MotionSource.DEPUTIES else timezone.now(),
    )
    if source == MotionSource.DEPUTIES:
        members = {
            d.pk for d in legal_members(township_id=meeting.township_id, term_id=meeting.term_id, kind=meeting.kind)
        }
        people, seen = [], set()
        for deputy in [lead, *co_signers]:
            if deputy.pk in seen:
                continue
            if deputy.pk not in members:
                raise ValidationError(
                    {"co_signers": _("%(name)s 不是本届在任代表，不能联名。") % {"name": deputy.name}}
                )
            seen.add(deputy.pk)
            people.append(deputy)
        now = timezone.now()
        MotionSigner.objects.bulk_create(
            [
                MotionSigner(
                    motion=motion,
                    deputy=d,
                    is_lead=(i == 0),
                    confirmed_at=now if i == 0 else None,
                    via="phone" if i == 0 and own is not None and own.pk == d.pk else ("paper" if i == 0 else ""),
                )
                for i, d in enumerate(people)
            ]
        )
        notify(
            recipients=[d.user for d in people[1:] if d.user_id],
            title=Message(gettext_noop("请确认联名议案：%(t)s"), t=title),
            body=Message(gettext_noop("领衔代表：%(name)s"), name=people[0].name),
            url=motion.get_absolute_url(),
            township=meeting.township,
        )
    return motion


@transaction.atomic
def motion_confirm(*, motion, by, deputy=None):
    """A co-signer confirms on the phone, or the clerk records their paper signature."""
    if motion.state != MotionState.SIGNING:
        raise ValidationError(_("该议案已提交，联名已截止。"))
    if deputy is None:
        signer = MotionSigner.objects.select_for_update(of=("self",)).filter(motion=motion, deputy__user=by).first()
        via = "phone"
    else:
        _require(by, RUN, motion.township_id)
        signer = MotionSigner.objects.select_for_update(of=("self",)).filter(motion=motion, deputy=deputy).first()
        via = "paper"
    if signer is None:
        raise ValidationError(_("不在该议案的联名名单中。"))
    if signer.confirmed_at is None:
        signer.confirmed_at, signer.via = timezone.now(), via
        signer.save(update_fields=["confirmed_at", "via"])
    return signer


def signer_status(motion):
    """(confirmed, required) for a deputies' motion."""
    meeting = motion.meeting
    n = meeting.legal_number
    if n is None:
        n = legal_members(township_id=meeting.township_id, term_id=meeting.term_id, kind=meeting.kind).count()
    confirmed = motion.signers.filter(confirmed_at__isnull=False).count()
    return confirmed, required_signers(motion.kind, n)


@transaction.atomic
def motion_submit(*, motion, by):
    """提交: only with enough confirmed co-signers (the lead included)."""
    motion = Motion.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=motion.pk)
    lead = motion.signers.filter(is_lead=True).select_related("deputy").first()
    office = by.has_perm(RUN) and by.township_id == motion.township_id
    if not office and (lead is None or lead.deputy.user_id != by.pk):
        raise PermissionDenied(_("由领衔代表或人大办提交。"))
    if motion.state != MotionState.SIGNING:
        raise ValidationError(_("该议案已提交。"))
    if motion.meeting.motion_deadline and timezone.now() > motion.meeting.motion_deadline:
        raise ValidationError(_("议案截止时间已过。"))
    confirmed, required = signer_status(motion)
    if confirmed < required:
        raise ValidationError(
            _("%(kind)s须由代表 %(k)s 人以上联名，现已确认 %(m)s 人，还需 %(d)s 人。")
            % {"kind": motion.get_kind_display(), "k": required, "m": confirmed, "d": required - confirmed}
        )
    motion.state, motion.submitted_at = MotionState.SUBMITTED, timezone.now()
    motion._history_user = by
    motion.save(update_fields=["state", "submitted_at"])
    return motion


LIST, NOT_LIST, AS_SUGGESTION = "list", "not_list", "as_suggestion"


@transaction.atomic
def motion_decide(*, motion, by, decision, reason=""):
    """主席团决定: put on the agenda (an agenda item to vote on), not put (with the reason), or
    handle as a suggestion (a deputies' motion only: registered through the suggestions service
    with the same signers)."""
    _require(by, DECIDE, motion.township_id)
    motion = (
        Motion.objects.select_for_update(of=("self",))
        .select_related("meeting__term", "meeting__township")
        .get(pk=motion.pk)
    )
    if motion.state != MotionState.SUBMITTED:
        raise ValidationError(_("该议案不在待主席团决定状态。"))
    reason = (reason or "").strip()
    if decision == LIST:
        item = AgendaItem.objects.create(
            meeting=motion.meeting,
            order=(motion.meeting.agenda.aggregate(n=Max("order"))["n"] or 0) + 1,
            title=motion.title,
            needs_vote=True,
        )
        motion.state, motion.agenda_item = MotionState.LISTED, item
    elif decision == NOT_LIST:
        if not reason:
            raise ValidationError({"reason": _("不列入议程的，请写明理由。")})
        motion.state = MotionState.NOT_LISTED
    elif decision == AS_SUGGESTION:
        if motion.source != MotionSource.DEPUTIES:
            raise ValidationError(_("只有代表联名提出的议案可以作为建议处理。"))
        from deputies.suggestions.services import suggestion_submit

        signers = [s.deputy for s in motion.signers.select_related("deputy").order_by("-is_lead", "pk")]
        motion.suggestion = suggestion_submit(
            by=by,
            term=motion.meeting.term,
            title=motion.title,
            content=motion.content,
            lead=signers[0],
            co_signers=signers[1:],
            session=motion.meeting.title,
        )
        motion.state = MotionState.AS_SUGGESTION
    else:
        raise ValidationError({"decision": _("请选择主席团的决定。")})
    motion.decision_reason, motion.decided_by, motion.decided_at = reason, by, timezone.now()
    motion._history_user = by
    motion.save()
    return motion


@transaction.atomic
def motion_withdraw(*, motion, by, reason=""):
    """撤回: by the lead deputy or the office, until it is voted on."""
    motion = Motion.objects.select_for_update(of=("self",)).get(pk=motion.pk)
    lead = motion.signers.filter(is_lead=True).select_related("deputy").first()
    office = by.has_perm(RUN) and by.township_id == motion.township_id
    if not office and (lead is None or lead.deputy.user_id != by.pk):
        raise PermissionDenied(_("由领衔代表或人大办撤回。"))
    if motion.state not in (MotionState.SIGNING, MotionState.SUBMITTED, MotionState.LISTED):
        raise ValidationError(_("该议案已表决或已处理，不能撤回。"))
    if motion.votes.exists():
        raise ValidationError(_("该议案已付表决，不能撤回。"))
    motion.state, motion.withdrawn_at = MotionState.WITHDRAWN, timezone.now()
    motion.decision_reason = (reason or "").strip() or motion.decision_reason
    motion._history_user = by
    motion.save(update_fields=["state", "withdrawn_at", "decision_reason"])
    return motion


# --- 民生实事项目代表票决 ------------------------------------------------------------------------------


@transaction.atomic
def project_add(*, meeting, by, title, source, description="", proposer=None, budget=None):
    """A candidate project for the session's vote, from the government or from deputies."""
    _require(by, RUN, meeting.township_id)
    meeting = _lock(meeting)
    if meeting.kind not in SESSION_KINDS:
        raise ValidationError(_("民生实事项目由人民代表大会会议票决。"))
    _state(meeting, (MeetingState.PLANNED, MeetingState.NOTIFIED), _("会议已开始，不能再增加候选项目。"))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写项目名称。")})
    if source not in ProjectSource.values:
        raise ValidationError({"source": _("请选择项目来源。")})
    if source == ProjectSource.DEPUTIES and proposer is None:
        raise ValidationError({"proposer": _("代表提出的项目，请选择提出代表。")})
    if proposer is not None and (proposer.township_id != meeting.township_id or proposer.term_id != meeting.term_id):
        raise ValidationError({"proposer": _("提出代表必须是本届代表。")})
    if budget is not None and budget < 0:
        raise ValidationError({"budget": _("预算不能为负数。")})
    return LivelihoodProject.objects.create(
        township=meeting.township,
        meeting=meeting,
        title=title,
        description=(description or "").strip(),
        source=source,
        proposer=proposer if source == ProjectSource.DEPUTIES else None,
        budget=budget,
        created_by=by,
    )


@transaction.atomic
def project_vote_open(*, project, by, method):
    """Put one candidate to the deputies: chosen when yes > half of all deputies."""
    project = LivelihoodProject.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=project.pk)
    if project.state != ProjectState.CANDIDATE or project.vote_id:
        raise ValidationError(_("该项目已付表决。"))
    vote = vote_open(
        meeting=project.meeting, by=by, title=_("民生实事项目：%(t)s") % {"t": project.title}, method=method
    )
    project.vote = vote
    project.save(update_fields=["vote"])
    return vote


def _project_result(vote):
    """Called when a vote closes: its project (if any) is chosen or not."""
    LivelihoodProject.objects.filter(vote=vote, state=ProjectState.CANDIDATE).update(
        state=ProjectState.CHOSEN if vote.passed else ProjectState.NOT_CHOSEN
    )


def _report_clock(project, by, start):
    from congress_office.models import DeadlineRule
    from congress_office.services.deadlines import deadline_open

    return deadline_open(
        township=project.township,
        kind="meetings.project_report",
        title=Message(gettext_noop("民生实事项目进展报告：%(t)s"), t=project.title),
        start_date=start,
        rule=DeadlineRule.MONTHS,
        limit=settings.LIVELIHOOD_REPORT_MONTHS,
        responsible_unit=project.lead_unit,
        subject=project,
        by=by,
    )


@transaction.atomic
def project_assign(*, project, by, lead_unit):
    """A chosen project goes to its implementing unit, which reports its progress every
    LIVELIHOOD_REPORT_MONTHS months (a deadline with reminders) until it is done."""
    _require(by, RUN, project.township_id)
    project = LivelihoodProject.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if project.state != ProjectState.CHOSEN:
        raise ValidationError(_("只有票决确定的项目才能交付实施。"))
    if project.lead_unit_id:
        raise ValidationError(_("该项目已交付实施。"))
    if lead_unit is None or lead_unit.township_id != project.township_id:
        raise ValidationError({"lead_unit": _("实施单位必须是本乡镇的单位。")})
    project.lead_unit = lead_unit
    project.deadline = _report_clock(project, by, timezone.localdate())
    project.save(update_fields=["lead_unit", "deadline"])
    notify(
        recipients=list(unit_handlers([lead_unit.pk])),
        title=Message(gettext_noop("民生实事项目交付实施：%(t)s"), t=project.title),
        body=Message(gettext_noop("请每 %(n)s 个月报告一次进展。"), n=settings.LIVELIHOOD_REPORT_MONTHS),
        url=project.get_absolute_url(),
        township=project.township,
    )
    return project


@transaction.atomic
def project_report(*, project, by, content, progress):
    """进展报告 by the implementing unit (or the office): the current clock is met; the next one
    opens unless the project is complete."""
    from congress_office.services.deadlines import deadline_meet

    project = LivelihoodProject.objects.select_for_update(of=("self",)).select_related("deadline").get(pk=project.pk)
    office = by.has_perm(RUN) and by.township_id == project.township_id
    if not office and not (project.lead_unit_id and by.unit_id == project.lead_unit_id):
        raise PermissionDenied(_("由实施单位或人大办报告进展。"))
    if project.state != ProjectState.CHOSEN or not project.lead_unit_id:
        raise ValidationError(_("项目尚未交付实施或已完成。"))
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("请填写进展情况。")})
    if not isinstance(progress, int) or not project.progress <= progress <= 100:
        raise ValidationError({"progress": _("完成进度应在 %(p)s–100 之间。") % {"p": project.progress}})
    report = ProjectReport.objects.create(project=project, content=content, progress=progress, reported_by=by)
    if project.deadline_id and project.deadline.is_pending:
        deadline_meet(deadline=project.deadline, by=by)
    project.progress = progress
    if progress == 100:
        project.state, project.deadline = ProjectState.DONE, None
    else:
        project.deadline = _report_clock(project, by, timezone.localdate())
    project.save(update_fields=["progress", "state", "deadline"])
    return report


@transaction.atomic
def project_rate(*, project, by, satisfaction, meeting):
    """A deputy rates a chosen project at a later session, while signed in there, once."""
    from congress_office.cases import RATING_CHOICES

    project = LivelihoodProject.objects.select_related("meeting").get(pk=project.pk)
    if project.state not in (ProjectState.CHOSEN, ProjectState.DONE):
        raise ValidationError(_("只有票决确定的项目才能测评。"))
    if (
        meeting.township_id != project.township_id
        or meeting.kind not in SESSION_KINDS
        or meeting.starts_at <= project.meeting.starts_at
        or meeting.state not in IN_SITTING
    ):
        raise ValidationError(_("民生实事项目在之后的人民代表大会会议上由代表测评。"))
    if satisfaction not in dict(RATING_CHOICES):
        raise ValidationError({"satisfaction": _("请选择满意、基本满意或不满意。")})
    row = own_attendance(meeting, by)
    if not row.is_in_hall:
        raise ValidationError(_("请先签到。"))
    if ProjectRating.objects.filter(project=project, deputy=row.deputy).exists():
        raise ValidationError(_("您已测评过该项目。"))
    return ProjectRating.objects.create(project=project, meeting=meeting, deputy=row.deputy, satisfaction=satisfaction)


def project_rating_summary(project):
    """{satisfaction: n} and the satisfaction rate (满意 + 基本满意 over all ratings, in %)."""
    counts = {}
    for value in project.ratings.values_list("satisfaction", flat=True):
        counts[value] = counts.get(value, 0) + 1
    total = sum(counts.values())
    good = counts.get("satisfied", 0) + counts.get("basically", 0)
    return counts, (good * 100 // total if total else None)


# --- 审议意见 (handling engine) -----------------------------------------------------------------------


@transaction.atomic
def opinion_register(*, meeting, by, title, content):
    """A presidium meeting's 审议意见, to be tracked to implementation."""
    from congress_office.services.cases import case_event

    _require(by, RUN, meeting.township_id)
    if meeting.kind != MeetingKind.PRESIDIUM:
        raise ValidationError(_("审议意见由主席团会议形成。"))
    if meeting.state not in (MeetingState.OPEN, MeetingState.CLOSED):
        raise ValidationError(_("会议开始后才能登记审议意见。"))
    title, content = (title or "").strip(), (content or "").strip()
    if not title or not content:
        raise ValidationError(_("请填写审议事项和审议意见。"))
    opinion = DeliberationOpinion.objects.create(
        township=meeting.township,
        meeting=meeting,
        title=title,
        content=content,
        state=OpinionState.REGISTERED,
        created_by=by,
    )
    case_event(
        item=opinion,
        action="register",
        label=Message(gettext_noop("形成审议意见")),
        by=by,
        to_state=OpinionState.REGISTERED,
        note=title,
    )
    return opinion


def opinion_assign(*, opinion, by, lead_unit, note=""):
    from congress_office.services.cases import case_assign

    return case_assign(item=opinion, lead_unit=lead_unit, by=by, note=note)


def opinion_reply(*, opinion, by, content):
    from congress_office.services.cases import case_reply

    return case_reply(item=opinion, by=by, content=content)


@transaction.atomic
def opinion_rate(*, opinion, by, satisfaction, note=""):
    """The presidium's rating of the answer; the opinion is closed."""
    from congress_office.cases import RATING_CHOICES
    from congress_office.services.cases import case_transition

    if satisfaction not in dict(RATING_CHOICES):
        raise ValidationError({"satisfaction": _("请选择满意、基本满意或不满意。")})
    opinion.satisfaction, opinion.closed_at = satisfaction, timezone.now()
    return case_transition(
        item=opinion,
        action="rate",
        by=by,
        note=(note or "").strip(),
        data={"satisfaction": satisfaction},
        save_fields=("satisfaction", "closed_at"),
    )
