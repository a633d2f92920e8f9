"""Forms of the public pages (no account): the online petition, the progress query and the
rating of a reply."""

from django import forms
from django.utils.translation import gettext_lazy as _

from congress_office.cases import RATING_CHOICES
from congress_office.models import Township

from ..choices import Category
from ..models import Subject
from ..services.registration import QUERY_CODE_ALPHABET
from .office import PersonalDataMixin, attachments_field, attachments_help

# the honeypot's name: a plausible field a form-filling robot completes, hidden from people
HONEYPOT_FIELD = "website"
# the longest request, facts or reasons the public form takes (characters): a letter's worth;
# longer material goes into an attachment
TEXT_MAX_LENGTH = 5000


class PublicPetitionForm(PersonalDataMixin, forms.Form):
    township = forms.ModelChoiceField(
        label=_("向哪个乡镇反映"), queryset=Township.objects.none(), empty_label=_("请选择乡镇")
    )
    petitioner_name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    organisation = forms.CharField(
        label=_("单位名称"), max_length=100, required=False, help_text=_("以单位名义反映时填写；姓名和单位至少填一项。")
    )
    phone = forms.CharField(label=_("手机号码"), max_length=30, help_text=_("查询办理进度时需要输入此号码。"))
    id_number = forms.CharField(label=_("身份证号（选填）"), max_length=30, required=False)
    address = forms.CharField(label=_("住址"), max_length=200)
    category = forms.ChoiceField(label=_("信访类别"), choices=Category.choices)
    subject = forms.ModelChoiceField(label=_("事项分类"), queryset=Subject.objects.none(), empty_label=_("请选择"))
    title = forms.CharField(label=_("标题"), max_length=120, help_text=_("一句话概括反映的问题。"))
    request = forms.CharField(
        label=_("诉求"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("希望解决什么问题。"),
    )
    facts = forms.CharField(
        label=_("事实"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("发生了什么：时间、地点、经过。"),
    )
    reasons = forms.CharField(
        label=_("理由"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("提出诉求的理由和依据。"),
    )
    attachments = attachments_field()
    # Hidden from people by CSS and aria-hidden; a robot that fills every field fills this one.
    website = forms.CharField(
        label=_("网址"), required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.filter(is_active=True).order_by("code")
        # shared subjects only: a township's own subjects would need the township chosen first
        self.fields["subject"].queryset = Subject.objects.filter(township__isnull=True, is_active=True).order_by("pk")
        self.fields["attachments"].help_text = attachments_help()

    @property
    def is_robot(self):
        return bool(self.data.get(HONEYPOT_FIELD))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("petitioner_name", "").strip() and not cleaned.get("organisation", "").strip():
            self.add_error("petitioner_name", _("请填写姓名或单位名称。"))
        return cleaned

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop(HONEYPOT_FIELD, None)
        data["files"] = data.pop("attachments", [])
        return data


def normalise_query_code(value):
    return "".join((value or "").split()).upper()


class PublicQueryForm(PersonalDataMixin, forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("提交时填写的手机号码"), max_length=30)

    def clean_code(self):
        code = normalise_query_code(self.cleaned_data["code"])
        if len(code) != 10 or any(c not in QUERY_CODE_ALPHABET for c in code):
            raise forms.ValidationError(_("查询码为 10 位字母和数字，请核对。"))
        return code


class PublicRatingForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    satisfaction = forms.ChoiceField(label=_("您对答复的评价"), choices=RATING_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见（选填）"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublicReviewRequestForm(forms.Form):
    """The petitioner's request for 复查, online: the signed token of the progress page says
    which petition; the request date is the day it is sent."""

    token = forms.CharField(widget=forms.HiddenInput)
    request = forms.CharField(
        label=_("申请理由"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写明对处理意见的哪些内容不服，以及理由和依据。"),
    )
