"""Login lockout: three counters over django-axes' records of failed logins.

axes keeps one AccessAttempt row per (username, address, user agent) with its number of
failures and the time of the last one, and locks by one group of parameters with one limit and one
cool-off. We need three, each with its own limit and cool-off, an exception for the user's own
addresses and no reset by someone else's success, which axes' settings cannot express (a list of
AXES_LOCKOUT_PARAMETERS shares one limit, and AXES_RESET_ON_SUCCESS would then clear an address's
count whenever anyone signs in from it). So this handler (settings.AXES_HANDLER) reads axes' rows
three ways:

- this username at this address: AXES_FAILURE_LIMIT failures → locked for AXES_COOLOFF_TIME
  (axes' own rule; a successful login clears it);
- this address, any username: LOCKOUT_ADDRESS_FAILURE_LIMIT → locked for LOCKOUT_ADDRESS_COOLOFF
  (one address cannot try every account);
- this username, any address: LOCKOUT_USERNAME_FAILURE_LIMIT → locked for
  LOCKOUT_USERNAME_COOLOFF, except from the last LOCKOUT_KNOWN_ADDRESSES addresses the user signed
  in from (axes' AccessLog): there the real user still gets in with the right password, held
  only by the other two counters.

A counter holds the failures whose row was last touched within its cool-off; it is locked while
they reach its limit. An attempt refused by a lock never reaches the password check and is not
recorded, so it neither counts nor extends the lock: once the cool-off has passed the counter is
empty and the real user has a window, however long an outsider keeps trying. Clearing axes' rows
(admin, `manage.py axes_reset_username`) clears all three.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from axes.signals import user_locked_out
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers


class Counter:
    PAIR = "pair"
    ADDRESS = "address"
    USERNAME = "username"


@dataclass(frozen=True)
class Lock:
    counter: str
    until: datetime | None  # None: until an administrator clears it (AXES_COOLOFF_TIME = None)


def _now(request):
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def _rules(request, credentials):
    """(counter, filter on axes' rows, limit, cool-off) of the three counters, from the settings."""
    username = get_client_username(request, credentials)
    address = request.axes_ip_address
    rules = [
        (
            Counter.PAIR,
            {"username": username, "ip_address": address},
            get_failure_limit(request, credentials),
            get_cool_off(request),
        ),
        (
            Counter.ADDRESS,
            {"ip_address": address},
            settings.LOCKOUT_ADDRESS_FAILURE_LIMIT,
            settings.LOCKOUT_ADDRESS_COOLOFF,
        ),
    ]
    if username:
        rules.append(
            (
                Counter.USERNAME,
                {"username": username},
                settings.LOCKOUT_USERNAME_FAILURE_LIMIT,
                settings.LOCKOUT_USERNAME_COOLOFF,
            )
        )
    return rules


def _lock_until(rows, limit, cool_off):
    """`rows` are (last failure, failures) within the cool-off, enough to lock. As rows age out,
    oldest first, the lock lifts as soon as fewer than `limit` failures remain."""
    remaining = sum(failures for _time, failures in rows)
    for time, failures in sorted(rows):
        remaining -= failures
        if remaining < limit:
            return time + cool_off
    return None  # not reached: the rows were enough to lock


def known_addresses(username):
    """The last few distinct addresses `username` signed in from (axes' AccessLog)."""
    rows = (
        AccessLog.objects.filter(username=username)
        .values("ip_address")
        .annotate(last=Max("attempt_time"))
        .order_by("-last")[: settings.LOCKOUT_KNOWN_ADDRESSES]
    )
    return {row["ip_address"] for row in rows}


def active_locks(request, credentials=None):
    """The locks that refuse this login attempt now (empty: the password is checked)."""
    if not settings.AXES_LOCK_OUT_AT_FAILURE:
        return []
    now = _now(request)
    username = get_client_username(request, credentials)
    locks = []
    for counter, filters, limit, cool_off in _rules(request, credentials):
        attempts = AccessAttempt.objects.filter(**filters)
        if cool_off is not None:
            attempts = attempts.filter(attempt_time__gte=now - cool_off)
        rows = list(attempts.values_list("attempt_time", "failures_since_start"))
        if sum(failures for _time, failures in rows) < limit:
            continue
        if counter == Counter.USERNAME and request.axes_ip_address in known_addresses(username):
            continue  # the user's own address: only the pair and the address counters hold it
        locks.append(Lock(counter, _lock_until(rows, limit, cool_off) if cool_off is not None else None))
    return locks


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with the address and username counters added (settings.AXES_HANDLER)."""

    def is_locked(self, request, credentials=None):
        locked = bool(active_locks(request, credentials))
        if locked:
            request.lockout_refused = True  # the backend refuses before the password is checked
        return locked

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None and getattr(request, "lockout_refused", False):
            # refused by a lock: not recorded, so it neither counts nor extends any lock
            # (whatever AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT says)
            self._locked_out(request, credentials)
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        # this failure was recorded: it may be the one that reaches the address or username limit
        if active_locks(request, credentials):
            self._locked_out(request, credentials)

    @staticmethod
    def _locked_out(request, credentials):
        request.axes_locked_out = True  # AxesMiddleware answers with lockout_response
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )

    def clean_expired_user_attempts(self, request=None, credentials=None):
        """axes deletes rows older than AXES_COOLOFF_TIME; keep them for the longest counter."""
        cool_off = get_cool_off(request)
        if request is None or cool_off is None or settings.AXES_USE_ATTEMPT_EXPIRATION:
            return super().clean_expired_user_attempts(request, credentials)
        longest = max(cool_off, settings.LOCKOUT_ADDRESS_COOLOFF, settings.LOCKOUT_USERNAME_COOLOFF)
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=_now(request) - longest).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page (settings.AXES_LOCKOUT_CALLABLE): when to try again, not which counter
    tripped: with several locks, the time the last one lifts."""
    locks = active_locks(request, credentials)
    permanent = any(lock.until is None for lock in locks)
    retry_at = None if permanent or not locks else max(lock.until for lock in locks)
    minutes = None
    if retry_at is not None:
        minutes = max(1, math.ceil((retry_at - _now(request)) / timedelta(minutes=1)))
    context = {"retry_at": retry_at, "minutes": minutes, "permanent": permanent}
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
    add_never_cache_headers(response)
    return response
