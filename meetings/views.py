"""The meetings pages. Every read goes through `Meeting.objects.visible_to(user)` (another
township's meeting is 404) and each page's permission (403); the services decide what a
meeting's state allows and say why in Chinese, and nothing typed is lost when they refuse."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin, get_visible_or_404
from congress_office.cases import RATING_CHOICES
from congress_office.views.cases import CaseActionView
from congress_office.views.mixins import ServiceFormMixin

from . import forms
from . import services as svc
from .choices import (
    SESSION_KINDS,
    AttendanceStatus,
    DocumentPurpose,
    LeaveState,
    MeetingKind,
    MeetingState,
    MotionSource,
    MotionState,
    ProjectState,
    VoteMethod,
    VoteState,
)
from .models import Attendance, Ballot, DeliberationOpinion, LivelihoodProject, Meeting, Motion, MotionSigner, Vote

VIEW = "meetings.view_meeting"
PROJECT_VIEW = "meetings.view_livelihoodproject"
RUN = svc.RUN
DECIDE = svc.DECIDE


def meeting_queryset():
    return Meeting.objects.select_related("township", "term")


def get_meeting(user, pk):
    return get_visible_or_404(meeting_queryset(), user, pk=pk)


def purpose_ready(meeting, purpose):
    """Whether the meeting's state lets that document be drafted now."""
    if purpose == DocumentPurpose.REPORT:
        return meeting.state == MeetingState.CLOSED
    if purpose == DocumentPurpose.MINUTES:
        return bool(meeting.minutes)
    return meeting.state != MeetingState.CLOSED


def own_deputy(user, meeting):
    if not user.is_authenticated:
        return None
    from deputies.models import Deputy

    return Deputy.objects.filter(user=user, township_id=meeting.township_id, term_id=meeting.term_id).first()


# --- the year's meetings ---------------------------------------------------------------------------


def add_meeting_counts(meetings):
    """`expected`, `present` and `motions_count` of the given meetings (a page), in two queries."""
    ids = [m.pk for m in meetings]
    attendance = {
        row["meeting_id"]: row
        for row in Attendance.objects.filter(meeting_id__in=ids)
        .order_by()
        .values("meeting_id")
        .annotate(expected=Count("pk"), present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)))
    }
    motions = dict(
        Motion.objects.filter(meeting_id__in=ids)
        .order_by()
        .values("meeting_id")
        .annotate(n=Count("pk"))
        .values_list("meeting_id", "n")
    )
    for m in meetings:
        row = attendance.get(m.pk, {})
        m.expected, m.present = row.get("expected", 0), row.get("present", 0)
        m.motions_count = motions.get(m.pk, 0)


class MeetingListView(RoleRequiredMixin, TemplateView):
    """The year's meetings, a page at a time (a county reads 30 townships' ~1,200), with their
    attendance counts (a fixed number of queries), and a warning when fewer regular sessions
    than SESSION_MIN_PER_YEAR are planned."""

    template_name = "meetings/list.html"
    permission_required = VIEW
    paginate_by = 50

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year") or today.year)
        except ValueError:
            year = today.year
        of_year = Meeting.objects.visible_to(user).filter(year=year)
        page = Paginator(
            of_year.select_related("township", "term").order_by("starts_at", "pk"), self.paginate_by
        ).get_page(self.request.GET.get("page"))
        meetings = list(page.object_list)
        add_meeting_counts(meetings)
        sessions = of_year.filter(kind=MeetingKind.SESSION).count()
        minimum = settings.SESSION_MIN_PER_YEAR
        return super().get_context_data(
            year=year,
            years=range(today.year + 1, today.year - 6, -1),
            meetings=meetings,
            page_obj=page,
            sessions_planned=sessions,
            sessions_minimum=minimum,
            too_few=user.township_id is not None and sessions < minimum,
            many_townships=of_year.order_by().values("township_id").distinct()[:2].count() > 1,
            can_plan=user.has_perm("meetings.add_meeting") and user.township_id is not None,
            **kwargs,
        )


class MeetingCreateView(TownshipMemberMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    template_name = "meetings/form.html"
    permission_required = "meetings.add_meeting"
    form_class = forms.MeetingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "township": self.request.user.township}

    def get_initial(self):
        return {"kind": self.request.GET.get("kind") or MeetingKind.SESSION}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("安排会议"), **kwargs)

    def perform(self, form):
        return svc.meeting_plan(township=self.request.user.township, by=self.request.user, **form.values())

    def get_success_url(self):
        messages.success(self.request, _("已安排%(m)s。请添加议程，发出会议通知。") % {"m": self.result})
        return self.result.get_absolute_url()


