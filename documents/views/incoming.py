"""The incoming pages (收文): the 收文登记簿 with its .xlsx export, the 催办 view of overdue items
per unit, 签收, the document's page with every step the user may take now, one form page per
step, the files, and the 收文处理单 / 退文说明 PDFs.

Every read goes through `IncomingDocument.objects.visible_to(user)`: another township's document,
another unit's, or one classified above the user's clearance is 404 on every URL. The role's
permission gates each page (403); the case type (documents.case_type), through the engine's
`case_check`, decides whether a step can be taken now — a step the state does not allow sends
the user back to the document with the reason. Each POST calls one service; its ValidationError
lands on the form, its PermissionDenied is a 403.
"""

import functools
import mimetypes
from collections import OrderedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from congress_office.access import RoleRequiredMixin, TownshipMemberMixin
from congress_office.forms import ExtensionDecisionForm
from congress_office.models import CaseSupervision, Deadline, DeadlineRule, ExtensionRequestState
from congress_office.models.deadlines import PENDING_STATES
from congress_office.pagination import BoundedPaginationMixin
from congress_office.pdf import render_pdf
from congress_office.selectors import kind_label
from congress_office.services.cases import (
    case_approve_extension,
    case_deadlines,
    case_handling_deadline,
    case_may,
    case_refuse_extension,
    case_request_extension,
    case_timeline,
    case_type_of,
    extension_latest,
    pending_extension_request,
)
from congress_office.views.cases import CaseActionView, extension_request_rows
from congress_office.views.mixins import ServiceFormMixin
from congress_office.workdays import compute_due_date
from congress_office.xlsx import ExportTable, Labels, xlsx_export

from ..choices import IncomingState, Secrecy, Urgency
from ..filters import IncomingFilter, incoming_handling_kinds, incoming_pending_handling
from ..forms import incoming as forms
from ..models import Circulation, IncomingDocument, IncomingFile
from ..services import incoming as services

VIEW = "documents.view_incomingdocument"
HANDLE = "documents.handle_incoming"
INCOMING_EXPORT = "documents.incoming"
# the register's order: newest year first, then by 收文号 (unregistered ones, still without a
# number, on top of their year)
REGISTER_ORDER = ("-year", "-received_at", "-pk")


def state_label(value):
    return IncomingState(value).label if value in IncomingState.values else value


# --- reads ----------------------------------------------------------------------------------------


def _count_of(queryset):
    """A correlated COUNT(*) of `queryset` (filtered on OuterRef), 0 when there is none."""
    counted = queryset.order_by().values("document").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def incoming_register_rows(*, user, filters=None, figures=True):
    """The register the user may see, filtered: each row carries its lead unit, `next_due` (the
    pending handling deadline), `readers` and `read` (circulation counts), so the list costs a
    fixed number of queries whatever the number of rows. `figures=False` leaves the three out
    (the list adds them to its page only: `add_register_figures`)."""
    qs = IncomingDocument.objects.visible_to(user).select_related("township", "lead_unit")
    if figures:
        circulations = Circulation.objects.filter(document=OuterRef("pk"))
        qs = qs.annotate(
            next_due=Subquery(incoming_pending_handling().order_by("due_date").values("due_date")[:1]),
            readers=_count_of(circulations),
            read=_count_of(circulations.filter(read_at__isnull=False)),
        )
    return IncomingFilter(filters, queryset=qs.order_by(*REGISTER_ORDER), user=user)


def add_register_figures(documents):
    """`next_due`, `readers` and `read` of the given documents (a page), in two queries: as
    correlated subqueries they would also run for every row a deep page skips."""
    ids = [d.pk for d in documents]
    due = {}
    for subject_id, due_date in (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(IncomingDocument),
            subject_id__in=ids,
            kind__in=incoming_handling_kinds(),
            state__in=PENDING_STATES,
        )
        .order_by("-due_date")
        .values_list("subject_id", "due_date")
    ):
        due[subject_id] = due_date  # the earliest last
    counts = {
        row["document_id"]: row
        for row in Circulation.objects.filter(document_id__in=ids)
        .order_by()
        .values("document_id")
        .annotate(readers=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)))
    }
    for d in documents:
        d.next_due = due.get(d.pk)
        row = counts.get(d.pk, {})
        d.readers, d.read = row.get("readers", 0), row.get("read", 0)


