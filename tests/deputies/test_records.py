"""The yearly performance record (履职档案): the selectors behind it, the record page, its PDF
(rendered by the Celery task, eagerly here), and the township and group summaries.

Access rule: a deputy sees only their own record; clerks, chairs, auditors and county users
see the township's; another township's record is 404, a role without the permission 403.
"""

import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from congress_office.models import PdfJob, PdfJobStatus, User
from congress_office.registries import RecordSection, deputy_record_sections
from congress_office.roles import Role
from deputies import selectors
from deputies.choices import ActivityStatus, ActivityType, DeputyStatus
from deputies.models import Award, ReceptionDay, ReceptionVisit

from .factories import ActivityFactory, DeputyFactory, DeputyGroupFactory, DistrictFactory, TermFactory, TrainingFactory

YEAR = 2026
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


def record_url(deputy, year=YEAR):
    return reverse("deputies:record_detail", args=[deputy.pk, year])


def reception(*, district, day, deputies, visits=0, place="代表联络站"):
    day_row = ReceptionDay.objects.create(township=district.township, district=district, date=day, place=place)
    day_row.deputies.set(deputies)
    clerk = User.objects.filter(township=district.township).first()
    for n in range(visits):
        ReceptionVisit.objects.create(
            reception_day=day_row, visitor=f"来访人{n}", matter="反映道路破损", recorded_by=clerk
        )
    return day_row


@pytest.fixture
def record_data(township, term, district, group, deputy, clerk):
    """张桂兰's 2026: confirmed activities of three types, one waiting and one of 2025; two
    trainings of which she attended one; a reception day with two visits."""
    make = lambda **kw: ActivityFactory(township=township, submitted_by=clerk, **kw)  # noqa: E731
    data = {
        "inspection": make(
            type=ActivityType.INSPECTION, date=date(YEAR, 3, 12), title="视察高标准农田建设项目", participants=[deputy]
        ),
        "contact": make(
            type=ActivityType.CONTACT_VOTERS,
            date=date(YEAR, 5, 6),
            title="走访东风村群众听取饮水意见",
            participants=[deputy],
        ),
        "contact2": make(
            type=ActivityType.CONTACT_VOTERS,
            date=date(YEAR, 8, 20),
            title="走访五组了解秋收情况",
            participants=[deputy],
        ),
        "group": make(
            type=ActivityType.GROUP,
            date=date(YEAR, 6, 28),
            title="东风片代表小组第二季度活动",
            participants=[deputy],
            group=group,
        ),
        "pending": make(
            type=ActivityType.CONTACT_VOTERS,
            date=date(YEAR, 9, 1),
            title="尚待确认的走访",
            status=ActivityStatus.SUBMITTED,
            participants=[deputy],
        ),
        "old": make(
            type=ActivityType.RESEARCH, date=date(YEAR - 1, 11, 3), title="去年的专题调研", participants=[deputy]
        ),
    }
    first = TrainingFactory(township=township, title="第一期人大代表培训班", date=date(YEAR, 1, 20))
    TrainingFactory(township=township, title="第二期履职能力提升培训", date=date(YEAR, 6, 25))
    first.attendees.set([deputy])
    reception(district=district, day=date(YEAR, 4, 15), deputies=[deputy], visits=2, place="东风村代表联络站")
    return data


# --- the record selector ------------------------------------------------------------------


def test_the_record_lists_the_confirmed_activities_of_the_year_by_type(record_data, deputy):
    record = selectors.deputy_year_record(deputy=deputy, year=YEAR)

    assert [a.title for a in record.activities] == [
        "视察高标准农田建设项目",
        "走访东风村群众听取饮水意见",
        "东风片代表小组第二季度活动",
        "走访五组了解秋收情况",
    ]
    by_type = dict(record.by_type)
    assert len(by_type) == len(ActivityType.choices)
    assert (by_type["视察"], by_type["联系选民"], by_type["代表小组活动"], by_type["专题调研"]) == (1, 2, 1, 0)
    # the training she attended is her one 培训 of the year (the same number as 参加培训)
    assert by_type["培训"] == record.training_count == 1
    assert record.total == 5


