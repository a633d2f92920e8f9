# ruff: noqa: F811  (the fixtures imported from office_fixtures are redefined as arguments)
"""Personal data of petitioners: encrypted at rest, found through keyed hashes, masked in
lists and exports, shown in full only to the township's clerks and chairs, every full view
logged.

Expected behaviour:
- after registering (office form or public form), neither the raw ID number nor the raw phone
  appears in any table of the database (read with raw SQL: petitions_petition, its history
  table, and every other table); the model still reads them back;
- the list and the .xlsx export show 3201**********1234 / 138****5678 to everyone;
- the detail page is masked for everyone; clerks and chairs of the township get a
  "查看完整信息" POST button that shows them in full and writes a PersonalDataAccess row
  (every view one row); deputies, unit handlers and auditors get no button and a 403 on the
  POST, nothing logged; county users (aggregates only) get 403 on the page itself; another
  township's clerk gets 404.
"""

import io

import pytest
from django.db import connection
from django.urls import reverse

from congress_office.crypto import keyed_hash
from congress_office.roles import Role
from congress_office.services.cases import case_assign
from petitions.models import PersonalDataAccess, Petition
from petitions.services.registration import petition_accept

from .office_fixtures import (  # noqa: F401
    RAW_ID,
    RAW_PHONE,
    other_petition,
    petition,
    register_petition,
    valid_id,
)

pytestmark = pytest.mark.django_db

MASKED_PHONE = "138****5678"
MASKED_ID = RAW_ID[:4] + "*" * 10 + RAW_ID[-4:]


def rows_of(table):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
        return cursor.fetchall()


def text_of(rows):
    return "\n".join(" ".join(str(value) for value in row) for row in rows)


def all_tables():
    return connection.introspection.table_names()


# --- at rest ----------------------------------------------------------------------------------------


def test_raw_id_number_and_phone_appear_nowhere_in_the_petition_tables(township, clerk):
    petition = register_petition(township=township, by=clerk, phone=RAW_PHONE, id_number=RAW_ID)
    petition.title = "改了标题"  # one more history row
    petition.save()

    for table in ("petitions_petition", "petitions_historicalpetition"):
        dump = text_of(rows_of(table))
        assert dump, table
        assert RAW_ID not in dump and RAW_PHONE not in dump, table
        assert RAW_ID[-8:] not in dump and RAW_PHONE[-8:] not in dump, table
    stored = Petition.objects.get()
    assert (stored.phone, stored.id_number) == (RAW_PHONE, RAW_ID)
    assert stored.phone_hash == keyed_hash(RAW_PHONE) and stored.id_hash == keyed_hash(RAW_ID)


def test_raw_personal_data_appears_in_no_table_at_all(client, township, clerk, unit, users):
    """Registered in the office, submitted online, accepted, assigned, revealed, exported: no
    table of the database holds the raw values."""
    from petitions.models import Subject

    petition = register_petition(township=township, by=clerk, phone=RAW_PHONE, id_number=RAW_ID)
    petition_accept(petition=petition, by=clerk)
    case_assign(item=petition, lead_unit=unit, by=clerk)
    client.force_login(clerk)
    client.post(reverse("petitions:petition_reveal", args=[petition.pk]))
    client.get(reverse("petitions:petition_export"))
    client.logout()
    online_phone, online_id = "13955556666", valid_id("44030419850721002")
    client.post(
        reverse("petitions:public_create"),
        {
            "township": township.pk,
            "petitioner_name": "网上信访人",
            "phone": online_phone,
            "id_number": online_id,
            "address": "青山镇",
            "category": "appeal",
            "subject": Subject.objects.get(name="村务", township=None).pk,
            "title": "网上反映",
            "request": "诉求",
            "facts": "事实",
            "reasons": "理由",
        },
    )
    assert Petition.objects.count() == 2

    for table in all_tables():
        dump = text_of(rows_of(table))
        for raw in (RAW_ID, RAW_PHONE, online_phone, online_id):
            assert raw not in dump, f"{raw} found in {table}"


def test_same_value_encrypts_differently_but_hashes_equally(township, clerk):
    first = register_petition(township=township, by=clerk, phone=RAW_PHONE, id_number="")
    second = register_petition(township=township, by=clerk, phone=RAW_PHONE, id_number="")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM petitions_petition ORDER BY id")
        (cipher1, hash1), (cipher2, hash2) = cursor.fetchall()
    assert cipher1 != cipher2 and hash1 == hash2
    assert second.repeat_of == first


# --- masked in lists and exports ---------------------------------------------------------------------


def test_the_list_shows_masked_values(client_for, clerk, petition):
    response = client_for(clerk).get(reverse("petitions:petition_list"))

    assert MASKED_PHONE in response.text and MASKED_ID in response.text
    assert RAW_PHONE not in response.text and RAW_ID not in response.text


