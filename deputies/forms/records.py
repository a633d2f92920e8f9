"""Forms of the records pages: the year (and, for county-wide users, township) selector, the
scoring table of the group assessment, and the presidium's award confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from congress_office.models import Township

from ..choices import ActivityType
from ..models import Award, Deputy, DeputyGroup


class RecordScopeForm(forms.Form):
    """GET form: which year, and for county-wide users which township."""

    township = forms.ModelChoiceField(
        label=_("乡镇"), queryset=Township.objects.none(), to_field_name="code", required=False, empty_label=None
    )
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())

    def __init__(self, *args, user, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, _("%(y)s年") % {"y": y}) for y in years]
        if user.is_county_wide:
            self.fields["township"].queryset = Township.objects.visible_to(user).filter(is_active=True)
        else:
            del self.fields["township"]


class GroupScoringForm(forms.Form):
    """Points per activity type (one field each), per training attended and per reception day,
    and the number of groups and deputies to propose."""

    training_points = forms.DecimalField(label=_("参加代表培训（每次）"), min_value=0, max_value=100, decimal_places=1)
    reception_points = forms.DecimalField(
        label=_("参加代表接待日（每次）"), min_value=0, max_value=100, decimal_places=1
    )
    excellent_groups = forms.IntegerField(label=_("推荐先进代表小组数"), min_value=0, max_value=50)
    excellent_deputies = forms.IntegerField(label=_("推荐优秀代表数"), min_value=0, max_value=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in ActivityType.choices:
            self.fields[self.points_field(value)] = forms.DecimalField(
                label=label,
                min_value=0,
                max_value=100,
                decimal_places=1,
            )
        # activity types first, in the order of the choices
        order = [self.points_field(v) for v in ActivityType.values]
        self.order_fields(order + ["training_points", "reception_points", "excellent_groups", "excellent_deputies"])

    @staticmethod
    def points_field(value):
        return f"points_{value}"

    def activity_fields(self):
        return [self[self.points_field(v)] for v in ActivityType.values]

    def other_fields(self):
        names = ("training_points", "reception_points", "excellent_groups", "excellent_deputies")
        return [self[name] for name in names]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "points": {v: data[self.points_field(v)] for v in ActivityType.values},
            "training_points": data["training_points"],
            "reception_points": data["reception_points"],
            "excellent_groups": data["excellent_groups"],
            "excellent_deputies": data["excellent_deputies"],
        }


class AwardConfirmForm(forms.Form):
    """One row of the ranking confirmed by the presidium: the kind and the group's or
    deputy's id, looked up within the township."""

    kind = forms.ChoiceField(choices=Award.Kind.choices)
    target = forms.IntegerField(min_value=1)

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township

    def clean(self):
        cleaned = super().clean()
        kind, pk = cleaned.get("kind"), cleaned.get("target")
        if kind and pk:
            model = DeputyGroup if kind == Award.Kind.GROUP else Deputy
            target = model.objects.filter(township=self.township, pk=pk).first()
            if target is None:
                raise forms.ValidationError(_("找不到该代表小组或代表。"))
            cleaned["target"] = target
        return cleaned
