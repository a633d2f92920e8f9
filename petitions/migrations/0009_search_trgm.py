"""The search (congress_office.search): petitions found by 事由, petitioner and organisation
through a GIN index on search_bigrams(). PostgreSQL only."""

from django.db import migrations

from congress_office.search_migrations import search_function, search_index


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0008_list_indexes"),
    ]

    operations = [
        search_function(),
        search_index("petition_search_idx", "petitions_petition", ["title", "petitioner_name", "organisation"]),
    ]
