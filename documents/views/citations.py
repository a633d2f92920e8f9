"""Linking petitions and suggestions to a document: the add form (?document=incoming:12 or
outgoing:7) and the withdrawal of a link made by mistake. The document is looked up among those
the user may see (another township's, or a classified one above the clearance, is 404); the
rules are documents.services.citations'."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin
from congress_office.views.mixins import apply_validation_error

from ..models import DocumentCitation
from ..models_citations import RELATION_SUGGESTIONS
from ..services.citations import (
    CITABLE,
    citation_add,
    citation_remove,
    citing_records,
    document_from_key,
    document_key,
    find_citable,
)


class CitationForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("记录类型"),
        choices=[(c.key, c.kind) for c in CITABLE.values()],
        initial="petition",
    )
    number = forms.CharField(
        label=gettext_lazy("编号"),
        max_length=40,
        help_text=gettext_lazy("信访件如“青信〔2026〕5号”，代表建议如“建议〔2026〕3号”；也可只填“2026-5”。"),
    )
    relation = forms.CharField(
        label=gettext_lazy("关联关系"),
        max_length=30,
        help_text=gettext_lazy("本公文与该记录的关系，如“答复批复”“转办函”。"),
        widget=forms.TextInput(attrs={"list": "citation-relations"}),
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)


class CitationAddView(TownshipMemberMixin, RoleRequiredMixin, FormView):
    """关联信访件 / 代表建议: pick the record by its number within the document's township."""

    permission_required = "documents.add_documentcitation"
    template_name = "documents/citations/citation_form.html"
    form_class = CitationForm

    @cached_property
    def document(self):
        key = self.request.POST.get("document") or self.request.GET.get("document")
        document = document_from_key(key, self.request.user)
        if document is None:
            raise Http404(_("未找到该公文。"))
        return document

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            document=self.document,
            document_key=document_key(self.document),
            relations=[str(r) for r in RELATION_SUGGESTIONS],
            existing=citing_records(self.document, self.request.user),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        self.document  # noqa: B018 (404 before the form is shown)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            record = find_citable(
                township=self.document.township, kind=data["kind"], number=data["number"], user=self.request.user
            )
            citation_add(
                document=self.document,
                record=record,
                by=self.request.user,
                relation=data["relation"],
                note=data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已关联%(k)s %(n)s。") % {"k": CITABLE[data["kind"]].kind, "n": getattr(record, "number", record)},
        )
        return redirect(self.document.get_absolute_url())


class CitationRemoveView(TownshipMemberMixin, RoleRequiredMixin, View):
    """取消关联 (POST): the link is kept, marked withdrawn, and no longer listed."""

    permission_required = "documents.change_documentcitation"
    http_method_names = ["post"]

    def post(self, request, pk):
        citation = get_object_or_404(
            DocumentCitation.objects.active().select_related("incoming", "outgoing"),
            pk=pk,
            township_id=request.user.township_id,
        )
        document = document_from_key(document_key(citation.document), request.user)
        if document is None:
            raise Http404
        try:
            citation_remove(citation=citation, by=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已取消关联。"))
        return redirect(document.get_absolute_url())
