"""Reads for the deputies' pages: fixed query counts whatever the row count."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from congress_office.registries import deputy_record_sections

from .choices import ActivityStatus, ActivityType
from .models import (
    Activity,
    ActivityAttachment,
    Award,
    Deputy,
    DeputyGroup,
    GroupScoring,
    ReceptionDay,
    ReceptionVisit,
    Training,
)

DEFAULT_ACTIVITY_POINTS = {
    ActivityType.INSPECTION: 3,
    ActivityType.LAW_ENFORCEMENT: 3,
    ActivityType.RESEARCH: 3,
    ActivityType.CONTACT_VOTERS: 2,
    ActivityType.RECEIVE_VOTERS: 2,
    ActivityType.GROUP: 2,
    ActivityType.TRAINING: 1,
    ActivityType.REPORT: 5,
    ActivityType.EVALUATION: 3,
    ActivityType.APPOINTMENT: 2,
    ActivityType.OTHER: 1,
}


# the years a record, summary or assessment can be asked for
RECORD_YEARS = range(2000, 2101)


def year_bounds(year):
    return date(year, 1, 1), date(year, 12, 31)


def parse_record_year(value):
    """A year from a URL, a form or a job's params, or None when it is not a sensible one."""
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return None
    return year if year in RECORD_YEARS else None


def deputy_list(*, user, filters=None):
    from .filters import DeputyFilterSet

    qs = Deputy.objects.visible_to(user).select_related("township", "term", "district", "group")
    return DeputyFilterSet(filters, queryset=qs, user=user)


def activity_list(*, user, filters=None):
    from .filters import ActivityFilterSet

    qs = (
        Activity.objects.visible_to(user)
        .select_related("township", "group", "submitted_by")
        .prefetch_related("participants")
        .order_by("-date", "-pk")
    )
    return ActivityFilterSet(filters, queryset=qs, user=user)


def attach_attachment_counts(activities):
    """Set `attachment_count` on a page of activities (a list) in one query."""
    counts = dict(
        ActivityAttachment.objects.filter(activity__in=activities)
        .values("activity")
        .annotate(n=Count("pk"))
        .values_list("activity", "n")
    )
    for activity in activities:
        activity.attachment_count = counts.get(activity.pk, 0)


def co_participant_choices(user):
    """The deputies `user` may name as co-participants of an activity: the serving deputies of
    their own township (none for a user without one)."""
    if not user.is_authenticated or user.township_id is None:
        return Deputy.objects.none()
    return Deputy.objects.filter(township_id=user.township_id).serving()


def activity_batch_selection(*, user, ids):
    """The activities of a batch confirmation page: those among `ids` that `user` may review (their
    township's, whatever their state, with the participants), in the list's order, in two queries.
    Ids of another township's activity or of none are simply not returned."""
    if not user.has_perm("deputies.review_activity") or user.township_id is None:
        return []
    return list(
        Activity.objects.filter(township_id=user.township_id, pk__in=ids)
        .select_related("submitted_by")
        .prefetch_related("participants")
        .order_by("-date", "-pk")
    )


def reception_day_list(*, user, filters=None):
    from .filters import ReceptionDayFilterSet

    qs = (
        ReceptionDay.objects.visible_to(user)
        .select_related("township", "district")
        .prefetch_related("deputies")
        .annotate(visit_count=Count("visits", distinct=True))
        .order_by("-date", "-pk")
    )
    return ReceptionDayFilterSet(filters, queryset=qs, user=user)


def training_list(*, user, year):
    start, end = year_bounds(year)
    return (
        Training.objects.visible_to(user)
        .filter(date__range=(start, end))
        .select_related("township")
        .annotate(attendee_count=Count("attendees", distinct=True))
        .order_by("-date", "-pk")
    )


@dataclass
class DeputyYearRecord:
    deputy: Deputy
    year: int
    activities: list = field(default_factory=list)
    by_type: list = field(default_factory=list)  # [(label, count)]
    trainings_attended: list = field(default_factory=list)
    trainings_missed: list = field(default_factory=list)
    reception_days: list = field(default_factory=list)  # annotated with visit_count
    sections: list = field(default_factory=list)  # from other apps (meetings, suggestions …)
    awards: list = field(default_factory=list)  # confirmed 优秀代表 / 先进代表小组 of the year

    # confirmed 培训 activities that are not a training of the township the deputy is recorded
    # at (a county's course …): listed with the trainings, counted once
    other_trainings: list = field(default_factory=list)

    @property
    def total(self):
        """Every duty activity of the year, a training counted once (the sum of `by_type`)."""
        return sum(count for _label, count in self.by_type)

    @property
    def visit_count(self):
        return sum(day.visit_count for day in self.reception_days)

    @property
    def training_total(self):
        """The trainings the township held in the year."""
        return len(self.trainings_attended) + len(self.trainings_missed)

    @property
    def training_count(self):
        """The trainings the deputy took part in: the township's they are recorded at, and the
        other confirmed 培训 activities. The one number of 培训 on the page and the PDF: the
        table by type, the summary and the training section all show it."""
        return len(self.trainings_attended) + len(self.other_trainings)


