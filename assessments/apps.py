from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("实绩考核")

    def ready(self):
        from . import plugins

        plugins.register()
