"""The statistics page's GET form: a year, or a range of months, and for county-wide users a
township; and the monthly report's month picker."""

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from congress_office.models import Township

from ..services.stats import MAX_PERIOD_MONTHS, Period

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthInput(forms.TextInput):
    input_type = "month"


def parse_month(value):
    """ "2026-03" → date(2026, 3, 1), or None."""
    match = MONTH_RE.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


class StatsPeriodForm(forms.Form):
    """GET form. Without a range of months the year applies (this year by default)."""

    township = forms.ModelChoiceField(
        label=_("乡镇"),
        queryset=Township.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("全部乡镇"),
    )
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    start = forms.CharField(label=_("起始月份"), required=False, widget=MonthInput(attrs={"placeholder": "2026-01"}))
    end = forms.CharField(label=_("截止月份"), required=False, widget=MonthInput(attrs={"placeholder": "2026-06"}))

    def __init__(self, *args, user, today, first_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        first = min(first_year or today.year, today.year)
        self.fields["year"].choices = [(y, _("%(y)s年") % {"y": y}) for y in range(today.year, first - 1, -1)]
        if user.is_county_wide:
            self.fields["township"].queryset = Township.objects.visible_to(user).filter(is_active=True)
        else:
            del self.fields["township"]

    def clean(self):
        data = super().clean()
        start_text, end_text = data.get("start"), data.get("end")
        if start_text or end_text:
            start, end = parse_month(start_text), parse_month(end_text or start_text)
            if start_text and start is None:
                self.add_error("start", _("请按“年-月”填写，如 2026-03。"))
            if end_text and end is None:
                self.add_error("end", _("请按“年-月”填写，如 2026-06。"))
            if start is None and end_text and not start_text:
                self.add_error("start", _("请同时填写起始月份。"))
            if start and end:
                if start > end:
                    self.add_error("end", _("截止月份不能早于起始月份。"))
                elif (end.year - start.year) * 12 + end.month - start.month + 1 > MAX_PERIOD_MONTHS:
                    self.add_error("end", _("统计期最长 %(n)s 个月。") % {"n": MAX_PERIOD_MONTHS})
                elif start > self.today:
                    self.add_error("start", _("起始月份不能晚于本月。"))
            data["start_month"], data["end_month"] = start, end
        return data

    def period(self):
        """The chosen period; this year when the form is unbound or invalid."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            if data.get("start_month") and data.get("end_month"):
                return Period.for_months(data["start_month"], data["end_month"])
            if data.get("year"):
                return Period.for_year(data["year"])
        return Period.for_year(self.today.year)

    def chosen_township(self):
        if "township" in self.fields and self.is_bound and self.is_valid():
            return self.cleaned_data.get("township")
        return None
