"""The search (congress_office.search): meetings found by their agenda items' titles through a
GIN index on search_bigrams(). PostgreSQL only."""

from django.db import migrations

from congress_office.search_migrations import search_function, search_index


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_opinions"),
    ]

    operations = [
        search_function(),
        search_index("agendaitem_search_idx", "meetings_agendaitem", ["title"]),
    ]
