"""Uploads are cleaned before they are stored (issue 13, item 9; congress_office.uploads.clean_upload),
through the real upload pages of every kind of stored file, by a user of the right role:

- an image is decoded and encoded again by Pillow: a JPEG's EXIF (GPS included) is gone, its
  orientation applied; whatever was appended after the picture (a zip after a JPEG, a web page
  after a PNG) is gone, the stored size is the new one, the file keeps its name; an image Pillow
  cannot decode, and a decompression bomb, are refused;
- an Office file is a sound zip within OFFICE_MAX_ENTRIES entries and OFFICE_MAX_UNCOMPRESSED_MB
  unpacked: a .docx with a 300 MB entry of zeros (a zip bomb) and one of 5,000 entries are refused
  and nothing is stored; a real .docx (python-docx) and a real .xlsx (openpyxl) still upload;
- an SVG renamed .png, a web page renamed .txt and an .html are refused.

Every refusal is a page with a Chinese message (never a 500) and leaves no file in the storage."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from assessments import services as assessments
from assessments.choices import SubjectKind
from assessments.models import ScoreFile
from congress_office.roles import Role
from congress_office.uploads import clean_upload
from deputies.choices import ActivityType
from deputies.models import Activity, ActivityAttachment, Deputy
from documents.choices import DocType
from documents.models import DraftVersion, IncomingFile, IssuingBody, OutgoingDocument
from documents.services.incoming import incoming_receive
from petitions.models import Petition, PetitionAttachment

from ..deputies.factories import DeputyFactory, DistrictFactory, TermFactory
from ..petitions.office_fixtures import petition_form_data

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
GPS_LATITUDE = (31.0, 52.0, 7.5)
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


# --- files -------------------------------------------------------------------------------------------


def jpeg_bytes(size=(60, 30), *, exif=None):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG", quality=85, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def gps_exif(orientation=6):
    """EXIF with a place (GPS latitude and longitude), a camera and an orientation (6: the
    picture is to be turned 90° clockwise)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (118.0, 47.0, 2.0)
    return exif


