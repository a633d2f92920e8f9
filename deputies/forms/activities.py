"""Forms of duty activities, reception days and trainings: input validation only (the rules
live in deputies.services.activities)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.forms import DateInput
from congress_office.multi_lookup import LookupSelectMultiple
from congress_office.roles import Role
from congress_office.upload_widgets import CheckedMultipleFileInput, limits_for

from ..choices import ActivityType, DeputyStatus
from ..models import Deputy, DeputyGroup, District
from ..selectors import co_participant_choices
from ..validators import IMAGE_EXTENSIONS, validate_attachment, validate_photo

# How many files one submission may carry (photos and other files together).
MAX_FILES_PER_SUBMISSION = 20


class Checkboxes(forms.CheckboxSelectMultiple):
    """Check boxes styled as Bootstrap's (the templates lay them out in a scrollable list)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-check-input", **(attrs or {})})


class MultipleFileInput(CheckedMultipleFileInput):
    """A multiple file input carrying the upload limits (congress_office.upload_widgets) that the
    browser checks before uploading."""


class MultipleFileField(forms.FileField):
    """A file field that cleans to a list of uploads (empty when nothing was chosen). Its input
    carries the limits `file_validator` applies (or `limits`), for the browser's check."""

    def __init__(self, *args, file_validator=None, limits=None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        self.file_validator = file_validator
        super().__init__(*args, **kwargs)
        limits = limits or limits_for(file_validator)
        if limits is not None and getattr(self.widget, "limits", False) is None:
            self.widget.limits = limits

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data]
        uploads = [upload for upload in uploads if upload]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        cleaned, errors = [], []
        for upload in uploads:
            try:
                upload = super().clean(upload, initial)
                if self.file_validator:
                    # what the validator returns is what is stored (an image encoded again)
                    upload = self.file_validator(upload) or upload
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _accept_images():
    return ",".join(["image/*", *(f".{ext}" for ext in sorted(IMAGE_EXTENSIONS))])


