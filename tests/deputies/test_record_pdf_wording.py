# ruff: noqa: F811  (record_data, imported from test_records, is named as an argument)
"""Issue 14, item 9, on the 履职档案 (PDF text and page): 培训 is one number wherever it is
shown — the trainings of the township the deputy is recorded at and the other confirmed 培训
activities, a 培训 activity on the day of such a training counted once — and 制表人 is the
clerk the township names for the records (or the office), not whoever pressed 导出."""

from datetime import date

import pytest

from congress_office.models import PdfJob
from deputies import selectors
from deputies.choices import ActivityType

from .factories import ActivityFactory, TrainingFactory
from .test_records import YEAR, pdf_text, record_data, record_url, squash, start_record_pdf  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(record_data, township, deputy, clerk):
    """Besides record_data (two township trainings, 张桂兰 at the first): she is recorded at the
    second too and logged it as a 培训 activity as well; and she attended a county course."""
    third = TrainingFactory(township=township, title="第三期代表培训", date=date(YEAR, 7, 8))
    third.attendees.set([deputy])
    ActivityFactory(
        township=township, submitted_by=clerk, type=ActivityType.TRAINING, date=date(YEAR, 7, 8),
        title="参加第三期代表培训", participants=[deputy],
    )  # fmt: skip
    ActivityFactory(
        township=township, submitted_by=clerk, type=ActivityType.TRAINING, date=date(YEAR, 10, 15),
        title="参加县人大常委会履职能力提升培训", participants=[deputy],
    )  # fmt: skip
    return record_data


def test_training_is_counted_once_from_one_source(trained, deputy):
    record = selectors.deputy_year_record(deputy=deputy, year=YEAR)

    assert [t.title for t in record.trainings_attended] == ["第一期人大代表培训班", "第三期代表培训"]
    assert [a.title for a in record.other_trainings] == ["参加县人大常委会履职能力提升培训"]
    assert record.training_count == 3 and record.training_total == 3
    assert dict(record.by_type)["培训"] == 3
    assert record.total == sum(count for _label, count in record.by_type) == 4 + 3


def test_the_record_page_shows_the_same_training_number(trained, deputy, client_for, clerk):
    page = client_for(clerk).get(record_url(deputy)).content.decode()
    assert 'data-testid="training-count">3<' in page and "本乡镇举办 3 次，参加 2 次" in page
    assert "参加县人大常委会履职能力提升培训" in page


def export_text(client, capture, user, deputy):
    client.force_login(user)
    start_record_pdf(client, capture, deputy)
    job = PdfJob.objects.filter(owner=user).latest("created_at")
    return squash(pdf_text(job.file.read()))


def test_the_pdf_says_the_same_number_and_names_the_office_as_compiler(
    client, trained, deputy, clerk, django_capture_on_commit_callbacks
):
    text = export_text(client, django_capture_on_commit_callbacks, clerk, deputy)

    assert "参加代表培训3次（本乡镇全年举办3次，参加2次）" in text
    assert "参加县人大常委会履职能力提升培训" in text
    assert "制表人：青山镇人大办公室。" in text
    assert clerk.display_name not in text


def test_the_compiler_is_the_clerk_the_township_names(
    client, trained, deputy, township, django_capture_on_commit_callbacks
):
    """Whoever exports it (here the deputy themself), the record names the office's clerk."""
    township.record_compiler = "李文秀"
    township.save()
    deputy_user = deputy.user

    text = export_text(client, django_capture_on_commit_callbacks, deputy_user, deputy)

    assert "制表人：李文秀。" in text and f"制表人：{deputy_user.display_name}" not in text
