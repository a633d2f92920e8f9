"""Reception days (代表接待日) with their visit log and the casework hook, and trainings (培训)
with attendance and the year's list of deputies who missed every training."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_office.registries import reception_visit_actions
from congress_office.roles import Role
from deputies.choices import DeputyStatus
from deputies.models import ReceptionDay, ReceptionVisit, Training
from deputies.selectors import deputies_without_training
from deputies.services.activities import (
    reception_day_schedule,
    reception_visit_record,
    training_create,
    training_set_attendance,
)

from .factories import DeputyFactory, DistrictFactory, TermFactory, TrainingFactory

pytestmark = pytest.mark.django_db

RECEPTIONS = reverse("deputies:reception_list")
TRAININGS = reverse("deputies:training_list")


@pytest.fixture
def reception_day(clerk, township, district, deputy):
    return reception_day_schedule(
        by=clerk,
        township=township,
        district=district,
        date=date(2026, 11, 5),
        place="东风村便民服务中心",
        deputies=[deputy],
    )


def count_queries(client, url, params=None):
    client.get(url, params)  # warm caches before counting
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# --- reception days: services ---------------------------------------------------------------------


def test_a_reception_day_is_scheduled_once_per_district_and_day(clerk, township, district, deputy, reception_day):
    assert list(reception_day.deputies.all()) == [deputy]

    with pytest.raises(ValidationError) as error:
        reception_day_schedule(by=clerk, township=township, district=district, date=reception_day.date, place="别处")
    assert error.value.message_dict["date"] == ["该选区在这一天已安排了接待日。"]


def test_a_reception_day_cannot_use_another_townships_district_or_deputies(
    clerk, township, other_term, other_deputy, district
):
    other_district = DistrictFactory(term=other_term)
    with pytest.raises(ValidationError) as error:
        reception_day_schedule(by=clerk, township=township, district=other_district, date=date(2026, 12, 3), place="x")
    assert "district" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        reception_day_schedule(
            by=clerk, township=township, district=district, date=date(2026, 12, 3), place="x", deputies=[other_deputy]
        )
    assert "deputies" in error.value.message_dict


def test_a_visit_is_recorded_with_who_recorded_it(clerk, reception_day):
    visit = reception_visit_record(
        reception_day=reception_day,
        by=clerk,
        visitor="陈阿姨",
        visitor_contact="138****0001",
        matter="村口路灯不亮",
        response="已联系村委会维修",
    )

    assert (visit.recorded_by, visit.follow_up_kind, visit.follow_up_id) == (clerk, "", None)


def test_a_clerk_of_another_township_cannot_record_a_visit(other_clerk, reception_day):
    with pytest.raises(PermissionDenied):
        reception_visit_record(reception_day=reception_day, by=other_clerk, visitor="某人", matter="某事")


# --- reception days: pages ------------------------------------------------------------------------


def test_the_schedule_lists_the_townships_reception_days_by_district(client_for, clerk, reception_day, other_term):
    other = DistrictFactory(term=other_term, name="白水村选区")
    ReceptionDay.objects.create(township=other.township, district=other, date=date(2026, 11, 5), place="白水村")
    client = client_for(clerk)

    response = client.get(RECEPTIONS)
    assert list(response.context["reception_days"]) == [reception_day]
    assert "东风村选区" in response.text and "白水村" not in response.text
    filtered = client.get(RECEPTIONS, {"district": reception_day.district_id})
    assert list(filtered.context["reception_days"]) == [reception_day]


def test_a_clerk_schedules_a_reception_day_from_the_page(client_for, clerk, district, deputy):
    client = client_for(clerk)
    assert client.get(reverse("deputies:reception_create")).status_code == 200

    response = client.post(
        reverse("deputies:reception_create"),
        {
            "district": district.pk,
            "date": "2026-12-03",
            "place": "东风村便民服务中心",
            "deputies": [deputy.pk],
        },
    )

    day = ReceptionDay.objects.get()
    assert response.status_code == 302 and response.url == day.get_absolute_url()
    duplicate = client.post(
        reverse("deputies:reception_create"),
        {
            "district": district.pk,
            "date": "2026-12-03",
            "place": "别处",
        },
    )
    assert duplicate.status_code == 200 and "该选区在这一天已安排了接待日。" in duplicate.text


def test_reception_pages_follow_the_access_rules(client, client_for, users, deputy_user, other_clerk, reception_day):
    detail = reverse("deputies:reception_detail", args=[reception_day.pk])

    assert client.get(detail).status_code == 302  # anonymous → login
    assert client_for(deputy_user).get(RECEPTIONS).status_code == 403
    assert client_for(other_clerk).get(detail).status_code == 404
    assert client_for(users[Role.CHAIR]).get(reverse("deputies:reception_create")).status_code == 403
    chair_page = client_for(users[Role.CHAIR]).get(detail)
    assert chair_page.status_code == 200 and 'data-testid="visit-form"' not in chair_page.text


def test_a_clerk_records_a_visit_on_the_reception_days_page(client_for, clerk, reception_day):
    client = client_for(clerk)
    url = reverse("deputies:reception_visit_create", args=[reception_day.pk])

    missing = client.post(url, {"visitor": "陈阿姨", "matter": ""})
    assert missing.status_code == 200 and "这个字段是必填项。" in missing.text
    assert 'value="陈阿姨"' in missing.text and not ReceptionVisit.objects.exists()

    response = client.post(
        url, {"visitor": "陈阿姨", "visitor_contact": "13800000001", "matter": "村口路灯不亮"}, follow=True
    )
    assert ReceptionVisit.objects.get().recorded_by == clerk
    assert "村口路灯不亮" in response.text and "接待记录已保存" in response.text


def test_another_townships_clerk_cannot_post_a_visit(client_for, other_clerk, reception_day):
    url = reverse("deputies:reception_visit_create", args=[reception_day.pk])

    assert client_for(other_clerk).post(url, {"visitor": "某人", "matter": "某事"}).status_code == 404
    assert not ReceptionVisit.objects.exists()


@pytest.fixture
def registered_action():
    """Stands in for the casework apps (petitions, suggestions) plugging into the hook."""

    def build(visit, user):
        return {"label": "转为信访", "url": f"/petitions/new/?visit={visit.pk}", "icon": "bi-envelope"}

    reception_visit_actions.register("tests.to_petition", build)
    yield build
    reception_visit_actions._items.pop("tests.to_petition")


@pytest.fixture
def no_casework_actions():
    """The hook as the deputies app sees it on its own, without petitions and suggestions."""
    saved = dict(reception_visit_actions._items)
    reception_visit_actions._items.clear()
    yield
    reception_visit_actions._items.update(saved)


def test_with_no_casework_app_registered_a_visit_shows_no_follow_up_area(
    client_for, clerk, reception_day, no_casework_actions
):
    reception_visit_record(reception_day=reception_day, by=clerk, visitor="陈阿姨", matter="村口路灯不亮")

    response = client_for(clerk).get(reception_day.get_absolute_url())

    assert 'data-testid="visit"' in response.text
    assert 'data-testid="visit-actions"' not in response.text and "转为信访" not in response.text


def test_registered_actions_are_offered_until_the_visit_has_been_turned_into_a_case(
    client_for, clerk, reception_day, registered_action
):
    open_visit = reception_visit_record(reception_day=reception_day, by=clerk, visitor="陈阿姨", matter="路灯")
    done = reception_visit_record(reception_day=reception_day, by=clerk, visitor="刘大爷", matter="低保")
    done.follow_up_kind, done.follow_up_id = "petition", 42
    done.save()

    response = client_for(clerk).get(reception_day.get_absolute_url())

    assert f"/petitions/new/?visit={open_visit.pk}" in response.text
    assert f"/petitions/new/?visit={done.pk}" not in response.text
    assert "已转办" in response.text and "#42" in response.text


def test_the_reception_list_has_a_fixed_number_of_queries(client_for, clerk, township, term, deputy):
    client = client_for(clerk)

    def add(n, start):
        for i in range(n):
            district = DistrictFactory(term=term)
            day = ReceptionDay.objects.create(
                township=township, district=district, date=date(2026, 1 + (start + i) % 12, 8), place="便民服务中心"
            )
            day.deputies.set([deputy])
            ReceptionVisit.objects.create(reception_day=day, visitor="群众", matter="事项", recorded_by=clerk)

    add(3, 0)
    few, response = count_queries(client, RECEPTIONS)
    assert len(response.context["reception_days"]) == 3
    add(6, 3)
    many, response = count_queries(client, RECEPTIONS)
    assert len(response.context["reception_days"]) == 9
    assert few == many <= 12


# --- trainings ------------------------------------------------------------------------------------


@pytest.fixture
def training(clerk, township):
    return training_create(
        by=clerk, township=township, title="代表履职能力培训", date=date(2026, 3, 20), place="镇会议室"
    )


def test_attendance_is_exactly_the_ticked_deputies_of_the_township(training, deputy, other_deputy, term):
    colleague = DeputyFactory(term=term, name="周明")

    training_set_attendance(training=training, deputies=[deputy, colleague])
    training_set_attendance(training=training, deputies=[deputy])
    assert list(training.attendees.all()) == [deputy]
    with pytest.raises(ValidationError, match="参训代表必须属于本乡镇"):
        training_set_attendance(training=training, deputies=[other_deputy])


def test_the_year_lists_serving_deputies_who_missed_every_training(township, term, deputy, training):
    second = TrainingFactory(township=township, date=date(2026, 7, 8))
    went_once = DeputyFactory(term=term, name="周明")
    missed = DeputyFactory(term=term, name="孙丽")
    DeputyFactory(
        term=term, name="赵大海", status=DeputyStatus.TERMINATED, status_reason="辞职", status_date=date(2026, 5, 1)
    )
    earlier_term = TermFactory(township=township, number=18, start_date=date(2021, 1, 10), end_date=date(2026, 1, 9))
    DeputyFactory(term=earlier_term, name="上届代表")
    training_set_attendance(training=training, deputies=[deputy])
    training_set_attendance(training=second, deputies=[went_once])

    assert deputies_without_training(township_id=township.pk, year=2026) == [missed]
    assert deputies_without_training(township_id=township.pk, year=2025) == []  # no training that year


def test_the_training_list_shows_the_year_and_who_missed_every_training(
    client_for, clerk, township, term, deputy, training, other_township
):
    TrainingFactory(township=other_township, title="白水乡培训", date=date(2026, 4, 1))
    missed = DeputyFactory(term=term, name="孙丽")
    training_set_attendance(training=training, deputies=[deputy])
    client = client_for(clerk)

    response = client.get(TRAININGS, {"year": 2026})
    assert list(response.context["trainings"]) == [training]
    assert "白水乡培训" not in response.text
    assert response.context["missed_all"] == [missed]
    assert 'data-testid="missed-all"' in response.text and "孙丽" in response.text
    assert list(client.get(TRAININGS, {"year": 2025}).context["trainings"]) == []
    assert client.get(TRAININGS, {"year": "abc"}).status_code == 200


def test_a_clerk_registers_a_training_and_ticks_the_attendees(client_for, clerk, term, deputy):
    colleague = DeputyFactory(term=term, name="周明")
    client = client_for(clerk)

    response = client.post(
        reverse("deputies:training_create"),
        {"title": "代表建议撰写培训", "date": "2026-07-10", "place": "镇会议室", "hours": "3"},
    )
    training = Training.objects.get()
    assert response.status_code == 302 and response.url == training.get_absolute_url()
    page = client.get(training.get_absolute_url())
    assert 'data-testid="attendance-form"' in page.text and "周明" in page.text

    client.post(reverse("deputies:training_attendance", args=[training.pk]), {"attendees": [deputy.pk, colleague.pk]})
    assert set(training.attendees.all()) == {deputy, colleague}
    client.post(reverse("deputies:training_attendance", args=[training.pk]), {"attendees": [colleague.pk]})
    assert list(training.attendees.all()) == [colleague]


def test_training_pages_follow_the_access_rules(client_for, users, deputy_user, other_clerk, training, deputy):
    detail = training.get_absolute_url()
    attendance = reverse("deputies:training_attendance", args=[training.pk])

    assert client_for(deputy_user).get(TRAININGS).status_code == 403
    assert client_for(other_clerk).get(detail).status_code == 404
    assert client_for(other_clerk).post(attendance, {"attendees": []}).status_code == 404
    chair = client_for(users[Role.CHAIR])
    page = chair.get(detail)
    assert page.status_code == 200 and 'data-testid="attendance-form"' not in page.text
    assert chair.post(attendance, {"attendees": [deputy.pk]}).status_code == 403
    assert chair.get(reverse("deputies:training_create")).status_code == 403
    assert not training.attendees.exists()


def test_another_townships_deputy_cannot_be_ticked(client_for, clerk, training, other_deputy):
    response = client_for(clerk).post(
        reverse("deputies:training_attendance", args=[training.pk]), {"attendees": [other_deputy.pk]}
    )

    assert response.status_code == 200 and not training.attendees.exists()


def test_the_training_list_has_a_fixed_number_of_queries(client_for, clerk, township, term):
    client = client_for(clerk)
    deputies = [DeputyFactory(term=term) for _ in range(4)]

    def add(n):
        for i in range(n):
            t = TrainingFactory(township=township, date=date(2026, 1 + i % 12, 10))
            t.attendees.set(deputies[: 1 + i % 3])

    add(2)
    few, response = count_queries(client, TRAININGS, {"year": 2026})
    assert len(response.context["trainings"]) == 2
    add(4)
    many, response = count_queries(client, TRAININGS, {"year": 2026})
    assert len(response.context["trainings"]) == 6
    assert few == many <= 12
