"""The annual archive package: the 归档章 measured on the PDF (size, place, never over text), the
catalogue's columns, export → verify → one byte changed → verify names the file, missing and
extra files, 件号 gaps, secrecy, same digests twice, the job through the pages, and who may."""

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from congress_office.models import ArchiveExport, ArchiveItem, ExportStatus, Fonds, OrgCode
from congress_office.registries import ArchiveEntry, ArchivePart, ArchiveSection, archive_sections
from congress_office.roles import Role
from congress_office.services.archive import archive_assign
from congress_office.services.archive_export import archive_export_start, package_root
from congress_office.services.archive_package import (
    CATALOGUE_COLUMNS,
    build_package,
    catalogue_pdf,
    catalogue_xlsx,
    year_items,
)
from congress_office.services.archive_stamp import MM, STAMP_HEIGHT, STAMP_WIDTH, StampCells, stamp
from congress_office.services.archive_verify import verify_package

from ..factories import UnitFactory

YEAR = 2026
RED = (0.831, 0.0, 0.0)


def pdf(body, *, margin="37mm 28mm 35mm 26mm", pages=1):
    from weasyprint import HTML

    from congress_office.pdf import pdf_fonts

    breaks = '<div style="break-before: page">续页</div>' * (pages - 1)
    html = (
        f"<style>@page {{ size: A4; margin: {margin}; }} body {{ font-family: {pdf_fonts()['body']}; }}</style>"
        f"{body}{breaks}"
    )
    return HTML(string=html).write_pdf()


@pytest.fixture
def fonds(township):
    OrgCode.objects.create(township=township, code="BGS", name="办公室")
    return Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")


@pytest.fixture
def section(township):
    """Units become items: 正文 of two pages then an 附件; 机要科 is classified 秘密 (clearance 2)."""

    def entries(t, year):
        from congress_office.models import Unit

        for unit in Unit.objects.filter(township=t).order_by("pk"):
            secret = unit.name == "机要科"
            yield ArchiveEntry(
                record=unit,
                title=f"关于{unit.name}2026年工作的报告",
                responsible=unit.name,
                date=date(year, 3, 5),
                number=f"青人〔{year}〕{unit.pk}号",
                secrecy="秘密" if secret else "",
                clearance=2 if secret else 0,
            )

    def parts(unit, user, item=None, full=False):
        return [
            ArchivePart("正文", lambda: pdf(f"<h1>关于{unit.name}的报告</h1><p>正文内容。</p>", pages=2)),
            ArchivePart("附件1", lambda: pdf("<p>附件：统计表</p>")),
        ]

    key = "tests.units"
    archive_sections.register(key, ArchiveSection(key, "测试", "records", "D10", entries, parts=parts))
    yield key
    archive_sections.unregister(key)


@pytest.fixture
def archived(fonds, township, users, section):
    for name in ("财政所", "民政办", "机要科"):
        UnitFactory(township=township, name=name)
    archive_assign(township=township, year=YEAR, by=users[Role.AUDITOR])
    return list(ArchiveItem.objects.filter(kind=section).order_by("sequence"))


# --- the 归档章 ---------------------------------------------------------------------------------


def stamp_box(data):
    """The stamp's outline (red, 45 × 16 mm) on the first page, and the page's other chars."""
    with pdfplumber.open(io.BytesIO(data)) as doc:
        page = doc.pages[0]
        red = [
            o
            for o in page.rects + page.lines
            if o.get("stroking_color") and tuple(round(c, 3) for c in o["stroking_color"]) == RED
        ] or [
            o
            for o in page.rects
            if o.get("non_stroking_color") and tuple(round(c, 3) for c in o["non_stroking_color"]) == RED
        ]
        assert red, "no red stamp found"
        box = (
            min(o["x0"] for o in red),
            min(o["top"] for o in red),
            max(o["x1"] for o in red),
            max(o["bottom"] for o in red),
        )
        others = [c for c in page.chars if tuple(round(v, 3) for v in (c.get("non_stroking_color") or ())) != RED]
        stamp_text = "".join(
            c["text"] for c in page.chars if tuple(round(v, 3) for v in (c.get("non_stroking_color") or ())) == RED
        )
        return box, others, stamp_text, float(page.width)


def overlaps(box, chars):
    x0, top, x1, bottom = box
    return [c["text"] for c in chars if c["x0"] < x1 and c["x1"] > x0 and c["top"] < bottom and c["bottom"] > top]


