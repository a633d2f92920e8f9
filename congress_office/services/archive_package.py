"""The auditor's annual archive package of a township-year (DA/T 22-2015, a DA/T 46 subset of
metadata, the integrity check of DA/T 70):

    0123-WS-2026/
        说明文件.txt                 what, who, when, which software, counts
        文件目录.xml                 every item: 顺序号, 档号, 责任者, 题名, 日期, 密级, 页数 and its files
        归档文件目录/0123-WS·2026-Y-BGS.pdf, .xlsx   one catalogue per retention and 机构
        items/0123-WS·2026-Y-BGS-0001/01-正本.pdf … 元数据.xml
        manifest-sm3.txt, manifest-sha256.txt      "<digest>  <path>" of every other file

Items are written one by one into a temporary folder renamed into place when whole, so a run
killed midway resumes with the items not yet written, and none twice; the same year exported
again without changes gives the same bytes for every file (no clock in any file: 说明文件 gives
the date the items last changed). Content of items classified above the exporting user's
clearance is left out; the catalogue still lists them.
"""

import hashlib
import logging
import os
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Max, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models.archive import CATEGORY_CODE, ArchiveItem, Fonds, Retention
from .archive_render import org_names, read_file, render_items, stored_files

logger = logging.getLogger(__name__)
MANIFESTS = {"sm3": "manifest-sm3.txt", "sha256": "manifest-sha256.txt"}
CATALOGUE_FILE = "文件目录.xml"
README_FILE = "说明文件.txt"
METADATA_FILE = "元数据.xml"
ITEMS_DIR = "items"
CATALOGUE_DIR = "归档文件目录"
CHUNK = 1024 * 1024
BATCH = 20  # items written together (those without files rendered and stamped as one batch)
SOFTWARE = "congress-office 0.1.0"


def file_digests(path):
    """(SM3, SHA-256) of a file, read in chunks."""
    sm3, sha = hashlib.new("sm3"), hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            sm3.update(block)
            sha.update(block)
    return sm3.hexdigest(), sha.hexdigest()


def package_name(fonds, year):
    return f"{fonds.code}-{CATEGORY_CODE}-{year}"


def series_name(item_or_series):
    fonds_code, year, retention, org = item_or_series
    return f"{fonds_code}-{CATEGORY_CODE}·{year}-{retention}-{org}"


def _safe(name):
    return re.sub(r"[^\w\u4e00-\u9fff（）·-]+", "_", str(name)).strip("_")[:60] or "file"


def day8(value):
    return value.strftime("%Y%m%d") if value else ""


def year_items(township, year):
    return (
        ArchiveItem.objects.filter(township=township, year=year)
        .select_related("fonds", "destruction")
        .order_by("-retention", "org_code", "sequence")
    )


def as_of(township, year):
    """The date the year's items last changed: the package's only date, so two exports of
    unchanged items are the same bytes."""
    items = ArchiveItem.objects.filter(township=township, year=year)
    last = items.aggregate(a=Max("archived_at"), c=Max("code_changes__changed_at"), d=Max("destruction__destroyed_at"))
    stamps = [v for v in last.values() if v]
    return timezone.localtime(max(stamps)).date() if stamps else date(year, 12, 31)


# --- one item -----------------------------------------------------------------------------------


@dataclass
class WrittenFile:
    title: str
    name: str
    fmt: str
    size: int
    sm3: str
    sha256: str


def destroyed_note(item):
    """已销毁（清册号） for an item destroyed by a 销毁清册, else ""."""
    if item.destruction_id and item.destruction.destroyed_at:
        return _("已销毁（%(n)s）") % {"n": item.destruction.number}
    return ""


def withheld(item, user):
    """Why the item's content is left out for `user`, or ""."""
    if note := destroyed_note(item):
        return note
    if item.secrecy_level > (getattr(user, "clearance", 0) or 0):
        return _("涉密（%(s)s），内容未导出") % {"s": item.secrecy or _("涉密")}
    return ""


@dataclass
class Rendered:
    item: object
    files: list  # [(ArchiveFile, its plain bytes)]
    reason: str = ""


def _render(item, user):
    """The item's files for `user` from its archived copy (rendered now if it has none yet)."""
    reason = withheld(item, user)
    if reason:
        return Rendered(item, [], reason)
    _variant, rows = stored_files(item, user)
    return Rendered(item, [(row, read_file(row)) for row in rows])


def write_items(items, user, root):
    """Write items into root/items/<档号>/ from their archived copies (rendered and stamped
    first where an item has none yet), each whole or not at all (a temporary folder renamed into
    place); items already written are left as they are. Returns the items written."""
    items_dir = Path(root) / ITEMS_DIR
    todo = [item for item in items if not (items_dir / item.code).exists()]
    render_items([item for item in todo if not withheld(item, user)])  # those without files, as one batch
    prefetch_related_objects(todo, "files")
    written = []
    for item in todo:
        if _write(_render(item, user), items_dir):
            written.append(item)
    return written


def write_in_batches(items, user, root):
    """write_items over `items` BATCH at a time; yields (batch, the items written of it)."""
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        yield batch, write_items(batch, user, root)