def get_incoming(user, pk):
    """One incoming document within what the user may see, or 404."""
    queryset = IncomingDocument.objects.visible_to(user).select_related(
        "township", "lead_unit", "received_by", "archived_by"
    )
    return get_object_or_404(queryset, pk=pk)


def incoming_deadlines(document):
    """The document's handling deadlines, oldest first, with their extensions (two queries)."""
    deadlines = list(
        case_deadlines(document, case_type_of(document).handling_clocks)
        .select_related("responsible_unit")
        .prefetch_related("extensions__approver")
        .order_by("created_at", "pk")
    )
    for deadline in deadlines:
        deadline.kind_label = kind_label(deadline.kind)
    return deadlines


def incoming_circulations(document):
    return list(document.circulations.select_related("reader", "sent_by", "deadline"))


def timeline_of(document):
    """case_timeline with the states in words."""
    events = case_timeline(document)
    for event in events:
        event.from_label = state_label(event.from_state) if event.from_state else ""
        event.to_label = state_label(event.to_state) if event.to_state else ""
    return events


def last_event(events, *actions):
    return next((e for e in reversed(events) if e.action in actions), None)


# --- actions: the steps the user may take now -------------------------------------------------------

# (the engine's action, label, URL name, icon, button tone); each is a form page
ACTIONS = (
    ("register", gettext_lazy("登记"), "incoming_register", "bi-journal-plus", "primary"),
    ("check", gettext_lazy("初审通过"), "incoming_check", "bi-check2-circle", "primary"),
    ("return", gettext_lazy("退文"), "incoming_return", "bi-arrow-return-left", "outline-danger"),
    ("propose", gettext_lazy("拟办"), "incoming_propose", "bi-pencil-square", "primary"),
    ("instruct", gettext_lazy("批办"), "incoming_instruct", "bi-pen", "primary"),
    ("assign", gettext_lazy("交办"), "incoming_assign", "bi-send", "primary"),
    ("reply", gettext_lazy("办结"), "incoming_close", "bi-check2-square", "success"),
    ("circulate", gettext_lazy("传阅"), "incoming_circulate", "bi-people", "outline-primary"),
    ("supervise", gettext_lazy("催办"), "incoming_supervise", "bi-alarm", "outline-danger"),
    ("request_extension", gettext_lazy("申请延期"), "incoming_extend", "bi-calendar-plus", "outline-warning"),
    ("approve_extension", gettext_lazy("审批延期申请"), "incoming_extension_decide", "bi-calendar-check", "warning"),
    ("archive", gettext_lazy("归档"), "incoming_archive", "bi-archive", "outline-secondary"),
)


def incoming_actions(document, user):
    """The steps `user` may take on `document` now, each with its page: the engine's own check
    (case_may), so a button never leads to a refusal (a concurrent change aside)."""
    if not user.is_authenticated or user.is_county_wide:
        return []
    rows = []
    for action, label, url_name, icon, tone in ACTIONS:
        if action == "archive" and document.archived_at:
            continue
        if case_may(item=document, action=action, by=user):
            rows.append(
                {
                    "key": action,
                    "label": label,
                    "url": reverse(f"documents:{url_name}", args=[document.pk]),
                    "icon": icon,
                    "tone": tone,
                }
            )
    return rows


# --- list, export, overdue --------------------------------------------------------------------------


class IncomingListView(BoundedPaginationMixin, RoleRequiredMixin, ListView):
    """收文登记簿."""

    permission_required = VIEW
    template_name = "documents/incoming/list.html"
    context_object_name = "documents"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = incoming_register_rows(user=self.request.user, filters=self.request.GET or None, figures=False)
        return self.filterset.qs

    def decorate_page(self, rows):
        add_register_figures(rows)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        user = self.request.user
        return super().get_context_data(
            filterset=self.filterset,
            today=timezone.localdate(),
            export_query=query.urlencode(),
            can_receive=user.has_perm("documents.add_incomingdocument") and bool(user.township_id),
            filtered=any(v for k, v in self.request.GET.items() if k != "page"),
            **kwargs,
        )


