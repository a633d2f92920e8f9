"""Signing in and out, the first-login password change, and the lockout after repeated
failed logins (django-axes, which only sees real POSTs to the login page)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.urls import reverse

from congress_office.models import User
from congress_office.roles import Role
from tests.factories import PASSWORD, make_deadline

LOGIN = "/accounts/login/"
NEW_PASSWORD = "Qingshan#2027river"


@pytest.fixture(autouse=True)
def _axes_clean(db):
    reset()
    yield
    reset()


def login(client, username, password, follow=False, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, follow=follow)


def signed_in_as(client):
    """The user the client's session belongs to, or None."""
    response = client.get(reverse("core:home"))
    if response.status_code != 200:
        return None
    return response.context["user"]


def test_login_with_the_right_password(client, clerk):
    """The right password signs in and lands on the home page."""
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert signed_in_as(client) == clerk
    assert client.get(LOGIN)["Location"] == reverse("core:home")  # already signed in


def test_login_follows_a_local_next_only(client, clerk):
    """After login the user goes to the page they asked for, but never to another host."""
    response = login(client, "clerk", PASSWORD, next=reverse("core:deadline_list"))
    assert response["Location"] == reverse("core:deadline_list")
    client.logout()
    response = login(client, "clerk", PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("core:home")


def test_wrong_password_is_refused_in_chinese(client, clerk):
    """A wrong password keeps the user out with Django's Chinese message and the username kept."""
    response = login(client, "clerk", "wrong-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "请输入一个正确的用户名和密码" in page
    assert 'value="clerk"' in page
    assert signed_in_as(client) is None


def test_login_page_states_the_lockout_policy(client, db, settings):
    """The login page tells the policy from the settings, not from a literal."""
    assert "连续输错密码 5 次，账号将锁定 30 分钟。" in client.get(LOGIN).content.decode()
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    assert "连续输错密码 3 次，账号将锁定 15 分钟。" in client.get(LOGIN).content.decode()


def test_inactive_user_cannot_sign_in(client, clerk):
    """A deactivated account cannot sign in, even with the right password."""
    User.objects.filter(pk=clerk.pk).update(is_active=False)
    assert login(client, "clerk", PASSWORD).status_code == 200
    assert signed_in_as(client) is None


# --- first login: the password must be changed -------------------------------------------------


@pytest.fixture
def newcomer(make_user, township, unit):
    """A clerk whose password was set by an administrator."""
    user = make_user(Role.CLERK, township, username="newclerk", must_change_password=True)
    make_deadline(township=township, unit=unit, title="待办事项")
    return user


def test_must_change_password_is_sent_to_password_page_everywhere(client, newcomer, township):
    """Until they change it, every page (GET or POST, admin included) sends the user to the
    password change page; the password page, logout, health and language switch stay reachable."""
    response = login(client, "newclerk", PASSWORD, follow=True)
    assert response.redirect_chain[-1] == (reverse("password_change"), 302)
    assert "首次登录，请先设置您自己的密码。" in response.content.decode()
    blocked = [
        ("get", reverse("core:home")),
        ("get", reverse("core:deadline_list")),
        ("get", reverse("core:deadline_create")),
        ("post", reverse("core:deadline_create")),
        ("get", reverse("core:unit_list")),
        ("get", reverse("core:notification_list")),
        ("post", reverse("core:notification_read_all")),
        ("get", reverse("core:holiday_list")),
        ("get", reverse("admin:index")),
        ("get", "/no-such-page/"),
    ]
    for method, url in blocked:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("password_change"), url
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get(reverse("health")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}).status_code == 302


def test_changing_the_password_lifts_the_requirement(client, newcomer):
    """A wrong old password changes nothing; the right one sets the new password, clears the
    flag, keeps the user signed in and opens every page; the new password then signs in."""
    login(client, "newclerk", PASSWORD)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "not-my-password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "你的旧密码不正确" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is True

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("core:home"), 302)]
    assert "密码已修改。" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False
    assert newcomer.check_password(NEW_PASSWORD)
    assert client.get(reverse("core:deadline_list")).status_code == 200

    client.post(reverse("logout"))
    assert login(client, "newclerk", PASSWORD).status_code == 200
    assert login(client, "newclerk", NEW_PASSWORD).status_code == 302


def test_a_weak_new_password_is_refused(client, newcomer):
    """The password validators apply (Chinese messages); the flag stays."""
    login(client, "newclerk", PASSWORD)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert "这个密码太常见了。" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is True


# --- lockout ------------------------------------------------------------------------------------


def test_lockout_after_five_failed_logins(client, clerk, chair):
    """Five wrong passwords lock the account: the fifth already answers with the Chinese
    lockout page, and then even the right password is refused. Another account from the same
    address can still sign in; clearing axes' records lets the user in again."""
    for attempt in range(1, 5):
        response = login(client, "clerk", f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert "请输入一个正确的用户名和密码" in response.content.decode()
    response = login(client, "clerk", "wrong-5")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多，账号已暂时锁定" in page
    assert "请 30 分钟后再试" in page

    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert signed_in_as(client) is None
    assert AccessAttempt.objects.get(username="clerk").failures_since_start >= 5

    assert login(client, "chair", PASSWORD).status_code == 302
    assert signed_in_as(client) == chair
    client.post(reverse("logout"))

    reset(username="clerk")
    assert login(client, "clerk", PASSWORD).status_code == 302
    assert signed_in_as(client) == clerk


def test_a_successful_login_resets_the_failure_count(client, clerk):
    """Four failures, a success, then four more failures: still not locked out."""
    for attempt in range(4):
        login(client, "clerk", f"wrong-{attempt}")
    assert login(client, "clerk", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for attempt in range(4):
        assert login(client, "clerk", f"wrong-again-{attempt}").status_code == 200
    assert login(client, "clerk", PASSWORD).status_code == 302


def test_lockout_page_states_the_configured_cool_off(client, clerk, settings):
    """The lockout page tells the cool-off time from AXES_COOLOFF_TIME."""
    settings.AXES_COOLOFF_TIME = timedelta(minutes=45)
    for attempt in range(5):
        response = login(client, "clerk", f"wrong-{attempt}")
    assert response.status_code == 429
    assert "请 45 分钟后再试" in response.content.decode()


# --- logout ---------------------------------------------------------------------------------------


def test_logout_is_post_only(client, clerk):
    """GET /accounts/logout/ is refused (405) and leaves the user signed in; POST signs out
    and returns to the login page."""
    client.force_login(clerk)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_as(client) == clerk
    page = client.get(reverse("core:home")).content.decode()
    assert f'<form method="post" action="{reverse("logout")}">' in page
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    assert client.get(reverse("core:home"))["Location"] == f"{reverse('login')}?next=/"
