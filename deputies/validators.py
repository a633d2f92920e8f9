"""Input checks of the deputies app: uploads (photos, activity attachments), checked by the
core's upload validation with the app's size limit (settings.DEPUTY_UPLOAD_MAX_MB). Phone and
resident ID numbers are checked by congress_office.personal_numbers."""

from django.conf import settings

from congress_office.uploads import IMAGE_EXTENSIONS, sniff_is_image, validate_image, validate_upload

__all__ = [
    "IMAGE_EXTENSIONS",
    "sniff_is_image",
    "validate_attachment",
    "validate_photo",
]


def validate_photo(file):
    """A photo, encoded again (congress_office.uploads.clean_upload): returns the file to store."""
    return validate_image(file, limit_mb=settings.DEPUTY_UPLOAD_MAX_MB)


def validate_attachment(file):
    """A photo or a document (congress_office.uploads.clean_upload): returns the file to store."""
    return validate_upload(file, limit_mb=settings.DEPUTY_UPLOAD_MAX_MB)