# --- one meeting ------------------------------------------------------------------------------------


class MeetingDetailView(RoleRequiredMixin, TemplateView):
    """The meeting's page: state and quorum line, the steps the user may take now, agenda,
    attendance, votes, motions, minutes; a deputy's own panel (notice, leave, sign-in, vote)."""

    template_name = "meetings/detail.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        user = self.request.user
        meeting = get_meeting(user, self.kwargs["pk"])
        attendances = list(meeting.attendances.select_related("deputy", "leave_decided_by").order_by("deputy__name"))
        present = sum(1 for a in attendances if a.is_in_hall)
        quorum = svc.quorum_status(meeting, present=present)
        votes = list(meeting.votes.select_related("agenda_item", "motion", "resolution").order_by("opened_at", "pk"))
        for vote in votes:
            vote.threshold_text = svc.required_text(vote)
            vote.result_text = svc.vote_result_text(vote) if vote.state == VoteState.CLOSED else ""
        open_vote = next((v for v in votes if v.state == VoteState.OPEN), None)
        motions = list(
            meeting.motions.annotate(
                signer_count=Count("signers"),
                confirmed_count=Count("signers", filter=Q(signers__confirmed_at__isnull=False)),
            ).order_by("pk")
        )
        own = own_deputy(user, meeting)
        own_row = next((a for a in attendances if own and a.deputy_id == own.pk), None)
        office = user.has_perm(RUN) and user.township_id == meeting.township_id
        decider = user.has_perm(DECIDE) and user.township_id == meeting.township_id
        own_ballot = None
        if open_vote and own and open_vote.method == VoteMethod.PHONE:
            own_ballot = Ballot.objects.filter(vote=open_vote, deputy=own).first()
        return super().get_context_data(
            meeting=meeting,
            agenda=list(meeting.agenda.all()),
            materials=(materials := list(meeting.materials.select_related("owner", "done_by", "deadline"))),
            materials_progress=svc.materials_progress(materials),
            today=timezone.localdate(),
            attendances=attendances,
            observers=list(meeting.observers.all()),
            projects=list(meeting.projects.select_related("proposer", "vote", "lead_unit")),
            opinions=list(meeting.opinions.select_related("lead_unit")),
            documents=(documents := list(meeting.documents.select_related("document__issuing_body"))),
            missing_documents=[
                (value, label)
                for value, label in DocumentPurpose.choices
                if value not in {d.purpose for d in documents} and purpose_ready(meeting, value)
            ],
            quorum=quorum,
            counts={
                status: sum(1 for a in attendances if a.status == status)
                for status in (AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)
            },
            leave_requests=[a for a in attendances if a.leave_state == LeaveState.REQUESTED],
            votes=votes,
            voted_items={v.agenda_item_id for v in votes if v.agenda_item_id and v.state == VoteState.CLOSED},
            open_vote=open_vote,
            motions=motions,
            own_row=own_row,
            own_ballot=own_ballot,
            office=office,
            decider=decider,
            in_sitting=meeting.state in svc.IN_SITTING,
            is_session=meeting.kind in SESSION_KINDS,
            can_move=(
                meeting.kind in SESSION_KINDS
                and meeting.state != MeetingState.CLOSED
                and (office or (own is not None and user.has_perm("meetings.add_motion")))
            ),
            **kwargs,
        )


class MeetingCodeView(RoleRequiredMixin, TemplateView):
    """The sign-in code in large digits, for the screen in the hall (the office only)."""

    template_name = "meetings/code.html"
    permission_required = RUN

    def get_context_data(self, **kwargs):
        meeting = get_meeting(self.request.user, self.kwargs["pk"])
        if meeting.township_id != self.request.user.township_id:
            raise PermissionDenied
        return super().get_context_data(meeting=meeting, quorum=svc.quorum_status(meeting), **kwargs)


class MeetingObjectMixin:
    @cached_property
    def meeting(self):
        return get_meeting(self.request.user, self.kwargs["pk"])

    def back(self):
        return self.meeting.get_absolute_url()


