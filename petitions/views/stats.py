"""The petition statistics page (信访统计), its .xlsx export, and the home page's petition cards.

Access: `petitions.view_petition_stats` (clerks, chairs, auditors, county users); anonymous
visitors go to the login page, other signed-in users get 403. Every figure is read through
`Petition.objects.visible_to(user)`: a township's users see their township only; county-wide
users see every township, or the one they pick.
"""

from django.db.models import Min
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from congress_office.access import RoleRequiredMixin
from congress_office.models import Township
from congress_office.registries import Card
from congress_office.roles import Role

from ..forms.stats import StatsPeriodForm
from ..models import Petition
from ..services import stats as stats_service

STATS_PERMISSION = "petitions.view_petition_stats"
REPORT = "petitions.monthly_report"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatsScopeMixin(RoleRequiredMixin):
    """The period (a year, or a range of months) and the petitions it covers."""

    permission_required = STATS_PERMISSION

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def form(self):
        user = self.request.user
        first_year = Petition.objects.visible_to(user).aggregate(first=Min("year"))["first"]
        return StatsPeriodForm(
            self.request.GET or None,
            user=user,
            today=self.today,
            first_year=first_year,
            initial={"year": self.today.year},
        )

    @cached_property
    def period(self):
        return self.form.period()

    @cached_property
    def township(self):
        """The township the figures cover, or None for a county-wide user's whole county."""
        user = self.request.user
        return self.form.chosen_township() if user.is_county_wide else user.township

    @cached_property
    def petitions(self):
        petitions = Petition.objects.visible_to(self.request.user)
        if self.request.user.is_county_wide and self.township is not None:
            petitions = petitions.filter(township=self.township)
        return petitions

    @cached_property
    def scope_label(self):
        if self.township is not None:
            return self.township.name
        county = (
            Township.objects.visible_to(self.request.user).exclude(county="").values_list("county", flat=True).first()
        )
        return county or _("全县")

    @property
    def several_townships(self):
        return self.request.user.is_county_wide and self.township is None

    def stats(self):
        return stats_service.petition_stats(
            self.petitions,
            self.period,
            today=self.today,
            several_townships=self.several_townships,
            snapshot=self.request.user.is_county_wide,  # read from the task's snapshot when fresh
        )


def month_urls(stats, user, township=None):
    """The petition list behind each month's bar (received in that month, within the period;
    the chosen township for a county-wide user), or [] for a user who may not open the list."""
    import calendar
    from datetime import date
    from urllib.parse import urlencode

    if not user.has_perm("petitions.view_petition"):
        return []
    base = reverse("petitions:petition_list")
    urls = []
    for row in stats.by_month:
        first = max(row.key.replace(day=1), stats.period.start)
        month_end = date(row.key.year, row.key.month, calendar.monthrange(row.key.year, row.key.month)[1])
        last = min(month_end, stats.period.end)
        query = {"received_after": first.isoformat(), "received_before": last.isoformat()}
        if user.is_county_wide and township is not None:
            query["township"] = township.pk
        urls.append(f"{base}?{urlencode(query)}")
    return urls


def link_breakdowns(stats, user, township=None):
    """Set each breakdown row's `list_url`: the petition list of the period narrowed to the row's
    month, channel, category or lead unit, which lists the row's 收件 ("" where the list has no
    such filter: a subject, 未交办; nothing for a user who may not open the list)."""
    from urllib.parse import urlencode

    if not user.has_perm("petitions.view_petition"):
        return
    base = reverse("petitions:petition_list")
    window = {"received_after": stats.period.start.isoformat(), "received_before": stats.period.end.isoformat()}
    if user.is_county_wide and township is not None:
        window["township"] = township.pk
    months = iter(month_urls(stats, user, township))
    for key, _title, _dimension, rows in stats.breakdowns():
        for row in rows:
            url = ""
            if key == "month":
                url = next(months, "")
            elif key in ("channel", "category") and row.key:
                url = f"{base}?{urlencode({**window, key: row.key})}"
            elif key == "unit" and row.key is not None:
                url = f"{base}?{urlencode({**window, 'lead_unit': row.key})}"
            row.list_url = url


