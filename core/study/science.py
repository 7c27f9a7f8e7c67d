"""Batch-size science on the user's own model: noise scale, critical batch, throughput.

Who does what:
- `noise_scale_estimates()` turns squared gradient norms measured at two batch sizes into
  unbiased estimates of |G|² and tr(Σ) for batches drawn without replacement from the training
  set (McCandlish et al. 2018, appendix A.1, sample with replacement: tr Σ / B; the factor
  (N − B)/(N − 1) is the standard finite-population correction for sampling without it).
- `measure_noise_scale()` trains with the chosen optimizer; the fused engine's compiled step
  splits every full batch into micro-batches and returns their squared norms. The result is a
  ratio of means near the end of training with a bootstrap interval, per-epoch values, and,
  for small data, the exact B_simple from every per-example gradient (`exact_b_simple`).
- `fit_critical_batch()` fits S = S_min (1 + B_crit / B) in log space and says whether the
  points support a fit at all (`status`), with a profile-likelihood interval for B_crit.
- `throughput()` measures steady samples/s per batch size on this device, with repeats, and
  `with_roofline()` sets each rate against the device's measured peak (share of peak).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core.choices import EXACT_MAX_SAMPLES
from core.errors import InputError
from core.study.sweep import SweepSpec
from core.train.engine import MAX_EPOCHS, Reporter, TrainConfig, build_model, prepare

EMA_DECAY = 0.95
BOOTSTRAP = 1000
MIN_WINDOW_STEPS = 10
FROZEN_BATCHES = 64  # batches measured at the final weights, frozen
# Student's t, 95th percentile, by degrees of freedom (F(1, k) at 90 % is its square)
T95 = {1: 6.314, 2: 2.920, 3: 2.353, 4: 2.132, 5: 2.015, 6: 1.943, 7: 1.895, 8: 1.860}
T95_LARGE = 1.645  # the normal's; `t95` corrects it beyond the table


def _c(b: float, n: int | None) -> float:
    """Var(mean of b of n drawn without replacement) / tr Σ = (n − b) / (b (n − 1)); n=None: 1/b."""
    if n is None:
        return 1.0 / b
    return (n - b) / (b * (n - 1)) if n > 1 else 0.0


def noise_scale_estimates(
    g_small_sq, g_big_sq, b_small: int, b_big: int, n: int | None = None
) -> tuple:
    """Unbiased (|G|², tr Σ) from squared gradient norms at two batch sizes b_small < b_big.

    Batches drawn without replacement from n samples have E|G_b|² = |G|² + tr Σ · c(b), with
    c(b) = (n − b) / (b (n − 1)) (Σ the per-example covariance over the n samples); n = None is
    sampling with replacement (c(b) = 1/b, McCandlish et al. 2018, appendix A.1). Works on
    floats or NumPy arrays (one estimate per step).
    """
    if not 0 < b_small < b_big or (n is not None and b_big > n):
        raise InputError(
            "need 0 < b_small < b_big ≤ n, got {b_small}, {b_big} and n = {n}.",
            b_small=b_small,
            b_big=b_big,
            n=n,
        )
    c_small, c_big = _c(b_small, n), _c(b_big, n)
    trace = (g_small_sq - g_big_sq) / (c_small - c_big)
    g2 = g_big_sq - trace * c_big
    return g2, trace


def b_simple_of(small_sq, big_sq, b_small: int, b_big: int, n: int | None) -> float:
    """B_simple = tr Σ / |G|² from the means of many steps' norms (ratio of unbiased means)."""
    g2, trace = noise_scale_estimates(
        float(np.mean(small_sq)), float(np.mean(big_sq)), b_small, b_big, n
    )
    return trace / g2 if g2 > 0 else float("nan")


def bootstrap_interval(
    small_sq, big_sq, b_small: int, b_big: int, n: int | None, seed: int = 0, level: float = 0.9
) -> tuple[float, float]:
    """A percentile bootstrap interval of B_simple, resampling the measured steps."""
    small, big = np.asarray(small_sq, np.float64), np.asarray(big_sq, np.float64)
    if len(small) < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(small), size=(BOOTSTRAP, len(small)))
    g2, trace = noise_scale_estimates(
        small[pick].mean(axis=1), big[pick].mean(axis=1), b_small, b_big, n
    )
    values = np.where(g2 > 0, trace / np.where(g2 > 0, g2, 1.0), np.inf)
    lo, hi = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


