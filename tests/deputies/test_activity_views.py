"""The duty-activity pages: list, the phone-first form, detail with attachments served through
an access-checked view, confirm / return / resubmit, and who may open what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_office.roles import Role
from deputies.choices import ActivityStatus, ActivityType
from deputies.models import Activity, ActivityAttachment
from deputies.services.activities import activity_log, activity_return

from .factories import ActivityFactory, DeputyFactory
from .test_activity_services import exe_upload, fake_jpg_upload, oversize_upload, png_upload, stored_files

pytestmark = pytest.mark.django_db

LIST = reverse("deputies:activity_list")
CREATE = reverse("deputies:activity_create")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def deputy_b(term, group, township, make_user):
    account = make_user(Role.DEPUTY, township, username="deputy_b")
    return DeputyFactory(term=term, group=group, name="李建国", user=account)


def form_data(today, **overrides):
    data = {
        "type": ActivityType.CONTACT_VOTERS,
        "date": today.isoformat(),
        "place": "东风村委会",
        "title": "走访东风村选民",
        "summary": "听取选民对村道修缮的意见，共走访 12 户。",
        "outcome": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def submitted(deputy_user, deputy, township, today):
    return activity_log(
        by=deputy_user,
        township=township,
        type=ActivityType.RESEARCH,
        date=today,
        place="镇敬老院",
        title="敬老院专题调研",
        summary="了解敬老院运行情况。",
        files=[png_upload()],
    )


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "create", "detail", "edit", "return", "file", "thumb"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, submitted, name):
    attachment = submitted.attachments.get()
    url = {
        "list": LIST,
        "create": CREATE,
        "detail": reverse("deputies:activity_detail", args=[submitted.pk]),
        "edit": reverse("deputies:activity_resubmit", args=[submitted.pk]),
        "return": reverse("deputies:activity_return", args=[submitted.pk]),
        "file": reverse("deputies:activity_attachment", args=[attachment.pk]),
        "thumb": reverse("deputies:activity_thumbnail", args=[attachment.pk]),
    }[name]

    response = client.get(url)

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_role_without_the_activity_permissions_gets_403(client_for, users, submitted):
    client = client_for(users[Role.UNIT_HANDLER])

    assert client.get(LIST).status_code == 403
    assert client.get(reverse("deputies:activity_detail", args=[submitted.pk])).status_code == 403
    assert client.get(CREATE).status_code == 403


def test_chairs_and_auditors_read_but_do_not_log(client_for, users):
    for role in (Role.CHAIR, Role.AUDITOR):
        client = client_for(users[role])
        assert client.get(LIST).status_code == 200
        assert client.get(CREATE).status_code == 403


def test_another_townships_activity_is_404_even_for_its_attachments(client_for, other_clerk, submitted):
    client = client_for(other_clerk)
    attachment = submitted.attachments.get()

    assert client.get(reverse("deputies:activity_detail", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("deputies:activity_attachment", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("deputies:activity_thumbnail", args=[attachment.pk])).status_code == 404
    assert client.post(reverse("deputies:activity_confirm", args=[submitted.pk])).status_code == 404


def test_a_deputy_cannot_open_or_confirm_another_deputys_activity(client_for, deputy_b, submitted):
    client = client_for(deputy_b.user)
    attachment = submitted.attachments.get()

    assert client.get(reverse("deputies:activity_detail", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("deputies:activity_thumbnail", args=[attachment.pk])).status_code == 404
    assert client.post(reverse("deputies:activity_confirm", args=[submitted.pk])).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ActivityStatus.SUBMITTED


def test_a_county_account_reads_every_township_but_cannot_log(client_for, users, submitted, other_township):
    client = client_for(users[Role.COUNTY])

    response = client.get(LIST)
    assert response.status_code == 200 and submitted.title in response.text
    assert client.get(CREATE).status_code == 403


# --- list -----------------------------------------------------------------------------------------


def test_a_deputy_sees_only_their_own_activities(client_for, township, deputy, deputy_b, deputy_user):
    ActivityFactory(township=township, participants=[deputy], title="我参加的视察")
    ActivityFactory(township=township, participants=[deputy_b], title="别人的调研")

    response = client_for(deputy_user).get(LIST)

    assert "我参加的视察" in response.text and "别人的调研" not in response.text
    assert 'data-testid="pending-link"' not in response.text  # deputies do not review


def test_a_clerk_sees_the_townships_activities_and_what_waits_for_confirmation(
    client_for, clerk, township, deputy, deputy_b, other_township, other_deputy, submitted
):
    ActivityFactory(township=township, participants=[deputy_b], title="小组活动", status=ActivityStatus.CONFIRMED)
    ActivityFactory(township=other_township, participants=[other_deputy], title="白水乡的活动")
    client = client_for(clerk)

    response = client.get(LIST)
    assert "小组活动" in response.text and "敬老院专题调研" in response.text
    assert "白水乡的活动" not in response.text
    assert response.context["pending_count"] == 1
    assert "待确认" in response.text

    pending = client.get(LIST, {"status": "submitted"})
    assert [a.title for a in pending.context["activities"]] == ["敬老院专题调研"]


def test_the_list_filters_by_type_and_searches_participants(client_for, clerk, township, deputy, deputy_b):
    ActivityFactory(township=township, participants=[deputy], type=ActivityType.INSPECTION, title="视察农田水利")
    ActivityFactory(township=township, participants=[deputy_b], type=ActivityType.RESEARCH, title="调研养老服务")
    client = client_for(clerk)

    by_type = client.get(LIST, {"type": ActivityType.INSPECTION})
    assert [a.title for a in by_type.context["activities"]] == ["视察农田水利"]
    by_name = client.get(LIST, {"q": "李建国"})
    assert [a.title for a in by_name.context["activities"]] == ["调研养老服务"]


def _list_queries(client, url):
    client.get(url)  # warm caches (content types, session) before counting
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("who", ["clerk", "deputy"])
def test_the_activity_list_has_a_fixed_number_of_queries(
    client_for, who, clerk, deputy_user, township, deputy, deputy_b, group, django_assert_max_num_queries
):
    user = clerk if who == "clerk" else deputy_user
    client = client_for(user)

    def add(n):
        for i in range(n):
            activity = ActivityFactory(
                township=township,
                participants=[deputy, deputy_b],
                group=group,
                submitted_by=deputy_user,
                status=(ActivityStatus.SUBMITTED, ActivityStatus.CONFIRMED)[i % 2],
            )
            ActivityAttachment.objects.create(activity=activity, file="x.png", name="x.png", is_image=True, size=1)

    add(4)
    few, response = _list_queries(client, LIST)
    assert len(response.context["activities"]) == 4
    add(8)
    many, response = _list_queries(client, LIST)
    assert len(response.context["activities"]) == 12
    assert few == many <= 12
    # a search reads the deputies it names first (one query more, whatever the number of rows)
    with django_assert_max_num_queries(15):
        client.get(LIST, {"q": "联系", "type": ActivityType.CONTACT_VOTERS, "group": group.pk})


# --- the deputy's form ----------------------------------------------------------------------------


def test_the_deputys_form_is_phone_ready(client_for, deputy_user, deputy, today):
    response = client_for(deputy_user).get(CREATE)

    html = response.text
    assert response.status_code == 200
    assert 'accept="image/*"' in html and 'capture="environment" multiple' in html
    assert 'enctype="multipart/form-data"' in html
    assert f'value="{today.isoformat()}"' in html  # the date defaults to today
    assert 'class="btn-check"' in html  # the type as a button group
    assert 'name="participants"' not in html  # a deputy logs for themselves


def test_a_deputy_logs_an_activity_with_a_photo_and_sees_its_thumbnail(client_for, deputy_user, deputy, today, clerk):
    client = client_for(deputy_user)

    response = client.post(CREATE, {**form_data(today), "photos": [png_upload()]})

    activity = Activity.objects.get()
    assert response.status_code == 302 and response.url == activity.get_absolute_url()
    assert activity.status == ActivityStatus.SUBMITTED
    assert list(activity.participants.all()) == [deputy]
    attachment = activity.attachments.get()
    assert attachment.is_image
    detail = client.get(activity.get_absolute_url())
    thumb_url = reverse("deputies:activity_thumbnail", args=[attachment.pk])
    assert thumb_url in detail.text and "/media/" not in detail.text
    thumb = client.get(thumb_url)
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert thumb.content.startswith(b"\xff\xd8\xff")
    assert "private" in thumb["Cache-Control"]
    full = client.get(reverse("deputies:activity_attachment", args=[attachment.pk]))
    assert full.status_code == 200 and full["Content-Type"] == "image/png"
    assert b"".join(full.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        ("files", exe_upload, "不支持的文件类型“exe”"),
        ("photos", fake_jpg_upload, "不是有效的照片"),
        ("files", fake_jpg_upload, "的内容不是图片"),
        ("photos", oversize_upload, "单个文件不能超过"),
    ],
    ids=["exe", "text-as-photo", "text-as-jpg-file", "oversize"],
)
def test_a_bad_file_is_refused_in_chinese_nothing_is_saved_and_the_text_is_kept(
    client_for, deputy_user, deputy, today, field, upload, message
):
    response = client_for(deputy_user).post(CREATE, {**form_data(today), field: [upload()]})

    assert response.status_code == 200
    assert message in response.text
    assert "已选择的照片和附件需要重新选择" in response.text
    assert 'value="走访东风村选民"' in response.text and "共走访 12 户" in response.text
    assert not Activity.objects.exists() and not ActivityAttachment.objects.exists()
    assert stored_files() == []


def test_missing_fields_are_reported_in_chinese(client_for, deputy_user, deputy, today):
    response = client_for(deputy_user).post(CREATE, form_data(today, title="", type=""))

    assert response.status_code == 200
    assert "这个字段是必填项。" in response.text
    assert not Activity.objects.exists()


def test_a_deputy_without_a_register_entry_is_told_to_contact_the_office(client_for, township, make_user, today):
    client = client_for(make_user(Role.DEPUTY, township, username="unlinked"))

    assert "尚未关联代表信息" in client.get(CREATE).text
    response = client.post(CREATE, form_data(today))
    assert response.status_code == 200 and "尚未关联代表信息" in response.text
    assert not Activity.objects.exists()


# --- the clerk's form -----------------------------------------------------------------------------


def test_a_clerk_logs_a_group_activity_once_for_all_members(client_for, clerk, group, deputy, deputy_b, today):
    client = client_for(clerk)
    assert 'name="participants"' in client.get(CREATE).text

    response = client.post(CREATE, form_data(today, type=ActivityType.GROUP, group=group.pk))

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert activity.status == ActivityStatus.CONFIRMED
    assert set(activity.participants.all()) == {deputy, deputy_b}


def test_a_clerk_must_choose_participants_or_a_group(client_for, clerk, deputy, today):
    response = client_for(clerk).post(CREATE, form_data(today))

    assert "请勾选参加活动的代表，或选择代表小组。" in response.text
    assert not Activity.objects.exists()


def test_a_clerk_cannot_pick_another_townships_deputy(client_for, clerk, deputy, other_deputy, today):
    response = client_for(clerk).post(CREATE, form_data(today, participants=[other_deputy.pk]))

    assert response.status_code == 200 and not Activity.objects.exists()


# --- confirm, return, resubmit --------------------------------------------------------------------


def test_a_clerk_confirms_from_the_detail_page(client_for, clerk, submitted):
    client = client_for(clerk)
    detail = client.get(submitted.get_absolute_url())
    assert 'data-testid="confirm-activity"' in detail.text and 'data-testid="return-activity"' in detail.text

    response = client.post(reverse("deputies:activity_confirm", args=[submitted.pk]), follow=True)

    submitted.refresh_from_db()
    assert submitted.status == ActivityStatus.CONFIRMED
    assert "已确认该履职活动" in response.text
    again = client.post(reverse("deputies:activity_confirm", args=[submitted.pk]), follow=True)
    assert "只有“待确认”的活动可以确认或退回" in again.text


def test_returning_asks_for_a_reason_on_its_own_page(client_for, clerk, submitted, deputy_user):
    client = client_for(clerk)
    url = reverse("deputies:activity_return", args=[submitted.pk])

    page = client.get(url)
    assert page.status_code == 200 and "确认退回" in page.text
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and "这个字段是必填项。" in empty.text
    submitted.refresh_from_db()
    assert submitted.status == ActivityStatus.SUBMITTED

    response = client.post(url, {"reason": "请补充参加人员名单"})
    submitted.refresh_from_db()
    assert response.status_code == 302
    assert (submitted.status, submitted.return_reason) == (ActivityStatus.RETURNED, "请补充参加人员名单")


def test_deputies_and_other_townships_cannot_return(client_for, deputy_user, other_clerk, submitted):
    url = reverse("deputies:activity_return", args=[submitted.pk])

    assert client_for(deputy_user).post(url, {"reason": "自己退回"}).status_code == 403
    assert client_for(other_clerk).post(url, {"reason": "跨乡镇"}).status_code == 404


def test_the_deputy_edits_and_resubmits_a_returned_activity(client_for, clerk, deputy_user, submitted, today):
    activity_return(activity=submitted, by=clerk, reason="请补充活动成效")
    client = client_for(deputy_user)
    detail = client.get(submitted.get_absolute_url())
    assert "请补充活动成效" in detail.text and 'data-testid="resubmit-activity"' in detail.text
    url = reverse("deputies:activity_resubmit", args=[submitted.pk])
    form = client.get(url)
    assert 'value="敬老院专题调研"' in form.text and "请补充活动成效" in form.text

    response = client.post(
        url, form_data(today, type=ActivityType.RESEARCH, title="敬老院专题调研", outcome="推动增设两名护理员。")
    )

    submitted.refresh_from_db()
    assert response.status_code == 302
    assert (submitted.status, submitted.return_reason, submitted.outcome) == (
        ActivityStatus.SUBMITTED,
        "",
        "推动增设两名护理员。",
    )


def test_only_the_submitter_may_edit_and_not_after_confirmation(client_for, clerk, deputy_b, submitted):
    url = reverse("deputies:activity_resubmit", args=[submitted.pk])

    assert client_for(deputy_b.user).get(url).status_code == 404  # not even visible to them
    assert client_for(clerk).get(url).status_code == 403  # visible, but not theirs to edit
    submitted.status = ActivityStatus.CONFIRMED
    submitted.save()
    response = client_for(submitted.submitted_by).get(url)
    assert response.status_code == 302 and response.url == submitted.get_absolute_url()


def test_a_non_image_attachment_is_downloaded_not_shown_inline(client_for, deputy_user, deputy, today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # (a .txt with <script> in it is refused on upload: congress_office.uploads.looks_like_markup)
    note = SimpleUploadedFile("记录.txt", "记录：<b onclick=alert(1)>会议</b>".encode(), content_type="text/html")
    activity = activity_log(
        by=deputy_user,
        township=deputy.township,
        type=ActivityType.OTHER,
        date=today,
        place="镇政府",
        title="其他",
        summary="……",
        files=[note],
    )
    attachment = activity.attachments.get()

    response = client_for(deputy_user).get(reverse("deputies:activity_attachment", args=[attachment.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(deputy_user).get(reverse("deputies:activity_thumbnail", args=[attachment.pk])).status_code == 404
