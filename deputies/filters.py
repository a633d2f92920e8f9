import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from congress_office.filters import VisibleChoicesFilterSet
from congress_office.forms import DateInput
from congress_office.widgets import LookupSelect

from .choices import ActivityStatus, ActivityType, DeputyStatus
from .models import Activity, Deputy, DeputyGroup, District, ReceptionDay, Term


class DeputyFilterSet(VisibleChoicesFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    term = django_filters.ModelChoiceFilter(label=_("届次"), queryset=Term.objects.all(), widget=LookupSelect("term"))
    district = django_filters.ModelChoiceFilter(
        label=_("选区"), queryset=District.objects.all(), widget=LookupSelect("district")
    )
    group = django_filters.ModelChoiceFilter(
        label=_("代表小组"), queryset=DeputyGroup.objects.all(), widget=LookupSelect("group")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DeputyStatus.choices)
    # a checkbox: unticked (the default) hides terminated deputies, ticked shows them too
    include_terminated = django_filters.BooleanFilter(
        label=_("含已终止资格的代表"), method="filter_terminated", widget=forms.CheckboxInput()
    )

    class Meta:
        model = Deputy
        fields = ["q", "term", "district", "group", "status", "include_terminated"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(work_unit__icontains=value) | Q(phone__icontains=value))

    def filter_terminated(self, queryset, name, value):
        return queryset

    @property
    def qs(self):
        qs = super().qs
        data = self.form.cleaned_data if self.form.is_bound and self.form.is_valid() else {}
        if not data.get("include_terminated") and data.get("status") != DeputyStatus.TERMINATED:
            qs = qs.exclude(status=DeputyStatus.TERMINATED)
        return qs


class DistrictFilterSet(VisibleChoicesFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    term = django_filters.ModelChoiceFilter(label=_("届次"), queryset=Term.objects.all(), widget=LookupSelect("term"))

    class Meta:
        model = District
        fields = ["q", "term"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(area__icontains=value))


class DeputyGroupFilterSet(VisibleChoicesFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), field_name="name", lookup_expr="icontains")
    term = django_filters.ModelChoiceFilter(label=_("届次"), queryset=Term.objects.all(), widget=LookupSelect("term"))

    class Meta:
        model = DeputyGroup
        fields = ["q", "term"]


class ActivityFilterSet(VisibleChoicesFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    type = django_filters.ChoiceFilter(label=_("活动类型"), choices=ActivityType.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ActivityStatus.choices)
    group = django_filters.ModelChoiceFilter(
        label=_("代表小组"), queryset=DeputyGroup.objects.all(), widget=LookupSelect("group")
    )
    date_after = django_filters.DateFilter(label=_("日期起"), field_name="date", lookup_expr="gte", widget=DateInput())
    date_before = django_filters.DateFilter(label=_("日期止"), field_name="date", lookup_expr="lte", widget=DateInput())

    class Meta:
        model = Activity
        fields = ["q", "type", "status", "group", "date_after", "date_before"]

    def search(self, queryset, name, value):
        # EXISTS, not a join: a join repeats an activity once per matching participant (DISTINCT
        # over millions of participant rows to undo it)
        named = Activity.participants.through.objects.filter(activity=OuterRef("pk"), deputy__name__icontains=value)
        return queryset.filter(Q(title__icontains=value) | Q(place__icontains=value) | Exists(named))


class ReceptionDayFilterSet(VisibleChoicesFilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("选区"), queryset=District.objects.all(), widget=LookupSelect("district")
    )
    date_after = django_filters.DateFilter(label=_("日期起"), field_name="date", lookup_expr="gte", widget=DateInput())
    date_before = django_filters.DateFilter(label=_("日期止"), field_name="date", lookup_expr="lte", widget=DateInput())

    class Meta:
        model = ReceptionDay
        fields = ["district", "date_after", "date_before"]
