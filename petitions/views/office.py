"""The office's petition pages: list (with export), detail with the whole timeline and the
deadlines, registration from every channel, the acceptance decision, attachments, the full
view of personal data, the subject taxonomy.

Every read goes through `Petition.objects.visible_to(user)` (another township's petition is
404), every write through one service whose ValidationError is shown on the form.
"""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin
from congress_office.pagination import BoundedPaginationMixin
from congress_office.selectors import history_of, kind_label
from congress_office.services.cases import case_may, case_timeline, case_type_of
from congress_office.views.mixins import ServiceFormMixin, apply_validation_error

from .. import selectors
from ..choices import Channel, PetitionState
from ..forms.office import ORAL_CHANNELS, PetitionDecisionForm, PetitionRegisterForm, SubjectForm
from ..models import Petition, PetitionAttachment
from ..ratelimit import client_ip
from ..services.intake import petition_intake
from ..services.personal_data import can_view_personal_data, personal_data_accesses, personal_data_reveal
from ..services.registration import (
    petition_accept,
    petition_decline,
    petition_mark_outside_remit,
    petition_transfer_out,
)
from ..services.subjects import subject_create

# a decision the petitioner is told of (受理告知书 …); an item found outside the remit waits for
# its transfer (or the objection) before a notice is printed
DECIDED_STATES = tuple(
    s for s in PetitionState.values if s not in (PetitionState.REGISTERED, PetitionState.OUTSIDE_REMIT)
)


def state_label(petition):
    return case_type_of(petition).state_label(petition.state)


def state_label_of(petition, value):
    return case_type_of(petition).state_label(value) if value and value != "—" else value


# --- list and export ------------------------------------------------------------------------------


class PetitionListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "petitions.view_petition"
    template_name = "petitions/office/petition_list.html"
    context_object_name = "petitions"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = selectors.petition_list(user=self.request.user, filters=self.request.GET or None)
        return self.filterset.qs

    def decorate_page(self, rows):
        selectors.attach_next_due(rows)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filterset=self.filterset,
            today=timezone.localdate(),
            export_query=query.urlencode(),
            state_labels=dict(PetitionState.choices),
            **kwargs,
        )


class PetitionExportView(RoleRequiredMixin, View):
    """Exactly the rows the list shows for the same query string (all pages) as .xlsx, with
    phone and ID number masked whoever exports: the file, or a job above EXPORT_INLINE_MAX_ROWS."""

    permission_required = "petitions.view_petition"

    def get(self, request):
        from congress_office.xlsx import xlsx_export

        from ..services.export import EXPORT_KEY

        return xlsx_export(request, EXPORT_KEY)


# --- detail ---------------------------------------------------------------------------------------


class PetitionObjectMixin(RoleRequiredMixin):
    @cached_property
    def petition(self):
        try:
            return selectors.petition_get(user=self.request.user, pk=self.kwargs["pk"])
        except Petition.DoesNotExist:
            raise Http404 from None


class PetitionDetailView(PetitionObjectMixin, DetailView):
    """The petition: every registration field, the repeat link, attachments, the deadlines
    with their basis, the whole timeline; phone and ID number masked unless revealed (POST)."""

    permission_required = "petitions.view_petition"
    template_name = "petitions/office/petition_detail.html"
    context_object_name = "petition"

    def get_object(self, queryset=None):
        return self.petition

    def get_context_data(self, revealed=None, **kwargs):
        user, petition = self.request.user, self.petition
        context = super().get_context_data(**kwargs)
        deadlines = selectors.petition_deadlines(petition)
        for deadline in deadlines:
            deadline.kind_label = kind_label(deadline.kind)
        can_reveal = can_view_personal_data(user, petition) and bool(petition.phone or petition.id_number)
        context.update(
            today=timezone.localdate(),
            state_label=state_label(petition),
            timeline=case_timeline(petition),
            deadlines=deadlines,
            attachments=list(petition.attachments.all()),
            repeats=selectors.petition_repeats(petition, user=user),
            repeat_of_visible=bool(petition.repeat_of_id)
            and Petition.objects.visible_to(user).filter(pk=petition.repeat_of_id).exists(),
            revealed=revealed,
            can_reveal=can_reveal,
            can_decide=bool(decision_actions(petition, user)),
            can_print_notice=(
                petition.state in DECIDED_STATES
                and user.has_perm("petitions.decide_petition")
                and user.township_id == petition.township_id
            ),
            is_oral=petition.channel in ORAL_CHANNELS,
        )
        if can_reveal and user.has_perm("petitions.view_personal_data"):
            # the log is the office's: a unit handler reveals (and is logged), the office reads who did
            context["accesses"] = personal_data_accesses(petition, limit=10)
        if user.has_perm("core.view_audit"):
            context["history"] = self.history(petition)
        return context

    @staticmethod
    def history(petition):
        """The change history, with state values shown by their labels (the engine's `state`
        field carries no choices: each case type names its own states)."""
        entries = history_of(petition)
        state_field = Petition._meta.get_field("state").verbose_name
        for entry in entries:
            for change in entry["changes"]:
                if change["field"] == state_field:
                    change["old"] = state_label_of(petition, change["old"])
                    change["new"] = state_label_of(petition, change["new"])
        return entries


