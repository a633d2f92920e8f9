"""The handling steps of a petition, one form page each (交办, 延期, 督办, 协办意见, 答复, 评价,
复查 / 复核, 领导批示, 包案, 办结报告, 回访).

The petition is looked up within `Petition.objects.visible_to(user)` (another township's, or
another unit's, is 404); the role's permission gates the page (403); the step's `check_*`
decides whether it can be taken now — a step the state does not allow sends the user back to
the petition with the reason. Each POST calls one service; its ValidationError lands on the
form, its PermissionDenied is a 403.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from congress_office.access import RoleRequiredMixin, get_visible_or_404
from congress_office.cases import Satisfaction
from congress_office.models import DeadlineRule
from congress_office.services.cases import (
    case_handling_deadline,
    early_reply_warning,
    extension_latest,
    pending_co_units,
)
from congress_office.views.cases import CaseActionView, extension_request_rows
from congress_office.workdays import compute_due_date

from ..choices import PetitionState, ReviewKind
from ..forms import handling as forms
from ..models import Petition
from ..services import handling as services


class PetitionActionView(RoleRequiredMixin, CaseActionView):
    """One handling step on one petition."""

    template_name = "petitions/handling/action_form.html"
    case_context_name = "petition"

    def get_case(self):
        queryset = Petition.objects.select_related("township", "subject", "lead_unit", "leader_owner")
        return get_visible_or_404(queryset, self.request.user, pk=self.kwargs["pk"])

    @property
    def petition(self):
        return self.case

    def check(self):
        """Raise PermissionDenied or ValidationError unless the step can be taken now."""
        raise NotImplementedError


class PetitionAssignView(PetitionActionView):
    permission_required = "petitions.assign_petition"
    form_class = forms.AssignForm
    heading = _("交办 / 转办")
    intro = _("交由承办单位办理；办理期限自受理之日起计算。")
    submit_label = _("确认交办")
    confirm_message = _("确认交办？交办后承办单位即开始办理，期限自受理之日起计算。")
    success_message = _("已交办，承办单位经办人已收到通知。")

    def check(self):
        services.check_assign(self.petition, self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "petition": self.petition}

    def info(self):
        accepted = self.petition.accepted_on
        if accepted is None:
            return []
        days = settings.PETITION_HANDLING_DAYS
        due = compute_due_date(accepted, DeadlineRule.CALENDAR_DAYS, days)
        return [
            (_("受理日期"), accepted.isoformat()),
            (
                _("办理期限"),
                _("自受理之日起 %(n)s 日，至 %(due)s（遇节假日顺延）") % {"n": days, "due": due.isoformat()},
            ),
        ]

    def perform(self, form):
        return services.petition_assign(petition=self.petition, by=self.request.user, **self.values(form))


class PetitionExtendView(PetitionActionView):
    """The office or the lead unit requests an extension; who may is the engine's check."""

    permission_required = "petitions.view_petition"
    form_class = forms.ExtendForm
    heading = _("申请延长办理期限")
    intro = _("情况复杂的，经本乡镇人大主席团负责人批准，可以适当延长办理期限，并告知信访人延期理由。")
    submit_label = _("提交延期申请")
    submit_tone = "warning"
    success_message = _("延期申请已提交，等待主席团负责人审批；审批结果会通知您。")

    def check(self):
        services.check_request_extension(self.petition, self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "petition": self.petition}

    def info(self):
        deadline = case_handling_deadline(self.petition)
        if deadline is None:
            return []
        latest, why = extension_latest(self.petition, deadline)
        rows = [(_("当前到期日"), deadline.due_date.isoformat())]
        if latest is not None:
            rows.append((_("最迟可延至"), _("%(d)s（%(why)s）") % {"d": latest.isoformat(), "why": why}))
        return rows

    def perform(self, form):
        data = form.cleaned_data
        return services.petition_request_extension(
            petition=self.petition, by=self.request.user, days=data["days"], reason=data["reason"]
        )


class PetitionExtensionDecideView(PetitionActionView):
    """A chair approves or refuses the pending extension request, as themself."""

    permission_required = "core.approve_extension"
    form_class = forms.ExtensionDecisionForm
    heading = _("审批延期申请")
    submit_label = _("提交审批意见")
    submit_tone = "warning"

    def check(self):
        services.check_approve_extension(self.petition, self.request.user)

    def info(self):
        return extension_request_rows(self.petition)

    def perform(self, form):
        data = form.cleaned_data
        if form.approves:
            self.success_message = _("已批准延期，申请人已收到通知；请打印《延期办理告知书》送达信访人。")
            return services.petition_approve_extension(petition=self.petition, by=self.request.user, note=data["note"])
        self.success_message = _("已不予批准，申请人已收到通知。")
        return services.petition_refuse_extension(petition=self.petition, by=self.request.user, note=data["note"])