class MeetingButtonView(MeetingObjectMixin, RoleRequiredMixin, View):
    """A button on the meeting's page (POST): run the service, say what happened, go back."""

    permission_required = VIEW
    success_message = ""

    def perform(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            result = self.perform()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.message(result))
        return HttpResponseRedirect(self.back())

    def message(self, result):
        return self.success_message


class NotifyView(MeetingButtonView):
    permission_required = RUN

    def perform(self):
        return svc.meeting_notify(meeting=self.meeting, by=self.request.user)

    def message(self, count):
        return _("已向 %(n)s 名应到人员发出会议通知。") % {"n": count} if count else _("应到人员均已通知。")


class SignInStartView(MeetingButtonView):
    permission_required = RUN
    success_message = gettext_lazy("签到已开始：请在会场显示签到码。")

    def perform(self):
        return svc.sign_in_start(meeting=self.meeting, by=self.request.user)


class OpenView(MeetingButtonView):
    permission_required = RUN

    def perform(self):
        return svc.meeting_open(meeting=self.meeting, by=self.request.user)

    def message(self, status):
        return _("已宣布开会：%(q)s。") % {"q": status.text}


class CloseView(MeetingButtonView):
    permission_required = RUN
    success_message = gettext_lazy("已闭会。未签到的应到人员已记为缺席（已准假的记为请假）。")

    def perform(self):
        return svc.meeting_close(meeting=self.meeting, by=self.request.user)


class MarkView(MeetingButtonView):
    permission_required = RUN

    def perform(self):
        form = forms.MarkForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("请选择出席、请假或缺席。"))
        row = get_object_or_404(Attendance, meeting=self.meeting, deputy_id=form.cleaned_data["deputy"])
        return svc.attendance_mark(
            meeting=self.meeting, by=self.request.user, deputy=row.deputy, status=form.cleaned_data["status"]
        )

    def message(self, row):
        return _("%(name)s：%(status)s。") % {"name": row.deputy.name, "status": row.get_status_display()}

    def back(self):
        return super().back() + "#attendance"


class DepartView(MeetingButtonView):
    permission_required = RUN

    def perform(self):
        row = get_object_or_404(Attendance, meeting=self.meeting, deputy_id=self.request.POST.get("deputy") or 0)
        return svc.attendance_depart(meeting=self.meeting, by=self.request.user, deputy=row.deputy)

    def message(self, row):
        return _("已登记 %(name)s 中途离会。") % {"name": row.deputy.name}

    def back(self):
        return super().back() + "#attendance"


class AcknowledgeView(MeetingButtonView):
    success_message = gettext_lazy("已确认收到会议通知。")

    def perform(self):
        return svc.notice_acknowledge(meeting=self.meeting, by=self.request.user)


class LeaveDecideView(MeetingButtonView):
    permission_required = DECIDE

    def perform(self):
        row = get_object_or_404(Attendance, meeting=self.meeting, pk=self.kwargs["attendance"])
        return svc.leave_decide(attendance=row, by=self.request.user, approve=self.request.POST.get("approve") == "1")

    def message(self, row):
        return (
            _("已批准 %(name)s 请假。") % {"name": row.deputy.name}
            if row.leave_state == LeaveState.APPROVED
            else _("已不批准 %(name)s 请假。") % {"name": row.deputy.name}
        )


class MeetingFormView(MeetingObjectMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    """A small form about one meeting on a page of its own (so what is typed survives a refusal)."""

    template_name = "meetings/action_form.html"
    permission_required = RUN
    heading = ""
    intro = ""
    submit_label = gettext_lazy("提交")
    success_message = gettext_lazy("已保存。")
    confirm_message = ""

    def get_intro(self):
        return self.intro

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meeting=self.meeting,
            heading=self.heading,
            intro=self.get_intro(),
            submit_label=self.submit_label,
            confirm_message=self.confirm_message,
            quorum=svc.quorum_status(self.meeting),
            **kwargs,
        )

    def get_success_url(self):
        messages.success(self.request, self.success_message)
        return self.back()


class AgendaAddView(MeetingFormView):
    form_class = forms.AgendaForm
    heading = gettext_lazy("添加议程")
    success_message = gettext_lazy("已添加议程。")

    def perform(self, form):
        return svc.agenda_add(meeting=self.meeting, by=self.request.user, **form.cleaned_data)


