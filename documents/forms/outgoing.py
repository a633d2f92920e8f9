"""Forms of the outgoing pages (发文): input only. The rules (states, who may act, secrecy,
the numbering) live in documents.services.outgoing, whose ValidationErrors the views put on
these forms."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_office.forms import ConfirmForm, DateInput
from congress_office.upload_widgets import DOCUMENT_DOCX, CheckedFileInput
from congress_office.uploads import extension_of

from ..models import IssuingBody, OutgoingDocument, validate_document_upload
from ..services.outgoing import DRAFT_FIELDS

TEXTAREA = {"rows": 3}


def normalise_lines(text):
    """Browsers send a textarea's lines with CRLF: keep LF only, so versions compare line by line."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _model_field(name, **overrides):
    field = OutgoingDocument._meta.get_field(name).formfield(**overrides)
    return field


# --- 起草 / 修改稿本 -------------------------------------------------------------------------------

# the draft's GB/T 9704 elements as the page groups them: 版头, 主体, 版记
HEAD_FIELDS = ("issuing_body", "doc_type", "copy_number", "secrecy", "secrecy_years", "urgency")
BODY_FIELDS = (
    "title",
    "main_recipients",
    "body",
    "docx",
    "attachments_note",
    "signature",
    "written_on",
    "seal",
    "annotation",
)
FOOT_FIELDS = ("cc_recipients", "print_body")
# shown across the whole width of the form (the others two or three to a row)
WIDE_FIELDS = {"title", "main_recipients", "body", "docx", "attachments_note", "annotation", "cc_recipients"}


class DraftForm(forms.Form):
    """Every element a draft sets (DRAFT_FIELDS); the body typed in, or a .docx uploaded as the
    body (its text is extracted by the service, the file is kept on the version)."""

    change_note = forms.CharField(
        label=_("修改说明"),
        max_length=200,
        required=False,
        help_text=_("说明本稿改了什么，如“按核稿意见补充会议地点”。将记入稿本记录。"),
    )

    def __init__(self, *args, user, document=None, **kwargs):
        self.document = document
        super().__init__(*args, **kwargs)
        if document is None:
            bodies = IssuingBody.objects.filter(township_id=user.township_id, is_active=True).order_by("order", "pk")
            self.fields["issuing_body"] = forms.ModelChoiceField(
                label=_("发文机关"),
                queryset=bodies,
                empty_label=None if len(bodies) == 1 else "---------",
                help_text=_("发文字号的机关代字随发文机关确定；发文机关由系统管理员维护。"),
            )
        for name in DRAFT_FIELDS:
            if name == "note":
                continue
            self.fields[name] = _model_field(name)
        self.fields["annotation"] = _model_field("note", label=_("附注"))
        self.fields["annotation"].help_text = _("如“此件公开发布”、联系人及电话等，印在成文日期下一行。")
        self.fields["doc_type"].help_text = _("党政机关公文处理工作条例规定的 15 种文种。")
        self.fields["body"].widget = forms.Textarea(attrs={"rows": 14})
        self.fields["body"].help_text = _("每段一行。也可以在下方上传 Word 文件作为正文。")
        self.fields["docx"] = forms.FileField(
            label=_("上传 Word 正文（.docx）"),
            required=False,
            widget=CheckedFileInput(limits=DOCUMENT_DOCX),
            help_text=_("上传后以文件中的文字作为正文（覆盖上面输入的正文），原文件随稿本保存。不超过 %(n)s MB。")
            % {"n": settings.DOCUMENT_UPLOAD_MAX_MB},
        )
        self.fields["attachments_note"].widget = forms.Textarea(attrs=TEXTAREA)
        self.fields["main_recipients"].help_text = _("多个机关用顿号“、”分隔，核发时逐一登记。")
        self.fields["cc_recipients"].help_text = _("多个机关用顿号“、”分隔。")
        self.fields["written_on"].widget = DateInput()
        self.fields["secrecy"].help_text = _(
            "乡镇人大不具有定密权：只能依据所收上级来文的密级派生定密，并标注相同的密级和保密期限。"
        )
        self.fields["secrecy_years"].help_text = _("不填则按最长期限：绝密 30 年、机密 20 年、秘密 10 年。")
        self.fields["signature"].help_text = _("一般为发文机关全称或规范化简称。")
        self.fields["print_body"].help_text = _("版记中的印发机关，一般为发文机关的办公室；印制时可修改。")
        if document is not None:
            for name in DRAFT_FIELDS:
                if name != "note":
                    self.fields[name].initial = getattr(document, name)
            self.fields["annotation"].initial = document.note
            self.fields["change_note"].required = True
            self.fields["change_note"].error_messages["required"] = _("请填写修改说明。")
        self.order_fields([*HEAD_FIELDS, *BODY_FIELDS, *FOOT_FIELDS, "change_note"])

    def field_groups(self):
        """(heading, [(bound field, wide)]) in the order of the printed document: 版头, 主体, 版记."""
        groups = (
            (_("版头"), HEAD_FIELDS),
            (_("主体"), BODY_FIELDS),
            (_("版记"), FOOT_FIELDS),
            (_("稿本"), ("change_note",)),
        )
        return [
            (
                heading,
                [(self[name], name in WIDE_FIELDS or name == "change_note") for name in names if name in self.fields],
            )
            for heading, names in groups
        ]

    def clean_body(self):
        return normalise_lines(self.cleaned_data.get("body")).strip()

    def clean_attachments_note(self):
        return normalise_lines(self.cleaned_data.get("attachments_note")).strip()

    def clean_docx(self):
        upload = self.cleaned_data.get("docx")
        if not upload:
            return None
        if extension_of(upload.name) != "docx":
            raise forms.ValidationError(_("请上传 .docx 格式的 Word 文件（.doc 请先另存为 .docx）。"))
        return validate_document_upload(upload) or upload  # a zip bomb is refused before python-docx reads it

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("body") and not cleaned.get("docx") and "body" not in self.errors:
            self.add_error("body", _("请填写正文，或上传 Word 文件作为正文。"))
        return cleaned

    def service_kwargs(self):
        data = self.cleaned_data
        values = {name: data.get(name) for name in DRAFT_FIELDS if name != "note"}
        for name, value in list(values.items()):
            if value is None and name not in ("written_on", "secrecy_years"):
                values[name] = ""
        kwargs = {
            **values,
            "annotation": data.get("annotation") or "",
            "docx": data.get("docx") or None,
            "note": data.get("change_note") or "",
        }
        if self.document is None:
            kwargs["issuing_body"] = data["issuing_body"]
        return kwargs


