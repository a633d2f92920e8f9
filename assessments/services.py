"""The rules of the yearly assessment: plans (copied from last year), weights that sum to 100,
quarterly scores with evidence, confirmed quarters and approved corrections, and the year's
grades under the 优秀 quota. Every function checks who may act and refuses in Chinese, changing
nothing."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import EXCELLENT, GRADES, CorrectionState, SubjectKind
from .models import QUARTERS, AssessmentPlan, AssessmentType, Indicator, QuarterLock, Score, ScoreCorrection, Subject

MANAGE = "assessments.add_assessmentplan"
SCORE = "assessments.score_assessment"
CONFIRM = "assessments.confirm_assessment"


def _require(user, permission, township_id):
    if not user.has_perm(permission):
        raise PermissionDenied(_("您没有办理此项考核工作的权限。"))
    if user.township_id is None or user.township_id != township_id:
        raise PermissionDenied(_("只能办理本乡镇的考核。"))


def _text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# --- the plan ------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, township, by, year, title="", copy_last_year=False):
    """A year's plan; optionally a copy of last year's types, indicators (weights, goals) and
    subjects, without their scores or grades."""
    _require(by, MANAGE, township.pk)
    if AssessmentPlan.objects.filter(township=township, year=year).exists():
        raise ValidationError({"year": _("%(y)s 年度的考核方案已存在。") % {"y": year}})
    source = None
    if copy_last_year:
        source = AssessmentPlan.objects.filter(township=township, year=year - 1).first()
        if source is None:
            raise ValidationError({"copy_last_year": _("没有 %(y)s 年度的方案可以沿用。") % {"y": year - 1}})
    plan = AssessmentPlan.objects.create(
        township=township,
        year=year,
        title=(title or "").strip() or _("%(t)s%(y)s年度干部实绩考核方案") % {"t": township.name, "y": year},
        copied_from=source,
        created_by=by,
    )
    if source is not None:
        types = {}
        for old in source.types.prefetch_related("indicators"):
            new = AssessmentType.objects.create(plan=plan, name=old.name, order=old.order)
            types[old.pk] = new
            Indicator.objects.bulk_create(
                [
                    Indicator(
                        assessment_type=new, name=i.name, weight=i.weight, goal=i.goal, source=i.source, order=i.order
                    )
                    for i in old.indicators.all()
                ]
            )
        Subject.objects.bulk_create(
            [
                Subject(
                    plan=plan,
                    kind=s.kind,
                    name=s.name,
                    position=s.position,
                    assessment_type=types[s.assessment_type_id],
                    user=s.user,
                    unit=s.unit,
                )
                for s in source.subjects.all()
            ]
        )
    return plan


def _editable(plan):
    if plan.locks.exists():
        raise ValidationError(_("已有季度考核确认，不能再调整考核类别、指标和对象。"))


@transaction.atomic
def type_add(*, plan, by, name):
    _require(by, MANAGE, plan.township_id)
    _editable(plan)
    name = _text(name, "name", _("请填写考核类别。"))
    if plan.types.filter(name=name).exists():
        raise ValidationError({"name": _("该考核类别已存在。")})
    return AssessmentType.objects.create(plan=plan, name=name, order=plan.types.count() + 1)


@transaction.atomic
def indicator_add(*, assessment_type, by, name, weight, goal="", source=""):
    plan = assessment_type.plan
    _require(by, MANAGE, plan.township_id)
    _editable(plan)
    name = _text(name, "name", _("请填写考核指标。"))
    if not isinstance(weight, int) or not 1 <= weight <= 100:
        raise ValidationError({"weight": _("权重为 1–100 的整数。")})
    used = assessment_type.indicators.aggregate(n=Sum("weight"))["n"] or 0
    if used + weight > 100:
        raise ValidationError(
            {
                "weight": _("“%(t)s”已分配权重 %(u)s 分，再加 %(w)s 分将超过 100 分。")
                % {"t": assessment_type, "u": used, "w": weight}
            }
        )
    from congress_office.registries import unit_indicators

    if source and source not in unit_indicators:
        raise ValidationError({"source": _("未知的系统数据来源。")})
    return Indicator.objects.create(
        assessment_type=assessment_type,
        name=name,
        weight=weight,
        goal=(goal or "").strip(),
        source=source or "",
        order=assessment_type.indicators.count() + 1,
    )


def weight_problems(plan):
    """[(type, total)] of the types whose weights do not sum to 100 (one query)."""
    totals = {t.pk: (t, 0) for t in plan.types.all()}
    for row in Indicator.objects.filter(assessment_type__plan=plan).values("assessment_type").annotate(n=Sum("weight")):
        t, _n = totals[row["assessment_type"]]
        totals[row["assessment_type"]] = (t, row["n"])
    return [(t, n) for t, n in totals.values() if n != 100]


@transaction.atomic
def subject_add(*, plan, by, kind, name, assessment_type, position="", user=None, unit=None):
    _require(by, MANAGE, plan.township_id)
    _editable(plan)
    if kind not in SubjectKind.values:
        raise ValidationError({"kind": _("请选择领导班子或领导干部。")})
    if assessment_type.plan_id != plan.pk:
        raise ValidationError({"assessment_type": _("考核类别不属于本方案。")})
    if user is not None and user.township_id != plan.township_id:
        raise ValidationError({"user": _("本人账号必须属于本乡镇。")})
    if unit is not None and unit.township_id != plan.township_id:
        raise ValidationError({"unit": _("分管单位必须属于本乡镇。")})
    return Subject.objects.create(
        plan=plan,
        kind=kind,
        name=_text(name, "name", _("请填写名称或姓名。")),
        position=(position or "").strip(),
        assessment_type=assessment_type,
        user=user,
        unit=unit,
    )


# --- quarterly scores ------------------------------------------------------------------------------------


def _check_quarter(quarter):
    if quarter not in QUARTERS:
        raise ValidationError({"quarter": _("季度为 1–4。")})


def _check_value(indicator, value):
    try:
        value = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("请填写得分。")}) from None
    if not Decimal(0) <= value <= indicator.quarter_max:
        raise ValidationError(
            {
                "value": _("“%(i)s”每季度得分为 0–%(m)s 分（权重 %(w)s 分的四分之一）。")
                % {"i": indicator.name, "m": indicator.quarter_max, "w": indicator.weight}
            }
        )
    return value


@transaction.atomic
def score_set(*, subject, indicator, quarter, value, by, evidence="", links=()):
    """平时考核: the score of one indicator in one quarter, with its evidence. A confirmed quarter
    is changed only through a correction."""
    plan = subject.plan
    _require(by, SCORE, plan.township_id)
    _check_quarter(quarter)
    if indicator.assessment_type_id != subject.assessment_type_id:
        raise ValidationError({"indicator": _("该指标不属于考核对象的考核类别。")})
    problems = [t for t, _n in weight_problems(plan) if t.pk == subject.assessment_type_id]
    if problems:
        raise ValidationError(_("“%(t)s”的指标权重合计不是 100 分，请先调整指标。") % {"t": problems[0]})
    if QuarterLock.objects.filter(plan=plan, quarter=quarter).exists():
        raise ValidationError(_("第 %(q)s 季度已确认，如需更改请提出更正申请。") % {"q": quarter})
    value = _check_value(indicator, value)
    links = [str(link).strip() for link in links if str(link).strip()]
    if any(not link.startswith("/") or link.startswith("//") for link in links):
        raise ValidationError({"links": _("关联记录请填写本系统内的链接（以 / 开头），如 /petitions/12/。")})
    score, _created = Score.objects.update_or_create(
        subject=subject,
        indicator=indicator,
        quarter=quarter,
        defaults={
            "value": value,
            "evidence": (evidence or "").strip(),
            "links": links,
            "scored_by": by,
        },
    )
    return score


def missing_scores(plan, quarter):
    """[(subject, indicator)] still without a score in the quarter (two queries)."""
    scored = set(Score.objects.filter(subject__plan=plan, quarter=quarter).values_list("subject_id", "indicator_id"))
    indicators = {}
    for indicator in Indicator.objects.filter(assessment_type__plan=plan):
        indicators.setdefault(indicator.assessment_type_id, []).append(indicator)
    return [
        (subject, indicator)
        for subject in plan.subjects.all()
        for indicator in indicators.get(subject.assessment_type_id, [])
        if (subject.pk, indicator.pk) not in scored
    ]


@transaction.atomic
def quarter_confirm(*, plan, quarter, by):
    """确认: every subject scored on every indicator; the quarter is locked."""
    _require(by, CONFIRM, plan.township_id)
    _check_quarter(quarter)
    AssessmentPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).get()
    if QuarterLock.objects.filter(plan=plan, quarter=quarter).exists():
        raise ValidationError(_("第 %(q)s 季度已确认。") % {"q": quarter})
    if quarter > 1 and not QuarterLock.objects.filter(plan=plan, quarter=quarter - 1).exists():
        raise ValidationError(_("请先确认第 %(q)s 季度。") % {"q": quarter - 1})
    missing = missing_scores(plan, quarter)
    if missing:
        shown = "、".join(f"{s.name}（{i.name}）" for s, i in missing[:5])
        message = _("还有 %(n)s 项未评分：%(shown)s等。") if len(missing) > 5 else _("还有 %(n)s 项未评分：%(shown)s。")
        raise ValidationError(message % {"n": len(missing), "shown": shown})
    return QuarterLock.objects.create(plan=plan, quarter=quarter, confirmed_by=by)


@transaction.atomic
def correction_request(*, score, by, new_value, reason):
    plan = score.subject.plan
    _require(by, SCORE, plan.township_id)
    if not QuarterLock.objects.filter(plan=plan, quarter=score.quarter).exists():
        raise ValidationError(_("本季度尚未确认，可直接修改得分。"))
    reason = _text(reason, "reason", _("请写明更正理由。"))
    new_value = _check_value(score.indicator, new_value)
    if new_value == score.value:
        raise ValidationError({"new_value": _("更正后得分与原得分相同。")})
    if score.corrections.filter(state=CorrectionState.REQUESTED).exists():
        raise ValidationError(_("该得分已有待批准的更正申请。"))
    return ScoreCorrection.objects.create(
        score=score, old_value=score.value, new_value=new_value, reason=reason, requested_by=by
    )


@transaction.atomic
def correction_decide(*, correction, by, approve):
    """A chair approves (the score changes, the old value stays on the correction) or refuses."""
    correction = (
        ScoreCorrection.objects.select_for_update().select_related("score__subject__plan").get(pk=correction.pk)
    )
    _require(by, CONFIRM, correction.score.subject.plan.township_id)
    if correction.state != CorrectionState.REQUESTED:
        raise ValidationError(_("该更正申请已处理。"))
    if correction.requested_by_id == by.pk:
        raise ValidationError(_("更正申请须由申请人以外的负责人批准。"))
    correction.state = CorrectionState.APPROVED if approve else CorrectionState.REFUSED
    correction.decided_by, correction.decided_at = by, timezone.now()
    correction.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        score = correction.score
        score.value, score.scored_by = correction.new_value, by
        score.save(update_fields=["value", "scored_by", "scored_at"])
    return correction


def subject_totals(plan):
    """{subject_id: {"quarters": {1: Decimal, …}, "year": Decimal}} in one query."""
    totals = {s.pk: {"quarters": dict.fromkeys(QUARTERS, Decimal(0)), "year": Decimal(0)} for s in plan.subjects.all()}
    rows = Score.objects.filter(subject__plan=plan).values("subject_id", "quarter").annotate(n=Sum("value"))
    for row in rows:
        entry = totals[row["subject_id"]]
        entry["quarters"][row["quarter"]] = row["n"]
        entry["year"] += row["n"]
    return totals


# --- grades -----------------------------------------------------------------------------------------------


def excellent_quota(n):
    """At most ASSESSMENT_EXCELLENT_QUOTA of the subjects of a kind may be 优秀: ⌊n·a/b⌋."""
    numerator, denominator = settings.ASSESSMENT_EXCELLENT_QUOTA
    return n * numerator // denominator


@transaction.atomic
def grades_confirm(*, plan, by, grades):
    """The year's grades (`grades`: subject id → grade), once the four quarters are confirmed,
    with at most the quota of 优秀 per kind (teams and cadres counted apart)."""
    _require(by, CONFIRM, plan.township_id)
    AssessmentPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).get()
    if plan.locks.count() < len(QUARTERS):
        raise ValidationError(_("四个季度均确认后才能评定年度等次。"))
    subjects = list(plan.subjects.all())
    errors = {}
    for subject in subjects:
        grade = grades.get(subject.pk) or grades.get(str(subject.pk))
        if grade not in GRADES[subject.kind].values:
            errors[subject.pk] = subject
    if errors:
        raise ValidationError(
            _("请为每个考核对象选择等次：%(names)s。") % {"names": "、".join(s.name for s in errors.values())}
        )
    for kind in SubjectKind.values:
        of_kind = [s for s in subjects if s.kind == kind]
        excellent = sum(1 for s in of_kind if (grades.get(s.pk) or grades.get(str(s.pk))) == EXCELLENT)
        quota = excellent_quota(len(of_kind))
        if excellent > quota:
            raise ValidationError(
                _("%(kind)s评为优秀的 %(n)s 个，超过名额：%(total)s 个考核对象，优秀不超过 %(q)s 个。")
                % {"kind": SubjectKind(kind).label, "n": excellent, "total": len(of_kind), "q": quota}
            )
    now = timezone.now()
    for subject in subjects:
        subject.grade = grades.get(subject.pk) or grades.get(str(subject.pk))
        subject.grade_confirmed_at, subject.grade_confirmed_by = now, by
        subject._history_user = by
        subject.save(update_fields=["grade", "grade_confirmed_at", "grade_confirmed_by"])
    return subjects


@transaction.atomic
def inspection_set(*, subject, by, score, note=""):
    """考察得分 of a cadre (0 … ASSESSMENT_INSPECTION_POINTS)."""
    from .models import Inspection

    _require(by, SCORE, subject.plan.township_id)
    if subject.kind != SubjectKind.CADRE:
        raise ValidationError(_("考察得分只适用于领导干部。"))
    try:
        score = Decimal(str(score)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": _("请填写考察得分。")}) from None
    if not Decimal(0) <= score <= settings.ASSESSMENT_INSPECTION_POINTS:
        raise ValidationError({"score": _("考察得分为 0–%(m)s 分。") % {"m": settings.ASSESSMENT_INSPECTION_POINTS}})
    inspection, _created = Inspection.objects.update_or_create(
        subject=subject, defaults={"score": score, "note": (note or "").strip(), "recorded_by": by}
    )
    return inspection


def quarter_period(year, quarter):
    from datetime import date

    from .targets import month_end

    return date(year, quarter * 3 - 2, 1), month_end(year, quarter * 3)


def office_figure(indicator, subject, quarter):
    """The product's own figure for a sourced indicator, the subject's unit and the quarter:
    {"label", "numerator", "denominator", "percent", "suggested", "url"}, or None."""
    from congress_office.registries import unit_indicators

    if not indicator.source or subject.unit_id is None or indicator.source not in unit_indicators:
        return None
    entry = unit_indicators[indicator.source]
    start, end = quarter_period(subject.plan.year, quarter)
    numerator, denominator, url = entry.compute(subject.unit, start, end)
    if not denominator:
        return {"label": entry.label, "numerator": 0, "denominator": 0, "percent": None, "suggested": None, "url": url}
    share = Decimal(numerator) / Decimal(denominator)
    return {
        "label": entry.label,
        "numerator": numerator,
        "denominator": denominator,
        "percent": (share * 100).quantize(Decimal("0.1")),
        "suggested": (indicator.quarter_max * share).quantize(Decimal("0.01")),
        "url": url,
    }


@transaction.atomic
def evidence_add(*, score, by, files):
    """Files of evidence for a score (validated by content and size); allowed also after the
    quarter is confirmed, as they change no number."""
    from .models import ScoreFile, validate_evidence_upload

    _require(by, SCORE, score.subject.plan.township_id)
    files = list(files)
    if not files:
        raise ValidationError({"files": _("请选择文件。")})
    files = [validate_evidence_upload(file) or file for file in files]  # what is stored (an image encoded again)
    return [
        ScoreFile.objects.create(score=score, file=file, name=file.name[:200], size=file.size, uploaded_by=by)
        for file in files
    ]
