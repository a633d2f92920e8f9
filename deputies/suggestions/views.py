"""Pages of deputies' suggestions: the list, the phone-first submit form, the detail page with
its timeline and the action forms of each step, and the year report.

Reads go through .selectors (Suggestion.objects.visible_to: another township's, another
unit's or another deputy's suggestion is 404); writes through one service each, which checks
who may act in which state (.access). A refused step is shown on its form, nothing typed lost.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin
from congress_office.pagination import BoundedPaginationMixin
from congress_office.services.cases import case_handling_deadline, extension_latest, pending_co_units
from congress_office.views.mixins import ServiceFormMixin, apply_validation_error

from ..models import ReceptionDay, ReceptionVisit
from ..selectors import parse_record_year
from . import access, selectors, services
from .forms import (
    AssignForm,
    CoInputForm,
    ConsultationForm,
    ExtendForm,
    ExtensionDecisionForm,
    RateForm,
    ReplyForm,
    SuggestionForm,
    SuperviseForm,
)
from .models import Suggestion


class SuggestionListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "deputies.view_suggestion"
    template_name = "deputies/suggestions/suggestion_list.html"
    context_object_name = "suggestions"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = selectors.suggestion_list(user=self.request.user, filters=self.request.GET or None)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            filterset=self.filterset,
            can_submit=_may_submit(user),
            own_deputy=access.own_deputy(user),
            state_filter=self.request.GET.get("state", ""),
            today=timezone.localdate(),
            **kwargs,
        )


def _may_submit(user):
    try:
        access.check_submit(user, user.township_id)
    except PermissionDenied:
        return False
    return True


def visit_for(user, pk):
    """A reception visit the user may turn into a suggestion (visible, not yet followed up)."""
    if not str(pk or "").isdigit():
        return None
    return (
        ReceptionVisit.objects.filter(
            pk=int(pk), follow_up_kind="", reception_day__in=ReceptionDay.objects.visible_to(user)
        )
        .select_related("reception_day__district")
        .prefetch_related("reception_day__deputies")
        .first()
    )


class SuggestionCreateView(TownshipMemberMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    """提建议: a deputy's own suggestion (they lead it), or the office registering one for
    deputies. From a reception visit (?visit=) the form is prefilled and the visit linked."""

    permission_required = "deputies.add_suggestion"
    form_class = SuggestionForm
    template_name = "deputies/suggestions/suggestion_form.html"

    @cached_property
    def own_deputy(self):
        return access.own_deputy(self.request.user)

    @cached_property
    def office(self):
        return access.is_office(self.request.user)

    @cached_property
    def visit(self):
        raw = self.request.POST.get("visit") or self.request.GET.get("visit")
        if not raw:
            return None
        visit = visit_for(self.request.user, raw)
        if visit is None:
            raise Http404
        return visit

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "own_deputy": self.own_deputy}

    def get_initial(self):
        initial = super().get_initial()
        visit = self.visit
        if visit is not None:
            day = visit.reception_day
            initial["title"] = visit.matter.strip().splitlines()[0][:60] if visit.matter.strip() else ""
            initial["content"] = _("%(matter)s\n\n（来源：%(date)s %(district)s代表接待日，来访人：%(visitor)s）") % {
                "matter": visit.matter.strip(),
                "date": day.date.isoformat(),
                "district": day.district,
                "visitor": visit.visitor,
            }
            receivers = list(day.deputies.all())
            if self.office and receivers:
                initial["lead"] = receivers[0].pk
                initial["co_signers"] = [d.pk for d in receivers[1:]]
            else:
                own_pk = self.own_deputy.pk if self.own_deputy else None
                initial["co_signers"] = [d.pk for d in receivers if d.pk != own_pk]
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            office=self.office,
            unlinked=not self.office and self.own_deputy is None,
            visit=self.visit,
            limits=services.limits(),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        lead = data.get("lead") if self.office else None
        signer = lead or self.own_deputy
        if signer is None:
            raise ValidationError(_("您的账号尚未关联代表信息，请联系人大办。"))
        try:
            return services.suggestion_submit(
                by=self.request.user,
                term=signer.term,
                title=data["title"],
                content=data["content"],
                co_signers=data.get("co_signers") or [],
                is_hard=data.get("is_hard", False),
                session=data.get("session", ""),
                lead=lead,
                visit=self.visit,
            )
        except PermissionDenied as error:
            raise ValidationError(str(error) or _("您无权进行此操作。")) from None

    def get_success_url(self):
        if self.office:
            message = _("已登记，编号 %(n)s。")
        else:
            message = _("建议已提交，编号 %(n)s。人大办交办后您会收到通知。")
        messages.success(self.request, message % {"n": self.result.number})
        return self.result.get_absolute_url()


class SuggestionObjectMixin(RoleRequiredMixin):
    permission_required = "deputies.view_suggestion"

    @cached_property
    def suggestion(self):
        try:
            return selectors.suggestion_get(user=self.request.user, pk=self.kwargs["pk"])
        except Suggestion.DoesNotExist:
            raise Http404 from None


def _unit_form_kwargs(user, suggestion, allowed):
    return {"units": allowed.get("co_input") or [], "office": access.is_office(user)}


FORMS = {
    "assign": (AssignForm, lambda user, s, allowed: {"suggestion": s}),
    "co_input": (CoInputForm, _unit_form_kwargs),
    "consult": (ConsultationForm, lambda user, s, allowed: {"suggestion": s}),
    "reply": (ReplyForm, lambda user, s, allowed: {"pending_units": pending_co_units(s)}),
    "extend": (ExtendForm, lambda user, s, allowed: {"suggestion": s, "user": user}),
    "decide_extension": (ExtensionDecisionForm, lambda user, s, allowed: {}),
    "supervise": (SuperviseForm, lambda user, s, allowed: {}),
    "rate": (RateForm, lambda user, s, allowed: {"raters": allowed.get("rate") or []}),
}


ACTION_LABELS = {
    "assign": (_("交办"), "bi-send"),
    "co_input": (_("提交协办意见"), "bi-people"),
    "consult": (_("登记面商情况"), "bi-chat-dots"),
    "reply": (_("答复"), "bi-reply"),
    "extend": (_("申请延期"), "bi-hourglass-split"),
    "decide_extension": (_("审批延期申请"), "bi-calendar-check"),
    "supervise": (_("督办"), "bi-flag"),
    "rate": (_("评价答复"), "bi-hand-thumbs-up"),
}


class SuggestionDetailView(SuggestionObjectMixin, TemplateView):
    """The whole suggestion: signers and their ratings, assignments with their clocks,
    consultations, answers, supervision notices, the timeline, and the forms of the steps the
    user may take now."""

    template_name = "deputies/suggestions/suggestion_detail.html"

    def get_context_data(self, bound=None, **kwargs):
        user, suggestion = self.request.user, self.suggestion
        page = selectors.suggestion_page(suggestion=suggestion)
        allowed = access.allowed_actions(user, suggestion)
        forms = {}
        for action in access.ACTIONS:
            if bound and action in bound:  # a refused form stays on the page with what was typed
                forms[action] = bound[action]
            elif action in allowed:
                form_class, make_kwargs = FORMS[action]
                forms[action] = form_class(**make_kwargs(user, suggestion, allowed))
        consulted = bool(page.current_consultations)
        open_action = next(iter(bound)) if bound else _default_open(suggestion, forms, consulted)
        actions = [
            {
                "name": name,
                "form": form,
                "label": ACTION_LABELS[name][0],
                "icon": ACTION_LABELS[name][1],
                "url": reverse(f"deputies:suggestion_{name}", args=[suggestion.pk]),
                "open": name == open_action,
            }
            for name, form in forms.items()
        ]
        return super().get_context_data(
            suggestion=suggestion,
            page=page,
            forms=forms,
            actions=actions,
            consulted=consulted,
            extension_limit=_extension_limit(suggestion) if "extend" in forms else None,
            limits=services.limits(),
            today=timezone.localdate(),
            **kwargs,
        )


def _extension_limit(suggestion):
    """What the request form tells: the current due date, and the latest date an extension may
    reach with the rule that sets it (the engine's, from the case type's outer limit)."""
    deadline = case_handling_deadline(suggestion)
    if deadline is None:
        return None
    latest, why = extension_latest(suggestion, deadline)
    return {"due_date": deadline.due_date, "latest": latest, "why": why}


def _default_open(suggestion, forms, consulted):
    """The form shown unfolded: the step the suggestion waits for."""
    for action in ("rate", "assign", "decide_extension", "co_input"):
        if action in forms:
            return action
    if "reply" in forms and consulted:
        return "reply"
    if "consult" in forms:
        return "consult"
    return ""


class SuggestionActionView(SuggestionObjectMixin, View):
    """POST of one step's form. The user's right to the step is checked first (403 for the
    wrong person, a message for the wrong state); a refused or invalid form re-renders the
    detail page with the form bound."""

    action = ""
    success_message = ""

    def precheck(self, user, suggestion):
        access.check(user, suggestion, self.action)
        return {self.action: True}

    def perform(self, form):
        raise NotImplementedError

    def post(self, request, pk):
        user, suggestion = request.user, self.suggestion
        try:
            allowed = self.precheck(user, suggestion)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(suggestion.get_absolute_url())
        form_class, make_kwargs = FORMS[self.action]
        form = form_class(request.POST, request.FILES, **make_kwargs(user, suggestion, allowed))
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, self.success_message)
                return redirect(suggestion.get_absolute_url())
        detail = SuggestionDetailView(request=request, kwargs=self.kwargs, args=())
        detail.suggestion = suggestion
        return detail.render_to_response(detail.get_context_data(bound={self.action: form}))


class AssignView(SuggestionActionView):
    action = "assign"
    success_message = _("已交办，承办单位和提出代表将收到通知。")

    def perform(self, form):
        data = form.cleaned_data
        return services.suggestion_assign(
            suggestion=self.suggestion,
            by=self.request.user,
            lead_unit=data["lead_unit"],
            co_units=data.get("co_units") or [],
            note=data.get("note", ""),
        )


class CoInputView(SuggestionActionView):
    action = "co_input"
    success_message = _("协办意见已送主办单位。")

    def precheck(self, user, suggestion):
        access.check(user, suggestion, "co_input")
        return {"co_input": access.co_units_for(user, suggestion)}

    def perform(self, form):
        return services.suggestion_co_input(
            suggestion=self.suggestion,
            by=self.request.user,
            unit=form.cleaned_data.get("unit"),
            note=form.cleaned_data["note"],
        )


class ConsultView(SuggestionActionView):
    action = "consult"
    success_message = _("面商情况已登记，现在可以答复。")

    def perform(self, form):
        return services.consultation_record(suggestion=self.suggestion, by=self.request.user, **form.cleaned_data)


class ReplyView(SuggestionActionView):
    action = "reply"
    success_message = _("已答复，提出代表将收到通知并进行评价。")

    def perform(self, form):
        data = form.cleaned_data
        return services.suggestion_reply(
            suggestion=self.suggestion,
            by=self.request.user,
            category=data["category"],
            content=data["content"],
            attachments=data.get("attachments") or [],
            before_co_input=bool(data.get("before_co_input")),
        )


class ExtendView(SuggestionActionView):
    action = "extend"
    success_message = _("延期申请已提交，等待主席团负责人审批；审批结果会通知您。")

    def perform(self, form):
        data = form.cleaned_data
        return services.suggestion_request_extension(
            suggestion=self.suggestion,
            by=self.request.user,
            reason=data["reason"],
            extra=data.get("extra"),
            new_due_date=data.get("new_due_date"),
        )


class ExtensionDecideView(SuggestionActionView):
    action = "decide_extension"

    def perform(self, form):
        data = form.cleaned_data
        approve = form.approves
        self.success_message = (
            _("已批准延期，申请人和提出代表已收到通知。") if approve else _("已不予批准，申请人已收到通知。")
        )
        return services.suggestion_decide_extension(
            suggestion=self.suggestion, by=self.request.user, approve=approve, note=data.get("note", "")
        )


class SuperviseView(SuggestionActionView):
    action = "supervise"
    success_message = _("督办单已签发，可在“督办单”中生成 PDF。")

    def perform(self, form):
        return services.suggestion_supervise(suggestion=self.suggestion, by=self.request.user, **form.cleaned_data)


class RateView(SuggestionActionView):
    action = "rate"
    success_message = _("感谢您的评价。")

    def precheck(self, user, suggestion):
        raters = access.raters_for(user, suggestion)
        if not raters:
            # the engine says why: the wrong person (403) or the wrong state / a closed window
            own = access.own_deputy(user)
            access.check(user, suggestion, "rate", deputy=own)
            raise ValidationError(_("没有待评价的答复。"))
        return {"rate": raters}

    def perform(self, form):
        data = form.cleaned_data
        return services.suggestion_rate(
            suggestion=self.suggestion,
            by=self.request.user,
            deputy=data["deputy"],
            satisfaction=data["satisfaction"],
            comment=data.get("comment", ""),
        )


class SuggestionReportView(RoleRequiredMixin, TemplateView):
    """代表建议办理情况: the year's figures (面商率, 解决率, 满意率) and every suggestion; the PDF
    is rendered by the background task."""

    permission_required = "deputies.view_suggestion_report"
    template_name = "deputies/suggestions/report.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        year = parse_record_year(self.request.GET.get("year")) or today.year
        first = Suggestion.objects.visible_to(self.request.user).order_by("year").values_list("year", flat=True).first()
        years = sorted(set(range(min(first or today.year, year), today.year + 1)) | {year}, reverse=True)
        report = selectors.suggestion_year_report(user=self.request.user, year=year)
        return super().get_context_data(report=report, year=year, years=years, today=today, **kwargs)