def png_bytes(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("payload/run.html", HTML)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_size(width, height):
    """A valid PNG header declaring `width` × `height` pixels (one tiny IDAT): a decompression bomb
    as Pillow sees it on opening, without building the image."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def real_docx(text="经镇人大主席团研究，决定召开代表座谈会。"):
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def real_xlsx():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["来文机关", "份数"])
    book.active.append(["县人大常委会办公室", 2])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb_docx():
    """A .docx whose document.xml unpacks to 300 MB of zeros (written 1 MB at a time, never held
    at once), about 300 KB packed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zeros = bytes(MIB)
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(300):
                entry.write(zeros)
    data = buffer.getvalue()
    assert len(data) < 2 * MIB
    return data


def many_entries_docx(count=5000):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        for n in range(count):
            archive.writestr(f"word/media/part{n}.xml", "<a/>")
    return buffer.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def read_stored(field_file):
    with field_file.open("rb") as handle:
        return handle.read()


# --- the records uploads belong to -------------------------------------------------------------------


@pytest.fixture
def term(township):
    return TermFactory(township=township)


@pytest.fixture
def district(term):
    return DistrictFactory(term=term, name="东风村选区", seats=3)


@pytest.fixture
def deputy(term, district, users):
    return DeputyFactory(term=term, district=district, name="张桂兰", user=users[Role.DEPUTY])


@pytest.fixture
def received(township, clerk):
    return incoming_receive(township=township, by=clerk, sender="县人大常委会办公室", title="关于做好建议办理的通知")


@pytest.fixture
def issuing_body(township):
    return IssuingBody.objects.create(township=township, name="青山镇人民代表大会主席团", code="青人")


@pytest.fixture
def score(township, clerk):
    plan = assessments.plan_create(township=township, by=clerk, year=timezone.localdate().year)
    kind = assessments.type_add(plan=plan, by=clerk, name="经济发展类")
    indicator = assessments.indicator_add(assessment_type=kind, by=clerk, name="财政收入", weight=100, goal="完成目标")
    cadre = assessments.subject_add(
        plan=plan, by=clerk, kind=SubjectKind.CADRE, name="干部1", position="副镇长", assessment_type=kind
    )
    return assessments.score_set(subject=cadre, indicator=indicator, quarter=1, value=5, by=clerk)


# --- the pages ---------------------------------------------------------------------------------------


def post_deputy(client, term, district, photo):
    data = {
        "name": "赵新民",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": "1980-05-04",
        "affiliation": "cpc",
        "phone": "13800000000",
        "occupation": "农民",
        "work_unit": "东风村党支部书记",
        "term": term.pk,
        "district": district.pk,
        "group": "",
        "position": "",
        "user": "",
        "photo": photo,
    }
    return client.post(reverse("deputies:deputy_create"), data)


def post_activity(client, **files):
    data = {
        "type": ActivityType.CONTACT_VOTERS,
        "date": timezone.localdate().isoformat(),
        "place": "东风村委会",
        "title": "走访东风村选民",
        "summary": "听取选民对村道修缮的意见。",
        "outcome": "",
        **files,
    }
    return client.post(reverse("deputies:activity_create"), data)


def post_petition(client, files):
    data = petition_form_data(received_on=timezone.localdate().isoformat(), phone="13812345678", attachments=files)
    return client.post(reverse("petitions:petition_create"), data)


def post_incoming_files(client, document, files):
    data = {"sender_number": "县人办〔2026〕20号", "doc_type": DocType.NOTICE, "copies": 1, "pages": 1, "files": files}
    return client.post(reverse("documents:incoming_register", args=[document.pk]), data)


def post_draft(client, issuing_body, docx):
    data = {
        "issuing_body": issuing_body.pk,
        "doc_type": DocType.NOTICE,
        "title": "关于开展代表集中视察活动的通知",
        "main_recipients": "各村（社区）人大代表小组",
        "body": "",
        "signature": "青山镇人大主席团",
        "written_on": "",
        "cc_recipients": "",
        "print_body": "青山镇人大办公室",
        "secrecy": "",
        "secrecy_years": "",
        "urgency": "",
        "copy_number": "",
        "attachments_note": "",
        "seal": "",
        "annotation": "",
        "docx": docx,
    }
    return client.post(reverse("documents:outgoing_create"), data)


def post_evidence(client, score, files):
    return client.post(reverse("assessments:evidence", args=[score.subject.plan_id, score.pk]), {"files": files})


# --- images: encoded again ---------------------------------------------------------------------------


def test_a_deputys_photo_is_stored_without_exif_and_turned_upright(client_for, clerk, term, district):
    original = jpeg_bytes((60, 30), exif=gps_exif(orientation=6))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the place is in the upload

    response = post_deputy(client_for(clerk), term, district, upload("zhao.jpg", original, "image/jpeg"))

    assert response.status_code == 302
    deputy = Deputy.objects.get(name="赵新民")
    stored = read_stored(deputy.photo)
    assert deputy.photo.name.endswith("zhao.jpg") and deputy.photo.name.startswith("deputies/photos/")
    assert b"Exif" not in stored and b"TestCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and "exif" not in image.info
        assert dict(image.getexif()) == {} and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert image.size == (30, 60)  # orientation 6 applied: what the camera showed, upright


@pytest.mark.parametrize("in_memory", [True, False], ids=["in-memory", "temporary-file"])
def test_a_jpeg_with_a_zip_appended_is_stored_without_it(client_for, users, deputy, settings, in_memory):
    if not in_memory:  # an upload Django spools to a temporary file (which the storage moves into place)
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    picture = jpeg_bytes()
    polyglot = picture + zip_bytes()
    assert zipfile.is_zipfile(io.BytesIO(polyglot))

    response = post_activity(client_for(users[Role.DEPUTY]), photos=[upload("现场.jpg", polyglot, "image/jpeg")])

    assert response.status_code == 302
    attachment = ActivityAttachment.objects.get()
    stored = read_stored(attachment.file)
    assert attachment.name == "现场.jpg" and attachment.file.name.endswith("现场.jpg") and attachment.is_image
    assert len(stored) == attachment.size == attachment.file.size < len(polyglot)
    assert not zipfile.is_zipfile(io.BytesIO(stored)) and b"PK\x03\x04" not in stored and HTML not in stored
    assert stored.endswith(b"\xff\xd9")  # ends where the picture ends
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert image.format == "JPEG" and image.size == (60, 30)


def test_a_png_with_a_web_page_appended_is_stored_without_it(client_for, clerk):
    polyglot = png_bytes() + HTML

    response = post_petition(client_for(clerk), [upload("现场照片.png", polyglot, "image/png")])

    assert response.status_code == 302
    attachment = PetitionAttachment.objects.get()
    stored = read_stored(attachment.file)
    assert b"<html" not in stored and b"<script" not in stored
    assert len(stored) == attachment.size < len(polyglot)
    assert stored.endswith(png_chunk(b"IEND", b""))  # ends where the picture ends
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert image.format == "PNG" and image.size == (40, 30)


def test_an_image_pillow_cannot_decode_is_refused(client_for, clerk):
    broken = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x13" * 200  # a JPEG's start, then nothing decodable

    response = post_petition(client_for(clerk), [upload("扫描.jpg", broken, "image/jpeg")])

    assert response.status_code == 200 and "无法识别为有效的图片" in response.text
    assert not Petition.objects.exists() and stored_files() == []


@pytest.mark.parametrize(
    "size", [(30_000, 30_000), (10_000, 10_000)], ids=["pillow-bomb-error", "above-IMAGE_MAX_PIXELS"]
)
def test_a_decompression_bomb_is_refused(client_for, clerk, score, size):
    response = post_evidence(client_for(clerk), score, [upload("依据.png", png_of_size(*size), "image/png")])

    assert response.status_code == 200 and "像素过多" in response.text
    assert not ScoreFile.objects.exists() and stored_files() == []


def test_heic_gif_and_webp_are_encoded_again_in_their_own_format():
    """Whatever image is accepted goes through Pillow (HEIC through pillow-heif); an animation
    keeps its frames; metadata (a GIF comment) is dropped."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    frames = [Image.new("RGB", (20, 20), (n * 80, 30, 0)) for n in range(3)]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], comment=b"secret")
    webp, heic = io.BytesIO(), io.BytesIO()
    frames[0].save(webp, "WEBP")
    frames[0].save(heic, "HEIF")
    for name, data, fmt, count in [
        ("动图.gif", gif.getvalue(), "GIF", 3),
        ("照片.webp", webp.getvalue(), "WEBP", 1),
        ("苹果.heic", heic.getvalue(), "HEIF", 1),
    ]:
        cleaned = clean_upload(upload(name, data + HTML), limit_mb=10)
        stored = cleaned.read()
        assert cleaned.name == name and HTML not in stored and b"secret" not in stored, name
        with Image.open(io.BytesIO(stored)) as image:
            assert (image.format, getattr(image, "n_frames", 1)) == (fmt, count), name


def test_a_file_is_cleaned_once_by_the_form_the_service_and_the_model():
    original = upload("a.jpg", jpeg_bytes() + zip_bytes())
    once = clean_upload(original, limit_mb=10)
    data = once.read()
    assert clean_upload(once, limit_mb=10) is once and once.read() == b""  # marked: not encoded again
    once.seek(0)
    assert once.read() == data


# --- Office files: zip bombs -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["bomb", "5000-entries"])
def test_a_zip_bomb_or_a_docx_of_5000_entries_is_refused_as_an_incoming_file(
    client_for, clerk, received, bomb_docx, kind
):
    data = bomb_docx if kind == "bomb" else many_entries_docx()

    response = post_incoming_files(client_for(clerk), received, [upload("来文.docx", data)])

    assert response.status_code == 200 and "疑似恶意构造的文件" in response.text
    assert ("解压后" if kind == "bomb" else "内含 5001 个文件") in response.text
    assert not IncomingFile.objects.exists() and stored_files() == []
    received.refresh_from_db()
    assert received.sequence is None  # not registered either


@pytest.mark.parametrize("kind", ["bomb", "5000-entries"])
def test_a_zip_bomb_or_a_docx_of_5000_entries_is_refused_as_a_draft(client_for, clerk, issuing_body, bomb_docx, kind):
    data = bomb_docx if kind == "bomb" else many_entries_docx()

    response = post_draft(client_for(clerk), issuing_body, upload("正文.docx", data))

    assert response.status_code == 200 and "疑似恶意构造的文件" in response.text
    assert not OutgoingDocument.objects.exists() and not DraftVersion.objects.exists() and stored_files() == []


def test_a_highly_compressed_entry_and_a_path_outside_the_file_are_refused(settings):
    settings.OFFICE_MAX_UNCOMPRESSED_MB = 1000  # only the ratio is left to refuse it
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(5 * MIB))
    with pytest.raises(Exception, match="压缩比超过 100 倍"):
        clean_upload(upload("压缩.docx", buffer.getvalue()), limit_mb=10)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/cron.d/x", "x")
    with pytest.raises(Exception, match="内部路径"):
        clean_upload(upload("路径.xlsx", buffer.getvalue()), limit_mb=10)
    with pytest.raises(Exception, match="不是有效的 Office 文件"):
        clean_upload(upload("坏的.docx", b"PK\x03\x04" + b"\x00" * 100), limit_mb=10)


def test_a_real_docx_and_a_real_xlsx_still_upload(client_for, clerk, received, issuing_body):
    docx, xlsx = real_docx(), real_xlsx()

    response = post_incoming_files(client_for(clerk), received, [upload("来文.docx", docx), upload("附表.xlsx", xlsx)])

    assert response.status_code == 302
    stored = {f.name: read_stored(f.file) for f in IncomingFile.objects.all()}
    assert stored == {"来文.docx": docx, "附表.xlsx": xlsx}  # unchanged
    response = post_draft(client_for(clerk), issuing_body, upload("正文.docx", docx))
    assert response.status_code == 302
    assert OutgoingDocument.objects.get().body == "经镇人大主席团研究，决定召开代表座谈会。"
    assert read_stored(DraftVersion.objects.get().docx) == docx


# --- SVG and web pages: refused ----------------------------------------------------------------------


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("现场照片.png", SVG),
        ("说明.html", b"<!DOCTYPE html><html><body>hi</body></html>"),
        ("说明.txt", b"\xef\xbb\xbf  <!doctype HTML><p>x</p><script>alert(1)</script>"),
        ("说明.txt", b"\n<p onclick=alert(1)>x</p>"),
    ],
    ids=["svg-as-png", "html", "html-as-txt", "a-page-start-as-txt"],
)
def test_svg_and_web_pages_are_refused(client_for, clerk, users, deputy, score, name, data):
    message = "不能上传 SVG 图片或网页（HTML）文件"
    response = post_petition(client_for(clerk), [upload(name, data)])
    assert response.status_code == 200 and message in response.text
    response = post_evidence(client_for(clerk), score, [upload(name, data)])
    assert response.status_code == 200 and message in response.text
    response = post_activity(client_for(users[Role.DEPUTY]), files=[upload(name, data)])
    assert response.status_code == 200 and message in response.text
    assert not Petition.objects.exists() and not ScoreFile.objects.exists() and not Activity.objects.exists()
    assert stored_files() == []


def test_text_that_merely_mentions_markup_is_still_a_text():
    note = upload("记录.txt", "会议记录：预算 < 100 万元；<b>注意</b> 用词。".encode())
    assert clean_upload(note, limit_mb=10) is note