def deputy_year_record(*, deputy, year) -> DeputyYearRecord:
    """The yearly performance record (履职档案) of one deputy: confirmed activities by type,
    trainings, reception days, awards, and the sections later apps register. Fixed queries
    (plus whatever the registered sections need)."""
    start, end = year_bounds(year)
    record = DeputyYearRecord(deputy=deputy, year=year)
    record.activities = list(
        deputy.activities.filter(status=ActivityStatus.CONFIRMED, date__range=(start, end))
        .select_related("group")
        .order_by("date", "pk")
    )
    trainings = list(Training.objects.filter(township_id=deputy.township_id, date__range=(start, end)).order_by("date"))
    attended = set(deputy.trainings_attended.filter(date__range=(start, end)).values_list("pk", flat=True))
    record.trainings_attended = [t for t in trainings if t.pk in attended]
    record.trainings_missed = [t for t in trainings if t.pk not in attended]
    # a 培训 activity on the day of a training the deputy is recorded at is that training
    attended_days = {t.date for t in record.trainings_attended}
    record.other_trainings = [
        a for a in record.activities if a.type == ActivityType.TRAINING and a.date not in attended_days
    ]
    counts = Counter(a.type for a in record.activities if a.type != ActivityType.TRAINING)
    counts[ActivityType.TRAINING] = record.training_count
    record.by_type = [(label, counts.get(value, 0)) for value, label in ActivityType.choices]
    record.reception_days = list(
        deputy.reception_days.filter(date__range=(start, end))
        .select_related("district")
        .annotate(visit_count=Count("visits"))
        .order_by("date")
    )
    awarded = Q(kind=Award.Kind.DEPUTY, deputy=deputy)
    if deputy.group_id:
        awarded |= Q(kind=Award.Kind.GROUP, group_id=deputy.group_id)
    record.awards = list(Award.objects.filter(awarded, year=year).select_related("group", "deputy").order_by("kind"))
    for key, section in deputy_record_sections.items():
        record.sections.append({"key": key, "title": section.title, "rows": section.build(deputy, year)})
    return record


def deputies_without_training(*, township_id, year):
    """Serving deputies who missed every training of the year (none if there was no training).

    Only deputies who could have attended count: a training was held during their term (looking
    back at an earlier year must not list deputies elected after it, nor those of a term that
    ended before the first training)."""
    start, end = year_bounds(year)
    trainings = Training.objects.filter(township_id=township_id, date__range=(start, end))
    if not trainings.exists():
        return []
    held_during_term = trainings.filter(date__gte=OuterRef("term__start_date"), date__lte=OuterRef("term__end_date"))
    return list(
        Deputy.objects.filter(township_id=township_id)
        .serving()
        .filter(Exists(held_during_term))
        .exclude(trainings_attended__date__range=(start, end))
        .select_related("group")
        .order_by("group__name", "name")
    )


def _serving_in(queryset, start, end):
    """Deputies holding their seat whose term overlaps [start, end]."""
    return queryset.filter(term__start_date__lte=end, term__end_date__gte=start).serving()


def _count(queryset, group_by, count="pk", *, distinct=False):
    """A correlated COUNT(...) subquery for an annotation; 0 when nothing matches. Keeps each
    count in its own subquery, so counts over different relations do not multiply."""
    subquery = queryset.order_by().values(group_by).annotate(n=Count(count, distinct=distinct)).values("n")
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)


def inactive_deputies(*, township_id, today=None, days=None):
    """Deputies serving today with no confirmed activity in the last `days` days (90 by
    default), with `last_activity` (None when they never logged one)."""
    from django.conf import settings

    today = today or timezone.localdate()
    since = today - timedelta(days=days or settings.DEPUTY_INACTIVE_DAYS)
    return list(
        _serving_in(Deputy.objects.filter(township_id=township_id), today, today)
        .annotate(last_activity=Max("activities__date", filter=Q(activities__status=ActivityStatus.CONFIRMED)))
        .filter(Q(last_activity__lt=since) | Q(last_activity__isnull=True))
        .select_related("group")
        .order_by("group__name", "name")
    )


