"""A stored personal-data value that the configured keys cannot decrypt (a lost or wrong key, a
restore without the keys), and the key check.

Expected behaviour:
- such a value reads back as UNDECRYPTABLE （无法解密，请检查密钥配置）, logged once per process
  and field at ERROR without the ciphertext; the masking functions pass it through;
- the petition list, detail, .xlsx export and case-file PDF answer as usual, the placeholder in
  the row's place and the other rows unchanged;
- saving the row again (another field edited by a service, or a form that showed the
  placeholder) keeps the stored ciphertext byte for byte; storing the bare placeholder is refused;
- undecryptable_samples() names (model label, field, pk) of the sampled values that fail; the
  deploy check (core.E010) fails on them, passes on an empty database and only warns (core.W010)
  when the database cannot be reached; `manage.py verify_keys` prints
  "密钥检查：抽样 N 条，全部可解密" and exits 0, or lists the failures and exits 1.
"""

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.checks import Error
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from congress_office import crypto
from congress_office.checks import check_encryption_keys
from congress_office.crypto import (
    UNDECRYPTABLE,
    EncryptedCharField,
    UndecryptableValue,
    encrypt,
    mask_id_number,
    mask_phone,
    undecryptable_samples,
)
from petitions.models import Petition
from petitions.services.registration import petition_accept
from tests.petitions.factories import register_petition

ROOT = Path(__file__).resolve().parents[2]
OTHER_KEY = Fernet.generate_key().decode()


def foreign_ciphertext(text):
    """`text` encrypted under a key the configuration does not hold."""
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]):
        return encrypt(text)


def stored(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "{column}" FROM "{model._meta.db_table}" WHERE "{model._meta.pk.column}" = %s',  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def store_raw(model, pk, **columns):
    """Write stored text as it is (no field encryption): what a restore with other keys leaves."""
    assignments = ", ".join(f'"{column}" = %s' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{model._meta.db_table}" SET {assignments} WHERE "{model._meta.pk.column}" = %s',  # noqa: S608
            [*columns.values(), pk],
        )


class Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def crypto_log():
    """The ERROR records of congress_office.crypto, with the once-per-process memory cleared."""
    handler = Records()
    logger = logging.getLogger("congress_office.crypto")
    logger.addHandler(handler)
    crypto._reported.clear()
    yield handler.records
    logger.removeHandler(handler)
    crypto._reported.clear()


@pytest.fixture
def petitions(township, clerk):
    """Three petitions; the second one's phone and ID number made under another key."""
    made = [
        register_petition(township=township, by=clerk, phone=f"1381234567{i}", title=f"信访事项{i}", id_number="")
        for i in range(3)
    ]
    bad = made[1]
    store_raw(
        Petition,
        bad.pk,
        phone=foreign_ciphertext("13900001111"),
        id_number=foreign_ciphertext("320102197503081234"),
    )
    return made


@pytest.mark.django_db
def test_an_undecryptable_value_reads_as_the_placeholder_and_is_logged_once(petitions, crypto_log):
    ciphertext = stored(Petition, petitions[1].pk, "phone")
    for _ in range(2):  # a list read twice: one log record for the field, not one per row or read
        rows = {p.pk: p for p in Petition.objects.all()}
    bad = rows[petitions[1].pk]
    assert bad.phone == UNDECRYPTABLE and isinstance(bad.phone, UndecryptableValue)
    assert bad.id_number == UNDECRYPTABLE
    assert rows[petitions[0].pk].phone == "13812345670" and rows[petitions[2].pk].phone == "13812345672"
    errors = [r for r in crypto_log if r.levelno == logging.ERROR]
    fields = [r.getMessage().split(" ")[0] for r in errors]
    assert fields == ["petitions.Petition.phone", "petitions.Petition.id_number"]
    assert all(ciphertext not in r.getMessage() and "gAAAA" not in r.getMessage() for r in errors)


def test_the_masks_pass_the_placeholder_through():
    assert mask_phone(UNDECRYPTABLE) == UNDECRYPTABLE
    assert mask_id_number(UndecryptableValue("gAAAAAxyz")) == UNDECRYPTABLE
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.django_db
def test_list_detail_and_export_keep_working(client_for, clerk, petitions, crypto_log):
    client = client_for(clerk)
    listed = client.get(reverse("petitions:petition_list"))
    assert listed.status_code == 200
    page = listed.content.decode()
    assert UNDECRYPTABLE in page and "138****5670" in page and "138****5672" in page

    detail = client.get(reverse("petitions:petition_detail", args=[petitions[1].pk]))
    assert detail.status_code == 200 and UNDECRYPTABLE in detail.content.decode()
    revealed = client.post(reverse("petitions:petition_reveal", args=[petitions[1].pk]))
    assert revealed.status_code == 200 and UNDECRYPTABLE in revealed.content.decode()
    assert client.get(reverse("petitions:petition_detail", args=[petitions[0].pk])).status_code == 200

    exported = client.get(reverse("petitions:petition_export"))
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    phones = {row[header.index("信访事由")]: row[header.index("联系电话")] for row in rows[1:]}
    assert phones == {"信访事项0": "138****5670", "信访事项1": UNDECRYPTABLE, "信访事项2": "138****5672"}
    ids = {row[header.index("信访事由")]: row[header.index("身份证号")] for row in rows[1:]}
    assert ids["信访事项1"] == UNDECRYPTABLE


@pytest.mark.django_db
def test_the_case_file_pdf_prints_the_placeholder(petitions, clerk, crypto_log):
    from petitions.plugins import _case_file

    petition = Petition.objects.get(pk=petitions[1].pk)
    for full in (False, True):
        data = _case_file(petition, clerk, full=full)()
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert "无法解密" in text.replace(" ", "").replace("\n", "")


@pytest.mark.django_db
def test_saving_the_row_again_keeps_the_ciphertext_byte_for_byte(petitions, clerk, crypto_log):
    pk = petitions[1].pk
    before = (stored(Petition, pk, "phone"), stored(Petition, pk, "id_number"))
    petition = Petition.objects.get(pk=pk)
    petition_accept(petition=petition, by=clerk)  # another field changes: a full save of the row
    petition.refresh_from_db()
    assert petition.accepted_on is not None
    petition.title = "改过的事由"
    petition.save()
    assert (stored(Petition, pk, "phone"), stored(Petition, pk, "id_number")) == before
    # the key it was made with reads it again
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]):
        assert Petition.objects.get(pk=pk).phone == "13900001111"


