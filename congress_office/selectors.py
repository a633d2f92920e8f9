"""Reads for the core's pages. Each returns a fixed number of queries whatever the row count."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Deadline, DeadlineState, Notification, Township, Unit
from .models.deadlines import PENDING_STATES
from .registries import deadline_kinds
from .workdays import start_of_day


def deadline_list(*, user, filters=None):
    from .filters import DeadlineFilterSet

    qs = Deadline.objects.visible_to(user).select_related("township", "responsible_unit", "responsible_user")
    return DeadlineFilterSet(filters, queryset=qs, user=user)


def deadline_get(*, user, pk):
    return (
        Deadline.objects.visible_to(user)
        .select_related("township", "responsible_unit", "responsible_user", "created_by")
        .prefetch_related("extensions__approver", "extensions__requested_by", "reminders")
        .get(pk=pk)
    )


# "due soon" on the dashboards: pending and due within this many days from today (inclusive)
DUE_SOON_DAYS = 7


def deadline_counts(*, user, today=None):
    """Counters for dashboards: two queries, each on an index of its own (the pending deadlines
    are a partial index; met ones are read from the month's start, an aware datetime, never
    through a date cast that no index serves). The deadline list's filters reproduce each count
    (state=pending / state=overdue / the due-date window / met_after), so a counter's link
    lists exactly what it counted."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    visible = Deadline.objects.visible_to(user)
    counts = visible.filter(state__in=PENDING_STATES).aggregate(
        pending=Count("pk"),
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        due_this_week=Count("pk", filter=Q(due_date__gte=today, due_date__lte=soon)),
        extended=Count("pk", filter=Q(state=DeadlineState.EXTENDED)),
    )
    counts["met_this_month"] = visible.filter(
        state=DeadlineState.MET, met_at__gte=start_of_day(today.replace(day=1))
    ).count()
    return counts


def deadline_counts_by_unit(*, user, today=None):
    today = today or timezone.localdate()
    return list(
        Deadline.objects.visible_to(user)
        .filter(state__in=PENDING_STATES)
        .values("responsible_unit", "responsible_unit__name")
        .annotate(pending=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by("-overdue", "-pending")[:12]
    )


def township_overview(*, user, today=None):
    """County view: per township its pending and overdue deadlines and those met this year;
    three queries whatever the number of townships (each count grouped by township)."""
    today = today or timezone.localdate()
    visible = Deadline.objects.visible_to(user)
    pending = {
        row["township"]: row
        for row in visible.filter(state__in=PENDING_STATES)
        .values("township")
        .annotate(pending=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by()
    }
    met = dict(
        visible.filter(state=DeadlineState.MET, met_at__gte=start_of_day(today.replace(month=1, day=1)))
        .values("township")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("township", "n")
    )
    townships = list(Township.objects.visible_to(user).order_by("code"))
    for township in townships:
        row = pending.get(township.pk, {})
        township.pending, township.overdue = row.get("pending", 0), row.get("overdue", 0)
        township.met = met.get(township.pk, 0)
    return townships


def deadline_subject_url(deadline):
    """The page of the deadline's subject: what its kind's `subject_url` says, else the
    subject's get_absolute_url(); "" when it has none (or the subject is gone)."""
    if deadline.subject_type_id is None or deadline.subject_id is None:
        return ""
    model = deadline.subject_type.model_class()
    subject = model._base_manager.filter(pk=deadline.subject_id).first() if model is not None else None
    if subject is None:
        return ""
    spec = deadline_kinds.get(deadline.kind)
    if spec is not None and spec.subject_url is not None:
        return spec.subject_url(subject) or ""
    get_url = getattr(subject, "get_absolute_url", None)
    return get_url() if get_url else ""


def my_open_deadlines(*, user, limit=8):
    return list(
        Deadline.objects.visible_to(user).pending().select_related("responsible_unit").order_by("due_date")[:limit]
    )


def unit_list(*, user, filters=None):
    from .filters import UnitFilterSet

    # an aggregating query ignores Meta.ordering, so the order is spelled out (stable pages)
    qs = (
        Unit.objects.visible_to(user)
        .select_related("township")
        .annotate(pending_deadlines=Count("deadlines", filter=Q(deadlines__state__in=PENDING_STATES)))
        .order_by("township__code", "kind", "name", "pk")
    )
    return UnitFilterSet(filters, queryset=qs, user=user)


def notification_list(*, user):
    return Notification.objects.visible_to(user)


def kind_label(kind):
    spec = deadline_kinds.get(kind)
    return spec.label if spec else kind


def history_of(obj, *, limit=50):
    """The change history of `obj`: who, when, and field by field what changed. Two queries,
    plus one per kind of related object whose foreign key or many-to-many set changed (shown by
    name, not id)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    diffs = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(diffs) == limit:
            break
        diffs.append((newer, newer.diff_against(older).changes if older is not None else []))
    related = defaultdict(set)
    for _newer, changes in diffs:
        for change in changes:
            field = obj._meta.get_field(change.field)
            if field.many_to_one:
                related[field.related_model].update(v for v in (change.old, change.new) if v is not None)
            elif field.many_to_many:
                key = field.m2m_reverse_field_name()
                related[field.related_model].update(row[key] for row in [*(change.old or []), *(change.new or [])])
    names = {model: model._base_manager.in_bulk(pks) for model, pks in related.items()}
    entries = []
    for newer, changes in diffs:
        shown = []
        for change in changes:
            field = obj._meta.get_field(change.field)
            shown.append(
                {
                    "field": field.verbose_name,
                    "old": _display(field, change.old, names),
                    "new": _display(field, change.new, names),
                }
            )
        entries.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "type": newer.get_history_type_display(),
                "changes": shown,
            }
        )
    return entries


def _display(field, value, names):
    if field.many_to_many:
        # simple_history keeps the through rows: show the related objects' names
        key = field.m2m_reverse_field_name()
        targets = names.get(field.related_model, {})
        shown = [str(targets.get(row[key], f"#{row[key]}")) for row in value or []]
        return "、".join(shown) or "—"
    if value in (None, ""):
        return "—"
    if field.many_to_one:
        target = names.get(field.related_model, {}).get(value)
        return str(target) if target is not None else f"#{value}"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value
