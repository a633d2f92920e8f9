"""Duty activities: a deputy logs, a clerk confirms or returns; reception days; trainings."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress_office.message_keys import Message
from congress_office.roles import Role
from congress_office.services.notifications import notify

from ..choices import ActivityStatus
from ..models import Activity, ActivityAttachment, Deputy, ReceptionDay, ReceptionVisit, Training
from ..validators import sniff_is_image, validate_attachment


def _participants_for(*, by, township, participants, group):
    participants = list(participants or [])
    if group is not None:
        if group.township_id != township.pk:
            raise ValidationError({"group": _("代表小组必须属于本乡镇。")})
        if not participants:
            # a group activity is logged once for all its serving members
            participants = list(group.members.serving())
    if by.has_role(Role.DEPUTY) and not by.has_role(Role.CLERK):
        # a deputy's own entry always includes them (checked before "nobody chosen": a deputy's
        # form has no participant field, so the list is empty until they are added)
        own = Deputy.objects.filter(user=by).first()
        if own is None:
            raise PermissionDenied(_("您的账号尚未关联代表信息，请联系人大办。"))
        if own not in participants:
            participants.append(own)
    if not participants:
        raise ValidationError({"participants": _("请选择参加活动的代表。")})
    if any(d.township_id != township.pk for d in participants):
        raise ValidationError({"participants": _("参加代表必须属于本乡镇。")})
    return participants


def _validate_files(files):
    """Every file is checked before any is stored: one bad file saves nothing (and leaves no
    orphan in the media storage)."""
    files = [f for f in files or [] if f]
    cleaned, errors = [], []
    for upload in files:
        try:
            cleaned.append(validate_attachment(upload) or upload)  # what is stored (an image encoded again)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"files": errors})
    return cleaned


def _attach(activity, files):
    for upload in files:
        ActivityAttachment.objects.create(
            activity=activity,
            file=upload,
            name=upload.name[:200],
            is_image=sniff_is_image(upload),
            size=upload.size,
        )


def _notify_reviewers(activity, by):
    from congress_office.models import User

    notify(
        recipients=User.objects.with_role(Role.CLERK).filter(township_id=activity.township_id),
        title=Message(gettext_noop("待确认的履职活动：%(t)s"), t=activity.title),
        body=Message(gettext_noop("填报人：%(by)s"), by=by.display_name),
        url=activity.get_absolute_url(),
        township=activity.township,
    )


@transaction.atomic
def activity_log(
    *, by, township, type, date, place, title, summary, outcome="", participants=None, group=None, files=None
) -> Activity:
    """Log an activity. A deputy's entry always includes themselves and waits for the office's
    confirmation; an entry by the office itself is confirmed at once."""
    if date > timezone.localdate():
        raise ValidationError({"date": _("活动日期不能晚于今天。")})
    files = _validate_files(files)
    people = _participants_for(by=by, township=township, participants=participants, group=group)
    office = by.has_role(Role.CLERK)
    activity = Activity(
        township=township,
        type=type,
        date=date,
        place=place,
        title=title,
        summary=summary,
        outcome=outcome,
        group=group,
        submitted_by=by,
        status=ActivityStatus.CONFIRMED if office else ActivityStatus.SUBMITTED,
        reviewed_by=by if office else None,
        reviewed_at=timezone.now() if office else None,
    )
    activity.full_clean()
    activity.save()
    activity.participants.set(people)
    _attach(activity, files)
    if not office:
        _notify_reviewers(activity, by)
    return activity


@transaction.atomic
def activity_resubmit(*, activity, by, files=None, **changes) -> Activity:
    """A deputy corrects a returned (or still pending) activity and submits it again; the
    office is told once more."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.submitted_by_id != by.pk:
        raise PermissionDenied(_("只能修改本人填报的履职活动。"))
    if activity.status == ActivityStatus.CONFIRMED:
        raise ValidationError(_("已确认的活动不能再修改。"))
    if "date" in changes and changes["date"] > timezone.localdate():
        raise ValidationError({"date": _("活动日期不能晚于今天。")})
    files = _validate_files(files)
    participants = changes.pop("participants", None)
    for field, value in changes.items():
        setattr(activity, field, value)
    activity.status, activity.return_reason = ActivityStatus.SUBMITTED, ""
    activity.full_clean()
    activity.save()
    if participants is not None:
        activity.participants.set(
            _participants_for(by=by, township=activity.township, participants=participants, group=activity.group)
        )
    _attach(activity, files)
    _notify_reviewers(activity, by)
    return activity


