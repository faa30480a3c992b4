"""The Meso-Report's 95% Wilson score intervals (DOMAIN.md, "Reports: the statistics,
exactly"): the worked example, the edges, and agreement with scipy's implementation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest, norm

from reports.wilson import Z95, share, wilson

SCIPY_Z = float(norm.ppf(0.975))


def test_the_domain_example_eight_of_ten():
    low, high = wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)


def test_z_is_the_domain_constant_the_normal_quantile_to_six_places():
    assert Z95 == 1.959964
    assert round(SCIPY_Z, 6) == Z95


@pytest.mark.parametrize("n", [1, 2, 10, 37, 1000, 100_000])
def test_none_of_n_starts_at_zero_and_ends_at_z2_over_n_plus_z2(n):
    low, high = wilson(0, n)
    assert low == 0.0
    # k = 0: centre and half-width are both (z²/2n)/(1 + z²/n), so high = z²/(n + z²).
    assert high == pytest.approx(Z95**2 / (n + Z95**2), abs=1e-12)
    assert 0 < high < 1


@pytest.mark.parametrize("n", [1, 2, 10, 37, 1000, 100_000])
def test_all_of_n_ends_at_one_and_starts_at_n_over_n_plus_z2(n):
    low, high = wilson(n, n)
    assert high == 1.0
    assert low == pytest.approx(n / (n + Z95**2), abs=1e-12)
    assert 0 < low < 1


def test_no_trials_is_no_interval_and_no_share():
    assert wilson(0, 0) is None
    assert wilson(0, -1) is None
    assert share(0, 0) is None


@pytest.mark.parametrize(("k", "n"), [(-1, 10), (11, 10)])
def test_successes_outside_the_trials_are_refused(k, n):
    with pytest.raises(ValueError):
        wilson(k, n)


trials = st.integers(min_value=1, max_value=100_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@given(trials)
def test_the_formula_agrees_with_scipy(kn):
    """With scipy's own z (the exact 97.5% quantile) the formula is scipy's to 1e-9."""
    k, n = kn
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson(k, n, z=SCIPY_Z)
    assert low == pytest.approx(expected.low, abs=1e-9)
    assert high == pytest.approx(expected.high, abs=1e-9)


@given(trials)
def test_the_domain_z_stays_within_rounding_of_scipy(kn):
    """DOMAIN.md's z = 1.959964 is the quantile rounded to 6 places (1.5e-8 off): the
    published bounds move by less than 1e-8 for it, far below the 4 places shown."""
    k, n = kn
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson(k, n)
    assert low == pytest.approx(expected.low, abs=1e-8)
    assert high == pytest.approx(expected.high, abs=1e-8)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_bug_the_edge_bounds_were_rounded_off_zero_and_one():
    """Bug found here: computed as centre ∓ half-width, 0 of 69 started at 2e-19 and
    10 of 10 ended at 0.9999999999999999 (a third of all n): the observed share 1.0 lay
    outside its own interval. The bounds at the edges are now exactly 0 and 1."""
    assert [n for n in range(1, 5001) if wilson(0, n)[0] != 0.0] == []
    assert [n for n in range(1, 5001) if wilson(n, n)[1] != 1.0] == []
