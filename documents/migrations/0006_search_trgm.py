"""The search (congress_office.search): 收文 found by title, sender and 来文字号, 发文 by title,
through GIN indexes on search_bigrams(). PostgreSQL only."""

from django.db import migrations

from congress_office.search_migrations import search_function, search_index


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_title_search_statistics"),
    ]

    operations = [
        search_function(),
        search_index("incoming_search_idx", "documents_incomingdocument", ["title", "sender", "sender_number"]),
        search_index("outgoing_search_idx", "documents_outgoingdocument", ["title"]),
    ]
