"""The batch confirm / return form of duty activities: the ids ticked on the list, the action and,
for a return, one reason for all (input checks only; deputies.services.activity_batch decides)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.activity_batch import CONFIRM, MAX_BATCH, RETURN


class ActivityBatchForm(forms.Form):
    action = forms.ChoiceField(choices=[(CONFIRM, _("批量确认")), (RETURN, _("批量退回"))], widget=forms.HiddenInput)
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.MultipleHiddenInput)
    reason = forms.CharField(
        label=_("退回原因（对所选活动统一适用）"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每位填报人都会收到这条退回原因，按此修改后重新提交。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # any id is accepted here: which of them the user may review is the selector's business
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(value, value) for value in raw if value.isdigit()]

    def clean_ids(self):
        ids = list(dict.fromkeys(self.cleaned_data["ids"]))  # once each, in the order ticked
        if not ids:
            raise forms.ValidationError(_("请先勾选要批量处理的履职活动。"))
        if len(ids) > MAX_BATCH:
            raise forms.ValidationError(_("一次最多处理 %(n)s 项，请分批操作。") % {"n": MAX_BATCH})
        return ids
