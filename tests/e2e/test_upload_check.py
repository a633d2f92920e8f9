"""The browser checks a chosen file's size and type before uploading (issue 14 item 3), at phone
width: a 20 MB file (sparse, nothing is written) chosen for an activity is refused next to its
input with the server's limit, the form is not submitted (no POST leaves the browser), and an
.exe is refused by its type; once a good file is chosen the message goes and the form submits."""

import re

import pytest
from playwright.sync_api import expect

from congress_office.roles import Role
from deputies.models import Activity

from ..deputies.factories import DeputyFactory, TermFactory
from ..deputies.test_activity_services import png_bytes
from ..factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812, "mobile": True}


@pytest.fixture
def journey_deputy(township, settings):
    settings.DEPUTY_UPLOAD_MAX_MB = 10
    user = UserFactory(username="zhangguilan", name="张桂兰", township=township, roles=[Role.DEPUTY])
    DeputyFactory(term=TermFactory(township=township), name="张桂兰", user=user)
    return user


def test_a_too_large_or_wrong_file_is_refused_before_it_is_uploaded(
    live_server, browser, screenshot, journey_deputy, tmp_path
):
    big = tmp_path / "现场录像.pdf"
    with open(big, "wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # 20.0 MB, sparse
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ" + b"\x00" * 64)
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes())

    page, recorder = browser(**PHONE)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("zhangguilan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/deputies/activities/new/")
    form_url = page.url
    page.get_by_text("联系选民", exact=True).first.click()
    page.get_by_label("地点").fill("东风村委会")
    page.get_by_label("主题").fill("走访东风村选民")
    page.get_by_label("活动内容").fill("听取选民对村道修缮的意见。")
    posts.clear()  # the login's

    files = page.locator('input[name="files"]')
    files.set_input_files(str(big))
    message = page.get_by_test_id("upload-check-message")
    expect(message).to_have_text("文件过大：20.0 MB，上限 10 MB")
    expect(files).to_have_class(re.compile(r"\bis-invalid\b"))
    screenshot(page, "upload-check-too-large")

    page.get_by_test_id("submit-activity").click()
    page.wait_for_timeout(500)
    assert posts == [] and page.url == form_url  # nothing was sent
    assert not Activity.objects.exists()

    files.set_input_files(str(program))
    expect(message).to_have_text("不支持的文件类型：.exe")
    page.get_by_test_id("submit-activity").click()
    page.wait_for_timeout(300)
    assert posts == []

    files.set_input_files(str(photo))
    expect(page.get_by_test_id("upload-check-message")).to_have_count(0)
    page.get_by_test_id("submit-activity").click()
    page.wait_for_url(f"{live_server.url}/deputies/activities/*/")
    assert len(posts) == 1
    assert Activity.objects.get().attachments.count() == 1
    recorder.assert_clean()


def test_a_deputy_adds_and_removes_co_participants_by_searching(live_server, browser, screenshot, journey_deputy):
    """The co-participant field (static/js/lookup-multi.js): type a name, pick it, remove a chip."""
    term = journey_deputy.deputy.term
    colleague = DeputyFactory(term=term, name="李建国")
    DeputyFactory(term=term, name="李明")
    page, recorder = browser(**PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("zhangguilan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/deputies/activities/new/")
    page.get_by_text("联系选民", exact=True).first.click()
    page.get_by_label("地点").fill("东风村委会")
    page.get_by_label("主题").fill("与李建国代表联合走访")
    page.get_by_label("活动内容").fill("走访选民 12 户。")

    search = page.get_by_label("共同参加的代表")
    search.fill("李")
    page.get_by_role("button", name="李建国").click()
    search.fill("李明")
    page.get_by_role("button", name="李明", exact=True).click()
    chosen = page.get_by_test_id("chosen-co_participants")
    expect(chosen).to_contain_text("李建国")
    expect(chosen).to_contain_text("李明")
    chosen.get_by_role("button", name="移除 李明").click()
    expect(chosen).not_to_contain_text("李明")
    screenshot(page, "co-participants-chosen")

    page.get_by_test_id("submit-activity").click()
    page.wait_for_url(f"{live_server.url}/deputies/activities/*/")
    activity = Activity.objects.get()
    assert sorted(d.name for d in activity.participants.all()) == ["张桂兰", "李建国"]
    assert colleague in activity.participants.all()
    recorder.assert_clean()
