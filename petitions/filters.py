"""The petition list's filters (one FilterSet per list, a `q` search)."""

import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.crypto import keyed_hash
from congress_office.filters import VisibleChoicesFilterSet
from congress_office.forms import DateInput
from congress_office.models import Township, Unit
from congress_office.personal_numbers import normalise_id_number, normalise_phone
from congress_office.widgets import LookupSelect

from .choices import Category, Channel, PetitionState
from .models import Petition, Subject

# "青信〔2026〕12号", "2026-12", "〔2026〕12": a petition's number
NUMBER_RE = re.compile(r"(\d{4})\D+(\d{1,6})\D*$")
PHONE_LIKE_RE = re.compile(r"^\d{7,13}$")
ID_LIKE_RE = re.compile(r"^\d{17}[\dX]$")


def pending_deadlines_of(petition_ref=None):
    """Pending deadlines whose subject is the petition `petition_ref` (an OuterRef, default the
    outer query's pk), or one of the petitions whose ids are listed."""
    from django.contrib.contenttypes.models import ContentType

    from congress_office.models import Deadline
    from congress_office.models.deadlines import PENDING_STATES

    subject = (
        {"subject_id__in": petition_ref}
        if isinstance(petition_ref, list)
        else {"subject_id": petition_ref or OuterRef("pk")}
    )
    return Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(Petition), state__in=PENDING_STATES, **subject
    )


class PetitionFilterSet(VisibleChoicesFilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"), method="search", help_text=_("事由、信访人、住址、编号；也可输入完整的电话或身份证号")
    )
    state = django_filters.ChoiceFilter(label=_("状态"), choices=PetitionState.choices)
    channel = django_filters.ChoiceFilter(label=_("信访方式"), choices=Channel.choices)
    category = django_filters.ChoiceFilter(label=_("信访类别"), choices=Category.choices)
    subject = django_filters.ModelChoiceFilter(
        label=_("事项分类"), queryset=Subject.objects.all(), widget=LookupSelect("subject")
    )
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇"), queryset=Township.objects.all(), widget=LookupSelect("township")
    )
    lead_unit = django_filters.ModelChoiceFilter(
        label=_("主办单位"), queryset=Unit.objects.all(), widget=LookupSelect("unit")
    )
    received_after = django_filters.DateFilter(
        label=_("收到日期起"), field_name="received_on", lookup_expr="gte", widget=DateInput()
    )
    received_before = django_filters.DateFilter(
        label=_("收到日期止"), field_name="received_on", lookup_expr="lte", widget=DateInput()
    )
    repeat = django_filters.BooleanFilter(label=_("仅重复信访"), method="filter_repeat", widget=forms.CheckboxInput())
    overdue = django_filters.BooleanFilter(label=_("仅逾期"), method="filter_overdue", widget=forms.CheckboxInput())

    class Meta:
        model = Petition
        fields = [
            "q",
            "state",
            "channel",
            "category",
            "subject",
            "township",
            "lead_unit",
            "received_after",
            "received_before",
            "repeat",
            "overdue",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not user.is_county_wide:
            del self.filters["township"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # personal data is encrypted: a full phone or ID number is found through its keyed hash
        compact = normalise_id_number(value)
        if ID_LIKE_RE.match(compact):
            return queryset.filter(id_hash=keyed_hash(compact))
        phone = normalise_phone(value)
        if PHONE_LIKE_RE.match(phone) and len(phone) >= 11:
            return queryset.filter(phone_hash=keyed_hash(phone))
        condition = (
            Q(title__icontains=value)
            | Q(petitioner_name__icontains=value)
            | Q(organisation__icontains=value)
            | Q(address__icontains=value)
            | Q(request__icontains=value)
        )
        number = NUMBER_RE.search(value)
        if number:
            condition |= Q(year=int(number.group(1)), sequence=int(number.group(2)))
        return queryset.filter(condition)

    def filter_repeat(self, queryset, name, value):
        return queryset.filter(repeat_of__isnull=False) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(pending_deadlines_of().filter(due_date__lt=timezone.localdate())))
