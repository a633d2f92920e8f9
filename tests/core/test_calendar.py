"""The calendar (日历): month and week pages and the .ics export of reception days, trainings,
meetings and deadlines due, each role seeing what concerns it, never another township's."""

from datetime import date, datetime, time, timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_office.calendar_events import calendar_events, shift_month, uid_domain
from congress_office.models import Deadline
from congress_office.roles import Role
from deputies.models import ReceptionDay
from deputies.suggestions import services as suggestion_services
from meetings.choices import MeetingKind
from meetings.services import meeting_notify, meeting_plan
from tests.factories import UnitFactory, UserFactory, make_deadline

from ..deputies.factories import DeputyFactory, DistrictFactory, TermFactory, TrainingFactory

YEAR, MONTH = 2026, 6
JUNE = {"year": YEAR, "month": MONTH}


def at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def get(client, name, **params):
    return client.get(reverse(name), params)


def shown(response):
    """The titles of the entries the page lists (the month grid, or the week's days)."""
    context = response.context
    if "weeks" in context:
        return [e.title for week in context["weeks"] for day in week["days"] for e in day["events"]]
    return [e.title for day in context["days"] for e in day["events"]]


def suggestion_deadline(suggestion):
    return Deadline.objects.pending().get(subject_type__model="suggestion", subject_id=suggestion.pk)


def ics_events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


class Township:
    """One township's calendar: a term, a district, deputies (the first with `deputy_user`'s
    account), a reception day that deputy receives at and one they do not, a training, a
    session (planned and notified) and a presidium meeting still planned, a deadline of `unit`
    and one of another unit, all in June 2026."""

    def __init__(self, township, clerk, unit, deputy_user=None, tag=""):
        self.township = township
        self.term = TermFactory(township=township)
        self.district = DistrictFactory(term=self.term, name=f"{tag}第一选区")
        self.other_district = DistrictFactory(term=self.term, name=f"{tag}第二选区")
        self.deputy = DeputyFactory(
            term=self.term, name=f"{tag}张桂兰", user=deputy_user, district=self.district, is_presidium=True
        )
        self.colleague = DeputyFactory(term=self.term, name=f"{tag}李明", district=self.other_district)
        self.reception = ReceptionDay.objects.create(
            township=township, district=self.district, date=date(YEAR, MONTH, 10), place=f"{tag}村委会，二楼"
        )
        self.reception.deputies.set([self.deputy])
        self.other_reception = ReceptionDay.objects.create(
            township=township, district=self.other_district, date=date(YEAR, MONTH, 11), place="社区服务中心"
        )
        self.other_reception.deputies.set([self.colleague])
        self.training = TrainingFactory(
            township=township, title=f"{tag}代表履职培训", date=date(YEAR, MONTH, 16), place="镇党校"
        )
        self.session = meeting_plan(
            township=township,
            by=clerk,
            kind=MeetingKind.SESSION,
            starts_at=at(date(YEAR, MONTH, 18), 9),
            place="大会堂",
        )
        meeting_notify(meeting=self.session, by=clerk)
        self.presidium = meeting_plan(
            township=township, by=clerk, kind=MeetingKind.PRESIDIUM, starts_at=at(date(YEAR, MONTH, 3), 14)
        )
        self.deadline = make_deadline(
            township=township, title=f"{tag}督办：道路修缮", start=date(YEAR, MONTH, 1), limit=10, unit=unit
        )
        self.other_unit = UnitFactory(township=township, name=f"{tag}财政所")
        self.other_deadline = make_deadline(
            township=township, title=f"{tag}督办：财政资金", start=date(YEAR, MONTH, 1), limit=8, unit=self.other_unit
        )


@pytest.fixture
def ours(township, users, unit):
    return Township(township, users[Role.CLERK], unit, deputy_user=users[Role.DEPUTY])


@pytest.fixture
def theirs(other_township, other_clerk, other_unit):
    return Township(other_township, other_clerk, other_unit, tag="白水")


