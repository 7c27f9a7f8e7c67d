"""Sharpness at the final weights and the generalization gap (Keskar et al. 2017).

Who does what:
- `top_eigenvalue` (power iteration) and `hutchinson_trace` (Rademacher probes) need only a
  Hessian-vector product: any `core.train.hessian.Hessian`, or a NumPy matrix in tests.
- `sharpness_probe` runs them at a run's final weights, over its whole training set, with the
  engine's own loss (the engine's `probe` hook calls it); `Sharpness` is what it measures, and
  `with_test_loss` adds the test loss the run ends with and so the gap.
- `measure_sharpness` trains a config as `train` does and measures it (the CLI's `sharpness`).
- `sharpness_table` reads a sweep's stored measurements back, per run and per batch size.

Caveats the readings repeat: λ_max and the trace are not invariant under reparametrization
(Dinh et al. 2017: a ReLU network's layers can be rescaled to make a minimum as sharp as you
like with the same function), and a gap measured at one lr and budget says nothing about what
retuning the lr or training longer would do (Hoffer et al. 2017, Shallue et al. 2019).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from core.errors import check_int

POWER_MAX_ITERATIONS = 100
POWER_TOLERANCE = 0.01  # stop when λ is within 1 % of an eigenvalue (|Hv − λv| ≤ 1 % |λ|)
DEFAULT_PROBES = 30
MAX_PROBES = 1000
INTERVAL = 0.90  # the trace's interval: mean ± t · sd / √k, Student's t at 90 %


@dataclass(frozen=True)
class Eigen:
    value: float
    iterations: int
    converged: bool


@dataclass(frozen=True)
class Trace:
    value: float
    interval: tuple[float, float]
    probes: int


@dataclass(frozen=True)
class Sharpness:
    """What the probe measures at the final weights; the test loss and gap come after."""

    lambda_max: float
    lambda_iterations: int
    lambda_converged: bool
    trace: float
    trace_interval: tuple[float, float]
    trace_probes: int
    train_loss: float  # the mean training loss over the whole training set, at these weights
    parameters: int
    train_samples: int
    seconds: float
    test_loss: float | None = None
    generalization_gap: float | None = None  # test − train

    def to_dict(self) -> dict:
        out = asdict(self)
        out["trace_interval"] = list(self.trace_interval)
        return out

    @classmethod
    def from_dict(cls, d: dict) -> Sharpness:
        known = {f for f in cls.__dataclass_fields__}
        fields = {k: v for k, v in d.items() if k in known}
        fields["trace_interval"] = tuple(fields["trace_interval"])
        return cls(**fields)

    def with_test_loss(self, test_loss: float | None) -> Sharpness:
        if test_loss is None or not math.isfinite(test_loss):
            return self
        return replace(
            self, test_loss=float(test_loss), generalization_gap=float(test_loss) - self.train_loss
        )


def check_probes(probes: int) -> None:
    check_int("probes", probes, minimum=2, maximum=MAX_PROBES)


def top_eigenvalue(
    hvp: Callable[[np.ndarray], np.ndarray],
    size: int,
    rng: np.random.Generator,
    max_iterations: int = POWER_MAX_ITERATIONS,
    tolerance: float = POWER_TOLERANCE,
) -> Eigen:
    """The Hessian's eigenvalue of largest magnitude by power iteration from a random start.

    λ is the Rayleigh quotient vᵀHv of the unit iterate v. It stops once the residual
    |Hv − λv| is below `tolerance`·|λ|: for a symmetric matrix some eigenvalue then lies within
    1 % of λ. (Stopping when λ itself moves by less than 1 % between iterations can stop far
    short when the top eigenvalues are close: on a small MLP it stopped 7 % low.) At a minimum
    the Hessian is positive semi-definite, so this is the top eigenvalue λ_max.
    """
    v = rng.standard_normal(size)
    v /= np.linalg.norm(v)
    value = math.nan
    for i in range(1, max_iterations + 1):
        hv = hvp(v)
        value = float(v @ hv)
        norm = float(np.linalg.norm(hv))
        if not math.isfinite(value) or norm == 0.0:
            return Eigen(value if math.isfinite(value) else math.nan, i, norm == 0.0)
        if float(np.linalg.norm(hv - value * v)) <= tolerance * abs(value):
            return Eigen(value, i, True)
        v = hv / norm
    return Eigen(value, max_iterations, False)


def hutchinson_trace(
    hvp: Callable[[np.ndarray], np.ndarray],
    size: int,
    rng: np.random.Generator,
    probes: int = DEFAULT_PROBES,
) -> Trace:
    """tr H ≈ the mean of zᵀHz over `probes` Rademacher vectors z (Hutchinson 1989), with a
    Student-t interval on the mean (each zᵀHz is an unbiased, independent draw)."""
    from scipy import stats

    check_probes(probes)
    draws = np.empty(probes, np.float64)
    for k in range(probes):
        z = rng.choice(np.array([-1.0, 1.0]), size)
        draws[k] = float(z @ hvp(z))
    mean = float(draws.mean())
    half = float(
        stats.t.ppf(0.5 + INTERVAL / 2, probes - 1) * draws.std(ddof=1) / math.sqrt(probes)
    )
    return Trace(mean, (mean - half, mean + half), probes)


def measure_at(hessian, seed: int = 0, probes: int = DEFAULT_PROBES) -> Sharpness:
    """λ_max, the trace and the loss of a `Hessian` (one seeded stream for both estimates)."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(np.random.SeedSequence([seed, 23]))
    eigen = top_eigenvalue(hessian.hvp, hessian.size, rng)
    trace = hutchinson_trace(hessian.hvp, hessian.size, rng, probes)
    return Sharpness(
        eigen.value,
        eigen.iterations,
        eigen.converged,
        trace.value,
        trace.interval,
        trace.probes,
        hessian.loss(),
        hessian.size,
        hessian.n,
        time.perf_counter() - t0,
    )