def test_storing_the_bare_placeholder_is_refused():
    field = EncryptedCharField()
    assert field.get_prep_value(UndecryptableValue("gAAAAAstored")) == "gAAAAAstored"
    with pytest.raises(ValueError, match="placeholder"):
        field.get_prep_value(str(UNDECRYPTABLE))
    assert field.get_prep_value("") == ""


# --- the key check --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_database_passes():
    assert undecryptable_samples() == []
    assert check_encryption_keys() == []
    out = io.StringIO()
    call_command("verify_keys", stdout=out)
    assert out.getvalue().strip() == "密钥检查：抽样 0 条，全部可解密"


@pytest.mark.django_db
def test_the_samples_name_what_cannot_be_decrypted(petitions, crypto_log):
    bad = petitions[1].pk
    assert sorted(undecryptable_samples()) == [
        ("petitions.Petition", "id_number", bad),
        ("petitions.Petition", "phone", bad),
    ]
    # the newest per_field non-empty values only: with one per field, the newest phone is fine
    assert undecryptable_samples(per_field=1) == [("petitions.Petition", "id_number", bad)]
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode(), OTHER_KEY]):
        failing = undecryptable_samples()  # the new key first, the old one kept: the bad row reads
    assert {pk for _label, _field, pk in failing} == {petitions[0].pk, petitions[2].pk}


@pytest.mark.django_db
def test_the_deploy_check_fails_on_undecryptable_samples(petitions, crypto_log):
    issues = check_encryption_keys()
    assert len(issues) == 1 and isinstance(issues[0], Error) and issues[0].id == "core.E010"
    assert "抽样 4 条，2 条无法解密" in issues[0].msg and f"petitions.Petition #{petitions[1].pk}" in issues[0].msg
    with pytest.raises(SystemCheckError, match="core.E010"):
        call_command("check", "--deploy", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_the_deploy_check_passes_when_every_sample_decrypts(township, clerk):
    register_petition(township=township, by=clerk)
    assert check_encryption_keys() == []
    call_command("check", "--deploy", "--tag", "security", stdout=io.StringIO(), stderr=io.StringIO())


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "FIELD_ENCRYPTION_KEYS"}}
    env.update(DJANGO_SETTINGS_MODULE="congress_office.settings.test", **extra)
    return env


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=120
    )


def test_an_unreachable_database_is_a_warning_not_a_failure():
    result = _manage("check", "--deploy", DATABASE_URL="postgresql://postgres@127.0.0.1:1/nowhere")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "core.W010" in result.stdout + result.stderr and "无法连接数据库" in result.stdout + result.stderr


def _test_database_url():
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_verify_keys_exit_status(petitions, crypto_log):
    """The command as scripts/restore runs it: exit 1 and the failures listed with the stored
    wrong-key row; exit 0 with the Chinese line once the row is fixed."""
    url = _test_database_url()
    failed = _manage("verify_keys", DATABASE_URL=url)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "抽样 4 条，其中 2 条无法解密" in failed.stderr
    assert f"petitions.Petition.phone #{petitions[1].pk}" in failed.stderr

    with pytest.raises(CommandError) as error:
        call_command("verify_keys", stdout=io.StringIO(), stderr=io.StringIO())
    assert error.value.returncode == 1

    store_raw(Petition, petitions[1].pk, phone=encrypt("13900001111"), id_number="")
    passed = _manage("verify_keys", DATABASE_URL=url)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.strip() == "密钥检查：抽样 3 条，全部可解密"
    # the same data with another key configured: every sample fails
    wrong = _manage("verify_keys", "--per-field", "1", DATABASE_URL=url, FIELD_ENCRYPTION_KEYS=OTHER_KEY)
    assert wrong.returncode == 1 and "抽样 1 条，其中 1 条无法解密" in wrong.stderr
