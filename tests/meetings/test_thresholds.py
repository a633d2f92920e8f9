"""The legal thresholds in integers, for every size a township congress can have (1 to 160
deputies, DEPUTY_COUNT_MAX), against formulas written out independently here."""

import math
from fractions import Fraction

import pytest

from meetings import thresholds


def independent_quorum(n):
    """At least two thirds: the smallest k with 3k >= 2n."""
    k = 0
    while 3 * k < 2 * n:
        k += 1
    return k


def independent_majority(n):
    """More than half: the smallest k with 2k > n."""
    k = 0
    while 2 * k <= n:
        k += 1
    return k


@pytest.mark.parametrize("n", range(1, 161))
def test_quorum_and_majority_for_every_size(n, settings):
    assert thresholds.session_quorum(n) == independent_quorum(n) == math.ceil(Fraction(2 * n, 3))
    assert thresholds.presidium_quorum(n) == independent_quorum(n)
    assert thresholds.more_than_half(n) == independent_majority(n)
    assert thresholds.extra_session_signers(n) == math.ceil(Fraction(n, 5))
    assert thresholds.recall_signers(n) == math.ceil(Fraction(n, 5))


@pytest.mark.parametrize(
    ("n", "quorum", "majority"),
    [(9, 6, 5), (47, 32, 24), (45, 30, 23), (3, 2, 2), (1, 1, 1), (2, 2, 2), (160, 107, 81)],
)
def test_known_values(n, quorum, majority):
    """2/3 of 9 are 6, not 7 (OpenSlides' rounding error)."""
    assert (thresholds.session_quorum(n), thresholds.more_than_half(n)) == (quorum, majority)


def test_the_fractions_are_settings(settings):
    settings.SESSION_QUORUM_FRACTION = (3, 4)
    settings.PRESIDIUM_QUORUM_FRACTION = (1, 2)
    settings.SESSION_EXTRA_PROPOSAL_FRACTION = (1, 3)
    settings.MOTION_RECALL_FRACTION = (1, 10)
    assert thresholds.session_quorum(47) == 36
    assert thresholds.presidium_quorum(9) == 5
    assert thresholds.extra_session_signers(47) == 16
    assert thresholds.recall_signers(47) == 5


def test_nonsense_is_refused():
    with pytest.raises(ValueError):
        thresholds.at_least(-1, (2, 3))
    with pytest.raises(ValueError):
        thresholds.at_least(5, (2, 0))
