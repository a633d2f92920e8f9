"""Upload checks shared by every app, and the content that is stored: `clean_upload`.

Every file a user sends goes through `clean_upload` (through `validate_upload` / `validate_image`,
the validators of the forms' file fields, of the services that store files and of the models'
file fields) before it is stored:
- the size, within the limit the app passes;
- no SVG and no web page (HTML), by extension and by content, whatever the extension: a browser
  would run their scripts;
- an image (JPG, PNG, GIF, WebP, HEIC) is decoded and encoded again by Pillow in its own format,
  its EXIF orientation applied and its metadata (EXIF with GPS, XMP, comments) dropped; so
  whatever was appended after the picture (a zip, a web page: a polyglot) is gone. An image
  Pillow cannot decode, or one of more than settings.IMAGE_MAX_PIXELS pixels (a decompression
  bomb), is refused;
- an Office file (.docx, .xlsx, a zip-based .wps) must be a sound zip of at most
  settings.OFFICE_MAX_ENTRIES entries and settings.OFFICE_MAX_UNCOMPRESSED_MB unpacked, no entry
  above 1 MB packed more than settings.OFFICE_MAX_COMPRESSION_RATIO : 1, no absolute or "../"
  entry names (a zip bomb, a path traversal); legacy .doc / .xls (OLE) and PDF by their magic
  bytes; a .txt must be text.

The new content replaces the upload's own (same object, same name, so the model's upload_to is
unchanged), so that a validator's check is also what the storage receives; the file is marked
as cleaned, so the form's, the service's and the model's validators clean it once."""

import io
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
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
# refused whatever their content: a browser runs the scripts of an SVG or a web page
MARKUP_EXTENSIONS = {"svg", "svgz", "html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml"}
# what an SVG or a web page has near its start (lower case); looked for in the first
# MARKUP_SNIFF_BYTES of a file that starts as markup or is text
MARKUP_MARKERS = (b"<svg", b"<html", b"<!doctype html", b"<script")
MARKUP_SNIFF_BYTES = 1024
# what a browser sniffs as a web page (or XML) when a file starts with it (the WHATWG MIME
# sniffing standard's HTML patterns), each followed by a blank or ">"; "<!--" by anything
HTML_STARTS = (
    b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font", b"<table",
    b"<a", b"<style", b"<title", b"<b", b"<body", b"<br", b"<p", b"<?xml",
)  # fmt: skip
# Pillow's formats that we accept, and the format each is stored in (an MPO is a phone's JPEG
# with more pictures appended: the first one is kept)
IMAGE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WEBP", "HEIF": "HEIF"}
# what of an image's info is kept when it is encoded again: how it looks and moves, no metadata
IMAGE_INFO_KEPT = ("transparency", "background", "duration", "loop", "disposal", "blend", "icc_profile", "gamma")
LOSSY_QUALITY = 90
# the compression ratio bound applies to the entries larger than this once unpacked
RATIO_CHECKED_ABOVE = 1024 * 1024
# set on an upload once `clean_upload` has cleaned it
CLEANED = "_congress_upload_cleaned"


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


def looks_like_markup(file):
    """An SVG or a web page, whatever the extension: a file that starts (after a byte order mark
    and blanks) as a browser sniffs a web page or XML, or that starts as markup or is text and
    has '<svg', '<html', '<!doctype html' or '<script' in its first MARKUP_SNIFF_BYTES. A picture
    or a zip that merely carries such bytes further in is not markup (an image is encoded again,
    which drops them)."""
    head = read_head(file, MARKUP_SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16
        head = head.decode("utf-16", errors="ignore").encode()
    head = head.lower()
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"<!--") or any(
        start.startswith(tag) and start[len(tag) : len(tag) + 1] in (b" ", b">", b"\t", b"\n", b"\r")
        for tag in HTML_STARTS
    ):
        return True
    if not (start.startswith(b"<") or looks_like_text(head)):
        return False
    return any(marker in head for marker in MARKUP_MARKERS)


def allowed_extensions():
    return sorted(IMAGE_EXTENSIONS | DOCUMENT_EXTENSIONS)


