"""民主测评 (democratic evaluation), unlinkable by construction.

- The population: the township's deputies in office (from the register) and the party
  delegates and CPPCC members entered as lists.
- The sample: per group ⌈n × percent / 100⌉ people (EVALUATION_SAMPLE_MIN/MAX_PERCENT), drawn by
  `draw(keys, seed, k)` — a pure function of the seed, recorded with the witness, so anyone can
  draw again from the seed and get the same people.
- Issuing: one code per sampled person, created in one shuffled batch; the code table keeps a
  keyed hash and a used flag only. Printed slips carry the code on paper (returned once, never
  stored); a deputy with an account gets an encrypted envelope, deleted when they open it.
- Voting: the code and the answers in one form; the code is hashed, marked used, and the
  response stored with random ids and no time, IP, agent, session or person.
- Results: only once closed, only with at least EVALUATION_MIN_RESPONSES ballots, comments in
  shuffled order. Turnout counts used codes without saying whose.
"""

import random
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_office.crypto import decrypt, encrypt, keyed_hash
from deputies.choices import DeputyStatus
from deputies.models import Deputy

from .choices import EvaluationState, PersonKind, Rating
from .models import (
    BallotCode,
    CodeEnvelope,
    Evaluation,
    EvaluationAnswer,
    EvaluationPerson,
    EvaluationQuestion,
    EvaluationResponse,
)
from .services import MANAGE, _require

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def code_hash(evaluation, code):
    return keyed_hash(f"evaluation:{evaluation.pk}:{evaluation.salt}:{normalise(code)}")


def normalise(code):
    return "".join((code or "").split()).upper()


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def draw(keys, seed, k):
    """The k keys drawn with `seed`: reproducible, whatever order the keys come in."""
    return sorted(random.Random(seed).sample(sorted(keys), k))


