from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from .models import DeadlineRule, Holiday, Unit, User
from .roles import Role


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    """<input type="datetime-local">: the browser's own picker, in the format it sends."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class ConfirmForm(forms.Form):
    """Irreversible steps ask for an explicit confirmation, also without JavaScript. The
    confirmation stays the last field; `values()` is the rest of the cleaned data."""

    confirm_label = _("我已核对以上内容，确认提交（提交后不能撤回）")

    confirm = forms.BooleanField(required=True, error_messages={"required": _("请勾选确认后再提交。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = self.confirm_label
        self.order_fields([name for name in self.fields if name != "confirm"] + ["confirm"])

    def values(self):
        return {key: value for key, value in self.cleaned_data.items() if key != "confirm"}


class ExtensionDecisionForm(forms.Form):
    """A chair's decision on a case's pending extension request (any case type)."""

    APPROVE, REFUSE = "approve", "refuse"
    decision = forms.ChoiceField(
        label=_("审批意见"),
        choices=[(APPROVE, _("批准延期")), (REFUSE, _("不予批准"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予批准时必须填写理由，申请人将收到通知。"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REFUSE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("请填写不予批准的理由。"))
        return cleaned

    @property
    def approves(self):
        return self.cleaned_data.get("decision") == self.APPROVE


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["township", "name", "kind", "contact", "phone", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_county_wide:
            self.fields["township"].queryset = self.fields["township"].queryset.visible_to(user)
        else:
            del self.fields["township"]
            self.instance.township_id = user.township_id

    def validate_unique(self):
        # township is not a form field for township users; check the name clash ourselves
        super().validate_unique()
        clash = Unit.objects.filter(township_id=self.instance.township_id, name=self.cleaned_data.get("name"))
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if "township" not in self.fields and clash.exists():
            self.add_error("name", _("本乡镇已有同名承办单位。"))


class DeadlineForm(forms.Form):
    title = forms.CharField(label=_("督办事项"), max_length=200)
    responsible_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    start_date = forms.DateField(label=_("起算日"), widget=DateInput())
    rule = forms.ChoiceField(label=_("计算方式"), choices=DeadlineRule.choices, initial=DeadlineRule.WORKING_DAYS)
    limit = forms.IntegerField(label=_("期限"), min_value=1, max_value=3650)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.visible_to(user).active()


class DeadlineExtendForm(forms.Form):
    new_due_date = forms.DateField(label=_("延期至"), widget=DateInput(), required=False)
    extra = forms.IntegerField(label=_("或延长（按原计算方式）"), min_value=1, max_value=365, required=False)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))
    approver = forms.ModelChoiceField(label=_("批准人"), queryset=User.objects.none())

    def __init__(self, *args, deadline, user, **kwargs):
        super().__init__(*args, **kwargs)
        chairs = User.objects.with_role(Role.CHAIR).filter(township_id=deadline.township_id)
        self.fields["approver"].queryset = chairs
        if user.has_role(Role.CHAIR):
            self.fields["approver"].initial = user.pk

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("new_due_date") and not cleaned.get("extra"):
            raise forms.ValidationError(_("请填写延期后的到期日，或延长的期限。"))
        return cleaned


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name", "is_workday"]
        widgets = {"date": DateInput()}


class OfficePasswordChangeForm(PasswordChangeForm):
    """Django's form; its messages are already in Chinese."""


class CountyYearForm(forms.Form):
    """The county overview's GET form: the year (this year when absent or wrong)."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.fields["year"].choices = [(y, _("%(y)s年") % {"y": y}) for y in years]

    def chosen_year(self):
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return self.years[0]