class PetitionSuperviseView(PetitionActionView):
    permission_required = "petitions.supervise_petition"
    form_class = forms.SuperviseForm
    heading = _("督办")
    intro = _("向主办单位发出督办单，督促其按期办理并反馈。督办单编号按年度连续编排。")
    submit_label = _("发出督办单")
    submit_tone = "danger"
    confirm_message = _("确认发出督办单？督办单编号一经发出不再收回。")

    def check(self):
        services.check_supervise(self.petition, self.request.user)

    def perform(self, form):
        return services.petition_supervise(petition=self.petition, by=self.request.user, **self.values(form))

    def get_success_url(self):
        supervision, job = self.result
        messages.success(self.request, _("已发出督办单 %(n)s，正在生成 PDF。") % {"n": supervision.number})
        return job.get_absolute_url()


class PetitionCoInputView(PetitionActionView):
    permission_required = "petitions.reply_petition"
    form_class = forms.CoInputForm
    heading = _("提交协办意见")
    intro = _("协办单位将办理意见报送主办单位。")
    success_message = _("协办意见已提交主办单位。")

    def check(self):
        services.check_co_input(self.petition, self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "petition": self.petition, "user": self.request.user}

    def perform(self, form):
        return services.petition_co_input(petition=self.petition, by=self.request.user, **self.values(form))


class PetitionReplyView(PetitionActionView):
    permission_required = "petitions.reply_petition"
    form_class = forms.ReplyForm
    heading = _("答复")
    intro = _("答复即作出处理意见（支持、解释说明或不予支持），办理期限随之办结，并据此出具《信访事项处理意见书》。")
    submit_label = _("确认答复")
    confirm_message = _("答复后不能修改，确认提交？")
    success_message = _("已答复，办理期限已办结。可打印《信访事项处理意见书》。")

    def check(self):
        services.check_reply(self.petition, self.request.user)

    @cached_property
    def pending_units(self):
        return pending_co_units(self.petition)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pending_units": self.pending_units}

    def get_context_data(self, **kwargs):
        warning = early_reply_warning(self.pending_units) if self.pending_units else ""
        return super().get_context_data(warning=warning, **kwargs)

    def perform(self, form):
        values = self.values(form)
        values["before_co_input"] = bool(values.get("before_co_input"))
        return services.petition_reply(petition=self.petition, by=self.request.user, **values)


def review_right_text(petition):
    """What the office tells a dissatisfied petitioner: the right to ask for 复查, with the last day."""
    window = services.review_window(petition, ReviewKind.REVIEW)
    if window is None:
        return ""
    return _("请告知信访人：对处理意见不服的，可以自收到书面答复之日起 %(n)s 日内（最迟 %(last)s）请求复查。") % {
        "n": settings.PETITION_REVIEW_REQUEST_DAYS,
        "last": window[1].isoformat(),
    }


class PetitionRateView(PetitionActionView):
    permission_required = "petitions.register_petition"
    form_class = forms.RateForm
    heading = _("登记信访人评价")
    submit_label = _("登记评价")
    confirm_message = _("确认登记信访人的评价？")

    @property
    def intro(self):
        text = _("信访人通过电话、来访等方式对答复作出评价的，由办公室代为登记。")
        if settings.PETITION_REHANDLE_ON_UNSATISFIED:
            return text + _("评价“不满意”的，事项重新交主办单位办理。")
        return text + _("评价“不满意”的，事项办结，并告知信访人可以自收到书面答复之日起 %(n)s 日内请求复查。") % {
            "n": settings.PETITION_REVIEW_REQUEST_DAYS
        }

    def check(self):
        services.check_rate(self.petition, self.request.user)

    def perform(self, form):
        return services.petition_rate(petition=self.petition, by=self.request.user, **self.values(form))

    def get_success_url(self):
        self.petition.refresh_from_db(fields=["state", "round"])
        if self.petition.state == PetitionState.REOPENED:
            self.success_message = _("已登记“不满意”，事项已重新交主办单位办理（第 %(n)s 轮）。") % {
                "n": self.petition.round
            }
        elif self.result.satisfaction == Satisfaction.UNSATISFIED:
            self.success_message = _("已登记“不满意”，事项已办结。") + review_right_text(self.petition)
        else:
            self.success_message = _("已登记评价，事项已办结。")
        return super().get_success_url()


class ReviewKindMixin:
    @cached_property
    def kind(self):
        kind = self.kwargs["kind"]
        if kind not in ReviewKind.values:
            raise Http404
        return kind

    @property
    def kind_label(self):
        return ReviewKind(self.kind).label


