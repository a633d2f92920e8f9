"""The PDF service: a Django template rendered to PDF by WeasyPrint with CJK fonts embedded.

Font families are settings (PDF_FONT_BODY / PDF_FONT_TITLE / PDF_FONT_SANS), so an office
with 仿宋_GB2312 or 方正小标宋 installed lists them first; the free Noto CJK fonts that setup
installs are the fallback. WeasyPrint embeds the subset of every font it uses.
"""

import threading

from django.conf import settings
from django.template.loader import render_to_string

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


def render_pdf(template_name, context=None, *, progress=None):
    """Render `template_name` with `context` to PDF bytes.

    `progress(percent, message)`, when given, is told when layout is done (the long part).
    """
    from weasyprint import HTML

    base = {"pdf_fonts": pdf_fonts(), "site_name": settings.SITE_NAME}
    html = render_to_string(template_name, {**base, **(context or {})})
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=url_fetcher()).render()
    if progress:
        progress(80, "排版完成，正在写入 PDF")
    return document.write_pdf()
