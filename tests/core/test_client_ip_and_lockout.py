"""The client's address (congress_office/net.py) and the login lockout's three counters
(congress_office/lockout.py over django-axes' records).

Expected behaviour:
- with TRUSTED_PROXIES empty (the default) X-Forwarded-For is ignored: rotating it does not beat
  the public query's rate limit, and axes records the peer;
- with TRUSTED_PROXIES naming the peer (addresses or CIDR networks) the client is the right-most
  X-Forwarded-For entry that is not a trusted proxy; what the client wrote further left, and
  entries that are no address, are ignored; the rate limits and axes use this one function;
- a login is refused (429, one Chinese page whichever counter tripped) after 5 failures of one
  username at one address, 20 failures at one address over any usernames (a success of another
  account there does not reset it), or 10 failures of one username over any addresses;
- attempts refused by a lock are not counted and do not extend it: the username lock lifts
  15 minutes after it tripped, however long an outsider keeps trying;
- from an address where the user signed in before, the right password gets in while the username
  lock is on; the pair lock still holds there.
Time passes by making axes' stored timestamps older (no sleeping).
"""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congress_office import lockout, net
from petitions import ratelimit
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
QUERY = reverse("petitions:public_query")
LOCKED_HEADING = "登录失败次数过多，账号已暂时锁定"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The public rate limits live in the cache (the lockout's in the database, rolled back)."""
    cache.clear()
    yield
    cache.clear()


def login(username, password, address, **extra):
    """One login POST from `address` in a fresh browser."""
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def travel(minutes):
    """Let `minutes` pass for the lockout: every stored failure and sign-in becomes that much older."""
    delta = timedelta(minutes=minutes)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)
    AccessLog.objects.update(attempt_time=F("attempt_time") - delta)