# --- access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["core:calendar", "core:calendar_week", "core:calendar_ics"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name, db):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["core:calendar", "core:calendar_week", "core:calendar_ics"])
def test_an_account_without_a_role_is_refused(client_for, township, name):
    nobody = UserFactory(township=township, roles=[])

    assert client_for(nobody).get(reverse(name)).status_code == 403


def test_the_navigation_offers_the_calendar(client_for, clerk):
    response = client_for(clerk).get(reverse("core:home"))

    assert reverse("core:calendar") in [item["url"] for item in response.context["nav_items"]]


# --- what each role sees --------------------------------------------------------------------------


def test_the_clerk_sees_the_townships_entries_each_linked_to_its_record(client_for, clerk, ours, theirs):
    client = client_for(clerk)
    response = get(client, "core:calendar", **JUNE)

    assert response.status_code == 200
    assert sorted(shown(response)) == sorted(
        [
            "第一选区代表接待日",
            "第二选区代表接待日",
            "代表履职培训",
            str(ours.session.title),
            str(ours.presidium.title),
            "督办：道路修缮",
            "督办：财政资金",
        ]
    )
    html = response.content.decode()
    for record in (ours.reception, ours.training, ours.session, ours.presidium, ours.deadline):
        assert f'href="{record.get_absolute_url()}"' in html
    # drill-down: each link opens its record
    for record in (ours.reception, ours.training, ours.session, ours.deadline):
        assert client.get(record.get_absolute_url()).status_code == 200


def test_another_townships_entries_are_never_shown(client_for, clerk, ours, theirs):
    response = get(client_for(clerk), "core:calendar", **JUNE)

    assert not [title for title in shown(response) if "白水" in title]
    assert "白水" not in response.content.decode()
    # and a township user cannot ask for another township
    response = get(client_for(clerk), "core:calendar", township=theirs.township.code, **JUNE)
    assert not [title for title in shown(response) if "白水" in title]


def test_the_other_townships_clerk_sees_only_theirs(client_for, other_clerk, ours, theirs):
    response = get(client_for(other_clerk), "core:calendar", **JUNE)

    assert shown(response)
    assert all("白水" in title for title in shown(response))


def test_a_unit_handler_sees_only_the_deadlines_of_its_unit(client_for, users, ours, theirs):
    response = get(client_for(users[Role.UNIT_HANDLER]), "core:calendar", **JUNE)

    assert shown(response) == ["督办：道路修缮"]
    assert f'href="{ours.deadline.get_absolute_url()}"' in response.content.decode()


def test_a_deputy_sees_where_they_receive_the_trainings_and_the_meetings_they_are_called_to(
    client_for, users, ours, theirs
):
    deputy_user = users[Role.DEPUTY]
    client = client_for(deputy_user)
    response = get(client, "core:calendar", **JUNE)

    # not the reception day of another district, not the planned presidium meeting, no office deadline
    assert sorted(shown(response)) == sorted(["第一选区代表接待日", "代表履职培训", str(ours.session.title)])
    html = response.content.decode()
    record_url = reverse("deputies:record_detail", args=[ours.deputy.pk, YEAR])
    assert f'href="{record_url}"' in html  # a deputy may not open the office's reception page
    assert f'href="{ours.session.get_absolute_url()}"' in html
    assert client.get(record_url).status_code == 200
    assert client.get(ours.session.get_absolute_url()).status_code == 200


def test_a_deputy_sees_the_deadline_of_the_suggestion_they_signed(client_for, users, clerk, unit, ours):
    deputy_user = users[Role.DEPUTY]
    suggestion = suggestion_services.suggestion_submit(
        by=deputy_user, term=ours.term, title="修缮村道", content="村道年久失修，建议修缮。"
    )
    suggestion_services.suggestion_assign(suggestion=suggestion, lead_unit=unit, by=clerk, start=date(YEAR, 3, 2))
    due = suggestion_deadline(suggestion).due_date
    client = client_for(deputy_user)

    response = get(client, "core:calendar", year=due.year, month=due.month)

    deadline_entries = [
        e for week in response.context["weeks"] for day in week["days"] for e in day["events"] if e.kind == "deadline"
    ]
    assert [(e.day, e.url) for e in deadline_entries] == [(due, suggestion.get_absolute_url())]
    assert client.get(suggestion.get_absolute_url()).status_code == 200


