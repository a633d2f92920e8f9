"""The registers' filters (one FilterSet per register, a `q` search). Each FilterSet is a class
of its own: IncomingFilter (收文登记簿) here; the outgoing register's below it."""

import re

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.filters import VisibleChoicesFilterSet
from congress_office.models import Deadline
from congress_office.models.deadlines import PENDING_STATES
from congress_office.registries import case_types

from .choices import DocType, IncomingState, OutgoingState, Secrecy, Urgency
from .models import IncomingDocument, IssuingBody, OutgoingDocument

# --- 收文登记簿 -------------------------------------------------------------------------------------

# "收〔2026〕12号", "2026-12", "〔2026〕12": an incoming document's 收文号
INCOMING_NUMBER_RE = re.compile(r"(\d{4})\D+(\d{1,6})\D*$")
# the empty value of 非密 / 平件 cannot be a filter's choice (empty means "any"): these stand for it
NOT_CLASSIFIED, NOT_URGENT = "none", "normal"
# 收文待办: the steps the office takes itself (签收 → 登记 → 初审 → 拟办; 交办 after the 批办)
OFFICE_TODO_STATES = (IncomingState.RECEIVED, IncomingState.REGISTERED, IncomingState.CHECKED, IncomingState.INSTRUCTED)


def incoming_handling_kinds():
    spec = case_types["documents.incoming"]
    return [spec.deadline_kind(name) for name in spec.handling_clocks]


def incoming_pending_deadlines():
    """Pending handling deadlines of incoming documents."""
    return Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(IncomingDocument),
        kind__in=incoming_handling_kinds(),
        state__in=PENDING_STATES,
    )


def incoming_pending_handling(ref=None):
    """Pending handling deadlines of the incoming document `ref` (an OuterRef by default)."""
    return incoming_pending_deadlines().filter(subject_id=OuterRef("pk") if ref is None else ref)


class IncomingFilter(VisibleChoicesFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search", help_text=_("标题、来文机关、来文字号或收文号"))
    year = django_filters.ChoiceFilter(label=_("年度"), choices=())
    doc_type = django_filters.ChoiceFilter(label=_("文种"), choices=DocType.choices)
    sender = django_filters.CharFilter(label=_("来文机关"), lookup_expr="icontains")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=IncomingState.choices)
    secrecy = django_filters.ChoiceFilter(
        label=_("密级"),
        method="filter_secrecy",
        choices=[(NOT_CLASSIFIED, _("非密")), *[(v, label) for v, label in Secrecy.choices if v]],
    )
    urgency = django_filters.ChoiceFilter(
        label=_("紧急程度"),
        method="filter_urgency",
        choices=[(NOT_URGENT, _("平件")), *[(v, label) for v, label in Urgency.choices if v]],
    )
    overdue = django_filters.BooleanFilter(label=_("仅逾期"), method="filter_overdue", widget=forms.CheckboxInput())
    # 收文待办 (the clerk's home links here): what waits for the office's own step
    todo = django_filters.BooleanFilter(label=_("仅办公室待办"), method="filter_todo", widget=forms.CheckboxInput())

    class Meta:
        model = IncomingDocument
        fields = ["q", "year", "doc_type", "sender", "state", "secrecy", "urgency", "overdue", "todo"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        years = IncomingDocument.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct()
        this_year = timezone.localdate().year
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in sorted({this_year, *years}, reverse=True)]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__icontains=value) | Q(sender__icontains=value) | Q(sender_number__icontains=value)
        number = INCOMING_NUMBER_RE.search(value)
        if number:
            condition |= Q(year=int(number.group(1)), sequence=int(number.group(2)))
        elif value.isdigit() and len(value) <= 6:
            condition |= Q(sequence=int(value))
        return queryset.filter(condition)

    def filter_secrecy(self, queryset, name, value):
        return queryset.filter(secrecy="" if value == NOT_CLASSIFIED else value)

    def filter_urgency(self, queryset, name, value):
        return queryset.filter(urgency="" if value == NOT_URGENT else value)

    def filter_todo(self, queryset, name, value):
        return queryset.filter(state__in=OFFICE_TODO_STATES) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        # the documents of the few overdue deadlines, read first (one query on the pending partial
        # index): as a subquery the planner expects ten times too many and probes the deadlines of
        # every document of the township instead
        overdue = incoming_pending_deadlines().filter(due_date__lt=timezone.localdate())
        return queryset.filter(pk__in=list(overdue.order_by().values_list("subject_id", flat=True).distinct()))


# --- 发文登记簿 -------------------------------------------------------------------------------------

# "青人〔2026〕7号", "青人[2026]7", "〔2026〕7号", "2026-7": an outgoing document's 发文字号
OUTGOING_NUMBER_RE = re.compile(r"^(?P<code>[^\d〔\[(（]*)\s*[〔\[(（]?(?P<year>\d{4})\D+(?P<seq>\d{1,6})\s*号?$")
# archiving does not change the state: the register lists 已归档 as a state of its own
ARCHIVED = "archived"


class OutgoingFilter(VisibleChoicesFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search", help_text=_("标题或发文字号"))
    year = django_filters.ChoiceFilter(label=_("年度"), method="filter_year", choices=())
    doc_type = django_filters.ChoiceFilter(label=_("文种"), choices=DocType.choices)
    issuing_body = django_filters.ModelChoiceFilter(label=_("发文机关"), queryset=IssuingBody.objects.none())
    state = django_filters.ChoiceFilter(
        label=_("状态"), method="filter_state", choices=[*OutgoingState.choices, (ARCHIVED, _("已归档"))]
    )
    secrecy = django_filters.ChoiceFilter(
        label=_("密级"),
        method="filter_secrecy",
        choices=[(NOT_CLASSIFIED, _("非密")), *[(v, label) for v, label in Secrecy.choices if v]],
    )

    class Meta:
        model = OutgoingDocument
        fields = ["q", "year", "doc_type", "issuing_body", "state", "secrecy"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        bodies = IssuingBody.objects.select_related("township").order_by("township__code", "order", "pk")
        if not user.is_county_wide:
            bodies = bodies.filter(township_id=user.township_id)
        self.filters["issuing_body"].queryset = bodies
        # a document takes its year when numbered; a draft counts in the year it was drafted
        visible = OutgoingDocument.objects.visible_to(user)
        years = {y for y in visible.order_by().values_list("year", flat=True).distinct() if y}
        this_year = timezone.localdate().year
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in sorted({this_year, *years}, reverse=True)]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__icontains=value)
        number = OUTGOING_NUMBER_RE.match(value.replace(" ", ""))
        if number:
            numbered = Q(year=int(number["year"]), sequence=int(number["seq"]))
            if number["code"]:
                numbered &= Q(issuing_body__code=number["code"])
            condition |= numbered
        return queryset.filter(condition)

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(Q(year=year) | Q(year__isnull=True, drafted_at__year=year))

    def filter_state(self, queryset, name, value):
        if value == ARCHIVED:
            return queryset.filter(archived_at__isnull=False)
        if value == OutgoingState.DISPATCHED:
            return queryset.filter(state=value, archived_at__isnull=True)
        return queryset.filter(state=value)

    def filter_secrecy(self, queryset, name, value):
        return queryset.filter(secrecy="" if value == NOT_CLASSIFIED else value)