# --- the steps --------------------------------------------------------------------------------------


class SubmitForm(forms.Form):
    """送核稿: nothing to fill in."""


class ReviewForm(forms.Form):
    PASS, RETURN = "pass", "return"
    decision = forms.ChoiceField(
        label=_("核稿结论"),
        choices=[(PASS, _("核稿通过，送签发")), (RETURN, _("退回修改"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("核稿意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回修改时必填：写明需要修改的地方，拟稿人会收到通知。"),
    )


class SignForm(ConfirmForm):
    confirm_label = _("确认以本人名义签发（签发人、签发意见和日期将印入发文稿纸）")

    opinion = forms.CharField(
        label=_("签发意见"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：同意印发")}),
    )
    on = forms.DateField(
        label=_("签发日期"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("不能早于起草日期，也不能晚于今天。"),
    )


class RegisterForm(ConfirmForm):
    confirm_label = _("确认登记编号（文号一经编出不再收回；作废的文号不再使用）")


class VoidNumberForm(ConfirmForm):
    confirm_label = _("确认作废该文号（作废的文号记录在案，不再使用）")

    reason = forms.CharField(label=_("作废理由"), widget=forms.Textarea(attrs=TEXTAREA))


class PrintForm(forms.Form):
    copies = forms.IntegerField(label=_("印制份数"), min_value=1, max_value=32767)
    printed_on = forms.DateField(
        label=_("印发日期"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("不能早于签发日期，也不能晚于今天。"),
    )
    print_body = forms.CharField(label=_("印发机关"), max_length=100, required=False)


class SealForm(ConfirmForm):
    confirm_label = _("确认已用印并登记")

    seal = forms.CharField(label=_("所用印章"), max_length=60)
    count = forms.IntegerField(label=_("用印次数"), min_value=1, max_value=32767)


class DispatchForm(ConfirmForm):
    """One count of copies per 主送 and 抄送 body (1 each unless changed)."""

    confirm_label = _("确认核发：按主送、抄送机关逐一登记分发")

    def __init__(self, *args, document, user=None, **kwargs):
        from ..services.outgoing import split_recipients

        super().__init__(*args, **kwargs)
        self.recipients = []
        for kind, text in ((_("主送"), document.main_recipients), (_("抄送"), document.cc_recipients)):
            for name in split_recipients(text):
                key = f"copies_{len(self.recipients)}"
                self.recipients.append((key, name))
                self.fields[key] = forms.IntegerField(
                    label=_("%(kind)s：%(name)s（份）") % {"kind": kind, "name": name},
                    min_value=1,
                    max_value=32767,
                    initial=1,
                )
        self.order_fields([key for key, _name in self.recipients] + ["confirm"])

    def copies(self):
        return {name: self.cleaned_data[key] for key, name in self.recipients}


class ArchiveForm(ConfirmForm):
    confirm_label = _("确认归档")
