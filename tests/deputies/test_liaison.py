"""The presidium's liaison plan (主席团成员联系代表): bands per member, deputies nobody liaises
with, members without an assignment, and the plan pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from congress_office.roles import Role
from deputies.choices import DeputyStatus
from deputies.models import LiaisonAssignment, LiaisonPlan
from deputies.services.liaison import liaison_assign, liaison_plan_get_or_create, liaison_review

from .factories import DeputyFactory, DeputyGroupFactory, TermFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture(autouse=True)
def _chinese():
    """The messages are checked in Chinese: a request made in English by an earlier test leaves
    English active in this thread (LocaleMiddleware activates, nothing deactivates)."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def plan(township):
    return liaison_plan_get_or_create(township=township, year=YEAR)


@pytest.fixture
def member(term):
    return DeputyFactory(term=term, name="王主席", is_presidium=True, position="chair")


def groups_with_members(term, n, size=3):
    groups = []
    for _ in range(n):
        group = DeputyGroupFactory(term=term)
        DeputyFactory.create_batch(size, term=term, group=group)
        groups.append(group)
    return groups


def assign_bands(plan, term, member, n_groups, n_deputies):
    return liaison_assign(
        plan=plan,
        member=member,
        groups=groups_with_members(term, n_groups),
        deputies=DeputyFactory.create_batch(n_deputies, term=term),
    )


def row_of(review, member):
    return next(row for row in review.rows if row[0].member_id == member.pk)


# --- the review ---------------------------------------------------------------------------------


def test_one_group_and_twelve_deputies_are_both_warned(plan, term, member):
    """Reference bands: 2–3 groups and 9–11 deputies per member."""
    deputies = DeputyFactory.create_batch(12, term=term)
    liaison_assign(plan=plan, member=member, groups=groups_with_members(term, 1), deputies=deputies)
    _a, groups, listed, warnings = row_of(liaison_review(plan=plan), member)
    assert (len(groups), len(listed)) == (1, 12)
    assert warnings == ["联系代表小组 1 个，应为 2–3 个", "联系代表 12 名，应为 9–11 名"]


@pytest.mark.parametrize(("n_groups", "n_deputies"), [(2, 9), (3, 11)])
def test_a_member_within_the_bands_has_no_warning(plan, term, member, n_groups, n_deputies):
    liaison_assign(
        plan=plan,
        member=member,
        groups=groups_with_members(term, n_groups),
        deputies=DeputyFactory.create_batch(n_deputies, term=term),
    )
    assert row_of(liaison_review(plan=plan), member)[3] == []


def test_deputies_with_no_liaison_are_listed(plan, term, member):
    """Liaised directly or through the group counts; presidium members, terminated deputies
    and deputies of an earlier term are not listed."""
    covered_group, open_group = groups_with_members(term, 2, size=2)
    direct = DeputyFactory(term=term, name="直接联系")
    DeputyFactory(term=term, name="无人联系")
    DeputyFactory(
        term=term, name="已终止", status=DeputyStatus.TERMINATED, status_reason="迁出", status_date=date(2026, 3, 1)
    )
    old_term = TermFactory(township=term.township, number=18, start_date=date(2021, 1, 10), end_date=date(2026, 1, 10))
    DeputyFactory(term=old_term, name="上届代表")
    DeputyFactory(term=term, name="另一主席团成员", is_presidium=True)
    liaison_assign(plan=plan, member=member, groups=[covered_group], deputies=[direct])
    review = liaison_review(plan=plan)
    assert {d.name for d in review.unliaised} == {"无人联系", *(d.name for d in open_group.members.all())}
    assert [m.name for m in review.members_without_assignment] == ["另一主席团成员"]


def test_a_year_without_a_plan_lists_everybody(township, term, member):
    DeputyFactory(term=term, name="普通代表")
    review = liaison_review(plan=LiaisonPlan(township=township, year=YEAR))
    assert review.rows == [] and [d.name for d in review.unliaised] == ["普通代表"]
    assert review.members_without_assignment == [member]


def test_the_review_takes_a_fixed_number_of_queries(plan, term):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            liaison_review(plan=plan)
        return len(ctx)

    def add_members(n):
        for _ in range(n):
            assign_bands(plan, term, DeputyFactory(term=term, is_presidium=True), 2, 3)

    add_members(2)
    few = queries()
    add_members(4)
    assert queries() == few


# --- assignment rules ---------------------------------------------------------------------------


def test_only_presidium_members_liaise(plan, term):
    with pytest.raises(ValidationError):
        liaison_assign(plan=plan, member=DeputyFactory(term=term), groups=[], deputies=[])


def test_another_townships_deputies_are_refused(plan, member, other_deputy):
    with pytest.raises(ValidationError):
        liaison_assign(plan=plan, member=member, groups=[], deputies=[other_deputy])


def test_a_terminated_deputy_cannot_be_assigned(plan, term, member):
    gone = DeputyFactory(
        term=term, name="已终止", status=DeputyStatus.TERMINATED, status_reason="死亡", status_date=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="已终止"):
        liaison_assign(plan=plan, member=member, groups=[], deputies=[gone])


