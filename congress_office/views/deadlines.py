from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from .. import selectors
from ..access import RoleRequiredMixin, TownshipMemberMixin
from ..forms import DeadlineExtendForm, DeadlineForm
from ..models import Deadline
from ..pagination import BoundedPaginationMixin
from ..services.deadlines import deadline_extend, deadline_meet, deadline_open
from .mixins import ServiceFormMixin


class DeadlineListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "core.view_deadline"
    template_name = "core/deadline_list.html"
    context_object_name = "deadlines"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = selectors.deadline_list(user=self.request.user, filters=self.request.GET or None)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, today=timezone.localdate(), **kwargs)


class DeadlineObjectMixin(RoleRequiredMixin):
    @cached_property
    def deadline(self):
        try:
            return selectors.deadline_get(user=self.request.user, pk=self.kwargs["pk"])
        except Deadline.DoesNotExist:
            raise Http404 from None


class DeadlineDetailView(DeadlineObjectMixin, DetailView):
    permission_required = "core.view_deadline"
    template_name = "core/deadline_detail.html"

    def get_object(self, queryset=None):
        return self.deadline

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        context["kind_label"] = selectors.kind_label(self.deadline.kind)
        if self.request.user.has_perm("core.view_audit"):
            context["history"] = selectors.history_of(self.deadline)
        return context


class DeadlineSubjectView(DeadlineObjectMixin, View):
    """A deadline's subject (its petition, suggestion, document, meeting …): found here, once,
    so that lists link to it without loading any subject; the subject's page checks its own
    access. 404 for a deadline the user may not see, or one without a subject page."""

    permission_required = "core.view_deadline"

    def get(self, request, pk):
        url = selectors.deadline_subject_url(self.deadline)
        if not url:
            raise Http404(_("该事项没有关联的办理对象。"))
        return redirect(url)


class DeadlineCreateView(TownshipMemberMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "core.add_deadline"
    template_name = "core/deadline_form.html"
    form_class = DeadlineForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return deadline_open(
            township=self.request.user.township, kind="core.general", by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        messages.success(self.request, _("已登记，到期日为 %(due)s。") % {"due": self.result.due_date})
        return self.result.get_absolute_url()


class DeadlineExtendView(DeadlineObjectMixin, ServiceFormMixin, FormView):
    permission_required = "core.extend_deadline"
    template_name = "core/deadline_extend.html"
    form_class = DeadlineExtendForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "deadline": self.deadline}

    def get_context_data(self, **kwargs):
        return super().get_context_data(deadline=self.deadline, **kwargs)

    def perform(self, form):
        return deadline_extend(deadline=self.deadline, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        messages.success(self.request, _("已延期至 %(due)s。") % {"due": self.result.new_due_date})
        return self.deadline.get_absolute_url()


class DeadlineMeetView(DeadlineObjectMixin, View):
    """POST only: the detail page asks for confirmation first."""

    permission_required = "core.meet_deadline"

    def post(self, request, pk):
        try:
            deadline_meet(deadline=self.deadline, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已标记办结。"))
        return redirect(self.deadline.get_absolute_url())