class PetitionRevealView(PetitionDetailView):
    """POST 查看完整信息: the detail page again, with phone and ID number in full; the view is
    logged (PersonalDataAccess). Nothing is kept: reloading the page shows them masked."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            revealed = personal_data_reveal(
                petition=self.petition,
                user=request.user,
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.petition.get_absolute_url())
        self.object = self.petition
        response = self.render_to_response(self.get_context_data(object=self.petition, revealed=revealed))
        patch_cache_control(response, no_store=True, private=True)
        return response


class AttachmentDownloadView(RoleRequiredMixin, View):
    """An attachment is served only to those who may see its petition (never a public media URL)."""

    permission_required = "petitions.view_petition"
    INLINE_TYPES = ("image/", "application/pdf")

    def get(self, request, pk):
        visible = Petition.objects.visible_to(request.user).values("pk")
        attachment = get_object_or_404(PetitionAttachment, pk=pk, petition__in=visible)
        content_type = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
        inline = content_type.startswith(self.INLINE_TYPES)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=not inline,
            filename=attachment.name,
            content_type=content_type if inline else "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        patch_cache_control(response, private=True, max_age=3600)
        return response


# --- registration ---------------------------------------------------------------------------------


class PetitionCreateView(RoleRequiredMixin, TownshipMemberMixin, ServiceFormMixin, FormView):
    """登记信访件 from any channel; `?visit=<id>` starts from a deputy's reception visit
    (visitor → name, matter → request, facts and oral record; channel 来访)."""

    permission_required = "petitions.register_petition"
    form_class = PetitionRegisterForm
    template_name = "petitions/office/petition_form.html"

    @cached_property
    def visit(self):
        from deputies.models import ReceptionVisit

        visit_id = self.request.GET.get("visit", "")
        if not visit_id.isdigit():
            return None
        visit = (
            ReceptionVisit.objects.select_related("reception_day__district")
            .filter(pk=int(visit_id), reception_day__township_id=self.request.user.township_id)
            .first()
        )
        if visit is None:
            raise Http404
        return visit

    def get(self, request, *args, **kwargs):
        if self.visit is not None and self.visit.follow_up_kind:
            messages.info(request, _("该接待记录已转办。"))
            return redirect(self.visit.reception_day.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.visit is not None:
            matter = self.visit.matter
            initial.update(
                channel=Channel.VISIT,
                received_on=self.visit.reception_day.date,
                petitioner_name=self.visit.visitor,
                title=matter.splitlines()[0][:120] if matter else "",
                request=matter,
                facts=matter,
                oral_record=matter,
                source_deputy=None,
            )
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(visit=self.visit, oral_channels=[str(c) for c in ORAL_CHANNELS], **kwargs)

    def perform(self, form):
        return petition_intake(
            township=self.request.user.township, by=self.request.user, visit=self.visit, **form.service_kwargs()
        )

    def get_success_url(self):
        petition, _code = self.result
        message = _("已登记 %(n)s，受理告知期限已开始计算。") % {"n": petition.number}
        if petition.repeat_of_id:
            message += _("系统识别为重复信访，已关联原件。")
        messages.success(self.request, message)
        return petition.get_absolute_url()


# --- acceptance -----------------------------------------------------------------------------------


DECISION_ACTIONS = (
    PetitionDecisionForm.ACCEPT,
    PetitionDecisionForm.DECLINE,
    PetitionDecisionForm.OUTSIDE_REMIT,
    PetitionDecisionForm.TRANSFER,
)


def decision_actions(petition, user):
    """The acceptance decisions `user` may take on `petition` now (the engine's check)."""
    return [action for action in DECISION_ACTIONS if case_may(item=petition, action=action, by=user)]


class PetitionDecideView(PetitionObjectMixin, TownshipMemberMixin, ServiceFormMixin, FormView):
    """受理决定: accept, decline with a reason, find it outside the remit (the objection clock
    opens), or transfer it to the competent body — each on the decision date the clerk enters."""

    permission_required = "petitions.decide_petition"
    form_class = PetitionDecisionForm
    template_name = "petitions/office/petition_decide.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission() and request.method == "GET":
            if self.petition.state not in (PetitionState.REGISTERED, PetitionState.OUTSIDE_REMIT):
                messages.info(request, _("该信访件已作出受理决定（%(s)s）。") % {"s": state_label(self.petition)})
                return redirect(self.petition.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "petition": self.petition,
            "actions": decision_actions(self.petition, self.request.user),
        }

    def get_context_data(self, **kwargs):
        deadlines = selectors.petition_deadlines(self.petition)
        pending = [d for d in deadlines if d.is_pending]
        return super().get_context_data(
            petition=self.petition,
            acceptance_deadline=next((d for d in pending if d.kind.endswith(".acceptance")), None),
            objection_deadline=next((d for d in pending if d.kind.endswith(".objection")), None),
            today=timezone.localdate(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionDenied as error:
            apply_validation_error(form, ValidationError(str(error) or _("您无权进行此操作。")))
            return self.form_invalid(form)

    def perform(self, form):
        data, petition, by = form.cleaned_data, self.petition, self.request.user
        on = data.get("on")  # empty: today
        if data["decision"] == form.ACCEPT:
            return petition_accept(petition=petition, by=by, on=on)
        if data["decision"] == form.DECLINE:
            return petition_decline(petition=petition, by=by, reason=data["reason"], on=on)
        if data["decision"] == form.OUTSIDE_REMIT:
            return petition_mark_outside_remit(petition=petition, by=by, reason=data["reason"], on=on)
        return petition_transfer_out(petition=petition, by=by, to=data["to"], reason=data.get("reason", ""), on=on)

    def get_success_url(self):
        petition = self.petition
        if petition.state == PetitionState.OUTSIDE_REMIT:
            deadline = self.result
            message = _("已认定不属本机关职权：请于 %(d)s 前提出异议或转送有权处理的机关（%(n)s 个工作日）。") % {
                "d": deadline.due_date.isoformat(),
                "n": settings.PETITION_OBJECTION_WORKING_DAYS,
            }
        else:
            message = _("已作出受理决定：%(s)s。可生成告知书交信访人。") % {"s": state_label(petition)}
        messages.success(self.request, message)
        return petition.get_absolute_url()


# --- subjects -------------------------------------------------------------------------------------


class SubjectListView(RoleRequiredMixin, ListView):
    permission_required = "petitions.view_subject"
    template_name = "petitions/office/subject_list.html"
    context_object_name = "subjects"

    def get_queryset(self):
        return selectors.subject_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("petitions.add_subject"):
            context["form"] = kwargs.get("form") or SubjectForm(user=self.request.user)
        return context


class SubjectCreateView(RoleRequiredMixin, View):
    """POST from the subject list; errors re-render the list with what was typed."""

    permission_required = "petitions.add_subject"

    def post(self, request):
        form = SubjectForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                subject = subject_create(by=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, PermissionDenied):
                    error = ValidationError(str(error))
                apply_validation_error(form, error)
            else:
                messages.success(request, _("已添加事项分类“%(n)s”。") % {"n": subject.name})
                return redirect("petitions:subject_list")
        view = SubjectListView(request=request, kwargs={}, args=())
        view.object_list = view.get_queryset()
        return view.render_to_response(view.get_context_data(form=form))
