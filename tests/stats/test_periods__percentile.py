"""Nearest-rank percentile, the one method the dashboard states (README, "Dashboard figures")."""

from __future__ import annotations

import pytest

from stats.periods import percentile


def test_nearest_rank_of_one_to_ten():
    values = [7, 1, 10, 3, 5, 2, 9, 4, 8, 6]  # the order given does not matter
    assert percentile(values, 90) == 9
    assert percentile(values, 50) == 5
    assert percentile(values, 91) == 10  # rank ceil(9.1) = 10
    assert percentile(values, 100) == 10
    assert percentile(values, 0) == 1
    assert percentile(values, 10) == 1 and percentile(values, 10.5) == 2


def test_a_single_value_is_every_percentile():
    assert percentile([4.5], 1) == 4.5
    assert percentile([4.5], 50) == 4.5
    assert percentile([4.5], 100) == 4.5


def test_no_values_and_a_percentile_out_of_range_are_refused_clearly():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1, 2], 101)
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1, 2], -1)