EXPORT_HEADERS = (
    ("收文号", 16),
    ("签收时间", 17),
    ("来文机关", 24),
    ("来文字号", 20),
    ("标题", 44),
    ("文种", 8),
    ("密级", 12),
    ("紧急程度", 8),
    ("份数", 6),
    ("页数", 6),
    ("状态", 14),
    ("承办单位", 18),
    ("办理期限", 12),
    ("传阅（已阅/送阅）", 12),
    ("归档", 6),
)


def incoming_export_table(user, query):
    """The register's export (registries.xlsx_exports): its rows for `query`, in Chinese; a
    county user's with the township."""
    filterset = incoming_register_rows(user=user, filters=query or None)
    township_column = user.is_county_wide
    headers = list(EXPORT_HEADERS)
    if township_column:
        headers.insert(1, ("乡镇", 10))
    return ExportTable(
        sheet="收文登记簿",
        columns=headers,
        rows=filterset.qs,
        row=functools.partial(incoming_row, township_column=township_column, labels=Labels()),
        filename=_("收文登记簿-%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")},
    )


def incoming_row(d, township_column=False, labels=None):
    labels = labels or Labels()
    received = timezone.localtime(d.received_at).replace(tzinfo=None)
    row = [
        str(d.number),
        received,
        d.sender,
        d.sender_number,
        d.title,
        labels(d, "doc_type"),
        d.secrecy_mark,
        labels.get(("urgency", d.urgency), lambda: Urgency(d.urgency).label) if d.urgency else "",
        d.copies,
        d.pages,
        labels.get(("state", d.state), lambda: state_label(d.state)),
        d.lead_unit.name if d.lead_unit_id else "",
        d.next_due,
        f"{d.read}/{d.readers}" if d.readers else "",
        "是" if d.archived_at else "",
    ]
    if township_column:
        row.insert(1, d.township.name)
    return row


class IncomingExportView(RoleRequiredMixin, View):
    """Exactly the rows the register shows for the same query string (all pages) as .xlsx: the
    file, or a job above EXPORT_INLINE_MAX_ROWS."""

    permission_required = VIEW

    def get(self, request):
        return xlsx_export(request, INCOMING_EXPORT)


class IncomingOverdueView(RoleRequiredMixin, TemplateView):
    """催办: the incoming documents past their handling deadline, per handling unit (how many,
    the oldest due date, the list), and the circulated ones not read in time, per reader. A
    fixed number of queries whatever the rows."""

    permission_required = VIEW
    template_name = "documents/incoming/overdue.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        visible = IncomingDocument.objects.visible_to(user)
        content_type = ContentType.objects.get_for_model(IncomingDocument)
        overdue = (
            Deadline.objects.filter(
                subject_type=content_type,
                subject_id__in=visible.values("pk"),
                state__in=PENDING_STATES,
                due_date__lt=today,
            )
            .select_related("responsible_unit", "responsible_user")
            .order_by("due_date", "pk")
        )
        handling_kinds = set(incoming_handling_kinds())
        deadlines = list(overdue)
        ids = {d.subject_id for d in deadlines}
        documents = {d.pk: d for d in visible.filter(pk__in=ids).select_related("lead_unit")} if ids else {}
        can_supervise = user.township_id is not None and (
            user.has_perm(HANDLE) or user.has_perm("documents.instruct_incoming")
        )
        units, readers = OrderedDict(), OrderedDict()
        for deadline in deadlines:
            document = documents.get(deadline.subject_id)
            if document is None:
                continue
            row = {"document": document, "deadline": deadline, "days": (today - deadline.due_date).days}
            if deadline.kind in handling_kinds:
                key = deadline.responsible_unit_id or document.lead_unit_id
                group = units.setdefault(
                    key, {"unit": deadline.responsible_unit or document.lead_unit, "rows": [], "oldest": None}
                )
                group["rows"].append(row)
                group["oldest"] = min(filter(None, [group["oldest"], deadline.due_date]))
            elif deadline.responsible_user_id:
                group = readers.setdefault(
                    deadline.responsible_user_id, {"reader": deadline.responsible_user, "rows": []}
                )
                group["rows"].append(row)
        groups = sorted(units.values(), key=lambda g: (g["oldest"], -len(g["rows"])))
        return super().get_context_data(
            groups=groups,
            reader_groups=list(readers.values()),
            total=sum(len(g["rows"]) for g in groups),
            today=today,
            can_supervise=can_supervise and user.township_id is not None,
            **kwargs,
        )