def test_the_record_shows_trainings_attended_and_missed_and_reception_days(record_data, deputy):
    record = selectors.deputy_year_record(deputy=deputy, year=YEAR)

    assert [t.title for t in record.trainings_attended] == ["第一期人大代表培训班"]
    assert [t.title for t in record.trainings_missed] == ["第二期履职能力提升培训"]
    assert record.training_total == 2
    assert [(r.date, r.visit_count) for r in record.reception_days] == [(date(YEAR, 4, 15), 2)]
    assert record.visit_count == 2


def test_the_record_of_another_year_is_that_years(record_data, deputy):
    record = selectors.deputy_year_record(deputy=deputy, year=YEAR - 1)

    assert [a.title for a in record.activities] == ["去年的专题调研"]
    assert not record.trainings_attended and not record.trainings_missed and not record.reception_days


@pytest.fixture
def meetings_section():
    """A section a later app (meetings) would register from its AppConfig.ready()."""

    def build(deputy, year):
        return [
            {"date": date(year, 3, 1), "text": f"出席第十九届人民代表大会第一次会议（{deputy.name}）"},
            {"date": date(year, 9, 5), "text": "请假：第十九届人民代表大会第二次会议"},
        ]

    deputy_record_sections.register("tests.meetings", RecordSection(title="出席会议情况", build=build))
    yield
    deputy_record_sections._items.pop("tests.meetings", None)


def test_sections_registered_by_later_apps_join_the_record(meetings_section, deputy):
    record = selectors.deputy_year_record(deputy=deputy, year=YEAR)

    (section,) = [s for s in record.sections if s["key"] == "tests.meetings"]  # other apps may add theirs
    assert section["title"] == "出席会议情况"
    assert section["rows"][0]["text"] == "出席第十九届人民代表大会第一次会议（张桂兰）"


def test_the_record_names_the_awards_of_the_year(record_data, deputy, group, township, chair):
    Award.objects.create(township=township, year=YEAR, kind=Award.Kind.DEPUTY, deputy=deputy, confirmed_by=chair)
    Award.objects.create(township=township, year=YEAR, kind=Award.Kind.GROUP, group=group, confirmed_by=chair)
    Award.objects.create(township=township, year=YEAR - 1, kind=Award.Kind.GROUP, group=group, confirmed_by=chair)

    record = selectors.deputy_year_record(deputy=deputy, year=YEAR)

    assert sorted(a.kind for a in record.awards) == ["deputy", "group"]


# --- township summary selectors --------------------------------------------------------------


def test_inactive_deputies_have_no_confirmed_activity_in_the_last_90_days(township, term, clerk):
    today = timezone.localdate()
    active = DeputyFactory(term=term, name="近期活跃")
    lapsed = DeputyFactory(term=term, name="百日未动")
    unconfirmed = DeputyFactory(term=term, name="只有待确认")
    never = DeputyFactory(term=term, name="从未履职")
    gone = DeputyFactory(
        term=term,
        name="已终止",
        status=DeputyStatus.TERMINATED,
        status_reason="迁出本行政区域",
        status_date=today - timedelta(days=200),
    )
    ActivityFactory(township=township, submitted_by=clerk, date=today - timedelta(days=30), participants=[active])
    ActivityFactory(township=township, submitted_by=clerk, date=today - timedelta(days=100), participants=[lapsed])
    ActivityFactory(
        township=township,
        submitted_by=clerk,
        date=today - timedelta(days=5),
        participants=[unconfirmed],
        status=ActivityStatus.SUBMITTED,
    )
    ended = TermFactory(township=township, number=18, start_date=date(2021, 1, 5), end_date=date(2026, 1, 5))
    DeputyFactory(term=ended, name="上届代表")

    inactive = selectors.inactive_deputies(township_id=township.pk, today=today)

    assert {d.name for d in inactive} == {"百日未动", "只有待确认", "从未履职"}
    assert {d.name: d.last_activity for d in inactive}["百日未动"] == today - timedelta(days=100)
    assert active not in inactive and never in inactive and gone not in inactive


