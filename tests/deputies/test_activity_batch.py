"""批量确认 / 批量退回 of duty activities (issue 14 item 4): the reviewer ticks activities on the
to-confirm list, a confirmation page lists exactly what will happen, then each item goes through the
single-item service and a summary says what was done, reporting (not breaking on) items handled
meanwhile; another township's ids are ignored; CSRF, role and township are checked."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_office.models import Notification
from congress_office.roles import Role
from deputies.choices import ActivityStatus, ActivityType
from deputies.services.activities import activity_confirm, activity_log, activity_return
from deputies.services.activity_batch import MAX_BATCH

from .factories import ActivityFactory, DeputyFactory

pytestmark = pytest.mark.django_db

LIST = reverse("deputies:activity_list")
BATCH = reverse("deputies:activity_batch")


@pytest.fixture
def colleague(term, township, make_user):
    account = make_user(Role.DEPUTY, township, username="lijianguo")
    return DeputyFactory(term=term, name="李建国", user=account)


def log(user, township, title, days_ago=0):
    return activity_log(
        by=user,
        township=township,
        type=ActivityType.RESEARCH,
        date=timezone.localdate() - timezone.timedelta(days=days_ago),
        place="镇敬老院",
        title=title,
        summary="了解运行情况。",
    )


@pytest.fixture
def pending(deputy_user, deputy, colleague, township):
    """Three activities waiting for the office: two by 张桂兰, one by 李建国."""
    return [
        log(deputy_user, township, "敬老院专题调研", 3),
        log(deputy_user, township, "东风村接待选民", 2),
        log(colleague.user, township, "村道修缮视察", 1),
    ]


@pytest.fixture
def foreign(other_township, other_term, make_user):
    """An activity of 白水乡 waiting for its own office."""
    account = make_user(Role.DEPUTY, other_township, username="wudeming")
    DeputyFactory(term=other_term, name="吴德明", user=account)
    return log(account, other_township, "白水乡的调研")


def post(client, action, activities, **extra):
    return client.post(BATCH, {"action": action, "ids": [a.pk for a in activities], **extra})


def execute(client, action, activities, **extra):
    return post(client, action, activities, step="execute", **extra)


def statuses(activities):
    for activity in activities:
        activity.refresh_from_db()
    return [activity.status for activity in activities]


# --- the list ----------------------------------------------------------------------------------------


def test_the_reviewers_list_has_check_boxes_on_waiting_rows_and_the_batch_buttons(client, clerk, pending):
    activity_confirm(activity=pending[0], by=clerk)
    client.force_login(clerk)

    html = client.get(LIST).content.decode()

    assert html.count('data-testid="batch-box"') == 2  # the confirmed one has none
    assert f'value="{pending[0].pk}" aria-label' not in html
    assert 'data-testid="batch-confirm"' in html and 'data-testid="batch-return"' in html
    assert f'action="{BATCH}"' in html


def test_a_deputys_list_has_no_batch_controls(client, deputy_user, pending):
    client.force_login(deputy_user)

    html = client.get(LIST).content.decode()

    assert "batch-box" not in html and "batch-confirm" not in html


# --- the confirmation page ---------------------------------------------------------------------------


def test_the_confirmation_page_lists_exactly_what_will_happen_and_changes_nothing(client, clerk, pending):
    client.force_login(clerk)

    response = post(client, "confirm", pending[:2])

    assert response.status_code == 200
    assert [a.title for a in response.context["pending"]] == ["东风村接待选民", "敬老院专题调研"]
    html = response.content.decode()
    assert "将确认以下 2 项履职活动" in html and "村道修缮视察" not in html
    assert "张桂兰" in html and pending[0].date.strftime("%Y-%m-%d") in html
    assert 'name="step" value="execute"' in html
    assert statuses(pending) == [ActivityStatus.SUBMITTED] * 3


def test_the_confirmation_page_says_which_ones_are_already_handled(client, clerk, chair, pending):
    activity_return(activity=pending[1], by=chair, reason="请补充照片")
    client.force_login(clerk)

    response = post(client, "confirm", pending)

    assert [a.title for a in response.context["pending"]] == ["村道修缮视察", "敬老院专题调研"]
    assert [a.title for a in response.context["not_pending"]] == ["东风村接待选民"]
    assert "以下 1 项已被处理，不会改动" in response.content.decode()


def test_the_confirmation_page_keeps_its_query_count_whatever_the_selection(
    client, clerk, deputy, township, django_assert_num_queries
):
    def make(n):
        return [
            ActivityFactory(township=township, status=ActivityStatus.SUBMITTED, participants=[deputy]) for _ in range(n)
        ]

    client.force_login(clerk)
    few, many = make(2), make(12)
    with CaptureQueriesContext(connection) as baseline:
        post(client, "confirm", few)

    with django_assert_num_queries(len(baseline)):
        response = post(client, "confirm", many)
    assert len(response.context["pending"]) == 12


def test_nothing_ticked_goes_back_to_the_list_with_a_message(client, clerk, pending):
    client.force_login(clerk)

    response = client.post(BATCH, {"action": "confirm"})

    assert response.status_code == 302 and response.url == LIST + "?status=submitted"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["请先勾选要批量处理的履职活动。"]


def test_a_batch_is_capped(client, clerk, pending):
    client.force_login(clerk)

    response = client.post(BATCH, {"action": "confirm", "ids": list(range(1, MAX_BATCH + 2))})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"一次最多处理 {MAX_BATCH} 项，请分批操作。"]


# --- executing ---------------------------------------------------------------------------------------


def test_batch_confirm_confirms_each_through_the_service_and_sums_up(client, clerk, pending, deputy_user, colleague):
    client.force_login(clerk)

    response = execute(client, "confirm", pending)

    assert response.status_code == 200
    assert response.context["outcome"].summary() == "已确认 3 项"
    assert "已确认 3 项" in response.content.decode()
    assert statuses(pending) == [ActivityStatus.CONFIRMED] * 3
    assert all(a.reviewed_by == clerk for a in pending)
    assert Notification.objects.filter(recipient=deputy_user, title__startswith="履职活动已确认").count() == 2
    assert Notification.objects.filter(recipient=colleague.user, title__startswith="履职活动已确认").count() == 1


def test_items_handled_meanwhile_are_reported_and_left_alone(client, clerk, chair, pending):
    client.force_login(clerk)
    post(client, "confirm", pending)  # the page is on screen …
    activity_return(activity=pending[0], by=chair, reason="日期有误")  # … when the chair returns one

    response = execute(client, "confirm", pending)

    assert response.context["outcome"].summary() == "已确认 2 项；1 项已被他人处理，未改动"
    assert statuses(pending) == [ActivityStatus.RETURNED, ActivityStatus.CONFIRMED, ActivityStatus.CONFIRMED]
    assert pending[0].return_reason == "日期有误"
    assert "敬老院专题调研" in response.content.decode()  # named among the untouched


def test_batch_return_needs_one_reason_and_gives_it_to_every_item(client, clerk, pending, deputy_user):
    client.force_login(clerk)

    refused = execute(client, "return", pending[:2])

    assert refused.status_code == 200 and "请填写退回原因。" in refused.content.decode()
    assert statuses(pending) == [ActivityStatus.SUBMITTED] * 3

    response = execute(client, "return", pending[:2], reason="请补充现场照片")

    assert response.context["outcome"].summary() == "已退回 2 项"
    assert statuses(pending) == [ActivityStatus.RETURNED, ActivityStatus.RETURNED, ActivityStatus.SUBMITTED]
    assert {a.return_reason for a in pending[:2]} == {"请补充现场照片"}
    assert Notification.objects.filter(recipient=deputy_user, title__startswith="履职活动被退回").count() == 2


def test_another_townships_ids_are_ignored_and_left_untouched(client, clerk, pending, foreign):
    client.force_login(clerk)

    page = post(client, "confirm", [pending[0], foreign])
    assert [a.pk for a in page.context["pending"]] == [pending[0].pk]
    assert "白水乡的调研" not in page.content.decode() and "1 项不属于本乡镇或已不存在" in page.content.decode()

    response = execute(client, "confirm", [pending[0], foreign])

    assert response.context["outcome"].summary() == "已确认 1 项；1 项不属于本乡镇或已不存在，已忽略"
    assert statuses([pending[0], foreign]) == [ActivityStatus.CONFIRMED, ActivityStatus.SUBMITTED]


def test_a_chair_of_the_township_may_batch_confirm(client, chair, pending):
    """The chair holds deputies.review_activity (deputies/permissions.py), as for one activity."""
    client.force_login(chair)

    response = execute(client, "confirm", pending[:1])

    assert response.context["outcome"].summary() == "已确认 1 项"


def test_the_other_townships_clerk_changes_nothing(client, other_clerk, pending):
    client.force_login(other_clerk)

    response = execute(client, "confirm", pending)

    assert response.context["outcome"].summary() == "已确认 0 项；3 项不属于本乡镇或已不存在，已忽略"
    assert statuses(pending) == [ActivityStatus.SUBMITTED] * 3


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.AUDITOR, Role.UNIT_HANDLER, Role.COUNTY])
def test_roles_that_do_not_review_are_refused(client, users, pending, role):
    client.force_login(users[role])

    response = execute(client, "confirm", pending)

    assert response.status_code == 403
    assert statuses(pending) == [ActivityStatus.SUBMITTED] * 3


def test_anonymous_visitors_go_to_the_login_page(client, pending):
    response = execute(client, "confirm", pending)

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_get_is_not_allowed(client, clerk):
    client.force_login(clerk)

    assert client.get(BATCH).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(clerk, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)

    response = execute(client, "confirm", pending)

    assert response.status_code == 403
    assert statuses(pending) == [ActivityStatus.SUBMITTED] * 3
