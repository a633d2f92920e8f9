import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Deadline, DeadlineState, Township, Unit, UnitKind
from .widgets import LookupSelect
from .workdays import start_of_day

PENDING = "pending"
ALL = "all"


class VisibleChoicesFilterSet(django_filters.FilterSet):
    """A FilterSet whose related-object choices are limited to what the user may see."""

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        self.user = user
        super().__init__(data, queryset, **kwargs)
        for f in self.filters.values():
            model_qs = getattr(f, "queryset", None)
            if model_qs is not None and hasattr(model_qs, "visible_to"):
                f.queryset = model_qs.visible_to(user)


class DeadlineFilterSet(VisibleChoicesFilterSet):
    """期限督办 opens on what is still to do (未办结, soonest due first); 全部 lists every state."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[(PENDING, _("未办结")), *DeadlineState.choices, (ALL, _("全部"))],
        method="filter_state",
        empty_label=None,
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("责任单位"), queryset=Unit.objects.all(), widget=LookupSelect("unit")
    )
    # the per-unit chart's bar of the deadlines no unit is responsible for (人大办)
    no_unit = django_filters.BooleanFilter(
        label=_("未指定单位"), field_name="responsible_unit", lookup_expr="isnull", widget=forms.HiddenInput()
    )
    due_after = django_filters.DateFilter(label=_("到期日起"), field_name="due_date", lookup_expr="gte")
    due_before = django_filters.DateFilter(label=_("到期日止"), field_name="due_date", lookup_expr="lte")
    met_after = django_filters.DateFilter(label=_("办结日起"), method="filter_met_after")
    # a county-wide user's 乡镇 (the county home's township rows link here); at most the county's
    # townships: a plain select
    township = django_filters.ModelChoiceFilter(label=_("乡镇"), queryset=Township.objects.all())

    class Meta:
        model = Deadline
        fields = ["q", "state", "responsible_unit", "no_unit", "due_after", "due_before", "met_after", "township"]

    def __init__(self, data=None, *args, user, **kwargs):
        # no state chosen (or an invalid one): 未办结, as the select shows it
        states = {value for value, _label in self.base_filters["state"].extra["choices"]}
        if data is None or data.get("state") not in states:
            data = data.copy() if data is not None else {}
            data["state"] = PENDING
        super().__init__(data, *args, user=user, **kwargs)
        if not user.is_county_wide:
            del self.filters["township"]

    def filter_state(self, queryset, name, value):
        """As the dashboard counts: 未办结 is every pending state; 已逾期 is pending and past due,
        whether or not the daily scan has marked it yet; 全部 is every state."""
        if value == ALL:
            return queryset
        if value == PENDING:
            return queryset.pending()
        if value == DeadlineState.OVERDUE:
            return queryset.overdue_on(timezone.localdate())
        return queryset.filter(state=value)

    def filter_met_after(self, queryset, name, value):
        # from the day's first moment (an index serves it; a date cast of met_at would not)
        return queryset.filter(met_at__gte=start_of_day(value))

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(note__icontains=value))


class UnitFilterSet(VisibleChoicesFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=UnitKind.choices)
    # at most the county's townships, and a township user's own only: a plain select
    township = django_filters.ModelChoiceFilter(label=_("乡镇"), queryset=Township.objects.all())
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = Unit
        fields = ["q", "kind", "township", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(contact__icontains=value))