def test_reassigning_replaces_the_lists(plan, term, member):
    first, second = DeputyFactory.create_batch(2, term=term)
    liaison_assign(plan=plan, member=member, groups=[], deputies=[first])
    liaison_assign(plan=plan, member=member, groups=[], deputies=[second])
    assert list(LiaisonAssignment.objects.get(plan=plan, member=member).deputies.all()) == [second]


# --- the pages ----------------------------------------------------------------------------------


def plan_url(year=YEAR):
    return reverse("deputies:liaison_plan", args=[year])


def test_the_plan_page_shows_members_warnings_and_unliaised(client, clerk, plan, term, member):
    assign_bands(plan, term, member, 1, 12)
    DeputyFactory(term=term, name="无人联系")
    DeputyFactory(term=term, name="李副主席", is_presidium=True, position="vice_chair")
    client.force_login(clerk)
    text = client.get(plan_url()).text
    assert "王主席" in text and "联系代表小组 1 个，应为 2–3 个" in text and "联系代表 12 名，应为 9–11 名" in text
    assert "无人联系" in text and "李副主席" in text
    assert reverse("deputies:liaison_member", args=[YEAR, member.pk]) in text


def test_a_year_without_a_plan_says_so_and_saves_nothing(client, clerk, term, member):
    client.force_login(clerk)
    response = client.get(plan_url())
    assert 'data-testid="no-plan"' in response.text and not LiaisonPlan.objects.exists()


def test_a_clerk_assigns_a_member_and_the_plan_is_made(client, clerk, term, member):
    groups = groups_with_members(term, 2)
    deputies = DeputyFactory.create_batch(9, term=term)
    client.force_login(clerk)
    url = reverse("deputies:liaison_member", args=[YEAR, member.pk])
    form = client.get(url).context["form"]
    assert member not in form.fields["deputies"].queryset
    response = client.post(url, {"groups": [g.pk for g in groups], "deputies": [d.pk for d in deputies]})
    assert response.status_code == 302 and response["Location"] == plan_url()
    assignment = LiaisonAssignment.objects.get(plan__year=YEAR, member=member)
    assert assignment.groups.count() == 2 and assignment.deputies.count() == 9
    response = client.get(url)
    assert set(response.context["form"].initial["deputies"]) == set(deputies)


def test_a_chair_may_edit_the_plan_an_auditor_only_reads(client, users, term, member):
    url = reverse("deputies:liaison_member", args=[YEAR, member.pk])
    client.force_login(users[Role.CHAIR])
    assert client.post(url, {"groups": [], "deputies": []}).status_code == 302
    client.force_login(users[Role.AUDITOR])
    assert client.get(plan_url()).status_code == 200
    assert client.get(url).status_code == 403
    assert reverse("deputies:liaison_member", args=[YEAR, member.pk]) not in client.get(plan_url()).text


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_HANDLER])
def test_roles_outside_the_presidiums_work_are_refused(client, users, term, member, role):
    client.force_login(users[role])
    assert client.get(plan_url()).status_code == 403
    assert client.get(reverse("deputies:liaison_member", args=[YEAR, member.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, term, member):
    assert client.get(plan_url())["Location"].startswith(reverse("login"))


def test_another_townships_member_is_not_found(client, clerk, term, other_term):
    stranger = DeputyFactory(term=other_term, is_presidium=True)
    client.force_login(clerk)
    assert client.get(reverse("deputies:liaison_member", args=[YEAR, stranger.pk])).status_code == 404


def test_a_non_presidium_deputy_has_no_liaison_page(client, clerk, deputy):
    client.force_login(clerk)
    assert client.get(reverse("deputies:liaison_member", args=[YEAR, deputy.pk])).status_code == 404


def test_a_county_user_reads_a_chosen_township(client, users, term, member, other_term, other_township):
    DeputyFactory(term=other_term, name="白水主席", is_presidium=True)
    client.force_login(users[Role.COUNTY])
    response = client.get(plan_url(), {"township": other_township.code})
    assert [m.name for m in response.context["review"].members_without_assignment] == ["白水主席"]
    assert not response.context["can_edit"]


def test_a_year_out_of_range_is_not_found(client, clerk):
    client.force_login(clerk)
    assert client.get(plan_url(1900)).status_code == 404


def test_the_home_redirects_to_this_year(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("deputies:liaison_home"))["Location"] == plan_url(timezone.localdate().year)


def test_the_plan_page_query_count_does_not_grow(client, clerk, plan, term):
    client.force_login(clerk)

    def add(n):
        for _ in range(n):
            assign_bands(plan, term, DeputyFactory(term=term, is_presidium=True), 2, 3)
            DeputyFactory(term=term)  # unliaised
            DeputyFactory(term=term, is_presidium=True)  # without assignment

    add(2)
    client.get(plan_url())
    with CaptureQueriesContext(connection) as few:
        assert client.get(plan_url()).status_code == 200
    add(4)
    with CaptureQueriesContext(connection) as more:
        client.get(plan_url())
    assert len(more) == len(few)
