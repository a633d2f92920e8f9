import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congress_office.filters import VisibleChoicesFilterSet
from congress_office.models import Unit
from congress_office.widgets import LookupSelect

from ..models import Deputy
from .models import Suggestion, SuggestionState

AWAITING_ME = "me"


class SuggestionFilterSet(VisibleChoicesFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=SuggestionState.choices)
    year = django_filters.NumberFilter(label=_("年度"))
    lead_unit = django_filters.ModelChoiceFilter(
        label=_("主办单位"), queryset=Unit.objects.all(), widget=LookupSelect("unit")
    )
    deputy = django_filters.ModelChoiceFilter(
        label=_("提出代表"),
        queryset=Deputy.objects.all(),
        field_name="signers__deputy",
        distinct=True,
        widget=LookupSelect("deputy"),
    )
    is_hard = django_filters.BooleanFilter(label=_("仅看难度大的"), method="filter_hard", widget=forms.CheckboxInput())

    class Meta:
        model = Suggestion
        fields = ["q", "state", "year", "lead_unit", "deputy", "is_hard"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.filters["deputy"].queryset = self.filters["deputy"].queryset.order_by("name")
        self.filters["lead_unit"].queryset = self.filters["lead_unit"].queryset.order_by("name")

    def search(self, queryset, name, value):
        value = value.strip()
        q = Q(title__icontains=value) | Q(content__icontains=value)
        if value.isdigit():
            q |= Q(sequence=int(value))
        return queryset.filter(q)

    def filter_hard(self, queryset, name, value):
        return queryset.filter(is_hard=True) if value else queryset