def test_deputies_without_training_missed_every_training_of_the_year(township, term):
    once = DeputyFactory(term=term, name="参训一次")
    DeputyFactory(term=term, name="全部缺席")
    first = TrainingFactory(township=township, date=date(YEAR, 1, 20))
    TrainingFactory(township=township, date=date(YEAR, 6, 25))
    first.attendees.set([once])

    assert [d.name for d in selectors.deputies_without_training(township_id=township.pk, year=YEAR)] == ["全部缺席"]
    assert selectors.deputies_without_training(township_id=township.pk, year=YEAR - 1) == []  # no training then


def test_group_year_summary_counts_each_relation_without_multiplying(township, term, district, clerk):
    """Two members, one activity they both joined (1 activity, 2 participations), a group
    activity, three training attendances and one reception day of both: the counts must not
    multiply each other, as a single query with several joins would."""
    group = DeputyGroupFactory(term=term, name="测试小组")
    a, b = DeputyFactory(term=term, group=group, name="甲"), DeputyFactory(term=term, group=group, name="乙")
    DeputyFactory(
        term=term,
        group=group,
        name="丙",
        status=DeputyStatus.TERMINATED,
        status_reason="辞职",
        status_date=date(YEAR, 2, 1),
    )
    ActivityFactory(township=township, submitted_by=clerk, date=date(YEAR, 3, 1), participants=[a, b])
    ActivityFactory(
        township=township,
        submitted_by=clerk,
        date=date(YEAR, 4, 1),
        participants=[a, b],
        group=group,
        type=ActivityType.GROUP,
    )
    ActivityFactory(
        township=township,
        submitted_by=clerk,
        date=date(YEAR, 4, 2),
        participants=[a],
        status=ActivityStatus.RETURNED,
        return_reason="材料不全",
    )
    for day in (date(YEAR, 1, 20), date(YEAR, 6, 25)):
        TrainingFactory(township=township, date=day).attendees.set([a, b] if day.month == 1 else [a])
    reception(district=district, day=date(YEAR, 5, 15), deputies=[a, b])

    (row,) = selectors.group_year_summary(township_id=township.pk, year=YEAR)

    assert (
        row.member_count,
        row.activity_count,
        row.participation_count,
        row.group_activity_count,
        row.training_count,
        row.reception_count,
    ) == (2, 2, 4, 1, 3, 1)


def test_township_summary_and_activity_counts_by_type(record_data, township, deputy):
    summary = selectors.township_year_summary(township_id=township.pk, year=YEAR)
    counts = {value: n for value, _label, n in selectors.activity_type_counts(township_id=township.pk, year=YEAR)}

    assert summary == {
        "deputy_count": 1,
        "activity_count": 4,
        "submitted_count": 1,
        "participation_count": 4,
        "training_count": 2,
        "training_attendance": 1,
        "reception_count": 1,
        "visit_count": 2,
    }
    assert counts[ActivityType.CONTACT_VOTERS] == 2 and counts[ActivityType.RESEARCH] == 0
    assert len(counts) == len(ActivityType.choices)


# --- the record page ------------------------------------------------------------------------


