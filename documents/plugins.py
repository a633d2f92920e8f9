"""What the documents app plugs into the core's registries."""

from django.utils.translation import gettext_lazy as _

from congress_office.navigation import NavItem
from congress_office.registries import demo_seeders, nav_items, record_links, register_case_type, role_tables
from congress_office.roles import Role

from .case_type import incoming_case_type, outgoing_case_type

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
        )


def register():
    from .permissions import DOCUMENTS_ROLE_PERMISSIONS

    role_tables.register("documents", DOCUMENTS_ROLE_PERMISSIONS)
    register_case_type(incoming_case_type())
    register_case_type(outgoing_case_type())
    nav_items.register(
        "documents",
        NavItem(
            _("公文"), "documents:incoming_list", "bi-file-earmark-text", permission="documents.view_incomingdocument"
        ),
    )
    role_tables.register("documents.citations", CITATION_ROLE_PERMISSIONS)
    record_links.register("documents", links)
    demo_seeders.register("documents", seed)
    from congress_office.registries import ArchiveSection, archive_sections

    archive_sections.register(
        "documents.outgoing",
        ArchiveSection("documents.outgoing", _("发文"), "documents", "D30", archive_outgoing),
    )
    archive_sections.register(
        "documents.incoming",
        ArchiveSection("documents.incoming", _("收文"), "documents", "D30", archive_incoming),
    )
