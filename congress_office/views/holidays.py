from datetime import MAXYEAR, MINYEAR

from django.contrib import messages
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DeleteView, ListView

from ..access import RoleRequiredMixin
from ..forms import HolidayForm
from ..models import Holiday
from ..workdays import LIBRARY_YEARS, years_without_calendar


class HolidayListView(RoleRequiredMixin, ListView):
    """The editable holiday table, with a warning for years nobody has entered yet."""

    permission_required = "core.view_holiday"
    template_name = "core/holiday_list.html"
    context_object_name = "holidays"

    def get_queryset(self):
        self.year = self.requested_year()
        return Holiday.objects.filter(date__year=self.year)

    def requested_year(self):
        """?year=, or the current year when it is missing or not a usable year (never a 500)."""
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = None
        return year if year is not None and MINYEAR <= year <= MAXYEAR else timezone.localdate().year

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            year=self.year,
            years=range(today.year - 1, today.year + 3),
            library_covers=self.year in LIBRARY_YEARS,
            missing_years=years_without_calendar([today.year, today.year + 1]),
            **kwargs,
        )


class HolidayCreateView(RoleRequiredMixin, CreateView):
    permission_required = "core.add_holiday"
    form_class = HolidayForm
    template_name = "core/holiday_form.html"

    def get_success_url(self):
        messages.success(self.request, _("已保存。"))
        return f"{reverse_lazy('core:holiday_list')}?year={self.object.date.year}"


class HolidayDeleteView(RoleRequiredMixin, DeleteView):
    """GET asks for confirmation; POST deletes and returns to the deleted date's year."""

    permission_required = "core.delete_holiday"
    model = Holiday
    template_name = "core/confirm_delete.html"

    def year_url(self):
        return f"{reverse_lazy('core:holiday_list')}?year={self.object.date.year}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.year_url(), **kwargs)

    def get_success_url(self):
        messages.success(self.request, _("已删除。"))
        return self.year_url()