def validate_size(file, limit_mb):
    if file.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("文件“%(name)s”过大（%(size).1f MB），单个文件不能超过 %(limit)s MB。")
            % {"name": file.name, "size": file.size / 1024 / 1024, "limit": limit_mb}
        )


def validate_image(file, *, limit_mb):
    """A photo: an image extension and image content, encoded again (see clean_upload).
    Returns the file to store."""
    return clean_upload(file, limit_mb=limit_mb, images_only=True)


def validate_upload(file, *, limit_mb):
    """A photo (JPG, PNG …) or a document (PDF, Word, Excel, WPS, TXT) whose content matches its
    extension and whose size is within `limit_mb` (see clean_upload). Returns the file to store."""
    return clean_upload(file, limit_mb=limit_mb)


def clean_upload(file, *, limit_mb, images_only=False):
    """Check `file` (an upload, or a model's file field value) and return what is to be stored:
    the same file, whose content is replaced by the image encoded again when it is one. Raises
    ValidationError with a Chinese message. A file already stored is returned as it is (it was
    cleaned on its way in); so is a file this function has cleaned before."""
    if getattr(file, "_committed", False):
        return file
    upload = file.file if hasattr(file, "_committed") else file  # an uncommitted FieldFile: its upload
    if getattr(upload, CLEANED, False):
        return file
    validate_size(file, limit_mb)
    name = file.name
    ext = extension_of(name)
    if ext in MARKUP_EXTENSIONS or looks_like_markup(upload):
        raise ValidationError(
            _("出于安全考虑，不能上传 SVG 图片或网页（HTML）文件“%(name)s”，请转换为 JPG、PNG 或 PDF 后再上传。")
            % {"name": name}
        )
    if images_only and ext not in IMAGE_EXTENSIONS:
        raise ValidationError(_("“%(name)s”不是有效的照片，请上传 JPG、PNG 等图片。") % {"name": name})
    if ext in IMAGE_EXTENSIONS:
        if not sniff_is_image(upload):
            if images_only:
                raise ValidationError(_("“%(name)s”不是有效的照片，请上传 JPG、PNG 等图片。") % {"name": name})
            raise ValidationError(_("“%(name)s”的内容不是图片，请检查文件。") % {"name": name})
        cleaned = _replace_content(upload, _reencoded_image(upload, name))
        if upload is not file:
            file.file = cleaned
        return cleaned if upload is file else file
    if ext not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”。可上传照片（JPG、PNG）或文档（PDF、Word、Excel、TXT）。")
            % {"ext": ext or "?"}
        )
    if ext == "txt":
        if not looks_like_text(read_head(upload, TEXT_SNIFF_BYTES)):
            raise ValidationError(_("“%(name)s”不是文本文件，请检查文件。") % {"name": name})
    else:
        head = read_head(upload)
        if not head.startswith(DOCUMENT_SIGNATURES[ext]):
            raise ValidationError(_("“%(name)s”的内容与扩展名不符，请检查文件。") % {"name": name})
        if head.startswith(ZIP):
            check_office_zip(upload, name)
    setattr(upload, CLEANED, True)
    return file