def sharpness_probe(seed: int = 0, probes: int = DEFAULT_PROBES):
    """The engine's `probe`: sharpness at the final weights over the whole training set."""

    def probe(stepper, x: np.ndarray, y: np.ndarray) -> Sharpness:
        from core.train.hessian import for_stepper

        return measure_at(for_stepper(stepper, x, y), seed, probes)

    return probe


@dataclass(frozen=True)
class SharpnessRun:
    """A trained run and its sharpness (None when it ended before a step, or diverged)."""

    result: object  # core.train.engine.Result
    sharpness: Sharpness | None


def finish(result) -> Sharpness | None:
    """The probe's measurement with the run's test loss; None unless the run completed."""
    if not isinstance(result.probe, Sharpness) or result.status != "completed":
        return None
    return result.probe.with_test_loss((result.test_metrics or {}).get("loss"))


def measure_sharpness(
    prepared, probes: int = DEFAULT_PROBES, reporter=None, should_stop=lambda: False
) -> SharpnessRun:
    """Train PREPARED as `train` does, then measure sharpness at its final weights."""
    from core.train.engine import train

    check_probes(probes)
    probe = sharpness_probe(prepared.config.seed, probes)
    result = train(prepared, reporter, should_stop=should_stop, probe=probe)
    return SharpnessRun(result, finish(result))


# -- a sweep's measurements -------------------------------------------------------------------
SHARPNESS_COLUMNS = ("lambda_max", "trace", "generalization_gap", "train_loss", "test_loss")


def sharpness_table(store, sweep_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per measured run, one row per batch size: mean, min and max over repeats).

    Runs of one batch size at several learning rates are kept apart (`lr` is in the key).
    """
    rows = []
    for run in store.list_runs(sweep_id=sweep_id):
        measured = store.sharpness(run["run_id"])
        if measured is None:
            continue
        k = int((run.get("config") or {}).get("accumulation") or 1)
        rows.append(
            {
                "run_id": run["run_id"],
                "batch_size": run["batch_size"],
                "accumulation": k,
                "lr": run["lr"],
                "seed": run["seed"],
                **{c: measured.get(c) for c in SHARPNESS_COLUMNS},
                "trace_lo": measured["trace_interval"][0],
                "trace_hi": measured["trace_interval"][1],
                "lambda_iterations": measured["lambda_iterations"],
                "lambda_converged": measured["lambda_converged"],
                "trace_probes": measured["trace_probes"],
            }
        )
    runs = pd.DataFrame(rows)
    if runs.empty:
        return runs, runs
    runs[list(SHARPNESS_COLUMNS)] = runs[list(SHARPNESS_COLUMNS)].apply(
        pd.to_numeric, errors="coerce"
    )
    g = runs.groupby(["batch_size", "accumulation", "lr"], sort=True)
    by_b = g[list(SHARPNESS_COLUMNS)].mean()
    for col in ("lambda_max", "trace", "generalization_gap"):
        by_b[f"{col}_min"] = g[col].min()
        by_b[f"{col}_max"] = g[col].max()
    by_b["repeats"] = g.size()
    return runs, by_b.reset_index()
