"""Rate limits of the public pages, per client IP, kept in Django's cache (Redis in
production, so every web process shares the counters).

A rate is written "5/h": at most 5 in each fixed window of an hour (units s, m, h, d; "10/30m"
is also understood). Windows are fixed rather than sliding: simple, atomic (cache.add +
cache.incr) and good enough against floods and code guessing.
"""

import hashlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

# the one rule for the client's address (settings.TRUSTED_PROXIES), shared with the login lockout
from congress_office.net import client_ip  # noqa: F401

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def minutes(self):
        return max(1, self.seconds // 60)


def parse_rate(text) -> Rate:
    """'5/h' -> Rate(5, 3600); '20/10m' -> Rate(20, 600). A malformed setting raises
    ValueError at the first request (check --deploy style), not silently unlimited."""
    match = RATE_RE.match(str(text or ""))
    if not match:
        raise ValueError(f"invalid rate {text!r}: write it as '5/h', '20/10m' …")
    count, multiplier, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3).lower()
    if count < 1 or multiplier < 1:
        raise ValueError(f"invalid rate {text!r}: the count and the period must be positive")
    return Rate(count, multiplier * UNITS[unit])


def public_rate() -> Rate:
    return parse_rate(settings.PETITION_PUBLIC_RATE_LIMIT)


def _key(scope, ip, rate, now):
    window = int(now // rate.seconds)
    digest = hashlib.sha256(ip.encode()).hexdigest()[:24]  # no raw addresses in the cache
    return f"petitions:rl:{scope}:{digest}:{rate.seconds}:{window}"


def is_limited(scope, ip, rate, *, now=None):
    """True when `ip` has used up `rate` in the current window of `scope` (nothing counted)."""
    return (cache.get(_key(scope, ip, rate, now or time.time())) or 0) >= rate.count


def hit(scope, ip, rate, *, now=None):
    """Count one use; returns the count in the current window."""
    key = _key(scope, ip, rate, now or time.time())
    cache.add(key, 0, timeout=rate.seconds + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rate.seconds + 5)
        return 1
