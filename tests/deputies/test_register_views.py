"""The register's pages through the client: who may open what (role × page), township
isolation, the list's filters and warnings, forms with their Chinese errors, the status change
with its confirmation step, and fixed query counts on every list."""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from congress_office.roles import Role
from deputies.choices import DeputyStatus
from deputies.models import Deputy, DeputyGroup, District, Term
from deputies.permissions import DEPUTIES_ROLE_PERMISSIONS

from .factories import DeputyFactory, DeputyGroupFactory, DistrictFactory, TermFactory

pytestmark = pytest.mark.django_db
COUNTY_WIDE = {Role.COUNTY, Role.ADMIN}
ROLES = [*Role, None]
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _chinese():
    """The messages are checked in Chinese: a request made in English by an earlier test leaves
    English active in this thread (LocaleMiddleware activates, nothing deactivates)."""
    with translation.override("zh-hans"):
        yield


def png_bytes():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (12, 16), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx)


# --- the access matrix --------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    target: str | None = None  # "deputy", "term", "district", "group", "year", "member"
    permission: str | None = None
    township_only: bool = False  # county-wide accounts only read
    per_person: bool = False  # a per-person export: not for the county role (aggregates only)
    ok: int = 200

    def __str__(self):
        return self.name


PAGES = [
    Page("deputies:deputy_list", permission="deputies.view_deputy"),
    Page("deputies:deputy_export", permission="deputies.view_deputy", per_person=True),
    Page("deputies:deputy_create", permission="deputies.add_deputy", township_only=True),
    Page("deputies:deputy_detail", "deputy", "deputies.view_deputy"),
    Page("deputies:deputy_update", "deputy", "deputies.change_deputy"),
    Page("deputies:deputy_status", "deputy", "deputies.change_deputy"),
    Page("deputies:deputy_photo", "deputy", "deputies.view_deputy"),
    Page("deputies:deputy_import", permission="deputies.import_deputies", township_only=True),
    Page("deputies:deputy_import_preview", permission="deputies.import_deputies", township_only=True, ok=302),
    Page("deputies:deputy_import_template", permission="deputies.import_deputies", township_only=True),
    Page("deputies:term_list", permission="deputies.view_term"),
    Page("deputies:term_create", permission="deputies.add_term", township_only=True),
    Page("deputies:term_update", "term", "deputies.change_term"),
    Page("deputies:district_list", permission="deputies.view_district"),
    Page("deputies:district_create", permission="deputies.add_district", township_only=True),
    Page("deputies:district_update", "district", "deputies.change_district"),
    Page("deputies:group_list", permission="deputies.view_deputygroup"),
    Page("deputies:group_create", permission="deputies.add_deputygroup", township_only=True),
    Page("deputies:group_detail", "group", "deputies.view_deputygroup"),
    Page("deputies:group_update", "group", "deputies.change_deputygroup"),
    Page("deputies:liaison_home", permission="deputies.view_liaisonplan", ok=302),
    Page("deputies:liaison_plan", "year", "deputies.view_liaisonplan"),
    Page("deputies:liaison_member", "member", "deputies.change_liaisonplan", township_only=True),
]


@pytest.fixture
def world(users, township, other_township, term, other_term, district, group, deputy, make_user):
    """青山镇: a deputy with a photo (the deputy user's own entry) and a presidium member;
    白水乡: its own term, district, group and deputy."""
    deputy.photo = SimpleUploadedFile("zhang.png", png_bytes(), content_type="image/png")
    deputy.save()
    member = DeputyFactory(term=term, name="王主席", is_presidium=True, position="chair")
    other_district = DistrictFactory(term=other_term)
    other_group = DeputyGroupFactory(term=other_term)
    other = DeputyFactory(term=other_term, name="吴德明", district=other_district, group=other_group, is_presidium=True)
    return SimpleNamespace(
        users=users,
        term=term,
        district=district,
        group=group,
        deputy=deputy,
        member=member,
        other=SimpleNamespace(term=other_term, district=other_district, group=other_group, deputy=other),
        no_role=make_user(None, township, username="norole"),
    )


