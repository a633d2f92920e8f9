"""The reduced CJK fonts of the PDFs (`manage.py pdf_fonts_build`, congress_office.pdf):
the Noto CJK SC faces cut to GB2312 and renamed, embedded ahead of the full fonts, which still
draw the characters outside GB2312; without the reduced files the PDFs use the full fonts; and
a PDF then adds a fraction of the memory the full 65,535-glyph faces cost."""

import copy
import io
import os
import struct
from pathlib import Path

import pdfplumber
import pytest
from django.conf import settings
from django.core.management import call_command
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.ttCollection import TTCollection

from congress_office.management.commands.pdf_fonts_build import SOURCE_DIRS, find_source, kept_codepoints
from congress_office.pdf import REDUCED_FONTS, font_face_css, render_pdf

from .test_pdf import families, is_embedded, pdf_fonts, pdf_text, squash

COMMON = "乡镇人大代表联系选民，听取意见建议。青山镇第一季度代表活动计划：①走访；②座谈（每月一次）。"
RARE = "龘䶮"  # U+9F98 (outside GB2312), U+4DAE (CJK extension A)
SERIF, SANS = "noto serif sc gb", "noto sans sc gb"
FULL_SERIF, FULL_SANS = "noto serif cjk sc", "noto sans cjk sc"

# h1: the title family (serif, normal weight); h2 and th: sans bold; strong: serif bold.
TEMPLATE = """{% extends "pdf/base.html" %}
{% block body %}<h1>{{ title }}</h1>
{% for i in rows %}<h2>第{{ i }}部分 代表工作</h2><p>{{ text }}<strong>{{ text }}</strong></p>
<table><tr><th>单位名称</th><th>件数</th></tr><tr><td>{{ text }}</td><td>{{ i }}</td></tr></table>{% endfor %}
{% endblock %}"""


