"""Writes to the register: terms, districts, groups, deputies and their status."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
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


@transaction.atomic
def term_update(*, term, number, start_date) -> Term:
    """Correct a term's number or election date; the end date follows (five years)."""
    term.number, term.start_date, term.end_date = number, start_date, term_end_date(start_date)
    term.full_clean()
    term.save()
    return term


def _check_same_township(deputy):
    # `_id` first: an unset relation must give the form's "required" message, not an exception
    for field in ("term", "district", "group"):
        related = getattr(deputy, field) if getattr(deputy, f"{field}_id") else None
        if related is not None and related.township_id != deputy.township_id:
            raise ValidationError({field: _("必须属于本乡镇。")})
    if deputy.user_id and deputy.user.township_id != deputy.township_id:
        raise ValidationError({"user": _("登录账号必须属于本乡镇。")})
    if deputy.district_id and deputy.district.term_id != deputy.term_id:
        raise ValidationError({"district": _("选区必须属于同一届次。")})
    if deputy.group_id and deputy.group.term_id != deputy.term_id:
        raise ValidationError({"group": _("代表小组必须属于同一届次。")})


def _check_district_seats(deputy):
    if not deputy.district_id or deputy.status == DeputyStatus.TERMINATED:
        return
    taken = Deputy.objects.filter(district_id=deputy.district_id).serving().exclude(pk=deputy.pk).count()
    if taken >= deputy.district.seats:
        raise ValidationError(
            {
                "district": _("选区“%(d)s”应选 %(n)s 名代表，已满额。")
                % {"d": deputy.district, "n": deputy.district.seats}
            }
        )


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
    """Suspend, terminate or reinstate a deputy, always with a reason and a date (a
    reinstatement keeps them too: 恢复执行代表职务 is itself a decision on record). A
    termination is final and keeps the deputy in the register's history."""
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    if status not in DeputyStatus.values:
        raise ValidationError({"status": _("请选择要变更的状态。")})
    if status == deputy.status:
        raise ValidationError(_("代表当前已是“%(s)s”状态。") % {"s": deputy.get_status_display()})
    if deputy.status == DeputyStatus.TERMINATED:
        raise ValidationError(_("代表资格已终止，不能再变更状态。"))
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("请填写原因。")
    if on is None:
        errors["on"] = _("请填写日期。")
    elif on > timezone.localdate():
        errors["on"] = _("日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    deputy.status = status
    deputy.status_reason = reason.strip()
    deputy.status_date = on
    if status == DeputyStatus.TERMINATED and deputy.group_id:
        DeputyGroup.objects.filter(leader=deputy).update(leader=None)
    deputy.full_clean()
    deputy.save()
    return deputy


@transaction.atomic
def group_save(*, group: DeputyGroup) -> DeputyGroup:
    if group.term_id and group.term.township_id != group.township_id:
        raise ValidationError({"term": _("必须属于本乡镇。")})
    if group.leader_id:
        # a new group has no members yet, so it cannot have a leader either
        if not group.pk or group.leader.group_id != group.pk:
            raise ValidationError({"leader": _("组长必须是本小组的代表。")})
        if group.leader.status == DeputyStatus.TERMINATED:
            raise ValidationError({"leader": _("代表资格已终止，不能担任组长。")})
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


def deputy_count_minimum(township):
    """The base (45), or 0 for a township small enough to have fewer deputies (选举法: fewer than
    DEPUTY_COUNT_SMALL_POPULATION, 2,000, residents)."""
    return 0 if township.population < settings.DEPUTY_COUNT_SMALL_POPULATION else settings.DEPUTY_COUNT_BASE


def deputy_count_warning(township, count):
    """A Chinese warning when `count` deputies is outside the statutory range for the township's
    population, or None (also None when the population is not set)."""
    maximum = deputy_count_range(township)
    if maximum is None:
        return None
    if count > maximum:
        return _(
            "本届代表 %(c)s 名，超过法定名额上限 %(m)s 名"
            "（基数 %(b)s 名，常住人口每 %(p)s 人增加 1 名，最多 %(x)s 名）。"
        ) % {
            "c": count,
            "m": maximum,
            "b": settings.DEPUTY_COUNT_BASE,
            "p": settings.DEPUTY_COUNT_RESIDENTS_PER_EXTRA,
            "x": settings.DEPUTY_COUNT_MAX,
        }
    if count < deputy_count_minimum(township):
        return _(
            "本届代表 %(c)s 名，少于法定基数 %(b)s 名（常住人口 %(pop)s 人，法定名额 %(b)s–%(m)s 名），请核对。"
        ) % {
            "c": count,
            "b": settings.DEPUTY_COUNT_BASE,
            "pop": township.population,
            "m": maximum,
        }
    return None