class MaterialAddView(MeetingFormView):
    form_class = forms.MaterialForm
    heading = gettext_lazy("添加会议材料或准备事项")
    intro = gettext_lazy("列出会议需要准备的每一项材料和工作，明确负责人和完成期限，完成一项勾销一项。")
    success_message = gettext_lazy("已添加，负责人将按期收到提醒。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "township": self.meeting.township}

    def perform(self, form):
        return svc.material_add(meeting=self.meeting, by=self.request.user, **form.cleaned_data)

    def back(self):
        return super().back() + "#materials"


class MaterialDoneView(MeetingButtonView):
    success_message = gettext_lazy("已勾销。")

    def perform(self):
        item = get_object_or_404(self.meeting.materials, pk=self.kwargs["item"])
        return svc.material_done(item=item, by=self.request.user)

    def back(self):
        return super().back() + "#materials"


class ObserverAddView(MeetingFormView):
    form_class = forms.ObserverForm
    heading = gettext_lazy("登记列席人员")
    intro = gettext_lazy("列席人员单独登记，不计入应到、实到人数。")
    success_message = gettext_lazy("已登记列席人员。")

    def perform(self, form):
        return svc.observer_add(meeting=self.meeting, by=self.request.user, **form.cleaned_data)


class LeaveRequestView(MeetingFormView):
    """请假: a deputy for themselves; the clerk for a deputy named in ?deputy=."""

    permission_required = VIEW
    form_class = forms.LeaveForm
    heading = gettext_lazy("请假")
    intro = gettext_lazy("请写明事由，由主席团负责人批准。")
    submit_label = gettext_lazy("提交请假")
    success_message = gettext_lazy("请假已提交，等待批准。")

    @cached_property
    def for_deputy(self):
        pk = self.request.GET.get("deputy")
        if not pk:
            return None
        if not (self.request.user.has_perm(RUN) and self.request.user.township_id == self.meeting.township_id):
            raise PermissionDenied
        return get_object_or_404(Attendance, meeting=self.meeting, deputy_id=pk).deputy

    def get_context_data(self, **kwargs):
        return super().get_context_data(for_deputy=self.for_deputy, **kwargs)

    def perform(self, form):
        return svc.leave_request(
            meeting=self.meeting, by=self.request.user, reason=form.cleaned_data["reason"], deputy=self.for_deputy
        )


class SignInView(MeetingFormView):
    """A deputy's sign-in on the phone with the code shown in the hall."""

    permission_required = VIEW
    form_class = forms.CodeForm
    heading = gettext_lazy("会议签到")
    submit_label = gettext_lazy("签到")
    template_name = "meetings/sign_in.html"

    def perform(self, form):
        return svc.sign_in_by_code(meeting=self.meeting, by=self.request.user, code=form.cleaned_data["code"])

    def get_success_url(self):
        messages.success(
            self.request,
            _("签到成功：%(t)s。") % {"t": timezone.localtime(self.result.signed_in_at).strftime("%H:%M")},
        )
        return self.back()


class VoteOpenView(MeetingFormView):
    form_class = forms.VoteOpenForm
    heading = gettext_lazy("开始表决")
    submit_label = gettext_lazy("开始表决")

    @cached_property
    def source(self):
        agenda = self.request.GET.get("agenda")
        motion = self.request.GET.get("motion")
        item = get_object_or_404(self.meeting.agenda, pk=agenda) if agenda else None
        motion = get_object_or_404(self.meeting.motions, pk=motion) if motion else None
        if item is not None and motion is None:
            motion = Motion.objects.filter(agenda_item=item, state=MotionState.LISTED).first()
        return item, motion

    def get_initial(self):
        item, motion = self.source
        return {"title": (motion.title if motion else item.title if item else "")}

    def get_intro(self):
        n = self.meeting.legal_number
        return _("通过所需票数：%(k)s 票（全体代表 %(n)s 人的过半数），不是出席人数的过半数。") % {
            "k": svc.thresholds.more_than_half(n or 0),
            "n": n or "—",
        }

    def perform(self, form):
        item, motion = self.source
        return svc.vote_open(
            meeting=self.meeting,
            by=self.request.user,
            title=form.cleaned_data["title"],
            method=form.cleaned_data["method"],
            agenda_item=item,
            motion=motion,
        )

    def get_success_url(self):
        messages.success(self.request, _("表决已开始：%(t)s。") % {"t": self.result.title})
        return self.back() + "#votes"


class VoteObjectMixin:
    @cached_property
    def vote(self):
        return get_object_or_404(Vote.objects.select_related("meeting"), meeting=self.meeting, pk=self.kwargs["vote"])


class VoteCloseView(VoteObjectMixin, MeetingFormView):
    form_class = forms.VoteCloseForm
    heading = gettext_lazy("结束表决")
    submit_label = gettext_lazy("结束表决并计票")
    confirm_message = gettext_lazy("结束表决后结果即确定，不能修改。确认？")
    template_name = "meetings/vote_close.html"

    def get_context_data(self, **kwargs):
        vote = self.vote
        ballots = vote.ballots.count() if vote.method == VoteMethod.PHONE else None
        return super().get_context_data(
            vote=vote,
            ballots=ballots,
            threshold_text=svc.required_text(vote),
            in_hall=len(svc.in_hall_ids(self.meeting)),
            **kwargs,
        )

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.vote.method == VoteMethod.PHONE:
            form.fields.clear()  # counted from the ballots
        return form

    def perform(self, form):
        return svc.vote_close(vote=self.vote, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, svc.vote_result_text(self.result))
        return self.back() + "#votes"


class BallotView(VoteObjectMixin, MeetingFormView):
    permission_required = VIEW
    form_class = forms.BallotForm
    heading = gettext_lazy("表决")
    submit_label = gettext_lazy("提交表决意见")
    confirm_message = gettext_lazy("表决意见提交后不能更改。确认？")
    template_name = "meetings/ballot.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(vote=self.vote, **kwargs)

    def perform(self, form):
        return svc.ballot_cast(vote=self.vote, by=self.request.user, choice=form.cleaned_data["choice"])

    def get_success_url(self):
        messages.success(self.request, _("已表决：%(c)s。") % {"c": self.result.get_choice_display()})
        return self.back()


class ResolutionView(VoteObjectMixin, MeetingFormView):
    form_class = forms.ResolutionForm
    heading = gettext_lazy("形成决议（决定）")
    intro = gettext_lazy("以表决结果起草一件发文，正文写明表决情况；之后按发文流程核稿、签发、编号。")
    submit_label = gettext_lazy("起草决议（决定）")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "township": self.meeting.township}

    def get_context_data(self, **kwargs):
        return super().get_context_data(vote=self.vote, **kwargs)

    def perform(self, form):
        return svc.resolution_draft(vote=self.vote, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, _("已起草，请修改完善后送核稿。"))
        return self.result.get_absolute_url()