def _write(r, items_dir):
    item = r.item
    final = items_dir / item.code
    tmp = items_dir / f".tmp-{item.code}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        files = []
        for index, (row, data) in enumerate(r.files, start=1):
            name = f"{index:02d}-{_safe(row.title)}.{row.ext}"
            (tmp / name).write_bytes(data)
            sm3, sha = file_digests(tmp / name)
            files.append(WrittenFile(row.title, name, row.ext.upper(), len(data), sm3, sha))
        (tmp / METADATA_FILE).write_bytes(item_metadata_xml(item, files, r.reason))
        try:
            os.rename(tmp, final)  # atomic: another run of the same item may have won
        except OSError:
            if not final.exists():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
            return False
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return True


def _xml(root):
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _sub(parent, tag, text):
    element = ET.SubElement(parent, tag)
    element.text = "" if text is None else str(text)
    return element


def item_fields(item):
    return [
        ("档号", item.code),
        ("题名", item.title),
        ("责任者", item.responsible),
        ("日期", day8(item.date)),
        ("文号", item.number),
        ("密级", item.secrecy),
        ("保管期限", item.get_retention_display()),
        ("页数", item.pages if item.pages is not None else ""),
        ("机构问题", item.org_code),
        ("件号", item.sequence),
    ]


def _file_element(parent, tag, written, path=""):
    element = ET.SubElement(parent, tag)
    _sub(element, "题名", written.title)
    _sub(element, "格式", written.fmt)
    _sub(element, "文件名", path or written.name)
    _sub(element, "大小", written.size)
    _sub(element, "SM3", written.sm3)
    _sub(element, "SHA256", written.sha256)
    return element


def item_metadata_xml(item, files, reason=""):
    """The item's metadata, a subset of DA/T 46-2009."""
    root = ET.Element("电子文件元数据", {"标准": "DA/T 46-2009（子集）"})
    for tag, value in item_fields(item):
        _sub(root, tag, value)
    _sub(root, "全宗号", item.fonds.code)
    _sub(root, "年度", item.year)
    if reason:
        _sub(root, "备注", reason)
    holder = ET.SubElement(root, "文件组成")
    for written in files:
        _file_element(holder, "文件", written)
    return _xml(root)


def read_item_files(item_dir):
    """The files an item's metadata lists: [WrittenFile]."""
    tree = ET.parse(Path(item_dir) / METADATA_FILE)
    return [
        WrittenFile(
            f.findtext("题名", ""),
            f.findtext("文件名", ""),
            f.findtext("格式", ""),
            int(f.findtext("大小", "0") or 0),
            f.findtext("SM3", ""),
            f.findtext("SHA256", ""),
        )
        for f in tree.getroot().iter("文件")
    ]


# --- the whole package --------------------------------------------------------------------------


def catalogue_rows(items):
    for n, item in enumerate(items, start=1):
        yield {
            "n": n,
            "code": item.code,
            "number": item.number,
            "responsible": item.responsible,
            "title": item.title,
            "date": day8(item.date),
            "secrecy": item.secrecy,
            "pages": item.pages if item.pages is not None else "",
            "note": destroyed_note(item),
        }


CATALOGUE_COLUMNS = [
    (_("序号"), 6),
    (_("档号"), 26),
    (_("文号"), 18),
    (_("责任者"), 18),
    (_("题名"), 48),
    (_("日期"), 10),
    (_("密级"), 8),
    (_("页数"), 6),
    (_("备注"), 16),
]


def series_of(items):
    """{(retention, org): [items]} of items in 档号 order."""
    groups = {}
    for item in items:
        groups.setdefault((item.retention, item.org_code), []).append(item)
    return groups


def catalogue_pdf(fonds, year, retention, org, items, orgs):
    from ..pdf import render_pdf

    context = {
        "title": _("归档文件目录"),
        "fonds": fonds,
        "year": year,
        "retention": Retention(retention).label,
        "org": orgs.get(org) or org,
        "rows": list(catalogue_rows(items)),
    }
    return render_pdf("archive/catalogue.html", context)


def catalogue_xlsx(items):
    from ..xlsx import workbook_bytes

    columns = [(str(label), width) for label, width in CATALOGUE_COLUMNS]
    rows = (
        [r["n"], r["code"], r["number"], r["responsible"], r["title"], r["date"], r["secrecy"], r["pages"], r["note"]]
        for r in catalogue_rows(items)
    )
    data = workbook_bytes(_("归档文件目录"), columns, rows)
    return _fixed_xlsx(data)


def _fixed_xlsx(data):
    """openpyxl stamps the workbook's creation time into docProps/core.xml and every zip entry:
    rewrite them with fixed values, so the same rows give the same bytes."""
    import io

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", content)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def write_catalogues(root, fonds, year, series, orgs):
    folder = Path(root) / CATALOGUE_DIR
    folder.mkdir(exist_ok=True)
    for (retention, org), items in series.items():
        name = series_name((fonds.code, year, retention, org))
        (folder / f"{name}.pdf").write_bytes(catalogue_pdf(fonds, year, retention, org, items, orgs))
        (folder / f"{name}.xlsx").write_bytes(catalogue_xlsx(items))


