"""Issue 25 items 3 and 4: intervals that hold what they say. References: simulated sweeps with
a known B_crit (coverage over 400 seeds), and Student's t from SciPy."""

from __future__ import annotations

import numpy as np
import pytest

from core.study import science


def test_the_critical_batch_interval_covers_ninety_percent_of_simulated_sweeps():
    rng = np.random.default_rng(25)
    covered = refused = 0
    seeds = 400
    for _ in range(seeds):
        n = int(rng.integers(3, 9))
        b = 8 * 2.0 ** np.arange(n)
        b_crit = float(np.exp(rng.uniform(np.log(b[0]), np.log(b[-1]))))
        steps = 1000 * (1 + b_crit / b) * np.exp(0.1 * rng.standard_normal(n))
        fit = science.fit_critical_batch(b, steps)
        if fit.status == "refused":
            refused += 1
            continue
        lo, hi = fit.interval
        covered += (lo is None or lo <= b_crit) and (hi is None or b_crit <= hi)
    share = covered / (seeds - refused)
    assert refused < seeds * 0.05
    assert 0.87 <= share <= 0.93, share


def test_the_t_table_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    for dof, value in science.T95.items():
        assert value == pytest.approx(stats.t.ppf(0.95, dof), abs=1e-3)


@pytest.mark.parametrize(
    ("b_crit", "sizes", "status"),
    [(3000.0, (8, 16, 32, 64, 128, 256), "above_range"), (2.0, (16, 32, 64, 128), "below_range")],
)
def test_an_interval_wholly_outside_the_sizes_is_not_a_fit(b_crit, sizes, status):
    rng = np.random.default_rng(1)
    for _ in range(20):
        b = np.asarray(sizes, dtype=np.float64)
        steps = 500 * (1 + b_crit / b) * np.exp(0.03 * rng.standard_normal(len(b)))
        fit = science.fit_critical_batch(b, steps)
        lo, hi = fit.interval
        if fit.status == "fit":  # a fit's interval reaches into the sizes measured
            assert (lo is None or lo <= b[-1]) and (hi is None or hi >= b[0])
        else:
            assert fit.status in (status, "refused")
