from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .. import selectors
from ..home import sections_for, shows_overview
from ..registries import dashboard_cards
from ..roles import Role
from ..workdays import years_without_calendar


def unit_chart(by_unit):
    """The per-unit chart's series, with the deadline list's URL behind each bar: a unit's
    pending (在办) and overdue (逾期) deadlines, or those of no unit (人大办)."""
    base = reverse("core:deadline_list")

    def url(row, state):
        unit = row["responsible_unit"]
        query = {"state": state, **({"responsible_unit": unit} if unit else {"no_unit": "true"})}
        return f"{base}?{urlencode(query)}"

    return {
        "units": [row["responsible_unit__name"] or str(_("人大办（未指定单位）")) for row in by_unit],
        "pending": [row["pending"] for row in by_unit],
        "overdue": [row["overdue"] for row in by_unit],
        "pending_urls": [url(row, "pending") for row in by_unit],
        "overdue_urls": [url(row, "overdue") for row in by_unit],
    }


class HomeView(LoginRequiredMixin, TemplateView):
    """One home page built around each role's next actions: the blocks the apps register
    (congress_office.home), then, for the office and the county, the counters, cards and chart."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        context = super().get_context_data(**kwargs)
        context["today"] = today
        context["sections"] = sections_for(user)
        overview = shows_overview(user)
        # a card counting what a block above already lists (待确认履职活动 …) is left out
        queued = {entry["section"].context.get("url") for entry in context["sections"]}
        context["cards"] = (
            [card for card in (make(user) for make in dashboard_cards.values()) if card and card.url not in queued]
            if overview
            else []
        )
        if overview and user.has_perm("core.view_deadline"):
            context["counts"] = selectors.deadline_counts(user=user, today=today)
            # the counters' links reproduce their windows on the deadline list
            context["due_soon_until"] = today + timedelta(days=selectors.DUE_SOON_DAYS)
            context["month_start"] = today.replace(day=1)
            context["my_deadlines"] = selectors.my_open_deadlines(user=user)
        if overview and user.has_perm("core.view_dashboard"):
            context["chart_data"] = unit_chart(selectors.deadline_counts_by_unit(user=user, today=today))
        if user.is_county_wide:
            context["townships"] = selectors.township_overview(user=user, today=today)
        if user.has_role(Role.ADMIN):
            context["missing_calendar_years"] = years_without_calendar([today.year, today.year + 1])
        context["recent_notifications"] = list(selectors.notification_list(user=user)[:5])
        return context
