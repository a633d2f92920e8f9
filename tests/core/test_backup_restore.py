"""scripts/backup and scripts/restore (issue 13 item 2), run as an operator runs them, against the
test database: a backup restored into a fresh database and media folder gives back every table's
rows, the decrypted personal data and the media files; a restore into a database that has tables
is refused, one with other keys fails, and so does a backup of a database that cannot be read.
One round trip carries most checks: each backup or restore starts Django a few times."""

import hashlib
import json
import os
import subprocess
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.db import connection

from congress_office.roles import Role
from petitions.models import PetitionAttachment

from ..deputies.factories import DeputyFactory, TermFactory
from ..petitions.factories import register_petition
from .conftest import _database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
KEYS = Fernet.generate_key().decode()
HASH_KEY = "backup-restore-test-hash-key"
ATTACHMENT = b"%PDF-1.4\n% the petitioner's land contract, scanned\n" + bytes(range(256)) * 40


def personal_data_digest():
    """(sha256, rows) over (model, pk, every EncryptedCharField) of every row of every model that
    has such a field, decrypted through the ORM; run in this process and in one on the restored
    database (`python -c`), so both read through the same code."""
    from django.apps import apps

    from congress_office.crypto import EncryptedCharField

    rows = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields:
            for values in model._base_manager.order_by("pk").values_list("pk", *fields):
                rows.append([model._meta.label, *values])
    rows.sort(key=lambda row: (row[0], row[1]))
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest(), len(rows)


def public_table_counts(cursor):
    """{table: rows} of every table in the public schema."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def media_digests(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def database_url(name):
    return _database_url({**connection.settings_dict, "NAME": name})


def script_env(database, media_root, *, keys=KEYS):
    """The environment an operator gives the scripts: the database, the media folder, the keys."""
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="congress_office.settings.local",
        DATABASE_URL=database_url(database),
        MEDIA_ROOT=str(media_root),
        FIELD_ENCRYPTION_KEYS=keys,
        PERSONAL_DATA_HASH_KEY=HASH_KEY,
        REDIS_URL=settings.REDIS_URL,
        PYTHONUNBUFFERED="1",
    )
    return env


def run(script, *args, env, timeout=120):
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / script), *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    result.output = result.stdout + result.stderr
    return result


def restored_digest(env):
    code = (
        "import django; django.setup(); "
        "from tests.core.test_backup_restore import personal_data_digest; "
        "print(*personal_data_digest())"
    )
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    digest, rows = result.stdout.split()
    return digest, int(rows)


def table_counts_of(name):
    with closing(psycopg2.connect(database_url(name))) as database, database.cursor() as cursor:
        return public_table_counts(cursor)


def _drop(name):
    with closing(psycopg2.connect(database_url("postgres"))) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def restore_db():
    """The name of a database that does not exist yet (test database + "_restore"), dropped at
    teardown."""
    name = f"{connection.settings_dict['NAME']}_restore"
    _drop(name)
    yield name
    _drop(name)


@pytest.fixture
def office(settings, role_groups, township, make_user):
    """Petitions with phone and ID numbers (one with an attachment in MEDIA_ROOT) and deputies
    with phones, encrypted with this module's keys."""
    settings.FIELD_ENCRYPTION_KEYS = [KEYS]
    settings.PERSONAL_DATA_HASH_KEY = HASH_KEY
    clerk = make_user(Role.CLERK, township, username="clerk")
    petitions = [
        register_petition(
            township=township, by=clerk, phone=f"1381234{n:04d}", id_number=f"32010219750308{n:03d}X", title=f"信访{n}"
        )
        for n in range(3)
    ]
    PetitionAttachment.objects.create(
        petition=petitions[0], file=ContentFile(ATTACHMENT, name="土地承包合同.pdf"), name="土地承包合同.pdf"
    )
    term = TermFactory(township=township)
    for n in range(3):
        DeputyFactory(term=term, phone=f"1390000{n:04d}")
    return petitions