# --- 签收 -------------------------------------------------------------------------------------------


class IncomingCreateView(TownshipMemberMixin, RoleRequiredMixin, ServiceFormMixin, FormView):
    """签收来文: who received it (the user) and when; then 登记 on its page."""

    permission_required = "documents.add_incomingdocument"
    form_class = forms.ReceiveForm
    template_name = "documents/incoming/create.html"

    def perform(self, form):
        data = form.cleaned_data
        return services.incoming_receive(
            township=self.request.user.township,
            by=self.request.user,
            sender=data["sender"],
            title=data["title"],
            received_at=data["received_at"],
            urgency=data.get("urgency") or "",
            secrecy=data.get("secrecy") or "",
            note=data.get("note", ""),
        )

    def get_success_url(self):
        messages.success(self.request, _("已签收，请登记收文号及来文详情。"))
        return self.result.get_absolute_url()


# --- the document's page ------------------------------------------------------------------------------


class IncomingObjectMixin(RoleRequiredMixin):
    @cached_property
    def document(self):
        return get_incoming(self.request.user, self.kwargs["pk"])


class IncomingDetailView(IncomingObjectMixin, TemplateView):
    """Every field, the files, the handling deadline with its basis, the circulation with its
    read receipts, the supervision notices, the timeline, and the steps the user may take now.
    A named reader's first visit records their read receipt."""

    permission_required = VIEW
    template_name = "documents/incoming/detail.html"

    def get(self, request, *args, **kwargs):
        document = self.document
        if services.incoming_mark_read(document=document, by=request.user) is not None:
            messages.info(request, _("已记录您的阅文时间。"))
        response = super().get(request, *args, **kwargs)
        if document.secrecy:
            patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        document, user = self.document, self.request.user
        circulations = incoming_circulations(document)
        actions = incoming_actions(document, user)
        keys = {a["key"] for a in actions}
        supervisions = list(
            CaseSupervision.objects.filter(
                item_type=ContentType.objects.get_for_model(IncomingDocument), item_id=document.pk
            )
            .select_related("issued_by", "unit")
            .order_by("issued_at", "pk")
        )
        decided_requests = list(
            document.extension_requests.exclude(state=ExtensionRequestState.PENDING)
            .select_related("requested_by", "decided_by")
            .order_by("requested_at", "pk")
        )
        return super().get_context_data(
            document=document,
            state_label=state_label(document.state),
            today=timezone.localdate(),
            files=list(document.files.all()),
            deadlines=incoming_deadlines(document),
            circulations=circulations,
            unread=[c for c in circulations if c.read_at is None],
            read_count=sum(1 for c in circulations if c.read_at),
            timeline=timeline_of(document),
            actions=[a for a in actions if a["key"] not in ("circulate",)],
            can_circulate="circulate" in keys,
            can_remind="circulate" in keys and any(c.read_at is None for c in circulations),
            supervisions=supervisions,
            pending_extension=pending_extension_request(document),
            decided_requests=decided_requests,
            can_decide_extension="approve_extension" in keys,
            can_print_return=document.state == IncomingState.RETURNED,
            secrecy_help=forms.SECRECY_HELP,
            **kwargs,
        )


class IncomingFileView(RoleRequiredMixin, View):
    """A file of an incoming document, served only to those who may see the document."""

    permission_required = VIEW
    INLINE_TYPES = ("image/", "application/pdf")

    def get(self, request, pk):
        visible = IncomingDocument.objects.visible_to(request.user).values("pk")
        row = get_object_or_404(IncomingFile, pk=pk, document__in=visible)
        content_type = mimetypes.guess_type(row.name)[0] or "application/octet-stream"
        inline = content_type.startswith(self.INLINE_TYPES)
        try:
            handle = row.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=not inline,
            filename=row.name,
            content_type=content_type if inline else "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        patch_cache_control(response, private=True, no_store=True)
        return response


# --- the steps ------------------------------------------------------------------------------------------


class IncomingActionView(IncomingObjectMixin, CaseActionView):
    """One step on one incoming document: the engine's `action` decides whether it can be taken
    now (GET and POST); the service decides again under the row lock."""

    template_name = "documents/incoming/action_form.html"
    case_context_name = "document"
    multipart = False

    def get_case(self):
        return self.document

    def current_deadline(self):
        return case_handling_deadline(self.document)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            state_label=state_label(self.document.state), multipart=self.multipart, **kwargs
        )


