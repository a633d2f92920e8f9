"""LookupSelectMultiple: a search-as-you-type multiple choice for a ModelMultipleChoiceField.

The multiple-choice sibling of congress_office.widgets.LookupSelect: it renders a <select multiple>
holding only the chosen options (one query for their labels), so the form submits the ids and the
field validates them against its queryset, and a page never lists thousands of rows.
static/js/lookup-multi.js turns every select[data-lookup-multiple] into a search box over the core's
lookup view (`core:lookup`, JSON [{id, text}]) with the chosen rows as removable chips. Without
JavaScript it stays a multiple select of the chosen rows (untick to remove).
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LookupSelectMultiple(forms.SelectMultiple):
    def __init__(self, kind, attrs=None):
        super().__init__(attrs)
        self.kind = kind

    def selected_choices(self, value):
        ids = [int(v) for v in value if str(v).isdigit()]
        if not ids:
            return []
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None:
            wanted = {str(v) for v in ids}
            return [(k, label) for k, label in iterator if str(k) in wanted]
        return [iterator.choice(obj) for obj in queryset.filter(pk__in=ids)]

    def optgroups(self, name, value, attrs=None):
        return [
            (None, [self.create_option(name, option_value, label, True, index, attrs=attrs)], index)
            for index, (option_value, label) in enumerate(self.selected_choices(value))
        ]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-lookup-multiple": reverse("core:lookup", args=[self.kind]),
                "data-lookup-placeholder": str(_("输入姓名搜索并添加")),
                "data-lookup-none": str(_("没有匹配项")),
                "data-lookup-remove": str(_("移除")),
                "data-lookup-chosen-none": str(_("尚未添加")),
            }
        )
        return context
