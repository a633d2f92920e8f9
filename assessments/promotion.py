"""两用: the promotion score and the reserve-cadre list (后备干部库).

For each cadre of a year's plan, over the plans of the ASSESSMENT_TERM_YEARS years ending with it
(the cadre recognised by name within the township):

- assessment points, at most ASSESSMENT_POINTS (40): ASSESSMENT_EXCELLENT_YEAR_POINTS (6) for each
  优秀 year, at most ASSESSMENT_EXCELLENT_POINTS_MAX (30), plus up to ASSESSMENT_EVALUATION_POINTS
  (10) from the year's democratic evaluation (the share of 好 and 较好 answers about the cadre);
- inspection points, at most 60: the 考察 score the organisation records;
- the promotion score is their sum (40 % + 60 %);
- a cadre with one 不称职 (较差) year, or two 基本称职 (一般) years, in the term is flagged as
  not to be promoted (“一般不得提拔重用”), with the reason.

Every number carries its explanation, for the page and the PDF.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from .choices import CadreGrade, EvaluationState, Rating, SubjectKind
from .models import AssessmentPlan, EvaluationAnswer, Subject

POOR_GRADES = {"incompetent", "poor"}  # 不称职 (cadres), 较差 (teams)
FAIR_GRADES = {"basically", "fair"}  # 基本称职, 一般


@dataclass
class Row:
    subject: Subject
    years: list = field(default_factory=list)  # [(year, grade label)]
    excellent_years: int = 0
    excellent_points: Decimal = Decimal(0)
    evaluation_points: Decimal = Decimal(0)
    evaluation_basis: str = ""
    inspection_points: Decimal | None = None
    flags: list = field(default_factory=list)

    @property
    def assessment_points(self):
        return self.excellent_points + self.evaluation_points

    @property
    def total(self):
        return self.assessment_points + (self.inspection_points or Decimal(0))

    @property
    def promotable(self):
        return not self.flags


def two(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def evaluation_shares(plan):
    """{subject_id: (good answers, all answers)} from the plan's closed evaluations (one query)."""
    shares = {}
    rows = EvaluationAnswer.objects.filter(
        response__evaluation__plan=plan, response__evaluation__state=EvaluationState.CLOSED
    ).values_list("subject_id", "rating")
    for subject_id, rating in rows:
        good, total = shares.get(subject_id, (0, 0))
        shares[subject_id] = (good + (rating in (Rating.GOOD, Rating.FAIRLY_GOOD)), total + 1)
    return shares


def reserve_list(plan):
    """The plan's cadres with their promotion score, best first; the flagged ones last."""
    years = settings.ASSESSMENT_TERM_YEARS
    plans = list(
        AssessmentPlan.objects.filter(township_id=plan.township_id, year__gt=plan.year - years, year__lte=plan.year)
    )
    history = {}
    for s in Subject.objects.filter(plan__in=plans, kind=SubjectKind.CADRE).select_related("plan"):
        history.setdefault(s.name, []).append(s)
    shares = evaluation_shares(plan)
    rows = []
    for subject in plan.subjects.filter(kind=SubjectKind.CADRE).select_related("inspection").order_by("pk"):
        row = Row(subject=subject)
        for past in sorted(history.get(subject.name, []), key=lambda s: s.plan.year):
            label = CadreGrade(past.grade).label if past.grade else _("未评定")
            row.years.append((past.plan.year, label))
            if past.grade == "excellent":
                row.excellent_years += 1
        row.excellent_points = min(
            Decimal(row.excellent_years * settings.ASSESSMENT_EXCELLENT_YEAR_POINTS),
            Decimal(settings.ASSESSMENT_EXCELLENT_POINTS_MAX),
        )
        good, total = shares.get(subject.pk, (0, 0))
        if total:
            row.evaluation_points = two(Decimal(good) / total * settings.ASSESSMENT_EVALUATION_POINTS)
            row.evaluation_basis = _("民主测评“好”“较好”%(g)s/%(t)s 项 × %(p)s 分") % {
                "g": good,
                "t": total,
                "p": settings.ASSESSMENT_EVALUATION_POINTS,
            }
        else:
            row.evaluation_basis = _("本年度没有已结束的民主测评")
        inspection = getattr(subject, "inspection", None)
        row.inspection_points = inspection.score if inspection else None
        grades = [s.grade for s in history.get(subject.name, [])]
        poor = sum(1 for g in grades if g in POOR_GRADES)
        fair = sum(1 for g in grades if g in FAIR_GRADES)
        if poor >= 1:
            row.flags.append(_("任期内有 %(n)s 个年度为不称职（较差）") % {"n": poor})
        if fair >= 2:
            row.flags.append(_("任期内有 %(n)s 个年度为基本称职（一般）") % {"n": fair})
        rows.append(row)
    rows.sort(key=lambda r: (not r.promotable, -r.total, r.subject.pk))
    return rows
