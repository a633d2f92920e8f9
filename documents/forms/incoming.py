"""Forms of the incoming pages (收文): input validation only; the rules (states, who may act,
clearance, secrecy periods) live in documents.services.incoming and the case type, whose
ValidationErrors the views map onto these forms."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.forms import ConfirmForm, DateInput, DateTimeLocalInput
from congress_office.models import Unit, User
from congress_office.roles import Role
from congress_office.uploads import allowed_extensions
from deputies.forms.activities import MultipleFileField, MultipleFileInput

from ..choices import DocType, Secrecy, Urgency
from ..models import validate_document_upload

TEXTAREA = {"rows": 4}
# a township derives classification from what it received; it never classifies on its own
SECRECY_HELP = _("乡镇只能依据来文标注的密级派生定密，不自行确定密级；涉密公文仅限具有相应涉密等级的人员签收、查阅。")


class ReceiveForm(forms.Form):
    """签收: who received it (the user) and when."""

    sender = forms.CharField(label=_("来文机关"), max_length=100)
    title = forms.CharField(label=_("标题"), max_length=200)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, required=False)
    secrecy = forms.ChoiceField(label=_("密级"), choices=Secrecy.choices, required=False, help_text=SECRECY_HELP)
    received_at = forms.DateTimeField(
        label=_("签收时间"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("默认为现在；补录时填写实际签收的时间，不能晚于现在。"),
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))


def files_field():
    return MultipleFileField(
        label=_("扫描件或电子文件"),
        file_validator=validate_document_upload,
        widget=MultipleFileInput(
            attrs={"accept": ",".join(f".{e}" for e in allowed_extensions()), "class": "form-control"}
        ),
        help_text=_("可选多个文件，单个不超过 %(mb)s MB；图片（JPG、PNG）或文档（PDF、Word、Excel、TXT）。")
        % {"mb": settings.DOCUMENT_UPLOAD_MAX_MB},
    )


class RegisterForm(forms.Form):
    """登记: the particulars; the 收文号 is assigned by the service."""

    sender_number = forms.CharField(
        label=_("来文字号"), max_length=60, required=False, help_text=_("如：县人办〔2026〕12号；无字号的可不填。")
    )
    doc_type = forms.ChoiceField(label=_("文种"), choices=[("", "—")] + list(DocType.choices), required=False)
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=9999, initial=1)
    pages = forms.IntegerField(label=_("页数"), min_value=1, max_value=9999, initial=1)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, required=False)
    secrecy = forms.ChoiceField(label=_("密级"), choices=Secrecy.choices, required=False, help_text=SECRECY_HELP)
    secrecy_years = forms.IntegerField(
        label=_("保密期限（年）"),
        min_value=1,
        max_value=30,
        required=False,
        help_text=_("按来文标注填写；涉密公文不填的，按该密级的最长期限（绝密 30 年、机密 20 年、秘密 10 年）。"),
    )
    files = files_field()

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sender_number", "doc_type", "copies", "pages", "urgency", "secrecy", "secrecy_years"):
            self.initial.setdefault(name, getattr(document, name))

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["secrecy"] = data.get("secrecy") or ""
        data["urgency"] = data.get("urgency") or ""
        return data


class CheckForm(forms.Form):
    """初审通过."""

    note = forms.CharField(
        label=_("初审意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("来文属本机关职权范围、手续完备的，初审通过；可不填。"),
    )


class ReturnForm(ConfirmForm):
    """初审退文, with the reason printed in the 退文说明."""

    confirm_label = _("确认退文（退文后本件不再办理，退文说明可打印送来文机关）")

    reason = forms.CharField(
        label=_("退文理由"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("写明退回的原因（如不属本机关职权范围、手续不全），将印入《退文说明》。"),
    )


class ProposeForm(forms.Form):
    proposal = forms.CharField(
        label=_("拟办意见"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("办公室提出的处理建议，如“拟请主席阅示，交××所办理”；提交后送主席团负责人批办。"),
    )


class InstructForm(forms.Form):
    instruction = forms.CharField(label=_("批办意见"), widget=forms.Textarea(attrs=TEXTAREA))


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("承办单位"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = (
            Unit.objects.filter(township_id=document.township_id).active().order_by("kind", "name")
        )


def reader_candidates(document):
    """The people a document can be circulated to: the office (clerks, chairs, auditors) and
    the units' handlers of its township, active accounts only; a document circulated to someone
    becomes visible to them (IncomingQuerySet.shared_filter). Those not cleared for its level
    stay on the list: the service refuses them by name."""
    roles = [Role.CLERK, Role.CHAIR, Role.AUDITOR, Role.UNIT_HANDLER]
    return (
        User.objects.filter(township_id=document.township_id, is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("name", "username")
    )


class CirculateForm(forms.Form):
    readers = forms.ModelMultipleChoiceField(
        label=_("传阅人员"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("所选人员打开本件即记录阅文时间；未阅的按期提醒。已在传阅名单中的不再列出。"),
    )

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        already = document.circulations.values("reader_id")
        self.fields["readers"].queryset = reader_candidates(document).exclude(pk__in=already)
        self.fields["readers"].label_from_instance = reader_label


def reader_label(user):
    roles = "、".join(str(label) for label in user.role_labels())
    return f"{user.display_name}（{roles}）" if roles else user.display_name


class SuperviseForm(ConfirmForm):
    confirm_label = _("确认发出督办通知（督办单编号发出后不再收回）")

    content = forms.CharField(label=_("催办意见"), widget=forms.Textarea(attrs=TEXTAREA))
    reply_by = forms.DateField(label=_("要求反馈日期"), required=False, widget=DateInput())


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长工作日数"), min_value=1)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.DOCUMENT_MAX_EXTENSION_WORKING_DAYS
        self.fields["days"].widget.attrs["max"] = limit
        self.fields["days"].help_text = _(
            "自当前到期日起按工作日计算，最多 %(n)s 个工作日，只能延期一次；经主席团负责人批准后生效。"
        ) % {"n": limit}


class CloseForm(ConfirmForm):
    result = forms.CharField(
        label=_("办理结果"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写明落实情况或答复内容，将印入《收文处理单》。"),
    )
    on = forms.DateField(
        label=_("办结日期"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("实际办结的日期，可以早于录入之日：按期办结率按此日期计算。不能早于签收日期，也不能晚于今天。"),
    )


class ArchiveForm(ConfirmForm):
    confirm_label = _("确认归档（归档后作为档案保存，由档案整理时组件编号）")