def test_the_export_is_masked_for_everyone(client_for, clerk, chair, petition):
    from openpyxl import load_workbook

    for user in (clerk, chair):
        response = client_for(user).get(reverse("petitions:petition_export"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        rows = [[str(c.value) for c in row] for row in sheet.iter_rows()]
        header, row = rows[0], rows[1]
        assert row[header.index("联系电话")] == MASKED_PHONE and row[header.index("身份证号")] == MASKED_ID
        dump = "\n".join(" ".join(r) for r in rows)
        assert RAW_PHONE not in dump and RAW_ID not in dump


def test_a_formula_in_a_title_is_exported_as_text(client_for, clerk, township):
    from openpyxl import load_workbook

    register_petition(township=township, by=clerk, title='=HYPERLINK("http://x","点我")')
    response = client_for(clerk).get(reverse("petitions:petition_export"))
    cell = load_workbook(io.BytesIO(response.getvalue())).active["G2"]
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://x","点我")'


# --- full view ------------------------------------------------------------------------------------


def reveal_url(petition):
    return reverse("petitions:petition_reveal", args=[petition.pk])


@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR])
def test_clerks_and_chairs_reveal_and_each_view_is_logged(client_for, users, petition, role):
    user = users[role]
    page = client_for(user).get(petition.get_absolute_url())
    assert MASKED_PHONE in page.text and RAW_PHONE not in page.text and RAW_ID not in page.text
    assert 'data-testid="reveal"' in page.text

    revealed = client_for(user).post(reveal_url(petition))
    assert revealed.status_code == 200
    assert RAW_PHONE in revealed.text and RAW_ID in revealed.text
    assert "no-store" in revealed["Cache-Control"]
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.petition, access.fields) == (user, petition, "phone,id_number")
    assert access.ip_address == "127.0.0.1"

    client_for(user).post(reveal_url(petition))
    assert PersonalDataAccess.objects.filter(user=user).count() == 2
    again = client_for(user).get(petition.get_absolute_url())
    assert RAW_PHONE not in again.text and MASKED_PHONE in again.text  # nothing kept
    assert 'data-testid="accesses"' in again.text and user.display_name in again.text


@pytest.fixture
def visible_to_all(township, clerk, unit, users, petition):
    """The petition assigned to the unit handler's unit and forwarded by the deputy, so that
    every role of the township can open it."""
    from tests.deputies.factories import DeputyFactory

    DeputyFactory(term__township=township, user=users[Role.DEPUTY])
    Petition.objects.filter(pk=petition.pk).update(source_deputy=users[Role.DEPUTY].deputy)
    petition_accept(petition=petition, by=clerk)
    case_assign(item=petition, lead_unit=unit, by=clerk)
    return petition


# the unit handler of the petition's unit may reveal it, logged as a full view (issue 14):
# tests/petitions/test_reply_extras.py
@pytest.mark.parametrize("role", [Role.DEPUTY, Role.AUDITOR, Role.ADMIN])
def test_other_roles_see_masked_values_only(client_for, users, visible_to_all, role):
    user = users[role]
    page = client_for(user).get(visible_to_all.get_absolute_url())
    assert page.status_code == 200, role
    assert MASKED_PHONE in page.text and RAW_PHONE not in page.text and RAW_ID not in page.text
    assert 'data-testid="reveal"' not in page.text

    assert client_for(user).post(reveal_url(visible_to_all)).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_county_role_sees_no_personal_data_at_all(client_for, users, visible_to_all):
    """County accounts read aggregates only (issue 12): not even the masked values."""
    county = client_for(users[Role.COUNTY])
    assert county.get(visible_to_all.get_absolute_url()).status_code == 403
    assert county.post(reveal_url(visible_to_all)).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_a_superuser_without_a_township_sees_masked_values(client_for, make_user, petition):
    root = make_user(None, None, username="root", is_superuser=True, is_staff=True)

    assert RAW_PHONE not in client_for(root).get(petition.get_absolute_url()).text
    assert client_for(root).post(reveal_url(petition)).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_another_townships_clerk_gets_not_found(client_for, other_clerk, other_chair, petition):
    for user in (other_clerk, other_chair):
        assert client_for(user).get(petition.get_absolute_url()).status_code == 404
        assert client_for(user).post(reveal_url(petition)).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_revealing_needs_a_post(client_for, clerk, petition):
    assert client_for(clerk).get(reveal_url(petition)).status_code == 405
    assert not PersonalDataAccess.objects.exists()


def test_nothing_to_reveal_logs_nothing(client_for, clerk, township):
    bare = register_petition(township=township, by=clerk, phone="", id_number="")

    page = client_for(clerk).get(bare.get_absolute_url())
    assert 'data-testid="reveal"' not in page.text
    response = client_for(clerk).post(reveal_url(bare), follow=True)
    assert "没有登记联系电话或身份证号" in response.text and not PersonalDataAccess.objects.exists()


def test_the_search_finds_a_full_phone_or_id_number_through_the_hash(client_for, clerk, petition, other_petition):
    list_url = reverse("petitions:petition_list")
    for query in (RAW_PHONE, "138-1234-5678", RAW_ID, RAW_ID.lower()):
        rows = client_for(clerk).get(list_url, {"q": query}).context["petitions"]
        assert list(rows) == [petition], query
    assert list(client_for(clerk).get(list_url, {"q": "13987654321"}).context["petitions"]) == []