CELLS = StampCells(fonds="0123", year=2026, sequence=7, org="办公室", retention="永久", pages=3)


def test_the_stamp_is_45_by_16_mm_red_at_the_top_centre():
    data, place = stamp(pdf("<h1>标题</h1><p>正文</p>"), CELLS)
    box, others, text, width = stamp_box(data)
    assert box[2] - box[0] == pytest.approx(45 * MM, abs=0.6 * MM)
    assert box[3] - box[1] == pytest.approx(16 * MM, abs=0.6 * MM)
    assert (box[0] + box[2]) / 2 == pytest.approx(width / 2, abs=1 * MM)  # centred
    assert box[1] < 37 * MM  # in the top margin
    assert not overlaps(box, others)
    for cell in ("0123", "2026", "7", "办公室", "永久", "3"):
        assert cell in text


def test_the_stamp_moves_away_from_text_at_the_top_centre():
    crowded = pdf(
        '<p style="text-align:center;margin:0">顶部居中的文字顶部居中的文字</p><h1>标题</h1>', margin="9mm 28mm"
    )
    data, place = stamp(crowded, CELLS)
    box, others, _text, width = stamp_box(data)
    assert not overlaps(box, others)
    assert box[1] < 60 * MM  # still near the top
    assert box[2] - box[0] == pytest.approx(STAMP_WIDTH, abs=0.6 * MM)


def test_a_page_full_to_its_top_edge_is_shrunk_to_make_room():
    full = pdf("<p>" + "满页文字，" * 2400 + "</p>", margin="3mm 3mm")
    data, place = stamp(full, CELLS)
    assert place.shrunk
    box, others, _text, _width = stamp_box(data)
    assert not overlaps(box, others)
    assert box[3] - box[1] == pytest.approx(STAMP_HEIGHT, abs=0.6 * MM)


# --- the package --------------------------------------------------------------------------------


