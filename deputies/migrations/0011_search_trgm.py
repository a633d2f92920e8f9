"""The search (congress_office.search): the SQL function search_bigrams() the search indexes of
every app are built on, and the indexes of deputies (name, work unit) and suggestions (title).
PostgreSQL only; nothing on SQLite. Why bigrams and not pg_trgm: docs/architecture.md (全局搜索)."""

from django.db import migrations

from congress_office.search_migrations import search_function, search_index


class Migration(migrations.Migration):
    dependencies = [
        ("deputies", "0010_activity_search_statistics"),
    ]

    operations = [
        search_function(),
        search_index("deputy_search_idx", "deputies_deputy", ["name", "work_unit"]),
        search_index("suggestion_search_idx", "deputies_suggestion", ["title"]),
    ]