class PetitionReviewRequestView(ReviewKindMixin, PetitionActionView):
    permission_required = "petitions.register_petition"
    form_class = forms.ReviewRequestForm
    submit_label = _("登记申请")
    success_message = _("申请已登记，决定期限已开始计算。")

    @property
    def heading(self):
        return _("登记%(kind)s申请") % {"kind": self.kind_label}

    @property
    def intro(self):
        values = {"n": settings.PETITION_REVIEW_REQUEST_DAYS}
        if self.kind == ReviewKind.REVIEW:
            return _("信访人对处理意见不服的，可以自收到书面答复之日起 %(n)s 日内请求复查。") % values
        return (
            _("信访人对复查意见不服的，可以自收到书面复查意见之日起 %(n)s 日内请求复核；复核意见为终结意见。") % values
        )

    def check(self):
        services.check_request_review(self.petition, self.kind, self.request.user)

    def info(self):
        window = services.review_window(self.petition, self.kind)
        if window is None:
            return []
        start, last = window
        what = _("答复日期") if self.kind == ReviewKind.REVIEW else _("复查决定日期")
        return [(what, start.isoformat()), (_("申请期限"), _("至 %(d)s") % {"d": last.isoformat()})]

    def perform(self, form):
        return services.petition_request_review(
            petition=self.petition, kind=self.kind, by=self.request.user, **self.values(form)
        )


class PetitionReviewDecideView(ReviewKindMixin, PetitionActionView):
    permission_required = "petitions.decide_petition"
    form_class = forms.ReviewDecideForm
    submit_label = _("作出决定")
    confirm_message = _("决定作出后不能修改，确认提交？")

    @property
    def heading(self):
        return _("作出%(kind)s意见") % {"kind": self.kind_label}

    @property
    def intro(self):
        if self.kind == ReviewKind.RECHECK:
            return _("复核意见为终结意见：信访人以同一事实和理由再提出的，不再受理。")
        return _("复查意见作出后，信访人不服的可以在 %(n)s 日内申请复核。") % {
            "n": settings.PETITION_REVIEW_REQUEST_DAYS
        }

    @property
    def success_message(self):
        return _("%(kind)s意见已作出。") % {"kind": self.kind_label}

    def check(self):
        services.check_decide_review(self.petition, self.kind, self.request.user)

    def info(self):
        review = self.petition.reviews.filter(kind=self.kind, decided_on__isnull=True).first()
        if review is None:
            return []
        return [(_("申请日期"), review.requested_on.isoformat()), (_("申请理由"), review.request)]

    def perform(self, form):
        return services.petition_decide_review(
            petition=self.petition, kind=self.kind, by=self.request.user, **self.values(form)
        )


class PetitionInstructView(PetitionActionView):
    permission_required = "petitions.instruct_petition"
    form_class = forms.InstructForm
    heading = _("领导批示")
    submit_label = _("提交批示")
    success_message = _("批示已记录，办公室和承办单位已收到通知。")

    def check(self):
        services.check_instruct(self.petition, self.request.user)

    def perform(self, form):
        return services.leader_instruct(petition=self.petition, by=self.request.user, **self.values(form))


class PetitionTakeOwnershipView(PetitionActionView):
    permission_required = "petitions.instruct_petition"
    form_class = forms.TakeOwnershipForm
    heading = _("领导包案")
    intro = _("包案领导负责协调、督促本事项的办理，直至办结。")
    submit_label = _("确认包案")
    submit_tone = "danger"
    confirm_message = _("确认由您包案？")
    success_message = _("已包案。")

    def check(self):
        services.check_take_ownership(self.petition, self.request.user)

    def perform(self, form):
        return services.leader_take_ownership(petition=self.petition, by=self.request.user)


class PetitionCompletionReportView(PetitionActionView):
    permission_required = "petitions.reply_petition"
    form_class = forms.CompletionReportForm
    heading = _("办结报告")
    intro = _("主办单位向人大办公室报告办理结果；提交后可打印《信访事项办结报告》。")
    submit_label = _("提交办结报告")
    confirm_message = _("办结报告提交后不能修改，确认提交？")
    success_message = _("办结报告已提交。")

    def check(self):
        services.check_completion_report(self.petition, self.request.user)

    def perform(self, form):
        return services.completion_report_file(petition=self.petition, by=self.request.user, **self.values(form))


class PetitionReturnVisitView(PetitionActionView):
    permission_required = "petitions.register_petition"
    form_class = forms.ReturnVisitForm
    heading = _("回访")
    intro = _("办结后回访信访人，了解处理意见的落实情况和满意程度。")
    submit_label = _("登记回访")
    success_message = _("回访已登记。")

    def check(self):
        services.check_return_visit(self.petition, self.request.user)

    def perform(self, form):
        return services.return_visit_record(petition=self.petition, by=self.request.user, **self.values(form))
