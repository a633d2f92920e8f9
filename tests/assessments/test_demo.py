"""The assessments' demo: two plans, three quarters of this year confirmed, a pending
correction, a closed evaluation with 12 ballots from a quarter of the deputies."""

import pytest
from django.core.management import call_command
from django.db import transaction

from assessments import evaluation as ev
from assessments import services as svc
from assessments.models import AssessmentPlan, Evaluation, ScoreCorrection

from ..demo_snapshot import seed_demo_once


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo_once()
        yield
        transaction.set_rollback(True)


# the demo-data modules run in one test process, which seeds once (tests/demo_snapshot.py)
pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.xdist_group("demo")]


@pytest.mark.django_db
def test_the_demo_plans_quarters_and_evaluation():
    last, this = AssessmentPlan.objects.filter(township__code="qingshan").order_by("year")
    assert this.copied_from == last and last.locks.count() == 4 and this.locks.count() == 3
    assert (
        last.subjects.filter(grade="excellent").count()
        == 1
        <= svc.excellent_quota(last.subjects.filter(kind="cadre").count())
    )
    assert ScoreCorrection.objects.filter(score__subject__plan=this, state="requested").count() == 1
    evaluation = Evaluation.objects.get(plan=this)
    deputies = evaluation.people.filter(kind="deputy")
    assert deputies.filter(sampled=True).count() == -(-deputies.count() * 25 // 100)
    assert ev.redraw(evaluation) == sorted(evaluation.people.filter(sampled=True).values_list("pk", flat=True))
    assert (
        ev.turnout(evaluation) == (12, evaluation.people.filter(sampled=True).count()) and evaluation.state == "closed"
    )
    assert evaluation.responses.count() == 12
    from assessments.promotion import reserve_list

    rows = reserve_list(this)
    assert [r.subject.name for r in rows if not r.promotable] == ["孙建华"]
    assert rows[0].evaluation_points > 0 and rows[0].inspection_points is not None


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    before = AssessmentPlan.objects.count(), Evaluation.objects.count()
    call_command("seed_demo", verbosity=0)
    assert (AssessmentPlan.objects.count(), Evaluation.objects.count()) == before