def url_of(page, world, other=False):
    target = world.other if other else world
    args = {
        None: [],
        "deputy": [target.deputy.pk] if other else [world.deputy.pk],
        "term": [target.term.pk],
        "district": [target.district.pk],
        "group": [target.group.pk],
        "year": [TODAY().year],
        "member": [TODAY().year, (target.deputy if other else world.member).pk],
    }[page.target]
    return reverse(page.name, args=args)


def allowed(role, page):
    if page.permission and page.permission not in DEPUTIES_ROLE_PERMISSIONS.get(role, []):
        return False
    if page.per_person and role == Role.COUNTY:
        return False
    return not (page.township_only and role in COUNTY_WIDE)


def fetch(client, url):
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        # read to the end: the test client then closes it without closing the test's connection
        b"".join(response.streaming_content)
    return response


# One test per role walks every page and reports all mismatches at once (a test per page and
# role would build the same world 200 times).


def test_anonymous_is_sent_to_login(client, world):
    wrong = []
    for page in PAGES:
        url = url_of(page, world)
        response = fetch(client, url)
        if response.status_code != 302 or response["Location"] != f"{reverse('login')}?next={quote(url)}":
            wrong.append((str(page), response.status_code))
    assert wrong == []


@pytest.mark.parametrize("role", ROLES, ids=lambda r: str(r or "no_role"))
def test_role_matrix(client, world, role):
    """Each role gets the page (or its redirect) when its permissions allow, 403 otherwise."""
    client.force_login(world.no_role if role is None else world.users[role])
    wrong = []
    for page in PAGES:
        expected = page.ok if allowed(role, page) else 403
        got = fetch(client, url_of(page, world)).status_code
        if got != expected:
            wrong.append((str(page), expected, got))
    assert wrong == []


def test_another_townships_records_are_not_found(client, world, clerk):
    """A clerk asking for 白水乡's records gets 404: their existence is not revealed."""
    client.force_login(clerk)
    pages = [p for p in PAGES if p.target in {"deputy", "term", "district", "group", "member"}]
    assert {str(p): fetch(client, url_of(p, world, other=True)).status_code for p in pages} == {
        str(p): 404 for p in pages
    }


@pytest.mark.parametrize("name", ["deputies:deputy_detail", "deputies:deputy_photo"])
def test_a_deputy_sees_only_their_own_entry(client, world, deputy_user, name):
    client.force_login(deputy_user)
    assert fetch(client, reverse(name, args=[world.deputy.pk])).status_code == 200
    assert fetch(client, reverse("deputies:deputy_detail", args=[world.member.pk])).status_code == 404


def test_a_deputys_list_and_export_hold_only_their_own_entry(client, world, deputy_user):
    from openpyxl import load_workbook

    client.force_login(deputy_user)
    response = client.get(reverse("deputies:deputy_list"))
    assert list(response.context["deputies"]) == [world.deputy]
    assert "导入名册" not in response.text and "新增代表" not in response.text
    book = load_workbook(io.BytesIO(client.get(reverse("deputies:deputy_export")).getvalue()))
    assert [r[0] for r in book.active.iter_rows(min_row=2, values_only=True)] == ["张桂兰"]


def test_another_townships_liaison_plan_is_not_shown(client, world, clerk, other_clerk):
    """The plan page is always the user's own township: 白水乡's clerk sees 白水乡's members."""
    client.force_login(other_clerk)
    response = client.get(reverse("deputies:liaison_plan", args=[TODAY().year]))
    members = [m.name for m in response.context["review"].members_without_assignment]
    assert members == ["吴德明"]


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_the_township_excluding_terminated_by_default(client, world, clerk, term):
    DeputyFactory(
        term=term, name="终止代表", status=DeputyStatus.TERMINATED, status_reason="迁出", status_date=date(2026, 5, 1)
    )
    client.force_login(clerk)
    response = client.get(reverse("deputies:deputy_list"))
    shown = {d.name for d in response.context["deputies"]}
    assert shown == {"张桂兰", "王主席"}
    assert "含已终止资格的代表" in response.text
    response = client.get(reverse("deputies:deputy_list"), {"include_terminated": "on"})
    assert {d.name for d in response.context["deputies"]} == {"张桂兰", "王主席", "终止代表"}