@pytest.fixture
def fonts_template(settings):
    """`test/fonts.html`: one page region per font face (serif, serif bold, sans bold)."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["APP_DIRS"] = False
    templates[0]["OPTIONS"]["loaders"] = [
        ("django.template.loaders.locmem.Loader", {"test/fonts.html": TEMPLATE}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = templates

    def render(text=COMMON, rows=1):
        return render_pdf("test/fonts.html", {"title": "代表履职情况", "text": text, "rows": range(1, rows + 1)})

    return render


def chars_by_font(data):
    """{character: the family (subset prefix dropped, dashes as spaces) that draws it}."""
    drawn = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                drawn[char["text"]] = char["fontname"].split("+", 1)[-1].replace("-", " ").lower()
    return drawn


def reduced_file(family, weight):
    return next(name for fam, w, name, *_ in REDUCED_FONTS if (fam, w) == (family, weight))


# --- the command ----------------------------------------------------------------------


@pytest.fixture
def tiny_source(tmp_path):
    """A small Noto Sans CJK collection: the JP face first, then SC (the command must pick SC by
    its name), each with a few common characters and the rare ones."""
    source_dir = tmp_path / "source"
    source_dir.mkdir()
    full = find_source("NotoSansCJK-Regular.ttc", SOURCE_DIRS)
    collection = TTCollection()
    for number in (0, 2):  # Noto Sans CJK JP, Noto Sans CJK SC
        face = TTFont(full, fontNumber=number, lazy=True)
        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="人大代表会议，。A" + RARE + "員")
        subsetter.subset(face)
        collection.fonts.append(face)
    assert [f["name"].getDebugName(1) for f in collection.fonts] == ["Noto Sans CJK JP", "Noto Sans CJK SC"]
    path = source_dir / "NotoSansCJK-Regular.ttc"
    collection.save(path)
    return path


def build(settings, tmp_path, source, **options):
    settings.PDF_FONT_DIR = tmp_path / "fonts"
    out, err = io.StringIO(), io.StringIO()
    call_command("pdf_fonts_build", source_dirs=[str(source.parent)], stdout=out, stderr=err, **options)
    return settings.PDF_FONT_DIR, out.getvalue(), err.getvalue()


def test_the_command_cuts_the_sc_face_to_gb2312_and_renames_it(settings, tmp_path, tiny_source):
    folder, out, err = build(settings, tmp_path, tiny_source)

    target = folder / "NotoSansSCGB-Regular.otf"
    assert str(target) in out and "Noto Sans SC GB" in out
    font = TTFont(target)
    cmap = font.getBestCmap()
    assert {chr(c) for c in cmap} >= set("人大代表会议，。A")
    assert not {ord(c) for c in RARE + "員"} & set(cmap)  # outside GB2312: left to the full font
    names = font["name"]
    assert (names.getDebugName(1), names.getDebugName(4), names.getDebugName(6)) == (
        "Noto Sans SC GB",
        "Noto Sans SC GB",
        "NotoSansSCGB-Regular",
    )
    assert not [r for r in names.names if r.nameID in (1, 4, 6) and "CJK" in r.toUnicode()]
    assert font["CFF "].cff.fontNames == ["NotoSansSCGB-Regular"]
    # the other three sources are not in the folder: said, not an error; no file is written for them
    assert "NotoSerifCJK-Regular.ttc" in err and not (folder / "NotoSerifSCGB-Regular.otf").exists()


def test_the_command_skips_fonts_that_are_up_to_date(settings, tmp_path, tiny_source):
    folder, _, _ = build(settings, tmp_path, tiny_source)
    target = folder / "NotoSansSCGB-Regular.otf"
    built = target.stat().st_mtime_ns

    _, out, _ = build(settings, tmp_path, tiny_source)
    assert out == "" and target.stat().st_mtime_ns == built

    later = built / 1e9 + 60
    os.utime(tiny_source, (later, later))  # a newer source (an updated fonts-noto-cjk)
    _, out, _ = build(settings, tmp_path, tiny_source)
    assert str(target) in out and target.stat().st_mtime_ns > built


def test_the_built_fonts_hold_gb2312_and_not_the_rare_characters():
    """The fonts setup built (the session fixture ran the command into PDF_FONT_DIR)."""
    gb2312 = {c for c in kept_codepoints() if 0x4E00 <= c <= 0x9FFF}
    assert len(gb2312) == 6763
    for family, weight, name, _source, _face in REDUCED_FONTS:
        font = TTFont(Path(settings.PDF_FONT_DIR) / name, lazy=True)
        cmap = set(font.getBestCmap())
        assert gb2312 <= cmap, (name, len(gb2312 - cmap))
        assert {ord(c) for c in "、。〇《》【】（）：；①⑴Ⅱ—…·×℃ABCéü"} <= cmap
        assert not {ord(c) for c in RARE} & cmap
        assert font["name"].getDebugName(1) == family
        assert font["OS/2"].usWeightClass == weight
        assert len(font.getGlyphOrder()) < 10000  # of 65,535


# --- the PDFs -------------------------------------------------------------------------


def test_a_pdf_embeds_the_reduced_fonts(fonts_template):
    data = fonts_template()

    assert families(data) == {SERIF, f"{SERIF} bold", f"{SANS} bold"}
    assert all(is_embedded(font) for font in pdf_fonts(data))
    text = squash(pdf_text(data))
    assert squash(COMMON) in text and "代表履职情况" in text and "单位名称" in text
    assert set(chars_by_font(data).values()) <= {SERIF, f"{SERIF} bold", f"{SANS} bold"}


def test_a_rare_character_falls_back_to_the_full_font(fonts_template):
    data = fonts_template(text=f"选民王{RARE[0]}、李{RARE[1]}：{COMMON}")

    drawn = chars_by_font(data)
    assert drawn[RARE[0]].startswith(FULL_SERIF) and drawn[RARE[1]].startswith(FULL_SERIF)
    assert drawn["选"].startswith(SERIF) and drawn["民"].startswith(SERIF)
    assert {SERIF, FULL_SERIF} <= families(data)
    assert all(is_embedded(font) for font in pdf_fonts(data))
    assert f"选民王{RARE[0]}、李{RARE[1]}" in squash(pdf_text(data))


def test_without_the_reduced_files_the_full_fonts_draw_everything(settings, tmp_path, fonts_template):
    settings.PDF_FONT_DIR = tmp_path / "no-fonts-here"
    assert font_face_css() == ""

    data = fonts_template(text=f"{COMMON}{RARE}")

    assert families(data) == {FULL_SERIF, f"{FULL_SERIF} bold", f"{FULL_SANS} bold"}
    assert all(is_embedded(font) for font in pdf_fonts(data))
    assert squash(COMMON + RARE) in squash(pdf_text(data))


def test_a_family_is_declared_only_with_all_its_weights_and_when_the_settings_name_it(settings, tmp_path):
    folder = settings.PDF_FONT_DIR = tmp_path / "fonts"
    folder.mkdir()
    for family, weight in (("Noto Serif SC GB", 400), ("Noto Sans SC GB", 400), ("Noto Sans SC GB", 700)):
        (folder / reduced_file(family, weight)).write_bytes(b"OTTO")  # only their presence counts here

    css = font_face_css()
    assert '"Noto Serif SC GB"' not in css  # its bold is missing: the full serif font draws it all
    assert css.count('font-family: "Noto Sans SC GB"') == 2
    assert (folder / "NotoSansSCGB-Bold.otf").as_uri() in css

    settings.PDF_FONT_SANS = ["SimHei", "Noto Sans CJK SC"]  # an office that lists its own fonts
    assert font_face_css() == ""


def test_a_broken_reduced_file_falls_through_to_the_full_font(settings, tmp_path, fonts_template):
    folder = settings.PDF_FONT_DIR = tmp_path / "fonts"
    folder.mkdir()
    for _family, _weight, name, *_ in REDUCED_FONTS:
        (folder / name).write_bytes(b"OTTO" + struct.pack(">H", 0) + b"not a font")
    assert "NotoSerifSCGB-Regular.otf" in font_face_css()  # declared: WeasyPrint tries the file and gives up

    data = fonts_template()

    assert families(data) == {FULL_SERIF, f"{FULL_SERIF} bold", f"{FULL_SANS} bold"}
    assert squash(COMMON) in squash(pdf_text(data))


# --- memory ----------------------------------------------------------------------------


def added_memory_mib(render):
    """The memory `render()` adds, in a forked child whose high-water mark is reset first."""
    render()  # warm: fonts opened, caches filled, as in a worker that has rendered before
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:

            def status(key):
                with open("/proc/self/status") as f:
                    return int(next(line for line in f if line.startswith(key)).split()[1])

            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            before = status("VmRSS")
            render()
            os.write(write, str((status("VmHWM") - before) / 1024).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as f:
        return float(f.read() or "nan")


def test_a_pdf_adds_far_less_memory_with_the_reduced_fonts(settings, tmp_path, fonts_template):
    reduced = added_memory_mib(lambda: fonts_template(rows=8))
    settings.PDF_FONT_DIR = tmp_path / "no-fonts-here"
    full = added_memory_mib(lambda: fonts_template(rows=8))

    assert reduced < 60, f"{reduced:.0f} MiB with the reduced fonts"
    assert full - reduced > 50, f"full fonts {full:.0f} MiB, reduced {reduced:.0f} MiB"
