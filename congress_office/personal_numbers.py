"""Phone and ID numbers of people the office records (petitioners, deputies): one form to store
and hash them in, and the checks of a number's shape. Encryption and masking are in crypto.py."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


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
