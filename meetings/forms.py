"""Forms of the meetings pages: input only; the rules live in meetings.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.cases import RATING_CHOICES
from congress_office.forms import DATETIME_LOCAL_FORMATS, DateInput, DateTimeLocalInput
from deputies.models import Deputy

from .choices import (
    AttendanceStatus,
    Choice,
    ConvenedBy,
    DocumentPurpose,
    MeetingKind,
    MotionKind,
    MotionSource,
    ProjectSource,
    VoteMethod,
)

TEXTAREA = {"rows": 3}


def datetime_field(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_LOCAL_FORMATS,
        help_text=help_text,
    )


class DeputyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    starts_at = datetime_field(_("会议时间"))
    place = forms.CharField(label=_("会议地点"), max_length=100, required=False)
    motion_deadline = datetime_field(
        _("议案截止时间"), required=False, help_text=_("人民代表大会会议：代表联名提出议案的截止时间。")
    )
    convened_by = forms.ChoiceField(
        label=_("临时会议的召集依据"),
        choices=[(ConvenedBy.PRESIDIUM, ConvenedBy.PRESIDIUM.label), (ConvenedBy.DEPUTIES, ConvenedBy.DEPUTIES.label)],
        required=False,
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(label=_("主席团决定"), max_length=200, required=False)
    proposers = DeputyChoiceField(
        label=_("提议召开的代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("五分之一以上代表联名提议召开临时会议时勾选。"),
    )

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        from deputies.choices import DeputyStatus

        today = timezone.localdate()
        self.fields["proposers"].queryset = Deputy.objects.filter(
            township=township, status=DeputyStatus.ACTIVE, term__start_date__lte=today, term__end_date__gte=today
        ).order_by("name")

    def values(self):
        data = dict(self.cleaned_data)
        data["convened_by"] = data.get("convened_by") or None
        data["proposers"] = list(data.get("proposers") or [])
        return data


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("议程"), max_length=200)
    presenter = forms.CharField(label=_("报告人"), max_length=60, required=False)
    materials = forms.CharField(
        label=_("会议材料"), required=False, widget=forms.Textarea(attrs=TEXTAREA), help_text=_("每行一份材料")
    )
    needs_vote = forms.BooleanField(label=_("需要表决"), required=False)


class MaterialForm(forms.Form):
    title = forms.CharField(
        label=_("材料或准备事项"), max_length=200, help_text=_("如：镇人民政府工作报告（审议稿）、会场布置")
    )
    owner = forms.ModelChoiceField(label=_("负责人"), queryset=None)
    due_date = forms.DateField(label=_("完成期限"), widget=DateInput(), help_text=_("到期前后提醒负责人和人大办。"))

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        from congress_office.models import User
        from congress_office.roles import Role

        self.fields["owner"].queryset = (
            User.objects.filter(township=township, is_active=True, groups__name__in=[Role.CLERK, Role.CHAIR])
            .distinct()
            .order_by("name")
        )
        self.fields["owner"].label_from_instance = lambda u: u.display_name


class ObserverForm(forms.Form):
    name = forms.CharField(label=_("列席人员"), max_length=30)
    unit = forms.CharField(label=_("单位及职务"), max_length=100, required=False)


class MarkForm(forms.Form):
    deputy = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=[(s, s.label) for s in (AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)]
    )


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("请假事由"), max_length=200)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("签到码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "form-control-lg"}
        ),
        help_text=_("输入会场屏幕上显示的签到码。"),
    )


class VoteOpenForm(forms.Form):
    title = forms.CharField(label=_("表决事项"), max_length=200, required=False)
    method = forms.ChoiceField(label=_("表决方式"), choices=VoteMethod.choices, initial=VoteMethod.HANDS)


class VoteCloseForm(forms.Form):
    yes = forms.IntegerField(label=_("赞成"), min_value=0, required=False)
    no = forms.IntegerField(label=_("反对"), min_value=0, required=False)
    abstain = forms.IntegerField(label=_("弃权"), min_value=0, required=False)


class BallotForm(forms.Form):
    choice = forms.ChoiceField(label=_("表决意见"), choices=Choice.choices, widget=forms.RadioSelect)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 10}), required=False)


class ResolutionForm(forms.Form):
    issuing_body = forms.ModelChoiceField(label=_("发文机关"), queryset=None)
    doc_type = forms.ChoiceField(label=_("文种"), choices=[("resolution", _("决议")), ("decision", _("决定"))])

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        from documents.models import IssuingBody

        self.fields["issuing_body"].queryset = IssuingBody.objects.filter(township=township, is_active=True)


class MeetingDocumentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("文件"), choices=DocumentPurpose.choices)
    issuing_body = forms.ModelChoiceField(label=_("发文机关"), queryset=None)

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        from documents.models import IssuingBody

        self.fields["issuing_body"].queryset = IssuingBody.objects.filter(township=township, is_active=True)


class MotionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=MotionKind.choices, initial=MotionKind.ORDINARY)
    source = forms.ChoiceField(label=_("提出者"), choices=MotionSource.choices, initial=MotionSource.DEPUTIES)
    title = forms.CharField(label=_("案由"), max_length=200)
    content = forms.CharField(label=_("案据和方案"), widget=forms.Textarea(attrs={"rows": 6}))
    lead = forms.ModelChoiceField(label=_("领衔代表"), queryset=Deputy.objects.none(), required=False)
    co_signers = DeputyChoiceField(
        label=_("联名代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("所选代表收到通知后在手机上确认联名，或由人大办登记纸质签名。"),
    )

    def __init__(self, *args, meeting, office, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import legal_members

        members = legal_members(township_id=meeting.township_id, term_id=meeting.term_id, kind=meeting.kind).order_by(
            "name"
        )
        self.fields["co_signers"].queryset = members
        self.fields["lead"].queryset = members
        self.fields["lead"].label_from_instance = lambda d: d.name
        if not office:  # a deputy moves in their own name only
            del self.fields["lead"]
            self.fields["source"].choices = [(MotionSource.DEPUTIES, MotionSource.DEPUTIES.label)]

    def values(self):
        data = dict(self.cleaned_data)
        data["co_signers"] = list(data.get("co_signers") or [])
        return data


class MotionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("主席团决定"),
        choices=[("list", _("列入大会议程")), ("not_list", _("不列入议程")), ("as_suggestion", _("作为代表建议处理"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    description = forms.CharField(label=_("项目内容"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    source = forms.ChoiceField(label=_("来源"), choices=ProjectSource.choices, widget=forms.RadioSelect)
    proposer = forms.ModelChoiceField(label=_("提出代表"), queryset=Deputy.objects.none(), required=False)
    budget = forms.DecimalField(label=_("预算（万元）"), required=False, min_value=0, max_digits=10, decimal_places=2)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import legal_members

        self.fields["proposer"].queryset = legal_members(
            township_id=meeting.township_id, term_id=meeting.term_id, kind=meeting.kind
        ).order_by("name")
        self.fields["proposer"].label_from_instance = lambda d: d.name


class ProjectVoteForm(forms.Form):
    method = forms.ChoiceField(label=_("表决方式"), choices=VoteMethod.choices, initial=VoteMethod.PHONE)


class ProjectAssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("实施单位"), queryset=None)

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        from congress_office.models import Unit

        self.fields["lead_unit"].queryset = Unit.objects.filter(township=township, is_active=True).order_by("name")


class ProjectReportForm(forms.Form):
    content = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    progress = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)


class ProjectRateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=RATING_CHOICES, widget=forms.RadioSelect)


class OpinionForm(forms.Form):
    title = forms.CharField(label=_("审议事项"), max_length=200)
    content = forms.CharField(label=_("审议意见"), widget=forms.Textarea(attrs={"rows": 5}))


class OpinionAssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("落实单位"), queryset=None)
    note = forms.CharField(label=_("交办意见"), required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        from congress_office.models import Unit

        self.fields["lead_unit"].queryset = Unit.objects.filter(township=township, is_active=True).order_by("name")


class OpinionSuperviseForm(forms.Form):
    content = forms.CharField(label=_("督办意见"), widget=forms.Textarea(attrs=TEXTAREA))
    reply_by = forms.DateField(label=_("要求反馈日期"), required=False, widget=DateInput())


class OpinionReplyForm(forms.Form):
    content = forms.CharField(label=_("落实情况"), widget=forms.Textarea(attrs={"rows": 5}))


class OpinionRateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("主席团评价"), choices=RATING_CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
