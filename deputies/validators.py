"""Upload validation: extension, real content type (magic bytes) and size."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
DOCUMENT_SIGNATURES = {
    b"%PDF-": "pdf",
    b"PK\x03\x04": "docx/xlsx",
    b"\xd0\xcf\x11\xe0": "doc/xls",
}
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "heic"}
DOCUMENT_EXTENSIONS = {"pdf", "doc", "docx", "xls", "xlsx", "wps", "txt"}


def _head(file, length=16):
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(length)
    file.seek(position)
    return head


def _extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff_is_image(file):
    head = _head(file)
    return any(head.startswith(sig) for sig in IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or head[4:12] in (b"ftypheic", b"ftypmif1")


def validate_size(file, limit_mb):
    if file.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("文件“%(name)s”过大（%(size).1f MB），单个文件不能超过 %(limit)s MB。")
            % {"name": file.name, "size": file.size / 1024 / 1024, "limit": limit_mb}
        )


def validate_photo(file):
    validate_size(file, settings.DEPUTY_UPLOAD_MAX_MB)
    if _extension(file.name) not in IMAGE_EXTENSIONS or not sniff_is_image(file):
        raise ValidationError(_("“%(name)s”不是有效的照片，请上传 JPG、PNG 等图片。") % {"name": file.name})


def validate_attachment(file):
    validate_size(file, settings.DEPUTY_UPLOAD_MAX_MB)
    ext = _extension(file.name)
    if ext in IMAGE_EXTENSIONS:
        if not sniff_is_image(file):
            raise ValidationError(_("“%(name)s”的内容不是图片，请检查文件。") % {"name": file.name})
        return
    if ext not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”。可上传照片（JPG、PNG）或文档（PDF、Word、Excel、TXT）。") % {"ext": ext or "?"}
        )
    if ext != "txt":
        head = _head(file)
        if not any(head.startswith(sig) for sig in DOCUMENT_SIGNATURES):
            raise ValidationError(_("“%(name)s”的内容与扩展名不符，请检查文件。") % {"name": file.name})
