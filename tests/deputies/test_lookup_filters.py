"""Search-as-you-type filter fields (issue 12): the core's lookup view serves only what the
user may see, and a list's filter form renders the chosen option, never every row."""

# ruff: noqa: F811  (fixtures imported from test_suggestions are named as test arguments)
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_office.models import Unit
from congress_office.roles import Role
from congress_office.widgets import LookupSelect
from petitions.models import Subject
from tests.factories import UnitFactory

from .factories import DeputyFactory, DeputyGroupFactory, DistrictFactory
from .test_suggestions import assign, deputy_b, submit  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

LIST = reverse("deputies:suggestion_list")


def lookup(client, kind, q=None):
    params = {"q": q} if q is not None else {}
    return client.get(reverse("core:lookup", args=[kind]), params)


def texts(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [row["text"] for row in response.json()]


def select_of(html, name):
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(0), re.findall(r"<option[^>]*>[^<]*</option>", match.group(1))


# --- the lookup view ----------------------------------------------------------------------------


def test_a_township_user_looks_up_only_their_townships_units(client_for, clerk, unit, other_unit, other_township):
    UnitFactory(township=other_township, name="自然资源所")
    UnitFactory(township=clerk.township, name="财政所")

    client = client_for(clerk)

    assert set(texts(lookup(client, "unit", "所"))) == {"自然资源所", "财政所"}
    assert texts(lookup(client, "unit", "财政")) == ["财政所"]
    assert texts(lookup(client, "unit", "不存在")) == []
    ids = {row["id"] for row in lookup(client, "unit").json()}
    assert ids == set(Unit.objects.filter(township=clerk.township).values_list("pk", flat=True))


def test_a_county_user_looks_up_every_township_with_its_name(client_for, users, unit, other_unit):
    client = client_for(users[Role.COUNTY])

    assert set(texts(lookup(client, "unit", "所"))) == {"自然资源所（青山镇）", "财政所（白水乡）"}
    assert texts(lookup(client, "township", "白水")) == ["白水乡"]


def test_deputy_kinds_respect_the_township(client_for, clerk, deputy, other_deputy, term, other_term):
    DistrictFactory(term=other_term, name="东风村选区")
    DeputyGroupFactory(term=other_term, name="东风片代表小组")
    client = client_for(clerk)

    assert texts(lookup(client, "deputy", "张")) == ["张桂兰"]
    assert texts(lookup(client, "deputy", "吴")) == []
    assert [r["id"] for r in lookup(client, "district", "东风").json()] == [deputy.district_id]
    assert [r["id"] for r in lookup(client, "group", "东风").json()] == [deputy.group_id]
    assert [r["id"] for r in lookup(client, "term", str(term.number)).json()] == [term.pk]


def test_subjects_are_the_shared_ones_and_the_townships_own(client_for, clerk, township, other_township):
    Subject.objects.create(name="测试类甲")
    Subject.objects.create(name="测试类乙", township=township)
    Subject.objects.create(name="测试类丙", township=other_township)

    assert set(texts(lookup(client_for(clerk), "subject", "测试类"))) == {"测试类甲", "测试类乙"}


def test_unknown_kinds_and_the_township_kind_of_a_township_user_are_not_found(client_for, clerk):
    client = client_for(clerk)

    assert lookup(client, "township", "青").status_code == 404
    assert lookup(client, "password", "a").status_code == 404


def test_the_lookup_needs_a_login(client):
    response = lookup(client, "unit", "所")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_lookup_returns_at_most_20_rows_in_a_fixed_number_of_queries(client_for, users, township):
    client = client_for(users[Role.COUNTY])
    lookup(client, "unit", "单位")  # the session and user are loaded once
    UnitFactory.create_batch(5, township=township)
    with CaptureQueriesContext(connection) as few:
        assert len(lookup(client, "unit", "单位").json()) == 5
    UnitFactory.create_batch(40, township=township)
    with CaptureQueriesContext(connection) as many:
        assert len(lookup(client, "unit", "单位").json()) == 20

    assert len(few) == len(many) <= 4


# --- the widget on the list pages ---------------------------------------------------------------


@pytest.fixture
def many_units(township, other_township):
    return [UnitFactory(township=(township, other_township)[i % 2], name=f"承办单位{i:03}") for i in range(300)]


def test_the_suggestion_list_renders_only_the_chosen_unit(
    client_for, users, clerk, deputy_user, deputy, deputy_b, term, unit, many_units, django_assert_max_num_queries
):
    first = submit(deputy_user, term, title="路灯安装")
    second = submit(deputy_user, term, title="冷链仓储")
    assign(first, clerk, unit)
    assign(second, clerk, many_units[0])
    client = client_for(users[Role.COUNTY])

    html = client.get(LIST).content.decode()
    select, options = select_of(html, "lead_unit")
    assert "data-lookup-url" in select
    assert len(options) <= 2
    _select, deputy_options = select_of(html, "deputy")
    assert len(deputy_options) <= 2

    with django_assert_max_num_queries(25):
        response = client.get(LIST, {"lead_unit": unit.pk})
    assert {s.title for s in response.context["suggestions"]} == {"路灯安装"}
    _select, options = select_of(response.content.decode(), "lead_unit")
    assert len(options) == 2
    assert f'value="{unit.pk}" selected' in options[1]
    assert "自然资源所" in options[1]
    assert 'value=""' in options[0] and "全部" in options[0]


def test_the_suggestion_list_query_count_does_not_grow_with_units(client_for, users, township, unit):
    client = client_for(users[Role.COUNTY])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"lead_unit": unit.pk}).status_code == 200
        return len(queries)

    count()
    few = count()
    UnitFactory.create_batch(50, township=township)
    assert count() == few


def test_a_unit_of_another_township_is_not_a_valid_choice_for_a_township_user(
    client_for, clerk, deputy_user, deputy, term, unit, other_unit
):
    assign(submit(deputy_user, term, title="路灯安装"), clerk, unit)

    response = client_for(clerk).get(LIST, {"lead_unit": other_unit.pk})

    assert response.status_code == 200
    _select, options = select_of(response.content.decode(), "lead_unit")
    assert "财政所" not in "".join(options)


def test_the_petition_list_renders_only_the_chosen_unit_and_subject(client_for, users, unit, many_units):
    # a county-wide reader of the list (the county role reads petition figures only)
    html = client_for(users[Role.ADMIN]).get(reverse("petitions:petition_list"), {"lead_unit": unit.pk}).content
    html = html.decode()

    for name in ("lead_unit", "subject", "township"):
        select, options = select_of(html, name)
        assert "data-lookup-url" in select
        assert len(options) <= 2
    assert f'value="{unit.pk}" selected' in select_of(html, "lead_unit")[1][1]


def test_the_widget_renders_no_query_without_a_value():
    widget = LookupSelect("unit")
    widget.choices = [("", "---")]

    with CaptureQueriesContext(connection) as queries:
        html = widget.render("lead_unit", None)

    assert len(queries) == 0
    assert html.count("<option") == 1
    assert 'data-lookup-url="/lookup/unit/"' in html


def test_deputies_register_filters_use_the_lookup(client_for, clerk, deputy):
    DeputyFactory(term=deputy.term, name="李四")
    html = client_for(clerk).get(reverse("deputies:deputy_list"), {"district": deputy.district_id}).content.decode()

    for name in ("term", "district", "group"):
        select, options = select_of(html, name)
        assert "data-lookup-url" in select
    assert f'value="{deputy.district_id}" selected' in select_of(html, "district")[1][1]
