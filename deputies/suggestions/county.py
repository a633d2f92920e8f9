"""The suggestions' columns of the county overview (县级汇总, congress_office.county): per township,
the rates of the year report (selectors.suggestion_year_report: 面商率, 解决率, 满意率, the same
definitions) computed by grouped queries, and the suggestions overdue today. Figures only."""

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from congress_office.cases import Satisfaction
from congress_office.county import Ratio
from congress_office.models import CaseRating, CaseReply, Deadline
from congress_office.models.deadlines import PENDING_STATES
from congress_office.registries import CountyColumn, CountyFigures

from .models import Consultation, Suggestion
from .selectors import SATISFIED, _count, _item_type, _rows_of, resolved_categories

COLUMNS = (
    CountyColumn("total", _("建议件数"), "count", help=_("统计年度内提出的代表建议件数。")),
    CountyColumn(
        "consultation_rate",
        _("面商率"),
        "rate",
        help=_("已答复的建议中，承办单位在首次答复前与代表面商的比例。"),
    ),
    CountyColumn(
        "solved_rate",
        _("解决率"),
        "rate",
        help=_("已答复的建议中，最近一次答复属于“解决”类别（默认A类）的比例。"),
    ),
    CountyColumn(
        "satisfaction_rate",
        _("建议满意率"),
        "rate",
        help=_("代表对答复作出的评价中，“满意”与“基本满意”所占比例；未评价的不计入。"),
    ),
    CountyColumn(
        "overdue",
        _("建议逾期件数"),
        "count",
        higher_is_better=False,
        help=_("截至今日，有期限已过仍未办结的代表建议件数。"),
    ),
)
MONTHLY = ("total", "consultation_rate", "solved_rate", "satisfaction_rate")


def _suggestions(user, start, end, township):
    qs = Suggestion.objects.visible_to(user).filter(year__gte=start.year, year__lte=end.year)
    if qs.query.distinct:  # a visibility that needed DISTINCT cannot be grouped directly
        qs = Suggestion.objects.filter(pk__in=qs.order_by().values("pk"))
    return qs if township is None else qs.filter(township=township)


def _grouped_rows(suggestions, group):
    """The year report's counts of each group (one query): the flags it computes per suggestion
    (first answer, consultation before it, the latest answer's category, the ratings), summed."""
    item_type = _item_type()
    replies = _rows_of(CaseReply, item_type)
    ratings = _rows_of(CaseRating, item_type)
    consulted_before = Consultation.objects.filter(
        suggestion=OuterRef("pk"), round=1, recorded_at__lte=OuterRef("first_replied_at")
    )
    answered = Q(first_replied_at__isnull=False)
    return (
        suggestions.annotate(
            first_replied_at=Subquery(replies.order_by("round", "pk").values("replied_at")[:1]),
            category=Subquery(replies.order_by("-round", "-pk").values("result")[:1]),
        )
        .annotate(
            consulted_before=Exists(consulted_before),
            rating_count=_count(ratings.exclude(satisfaction=Satisfaction.UNRATED)),
            satisfied_count=_count(ratings.filter(satisfaction__in=SATISFIED)),
        )
        .annotate(key=group)
        .order_by()
        .values("key")
        .annotate(
            total=Count("pk"),
            answered=Count("pk", filter=answered),
            consulted=Count("pk", filter=answered & Q(consulted_before=True)),
            solved=Count("pk", filter=answered & Q(category__in=resolved_categories())),
            ratings=Sum("rating_count"),
            satisfied=Sum("satisfied_count"),
        )
    )


def _values(row):
    return {
        "total": row["total"],
        "consultation_rate": Ratio(row["consulted"], row["answered"]),
        "solved_rate": Ratio(row["solved"], row["answered"]),
        "satisfaction_rate": Ratio(row["satisfied"] or 0, row["ratings"] or 0),
    }


def overdue_by_township(suggestions, today):
    """{township id: suggestions with a deadline past due and not met} (one query)."""
    overdue = Deadline.objects.filter(
        subject_type=_item_type(), subject_id=OuterRef("pk"), state__in=PENDING_STATES, due_date__lt=today
    )
    rows = suggestions.filter(Exists(overdue)).order_by().values("township_id").annotate(n=Count("pk"))
    return {row["township_id"]: row["n"] for row in rows}


def compute(user, start, end, today, township=None):
    """Two queries: the year report's counts grouped by township, and the overdue. The overdue
    are counted over every suggestion the user may see, whatever its year."""
    suggestions = _suggestions(user, start, end, township)
    rows = {row["key"]: _values(row) for row in _grouped_rows(suggestions, group=F("township_id"))}
    everything = Suggestion.objects.visible_to(user)
    if township is not None:
        everything = everything.filter(township=township)
    overdue = overdue_by_township(everything, today)
    result = {}
    for township_id in {*rows, *overdue}:
        result[township_id] = {**rows.get(township_id, {}), "overdue": overdue.get(township_id, 0)}
    return result


def monthly(user, township, start, end, today):
    """The township's suggestions of the year by the month they were submitted (one query)."""
    month = TruncMonth("submitted_at", output_field=DateField())
    return {row["key"]: _values(row) for row in _grouped_rows(_suggestions(user, start, end, township), month)}


FIGURES = CountyFigures(
    title=_("代表建议"),
    columns=COLUMNS,
    compute=compute,
    monthly=monthly,
    monthly_columns=MONTHLY,
    permission="deputies.view_suggestion_report",
    order=20,
)
