"""LookupSelect: a search-as-you-type <select> for a ModelChoiceField / ModelChoiceFilter.

It renders a <select> holding only the empty option ("全部") and the selected option, so the form
still submits the id and the field still validates it against its (visible) queryset, and a
page never lists thousands of rows. static/js/app.js turns every select[data-lookup-url] into
a search box that fills the options from the core's lookup view (`core:lookup`, JSON
[{id, text}]). Without JavaScript it stays a select with the chosen value and "全部".
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LookupSelect(forms.Select):
    def __init__(self, kind, attrs=None, empty_label=None):
        super().__init__(attrs)
        self.kind = kind
        self.empty_label = empty_label

    def selected_choices(self, value):
        """(value, label) of the selected rows: one query, only for a value that is an id."""
        ids = [int(v) for v in value if str(v).isdigit()]
        if not ids:
            return []
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None:  # plain choices: keep only the selected ones
            wanted = {str(v) for v in ids}
            return [(k, label) for k, label in iterator if str(k) in wanted]
        return [iterator.choice(obj) for obj in queryset.filter(pk__in=ids)]

    def optgroups(self, name, value, attrs=None):
        empty = self.empty_label if self.empty_label is not None else _("全部")
        choices = [("", empty), *self.selected_choices(value)]
        groups = []
        for index, (option_value, option_label) in enumerate(choices):
            option_value = "" if option_value is None else option_value
            selected = str(option_value) in value if option_value != "" else not any(v for v in value if v)
            groups.append(
                (None, [self.create_option(name, option_value, option_label, selected, index, attrs=attrs)], index)
            )
        return groups

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-lookup-url": reverse("core:lookup", args=[self.kind]),
                "data-lookup-placeholder": str(_("输入关键字搜索")),
                "data-lookup-none": str(_("没有匹配项")),
                "data-lookup-empty": str(self.empty_label if self.empty_label is not None else _("全部")),
            }
        )
        return context
