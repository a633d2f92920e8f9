"""The presidium's liaison plan (主席团成员联系代表) and its warnings."""
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Deputy, LiaisonAssignment, LiaisonPlan


@transaction.atomic
def liaison_plan_get_or_create(*, township, year) -> LiaisonPlan:
    plan, _created = LiaisonPlan.objects.get_or_create(township=township, year=year)
    return plan


@transaction.atomic
def liaison_assign(*, plan, member, groups, deputies) -> LiaisonAssignment:
    """Set the groups and deputies one presidium member liaises with."""
    groups, deputies = list(groups), list(deputies)
    if member.township_id != plan.township_id or not member.is_presidium:
        raise ValidationError({"member": _("联系人必须是本乡镇的主席团成员。")})
    if any(g.township_id != plan.township_id for g in groups) or any(d.township_id != plan.township_id for d in deputies):
        raise ValidationError(_("联系的代表小组和代表必须属于本乡镇。"))
    assignment, _created = LiaisonAssignment.objects.get_or_create(plan=plan, member=member)
    assignment.groups.set(groups)
    assignment.deputies.set(deputies)
    return assignment


@dataclass
class LiaisonReview:
    rows: list = field(default_factory=list)          # (assignment, groups, deputies, warnings)
    unliaised: list = field(default_factory=list)     # serving deputies nobody liaises with
    members_without_assignment: list = field(default_factory=list)


def liaison_review(*, plan) -> LiaisonReview:
    """Each member's bands (2–3 groups, 9–11 deputies by default) and who has no liaison.

    A deputy counts as liaised when a member liaises with them directly or with their group.
    Fixed number of queries.
    """
    g_lo, g_hi = settings.LIAISON_GROUPS_RANGE
    d_lo, d_hi = settings.LIAISON_DEPUTIES_RANGE
    review = LiaisonReview()
    assignments = list(
        plan.assignments.select_related("member").prefetch_related("groups", "deputies").order_by("member__name")
    )
    liaised_deputies, liaised_groups = set(), set()
    for a in assignments:
        groups, deputies = list(a.groups.all()), list(a.deputies.all())
        liaised_groups.update(g.pk for g in groups)
        liaised_deputies.update(d.pk for d in deputies)
        warnings = []
        if not g_lo <= len(groups) <= g_hi:
            warnings.append(_("联系代表小组 %(n)s 个，应为 %(lo)s–%(hi)s 个") % {"n": len(groups), "lo": g_lo, "hi": g_hi})
        if not d_lo <= len(deputies) <= d_hi:
            warnings.append(_("联系代表 %(n)s 名，应为 %(lo)s–%(hi)s 名") % {"n": len(deputies), "lo": d_lo, "hi": d_hi})
        review.rows.append((a, groups, deputies, warnings))
    serving = Deputy.objects.filter(township_id=plan.township_id).serving().select_related("group")
    review.unliaised = [d for d in serving if d.pk not in liaised_deputies and d.group_id not in liaised_groups]
    assigned = {a.member_id for a in assignments}
    review.members_without_assignment = [d for d in serving if d.is_presidium and d.pk not in assigned]
    return review