def group_year_summary(*, township_id, year):
    """Per group of a term overlapping the year: serving members, confirmed activities of its
    members (distinct), member-activity participations, the group's own activities, training
    attendances and reception days (distinct) of its members. One query."""
    start, end = year_bounds(year)
    group = OuterRef("pk")
    taken_part = Activity.participants.through.objects.filter(
        deputy__group=group, activity__status=ActivityStatus.CONFIRMED, activity__date__range=(start, end)
    )
    groups = (
        DeputyGroup.objects.filter(township_id=township_id, term__start_date__lte=end, term__end_date__gte=start)
        .select_related("leader", "term")
        .annotate(
            member_count=_count(Deputy.objects.filter(group=group).serving(), "group"),
            activity_count=_count(taken_part, "deputy__group", "activity", distinct=True),
            participation_count=_count(taken_part, "deputy__group"),
            group_activity_count=_count(
                Activity.objects.filter(group=group, status=ActivityStatus.CONFIRMED, date__range=(start, end)), "group"
            ),
            training_count=_count(
                Training.attendees.through.objects.filter(deputy__group=group, training__date__range=(start, end)),
                "deputy__group",
            ),
            reception_count=_count(
                ReceptionDay.deputies.through.objects.filter(
                    deputy__group=group, receptionday__date__range=(start, end)
                ),
                "deputy__group",
                "receptionday",
                distinct=True,
            ),
        )
        .order_by("name")
    )
    return list(groups)


def with_year_counts(queryset, year):
    """Annotate deputies with their confirmed activities, trainings attended and reception
    days in the year (one subquery each)."""
    start, end = year_bounds(year)
    deputy = OuterRef("pk")
    return queryset.annotate(
        activity_count=_count(
            Activity.participants.through.objects.filter(
                deputy=deputy, activity__status=ActivityStatus.CONFIRMED, activity__date__range=(start, end)
            ),
            "deputy",
        ),
        training_count=_count(
            Training.attendees.through.objects.filter(deputy=deputy, training__date__range=(start, end)), "deputy"
        ),
        reception_count=_count(
            ReceptionDay.deputies.through.objects.filter(deputy=deputy, receptionday__date__range=(start, end)),
            "deputy",
        ),
    )


def activity_type_counts(*, township_id, year):
    """Confirmed activities of the year by type, every type listed: [(value, label, count)]."""
    start, end = year_bounds(year)
    counts = dict(
        Activity.objects.filter(township_id=township_id, status=ActivityStatus.CONFIRMED, date__range=(start, end))
        .order_by()
        .values_list("type")
        .annotate(n=Count("pk"))
    )
    return [(value, label, counts.get(value, 0)) for value, label in ActivityType.choices]


def township_year_summary(*, township_id, year):
    """The township's figures for the year: deputies serving, activities (confirmed and
    waiting), participations, trainings and attendance, reception days and visits."""
    start, end = year_bounds(year)
    activities = Activity.objects.filter(township_id=township_id, date__range=(start, end)).aggregate(
        confirmed=Count("pk", filter=Q(status=ActivityStatus.CONFIRMED)),
        submitted=Count("pk", filter=Q(status=ActivityStatus.SUBMITTED)),
    )
    trainings = Training.objects.filter(township_id=township_id, date__range=(start, end))
    receptions = ReceptionDay.objects.filter(township_id=township_id, date__range=(start, end))
    return {
        "deputy_count": _serving_in(Deputy.objects.filter(township_id=township_id), start, end).count(),
        "activity_count": activities["confirmed"],
        "submitted_count": activities["submitted"],
        "participation_count": Activity.participants.through.objects.filter(
            activity__township_id=township_id,
            activity__status=ActivityStatus.CONFIRMED,
            activity__date__range=(start, end),
        ).count(),
        "training_count": trainings.count(),
        "training_attendance": Training.attendees.through.objects.filter(training__in=trainings).count(),
        "reception_count": receptions.count(),
        "visit_count": ReceptionVisit.objects.filter(reception_day__in=receptions).count(),
    }


@dataclass
class GroupYearDetail:
    group: DeputyGroup
    year: int
    members: list = field(default_factory=list)  # deputies with activity/training/reception counts and .score
    activities: list = field(default_factory=list)  # the group's own confirmed activities
    training_total: int = 0
    awards: list = field(default_factory=list)

    @property
    def average_score(self):
        if not self.members:
            return Decimal(0)
        return (sum(m.score for m in self.members) / len(self.members)).quantize(Decimal("0.1"))