def test_the_county_sees_every_township_without_deadlines_and_can_pick_one(client_for, users, ours, theirs):
    client = client_for(users[Role.COUNTY])

    everything = shown(get(client, "core:calendar", **JUNE))
    assert "代表履职培训" in everything and "白水代表履职培训" in everything
    assert not [title for title in everything if "督办" in title]

    narrowed = get(client, "core:calendar", township=theirs.township.code, **JUNE)
    assert shown(narrowed) and all("白水" in title for title in shown(narrowed))
    assert f'value="{theirs.township.code}" selected' in narrowed.content.decode()
    # an unknown code shows the whole county again
    assert sorted(shown(get(client, "core:calendar", township="nowhere", **JUNE))) == sorted(everything)


# --- the page ----------------------------------------------------------------------------------------


def test_the_page_steps_from_month_to_month(client_for, clerk):
    client = client_for(clerk)

    response = get(client, "core:calendar", year=2026, month=1)
    html = response.content.decode()

    assert response.context["heading"] == "2026年1月"
    assert 'href="/calendar/?year=2025&amp;month=12"' in html
    assert 'href="/calendar/?year=2026&amp;month=2"' in html
    assert shift_month(2026, 12, 1) == (2027, 1)
    # the grid runs Monday to Sunday and includes the neighbouring days
    weeks = response.context["weeks"]
    assert weeks[0]["days"][0]["date"] == date(2025, 12, 29)
    assert weeks[-1]["days"][-1]["date"] == date(2026, 2, 1)


def test_today_is_highlighted_in_the_month_and_the_week(client_for, clerk):
    client = client_for(clerk)
    today = timezone.localdate()

    for name in ("core:calendar", "core:calendar_week"):
        response = client.get(reverse(name))
        html = response.content.decode()
        assert html.count('data-testid="calendar-today-cell"') == 1
        # the phone's list of days shows today even when nothing falls on it
        assert html.count('data-testid="calendar-today-item"') == (1 if name == "core:calendar" else 0)
        weeks = response.context["weeks"] if "weeks" in response.context else [{"days": response.context["days"]}]
        assert [day["date"] for week in weeks for day in week["days"] if day["is_today"]] == [today]


def test_an_empty_month_says_so(client_for, clerk, ours):
    response = get(client_for(clerk), "core:calendar", year=2026, month=8)

    assert shown(response) == []
    assert "本月没有代表接待日、培训、会议或到期事项。" in response.content.decode()
    june = get(client_for(clerk), "core:calendar", **JUNE)
    assert 'data-testid="calendar-empty"' not in june.content.decode()


def test_a_bad_month_falls_back_to_this_month(client_for, clerk):
    today = timezone.localdate()

    for params in ({"year": "abc", "month": "6"}, {"year": "2026", "month": "13"}, {"year": "99999", "month": "1"}):
        response = get(client_for(clerk), "core:calendar", **params)
        assert response.status_code == 200
        assert response.context["first_day"] == today.replace(day=1)
    assert get(client_for(clerk), "core:calendar_week", date="2026-02-30").context["monday"] <= today


def test_the_week_shows_monday_to_sunday_with_prev_and_next(client_for, clerk, ours):
    response = get(client_for(clerk), "core:calendar_week", date="2026-06-17")
    html = response.content.decode()

    assert [day["date"] for day in response.context["days"]] == [
        date(2026, 6, 15) + timedelta(days=n) for n in range(7)
    ]
    assert sorted(shown(response)) == sorted(["代表履职培训", str(ours.session.title)])
    assert 'href="/calendar/week/?date=2026-06-08"' in html
    assert 'href="/calendar/week/?date=2026-06-22"' in html
    assert 'href="/calendar/?year=2026&amp;month=6"' in html
    assert "09:00" in html  # the session's time


