"""The GB/T 9704-2012 printed layout of an outgoing document (党政机关公文格式).

All the numbers of the standard live here, in millimetres and points, and the text of each
element is prepared here (paragraphs, the 发文字号 line, 版记 wording, page-number content) so
the template `documents/pdf/gbt9704.html` only places boxes. The clause of the standard is
given beside each number.

Fonts come from settings: PDF_FONT_BODY (仿宋), PDF_FONT_TITLE (小标宋), PDF_FONT_SANS (黑体);
PDF_FONT_KAI (楷体: 签发人姓名, second-level headings) and PDF_FONT_SONG (宋体: page
numbers) fall back to the body / title fonts when none of their families is installed.
"""

import re
from dataclasses import dataclass

from django.conf import settings

from congress_office.pdf import _family, pdf_fonts

PT = 25.4 / 72  # one point in millimetres

# --- 5.2 page and type area -------------------------------------------------------------
PAGE_WIDTH = 210.0  # A4
PAGE_HEIGHT = 297.0
MARGIN_TOP = 37.0  # 天头
MARGIN_LEFT = 28.0  # 订口
TYPE_WIDTH = 156.0  # 版心
TYPE_HEIGHT = 225.0
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - TYPE_WIDTH  # 26
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TYPE_HEIGHT  # 35

# --- 5.2.2 / 5.2.3 type sizes and the 22 × 28 grid ---------------------------------------
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
RECORD_PT = 14.0  # 4号: 版记
PAGE_NUMBER_PT = 14.0  # 4号: 页码
MARK_MAX_PT = 42.0  # 初号: the largest 发文机关标志
CHAR_PITCH = TYPE_WIDTH / CHARS_PER_LINE  # 5.571 mm
LINE_PITCH = TYPE_HEIGHT / LINES_PER_PAGE  # 10.227 mm
# a hair under the exact pitch so that rounding never pushes the 22nd line or 28th character out
GRID_SLACK = 0.002
LINE_HEIGHT = LINE_PITCH - GRID_SLACK
# a 16 pt glyph is 5.644 mm wide; the grid wants 5.571 mm: close the characters up
LETTER_SPACING = CHAR_PITCH - BODY_PT * PT - GRID_SLACK

# --- 7.2 版头 -----------------------------------------------------------------------------
RED = "#E60012"
MARK_TOP = 35.0  # 7.2.4: top edge of the 发文机关标志 below the top of the type area
NUMBER_GAP_LINES = 2  # 7.2.5: 发文字号 two blank lines below the 标志
SEPARATOR_GAP = 4.0  # 7.2.7: the red separator 4 mm below the 发文字号
SEPARATOR_WIDTH = 0.5  # its thickness (the standard fixes only its length: the type-area width)
TITLE_GAP_LINES = 2  # 7.3.1: the title two blank lines below the separator

# --- 7.3 主体 ----------------------------------------------------------------------------
INDENT_CHARS = 2  # 7.3.3: each paragraph indented two characters
SIGNATURE_RIGHT_CHARS = 2  # 7.3.5.2: unsealed: signature two characters from the right
SEALED_DATE_RIGHT_CHARS = 4  # 7.3.5.1: sealed: date four characters from the right
SEAL_ROOM_LINES = 2  # blank lines above a sealed signature (the seal's top within a line of the body)

# --- 7.4 版记, 7.5 页码 ------------------------------------------------------------------
RECORD_RULE_OUTER = 0.35  # 7.4.1: first and last rules
RECORD_RULE_INNER = 0.25  # 7.4.1: rules between
RECORD_LINE = LINE_HEIGHT
PAGE_NUMBER_GAP = 7.0  # 7.5: the dashes 7 mm below the bottom of the type area
PAGE_NUMBER_SIDE_CHARS = 1  # 7.5: one character from the right (odd) / left (even) edge

# Where the ink sits inside the CSS line box, measured on the rendered pages with the Noto CJK
# fallback (other fonts differ by a fraction of a millimetre): an ideograph's top edge is this
# much of an em below the top of a line box of line-height 1, and the em dash of — N — this much
# below the middle of its em box. The layout lifts the 标志 and the page numbers by as much.
MARK_INK_DROP_EM = 0.084
DASH_DROP_EM = 0.13

