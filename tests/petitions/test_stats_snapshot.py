"""County-wide petition statistics read a snapshot of their counts that a beat task refreshes
(stats.facts_snapshot, petitions.tasks.refresh_county_statistics): after each refresh the snapshot
holds exactly what the live computation gives, a change shows after the next refresh, a missing
or unreachable cache falls back to counting live, and a township's users always count live."""

from dataclasses import asdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_office.roles import Role
from petitions.models import Petition
from petitions.services import stats
from petitions.tasks import refresh_county_statistics

from .test_stats import TODAY, build_known_set, new_petition, second_unit  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def time_machine_today(monkeypatch):
    """The task counts as of the local date: the known set's TODAY."""
    monkeypatch.setattr(stats.timezone, "localdate", lambda *args: TODAY)


@pytest.fixture
def known(township, other_township, users, unit, second_unit, other_unit, make_user):  # noqa: F811
    return build_known_set(township, other_township, users, unit, second_unit, other_unit, make_user)


@pytest.fixture
def county(users):
    return users[Role.COUNTY]


def figures(result):
    """Every number of a PetitionStats, for comparing two of them."""
    rows = {key: [asdict(row) for row in group] for key, _title, _dimension, group in result.breakdowns()}
    return {"totals": asdict(result.totals), **rows, "overdue": [asdict(u) for u in result.overdue_units]}


def live(county, period):
    return stats.petition_stats(Petition.objects.visible_to(county), period, today=TODAY, several_townships=True)


def from_snapshot(county, period):
    return stats.petition_stats(
        Petition.objects.visible_to(county), period, today=TODAY, several_townships=True, snapshot=True
    )


def test_after_each_refresh_the_snapshot_equals_the_live_figures(known, county, township, users):
    year = stats.Period.for_year(TODAY.year)
    stats.refresh_county_snapshots(today=TODAY)

    read = from_snapshot(county, year)
    assert read.computed_at is not None
    assert figures(read) == figures(live(county, year))
    assert read.totals.received == 7

    # a petition registered after the refresh is counted by the next refresh, not before
    new_petition(township, users[Role.CLERK], 99, TODAY.replace(day=1))
    assert from_snapshot(county, year).totals.received == 7
    assert live(county, year).totals.received == 8
    stats.refresh_county_snapshots(today=TODAY)
    read = from_snapshot(county, year)
    assert read.totals.received == 8
    assert figures(read) == figures(live(county, year))


def test_every_period_the_task_keeps_equals_the_live_facts(known, county, time_machine_today):
    # the beat task itself (one scope: the county and the admin see the same petitions)
    assert refresh_county_statistics.run() == len(stats.snapshot_periods(TODAY))
    petitions = Petition.objects.visible_to(county)
    for period in stats.snapshot_periods(TODAY):
        snapshot = stats.facts_snapshot(petitions, period, TODAY)
        assert snapshot.facts == stats.facts_of(petitions, period, TODAY), period


def test_a_fresh_snapshot_saves_the_three_counting_queries(known, county):
    ContentType.objects.get_for_model(Petition)
    county.roles  # noqa: B018 (the user's roles are read once per request)
    year = stats.Period.for_year(TODAY.year)
    with CaptureQueriesContext(connection) as counting:
        from_snapshot(county, year)  # no snapshot yet: counted and stored
    with CaptureQueriesContext(connection) as reading:
        from_snapshot(county, year)
    assert len(counting.captured_queries) == 5
    assert len(reading.captured_queries) == 2  # return visits and overdue units only


def test_a_stale_snapshot_is_counted_again(known, county, township, users, settings, monkeypatch):
    year = stats.Period.for_year(TODAY.year)
    stats.refresh_county_snapshots(today=TODAY)
    new_petition(township, users[Role.CLERK], 98, TODAY.replace(day=1))
    settings.PETITION_STATS_SNAPSHOT_MAX_AGE = 0  # every snapshot is too old
    assert from_snapshot(county, year).totals.received == 8


def test_the_figures_are_counted_live_when_the_cache_is_unreachable(known, county, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    from django.core.cache import caches

    caches._settings = None  # noqa: SLF001 (let the cache handler read the new setting)
    try:
        del caches._connections.default  # noqa: SLF001
    except AttributeError:
        pass
    year = stats.Period.for_year(TODAY.year)
    assert figures(from_snapshot(county, year)) == figures(live(county, year))


def test_the_county_pages_say_how_fresh_the_figures_are_and_a_township_counts_live(
    known, county, users, client_for, township, settings
):
    # the pages never need the task to have run: they count and store what is missing
    page = client_for(county).get(reverse("petitions:stats"), {"year": TODAY.year})
    assert page.status_code == 200
    assert "本页数字统计于" in page.content.decode()
    overview = client_for(county).get(reverse("core:county_overview"), {"year": TODAY.year})
    assert "由后台每 10 分钟汇总一次" in overview.content.decode()
    settings.PETITION_STATS_SNAPSHOT_REFRESH = 300  # the note follows the beat's period
    overview = client_for(county).get(reverse("core:county_overview"), {"year": TODAY.year})
    assert "由后台每 5 分钟汇总一次" in overview.content.decode()

    clerk = users[Role.CLERK]
    new_petition(township, clerk, 97, TODAY.replace(day=1))  # after the county page stored its snapshot
    page = client_for(clerk).get(reverse("petitions:stats"), {"year": TODAY.year})
    assert "本页数字统计于" not in page.content.decode()
    assert page.context["stats"].totals.received == 7  # the township's 6 and the new one, live
