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


def _frozen_case(rng, n=320, d=30, b=64, micro=4, steps=science.FROZEN_BATCHES):
    """Per-example gradients with a known B_simple, and the norms the app measures at frozen
    weights: each batch a random b of the n (without replacement), split into micro-batches."""
    g = rng.standard_normal((n, d)) * rng.uniform(0.5, 3) + rng.standard_normal(d) * rng.uniform(
        0.05, 0.6
    )
    mean = g.mean(0)
    g2 = mean @ mean
    exact = ((g * g).sum(1).mean() - g2) / g2
    idx = np.argsort(rng.random((steps, n)), axis=1)[:, :b]  # a random b-subset per step
    batch = g[idx]  # [steps, b, d]
    parts = batch.reshape(steps, micro, b // micro, d).mean(2)
    small = (parts**2).sum(2).mean(1)
    big = (batch.mean(1) ** 2).sum(1)
    return exact, small, big


def test_the_frozen_noise_scale_interval_covers_ninety_percent_of_cases():
    rng = np.random.default_rng(3)
    covered = 0
    seeds = 400
    for _ in range(seeds):
        exact, small, big = _frozen_case(rng)
        lo, hi = science.fieller_interval(small, big, 16, 64, 320)
        assert np.isfinite(lo) and not np.isnan(hi)
        covered += lo <= exact <= hi
    assert 0.87 <= covered / seeds <= 0.93, covered / seeds


def test_an_interval_whose_gradient_may_be_zero_is_unbounded_above_never_nan():
    rng = np.random.default_rng(0)
    # pure noise around a zero mean gradient: |G|² is not distinguishable from 0
    g = rng.standard_normal((320, 30))
    g -= g.mean(0)
    idx = np.argsort(rng.random((64, 320)), axis=1)[:, :64]
    parts = g[idx].reshape(64, 4, 16, 30).mean(2)
    small, big = (parts**2).sum(2).mean(1), (g[idx].mean(1) ** 2).sum(1)
    lo, hi = science.fieller_interval(small, big, 16, 64, 320)
    assert hi == np.inf and np.isfinite(lo)


def test_t95_beyond_the_table_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    for dof in (9, 15, 30, 63, 200):
        assert science.t95(dof) == pytest.approx(stats.t.ppf(0.95, dof), abs=2e-3)
