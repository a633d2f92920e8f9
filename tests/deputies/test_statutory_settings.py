"""Statutory numbers are read when used: changing a PETITION_* or SUGGESTION_* setting changes
the next clock, validation or window. Each case overrides one setting and observes the effect;
a last test makes sure no such setting is left out of these lists."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from congress_office.models import Deadline, DeadlineRule
from congress_office.services.cases import case_open_clock, case_request_extension
from congress_office.workdays import compute_due_date
from deputies.suggestions import services as suggestion_services
from petitions.choices import ReviewKind
from petitions.services.handling import petition_assign, petition_reply, review_window
from petitions.services.registration import petition_accept

from ..petitions.factories import register_petition

START = date(2026, 11, 2)

# (setting, case type, clock, rule): the clock a case type opens with that setting's limit
CLOCKS = [
    ("PETITION_ACCEPTANCE_DAYS", "petition", "acceptance", DeadlineRule.CALENDAR_DAYS),
    ("PETITION_OBJECTION_WORKING_DAYS", "petition", "objection", DeadlineRule.WORKING_DAYS),
    ("PETITION_HANDLING_DAYS", "petition", "handling", DeadlineRule.CALENDAR_DAYS),
    ("PETITION_REOPEN_DAYS", "petition", "reopened", DeadlineRule.CALENDAR_DAYS),
    ("PETITION_REVIEW_DECISION_DAYS", "petition", "review", DeadlineRule.CALENDAR_DAYS),
    ("SUGGESTION_ANSWER_MONTHS", "suggestion", "handling", DeadlineRule.MONTHS),
    ("SUGGESTION_HARD_ANSWER_MONTHS", "suggestion", "handling_hard", DeadlineRule.MONTHS),
    ("SUGGESTION_CO_INPUT_MONTHS", "suggestion", "co_input", DeadlineRule.MONTHS),
    ("SUGGESTION_FEEDBACK_WORKING_DAYS", "suggestion", "feedback", DeadlineRule.WORKING_DAYS),
    ("SUGGESTION_REOPEN_MONTHS", "suggestion", "reopened", DeadlineRule.MONTHS),
]


@pytest.fixture
def petition(township, clerk):
    return register_petition(township=township, by=clerk)


@pytest.fixture
def suggestion(deputy_user, deputy, term):
    return suggestion_services.suggestion_submit(by=deputy_user, term=term, title="修路", content="村道破损")


@pytest.mark.parametrize(("name", "kind", "clock", "rule"), CLOCKS)
def test_a_clock_opens_with_the_setting_of_the_moment(settings, request, name, kind, clock, rule):
    item = request.getfixturevalue(kind)
    default = getattr(settings, name)
    setattr(settings, name, default + 1)

    deadline = case_open_clock(item=item, clock_name=clock, start=START)

    assert (deadline.rule, deadline.limit) == (rule, default + 1)
    assert deadline.due_date == compute_due_date(START, rule, default + 1)


def _assigned_petition(township, clerk, unit):
    petition = register_petition(township=township, by=clerk, received_on=START)
    petition_accept(petition=petition, by=clerk, on=START)
    petition_assign(petition=petition, lead_unit=unit, by=clerk)
    return petition


def max_extension(settings, township, clerk, unit, **_):
    petition = _assigned_petition(township, clerk, unit)
    settings.PETITION_MAX_EXTENSION_DAYS = 5
    with pytest.raises(ValidationError, match="5"):
        case_request_extension(item=petition, by=clerk, reason="复杂", extra=6)
    assert case_request_extension(item=petition, by=clerk, reason="复杂", extra=5).extra == 5


def review_request_days(settings, township, clerk, unit, **_):
    petition = _assigned_petition(township, clerk, unit)
    petition_reply(petition=petition, by=clerk, outcome="support", content="已办理。", on=START)
    petition.refresh_from_db()
    settings.PETITION_REVIEW_REQUEST_DAYS = 10
    assert review_window(petition, ReviewKind.REVIEW) == (START, date(2026, 11, 12))


def hard_answer_months(settings, township, clerk, unit, suggestion, **_):
    suggestion_services.suggestion_assign(suggestion=suggestion, lead_unit=unit, by=clerk, start=START)
    settings.SUGGESTION_HARD_ANSWER_MONTHS = 4  # the outer limit of an extension, from assignment
    with pytest.raises(ValidationError, match="4 个月.*2027-03-02"):
        case_request_extension(item=suggestion, by=clerk, reason="复杂", extra=2)
    # due 2 Feb 2027 (3 months); one more month reaches the outer limit exactly
    assert case_request_extension(item=suggestion, by=clerk, reason="复杂", extra=1).new_due_date == date(2027, 3, 2)


def rehandle(settings, township, clerk, unit, **_):
    from congress_office.cases import Satisfaction
    from petitions.services.handling import petition_rate

    petition = _assigned_petition(township, clerk, unit)
    petition_reply(petition=petition, by=clerk, outcome="support", content="已办理。", on=START)
    settings.PETITION_REHANDLE_ON_UNSATISFIED = True
    petition_rate(petition=petition, by=clerk, satisfaction=Satisfaction.UNSATISFIED, comment="不认可")
    assert Deadline.objects.filter(subject_id=petition.pk, kind="petitions.petition.reopened").exists()


def group_representatives(settings, township, clerk, **_):
    from petitions.models import Petition

    petition = Petition.objects.get(pk=register_petition(township=township, by=clerk).pk)
    petition.representatives = ["甲", "乙", "丙"]
    petition.clean()
    settings.PETITION_GROUP_MAX_REPRESENTATIVES = 2
    with pytest.raises(ValidationError, match="不得超过 2 人"):
        petition.clean()


def upload_files(settings, **_):
    from petitions.validators import validate_attachment_count

    validate_attachment_count([object()] * 3)
    settings.PETITION_UPLOAD_MAX_FILES = 2
    with pytest.raises(ValidationError, match="最多上传 2 个"):
        validate_attachment_count([object()] * 3)


def upload_size(settings, **_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from petitions.validators import validate_petition_attachment

    content = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
    validate_petition_attachment(SimpleUploadedFile("a.pdf", content, content_type="application/pdf"))
    settings.PETITION_UPLOAD_MAX_MB = 1
    with pytest.raises(ValidationError):
        validate_petition_attachment(SimpleUploadedFile("a.pdf", content, content_type="application/pdf"))


def public_rate_limit(settings, **_):
    from petitions.ratelimit import public_rate

    settings.PETITION_PUBLIC_RATE_LIMIT = "7/h"
    assert public_rate().count == 7


def answer_categories(settings, **_):
    settings.SUGGESTION_CATEGORIES = {"甲": "已解决", "乙": "未解决"}
    assert list(suggestion_services.categories()) == ["甲", "乙"]


EFFECTS = {
    "PETITION_GROUP_MAX_REPRESENTATIVES": group_representatives,
    "PETITION_UPLOAD_MAX_FILES": upload_files,
    "PETITION_UPLOAD_MAX_MB": upload_size,
    "PETITION_PUBLIC_RATE_LIMIT": public_rate_limit,
    "SUGGESTION_CATEGORIES": answer_categories,
    "PETITION_MAX_EXTENSION_DAYS": max_extension,
    "PETITION_REVIEW_REQUEST_DAYS": review_request_days,
    "SUGGESTION_HARD_ANSWER_MONTHS": hard_answer_months,
    "PETITION_REHANDLE_ON_UNSATISFIED": rehandle,
}


@pytest.mark.parametrize("name", sorted(EFFECTS))
def test_a_rule_follows_the_setting_of_the_moment(settings, township, clerk, unit, suggestion, name):
    EFFECTS[name](settings=settings, township=township, clerk=clerk, unit=unit, suggestion=suggestion)


# settings covered elsewhere, each by a test that overrides it
ELSEWHERE = {
    "SUGGESTION_RESOLVED_CATEGORIES": "tests/deputies/test_suggestion_report.py",
    "PETITION_STATS_SNAPSHOT_MAX_AGE": "tests/petitions/test_stats_snapshot.py",
    "PETITION_STATS_SNAPSHOT_REFRESH": "tests/petitions/test_stats_snapshot.py",
}


def test_every_petition_and_suggestion_setting_is_covered():
    names = {n for n in dir(django_settings) if n.startswith(("PETITION_", "SUGGESTION_"))}
    covered = {c[0] for c in CLOCKS} | set(EFFECTS) | set(ELSEWHERE)
    assert names - covered == set()
    for name, path in ELSEWHERE.items():
        with open(path, encoding="utf-8") as module:
            assert name in module.read(), f"{path} should override {name}"