def test_the_month_page_has_a_fixed_number_of_queries(client_for, clerk, users, ours, theirs):
    """Many more entries of every kind: the same queries."""
    client = client_for(clerk)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert get(client, "core:calendar", **JUNE).status_code == 200
        return len(queries)

    count()  # warms what a process caches once (content types, the role groups' permissions)
    few = count()
    for n in range(3):
        reception = ReceptionDay.objects.create(
            township=ours.township, district=DistrictFactory(term=ours.term), date=date(YEAR, MONTH, 20 + n), place="村"
        )
        reception.deputies.set([ours.deputy, ours.colleague])
        TrainingFactory(township=ours.township, date=date(YEAR, MONTH, 20 + n))
        meeting_plan(
            township=ours.township, by=clerk, kind=MeetingKind.PRESIDIUM, starts_at=at(date(YEAR, MONTH, 20 + n), 9)
        )
        make_deadline(
            township=ours.township, start=date(YEAR, MONTH, 2 + n), limit=5, unit=UnitFactory(township=ours.township)
        )
    assert count() == few
    assert few <= 16


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.COUNTY, Role.UNIT_HANDLER])
def test_each_roles_page_has_a_fixed_number_of_queries(
    client_for, users, unit, ours, theirs, role, django_assert_num_queries
):
    client = client_for(users[role])
    get(client, "core:calendar", **JUNE)
    with CaptureQueriesContext(connection) as first:
        get(client, "core:calendar", **JUNE)
    for n in range(3):
        for township in (ours, theirs):
            TrainingFactory(township=township.township, date=date(YEAR, MONTH, 21 + n))
        reception = ReceptionDay.objects.create(
            township=ours.township, district=DistrictFactory(term=ours.term), date=date(YEAR, MONTH, 20 + n), place="村"
        )
        reception.deputies.set([ours.deputy])
        make_deadline(township=ours.township, start=date(YEAR, MONTH, 2 + n), limit=5, unit=unit)
    with django_assert_num_queries(len(first)):
        get(client, "core:calendar", **JUNE)


# --- .ics -------------------------------------------------------------------------------------------------


def test_the_ics_export_holds_what_the_user_sees(client_for, clerk, ours, theirs):
    response = get(client_for(clerk), "core:calendar_ics", **JUNE)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="calendar-2026-06.ics"'
    events = ics_events(response)
    assert sorted(events) == sorted(
        [
            "第一选区代表接待日",
            "第二选区代表接待日",
            "代表履职培训",
            str(ours.session.title),
            str(ours.presidium.title),
            "督办：道路修缮",
            "督办：财政资金",
        ]
    )
    # all-day entries: a DATE and the next day as the exclusive end
    training = events["代表履职培训"]
    assert training.decoded("DTSTART") == date(YEAR, MONTH, 16)
    assert training.decoded("DTEND") == date(YEAR, MONTH, 17)
    deadline = events["督办：道路修缮"]
    assert deadline.decoded("DTSTART") == ours.deadline.due_date
    assert deadline["URL"] == f"http://testserver{ours.deadline.get_absolute_url()}"
    # its description (worked out for the export only): who answers for it and its basis
    assert f"责任：{ours.deadline.responsible_unit}\n{ours.deadline.basis()}" in str(deadline["DESCRIPTION"])
    # a timed entry in Asia/Shanghai, with its VTIMEZONE
    session = events[str(ours.session.title)]
    assert session["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert session.decoded("DTSTART") == at(date(YEAR, MONTH, 18), 9)
    assert session.decoded("DTSTART").utcoffset() == timedelta(hours=8)
    zones = icalendar.Calendar.from_ical(response.content).walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    assert str(session["LOCATION"]) == "大会堂"


def test_the_ics_text_is_escaped_and_reads_back_unchanged(client_for, clerk, ours):
    ours.training.title = "培训, 第一讲; 代表法\\要点"
    ours.training.place = "镇党校, 201室"
    ours.training.save()

    response = get(client_for(clerk), "core:calendar_ics", **JUNE)

    unfolded = response.content.decode().replace("\r\n ", "")
    assert "SUMMARY:培训\\, 第一讲\\; 代表法\\\\要点\r\n" in unfolded
    assert "LOCATION:镇党校\\, 201室\r\n" in unfolded
    events = ics_events(response)
    assert str(events["培训, 第一讲; 代表法\\要点"]["LOCATION"]) == "镇党校, 201室"
    reception = events["第一选区代表接待日"]
    assert str(reception["LOCATION"]) == "村委会，二楼"
    assert "接待代表：张桂兰" in str(reception["DESCRIPTION"]).split("\n")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))  # folded at 75 octets


