"""The register's rules, against the real database: terms, districts, groups, deputies, status
changes, the statutory deputy count and the list filter."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from deputies.choices import DeputyStatus, Position
from deputies.filters import DeputyFilterSet
from deputies.models import Deputy, DeputyGroup, District
from deputies.services.register import (
    deputy_change_status,
    deputy_count_range,
    deputy_count_warning,
    deputy_save,
    district_save,
    group_save,
    term_create,
    term_end_date,
    term_update,
)
from tests.factories import TownshipFactory

from .factories import DeputyFactory, DeputyGroupFactory, DistrictFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _chinese():
    """The messages are checked in Chinese: a request made in English by an earlier test leaves
    English active in this thread (LocaleMiddleware activates, nothing deactivates)."""
    with translation.override("zh-hans"):
        yield


def new_deputy(term, **kwargs):
    defaults = {"township": term.township, "term": term, "name": "李明", "gender": "M"}
    return Deputy(**{**defaults, **kwargs})


# --- terms --------------------------------------------------------------------------------------


def test_term_ends_five_years_after_election(township):
    """A term (届) lasts five years: the end date is computed from the election date."""
    term = term_create(township=township, number=20, start_date=date(2026, 1, 10))
    assert term.end_date == date(2031, 1, 10)


def test_term_elected_on_29_february_ends_on_28_february():
    assert term_end_date(date(2028, 2, 29)) == date(2033, 2, 28)


def test_term_update_moves_the_end_date(term):
    term_update(term=term, number=term.number, start_date=date(2026, 3, 1))
    term.refresh_from_db()
    assert (term.start_date, term.end_date) == (date(2026, 3, 1), date(2031, 3, 1))


def test_two_terms_with_the_same_number_are_refused(township, term):
    with pytest.raises(ValidationError):
        term_create(township=township, number=term.number, start_date=date(2031, 1, 10))


# --- districts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seats", [1, 2, 3])
def test_a_district_elects_one_to_three_deputies(term, seats):
    district = district_save(district=District(township=term.township, term=term, name="新村选区", seats=seats))
    assert district.pk and district.seats == seats


@pytest.mark.parametrize("seats", [0, 4])
def test_a_district_outside_one_to_three_seats_is_refused(term, seats):
    with pytest.raises(ValidationError) as error:
        district_save(district=District(township=term.township, term=term, name="新村选区", seats=seats))
    assert "seats" in error.value.error_dict
    assert not District.objects.filter(name="新村选区").exists()


def test_seats_cannot_drop_below_the_serving_deputies(term):
    district = DistrictFactory(term=term, seats=3)
    DeputyFactory.create_batch(2, term=term, district=district)
    district.seats = 1
    with pytest.raises(ValidationError) as error:
        district_save(district=district)
    assert "已有 2 名代表" in error.value.message_dict["seats"][0]


def test_a_district_of_another_townships_term_is_refused(term, other_term):
    with pytest.raises(ValidationError):
        district_save(district=District(township=term.township, term=other_term, name="越界选区", seats=1))


# --- deputies -----------------------------------------------------------------------------------


def test_a_full_district_refuses_another_deputy(term):
    """A district elects at most its seats: the next deputy is refused with a Chinese message."""
    district = DistrictFactory(term=term, name="东风村选区", seats=2)
    DeputyFactory.create_batch(2, term=term, district=district)
    with pytest.raises(ValidationError) as error:
        deputy_save(deputy=new_deputy(term, district=district))
    assert "已满额" in error.value.message_dict["district"][0]
    assert Deputy.objects.filter(district=district).count() == 2


def test_a_terminated_deputy_frees_the_seat(term):
    district = DistrictFactory(term=term, seats=1)
    old = DeputyFactory(term=term, district=district)
    deputy_change_status(deputy=old, status=DeputyStatus.TERMINATED, reason="迁出本行政区域", on=TODAY())
    assert deputy_save(deputy=new_deputy(term, district=district)).pk


def test_a_suspended_deputy_keeps_the_seat(term):
    district = DistrictFactory(term=term, seats=1)
    held = DeputyFactory(term=term, district=district)
    deputy_change_status(deputy=held, status=DeputyStatus.SUSPENDED, reason="被羁押", on=TODAY())
    with pytest.raises(ValidationError):
        deputy_save(deputy=new_deputy(term, district=district))


@pytest.mark.parametrize("position", [Position.CHAIR, Position.VICE_CHAIR])
def test_chair_and_vice_chair_must_be_presidium_members(term, position):
    with pytest.raises(ValidationError) as error:
        deputy_save(deputy=new_deputy(term, position=position, is_presidium=False))
    assert "主席团成员" in error.value.message_dict["position"][0]
    assert deputy_save(deputy=new_deputy(term, position=position, is_presidium=True)).pk


def test_a_district_of_another_term_is_refused(term, township):
    later = term_create(township=township, number=20, start_date=date(2031, 1, 10))
    district = DistrictFactory(term=later)
    with pytest.raises(ValidationError) as error:
        deputy_save(deputy=new_deputy(term, district=district))
    assert "district" in error.value.error_dict


def test_a_group_of_another_township_is_refused(term, other_term):
    with pytest.raises(ValidationError) as error:
        deputy_save(deputy=new_deputy(term, group=DeputyGroupFactory(term=other_term)))
    assert "group" in error.value.error_dict


def test_a_login_account_of_another_township_is_refused(term, other_clerk):
    with pytest.raises(ValidationError) as error:
        deputy_save(deputy=new_deputy(term, user=other_clerk))
    assert "user" in error.value.error_dict


# --- status -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [DeputyStatus.SUSPENDED, DeputyStatus.TERMINATED])
def test_a_status_change_needs_a_reason_and_a_date(deputy, status):
    with pytest.raises(ValidationError) as error:
        deputy_change_status(deputy=deputy, status=status, reason="  ", on=None)
    assert set(error.value.message_dict) == {"reason", "on"}
    deputy.refresh_from_db()
    assert deputy.status == DeputyStatus.ACTIVE


def test_a_status_date_in_the_future_is_refused(deputy):
    with pytest.raises(ValidationError) as error:
        deputy_change_status(
            deputy=deputy, status=DeputyStatus.SUSPENDED, reason="被羁押", on=TODAY() + timedelta(days=1)
        )
    assert "on" in error.value.message_dict


def test_termination_keeps_the_deputy_in_the_register(deputy):
    """A terminated deputy is not deleted: the row stays, with the reason and the date."""
    on = TODAY() - timedelta(days=3)
    deputy_change_status(deputy=deputy, status=DeputyStatus.TERMINATED, reason="辞职被接受", on=on)
    kept = Deputy.objects.get(pk=deputy.pk)
    assert (kept.status, kept.status_reason, kept.status_date) == (DeputyStatus.TERMINATED, "辞职被接受", on)
    assert kept.name == "张桂兰" and kept.district_id == deputy.district_id
    assert kept.history.count() == 2


def test_termination_is_final(deputy):
    deputy_change_status(deputy=deputy, status=DeputyStatus.TERMINATED, reason="死亡", on=TODAY())
    with pytest.raises(ValidationError, match="不能再变更"):
        deputy_change_status(deputy=deputy, status=DeputyStatus.ACTIVE, reason="误登", on=TODAY())


def test_suspend_and_reinstate_keep_reason_and_date(deputy):
    deputy_change_status(deputy=deputy, status=DeputyStatus.SUSPENDED, reason="被羁押", on=TODAY() - timedelta(days=30))
    back = deputy_change_status(deputy=deputy, status=DeputyStatus.ACTIVE, reason="羁押解除", on=TODAY())
    assert (back.status, back.status_reason, back.status_date) == (DeputyStatus.ACTIVE, "羁押解除", TODAY())


def test_the_same_status_is_refused(deputy):
    with pytest.raises(ValidationError, match="已是"):
        deputy_change_status(deputy=deputy, status=DeputyStatus.ACTIVE, reason="x", on=TODAY())


def test_terminating_the_leader_clears_the_groups_leader(deputy, group):
    group.leader = deputy
    group_save(group=group)
    deputy_change_status(deputy=deputy, status=DeputyStatus.TERMINATED, reason="迁出", on=TODAY())
    group.refresh_from_db()
    assert group.leader_id is None


# --- groups -------------------------------------------------------------------------------------


def test_the_leader_must_be_a_member_of_the_group(term, group):
    outsider = DeputyFactory(term=term, group=DeputyGroupFactory(term=term))
    group.leader = outsider
    with pytest.raises(ValidationError) as error:
        group_save(group=group)
    assert "leader" in error.value.error_dict


def test_a_new_group_cannot_have_a_leader_yet(term, deputy):
    with pytest.raises(ValidationError):
        group_save(group=DeputyGroup(township=term.township, term=term, name="新小组", leader=deputy))


# --- statutory deputy count ---------------------------------------------------------------------


@pytest.mark.parametrize(("population", "maximum"), [(30_000, 65), (1_499, 45), (1_000_000, 160), (172_500, 160)])
def test_the_maximum_is_45_plus_one_per_1500_residents_at_most_160(population, maximum):
    assert deputy_count_range(TownshipFactory(population=population)) == maximum


def test_no_warning_without_a_population():
    assert deputy_count_range(TownshipFactory(population=None)) is None
    assert deputy_count_warning(TownshipFactory(population=None), 500) is None


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (66, "超过法定名额上限 65 名"),
        (44, "少于法定基数 45 名"),
        (45, None),
        (65, None),
    ],
)
def test_a_count_outside_the_range_is_warned(count, expected):
    """30,000 residents: between 45 and 65 deputies (45 + 30000 // 1500 = 65)."""
    warning = deputy_count_warning(TownshipFactory(population=30_000), count)
    if expected is None:
        assert warning is None
    else:
        assert expected in warning


def test_a_small_township_may_have_fewer_than_45():
    """选举法: with fewer than 2,000 residents the count may be below the base."""
    assert deputy_count_warning(TownshipFactory(population=1_800), 30) is None
    assert "超过" in deputy_count_warning(TownshipFactory(population=1_800), 47)


# --- the list filter ----------------------------------------------------------------------------


@pytest.fixture
def register(term, clerk):
    active = DeputyFactory(term=term, name="在任代表")
    suspended = DeputyFactory(
        term=term, name="暂停代表", status=DeputyStatus.SUSPENDED, status_reason="羁押", status_date=date(2026, 5, 1)
    )
    terminated = DeputyFactory(
        term=term, name="终止代表", status=DeputyStatus.TERMINATED, status_reason="迁出", status_date=date(2026, 5, 1)
    )
    return active, suspended, terminated


def names(data, clerk):
    return set(DeputyFilterSet(data, queryset=Deputy.objects.all(), user=clerk).qs.values_list("name", flat=True))


def test_the_list_excludes_terminated_deputies_by_default(register, clerk):
    assert names(None, clerk) == {"在任代表", "暂停代表"}
    assert names({"q": ""}, clerk) == {"在任代表", "暂停代表"}


def test_the_list_includes_terminated_deputies_on_request(register, clerk):
    assert names({"include_terminated": "on"}, clerk) == {"在任代表", "暂停代表", "终止代表"}


def test_filtering_by_terminated_status_shows_them(register, clerk):
    assert names({"status": DeputyStatus.TERMINATED}, clerk) == {"终止代表"}