def chart_data(stats, user=None, township=None):
    """The trend chart's series: received per month and the four rates (per cent, null when
    there is nothing to divide by); `urls`: the petition list behind each month's bar."""

    def percents(rate_name):
        return [
            None if getattr(row, rate_name).percent is None else float(getattr(row, rate_name).percent)
            for row in stats.by_month
        ]

    return {
        "months": [f"{row.key.year}-{row.key.month:02d}" for row in stats.by_month],
        "received": [row.received for row in stats.by_month],
        "repeats": [row.repeats for row in stats.by_month],
        "acceptance": percents("acceptance_rate"),
        "closure": percents("closure_rate"),
        "reply": percents("reply_rate"),
        "satisfaction": percents("satisfaction_rate"),
        "urls": month_urls(stats, user, township) if user is not None else [],
    }


def report_default_month(period, today):
    """The month the report form offers first: the period's last month when the period is over,
    otherwise last month (the usual monthly report)."""
    if period.end < today.replace(day=1):
        return period.end.year, period.end.month
    last = stats_service.add_months(today, -1)
    if last < period.start:
        return today.year, today.month
    return last.year, last.month


class PetitionStatsView(StatsScopeMixin, TemplateView):
    template_name = "petitions/stats/stats.html"

    def get_context_data(self, **kwargs):
        stats = self.stats()
        link_breakdowns(stats, self.request.user, self.township)
        report_year, report_month = report_default_month(self.period, self.today)
        query = self.request.GET.urlencode()
        return super().get_context_data(
            form=self.form,
            stats=stats,
            period=self.period,
            township=self.township,
            scope_label=self.scope_label,
            chart_data=chart_data(stats, self.request.user, self.township),
            definitions=stats_service.DEFINITIONS,
            today=self.today,
            export_url=reverse("petitions:stats_export") + (f"?{query}" if query else ""),
            report=REPORT,
            report_year=report_year,
            report_month=report_month,
            report_years=[y for y, _label in self.form.fields["year"].choices],
            report_months=range(1, 13),
            **kwargs,
        )


class PetitionStatsExportView(StatsScopeMixin, View):
    """The same figures as an .xlsx workbook, one sheet per breakdown."""

    def get(self, request, *args, **kwargs):
        # the workbook is in Chinese whatever the page's language: its labels too
        with translation.override("zh-hans"):
            content = stats_service.stats_xlsx(self.stats(), scope_label=self.scope_label)
            filename = f"{self.scope_label}信访统计（{self.period.label}）.xlsx"
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response


# --- the home page's cards (registered in petitions.plugins) ----------------------------------------


def _for_office(user):
    return user.has_role(Role.CLERK, Role.CHAIR) and user.has_perm(STATS_PERMISSION)


def month_card(user):
    """本月信访: petitions received this month (one query)."""
    if not _for_office(user):
        return None
    today = timezone.localdate()
    count = stats_service.received_count(Petition.objects.visible_to(user), today.replace(day=1), today)
    # the petitions it counts, on the list (the month's statistics are one click further)
    first = today.replace(day=1)
    url = f"{reverse('petitions:petition_list')}?received_after={first.isoformat()}&received_before={today.isoformat()}"
    return Card(title=gettext_lazy("本月信访"), value=count, url=url, tone="primary", icon="bi-envelope-paper")


def overdue_card(user):
    """信访逾期: petitions with a deadline past due and not met (one query); the link opens the
    petition list filtered the same way."""
    if not _for_office(user):
        return None
    count = stats_service.overdue_count(Petition.objects.visible_to(user), timezone.localdate())
    return Card(
        title=gettext_lazy("信访逾期"),
        value=count,
        url=f"{reverse('petitions:petition_list')}?overdue=on",
        tone="danger" if count else "secondary",
        icon="bi-exclamation-octagon",
    )
