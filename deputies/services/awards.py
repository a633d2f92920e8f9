"""The deputy-group assessment: the office's scoring table and the presidium's awards
(先进代表小组, 优秀代表)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from congress_office.roles import Role

from ..choices import ActivityType
from ..models import Award, Deputy, DeputyGroup, GroupScoring
from ..selectors import group_ranking, parse_record_year


def _check_year(year):
    if parse_record_year(year) is None:
        raise ValidationError({"year": _("年度不正确。")})


def _json_number(value):
    """Points as JSON numbers: 3 rather than "3.0", 2.5 as 2.5."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


@transaction.atomic
def group_scoring_save(
    *, township, year, by, points, training_points, reception_points, excellent_groups, excellent_deputies
) -> GroupScoring:
    """Set the year's scoring table: points per activity type, per training attended and per
    reception day, and how many groups and deputies the ranking proposes.

    Only the township's office may change it, and not once the presidium has confirmed the
    year's awards (they were decided on the table as it stood)."""
    if not by.has_perm("deputies.change_groupscoring") or by.township_id != township.pk:
        raise PermissionDenied(_("只有本乡镇人大办公室可以修改计分办法。"))
    _check_year(year)
    if Award.objects.filter(township=township, year=year).exists():
        raise ValidationError(_("%(year)s年度评先评优已经确认，计分办法不能再修改。") % {"year": year})
    unknown = set(points) - set(ActivityType.values)
    if unknown:
        raise ValidationError({"points": _("未知的活动类型：%(t)s。") % {"t": "、".join(sorted(unknown))}})
    values = [*points.values(), training_points, reception_points]
    if any(Decimal(v) < 0 for v in values):
        raise ValidationError(_("分值不能为负数。"))
    scoring = GroupScoring.objects.select_for_update().filter(township=township, year=year).first()
    scoring = scoring or GroupScoring(township=township, year=year)
    scoring.points = {key: _json_number(value) for key, value in points.items()}
    scoring.training_points = training_points
    scoring.reception_points = reception_points
    scoring.excellent_groups = excellent_groups
    scoring.excellent_deputies = excellent_deputies
    scoring.full_clean()
    scoring.save()
    return scoring


def _duplicate_message(kind, target, year):
    return _("“%(target)s”已被确认为%(year)s年度%(kind)s，不能重复确认。") % {
        "target": target,
        "year": year,
        "kind": Award.Kind(kind).label,
    }


@transaction.atomic
def award_confirm(*, township, year, kind, target, by) -> Award:
    """The presidium confirms a 先进代表小组 (target: a DeputyGroup) or an 优秀代表 (target: a
    Deputy) of the year, with the score the year's ranking gives it.

    Only a chair of the township (人大主席团) may confirm; each group or deputy is awarded
    at most once per year and kind."""
    if not (by.has_perm("deputies.add_award") and by.has_role(Role.CHAIR) and by.township_id == township.pk):
        raise PermissionDenied(_("只有本乡镇人大主席团可以确认评先评优。"))
    _check_year(year)
    if kind not in Award.Kind.values:
        raise ValidationError({"kind": _("评选类别不正确。")})
    model = DeputyGroup if kind == Award.Kind.GROUP else Deputy
    if not isinstance(target, model) or target.township_id != township.pk:
        raise ValidationError(_("评选对象必须是本乡镇的代表小组或代表。"))
    field = "group" if kind == Award.Kind.GROUP else "deputy"
    # serialise confirmations of the same target: the second sees the first's row
    list(model.objects.select_for_update().filter(pk=target.pk).order_by().values_list("pk", flat=True))
    if Award.objects.filter(year=year, kind=kind, **{field: target}).exists():
        raise ValidationError(_duplicate_message(kind, target, year))
    ranking = group_ranking(township=township, year=year)
    rows = ranking["groups"] if kind == Award.Kind.GROUP else ranking["deputies"]
    score = next((row[1] for row in rows if row[0].pk == target.pk), None)
    if score is None:
        raise ValidationError(_("“%(target)s”不在%(year)s年度的考评范围内。") % {"target": target, "year": year})
    award = Award(township=township, year=year, kind=kind, score=score, confirmed_by=by, **{field: target})
    award.full_clean(validate_constraints=False)  # the uniqueness is checked above, with a Chinese message
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError:
        raise ValidationError(_duplicate_message(kind, target, year)) from None
    return award