def test_a_deputy_opens_their_own_record(client, deputy_user, deputy, record_data):
    client.force_login(deputy_user)

    response = client.get(record_url(deputy))

    html = response.content.decode()
    assert response.status_code == 200
    assert "张桂兰 · 2026年度履职档案" in html
    for text in (
        "视察高标准农田建设项目",
        "东风片代表小组第二季度活动",
        "第一期人大代表培训班",
        "未参加",
        "东风村代表联络站",
    ):
        assert text in html
    assert "尚待确认的走访" not in html and "去年的专题调研" not in html
    assert reverse("core:pdfjob_start", args=["deputies.record"]) in html
    assert f'name="deputy_id" value="{deputy.pk}"' in html and 'name="year" value="2026"' in html
    assert "table-responsive-stack" in html and 'data-label="日期"' in html


def test_a_deputy_cannot_open_another_deputys_record(client, deputy_user, deputy, term):
    colleague = DeputyFactory(term=term, name="李同事")
    client.force_login(deputy_user)

    assert client.get(record_url(colleague)).status_code == 404


@pytest.mark.parametrize("role", [Role.CLERK, Role.CHAIR, Role.AUDITOR, Role.COUNTY])
def test_the_office_opens_any_record_of_the_township(client, users, deputy, record_data, role):
    client.force_login(users[role])

    response = client.get(record_url(deputy))

    assert response.status_code == 200 and "视察高标准农田建设项目" in response.content.decode()


def test_another_townships_record_is_404(client, other_clerk, deputy):
    client.force_login(other_clerk)

    assert client.get(record_url(deputy)).status_code == 404


def test_a_role_without_the_permission_gets_403(client, users, deputy):
    client.force_login(users[Role.UNIT_HANDLER])

    assert client.get(record_url(deputy)).status_code == 403
    assert client.get(reverse("deputies:record_home")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, deputy, group):
    for url in (
        record_url(deputy),
        reverse("deputies:record_home"),
        reverse("deputies:record_group", args=[group.pk, YEAR]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_out_of_range_is_404(client, clerk, deputy, year):
    client.force_login(clerk)

    assert client.get(record_url(deputy, year)).status_code == 404


def test_a_registered_section_shows_on_the_page(client, clerk, deputy, meetings_section):
    client.force_login(clerk)

    html = client.get(record_url(deputy)).content.decode()

    assert "出席会议情况" in html and "请假：第十九届人民代表大会第二次会议" in html


def test_the_record_page_keeps_its_query_count(client, clerk, township, deputy):
    def add(n, month):
        for i in range(n):
            day = date(YEAR, month, i % 27 + 1)
            ActivityFactory(township=township, submitted_by=clerk, date=day, participants=[deputy])
            TrainingFactory(township=township, date=day).attendees.set([deputy])
            reception(district=DistrictFactory(term=deputy.term), day=day, deputies=[deputy], visits=1)

    client.force_login(clerk)
    add(3, 2)
    few = count_queries(client, record_url(deputy))
    add(6, 3)
    many = count_queries(client, record_url(deputy))

    assert many == few


# --- the PDF ----------------------------------------------------------------------------------


def squash(text):
    return re.sub(r"\s+", "", text)


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def embedded(font):
    font = font.get_object()
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def fonts_of(data):
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        fonts.extend(ref.get_object() for ref in (resources.get("/Font") or {}).values())
        for xobject in (resources.get("/XObject") or {}).values():
            inner = xobject.get_object().get("/Resources")
            if inner is not None:
                fonts.extend(ref.get_object() for ref in (inner.get_object().get("/Font") or {}).values())
    return fonts


def start_record_pdf(client, capture, deputy, year=YEAR, **extra):
    with capture(execute=True):  # the task is queued on commit and runs eagerly
        return client.post(
            reverse("core:pdfjob_start", args=["deputies.record"]), {"deputy_id": deputy.pk, "year": year, **extra}
        )


def test_the_record_pdf_is_rendered_by_the_task_with_embedded_fonts(
    client, deputy_user, deputy, record_data, meetings_section, django_capture_on_commit_callbacks
):
    client.force_login(deputy_user)

    response = start_record_pdf(client, django_capture_on_commit_callbacks, deputy, evil="x" * 50)

    job = PdfJob.objects.get(owner=deputy_user)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.params == {"deputy_id": str(deputy.pk), "year": "2026"}  # only the declared fields
    assert (job.status, job.progress) == (PdfJobStatus.DONE, 100), job.message
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("core:pdfjob_download", args=[job.pk]) in page

    download = client.get(reverse("core:pdfjob_download", args=[job.pk]))
    data = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf" and data.startswith(b"%PDF")
    text = squash(pdf_text(data))
    for expected in (
        "履职档案",
        "张桂兰",
        "视察高标准农田建设项目",
        "第一期人大代表培训班",
        "未参加",
        "东风村代表联络站",
        "第十九届",
        "出席会议情况",
        "请假：第十九届人民代表大会第二次会议",
    ):
        assert expected in text, expected
    assert "尚待确认的走访" not in text
    fonts = fonts_of(data)
    assert fonts and all(embedded(f) for f in fonts), [str(f.get("/BaseFont")) for f in fonts]

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "deputy_record.pdf"
    path.write_bytes(data)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(path),
                str(ARTIFACTS / "deputy_record"),
            ],
            check=True,
            timeout=60,
        )


