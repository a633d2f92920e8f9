"""The deputies' columns of the county overview (县级汇总, congress_office.county): per township,
the confirmed duty activities of the period, the deputies serving in it and the activities per
deputy, as township_year_summary counts them (selectors). Figures only: no deputy is listed."""

from django.db.models import Count, DateField
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from congress_office.county import Ratio
from congress_office.registries import CountyColumn, CountyFigures

from .choices import ActivityStatus
from .models import Activity, Deputy
from .selectors import _serving_in

COLUMNS = (
    CountyColumn("activities", _("履职活动"), "count", help=_("统计期内已确认的代表履职活动次数。")),
    CountyColumn("deputies", _("在任代表"), "count", help=_("统计期内在任（未终止代表资格）的代表人数。")),
    CountyColumn(
        "per_deputy",
        _("人均履职活动"),
        "ratio",
        help=_("已确认的履职活动次数 ÷ 统计期内在任代表人数。"),
    ),
)


def _activities(user, start, end, township):
    qs = Activity.objects.visible_to(user).filter(status=ActivityStatus.CONFIRMED, date__range=(start, end))
    if qs.query.distinct:
        qs = Activity.objects.filter(pk__in=qs.order_by().values("pk"))
    return qs if township is None else qs.filter(township=township)


def compute(user, start, end, today, township=None):
    """Two queries: confirmed activities and serving deputies, each grouped by township."""
    activities = dict(
        _activities(user, start, end, township).order_by().values_list("township_id").annotate(n=Count("pk"))
    )
    deputies = _serving_in(Deputy.objects.visible_to(user), start, end)
    if township is not None:
        deputies = deputies.filter(township=township)
    serving = dict(deputies.order_by().values_list("township_id").annotate(n=Count("pk")))
    return {
        township_id: {
            "activities": activities.get(township_id, 0),
            "deputies": serving.get(township_id, 0),
            "per_deputy": Ratio(activities.get(township_id, 0), serving.get(township_id, 0), per_cent=False),
        }
        for township_id in {*activities, *serving}
    }


def monthly(user, township, start, end, today):
    """The township's confirmed activities by month (one query)."""
    rows = (
        _activities(user, start, end, township)
        .annotate(month=TruncMonth("date", output_field=DateField()))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    return {month: {"activities": n} for month, n in rows}


FIGURES = CountyFigures(
    title=_("代表履职"),
    columns=COLUMNS,
    compute=compute,
    monthly=monthly,
    monthly_columns=("activities",),
    permission="deputies.view_activity",
    order=30,
)
