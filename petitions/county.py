"""The petitions' columns of the county overview (县级汇总, congress_office.county): per township,
the rates of the statistics page (petitions.services.stats, the same definitions and queries
grouped by township) and the petitions overdue today. Figures only: no petition is listed."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from congress_office.registries import CountyColumn, CountyFigures

from .models import Petition
from .services import stats


def _definition_of(term):
    return next((str(text) for name, text in stats.DEFINITIONS if str(name) == str(term)), "")


def _definition(term):
    """The statistics page's 统计口径 of `term`, in the language of the page that shows it."""
    return lazy(_definition_of, str)(term)


COLUMNS = (
    CountyColumn("received", _("收件数"), "count", help=_definition(_("收件数"))),
    CountyColumn("acceptance_rate", _("按期受理率"), "rate", help=_definition(_("按期受理率"))),
    CountyColumn("closure_rate", _("按期办结率"), "rate", help=_definition(_("按期办结率"))),
    CountyColumn("reply_rate", _("答复率"), "rate", help=_definition(_("答复率"))),
    CountyColumn("satisfaction_rate", _("满意率"), "rate", help=_definition(_("满意率"))),
    CountyColumn("repeat_rate", _("重复信访率"), "rate", higher_is_better=False, help=_definition(_("重复信访率"))),
    CountyColumn(
        "overdue",
        _("逾期件数"),
        "count",
        higher_is_better=False,
        help=_("截至今日，有期限已过仍未办结（含受理告知、办理）的信访件数。"),
    ),
)
MONTHLY = ("received", "acceptance_rate", "closure_rate", "reply_rate", "satisfaction_rate", "repeat_rate")


def _values(figures):
    return {
        "received": figures.received,
        "acceptance_rate": figures.acceptance_rate,
        "closure_rate": figures.closure_rate,
        "reply_rate": figures.reply_rate,
        "satisfaction_rate": figures.satisfaction_rate,
        "repeat_rate": figures.repeat_rate,
    }


def _petitions(user, township):
    petitions = Petition.objects.visible_to(user)
    return petitions if township is None else petitions.filter(township=township)


def compute(user, start, end, today, township=None):
    """Four queries (one with a fresh snapshot): the three of the statistics' totals grouped by
    township, and the overdue."""
    petitions = _petitions(user, township)
    # county users read the task's snapshot of the facts (stats.facts_snapshot)
    by_township = stats.township_breakdown(petitions, stats.Period(start, end), today=today, snapshot=True)
    overdue = stats.overdue_by_township(petitions, today)
    rows = {}
    for township_id in {*by_township, *overdue}:
        figures = by_township.get(township_id) or stats.Figures()
        rows[township_id] = {**_values(figures), "overdue": overdue.get(township_id, 0)}
    return rows


def monthly(user, township, start, end, today):
    """The statistics page's month breakdown of the township (three queries)."""
    petitions, period = _petitions(user, township), stats.Period(start, end)
    facts = stats.facts_snapshot(petitions, period, today).facts
    rows = stats.breakdown(petitions, period, "month", today=today, facts=facts)
    return {row.key: _values(row) for row in rows}


def _note():
    minutes = max(1, settings.PETITION_STATS_SNAPSHOT_REFRESH // 60)
    return ngettext(
        "信访各项数字由后台每 %(n)s 分钟汇总一次，最新办理情况稍后计入。",
        "信访各项数字由后台每 %(n)s 分钟汇总一次，最新办理情况稍后计入。",
        minutes,
    ) % {"n": minutes}


def link(township, year):
    return f"{reverse('petitions:stats')}?{urlencode({'township': township.code, 'year': year})}"


FIGURES = CountyFigures(
    title=_("信访"),
    columns=COLUMNS,
    compute=compute,
    monthly=monthly,
    monthly_columns=MONTHLY,
    permission="petitions.view_petition_stats",
    order=10,
    link=link,
    report="petitions.monthly_report",
    note=lazy(_note, str)(),
)
