from django.contrib import messages
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from .. import selectors
from ..access import RoleRequiredMixin, VisibleObjectMixin
from ..forms import UnitForm
from ..models import Unit
from ..pagination import BoundedPaginationMixin


class UnitListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = "core.view_unit"
    template_name = "core/unit_list.html"
    context_object_name = "units"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = selectors.unit_list(user=self.request.user, filters=self.request.GET or None)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


class UnitDetailView(RoleRequiredMixin, VisibleObjectMixin, DetailView):
    permission_required = "core.view_unit"
    model = Unit
    template_name = "core/unit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("core.view_audit"):
            context["history"] = selectors.history_of(self.object)
        return context


class UnitFormMixin:
    model = Unit
    form_class = UnitForm
    template_name = "core/unit_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        messages.success(self.request, _("承办单位已保存。"))
        return super().form_valid(form)


class UnitCreateView(RoleRequiredMixin, UnitFormMixin, CreateView):
    permission_required = "core.add_unit"


class UnitUpdateView(RoleRequiredMixin, VisibleObjectMixin, UnitFormMixin, UpdateView):
    permission_required = "core.change_unit"
