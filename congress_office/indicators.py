"""Figures the product computes for a handling unit over a period, from its own records, for the
assessments' indicators (the core's `unit_indicators` registry). Each returns (numerator,
denominator, url of the records counted); the apps add their own."""

from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .cases import Satisfaction
from .models import CaseRating, Deadline, DeadlineState
from .registries import UnitIndicator


def deadlines_met(unit, start, end, kind_prefix=""):
    """按期办结率: of the unit's deadlines (of one case type when `kind_prefix` is given) that fell
    due in the period, those met by the due date."""
    due = Deadline.objects.filter(responsible_unit=unit, due_date__gte=start, due_date__lte=end)
    if kind_prefix:
        due = due.filter(kind__startswith=kind_prefix)
    total = due.count()
    on_time = sum(
        1 for d in due.filter(state=DeadlineState.MET).only("met_on", "due_date") if d.met_on and d.met_on <= d.due_date
    )
    query = urlencode(
        {"state": "all", "responsible_unit": unit.pk, "due_after": start.isoformat(), "due_before": end.isoformat()}
    )
    return on_time, total, f"{reverse('core:deadline_list')}?{query}"


def on_time_of(kind_prefix):
    """按期办结率 of one case type's handling clocks (petitions., deputies.suggestion.)."""

    def compute(unit, start, end):
        return deadlines_met(unit, start, end, kind_prefix=kind_prefix)

    return compute


def satisfaction_of(model, list_url):
    """满意率 of the replies the unit gave on `model`'s cases in the period (满意 + 基本满意);
    `list_url(unit, start, end)` is the filtered list of the cases it counts."""

    def compute(unit, start, end):
        ratings = CaseRating.objects.filter(
            item_type=ContentType.objects.get_for_model(model),
            reply__unit=unit,
            rated_at__date__gte=start,
            rated_at__date__lte=end,
        ).exclude(satisfaction=Satisfaction.UNRATED)
        total = ratings.count()
        good = ratings.filter(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY]).count()
        return good, total, list_url(unit, start, end)

    return compute


def register():
    from .registries import unit_indicators

    unit_indicators.register("core.deadlines_met", UnitIndicator(label=_("期限按期办结率"), compute=deadlines_met))
