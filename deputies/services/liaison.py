"""The presidium's liaison plan (主席团成员联系代表) and its warnings."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..choices import DeputyStatus
from ..models import Deputy, LiaisonAssignment, LiaisonPlan, Term


def liaison_term(*, township_id, year):
    """The term a year's plan is made for: the latest one elected by the end of that year (in an
    election year the new term's deputies are the ones to liaise with). None if there is none."""
    return Term.objects.filter(township_id=township_id, start_date__lte=date(year, 12, 31)).order_by("-number").first()


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
    if member.status == DeputyStatus.TERMINATED:
        raise ValidationError({"member": _("该主席团成员的代表资格已终止。")})
    if any(item.township_id != plan.township_id for item in [*groups, *deputies]):
        raise ValidationError(_("联系的代表小组和代表必须属于本乡镇。"))
    terminated = [d.name for d in deputies if d.status == DeputyStatus.TERMINATED]
    if terminated:
        raise ValidationError({"deputies": _("代表资格已终止，不能列入联系名单：%(n)s") % {"n": "、".join(terminated)}})
    if any(d.pk == member.pk for d in deputies):
        raise ValidationError({"deputies": _("主席团成员不必联系自己。")})
    assignment, _created = LiaisonAssignment.objects.get_or_create(plan=plan, member=member)
    assignment.groups.set(groups)
    assignment.deputies.set(deputies)
    return assignment


@transaction.atomic
def liaison_assign_for_year(*, township, year, member, groups, deputies) -> LiaisonAssignment:
    """The plan page's edit form: make the year's plan if it does not exist yet, then assign."""
    plan = liaison_plan_get_or_create(township=township, year=year)
    return liaison_assign(plan=plan, member=member, groups=groups, deputies=deputies)


@dataclass
class LiaisonReview:
    term: Term | None = None
    rows: list = field(default_factory=list)  # (assignment, groups, deputies, warnings)
    unliaised: list = field(default_factory=list)  # serving deputies nobody liaises with
    members_without_assignment: list = field(default_factory=list)

    @property
    def warning_count(self):
        return sum(len(row[3]) for row in self.rows)


def liaison_review(*, plan) -> LiaisonReview:
    """Each member's bands (2–3 groups, 9–11 deputies by default) and who has no liaison.

    A deputy counts as liaised when a member liaises with them directly or with their group.
    Deputies are those serving in the plan's term (see `liaison_term`); presidium members are
    the ones who liaise, so they are not listed as lacking a liaison. `plan` may be unsaved (a
    year without a plan yet: nobody is liaised). Fixed number of queries.
    """
    g_lo, g_hi = settings.LIAISON_GROUPS_RANGE
    d_lo, d_hi = settings.LIAISON_DEPUTIES_RANGE
    review = LiaisonReview(term=liaison_term(township_id=plan.township_id, year=plan.year))
    assignments = []
    if plan.pk:
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
            warnings.append(
                _("联系代表小组 %(n)s 个，应为 %(lo)s–%(hi)s 个") % {"n": len(groups), "lo": g_lo, "hi": g_hi}
            )
        if not d_lo <= len(deputies) <= d_hi:
            warnings.append(
                _("联系代表 %(n)s 名，应为 %(lo)s–%(hi)s 名") % {"n": len(deputies), "lo": d_lo, "hi": d_hi}
            )
        if a.member.status == DeputyStatus.TERMINATED:
            warnings.append(_("代表资格已终止，请调整联系安排"))
        review.rows.append((a, groups, deputies, warnings))
    if review.term is None:
        return review
    serving = list(
        Deputy.objects.filter(township_id=plan.township_id, term=review.term)
        .serving()
        .select_related("group")
        .order_by("group__name", "name", "pk")
    )
    review.unliaised = [
        d for d in serving if not d.is_presidium and d.pk not in liaised_deputies and d.group_id not in liaised_groups
    ]
    assigned = {a.member_id for a in assignments}
    review.members_without_assignment = [d for d in serving if d.is_presidium and d.pk not in assigned]
    return review
