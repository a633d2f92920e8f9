"""Fixtures of the meetings tests: a term of 9 deputies (3 of them the presidium), the first
with users[Role.DEPUTY]'s account, and a session of the term planned for today."""

from datetime import datetime, time

import pytest
from django.utils import timezone

from congress_office.roles import Role
from meetings import services as svc
from meetings.choices import AttendanceStatus, MeetingKind
from meetings.services import meeting_plan

from ..deputies.factories import DeputyFactory, TermFactory
from ..factories import UserFactory


@pytest.fixture
def term(township):
    return TermFactory(township=township)


@pytest.fixture
def deputy_user(users):
    return users[Role.DEPUTY]


@pytest.fixture
def deputies(term, deputy_user, township):
    """9 deputies in office; the first three sit on the presidium; every one has an account."""
    people = [DeputyFactory(term=term, name="张桂兰", user=deputy_user, is_presidium=True)]
    for n in range(1, 9):
        user = UserFactory(username=f"dep{n}", name=f"代表{n}", township=township, roles=[Role.DEPUTY])
        people.append(DeputyFactory(term=term, name=f"代表{n}", user=user, is_presidium=n < 3))
    return people


def today_at(hour):
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, 0)))


@pytest.fixture
def session(township, clerk, deputies):
    return meeting_plan(
        township=township, by=clerk, kind=MeetingKind.SESSION, starts_at=today_at(9), place="镇政府三楼会议室"
    )


def sign_in(meeting, clerk, people):
    """The clerk marks each of `people` present."""
    for deputy in people:
        svc.attendance_mark(meeting=meeting, by=clerk, deputy=deputy, status=AttendanceStatus.PRESENT)


def opened(meeting, clerk, deputies, present=6):
    """Sign-in started, the first `present` deputies marked present, the sitting opened."""
    svc.sign_in_start(meeting=meeting, by=clerk)
    sign_in(meeting, clerk, deputies[:present])
    svc.meeting_open(meeting=meeting, by=clerk)
    meeting.refresh_from_db()
    return meeting
