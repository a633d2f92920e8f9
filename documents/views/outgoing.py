"""The outgoing pages (发文): the 发文登记簿 with its export, 起草 and 修改稿本, the versions and
their comparison, the document's page with the steps the user may take now, one form page per
step (送核稿, 核稿, 签发, 登记编号, 作废文号, 印制, 用印, 核发, 归档) and the 发文稿纸 PDF.

Every read goes through `OutgoingDocument.objects.visible_to(user)`: another township's
document, or one classified above the user's clearance, is 404. The role's permission gates the
page (403); the case type (documents.case_type) decides through the engine's `case_check` whether
a step may be taken now — a refusal for the state sends the user back with the reason, a refusal
for the person is 403. Each POST calls one service; its ValidationError lands on the form.
"""

import difflib
import functools
import mimetypes
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin, get_visible_or_404
from congress_office.pagination import BoundedPaginationMixin
from congress_office.selectors import history_of
from congress_office.services.cases import case_may, case_timeline
from congress_office.views.cases import CaseActionView
from congress_office.views.mixins import ServiceFormMixin
from congress_office.xlsx import ExportTable, Labels, xlsx_export

from ..choices import OutgoingState, Secrecy, Urgency
from ..filters import OutgoingFilter
from ..forms import outgoing as forms
from ..models import OutgoingDocument, VoidedNumber, document_number
from ..services import outgoing as services

VIEW = "documents.view_outgoingdocument"
OUTGOING_EXPORT = "documents.outgoing"
# a cell starting with one of these would be run by a spreadsheet as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

STATE_TONES = {
    OutgoingState.DRAFT: "secondary",
    OutgoingState.REVIEWING: "warning",
    OutgoingState.SIGNING: "warning",
    OutgoingState.SIGNED: "info",
    OutgoingState.NUMBERED: "primary",
    OutgoingState.PRINTED: "primary",
    OutgoingState.SEALED: "primary",
    OutgoingState.DISPATCHED: "success",
}


def state_label(value):
    return OutgoingState(value).label if value in OutgoingState.values else value


def with_tone(document):
    """The document with `tone`, its state badge's colour."""
    document.tone = STATE_TONES.get(document.state, "secondary")
    return document


def pdf_url(document):
    """The GB/T 9704 print view, once it exists (another page owns it)."""
    try:
        return reverse("documents:outgoing_pdf", args=[document.pk])
    except NoReverseMatch:
        return None


def outgoing_queryset():
    return OutgoingDocument.objects.select_related("township", "issuing_body", "drafted_by", "signer", "archived_by")


class OutgoingObjectMixin(RoleRequiredMixin):
    """A page about one outgoing document the user may see (404 otherwise)."""

    permission_required = VIEW

    @cached_property
    def document(self):
        return with_tone(get_visible_or_404(outgoing_queryset(), self.request.user, pk=self.kwargs["pk"]))


# --- 发文登记簿 and its export ------------------------------------------------------------------------


def outgoing_register_filter(user, data):
    queryset = (
        OutgoingDocument.objects.visible_to(user)
        .select_related("township", "issuing_body", "drafted_by", "signer")
        .order_by("-drafted_at", "-pk")
    )
    return OutgoingFilter(data or None, queryset=queryset, user=user)


class OutgoingListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    permission_required = VIEW
    template_name = "documents/outgoing/list.html"
    context_object_name = "documents"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = outgoing_register_filter(self.request.user, self.request.GET)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(filterset=self.filterset, export_query=query.urlencode(), **kwargs)
        for document in context["documents"]:
            with_tone(document)
        return context


EXPORT_COLUMNS = (
    (gettext_lazy("发文字号"), 20),
    (gettext_lazy("年度"), 7),
    (gettext_lazy("发文机关"), 24),
    (gettext_lazy("文种"), 8),
    (gettext_lazy("标题"), 44),
    (gettext_lazy("主送机关"), 28),
    (gettext_lazy("抄送机关"), 24),
    (gettext_lazy("密级和保密期限"), 14),
    (gettext_lazy("紧急程度"), 9),
    (gettext_lazy("拟稿人"), 10),
    (gettext_lazy("起草日期"), 12),
    (gettext_lazy("签发人"), 10),
    (gettext_lazy("签发日期"), 12),
    (gettext_lazy("成文日期"), 12),
    (gettext_lazy("印制份数"), 9),
    (gettext_lazy("印发日期"), 12),
    (gettext_lazy("核发日期"), 12),
    (gettext_lazy("状态"), 14),
    (gettext_lazy("归档"), 7),
)