class IncomingRegisterView(IncomingActionView):
    permission_required = HANDLE
    action = "register"
    form_class = forms.RegisterForm
    heading = gettext_lazy("登记")
    intro = gettext_lazy(
        "登记来文的字号、文种、份数、页数、密级和紧急程度，上传扫描件；收文号按年度连续编排，自动生成。"
    )
    submit_label = gettext_lazy("登记并编号")
    multipart = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "document": self.document}

    def perform(self, form):
        return services.incoming_register(document=self.document, by=self.request.user, **form.service_kwargs())

    def get_success_url(self):
        self.success_message = _("已登记，收文号 %(n)s。") % {"n": self.document.number}
        return super().get_success_url()


class IncomingCheckView(IncomingActionView):
    permission_required = HANDLE
    action = "check"
    form_class = forms.CheckForm
    heading = gettext_lazy("初审")
    intro = gettext_lazy(
        "审核来文是否属于本机关职权范围、是否符合行文规则、手续是否完备。符合的初审通过，不符合的退文。"
    )
    submit_label = gettext_lazy("初审通过")
    success_message = gettext_lazy("初审通过，请提出拟办意见。")

    def perform(self, form):
        return services.incoming_check(document=self.document, by=self.request.user, **self.values(form))


class IncomingReturnView(IncomingActionView):
    permission_required = HANDLE
    action = "return"
    form_class = forms.ReturnForm
    heading = gettext_lazy("退文")
    intro = gettext_lazy("经初审不符合要求的来文，退回来文机关并说明理由；可打印《退文说明》随文退回。")
    submit_label = gettext_lazy("确认退文")
    submit_tone = "danger"
    confirm_message = gettext_lazy("确认退文？退文后本件不再办理。")
    success_message = gettext_lazy("已退文，可打印《退文说明》随文退回来文机关。")

    def perform(self, form):
        return services.incoming_return(
            document=self.document, by=self.request.user, reason=form.cleaned_data["reason"]
        )


class IncomingProposeView(IncomingActionView):
    permission_required = HANDLE
    action = "propose"
    form_class = forms.ProposeForm
    heading = gettext_lazy("拟办")
    submit_label = gettext_lazy("提交拟办意见")
    success_message = gettext_lazy("拟办意见已提交，主席团负责人已收到批办通知。")

    def perform(self, form):
        return services.incoming_propose(document=self.document, by=self.request.user, **self.values(form))


class IncomingInstructView(IncomingActionView):
    permission_required = "documents.instruct_incoming"
    action = "instruct"
    form_class = forms.InstructForm
    heading = gettext_lazy("批办")
    submit_label = gettext_lazy("提交批办意见")
    success_message = gettext_lazy("批办意见已记录，办公室将按批办意见交办。")

    def info(self):
        return [(_("拟办意见"), self.document.proposal)] if self.document.proposal else []

    def perform(self, form):
        return services.incoming_instruct(document=self.document, by=self.request.user, **self.values(form))