def test_export_verify_then_one_changed_byte_is_named(archived, township, users, tmp_path):
    auditor = users[Role.AUDITOR]
    root, target = build_package(township=township, year=YEAR, user=auditor, out_dir=tmp_path)
    report = verify_package(root)
    assert report.ok, report.lines()
    assert report.items == len(year_items(township, YEAR))

    names = {p.name for p in root.iterdir()}
    assert names == {"items", "manifest-sha256.txt", "manifest-sm3.txt", "文件目录.xml", "归档文件目录", "说明文件.txt"}
    first = archived[0]
    folder = root / "items" / first.code
    assert sorted(p.name for p in folder.iterdir()) == ["01-正文.pdf", "02-附件1.pdf", "元数据.xml"]
    first.refresh_from_db()
    assert first.pages == 3  # 正文 two pages + 附件 one
    assert "3" in stamp_box((folder / "01-正文.pdf").read_bytes())[2]

    # the classified item is listed, its content left out for an auditor without clearance
    secret = next(i for i in archived if i.secrecy == "秘密")
    assert sorted(p.name for p in (root / "items" / secret.code).iterdir()) == ["元数据.xml"]
    meta = ET.parse(root / "items" / secret.code / "元数据.xml").getroot()
    assert "内容未导出" in meta.findtext("备注")
    assert secret.code in (root / "文件目录.xml").read_text(encoding="utf-8")

    # the manifests hold both digests of every file; sha256sum's format
    sha_lines = (root / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    assert any(line.endswith(f"  items/{first.code}/01-正文.pdf") for line in sha_lines)
    assert len((root / "manifest-sm3.txt").read_text(encoding="utf-8").splitlines()) == len(sha_lines)

    # the zip holds the same files
    with zipfile.ZipFile(target) as archive:
        assert f"{root.name}/items/{first.code}/01-正文.pdf" in archive.namelist()

    # one byte changed
    changed = folder / "02-附件1.pdf"
    data = bytearray(changed.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    # one file gone, one extra
    (root / "items" / archived[1].code / "02-附件1.pdf").unlink()
    (root / "items" / first.code / "备忘.txt").write_text("extra", encoding="utf-8")
    report = verify_package(root)
    assert not report.ok
    findings = {(kind, path) for kind, path, _detail in report.findings}
    assert ("已改动", f"items/{first.code}/02-附件1.pdf") in findings
    assert ("缺失", f"items/{archived[1].code}/02-附件1.pdf") in findings
    assert ("多余", f"items/{first.code}/备忘.txt") in findings

    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("archive_verify", str(root), stdout=out)
    assert exit_.value.code == 1
    assert f"已改动：items/{first.code}/02-附件1.pdf" in out.getvalue()


def test_a_gap_in_the_sequence_is_found(archived, township, users, tmp_path):
    root, _target = build_package(township=township, year=YEAR, user=users[Role.AUDITOR], out_dir=tmp_path)
    directory = root / "文件目录.xml"
    tree = ET.parse(directory)
    gone = archived[1].code
    element = next(e for e in tree.getroot().iter("件") if e.findtext("档号") == gone)
    tree.getroot().remove(element)
    for n, e in enumerate(tree.getroot().iter("件"), start=1):
        e.set("顺序号", str(n))
    tree.write(directory, encoding="utf-8", xml_declaration=True)
    shutil.rmtree(root / "items" / gone)
    from congress_office.services.archive_package import write_manifests

    write_manifests(root)  # the digests agree: only the number is missing
    report = verify_package(root)
    assert [(k, d) for k, _p, d in report.findings] == [("件号", f"缺号 {archived[1].sequence:04d}")]


def test_the_same_year_twice_gives_the_same_bytes(archived, township, users, tmp_path):
    auditor = users[Role.AUDITOR]
    first_root, first_zip = build_package(township=township, year=YEAR, user=auditor, out_dir=tmp_path / "a")
    second_root, second_zip = build_package(township=township, year=YEAR, user=auditor, out_dir=tmp_path / "b")
    assert (first_root / "manifest-sha256.txt").read_bytes() == (second_root / "manifest-sha256.txt").read_bytes()
    assert (first_root / "manifest-sm3.txt").read_bytes() == (second_root / "manifest-sm3.txt").read_bytes()
    assert first_zip.read_bytes() == second_zip.read_bytes()


def test_items_are_rendered_once_and_the_package_keeps_the_archived_copy(archived, township, users, tmp_path):
    """An item's files are rendered once and stored (by the worker after 整理归档, or by the
    first package without one); a record changed after 归档 leaves the package as it was."""
    from congress_office.models import ArchiveFile, Unit
    from congress_office.services.archive_render import render_items

    auditor = users[Role.AUDITOR]
    first_root, _ = build_package(township=township, year=YEAR, user=auditor, out_dir=tmp_path / "a")
    assert render_items(year_items(township, YEAR)) == 1  # the classified item, left out above
    first_root, _ = build_package(township=township, year=YEAR, user=auditor, out_dir=tmp_path / "a2")
    assert render_items(year_items(township, YEAR)) == 0  # nothing twice
    item = ArchiveItem.objects.get(pk=archived[0].pk)
    assert item.rendered_at is not None and item.pages == 3
    rows = ArchiveFile.objects.filter(item=item)
    assert [(r.variant, r.position, r.title, r.pages, r.encrypted) for r in rows] == [
        ("archive", 1, "正文", 2, False),
        ("archive", 2, "附件1", 1, False),
    ]

    Unit.objects.filter(pk=item.item_id).update(name="改名科")
    second_root, _ = build_package(township=township, year=YEAR, user=auditor, out_dir=tmp_path / "b")
    assert (first_root / "manifest-sha256.txt").read_bytes() == (second_root / "manifest-sha256.txt").read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(second_root / "items" / item.code / "01-正文.pdf").pages)
    assert archived[0].responsible in text and "改名科" not in text


def test_classified_content_is_stored_encrypted(archived):
    from congress_office.models import ArchiveFile
    from congress_office.services.archive_render import read_file, render_items

    render_items(archived)
    secret = next(i for i in archived if i.secrecy == "秘密")
    for row in ArchiveFile.objects.filter(item__in=archived):
        with row.file.open("rb") as handle:
            raw = handle.read()
        assert row.encrypted == (row.item_id == secret.pk)
        assert raw.startswith(b"%PDF") != row.encrypted
        assert read_file(row).startswith(b"%PDF-") and len(read_file(row)) == row.size


def test_a_cleared_user_exports_the_classified_content(archived, township, users, tmp_path):
    clerk = users[Role.CLERK]
    clerk.clearance = 2
    clerk.save()
    root, _ = build_package(township=township, year=YEAR, user=clerk, out_dir=tmp_path)
    secret = next(i for i in archived if i.secrecy == "秘密")
    assert (root / "items" / secret.code / "01-正文.pdf").exists()


def test_the_catalogue_columns_and_cover(archived, township, fonds):
    items = list(year_items(township, YEAR).filter(kind="tests.units"))
    sheet = load_workbook(io.BytesIO(catalogue_xlsx(items))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [str(label) for label, _w in CATALOGUE_COLUMNS] == list(rows[0])
    assert list(rows[0]) == ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
    assert rows[1][1] == items[0].code and rows[1][5] == f"{YEAR}0305"  # 8 digits
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(catalogue_pdf(fonds, YEAR, "D10", "BGS", items, {"BGS": "办公室"}))).pages
    )
    for expected in (
        "归档文件目录",
        "青山镇人民代表大会",
        "2026",
        "定期10年",
        "办公室",
        items[0].code,
        f"{YEAR}0305",
        "秘密",
    ):
        assert expected in text


