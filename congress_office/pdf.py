"""The PDF service: a Django template rendered to PDF by WeasyPrint with CJK fonts embedded.

Font families are settings (PDF_FONT_BODY / PDF_FONT_TITLE / PDF_FONT_SANS), so an office
with 仿宋_GB2312 or 方正小标宋 installed lists them first; the free Noto CJK fonts that setup
installs are the fallback. WeasyPrint embeds the subset of every font it uses.

Subsetting a full Noto CJK face (65,535 glyphs, 20-27 MB) costs 100-185 MiB per PDF, so setup
builds those faces reduced to GB2312 (`manage.py pdf_fonts_build`, into PDF_FONT_DIR) and every
PDF declares them with @font-face: "Noto Serif SC GB" / "Noto Sans SC GB" come before the full
fonts in the default families, which still draw any character outside GB2312, glyph by glyph.
"""

import threading
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

_local = threading.local()


def url_fetcher():
    """The fetcher WeasyPrint reads images and stylesheets with: local files and data: URIs only
    (a PDF never reaches the network), made once per thread (each new one builds an SSL context,
    a twentieth of a page's rendering time)."""
    fetcher = getattr(_local, "fetcher", None)
    if fetcher is None:
        from weasyprint.urls import URLFetcher

        fetcher = _local.fetcher = URLFetcher(allowed_protocols=("file", "data"))
    return fetcher


def _family(names, generic):
    """A CSS font-family list: the configured names in order, then the generic family."""
    # the names come from settings and go into a <style> block unescaped: keep them inside their quotes
    cleaned = ("".join(c for c in str(name) if c not in '"\\<>').strip() for name in names)
    return ", ".join(f'"{name}"' for name in cleaned if name) + f", {generic}"


def pdf_fonts():
    return {
        "body": _family(settings.PDF_FONT_BODY, "serif"),
        "title": _family(settings.PDF_FONT_TITLE, "serif"),
        "sans": _family(settings.PDF_FONT_SANS, "sans-serif"),
    }


# The reduced fonts `pdf_fonts_build` writes: (family, CSS weight, file in PDF_FONT_DIR, the Noto
# CJK collection it is cut from, the face of that collection).
REDUCED_FONTS = (
    ("Noto Serif SC GB", 400, "NotoSerifSCGB-Regular.otf", "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("Noto Serif SC GB", 700, "NotoSerifSCGB-Bold.otf", "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    ("Noto Sans SC GB", 400, "NotoSansSCGB-Regular.otf", "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("Noto Sans SC GB", 700, "NotoSansSCGB-Bold.otf", "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
)


def font_face_css():
    """@font-face rules for the reduced fonts the settings name and PDF_FONT_DIR holds.

    A family is declared only when all its weights are there (a missing bold would be drawn as a
    synthetic one); without its files the name matches no installed font and the next family in
    the list (the full Noto font) takes over."""
    configured = {
        str(name).strip()
        for names in (settings.PDF_FONT_BODY, settings.PDF_FONT_TITLE, settings.PDF_FONT_SANS)
        for name in names
    }
    folder = Path(settings.PDF_FONT_DIR)
    rules = []
    for family in dict.fromkeys(family for family, *_ in REDUCED_FONTS):
        faces = [(weight, folder / name) for name_of, weight, name, *_ in REDUCED_FONTS if name_of == family]
        if family in configured and all(path.is_file() for _, path in faces):
            rules.extend(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
                for weight, path in faces
            )
    return "\n".join(rules)


def layout_pdf(html):
    """WeasyPrint's laid-out document of `html` (call .write_pdf() on it), with the reduced fonts
    declared. Code that builds its HTML itself renders through this too, not HTML() directly."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    faces = font_face_css()
    stylesheets = [CSS(string=faces, font_config=font_config, url_fetcher=url_fetcher())] if faces else []
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=url_fetcher()).render(
        stylesheets=stylesheets, font_config=font_config
    )


def render_pdf(template_name, context=None, *, progress=None):
    """Render `template_name` with `context` to PDF bytes.

    `progress(percent, message)`, when given, is told when layout is done (the long part).
    """
    base = {"pdf_fonts": pdf_fonts(), "site_name": settings.SITE_NAME}
    # PDFs are Chinese documents (公文 GB/T 9704, 督办单, 告知书, 档案): choice labels, dates and
    # notifications' texts in them are Chinese whatever language the requesting user reads
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, {**base, **(context or {})})
    document = layout_pdf(html)
    if progress:
        progress(80, "排版完成，正在写入 PDF")
    return document.write_pdf()
