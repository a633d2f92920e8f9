# ruff: noqa: F811  (the fixtures imported from office_fixtures are redefined as arguments)
"""The public pages (no account): the online petition form, the progress query, the rating.

Expected behaviour:
- the form opens without logging in; a valid submission stores a petition with channel 网上,
  no registering user, an acceptance clock, the attachments, and shows a 10-character query
  code once (never stored in clear, never in the session);
- bad input and abuse never give a 500 and store nothing: missing fields, a 20 MB file, an
  .exe, a .jpg that is really text, a bad phone or ID number, a filled honeypot, a bad CSRF
  token; script typed into a field is stored as text and shown escaped on every page;
- more than settings.PETITION_PUBLIC_RATE_LIMIT submissions from one IP in its window → 429
  with a Chinese message, nothing stored; floods of invalid posts are cut off too;
- the query needs the code and the phone: either wrong → the same generic message, and wrong
  pairs are rate-limited; the right pair shows the state, the timeline's step names and dates
  (no staff names, no internal notes), the reply and outcome, and nothing of anyone else;
- a replied petition is rated through a signed, short-lived token: 满意 closes it, so does 不满意
  (re-handling only when PETITION_REHANDLE_ON_UNSATISFIED is on); a forged or stale token rates
  nothing;
- after 不满意 the page tells of the right to ask for 复查 within PETITION_REVIEW_REQUEST_DAYS of
  the reply, with its last day, and takes the request online (dated today) through a token of
  its own: the petition is 复查中 and the office is told; a second request, a request after the
  window and a forged token are refused.
"""

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congress_office.cases import Satisfaction
from congress_office.models import CaseRating, Deadline
from congress_office.roles import Role
from petitions import ratelimit
from petitions.choices import Channel, PetitionState
from petitions.models import Petition, PetitionAttachment, Subject
from petitions.services.handling import petition_assign, petition_reply
from petitions.services.registration import petition_accept, petition_for_query
from petitions.views.public import RATING_TOKEN_SALT