def test_a_restored_backup_gives_back_every_row_the_personal_data_and_the_media_and_fails_with_other_keys(
    office, settings, restore_db, tmp_path
):
    media_root = Path(settings.MEDIA_ROOT)
    with connection.cursor() as cursor:
        counts = public_table_counts(cursor)
    digest, rows = personal_data_digest()
    media = media_digests(media_root)
    assert rows >= 6 and counts["petitions_petition"] == 3 and counts["deputies_deputy"] == 3
    assert [hashlib.sha256(ATTACHMENT).hexdigest()] == list(media.values())

    # older backups in the folder: the newest of each of 3 days and 2 months stay (today's is
    # both), the rest go; a .partial and a folder of another name are not touched
    dest = tmp_path / "backups"
    old = ["20250110-010000", "20250131-010000", "20250201-010000", "20250215-010000", "20250215-020000"]
    old += ["20250216-010000"]
    for stamp in old:
        (dest / f"congress-backup-{stamp}").mkdir(parents=True)
    (dest / "congress-backup-20240101-000000.partial").mkdir()
    (dest / "notes").mkdir()

    env = script_env(connection.settings_dict["NAME"], media_root)
    backup = run("backup", "--keep-daily", "3", "--keep-monthly", "2", dest, env=env)
    assert backup.returncode == 0, backup.output
    for key in ("FIELD_ENCRYPTION_KEYS", "PERSONAL_DATA_HASH_KEY", "SECRET_KEY"):
        assert key in backup.stdout  # the reminder that the keys are kept elsewhere
    made = [p.name for p in dest.glob("congress-backup-2*") if p.name[16:] not in old and p.suffix != ".partial"]
    assert len(made) == 1, made
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        [made[0], "congress-backup-20250216-010000", "congress-backup-20250215-020000"]
        + ["congress-backup-20240101-000000.partial", "notes"]
    )
    folder = dest / made[0]
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "manifest.json",
        "media.sha256",
        "media.tar",
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"] == counts
    assert manifest["migrations"]["petitions"] and manifest["media"]["files"] == 1
    assert (
        manifest["files"]["database.dump"]["sha256"]
        == hashlib.sha256((folder / "database.dump").read_bytes()).hexdigest()
    )
    for path in folder.iterdir():  # no key in any file of the backup
        content = path.read_bytes()
        assert KEYS.encode() not in content and HASH_KEY.encode() not in content, path.name

    restored_media = tmp_path / "restored-media"
    restored_env = script_env(restore_db, restored_media)
    restore = run("restore", folder, env=restored_env)
    assert restore.returncode == 0, restore.output
    assert "恢复完成，全部检查通过" in restore.stdout
    assert table_counts_of(restore_db) == counts
    assert restored_digest(restored_env) == (digest, rows)
    assert media_digests(restored_media) == media

    # a second restore into the database that now has tables is refused, and changes nothing
    again = run("restore", folder, env=restored_env)
    assert again.returncode != 0
    assert "已有" in again.stderr and "--force" in again.stderr
    assert table_counts_of(restore_db) == counts

    # --force replaces it; with other keys than the backup's, the restore fails and says the keys
    # do not decrypt the personal data
    other_keys = script_env(restore_db, restored_media, keys=Fernet.generate_key().decode())
    forced = run("restore", "--force", folder, env=other_keys)
    assert forced.returncode == 1, forced.output
    assert "无法解密已存的个人信息" in forced.stderr  # verify_keys
    assert "密钥      失败" in forced.stdout  # the summary
    assert "行数      通过" in forced.stdout and "RESTORE CHECKS FAILED" in forced.stderr


def test_a_failed_backup_exits_non_zero_and_leaves_no_backup_behind(settings, tmp_path):
    dest = tmp_path / "backups"
    env = script_env(f"{connection.settings_dict['NAME']}_missing", settings.MEDIA_ROOT)
    backup = run("backup", dest, env=env)
    assert backup.returncode != 0
    assert "备份失败" in backup.stderr
    assert list(dest.iterdir()) == []  # neither a complete-looking folder nor a .partial
