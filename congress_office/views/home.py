from datetime import timedelta

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .. import selectors
from ..registries import dashboard_cards
from ..roles import Role
from ..workdays import years_without_calendar


class HomeView(LoginRequiredMixin, TemplateView):
    """One home page; what it shows depends on the user's roles."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        context = super().get_context_data(**kwargs)
        context["today"] = today
        context["cards"] = [card for card in (make(user) for make in dashboard_cards.values()) if card]
        if user.has_perm("core.view_deadline"):
            context["counts"] = selectors.deadline_counts(user=user, today=today)
            # the counters' links reproduce their windows on the deadline list
            context["due_soon_until"] = today + timedelta(days=selectors.DUE_SOON_DAYS)
            context["month_start"] = today.replace(day=1)
            context["my_deadlines"] = selectors.my_open_deadlines(user=user)
        if user.has_perm("core.view_dashboard"):
            by_unit = selectors.deadline_counts_by_unit(user=user, today=today)
            context["chart_data"] = {
                "units": [row["responsible_unit__name"] or str(_("人大办（未指定单位）")) for row in by_unit],
                "pending": [row["pending"] for row in by_unit],
                "overdue": [row["overdue"] for row in by_unit],
            }
        if user.is_county_wide:
            context["townships"] = selectors.township_overview(user=user, today=today)
        if user.has_role(Role.ADMIN):
            context["missing_calendar_years"] = years_without_calendar([today.year, today.year + 1])
        context["recent_notifications"] = list(selectors.notification_list(user=user)[:5])
        return context