class MeetingDocumentView(MeetingFormView):
    form_class = forms.MeetingDocumentForm
    heading = gettext_lazy("起草会议文件")
    intro = gettext_lazy(
        "按会议信息起草一件发文（通知、请示、报告或纪要），之后按发文流程核稿、签发、编号、印制，版式符合 GB/T 9704。"
    )
    submit_label = gettext_lazy("起草")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "township": self.meeting.township}

    def get_initial(self):
        return {"purpose": self.request.GET.get("purpose")}

    def perform(self, form):
        return svc.meeting_document_draft(meeting=self.meeting, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, _("已起草，请修改完善后送核稿。"))
        return self.result.get_absolute_url()


class MinutesView(MeetingFormView):
    form_class = forms.MinutesForm
    heading = gettext_lazy("会议纪要")
    submit_label = gettext_lazy("保存纪要")
    success_message = gettext_lazy("已保存会议纪要。")

    def get_initial(self):
        return {"minutes": self.meeting.minutes}

    def perform(self, form):
        return svc.minutes_save(meeting=self.meeting, by=self.request.user, minutes=form.cleaned_data["minutes"])


# --- motions --------------------------------------------------------------------------------------------


class MotionCreateView(MeetingFormView):
    permission_required = "meetings.add_motion"
    form_class = forms.MotionForm
    heading = gettext_lazy("提出议案")
    submit_label = gettext_lazy("提出议案")
    template_name = "meetings/motion_form.html"

    @property
    def office(self):
        return self.request.user.has_perm(RUN) and self.request.user.township_id == self.meeting.township_id

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting, "office": self.office}

    def get_intro(self):
        return _(
            "代表 %(k)s 人以上联名可以提出议案（质询案 %(q)s 人以上）；主席团、乡镇人民政府的议案由人大办登记。"
        ) % {
            "k": settings.MOTION_MIN_SIGNERS,
            "q": settings.MOTION_INQUIRY_MIN_SIGNERS,
        }

    def perform(self, form):
        values = form.values()
        if values.get("source") != MotionSource.DEPUTIES:
            values.pop("lead", None)
            values["co_signers"] = []
        return svc.motion_create(meeting=self.meeting, by=self.request.user, **values)

    def get_success_url(self):
        if self.result.state == MotionState.SIGNING:
            messages.success(self.request, _("议案已提出，联名代表已收到确认通知。联名人数够后请提交。"))
        else:
            messages.success(self.request, _("议案已登记，待主席团决定。"))
        return self.result.get_absolute_url()