def test_the_ics_uids_are_stable_and_unique(client_for, clerk, ours):
    client = client_for(clerk)

    first = {name: str(e["UID"]) for name, e in ics_events(get(client, "core:calendar_ics", **JUNE)).items()}
    second = {name: str(e["UID"]) for name, e in ics_events(get(client, "core:calendar_ics", **JUNE)).items()}

    assert first == second
    assert len(set(first.values())) == len(first)
    assert first["代表履职培训"] == f"deputies.training-{ours.training.pk}@{uid_domain()}"


def test_the_ics_export_of_another_role_and_township(client_for, users, other_clerk, ours, theirs):
    handler = ics_events(get(client_for(users[Role.UNIT_HANDLER]), "core:calendar_ics", **JUNE))
    assert list(handler) == ["督办：道路修缮"]

    other = ics_events(get(client_for(other_clerk), "core:calendar_ics", **JUNE))
    assert other and all("白水" in name for name in other)


def test_the_ics_export_of_a_week(client_for, clerk, ours):
    response = get(client_for(clerk), "core:calendar_ics", date="2026-06-17")

    assert response["Content-Disposition"] == 'attachment; filename="calendar-2026-06-15.ics"'
    assert sorted(ics_events(response)) == sorted(["代表履职培训", str(ours.session.title)])


def test_the_month_page_links_its_ics_export(client_for, clerk, users, theirs):
    html = get(client_for(clerk), "core:calendar", **JUNE).content.decode()
    assert 'href="/calendar.ics?year=2026&amp;month=6"' in html
    assert "导出日历（.ics）" in html

    county = get(client_for(users[Role.COUNTY]), "core:calendar", township=theirs.township.code, **JUNE)
    assert f'href="/calendar.ics?year=2026&amp;month=6&amp;township={theirs.township.code}"' in county.content.decode()


def test_the_sources_deduplicate_a_deadline_two_of_them_give(users, clerk, unit, ours):
    """A deadline the deputy is responsible for and that belongs to their suggestion is listed once."""
    deputy_user = users[Role.DEPUTY]
    suggestion = suggestion_services.suggestion_submit(
        by=deputy_user, term=ours.term, title="修缮水渠", content="水渠渗漏，建议修缮。"
    )
    suggestion_services.suggestion_assign(suggestion=suggestion, lead_unit=unit, by=clerk, start=date(YEAR, 3, 2))
    deadline = suggestion_deadline(suggestion)
    deadline.responsible_user = deputy_user
    deadline.save()

    found = calendar_events(user=deputy_user, start=deadline.due_date, end=deadline.due_date)

    assert [e.uid for e in found if e.kind == "deadline"] == [f"core.deadline-{deadline.pk}"]


def test_a_busy_day_of_the_month_shows_five_entries_and_links_to_its_week_for_the_rest(client_for, clerk, township):
    for n in range(7):
        make_deadline(township=township, title=f"同日到期{n}", start=date(YEAR, MONTH, 1), limit=10)
    page = get(client_for(clerk), "core:calendar", year=YEAR, month=MONTH)
    html = page.content.decode()
    assert sum(f"同日到期{n}" in html for n in range(7)) == 5
    assert html.count('data-testid="calendar-more"') == 2  # the grid and the phone's list
    assert "另有 2 项" in html and f"date={date(YEAR, MONTH, 11):%Y-%m-%d}" in html
    week = get(client_for(clerk), "core:calendar_week", date=f"{date(YEAR, MONTH, 11):%Y-%m-%d}")
    assert sum(f"同日到期{n}" in week.content.decode() for n in range(7)) == 7
