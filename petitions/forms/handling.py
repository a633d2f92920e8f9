"""Forms of the handling steps: input validation only; the rules (states, windows, who may act)
live in petitions.services.handling, whose ValidationErrors the views map onto these forms."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.cases import RATING_CHOICES
from congress_office.forms import ConfirmForm, DateInput, ExtensionDecisionForm  # noqa: F401 (the pages' forms)
from congress_office.models import AssignmentMode, Unit
from congress_office.roles import Role
from congress_office.services.cases import (
    early_reply_confirm_label,
    reply_attachments_help,
    reply_upload_limits,
    validate_reply_attachment,
)
from deputies.forms.activities import MultipleFileField, MultipleFileInput

from ..choices import Outcome
from ..services.handling import RETURN_VISIT_METHODS, pending_co_units
from ..validators import accept_attribute

TEXTAREA = {"rows": 5}


class AssignForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("方式"),
        choices=AssignmentMode.choices,
        initial=AssignmentMode.ASSIGN,
        widget=forms.RadioSelect,
        help_text=_("交办：交由本乡镇有关单位办理并报告结果；转办：转由有权处理的单位办理。"),
    )
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(township_id=petition.township_id).active().order_by("kind", "name")
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units

    def clean(self):
        cleaned = super().clean()
        lead, co = cleaned.get("lead_unit"), cleaned.get("co_units")
        if lead and co and lead in co:
            self.add_error("co_units", _("主办单位不必再列为协办单位。"))
        return cleaned


class ExtendForm(forms.Form):
    """The request of an extension; a chair of the township approves or refuses it."""

    days = forms.IntegerField(label=_("延长天数"), min_value=1)
    reason = forms.CharField(
        label=_("延期理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("批准后写入《延期办理告知书》告知信访人。"),
    )

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.PETITION_MAX_EXTENSION_DAYS
        self.fields["days"].widget.attrs["max"] = limit
        self.fields["days"].help_text = _(
            "自当前到期日起按日计算，最多 %(n)s 日，只能延期一次；经本乡镇人大主席团负责人批准后生效。"
        ) % {"n": limit}


class SuperviseForm(ConfirmForm):
    confirm_label = _("确认发出督办单（编号发出后不再收回）")

    content = forms.CharField(label=_("督办意见"), widget=forms.Textarea(attrs=TEXTAREA))
    reply_by = forms.DateField(label=_("要求反馈日期"), required=False, widget=DateInput())


class CoInputForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("协办单位"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("协办意见"), widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, petition, user, **kwargs):
        super().__init__(*args, **kwargs)
        pending = pending_co_units(petition)
        if user.unit_id and user.unit_id in {u.pk for u in pending} and not user.has_role(Role.CLERK):
            del self.fields["unit"]  # a co-unit's own handler answers for their unit
        else:
            self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in pending])


class ReplyForm(ConfirmForm):
    """The reply, with its attachments; while a co-handling unit has not sent its opinion, the
    box that confirms replying first (`pending_units`: those units)."""

    outcome = forms.ChoiceField(label=_("处理意见"), choices=Outcome.choices, widget=forms.RadioSelect)
    content = forms.CharField(
        label=_("答复内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("写明查明的事实、处理依据和处理结果，将印入《信访事项处理意见书》。"),
    )
    on = forms.DateField(
        label=_("答复日期"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("作出答复的日期，可以早于录入之日：按期办结率按此日期计算。不能早于受理日期，也不能晚于今天。"),
    )
    attachments = MultipleFileField(
        label=_("答复附件"),
        file_validator=validate_reply_attachment,
        widget=MultipleFileInput(attrs={"accept": accept_attribute(), "class": "form-control"}),
    )
    before_co_input = forms.BooleanField(required=False)

    def __init__(self, *args, pending_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = reply_attachments_help()
        if pending_units:
            self.fields["before_co_input"].label = early_reply_confirm_label(pending_units)
        else:
            del self.fields["before_co_input"]

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        limit = reply_upload_limits()[1]
        if len(files) > limit:
            raise forms.ValidationError(_("一次答复最多上传 %(n)s 个附件。") % {"n": limit})
        return files


class RateForm(ConfirmForm):
    satisfaction = forms.ChoiceField(label=_("信访人评价"), choices=RATING_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("信访人意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if settings.PETITION_REHANDLE_ON_UNSATISFIED:
            self.fields["comment"].help_text = _("选“不满意”时必填：承办单位将据此重新办理。")
        else:
            self.fields["comment"].help_text = _("选“不满意”时必填：事项办结，信访人可以申请复查。")


class ReviewRequestForm(forms.Form):
    requested_on = forms.DateField(label=_("申请日期"), widget=DateInput(), initial=timezone.localdate)
    request = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs=TEXTAREA))


class ReviewDecideForm(ConfirmForm):
    outcome = forms.ChoiceField(label=_("结论"), choices=Outcome.choices, widget=forms.RadioSelect)
    decision = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 8}))
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput(), initial=timezone.localdate)


class InstructForm(forms.Form):
    content = forms.CharField(label=_("批示内容"), widget=forms.Textarea(attrs=TEXTAREA))


class TakeOwnershipForm(ConfirmForm):
    confirm_label = _("由我包案：负责协调督促本事项直至办结")


class CompletionReportForm(ConfirmForm):
    content = forms.CharField(
        label=_("办结情况"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("办理过程、处理结果、信访人意见及息诉罢访情况。"),
    )


class ReturnVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("回访日期"), widget=DateInput(), initial=timezone.localdate)
    method = forms.ChoiceField(label=_("回访方式"), choices=RETURN_VISIT_METHODS, initial="电话")
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=RATING_CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(label=_("回访情况"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