def get_motion(user, pk):
    return get_visible_or_404(Motion.objects.select_related("meeting__township", "meeting__term"), user, pk=pk)


class MotionObjectMixin:
    @cached_property
    def motion(self):
        return get_motion(self.request.user, self.kwargs["pk"])

    @property
    def meeting(self):
        return self.motion.meeting

    def back(self):
        return self.motion.get_absolute_url()


def motion_page(user, motion):
    """The motion page's context: signers, the user's own part, the threshold, who may decide."""
    signers = list(motion.signers.select_related("deputy").order_by("-is_lead", "pk"))
    own = own_deputy(user, motion.meeting)
    own_signer = next((s for s in signers if own and s.deputy_id == own.pk), None)
    confirmed, required = svc.signer_status(motion) if motion.source == MotionSource.DEPUTIES else (0, 0)
    office = user.has_perm(RUN) and user.township_id == motion.township_id
    lead = next((s for s in signers if s.is_lead), None)
    return {
        "motion": motion,
        "meeting": motion.meeting,
        "signers": signers,
        "own_signer": own_signer,
        "confirmed": confirmed,
        "required": required,
        "missing": max(required - confirmed, 0),
        "office": office,
        "is_lead": lead is not None and own is not None and lead.deputy_id == own.pk,
        "decider": user.has_perm(DECIDE) and user.township_id == motion.township_id,
    }


class MotionDetailView(MotionObjectMixin, RoleRequiredMixin, TemplateView):
    template_name = "meetings/motion_detail.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **motion_page(self.request.user, self.motion), decision_form=forms.MotionDecisionForm(), **kwargs
        )


class MotionButtonView(MotionObjectMixin, MeetingButtonView):
    pass


class MotionConfirmView(MotionButtonView):
    success_message = gettext_lazy("已确认联名。")

    def perform(self):
        deputy_pk = self.request.POST.get("deputy")
        if deputy_pk:
            signer = get_object_or_404(MotionSigner, motion=self.motion, deputy_id=deputy_pk)
            return svc.motion_confirm(motion=self.motion, by=self.request.user, deputy=signer.deputy)
        return svc.motion_confirm(motion=self.motion, by=self.request.user)


class MotionSubmitView(MotionButtonView):
    success_message = gettext_lazy("议案已提交，待主席团决定是否列入大会议程。")

    def perform(self):
        return svc.motion_submit(motion=self.motion, by=self.request.user)


class MotionWithdrawView(MotionButtonView):
    success_message = gettext_lazy("议案已撤回。")

    def perform(self):
        return svc.motion_withdraw(motion=self.motion, by=self.request.user, reason=self.request.POST.get("reason", ""))


class MotionDecideView(MotionObjectMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    template_name = "meetings/motion_detail.html"
    permission_required = DECIDE
    form_class = forms.MotionDecisionForm

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.back())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**motion_page(self.request.user, self.motion), **kwargs)
        context["decision_form"] = context["form"]
        return context

    def perform(self, form):
        return svc.motion_decide(motion=self.motion, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, _("已记录主席团决定：%(s)s。") % {"s": self.result.get_state_display()})
        if self.result.suggestion_id:
            return reverse("deputies:suggestion_detail", args=[self.result.suggestion_id])
        return self.back()


# --- 民生实事项目 ---------------------------------------------------------------------------------------


