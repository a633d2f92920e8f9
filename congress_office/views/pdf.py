from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import DetailView

from ..access import VisibleObjectMixin
from ..models import JobKind, PdfJob, PdfJobStatus
from ..registries import pdf_reports
from ..services.pdf import pdf_job_start

# the longest parameter value copied from the form (ids, years, codes)
PARAM_MAX_LENGTH = 100


class PdfJobStartView(LoginRequiredMixin, View):
    def post(self, request, report):
        # only the fields the report declares, as strings; its build_context checks them
        spec = pdf_reports.get(report)
        declared = spec.params if spec else ()
        params = {key: request.POST[key][:PARAM_MAX_LENGTH] for key in declared if key in request.POST}
        try:
            job = pdf_job_start(report=report, user=request.user, params=params)
        except ValidationError:
            raise Http404 from None
        return redirect(job.get_absolute_url())


class PdfJobDetailView(LoginRequiredMixin, VisibleObjectMixin, DetailView):
    """The job's page; while it runs, htmx re-fetches the progress partial every second."""

    model = PdfJob
    template_name = "core/pdfjob_detail.html"
    context_object_name = "job"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["core/partials/_pdfjob_progress.html"]
        return [self.template_name]


class PdfJobDownloadView(LoginRequiredMixin, VisibleObjectMixin, DetailView):
    model = PdfJob

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if job.status != PdfJobStatus.DONE or not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:  # the storage lost it (a restore without the media)
            raise Http404 from None
        return FileResponse(
            handle,
            content_type=job.content_type,
            filename=job.download_name,
            as_attachment=job.kind != JobKind.PDF,  # a PDF opens in the browser; .xlsx and .zip download
        )
