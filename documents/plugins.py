"""What the documents app plugs into the core's registries."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congress_office.navigation import OFFICE, NavItem
from congress_office.registries import demo_seeders, nav_items, record_links, register_case_type, role_tables
from congress_office.roles import Role

from .case_type import incoming_case_type, outgoing_case_type
from .choices import SECRECY_LEVEL, Secrecy

# who links petitions and suggestions to documents (the office's clerks)
CITATION_ROLE_PERMISSIONS = {
    Role.CLERK: [
        "documents.view_documentcitation",
        "documents.add_documentcitation",
        "documents.change_documentcitation",
    ],
}


def seed(**kwargs):
    from .demo import seed as run

    return run(**kwargs)


def links(record, user):
    from .services.citations import record_links as provider

    return provider(record, user)


def archive_outgoing(township, year):
    """发文 marked archived in the year: one item each."""
    from congress_office.registries import ArchiveEntry

    from .models import OutgoingDocument

    for d in OutgoingDocument.objects.filter(township=township, archived_at__year=year).select_related("issuing_body"):
        yield ArchiveEntry(
            record=d,
            title=d.title,
            responsible=d.issuing_body.name,
            date=d.written_on or d.signed_on or d.archived_at.date(),
            number=d.number,
            secrecy=d.secrecy_mark,
            clearance=SECRECY_LEVEL[Secrecy(d.secrecy or "")],
        )


def archive_incoming(township, year):
    """收文 marked archived in the year."""
    from django.utils import timezone

    from congress_office.registries import ArchiveEntry

    from .models import IncomingDocument

    for d in IncomingDocument.objects.filter(township=township, archived_at__year=year):
        yield ArchiveEntry(
            record=d,
            title=d.title,
            responsible=d.sender,
            date=timezone.localtime(d.received_at).date(),
            number=d.sender_number,
            secrecy=d.secrecy_mark,
            clearance=SECRECY_LEVEL[Secrecy(d.secrecy or "")],
        )


# --- an item's files (DA/T 22-2015 order) ----------------------------------------------------------

# images an archive PDF wraps (WeasyPrint reads these; a .heic stays as it was uploaded)
WRAPPED_IMAGES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}


def _read(field):
    with field.open("rb") as handle:
        return handle.read()


def _image_pdf(title, field, ext):
    """A stored image on an A4 page of its own."""
    import base64

    from congress_office.pdf import render_pdf

    data = base64.b64encode(_read(field)).decode("ascii")
    return render_pdf(
        "documents/pdf/archive_image.html", {"title": title, "src": f"data:{WRAPPED_IMAGES[ext]};base64,{data}"}
    )


def file_part(title, field, name):
    """A stored file as a part: a PDF as it is, an image wrapped into a PDF, anything else (a .docx,
    an .xls …) in its original format."""
    from congress_office.registries import ArchivePart
    from congress_office.uploads import extension_of

    ext = extension_of(name or field.name) or "bin"
    if ext == "pdf":
        return ArchivePart(title, lambda: _read(field))
    if ext in WRAPPED_IMAGES:
        return ArchivePart(title, lambda: _image_pdf(title, field, ext))
    return ArchivePart(title, lambda: _read(field), ext=ext)


def numbered(title, index, total):
    return title if total == 1 else gettext("%(t)s（%(i)s/%(n)s）") % {"t": title, "i": index, "n": total}


def outgoing_parts(document, user, item=None, full=False):
    """正本 (GB/T 9704), then the 发文稿纸 (its chain, with the signed text), then the 定稿's own
    file when the signed version kept one (a .docx stays a .docx). Outgoing documents hold no
    attachment files (附件说明 names them in the 正本): nothing goes between 正本 and 稿纸."""
    from congress_office.pdf import render_pdf
    from congress_office.registries import ArchivePart
    from congress_office.services.archive import archived_at

    from .layout import gbt9704_context
    from .models import OutgoingDocument
    from .views.outgoing import draft_sheet_context

    document = OutgoingDocument.objects.select_related("issuing_body", "signer", "drafted_by", "township").get(
        pk=document.pk
    )
    parts = [
        ArchivePart(gettext("正本"), lambda: render_pdf("documents/pdf/gbt9704.html", gbt9704_context(document))),
        ArchivePart(
            gettext("发文稿纸"),
            lambda: render_pdf("documents/pdf/draft_sheet.html", draft_sheet_context(document, archived_at(item))),
        ),
    ]
    versions = document.versions.exclude(docx="")
    final = versions.filter(version=document.signed_version).first() if document.signed_version else None
    if final is not None:
        parts.append(file_part(gettext("定稿"), final.docx, final.docx.name))
    return parts


def incoming_parts(document, user, item=None, full=False):
    """收文处理单, then the 收文 as received (each scan or file in the order uploaded)."""
    from congress_office.pdf import render_pdf
    from congress_office.registries import ArchivePart
    from congress_office.services.archive import archived_at

    from .models import IncomingDocument
    from .views.incoming import slip_context

    document = IncomingDocument.objects.select_related("township").get(pk=document.pk)
    slip = ArchivePart(
        gettext("收文处理单"),
        lambda: render_pdf(
            "documents/pdf/incoming_slip.html",
            {"title": gettext("收文处理单"), **slip_context(document), "printed_at": archived_at(item)},
        ),
    )
    files = list(document.files.order_by("pk"))
    return [slip] + [
        file_part(numbered(gettext("收文"), n, len(files)), row.file, row.name) for n, row in enumerate(files, start=1)
    ]


def incoming_export_table(user, query):
    from .views.incoming import incoming_export_table as table

    return table(user, query)


def outgoing_export_table(user, query):
    from .views.outgoing import outgoing_export_table as table

    return table(user, query)


def _register_exports():
    from congress_office.registries import XlsxExport, xlsx_exports

    xlsx_exports.register(
        "documents.incoming",
        XlsxExport(title=_("收文登记簿"), table=incoming_export_table, permission="documents.view_incomingdocument"),
    )
    xlsx_exports.register(
        "documents.outgoing",
        XlsxExport(title=_("发文登记簿"), table=outgoing_export_table, permission="documents.view_outgoingdocument"),
    )


def register():
    from .permissions import DOCUMENTS_ROLE_PERMISSIONS

    role_tables.register("documents", DOCUMENTS_ROLE_PERMISSIONS)
    register_case_type(incoming_case_type())
    register_case_type(outgoing_case_type())
    from . import search

    search.register()  # the header's search box: 收文 and 发文
    nav_items.register(
        "documents",
        NavItem(
            _("公文"),
            "documents:incoming_list",
            "bi-file-earmark-text",
            permission="documents.view_incomingdocument",
            roles=(*OFFICE, "unit_handler"),
        ),
    )
    role_tables.register("documents.citations", CITATION_ROLE_PERMISSIONS)
    record_links.register("documents", links)
    from . import home

    home.register()
    demo_seeders.register("documents", seed)
    _register_exports()
    from . import registers

    registers.register()  # 收文登记簿, 发文登记簿: print pages and PDFs
    from congress_office.registries import ArchiveSection, archive_sections

    archive_sections.register(
        "documents.outgoing",
        ArchiveSection("documents.outgoing", _("发文"), "documents", "D30", archive_outgoing, parts=outgoing_parts),
    )
    archive_sections.register(
        "documents.incoming",
        ArchiveSection("documents.incoming", _("收文"), "documents", "D30", archive_incoming, parts=incoming_parts),
    )
