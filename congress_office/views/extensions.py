"""The chairs' queue of extension requests (延期申请待审批), and its card on the chair's home."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from ..access import RoleRequiredMixin
from ..registries import Card
from ..services.cases import case_types, extension_queue


class ExtensionQueueView(RoleRequiredMixin, ListView):
    """Pending requests of the chair's township, oldest first; each links to its case, where
    the chair approves or refuses it (a fixed number of queries whatever the count)."""

    permission_required = "core.approve_extension"
    template_name = "core/extension_queue.html"
    context_object_name = "requests"
    paginate_by = 30

    def get_queryset(self):
        return extension_queue(self.request.user).prefetch_related("item")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = {spec.key: spec.label for spec in case_types.values()}
        for request in context["requests"]:
            model = request.item_type.model_class()
            request.type_label = labels.get(getattr(model, "case_type_key", ""), "")
        return context


def extension_card(user):
    """延期待审批: pending requests a chair may decide (one query)."""
    if not user.has_perm("core.approve_extension") or user.is_county_wide:
        return None
    count = extension_queue(user).count()
    return Card(
        title=_("延期待审批"),
        value=count,
        url=reverse("core:extension_queue"),
        tone="warning" if count else "secondary",
        icon="bi-calendar-check",
    )