def test_the_list_offers_export_of_the_filtered_list_and_office_buttons(client, world, clerk, chair):
    client.force_login(clerk)
    response = client.get(reverse("deputies:deputy_list"), {"group": world.group.pk, "page": "1"})
    link = f"{reverse('deputies:deputy_export')}?group={world.group.pk}"
    assert f'href="{link}"' in response.text
    assert "导入名册" in response.text and "新增代表" in response.text
    client.force_login(chair)
    response = client.get(reverse("deputies:deputy_list"))
    assert "导出 Excel" in response.text and "导入名册" not in response.text and "新增代表" not in response.text


def test_the_list_warns_when_the_count_is_outside_the_statutory_range(client, world, clerk, township):
    """30,000 residents allow 45–65 deputies; 2 registered is too few."""
    client.force_login(clerk)
    assert client.get(reverse("deputies:deputy_list")).context["count_warning"] is None  # no population yet
    township.population = 30_000
    township.save()
    response = client.get(reverse("deputies:deputy_list"))
    assert "本届代表 2 名，少于法定基数 45 名" in response.text


def test_the_list_searches_by_name(client, world, clerk):
    client.force_login(clerk)
    response = client.get(reverse("deputies:deputy_list"), {"q": "桂兰"})
    assert [d.name for d in response.context["deputies"]] == ["张桂兰"]


def test_a_county_user_sees_every_township(client, world, users):
    client.force_login(users[Role.COUNTY])
    response = client.get(reverse("deputies:deputy_list"))
    assert {d.name for d in response.context["deputies"]} == {"张桂兰", "王主席", "吴德明"}
    assert "新增代表" not in response.text


def make_rows(term, n):
    for i in range(n):
        district = DistrictFactory(term=term)
        group = DeputyGroupFactory(term=term)
        DeputyFactory(term=term, district=district, group=group, is_presidium=i % 2 == 0)
        DeputyFactory(term=term, district=district, group=group)
        group.leader = Deputy.objects.filter(group=group).first()
        group.save()


@pytest.mark.parametrize(
    "name", ["deputies:deputy_list", "deputies:term_list", "deputies:district_list", "deputies:group_list"]
)
def test_list_query_counts_do_not_grow_with_rows(client, clerk, township, name):
    """N rows and 3N rows cost the same number of queries."""
    client.force_login(clerk)
    url = reverse(name)
    make_rows(TermFactory(township=township, number=18, start_date=date(2021, 1, 10), end_date=date(2026, 1, 10)), 3)
    client.get(url)  # warm caches (content types, permissions)
    few = count_queries(client, url)
    make_rows(TermFactory(township=township, number=19), 6)
    assert count_queries(client, url) == few


def test_group_detail_query_count_does_not_grow_with_members(client, clerk, term, group):
    client.force_login(clerk)
    url = reverse("deputies:group_detail", args=[group.pk])
    DeputyFactory.create_batch(3, term=term, group=group, district=DistrictFactory(term=term))
    client.get(url)
    few = count_queries(client, url)
    for _ in range(3):
        DeputyFactory.create_batch(2, term=term, group=group, district=DistrictFactory(term=term))
    assert count_queries(client, url) == few


# --- detail -------------------------------------------------------------------------------------


