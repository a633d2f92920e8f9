"""Forms of suggestions: input validation only (the rules live in .services and .access)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.cases import RATING_CHOICES, Satisfaction
from congress_office.forms import DateInput, ExtensionDecisionForm  # noqa: F401 (the pages' form)
from congress_office.models import Unit
from congress_office.roles import Role
from congress_office.services.cases import (
    early_reply_confirm_label,
    early_reply_warning,
    reply_attachments_help,
    reply_upload_limits,
    validate_reply_attachment,
)
from congress_office.uploads import allowed_extensions

from ..choices import DeputyStatus
from ..forms.activities import MultipleFileField, MultipleFileInput
from ..models import Deputy
from .models import ConsultationMethod
from .services import categories, category_label


class Checkboxes(forms.CheckboxSelectMultiple):
    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-check-input", **(attrs or {})})


def _signer_label(deputy):
    return f"{deputy.name}（{deputy.group}）" if deputy.group_id else deputy.name


def signable_deputies(township_id, today=None):
    """Who can sign a suggestion today: active deputies of a term of the township covering today."""
    today = today or timezone.localdate()
    return (
        Deputy.objects.filter(
            township_id=township_id, status=DeputyStatus.ACTIVE, term__start_date__lte=today, term__end_date__gte=today
        )
        .select_related("group", "term")
        .order_by("group__name", "name")
    )


SESSION_HINTS = [_("闭会期间"), _("人民代表大会会议期间")]


class SuggestionForm(forms.Form):
    """The phone-first "提建议" form. A deputy is the lead signer; the office registering a
    suggestion on behalf of deputies also names the lead signer."""

    lead = forms.ModelChoiceField(label=_("领衔代表"), queryset=Deputy.objects.none())
    title = forms.CharField(
        label=_("建议标题"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("如：关于修缮东风村村道的建议")}),
    )
    content = forms.CharField(
        label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 7}), help_text=_("写清楚存在的问题、原因和具体建议。")
    )
    co_signers = forms.ModelMultipleChoiceField(
        label=_("联名代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=Checkboxes,
        help_text=_("选填：与您一起提出这条建议的代表。"),
    )
    is_hard = forms.BooleanField(label=_("涉及面广、办理难度大"), required=False)
    session = forms.CharField(
        label=_("提出时间"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"list": "session-hints"}),
        help_text=_("如：闭会期间、第十九届人民代表大会第二次会议期间。"),
    )

    def __init__(self, *args, user, own_deputy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.office = user.has_role(Role.CLERK)
        candidates = signable_deputies(user.township_id)
        if self.office:
            self.fields["lead"].queryset = candidates
            self.fields["lead"].label_from_instance = _signer_label
        else:
            del self.fields["lead"]
            if own_deputy is not None:
                candidates = candidates.filter(term_id=own_deputy.term_id).exclude(pk=own_deputy.pk)
        self.fields["co_signers"].queryset = candidates
        self.fields["co_signers"].label_from_instance = _signer_label
        self.fields["is_hard"].help_text = _("勾选后答复期限为 %(hard)s 个月（一般为 %(normal)s 个月）。") % {
            "hard": settings.SUGGESTION_HARD_ANSWER_MONTHS,
            "normal": settings.SUGGESTION_ANSWER_MONTHS,
        }
        self.session_hints = SESSION_HINTS

    def clean(self):
        cleaned = super().clean()
        lead, co_signers = cleaned.get("lead"), cleaned.get("co_signers") or []
        if lead is not None and lead in co_signers:
            cleaned["co_signers"] = [d for d in co_signers if d.pk != lead.pk]
        return cleaned


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=Checkboxes,
    )
    note = forms.CharField(label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_units"].help_text = _("协办单位应在 %(n)s 个月内向主办单位提出协办意见。") % {
            "n": settings.SUGGESTION_CO_INPUT_MONTHS
        }
        units = Unit.objects.filter(township_id=suggestion.township_id, is_active=True).order_by("kind", "name")
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_unit")
        if lead is not None and lead in (cleaned.get("co_units") or []):
            self.add_error("co_units", _("主办单位不能同时作为协办单位。"))
        return cleaned


class CoInputForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("协办单位"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("协办意见"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, office, **kwargs):
        super().__init__(*args, **kwargs)
        if office:
            self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        else:
            del self.fields["unit"]


class ConsultationForm(forms.Form):
    held_on = forms.DateField(label=_("面商日期"), widget=DateInput())
    method = forms.ChoiceField(label=_("面商方式"), choices=ConsultationMethod.choices, widget=forms.RadioSelect)
    unit_people = forms.CharField(
        label=_("单位参加人员"), max_length=120, help_text=_("姓名及职务，如：张明（所长）、李华（经办人）")
    )
    deputies = forms.ModelMultipleChoiceField(label=_("参加代表"), queryset=Deputy.objects.none(), widget=Checkboxes)
    summary = forms.CharField(
        label=_("面商情况"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("代表的意见和要求，单位的办理打算。")
    )

    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        signers = Deputy.objects.filter(suggestion_signatures__suggestion=suggestion).order_by(
            "-suggestion_signatures__is_lead", "name"
        )
        self.fields["deputies"].queryset = signers
        self.initial.setdefault("held_on", timezone.localdate())
        self.initial.setdefault("deputies", [d.pk for d in signers])


class ReplyForm(forms.Form):
    """The answer, with its attachments; while a co-handling unit has not sent its opinion, the
    box that confirms answering first (`pending_units`: those units)."""

    category = forms.ChoiceField(label=_("办理结果类别"), widget=forms.RadioSelect)
    content = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(
        label=_("答复附件"),
        file_validator=validate_reply_attachment,
        widget=MultipleFileInput(attrs={"class": "form-control"}),
    )
    before_co_input = forms.BooleanField(required=False)

    def __init__(self, *args, pending_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(code, category_label(code)) for code in categories()]
        self.fields["attachments"].help_text = reply_attachments_help()
        self.fields["attachments"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in allowed_extensions())
        if pending_units:
            self.fields["before_co_input"].label = early_reply_confirm_label(pending_units)
            self.early_warning = early_reply_warning(pending_units)
        else:
            del self.fields["before_co_input"]
            self.early_warning = ""

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        limit = reply_upload_limits()[1]
        if len(files) > limit:
            raise forms.ValidationError(_("一次答复最多上传 %(n)s 个附件。") % {"n": limit})
        return files


class ExtendForm(forms.Form):
    """The request of an extension; a chair of the township approves or refuses it."""

    extra = forms.IntegerField(label=_("延长（月）"), min_value=1, required=False, initial=1)
    new_due_date = forms.DateField(label=_("或：延期至"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("延期理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("经主席团负责人批准后生效，提出建议的代表将收到延期通知。"),
    )

    def __init__(self, *args, suggestion, user, **kwargs):
        super().__init__(*args, **kwargs)
        months = settings.SUGGESTION_HARD_ANSWER_MONTHS
        self.fields["extra"].widget.attrs["max"] = months
        self.fields["extra"].help_text = _("自交办之日起连同延期最长 %(n)s 个月。") % {"n": months}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_due_date"):
            cleaned["extra"] = None
        elif not cleaned.get("extra"):
            self.add_error("extra", _("请填写延长月数或延期后的到期日。"))
        return cleaned


class SuperviseForm(forms.Form):
    content = forms.CharField(label=_("督办意见"), widget=forms.Textarea(attrs={"rows": 3}))
    reply_by = forms.DateField(label=_("要求反馈日期"), required=False, widget=DateInput())


class RateForm(forms.Form):
    """Big buttons on a phone: each submits its satisfaction; a comment is asked for 不满意."""

    deputy = forms.ModelChoiceField(label=_("评价代表"), queryset=Deputy.objects.none())
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=RATING_CHOICES)
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选择“不满意”时请说明理由，承办单位将重新办理。"),
    )

    def __init__(self, *args, raters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = Deputy.objects.filter(pk__in=[d.pk for d in raters])
        self.raters = raters
        if len(raters) == 1:  # a signer rating their own answer: nobody to choose
            self.fields["deputy"].initial = raters[0].pk
            self.fields["deputy"].required = False
            self.fields["deputy"].widget = forms.HiddenInput()

    def clean_deputy(self):
        deputy = self.cleaned_data.get("deputy")
        if deputy is None and len(self.raters) == 1:
            return self.raters[0]
        return deputy

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("satisfaction") == Satisfaction.UNSATISFIED and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("请说明不满意的理由，承办单位将据此重新办理。"))
        return cleaned


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