# headings inside the body (GB/T 9704 7.3.3: 一、 黑体, （一） 楷体, 1. and （1） 仿宋)
HEADING_LEVELS = (
    ("h1", re.compile(r"^[一二三四五六七八九十百]+、")),
    ("h2", re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")),
)


def chinese_date(value):
    """成文日期 / 印发日期: Arabic numerals, full year, no padding: 2026年12月1日 (7.3.5.4)."""
    if not value:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def page_number_content():
    """The CSS `content` of a page-number margin box: — N — (7.5)."""
    return '"— " counter(page) " —"'


TITLE_CHARS = int(TYPE_WIDTH / (TITLE_PT * PT))  # 20 characters of 2号 on a line
# where a title may break without splitting a word (7.3.1: 回行时词意完整、排列对称)
_BREAK_BEFORE = ("第", "关于", "的", "（")
_BREAK_AFTER = ("、", "，", "）", "和", "及", "与")


def _width(text):
    """Width in characters: half-width (ASCII) characters count a half."""
    return sum(0.5 if ord(c) < 0x2000 else 1 for c in text)


def title_lines(title):
    """The title in lines: one line when it fits; two lines broken at the most even natural
    break (before 第/关于/的/（, after 、，）和及与); otherwise one string the renderer wraps."""
    title = re.sub(r"\s+", "", title or "")
    if _width(title) <= TITLE_CHARS or _width(title) > 2 * TITLE_CHARS:
        return [title] if title else []
    candidates = {i for i in range(1, len(title)) if title.startswith(_BREAK_BEFORE, i)}
    candidates |= {i for i in range(1, len(title)) if title[i - 1] in _BREAK_AFTER}
    fitting = [i for i in candidates if max(_width(title[:i]), _width(title[i:])) <= TITLE_CHARS]
    if not fitting:
        return [title]

    # the first line the longer one, as even as the breaks allow
    def unevenness(i):
        first, second = _width(title[:i]), _width(title[i:])
        return abs(first - second), second > first

    best = min(fitting, key=unevenness)
    return [title[:best], title[best:]]


def body_paragraphs(text):
    """正文 as paragraphs: one per non-empty line, each with its heading level ("" for prose)."""
    paragraphs = []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        level = next((name for name, pattern in HEADING_LEVELS if pattern.match(line)), "")
        paragraphs.append(Paragraph(line, level))
    return paragraphs


@dataclass(frozen=True)
class Paragraph:
    text: str
    level: str = ""


_NUMBERING = re.compile(r"^\s*(附件[:：])?\s*(\d+\s*[.．、]\s*)?")


def attachment_names(text):
    """附件说明: one name a line, without any numbering typed by hand and without trailing
    punctuation (7.3.4: 附件名称后不加标点符号)."""
    names = []
    for line in (text or "").splitlines():
        name = _NUMBERING.sub("", line).strip().rstrip("。，,.;；:：")
        if name:
            names.append(name)
    return names


def recipients_line(text):
    """主送机关 ending with a full-width colon (7.3.2)."""
    text = re.sub(r"\s+", "", text or "").rstrip(":：,，。;；、")
    return f"{text}：" if text else ""


def cc_line(text):
    """抄送机关 names after 抄送：, separated by commas, ending with a full stop (7.4.2)."""
    names = [n.strip() for n in re.split(r"[，,；;\n]+", text or "") if n.strip()]
    return "，".join(name.rstrip("。.") for name in names) + "。" if names else ""


def note_line(text):
    """附注 in parentheses (7.3.6)."""
    text = (text or "").strip()
    if not text:
        return ""
    if text[0] in "(（" and text[-1] in ")）":
        text = text[1:-1].strip()
    return f"（{text}）"


def copy_number_text(value):
    """份号: six Arabic digits (7.2.1); anything not numeric is printed as entered."""
    value = (value or "").strip()
    return value.zfill(6) if value.isdigit() else value


def number_text(document):
    """发文字号, or the blank form 青人〔    〕  号 before the number is assigned."""
    if document.sequence:
        return document.number
    return f"{document.issuing_body.code}〔\u3000\u3000〕\u3000号"


def mark_size(text):
    """The 发文机关标志 in points: 初号 at most, smaller when needed to fit one line of the type area."""
    chars = max(len(text or ""), 1)
    return round(min(MARK_MAX_PT, 0.97 * TYPE_WIDTH / chars / PT), 2)


def header_marks(document):
    """份号, 密级和保密期限, 紧急程度 — each on its own line, top left, in this order (7.2.1–7.2.3)."""
    marks = [copy_number_text(document.copy_number), document.secrecy_mark]
    marks.append(document.get_urgency_display() if document.urgency else "")
    return [str(mark) for mark in marks if mark]


def pdf_filename(document):
    """The download name: 发文字号 and title, without characters a file system refuses."""
    name = " ".join(part for part in (document.number, document.title) if part) or "发文"
    return re.sub(r'[\\/:*?"<>|\s]+', " ", name).strip()[:120] + ".pdf"


def _fonts():
    fonts = pdf_fonts()
    fonts["kai"] = _family([*settings.PDF_FONT_KAI, *settings.PDF_FONT_BODY], "serif")
    fonts["song"] = _family([*settings.PDF_FONT_SONG, *settings.PDF_FONT_TITLE], "serif")
    return fonts


def mm(value):
    return f"{value:.3f}mm"


def geometry():
    """The CSS lengths the template uses (strings with units)."""
    body_em = BODY_PT * PT
    number_half_leading = (LINE_HEIGHT - body_em) / 2
    return {
        "page_width": mm(PAGE_WIDTH),
        "page_height": mm(PAGE_HEIGHT),
        "margin_top": mm(MARGIN_TOP),
        "margin_right": mm(MARGIN_RIGHT),
        "margin_bottom": mm(MARGIN_BOTTOM),
        "margin_left": mm(MARGIN_LEFT),
        "type_width": mm(TYPE_WIDTH),
        "body_pt": f"{BODY_PT}pt",
        "title_pt": f"{TITLE_PT}pt",
        "record_pt": f"{RECORD_PT}pt",
        "page_number_pt": f"{PAGE_NUMBER_PT}pt",
        "line_height": mm(LINE_HEIGHT),
        "letter_spacing": mm(LETTER_SPACING),
        "char": mm(CHAR_PITCH),
        "indent": mm(INDENT_CHARS * CHAR_PITCH),
        "red": RED,
        # the number line is one em high; "two blank lines" plus the half-leading of its own line
        "number_top": mm(NUMBER_GAP_LINES * LINE_HEIGHT + number_half_leading),
        "number_line": mm(body_em),
        "separator_gap": mm(SEPARATOR_GAP),
        "separator_width": mm(SEPARATOR_WIDTH),
        "title_top": mm(TITLE_GAP_LINES * LINE_HEIGHT),
        "signature_right": mm(SIGNATURE_RIGHT_CHARS * CHAR_PITCH),
        "sealed_date_right": mm(SEALED_DATE_RIGHT_CHARS * CHAR_PITCH),
        "seal_room": mm(SEAL_ROOM_LINES * LINE_HEIGHT),
        "one_blank_line": mm(LINE_HEIGHT),
        "record_rule_outer": mm(RECORD_RULE_OUTER),
        "record_rule_inner": mm(RECORD_RULE_INNER),
        "record_line": mm(RECORD_LINE),
        "record_char": mm(RECORD_PT * PT),
        # the dashes sit in the middle of the em box: its top is 7 mm minus half an em below the type area
        "page_number_top": mm(PAGE_NUMBER_GAP - (0.5 + DASH_DROP_EM) * PAGE_NUMBER_PT * PT),
        "page_number_side": mm(PAGE_NUMBER_SIDE_CHARS * PAGE_NUMBER_PT * PT),
        "page_number_content": page_number_content(),
    }


def attachment_geometry(count):
    """7.3.4: 附件 two characters in, then 附件：, then 1. 2. …; wrapped lines align with the name."""
    label = 3 * CHAR_PITCH  # 附件：
    seq = 0 if count < 2 else (1 if count < 10 else 1.5) * CHAR_PITCH  # 1. (half-width digits and point)
    return {
        "attachment_label": mm(label),
        "attachment_seq": mm(seq),
        "attachment_hang": mm(label + seq),
        "attachment_indent": mm(INDENT_CHARS * CHAR_PITCH + label + seq),
    }


def gbt9704_context(document):
    """The template context of the printed document."""
    body = document.issuing_body
    attachments = attachment_names(document.attachments_note)
    marks = header_marks(document)
    mark = str(body.header)
    size = mark_size(mark)
    written_on = document.written_on or document.signed_on
    signer = document.signer
    signer_name = signer.display_name if signer else ""
    return {
        "document": document,
        "title": document.title,
        "title_lines": title_lines(document.title),
        "g": {**geometry(), **attachment_geometry(len(attachments))},
        "fonts": _fonts(),
        "marks": marks,
        # 7.2.4: the top edge of the 标志 35 mm below the type area, under the lines of marks
        "mark_top": mm(max(MARK_TOP - len(marks) * LINE_HEIGHT - MARK_INK_DROP_EM * size * PT, 0)),
        "mark": mark,
        "mark_pt": f"{size}pt",
        "number": number_text(document),
        "upward": document.is_upward,
        "signer_name": signer_name,
        "recipients": recipients_line(document.main_recipients),
        "paragraphs": body_paragraphs(document.body),
        "attachments": attachments,
        "signature": document.signature or body.name,
        "written_on": chinese_date(written_on),
        "sealed": bool(document.seal),
        "note": note_line(document.note),
        "cc": cc_line(document.cc_recipients),
        "print_body": document.print_body or body.name,
        "printed_on": chinese_date(document.printed_on),
        "specimen": not document.sequence,
    }
