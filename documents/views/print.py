"""The printed outgoing document (GB/T 9704-2012) as a PDF: shown inline by a plain link
(打印), or saved with ?download=1 (下载) under its 发文字号 and title."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views import View

from congress_office.access import RoleRequiredMixin
from congress_office.pdf import render_pdf

from ..layout import gbt9704_context, pdf_filename
from ..models import OutgoingDocument

TEMPLATE = "documents/pdf/gbt9704.html"


class OutgoingPdfView(RoleRequiredMixin, View):
    """GET only. Another township's document, or one classified above the user's clearance, is 404."""

    permission_required = "documents.view_outgoingdocument"
    http_method_names = ["get", "head", "options"]

    def get(self, request, pk):
        queryset = OutgoingDocument.objects.visible_to(request.user).select_related("issuing_body", "signer")
        document = get_object_or_404(queryset, pk=pk)
        response = HttpResponse(render_pdf(TEMPLATE, gbt9704_context(document)), content_type="application/pdf")
        download = request.GET.get("download") == "1"
        response["Content-Disposition"] = content_disposition_header(download, pdf_filename(document))
        # documents may be classified: no shared or browser cache keeps a copy
        response["Cache-Control"] = "private, no-store"
        return response
