"""Indicators computed from the office's own records: the registry the apps fill, the share of a
unit's deadlines met on time in a quarter, and the score sheet showing it with its link."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from assessments import services as svc
from assessments.choices import SubjectKind
from congress_office.models import Deadline, DeadlineRule, DeadlineState
from congress_office.registries import unit_indicators


def deadline(township, unit, due, met_on=None):
    return Deadline.objects.create(
        township=township,
        kind="core.general",
        title="督办事项",
        start_date=due,
        rule=DeadlineRule.CALENDAR_DAYS,
        limit=1,
        due_date=due,
        original_due_date=due,
        responsible_unit=unit,
        state=DeadlineState.MET if met_on else DeadlineState.OPEN,
        met_on=met_on,
    )


def test_the_apps_register_their_figures():
    registered = {key for key, _entry in unit_indicators.items()}
    assert {
        "core.deadlines_met",
        "petitions.on_time",
        "petitions.satisfaction",
        "deputies.suggestions.on_time",
        "deputies.suggestions.satisfaction",
    } <= registered


def test_per_app_figures_count_only_their_clocks_and_link_to_the_units_cases(township, unit):
    deadline(township, unit, date(2026, 2, 10), met_on=date(2026, 2, 9))  # core.general, not a petition's
    petition_clock = deadline(township, unit, date(2026, 2, 12), met_on=date(2026, 2, 15))
    petition_clock.kind = "petitions.petition.handling"
    petition_clock.save()
    numerator, denominator, _url = unit_indicators["petitions.on_time"].compute(
        unit, date(2026, 1, 1), date(2026, 3, 31)
    )
    assert (numerator, denominator) == (0, 1)
    good, total, url = unit_indicators["petitions.satisfaction"].compute(unit, date(2026, 1, 1), date(2026, 3, 31))
    assert (good, total) == (0, 0) and f"lead_unit={unit.pk}" in url and "received_after=2026-01-01" in url


def test_a_units_deadlines_met_on_time_in_the_quarter(township, clerk, unit, client_for):
    plan = svc.plan_create(township=township, by=clerk, year=2026)
    kind = svc.type_add(plan=plan, by=clerk, name="社会管理类")
    indicator = svc.indicator_add(
        assessment_type=kind, by=clerk, name="按期办结", weight=100, source="core.deadlines_met"
    )
    subject = svc.subject_add(
        plan=plan, by=clerk, kind=SubjectKind.CADRE, name="张国强", assessment_type=kind, unit=unit
    )
    deadline(township, unit, date(2026, 2, 10), met_on=date(2026, 2, 9))  # on time
    deadline(township, unit, date(2026, 3, 5), met_on=date(2026, 3, 8))  # late
    deadline(township, unit, date(2026, 3, 20), met_on=date(2026, 3, 20))  # on time
    deadline(township, unit, date(2026, 3, 25))  # still open
    deadline(township, unit, date(2026, 4, 2), met_on=date(2026, 4, 1))  # the next quarter
    figure = svc.office_figure(indicator, subject, 1)
    assert (figure["numerator"], figure["denominator"], figure["percent"]) == (2, 4, Decimal("50.0"))
    assert figure["suggested"] == Decimal("12.50")  # half of the quarter's 25
    assert "responsible_unit=" in figure["url"] and "due_after=2026-01-01" in figure["url"]
    page = client_for(clerk).get(reverse("assessments:score_sheet", args=[plan.pk, 1])).content.decode()
    assert 'data-testid="office-figure"' in page and "2/4（50.0%）" in page and "建议得分 12.50" in page
    assert svc.office_figure(indicator, subject, 3)["denominator"] == 0