def test_a_deputy_cannot_export_another_deputys_record(
    client, deputy_user, deputy, term, django_capture_on_commit_callbacks
):
    colleague = DeputyFactory(term=term, name="李同事")
    client.force_login(deputy_user)

    start_record_pdf(client, django_capture_on_commit_callbacks, colleague)

    job = PdfJob.objects.get(owner=deputy_user)
    assert job.status == PdfJobStatus.FAILED and not job.file
    assert "找不到该代表的履职档案" in job.message


@pytest.mark.parametrize("params", [{"year": "abc"}, {"year": "1850"}, {"deputy_id": "1 OR 1=1"}])
def test_bad_pdf_parameters_fail_the_job_with_a_chinese_message(
    client, clerk, deputy, params, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("core:pdfjob_start", args=["deputies.record"]), {"deputy_id": deputy.pk, "year": YEAR, **params}
        )

    job = PdfJob.objects.get(owner=clerk)
    assert job.status == PdfJobStatus.FAILED and job.message.startswith("生成失败：找不到")


def test_another_townships_clerk_cannot_export_the_record(
    client, other_clerk, deputy, django_capture_on_commit_callbacks
):
    client.force_login(other_clerk)

    start_record_pdf(client, django_capture_on_commit_callbacks, deputy)

    assert PdfJob.objects.get(owner=other_clerk).status == PdfJobStatus.FAILED


def test_a_role_without_the_record_permission_cannot_start_the_export(client, users, deputy):
    client.force_login(users[Role.UNIT_HANDLER])

    response = client.post(
        reverse("core:pdfjob_start", args=["deputies.record"]), {"deputy_id": deputy.pk, "year": YEAR}
    )

    assert response.status_code == 403 and not PdfJob.objects.exists()


# --- record home: the township summary, or a deputy's own record -----------------------------


def test_a_deputy_is_sent_to_their_own_record(client, deputy_user, deputy):
    client.force_login(deputy_user)

    response = client.get(reverse("deputies:record_home") + "?year=2026")

    assert response.status_code == 302 and response.url == record_url(deputy)


def test_a_deputy_account_without_a_register_entry_is_told_so(client, make_user, township):
    client.force_login(make_user(Role.DEPUTY, township, username="new_deputy"))

    response = client.get(reverse("deputies:record_home"))

    assert response.status_code == 200 and "尚未关联代表信息" in response.content.decode()


@pytest.fixture
def summary_data(township, term, district, group, deputy, clerk):
    """张桂兰 active and trained; 王德福 lapsed for a year and missed the training."""
    today = timezone.localdate()
    lapsed = DeputyFactory(term=term, group=group, name="王德福")
    ActivityFactory(
        township=township,
        submitted_by=clerk,
        date=today - timedelta(days=10),
        participants=[deputy],
        type=ActivityType.INSPECTION,
    )
    ActivityFactory(
        township=township,
        submitted_by=clerk,
        date=date(YEAR, 2, 3),
        participants=[deputy, lapsed],
        type=ActivityType.RESEARCH,
    )
    TrainingFactory(township=township, date=date(YEAR, 6, 25)).attendees.set([deputy])
    return lapsed