def test_detail_shows_all_fields_photo_and_status_history(client, world, clerk):
    client.force_login(clerk)
    url = reverse("deputies:deputy_status", args=[world.deputy.pk])
    client.post(
        url, {"status": DeputyStatus.SUSPENDED, "reason": "被羁押", "on": TODAY().isoformat(), "confirmed": "1"}
    )
    response = client.get(world.deputy.get_absolute_url())
    text = response.text
    for value in ("张桂兰", "东风村选区", "东风片代表小组", "第19届", "暂停执行代表职务", "被羁押"):
        assert value in text
    assert reverse("deputies:deputy_photo", args=[world.deputy.pk]) in text
    assert response.context["status_history"], "the status change is listed"
    assert 'data-testid="history"' in text


def test_detail_hides_history_from_roles_without_audit(client, world, deputy_user):
    client.force_login(deputy_user)
    response = client.get(world.deputy.get_absolute_url())
    assert "history" not in response.context and "status_history" not in response.context


def test_detail_links_the_yearly_record_when_that_page_exists(client, world, clerk):
    client.force_login(clerk)
    text = client.get(world.deputy.get_absolute_url()).text
    try:
        url = reverse("deputies:record_detail", args=[world.deputy.pk, TODAY().year])
    except NoReverseMatch:
        assert 'data-testid="record-link"' not in text
    else:
        assert url in text


