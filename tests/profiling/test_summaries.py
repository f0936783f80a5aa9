"""The profiling report's thresholds, decided in :mod:`shoplab.profiling.summaries` (hand-worked)."""

import math

from shoplab.profiling import summaries as S


def test_separation_bands():
    assert S.separation(0.71) == "well separated"
    assert S.separation(0.5) == "well separated"
    assert S.separation(0.4999) == "overlap"
    assert S.separation(0.25) == "overlap"
    assert S.separation(0.2499) == "barely"
    assert S.separation(math.nan) == "barely"


def test_personas_overlap_caveat():
    assert S.personas_overlap(0.36)
    assert not S.personas_overlap(0.5)
    assert not S.personas_overlap(None)
    assert not S.personas_overlap(math.nan)


def test_small_buyer_sample():
    assert not S.small_buyer_sample(0)  # no buyers: nothing to read with care
    assert S.small_buyer_sample(1) and S.small_buyer_sample(99)
    assert not S.small_buyer_sample(100)
