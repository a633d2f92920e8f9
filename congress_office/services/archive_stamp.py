"""The 归档章 (DA/T 22-2015 §8.1): six cells, 45 × 16 mm, red, on the first page of an item.

Top row 全宗号 · 年度 · 件号, bottom row 机构（问题）· 保管期限 · 页数. It goes into the blank area at
the top centre of the page; where text, a line or an image is there it moves to another blank
spot near the top (right, then left, then lower), and where the top of the page is full the
page's content is scaled down to make room: the stamp never covers anything.
"""

import io
from dataclasses import dataclass

import pypdfium2 as pdfium
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter, Transformation

MM = 72 / 25.4  # points per millimetre
STAMP_WIDTH, STAMP_HEIGHT = 45 * MM, 16 * MM
PADDING = 1.5 * MM  # the least blank space kept between the stamp and anything printed
TOP_OFFSETS = [t * MM for t in range(8, 31, 2)]  # the stamp's top edge, from the page's top
LOWER_OFFSETS = [t * MM for t in range(32, 81, 4)]
SIDE_MARGIN = 12 * MM
SHRINK = 0.88  # the content's scale when no blank spot is found


@dataclass(frozen=True)
class StampCells:
    fonds: str
    year: int
    sequence: int
    org: str
    retention: str
    pages: int


@dataclass(frozen=True)
class Placement:
    x: float  # left edge, points from the page's left
    top: float  # top edge, points from the page's top
    shrunk: bool = False


def stamp_pages(cells_list):
    """The stamps alone, one 45 × 16 mm page each, rendered by WeasyPrint with the CJK fonts in
    one document (one render for a batch of items: the fonts are laid out and subset once)."""
    from ..pdf import layout_pdf, pdf_fonts

    html = render_to_string("archive/stamp.html", {"stamps": cells_list, "pdf_fonts": pdf_fonts()})
    return PdfReader(io.BytesIO(layout_pdf(html).write_pdf())).pages


def _obstacles(page, height):
    """Boxes (x0, top, x1, bottom; points from the top left) of everything printed on a pdfium
    page: text runs, paths (lines, rules, table borders), images, forms."""
    boxes = []
    for obj in page.get_objects(max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if right - left <= 0 and top - bottom <= 0:
            continue
        boxes.append((left, height - top, right, height - bottom))
    return boxes


def _free(boxes, x, top):
    left, right = x - PADDING, x + STAMP_WIDTH + PADDING
    upper, lower = top - PADDING, top + STAMP_HEIGHT + PADDING
    return not any(x0 < right and x1 > left and t < lower and b > upper for x0, t, x1, b in boxes)


def find_place(page):
    """Where the stamp goes on a pdfium page: top centre when blank, else the nearest blank spot
    near the top; None when the top of the page is full."""
    width, height = page.get_size()
    boxes = _obstacles(page, height)
    centre = (width - STAMP_WIDTH) / 2
    sides = [width - SIDE_MARGIN - STAMP_WIDTH, SIDE_MARGIN]
    for xs, tops in (([centre], TOP_OFFSETS), (sides, TOP_OFFSETS), ([centre, *sides], LOWER_OFFSETS)):
        for top in tops:
            if top + STAMP_HEIGHT > height:
                break
            for x in xs:
                if x >= 0 and _free(boxes, x, top):
                    return Placement(x, top)
    return None


def stamp(pdf, cells, stamp_page=None):
    """`pdf` (bytes) with the 归档章 on its first page; returns (bytes, Placement). `stamp_page`,
    when given, is the stamp already rendered (see stamp_pages)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        first = doc[0]
        place = find_place(first)
        width, height = first.get_size()
    finally:
        doc.close()
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[0]
    box = page.mediabox
    if place is None:
        # shrink the content towards the bottom centre, leaving the top strip blank
        margin = (1 - SHRINK) * width / 2
        page.add_transformation(Transformation().scale(SHRINK).translate(margin, 0))
        place = Placement((width - STAMP_WIDTH) / 2, 8 * MM, shrunk=True)
    stamp_page = stamp_page or stamp_pages([cells])[0]
    x = float(box.left) + place.x
    y = float(box.bottom) + height - place.top - STAMP_HEIGHT
    page.merge_transformed_page(stamp_page, Transformation().translate(x, y))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), place


def page_count(pdf):
    return len(PdfReader(io.BytesIO(pdf)).pages)
