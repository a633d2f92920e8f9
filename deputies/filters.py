import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congress_office.filters import VisibleChoicesFilterSet
from congress_office.forms import DateInput
from congress_office.personal_numbers import normalise_id_number, normalise_phone
from congress_office.roles import Role
from congress_office.widgets import LookupSelect

from .choices import ActivityStatus, ActivityType, DeputyStatus
from .models import Activity, Deputy, DeputyGroup, District, ReceptionDay, Term, deputy_id_hash, deputy_phone_hash

# what a search for a whole phone number (7 digits and more, a landline with its area code) or
# an 18-character ID number looks like
PHONE_LIKE_RE = re.compile(r"^\d{7,15}$")
ID_LIKE_RE = re.compile(r"^\d{17}[\dX]$")


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
        """Name or work unit; a whole phone or ID number through its keyed hash (both are
        encrypted: a part of one cannot be searched)."""
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value) | Q(work_unit__icontains=value)
        compact = normalise_id_number(value)
        if ID_LIKE_RE.match(compact):
            return queryset.filter(condition | Q(id_hash=deputy_id_hash(compact)))
        phone = normalise_phone(value)
        if PHONE_LIKE_RE.match(phone):
            condition |= Q(phone_hash=deputy_phone_hash(phone))
        return queryset.filter(condition)

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
    # a deputy's own entries, or the confirmed ones of others that name them (deputies only)
    mine = django_filters.ChoiceFilter(
        label=_("范围"), choices=[("logged", _("我填报的")), ("joined", _("我参与的"))], method="filter_mine"
    )

    class Meta:
        model = Activity
        fields = ["q", "type", "status", "group", "date_after", "date_before", "mine"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.user.has_role(Role.DEPUTY) and not self.user.has_role(Role.CLERK)):
            del self.filters["mine"]

    def filter_mine(self, queryset, name, value):
        if value == "logged":
            return queryset.filter(submitted_by=self.user)
        taking_part = Activity.participants.through.objects.filter(deputy__user=self.user)
        return queryset.filter(pk__in=taking_part.values("activity_id")).exclude(submitted_by=self.user)

    def search(self, queryset, name, value):
        """Title, place, or the name of a participant. The deputies so named are read first (one
        query over the register, a few thousand rows): a topic such as 调研 names nobody, and the
        activities are then matched on their own columns, with no lookup of participants per
        activity; a name gives the activities of those deputies as one IN, never a join (a join
        repeats an activity once per matching participant)."""
        condition = Q(title__icontains=value) | Q(place__icontains=value)
        named = list(Deputy.objects.filter(name__icontains=value).values_list("pk", flat=True))
        if named:
            taking_part = Activity.participants.through.objects.filter(deputy_id__in=named)
            condition |= Q(pk__in=taking_part.values("activity_id"))
        return queryset.filter(condition)


class ReceptionDayFilterSet(VisibleChoicesFilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("选区"), queryset=District.objects.all(), widget=LookupSelect("district")
    )
    date_after = django_filters.DateFilter(label=_("日期起"), field_name="date", lookup_expr="gte", widget=DateInput())
    date_before = django_filters.DateFilter(label=_("日期止"), field_name="date", lookup_expr="lte", widget=DateInput())

    class Meta:
        model = ReceptionDay
        fields = ["district", "date_after", "date_before"]