def sample_size(n, percent):
    return -(-n * percent // 100)


@transaction.atomic
def evaluation_create(*, plan, by, title=""):
    """A democratic evaluation of the plan's subjects: the default questions for each assessment
    type and the township's deputies in office as the first group of the population."""
    _require(by, MANAGE, plan.township_id)
    evaluation = Evaluation.objects.create(
        plan=plan,
        title=(title or "").strip() or _("%(y)s年度民主测评") % {"y": plan.year},
        salt=secrets.token_hex(16),
        min_responses=settings.EVALUATION_MIN_RESPONSES,
        created_by=by,
    )
    EvaluationQuestion.objects.bulk_create(
        [
            EvaluationQuestion(evaluation=evaluation, assessment_type=t, text=text, order=i)
            for t in plan.types.all()
            for i, text in enumerate(settings.EVALUATION_QUESTIONS)
        ]
    )
    today = timezone.localdate()
    deputies = Deputy.objects.filter(
        township_id=plan.township_id,
        status=DeputyStatus.ACTIVE,
        term__start_date__lte=today,
        term__end_date__gte=today,
    ).order_by("pk")
    EvaluationPerson.objects.bulk_create(
        [
            EvaluationPerson(evaluation=evaluation, kind=PersonKind.DEPUTY, name=d.name, deputy=d, order=i)
            for i, d in enumerate(deputies)
        ]
    )
    return evaluation


def _draft(evaluation):
    if Evaluation.objects.values_list("state", flat=True).get(pk=evaluation.pk) != EvaluationState.DRAFT:
        raise ValidationError(_("已抽样，名单不能再改。"))


@transaction.atomic
def people_add(*, evaluation, by, kind, names):
    """党代表 / 政协委员 entered as a list, one name a line."""
    _require(by, MANAGE, evaluation.plan.township_id)
    _draft(evaluation)
    if kind not in (PersonKind.PARTY, PersonKind.CPPCC):
        raise ValidationError({"kind": _("请选择党代表或政协委员。")})
    names = [n.strip() for n in (names or "").splitlines() if n.strip()]
    if not names:
        raise ValidationError({"names": _("请输入名单，每行一人。")})
    start = evaluation.people.filter(kind=kind).count()
    EvaluationPerson.objects.bulk_create(
        [EvaluationPerson(evaluation=evaluation, kind=kind, name=n[:30], order=start + i) for i, n in enumerate(names)]
    )
    return len(names)


@transaction.atomic
def sample_draw(*, evaluation, by, percent, witness, seed=""):
    """Draw ⌈n × percent/100⌉ of each group with the seed (a random one when blank), in front of
    the witness; both are recorded."""
    _require(by, MANAGE, evaluation.plan.township_id)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    _draft(evaluation)
    low, high = settings.EVALUATION_SAMPLE_MIN_PERCENT, settings.EVALUATION_SAMPLE_MAX_PERCENT
    if not isinstance(percent, int) or not low <= percent <= high:
        raise ValidationError({"percent": _("抽样比例为 %(lo)s%%–%(hi)s%%。") % {"lo": low, "hi": high}})
    witness = (witness or "").strip()
    if not witness:
        raise ValidationError({"witness": _("请填写监督人。")})
    seed = (seed or "").strip() or secrets.token_hex(8)
    drawn = []
    for kind in PersonKind.values:
        keys = list(evaluation.people.filter(kind=kind).values_list("pk", flat=True))
        if keys:
            drawn += draw(keys, f"{seed}:{kind}", sample_size(len(keys), percent))
    if not drawn:
        raise ValidationError(_("测评对象名单为空。"))
    EvaluationPerson.objects.filter(pk__in=drawn).update(sampled=True)
    evaluation.state, evaluation.percent, evaluation.seed, evaluation.witness = (
        EvaluationState.DRAWN,
        percent,
        seed,
        witness,
    )
    evaluation.drawn_at, evaluation.drawn_by = timezone.now(), by
    evaluation.save()
    return drawn


def redraw(evaluation):
    """The sample the recorded seed gives: anyone can check it against the recorded one."""
    drawn = []
    for kind in PersonKind.values:
        keys = list(evaluation.people.filter(kind=kind).values_list("pk", flat=True))
        if keys:
            drawn += draw(keys, f"{evaluation.seed}:{kind}", sample_size(len(keys), evaluation.percent))
    return sorted(drawn)


@transaction.atomic
def codes_issue(*, evaluation, by):
    """One code per sampled person, in one shuffled batch; opens the evaluation. Returns the
    slips to print [(name, kind label, code)] for those without an account: they exist only in
    this return value. Deputies with an account get an envelope on their phone instead."""
    _require(by, MANAGE, evaluation.plan.township_id)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.state != EvaluationState.DRAWN:
        raise ValidationError(_("请先抽样；测评码只发放一次。"))
    people = list(evaluation.people.filter(sampled=True).select_related("deputy"))
    random.SystemRandom().shuffle(people)
    codes, slips, envelopes = [], [], []
    for person in people:
        code = new_code()
        codes.append(BallotCode(evaluation=evaluation, code_hash=code_hash(evaluation, code)))
        user_id = person.deputy.user_id if person.deputy_id else None
        if user_id:
            envelopes.append(CodeEnvelope(evaluation=evaluation, user_id=user_id, ciphertext=encrypt(code)))
        else:
            slips.append((person.name, person.get_kind_display(), code))
    random.SystemRandom().shuffle(codes)
    BallotCode.objects.bulk_create(codes)
    CodeEnvelope.objects.bulk_create(envelopes)
    evaluation.issued, evaluation.state, evaluation.opened_at = len(codes), EvaluationState.OPEN, timezone.now()
    evaluation.save(update_fields=["issued", "state", "opened_at"])
    slips.sort(key=lambda s: (s[1], s[0]))
    return slips


@transaction.atomic
def envelope_open(*, evaluation, by):
    """A sampled deputy opens their code on the phone, once: the envelope is deleted."""
    envelope = CodeEnvelope.objects.select_for_update().filter(evaluation=evaluation, user=by).first()
    if envelope is None:
        raise ValidationError(_("没有待领取的测评码：您未被抽中，或已领取。"))
    code = decrypt(envelope.ciphertext)
    envelope.delete()
    return code


def has_envelope(evaluation, user):
    return user.is_authenticated and CodeEnvelope.objects.filter(evaluation=evaluation, user=user).exists()


@transaction.atomic
def ballot_cast(*, evaluation, code, answers, comment=""):
    """One ballot per code: `answers` {(subject_id, question_id): rating} for every question of
    every subject. Refuses the same way whether the code is unknown or used."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.state != EvaluationState.OPEN:
        raise ValidationError(_("测评未开始或已结束。"))
    expected = expected_answers(evaluation)
    missing = [key for key in expected if answers.get(key) not in Rating.values]
    if missing:
        raise ValidationError(_("还有 %(n)s 项未选择，请全部作答。") % {"n": len(missing)})
    row = (
        BallotCode.objects.select_for_update()
        .filter(evaluation=evaluation, code_hash=code_hash(evaluation, code))
        .first()
    )
    if row is None or row.used:
        raise ValidationError({"code": _("测评码无效或已使用。")})
    row.used = True
    row.save(update_fields=["used"])
    response = EvaluationResponse.objects.create(evaluation=evaluation, comment=(comment or "").strip()[:2000])
    EvaluationAnswer.objects.bulk_create(
        [
            EvaluationAnswer(
                response=response,
                subject_id=subject_id,
                question_id=question_id,
                rating=answers[(subject_id, question_id)],
            )
            for subject_id, question_id in expected
        ]
    )
    return response


def expected_answers(evaluation):
    """Every (subject id, question id) the ballot asks."""
    questions = {}
    for q in evaluation.questions.all():
        questions.setdefault(q.assessment_type_id, []).append(q.pk)
    return [(s.pk, q) for s in evaluation.plan.subjects.all() for q in questions.get(s.assessment_type_id, [])]


def turnout(evaluation):
    """(voted, issued): how many of those sampled have voted, not who."""
    return BallotCode.objects.filter(evaluation=evaluation, used=True).count(), evaluation.issued


@transaction.atomic
def evaluation_close(*, evaluation, by):
    _require(by, MANAGE, evaluation.plan.township_id)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.state != EvaluationState.OPEN:
        raise ValidationError(_("测评未在进行中。"))
    evaluation.state, evaluation.closed_at = EvaluationState.CLOSED, timezone.now()
    evaluation.save(update_fields=["state", "closed_at"])
    CodeEnvelope.objects.filter(evaluation=evaluation).delete()  # unopened codes expire with it
    return evaluation


def results(evaluation, user):
    """{subject: {question: {rating: n}}}, the comments shuffled, and the number of ballots; or
    None while open or when fewer than min_responses ballots arrived."""
    if not user.has_perm("assessments.view_assessmentplan"):
        raise PermissionDenied
    if evaluation.state != EvaluationState.CLOSED:
        return None
    count = evaluation.responses.count()
    if count < evaluation.min_responses:
        return None
    table = {}
    rows = EvaluationAnswer.objects.filter(response__evaluation=evaluation).values_list(
        "subject_id", "question_id", "rating"
    )
    for subject_id, question_id, rating in rows:
        cell = table.setdefault(subject_id, {}).setdefault(question_id, dict.fromkeys(Rating.values, 0))
        cell[rating] += 1
    comments = [c for c in evaluation.responses.values_list("comment", flat=True) if c]
    random.SystemRandom().shuffle(comments)
    return {"table": table, "comments": comments, "count": count}
