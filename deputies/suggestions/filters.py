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
    # the free-text 提出时间段 (第十九届人大第二次会议期间 …): a session's suggestions, to assign them together
    session = django_filters.CharFilter(label=_("提出时间段"), lookup_expr="icontains")
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
    # a deputy's 待我评价 (their home links here): answers they signed and have not rated yet
    awaiting = django_filters.ChoiceFilter(
        label=_("待我评价"), choices=[(AWAITING_ME, _("待我评价"))], method="filter_awaiting"
    )

    class Meta:
        model = Suggestion
        fields = ["q", "state", "year", "session", "lead_unit", "deputy", "is_hard", "awaiting"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from .access import own_deputy

        if own_deputy(user) is None:
            del self.filters["awaiting"]
        self.filters["deputy"].queryset = self.filters["deputy"].queryset.order_by("name")
        self.filters["lead_unit"].queryset = self.filters["lead_unit"].queryset.order_by("name")

    def search(self, queryset, name, value):
        value = value.strip()
        q = Q(title__icontains=value) | Q(content__icontains=value)
        if value.isdigit():
            q |= Q(sequence=int(value))
        return queryset.filter(q)

    def filter_awaiting(self, queryset, name, value):
        """The list's queryset carries i_signed / i_rated for a deputy (with_list_annotations)."""
        if value != AWAITING_ME or "i_rated" not in queryset.query.annotations:
            return queryset
        return queryset.filter(state=SuggestionState.REPLIED, i_signed=True, i_rated=False)

    def filter_hard(self, queryset, name, value):
        return queryset.filter(is_hard=True) if value else queryset
