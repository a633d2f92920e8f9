from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import SubjectKind

TEXTAREA = {"rows": 3}


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("方案名称"), max_length=200, required=False, help_text=_("不填则按乡镇和年度命名"))
    copy_last_year = forms.BooleanField(label=_("沿用上一年度方案（考核类别、指标、权重和考核对象）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", timezone.localdate().year)


class TypeForm(forms.Form):
    name = forms.CharField(label=_("考核类别"), max_length=60, help_text=_("如：经济发展类、社会管理类"))


class IndicatorForm(forms.Form):
    assessment_type = forms.ModelChoiceField(label=_("考核类别"), queryset=None)
    name = forms.CharField(label=_("考核指标"), max_length=100)
    weight = forms.IntegerField(label=_("权重（分）"), min_value=1, max_value=100)
    goal = forms.CharField(label=_("预期目标"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    source = forms.ChoiceField(label=_("系统数据来源（可选）"), required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from congress_office.registries import unit_indicators

        self.fields["assessment_type"].queryset = plan.types.all()
        self.fields["source"].choices = [("", "—")] + [(key, entry.label) for key, entry in unit_indicators.items()]


class SubjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("考核对象类别"), choices=SubjectKind.choices)
    name = forms.CharField(label=_("名称或姓名"), max_length=60)
    position = forms.CharField(label=_("职务"), max_length=100, required=False)
    assessment_type = forms.ModelChoiceField(label=_("考核类别"), queryset=None)
    unit = forms.ModelChoiceField(label=_("分管单位（可选）"), queryset=None, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from congress_office.models import Unit

        self.fields["assessment_type"].queryset = plan.types.all()
        self.fields["unit"].queryset = Unit.objects.filter(township_id=plan.township_id, is_active=True)


class CorrectionForm(forms.Form):
    new_value = forms.DecimalField(label=_("更正后得分"), min_value=0, max_digits=5, decimal_places=2)
    reason = forms.CharField(label=_("更正理由"), widget=forms.Textarea(attrs=TEXTAREA))


class TargetForm(forms.Form):
    title = forms.CharField(label=_("目标任务"), max_length=200)
    goal = forms.CharField(label=_("预期目标"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    responsible_dept = forms.CharField(label=_("承担部门"), max_length=60)
    leading_dept = forms.CharField(label=_("主导部门"), max_length=60)
    assessing_dept = forms.CharField(label=_("考核部门"), max_length=60)


class TargetReportForm(forms.Form):
    target = forms.ModelChoiceField(label=_("目标任务"), queryset=None)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    content = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = subject.targets.all()
        self.initial.setdefault("month", timezone.localdate().month)


class TargetCheckForm(forms.Form):
    target = forms.ModelChoiceField(label=_("目标任务"), queryset=None)
    finding = forms.CharField(label=_("核查情况"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = subject.targets.all()