from .office_fixtures import (  # noqa: F401
    big_upload,
    exe_upload,
    fake_jpg_upload,
    pdf_upload,
    png_upload,
    register_petition,
    stored_files,
    valid_id,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("petitions:public_create")
QUERY = reverse("petitions:public_query")
RATE = reverse("petitions:public_rate")
SCRIPT = "<script>alert(1)</script>"
PHONE = "13700001234"


def form_data(township, **overrides):
    data = {
        "township": township.pk,
        "petitioner_name": "李秀梅",
        "organisation": "",
        "phone": PHONE,
        "id_number": "",
        "address": "青山镇河口社区5组",
        "category": "appeal",
        "subject": Subject.objects.get(name="环境污染", township=None).pk,
        "title": "河道垃圾长期无人清理",
        "request": "请求清理河道垃圾",
        "facts": "河口社区段河道垃圾堆积两个月。",
        "reasons": "影响环境卫生和居民健康。",
        "website": "",
    }
    data.update(overrides)
    return data


def submit(client, township, files=None, **overrides):
    data = form_data(township, **overrides)
    if files is not None:
        data["attachments"] = files
    return client.post(CREATE, data)


def query_code_of(response):
    match = re.search(r'data-testid="query-code">([A-Z0-9]{10})<', response.text)
    return match.group(1) if match else None


# --- the form ---------------------------------------------------------------------------------------


def test_the_form_opens_without_an_account(client, township):
    response = client.get(CREATE)

    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.text and 'name="website"' in response.text
    assert "青山镇" in response.text
    assert 'class="navbar-nav me-auto main-nav"' not in response.text  # no staff navigation
    assert "no-store" in response["Cache-Control"]


def test_inactive_townships_are_not_offered(client, township, other_township):
    other_township.is_active = False
    other_township.save()

    response = client.get(CREATE)
    assert "青山镇" in response.text and "白水乡" not in response.text
    refused = submit(client, other_township)
    assert refused.status_code == 200 and not Petition.objects.exists()


def test_a_valid_submission_shows_the_query_code_once(client, township):
    response = submit(client, township, files=[png_upload(), pdf_upload()], id_number=valid_id())

    assert response.status_code == 200
    code = query_code_of(response)
    assert code and "只显示这一次" in response.text
    assert "no-store" in response["Cache-Control"]
    petition = Petition.objects.get()
    assert petition.channel == Channel.ONLINE and petition.registered_by is None
    assert petition.state == PetitionState.REGISTERED and petition.received_on == timezone.localdate()
    assert petition.phone == PHONE and petition.id_number == valid_id()
    assert code not in petition.query_code_hash
    assert petition_for_query(code=code, phone=PHONE) == petition
    assert PetitionAttachment.objects.filter(petition=petition).count() == 2
    assert Deadline.objects.filter(kind="petitions.petition.acceptance", subject_id=petition.pk).exists()
    assert not client.session.keys()  # nothing in the session
    assert client.get(CREATE).status_code == 200 and code not in client.get(CREATE).text


def test_a_phone_typed_with_spaces_and_country_code_is_normalised(client, township):
    response = submit(client, township, phone="+86 137 0000 1234")

    assert Petition.objects.get().phone == PHONE
    progress = client.post(QUERY, {"code": query_code_of(response), "phone": "137-0000-1234"})
    assert 'data-testid="progress"' in progress.text


@pytest.mark.parametrize(
    "field", ["township", "phone", "address", "category", "subject", "title", "request", "facts", "reasons"]
)
def test_a_missing_field_stores_nothing(client, township, field):
    response = client.post(CREATE, {**form_data(township), field: ""})

    assert response.status_code == 200 and 'data-testid="form-errors"' in response.text
    assert not Petition.objects.exists()


def test_missing_name_and_organisation_stores_nothing(client, township):
    response = submit(client, township, petitioner_name="", organisation="")

    assert "请填写姓名或单位名称。" in response.text and not Petition.objects.exists()


@pytest.mark.parametrize("phone", ["12345", "23800001234", "1380000123a", "138000012345"])
def test_a_bad_phone_number_is_refused(client, township, phone):
    response = submit(client, township, phone=phone)

    assert "请输入正确的手机号码" in response.text and not Petition.objects.exists()


def test_a_bad_id_number_is_refused(client, township):
    good = valid_id()
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    cases = [
        (wrong_check, "身份证号码校验位不正确"),
        ("320102198013451234", "请输入正确的 18 位身份证号码"),
        ("32010219800101", "请输入正确的 18 位身份证号码"),
    ]
    for value, message in cases:
        response = submit(client, township, id_number=value)
        assert message in response.text, value
    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: big_upload(20), "单个文件不能超过 10 MB"),
        (exe_upload, "不支持的文件类型“exe”"),
        (fake_jpg_upload, "的内容不是图片"),
        (lambda: pdf_upload("伪装.docx"), "的内容与扩展名不符"),
    ],
    ids=["20mb", "exe", "fake-jpg", "pdf-as-docx"],
)
def test_bad_files_store_nothing(client, township, upload, message):
    response = submit(client, township, files=[png_upload(), upload()])

    assert response.status_code == 200 and message in response.text
    assert not Petition.objects.exists() and not PetitionAttachment.objects.exists()
    assert stored_files() == []


def test_a_program_renamed_txt_is_refused(client, township):
    from django.core.files.uploadedfile import SimpleUploadedFile

    renamed = SimpleUploadedFile("说明.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", content_type="text/plain")
    response = submit(client, township, files=[renamed])

    assert "不是文本文件" in response.text and not Petition.objects.exists()


def test_too_many_files_store_nothing(client, township, settings):
    files = [png_upload(f"{i}.png") for i in range(settings.PETITION_UPLOAD_MAX_FILES + 1)]
    response = submit(client, township, files=files)

    assert "一次最多上传 5 个附件。" in response.text and not Petition.objects.exists() and stored_files() == []


