"""Writes to the register: terms, districts, groups, deputies and their status."""
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..choices import DeputyStatus
from ..models import Deputy, DeputyGroup, District, Term


def term_end_date(start):
    years = settings.DEPUTY_TERM_YEARS
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return date(start.year + years, 2, 28)


@transaction.atomic
def term_create(*, township, number, start_date) -> Term:
    term = Term(township=township, number=number, start_date=start_date, end_date=term_end_date(start_date))
    term.full_clean()
    term.save()
    return term


def _check_same_township(deputy):
    for field in ("term", "district", "group"):
        related = getattr(deputy, field)
        if related is not None and related.township_id != deputy.township_id:
            raise ValidationError({field: _("必须属于本乡镇。")})
    if deputy.district_id and deputy.district.term_id != deputy.term_id:
        raise ValidationError({"district": _("选区必须属于同一届次。")})
    if deputy.group_id and deputy.group.term_id != deputy.term_id:
        raise ValidationError({"group": _("代表小组必须属于同一届次。")})


def _check_district_seats(deputy):
    if not deputy.district_id or deputy.status == DeputyStatus.TERMINATED:
        return
    taken = Deputy.objects.filter(district_id=deputy.district_id).serving().exclude(pk=deputy.pk).count()
    if taken >= deputy.district.seats:
        raise ValidationError({"district": _("选区“%(d)s”应选 %(n)s 名代表，已满额。") % {"d": deputy.district, "n": deputy.district.seats}})


def _check_position(deputy):
    if deputy.position and not deputy.is_presidium:
        raise ValidationError({"position": _("主席、副主席须为主席团成员。")})


@transaction.atomic
def deputy_save(*, deputy: Deputy) -> Deputy:
    """Create or update a deputy after checking the register's rules."""
    _check_same_township(deputy)
    _check_district_seats(deputy)
    _check_position(deputy)
    deputy.full_clean()
    deputy.save()
    return deputy


@transaction.atomic
def deputy_change_status(*, deputy, status, reason, on, by=None) -> Deputy:
    """Suspend, terminate or reinstate a deputy. A termination keeps the deputy in history."""
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    if status == deputy.status:
        raise ValidationError(_("代表当前已是“%(s)s”状态。") % {"s": deputy.get_status_display()})
    if deputy.status == DeputyStatus.TERMINATED:
        raise ValidationError(_("代表资格已终止，不能再变更状态。"))
    if status != DeputyStatus.ACTIVE and not (reason or "").strip():
        raise ValidationError({"reason": _("请填写原因。")})
    deputy.status = status
    deputy.status_reason = (reason or "").strip() if status != DeputyStatus.ACTIVE else ""
    deputy.status_date = on if status != DeputyStatus.ACTIVE else None
    if status == DeputyStatus.TERMINATED and deputy.group_id:
        DeputyGroup.objects.filter(leader=deputy).update(leader=None)
    deputy.full_clean()
    deputy.save()
    return deputy


@transaction.atomic
def group_save(*, group: DeputyGroup) -> DeputyGroup:
    if group.leader_id and group.pk and group.leader.group_id != group.pk:
        raise ValidationError({"leader": _("组长必须是本小组的代表。")})
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def district_save(*, district: District) -> District:
    if district.term.township_id != district.township_id:
        raise ValidationError({"term": _("必须属于本乡镇。")})
    serving = district.deputies.serving().count() if district.pk else 0
    if serving > district.seats:
        raise ValidationError({"seats": _("该选区已有 %(n)s 名代表，名额不能少于此数。") % {"n": serving}})
    district.full_clean()
    district.save()
    return district


def deputy_count_range(township):
    """The statutory maximum of deputies for the township's population (选举法: base 45, +1 per
    1,500 residents, at most 160), or None when the population is not set."""
    if not township.population:
        return None
    extra = township.population // settings.DEPUTY_COUNT_RESIDENTS_PER_EXTRA
    return min(settings.DEPUTY_COUNT_BASE + extra, settings.DEPUTY_COUNT_MAX)


def deputy_count_warning(township, count):
    maximum = deputy_count_range(township)
    if maximum is None:
        return None
    if count > maximum:
        return _("本届代表 %(c)s 名，超过法定名额上限 %(m)s 名（基数 %(b)s 名，常住人口每 %(p)s 人增加 1 名，最多 %(x)s 名）。") % {
            "c": count, "m": maximum, "b": settings.DEPUTY_COUNT_BASE, "p": settings.DEPUTY_COUNT_RESIDENTS_PER_EXTRA,
            "x": settings.DEPUTY_COUNT_MAX,
        }
    if count < settings.DEPUTY_COUNT_BASE and township.population >= settings.DEPUTY_COUNT_BASE * 40:
        return _("本届代表 %(c)s 名，少于基数 %(b)s 名，请核对。") % {"c": count, "b": settings.DEPUTY_COUNT_BASE}
    return None