def _reviewable(activity, by):
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not by.has_perm("deputies.review_activity") or by.township_id != activity.township_id:
        raise PermissionDenied(_("您无权审核本乡镇以外的履职活动。"))
    if activity.status != ActivityStatus.SUBMITTED:
        raise ValidationError(
            _("只有“待确认”的活动可以确认或退回，当前状态：%(s)s。") % {"s": activity.get_status_display()}
        )
    return activity


@transaction.atomic
def activity_confirm(*, activity, by) -> Activity:
    activity = _reviewable(activity, by)
    activity.status, activity.reviewed_by, activity.reviewed_at = ActivityStatus.CONFIRMED, by, timezone.now()
    activity.save()
    notify(
        recipients=[activity.submitted_by],
        title=Message(gettext_noop("履职活动已确认：%(t)s"), t=activity.title),
        url=activity.get_absolute_url(),
        township=activity.township,
    )
    _notify_co_participants(activity)
    return activity


def _notify_co_participants(activity):
    """The other deputies named in a confirmed entry: it now counts in their records too."""
    from congress_office.models import User

    others = User.objects.filter(deputy__in=activity.participants.all()).exclude(pk=activity.submitted_by_id)
    if others.exists():
        notify(
            recipients=others,
            title=Message(gettext_noop("您参加的履职活动已确认：%(t)s"), t=activity.title),
            body=Message(gettext_noop("已记入您的履职档案。")),
            url=activity.get_absolute_url(),
            township=activity.township,
        )


@transaction.atomic
def activity_return(*, activity, by, reason) -> Activity:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退回原因。")})
    activity = _reviewable(activity, by)
    activity.status, activity.return_reason = ActivityStatus.RETURNED, reason.strip()
    activity.reviewed_by, activity.reviewed_at = by, timezone.now()
    activity.save()
    notify(
        recipients=[activity.submitted_by],
        title=Message(gettext_noop("履职活动被退回：%(t)s"), t=activity.title),
        body=activity.return_reason,
        url=activity.get_absolute_url(),
        township=activity.township,
    )
    return activity


def _same_township(by, township_id):
    if not by.is_county_wide and by.township_id != township_id:
        raise PermissionDenied(_("只能处理本乡镇的记录。"))


@transaction.atomic
def reception_day_schedule(*, by, township, district, date, place, deputies=(), note="") -> ReceptionDay:
    """Put a reception day (代表接待日) of a district on the schedule, with the deputies receiving."""
    _same_township(by, township.pk)
    deputies = list(deputies)
    if district.township_id != township.pk:
        raise ValidationError({"district": _("选区必须属于本乡镇。")})
    if any(d.township_id != township.pk for d in deputies):
        raise ValidationError({"deputies": _("接待代表必须属于本乡镇。")})
    if ReceptionDay.objects.filter(district=district, date=date).exists():
        raise ValidationError({"date": _("该选区在这一天已安排了接待日。")})
    day = ReceptionDay(township=township, district=district, date=date, place=place, note=note)
    day.full_clean()
    day.save()
    day.deputies.set(deputies)
    return day


@transaction.atomic
def reception_visit_record(*, reception_day, by, visitor, matter, visitor_contact="", response="") -> ReceptionVisit:
    _same_township(by, reception_day.township_id)
    visit = ReceptionVisit(
        reception_day=reception_day,
        recorded_by=by,
        visitor=visitor,
        matter=matter,
        visitor_contact=visitor_contact,
        response=response,
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def training_create(*, by, township, title, date, place="", hours=2) -> Training:
    _same_township(by, township.pk)
    training = Training(township=township, title=title, date=date, place=place, hours=hours)
    training.full_clean()
    training.save()
    return training


@transaction.atomic
def training_set_attendance(*, training: Training, deputies, by=None) -> Training:
    if by is not None:
        _same_township(by, training.township_id)
    deputies = list(deputies)
    if any(d.township_id != training.township_id for d in deputies):
        raise ValidationError(_("参训代表必须属于本乡镇。"))
    training.attendees.set(deputies)
    return training


def deputy_for_user(user):
    return Deputy.objects.filter(user=user).first()
