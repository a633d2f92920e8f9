"""The access layer: every view, export and task reaches data through these.

- Anonymous visitors are sent to the login page.
- A signed-in user whose roles lack the view's permission gets 403.
- A record outside what `.visible_to(user)` returns (another township, another unit,
  another deputy's) is 404: its existence is not revealed.
"""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _


class RoleRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Login, then the permission(s) in `permission_required` (granted to roles by migrations)."""

    def has_permission(self):
        return not self.permission_required or super().has_permission()


class TownshipMemberMixin:
    """Views that write a township's records: a county-wide account (no township) only reads,
    so it gets 403 here. Put it before RoleRequiredMixin; anonymous visitors still go to login."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.township_id is None:
            raise PermissionDenied(_("县级账号只能查看，不能登记或修改乡镇的记录。"))
        return super().dispatch(request, *args, **kwargs)


class VisibleObjectMixin:
    """Detail-style views: the object is looked up within `model.objects.visible_to(user)`.

    No `model = None` here: as a mixin listed before the view's other bases it would shadow
    the `model` those bases set (UnitUpdateView takes it from UnitFormMixin)."""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


def get_visible_or_404(queryset, user, **lookup):
    return get_object_or_404(queryset.visible_to(user), **lookup)
