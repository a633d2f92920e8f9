"""民主测评: the sample (bounds, reproducible from the seed), the codes (once each, slips or the
phone), turnout without names, results only after closing with enough ballots, and a response
that cannot be tied to its voter with the whole database in hand."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from assessments import evaluation as ev
from assessments.choices import EvaluationState, PersonKind
from assessments.models import BallotCode, CodeEnvelope, EvaluationAnswer, EvaluationPerson, EvaluationResponse

from ..deputies.factories import DeputyFactory, TermFactory
from ..factories import UserFactory


@pytest.fixture
def deputies(township):
    from congress_office.roles import Role

    term = TermFactory(township=township)
    people = [DeputyFactory(term=term, name=f"代表{n}") for n in range(20)]
    for n, deputy in enumerate(people[:10]):  # half of them have an account (the phone)
        deputy.user = UserFactory(username=f"d{n}", township=township, roles=[Role.DEPUTY])
        deputy.save()
    return people


@pytest.fixture
def evaluation(plan, clerk, deputies):
    evaluation = ev.evaluation_create(plan=plan, by=clerk)
    ev.people_add(
        evaluation=evaluation, by=clerk, kind=PersonKind.PARTY, names="党代表甲\n党代表乙\n党代表丙\n党代表丁\n党代表戊"
    )
    return evaluation


def answers_for(evaluation, rating="good"):
    return dict.fromkeys(ev.expected_answers(evaluation), rating)


def test_the_sample_is_within_bounds_and_reproducible_from_the_seed(evaluation, clerk, settings):
    assert evaluation.people.filter(kind=PersonKind.DEPUTY).count() == 20
    for bad in (19, 41):
        with pytest.raises(ValidationError, match="20%–40%"):
            ev.sample_draw(evaluation=evaluation, by=clerk, percent=bad, witness="县纪委 王某")
    with pytest.raises(ValidationError, match="监督人"):
        ev.sample_draw(evaluation=evaluation, by=clerk, percent=25, witness=" ")
    drawn = ev.sample_draw(evaluation=evaluation, by=clerk, percent=25, witness="县纪委 王某", seed="20261201")
    evaluation.refresh_from_db()
    sampled = EvaluationPerson.objects.filter(evaluation=evaluation, sampled=True)
    assert sampled.filter(kind=PersonKind.DEPUTY).count() == 5 and sampled.filter(kind=PersonKind.PARTY).count() == 2
    assert ev.redraw(evaluation) == sorted(drawn) == sorted(sampled.values_list("pk", flat=True))
    assert (evaluation.seed, evaluation.witness, evaluation.percent) == ("20261201", "县纪委 王某", 25)
    # the draw is a function of the seed and the keys alone, whatever order they come in
    assert ev.draw([5, 3, 9, 1, 7], "s", 2) == ev.draw([1, 3, 5, 7, 9], "s", 2)
    with pytest.raises(ValidationError, match="已抽样"):
        ev.sample_draw(evaluation=evaluation, by=clerk, percent=25, witness="x")


def issued(evaluation, clerk, percent=40):
    ev.sample_draw(evaluation=evaluation, by=clerk, percent=percent, witness="县纪委 王某", seed="s1")
    return ev.codes_issue(evaluation=evaluation, by=clerk)


def test_codes_are_issued_once_as_slips_or_on_the_phone(evaluation, clerk):
    slips = issued(evaluation, clerk)
    evaluation.refresh_from_db()
    sampled = list(evaluation.people.filter(sampled=True).select_related("deputy"))
    with_phone = [p for p in sampled if p.deputy_id and p.deputy.user_id]
    assert evaluation.issued == len(sampled) == BallotCode.objects.filter(evaluation=evaluation).count()
    assert len(slips) == len(sampled) - len(with_phone) and CodeEnvelope.objects.count() == len(with_phone)
    with pytest.raises(ValidationError, match="只发放一次"):
        ev.codes_issue(evaluation=evaluation, by=clerk)
    user = with_phone[0].deputy.user
    code = ev.envelope_open(evaluation=evaluation, by=user)
    with pytest.raises(ValidationError, match="已领取"):
        ev.envelope_open(evaluation=evaluation, by=user)
    assert len(code) == 10 and not CodeEnvelope.objects.filter(user=user).exists()


def test_one_ballot_per_code_and_turnout_without_names(evaluation, clerk):
    slips = issued(evaluation, clerk)
    code = slips[0][2]
    with pytest.raises(ValidationError, match="未选择"):
        ev.ballot_cast(evaluation=evaluation, code=code, answers={})
    ev.ballot_cast(evaluation=evaluation, code=code.lower(), answers=answers_for(evaluation), comment="工作扎实")
    with pytest.raises(ValidationError, match="无效或已使用"):
        ev.ballot_cast(evaluation=evaluation, code=code, answers=answers_for(evaluation))
    with pytest.raises(ValidationError, match="无效或已使用"):
        ev.ballot_cast(evaluation=evaluation, code="ABCDEFGHJK", answers=answers_for(evaluation))
    evaluation.refresh_from_db()
    assert ev.turnout(evaluation) == (1, evaluation.issued)


def test_results_only_after_closing_and_with_enough_ballots(evaluation, clerk, chair, settings):
    slips = issued(evaluation, clerk)
    for _name, _kind, code in slips[:4]:
        ev.ballot_cast(evaluation=evaluation, code=code, answers=answers_for(evaluation), comment="建议多下村")
    assert ev.results(evaluation, chair) is None  # still open
    ev.evaluation_close(evaluation=evaluation, by=clerk)
    evaluation.refresh_from_db()
    assert ev.results(evaluation, chair) is None  # 4 < EVALUATION_MIN_RESPONSES (5)
    evaluation.min_responses = 4
    evaluation.save()
    result = ev.results(evaluation, chair)
    assert result["count"] == 4 and result["comments"] == ["建议多下村"] * 4
    with pytest.raises(ValidationError, match="已结束"):
        ev.ballot_cast(evaluation=evaluation, code=slips[-1][2], answers=answers_for(evaluation))
    assert not CodeEnvelope.objects.filter(evaluation=evaluation).exists()  # unopened codes expire


class Recorded(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_with_the_whole_database_a_response_cannot_be_tied_to_its_voter(evaluation, clerk):
    """Every table is read: no column of the code, response or answer tables refers to a person,
    a user, a time or a request; the code is in no table nor log line in clear; and the phone
    deputy's envelope is gone once opened, so nothing relates them to their ballot."""
    slips = issued(evaluation, clerk)
    phone_user = CodeEnvelope.objects.first().user
    phone_code = ev.envelope_open(evaluation=evaluation, by=phone_user)
    recorded, root = Recorded(), logging.getLogger()
    root.addHandler(recorded)
    level, root.level = root.level, logging.DEBUG
    try:
        ev.ballot_cast(evaluation=evaluation, code=phone_code, answers=answers_for(evaluation), comment="公道正派")
        ev.ballot_cast(evaluation=evaluation, code=slips[0][2], answers=answers_for(evaluation, "fair"))
    finally:
        root.removeHandler(recorded)
        root.level = level
    logged = "\n".join(recorded.lines)
    assert phone_code not in logged and slips[0][2] not in logged

    for model in (BallotCode, EvaluationResponse, EvaluationAnswer):
        fields = {f.name: f for f in model._meta.get_fields() if f.concrete}
        assert not {"created", "created_at", "at", "time", "ip", "user", "user_agent", "session", "person"} & set(
            fields
        )
        for field in fields.values():
            if field.is_relation:
                assert field.related_model.__name__ in {
                    "Evaluation",
                    "EvaluationResponse",
                    "Subject",
                    "EvaluationQuestion",
                }
            assert field.get_internal_type() not in {"DateTimeField", "DateField", "GenericIPAddressField"}
    assert not CodeEnvelope.objects.filter(user=phone_user).exists()
    # the clear codes appear in no column of any table
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(f'CAST("{c}" AS TEXT)' for c in columns)
            cursor.execute(f'SELECT {quoted} FROM "{table}"')  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row if v is not None)
                assert phone_code not in text and slips[0][2] not in text, table
    # ids are random, so the order of the rows tells nothing either
    assert all(len(str(r.pk)) == 36 for r in EvaluationResponse.objects.all())
    assert not hasattr(EvaluationResponse, "history") and not hasattr(BallotCode, "history")
    evaluation.refresh_from_db()
    assert EvaluationPerson.objects.filter(evaluation=evaluation, sampled=True).count() == evaluation.issued


def test_the_state_moves_only_forward(evaluation, clerk):
    assert evaluation.state == EvaluationState.DRAFT
    with pytest.raises(ValidationError, match="请先抽样"):
        ev.codes_issue(evaluation=evaluation, by=clerk)
    issued(evaluation, clerk)
    with pytest.raises(ValidationError, match="名单不能再改"):
        ev.people_add(evaluation=evaluation, by=clerk, kind=PersonKind.CPPCC, names="委员甲")