def outgoing_export_table(user, query):
    """The register's export (registries.xlsx_exports): its rows for `query`, in the language of
    the page it was asked from."""
    return ExportTable(
        sheet=_("发文登记簿"),
        columns=EXPORT_COLUMNS,
        rows=outgoing_register_filter(user, query).qs,
        row=functools.partial(outgoing_row, labels=Labels()),
        filename=_("发文登记簿-%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")},
        language=None,
    )


def outgoing_row(d, labels):
    return [
        d.number,
        d.year,
        d.issuing_body.name,
        labels(d, "doc_type"),
        d.title,
        d.main_recipients,
        d.cc_recipients,
        d.secrecy_mark or str(Secrecy.NONE.label),
        labels(d, "urgency") if d.urgency else str(Urgency.NORMAL.label),
        d.drafted_by.display_name,
        timezone.localtime(d.drafted_at).date(),
        d.signer.display_name if d.signer_id else "",
        d.signed_on,
        d.written_on,
        d.printed_copies,
        d.printed_on,
        timezone.localtime(d.dispatched_at).date() if d.dispatched_at else None,
        labels.get(("state", d.state), lambda: state_label(d.state)),
        _("是") if d.archived_at else "",
    ]


class OutgoingExportView(RoleRequiredMixin, View):
    """Exactly the rows the register shows for the same query string (all pages), as .xlsx: the
    file, or a job above EXPORT_INLINE_MAX_ROWS."""

    permission_required = VIEW

    def get(self, request):
        return xlsx_export(request, OUTGOING_EXPORT)


# --- 起草 and 修改稿本 ---------------------------------------------------------------------------------


class OutgoingCreateView(TownshipMemberMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    """起草: every element of the draft, the body typed in or uploaded as .docx (version 1)."""

    permission_required = "documents.add_outgoingdocument"
    form_class = forms.DraftForm
    template_name = "documents/outgoing/draft_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("起草发文"), **kwargs)

    def perform(self, form):
        return services.outgoing_create(
            township=self.request.user.township, by=self.request.user, **form.service_kwargs()
        )

    def get_success_url(self):
        messages.success(self.request, _("已保存第 1 稿。修改完成后请“送核稿”。"))
        return self.result.get_absolute_url()


# --- the steps ----------------------------------------------------------------------------------------


class OutgoingActionView(OutgoingObjectMixin, CaseActionView):
    """One step on one outgoing document. `action` is the case type's transition that decides
    whether the page is offered now."""

    template_name = "documents/outgoing/action_form.html"
    case_context_name = "doc"
    show_body = False  # the draft's text above the form (送核稿, 核稿, 签发 decide on it)

    def get_case(self):
        return self.document

    def current_deadline(self):
        return None  # outgoing documents run on no clock

    def get_context_data(self, **kwargs):
        if self.show_body:
            kwargs.setdefault("last_version", self.document.versions.aggregate(n=Max("version"))["n"])
        return super().get_context_data(show_body=self.show_body, **kwargs)


class OutgoingEditView(OutgoingActionView):
    """修改稿本: a new version with its 修改说明. After signing, a substantive change (标题, 正文 …)
    goes back to the signer (复核)."""

    action = "save_draft"
    form_class = forms.DraftForm
    template_name = "documents/outgoing/draft_form.html"
    heading = gettext_lazy("修改稿本")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "document": self.document}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("last_version", self.document.versions.aggregate(n=Max("version"))["n"])
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return services.outgoing_save_draft(document=self.document, by=self.request.user, **form.service_kwargs())

    def get_success_url(self):
        version = self.result
        self.document.refresh_from_db(fields=["state"])
        if self.document.state == OutgoingState.SIGNING:
            message = _("已保存第 %(n)s 稿。签发后有实质性修改，已退回签发人重新签发。") % {"n": version.version}
        else:
            message = _("已保存第 %(n)s 稿。") % {"n": version.version}
        messages.success(self.request, message)
        return self.document.get_absolute_url()


