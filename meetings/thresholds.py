"""The legal thresholds of a township congress, in integers (no floating point, no rounding
surprises: 2/3 of 9 deputies is 6).

- quorum: a sitting opens only when at least SESSION_QUORUM_FRACTION of all deputies are present,
  ⌈2N/3⌉ by default (47 → 32);
- majority of all: an item passes only with more than half of all deputies, ⌊N/2⌋ + 1 (47 → 24),
  whatever the number present;
- the same for presidium meetings over its members (PRESIDIUM_QUORUM_FRACTION);
- signers: a motion needs MOTION_MIN_SIGNERS deputies (质询案 MOTION_INQUIRY_MIN_SIGNERS, 罢免案
  ⌈N × MOTION_RECALL_FRACTION⌉), an extra session ⌈N × SESSION_EXTRA_PROPOSAL_FRACTION⌉.

Fractions are settings (numerator, denominator), read when used.
"""

from django.conf import settings


def at_least(n, fraction):
    """The smallest whole number of people that is at least `fraction` of n: ⌈n·a/b⌉."""
    numerator, denominator = fraction
    if n < 0 or numerator < 0 or denominator <= 0:
        raise ValueError("a number of people and a fraction of them")
    return -(-n * numerator // denominator)


def more_than_half(n):
    """More than half of n: ⌊n/2⌋ + 1."""
    return n // 2 + 1


def session_quorum(n):
    return at_least(n, tuple(settings.SESSION_QUORUM_FRACTION))


def presidium_quorum(n):
    return at_least(n, tuple(settings.PRESIDIUM_QUORUM_FRACTION))


def extra_session_signers(n):
    return at_least(n, tuple(settings.SESSION_EXTRA_PROPOSAL_FRACTION))


def recall_signers(n):
    return at_least(n, tuple(settings.MOTION_RECALL_FRACTION))