def recorded_failures():
    return AccessAttempt.objects.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_message(response):
    """The lockout page's alert, as text."""
    alert = re.search(r'<div class="alert alert-danger[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>|\s+", " ", alert.group(1)).strip()


def address(n):
    return f"198.51.100.{n}"


# --- the client's address ----------------------------------------------------------------------


def test_without_trusted_proxies_the_forwarded_header_is_ignored(rf, settings):
    """TRUSTED_PROXIES is empty by default, so even a peer on the loopback is the client."""
    assert settings.TRUSTED_PROXIES == []
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert net.client_ip(request) == "127.0.0.1"
    assert net.client_ip(rf.get("/", REMOTE_ADDR="")) == net.UNKNOWN


def test_the_public_query_limit_holds_while_the_forwarded_header_rotates(settings):
    """Reaching the app directly from 127.0.0.1 (the old trusted default) with a fresh
    X-Forwarded-For on every wrong query: the sixth is refused all the same; another peer is not."""
    settings.PETITION_PUBLIC_RATE_LIMIT = "5/h"
    client = Client()
    wrong = {"code": "ABCDEFGHJK", "phone": "13700001234"}
    for n in range(5):
        response = client.post(QUERY, wrong, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert response.status_code == 200, n
        assert "查询码或手机号码不正确" in response.text
    refused = client.post(QUERY, wrong, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert refused.status_code == 429 and "查询失败次数过多" in refused.text
    assert client.post(QUERY, wrong, REMOTE_ADDR="192.0.2.44").status_code == 200


@pytest.mark.parametrize(
    "peer, forwarded, expected",
    [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "203.0.113.9, 198.51.100.7", "198.51.100.7"),  # the client wrote the left part
        ("127.0.0.1", "203.0.113.9,198.51.100.7, 127.0.0.1", "198.51.100.7"),  # our proxy twice
        ("127.0.0.1", "198.51.100.7, not-an-address, 1.2.3.4:80, ", "198.51.100.7"),  # skipped
        ("127.0.0.1", "::ffff:198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "127.0.0.1", "127.0.0.1"),
        ("192.0.2.10", "198.51.100.7", "192.0.2.10"),  # not a proxy of ours: its header is ignored
    ],
)
def test_behind_a_trusted_proxy_the_right_most_untrusted_entry_is_the_client(rf, settings, peer, forwarded, expected):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = rf.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert net.client_ip(request) == expected


def test_trusted_proxies_may_be_networks(rf, settings):
    """CIDR entries, IPv4 and IPv6: every hop inside them is stepped over."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    chain = rf.get("/", REMOTE_ADDR="10.20.30.40", HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7, 10.9.8.7")
    assert net.client_ip(chain) == "198.51.100.7"
    ipv6 = rf.get("/", REMOTE_ADDR="2001:db8::5", HTTP_X_FORWARDED_FOR="2001:DB9:0::1, 2001:db8:1::1")
    assert net.client_ip(ipv6) == "2001:db9::1"  # the last untrusted hop, written canonically
    outside = rf.get("/", REMOTE_ADDR="11.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert net.client_ip(outside) == "11.0.0.1"


def test_a_bad_trusted_proxies_entry_is_a_clear_configuration_error(rf, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "nginx.local"]
    with pytest.raises(ImproperlyConfigured, match="nginx.local"):
        net.client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1"))


def test_the_rate_limits_and_the_lockout_use_the_same_address(clerk, settings):
    """petitions' rate limits call net.client_ip, and axes records the address it gives."""
    assert ratelimit.client_ip is net.client_ip
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    login("clerk", "wrong", "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    settings.TRUSTED_PROXIES = []
    login("clerk", "wrong", "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1", "198.51.100.7"]


# --- the lockout -------------------------------------------------------------------------------


def test_five_failures_lock_the_username_at_that_address_only(clerk):
    for n in range(4):
        assert login("clerk", f"wrong-{n}", address(1)).status_code == 200
    assert login("clerk", "wrong-4", address(1)).status_code == 429
    locked = login("clerk", PASSWORD, address(1))
    assert locked.status_code == 429 and LOCKED_HEADING in locked.text
    assert login("clerk", PASSWORD, address(2)).status_code == 302


def test_twenty_failures_lock_the_address_for_every_username(chair):
    """One address trying many accounts: its count is not reset when an account of its own signs
    in there in between, and it locks the address for everyone; other addresses are not locked."""
    for n in range(10):
        assert login(f"guess{n:02}", "wrong", address(1)).status_code == 200
    assert login("chair", PASSWORD, address(1)).status_code == 302
    for n in range(10, 19):
        assert login(f"guess{n:02}", "wrong", address(1)).status_code == 200, n
    assert login("guess19", "wrong", address(1)).status_code == 429
    assert login("chair", PASSWORD, address(1)).status_code == 429
    assert login("chair", PASSWORD, address(2)).status_code == 302


def test_ten_failures_from_anywhere_lock_the_username(clerk, chair):
    for n in range(9):
        assert login("clerk", "wrong", address(n)).status_code == 200, n
    assert login("clerk", "wrong", address(9)).status_code == 429
    assert login("clerk", PASSWORD, address(50)).status_code == 429  # a new address too
    assert login("chair", PASSWORD, address(3)).status_code == 302  # other accounts are not held


def test_attempts_during_the_lock_neither_count_nor_extend_it(clerk):
    """An outsider keeps trying while the username is locked: those attempts are refused without
    being recorded, and 15 minutes after the lock tripped the user gets in from a new address."""
    for n in range(10):
        login("clerk", "wrong", address(n))
    assert recorded_failures() == 10
    travel(10)
    page = login("clerk", "wrong", address(100))
    assert page.status_code == 429 and "请 5 分钟后再试" in page.text
    for n in range(101, 115):
        assert login("clerk", "wrong", address(n)).status_code == 429
    assert login("clerk", PASSWORD, address(115)).status_code == 429
    assert recorded_failures() == 10  # nothing counted during the lock
    travel(6)
    assert login("clerk", PASSWORD, address(116)).status_code == 302


def test_the_real_user_gets_in_from_a_known_address_while_the_username_is_locked(clerk):
    """The user signed in from 192.0.2.50 before: there the right password still works during the
    username lock, elsewhere it does not; five wrong passwords there lock that pair all the same."""
    home = "192.0.2.50"
    assert login("clerk", PASSWORD, home).status_code == 302
    travel(60)  # long ago: nothing of that visit counts but the address
    for n in range(10):
        login("clerk", "wrong", address(n))
    assert login("clerk", PASSWORD, "192.0.2.51").status_code == 429
    assert login("clerk", PASSWORD, home).status_code == 302

    for n in range(4):
        assert login("clerk", f"typo-{n}", home).status_code == 200
    assert login("clerk", "typo-4", home).status_code == 429
    assert login("clerk", PASSWORD, home).status_code == 429


def test_known_addresses_are_the_last_few_sign_in_addresses(clerk, settings):
    settings.LOCKOUT_KNOWN_ADDRESSES = 2
    for n in (1, 2, 1, 3):
        assert login("clerk", PASSWORD, address(n)).status_code == 302
        travel(1)
    assert lockout.known_addresses("clerk") == {address(1), address(3)}


def test_the_limits_and_cool_offs_are_settings(clerk, settings):
    settings.LOCKOUT_USERNAME_FAILURE_LIMIT = 3
    settings.LOCKOUT_USERNAME_COOLOFF = timedelta(minutes=7)
    assert login("clerk", "wrong", address(1)).status_code == 200
    assert login("clerk", "wrong", address(2)).status_code == 200
    page = login("clerk", "wrong", address(3))
    assert page.status_code == 429 and "请 7 分钟后再试" in page.text
    retry_at = timezone.localtime(AccessAttempt.objects.earliest("attempt_time").attempt_time + timedelta(minutes=7))
    assert f"（{retry_at:%H:%M} 以后）" in page.text


def test_the_lockout_page_does_not_say_which_counter_tripped(clerk, chair):
    """The same words for the pair, the address and the username lock; only the time differs."""
    for _n in range(5):
        pair = login("chair", "wrong", address(1))
    for n in range(20):
        by_address = login(f"guess{n:02}", "wrong", address(2))
    for n in range(10):
        by_username = login("clerk", "wrong", address(10 + n))
    pages = [pair, by_address, by_username]
    assert [page.status_code for page in pages] == [429] * 3
    texts = {re.sub(r"\d+", "#", lockout_message(page)) for page in pages}
    assert len(texts) == 1
    (text,) = texts
    assert LOCKED_HEADING in text and "联系系统管理员" in text
    for telltale in ("地址", "IP", "用户名", "clerk", "chair"):
        assert telltale not in text
    assert "请 30 分钟后再试" in lockout_message(pair) and "请 15 分钟后再试" in lockout_message(by_username)
