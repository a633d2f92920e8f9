from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared core: users and roles, townships, units, audit, notifications,
    the deadline engine, PDFs and the registries the domain apps plug into."""

    name = "congress_office"
    label = "core"
    verbose_name = _("平台")

    def ready(self):
        from . import registries

        registries.register_core()