def group_year_detail(*, group, year) -> GroupYearDetail:
    """One group's year: its serving members with their counts and scores, its own activities,
    and its awards. Fixed queries."""
    start, end = year_bounds(year)
    detail = GroupYearDetail(group=group, year=year)
    scores = dict((d.pk, s) for d, s in deputy_scores(township=group.township_id, year=year)[0])
    detail.members = list(with_year_counts(group.members.serving(), year).order_by("name"))
    for member in detail.members:
        member.score = scores.get(member.pk, Decimal(0))
    detail.activities = list(
        Activity.objects.filter(group=group, status=ActivityStatus.CONFIRMED, date__range=(start, end))
        .annotate(participant_count=Count("participants"))
        .order_by("date", "pk")
    )
    detail.training_total = Training.objects.filter(township_id=group.township_id, date__range=(start, end)).count()
    detail.awards = list(
        Award.objects.filter(Q(group=group) | Q(deputy__group=group), year=year)
        .select_related("group", "deputy")
        .order_by("kind", "deputy__name")
    )
    return detail


def _decimal(value):
    """A points value from the JSON table as a Decimal (bad input counts as 0)."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return Decimal(0)


def scoring_for(*, township, year):
    """The year's GroupScoring row (None if the office has not set one) and the points per
    activity type (the defaults, overridden by the row's)."""
    scoring = GroupScoring.objects.filter(township=township, year=year).first()
    points = {**DEFAULT_ACTIVITY_POINTS, **((scoring.points if scoring else None) or {})}
    return scoring, {str(key): _decimal(value) for key, value in points.items()}


def effective_scoring(scoring, *, township, year):
    """The saved row, or an unsaved one carrying the model's defaults."""
    return scoring or GroupScoring(township_id=getattr(township, "pk", township), year=year)


def deputy_scores(*, township, year):
    """Each deputy serving in the year, with a score from the scoring table. Fixed queries."""
    start, end = year_bounds(year)
    scoring, points = scoring_for(township=township, year=year)
    rules = effective_scoring(scoring, township=township, year=year)
    training_points, reception_points = _decimal(rules.training_points), _decimal(rules.reception_points)
    deputies = list(
        _serving_in(Deputy.objects.filter(township=township), start, end).select_related("group").order_by("pk")
    )
    scores = {d.pk: Decimal(0) for d in deputies}
    through = Activity.participants.through.objects.filter(
        activity__status=ActivityStatus.CONFIRMED,
        activity__date__range=(start, end),
        deputy__township=township,
    ).values_list("deputy_id", "activity__type")
    for deputy_id, activity_type in through:
        if deputy_id in scores:
            scores[deputy_id] += points.get(activity_type, Decimal(0))
    for deputy_id in Training.attendees.through.objects.filter(
        training__township=township, training__date__range=(start, end)
    ).values_list("deputy_id", flat=True):
        if deputy_id in scores:
            scores[deputy_id] += training_points
    for deputy_id in ReceptionDay.deputies.through.objects.filter(
        receptionday__township=township, receptionday__date__range=(start, end)
    ).values_list("deputy_id", flat=True):
        if deputy_id in scores:
            scores[deputy_id] += reception_points
    return [(d, scores[d.pk]) for d in deputies], scoring


def group_ranking(*, township, year):
    """Groups ranked by their members' average score, and deputies ranked by score: the
    proposals for 先进代表小组 and 优秀代表 that the presidium confirms. Only a positive
    score is proposed (a year with no record proposes nobody)."""
    deputy_rows, scoring = deputy_scores(township=township, year=year)
    rules = effective_scoring(scoring, township=township, year=year)
    by_group = {}
    for deputy, score in deputy_rows:
        if deputy.group_id:
            by_group.setdefault(deputy.group, []).append(score)
    groups = sorted(
        ((group, (sum(s) / len(s)).quantize(Decimal("0.1")), len(s)) for group, s in by_group.items()),
        key=lambda row: (-row[1], row[0].name),
    )
    deputies = sorted(deputy_rows, key=lambda row: (-row[1], row[0].name))
    return {
        "groups": [(g, avg, n, i < rules.excellent_groups and avg > 0) for i, (g, avg, n) in enumerate(groups)],
        "deputies": [(d, s, i < rules.excellent_deputies and s > 0) for i, (d, s) in enumerate(deputies)],
        "scoring": scoring,
    }