def test_the_photo_is_served_through_the_access_check(client, world, clerk):
    client.force_login(clerk)
    response = client.get(reverse("deputies:deputy_photo", args=[world.deputy.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(reverse("deputies:deputy_photo", args=[world.member.pk])).status_code == 404  # none uploaded


# --- create / edit ------------------------------------------------------------------------------


def deputy_data(term, district, **extra):
    return {
        "name": "赵新民",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": "1980-05-04",
        "affiliation": "cpc",
        "phone": "13800000000",
        "occupation": "农民",
        "work_unit": "东风村党支部书记",
        "term": term.pk,
        "district": district.pk,
        "group": "",
        "position": "",
        "user": "",
        **extra,
    }


def test_a_clerk_creates_a_deputy_with_a_photo(client, clerk, term, district):
    client.force_login(clerk)
    data = deputy_data(term, district, photo=SimpleUploadedFile("zhao.png", png_bytes(), content_type="image/png"))
    response = client.post(reverse("deputies:deputy_create"), data)
    created = Deputy.objects.get(name="赵新民")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.township == term.township and created.photo.name.endswith(".png")


def test_a_fake_photo_is_refused_and_the_typed_values_kept(client, clerk, term, district):
    client.force_login(clerk)
    data = deputy_data(term, district, photo=SimpleUploadedFile("zhao.png", b"not an image", content_type="image/png"))
    response = client.post(reverse("deputies:deputy_create"), data)
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert 'value="东风村党支部书记"' in response.text and 'value="赵新民"' in response.text
    assert not Deputy.objects.filter(name="赵新民").exists()


def test_a_full_district_is_refused_on_the_form(client, clerk, term):
    full = DistrictFactory(term=term, name="满额选区", seats=1)
    DeputyFactory(term=term, district=full)
    client.force_login(clerk)
    response = client.post(reverse("deputies:deputy_create"), deputy_data(term, full))
    assert "选区“满额选区”应选 1 名代表，已满额。" in response.context["form"].errors["district"]
    assert 'value="赵新民"' in response.text


def test_a_position_without_presidium_is_refused_on_the_form(client, clerk, term, district):
    client.force_login(clerk)
    response = client.post(reverse("deputies:deputy_create"), deputy_data(term, district, position="chair"))
    assert "主席、副主席须为主席团成员。" in response.context["form"].errors["position"]


def test_a_bad_phone_is_refused_in_chinese(client, clerk, term, district):
    client.force_login(clerk)
    response = client.post(reverse("deputies:deputy_create"), deputy_data(term, district, phone="abc"))
    assert "请填写正确的电话号码" in response.context["form"].errors["phone"][0]


def test_a_clerk_edits_a_deputy_and_links_their_account(client, world, clerk, make_user, township):
    account = make_user(Role.DEPUTY, township, username="wang")
    client.force_login(clerk)
    data = deputy_data(world.term, world.district, name="王主席", is_presidium="on", position="chair", user=account.pk)
    response = client.post(reverse("deputies:deputy_update", args=[world.member.pk]), data)
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.user == account and world.member.district == world.district


def test_the_form_offers_only_the_townships_terms_districts_and_accounts(client, world, clerk):
    client.force_login(clerk)
    form = client.get(reverse("deputies:deputy_create")).context["form"]
    assert list(form.fields["term"].queryset) == [world.term]
    assert world.other.district not in form.fields["district"].queryset
    assert world.users[Role.DEPUTY] not in form.fields["user"].queryset  # already linked to 张桂兰


# --- status -------------------------------------------------------------------------------------


def test_a_status_change_asks_for_confirmation_first(client, world, clerk):
    client.force_login(clerk)
    url = reverse("deputies:deputy_status", args=[world.deputy.pk])
    data = {"status": DeputyStatus.TERMINATED, "reason": "迁出本行政区域", "on": TODAY().isoformat()}
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["confirming"]
    assert "请确认" in response.text and "迁出本行政区域" in response.text
    world.deputy.refresh_from_db()
    assert world.deputy.status == DeputyStatus.ACTIVE  # nothing changed yet
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    world.deputy.refresh_from_db()
    assert world.deputy.status == DeputyStatus.TERMINATED and Deputy.objects.filter(pk=world.deputy.pk).exists()


def test_going_back_from_the_confirmation_keeps_the_values(client, world, clerk):
    client.force_login(clerk)
    url = reverse("deputies:deputy_status", args=[world.deputy.pk])
    data = {
        "status": DeputyStatus.SUSPENDED,
        "reason": "被羁押",
        "on": TODAY().isoformat(),
        "confirmed": "1",
        "edit": "1",
    }
    response = client.post(url, data)
    assert not response.context["confirming"] and 'value="被羁押"' in response.text
    world.deputy.refresh_from_db()
    assert world.deputy.status == DeputyStatus.ACTIVE


def test_a_status_change_without_reason_or_date_is_refused_in_chinese(client, world, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("deputies:deputy_status", args=[world.deputy.pk]),
        {"status": DeputyStatus.SUSPENDED, "reason": "", "on": ""},
    )
    errors = response.context["form"].errors
    assert errors["reason"] == ["这个字段是必填项。"] and errors["on"] == ["这个字段是必填项。"]


def test_a_future_status_date_is_refused(client, world, clerk):
    client.force_login(clerk)
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("deputies:deputy_status", args=[world.deputy.pk]),
        {"status": DeputyStatus.SUSPENDED, "reason": "被羁押", "on": tomorrow, "confirmed": "1"},
    )
    assert response.context["form"].errors["on"] == ["日期不能晚于今天。"]


def test_a_terminated_deputys_status_page_sends_back_to_the_record(client, term, clerk):
    gone = DeputyFactory(term=term, status=DeputyStatus.TERMINATED, status_reason="死亡", status_date=date(2026, 3, 1))
    client.force_login(clerk)
    response = client.get(reverse("deputies:deputy_status", args=[gone.pk]))
    assert response.status_code == 302 and response["Location"] == gone.get_absolute_url()


# --- terms, districts, groups -------------------------------------------------------------------


def test_a_clerk_registers_a_term_and_sees_its_end_date(client, clerk, township):
    client.force_login(clerk)
    response = client.post(reverse("deputies:term_create"), {"number": 20, "start_date": "2031-01-08"})
    assert response.status_code == 302
    assert Term.objects.get(township=township, number=20).end_date == date(2036, 1, 8)
    assert "2036-01-08" in client.get(reverse("deputies:term_list")).text


def test_a_duplicate_term_number_is_refused_in_chinese(client, clerk, term):
    client.force_login(clerk)
    response = client.post(reverse("deputies:term_create"), {"number": term.number, "start_date": "2031-01-08"})
    assert response.context["form"].errors["number"] == ["本乡镇已登记第 19 届。"]


def test_a_district_with_four_seats_is_refused(client, clerk, term):
    client.force_login(clerk)
    response = client.post(reverse("deputies:district_create"), {"term": term.pk, "name": "新村选区", "seats": 4})
    assert response.status_code == 200 and "seats" in response.context["form"].errors
    assert 'value="新村选区"' in response.text
    response = client.post(reverse("deputies:district_create"), {"term": term.pk, "name": "新村选区", "seats": 3})
    assert response.status_code == 302 and District.objects.filter(name="新村选区", seats=3).exists()


def test_a_duplicate_district_name_is_refused_in_chinese(client, clerk, term, district):
    client.force_login(clerk)
    response = client.post(reverse("deputies:district_create"), {"term": term.pk, "name": district.name, "seats": 1})
    assert response.context["form"].errors["name"] == ["第19届已有名为“东风村选区”的选区。"]


def test_the_group_page_warns_under_three_members_and_without_leader(client, clerk, term, group, deputy):
    client.force_login(clerk)
    response = client.get(group.get_absolute_url())
    assert "本小组现有代表 1 名，代表小组至少应有 3 名代表。" in response.text
    assert "尚未指定组长。" in response.text
    assert "张桂兰" in response.text
    DeputyFactory.create_batch(2, term=term, group=group)
    client.post(
        reverse("deputies:group_update", args=[group.pk]), {"term": term.pk, "name": group.name, "leader": deputy.pk}
    )
    response = client.get(group.get_absolute_url())
    assert response.context["warnings"] == []


def test_the_group_list_flags_small_groups_and_missing_leaders(client, clerk, group):
    client.force_login(clerk)
    text = client.get(reverse("deputies:group_list")).text
    assert "不足 3 人" in text and "未指定组长" in text


def test_a_new_group_form_has_no_leader_and_a_leader_must_be_a_member(client, clerk, term, group):
    client.force_login(clerk)
    assert "leader" not in client.get(reverse("deputies:group_create")).context["form"].fields
    outsider = DeputyFactory(term=term)
    response = client.post(
        reverse("deputies:group_update", args=[group.pk]), {"term": term.pk, "name": group.name, "leader": outsider.pk}
    )
    assert "leader" in response.context["form"].errors
    response = client.post(reverse("deputies:group_create"), {"term": term.pk, "name": "西山片代表小组"})
    assert response.status_code == 302 and DeputyGroup.objects.filter(name="西山片代表小组").exists()


def test_register_pages_render_the_mobile_table_markup(client, world, clerk):
    """Tables stack on phones: the class and a data-label on every cell."""
    client.force_login(clerk)
    for name in ("deputies:deputy_list", "deputies:term_list", "deputies:district_list", "deputies:group_list"):
        text = client.get(reverse(name)).text
        assert "table-responsive-stack" in text and 'data-label="' in text, name


def test_a_suspended_deputy_is_reinstated_with_reason_and_date(client, world, clerk):
    client.force_login(clerk)
    url = reverse("deputies:deputy_status", args=[world.deputy.pk])
    on = TODAY().isoformat()
    client.post(url, {"status": DeputyStatus.SUSPENDED, "reason": "被羁押", "on": on, "confirmed": "1"})
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == [DeputyStatus.ACTIVE, DeputyStatus.TERMINATED]
    client.post(url, {"status": DeputyStatus.ACTIVE, "reason": "羁押解除", "on": on, "confirmed": "1"})
    world.deputy.refresh_from_db()
    assert (world.deputy.status, world.deputy.status_reason) == (DeputyStatus.ACTIVE, "羁押解除")


def test_the_pages_render_in_english_too(client, world, clerk):
    """English is a gettext translation of the Chinese: every page still renders."""
    client.force_login(clerk)
    client.cookies["django_language"] = "en"
    for page in PAGES:
        if page.ok != 200 or page.name in {
            "deputies:deputy_export",
            "deputies:deputy_photo",
            "deputies:deputy_import_template",
        }:
            continue  # files, not pages
        response = client.get(url_of(page, world))
        assert response.status_code == 200, page
        assert '<html lang="en">' in response.text, page