@dataclass
class NoiseScaleTracker:
    """EMA of |G|² and of tr(Σ) separately; B_simple is the ratio of the smoothed values."""

    decay: float = EMA_DECAY
    g2: float = 0.0
    trace: float = 0.0
    weight: float = 0.0

    def update(self, g2: float, trace: float) -> None:
        self.g2 = self.decay * self.g2 + (1 - self.decay) * g2
        self.trace = self.decay * self.trace + (1 - self.decay) * trace
        self.weight = self.decay * self.weight + (1 - self.decay)

    @property
    def gradient_norm_sq(self) -> float:
        return self.g2 / self.weight if self.weight else float("nan")

    @property
    def trace_sigma(self) -> float:
        return self.trace / self.weight if self.weight else float("nan")

    @property
    def b_simple(self) -> float:
        g2 = self.gradient_norm_sq
        return self.trace_sigma / g2 if g2 > 0 else float("nan")


def t95(dof: int) -> float:
    """Student's t, 95th percentile: the table to 8 degrees of freedom, beyond it the
    Cornish–Fisher expansion (within 0.002 of the exact value from 9 on)."""
    if dof in T95:
        return T95[dof]
    z = T95_LARGE
    return z + (z**3 + z) / (4 * dof) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * dof**2)


def fieller_interval(
    small_sq, big_sq, b_small: int, b_big: int, n: int | None
) -> tuple[float, float]:
    """90 % interval of B_simple = mean tr Σ / mean |G|² from per-step estimates (Fieller's
    interval for a ratio of means). Upper bound inf when |G|² is not clearly above 0 (a
    ratio over a denominator that may be 0 is unbounded above); (nan, nan) under 3 steps."""
    small, big = np.asarray(small_sq, np.float64), np.asarray(big_sq, np.float64)
    k = len(small)
    if k < 3:
        return float("nan"), float("nan")
    g2, trace = noise_scale_estimates(small, big, b_small, b_big, n)
    g, tr = float(g2.mean()), float(trace.mean())
    cov = np.cov(np.stack([trace, g2])) / k
    z2 = t95(k - 1) ** 2
    a = g * g - z2 * cov[1, 1]
    b = -2 * (tr * g - z2 * cov[0, 1])
    c = tr * tr - z2 * cov[0, 0]
    disc = b * b - 4 * a * c
    if a > 0:  # |G|² clearly above 0: a bounded interval
        root = math.sqrt(max(disc, 0.0))
        return (-b - root) / (2 * a), (-b + root) / (2 * a)
    if disc < 0:
        return 0.0, math.inf
    r1, r2 = sorted(((-b - math.sqrt(disc)) / (2 * a), (-b + math.sqrt(disc)) / (2 * a)))
    return (0.0 if r1 > 0 else max(r2, 0.0)), math.inf


@dataclass
class NoiseScaleResult:
    """B_simple at the final weights, frozen: FROZEN_BATCHES fresh batches (each a random
    B of the N, drawn without replacement) measured from the same weights, with Fieller's 90 %
    interval (`measured_at` "final weights"). Where that is not possible (streamed data) it is
    the last epoch's steps while training, weights moving (`measured_at` "last epoch"). Also:
    the training-time estimate over the last epoch, every epoch's own value, and, for small
    training sets, the exact value from every per-example gradient at the final weights."""

    b_simple: float
    gradient_norm_sq: float
    trace_sigma: float
    batch_size: int
    b_small: int
    train_samples: int
    interval: tuple[float, float] = (float("nan"), float("nan"))
    b_simple_exact: float | None = None
    steps_measured: int = 0
    per_epoch: list[dict] = field(default_factory=list)
    per_step: list[dict] = field(default_factory=list)
    measured_at: str = "final weights"  # final weights | last epoch
    last_epoch: float = float("nan")  # the estimate over the last epoch, while training
    epochs_trained: int = 0

    @property
    def epoch_range(self) -> tuple[float, float]:
        values = [e["b_simple"] for e in self.per_epoch if math.isfinite(e["b_simple"])]
        return (min(values), max(values)) if values else (float("nan"), float("nan"))


