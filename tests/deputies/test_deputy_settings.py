"""Every statutory number of the deputies app (settings DEPUTY_* and DISTRICT_SEATS_*) is read
when it is used: changing a setting changes the next validation, warning, computation or page
text, without a restart or a migration.

Each case observes something once with the default setting and once after changing it, and
expects both results, so a number copied at import time (a module constant, a field default,
a form's class-level help text, a database constraint) fails its case."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from congress_office.models import Township
from deputies.choices import ActivityStatus
from deputies.forms.register import DeputyForm, DistrictForm, TermForm
from deputies.models import District
from deputies.selectors import inactive_deputies
from deputies.services.register import (
    deputy_count_minimum,
    deputy_count_range,
    deputy_count_warning,
    district_save,
    term_end_date,
)
from deputies.services.register_io import read_table, register_preview
from deputies.validators import validate_photo

from .factories import ActivityFactory, DeputyFactory, DeputyGroupFactory
from .test_activity_services import png_bytes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@dataclass
class Case:
    setting: str
    value: Any  # the changed value
    observe: Any  # (given) -> what the setting should change
    before: Any  # expected with the project's default
    after: Any  # expected once the setting is `value`
    given: Any = None  # (request) -> the data observed, made once; the request by default

    def __str__(self):
        return f"{self.setting}={self.value}:{self.observe.__name__}"


def fixture(request, name):
    return request.getfixturevalue(name)


def error_of(call):
    """The Chinese messages of the ValidationError `call()` raises, or None when it passes."""
    try:
        call()
    except ValidationError as error:
        return error.messages
    return None


# --- DEPUTY_TERM_YEARS ---------------------------------------------------------------------------


def term_end(request):
    return term_end_date(date(2026, 1, 10))


def term_form_text(request):
    return str(TermForm(township_id=fixture(request, "township").pk).fields["start_date"].help_text)


def term_list_page(request):
    client = fixture(request, "client")
    client.force_login(fixture(request, "clerk"))
    return "每届任期 4 年" in client.get(reverse("deputies:term_list")).text


# --- deputy count (选举法) -------------------------------------------------------------------------


def count_range(request):
    return deputy_count_range(Township(population=30_000))


def count_warning_for_a_small_township(request):
    """A township of 1,500 residents with 10 deputies: fine below the small-population line."""
    return deputy_count_warning(Township(population=1_500), 10)


def count_minimum(request):
    return deputy_count_minimum(Township(population=1_500))


# --- DEPUTY_GROUP_MIN_MEMBERS --------------------------------------------------------------------


def group_of_two(request):
    """A group of two serving deputies, one of them its leader; a client logged in as the clerk."""
    term = fixture(request, "term")
    group = DeputyGroupFactory(term=term, name="小组甲")
    leader, _other = DeputyFactory(term=term, group=group), DeputyFactory(term=term, group=group)
    group.leader = leader
    group.save()
    client = fixture(request, "client")
    client.force_login(fixture(request, "clerk"))
    return client, group


def group_page_warning(given):
    client, group = given
    return client.get(reverse("deputies:group_detail", args=[group.pk])).context["warnings"]


def group_form_page(request):
    client = fixture(request, "client")
    client.force_login(fixture(request, "clerk"))
    return "代表小组至少应有 2 名代表" in client.get(reverse("deputies:group_create")).text


def import_new_group_warning(request):
    """Two imported deputies in a group the term does not have yet (ticked 新建)."""
    district = fixture(request, "district")
    rows = [
        {"姓名": name, "性别": "男", "选区": district.name, "代表小组": "新小组", "_line": line}
        for line, name in ((2, "甲"), (3, "乙"))
    ]
    preview = register_preview(rows=rows, township=district.township, term=district.term, create_groups=["新小组"])
    return preview.warnings


# --- DEPUTY_INACTIVE_DAYS ------------------------------------------------------------------------


def last_active_60_days_ago(request):
    """A deputy whose last confirmed activity was 60 days before 30 June 2026."""
    term = fixture(request, "term")
    deputy = DeputyFactory(term=term, name="少活动")
    ActivityFactory(
        township=term.township, date=date(2026, 5, 1), status=ActivityStatus.CONFIRMED, participants=[deputy]
    )
    return term


def inactive_list(term):
    return [d.name for d in inactive_deputies(township_id=term.township_id, today=date(2026, 6, 30))]


def records_home_page(request):
    client = fixture(request, "client")
    client.force_login(fixture(request, "clerk"))
    return "近 30 天无履职记录的代表" in client.get(reverse("deputies:record_home")).text


# --- DEPUTY_UPLOAD_MAX_MB ------------------------------------------------------------------------


def photo_of_two_mb(request):
    upload = SimpleUploadedFile("照片.png", png_bytes() + b"\x00" * (2 * MB), content_type="image/png")
    return error_of(lambda: validate_photo(upload))


def register_file_of_two_mb(request):
    content = "姓名,性别,选区\r\n张三,男,东风村选区\r\n" + ",,\r\n" * (MB // 2)  # blank rows: 2 MB
    upload = SimpleUploadedFile("名册.csv", content.encode(), content_type="text/csv")
    return error_of(lambda: read_table(upload))


def photo_help_text(request):
    return str(DeputyForm(user=fixture(request, "clerk")).fields["photo"].help_text)


# --- DISTRICT_SEATS_MIN / DISTRICT_SEATS_MAX -----------------------------------------------------


def one_seat_district(request):
    term = fixture(request, "term")
    district = District(township=term.township, term=term, name="一名额选区", seats=1)
    return error_of(district.full_clean)


def new_district_seats(request):
    return District().seats


def four_seat_district_saved(request):
    """Validation and the database: a 4-seat district is refused by the range, not by a
    constraint that would still say 1–3."""
    term = fixture(request, "term")
    district = District(township=term.township, term=term, name="四名额选区", seats=4)
    return error_of(lambda: district_save(district=district)) or District.objects.get(pk=district.pk).seats


def district_form_text(request):
    form = DistrictForm(user=fixture(request, "clerk"))
    seats = form.fields["seats"]
    return str(seats.help_text), seats.widget.attrs["min"], seats.widget.attrs["max"]


def deputy_form_district_text(request):
    return str(DeputyForm(user=fixture(request, "clerk")).fields["district"].help_text)


def import_four_in_a_new_district(request):
    term = fixture(request, "term")
    rows = [{"姓名": f"代表{i}", "性别": "女", "选区": "新选区", "_line": i + 2} for i in range(4)]
    preview = register_preview(rows=rows, township=term.township, term=term, create_districts=["新选区"])
    return [error for row in preview.rows for error in row.errors]


CASES = [
    Case("DEPUTY_TERM_YEARS", 4, term_end, date(2031, 1, 10), date(2030, 1, 10)),
    Case("DEPUTY_TERM_YEARS", 4, term_form_text, "届满日期按每届 5 年自动计算。", "届满日期按每届 4 年自动计算。"),
    Case("DEPUTY_TERM_YEARS", 4, term_list_page, False, True),
    Case("DEPUTY_COUNT_BASE", 50, count_range, 65, 70),
    Case("DEPUTY_COUNT_RESIDENTS_PER_EXTRA", 1000, count_range, 65, 75),
    Case("DEPUTY_COUNT_MAX", 60, count_range, 65, 60),
    Case("DEPUTY_COUNT_SMALL_POPULATION", 1000, count_minimum, 0, 45),
    Case(
        "DEPUTY_COUNT_SMALL_POPULATION",
        1000,
        count_warning_for_a_small_township,
        None,
        "本届代表 10 名，少于法定基数 45 名（常住人口 1500 人，法定名额 45–46 名），请核对。",
    ),
    Case(
        "DEPUTY_GROUP_MIN_MEMBERS",
        2,
        group_page_warning,
        ["本小组现有代表 2 名，代表小组至少应有 3 名代表。"],
        [],
        given=group_of_two,
    ),
    Case("DEPUTY_GROUP_MIN_MEMBERS", 2, group_form_page, False, True),
    Case(
        "DEPUTY_GROUP_MIN_MEMBERS",
        2,
        import_new_group_warning,
        ["代表小组“新小组”在本届尚无，文件中只有 2 名代表，代表小组至少应有 3 名代表。"],
        [],
    ),
    Case("DEPUTY_INACTIVE_DAYS", 30, inactive_list, [], ["少活动"], given=last_active_60_days_ago),
    Case("DEPUTY_INACTIVE_DAYS", 30, records_home_page, False, True),
    Case("DEPUTY_UPLOAD_MAX_MB", 1, photo_of_two_mb, None, ["文件“照片.png”过大（2.0 MB），单个文件不能超过 1 MB。"]),
    Case("DEPUTY_UPLOAD_MAX_MB", 1, register_file_of_two_mb, None, ["文件过大，不能超过 1 MB。"]),
    Case(
        "DEPUTY_UPLOAD_MAX_MB", 1, photo_help_text, "JPG、PNG 等图片，不超过 10 MB。", "JPG、PNG 等图片，不超过 1 MB。"
    ),
    Case("DISTRICT_SEATS_MIN", 2, one_seat_district, None, ["每个选区选出 2–3 名代表。"]),
    Case("DISTRICT_SEATS_MIN", 2, new_district_seats, 1, 2),
    Case("DISTRICT_SEATS_MAX", 4, four_seat_district_saved, ["每个选区选出 1–3 名代表。"], 4),
    Case(
        "DISTRICT_SEATS_MAX",
        4,
        district_form_text,
        ("每个选区选出 1–3 名代表。", 1, 3),
        ("每个选区选出 1–4 名代表。", 1, 4),
    ),
    Case(
        "DISTRICT_SEATS_MAX",
        4,
        deputy_form_district_text,
        "每个选区应选 1–3 名代表，满额的选区不能再增加。",
        "每个选区应选 1–4 名代表，满额的选区不能再增加。",
    ),
    Case("DISTRICT_SEATS_MAX", 4, import_four_in_a_new_district, ["选区“新选区”最多选出 3 名代表"], []),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_setting_is_read_when_it_is_used(case, settings, request):
    assert case.before != case.after  # otherwise the case could not fail
    given = case.given(request) if case.given else request
    assert case.observe(given) == case.before
    setattr(settings, case.setting, case.value)
    assert case.observe(given) == case.after


def test_every_deputies_setting_has_a_case():
    """A DEPUTY_* or DISTRICT_* setting added later needs a case here too."""
    from django.conf import settings

    names = {n for n in dir(settings) if n.startswith(("DEPUTY_", "DISTRICT_SEATS_"))}
    assert names == {case.setting for case in CASES}
