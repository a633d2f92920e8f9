"""The deputies app's demo data (deputies/demo.py, run by seed_demo): a realistic register and
a year of record for 青山镇, a smaller set for 白水乡, and idempotent."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from congress_office.models import Township, User
from congress_office.personal_numbers import validate_id_number
from deputies import demo, selectors
from deputies.choices import ActivityStatus, ActivityType, Position
from deputies.models import (
    Activity,
    Deputy,
    DeputyGroup,
    District,
    GroupScoring,
    LiaisonAssignment,
    LiaisonPlan,
    ReceptionDay,
    ReceptionVisit,
    Term,
    Training,
)
from deputies.services.liaison import liaison_review
from deputies.services.register import deputy_count_warning

from ..demo_snapshot import seed_demo_once

MODELS = [
    Term,
    District,
    DeputyGroup,
    Deputy,
    Activity,
    Activity.participants.through,
    Training,
    Training.attendees.through,
    ReceptionDay,
    ReceptionVisit,
    LiaisonPlan,
    LiaisonAssignment,
    GroupScoring,
]

# the demo-data modules run in one test process, which seeds once (tests/demo_snapshot.py)
pytestmark = pytest.mark.xdist_group("demo")


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """seed_demo once for this module, in a transaction rolled back after its last test (each
    test runs in a savepoint inside it): the tests read the same demo data."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo_once()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


@pytest.fixture
def qingshan(seeded):
    return Township.objects.get(code="qingshan")


def test_running_seed_demo_twice_duplicates_nothing(seeded):
    first = counts()

    call_command("seed_demo", verbosity=0)

    assert counts() == first
    assert first["Deputy"] > 50 and first["Activity"] > 100


def test_seeding_again_on_a_later_day_duplicates_nothing(qingshan):
    """The year is generated from `today`: a later run must not add another year beside it."""
    first = counts()
    users = {"clerk": User.objects.get(username="qs_clerk"), "deputy": User.objects.get(username="qs_deputy")}

    today = timezone.localdate()
    later = min(today + timedelta(days=30), date(today.year, 12, 31))  # the same year: same plan and scoring

    demo.seed(township=qingshan, users=users, today=later, stdout=_Null())

    assert counts() == first


def test_qingshan_has_a_term_of_45_deputies_in_districts_and_groups(qingshan):
    term = Term.objects.get(township=qingshan)
    deputies = Deputy.objects.filter(term=term)

    assert (term.number, term.start_date.year, term.start_date.month) == (19, 2026, 1)
    assert (term.end_date - term.start_date).days in (365 * 5 + 1, 365 * 5 + 2)  # five years
    assert deputies.count() == 45 and deputy_count_warning(qingshan, 45) is None
    districts = District.objects.filter(term=term).annotate(n=Count("deputies"))
    assert 14 <= districts.count() <= 18
    assert all(1 <= d.seats <= 3 and d.n <= d.seats for d in districts)
    assert {d.seats for d in districts} == {1, 2, 3}
    groups = DeputyGroup.objects.filter(term=term).annotate(n=Count("members")).select_related("leader")
    assert groups.count() == 8
    assert all(g.n >= settings.DEPUTY_GROUP_MIN_MEMBERS and g.leader.group_id == g.pk for g in groups)
    assert not deputies.filter(group=None).exists() and not deputies.filter(district=None).exists()


def test_deputies_have_realistic_particulars(qingshan):
    deputies = list(Deputy.objects.filter(township=qingshan))

    assert {d.gender for d in deputies} == {"M", "F"}
    assert len({d.ethnicity for d in deputies}) >= 3
    assert len({d.affiliation for d in deputies}) >= 2
    occupations = {d.occupation for d in deputies}
    assert {"村党支部书记", "种植大户", "教师", "个体工商户"} <= occupations
    assert all(d.phone.startswith("13") and len(d.phone) == 11 and d.work_unit and d.birth_date for d in deputies)
    # some have an ID number (valid, born on their birth date), encrypted like the phone
    with_id = [d for d in deputies if d.id_number]
    assert 10 <= len(with_id) < len(deputies)
    for d in with_id:
        validate_id_number(d.id_number)
        assert d.id_number[6:14] == d.birth_date.strftime("%Y%m%d") and d.id_hash and d.phone_hash
    assert len({d.name for d in deputies}) == 45


def test_the_presidium_has_five_members_with_a_chair_and_a_vice_chair(qingshan):
    presidium = Deputy.objects.filter(township=qingshan, is_presidium=True)

    assert presidium.count() == 5
    assert presidium.get(position=Position.CHAIR).name == "李建国"
    assert presidium.get(position=Position.VICE_CHAIR).name == "周海燕"


