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


def reads_aggregates_only(user):
    """A county account (县人大常委会) that is not also an administrator: it reads the townships'
    figures and the lists of deputies and suggestions, never a citizen's personal data nor a
    per-person export."""
    from .roles import Role

    return user.is_authenticated and user.has_role(Role.COUNTY) and not user.has_role(Role.ADMIN)


class PerPersonExportMixin:
    """Views that hand out people's records one row per person (the deputy register's .xlsx):
    county accounts read aggregates only, so they get 403. Put it before RoleRequiredMixin."""

    def dispatch(self, request, *args, **kwargs):
        if reads_aggregates_only(request.user):
            raise PermissionDenied(_("县级账号只能查看汇总数据，不能导出逐人名单。"))
        return super().dispatch(request, *args, **kwargs)


class CountyWideMixin(LoginRequiredMixin):
    """Pages of the whole county (县级汇总): county-wide accounts (county, admin) only; a township
    user gets 403, an anonymous visitor the login page."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_county_wide:
            raise PermissionDenied(_("县级汇总仅供县级账号查看。"))
        return super().dispatch(request, *args, **kwargs)


class VisibleObjectMixin:
    """Detail-style views: the object is looked up within `model.objects.visible_to(user)`.

    No `model = None` here: as a mixin listed before the view's other bases it would shadow
    the `model` those bases set (UnitUpdateView takes it from UnitFormMixin)."""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


def get_visible_or_404(queryset, user, **lookup):
    return get_object_or_404(queryset.visible_to(user), **lookup)
