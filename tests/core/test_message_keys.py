"""Notifications, timeline steps and deadline titles are stored as a message key with parameters
and rendered in the reader's language (congress_office.message_keys); dates go through the
formats of congress_office/formats; PDFs stay Chinese whoever asks for them."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy, gettext_noop

from congress_office.message_keys import Message, render, to_store
from congress_office.models import CaseEvent, Deadline, DeadlineRule, Notification
from congress_office.pdf import render_pdf
from congress_office.roles import Role
from congress_office.services.deadlines import deadline_extend
from congress_office.services.notifications import notify
from tests.core.test_pdf import pdf_text, squash
from tests.factories import make_deadline
from tests.petitions.factories import register_petition

# keys the English catalogue has translated since before this change (the tests read the real
# catalogue, so they need msgids that are in it)
REPLIED = gettext_noop("已答复：%(item)s")
ASSIGNED = gettext_noop("新%(mode)s事项：%(item)s")
LEAD_DUE = gettext_noop("主办单位：%(lead)s；办理期限至 %(due)s。")


def english(client):
    client.cookies["django_language"] = "en"
    return client


# --- the message itself ---------------------------------------------------------------------------


def test_a_message_is_stored_in_chinese_and_rendered_in_the_active_language():
    text, data = to_store(Message(REPLIED, item="青信〔2026〕7号"))
    assert text == "已答复：青信〔2026〕7号"
    assert data == {"k": REPLIED, "p": {"item": "青信〔2026〕7号"}}
    with translation.override("en"):
        assert render(data, fallback=text) == "Replied: 青信〔2026〕7号"
    with translation.override("zh-hans"):
        assert render(data, fallback=text) == text


def test_translatable_parameters_are_keys_and_dates_use_the_readers_format():
    """A TextChoices label (lazy) and a nested Message are stored as keys, a date as ISO."""
    message = Message(
        ASSIGNED,
        mode=gettext_lazy("主办"),
        item=Message(
            gettext_noop("自 %(start)s 起 %(limit)s %(rule)s"),
            start="2026-11-02",
            limit=15,
            rule=DeadlineRule.WORKING_DAYS.label,
        ),
    )
    text, data = to_store(message)
    assert data["p"]["mode"] == {"k": "主办", "p": {}}
    assert data["p"]["item"]["p"]["rule"] == {"k": "工作日", "p": {}}
    assert text == "新主办事项：自 2026-11-02 起 15 工作日"
    with translation.override("en"):
        assert render(data, fallback=text) == "New matter (Lead): 15 working days from 2026-11-02"

    _text, data = to_store(Message(LEAD_DUE, lead="自然资源所", due=date(2026, 12, 2)))
    assert data["p"]["due"] == {"d": "2026-12-02"}
    with translation.override("zh-hans"):
        assert render(data) == "主办单位：自然资源所；办理期限至 2026-12-02。"
    with translation.override("en"):
        assert render(data) == "Lead unit: 自然资源所; due by Dec 2, 2026."


@pytest.mark.parametrize(
    "data",
    [
        {"k": REPLIED, "p": {}},  # the key's placeholder has no parameter (key or params changed)
        {"k": REPLIED, "p": {"item": {"unknown": 1}}},  # a parameter this code cannot read
        {"k": "100%", "p": {}},  # a malformed format
        {"k": "", "p": {}},  # an old row: no key
        {"p": {"x": 1}},
        "not a dict",
        None,
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_broken_key_shows_the_stored_text(data, language):
    with translation.override(language):
        assert render(data, fallback="存储的中文") == "存储的中文"


def test_a_key_missing_from_the_catalogue_shows_the_stored_text_in_english():
    data = {"k": "这条消息还没有译文：%(x)s", "p": {"x": "1"}}  # new code's key, not translated yet
    with translation.override("en"):
        assert render(data, fallback="存储的中文：1") == "存储的中文：1"
    with translation.override("zh-hans"):
        assert render(data, fallback="存储的中文：1") == "这条消息还没有译文：1"


def test_plain_text_and_lazy_strings_are_still_accepted():
    assert to_store("测试通知") == ("测试通知", None)
    with translation.override("en"):
        # a lazy string keeps its key: stored in Chinese even when the writer reads English
        assert to_store(gettext_lazy("交办")) == ("交办", {"k": "交办", "p": {}})
        # text the service translated itself stays what it is (no key to render again)
        assert to_store("Assign") == ("Assign", None)


# --- notifications --------------------------------------------------------------------------------


def test_an_english_reader_sees_a_notification_written_by_chinese_code_in_english(client, clerk, unit, users):
    handler = users[Role.UNIT_HANDLER]
    notify(
        recipients=[handler],
        title=Message(ASSIGNED, mode=gettext_lazy("主办"), item="青信〔2026〕7号 土地补偿款"),
        body=Message(LEAD_DUE, lead=unit, due=date(2026, 12, 2)),
        url="/petitions/7/",
        township=clerk.township,
    )
    notification = Notification.objects.get(recipient=handler)
    assert notification.title == "新主办事项：青信〔2026〕7号 土地补偿款"  # the column keeps Chinese (search, old code)
    assert notification.body == "主办单位：自然资源所；办理期限至 2026-12-02。"

    client.force_login(handler)
    html = english(client).get(reverse("core:notification_list")).content.decode()
    assert "New matter (Lead): 青信〔2026〕7号 土地补偿款" in html
    assert "Lead unit: 自然资源所; due by Dec 2, 2026." in html
    assert "新主办事项" not in html

    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("core:notification_list")).content.decode()
    assert "新主办事项：青信〔2026〕7号 土地补偿款" in html and "New matter" not in html


def test_old_rows_and_plain_titles_show_their_text_in_english(client, clerk):
    Notification.objects.create(recipient=clerk, title="旧通知：没有消息键", body="旧正文")
    notify(recipients=[clerk], title="新代码传入的纯文本标题")
    Notification.objects.create(
        recipient=clerk, title="改过的消息", message_keys={"title": {"k": REPLIED, "p": {"wrong": 1}}}
    )
    client.force_login(clerk)
    response = english(client).get(reverse("core:notification_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "旧通知：没有消息键" in html and "旧正文" in html and "新代码传入的纯文本标题" in html
    assert "改过的消息" in html


def test_a_notification_email_is_in_the_sites_language_whoever_triggered_it(clerk, django_capture_on_commit_callbacks):
    """Users have no language preference: the e-mail follows settings.LANGUAGE_CODE."""
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[clerk],
            title=Message(REPLIED, item="青信〔2026〕7号"),
            body=Message(LEAD_DUE, lead="民政办", due=date(2026, 12, 2)),
        )
    [email] = mail.outbox
    assert email.subject.endswith("已答复：青信〔2026〕7号")
    assert "主办单位：民政办；办理期限至 2026-12-02。" in email.body


def test_a_users_notifications_are_their_own(client, clerk, other_clerk):
    """The list shows only the reader's notifications; another's cannot be opened."""
    [theirs] = notify(recipients=[other_clerk], title=Message(REPLIED, item="白信〔2026〕1号"), url="/x/")
    client.force_login(clerk)
    english(client)
    assert "白信〔2026〕1号" not in client.get(reverse("core:notification_list")).content.decode()
    assert client.post(reverse("core:notification_open", args=[theirs.pk])).status_code == 404


def test_the_english_notification_list_keeps_its_query_count(client, clerk):
    client.force_login(clerk)
    english(client)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("core:notification_list")).status_code == 200
        return len(queries)

    notify(
        recipients=[clerk], title=Message(REPLIED, item="1号"), body=Message(LEAD_DUE, lead="甲", due=date(2026, 1, 1))
    )
    one = count()
    for n in range(2, 8):
        notify(
            recipients=[clerk],
            title=Message(REPLIED, item=f"{n}号"),
            body=Message(LEAD_DUE, lead="甲", due=date(2026, 1, n)),
        )
    assert count() == one


# --- timeline and deadline titles -----------------------------------------------------------------


def test_timeline_and_deadline_title_of_a_petition_are_shown_in_english(client, clerk, township):
    petition = register_petition(township=township, by=clerk)
    event = CaseEvent.objects.get(item_id=petition.pk, action="register")
    assert event.label == "登记" and event.message_keys["label"] == {"k": "登记", "p": {}}
    deadline = Deadline.objects.get(subject_id=petition.pk, kind__endswith="acceptance")
    assert deadline.title == f"受理告知：{petition}"  # the test runs in Chinese

    with translation.override("zh-hans"):
        name = str(petition)  # a record is a parameter as its Chinese name (its number is official)

    client.force_login(clerk)
    english(client)
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "<strong>Registered</strong>" in html and "<strong>登记</strong>" not in html

    listing = client.get(reverse("core:deadline_list")).content.decode()
    assert f"Acceptance notice: {name}" in listing
    detail = client.get(reverse("core:deadline_detail", args=[deadline.pk])).content.decode()
    assert f"Acceptance notice: {name}" in detail


def test_a_deadline_of_another_township_stays_hidden_in_english(client, township, other_clerk):
    petition = register_petition(township=township)
    deadline = Deadline.objects.get(subject_id=petition.pk, kind__endswith="acceptance")
    client.force_login(other_clerk)
    english(client)
    assert client.get(reverse("core:deadline_detail", args=[deadline.pk])).status_code == 404
    assert "Acceptance notice" not in client.get(reverse("core:deadline_list")).content.decode()


def test_deadline_reminders_nest_the_deadline_title_as_a_key(township, unit, clerk, chair, users):
    handler = users[Role.UNIT_HANDLER]
    deadline = make_deadline(township=township, unit=unit, title=Message(gettext_noop("督办事项")))
    deadline_extend(deadline=deadline, reason="情况复杂", approver=chair, by=clerk, extra=5)
    notification = Notification.objects.get(recipient=handler)
    assert notification.title == "期限已延长：督办事项"
    with translation.override("en"):
        assert notification.display_title == "Deadline extended: Supervised matter"


# --- dates and PDFs -------------------------------------------------------------------------------


def test_dates_go_through_the_formats_of_the_readers_language(client, clerk, township, unit):
    make_deadline(township=township, unit=unit, title="村道硬化督办", start=date(2026, 11, 2), limit=15)
    client.force_login(clerk)
    chinese = client.get(reverse("core:deadline_list")).content.decode()
    assert "2026-11-17" in chinese
    html = english(client).get(reverse("core:deadline_list")).content.decode()
    assert "Nov 17, 2026" in html and "2026-11-17" not in html
    with translation.override("zh-hans"):
        assert date_format(date(2026, 12, 2)) == "2026年12月2日"
    with translation.override("en"):
        assert date_format(date(2026, 12, 2)) == "Dec. 2, 2026"


def test_a_pdf_requested_by_an_english_reader_stays_chinese(clerk, township, unit):
    deadline = make_deadline(township=township, unit=unit, title="饮水安全问题答复", start=date(2026, 1, 5))
    context = {
        "title": "期限事项办理情况表",
        "owner": clerk,
        "today": date(2026, 12, 2),
        "by_unit": [],
        "overdue": [deadline],
    }
    with translation.override("en"):
        text = squash(pdf_text(render_pdf("pdf/deadline_overview.html", context)))
    assert "2026年12月2日" in text and "饮水安全问题答复" in text
    assert "日（自然日）" in text and "calendardays" not in text