class OutgoingSubmitView(OutgoingActionView):
    show_body = True
    action = "submit"
    form_class = forms.SubmitForm
    heading = gettext_lazy("送核稿")
    intro = gettext_lazy("将稿本送交核稿。核稿人可以通过，或退回修改。")
    submit_label = gettext_lazy("送核稿")
    success_message = gettext_lazy("已送核稿。")

    def info(self):
        last = self.document.versions.order_by("-version").select_related("saved_by").first()
        if last is None:
            return []
        return [
            (
                _("稿本"),
                _("第 %(n)s 稿（%(who)s，%(at)s）")
                % {
                    "n": last.version,
                    "who": last.saved_by.display_name,
                    "at": timezone.localtime(last.saved_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
        ]

    def perform(self, form):
        return services.outgoing_submit(document=self.document, by=self.request.user)


class OutgoingReviewView(OutgoingActionView):
    show_body = True
    action = "pass_review"
    form_class = forms.ReviewForm
    heading = gettext_lazy("核稿")
    intro = gettext_lazy("审核稿本的政治、政策、法规、文种、格式和文字。通过后送签发；退回的，拟稿人修改后重新送核稿。")
    submit_label = gettext_lazy("提交核稿意见")

    def perform(self, form):
        data = form.cleaned_data
        passed = data["decision"] == form.PASS
        self.success_message = _("核稿通过，已送签发。") if passed else _("已退回修改，拟稿人已收到通知。")
        return services.outgoing_review(
            document=self.document, by=self.request.user, passed=passed, comment=data["comment"]
        )


class OutgoingSignView(OutgoingActionView):
    show_body = True
    action = "sign"
    form_class = forms.SignForm
    heading = gettext_lazy("签发")
    submit_label = gettext_lazy("签发")
    submit_tone = "danger"
    confirm_message = gettext_lazy("确认签发？签发后实质性修改须重新签发。")
    success_message = gettext_lazy("已签发，可登记编号。")

    @property
    def intro(self):
        text = _("签发人签署意见、姓名和日期。")
        if self.document.is_upward:
            text += _("请示、报告等上行文在版头标注签发人姓名。")
        return text

    def perform(self, form):
        data = form.cleaned_data
        return services.outgoing_sign(
            document=self.document, by=self.request.user, opinion=data["opinion"], on=data["on"]
        )


def preview_number(document):
    """The number registering would take now (the service takes it under a lock)."""
    year = timezone.localdate().year
    body = document.issuing_body
    used = OutgoingDocument.objects.filter(issuing_body=body, year=year).aggregate(n=Max("sequence"))["n"]
    voided = VoidedNumber.objects.filter(issuing_body=body, year=year).aggregate(n=Max("sequence"))["n"]
    return document_number(body.code, year, max(used or 0, voided or 0) + 1)


class OutgoingRegisterView(OutgoingActionView):
    action = "register"
    form_class = forms.RegisterForm
    heading = gettext_lazy("登记编号")
    intro = gettext_lazy("编发文字号：机关代字〔年份〕序号号。序号按发文机关和年度连续编排，不跳号、不重号。")
    submit_label = gettext_lazy("登记编号")
    confirm_message = gettext_lazy("确认登记编号？")

    def info(self):
        return [
            (_("发文机关"), str(self.document.issuing_body)),
            (_("将编文号"), _("%(n)s（以提交时实际编号为准）") % {"n": preview_number(self.document)}),
        ]

    def perform(self, form):
        return services.outgoing_register(document=self.document, by=self.request.user)

    def get_success_url(self):
        self.document.refresh_from_db(fields=["year", "sequence", "number_code"])
        messages.success(self.request, _("已登记，发文字号为 %(n)s。") % {"n": self.document.number})
        return self.document.get_absolute_url()


class OutgoingVoidNumberView(OutgoingActionView):
    action = "void_number"
    form_class = forms.VoidNumberForm
    heading = gettext_lazy("作废文号")
    intro = gettext_lazy("文号作废后记录在案、不再使用；公文回到“已签发待登记”，重新登记时另编新号。")
    submit_label = gettext_lazy("作废文号")
    submit_tone = "danger"
    confirm_message = gettext_lazy("确认作废该文号？")

    def info(self):
        return [(_("当前文号"), self.document.number)]

    def perform(self, form):
        number = self.document.number
        self.success_message = _("文号 %(n)s 已作废。") % {"n": number}
        return services.outgoing_void_number(document=self.document, by=self.request.user, **form.values())


class OutgoingPrintView(OutgoingActionView):
    action = "print"
    form_class = forms.PrintForm
    heading = gettext_lazy("印制")
    intro = gettext_lazy("登记印制份数、印发机关和印发日期（印入版记）。")
    submit_label = gettext_lazy("登记印制")
    confirm_message = gettext_lazy("确认登记印制？")
    success_message = gettext_lazy("已登记印制，下一步用印。")

    def get_initial(self):
        doc = self.document
        return {"print_body": doc.print_body or doc.issuing_body.name}

    def info(self):
        return [(_("发文字号"), self.document.number)]

    def perform(self, form):
        return services.outgoing_print(document=self.document, by=self.request.user, **form.cleaned_data)


class OutgoingSealView(OutgoingActionView):
    action = "seal"
    form_class = forms.SealForm
    heading = gettext_lazy("用印")
    intro = gettext_lazy("用印登记：所用印章、用印次数，经办人和时间自动记录。")
    submit_label = gettext_lazy("登记用印")
    success_message = gettext_lazy("已登记用印，下一步核发。")

    def get_initial(self):
        doc = self.document
        return {"seal": doc.seal or doc.signature or doc.issuing_body.name, "count": doc.printed_copies}

    def info(self):
        doc = self.document
        return [(_("发文字号"), doc.number), (_("印制份数"), doc.printed_copies or "—")]

    def perform(self, form):
        return services.outgoing_seal(document=self.document, by=self.request.user, **form.values())


class OutgoingDispatchView(OutgoingActionView):
    action = "dispatch"
    form_class = forms.DispatchForm
    heading = gettext_lazy("核发")
    intro = gettext_lazy("核对无误后分发：按主送、抄送机关逐一登记。")
    submit_label = gettext_lazy("核发")
    submit_tone = "success"
    confirm_message = gettext_lazy("确认核发？")
    success_message = gettext_lazy("已核发，分发记录已登记。")

    def info(self):
        doc = self.document
        return [
            (_("主送"), "、".join(services.split_recipients(doc.main_recipients)) or "—"),
            (_("抄送"), "、".join(services.split_recipients(doc.cc_recipients)) or "—"),
            (_("印制份数"), doc.printed_copies or "—"),
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "document": self.document}

    def perform(self, form):
        return services.outgoing_dispatch(document=self.document, by=self.request.user, copies=form.copies())


class OutgoingArchiveView(OutgoingActionView):
    action = "archive"
    form_class = forms.ArchiveForm
    heading = gettext_lazy("归档")
    intro = gettext_lazy("作归档标记；档号在年度归档时编制。")
    submit_label = gettext_lazy("归档")
    submit_tone = "secondary"
    success_message = gettext_lazy("已归档。")

    def check(self):
        super().check()
        if self.document.archived_at:
            raise ValidationError(_("该发文已归档。"))

    def perform(self, form):
        return services.outgoing_archive(document=self.document, by=self.request.user)


# the steps a document's page offers, in the order of the flow: (transition, url name, label,
# tone, icon); only those case_may allows for the user now are shown
STEPS = (
    ("save_draft", "outgoing_edit", gettext_lazy("修改稿本"), "outline-primary", "bi-pencil-square"),
    ("submit", "outgoing_submit", gettext_lazy("送核稿"), "primary", "bi-send"),
    ("pass_review", "outgoing_review", gettext_lazy("核稿"), "primary", "bi-clipboard-check"),
    ("sign", "outgoing_sign", gettext_lazy("签发"), "danger", "bi-pen"),
    ("register", "outgoing_register", gettext_lazy("登记编号"), "primary", "bi-123"),
    ("print", "outgoing_print", gettext_lazy("印制"), "primary", "bi-printer"),
    ("seal", "outgoing_seal", gettext_lazy("用印"), "primary", "bi-award"),
    ("dispatch", "outgoing_dispatch", gettext_lazy("核发"), "success", "bi-send-check"),
    ("archive", "outgoing_archive", gettext_lazy("归档"), "secondary", "bi-archive"),
    ("void_number", "outgoing_void", gettext_lazy("作废文号"), "outline-danger", "bi-x-octagon"),
)


@dataclass
class Step:
    key: str
    url: str
    label: str
    tone: str
    icon: str


def outgoing_steps(document, user):
    steps = []
    for action, name, label, tone, icon in STEPS:
        if action == "archive" and document.archived_at:
            continue
        if case_may(item=document, action=action, by=user):
            steps.append(Step(action, reverse(f"documents:{name}", args=[document.pk]), label, tone, icon))
    return steps


# --- the document's page --------------------------------------------------------------------------


class OutgoingDetailView(OutgoingObjectMixin, TemplateView):
    """Every element, the number, the signing, seal log, distribution, voided numbers, the
    versions and the timeline; the steps the user may take now."""

    template_name = "documents/outgoing/detail.html"

    def get_context_data(self, **kwargs):
        doc, user = self.document, self.request.user
        timeline = case_timeline(doc)
        for event in timeline:
            event.from_label = state_label(event.from_state) if event.from_state else ""
            event.to_label = state_label(event.to_state) if event.to_state else ""
        context = super().get_context_data(
            doc=doc,
            steps=outgoing_steps(doc, user),
            versions=list(doc.versions.select_related("saved_by").order_by("-version")),
            seal_logs=list(doc.seal_logs.select_related("used_by")),
            dispatches=list(doc.dispatches.select_related("sent_by")),
            voided=list(doc.voided_numbers.select_related("issuing_body", "voided_by").order_by("voided_at")),
            timeline=timeline,
            pdf_url=pdf_url(doc),
            **kwargs,
        )
        if user.has_perm("core.view_audit"):
            context["history"] = self.history(doc)
        return context

    @staticmethod
    def history(doc):
        """The change history, with state values shown by their labels (the engine's `state`
        field carries no choices)."""
        entries = history_of(doc)
        state_field = OutgoingDocument._meta.get_field("state").verbose_name
        for entry in entries:
            for change in entry["changes"]:
                if change["field"] == state_field:
                    change["old"] = state_label(change["old"])
                    change["new"] = state_label(change["new"])
        return entries


# --- versions and their comparison ---------------------------------------------------------------


class OutgoingVersionsView(OutgoingObjectMixin, TemplateView):
    template_name = "documents/outgoing/versions.html"

    def get_context_data(self, **kwargs):
        versions = list(self.document.versions.select_related("saved_by").order_by("-version"))
        return super().get_context_data(
            doc=self.document,
            versions=versions,
            default_a=versions[1].version if len(versions) > 1 else None,
            default_b=versions[0].version if versions else None,
            **kwargs,
        )


class OutgoingVersionFileView(OutgoingObjectMixin, View):
    """The .docx kept with a version, served only to those who may see its document."""

    def get(self, request, pk, version):
        row = self.document.versions.filter(version=version).exclude(docx="").first()
        if row is None:
            raise Http404
        try:
            handle = row.docx.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        name = row.docx.name.rsplit("/", 1)[-1]
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=name,
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        patch_cache_control(response, private=True, no_store=True)
        return response


@dataclass
class DiffRow:
    kind: str  # equal, change, delete, insert
    old_no: int | None
    old: str | None  # safe HTML
    new_no: int | None
    new: str | None


def _mark(text, tag):
    return f"<{tag}>{escape(text)}</{tag}>" if text else ""


def inline_diff(old, new):
    """The two lines with the characters that differ marked: <del> in the old, <ins> in the new."""
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(escape(old[i1:i2]))
            right.append(escape(new[j1:j2]))
        else:
            left.append(_mark(old[i1:i2], "del"))
            right.append(_mark(new[j1:j2], "ins"))
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 (every piece escaped)


def side_by_side(old_text, new_text):
    """Rows of a line diff of two texts; changed lines carry the changed characters. Every piece
    of text is escaped before it is marked."""
    a, b = (old_text or "").splitlines(), (new_text or "").splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                line = escape(a[i1 + k])
                rows.append(DiffRow("equal", i1 + k + 1, line, j1 + k + 1, line))
            continue
        old_lines, new_lines = a[i1:i2], b[j1:j2]
        for k in range(max(len(old_lines), len(new_lines))):
            old = old_lines[k] if k < len(old_lines) else None
            new = new_lines[k] if k < len(new_lines) else None
            if old is not None and new is not None:
                similar = difflib.SequenceMatcher(None, old, new, autojunk=False).ratio() >= 0.3
                if similar:
                    left, right = inline_diff(old, new)
                    rows.append(DiffRow("change", i1 + k + 1, left, j1 + k + 1, right))
                    continue
            if old is not None:
                rows.append(DiffRow("delete", i1 + k + 1, mark_safe(_mark(old, "del")), None, None))  # noqa: S308
            if new is not None:
                rows.append(DiffRow("insert", None, None, j1 + k + 1, mark_safe(_mark(new, "ins"))))  # noqa: S308
    return rows


class OutgoingCompareView(OutgoingObjectMixin, TemplateView):
    """Any two versions side by side (?a=N&b=M), the changes marked; on a phone the two columns
    stack (an unchanged line is shown once)."""

    template_name = "documents/outgoing/compare.html"

    def version_numbers(self, versions):
        numbers = [v.version for v in versions]

        def pick(name, default):
            raw = self.request.GET.get(name, "")
            if not raw:
                return default
            if not raw.isdigit() or int(raw) not in numbers:
                raise Http404
            return int(raw)

        last = numbers[-1]
        return pick("a", numbers[-2] if len(numbers) > 1 else last), pick("b", last)

    def get_context_data(self, **kwargs):
        versions = list(self.document.versions.select_related("saved_by").order_by("version"))
        if not versions:
            raise Http404
        a, b = self.version_numbers(versions)
        by_number = {v.version: v for v in versions}
        old, new = by_number[a], by_number[b]
        rows = side_by_side(old.body, new.body)
        title_old, title_new = inline_diff(old.title, new.title)
        return super().get_context_data(
            doc=self.document,
            versions=versions,
            old=old,
            new=new,
            rows=rows,
            title_changed=old.title != new.title,
            title_old=title_old,
            title_new=title_new,
            changed=sum(1 for r in rows if r.kind != "equal"),
            **kwargs,
        )


# --- 发文稿纸 PDF -----------------------------------------------------------------------------------


REVIEW_ACTIONS = ("pass_review", "return_draft")


def draft_sheet_context(doc, printed_at=None):
    """The 发文稿纸 of a document: its review and signing chain, the seal log and the signed text;
    printed now, or at `printed_at` (the archived copy prints the day it was archived)."""
    timeline = case_timeline(doc)
    signed = doc.versions.filter(version=doc.signed_version).first() if doc.signed_version else None
    return {
        "title": _("发文稿纸"),
        "doc": doc,
        "reviews": [e for e in timeline if e.action in REVIEW_ACTIONS],
        "registered": next((e for e in reversed(timeline) if e.action == "register"), None),
        "seal_logs": list(doc.seal_logs.select_related("used_by")),
        "final": signed or doc.versions.order_by("-version").first(),
        "state_label": state_label(doc.state),
        "printed_at": printed_at or timezone.localtime(),
    }


class OutgoingSheetView(OutgoingObjectMixin, View):
    """发文稿纸: the drafting and signing chain of one document, as an inline PDF."""

    def get(self, request, pk):
        from congress_office.pdf import render_pdf

        doc = self.document
        context = draft_sheet_context(doc)
        pdf = render_pdf("documents/pdf/draft_sheet.html", context)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = _("发文稿纸-%(t)s.pdf") % {"t": (doc.number or doc.title)[:40]}
        response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=name)
        response["X-Content-Type-Options"] = "nosniff"
        patch_cache_control(response, private=True, no_store=True)
        return response