def check_micro(batch_size: int, micro: int) -> None:
    """The noise-scale measurement splits each batch into `micro` equal micro-batches."""
    if micro < 2:
        raise InputError("`micro` must be at least 2, got {micro}.", micro=micro)
    if batch_size < 2 * micro or batch_size % micro:
        raise InputError(
            "`batch_size` must be a multiple of {micro} and at least {least} to split it into "
            "{micro} micro-batches, got {batch_size}.",
            micro=micro,
            least=2 * micro,
            batch_size=batch_size,
        )


class _Norms(Reporter):
    """Collects the engine's per-step micro-batch norms (full batches only) and losses."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, int, float, float]] = []
        self.epoch_loss: dict[int, float] = {}

    def chunk(self, chunk, steps_done) -> None:
        if chunk.small_sq is None:
            return
        for i, (small, big) in enumerate(zip(chunk.small_sq, chunk.big_sq, strict=True)):
            if math.isfinite(small) and math.isfinite(big):
                self.rows.append((chunk.first_step + i, chunk.epoch, small, big))

    def epoch(self, record) -> None:
        self.epoch_loss[record.epoch] = record.train_loss


def measure_noise_scale(
    cfg: TrainConfig, micro: int = 4, should_stop=lambda: False, exact: bool = False
) -> NoiseScaleResult:
    """Train as configured (the chosen optimizer and schedule) and measure B_simple on the way.

    The fused engine splits each full batch (size B) into `micro` micro-batches of B/micro inside
    its compiled step: the optimizer applies their mean gradient (the usual step), and the
    squared norms give the estimate, corrected for batches drawn without replacement from the
    training set. Partial batches train but are not measured. With `exact` and at most
    EXACT_MAX_SAMPLES training samples, B_simple is also computed from every per-example
    gradient at the final weights.
    """
    check_micro(cfg.batch_size, micro)
    from core.train.engine import train

    prepared = prepare(replace(cfg, micro=micro, engine="fused", replicas=1))
    n = prepared.schedule.train_samples
    norms = _Norms()
    probe = _final_weights_probe(cfg.batch_size, cfg.seed, exact and n <= EXACT_MAX_SAMPLES)
    result = train(prepared, norms, should_stop=should_stop, probe=probe)
    moments, frozen = result.probe if result.probe is not None else (None, None)
    return _noise_result(norms, cfg.batch_size, micro, n, moments, frozen)


def _final_weights_probe(batch_size: int, seed: int, exact: bool):
    """At the final weights: FROZEN_BATCHES random batches' micro-batch norms, each step
    undone (the stepper's `frozen_norms`), and with `exact` every per-example gradient."""

    def probe(stepper, x: np.ndarray, y: np.ndarray):
        rng = np.random.default_rng([seed, 25])
        n = len(x)
        idx = np.stack([rng.permutation(n)[:batch_size] for _ in range(FROZEN_BATCHES)])
        frozen = stepper.frozen_norms(idx.astype(np.int32))
        moments = gradient_moments_probe(stepper, x, y) if exact else None
        return moments, frozen

    return probe


def _noise_result(
    norms: _Norms, batch_size: int, micro: int, n: int, moments, frozen=None
) -> NoiseScaleResult:
    b_small = batch_size // micro
    rows = np.asarray(norms.rows, dtype=np.float64).reshape(-1, 4)
    steps, epochs, small, big = rows.T
    tracker, per_step = NoiseScaleTracker(), []
    g2s, traces = noise_scale_estimates(small, big, b_small, batch_size, n)
    for step, epoch, g2, trace in zip(steps, epochs, g2s, traces, strict=True):
        tracker.update(float(g2), float(trace))
        per_step.append({"step": int(step), "epoch": int(epoch), "b_simple": tracker.b_simple})
    per_epoch = []
    for epoch in sorted(norms.epoch_loss):
        mine = epochs == epoch
        value = (
            b_simple_of(small[mine], big[mine], b_small, batch_size, n) if mine.any() else math.nan
        )
        per_epoch.append({"epoch": epoch, "loss": norms.epoch_loss[epoch], "b_simple": value})
    if not len(steps):
        return NoiseScaleResult(math.nan, math.nan, math.nan, batch_size, b_small, n)
    window = epochs == epochs[-1]
    if window.sum() < MIN_WINDOW_STEPS:
        window = np.arange(len(steps)) >= len(steps) - MIN_WINDOW_STEPS
    last_epoch = b_simple_of(small[window], big[window], b_small, batch_size, n)
    measured_at = "last epoch"
    m_small, m_big = small[window], big[window]
    if frozen is not None and len(frozen[0]):
        measured_at, (m_small, m_big) = "final weights", frozen
    g2, trace = noise_scale_estimates(
        float(m_small.mean()), float(m_big.mean()), b_small, batch_size, n
    )
    exact_value = exact_b_simple(*moments, n) if moments is not None else None
    return NoiseScaleResult(
        trace / g2 if g2 > 0 else math.nan,
        g2,
        trace,
        batch_size,
        b_small,
        n,
        fieller_interval(m_small, m_big, b_small, batch_size, n),
        exact_value[2] if exact_value else None,
        int(len(m_small)),
        per_epoch,
        per_step,
        measured_at,
        last_epoch,
        len(per_epoch),
    )


def gradient_moments_probe(stepper, x: np.ndarray, y: np.ndarray):
    """(Σ g_i, Σ |g_i|²) over every per-example gradient at the stepper's final weights."""
    return stepper.gradient_moments(x, y)


def exact_b_simple(grad_sum: np.ndarray, sq_sum: float, n: int) -> tuple[float, float, float]:
    """(|G|², tr Σ, B_simple) from Σ g_i and Σ |g_i|² over all n examples (Σ over the n: the
    population covariance, as the without-replacement estimator assumes)."""
    mean = np.asarray(grad_sum, np.float64) / n
    g2 = float(mean @ mean)
    trace = float(sq_sum) / n - g2
    return g2, trace, trace / g2 if g2 > 0 else float("nan")


# -- critical batch size ----------------------------------------------------------------------
FIT_STATUSES = ("fit", "above_range", "below_range", "refused")
NOISE_FLOOR = 0.05  # relative error of a measured steps-to-target, at least (log units)
REFUSE_RMS = 0.25  # points further than this from the best curve (log units) do not follow it
FIT_FLOOR = 0.01  # σ of log steps at least 1 %: a perfect fit still gets an interval
GRID_SPAN = 1000.0  # B_crit is searched from B_min / 1000 to B_max · 1000


@dataclass(frozen=True)
class CriticalBatchFit:
    """S = S_min (1 + B_crit / B), fitted in log space, and whether the points support it.

    status: `fit`; `above_range` (steps keep halving as B doubles up to the largest size: B_crit
    is beyond it, `interval` = (lower bound, None)); `below_range` (larger batches save no steps:
    B_crit is below the smallest size); `refused` (the points do not follow the curve).
    `b_crit`, `s_min` and `e_min` are None unless status is `fit`.
    """

    status: str
    b_crit: float | None
    s_min: float | None
    e_min: float | None
    interval: tuple[float | None, float | None]
    points: int
    rms_log_error: float
    b_range: tuple[float, float]

    def steps(self, batch_size):
        return self.s_min * (1 + self.b_crit / np.asarray(batch_size, dtype=np.float64))

    def samples(self, batch_size):
        b = np.asarray(batch_size, dtype=np.float64)
        return self.e_min * (1 + b / self.b_crit)

    def to_dict(self) -> dict:
        lo, hi = self.interval
        return {
            "status": self.status,
            "b_crit": self.b_crit,
            "s_min": self.s_min,
            "e_min": self.e_min,
            "interval": [lo, hi],
            "points": self.points,
            "rms_log_error": self.rms_log_error,
            "b_range": list(self.b_range),
        }


def _profile(b: np.ndarray, log_s: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each B_crit on the grid: the best log S_min (closed form) and the residual sum."""
    shape = np.log1p(grid[:, None] / b[None, :])  # log(1 + B_crit / B)
    log_s_min = (log_s[None, :] - shape).mean(axis=1)
    resid = log_s[None, :] - shape - log_s_min[:, None]
    return log_s_min, (resid**2).sum(axis=1)


def fit_critical_batch(batch_sizes, steps_to_target, noise: float = 0.0) -> CriticalBatchFit:
    """Fit S = S_min (1 + B_crit / B) to steps-to-target, in relative error (log space).

    Profile over B_crit: given B_crit, log S_min is the mean of log S − log(1 + B_crit/B). The
    90 % interval holds the B_crit whose residual sum is within F(1, n − 2; 0.9) · σ̂² of the
    best, σ̂² = RSS / (n − 2) estimated from the points (the profile-likelihood interval with an
    unknown σ; `tests/study/test_evidence_intervals.py` shows it covers 90 % ± 3 % over 400
    simulated sweeps with 10 % noise and 3–8 sizes). Status `fit` needs the interval to reach
    into the measured sizes: an interval wholly above (below) them is above_range
    (below_range).

    NOISE: the steps' relative error measured apart from the fit (log units; the advisor's
    repeats with another seed). σ is then at least that: points that lie closer to the curve
    than the seeds' own disagreement say less than their residuals suggest. Points scattered
    within twice that noise are not refused for their scatter.
    """
    b = np.asarray(batch_sizes, dtype=np.float64)
    s = np.asarray(steps_to_target, dtype=np.float64)
    keep = np.isfinite(b) & np.isfinite(s) & (b > 0) & (s > 0)
    b, s = b[keep], s[keep]
    if len(np.unique(b)) < 3:  # two points fit some hyperbola exactly, whatever they are
        raise InputError(
            "fitting the critical batch size needs steps-to-target for at least 3 batch sizes "
            "(two fit any curve exactly): run a sweep with more sizes, or choose a target that "
            "more of them reach."
        )
    order = np.argsort(b)
    b, log_s = b[order], np.log(s[order])
    lo_b, hi_b = float(b[0]), float(b[-1])
    grid = np.geomspace(lo_b / GRID_SPAN, hi_b * GRID_SPAN, 4001)
    log_s_min, rss = _profile(b, log_s, grid)
    best = int(np.argmin(rss))
    dof = max(1, len(b) - 2)
    rms = float(math.sqrt(rss[best] / len(b)))
    sigma2 = max(rss[best] / dof, FIT_FLOOR**2, noise**2)
    inside = grid[rss - rss[best] <= t95(dof) ** 2 * sigma2]
    lo = None if inside[0] <= grid[0] else float(inside[0])
    hi = None if inside[-1] >= grid[-1] else float(inside[-1])
    # larger batches must not need clearly more steps (beyond the noise of two measurements)
    rises = np.diff(log_s) > 2 * math.sqrt(2) * math.sqrt(max(sigma2, NOISE_FLOOR**2))
    b_crit = float(grid[best])

    def result(status, interval, with_fit=False):
        s_min = float(math.exp(log_s_min[best])) if with_fit else None
        return CriticalBatchFit(
            status,
            b_crit if with_fit else None,
            s_min,
            s_min * b_crit if with_fit else None,
            interval,
            int(len(b)),
            rms,
            (lo_b, hi_b),
        )

    if (rms > REFUSE_RMS and rms > 2 * noise) or rises.any():
        return result("refused", (None, None))
    if (hi is None and b_crit > hi_b) or (lo is not None and lo > hi_b):
        return result("above_range", (lo if lo is not None else hi_b, None))
    if (lo is None and b_crit < lo_b) or (hi is not None and hi < lo_b):
        return result("below_range", (None, hi if hi is not None else lo_b))
    return result("fit", (lo, hi), with_fit=True)


def parse_points(text: str) -> tuple[list[float], list[float]]:
    """'8:1200,32:400,128:180' → ([8, 32, 128], [1200, 400, 180]). ValueError says what to fix."""
    sizes, steps = [], []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        bits = part.split(":")
        try:
            if len(bits) != 2:
                raise ValueError
            b, s = float(bits[0]), float(bits[1])
        except ValueError:
            raise InputError(
                "`--points` takes B:S pairs like 8:1200,32:400,128:180, got {part!r}.", part=part
            ) from None
        if not (math.isfinite(b) and math.isfinite(s) and b > 0 and s > 0):
            raise InputError(
                "`--points`: batch size and steps must be positive numbers, got {part!r}.",
                part=part,
            )
        sizes.append(b)
        steps.append(s)
    return sizes, steps


# The Science page's own sweep, for a user who has not run one on the Compare page: sizes a
# factor 2 apart, lr scaled by sqrt(B/B0) (McCandlish et al. tune lr per size; a fixed lr pulls
# B_crit down), and a validation split so a val_loss target can be reached.
QUICK_SWEEP_SIZES = (8, 16, 32, 64, 128)
QUICK_SWEEP_EPOCHS = 10


def quick_sweep(base: TrainConfig) -> SweepSpec:
    """A small sweep to fit B_crit from, around the user's model and data."""
    return SweepSpec(
        base=replace(base, validation_split=base.validation_split or 0.2, max_steps=None),
        batch_sizes=QUICK_SWEEP_SIZES,
        repeats=1,
        budget="epochs",
        budget_value=QUICK_SWEEP_EPOCHS,
        lr_scaling="sqrt",
        base_batch_size=base.batch_size,
    )


def reached_rows(by_b: pd.DataFrame) -> pd.DataFrame:
    """The batch sizes of a sweep summary (`sweep.summarize`) that reached the target."""
    if by_b.empty or "steps_to_target" not in by_b:
        return pd.DataFrame(columns=["batch_size", "lr", "steps_to_target", "samples_to_target"])
    return by_b.dropna(subset=["steps_to_target"])


def lr_was_fixed(rows: pd.DataFrame) -> bool:
    """Whether every batch size of a sweep ran at one learning rate (no lr scaling)."""
    return len(rows) >= 2 and rows["lr"].nunique() == 1


def hyperbola(fit: CriticalBatchFit, b_lo: float, b_hi: float, points: int = 100) -> pd.DataFrame:
    """The fitted curve over [b_lo, b_hi] (only for status `fit`)."""
    bs = np.geomspace(max(b_lo, 1e-3), b_hi, points)
    steps = fit.steps(bs)
    return pd.DataFrame({"batch_size": bs, "steps": steps, "samples": steps * bs})


# -- throughput -------------------------------------------------------------------------------
THROUGHPUT_REPEATS = 3
STEADY_AFTER = 0.2  # of each timing's seconds: the first chunks are short while chunking adapts


class _Rates(Reporter):
    """Samples fed and training seconds, after the first STEADY_AFTER of the timing."""

    def __init__(self, seconds: float) -> None:
        self.skip = STEADY_AFTER * seconds
        self.samples = 0
        self.seconds = 0.0
        self.steps = 0

    def chunk(self, chunk, steps_done) -> None:
        if chunk.elapsed - chunk.seconds < self.skip:
            return
        self.steps += len(chunk.losses)
        self.samples += sum(chunk.batch_sizes)
        self.seconds += chunk.seconds


def throughput(
    cfg: TrainConfig,
    batch_sizes,
    seconds: float = 1.0,
    should_stop=lambda: False,
    repeats: int = THROUGHPUT_REPEATS,
) -> list[dict]:
    """Steady samples/s per batch size on this device: the median of `repeats` timings.

    Each timing trains `seconds` of stepping through the fused engine, every shape compiled
    before the clock, chunks running across epoch ends and no evaluation (so small data does
    not time the per-call overhead). Rows carry every timing, the median and the spread.
    """
    from core.train.engine import train

    rows = []
    n_train = prepare(replace(cfg, batch_size=1)).schedule.train_samples
    for b in batch_sizes:
        if should_stop():
            break
        if b > n_train:
            rows.append({"batch_size": b, "samples_per_second": None, "note": f"B > {n_train}"})
            continue
        run = replace(
            cfg, batch_size=b, epochs=MAX_EPOCHS, max_seconds=seconds, eval_every=0, engine="fused"
        )
        timings, steps = [], []
        for _ in range(repeats):
            rates = _Rates(seconds)
            train(prepare(run), rates, should_stop=should_stop)
            if rates.seconds > 0:
                timings.append(rates.samples / rates.seconds)
                steps.append(rates.steps / rates.seconds)
        rows.append(_rate_row(b, timings, steps))
    return with_roofline(rows, model_flops(cfg), _peak_for(rows, cfg), cfg.optimizer)


def model_flops(cfg: TrainConfig):
    """CFG's model, built as a run builds it, counted (`core.train.flops`)."""
    from core.train import flops

    net, _ = build_model(prepare(replace(cfg, batch_size=1)))
    return flops.count(net)


def _peak_for(rows: list[dict], cfg: TrainConfig):
    """The device's peak, measured again (the better kept) if a row would exceed it."""
    from core.train import peak

    measured = peak.measure()
    count = model_flops(cfg)
    best = max((r.get("samples_per_second") or 0.0 for r in rows), default=0.0)
    if best * count.train_flops > measured.flops:
        measured = peak.measure(again=True)
    return measured


def with_roofline(rows: list[dict], count, peak, optimizer: str = "adam") -> list[dict]:
    """ROWS with what each rate means against the device (issue 24's roofline):

    `flops_per_sample` (one training step's, `core.train.flops`), `peak_flops` (the device's
    dense-matmul FLOP/s, `core.train.peak`), `share` = samples/s × flops_per_sample /
    peak_flops, `bytes_per_sample` (estimated memory traffic at this B), `intensity` (FLOPs per
    byte), `ridge` (the device's FLOPs per byte), `bound` ("memory" below the ridge, else
    "compute"), `ceiling`: the most of the peak this intensity allows, min(1, intensity /
    ridge), and the constants the page words (`ridge_batch`: the B whose intensity reaches the
    ridge; the layers the count left out).
    """
    constants = {
        "ridge": peak.ridge,
        "ridge_batch": count.ridge_batch(peak.ridge, optimizer),
        "peak_bandwidth": peak.bandwidth,
        "peak_dtype": peak.dtype,
        "device": peak.device,
        "forward_flops_per_sample": count.forward_flops,
        "unknown_layers": list(count.unknown),
    }
    out = []
    for r in rows:
        b = r["batch_size"]
        moved = count.bytes_per_sample(b, optimizer)
        intensity = count.train_flops / moved
        sps = r.get("samples_per_second")
        out.append(
            {
                **r,
                "flops_per_sample": count.train_flops,
                "peak_flops": peak.flops,
                "share": sps * count.train_flops / peak.flops if sps else None,
                "bytes_per_sample": moved,
                "intensity": intensity,
                "bound": "memory" if intensity < peak.ridge else "compute",
                "ceiling": min(1.0, intensity / peak.ridge),
                **constants,
            }
        )
    return out


def _rate_row(b: int, timings: list[float], steps: list[float]) -> dict:
    if not timings:
        return {"batch_size": b, "samples_per_second": None, "timings": []}
    return {
        "batch_size": b,
        "samples_per_second": float(np.median(timings)),
        "samples_per_second_min": float(min(timings)),
        "samples_per_second_max": float(max(timings)),
        "steps_per_second": float(np.median(steps)),
        "timings": [float(v) for v in timings],
    }


def time_to_target(fit: CriticalBatchFit, rates: list[dict]) -> pd.DataFrame:
    """Predicted steps, samples and seconds to the target per measured batch size."""
    rows = []
    for r in rates:
        if not r.get("samples_per_second") or fit.status != "fit":
            continue
        b = r["batch_size"]
        steps = float(fit.steps(b))
        rows.append(
            {
                "batch_size": b,
                "predicted_steps": steps,
                "predicted_samples": steps * b,
                "samples_per_second": r["samples_per_second"],
                "predicted_seconds": steps * b / r["samples_per_second"],
            }
        )
    return pd.DataFrame(rows)


def powers_of_two(cap: int) -> list[int]:
    return [2**k for k in range(0, int(math.log2(max(cap, 1))) + 1)]


SATURATION_SHARE = 0.9


def saturation(rows: list[dict], share: float = SATURATION_SHARE) -> dict | None:
    """The smallest batch size whose median samples/s reaches `share` of the best one measured.

    Returns {"batch_size", "best_batch_size", "best", "rising"}: `rising` is True when the best
    is the largest size measured and it still gained more than 10 % over the size before it
    (the device may not be saturated yet). None without numbers.
    """
    good = sorted((r for r in rows if r.get("samples_per_second")), key=lambda r: r["batch_size"])
    if not good:
        return None
    best = max(good, key=lambda r: r["samples_per_second"])
    knee = next(r for r in good if r["samples_per_second"] >= share * best["samples_per_second"])
    return {
        "batch_size": int(knee["batch_size"]),
        "best_batch_size": int(best["batch_size"]),
        "best": float(best["samples_per_second"]),
        "rising": len(good) > 1
        and best is good[-1]
        and best["samples_per_second"] > 1.1 * good[-2]["samples_per_second"],
    }
