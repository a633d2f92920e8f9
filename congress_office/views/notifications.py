from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from .. import selectors
from ..access import get_visible_or_404
from ..models import Notification
from ..pagination import BoundedPaginationMixin
from ..services.notifications import notification_mark_read, notifications_mark_all_read


class NotificationListView(BoundedPaginationMixin, LoginRequiredMixin, ListView):
    template_name = "core/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one notification read and follow its link (POST only)."""

    def post(self, request, pk):
        notification = get_visible_or_404(Notification.objects, request.user, pk=pk)
        notification_mark_read(notification=notification)
        target = notification.url
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("core:notification_list")


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        notifications_mark_all_read(user=request.user)
        return redirect("core:notification_list")
