"""Deputies' phone and ID number (issue 13 item 7): encrypted at rest, searchable by keyed hash,
masked like petitioners'.

Expected behaviour:
- after saves (the service, the edit form), neither number appears in deputies_deputy nor in its
  history table (raw SQL); the model reads them back; the history keeps only the hashes;
- migration 0009 encrypts the phones of existing rows (and hashes them), hashes the history's
  phones and drops them from the history; reversed, the register's phones are plain again;
- lists (register, group) show them masked to everyone; the detail page is masked, and only the
  township's clerks and chairs get the "查看完整号码" POST, which shows them in full and logs a
  DeputyContactAccess row; other roles get no button and 403 on the POST; another township's
  clerk gets 404;
- the register search finds a whole phone (however typed) or ID number through the hash, never
  a part of one;
- the register export carries them in full for a clerk (logged once per export) and masked for
  an auditor; a clerk's export imports again with the same numbers (encrypted by the import);
- the edit form shows them masked; sent back unchanged the stored value is kept (one that cannot
  be decrypted byte for byte), a new number replaces it;
- an archived 履职档案 prints the phone masked; the full copy only for a clerk, logged.
"""

import io
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from congress_office.crypto import UNDECRYPTABLE, encrypt, keyed_hash
from congress_office.roles import Role
from deputies.models import ContactAccessKind, Deputy, DeputyContactAccess, deputy_phone_hash
from deputies.services.register import deputy_save
from deputies.services.register_io import COLUMNS, EXPORT_EXTRA, read_table, register_import
from tests.factories import TownshipFactory

from .factories import DeputyFactory, TermFactory

PHONE = "13912345678"
ID_NUMBER = "32010219750308001X"  # a valid check character (X: upper-cased when typed x)
MASKED_PHONE = "139****5678"
MASKED_ID = "3201**********001X"


def rows_of(table):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (our own table names)
        return "\n".join(" ".join(str(value) for value in row) for row in cursor.fetchall())


