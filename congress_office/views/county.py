"""县级汇总: the county overview and a township's page, for county-wide accounts only (county and
admin roles; a township user gets 403). Figures only, from the apps' `county_figures`: no case
and no person is listed, and the township page links only to other aggregate pages."""

from urllib.parse import urlencode

from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from .. import county
from ..access import CountyWideMixin
from ..forms import CountyYearForm
from ..models import Township
from ..registries import pdf_reports


class CountyYearMixin(CountyWideMixin):
    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def form(self):
        return CountyYearForm(self.request.GET or None, years=county.offered_years(self.today))

    @cached_property
    def year(self):
        return self.form.chosen_year()


def report_default_month(year, today):
    """The month the report form offers: last month (this month in January), or the chosen
    past year's December."""
    if year < today.year:
        return year, 12
    if today.month == 1:
        return today.year, 1
    return today.year, today.month - 1


def monthly_reports(user, keys):
    """(key, PdfReport) of the sections' reports the user may start."""
    found = []
    for key in keys:
        spec = pdf_reports.get(key)
        if spec is not None and (not spec.permission or user.has_perm(spec.permission)):
            found.append((key, spec))
    return found


class CountyOverviewView(CountyYearMixin, TemplateView):
    template_name = "core/county/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        overview = county.county_overview(user, year=self.year, today=self.today, sort=self.request.GET.get("sort", ""))
        links = county.header_links(overview)
        headers = {
            key: {"url": "?" + urlencode({"year": self.year, "sort": param}), "state": state}
            for key, (param, state) in links.items()
        }
        sections = [
            {"title": s.title, "columns": [{"column": c, **headers[c.key]} for c in s.columns]}
            for s in overview.sections
        ]
        for row in overview.rows:
            row.cell_list = row.cells(overview.columns)
        report_year, report_month = report_default_month(self.year, self.today)
        return super().get_context_data(
            form=self.form,
            overview=overview,
            sections=sections,
            township_header=headers[county.TOWNSHIP_SORT],
            sort=overview.sort.param,
            year=self.year,
            today=self.today,
            reports=monthly_reports(user, overview.reports),
            report_year=report_year,
            report_month=report_month,
            report_years=county.offered_years(self.today),
            report_months=range(1, 13),
            **kwargs,
        )


class CountyTownshipView(CountyYearMixin, TemplateView):
    template_name = "core/county/township.html"

    @cached_property
    def township(self):
        township = Township.objects.visible_to(self.request.user).filter(code=self.kwargs["code"]).first()
        if township is None:
            raise Http404
        return township

    def get_context_data(self, **kwargs):
        user = self.request.user
        page = county.county_township(user, self.township, year=self.year, today=self.today)
        report_year, report_month = report_default_month(self.year, self.today)
        return super().get_context_data(
            form=self.form,
            page=page,
            township=self.township,
            year=self.year,
            today=self.today,
            reports=monthly_reports(user, [s.spec.report for s in page.sections if s.spec.report]),
            report_year=report_year,
            report_month=report_month,
            report_years=county.offered_years(self.today),
            report_months=range(1, 13),
            **kwargs,
        )
