"""File inputs that tell the browser the server's limits, so a file too large or of a type the
server refuses is caught before it is uploaded (a 20 MB photo on a phone's connection).

`UploadLimits` names the setting that holds a field's size limit (read when the input is rendered,
never at import) and the extensions its validator accepts (congress_office.uploads). Every file
input of the project renders them, through `CheckedFileInput` / `CheckedMultipleFileInput` (a
form's widget) or the `{% upload_check_attrs %}` tag (an input written out in a template):

    data-upload-check data-max-bytes="10485760" data-max-mb="10" data-allowed-ext="jpg,pdf,…"
    data-msg-too-large="…" data-msg-bad-type="…"  (and `accept` when the widget has none)

static/js/upload-check.js (loaded by base.html) reads them, shows a message in Chinese next to the
input ("文件过大：20.3 MB，上限 10 MB", "不支持的文件类型：.exe") and keeps the form from being
submitted. The server's checks stay as they are: this only saves a useless upload."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from .uploads import IMAGE_EXTENSIONS, allowed_extensions


@dataclass(frozen=True)
class UploadLimits:
    setting: str  # the name of the setting with the size limit in MB
    images_only: bool = False
    extensions: tuple = ()  # when not every extension the validator knows is allowed (.docx only)

    @property
    def max_mb(self):
        return getattr(settings, self.setting)

    def allowed(self):
        if self.extensions:
            return sorted(self.extensions)
        return sorted(IMAGE_EXTENSIONS) if self.images_only else allowed_extensions()

    def attrs(self):
        """The input's attributes (values as rendered)."""
        max_mb = self.max_mb
        allowed = self.allowed()
        return {
            "data-upload-check": "",
            "data-max-bytes": str(int(max_mb * 1024 * 1024)),
            "data-max-mb": str(max_mb),
            "data-allowed-ext": ",".join(allowed),
            # %(size)s, %(limit)s and %(ext)s are filled in by upload-check.js
            "data-msg-too-large": _("文件过大：%(size)s MB，上限 %(limit)s MB"),
            "data-msg-bad-type": _("不支持的文件类型：%(ext)s"),
            "accept": ",".join(f".{ext}" for ext in allowed),
        }


# the limits of the project's uploads, by the validator they mirror
DEPUTY_PHOTO = UploadLimits("DEPUTY_UPLOAD_MAX_MB", images_only=True)  # deputies.validators.validate_photo
DEPUTY_ATTACHMENT = UploadLimits("DEPUTY_UPLOAD_MAX_MB")  # deputies.validators.validate_attachment
DEPUTY_IMPORT = UploadLimits("DEPUTY_UPLOAD_MAX_MB", extensions=("xlsx", "csv"))  # register_io.read_table
PETITION_ATTACHMENT = UploadLimits("PETITION_UPLOAD_MAX_MB")  # petitions.validators
DOCUMENT_FILE = UploadLimits("DOCUMENT_UPLOAD_MAX_MB")  # documents' and assessments' validators
DOCUMENT_DOCX = UploadLimits("DOCUMENT_UPLOAD_MAX_MB", extensions=("docx",))
CASE_REPLY = UploadLimits("CASE_REPLY_UPLOAD_MAX_MB")  # congress_office.services.cases
LIMITS = {
    "deputy_photo": DEPUTY_PHOTO,
    "deputy_attachment": DEPUTY_ATTACHMENT,
    "deputy_import": DEPUTY_IMPORT,
    "petition_attachment": PETITION_ATTACHMENT,
    "document_file": DOCUMENT_FILE,
    "document_docx": DOCUMENT_DOCX,
    "case_reply": CASE_REPLY,
}
# the limits a file field's validator applies, by the validator's dotted name (named, not imported:
# the core imports no app); deputies.forms.activities.MultipleFileField takes its widget's limits
# from here, and tests/core/test_upload_checks.py fails on a file input rendered without them
VALIDATOR_LIMITS = {
    "deputies.validators.validate_photo": DEPUTY_PHOTO,
    "deputies.validators.validate_attachment": DEPUTY_ATTACHMENT,
    "petitions.validators.validate_petition_attachment": PETITION_ATTACHMENT,
    "documents.models.validate_document_upload": DOCUMENT_FILE,
    "assessments.models.validate_evidence_upload": DOCUMENT_FILE,
    "congress_office.services.cases.validate_reply_attachment": CASE_REPLY,
}


def limits_for(validator):
    """The UploadLimits of a file validator (None for one not listed above)."""
    if validator is None:
        return None
    return VALIDATOR_LIMITS.get(f"{validator.__module__}.{validator.__qualname__}")


def upload_attrs(limits, attrs=None):
    """`limits`' attributes merged under the input's own (its own `accept`, e.g. "image/*" that
    opens a phone's camera, wins)."""
    return {**limits.attrs(), **(attrs or {})}


class CheckedFileInput(forms.ClearableFileInput):
    """A file input carrying its field's upload limits (see the module's docstring). `limits` may
    be set later (MultipleFileField sets it from its validator); without any, nothing is added."""

    def __init__(self, attrs=None, *, limits=None):
        super().__init__(attrs)
        self.limits = limits

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.limits is not None:
            context["widget"]["attrs"] = upload_attrs(self.limits, context["widget"]["attrs"])
        return context


class CheckedMultipleFileInput(CheckedFileInput):
    allow_multiple_selected = True
