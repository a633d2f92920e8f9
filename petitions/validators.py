"""Input checks of petitions: attachments (extension, real content, size, count). Phone and
resident ID numbers are checked by congress_office.personal_numbers.

Attachments go through the core's upload validation with the petitions' own limits
(settings.PETITION_UPLOAD_MAX_MB per file, settings.PETITION_UPLOAD_MAX_FILES per submission).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from congress_office.uploads import allowed_extensions, validate_upload


def accept_attribute():
    """The file input's `accept`: what the validator allows."""
    return ",".join(f".{ext}" for ext in allowed_extensions())


def validate_petition_attachment(file):
    """A photo or a document whose content matches its extension, within
    settings.PETITION_UPLOAD_MAX_MB (the public form takes files from anyone)."""
    return validate_upload(file, limit_mb=settings.PETITION_UPLOAD_MAX_MB)


def validate_attachment_count(files):
    limit = settings.PETITION_UPLOAD_MAX_FILES
    if len(files) > limit:
        raise ValidationError(_("一次最多上传 %(n)s 个附件。") % {"n": limit})