# --- the job and the pages ----------------------------------------------------------------------


def test_the_auditor_exports_through_the_pages(
    archived, township, users, client_for, django_capture_on_commit_callbacks
):
    client = client_for(users[Role.AUDITOR])
    page = client.get(reverse("core:archive_home"), {"year": YEAR})
    assert page.status_code == 200
    assert archived[0].code in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:archive_export_start"), {"year": YEAR})
    export = ArchiveExport.objects.get()
    assert response.url == export.get_absolute_url()
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.message
    assert (export.done, export.total) == (len(year_items(township, YEAR)),) * 2
    detail = client.get(export.get_absolute_url())
    assert "下载归档包" in detail.content.decode()
    download = client.get(reverse("core:archive_export_download", args=[export.pk]))
    assert download["Content-Type"] == "application/zip"
    body = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert any(name.endswith("文件目录.xml") for name in archive.namelist())
    verified = client.post(reverse("core:archive_export_verify", args=[export.pk]))
    assert "通过" in verified.content.decode()
    assert Path(package_root(export)).is_dir()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_HANDLER])
def test_roles_without_the_archive_are_refused(archived, users, client_for, role):
    client = client_for(users[role])
    assert client.get(reverse("core:archive_home")).status_code == 403
    assert client.post(reverse("core:archive_export_start"), {"year": YEAR}).status_code == 403


def test_another_townships_export_is_not_found(archived, township, users, other_township, make_user, client_for):
    export = ArchiveExport.objects.create(township=township, year=YEAR, requested_by=users[Role.AUDITOR], total=1)
    stranger = make_user(Role.AUDITOR, other_township, username="other_auditor")
    client = client_for(stranger)
    assert client.get(export.get_absolute_url()).status_code == 404
    assert client.get(reverse("core:archive_export_download", args=[export.pk])).status_code == 404


def test_a_clerk_may_archive_but_a_chair_may_not_export(archived, users, client_for):
    assert client_for(users[Role.CLERK]).get(reverse("core:archive_home")).status_code == 200
    with pytest.raises(PermissionDenied):
        archive_export_start(township=users[Role.CHAIR].township, year=YEAR, by=users[Role.CHAIR])


def test_the_archive_page_keeps_its_query_count(archived, township, users, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users[Role.AUDITOR])
    url = reverse("core:archive_home")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"year": YEAR}).status_code == 200
        return len(captured)

    few = queries()
    for n in range(30):
        UnitFactory(township=township, name=f"新单位{n}")
    archive_assign(township=township, year=YEAR, by=users[Role.AUDITOR])
    for _ in range(3):
        ArchiveExport.objects.create(township=township, year=YEAR, requested_by=users[Role.CLERK], total=1)
    assert queries() == few


def test_an_item_that_cannot_render_fails_the_export_by_name(
    archived, township, users, section, django_capture_on_commit_callbacks
):
    def broken(unit, user, item=None, full=False):
        raise FileNotFoundError("scan missing")

    spec = archive_sections[section]
    archive_sections.unregister(section)
    archive_sections.register(section, ArchiveSection(section, "测试", "records", "D10", spec.entries, parts=broken))
    with django_capture_on_commit_callbacks(execute=True):
        export = archive_export_start(township=township, year=YEAR, by=users[Role.AUDITOR])
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert archived[0].code in export.message and "无法生成" in export.message
    assert "scan missing" not in export.message
