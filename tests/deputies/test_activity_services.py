"""The duty-activity services (deputies.services.activities): logging, confirming, returning and
resubmitting activities, attachments, and who sees which activity."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from congress_office.models import Notification
from congress_office.roles import Role
from deputies.choices import ActivityStatus, ActivityType, DeputyStatus
from deputies.models import Activity, ActivityAttachment
from deputies.services.activities import (
    activity_confirm,
    activity_log,
    activity_resubmit,
    activity_return,
)
from tests.factories import UserFactory

from .factories import ActivityFactory, DeputyFactory, DeputyGroupFactory

pytestmark = pytest.mark.django_db


# --- upload helpers (shared by the view tests) ----------------------------------------------------


def png_bytes(size=(64, 48), color=(176, 32, 31)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name="现场照片.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def exe_upload(name="setup.exe"):
    data = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
    return SimpleUploadedFile(name, data, content_type="application/x-msdownload")


def fake_jpg_upload(name="photo.jpg"):
    """A text file renamed .jpg: the extension says image, the content does not."""
    return SimpleUploadedFile(name, "这不是图片，是一段文字。".encode(), content_type="image/jpeg")


def oversize_upload(name="big.png"):
    """A real PNG header followed by padding: more than settings.DEPUTY_UPLOAD_MAX_MB."""
    data = png_bytes() + b"\x00" * (settings.DEPUTY_UPLOAD_MAX_MB * 1024 * 1024 + 1)
    return SimpleUploadedFile(name, data, content_type="image/png")


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def deputy_b(term, group, township, make_user):
    """A second deputy with an account, in the same group as `deputy`."""
    account = make_user(Role.DEPUTY, township, username="deputy_b")
    return DeputyFactory(term=term, group=group, name="李建国", user=account)


def log(by, township, today, **kwargs):
    defaults = dict(
        type=ActivityType.CONTACT_VOTERS,
        date=today,
        place="东风村委会",
        title="走访选民",
        summary="听取选民对道路修缮的意见。",
    )
    return activity_log(by=by, township=township, **{**defaults, **kwargs})


# --- activity_log ---------------------------------------------------------------------------------


def test_a_deputys_own_entry_includes_them_and_waits_for_confirmation(deputy, deputy_user, township, clerk, today):
    activity = log(deputy_user, township, today)

    assert activity.status == ActivityStatus.SUBMITTED
    assert activity.reviewed_by is None
    assert list(activity.participants.all()) == [deputy]
    assert Notification.objects.filter(recipient=clerk, url=activity.get_absolute_url()).exists()


def test_a_deputy_who_names_colleagues_is_still_included(deputy, deputy_b, deputy_user, township, today):
    activity = log(deputy_user, township, today, participants=[deputy_b])

    assert set(activity.participants.all()) == {deputy, deputy_b}


def test_a_deputy_account_not_linked_to_the_register_cannot_log(township, make_user, today, term):
    stranger = make_user(Role.DEPUTY, township, username="unlinked")

    with pytest.raises(PermissionDenied, match="尚未关联代表信息"):
        log(stranger, township, today)
    assert not Activity.objects.exists()


def test_an_entry_by_the_office_is_confirmed_at_once(deputy, clerk, township, today):
    activity = log(clerk, township, today, participants=[deputy])

    assert activity.status == ActivityStatus.CONFIRMED
    assert activity.reviewed_by == clerk and activity.reviewed_at is not None
    assert not Notification.objects.filter(url=activity.get_absolute_url()).exists()


def test_the_office_must_name_participants_or_a_group(clerk, township, today, deputy):
    with pytest.raises(ValidationError) as error:
        log(clerk, township, today)

    assert error.value.message_dict["participants"] == ["请选择参加活动的代表。"]


def test_a_group_activity_is_logged_once_for_all_serving_members(clerk, township, today, term, group, deputy, deputy_b):
    suspended = DeputyFactory(
        term=term, group=group, name="王秀英", status=DeputyStatus.SUSPENDED, status_reason="羁押", status_date=today
    )
    DeputyFactory(
        term=term,
        group=group,
        name="赵大海",
        status=DeputyStatus.TERMINATED,
        status_reason="迁出本行政区域",
        status_date=today,
    )
    DeputyFactory(term=term, name="不在本组")

    activity = log(clerk, township, today, type=ActivityType.GROUP, group=group)

    assert Activity.objects.count() == 1
    assert activity.group == group
    assert set(activity.participants.all()) == {deputy, deputy_b, suspended}


def test_a_group_or_participants_of_another_township_are_refused(clerk, township, today, other_term, other_deputy):
    other_group = DeputyGroupFactory(term=other_term)

    with pytest.raises(ValidationError) as error:
        log(clerk, township, today, group=other_group)
    assert "group" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        log(clerk, township, today, participants=[other_deputy])
    assert error.value.message_dict["participants"] == ["参加代表必须属于本乡镇。"]


def test_an_activity_cannot_be_dated_in_the_future(deputy_user, deputy, township, today):
    with pytest.raises(ValidationError) as error:
        log(deputy_user, township, today, date=today + timedelta(days=1))

    assert error.value.message_dict["date"] == ["活动日期不能晚于今天。"]


# --- attachments ----------------------------------------------------------------------------------


def test_a_real_photo_and_a_pdf_are_attached(deputy_user, deputy, township, today):
    pdf = SimpleUploadedFile(
        "会议纪要.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", content_type="application/pdf"
    )

    activity = log(deputy_user, township, today, files=[png_upload(), pdf])

    photo, document = activity.attachments.order_by("pk")
    assert (photo.name, photo.is_image, photo.size > 0) == ("现场照片.png", True, True)
    assert (document.name, document.is_image) == ("会议纪要.pdf", False)
    assert len(stored_files()) == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (exe_upload, "不支持的文件类型“exe”"),
        (fake_jpg_upload, "的内容不是图片"),
        (oversize_upload, "单个文件不能超过"),
    ],
    ids=["exe", "text-renamed-jpg", "oversize"],
)
def test_a_bad_file_refuses_the_whole_entry_and_stores_nothing(deputy_user, deputy, township, today, upload, message):
    with pytest.raises(ValidationError) as error:
        log(deputy_user, township, today, files=[png_upload(), upload()])

    assert message in " ".join(error.value.message_dict["files"])
    assert not Activity.objects.exists()
    assert not ActivityAttachment.objects.exists()
    assert stored_files() == []


# --- confirm / return / resubmit ------------------------------------------------------------------


@pytest.fixture
def submitted(deputy_user, deputy, township, today):
    return log(deputy_user, township, today)


def test_a_clerk_confirms_a_submitted_activity(submitted, clerk, deputy_user):
    activity = activity_confirm(activity=submitted, by=clerk)

    assert activity.status == ActivityStatus.CONFIRMED
    assert (activity.reviewed_by, activity.return_reason) == (clerk, "")
    assert Notification.objects.filter(recipient=deputy_user, title__startswith="履职活动已确认").exists()


def test_a_chair_may_confirm_too(submitted, chair):
    assert activity_confirm(activity=submitted, by=chair).status == ActivityStatus.CONFIRMED


def test_confirming_twice_is_refused_in_chinese(submitted, clerk):
    activity_confirm(activity=submitted, by=clerk)

    with pytest.raises(ValidationError) as error:
        activity_confirm(activity=submitted, by=clerk)
    assert error.value.messages == ["只有“待确认”的活动可以确认或退回，当前状态：已确认。"]


def test_returning_needs_a_reason(submitted, clerk):
    with pytest.raises(ValidationError) as error:
        activity_return(activity=submitted, by=clerk, reason="   ")

    assert error.value.message_dict["reason"] == ["请填写退回原因。"]
    submitted.refresh_from_db()
    assert submitted.status == ActivityStatus.SUBMITTED


def test_a_clerk_returns_with_a_reason_and_the_deputy_is_told(submitted, clerk, deputy_user):
    activity = activity_return(activity=submitted, by=clerk, reason=" 请补充现场照片 ")

    assert (activity.status, activity.return_reason) == (ActivityStatus.RETURNED, "请补充现场照片")
    note = Notification.objects.get(recipient=deputy_user, title__startswith="履职活动被退回")
    assert note.body == "请补充现场照片"


def test_a_returned_activity_can_be_neither_confirmed_nor_returned_again(submitted, clerk):
    activity_return(activity=submitted, by=clerk, reason="内容不完整")

    for action in (
        lambda: activity_confirm(activity=submitted, by=clerk),
        lambda: activity_return(activity=submitted, by=clerk, reason="再退"),
    ):
        with pytest.raises(ValidationError, match="当前状态：已退回"):
            action()


def test_a_deputy_cannot_confirm_even_their_own_activity(submitted, deputy_user):
    with pytest.raises(PermissionDenied):
        activity_confirm(activity=submitted, by=deputy_user)


def test_a_clerk_of_another_township_cannot_review(submitted, other_clerk):
    with pytest.raises(PermissionDenied):
        activity_confirm(activity=submitted, by=other_clerk)
    with pytest.raises(PermissionDenied):
        activity_return(activity=submitted, by=other_clerk, reason="不是本乡镇的")


def test_the_submitter_corrects_and_resubmits_a_returned_activity(submitted, clerk, deputy_user, today):
    activity_return(activity=submitted, by=clerk, reason="请补充照片")
    Notification.objects.all().delete()

    activity = activity_resubmit(
        activity=submitted, by=deputy_user, title="走访选民（补充）", date=today, files=[png_upload()]
    )

    assert activity.status == ActivityStatus.SUBMITTED
    assert (activity.return_reason, activity.title) == ("", "走访选民（补充）")
    assert activity.attachments.count() == 1
    assert Notification.objects.filter(recipient=clerk, title__startswith="待确认的履职活动").exists()


def test_only_the_submitter_may_resubmit_and_never_once_confirmed(submitted, clerk, deputy_b):
    with pytest.raises(PermissionDenied):
        activity_resubmit(activity=submitted, by=deputy_b.user, title="改别人的")
    activity_confirm(activity=submitted, by=clerk)
    with pytest.raises(ValidationError, match="已确认的活动不能再修改"):
        activity_resubmit(activity=submitted, by=submitted.submitted_by, title="确认后再改")


# --- who sees what --------------------------------------------------------------------------------


def test_a_deputy_sees_only_the_activities_they_take_part_in_or_logged(
    township, deputy, deputy_b, deputy_user, clerk, other_deputy, other_township
):
    mine = ActivityFactory(township=township, participants=[deputy])
    logged_for_both = ActivityFactory(township=township, participants=[deputy, deputy_b])
    theirs = ActivityFactory(township=township, participants=[deputy_b])
    elsewhere = ActivityFactory(township=other_township, participants=[other_deputy])

    assert set(Activity.objects.visible_to(deputy_user)) == {mine, logged_for_both}
    assert set(Activity.objects.visible_to(clerk)) == {mine, logged_for_both, theirs}
    county = UserFactory(roles=[Role.COUNTY], township=None)
    assert elsewhere in set(Activity.objects.visible_to(county))


def test_history_shows_participants_by_name(clerk, township, term):
    """A change of an activity's participants reads as names in the record's history, not ids."""
    from datetime import date

    from congress_office.selectors import history_of
    from deputies.services.activities import activity_log

    from .factories import DeputyFactory

    a, b = DeputyFactory(term=term, name="李四"), DeputyFactory(term=term, name="王五")
    activity = activity_log(
        by=clerk,
        township=township,
        type="inspection",
        date=date(2026, 6, 1),
        place="村部",
        title="视察",
        summary="视察",
        participants=[a],
    )
    activity.participants.set([a, b])
    changes = [c for entry in history_of(activity) for c in entry["changes"] if c["field"] == "参加代表"]
    assert changes and changes[0]["new"] == "李四、王五"
