from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared core: users and roles, townships, units, audit, notifications,
    the deadline engine, PDFs and the registries the domain apps plug into."""

    name = "congress_office"
    label = "core"
    verbose_name = _("平台")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import checks, registries  # noqa: F401  (checks: registers the deploy checks)
        from .middleware import mark_session_seen
        from .roles import sync_role_groups_after_migrate

        registries.register_core()
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="core.sync_role_groups")
        user_logged_in.connect(mark_session_seen, dispatch_uid="core.session_seen")  # the idle timeout
