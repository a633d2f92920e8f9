"""Uploads of the deputies app (photos, activity attachments), checked by the core's upload
validation with the app's size limit (settings.DEPUTY_UPLOAD_MAX_MB)."""

from django.conf import settings

from congress_office.uploads import IMAGE_EXTENSIONS, sniff_is_image, validate_image, validate_upload

__all__ = ["IMAGE_EXTENSIONS", "sniff_is_image", "validate_attachment", "validate_photo"]


def validate_photo(file):
    validate_image(file, limit_mb=settings.DEPUTY_UPLOAD_MAX_MB)


def validate_attachment(file):
    validate_upload(file, limit_mb=settings.DEPUTY_UPLOAD_MAX_MB)