class IncomingAssignView(IncomingActionView):
    permission_required = HANDLE
    action = "assign"
    form_class = forms.AssignForm
    heading = gettext_lazy("交办")
    intro = gettext_lazy("按批办意见交承办单位办理；办理期限自交办之日起按工作日计算，加急、特急件期限较短。")
    submit_label = gettext_lazy("确认交办")
    confirm_message = gettext_lazy("确认交办？交办后承办单位即开始办理。")
    success_message = gettext_lazy("已交办，承办单位经办人已收到通知。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "document": self.document}

    def info(self):
        clock = services.HANDLING_CLOCK[Urgency(self.document.urgency)]
        days = case_type_of(self.document).clocks[clock].current_limit
        today = timezone.localdate()
        due = compute_due_date(today, DeadlineRule.WORKING_DAYS, days)
        rows = [(_("批办意见"), self.document.instruction)] if self.document.instruction else []
        rows.append(
            (
                _("办理期限"),
                _("%(u)s：自交办之日起 %(n)s 个工作日，今天交办的至 %(due)s")
                % {"u": Urgency(self.document.urgency).label, "n": days, "due": due.isoformat()},
            )
        )
        return rows

    def perform(self, form):
        return services.incoming_assign(document=self.document, by=self.request.user, **self.values(form))


class IncomingCirculateView(IncomingActionView):
    permission_required = HANDLE
    action = "circulate"
    form_class = forms.CirculateForm
    heading = gettext_lazy("传阅")
    submit_label = gettext_lazy("送阅")

    @property
    def intro(self):
        return _("送所选人员阅文：每人打开本件即记录阅文时间；%(n)s 个工作日内未阅的，系统提醒。") % {
            "n": settings.DOCUMENT_READING_WORKING_DAYS
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "document": self.document}

    def info(self):
        rows = []
        for c in incoming_circulations(self.document):
            when = timezone.localtime(c.read_at).strftime("%Y-%m-%d %H:%M") if c.read_at else _("未阅")
            rows.append(f"{c.reader.display_name}（{when}）")
        return [(_("已在传阅名单"), "；".join(rows))] if rows else []

    def perform(self, form):
        return services.incoming_circulate(
            document=self.document, by=self.request.user, readers=form.cleaned_data["readers"]
        )

    def get_success_url(self):
        self.success_message = _("已送阅 %(n)s 人。") % {"n": len(self.result.data.get("readers", []))}
        return super().get_success_url()


class IncomingRemindView(IncomingObjectMixin, View):
    """提醒未阅 (POST from the document's page): a reminder now to every reader who has not
    read it."""

    permission_required = HANDLE
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            count = services.incoming_remind_unread(document=self.document, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if count:
                messages.success(request, _("已提醒 %(n)s 名未阅人员。") % {"n": count})
            else:
                messages.info(request, _("传阅人员均已阅文，无需提醒。"))
        return redirect(self.document.get_absolute_url())


class IncomingSuperviseView(IncomingActionView):
    """催办: a supervision notice to the handling unit; who may (the office or a chair) is the
    case type's rule."""

    permission_required = VIEW
    action = "supervise"
    form_class = forms.SuperviseForm
    heading = gettext_lazy("催办")
    intro = gettext_lazy("向承办单位发出督办通知，督促其按期办理并反馈。督办单编号按年度连续编排。")
    submit_label = gettext_lazy("发出督办通知")
    submit_tone = "danger"
    confirm_message = gettext_lazy("确认发出督办通知？督办单编号一经发出不再收回。")

    def info(self):
        rows = []
        if self.document.lead_unit_id:
            rows.append((_("承办单位"), str(self.document.lead_unit)))
        return rows

    def perform(self, form):
        return services.incoming_supervise(document=self.document, by=self.request.user, **self.values(form))

    def get_success_url(self):
        self.success_message = _("已发出督办通知 %(n)s，承办单位已收到。") % {"n": self.result.number}
        return super().get_success_url()


class IncomingExtendView(IncomingActionView):
    """The office or the lead unit asks to extend the handling deadline; a chair decides."""

    permission_required = VIEW
    action = "request_extension"
    form_class = forms.ExtendForm
    heading = gettext_lazy("申请延长办理期限")
    intro = gettext_lazy("情况复杂、不能按期办结的，经主席团负责人批准，可以延长办理期限一次。")
    submit_label = gettext_lazy("提交延期申请")
    submit_tone = "warning"
    success_message = gettext_lazy("延期申请已提交，等待主席团负责人审批；审批结果会通知您。")

    def info(self):
        deadline = case_handling_deadline(self.document)
        if deadline is None:
            return []
        rows = [(_("当前到期日"), deadline.due_date.isoformat())]
        latest, why = extension_latest(self.document, deadline)
        if latest is not None:
            rows.append((_("最迟可延至"), _("%(d)s（%(why)s）") % {"d": latest.isoformat(), "why": why}))
        return rows

    def perform(self, form):
        data = form.cleaned_data
        return case_request_extension(
            item=self.document, by=self.request.user, reason=data["reason"], extra=data["days"]
        )


class IncomingExtensionDecideView(IncomingActionView):
    """A chair approves or refuses the pending extension request, as themself."""

    permission_required = "core.approve_extension"
    action = "approve_extension"
    form_class = ExtensionDecisionForm
    heading = gettext_lazy("审批延期申请")
    submit_label = gettext_lazy("提交审批意见")
    submit_tone = "warning"

    def info(self):
        return extension_request_rows(self.document)

    def perform(self, form):
        note = form.cleaned_data["note"]
        if form.approves:
            self.success_message = _("已批准延期，申请人已收到通知。")
            return case_approve_extension(item=self.document, by=self.request.user, note=note)
        self.success_message = _("已不予批准，申请人已收到通知。")
        return case_refuse_extension(item=self.document, by=self.request.user, note=note)


class IncomingCloseView(IncomingActionView):
    """答复 / 办结 by the office or the lead unit, with the result and the date."""

    permission_required = VIEW
    action = "reply"
    form_class = forms.CloseForm
    heading = gettext_lazy("办结")
    intro = gettext_lazy("承办单位办理完毕后登记办理结果；办理期限随之办结。")
    submit_label = gettext_lazy("确认办结")
    confirm_message = gettext_lazy("办结后不能修改，确认提交？")
    success_message = gettext_lazy("已办结，可打印《收文处理单》。")

    def info(self):
        return [(_("批办意见"), self.document.instruction)] if self.document.instruction else []

    def perform(self, form):
        return services.incoming_close(document=self.document, by=self.request.user, **self.values(form))


class IncomingArchiveView(IncomingActionView):
    permission_required = HANDLE
    action = "archive"
    form_class = forms.ArchiveForm
    heading = gettext_lazy("归档")
    intro = gettext_lazy("办结或退文的收文，连同处理单和扫描件，标记为归档，年度档案整理时据此组件。")
    submit_label = gettext_lazy("确认归档")
    success_message = gettext_lazy("已标记归档。")

    def check(self):
        super().check()
        if self.document.archived_at:
            raise ValidationError(_("该收文已归档。"))

    def perform(self, form):
        return services.incoming_archive(document=self.document, by=self.request.user)


# --- PDFs -------------------------------------------------------------------------------------------


def office_name(township):
    return _("%(t)s人大办公室") % {"t": township.name}


def pdf_response(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    patch_cache_control(response, private=True, no_store=True)
    return response


def slip_context(document):
    """What the 收文处理单 shows: the particulars and the whole chain, who and when."""
    events = case_timeline(document)
    deadline = (
        case_deadlines(document, case_type_of(document).handling_clocks)
        .prefetch_related("extensions")
        .order_by("-pk")
        .first()
    )
    return {
        "document": document,
        "office": office_name(document.township),
        "urgency_label": Urgency(document.urgency).label if document.urgency else "",
        "secrecy_label": Secrecy(document.secrecy).label if document.secrecy else "",
        "receive": last_event(events, "receive"),
        "register": last_event(events, "register"),
        "check": last_event(events, "check", "return"),
        "propose": last_event(events, "propose"),
        "instruct": last_event(events, "instruct"),
        "assign": last_event(events, "assign"),
        "reply": last_event(events, "reply"),
        "archive": last_event(events, "archive"),
        "supervisions": [e for e in events if e.action == "supervise"],
        "deadline": deadline,
        "circulations": incoming_circulations(document),
        "printed_at": timezone.localtime(),
    }


class IncomingSlipPdfView(IncomingObjectMixin, View):
    """收文处理单 (routing slip), inline."""

    permission_required = VIEW

    def get(self, request, pk):
        document = self.document
        content = render_pdf("documents/pdf/incoming_slip.html", {"title": _("收文处理单"), **slip_context(document)})
        name = document.number or _("未登记")
        return pdf_response(content, _("收文处理单-%(n)s.pdf") % {"n": name})


class IncomingReturnNotePdfView(IncomingObjectMixin, View):
    """退文说明 to the sender, for a returned document only."""

    permission_required = VIEW

    def get(self, request, pk):
        document = self.document
        if document.state != IncomingState.RETURNED:
            raise Http404
        event = last_event(case_timeline(document), "return")
        context = {
            "title": _("退文说明"),
            "document": document,
            "office": office_name(document.township),
            "returned_on": timezone.localtime(event.at).date() if event else timezone.localdate(),
            "returned_by": event.actor if event else None,
        }
        content = render_pdf("documents/pdf/return_note.html", context)
        return pdf_response(content, _("退文说明-%(n)s.pdf") % {"n": document.number or document.pk})