def write_directory_xml(root, fonds, year, items):
    """文件目录.xml: every item in 档号 order with its files (withheld and destroyed items too)."""
    tree = ET.Element("归档文件目录", {"全宗号": fonds.code, "全宗名称": fonds.name, "年度": str(year)})
    for n, item in enumerate(items, start=1):
        element = ET.SubElement(tree, "件", {"顺序号": str(n)})
        for tag, value in item_fields(item):
            _sub(element, tag, value)
        holder = ET.SubElement(element, "文件组成")
        item_dir = Path(root) / ITEMS_DIR / item.code
        for written in read_item_files(item_dir):
            _file_element(holder, "文件", written, f"{ITEMS_DIR}/{item.code}/{written.name}")
    (Path(root) / CATALOGUE_FILE).write_bytes(_xml(tree))


def write_readme(root, fonds, year, user, counts):
    text = render_to_string(
        "archive/readme.txt",
        {
            "fonds": fonds,
            "year": year,
            "user": user,
            "as_of": as_of(fonds.township, year),
            "software": f"{settings.SITE_NAME}（{SOFTWARE}）",
            "counts": counts,
            "manifests": MANIFESTS,
        },
    )
    (Path(root) / README_FILE).write_text(text.replace("\r\n", "\n"), encoding="utf-8")


def all_files(root):
    """Every file of the package, as POSIX paths relative to root, sorted."""
    root = Path(root)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".tmp-"))
        for name in filenames:
            found.append((Path(dirpath) / name).relative_to(root).as_posix())
    return sorted(found)


def _item_digests(root):
    """The digests each item's metadata gives its files, computed when they were written."""
    known = {}
    items_dir = Path(root) / ITEMS_DIR
    for item_dir in sorted(items_dir.iterdir()) if items_dir.exists() else []:
        if item_dir.is_dir() and not item_dir.name.startswith(".tmp-"):
            for written in read_item_files(item_dir):
                known[f"{ITEMS_DIR}/{item_dir.name}/{written.name}"] = (written.sm3, written.sha256)
    return known


def write_manifests(root):
    """manifest-sm3.txt and manifest-sha256.txt of every other file; an item's files take the
    digests its metadata recorded as they were written (archive_verify recomputes them all)."""
    lines = {"sm3": [], "sha256": []}
    known = _item_digests(root)
    for rel in all_files(root):
        if rel in MANIFESTS.values():
            continue
        sm3, sha = known.get(rel) or file_digests(Path(root) / rel)
        lines["sm3"].append(f"{sm3}  {rel}\n")
        lines["sha256"].append(f"{sha}  {rel}\n")
    for algorithm, name in MANIFESTS.items():
        (Path(root) / name).write_text("".join(lines[algorithm]), encoding="utf-8")


def write_zip(root, target, day):
    """The folder as a zip with sorted entries and fixed dates (the same folder, the same bytes);
    each file is streamed from disk."""
    root = Path(root)
    stamp_time = (day.year, day.month, day.day, 0, 0, 0)
    tmp = Path(f"{target}.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for rel in all_files(root):
            info = zipfile.ZipInfo(f"{root.name}/{rel}", date_time=stamp_time)
            # PDFs are compressed streams already: stored, the zip is written at disk speed
            info.compress_type = zipfile.ZIP_STORED if rel.endswith(".pdf") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(root / rel, "rb") as source, archive.open(info, "w") as sink:
                shutil.copyfileobj(source, sink, CHUNK)
    os.replace(tmp, target)


def finish_package(root, fonds, year, user):
    """Everything but the items: the catalogues, 文件目录.xml, 说明文件, the manifests."""
    orgs = org_names(fonds.township)
    items = list(year_items(fonds.township, year))
    series = series_of(items)
    counts = {
        "items": len(items),
        "withheld": sum(1 for i in items if withheld(i, user)),
        "pages": sum(i.pages or 0 for i in items),
        "series": [
            {"name": series_name((fonds.code, year, r, o)), "retention": Retention(r).label, "count": len(s)}
            for (r, o), s in series.items()
        ],
    }
    write_catalogues(root, fonds, year, series, orgs)
    write_directory_xml(root, fonds, year, items)
    counts["files"] = sum(1 for rel in all_files(root) if rel.startswith(f"{ITEMS_DIR}/"))
    write_readme(root, fonds, year, user, counts)
    write_manifests(root)
    return counts


def build_package(*, township, year, user, out_dir, progress=None):
    """The whole package in out_dir/<name>/ (resuming what is there) and out_dir/<name>.zip."""
    fonds = Fonds.objects.select_related("township").get(township=township)
    root = Path(out_dir) / package_name(fonds, year)
    (root / ITEMS_DIR).mkdir(parents=True, exist_ok=True)
    items = list(year_items(township, year))
    done = 0
    for batch, _written in write_in_batches(items, user, root):
        done += len(batch)
        if progress:
            progress(done, len(items))
    finish_package(root, fonds, year, user)
    target = Path(out_dir) / f"{root.name}.zip"
    write_zip(root, target, as_of(township, year))
    return root, target