def test_the_office_sees_the_township_summary(client, clerk, summary_data, group):
    client.force_login(clerk)

    response = client.get(reverse("deputies:record_home") + "?year=2026")

    html = response.content.decode()
    assert response.status_code == 200
    inactive = html.split('data-testid="inactive-deputies"')[1].split("</table>")[0]
    assert "王德福" in inactive and "张桂兰" not in inactive
    untrained = html.split('data-testid="without-training"')[1].split("</div>")[0]
    assert "王德福" in untrained and "张桂兰" not in untrained
    assert reverse("deputies:record_group", args=[group.pk, YEAR]) in html
    types = html.split('data-testid="type-counts"')[1].split("</table>")[0]
    assert "专题调研" in types and "评议站所" in types
    assert reverse("deputies:assessment") in html


def test_county_users_pick_the_township(client, users, summary_data, other_deputy, other_township):
    client.force_login(users[Role.COUNTY])

    own = client.get(reverse("deputies:record_home") + "?year=2026&township=qingshan").content.decode()
    other = client.get(reverse("deputies:record_home") + "?year=2026&township=baishui").content.decode()

    assert "王德福" in own and "白水乡" in other and "王德福" not in other


def test_the_township_summary_keeps_its_query_count(client, clerk, township, term):
    def add(n):
        for _ in range(n):
            group = DeputyGroupFactory(term=term)
            members = [DeputyFactory(term=term, group=group) for _ in range(3)]
            ActivityFactory(
                township=township,
                submitted_by=clerk,
                date=date(YEAR, 3, 1),
                participants=members,
                group=group,
                type=ActivityType.GROUP,
            )
            TrainingFactory(township=township, date=date(YEAR, 6, 25)).attendees.set(members[:1])
            reception(district=DistrictFactory(term=term), day=date(YEAR, 5, 15), deputies=members, visits=1)

    client.force_login(clerk)
    url = reverse("deputies:record_home") + "?year=2026"
    add(2)
    few = count_queries(client, url)
    add(4)
    many = count_queries(client, url)

    assert many == few


# --- group summary ----------------------------------------------------------------------------


def test_the_group_page_lists_its_members_and_activities(client, clerk, summary_data, group, deputy):
    client.force_login(clerk)

    response = client.get(reverse("deputies:record_group", args=[group.pk, YEAR]))

    html = response.content.decode()
    assert response.status_code == 200
    members = html.split('data-testid="members"')[1].split("</table>")[0]
    assert "张桂兰" in members and "王德福" in members and record_url(deputy) in members


def test_the_group_page_is_for_the_office(client, deputy_user, other_clerk, group):
    url = reverse("deputies:record_group", args=[group.pk, YEAR])
    client.force_login(deputy_user)
    assert client.get(url).status_code == 403
    client.force_login(other_clerk)
    assert client.get(url).status_code == 404


def test_the_group_page_keeps_its_query_count(client, clerk, township, term, group):
    def add(n):
        for _ in range(n):
            member = DeputyFactory(term=term, group=group)
            ActivityFactory(
                township=township,
                submitted_by=clerk,
                date=date(YEAR, 3, 1),
                participants=[member],
                group=group,
                type=ActivityType.GROUP,
            )
            TrainingFactory(township=township, date=date(YEAR, 6, 25)).attendees.set([member])

    client.force_login(clerk)
    url = reverse("deputies:record_group", args=[group.pk, YEAR])
    add(2)
    few = count_queries(client, url)
    add(4)
    many = count_queries(client, url)

    assert many == few


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)
