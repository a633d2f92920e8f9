"""Fixtures and helpers of the registration, personal-data, public and office-page tests;
test modules import them by name."""

import io
from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from congress_office.personal_numbers import id_check_char

from .factories import register_petition, subject  # noqa: F401  (re-exported for the tests)


def petition_form_data(**overrides):
    """A valid POST of the office registration form (petitions:petition_create)."""
    from petitions.choices import Channel

    return {
        "channel": Channel.LETTER,
        "received_on": "2026-11-02",
        "petitioner_name": "王大山",
        "organisation": "",
        "address": "青山镇东风村3组",
        "phone": "138 1234 5678",
        "id_number": "",
        "category": "appeal",
        "subject": subject().pk,
        "title": "土地补偿款未足额发放",
        "request": "请求足额发放",
        "facts": "少发2万元",
        "reasons": "有协议为证",
        "oral_record": "",
        "headcount": "",
        "representatives": "",
        **overrides,
    }


def valid_id(first17="32010219800101456"):
    """An ID number with a correct check character."""
    return first17 + id_check_char(first17)


RAW_PHONE = "13812345678"
RAW_ID = valid_id("32010219750308123")
RECEIVED = date(2026, 11, 2)


@pytest.fixture
def petition(township, clerk):
    return register_petition(township=township, by=clerk, phone=RAW_PHONE, id_number=RAW_ID)


@pytest.fixture
def other_petition(other_township, other_clerk):
    return register_petition(
        township=other_township,
        by=other_clerk,
        phone="13987654321",
        id_number=valid_id("11010519491231002"),
        title="白水乡的信访件",
        petitioner_name="白水乡信访人",
    )


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name="现场照片.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name="材料.pdf"):
    data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def exe_upload(name="setup.exe"):
    data = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
    return SimpleUploadedFile(name, data, content_type="application/x-msdownload")


def fake_jpg_upload(name="photo.jpg"):
    """A text file renamed .jpg: the extension says image, the content does not."""
    return SimpleUploadedFile(name, "这不是图片，是一段文字。".encode(), content_type="image/jpeg")


def big_upload(mb=20, name="big.pdf"):
    """A real PDF header followed by padding: `mb` megabytes."""
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"\x00" * (mb * 1024 * 1024), content_type="application/pdf")


def stored_files():
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
