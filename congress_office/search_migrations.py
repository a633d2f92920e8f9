"""Migration operations of the search (congress_office.search): the SQL function search_bigrams()
and the GIN indexes on it. PostgreSQL only: on SQLite (the local default) they do nothing and the
search is a plain icontains. Imported by the apps' *_search_trgm migrations: keep it stable."""

from django.db import migrations

# The upper-cased two-character pieces of the texts given, none containing whitespace, sorted
# and distinct: congress_office.search.bigrams() computes the same in Python. IMMUTABLE, so an
# index can be built on it (upper() follows the database's ctype, C.UTF-8 or zh_CN.UTF-8, which
# does not change under a running database).
CREATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION search_bigrams(VARIADIC parts text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g ORDER BY g), '{}'::text[])
  FROM unnest(parts) AS p(part)
  CROSS JOIN LATERAL generate_series(1, char_length(p.part) - 1) AS i
  CROSS JOIN LATERAL (SELECT substr(upper(p.part), i, 2) AS g) AS s
  WHERE s.g !~ '\s'
$$;
"""
DROP_FUNCTION = "DROP FUNCTION IF EXISTS search_bigrams(VARIADIC text[]);"


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL only (a no-op on SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def search_function():
    """The function, created (or replaced by the same) by each app's search migration, so that no
    app's migrations wait for another's; left in place when one is reversed, since the other
    apps' indexes may still be built on it (DROP_FUNCTION removes it by hand)."""
    return PostgresOnlySQL(CREATE_FUNCTION, migrations.RunSQL.noop)


def search_index(name, table, columns):
    """A GIN index on search_bigrams(columns…), the expression congress_office.search.text_matches
    filters on for the same columns in the same order."""
    quoted = ", ".join(f'"{column}"' for column in columns)
    return PostgresOnlySQL(
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (search_bigrams({quoted}));',
        f'DROP INDEX IF EXISTS "{name}";',
    )
