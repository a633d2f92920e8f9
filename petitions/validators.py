"""Input checks of petitions: attachments (extension, real content, size, count), phone
numbers and resident ID numbers (GB 11643 check digit).

Attachments follow deputies.validators, with the petitions' own limits
(settings.PETITION_UPLOAD_MAX_MB per file, settings.PETITION_UPLOAD_MAX_FILES per submission),
because the public form takes files from anyone.
"""
import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from deputies.validators import IMAGE_EXTENSIONS, sniff_is_image, validate_size

PDF, ZIP, OLE = b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
# what each document extension's content starts with (a PDF renamed .docx is refused)
DOCUMENT_SIGNATURES = {
    "pdf": (PDF,), "docx": (ZIP,), "xlsx": (ZIP,), "doc": (OLE,), "xls": (OLE,), "wps": (OLE, ZIP),
}
DOCUMENT_EXTENSIONS = {*DOCUMENT_SIGNATURES, "txt"}
# how much of a .txt is read to make sure it is text, not a renamed program
TEXT_SNIFF_BYTES = 4096

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def _extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _read_head(file, length):
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(length)
    file.seek(position)
    return head


def _looks_like_text(head):
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


def accept_attribute():
    """The file input's `accept`: what the validator allows."""
    return ",".join(f".{ext}" for ext in allowed_extensions())


def validate_petition_attachment(file):
    """A photo (JPG, PNG …) or a document (PDF, Word, Excel, WPS, TXT) whose content matches its
    extension and whose size is within settings.PETITION_UPLOAD_MAX_MB."""
    validate_size(file, settings.PETITION_UPLOAD_MAX_MB)
    ext = _extension(file.name)
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
        if not _looks_like_text(_read_head(file, TEXT_SNIFF_BYTES)):
            raise ValidationError(_("“%(name)s”不是文本文件，请检查文件。") % {"name": file.name})
        return
    head = _read_head(file, 16)
    if not head.startswith(DOCUMENT_SIGNATURES[ext]):
        raise ValidationError(_("“%(name)s”的内容与扩展名不符，请检查文件。") % {"name": file.name})


def validate_attachment_count(files):
    limit = settings.PETITION_UPLOAD_MAX_FILES
    if len(files) > limit:
        raise ValidationError(_("一次最多上传 %(n)s 个附件。") % {"n": limit})


def normalise_phone(value):
    """Digits only: spaces, hyphens and brackets dropped, a leading +86 / 86 removed from a
    mobile number. The stored value and its keyed hash use this form, so the same number
    typed two ways is still recognised as the same person."""
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def validate_phone(value):
    """A mainland mobile number (11 digits starting 13–19) or a landline with its area code."""
    if not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
        raise ValidationError(_("请输入正确的手机号码（11 位）或带区号的固定电话。"), code="phone")


def normalise_id_number(value):
    return "".join((value or "").split()).upper()


def id_check_char(first17):
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value):
    """An 18-character resident ID number (GB 11643-1999): 17 digits, a valid date of birth,
    and the check character."""
    message = _("请输入正确的 18 位身份证号码。")
    if not ID_RE.match(value):
        raise ValidationError(message, code="id_number")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(message, code="id_number") from None
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对。"), code="id_number")
