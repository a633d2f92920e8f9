"""Upload validation shared by every app: the extension, the real content (magic bytes, or
text for .txt) and the size. Each app passes its own size limit."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "heic"}
PDF, ZIP, OLE = b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
# what each document extension's content starts with (a PDF renamed .docx is refused)
DOCUMENT_SIGNATURES = {
    "pdf": (PDF,),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "doc": (OLE,),
    "xls": (OLE,),
    "wps": (OLE, ZIP),
}
DOCUMENT_EXTENSIONS = {*DOCUMENT_SIGNATURES, "txt"}
# how much of a .txt is read to make sure it is text, not a renamed program
TEXT_SNIFF_BYTES = 4096


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def read_head(file, length=16):
    """The first `length` bytes, leaving the file where it was."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(length)
    file.seek(position)
    return head


def sniff_is_image(file):
    head = read_head(file)
    return (
        any(head.startswith(sig) for sig in IMAGE_SIGNATURES)
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or head[4:12] in (b"ftypheic", b"ftypmif1")
    )


def looks_like_text(head):
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            # the sniffed block may end inside a multi-byte character
            if error.start >= len(head) - 3:
                return True
            continue
        return True
    return False


def allowed_extensions():
    return sorted(IMAGE_EXTENSIONS | DOCUMENT_EXTENSIONS)


def validate_size(file, limit_mb):
    if file.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("文件“%(name)s”过大（%(size).1f MB），单个文件不能超过 %(limit)s MB。")
            % {"name": file.name, "size": file.size / 1024 / 1024, "limit": limit_mb}
        )


def validate_image(file, *, limit_mb):
    """A photo: an image extension and image content."""
    validate_size(file, limit_mb)
    if extension_of(file.name) not in IMAGE_EXTENSIONS or not sniff_is_image(file):
        raise ValidationError(_("“%(name)s”不是有效的照片，请上传 JPG、PNG 等图片。") % {"name": file.name})


def validate_upload(file, *, limit_mb):
    """A photo (JPG, PNG …) or a document (PDF, Word, Excel, WPS, TXT) whose content matches its
    extension and whose size is within `limit_mb`."""
    validate_size(file, limit_mb)
    ext = extension_of(file.name)
    if ext in IMAGE_EXTENSIONS:
        if not sniff_is_image(file):
            raise ValidationError(_("“%(name)s”的内容不是图片，请检查文件。") % {"name": file.name})
        return
    if ext not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”。可上传照片（JPG、PNG）或文档（PDF、Word、Excel、TXT）。")
            % {"ext": ext or "?"}
        )
    if ext == "txt":
        if not looks_like_text(read_head(file, TEXT_SNIFF_BYTES)):
            raise ValidationError(_("“%(name)s”不是文本文件，请检查文件。") % {"name": file.name})
        return
    if not read_head(file).startswith(DOCUMENT_SIGNATURES[ext]):
        raise ValidationError(_("“%(name)s”的内容与扩展名不符，请检查文件。") % {"name": file.name})
