"""Pk and WindowDiff of benchmarks/metrics.py against cases worked out by hand.

Units are numbered 0..n-1; a segmentation is the set of units that start a segment.
With window k there are n-k probes (i, i+k), i = 0..n-k-1.
"""

from __future__ import annotations

import pytest

from benchmarks.metrics import pk, window_diff, window_size


def test_identical_segmentations_score_zero() -> None:
    assert pk({3, 7}, {3, 7}, 10) == 0.0
    assert window_diff({3, 7}, {3, 7}, 10) == 0.0


def test_a_missed_boundary_costs_the_k_probes_that_straddle_it() -> None:
    # n=10, k=2: 8 probes; the reference boundary at 5 lies inside probes i=3 and i=4.
    assert pk({5}, set(), 10, k=2) == pytest.approx(2 / 8)
    assert window_diff({5}, set(), 10, k=2) == pytest.approx(2 / 8)
    # n=20, k=4: 16 probes, 4 of them straddle unit 10.
    assert pk({10}, set(), 20, k=4) == pytest.approx(4 / 16)


def test_a_near_miss_costs_less_than_a_complete_miss() -> None:
    # n=10, k=3, 7 probes. Reference splits probes i=2,3,4; hypothesis at 6 splits i=3,4,5:
    # they disagree on i=2 and i=5.
    assert pk({5}, {6}, 10, k=3) == pytest.approx(2 / 7)
    assert window_diff({5}, {6}, 10, k=3) == pytest.approx(2 / 7)
    assert pk({5}, set(), 10, k=3) == pytest.approx(3 / 7)


def test_windowdiff_counts_boundaries_where_pk_only_sees_same_or_different() -> None:
    # n=10, k=3. Reference {5}; hypothesis {4, 6} puts two boundaries around it.
    # Pk: reference "different" at i=2,3,4, hypothesis at i=1..5 → errors at i=1 and 5.
    assert pk({5}, {4, 6}, 10, k=3) == pytest.approx(2 / 7)
    # WindowDiff: reference counts per i = 0,0,1,1,1,0,0; hypothesis 0,1,1,2,1,1,0
    # → mismatches at i=1, 3 and 5.
    assert window_diff({5}, {4, 6}, 10, k=3) == pytest.approx(3 / 7)


def test_every_unit_a_boundary() -> None:
    # n=10, k=2, reference {5}: the hypothesis says "different" on all 8 probes,
    # the reference on 2 → 6 errors; each window holds 2 hypothesis boundaries
    # against 0 or 1 in the reference → all 8 windows wrong.
    every = set(range(1, 10))
    assert pk({5}, every, 10, k=2) == pytest.approx(6 / 8)
    assert window_diff({5}, every, 10, k=2) == pytest.approx(1.0)


def test_unit_zero_always_starts_a_segment() -> None:
    assert pk({5}, {0, 6}, 10, k=3) == pk({5}, {6}, 10, k=3)
    assert window_diff({0, 5}, {6}, 10, k=3) == window_diff({5}, {6}, 10, k=3)


def test_window_is_half_the_mean_reference_segment_rounded_half_up() -> None:
    assert window_size({5}, 10) == 3  # mean 5 → 2.5 → 3
    assert window_size({4, 8}, 12) == 2  # mean 4 → 2
    assert window_size({1, 2}, 3) == 1  # mean 1 → 0.5 → 1
    assert window_size(set(), 9) == 5  # one segment of 9 → 4.5 → 5
    # The default window is that one.
    assert pk({5}, set(), 10) == pk({5}, set(), 10, k=3)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        pk({10}, set(), 10, k=2)
    with pytest.raises(ValueError, match="outside"):
        window_diff({5}, {-1}, 10, k=2)
    with pytest.raises(ValueError, match="window size"):
        pk({5}, set(), 10, k=10)
