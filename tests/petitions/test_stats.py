"""Petition statistics (petitions.services.stats): every rate on a known set of petitions, the
breakdowns, the months, the repeat rate, township scoping, the monthly report's figures and
the home page cards, each read with a fixed number of queries.

The petitions go through the real services (registration, acceptance, the core engine's
assign / reply / rate). The engine computes due dates with the real calendar and stamps
`rated_at` with the real clock, so the tests then fix those dates on the rows directly (`settle`,
`rated_on`): that is how "on time" and "late" and the months are controlled. A deadline counts by
its decision date `met_on` (the entry time `met_at` is kept apart); `settle` sets both, and the
decision-date tests at the end enter a late decision through the services.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congress_office.cases import Satisfaction
from congress_office.models import CaseRating, Deadline
from congress_office.roles import Role
from congress_office.services.cases import case_assign, case_rate, case_reply
from petitions.choices import Category, Channel, PetitionState
from petitions.models import Petition, ReturnVisit
from petitions.services import stats
from petitions.services.registration import petition_accept, petition_decline
from petitions.services.stats import Period, Rate

from ..factories import UnitFactory
from .factories import register_petition

# after every date of the known set: nothing is "not yet due"
TODAY = date(2026, 11, 21)
YEAR = Period.for_year(2026)


# --- building the known set -------------------------------------------------------------------


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def deadline(petition, clock):
    return Deadline.objects.get(
        subject_type=ContentType.objects.get_for_model(Petition),
        subject_id=petition.pk,
        kind=f"petitions.petition.{clock}",
    )


def settle(petition, clock, *, due, met=None):
    """Fix a deadline's due date and, when given, the day it was met (its decision date; the
    entry time moves with it)."""
    row = deadline(petition, clock)
    fields = {"due_date": due, "original_due_date": due, "start_date": min(row.start_date, due)}
    if met is not None:
        assert row.met_at is not None, "only a deadline the engine has met gets a met date"
        fields["met_on"] = met
        fields["met_at"] = at(met)
    Deadline.objects.filter(pk=row.pk).update(**fields)


def rated_on(petition, satisfaction, day):
    CaseRating.objects.filter(item_id=petition.pk, satisfaction=satisfaction).update(rated_at=at(day))


def new_petition(township, clerk, n, received_on, **kwargs):
    values = {"phone": f"1390000{n:04d}", "id_number": "", "title": f"信访事项{n}"}
    values.update(kwargs)
    return register_petition(township=township, by=clerk, received_on=received_on, **values)


def reply(petition, handler, content="已办理并答复。"):
    case_reply(item=petition, by=handler, content=content, result="support")


def rate(petition, satisfaction):
    case_rate(item=petition, satisfaction=satisfaction, rater_key="citizen", rater_label="信访人")


@pytest.fixture
def second_unit(township):
    return UnitFactory(township=township, name="劳动保障所")


@pytest.fixture
def known(township, other_township, users, unit, second_unit, other_unit, make_user):
    return build_known_set(township, other_township, users, unit, second_unit, other_unit, make_user)


def build_known_set(township, other_township, users, unit, second_unit, other_unit, make_user):
    """Six petitions in 青山镇 (March and April 2026) and one in 白水乡.

    p1 来信 土地征收: accepted on time, 自然资源所 replied on time (met 04-20), rated 满意 (04-25).
    p2 来访 土地征收, a repeat of p1 (same person, same subject): accepted late, 劳动保障所 replied
       late (due 05-11, met 06-03), rated 基本满意 (06-10).
    p3 来电 劳资纠纷 建议意见类: declined on time.
    p4 网上 环境污染: accepted on time, 自然资源所 has not replied (due 06-05): overdue.
    p5 来信 劳资纠纷: no decision yet (its acceptance deadline has passed).
    p6 来访 土地征收: accepted on time, 自然资源所 replied on time (met 05-10), rated 不满意 (05-12),
       replied again on time (reopened, met 06-30), rated 满意 (07-02).
    Return visits: p1 满意 (05-05), p6 不满意 (07-20).
    """
    clerk, handler = users[Role.CLERK], users[Role.UNIT_HANDLER]
    p1 = new_petition(township, clerk, 1, date(2026, 3, 2), phone="13911112222", id_number="320102197503081234")
    p2 = new_petition(
        township,
        clerk,
        2,
        date(2026, 3, 10),
        phone="13911112222",
        id_number="320102197503081234",
        channel=Channel.VISIT,
    )
    p3 = new_petition(
        township,
        clerk,
        3,
        date(2026, 3, 20),
        channel=Channel.PHONE,
        subject_name="劳资纠纷",
        category=Category.SUGGESTION,
    )
    p4 = new_petition(township, clerk, 4, date(2026, 4, 5), channel=Channel.ONLINE, subject_name="环境污染")
    p5 = new_petition(township, clerk, 5, date(2026, 4, 10), subject_name="劳资纠纷")
    p6 = new_petition(township, clerk, 6, date(2026, 4, 15), channel=Channel.VISIT)
    assert p2.repeat_of_id == p1.pk and p6.repeat_of_id is None

    for p, on in ((p1, date(2026, 3, 5)), (p2, date(2026, 3, 12)), (p4, date(2026, 4, 8)), (p6, date(2026, 4, 16))):
        petition_accept(petition=p, by=clerk, on=on)
    petition_decline(petition=p3, by=clerk, reason="不属于本机关职权范围，已告知向有权机关提出。")
    settle(p1, "acceptance", due=date(2026, 3, 17), met=date(2026, 3, 5))
    settle(p2, "acceptance", due=date(2026, 3, 25), met=date(2026, 3, 27))  # late
    settle(p3, "acceptance", due=date(2026, 4, 4), met=date(2026, 3, 25))
    settle(p4, "acceptance", due=date(2026, 4, 20), met=date(2026, 4, 8))
    settle(p5, "acceptance", due=date(2026, 4, 27))  # still open
    settle(p6, "acceptance", due=date(2026, 4, 30), met=date(2026, 4, 16))

    case_assign(item=p1, lead_unit=unit, by=clerk, start=date(2026, 3, 5))
    case_assign(item=p2, lead_unit=second_unit, by=clerk, start=date(2026, 3, 12))
    case_assign(item=p4, lead_unit=unit, by=clerk, start=date(2026, 4, 8))
    case_assign(item=p6, lead_unit=unit, by=clerk, start=date(2026, 4, 16))
    reply(p1, handler)
    reply(p2, clerk)
    reply(p6, handler)
    settle(p1, "handling", due=date(2026, 5, 4), met=date(2026, 4, 20))
    settle(p2, "handling", due=date(2026, 5, 11), met=date(2026, 6, 3))  # late
    settle(p4, "handling", due=date(2026, 6, 5))  # open, overdue
    settle(p6, "handling", due=date(2026, 6, 15), met=date(2026, 5, 10))

    rate(p1, Satisfaction.SATISFIED)
    rate(p2, Satisfaction.BASICALLY)
    with override_settings(PETITION_REHANDLE_ON_UNSATISFIED=True):  # p6 is handled again
        rate(p6, Satisfaction.UNSATISFIED)
    reply(p6, handler, "重新核实后补发。")
    rate(p6, Satisfaction.SATISFIED)
    settle(p6, "reopened", due=date(2026, 7, 10), met=date(2026, 6, 30))
    rated_on(p1, Satisfaction.SATISFIED, date(2026, 4, 25))
    rated_on(p2, Satisfaction.BASICALLY, date(2026, 6, 10))
    rated_on(p6, Satisfaction.UNSATISFIED, date(2026, 5, 12))
    rated_on(p6, Satisfaction.SATISFIED, date(2026, 7, 2))
    ReturnVisit.objects.create(
        petition=p1, visited_on=date(2026, 5, 5), satisfaction=Satisfaction.SATISFIED, visited_by=clerk
    )
    ReturnVisit.objects.create(
        petition=p6, visited_on=date(2026, 7, 20), satisfaction=Satisfaction.UNSATISFIED, visited_by=clerk
    )

    # 白水乡: one petition, accepted, assigned and overdue
    other_clerk = make_user(Role.CLERK, other_township, username="baishui_clerk")
    p7 = new_petition(other_township, other_clerk, 7, date(2026, 3, 15), subject_name="拆迁补偿")
    petition_accept(petition=p7, by=other_clerk, on=date(2026, 3, 16))
    settle(p7, "acceptance", due=date(2026, 3, 30), met=date(2026, 3, 16))
    case_assign(item=p7, lead_unit=other_unit, by=other_clerk, start=date(2026, 3, 16))
    settle(p7, "handling", due=date(2026, 5, 15))

    for p in (p1, p2, p6):
        p.refresh_from_db()
    assert [p1.state, p2.state, p6.state] == [PetitionState.CLOSED] * 3
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "p6": p6, "p7": p7, "other_clerk": other_clerk}


def visible(user):
    return Petition.objects.visible_to(user)


def by_label(rows):
    return {row.label: row for row in rows}


# --- periods and rates ---------------------------------------------------------------------------


def test_a_rate_rounds_half_up_and_shows_a_dash_without_a_denominator():
    assert Rate(2, 3).percent == Decimal("66.7") and str(Rate(2, 3)) == "66.7%"
    assert Rate(1, 8).percent == Decimal("12.5") and Rate(1, 16).percent == Decimal("6.3")
    assert Rate(3, 3).value == 1.0 and str(Rate(3, 3)) == "100.0%"
    assert Rate(0, 0).value is None and Rate(0, 0).percent is None and str(Rate(0, 0)) == "—"


def test_periods_are_whole_calendar_months():
    assert Period.for_year(2026) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert Period.for_month(2024, 2).end == date(2024, 2, 29)
    assert Period.for_months(date(2025, 11, 17), date(2026, 2, 3)).months == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert Period.for_year(2026).label == "2026年" and Period.for_month(2026, 3).label == "2026年3月"
    assert Period.for_months(date(2026, 4, 1), date(2026, 5, 1)).label == "2026年4月至2026年5月"


# --- the rates on the known set --------------------------------------------------------------------


def test_every_rate_of_the_year(known, clerk):
    result = stats.petition_stats(visible(clerk), YEAR, today=TODAY)
    t = result.totals

    assert (t.received, t.repeats) == (6, 1)
    assert (t.accepted_on_time, t.decided) == (4, 5)  # p2 late; p5 not decided
    assert (t.replied, t.accepted) == (3, 4)  # p4 not replied
    assert (t.closed_on_time, t.closure_due) == (3, 5)  # p2 late, p4 overdue; p6 counted twice
    assert (t.satisfied, t.ratings) == (3, 4)  # p6's first rating 不满意
    assert t.acceptance_rate.percent == Decimal("80.0")
    assert t.reply_rate.percent == Decimal("75.0")
    assert t.closure_rate.percent == Decimal("60.0")
    assert t.satisfaction_rate.percent == Decimal("75.0")
    assert t.repeat_rate.percent == Decimal("16.7")
    assert (result.return_visits.numerator, result.return_visits.denominator) == (1, 2)


def test_a_range_of_months_counts_what_belongs_to_it(known, clerk):
    """April–May: p4–p6 received; closure settled in April (p1) and May (p2 fell due, p6 met
    early); ratings of April (p1) and May (p6 不满意)."""
    period = Period.for_months(date(2026, 4, 1), date(2026, 5, 1))
    t = stats.petition_stats(visible(clerk), period, today=TODAY).totals

    assert (t.received, t.repeats) == (3, 0)
    assert (t.accepted_on_time, t.decided) == (2, 2)
    assert (t.replied, t.accepted) == (1, 2)
    assert (t.closed_on_time, t.closure_due) == (2, 3)
    assert (t.satisfied, t.ratings) == (1, 2)
    assert str(t.satisfaction_rate) == "50.0%" and str(t.closure_rate) == "66.7%"


def test_an_open_deadline_counts_only_once_past_due(known, clerk):
    """p4's handling deadline (due 06-05, open) is late in June from 06-06 on; before that the
    June figures do not count it."""
    june = Period.for_month(2026, 6)
    before = stats.totals(visible(clerk), june, today=date(2026, 6, 5))
    after = stats.totals(visible(clerk), june, today=date(2026, 6, 6))

    # June settles p6's reopened deadline (met 06-30, on time) and p4's once overdue
    assert (before.closed_on_time, before.closure_due) == (1, 1)
    assert (after.closed_on_time, after.closure_due) == (1, 2)


def test_the_months(known, clerk):
    months = stats.petition_stats(visible(clerk), YEAR, today=TODAY).by_month
    assert [m.key for m in months] == [date(2026, n, 1) for n in range(1, 13)]
    assert months[2].label == "2026年3月"
    received = [m.received for m in months]
    assert received == [0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0]
    assert [(m.closed_on_time, m.closure_due) for m in months[3:7]] == [(1, 1), (1, 2), (1, 2), (0, 0)]
    assert [(m.satisfied, m.ratings) for m in months[3:7]] == [(1, 1), (0, 1), (1, 1), (1, 1)]
    march, april = months[2], months[3]
    assert (march.accepted_on_time, march.decided, march.repeats) == (2, 3, 1)
    assert (april.accepted_on_time, april.decided, april.replied, april.accepted) == (2, 2, 1, 2)
    assert all(m.is_empty for m in months[7:])


def test_the_breakdowns_by_channel_category_subject_and_unit(known, clerk):
    result = stats.petition_stats(visible(clerk), YEAR, today=TODAY)

    channels = by_label(result.by_channel)
    assert list(channels) == ["来信", "来访", "来电", "网上", "传真", "代表转交"]  # every channel, in order
    assert {k: v.received for k, v in channels.items()} == {
        "来信": 2,
        "来访": 2,
        "来电": 1,
        "网上": 1,
        "传真": 0,
        "代表转交": 0,
    }
    visit = channels["来访"]  # p2 and p6
    assert (visit.repeats, visit.accepted_on_time, visit.decided) == (1, 1, 2)
    assert (visit.closed_on_time, visit.closure_due, visit.satisfied, visit.ratings) == (2, 3, 2, 3)

    categories = by_label(result.by_category)
    assert (categories["申诉求决类"].received, categories["建议意见类"].received) == (5, 1)
    assert categories["检举控告类"].is_empty

    subjects = result.by_subject
    assert [(s.label, s.received) for s in subjects] == [("土地征收", 3), ("劳资纠纷", 2), ("环境污染", 1)]
    land = subjects[0]
    assert (land.closed_on_time, land.closure_due, land.replied, land.accepted) == (3, 4, 3, 3)
    assert [s.label for s in result.top_subjects] == ["土地征收", "劳资纠纷", "环境污染"]
    assert [str(share) for _row, share in result.top_subject_shares] == ["50.0%", "33.3%", "16.7%"]

    units = by_label(result.by_unit)
    assert list(units) == ["自然资源所", "劳动保障所", "（未交办）"]
    natural = units["自然资源所"]  # p1, p4, p6
    assert (natural.received, natural.closed_on_time, natural.closure_due) == (3, 3, 4)
    assert (natural.satisfied, natural.ratings) == (2, 3)
    assert (units["劳动保障所"].closed_on_time, units["劳动保障所"].closure_due) == (0, 1)
    assert units["（未交办）"].received == 2  # p3 declined, p5 undecided

    # every breakdown adds up to the totals
    for _key, _title, _dimension, rows in result.breakdowns():
        summed = stats.Figures()
        for row in rows:
            summed.add(row)
        assert [getattr(summed, n) for n in stats.Figures.COUNTS] == [
            getattr(result.totals, n) for n in stats.Figures.COUNTS
        ]


def test_overdue_units_today_and_at_the_end_of_a_past_period(known, clerk):
    today = stats.petition_stats(visible(clerk), YEAR, today=TODAY)
    assert [(u.unit, u.overdue, u.oldest_due) for u in today.overdue_units] == [("自然资源所", 1, date(2026, 6, 5))]
    assert today.overdue_as_of == TODAY and today.overdue_units[0].days == (TODAY - date(2026, 6, 5)).days

    # at the end of May p2's deadline (due 05-11) was still open: 劳动保障所 was overdue then
    may = stats.petition_stats(visible(clerk), Period.for_month(2026, 5), today=TODAY)
    assert may.overdue_as_of == date(2026, 5, 31)
    assert [(u.unit, u.overdue, u.days) for u in may.overdue_units] == [("劳动保障所", 1, 20)]


def test_repeat_rate_counts_the_petitions_linked_to_an_earlier_case(known, clerk, township):
    later = new_petition(township, clerk, 8, date(2026, 4, 20), phone="13911112222", title="再次反映补偿款")
    assert later.repeat_of_id == known["p2"].pk

    t = stats.totals(visible(clerk), YEAR, today=TODAY)
    assert (t.repeats, t.received) == (2, 7)
    assert t.repeat_rate.percent == Decimal("28.6")


# --- scoping ----------------------------------------------------------------------------------------


def test_a_township_sees_only_its_own_petitions(known, clerk):
    other = stats.petition_stats(visible(known["other_clerk"]), YEAR, today=TODAY)
    assert (other.totals.received, other.totals.closure_due) == (1, 1)
    assert [s.label for s in other.by_subject] == ["拆迁补偿"]
    assert [u.unit for u in other.overdue_units] == ["财政所"]
    assert "自然资源所" not in {u.label for u in other.by_unit}


def test_county_sees_every_township_and_names_the_township_of_each_unit(known, users, other_township):
    county = users[Role.COUNTY]
    everything = stats.petition_stats(visible(county), YEAR, today=TODAY, several_townships=True)
    assert (everything.totals.received, everything.totals.closure_due) == (7, 6)
    assert {u.label for u in everything.by_unit} == {
        "青山镇·自然资源所",
        "青山镇·劳动保障所",
        "白水乡·财政所",
        "（未交办）",
    }
    assert [(u.unit, u.township) for u in everything.overdue_units] == [("财政所", "白水乡"), ("自然资源所", "青山镇")]

    one = stats.petition_stats(visible(county).filter(township=other_township), YEAR, today=TODAY)
    assert one.totals.received == 1 and [s.label for s in one.by_subject] == ["拆迁补偿"]


def test_a_unit_handlers_visibility_is_grouped_without_duplicates(known, users):
    """A handler's visibility uses DISTINCT; the statistics regroup it correctly (the page itself
    is not open to handlers)."""
    handler = users[Role.UNIT_HANDLER]
    t = stats.totals(visible(handler), YEAR, today=TODAY)
    assert (t.received, t.closure_due, t.ratings) == (3, 4, 3)  # p1, p4, p6 of 自然资源所


# --- fixed query counts -------------------------------------------------------------------------------


def make_batch(township, clerk, unit, handler, n, start):
    """`n` petitions: accepted, assigned, replied and rated, each through the services."""
    for i in range(n):
        p = new_petition(
            township,
            clerk,
            start + i,
            date(2026, 3, 1) + timedelta(days=i % 20),
            subject_name=["土地征收", "村务", "环境污染"][i % 3],
            channel=[Channel.LETTER, Channel.VISIT][i % 2],
        )
        petition_accept(petition=p, by=clerk, on=p.received_on)
        case_assign(item=p, lead_unit=unit, by=clerk, start=p.received_on)
        reply(p, handler)
        rate(p, Satisfaction.SATISFIED)


def count_queries(func):
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_the_statistics_take_a_fixed_number_of_queries(township, users, unit):
    clerk, handler = users[Role.CLERK], users[Role.UNIT_HANDLER]
    ContentType.objects.get_for_model(Petition)  # the content type is cached once per process

    def run():
        result = stats.petition_stats(visible(clerk), YEAR, today=TODAY)
        stats.stats_xlsx(result)
        return result

    make_batch(township, clerk, unit, handler, 3, 100)
    small = count_queries(run)
    make_batch(township, clerk, unit, handler, 6, 200)
    large = count_queries(run)

    assert run().totals.received == 9
    assert small == large == 5  # the three sources (all breakdowns at once), return visits, overdue units


def test_the_monthly_report_data_take_a_fixed_number_of_queries(township, users, unit):
    clerk, handler = users[Role.CLERK], users[Role.UNIT_HANDLER]
    ContentType.objects.get_for_model(Petition)

    def run():
        return stats.monthly_report_data(visible(clerk), year=2026, month=3, today=TODAY)

    make_batch(township, clerk, unit, handler, 2, 100)
    small = count_queries(run)
    make_batch(township, clerk, unit, handler, 6, 200)
    large = count_queries(run)
    assert small == large == 8  # the month's 5, and the 13-month trend's 3


# --- the monthly report's figures ----------------------------------------------------------------------


def test_the_monthly_report_compares_with_last_month_and_last_year(known, clerk):
    data = stats.monthly_report_data(visible(clerk), year=2026, month=4, today=TODAY, scope_label="青山镇")

    assert data["period"] == Period.for_month(2026, 4)
    assert (data["current"].received, data["previous"].received, data["last_year"].received) == (3, 3, 0)
    assert str(data["month_on_month"]) == "持平" and str(data["year_on_year"]) == "增加3件"
    assert [row.label for row, _bar in data["trend"]] == [f"2025年{m}月" for m in (11, 12)] + [
        f"2026年{m}月" for m in (1, 2, 3, 4)
    ]
    assert [bar for _row, bar in data["trend"]] == [0, 0, 0, 0, 100, 100]
    assert data["channel_text"] == "来信1件、来访1件、网上1件"
    assert data["category_text"] == "申诉求决类3件"
    t = data["stats"].totals
    assert (str(t.acceptance_rate), str(t.closure_rate), str(t.reply_rate), str(t.satisfaction_rate)) == (
        "100.0%",
        "100.0%",
        "50.0%",
        "100.0%",
    )


def test_the_monthly_report_lists_the_busiest_units_and_says_how_many_it_left_out(known, clerk, monkeypatch):
    from django.template.loader import render_to_string

    monkeypatch.setattr(stats, "REPORT_UNIT_ROWS", 1)
    data = stats.monthly_report_data(visible(clerk), year=2026, month=3, today=TODAY, scope_label="青山镇")

    # March: p1 (自然资源所) and p2 (劳动保障所) were assigned; p3 was declined (no unit)
    assert sorted(row.label for row in data["stats"].by_unit if row.key) == ["劳动保障所", "自然资源所"]
    assert len(data["report_units"]) == 1 and data["more_units"] == 1
    html = render_to_string(
        "petitions/pdf/monthly_report.html",
        {**data, "township": clerk.township, "owner": clerk, "office": "青山镇人大办公室", "title": "信访月报"},
    )
    assert "另有 1 个承办单位未列出" in html

    monkeypatch.setattr(stats, "REPORT_UNIT_ROWS", 30)
    data = stats.monthly_report_data(visible(clerk), year=2026, month=3, today=TODAY, scope_label="青山镇")
    assert len(data["report_units"]) == 2 and data["more_units"] == 0


def test_a_change_in_words():
    assert str(stats.Change(5, 4)) == "增加1件（25.0%）"
    assert str(stats.Change(3, 4)) == "减少1件（25.0%）"
    assert str(stats.Change(2, 0)) == "增加2件"
    assert str(stats.Change(0, 0)) == "持平"


def test_a_change_against_an_empty_period_is_not_a_change():
    """Nothing to compare with (the earlier period had no petition): "上年同期无数据", never
    "同比增加2件"; a period with data is compared, with its kind (环比 / 同比)."""
    assert stats.Change(2, 0, kind="同比", earlier="上年同期").phrase == "上年同期无数据"
    assert stats.Change(0, 0, kind="环比", earlier="上月").phrase == "上月无数据"
    assert stats.Change(5, 4, kind="环比", earlier="上月").phrase == "环比增加1件（25.0%）"
    assert stats.Change(4, 4, kind="同比", earlier="上年同期").phrase == "同比持平"


@pytest.mark.parametrize("year, month", [("", "3"), ("2026", "13"), ("abc", "1"), ("2026", "12"), ("1999", "5")])
def test_the_report_month_must_have_begun(year, month):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        stats.parse_report_month(year, month, today=TODAY)
    assert stats.parse_report_month("2026", "11", today=TODAY) == (2026, 11)


# --- the home page cards ------------------------------------------------------------------------------


def test_the_home_cards_count_this_months_petitions_and_the_overdue_ones(
    known, township, clerk, users, django_assert_num_queries
):
    from petitions.views.stats import month_card, overdue_card

    today = timezone.localdate()
    new_petition(township, clerk, 9, today)
    assert clerk.roles and clerk.has_perm("petitions.view_petition_stats")  # fills both caches

    with django_assert_num_queries(1):
        card = month_card(clerk)
    assert (str(card.title), card.value) == ("本月信访", 1)
    # the list of what it counts (issue 14: every count leads to its records)
    first = today.replace(day=1)
    assert card.url == f"/petitions/?received_after={first.isoformat()}&received_before={today.isoformat()}"
    with django_assert_num_queries(1):
        card = overdue_card(clerk)
    # p4 (handling) and p5 (acceptance) are past due and open
    assert (str(card.title), card.value, card.tone) == ("信访逾期", 2, "danger")
    assert card.url == "/petitions/?overdue=on"

    assert month_card(users[Role.CHAIR]).value == 1
    for role in (Role.DEPUTY, Role.UNIT_HANDLER, Role.AUDITOR, Role.COUNTY):
        assert month_card(users[role]) is None and overdue_card(users[role]) is None