def check_office_zip(file, name):
    """An Office file is a zip: refused unless it opens as one, with at most OFFICE_MAX_ENTRIES
    entries, OFFICE_MAX_UNCOMPRESSED_MB unpacked (the sizes its directory declares), no entry
    above 1 MB packed more than OFFICE_MAX_COMPRESSION_RATIO : 1, and no entry named by an
    absolute path or with "..". The file is left at its start."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError):
        raise ValidationError(
            _("“%(name)s”不是有效的 Office 文件（文件已损坏，或并非 Word、Excel 格式），请检查文件。") % {"name": name}
        ) from None
    finally:
        file.seek(0)
    suspicious = _("“%(name)s”疑似恶意构造的文件（%(reason)s），不能上传。")
    limit = settings.OFFICE_MAX_ENTRIES
    if len(entries) > limit:
        reason = _("内含 %(n)s 个文件，最多 %(limit)s 个") % {"n": len(entries), "limit": limit}
        raise ValidationError(suspicious % {"name": name, "reason": reason})
    limit_mb = settings.OFFICE_MAX_UNCOMPRESSED_MB
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limit_mb * 1024 * 1024:
        reason = _("解压后 %(size).0f MB，最多 %(limit)s MB") % {"size": unpacked / 1024 / 1024, "limit": limit_mb}
        raise ValidationError(suspicious % {"name": name, "reason": reason})
    ratio = settings.OFFICE_MAX_COMPRESSION_RATIO
    for entry in entries:
        if entry.file_size > RATIO_CHECKED_ABOVE and entry.file_size > ratio * max(entry.compress_size, 1):
            reason = _("压缩比超过 %(ratio)s 倍") % {"ratio": ratio}
            raise ValidationError(suspicious % {"name": name, "reason": reason})
        parts = re.split(r"[/\\]", entry.filename)
        if entry.filename.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", entry.filename) or ".." in parts:
            reason = _("内部路径“%(path)s”异常") % {"path": entry.filename}
            raise ValidationError(suspicious % {"name": name, "reason": reason})


def _register_heif():
    from pillow_heif import register_heif_opener

    register_heif_opener()  # idempotent


def _reencoded_image(file, name):
    """The image's bytes, decoded and encoded again by Pillow in its own format: orientation
    applied, metadata dropped, nothing after the picture. Raises ValidationError when Pillow
    cannot decode it or it has more than IMAGE_MAX_PIXELS pixels (all frames together)."""
    from PIL import Image, ImageOps, ImageSequence, JpegImagePlugin

    _register_heif()
    limit = settings.IMAGE_MAX_PIXELS
    too_large = _("图片“%(name)s”的像素过多（最多 %(limit)s 万像素），请缩小后再上传。") % {
        "name": name,
        "limit": limit // 10_000,
    }
    undecodable = _("“%(name)s”无法识别为有效的图片（文件可能已损坏），请重新导出为 JPG 或 PNG 后上传。") % {
        "name": name
    }
    try:
        file.seek(0)
        with Image.open(file) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise ValidationError(undecodable)
            if probe.width * probe.height > limit:
                raise ValidationError(too_large)
            probe.verify()
        file.seek(0)
        with Image.open(file) as image:
            target = IMAGE_FORMATS[image.format]
            frames = getattr(image, "n_frames", 1) if target != "JPEG" else 1
            if image.width * image.height * frames > limit:
                raise ValidationError(too_large)
            out = io.BytesIO()
            if frames > 1:
                pictures = []
                for frame in ImageSequence.Iterator(image):
                    picture = frame.copy()
                    picture.info = _kept_info(frame.info)
                    pictures.append(picture)
                first = pictures[0]
                options = {"duration": [p.info.get("duration", 0) for p in pictures]}
                if "loop" in image.info:
                    options["loop"] = image.info["loop"]
                first.save(out, format=target, save_all=True, append_images=pictures[1:], **options)
            else:
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
                options = {}
                if target == "JPEG" and getattr(image, "quantization", None):
                    # the picture's own quantisation tables and sampling: no more loss than needed
                    options = {"qtables": image.quantization, "subsampling": JpegImagePlugin.get_sampling(image)}
                    if options["subsampling"] == -1:
                        del options["subsampling"]
                elif target in ("JPEG", "WEBP", "HEIF"):
                    options = {"quality": LOSSY_QUALITY}
                image.info = _kept_info(image.info)
                image.save(out, format=target, **options)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # the warning, where it is an error
        raise ValidationError(too_large) from None
    except Exception:  # noqa: BLE001 -- whatever Pillow raises on a broken or hostile image: refused
        raise ValidationError(undecodable) from None
    finally:
        file.seek(0)
    return out.getvalue()


def _kept_info(info):
    return {key: info[key] for key in IMAGE_INFO_KEPT if key in info}


def _replace_content(upload, data):
    """`upload` holding `data` instead of what it held, marked as cleaned: written into its own
    stream (an upload in memory or in a temporary file keeps its name, type and kind), or, for a
    stream that cannot be written, a new upload of the same name and type."""
    try:
        upload.seek(0)
        upload.truncate()
        upload.write(data)
        upload.flush()
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        upload = SimpleUploadedFile(upload.name, data, content_type=getattr(upload, "content_type", None))
    else:
        upload.size = len(data)
    setattr(upload, CLEANED, True)
    return upload