class ActivityForm(forms.Form):
    """The phone-first "记录履职活动" form. A clerk's version also chooses the participants or a
    group (a group activity is logged once for all its serving members)."""

    type = forms.ChoiceField(label=_("活动类型"), choices=ActivityType.choices, widget=forms.RadioSelect)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=100)
    title = forms.CharField(label=_("主题"), max_length=120)
    summary = forms.CharField(label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 5}))
    outcome = forms.CharField(
        label=_("成效"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选填：解决了什么问题、收集了哪些意见。"),
    )
    photos = MultipleFileField(
        label=_("现场照片"),
        file_validator=validate_photo,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("可直接拍照，可选多张。"),
    )
    files = MultipleFileField(
        label=_("其他附件"),
        file_validator=validate_attachment,
        help_text=_("相册中的照片，或 PDF、Word、Excel、TXT 文档。"),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("参加代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=Checkboxes,
    )
    group = forms.ModelChoiceField(
        label=_("代表小组"),
        queryset=DeputyGroup.objects.none(),
        required=False,
        help_text=_("选择代表小组而不勾选代表时，记入该小组全体在任代表。"),
    )
    # a deputy's own entry: the other deputies who took part (counted in their records once
    # the office confirms it)
    co_participants = forms.ModelMultipleChoiceField(
        label=_("共同参加的代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=LookupSelectMultiple("co_deputy"),
        error_messages={"invalid_choice": _("只能选择本乡镇在任的代表。")},
        help_text=_("选填：一同参加活动的其他代表，确认后同时记入他们的履职档案。"),
    )

    def __init__(self, *args, user, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["files"].widget.attrs["accept"] = _accept_images() + ",.pdf,.doc,.docx,.xls,.xlsx,.wps,.txt"
        max_mb = settings.DEPUTY_UPLOAD_MAX_MB
        for name in ("photos", "files"):
            self.fields[name].help_text = f"{self.fields[name].help_text}" + str(
                _("单个文件不超过 %(mb)s MB。") % {"mb": max_mb}
            )
        self.chooses_participants = activity is None and user.has_role(Role.CLERK)
        if self.chooses_participants:
            self.fields["participants"].queryset = (
                Deputy.objects.visible_to(user).serving().select_related("group").order_by("group__name", "name")
            )
            self.fields["participants"].label_from_instance = _name_and_group
            self.fields["group"].queryset = DeputyGroup.objects.visible_to(user).order_by("name")
        else:
            del self.fields["participants"]
            del self.fields["group"]
        self.own_deputy = None
        if not self.chooses_participants and not user.has_role(Role.CLERK):
            self.own_deputy = Deputy.objects.filter(user=user).first()
        if self.own_deputy is not None:
            choices = co_participant_choices(user).exclude(pk=self.own_deputy.pk).select_related("group")
            self.fields["co_participants"].queryset = choices
            self.fields["co_participants"].label_from_instance = _name_and_group
            if activity is not None:
                others = [d.pk for d in activity.participants.all() if d.pk != self.own_deputy.pk]
                self.initial.setdefault("co_participants", others)
        else:
            del self.fields["co_participants"]
        if activity is not None:
            for name in ("type", "date", "place", "title", "summary", "outcome"):
                self.initial.setdefault(name, getattr(activity, name))
        else:
            self.initial.setdefault("date", timezone.localdate())

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError(_("活动日期不能晚于今天。"))
        return value

    def clean(self):
        cleaned = super().clean()
        if len(cleaned.get("photos") or []) + len(cleaned.get("files") or []) > MAX_FILES_PER_SUBMISSION:
            raise ValidationError(_("一次最多上传 %(n)s 个文件。") % {"n": MAX_FILES_PER_SUBMISSION})
        if self.chooses_participants and not cleaned.get("participants") and not cleaned.get("group"):
            self.add_error("participants", _("请勾选参加活动的代表，或选择代表小组。"))
        return cleaned

    def service_kwargs(self):
        """The cleaned data as the services take it: photos and other files are one list."""
        data = dict(self.cleaned_data)
        data["files"] = [*data.pop("photos", []), *data.pop("files", [])]
        if "co_participants" in data:  # the service adds the deputy's own entry
            data["participants"] = list(data.pop("co_participants"))
        return data


class ActivityReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("代表将收到通知，按此修改后重新提交。"),
    )


class ReceptionDayForm(forms.Form):
    district = forms.ModelChoiceField(label=_("选区"), queryset=District.objects.none())
    date = forms.DateField(label=_("接待日期"), widget=DateInput())
    place = forms.CharField(label=_("接待地点"), max_length=100)
    deputies = forms.ModelMultipleChoiceField(
        label=_("接待代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=Checkboxes,
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.visible_to(user).select_related("term")
        self.fields["deputies"].queryset = (
            Deputy.objects.visible_to(user).serving().select_related("district").order_by("district__name", "name")
        )
        self.fields["deputies"].label_from_instance = lambda d: f"{d.name}（{d.district or '—'}）"


class ReceptionVisitForm(forms.Form):
    visitor = forms.CharField(label=_("来访人"), max_length=60)
    visitor_contact = forms.CharField(label=_("联系方式"), max_length=60, required=False)
    matter = forms.CharField(label=_("反映事项"), widget=forms.Textarea(attrs={"rows": 3}))
    response = forms.CharField(label=_("答复及处理"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("培训主题"), max_length=120)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    hours = forms.DecimalField(label=_("学时"), max_digits=4, decimal_places=1, min_value=0, initial=2)


class TrainingAttendanceForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label=_("参训代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=Checkboxes,
    )

    def __init__(self, *args, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = attendance_candidates(training)
        self.fields["attendees"].label_from_instance = _name_and_group


def _name_and_group(deputy):
    return f"{deputy.name}（{deputy.group}）" if deputy.group_id else deputy.name


def attendance_candidates(training):
    """Who can be ticked on a training's checklist: the township's serving deputies of a term
    covering the training's date, plus anyone already recorded as attending."""
    serving_then = ~Q(status=DeputyStatus.TERMINATED) & Q(
        term__start_date__lte=training.date, term__end_date__gte=training.date
    )
    return (
        Deputy.objects.filter(township_id=training.township_id)
        .filter(serving_then | Q(pk__in=training.attendees.values("pk")))
        .select_related("group")
        .order_by("group__name", "name")
    )
