"""督办台账: every supervision notice (CaseSupervision, 督办单) the user may see, as a printable
register (registers.py): 督办单号, 事项, 督办单位, 督办日期, 要求反馈日期, 反馈情况, 状态.

The core imports no app: a notice is shown when its case is, i.e. when the user holds the case
model's view permission (petitions.view_petition …) and the case is in the model's
`visible_to(user)`, both read from the notice's content type. 反馈情况 is the handling unit's first
reply after the notice (the engine's CaseReply); 状态: 已反馈, 逾期未反馈 (the 要求反馈日期 has
passed), 待反馈."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .filters import VisibleChoicesFilterSet
from .models import CaseReply, CaseSupervision, Township, Unit
from .registers import Column, day, read_register, register_print, register_sheet
from .registries import PrintRegister, case_types
from .widgets import LookupSelect

LEDGER_KEY = "core.supervision_ledger"
ANSWERED, OVERDUE, WAITING = "answered", "overdue", "waiting"
STATUS_CHOICES = (
    (ANSWERED, gettext_lazy("已反馈")),
    (OVERDUE, gettext_lazy("逾期未反馈")),
    (WAITING, gettext_lazy("待反馈")),
)
# the numbering constraint's index (township, year, sequence): per township, and a county's by township
LEDGER_ORDER = ("township_id", "year", "sequence", "pk")
FEEDBACK_EXCERPT = 120


def _replies_after():
    return CaseReply.objects.filter(
        item_type=OuterRef("item_type"), item_id=OuterRef("item_id"), replied_at__gte=OuterRef("issued_at")
    ).order_by("replied_at", "pk")


def supervisions_visible_to(user):
    """The notices whose case `user` may see, each with `feedback_at` and `feedback` (the first
    reply after it): a fixed number of queries (one for the content types in use)."""
    qs = CaseSupervision.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if not user.is_county_wide:
        qs = qs.filter(township_id=user.township_id)
    condition = Q(pk__in=[])
    for type_id in qs.order_by().values_list("item_type", flat=True).distinct():
        content_type = ContentType.objects.get_for_id(type_id)
        model = content_type.model_class()
        if model is None or not user.has_perm(f"{content_type.app_label}.view_{content_type.model}"):
            continue
        # EXISTS, one primary-key probe a notice: an IN over a county's 300,000 incoming
        # documents is too big to hash and was scanned once per notice (10 s)
        visible = model.objects.visible_to(user).filter(pk=OuterRef("item_id"))
        condition |= Q(item_type_id=type_id) & Q(Exists(visible))
    replies = _replies_after()
    return (
        qs.filter(condition)
        .select_related("township", "unit", "item_type")
        .annotate(
            feedback_at=Subquery(replies.values("replied_at")[:1]),
            feedback=Subquery(replies.values("content")[:1]),
        )
    )


class SupervisionFilterSet(VisibleChoicesFilterSet):
    year = django_filters.ChoiceFilter(label=gettext_lazy("年度"), choices=())
    unit = django_filters.ModelChoiceFilter(
        label=gettext_lazy("督办单位"), queryset=Unit.objects.all(), widget=LookupSelect("unit")
    )
    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=STATUS_CHOICES, method="filter_status")
    township = django_filters.ModelChoiceFilter(
        label=gettext_lazy("乡镇"), queryset=Township.objects.all(), widget=LookupSelect("township")
    )

    class Meta:
        model = CaseSupervision
        fields = ["year", "unit", "status", "township"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        this_year = timezone.localdate().year
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in range(this_year, this_year - 11, -1)]
        if not user.is_county_wide:
            del self.filters["township"]

    def filter_status(self, queryset, name, value):
        if value == ANSWERED:
            return queryset.filter(feedback_at__isnull=False)
        waiting = queryset.filter(feedback_at__isnull=True)
        today = timezone.localdate()
        if value == OVERDUE:
            return waiting.filter(reply_by__lt=today)
        return waiting.filter(Q(reply_by__isnull=True) | Q(reply_by__gte=today))


def _items(supervisions):
    """{(content type id, item id): the case} for the notices shown: one query per case model."""
    wanted = {}
    for s in supervisions:
        wanted.setdefault(s.item_type_id, set()).add(s.item_id)
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for item in model._base_manager.select_related("township").filter(pk__in=ids):
            found[(type_id, item.pk)] = item
    return found


def _status(s, today):
    if s.feedback_at:
        return str(STATUS_CHOICES[0][1])
    if s.reply_by and s.reply_by < today:
        return str(STATUS_CHOICES[1][1])
    return str(STATUS_CHOICES[2][1])


def _item_text(item):
    if item is None:
        return ""
    number = str(getattr(item, "number", "") or "")
    title = str(getattr(item, "title", "") or item)
    kind = case_types.get(getattr(item, "case_type_key", None) or "")
    label = f"（{kind.label}）" if kind is not None else ""
    return "\n".join(part for part in (f"{number}{label}", title) if part.strip())


def _item_state(item):
    kind = case_types.get(getattr(item, "case_type_key", None) or "") if item is not None else None
    return kind.state_label(item.state) if kind is not None else ""


def _feedback(s):
    if not s.feedback_at:
        return ""
    text = s.feedback or ""
    excerpt = text if len(text) <= FEEDBACK_EXCERPT else text[:FEEDBACK_EXCERPT] + "…"
    return f"{timezone.localtime(s.feedback_at):%Y-%m-%d} {excerpt}"


def supervision_ledger(user, query, *, limit, full=False, strict=False):
    filterset, total, supervisions = read_register(
        user,
        SupervisionFilterSet(query or None, queryset=supervisions_visible_to(user), user=user),
        LEDGER_ORDER,
        limit,
        strict,
    )
    items = _items(supervisions)
    today = timezone.localdate()

    def row(s):
        item = items.get((s.item_type_id, s.item_id))
        state = _status(s, today)
        item_state = _item_state(item)
        return [
            str(s.number),
            _item_text(item),
            s.unit.name,
            f"{timezone.localtime(s.issued_at):%Y-%m-%d}",
            day(s.reply_by),
            _feedback(s),
            f"{state}\n{item_state}" if item_state else state,
        ]

    return register_sheet(
        user,
        filterset,
        title=_("督办台账"),
        columns=[
            Column(_("督办单号"), "nowrap"),
            Column(_("事项"), "wide"),
            Column(_("督办单位"), "mid"),
            Column(_("督办日期"), "nowrap"),
            Column(_("要求反馈日期"), "nowrap"),
            Column(_("反馈情况"), "wide"),
            Column(_("状态"), "nowrap"),
        ],
        objects=supervisions,
        row=row,
        total=total,
        printed_on=today,
    )


def register():
    register_print(
        LEDGER_KEY,
        PrintRegister(
            title=gettext_lazy("督办台账"),
            build=supervision_ledger,
            permission="core.view_deadline",
            params=("year", "unit", "status", "township"),
        ),
    )