def test_script_in_fields_is_stored_as_text_and_shown_escaped(client, township, clerk):
    response = submit(client, township, title=SCRIPT, petitioner_name=SCRIPT, request=SCRIPT, facts=SCRIPT)

    petition = Petition.objects.get()
    assert petition.title == SCRIPT and petition.request == SCRIPT
    code = query_code_of(response)
    pages = [response]
    pages.append(client.post(QUERY, {"code": code, "phone": PHONE}))
    staff = Client()
    staff.force_login(clerk)
    pages += [
        staff.get(reverse("petitions:petition_list")),
        staff.get(petition.get_absolute_url()),
        staff.post(reverse("petitions:petition_reveal", args=[petition.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        assert SCRIPT not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1].text and "&lt;script&gt;" in pages[3].text


def test_script_in_a_rejected_form_is_echoed_escaped(client, township):
    response = submit(client, township, title=SCRIPT, phone="bad")

    assert response.status_code == 200 and SCRIPT not in response.text and "&lt;script&gt;" in response.text


def test_a_filled_honeypot_stores_nothing(client, township):
    response = submit(client, township, website="http://spam.example")

    assert response.status_code == 400 and "提交未成功" in response.text
    assert not Petition.objects.exists()


def test_a_bad_csrf_token_is_refused(township):
    strict = Client(enforce_csrf_checks=True)
    strict.get(CREATE)
    response = strict.post(CREATE, {**form_data(township), "csrfmiddlewaretoken": "x" * 64})

    assert response.status_code == 403 and not Petition.objects.exists()
    missing = Client(enforce_csrf_checks=True).post(CREATE, form_data(township))
    assert missing.status_code == 403 and not Petition.objects.exists()


def test_a_good_csrf_token_is_accepted(township):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(CREATE)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    response = strict.post(CREATE, {**form_data(township), "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and query_code_of(response)


# --- rate limits --------------------------------------------------------------------------------------


def test_the_sixth_submission_within_the_hour_is_refused(client, township, settings):
    settings.PETITION_PUBLIC_RATE_LIMIT = "5/h"
    for n in range(5):
        assert query_code_of(submit(client, township, title=f"第{n}件")), n

    response = submit(client, township, title="第6件", files=[png_upload()])

    assert response.status_code == 429
    assert "提交过于频繁，请在 60 分钟后再试" in response.text
    assert Petition.objects.count() == 5 and not Petition.objects.filter(title="第6件").exists()
    assert PetitionAttachment.objects.count() == 0


def test_another_address_is_not_limited(client, township):
    for _n in range(5):
        submit(client, township)
    assert submit(client, township).status_code == 429

    other = client.post(CREATE, form_data(township), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200 and Petition.objects.count() == 6


def test_a_flood_of_invalid_posts_is_cut_off(client, township):
    codes = [submit(client, township, title="").status_code for _n in range(21)]

    assert codes[:20] == [200] * 20 and codes[20] == 429
    assert not Petition.objects.exists()


def test_behind_the_proxy_the_forwarded_address_counts_and_spoofing_does_not_help(client, township, settings):
    """nginx appends the client's address to X-Forwarded-For: the right-most entry counts;
    entries the client wrote itself are ignored."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's REMOTE_ADDR plays nginx
    for n in range(5):
        spoof = f"203.0.113.{n}, 198.51.100.7"
        submit_response = client.post(CREATE, form_data(township), HTTP_X_FORWARDED_FOR=spoof)
        assert submit_response.status_code == 200
    refused = client.post(CREATE, form_data(township), HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7")
    assert refused.status_code == 429
    other = client.post(CREATE, form_data(township), HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 200 and Petition.objects.count() == 6


def test_a_direct_client_cannot_choose_its_address(rf, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = rf.get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert ratelimit.client_ip(request) == "192.0.2.10"
    proxied = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="garbage, 192.0.2.11")
    assert ratelimit.client_ip(proxied) == "192.0.2.11"


@pytest.mark.parametrize(
    "text, expected",
    [("5/h", (5, 3600)), ("10/m", (10, 60)), ("20/10m", (20, 600)), ("3/day", (3, 86400)), (" 7 / 2h ", (7, 7200))],
)
def test_rates_are_parsed(text, expected):
    rate = ratelimit.parse_rate(text)
    assert (rate.count, rate.seconds) == expected


@pytest.mark.parametrize("text", ["", "5", "h/5", "0/h", "5/x"])
def test_malformed_rates_are_refused(text):
    with pytest.raises(ValueError):
        ratelimit.parse_rate(text)


# --- the query ----------------------------------------------------------------------------------------


@pytest.fixture
def online(client, township):
    """An online petition and its query code."""
    response = submit(client, township)
    return Petition.objects.get(), query_code_of(response)


def test_the_query_page_opens_without_an_account(client):
    assert client.get(QUERY).status_code == 200


def test_a_wrong_code_or_phone_gets_one_generic_message(client, online):
    petition, code = online
    wrong_code = ("A" if code[0] != "A" else "B") + code[1:]
    for data in (
        {"code": wrong_code, "phone": PHONE},
        {"code": code, "phone": "13700009999"},
        {"code": wrong_code, "phone": "13700009999"},
    ):
        response = client.post(QUERY, data)
        assert response.status_code == 200
        assert "查询码或手机号码不正确，请核对后重试。" in response.text
        assert petition.title not in response.text and 'data-testid="progress"' not in response.text


def test_wrong_pairs_are_rate_limited(client, online):
    petition, code = online
    for _n in range(5):
        client.post(QUERY, {"code": "ABCDEFGHJK", "phone": PHONE})

    response = client.post(QUERY, {"code": code, "phone": PHONE})  # even the right pair now waits
    assert response.status_code == 429 and "查询失败次数过多" in response.text
    assert petition.title not in response.text


def test_the_right_pair_shows_progress_without_staff_names_or_others_data(client, online, clerk, township, unit, users):
    petition, code = online
    other = register_petition(
        township=township, by=clerk, title="别人的信访件", petitioner_name="别人", phone="13911112222"
    )
    petition_accept(petition=petition, by=clerk)
    petition_assign(petition=petition, lead_unit=unit, by=clerk, note="内部意见：请尽快核实")

    response = client.post(QUERY, {"code": code.lower(), "phone": PHONE})

    assert response.status_code == 200 and 'data-testid="progress"' in response.text
    assert petition.title in response.text and "办理中" in response.text
    assert "登记" in response.text and "受理" in response.text and "交办" in response.text
    for secret in (
        clerk.display_name,
        clerk.username,
        "内部意见",
        "请尽快核实",
        other.title,
        other.petitioner_name,
        "13911112222",
        PHONE,
    ):
        assert secret not in response.text, secret
    assert not client.session.keys()


def test_internal_steps_stay_off_the_citizens_timeline(client, online, chair):
    from congress_office.services.cases import case_event

    petition, code = online
    case_event(item=petition, action="instruct", label="领导批示", by=chair, note="内部批示：从严处理")

    response = client.post(QUERY, {"code": code, "phone": PHONE})
    assert "领导批示" not in response.text and "内部批示" not in response.text
    assert chair.display_name not in response.text


def test_a_declined_petition_shows_the_reason(client, online, clerk):
    from petitions.services.registration import petition_decline

    petition, code = online
    petition_decline(petition=petition, by=clerk, reason="不属于本机关受理范围")

    response = client.post(QUERY, {"code": code, "phone": PHONE})
    assert "不予受理" in response.text and "不属于本机关受理范围" in response.text


# --- rating -------------------------------------------------------------------------------------------


@pytest.fixture
def replied(online, clerk, unit, users):
    """Accepted, assigned and replied today (支持)."""
    petition, code = online
    petition_accept(petition=petition, by=clerk)
    petition_assign(petition=petition, lead_unit=unit, by=clerk)
    handler = users[Role.UNIT_HANDLER]
    petition_reply(petition=petition, by=handler, outcome="support", content="河道已清理完毕，建立了每周保洁制度。")
    petition.refresh_from_db()
    return petition, code


def rating_token_in(response):
    return re.search(r'name="token" value="([^"]+)"', response.text).group(1)


def test_rating_satisfied_closes_a_replied_petition(client, replied, users):
    petition, code = replied
    progress = client.post(QUERY, {"code": code, "phone": PHONE})
    assert "河道已清理完毕" in progress.text and "支持" in progress.text
    assert 'data-testid="rating-form"' in progress.text
    assert users[Role.UNIT_HANDLER].display_name not in progress.text

    response = client.post(
        RATE, {"token": rating_token_in(progress), "satisfaction": Satisfaction.SATISFIED, "comment": SCRIPT}
    )

    petition.refresh_from_db()
    assert response.status_code == 200 and "感谢您的评价" in response.text
    assert petition.state == PetitionState.CLOSED
    rating = CaseRating.objects.get()
    assert (rating.rater_key, rating.rater_label, rating.comment) == ("citizen", "李秀梅", SCRIPT)
    assert SCRIPT not in response.text and 'data-testid="rated"' in response.text
    assert not client.session.keys()


def test_rating_unsatisfied_reopens_when_the_office_re_handles(client, replied, settings):
    settings.PETITION_REHANDLE_ON_UNSATISFIED = True
    petition, code = replied
    progress = client.post(QUERY, {"code": code, "phone": PHONE})
    assert "评价“不满意”的，将重新办理。" in progress.text

    response = client.post(
        RATE, {"token": rating_token_in(progress), "satisfaction": Satisfaction.UNSATISFIED, "comment": "只清理了一半"}
    )

    petition.refresh_from_db()
    assert petition.state == PetitionState.REOPENED and petition.round == 2
    assert 'data-testid="review-form"' not in response.text and "申请复查" not in response.text


def test_rating_twice_with_the_same_token_is_refused(client, replied):
    petition, code = replied
    token = rating_token_in(client.post(QUERY, {"code": code, "phone": PHONE}))
    client.post(RATE, {"token": token, "satisfaction": Satisfaction.SATISFIED})

    second = client.post(RATE, {"token": token, "satisfaction": Satisfaction.UNSATISFIED})
    assert second.status_code == 400 and CaseRating.objects.count() == 1
    petition.refresh_from_db()
    assert petition.state == PetitionState.CLOSED


def test_a_forged_or_stale_token_rates_nothing(client, replied):
    petition, code = replied
    forged = signing.dumps({"p": petition.pk, "r": petition.round}, salt="another-salt")
    for token in ("", "garbage", forged):
        response = client.post(RATE, {"token": token, "satisfaction": Satisfaction.SATISFIED})
        assert response.status_code == 400 and "页面已过期" in response.text
    assert not CaseRating.objects.exists()

    from unittest import mock

    token = rating_token_in(client.post(QUERY, {"code": code, "phone": PHONE}))
    with mock.patch("petitions.views.public.RATING_TOKEN_MAX_AGE", -1):
        stale = client.post(RATE, {"token": token, "satisfaction": Satisfaction.SATISFIED})
    assert stale.status_code == 400 and not CaseRating.objects.exists()


def test_the_token_names_only_the_petition_and_its_reply_round(client, replied):
    petition, code = replied
    token = signing.loads(rating_token_in(client.post(QUERY, {"code": code, "phone": PHONE})), salt=RATING_TOKEN_SALT)
    assert token == {"p": petition.pk, "r": 1}


def test_no_rating_form_before_the_reply(client, online):
    petition, code = online
    progress = client.post(QUERY, {"code": code, "phone": PHONE})

    assert 'data-testid="rating-form"' not in progress.text


def test_a_logged_in_staff_member_can_open_the_public_pages(client, clerk):
    client.force_login(clerk)

    assert client.get(CREATE).status_code == 200 and client.get(QUERY).status_code == 200


# --- after 不满意: the right to ask for 复查, and the request online ---------------------------------

REVIEW = reverse("petitions:public_review_request")


def review_token_in(response):
    form = response.text[response.text.index('data-testid="review-form"') :]
    return re.search(r'name="token" value="([^"]+)"', form).group(1)


def rate_unsatisfied(client, code):
    progress = client.post(QUERY, {"code": code, "phone": PHONE})
    return client.post(
        RATE, {"token": rating_token_in(progress), "satisfaction": Satisfaction.UNSATISFIED, "comment": "只清理了一半"}
    )


def test_after_unsatisfied_the_citizen_is_told_of_the_review_right_and_asks_online(client, replied, users):
    from congress_office.models import Notification
    from congress_office.services.cases import case_timeline
    from petitions.choices import ReviewKind
    from petitions.models import Review
    from petitions.services.handling import review_window

    petition, code = replied
    last = review_window(petition, ReviewKind.REVIEW)[1]

    rated = rate_unsatisfied(client, code)

    petition.refresh_from_db()
    assert petition.state == PetitionState.CLOSED and petition.round == 1
    right = f"自收到书面答复之日起 30 日内（最迟 {last.isoformat()}）申请复查"
    message = rated.text[rated.text.index('data-testid="message"') :]
    assert message.index("感谢您的评价！") < message.index(right)  # the rating confirmation tells of it
    assert 'data-testid="review-form"' in rated.text and 'name="request"' in rated.text
    # the progress page, queried again with the code, tells of it too
    again = client.post(QUERY, {"code": code, "phone": PHONE})
    assert right in again.text and 'data-testid="review-form"' in again.text

    response = client.post(REVIEW, {"token": review_token_in(again), "request": "河道仍有垃圾，请求复查。"})

    assert response.status_code == 200 and "您的复查申请已提交，将自申请之日起 30 日内作出复查意见。" in response.text
    petition.refresh_from_db()
    assert petition.state == PetitionState.REVIEWING
    review = Review.objects.get()
    today = timezone.localdate()
    assert (review.kind, review.requested_on, review.recorded_by, review.request) == (
        ReviewKind.REVIEW,
        today,
        None,
        "河道仍有垃圾，请求复查。",
    )
    clock = Deadline.objects.get(subject_id=petition.pk, kind="petitions.petition.review")
    assert clock.start_date == today and clock.is_pending
    assert "当前状态：<strong>复查中</strong>" in response.text
    assert f"您的复查申请已于 {today.isoformat()} 收到" in response.text and clock.due_date.isoformat() in response.text
    assert 'data-testid="review-form"' not in response.text
    event = case_timeline(petition)[-1]
    assert (event.action, event.actor, event.actor_label) == ("request_review", None, "李秀梅")
    for role in (Role.CLERK, Role.CHAIR):
        assert Notification.objects.filter(recipient=users[role], title__startswith="信访人申请复查").exists()
    assert not Notification.objects.filter(recipient=users[Role.DEPUTY], title__startswith="信访人申请复查").exists()
    assert not client.session.keys()

    # the office sees it among the petitions 复查中
    client.force_login(users[Role.CLERK])
    listed = client.get(reverse("petitions:petition_list"), {"state": PetitionState.REVIEWING}).context["petitions"]
    assert list(listed) == [petition]
    detail = client.get(petition.get_absolute_url()).text
    assert "（信访人网上提交）" in detail and 'data-action="decide_review"' in detail


def test_a_second_review_request_is_refused(client, replied):
    from petitions.models import Review

    petition, code = replied
    token = review_token_in(rate_unsatisfied(client, code))
    assert client.post(REVIEW, {"token": token, "request": "请求复查。"}).status_code == 200

    second = client.post(REVIEW, {"token": token, "request": "再次请求复查。"})

    assert second.status_code == 400
    assert "该信访事项已经申请过复查，不能重复申请；对复查意见不服的，可以申请复核。" in second.text
    assert Review.objects.count() == 1 and Review.objects.get().request == "请求复查。"


def test_a_review_request_needs_a_reason(client, replied):
    from petitions.models import Review

    petition, code = replied
    token = review_token_in(rate_unsatisfied(client, code))

    response = client.post(REVIEW, {"token": token, "request": " "})

    assert response.status_code == 400 and 'data-testid="review-form"' in response.text
    assert not Review.objects.exists()
    petition.refresh_from_db()
    assert petition.state == PetitionState.CLOSED


def test_after_the_window_the_page_says_so_and_a_request_is_refused(client, township, clerk, unit, users):
    """Replied 45 days ago: the 30 days have passed. The page names the last day and offers no
    form; a request sent anyway (a token from an earlier visit) is refused in Chinese."""
    from datetime import timedelta

    from congress_office.models import DeadlineRule
    from congress_office.workdays import compute_due_date
    from petitions.models import Review
    from petitions.views.public import review_token

    today = timezone.localdate()
    code = "ABCDEFGHJK"
    petition = register_petition(
        township=township,
        by=clerk,
        channel=Channel.ONLINE,
        received_on=today - timedelta(days=60),
        phone=PHONE,
        id_number="",
        with_query_code=True,
        query_code=code,
    )
    petition_accept(petition=petition, by=clerk, on=today - timedelta(days=58))
    petition_assign(petition=petition, lead_unit=unit, by=clerk)
    replied_on = today - timedelta(days=45)
    handler = users[Role.UNIT_HANDLER]
    petition_reply(petition=petition, by=handler, outcome="reject", content="不符合条件。", on=replied_on)
    last = compute_due_date(replied_on, DeadlineRule.CALENDAR_DAYS, 30)
    assert last < today

    rated = rate_unsatisfied(client, code)

    assert f"复查申请期限已于 {last.isoformat()} 届满。" in rated.text
    assert 'data-testid="review-form"' not in rated.text
    response = client.post(REVIEW, {"token": review_token(petition), "request": "请求复查。"})
    assert response.status_code == 400
    window = f"（答复日期 {replied_on.isoformat()}，最迟 {last.isoformat()}），已超过期限。"
    assert "复查申请须自收到处理意见之日起 30 日内提出" + window in response.text
    assert not Review.objects.exists()
    petition.refresh_from_db()
    assert petition.state == PetitionState.CLOSED


def test_without_the_right_code_or_a_valid_token_there_is_no_access(client, replied):
    from petitions.models import Review

    petition, code = replied
    wrong_code = ("A" if code[0] != "A" else "B") + code[1:]
    rate_unsatisfied(client, code)

    wrong = client.post(QUERY, {"code": wrong_code, "phone": PHONE})
    assert "查询码或手机号码不正确" in wrong.text
    assert 'data-testid="review-form"' not in wrong.text and 'name="token"' not in wrong.text
    rating_token = signing.dumps({"p": petition.pk, "r": petition.round}, salt=RATING_TOKEN_SALT)
    forged = signing.dumps({"p": petition.pk, "k": "review"}, salt="another-salt")
    for token in ("", "garbage", forged, rating_token):  # a rating token does not open the request
        response = client.post(REVIEW, {"token": token, "request": "请求复查。"})
        assert response.status_code == 400 and "页面已过期" in response.text
    assert not Review.objects.exists()
    petition.refresh_from_db()
    assert petition.state == PetitionState.CLOSED


def test_no_review_form_after_a_satisfied_rating(client, replied):
    petition, code = replied
    progress = client.post(QUERY, {"code": code, "phone": PHONE})
    assert "评价“不满意”的，可以申请复查。" in progress.text
    rated = client.post(RATE, {"token": rating_token_in(progress), "satisfaction": Satisfaction.SATISFIED})
    assert 'data-testid="review-form"' not in rated.text and 'data-testid="review-right"' not in rated.text
