"""Build the reduced CJK fonts the PDFs embed: the Simplified Chinese faces of Debian's Noto
Serif / Sans CJK collections (65,535 glyphs, 20-27 MB each) cut down to GB2312 (its 6,763 hanzi
and symbols) plus the Latin, punctuation, fullwidth and number forms a document uses, renamed
"Noto Serif SC GB" / "Noto Sans SC GB" so that fontconfig and Pango never take them for the full
fonts. congress_office.pdf declares them with @font-face ahead of the full fonts, which still
draw any character outside this set.

Idempotent: a font newer than its source and than this builder is left as it is. setup runs it
(scripts/lib.sh); the PDFs work without its output too, with the full fonts only.
"""

import fcntl
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from congress_office.pdf import REDUCED_FONTS

# Where distributions install the Noto CJK collections (Debian/Ubuntu fonts-noto-cjk first).
SOURCE_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype/noto-cjk",
)

# Kept besides GB2312: ASCII, Latin-1, general punctuation, number forms (Ⅰ Ⅱ), enclosed
# alphanumerics (① ⑴ ⒈), CJK symbols and punctuation (、。〇《》【】), fullwidth forms.
EXTRA_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x2150, 0x218F),
    (0x2460, 0x24FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)

# Name records that carry the family or the PostScript name (family, unique ID, full name,
# PostScript name, typographic family / subfamily, compatible full name, WWS family / subfamily).
NAME_IDS = (1, 3, 4, 6, 16, 17, 18, 21, 22)


def kept_codepoints():
    """Every character that encodes in GB2312, plus EXTRA_RANGES."""
    codepoints = set()
    for codepoint in range(0x80, 0x10000):
        if 0xD800 <= codepoint <= 0xDFFF:
            continue
        try:
            chr(codepoint).encode("gb2312")
        except UnicodeEncodeError:
            continue
        codepoints.add(codepoint)
    for start, end in EXTRA_RANGES:
        codepoints.update(range(start, end + 1))
    return codepoints


def find_source(filename, source_dirs):
    for folder in source_dirs:
        path = Path(folder) / filename
        if path.is_file():
            return path
    return None


def face_number(path, family):
    """The index in the collection `path` of the face whose family (name ID 16, else 1) is `family`."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0 if TTFont(path, lazy=True)["name"].getDebugName(1) == family else None
    collection = TTCollection(path, lazy=True)
    try:
        for number, font in enumerate(collection.fonts):
            names = font["name"]
            if (names.getDebugName(16) or names.getDebugName(1)) == family:
                return number
    finally:
        collection.close()
    return None


def ps_name(family):
    return "".join(family.split())


def rename(font, old_family, new_family):
    """Give the face the family `new_family` in its name table and its CFF top dictionary."""
    old_ps, new_ps = ps_name(old_family), ps_name(new_family)
    # the collection's faces spell the PostScript prefix with a lower-case region: NotoSerifCJKsc
    old_ps_spelled = old_ps[:-2] + old_ps[-2:].lower()

    def renamed(text):
        return text.replace(old_family, new_family).replace(old_ps_spelled, new_ps).replace(old_ps, new_ps)

    for record in font["name"].names:
        if record.nameID in NAME_IDS:
            record.string = renamed(record.toUnicode())
    style = font["name"].getDebugName(2) or "Regular"
    if "CFF " in font:
        cff = font["CFF "].cff
        top = cff.topDictIndex[0]
        cff.fontNames = [f"{new_ps}-{style}"]
        top.FamilyName = new_family
        top.FullName = f"{new_family} {style}"
        for sub in getattr(top, "FDArray", None) or []:
            if hasattr(sub, "FontName"):
                sub.FontName = f"{new_ps}-{style}-" + sub.FontName.rsplit("-", 1)[-1]
    family = font["name"].getDebugName(16) or font["name"].getDebugName(1)
    if family != new_family:
        raise CommandError(f"renaming {old_family} gave the family {family!r}")


def build(source, number, old_family, new_family, target, codepoints):
    """Subset face `number` of `source` to `codepoints`, rename it and write it to `target`
    (atomically: the PDFs of a running worker may read the folder)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    # 'locl' maps to the Japanese, Korean and traditional forms of the other faces of the
    # collection (5,500 glyphs more); this face already draws the simplified ones.
    options.layout_features = [feature for feature in options.layout_features if feature != "locl"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = False
    font = TTFont(source, fontNumber=number)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    rename(font, old_family, new_family)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        font.save(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return len(font.getGlyphOrder())


class Command(BaseCommand):
    help = "生成 PDF 用的精简中文字体（Noto CJK 简体中文字形按 GB2312 子集化）到 PDF_FONT_DIR。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="即使已是最新也重新生成")
        parser.add_argument(
            "--source-dir",
            action="append",
            dest="source_dirs",
            help="Noto CJK 字体集（.ttc）所在目录，可多次给出；默认查找发行版的标准位置",
        )

    def handle(self, *args, force=False, source_dirs=None, **options):
        target_dir = Path(settings.PDF_FONT_DIR)
        target_dir.mkdir(parents=True, exist_ok=True)
        source_dirs = source_dirs or SOURCE_DIRS
        builder = Path(__file__).stat().st_mtime
        # two setups (or two test workers) at once: the second waits and finds the fonts built
        with open(target_dir / ".build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            codepoints = None
            for new_family, _weight, filename, source_name, old_family in REDUCED_FONTS:
                target = target_dir / filename
                source = find_source(source_name, source_dirs)
                if source is None:
                    self.stderr.write(
                        f"跳过 {filename}：未找到 {source_name}（Debian: apt install fonts-noto-cjk），"
                        "PDF 将直接使用完整字体。"
                    )
                    continue
                if not force and target.is_file():
                    built = target.stat().st_mtime
                    if built >= source.stat().st_mtime and built >= builder:
                        if options["verbosity"] >= 2:
                            self.stdout.write(f"{target} 已是最新")
                        continue
                number = face_number(source, old_family)
                if number is None:
                    raise CommandError(f"{source} 中没有 {old_family} 字形")
                if codepoints is None:
                    codepoints = kept_codepoints()
                started = time.monotonic()
                glyphs = build(source, number, old_family, new_family, target, codepoints)
                if options["verbosity"] >= 1:
                    self.stdout.write(
                        f"{target}：{new_family}，{glyphs} 个字形，{target.stat().st_size / 1048576:.1f} MB"
                        f"（由 {source} 第 {number} 个字体生成，{time.monotonic() - started:.0f} 秒）"
                    )