def stored_phone(pk):
    with connection.cursor() as cursor:
        cursor.execute('SELECT "phone" FROM "deputies_deputy" WHERE "id" = %s', [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def numbered(term, district, group):
    return DeputyFactory(term=term, district=district, group=group, name="李有号", phone=PHONE, id_number=ID_NUMBER)


# --- at rest ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_plain_number_in_the_deputy_tables_after_saves(client_for, clerk, term, district):
    deputy = deputy_save(
        deputy=Deputy(township=term.township, term=term, name="赵新民", gender="M", district=district, phone=PHONE)
    )
    data = {
        "name": "赵新民",
        "gender": "M",
        "ethnicity": "汉族",
        "affiliation": "cpc",
        "phone": "139 8765 4321",
        "id_number": ID_NUMBER.lower(),
        "term": term.pk,
        "district": district.pk,
    }
    response = client_for(clerk).post(reverse("deputies:deputy_update", args=[deputy.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    deputy = Deputy.objects.get(pk=deputy.pk)
    assert (deputy.phone, deputy.id_number) == ("139 8765 4321", ID_NUMBER)
    assert deputy.phone_hash == keyed_hash("13987654321") and deputy.id_hash == keyed_hash(ID_NUMBER)
    text = rows_of("deputies_deputy") + rows_of("deputies_historicaldeputy")
    for plain in (PHONE, "13987654321", "139 8765 4321", ID_NUMBER, ID_NUMBER.lower()):
        assert plain not in text
    history_columns = {
        c.name for c in connection.introspection.get_table_description(connection.cursor(), "deputies_historicaldeputy")
    }
    assert {"phone", "id_number"}.isdisjoint(history_columns) and {"phone_hash", "id_hash"} <= history_columns
    assert deputy.history.count() == 2 and deputy.history.first().phone_hash == deputy.phone_hash


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_phones_and_their_history():
    """Back to 0007 (plain phones), rows and history written there, forward again."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = [("deputies", "0007_list_indexes")]
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        OldTerm, OldDeputy = old.get_model("deputies", "Term"), old.get_model("deputies", "Deputy")
        OldHistory = old.get_model("deputies", "HistoricalDeputy")
        township = TownshipFactory()
        term = OldTerm.objects.create(
            township_id=township.pk, number=19, start_date=date(2026, 1, 10), end_date=date(2031, 1, 10)
        )
        phones = {f"老代表{i}": f"1380000{i:04d}" for i in range(7)}
        phones["固话代表"] = "0571-88886666"
        phones["无电话"] = ""
        made = {}
        for name, phone in phones.items():
            deputy = OldDeputy.objects.create(township_id=township.pk, term=term, name=name, gender="F", phone=phone)
            made[name] = deputy.pk
            values = {f.attname: getattr(deputy, f.attname) for f in OldDeputy._meta.concrete_fields}
            OldHistory.objects.create(**values, history_date=timezone.now(), history_type="+")
        assert "13800000003" in rows_of("deputies_historicaldeputy")

        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
        text = rows_of("deputies_deputy") + rows_of("deputies_historicaldeputy")
        assert all(phone not in text for phone in phones.values() if phone)
        for name, phone in phones.items():
            deputy = Deputy.objects.get(pk=made[name])
            assert deputy.phone == phone and deputy.phone_hash == deputy_phone_hash(phone)
            assert stored_phone(deputy.pk) == "" if not phone else stored_phone(deputy.pk).startswith("gAAAAA")
            assert deputy.history.get().phone_hash == deputy.phone_hash
        found = Deputy.objects.filter(phone_hash=deputy_phone_hash("057188886666")).get()
        assert found.name == "固话代表"

        executor = MigrationExecutor(connection)
        executor.migrate(before)  # reversible: the register's phones plain again
        with connection.cursor() as cursor:
            cursor.execute('SELECT "name", "phone" FROM "deputies_deputy"')
            assert dict(cursor.fetchall()) == phones
    finally:
        MigrationExecutor(connection).migrate(leaves)


# --- pages ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR, Role.AUDITOR])
def test_lists_show_the_phone_masked(client_for, users, numbered, group, role):
    client = client_for(users[role])
    for url in (reverse("deputies:deputy_list"), reverse("deputies:group_detail", args=[group.pk])):
        page = client.get(url).content.decode()
        assert MASKED_PHONE in page and PHONE not in page and ID_NUMBER not in page


@pytest.mark.django_db
def test_a_deputy_sees_their_own_entry_masked(client_for, deputy_user, deputy):
    deputy.phone, deputy.id_number = PHONE, ID_NUMBER
    deputy_save(deputy=deputy)
    client = client_for(deputy_user)
    page = client.get(reverse("deputies:deputy_detail", args=[deputy.pk])).content.decode()
    assert MASKED_PHONE in page and MASKED_ID in page and PHONE not in page
    assert 'data-testid="reveal"' not in page
    assert client.post(reverse("deputies:deputy_reveal", args=[deputy.pk])).status_code == 403
    assert not DeputyContactAccess.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR])
def test_clerks_and_chairs_reveal_and_each_view_is_logged(client_for, users, numbered, role):
    client = client_for(users[role])
    detail = reverse("deputies:deputy_detail", args=[numbered.pk])
    page = client.get(detail).content.decode()
    assert MASKED_PHONE in page and PHONE not in page and 'data-testid="reveal"' in page
    for times in (1, 2):
        response = client.post(reverse("deputies:deputy_reveal", args=[numbered.pk]))
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert PHONE in page and ID_NUMBER in page and f'href="tel:{PHONE}"' in page
        assert DeputyContactAccess.objects.filter(deputy=numbered, user=users[role]).count() == times
    access = DeputyContactAccess.objects.first()
    assert (access.kind, access.fields, access.township_id) == (
        ContactAccessKind.VIEW,
        "phone,id_number",
        numbered.township_id,
    )
    assert PHONE not in client.get(detail).content.decode()  # nothing kept: masked again


@pytest.mark.django_db
def test_an_auditor_gets_no_button_and_403(client_for, users, numbered):
    client = client_for(users[Role.AUDITOR])
    page = client.get(reverse("deputies:deputy_detail", args=[numbered.pk])).content.decode()
    assert MASKED_PHONE in page and MASKED_ID in page and 'data-testid="reveal"' not in page
    assert client.post(reverse("deputies:deputy_reveal", args=[numbered.pk])).status_code == 403
    assert not DeputyContactAccess.objects.exists()


@pytest.mark.django_db
def test_another_townships_clerk_gets_not_found(client_for, other_clerk, numbered):
    client = client_for(other_clerk)
    assert client.get(reverse("deputies:deputy_detail", args=[numbered.pk])).status_code == 404
    assert client.post(reverse("deputies:deputy_reveal", args=[numbered.pk])).status_code == 404
    assert not DeputyContactAccess.objects.exists()


@pytest.mark.django_db
def test_nothing_to_reveal_logs_nothing(client_for, clerk, term):
    bare = DeputyFactory(term=term, name="无号码")
    response = client_for(clerk).post(reverse("deputies:deputy_reveal", args=[bare.pk]), follow=True)
    assert response.status_code == 200 and "该代表没有登记联系电话或身份证号。" in response.content.decode()
    assert not DeputyContactAccess.objects.exists()


@pytest.mark.django_db
def test_the_search_finds_a_whole_number_through_the_hash(client_for, clerk, numbered, term):
    DeputyFactory(term=term, name="王固话", phone="0571-88886666")
    client = client_for(clerk)

    def found(q):
        response = client.get(reverse("deputies:deputy_list"), {"q": q})
        return sorted(d.name for d in response.context["deputies"])

    assert found(PHONE) == found("139-1234-5678") == found("+86 139 1234 5678") == ["李有号"]
    assert found("057188886666") == found("0571-88886666") == ["王固话"]
    assert found(ID_NUMBER.lower()) == ["李有号"]
    assert found("1234") == found("13912345") == []  # no part of a number is searchable


# --- export and import --------------------------------------------------------------------------


def exported(client):
    """The register export's bytes and its rows as {header: value}."""
    response = client.get(reverse("deputies:deputy_export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return content, [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.django_db
def test_the_export_is_full_for_a_clerk_logged_and_imports_again(client_for, clerk, numbered):
    client = client_for(clerk)
    content, rows = exported(client)
    assert list(rows[0]) == list(COLUMNS) + EXPORT_EXTRA
    assert (rows[0]["联系电话"], rows[0]["身份证号"]) == (PHONE, ID_NUMBER)
    access = DeputyContactAccess.objects.get()
    assert (access.kind, access.deputy, access.user) == (ContactAccessKind.EXPORT, None, clerk)
    assert "1 人" in access.detail
    exported(client)
    assert DeputyContactAccess.objects.count() == 2  # every export logged

    elsewhere = TermFactory(township=TownshipFactory(), number=1)
    table = read_table(SimpleUploadedFile("导出.xlsx", content))
    new = {"create_districts": [numbered.district.name], "create_groups": [numbered.group.name]}
    assert register_import(rows=table, township=elsewhere.township, term=elsewhere, **new) == 1
    copy = Deputy.objects.get(term=elsewhere)
    assert (copy.phone, copy.id_number) == (PHONE, ID_NUMBER)
    assert (copy.phone_hash, copy.id_hash) == (numbered.phone_hash, numbered.id_hash)
    stored = rows_of("deputies_deputy") + rows_of("deputies_historicaldeputy")
    assert PHONE not in stored and ID_NUMBER not in stored


@pytest.mark.django_db
def test_the_export_is_masked_for_an_auditor(client_for, users, numbered):
    _response, rows = exported(client_for(users[Role.AUDITOR]))
    assert (rows[0]["联系电话"], rows[0]["身份证号"]) == (MASKED_PHONE, MASKED_ID)
    assert not DeputyContactAccess.objects.exists()


# --- the edit form ------------------------------------------------------------------------------


def form_data(deputy, **extra):
    return {
        "name": deputy.name,
        "gender": deputy.gender,
        "ethnicity": deputy.ethnicity,
        "affiliation": deputy.affiliation,
        "phone": deputy.masked_phone,
        "id_number": deputy.masked_id_number,
        "term": deputy.term_id,
        "district": deputy.district_id,
        "group": deputy.group_id or "",
        **extra,
    }


@pytest.mark.django_db
def test_the_edit_form_shows_masked_numbers_and_keeps_them(client_for, clerk, numbered):
    client = client_for(clerk)
    url = reverse("deputies:deputy_update", args=[numbered.pk])
    page = client.get(url).content.decode()
    assert f'value="{MASKED_PHONE}"' in page and f'value="{MASKED_ID}"' in page and PHONE not in page
    response = client.post(url, form_data(numbered, work_unit="新单位"))
    assert response.status_code == 302
    kept = Deputy.objects.get(pk=numbered.pk)
    assert (kept.work_unit, kept.phone, kept.id_number, kept.phone_hash) == (
        "新单位",
        PHONE,
        ID_NUMBER,
        numbered.phone_hash,
    )
    response = client.post(url, form_data(numbered, phone="13700001111", id_number=""))
    changed = Deputy.objects.get(pk=numbered.pk)
    assert (changed.phone, changed.id_number, changed.id_hash) == ("13700001111", "", "")
    assert changed.phone_hash == keyed_hash("13700001111")


@pytest.mark.django_db
def test_an_undecryptable_phone_survives_an_edit_byte_for_byte(client_for, clerk, numbered):
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        foreign = encrypt(PHONE)
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "deputies_deputy" SET "phone" = %s WHERE "id" = %s', [foreign, numbered.pk])
    client = client_for(clerk)
    url = reverse("deputies:deputy_update", args=[numbered.pk])
    assert UNDECRYPTABLE in client.get(reverse("deputies:deputy_list")).content.decode()
    assert UNDECRYPTABLE in client.get(url).content.decode()
    deputy = Deputy.objects.get(pk=numbered.pk)
    assert deputy.masked_phone == UNDECRYPTABLE
    response = client.post(url, form_data(deputy, work_unit="改了单位"))
    assert response.status_code == 302, response.context["form"].errors
    assert stored_phone(numbered.pk) == foreign
    edited = Deputy.objects.get(pk=numbered.pk)
    assert edited.work_unit == "改了单位" and edited.phone_hash == numbered.phone_hash and edited.id_number == ID_NUMBER
    _response, rows = exported(client)
    assert rows[0]["联系电话"] == UNDECRYPTABLE


# --- the archived 履职档案 ----------------------------------------------------------------------


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


@pytest.mark.django_db
def test_the_archived_record_is_masked_and_the_full_copy_logged(users, clerk, numbered):
    from deputies.plugins import record_full_copy, record_parts

    masked = pdf_text(record_parts(numbered, clerk, year=2026)[0].render())
    assert MASKED_PHONE in masked and PHONE not in masked
    assert PHONE in pdf_text(record_parts(numbered, clerk, year=2026, full=True)[0].render())
    assert not DeputyContactAccess.objects.exists()  # rendering is no view
    assert record_full_copy(numbered, users[Role.AUDITOR]) is False
    assert record_full_copy(numbered, clerk) is True
    access = DeputyContactAccess.objects.get()
    assert (access.kind, access.deputy, access.user) == (ContactAccessKind.ARCHIVE, numbered, clerk)
