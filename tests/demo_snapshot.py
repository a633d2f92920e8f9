"""seed_demo once per test process: the demo-data tests share its rows."""

import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

_demo_snapshot = {}


def seed_demo_once():
    """The demo data (seed_demo) in the current transaction. The command runs once per test
    process; later calls copy its rows back (PostgreSQL COPY, binary) and its media files into
    this test's MEDIA_ROOT, in a second instead of half a minute. The rows keep their ids: the
    sequences, which a rollback does not rewind, are already past them. The caller rolls back."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        call_command("seed_demo", verbosity=0)
        return
    tables = [t for t in connection.introspection.table_names() if t != "django_migrations"]
    media_root = Path(settings.MEDIA_ROOT)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if not _demo_snapshot:
            call_command("seed_demo", verbosity=0)
            rows = {}
            for table in tables:
                buffer = io.BytesIO()
                raw.copy_expert(f'COPY "{table}" TO STDOUT (FORMAT binary)', buffer)
                rows[table] = buffer.getvalue()
            media = Path(tempfile.mkdtemp(prefix="demo-media-"))
            if media_root.exists():
                shutil.copytree(media_root, media, dirs_exist_ok=True)
            _demo_snapshot.update(rows=rows, media=media)
            return
        # every table at once (their foreign keys refer to each other); the FKs are deferred
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables))
        for table, data in _demo_snapshot["rows"].items():
            raw.copy_expert(f'COPY "{table}" FROM STDIN (FORMAT binary)', io.BytesIO(data))
    shutil.copytree(_demo_snapshot["media"], media_root, dirs_exist_ok=True)