def test_the_demo_deputy_account_has_a_full_year(qingshan):
    deputy = Deputy.objects.get(user__username="qs_deputy")
    today = timezone.localdate()
    dates = set(deputy.activities.filter(status=ActivityStatus.CONFIRMED).values_list("date", flat=True))

    assert deputy.name == "张桂兰"
    # at least one confirmed activity in every month since the term's first session
    months = {(d.year, d.month) for d in dates}
    first = max(today - timedelta(days=365), demo.QINGSHAN["first_session"] + timedelta(days=3))
    expected = set(demo._months(first, today - timedelta(days=1)))
    assert expected - months <= {(today.year, today.month)}  # this month may not have come yet
    assert deputy.trainings_attended.count() == 2 and deputy.reception_days.count() >= 6
    own = Activity.objects.filter(submitted_by=deputy.user).values_list("status", flat=True)
    assert {ActivityStatus.SUBMITTED, ActivityStatus.RETURNED, ActivityStatus.CONFIRMED} <= set(own)


def test_a_year_of_activities_of_every_type(qingshan):
    today = timezone.localdate()
    activities = Activity.objects.filter(township=qingshan)

    assert set(activities.values_list("type", flat=True)) == set(ActivityType.values)
    assert activities.filter(status=ActivityStatus.CONFIRMED).count() > 0.95 * activities.count()
    assert activities.filter(status=ActivityStatus.RETURNED).exclude(return_reason="").exists()
    assert activities.filter(type=ActivityType.GROUP).exclude(group=None).count() >= 8
    assert all(today - timedelta(days=366) <= d < today for d in activities.values_list("date", flat=True))
    assert not activities.filter(participants=None).exists()


def test_two_trainings_with_partial_attendance(qingshan):
    today = timezone.localdate()
    trainings = list(Training.objects.filter(township=qingshan).annotate(n=Count("attendees")))
    missed_both = selectors.deputies_without_training(township_id=qingshan.pk, year=today.year)

    assert len(trainings) == 2 and all(20 < t.n < 45 for t in trainings)
    assert any(t.date.month in (6, 7) for t in trainings)
    if all(t.date.year == today.year for t in trainings):
        assert 3 <= len(missed_both) <= 8


def test_monthly_reception_days_in_several_districts_with_visits(qingshan):
    days = ReceptionDay.objects.filter(township=qingshan)

    assert days.values("district").distinct().count() >= 3
    assert days.count() >= 3 * 6
    assert ReceptionVisit.objects.filter(reception_day__township=qingshan).count() >= days.count()
    assert not days.filter(deputies=None).exists()


def test_some_but_not_all_deputies_are_inactive(qingshan):
    inactive = selectors.inactive_deputies(township_id=qingshan.pk)

    assert 3 <= len(inactive) <= 10
    assert "张桂兰" not in {d.name for d in inactive}


def test_the_liaison_plan_has_one_member_outside_the_bands(qingshan):
    plan = LiaisonPlan.objects.get(township=qingshan, year=timezone.localdate().year)

    review = liaison_review(plan=plan)

    assert len(review.rows) == 5 and not review.members_without_assignment
    assert [row[0].member.name for row in review.rows if row[3]] == ["吕文静"]
    assert not review.unliaised


def test_the_assessment_has_a_scoring_table_and_proposals(qingshan):
    year = timezone.localdate().year
    scoring = GroupScoring.objects.get(township=qingshan, year=year)

    ranking = selectors.group_ranking(township=qingshan, year=year)

    assert scoring.points["inspection"] == 3
    assert sum(row[3] for row in ranking["groups"]) == scoring.excellent_groups
    assert sum(row[2] for row in ranking["deputies"]) == scoring.excellent_deputies


def test_baishui_has_a_smaller_separate_set(seeded):
    baishui = Township.objects.get(code="baishui")
    deputies = Deputy.objects.filter(township=baishui)

    assert 8 <= deputies.count() <= 12 and DeputyGroup.objects.filter(township=baishui).count() == 3
    assert deputies.get(user__username="bs_deputy").name == "吴德明"
    assert Activity.objects.filter(township=baishui).exists() and Training.objects.filter(township=baishui).exists()
    assert not Activity.objects.filter(township=baishui, participants__township__code="qingshan").exists()
    assert "青山" not in " ".join(Activity.objects.filter(township=baishui).values_list("title", flat=True))


class _Null:
    def write(self, *args, **kwargs):
        pass
