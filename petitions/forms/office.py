"""Forms of the office's petition pages: input validation only (the rules live in
petitions.services)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.forms import DateInput
from congress_office.models import Township
from congress_office.personal_numbers import normalise_id_number, normalise_phone, validate_id_number, validate_phone
from deputies.forms.activities import MultipleFileField, MultipleFileInput
from deputies.models import Deputy

from ..choices import Category, Channel
from ..models import Subject
from ..validators import accept_attribute, validate_attachment_count, validate_petition_attachment

ORAL_CHANNELS = (Channel.VISIT, Channel.PHONE)


def attachments_help():
    return _("可选多个文件，最多 %(n)s 个，单个不超过 %(mb)s MB；照片（JPG、PNG）或文档（PDF、Word、Excel、TXT）。") % {
        "n": settings.PETITION_UPLOAD_MAX_FILES,
        "mb": settings.PETITION_UPLOAD_MAX_MB,
    }


def attachments_field():
    return MultipleFileField(
        label=_("附件"),
        file_validator=validate_petition_attachment,
        widget=MultipleFileInput(attrs={"accept": accept_attribute(), "class": "form-control"}),
    )


class PersonalDataMixin:
    """Phone and ID number, normalised (so that repeats are recognised) and checked."""

    def clean_phone(self):
        value = normalise_phone(self.cleaned_data.get("phone", ""))
        if value:
            validate_phone(value)
        return value

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number", ""))
        if value:
            validate_id_number(value)
        return value

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        validate_attachment_count(files)
        return files


class PetitionRegisterForm(PersonalDataMixin, forms.Form):
    """登记信访件: a clerk registers a petition from any channel."""

    channel = forms.ChoiceField(label=_("信访方式"), choices=Channel.choices, widget=forms.RadioSelect)
    received_on = forms.DateField(label=_("收到日期"), widget=DateInput())
    source_deputy = forms.ModelChoiceField(
        label=_("转交代表"), queryset=Deputy.objects.none(), required=False, help_text=_("信访方式为“代表转交”时必选。")
    )
    petitioner_name = forms.CharField(label=_("信访人姓名"), max_length=60, required=False)
    organisation = forms.CharField(
        label=_("单位名称"), max_length=100, required=False, help_text=_("以单位名义信访时填写；姓名和单位至少填一项。")
    )
    address = forms.CharField(label=_("住址"), max_length=200)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    is_group = forms.BooleanField(label=_("集体访"), required=False)
    headcount = forms.IntegerField(label=_("来访人数"), min_value=1, max_value=9999, required=False)
    representatives = forms.CharField(
        label=_("推选的代表"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一人，最多 %(n)s 人。") % {"n": settings.PETITION_GROUP_MAX_REPRESENTATIVES},
    )
    category = forms.ChoiceField(label=_("信访类别"), choices=Category.choices)
    subject = forms.ModelChoiceField(label=_("事项分类"), queryset=Subject.objects.none())
    title = forms.CharField(label=_("信访事由"), max_length=120)
    request = forms.CharField(label=_("诉求"), widget=forms.Textarea(attrs={"rows": 3}))
    facts = forms.CharField(label=_("事实"), widget=forms.Textarea(attrs={"rows": 4}))
    reasons = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    oral_record = forms.CharField(
        label=_("口头信访记录"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("来访、来电时据实记录信访人所述。"),
    )
    attachments = attachments_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["subject"].queryset = Subject.objects.for_township(user.township_id).order_by("township", "name")
        self.fields["source_deputy"].queryset = (
            Deputy.objects.visible_to(user).serving().select_related("district").order_by("name")
        )
        self.fields["source_deputy"].label_from_instance = lambda d: (
            f"{d.name}（{d.district}）" if d.district_id else d.name
        )
        self.fields["attachments"].help_text = attachments_help()
        self.initial.setdefault("received_on", timezone.localdate())
        self.initial.setdefault("channel", Channel.LETTER)

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise ValidationError(_("收到日期不能晚于今天。"))
        return value

    def clean_representatives(self):
        return [line.strip() for line in self.cleaned_data.get("representatives", "").splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("petitioner_name", "").strip() and not cleaned.get("organisation", "").strip():
            self.add_error("petitioner_name", _("请填写信访人姓名或单位名称。"))
        if cleaned.get("channel") == Channel.DEPUTY and not cleaned.get("source_deputy"):
            self.add_error("source_deputy", _("代表转交的信访件请选择转交代表。"))
        if cleaned.get("channel") != Channel.DEPUTY:
            cleaned["source_deputy"] = None
        if cleaned.get("is_group"):
            if not cleaned.get("headcount") or cleaned["headcount"] < 2:
                self.add_error("headcount", _("集体访请填写来访人数（2 人以上）。"))
        else:
            cleaned["headcount"], cleaned["representatives"] = 1, []
        return cleaned

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["files"] = data.pop("attachments", [])
        data["headcount"] = data.get("headcount") or 1
        return data


class PetitionDecisionForm(forms.Form):
    """The acceptance decision within PETITION_ACCEPTANCE_DAYS of receipt (信访工作条例): accept,
    decline, find the item outside the remit (the objection clock opens), or transfer it to the
    competent body. Only the decisions the petition's state and the user allow are offered."""

    ACCEPT, DECLINE, OUTSIDE_REMIT, TRANSFER = "accept", "not_accept", "mark_outside_remit", "transfer_out"

    decision = forms.ChoiceField(label=_("受理决定"), choices=(), widget=forms.RadioSelect)
    on = forms.DateField(label=_("决定日期"), widget=DateInput(), required=False)
    to = forms.CharField(
        label=_("转送机关"), max_length=100, required=False, help_text=_("转送时填写有权处理的机关名称。")
    )
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予受理或不属本机关职权时必填，将写入告知书。"),
    )

    def __init__(self, *args, petition, actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        labels = {
            self.ACCEPT: _("受理"),
            self.DECLINE: _("不予受理"),
            self.OUTSIDE_REMIT: _("不属本机关职权（%(n)s 个工作日内提出异议或转送有权机关）")
            % {"n": settings.PETITION_OBJECTION_WORKING_DAYS},
            self.TRANSFER: _("不属于本机关职权范围，转送有权处理的机关"),
        }
        offered = [key for key in labels if actions is None or key in actions]
        # every decision is a valid value (the engine refuses one the state does not allow, in its
        # words); the page offers only those it would accept
        self.fields["decision"].choices = list(labels.items())
        self.fields["decision"].widget.choices = [(key, labels[key]) for key in offered]
        if len(offered) == 1:
            self.initial.setdefault("decision", offered[0])
        self.fields["on"].help_text = _(
            "作出决定的日期（默认为今天），可以早于录入之日：按期受理率按此日期计算。不能早于收到日期，也不能晚于今天。"
        )
        self.initial.setdefault("on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.DECLINE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("请填写不予受理的理由。"))
        if decision == self.OUTSIDE_REMIT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("请说明不属于本机关职权范围的理由。"))
        if decision == self.TRANSFER and not cleaned.get("to", "").strip():
            self.add_error("to", _("请填写转送的机关。"))
        return cleaned


class SubjectForm(forms.Form):
    name = forms.CharField(label=_("分类名称"), max_length=40)
    township = forms.ModelChoiceField(
        label=_("乡镇"), queryset=Township.objects.none(), required=False, help_text=_("留空为全县通用。")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_county_wide:
            self.fields["township"].queryset = Township.objects.visible_to(user).filter(is_active=True)
        else:
            del self.fields["township"]
