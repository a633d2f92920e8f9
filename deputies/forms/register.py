"""Forms of the register pages: input validation only; the rules live in services.register,
services.register_io and services.liaison."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.crypto import mask_id_number, mask_phone
from congress_office.forms import DateInput
from congress_office.models import User
from congress_office.personal_numbers import normalise_id_number, validate_id_number
from congress_office.roles import Role
from congress_office.upload_widgets import DEPUTY_IMPORT, DEPUTY_PHOTO, CheckedFileInput

from ..choices import DeputyStatus
from ..models import Deputy, DeputyGroup, District, Term

PHONE_RE = re.compile(r"^[0-9][0-9\- ]{4,18}[0-9]$")

# the statutory grounds, offered as suggestions (代表法 Art.49, Art.50); any text may be typed
SUSPEND_REASONS = [
    _("因刑事案件被羁押正在受侦查、起诉、审判"),
    _("被依法判处管制、拘役或者有期徒刑而没有附加剥夺政治权利，正在服刑"),
]
TERMINATE_REASONS = [
    _("地方各级人民代表大会代表迁出或者调离本行政区域"),
    _("辞职被接受"),
    _("未经批准两次不出席本级人民代表大会会议"),
    _("被罢免"),
    _("丧失中华人民共和国国籍"),
    _("依照法律被剥夺政治权利"),
    _("死亡"),
]
REINSTATE_REASONS = [_("暂停执行代表职务的情形消失")]


def _two_columns(*pairs):
    """A layout of rows with two fields side by side on wide screens, one column on phones."""
    return Layout(*[Row(*[Column(name, css_class="col-12 col-md-6") for name in pair]) for pair in pairs])


class _TermLabelMixin:
    """When a township has more than one term, districts and groups are labelled with theirs."""

    def label_with_term(self, field_name, many_terms):
        if many_terms:
            self.fields[field_name].label_from_instance = lambda obj: f"{obj.name}（{obj.term}）"


class DeputyForm(_TermLabelMixin, forms.ModelForm):
    """The single-deputy form. Its rules (and the model's) also check every row of an imported
    register, through DeputyImportRowForm.

    An existing deputy's phone and ID number are shown masked (the form is no full view): sent
    back unchanged, the stored value is kept (also one that cannot be decrypted, whose
    ciphertext is written back as it was); a new number replaces it, an empty field clears it."""

    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)

    class Meta:
        model = Deputy
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "affiliation",
            "phone",
            "id_number",
            "occupation",
            "work_unit",
            "term",
            "district",
            "group",
            "is_presidium",
            "position",
            "user",
            "photo",
        ]
        widgets = {
            "birth_date": DateInput(),
            "photo": CheckedFileInput(attrs={"accept": "image/*"}, limits=DEPUTY_PHOTO),
        }
        help_texts = {
            "position": _("主席、副主席须为主席团成员。"),
            "user": _("代表本人登录系统所用的账号（角色为人大代表），可不填。"),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.township_id is None:  # a new deputy joins the clerk's township
            self.instance.township_id = user.township_id
        self._masked = {}  # field → (the masked text shown, the stored value it stands for)
        for name, mask in (("phone", mask_phone), ("id_number", mask_id_number)):
            stored = getattr(self.instance, name) if self.instance.pk else ""
            if stored and name in self.fields:
                self._masked[name] = (mask(stored), stored)
                self.initial[name] = mask(stored)
                self.fields[name].help_text = _("为保护个人信息，原号码脱敏显示；不修改则保留原号码，清空则删除。")
        # the statutory numbers are read now, not when the module was imported
        help_texts = {
            "photo": _("JPG、PNG 等图片，不超过 %(n)s MB。") % {"n": settings.DEPUTY_UPLOAD_MAX_MB},
            "district": _("每个选区应选 %(lo)s–%(hi)s 名代表，满额的选区不能再增加。")
            % {"lo": settings.DISTRICT_SEATS_MIN, "hi": settings.DISTRICT_SEATS_MAX},
        }
        for name, text in help_texts.items():
            if name in self.fields:
                self.fields[name].help_text = text
        if "term" in self.fields:  # the page's form (an imported row comes with its term, district and group)
            self._limit_choices()
            self.helper = FormHelper()
            self.helper.form_tag = False
            self.helper.layout = _two_columns(
                ("name", "gender"),
                ("ethnicity", "birth_date"),
                ("affiliation", "phone"),
                ("id_number", "occupation"),
                ("work_unit",),
                ("term", "district"),
                ("group", "user"),
                ("is_presidium", "position"),
                ("photo",),
            )

    def _limit_choices(self):
        township_id = self.instance.township_id
        terms = Term.objects.filter(township_id=township_id)
        self.fields["term"].queryset = terms
        many_terms = terms.count() > 1
        self.fields["district"].queryset = District.objects.filter(township_id=township_id).select_related("term")
        self.fields["group"].queryset = DeputyGroup.objects.filter(township_id=township_id).select_related("term")
        self.label_with_term("district", many_terms)
        self.label_with_term("group", many_terms)
        self.fields["district"].required = True
        free = Q(deputy__isnull=True) | Q(deputy__pk=self.instance.pk) if self.instance.pk else Q(deputy__isnull=True)
        self.fields["user"].queryset = User.objects.with_role(Role.DEPUTY).filter(free, township_id=township_id)
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.username}）"

    def _unchanged(self, name, value):
        """The stored value when the masked text shown for it came back unchanged, else None."""
        shown, stored = self._masked.get(name, (None, None))
        return stored if shown is not None and value == shown else None

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        kept = self._unchanged("phone", phone)
        if kept is not None:
            return kept
        if phone and not PHONE_RE.match(phone):
            raise ValidationError(_("请填写正确的电话号码，如 13800000000 或 0571-88886666。"), code="phone")
        return phone

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data["id_number"])
        kept = self._unchanged("id_number", value)
        if kept is not None:
            return kept
        if value:
            validate_id_number(value)
        return value

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date and birth_date > timezone.localdate():
            raise ValidationError(_("出生日期不能晚于今天。"), code="future")
        return birth_date


# the columns of an imported register that the single-deputy form checks; the term is chosen
# on upload, the district and group are matched by name (with suggestions), and a file carries
# no login account or photo
IMPORT_ROW_FIELDS = [f for f in DeputyForm.Meta.fields if f not in ("term", "district", "group", "user", "photo")]


class DeputyImportRowForm(DeputyForm):
    """One row of an imported register, checked by the single-deputy form's fields, clean_*
    methods and the model's validation: `DeputyImportRowForm(data, instance=deputy)`, the
    instance already in its township and term. Builds no querysets, so a preview of 2,000
    rows stays a few queries."""

    class Meta(DeputyForm.Meta):
        fields = IMPORT_ROW_FIELDS


class DeputyStatusForm(forms.Form):
    """Suspend, terminate or reinstate; the page shows a confirmation before the change."""

    status = forms.ChoiceField(label=_("变更为"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.TextInput(attrs={"list": "status-reasons"}))
    on = forms.DateField(label=_("日期"), widget=DateInput(), help_text=_("决定或情形发生的日期。"))

    def __init__(self, *args, deputy, **kwargs):
        super().__init__(*args, **kwargs)
        if deputy.status == DeputyStatus.ACTIVE:
            choices = [(DeputyStatus.SUSPENDED, _("暂停执行代表职务")), (DeputyStatus.TERMINATED, _("代表资格终止"))]
        elif deputy.status == DeputyStatus.SUSPENDED:
            choices = [(DeputyStatus.ACTIVE, _("恢复执行代表职务")), (DeputyStatus.TERMINATED, _("代表资格终止"))]
        else:
            choices = []
        self.fields["status"].choices = choices
        self.fields["on"].initial = timezone.localdate()
        self.reasons = (
            [*SUSPEND_REASONS, *TERMINATE_REASONS]
            if deputy.status == DeputyStatus.ACTIVE
            else [*REINSTATE_REASONS, *TERMINATE_REASONS]
        )

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError(_("日期不能晚于今天。"))
        return on

    def status_label(self):
        return dict(self.fields["status"].choices).get(self.cleaned_data.get("status"), "")


class TermForm(forms.Form):
    number = forms.IntegerField(label=_("届次"), min_value=1, max_value=99, help_text=_("如第十九届填 19。"))
    start_date = forms.DateField(label=_("选举日期"), widget=DateInput())

    def __init__(self, *args, township_id, term=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].help_text = _("届满日期按每届 %(n)s 年自动计算。") % {"n": settings.DEPUTY_TERM_YEARS}
        self.township_id, self.term = township_id, term

    def clean_number(self):
        number = self.cleaned_data["number"]
        clash = Term.objects.filter(township_id=self.township_id, number=number)
        if self.term is not None:
            clash = clash.exclude(pk=self.term.pk)
        if clash.exists():
            raise ValidationError(_("本乡镇已登记第 %(n)s 届。") % {"n": number})
        return number


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["term", "name", "seats", "area"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.instance.township_id = user.township_id
        self.fields["term"].queryset = Term.objects.filter(township_id=self.instance.township_id)
        low, high = settings.DISTRICT_SEATS_MIN, settings.DISTRICT_SEATS_MAX
        self.fields["seats"].help_text = _("每个选区选出 %(lo)s–%(hi)s 名代表。") % {"lo": low, "hi": high}
        self.fields["seats"].widget.attrs.update(min=low, max=high)

    def clean(self):
        cleaned = super().clean()
        term, name = cleaned.get("term"), cleaned.get("name")
        if term and name:
            clash = District.objects.filter(term=term, name=name).exclude(pk=self.instance.pk or 0)
            if clash.exists():
                self.add_error("name", _("%(t)s已有名为“%(n)s”的选区。") % {"t": term, "n": name})
        return cleaned

    def validate_unique(self):
        # the name clash is checked in clean() with a clear message; the model's generic
        # one would repeat it (the service's full_clean still guards against a race)
        pass

    def validate_constraints(self):
        pass


class DeputyGroupForm(forms.ModelForm):
    class Meta:
        model = DeputyGroup
        fields = ["term", "name", "leader"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.instance.township_id = user.township_id
            # a new group has no members yet: its leader is chosen once deputies are in it
            del self.fields["leader"]
        else:
            self.fields["leader"].queryset = self.instance.members.serving().order_by("name")
            self.fields["leader"].help_text = _("组长从本小组的代表中指定。")
        self.fields["term"].queryset = Term.objects.filter(township_id=self.instance.township_id)

    def clean(self):
        cleaned = super().clean()
        term, name = cleaned.get("term"), cleaned.get("name")
        if term and name:
            clash = DeputyGroup.objects.filter(term=term, name=name).exclude(pk=self.instance.pk or 0)
            if clash.exists():
                self.add_error("name", _("%(t)s已有名为“%(n)s”的代表小组。") % {"t": term, "n": name})
        return cleaned

    def validate_unique(self):
        pass

    def validate_constraints(self):
        pass


class DeputyImportForm(forms.Form):
    term = forms.ModelChoiceField(label=_("导入到届次"), queryset=Term.objects.none())
    file = forms.FileField(
        label=_("名册文件"),
        widget=CheckedFileInput(limits=DEPUTY_IMPORT),
        help_text=_("Excel（.xlsx）或 CSV 文件，第一行为中文表头。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(township_id=user.township_id)
        self.rows = []

    def clean_file(self):
        from ..services.register_io import read_table  # which checks each row with DeputyImportRowForm

        upload = self.cleaned_data["file"]
        self.rows = read_table(upload)  # a ValidationError here is the file's message, in Chinese
        return upload


class LiaisonAssignmentForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(
        label=_("联系代表小组"),
        queryset=DeputyGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deputies = forms.ModelMultipleChoiceField(
        label=_("联系代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, term, member, **kwargs):
        super().__init__(*args, **kwargs)
        g_lo, g_hi = settings.LIAISON_GROUPS_RANGE
        d_lo, d_hi = settings.LIAISON_DEPUTIES_RANGE
        self.fields["groups"].queryset = DeputyGroup.objects.filter(term=term).order_by("name")
        self.fields["groups"].help_text = _("一般联系 %(lo)s–%(hi)s 个代表小组。") % {"lo": g_lo, "hi": g_hi}
        self.fields["deputies"].queryset = (
            Deputy.objects.filter(term=term)
            .serving()
            .exclude(pk=member.pk)
            .select_related("group")
            .order_by("group__name", "name")
        )
        self.fields["deputies"].label_from_instance = lambda d: f"{d.name}（{d.group.name}）" if d.group_id else d.name
        self.fields["deputies"].help_text = _("一般联系 %(lo)s–%(hi)s 名代表。") % {"lo": d_lo, "hi": d_hi}
