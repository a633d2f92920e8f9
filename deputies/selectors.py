"""Reads for the deputies' pages: fixed query counts whatever the row count."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.utils import timezone

from congress_office.registries import deputy_record_sections

from .choices import ActivityStatus, ActivityType, DeputyStatus
from .models import Activity, Deputy, DeputyGroup, GroupScoring, ReceptionDay, Training

DEFAULT_ACTIVITY_POINTS = {
    ActivityType.INSPECTION: 3, ActivityType.LAW_ENFORCEMENT: 3, ActivityType.RESEARCH: 3,
    ActivityType.CONTACT_VOTERS: 2, ActivityType.RECEIVE_VOTERS: 2, ActivityType.GROUP: 2,
    ActivityType.TRAINING: 1, ActivityType.REPORT: 5, ActivityType.EVALUATION: 3,
    ActivityType.APPOINTMENT: 2, ActivityType.OTHER: 1,
}


def year_bounds(year):
    return date(year, 1, 1), date(year, 12, 31)


def deputy_list(*, user, filters=None):
    from .filters import DeputyFilterSet

    qs = Deputy.objects.visible_to(user).select_related("township", "term", "district", "group")
    return DeputyFilterSet(filters, queryset=qs, user=user)


def activity_list(*, user, filters=None):
    from .filters import ActivityFilterSet

    qs = (
        Activity.objects.visible_to(user).select_related("township", "group", "submitted_by")
        .prefetch_related("participants").annotate(attachment_count=Count("attachments", distinct=True))
    )
    return ActivityFilterSet(filters, queryset=qs, user=user)


@dataclass
class DeputyYearRecord:
    deputy: Deputy
    year: int
    activities: list = field(default_factory=list)
    by_type: list = field(default_factory=list)          # [(label, count)]
    trainings_attended: list = field(default_factory=list)
    trainings_missed: list = field(default_factory=list)
    reception_days: list = field(default_factory=list)
    sections: list = field(default_factory=list)         # from other apps (meetings, suggestions …)

    @property
    def total(self):
        return len(self.activities)


def deputy_year_record(*, deputy, year) -> DeputyYearRecord:
    """The yearly performance record (履职档案) of one deputy: confirmed activities by type,
    trainings, reception days, and the sections later apps register."""
    start, end = year_bounds(year)
    record = DeputyYearRecord(deputy=deputy, year=year)
    record.activities = list(
        deputy.activities.filter(status=ActivityStatus.CONFIRMED, date__range=(start, end)).order_by("date")
    )
    counts = Counter(a.type for a in record.activities)
    record.by_type = [(label, counts.get(value, 0)) for value, label in ActivityType.choices]
    trainings = list(Training.objects.filter(township_id=deputy.township_id, date__range=(start, end)).order_by("date"))
    attended = set(deputy.trainings_attended.filter(date__range=(start, end)).values_list("pk", flat=True))
    record.trainings_attended = [t for t in trainings if t.pk in attended]
    record.trainings_missed = [t for t in trainings if t.pk not in attended]
    record.reception_days = list(
        deputy.reception_days.filter(date__range=(start, end)).select_related("district").order_by("date")
    )
    for key, section in deputy_record_sections.items():
        record.sections.append({"key": key, "title": section.title, "rows": section.build(deputy, year)})
    return record


def deputies_without_training(*, township_id, year):
    """Serving deputies who missed every training of the year (none if there was no training)."""
    start, end = year_bounds(year)
    if not Training.objects.filter(township_id=township_id, date__range=(start, end)).exists():
        return []
    return list(
        Deputy.objects.filter(township_id=township_id).serving()
        .exclude(trainings_attended__date__range=(start, end)).select_related("group").order_by("group__name", "name")
    )


def inactive_deputies(*, township_id, today=None, days=None):
    """Serving deputies with no confirmed activity in the last `days` days (90 by default)."""
    from django.conf import settings

    today = today or timezone.localdate()
    since = today - timedelta(days=days or settings.DEPUTY_INACTIVE_DAYS)
    return list(
        Deputy.objects.filter(township_id=township_id).serving()
        .annotate(last_activity=Max("activities__date", filter=Q(activities__status=ActivityStatus.CONFIRMED)))
        .filter(Q(last_activity__lt=since) | Q(last_activity__isnull=True))
        .select_related("group").order_by("group__name", "name")
    )


def group_year_summary(*, township_id, year):
    """Per group: members, confirmed activities (distinct), member-activity participations,
    training attendances and reception days. Fixed queries."""
    start, end = year_bounds(year)
    in_year = Q(members__activities__status=ActivityStatus.CONFIRMED, members__activities__date__range=(start, end))
    groups = (
        DeputyGroup.objects.filter(township_id=township_id)
        .select_related("leader", "term")
        .annotate(
            member_count=Count("members", filter=~Q(members__status=DeputyStatus.TERMINATED), distinct=True),
            activity_count=Count("members__activities", filter=in_year, distinct=True),
            group_activity_count=Count("activities", filter=Q(activities__status=ActivityStatus.CONFIRMED,
                                                              activities__date__range=(start, end)), distinct=True),
        )
        .order_by("name")
    )
    return list(groups)


def scoring_for(*, township, year):
    scoring = GroupScoring.objects.filter(township=township, year=year).first()
    points = {**DEFAULT_ACTIVITY_POINTS, **((scoring.points if scoring else None) or {})}
    return scoring, points


def deputy_scores(*, township, year):
    """Each serving deputy's score for the year from the scoring table. Fixed queries."""
    start, end = year_bounds(year)
    scoring, points = scoring_for(township=township, year=year)
    training_points = Decimal(scoring.training_points if scoring else 2)
    reception_points = Decimal(scoring.reception_points if scoring else 2)
    deputies = list(Deputy.objects.filter(township=township).serving().select_related("group").order_by("pk"))
    scores = {d.pk: Decimal(0) for d in deputies}
    through = Activity.participants.through.objects.filter(
        activity__status=ActivityStatus.CONFIRMED, activity__date__range=(start, end), deputy__township=township,
    ).values_list("deputy_id", "activity__type")
    for deputy_id, activity_type in through:
        if deputy_id in scores:
            scores[deputy_id] += Decimal(points.get(activity_type, 0))
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
    proposals for 先进代表小组 and 优秀代表 that the presidium confirms."""
    deputy_rows, scoring = deputy_scores(township=township, year=year)
    by_group = {}
    for deputy, score in deputy_rows:
        if deputy.group_id:
            by_group.setdefault(deputy.group, []).append(score)
    groups = sorted(
        ((group, sum(s) / len(s), len(s)) for group, s in by_group.items()),
        key=lambda row: (-row[1], row[0].name),
    )
    deputies = sorted(deputy_rows, key=lambda row: (-row[1], row[0].name))
    n_groups = scoring.excellent_groups if scoring else 2
    n_deputies = scoring.excellent_deputies if scoring else 5
    return {
        "groups": [(g, avg.quantize(Decimal("0.1")), n, i < n_groups) for i, (g, avg, n) in enumerate(groups)],
        "deputies": [(d, s, i < n_deputies) for i, (d, s) in enumerate(deputies)],
    }
