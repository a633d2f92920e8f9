"""The archive pages of a township: the year's items and catalogues, 归档, the annual package
with its progress, download and verification."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from ..access import RoleRequiredMixin, TownshipMemberMixin
from ..models.archive import ArchiveExport, ArchiveItem, ExportStatus, Fonds, OrgCode, Retention
from ..pagination import BoundedPaginator
from ..services.archive import archive_assign
from ..services.archive_export import (
    archive_export_resume,
    archive_export_start,
    archive_export_verify,
    stale_exports,
)
from ..services.archive_package import catalogue_pdf, catalogue_xlsx, org_names, series_name, year_items
from ..xlsx import xlsx_response


def _year(value, default):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 1949 <= year <= timezone.localdate().year else default


class ArchiveMixin(TownshipMemberMixin, RoleRequiredMixin):
    permission_required = "core.view_archiveitem"

    @cached_property
    def township(self):
        return self.request.user.township

    @cached_property
    def year(self):
        return _year(self.request.GET.get("year") or self.kwargs.get("year"), timezone.localdate().year)


class ArchiveHomeView(ArchiveMixin, TemplateView):
    template_name = "archive/home.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = ArchiveItem.objects.visible_to(self.request.user).filter(year=self.year)
        retention, org = self.request.GET.get("retention", ""), self.request.GET.get("org", "")
        orgs = org_names(self.township)
        fonds = Fonds.objects.filter(township=self.township).first()
        series = [
            {
                **row,
                "retention_label": Retention(row["retention"]).label,
                "org_name": orgs.get(row["org_code"], row["org_code"]),
                "name": series_name((fonds.code, self.year, row["retention"], row["org_code"])) if fonds else "",
            }
            for row in items.values("retention", "org_code")
            .annotate(
                count=Count("pk"),
                rendered=Count("pk", filter=Q(rendered_at__isnull=False) | Q(destruction__isnull=False)),
            )
            .order_by("-retention", "org_code")
        ]
        listed = items.select_related("destruction").order_by("-retention", "org_code", "sequence")
        if retention in Retention.values:
            listed = listed.filter(retention=retention)
        if org:
            listed = listed.filter(org_code=org)
        page = BoundedPaginator(listed, self.paginate_by).get_page(self.request.GET.get("page"))
        this_year = timezone.localdate().year
        years = sorted(
            set(ArchiveItem.objects.visible_to(self.request.user).order_by().values_list("year", flat=True).distinct())
            | {this_year, this_year - 1},
            reverse=True,
        )
        exports = (
            ArchiveExport.objects.visible_to(self.request.user)
            .filter(year=self.year)
            .select_related("requested_by")[:5]
        )
        context.update(
            fonds=fonds,
            year=self.year,
            years=years,
            series=series,
            page_obj=page,
            items=page.object_list,
            total=sum(s["count"] for s in series),
            rendered=sum(s["rendered"] for s in series),
            exports=exports,
            retention=retention,
            org=org,
            retentions=Retention.choices,
            orgs=sorted(orgs.items()),
            can_archive=self.request.user.has_perm("core.add_archiveitem"),
        )
        return context


class ArchiveAssignView(ArchiveMixin, View):
    permission_required = "core.add_archiveitem"

    def post(self, request):
        year = _year(request.POST.get("year"), timezone.localdate().year)
        try:
            created = archive_assign(township=self.township, year=year, by=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            if created:
                messages.success(request, _("已归档 %(n)d 件，档号已编定。") % {"n": len(created)})
            else:
                messages.info(request, _("%(y)s年度没有新的待归档文件。") % {"y": year})
        return redirect(f"{reverse('core:archive_home')}?year={year}")


class CatalogueView(ArchiveMixin, View):
    """归档文件目录 of one year, retention and 机构, as PDF or .xlsx."""

    def get(self, request, year, retention, org, fmt):
        if retention not in Retention.values or fmt not in ("pdf", "xlsx"):
            raise Http404
        fonds = Fonds.objects.filter(township=self.township).first()
        if fonds is None or not OrgCode.objects.filter(township=self.township, code=org).exists():
            raise Http404
        items = list(year_items(self.township, year).filter(retention=retention, org_code=org))
        name = series_name((fonds.code, year, retention, org))
        if fmt == "xlsx":
            return xlsx_response(catalogue_xlsx(items), f"{name}.xlsx")
        pdf = catalogue_pdf(fonds, year, retention, org, items, org_names(self.township))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=f"{name}.pdf")
        return response


class ExportStartView(ArchiveMixin, View):
    permission_required = "core.add_archiveitem"

    def post(self, request):
        year = _year(request.POST.get("year"), timezone.localdate().year)
        running = (
            ArchiveExport.objects.visible_to(request.user)
            .filter(year=year, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING, ExportStatus.FINISHING])
            .first()
        )
        if running is not None:
            messages.info(request, _("该年度的归档包正在生成，请等待完成。"))
            return redirect(running)
        try:
            export = archive_export_start(township=self.township, year=year, by=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect(f"{reverse('core:archive_home')}?year={year}")
        return redirect(export)


class ExportObjectMixin(ArchiveMixin):
    def get_object(self, queryset=None):
        return get_object_or_404(ArchiveExport.objects.visible_to(self.request.user), pk=self.kwargs["pk"])


class ExportDetailView(ExportObjectMixin, DetailView):
    template_name = "archive/export_detail.html"
    context_object_name = "export"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["archive/_export_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        export = self.object
        stalled = stale_exports().filter(pk=export.pk).exists()
        return super().get_context_data(stalled=stalled, **kwargs)


class ExportResumeView(ExportObjectMixin, View):
    permission_required = "core.add_archiveitem"

    def post(self, request, pk):
        export = self.get_object()
        if archive_export_resume(export=export, by=request.user):
            messages.success(request, _("已从中断处继续生成。"))
        else:
            messages.info(request, _("该任务仍在运行，无需继续。"))
        return redirect(export)


class ExportDownloadView(ExportObjectMixin, View):
    """The zip from the media storage (the filesystem or S3), streamed after the access check."""

    def get(self, request, pk):
        export = self.get_object()
        if export.status != ExportStatus.DONE or not export.package:
            raise Http404
        try:
            handle = default_storage.open(export.package, "rb")
        except FileNotFoundError:
            raise Http404 from None
        name = export.package.rsplit("/", 1)[-1]
        return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")


class ExportVerifyView(ExportObjectMixin, View):
    """The same check as `manage.py archive_verify`, on the package the server keeps."""

    def post(self, request, pk):
        export = self.get_object()
        if export.status != ExportStatus.DONE:
            raise Http404
        report = archive_export_verify(export)
        return render(request, "archive/verify_report.html", {"export": export, "report": report})