class ProjectAddView(MeetingFormView):
    form_class = forms.ProjectForm
    heading = gettext_lazy("添加民生实事候选项目")
    intro = gettext_lazy(
        "候选项目由乡镇人民政府提出或由代表提出，在大会上逐项表决：赞成票超过全体代表半数的确定为本年度民生实事项目。"
    )
    success_message = gettext_lazy("已添加候选项目。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def perform(self, form):
        return svc.project_add(meeting=self.meeting, by=self.request.user, **form.cleaned_data)

    def back(self):
        return super().back() + "#projects"


def get_project(user, pk):
    """A project of a meeting the user sees, or one their unit implements (404 otherwise)."""
    project = get_object_or_404(
        LivelihoodProject.objects.select_related("meeting__township", "meeting__term", "lead_unit", "deadline"), pk=pk
    )
    implementing = (
        user.unit_id is not None and user.unit_id == project.lead_unit_id and user.township_id == project.township_id
    )
    if not implementing:
        get_meeting(user, project.meeting_id)
    return project


class ProjectObjectMixin:
    @cached_property
    def project(self):
        return get_project(self.request.user, self.kwargs["pk"])

    @property
    def meeting(self):
        return self.project.meeting

    def back(self):
        return self.project.get_absolute_url()


class ProjectDetailView(ProjectObjectMixin, RoleRequiredMixin, TemplateView):
    template_name = "meetings/project_detail.html"
    permission_required = PROJECT_VIEW

    def get_context_data(self, **kwargs):
        user = self.request.user
        project = self.project
        counts, rate = svc.project_rating_summary(project)
        office = user.has_perm(RUN) and user.township_id == project.township_id
        rating_meeting = (
            Meeting.objects.filter(
                township_id=project.township_id,
                kind__in=SESSION_KINDS,
                state__in=svc.IN_SITTING,
                starts_at__gt=project.meeting.starts_at,
            )
            .order_by("starts_at")
            .first()
        )
        own = own_deputy(user, project.meeting)
        return super().get_context_data(
            project=project,
            meeting=project.meeting,
            reports=list(project.reports.select_related("reported_by")),
            rating_counts=[(label, counts.get(value, 0)) for value, label in RATING_CHOICES],
            rating_rate=rate,
            rating_total=sum(counts.values()),
            office=office,
            can_report=project.state == ProjectState.CHOSEN
            and project.lead_unit_id
            and (office or (user.unit_id and user.unit_id == project.lead_unit_id)),
            rating_meeting=rating_meeting,
            can_rate=rating_meeting is not None
            and own is not None
            and project.state in (ProjectState.CHOSEN, ProjectState.DONE)
            and not project.ratings.filter(deputy=own).exists(),
            **kwargs,
        )


class ProjectFormView(ProjectObjectMixin, MeetingFormView):
    pass


class ProjectVoteView(ProjectFormView):
    form_class = forms.ProjectVoteForm
    heading = gettext_lazy("民生实事项目表决")
    submit_label = gettext_lazy("开始表决")

    def get_intro(self):
        n = self.meeting.legal_number or 0
        return _("“%(t)s”：赞成票达到 %(k)s 票（全体代表 %(n)s 人的过半数）即确定为民生实事项目。") % {
            "t": self.project.title,
            "k": svc.thresholds.more_than_half(n),
            "n": n,
        }

    def perform(self, form):
        return svc.project_vote_open(project=self.project, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, _("表决已开始：%(t)s。") % {"t": self.result.title})
        return self.meeting.get_absolute_url() + "#votes"


class ProjectAssignView(ProjectFormView):
    form_class = forms.ProjectAssignForm
    heading = gettext_lazy("交付实施")
    submit_label = gettext_lazy("交付实施")
    success_message = gettext_lazy("已交付实施，实施单位将按期报告进展。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "township": self.project.meeting.township}

    def perform(self, form):
        return svc.project_assign(project=self.project, by=self.request.user, **form.cleaned_data)


class ProjectReportView(ProjectFormView):
    permission_required = PROJECT_VIEW
    form_class = forms.ProjectReportForm
    heading = gettext_lazy("报告项目进展")
    submit_label = gettext_lazy("提交进展")
    success_message = gettext_lazy("已报告进展。")

    def get_initial(self):
        return {"progress": self.project.progress}

    def perform(self, form):
        return svc.project_report(project=self.project, by=self.request.user, **form.cleaned_data)


class ProjectRateView(ProjectFormView):
    permission_required = VIEW
    form_class = forms.ProjectRateForm
    heading = gettext_lazy("民生实事项目满意度测评")
    submit_label = gettext_lazy("提交测评")
    success_message = gettext_lazy("已提交测评，谢谢。")

    @cached_property
    def rating_meeting(self):
        return get_meeting(self.request.user, self.request.GET.get("meeting") or 0)

    def perform(self, form):
        return svc.project_rate(
            project=self.project, by=self.request.user, meeting=self.rating_meeting, **form.cleaned_data
        )


# --- 审议意见 ---------------------------------------------------------------------------------------------

OPINION_VIEW = "meetings.view_deliberationopinion"
OPINION_STEPS = (
    ("assign", "opinion_assign", gettext_lazy("交办"), "primary"),
    ("supervise", "opinion_supervise", gettext_lazy("督办"), "outline-danger"),
    ("reply", "opinion_reply", gettext_lazy("反馈落实情况"), "success"),
    ("rate", "opinion_rate", gettext_lazy("主席团评价"), "primary"),
)


class OpinionAddView(MeetingFormView):
    form_class = forms.OpinionForm
    heading = gettext_lazy("登记审议意见")
    intro = gettext_lazy("主席团会议的审议意见交有关单位落实，按期反馈，由主席团评价。")
    success_message = gettext_lazy("已登记审议意见，请交办落实单位。")

    def perform(self, form):
        return svc.opinion_register(meeting=self.meeting, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, self.success_message)
        return self.result.get_absolute_url()


def get_opinion(user, pk):
    return get_visible_or_404(
        DeliberationOpinion.objects.select_related("meeting__township", "meeting__term", "lead_unit", "township"),
        user,
        pk=pk,
    )


class OpinionDetailView(RoleRequiredMixin, TemplateView):
    template_name = "meetings/opinion_detail.html"
    permission_required = OPINION_VIEW

    def get_context_data(self, **kwargs):
        from congress_office.services.cases import case_handling_deadline, case_may, case_timeline

        user = self.request.user
        opinion = get_opinion(user, self.kwargs["pk"])
        steps = [
            {"key": key, "url": reverse(f"meetings:{name}", args=[opinion.pk]), "label": label, "tone": tone}
            for key, name, label, tone in OPINION_STEPS
            if case_may(item=opinion, action=key, by=user)
        ]
        return super().get_context_data(
            opinion=opinion,
            meeting=opinion.meeting,
            steps=steps,
            timeline=case_timeline(opinion),
            deadline=case_handling_deadline(opinion),
            replies=list(opinion.replies.select_related("unit").order_by("pk")),
            **kwargs,
        )


class OpinionActionView(RoleRequiredMixin, CaseActionView):
    template_name = "meetings/opinion_action.html"
    case_context_name = "opinion"
    permission_required = OPINION_VIEW

    def get_case(self):
        return get_opinion(self.request.user, self.kwargs["pk"])


class OpinionAssignView(OpinionActionView):
    action = "assign"
    form_class = forms.OpinionAssignForm
    heading = gettext_lazy("交办审议意见")
    submit_label = gettext_lazy("交办")
    success_message = gettext_lazy("已交办，落实单位将按期反馈。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "township": self.case.township}

    def perform(self, form):
        return svc.opinion_assign(opinion=self.case, by=self.request.user, **form.cleaned_data)


class OpinionSuperviseView(OpinionActionView):
    action = "supervise"
    form_class = forms.OpinionSuperviseForm
    heading = gettext_lazy("督办")
    submit_label = gettext_lazy("发出督办通知")
    success_message = gettext_lazy("已发出督办通知。")

    def perform(self, form):
        from congress_office.services.cases import case_supervise

        return case_supervise(item=self.case, by=self.request.user, **form.cleaned_data)


class OpinionReplyView(OpinionActionView):
    action = "reply"
    form_class = forms.OpinionReplyForm
    heading = gettext_lazy("反馈落实情况")
    submit_label = gettext_lazy("提交反馈")
    success_message = gettext_lazy("已反馈，待主席团评价。")

    def perform(self, form):
        return svc.opinion_reply(opinion=self.case, by=self.request.user, **form.cleaned_data)


class OpinionRateView(OpinionActionView):
    action = "rate"
    form_class = forms.OpinionRateForm
    heading = gettext_lazy("主席团评价")
    submit_label = gettext_lazy("提交评价")
    success_message = gettext_lazy("已评价，审议意见办结。")

    def perform(self, form):
        return svc.opinion_rate(opinion=self.case, by=self.request.user, **form.cleaned_data)
