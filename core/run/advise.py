"""Which batch size should I use? The Deep Learning Tuning Playbook's procedure, on your model.

Godbole, Dahl, Gilmer, Shallue and Nado (2023), "Choosing the batch size": batch size sets the
training speed and is not tuned for validation performance; find the feasible sizes and their
throughput; time to a result is time per step × steps, and larger batches save steps only up to
a point (Shallue et al. 2019); a new batch size needs its learning rate re-tuned.

Who does what:
- `AdviseSpec` is the user's question (model, data, base lr at a base size, target, budget);
  `check_spec()` validates it at the boundary.
- `run_pilot()` trains the base config once: it picks a default target and tells how many steps
  the base size needs, which bounds the runs that follow.
- `search_feasible()` walks the candidate sizes upward (powers of two by default), timing each
  (`science.throughput`: ≥ 3 timings, median), until one is out of memory or over the memory
  cap (on CPU: this process's peak RSS). `scaling_knee()` says where doubling B stops nearly
  doubling samples/s and whether the device or the fixed per-step cost is the limit then.
- `lr_grid()` gives each size its learning rates: a sqrt-scaled lr × (1/3, 1, 3), scaled
  from the user's (B0, lr) for the first size and from the best lr of the size tuned last after.
  `train_sizes()` trains them, largest size first, each run stopping once the target is
  reached; every run is stored in one sweep, so Compare and Runs can reopen it.
- `recommend()` picks as the Playbook does: resources are cost per step × steps, which on one
  device is the predicted time to target (steps × measured step time); of the sizes whose time
  is within noise of the fastest, the largest that still cut steps clearly is advised, and the
  sizes too close to call are given as a range.
- `advise()` runs all of it within the time budget and returns an `Advice`, with its reasons
  as (text key, fields) for `core.present.readings_advise` to put in words.
"""

from __future__ import annotations

import math
import os
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from core import choices
from core.errors import InputError, Note, check_choice
from core.study import science, sweep
from core.train.datasets import DATASETS
from core.train.engine import Evaluation, TrainConfig, prepare
from core.train.models import MODELS, OPTIMIZERS

ADVISE_DATASETS = tuple(d for d in DATASETS if d not in ("csv", "linear"))
ADVISE_MODELS = tuple(m for m in MODELS if m != "linear")
ADVISE_OPTIMIZERS = OPTIMIZERS
TARGET_METRICS = ("val_loss", "val_accuracy")  # the Playbook tunes to a validation result
DEFAULT_SECONDS = 240.0  # digits MLP's advice within 4 minutes on 2 CPU cores
MIN_SECONDS = 20.0  # less trains nothing useful: a pilot, the timings and one size take that
MAX_SECONDS = 24 * 3600.0
DEFAULT_SPLIT = 0.2  # steps to target are measured on a validation set; none given: 20 %
LR_FACTORS = (1 / 3, 1.0, 3.0)  # the Playbook's log grid around the scaled lr, ×/÷ 3
NEARLY_DOUBLES = 0.8  # doubling B "nearly doubles" samples/s: gain ≥ 2^0.8 ≈ 1.74
PILOT_EPOCHS = 20  # the base config's run: enough epochs to see where it levels off
PILOT_SHARE = 0.15  # of the budget, at most, for the pilot (training seconds)
NOISE_SHARE = 0.05  # of the budget, at most, for measuring B_simple
NOISE_EPOCHS = 3
TIMING_SHARE = 1 / 800  # seconds per timing: 0.3 s for 4 minutes, between 0.2 and 1 s
TARGET_SHARE = 0.05  # default target: the pilot's best plus 5 % of its range
EDGE_STEPS = 2  # grid steps beyond an edge lr that was best, at most
STEP_SLACK = 4  # a run may take 4× the steps perfect scaling predicts from a measured size
REPEAT_SEED = 1000  # the repeat at each size's best lr trains with seed + this (no overlap
# with the seeds a user tries next: 0, 1, 2, … each repeat with its own)
RUN_OVERHEAD = 1.5  # seconds of wall time per run besides training (compile, evaluation), a guess
MEMORY_SHARE = 0.75  # default cap: 75 % of this machine's memory
EXECUTORS = choices.EXECUTORS


@dataclass(frozen=True)
class AdviseSpec:
    """The question. `base` holds the model and data and the lr the user trains with at
    `base.batch_size` (B0); `batch_sizes` () means powers of two up to the largest that fits;
    `target` None: chosen from the pilot run."""

    base: TrainConfig = field(default_factory=lambda: TrainConfig(dataset="digits"))
    batch_sizes: tuple[int, ...] = ()
    target_metric: str = "val_loss"
    target: float | None = None
    seconds: float = DEFAULT_SECONDS
    lr_factors: tuple[float, ...] = LR_FACTORS
    memory_cap_mb: float | None = None
    executor: str = "local"

    def to_dict(self) -> dict:
        return {**asdict(self), "base": self.base.to_dict()}

    @classmethod
    def from_dict(cls, d: dict) -> AdviseSpec:
        fields = {**d, "base": TrainConfig.from_dict(d["base"])}
        fields["batch_sizes"] = tuple(d.get("batch_sizes", ()))
        fields["lr_factors"] = tuple(d.get("lr_factors", LR_FACTORS))
        return cls(**fields)


@dataclass(frozen=True)
class Rate:
    """Median samples/s of the repeated timings at one size, and their range."""

    batch_size: int
    samples_per_second: float
    low: float
    high: float
    steps_per_second: float
    timings: tuple[float, ...] = ()

    @property
    def step_seconds(self) -> float:
        return 1.0 / self.steps_per_second


@dataclass(frozen=True)
class Feasibility:
    """The sizes that fit. limited_by: training set | memory cap | out of memory | your sizes."""

    max_batch_size: int
    limited_by: str
    rates: tuple[Rate, ...]
    refused: int | None = None  # the first size that did not fit
    peak_mb: float = 0.0
    cap_mb: float = 0.0


@dataclass(frozen=True)
class Knee:
    """Where doubling B first stopped nearly doubling the measured samples/s (None: it never
    stopped), the fit step time = overhead + per_sample · B over every size timed, and the
    size where its two parts are equal (`crossover` = overhead / per_sample; None if the fit
    has no positive per-sample cost)."""

    batch_size: int | None
    next_batch_size: int | None
    gain: float | None  # measured: samples/s at next_batch_size / at batch_size
    overhead_seconds: float
    per_sample_seconds: float
    limited_by: str  # device | overhead
    crossover: float | None = None


@dataclass(frozen=True)
class Trial:
    """One learning rate at one size: its stored run and its steps to the target."""

    lr: float
    run_id: str
    steps_to_target: float | None
    samples_to_target: float | None
    status: str


@dataclass(frozen=True)
class SizeRow:
    """One batch size: its throughput, the lrs tried and the best one's steps and time to target.

    seconds_to_target is predicted: steps × measured step time (median timing); low/high span
    the timings' range and the steps' relative error. skipped: budget | stopped | None.
    `repeat`: the best lr trained again with another seed; steps_to_target is then the geometric
    mean of the two runs (the best lr's own run alone is biased low: it won among the lrs).
    """

    batch_size: int
    samples_per_second: float | None
    step_seconds: float | None
    trials: tuple[Trial, ...] = ()
    best_lr: float | None = None
    steps_to_target: float | None = None
    samples_to_target: float | None = None
    seconds_to_target: float | None = None
    seconds_low: float | None = None
    seconds_high: float | None = None
    regime: str | None = None  # perfect | diminishing | none (of steps vs B)
    skipped: str | None = None
    repeat: Trial | None = None

    @property
    def lrs_tried(self) -> tuple[float, ...]:
        return tuple(trial.lr for trial in self.trials)

    @property
    def seed_log_ratio(self) -> float | None:
        """log(the repeat's steps / the best lr's steps); None without a repeat. A repeat that
        did not reach the target counts as REPEAT_SLACK × the best's steps."""
        reached = [t.steps_to_target for t in self.trials if t.steps_to_target is not None]
        if self.repeat is None or not reached:
            return None
        best = min(reached)
        return math.log((self.repeat.steps_to_target or REPEAT_SLACK * best) / best)


@dataclass(frozen=True)
class Pick:
    """The best size on one count, and every size too close to call with it (itself included).

    `cut_from`: the candidate below the pick with the fewest steps, which the pick clearly cut
    (None: the pick is the smallest candidate); `stalled_at`: the next candidate above it, whose
    steps were not clearly fewer (None: the pick is the largest)."""

    batch_size: int | None
    best: int | None  # the best point estimate (differs from batch_size when a tie was broken)
    ties: tuple[int, ...] = ()
    cut_from: int | None = None
    stalled_at: int | None = None
    rule: str = "walk"  # fit: the largest size ≤ CUT_LIMIT · B_crit; walk: measured steps
    cap: tuple[float | None, float | None, float | None] = (None, None, None)  # limit, lo, hi
    by_steps_only: bool = False  # the fastest trains under MEANINGFUL_SECONDS: time set aside
    # Within the measurements' noise (`picks_within_noise`): each size the rule gives and the
    # share of the draws it gives it in; batch_size is then the most frequent, `point` what
    # the rule gives on the steps as measured, pick_range the sizes given in ≥ DRAW_SHARE.
    draws: tuple[tuple[int, float], ...] = ()
    point: int | None = None
    pick_range: tuple[int, int] | None = None


@dataclass(frozen=True)
class Reason:
    """A sentence of the advice: a text key of `core.present.text_advise` and its fields."""

    key: str
    fields: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, **fields: object) -> Reason:
        return cls(key, tuple(fields.items()))


@dataclass(frozen=True)
class Pilot:
    """The base config's run: its target (given or derived) and steps to reach it."""

    target: float
    target_from: str  # you | pilot
    steps_to_target: float | None
    best: float
    evaluations: int


@dataclass(frozen=True)
class Advice:
    spec: AdviseSpec
    sweep_id: str
    pilot: Pilot
    feasibility: Feasibility
    knee: Knee | None
    rows: tuple[SizeRow, ...]
    fit: science.CriticalBatchFit | None
    b_simple: float | None
    b_simple_interval: tuple[float, float] | None
    time: Pick
    resources: Pick
    rel_error: float
    seconds: float
    stopped: bool
    reasons: tuple[Reason, ...] = ()
    # where B_simple was measured: (batch size, epochs trained from scratch), weights at its end
    b_simple_at: tuple[int, int] | None = None
    seed_noise: float | None = None  # the steps' relative error from the repeats (log units)

    @property
    def recommended_batch_size(self) -> int | None:
        return self.time.batch_size

    @property
    def recommended_lr(self) -> float | None:
        row = self.row(self.time.batch_size)
        return row.best_lr if row else None

    def row(self, batch_size: int | None) -> SizeRow | None:
        return next((r for r in self.rows if r.batch_size == batch_size), None)

    @property
    def skipped(self) -> tuple[int, ...]:
        return tuple(r.batch_size for r in self.rows if r.skipped)


@dataclass(frozen=True)
class Progress:
    """What the advisor is doing: phase, steps done of total, seconds so far and left (ETA)."""

    phase: str  # pilot | throughput | noise | lr | repeat | done
    done: int
    total: int
    elapsed: float
    eta: float
    batch_size: int | None = None
    lr: float | None = None


# -- checks at the boundary -------------------------------------------------------------------
def parse_target(text: str) -> float | None:
    """'' → None (chosen from the pilot); a number otherwise. InputError says what to type."""
    text = (text or "").strip()
    if not text or text.lower() == "auto":
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            "`target` must be a number such as 0.35, or empty to let the pilot run choose it, "
            "got {text!r}.",
            text=text,
        ) from None
    return value


def parse_sizes(text: str) -> tuple[int, ...]:
    """'' → () (powers of two up to the largest that fits); else '32, 128, full' → (32, 128, 0),
    0 standing for the whole training set. InputError says what to change."""
    return sweep.parse_batch_sizes(text) if (text or "").strip() else ()


def check_spec(spec: AdviseSpec) -> None:
    """Raise InputError naming the argument, the value and what to do."""
    check_choice("target metric", spec.target_metric, TARGET_METRICS)
    check_choice("executor", spec.executor, EXECUTORS)
    if not spec.base.data_file:  # the user's own file: prepare() checks it
        check_choice("dataset", spec.base.dataset, ADVISE_DATASETS)
    if spec.executor == "ray" and not choices.ray_available():
        raise InputError("`executor` ray needs Ray: pip install -r requirements-ray.txt.")
    for b in spec.batch_sizes:
        if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or b < 0:
            raise InputError(
                "`batch_sizes` must be whole numbers of at least 1, got {b!r}: use e.g. "
                "32,64,128, or leave it empty for powers of two up to the largest that fits.",
                b=b,
            )
    if spec.base.batch_size < 1:
        raise InputError("`base_batch_size` must be at least 1, got {b}.", b=spec.base.batch_size)
    s = spec.seconds
    if not isinstance(s, (int, float)) or not math.isfinite(s) or not s >= MIN_SECONDS:
        raise InputError(
            "`seconds` (the time budget) must be at least {least:g} to train anything, got "
            "{s!r}: give {default:g} for the digits MLP.",
            least=MIN_SECONDS,
            s=s,
            default=DEFAULT_SECONDS,
        )
    if s > MAX_SECONDS:
        raise InputError(
            "`seconds` (the time budget) must be at most {most:g}, got {s:g}.",
            most=MAX_SECONDS,
            s=s,
        )
    _check_target(spec.target_metric, spec.target)
    factors = spec.lr_factors
    if len(set(factors)) < 2 or any(not (math.isfinite(f) and f > 0) for f in factors):
        raise InputError(
            "`lr_factors` needs at least 2 different positive factors, got {factors}.",
            factors=list(factors),
        )
    cap = spec.memory_cap_mb
    if cap is not None and not (math.isfinite(cap) and cap > 0):
        raise InputError("`memory_cap_mb` must be greater than 0, got {cap}.", cap=cap)


def _check_target(metric: str, target: float | None) -> None:
    if target is None:
        return
    if not math.isfinite(target):
        raise InputError("`target` must be a finite number, got {target}.", target=target)
    if metric == "val_accuracy" and not 0 < target <= 1:
        raise InputError(
            "a val_accuracy `target` is between 0 and 1, got {target}: e.g. 0.9.", target=target
        )
    if metric == "val_loss" and target <= 0:
        raise InputError(
            "a val_loss `target` must be greater than 0, got {target}: e.g. 0.4.", target=target
        )


def check_base(spec: AdviseSpec) -> tuple[int, tuple[int, ...]]:
    """Load the data (no TensorFlow) and check the sizes against it: (training samples, the
    candidate sizes). InputError for a model that cannot train on the data, or sizes too big."""
    n_train = prepare(with_validation(spec.base)).schedule.train_samples
    if spec.base.batch_size > n_train:
        raise InputError(
            "`base_batch_size` {b} exceeds the {n} training samples: use at most {n}.",
            b=spec.base.batch_size,
            n=n_train,
        )
    return n_train, candidate_sizes(spec.batch_sizes, n_train)


def with_validation(base: TrainConfig) -> TrainConfig:
    """The base config as the advisor trains it: a validation split, the fused engine."""
    split = base.validation_split or DEFAULT_SPLIT
    return replace(base, validation_split=split, engine="fused", replicas=1, micro=1)


def candidate_sizes(given: Sequence[int], train_samples: int) -> tuple[int, ...]:
    """The sizes to try, ascending: the user's, or powers of two up to the training set."""
    if not given:
        return tuple(science.powers_of_two(train_samples))
    given = [b or train_samples for b in given]  # 0: the whole training set
    too_big = [b for b in given if b > train_samples]
    if too_big:
        raise InputError(
            "`batch_sizes` {sizes} exceed the {n} training samples: use sizes up to {n}.",
            sizes=", ".join(map(str, too_big)),
            n=train_samples,
        )
    return tuple(sorted(set(int(b) for b in given)))


# -- the pieces -------------------------------------------------------------------------------
def lr_grid(base_lr: float, batch_size: int, base_batch_size: int, factors=LR_FACTORS) -> tuple:
    """The lrs one size tries: sqrt-scaled from (B0, lr0), times each factor; the centre (the
    factor nearest 1) first, then the others from the largest lr down."""
    centre = sweep.scaled_lr(base_lr, batch_size, base_batch_size, "sqrt")
    order = sorted(set(factors), key=lambda f: (abs(math.log(f)), -f))
    return tuple(centre * f for f in order)


def first_crossing(steps, values, target: float, higher_is_better: bool) -> float | None:
    """The step where `values` (measured at `steps`) first reach `target`, linear between the
    two evaluations around it (as `sweep.summarize` finds it); None if never."""
    values = np.asarray(values, dtype=np.float64)
    steps = np.asarray(steps, dtype=np.float64)
    hit = np.flatnonzero(values >= target if higher_is_better else values <= target)
    if not len(hit):
        return None
    i = int(hit[0])
    if i == 0 or values[i] == values[i - 1]:
        return float(steps[i])
    frac = float(np.clip((target - values[i - 1]) / (values[i] - values[i - 1]), 0.0, 1.0))
    return float(steps[i - 1] + frac * (steps[i] - steps[i - 1]))


def default_target(values: Sequence[float], higher_is_better: bool) -> float:
    """The pilot's best plus TARGET_SHARE of its range (towards its first evaluation), rounded
    to 3 significant digits on the easy side: near the best, yet reached on the way down."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    best = values.max() if higher_is_better else values.min()
    target = best + TARGET_SHARE * (values[0] - best)
    digits = 2 - math.floor(math.log10(abs(target))) if target else 3
    scale = 10.0**digits
    rounded = math.floor(target * scale) if higher_is_better else math.ceil(target * scale)
    return rounded / scale


def is_out_of_memory(exc: BaseException) -> bool:
    """TensorFlow's ResourceExhaustedError, XLA's and JAX's out-of-memory, Python's MemoryError."""
    if isinstance(exc, MemoryError):
        return True
    text = f"{type(exc).__name__} {exc}".lower()
    return any(k in text for k in ("resourceexhausted", "out of memory", "outofmemory", "oom"))


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_memory_mb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20


def search_feasible(
    measure: Callable[[int], tuple[Rate | None, float]],
    sizes: Sequence[int],
    cap_mb: float,
    limit_name: str = "training set",
    should_stop: Callable[[], bool] = lambda: False,
) -> Feasibility:
    """Time the sizes upward until one is out of memory or over the memory cap.

    `measure(b)` returns (its Rate, peak memory in MiB after it) or raises out of memory.
    `limit_name` says what bounds the sizes when all of them fit.
    """
    rates: list[Rate] = []
    peak = 0.0
    for b in sizes:
        if should_stop():
            return Feasibility(
                max((r.batch_size for r in rates), default=0), "stopped", tuple(rates)
            )
        try:
            rate, peak_now = measure(b)
        except Exception as exc:
            if not is_out_of_memory(exc):
                raise
            return _feasible(rates, "out of memory", b, peak, cap_mb)
        if peak_now > cap_mb:
            return _feasible(rates, "memory cap", b, peak_now, cap_mb)
        peak = max(peak, peak_now)
        if rate is not None:
            rates.append(rate)
    return _feasible(rates, limit_name, None, peak, cap_mb)


def _feasible(rates, limited_by, refused, peak, cap) -> Feasibility:
    if not rates:
        raise InputError(
            "no batch size fits: {what} at B = {b} (peak {peak:.0f} MiB, cap {cap:.0f} MiB): "
            "raise `memory_cap_mb` or use a smaller model.",
            what=limited_by,
            b=refused,
            peak=peak,
            cap=cap,
        )
    best = max(r.batch_size for r in rates)
    return Feasibility(best, limited_by, tuple(rates), refused, peak, cap)


def rate_of(row: dict) -> Rate | None:
    """A `science.throughput` row as a Rate (None when it could not be timed)."""
    if not row.get("samples_per_second"):
        return None
    return Rate(
        int(row["batch_size"]),
        float(row["samples_per_second"]),
        float(row["samples_per_second_min"]),
        float(row["samples_per_second_max"]),
        float(row["steps_per_second"]),
        tuple(row.get("timings", ())),
    )


def scaling_knee(rates: Sequence[Rate], nearly: float = NEARLY_DOUBLES) -> Knee | None:
    """Where doubling B first stopped nearly doubling the measured samples/s (a gain below
    2^`nearly` between two sizes timed, per doubling), and the fit of the step time.

    Step time t(B) = overhead + per_sample · B is fitted to the median timings in relative
    error (weights 1/t). Its two parts are equal at B = overhead / per_sample (`crossover`):
    below it the fixed cost per step (Python, dispatch, feeding the batch) is most of a step,
    above it the device's work per sample is. The knee itself is read from the measured
    samples/s, so that what the advice says of it is what the table shows.
    """
    rates = sorted(rates, key=lambda r: r.batch_size)
    if len(rates) < 2:
        return None
    b = np.array([r.batch_size for r in rates], dtype=np.float64)
    t = np.array([r.step_seconds for r in rates], dtype=np.float64)
    design = np.stack([np.ones_like(b), b], axis=1) / t[:, None]
    (overhead, per_sample), *_ = np.linalg.lstsq(design, np.ones_like(b), rcond=None)
    overhead, per_sample = float(overhead), float(per_sample)
    crossover = overhead / per_sample if per_sample > 0 and overhead > 0 else None
    g = 2.0**nearly
    for lo, hi in zip(rates, rates[1:], strict=False):
        doublings = math.log2(hi.batch_size / lo.batch_size)
        gain = (hi.samples_per_second / lo.samples_per_second) ** (1 / doublings)
        if gain < g:
            return Knee(
                lo.batch_size, hi.batch_size, gain, overhead, per_sample, "device", crossover
            )
    return Knee(None, None, None, overhead, per_sample, "overhead", crossover)


def regime(batch_size: float, fit: science.CriticalBatchFit | None) -> str | None:
    """Shallue et al.'s regimes from S = S_min (1 + B_crit / B): the local slope of log S
    against log B is −B_crit / (B + B_crit); perfect scaling while it is below −0.8 (B ≤
    B_crit / 4), no benefit above −0.2 (B ≥ 4 B_crit), diminishing returns between."""
    if fit is None:
        return None
    if fit.status == "fit":
        if batch_size <= fit.b_crit / 4:
            return "perfect"
        return "none" if batch_size >= 4 * fit.b_crit else "diminishing"
    lo, hi = fit.interval
    if fit.status == "above_range" and lo is not None and batch_size <= lo / 4:
        return "perfect"
    if fit.status == "below_range" and hi is not None and batch_size >= 4 * hi:
        return "none"
    return None


def with_uncertainty(row: SizeRow, rate: Rate | None, rel_error: float) -> SizeRow:
    """Predicted seconds to target: steps × median step time, with a range from the timings'
    spread (samples/s from `rate.low` to `rate.high`) and the steps' relative error."""
    if row.steps_to_target is None or rate is None:
        return replace(row, seconds_to_target=None, seconds_low=None, seconds_high=None)
    seconds = row.steps_to_target * rate.step_seconds
    return replace(
        row,
        seconds_to_target=seconds,
        seconds_low=seconds * math.exp(-rel_error) * rate.samples_per_second / rate.high,
        seconds_high=seconds * math.exp(rel_error) * rate.samples_per_second / rate.low,
    )


CUT_LIMIT = 3.0  # doubling to B ≤ 3 B_crit cuts S = S_min (1 + B_crit / B) to ×0.8 or fewer
MEANINGFUL_SECONDS = 1.0  # predicted times under this are too short to rank sizes on


def recommend(
    rows: Sequence[SizeRow], rel_error: float, fit: science.CriticalBatchFit | None = None
) -> tuple[Pick, Pick]:
    """(time pick, resources pick), as the Tuning Playbook chooses.

    Resources are cost per step × steps; on one device a step's cost is its time, so both are
    the predicted time to target (steps × median step time) and the picks are the same. The
    sizes whose time range overlaps the fastest's are too close to call (`ties`); when every
    size trains to the target in under MEANINGFUL_SECONDS, time is set aside altogether.
    Among the candidates the Playbook prefers the largest batch that still cuts steps. With a
    B_crit fit that is the largest candidate ≤ CUT_LIMIT · B_crit (up to there each doubling
    cuts the fitted steps to ×0.8 or fewer): a choice read off the fitted curve, which steadies
    it against one size's noise, and whose spread over B_crit's interval is stated. Without a
    fit, the candidates are walked upward and a size is taken when its steps are clearly fewer
    (beyond two relative errors) than every smaller candidate's.
    """
    done = [r for r in rows if r.seconds_to_target is not None]
    if not done:
        return Pick(None, None), Pick(None, None)
    fastest = min(done, key=lambda r: (r.seconds_to_target, r.batch_size))
    tied = sorted(
        (r for r in done if r.seconds_low <= fastest.seconds_high), key=lambda r: r.batch_size
    )
    short = fastest.seconds_to_target < MEANINGFUL_SECONDS
    pool = sorted(done, key=lambda r: r.batch_size) if short else tied
    common = {"best": fastest.batch_size, "ties": _sizes(tied), "by_steps_only": short}
    if fit is not None and fit.status == "fit":
        lo, hi = fit.interval
        cap = CUT_LIMIT * fit.b_crit
        under = [r for r in pool if r.batch_size <= cap]
        pick = under[-1] if under else pool[0]
        limits = (cap, CUT_LIMIT * lo if lo else None, CUT_LIMIT * hi if hi else None)
        time_pick = Pick(pick.batch_size, rule="fit", cap=limits, **common)
        return time_pick, time_pick
    clearly = math.exp(-2 * rel_error)  # two estimates, each within e^±rel
    pick, least, cut_from = pool[0], pool[0], None
    for nxt in pool[1:]:
        if nxt.steps_to_target < least.steps_to_target * clearly:
            pick, cut_from = nxt, least.batch_size
        if nxt.steps_to_target < least.steps_to_target:
            least = nxt
    stalled_at = next((r.batch_size for r in pool if r.batch_size > pick.batch_size), None)
    time_pick = Pick(pick.batch_size, cut_from=cut_from, stalled_at=stalled_at, **common)
    return time_pick, time_pick


DRAWS = 200  # re-draws of the measured steps, for the picks within noise
DRAW_SHARE = 0.05  # a size the rule gives in fewer draws than this is outside the stated range


def picks_within_noise(
    rows: Sequence[SizeRow], rel_error: float, noise: float | None, rates: dict
) -> tuple[tuple[int, float], ...]:
    """What the rule could give on another measurement: each size's steps re-drawn DRAWS times
    within their relative error (log-normal, σ = rel_error; a parametric bootstrap), the fit,
    the uncertainty and `recommend` redone on each draw. Returns (size, share of the draws)
    for each size given at least once. Seeded: the same rows give the same answer."""
    reached = [r for r in rows if r.steps_to_target is not None]
    if not reached:
        return ()
    rng = np.random.default_rng(0)
    counts: dict[int, int] = {}
    for z in rng.standard_normal((DRAWS, len(reached))):
        drawn = [
            replace(r, steps_to_target=r.steps_to_target * math.exp(rel_error * zi))
            for r, zi in zip(reached, z, strict=True)
        ]
        fit = critical_fit(drawn, noise)
        rel = max(science.NOISE_FLOOR, fit.rms_log_error if fit else 0.0, noise or 0.0)
        drawn = [with_uncertainty(r, rates.get(r.batch_size), rel) for r in drawn]
        b = recommend(drawn, rel, fit)[0].batch_size
        if b is not None:
            counts[b] = counts.get(b, 0) + 1
    return tuple(sorted((b, c / DRAWS) for b, c in counts.items()))


def within_noise(pick: Pick, draws: tuple[tuple[int, float], ...]) -> Pick:
    """PICK advised as the size the rule gives most often within noise (on a tie, the one it
    gives on the measured steps, else the larger), with the sizes given in ≥ DRAW_SHARE of the
    draws as its range. Bagging a threshold rule so steadies it (Breiman 1996)."""
    if not draws or pick.batch_size is None:
        return pick
    point = pick.batch_size
    mode = max(draws, key=lambda d: (d[1], d[0] == point, d[0]))[0]
    kept = [b for b, share in draws if share >= DRAW_SHARE] + [mode]
    return replace(
        pick, batch_size=mode, point=point, draws=draws, pick_range=(min(kept), max(kept))
    )


def _sizes(rows) -> tuple[int, ...]:
    return tuple(sorted(r.batch_size for r in rows))


# -- the procedure ----------------------------------------------------------------------------
class _Clock:
    """Wall seconds since the advice started, against its budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float:
        return max(0.0, self.seconds - self.elapsed())


class _TargetWatch:
    """A reporter around another: keeps each evaluation of the metric and every step's batch
    size, and notes when the target is reached (the run then stops: a later step cannot make
    the first crossing earlier)."""

    wants_weights = False

    def __init__(self, inner, metric: str, target: float | None) -> None:
        self.inner, self.metric, self.target = inner, metric, target
        self.higher = metric == "val_accuracy"
        self.steps: list[int] = []
        self.values: list[float] = []
        self.sizes: list[int] = []
        self.reached = False

    def started(self, prepared, device) -> None:
        self.inner.started(prepared, device)

    def chunk(self, chunk, steps_done) -> None:
        self.sizes += chunk.batch_sizes
        self.inner.chunk(chunk, steps_done)

    def epoch(self, record) -> None:
        self.inner.epoch(record)

    def finished(self, result) -> None:
        self.inner.finished(result)

    def evaluation(self, record: Evaluation) -> None:
        self.inner.evaluation(record)
        value = getattr(record, self.metric)
        if value is None or not math.isfinite(value):
            return
        self.steps.append(record.step)
        self.values.append(float(value))
        if self.target is not None:
            self.reached |= value >= self.target if self.higher else value <= self.target

    def crossing(self, target: float) -> tuple[float | None, float | None]:
        """(steps, samples) to the target, both interpolated between evaluations."""
        step = first_crossing(self.steps, self.values, target, self.higher)
        if step is None:
            return None, None
        cumulative = np.concatenate([[0], np.cumsum(self.sizes)])
        return step, float(np.interp(step, np.arange(len(cumulative)), cumulative))


def run_pilot(base: TrainConfig, spec: AdviseSpec, should_stop=lambda: False) -> Pilot:
    """Train the base config (B0, its lr) for up to PILOT_EPOCHS epochs, evaluating 4 times an
    epoch; with a target it stops once the target is reached. InputError if it never is."""
    from core.train.engine import Reporter, train

    spe = prepare(base).schedule.steps_per_epoch
    cfg = replace(
        base,
        epochs=PILOT_EPOCHS,
        max_seconds=PILOT_SHARE * spec.seconds,
        eval_every=max(1, spe // 4),
    )
    watch = _TargetWatch(Reporter(), spec.target_metric, spec.target)
    train(prepare(cfg), watch, should_stop=lambda: should_stop() or watch.reached)
    source = "you" if spec.target is not None else "pilot"
    if not watch.values and should_stop():  # the user stopped it first
        return Pilot(
            spec.target if spec.target is not None else math.nan, source, None, math.nan, 0
        )
    if not watch.values:
        raise InputError(
            "the time budget of {seconds:g} s ended before the first evaluation of the pilot "
            "run: give a larger `seconds`.",
            seconds=spec.seconds,
        )
    higher = watch.higher
    best = max(watch.values) if higher else min(watch.values)
    target = spec.target if spec.target is not None else default_target(watch.values, higher)
    steps, _ = watch.crossing(target)
    if steps is None and not should_stop():
        raise InputError(
            "no size can be expected to reach {metric} {target:g}: the pilot run (B = {b}, lr "
            "{lr:g}) reached {best:.4g} at best in {epochs} epochs. Choose a target it reaches, "
            "or leave `target` empty to have one chosen.",
            metric=spec.target_metric,
            target=target,
            b=base.batch_size,
            lr=base.lr,
            best=best,
            epochs=PILOT_EPOCHS,
        )
    return Pilot(target, source, steps, best, len(watch.values))


def _run_to_target(cfg: TrainConfig, store, sweep_id: str, metric: str, target: float, stop):
    """One stored run that stops once `target` is reached. Returns its Trial."""
    from core.run.recording import StoreReporter, create_run
    from core.train.engine import train

    prepared = prepare(cfg)
    label = f"B={cfg.batch_size} lr={cfg.lr:.3g}"
    run_id = create_run(store, prepared, sweep_id=sweep_id, label=label)
    watch = _TargetWatch(StoreReporter(store, run_id), metric, target)
    try:
        result = train(prepared, watch, should_stop=lambda: stop() or watch.reached)
    except Exception as exc:  # recorded as failed; the other lrs and sizes go on
        store.update_run(run_id, status="failed", message=f"{type(exc).__name__}: {exc}")
        if is_out_of_memory(exc):
            return Trial(cfg.lr, run_id, None, None, "failed")
        raise
    status = result.status
    if watch.reached and status == "stopped":  # stopped by the target, not by the user
        status = "completed"
        note = Note(
            "stopped once {metric} reached the target {target:g} (the advisor's runs end there).",
            metric=metric,
            target=target,
        )
        store.update_run(run_id, status=status, message=str(note))
    steps, samples = watch.crossing(target)
    return Trial(cfg.lr, run_id, steps, samples, status)


@dataclass(frozen=True)
class _Reference:
    """The last size measured (or the pilot): bounds the steps the next size can need."""

    batch_size: int
    steps: float

    def bounds(self, b: int) -> tuple[float, int]:
        """(fewest steps b can need, the step cap for its runs). Fewest: perfect scaling from a
        smaller reference, the reference's own steps from a larger one (smaller batches do not
        need fewer steps). Cap: STEP_SLACK × what perfect scaling predicts, or × the steps."""
        ratio = self.batch_size / b
        lower = self.steps * min(1.0, ratio)
        return lower, max(2, math.ceil(STEP_SLACK * self.steps * max(1.0, ratio)))


def _size_configs(base, b, lrs, ref: _Reference, spe: int, seconds: float) -> list[TrainConfig]:
    lower, cap = ref.bounds(b)
    # ≥ 20 evaluations before the target, with a factor 2 for the noise of steps to target
    every = max(1, int(lower // (2 * sweep.MIN_EVALUATIONS)))
    from core.train.engine import MAX_EPOCHS

    return [
        replace(
            base,
            batch_size=b,
            lr=lr,
            epochs=min(MAX_EPOCHS, math.ceil(cap / spe)),
            max_steps=cap,
            max_seconds=max(1.0, seconds),
            eval_every=every,
        )
        for lr in lrs
    ]


def _train_lrs(configs, store, sweep_id, spec, target, stop, on_trial) -> list[Trial]:
    """Train one size's lrs in turn; after the first to reach the target, a run that has not
    reached it by then (+10 %) cannot be the best, so it stops there."""
    if spec.executor == "ray":
        return _train_lrs_ray(configs, store, sweep_id, spec.target_metric, target)
    trials: list[Trial] = []
    best = None
    for cfg in configs:
        if stop():
            break
        if best is not None:
            cap = min(cfg.max_steps, math.ceil(1.1 * best) + cfg.eval_every)
            cfg = replace(cfg, max_steps=cap)
        trial = _run_to_target(cfg, store, sweep_id, spec.target_metric, target, stop)
        trials.append(trial)
        on_trial(trial)
        if trial.steps_to_target is not None:
            best = min(best or math.inf, trial.steps_to_target)
    return _extend_grid(configs[0], trials, store, sweep_id, spec, target, stop, on_trial)


def _extend_grid(cfg, trials, store, sweep_id, spec, target, stop, on_trial) -> list[Trial]:
    """While the best lr is at an edge of those tried, one more grid step beyond it (at most
    EDGE_STEPS): the Playbook's grid should bracket the best."""
    step = max(max(spec.lr_factors), 1 / min(spec.lr_factors))
    for _ in range(EDGE_STEPS):
        reached = [t for t in trials if t.steps_to_target is not None]
        if not reached or stop():
            break
        best = min(reached, key=lambda t: t.steps_to_target)
        lrs = [t.lr for t in trials]
        if best.lr == max(lrs):
            lr = best.lr * step
        elif best.lr == min(lrs):
            lr = best.lr / step
        else:
            break
        cap = min(cfg.max_steps, math.ceil(1.1 * best.steps_to_target) + cfg.eval_every)
        trial = _run_to_target(
            replace(cfg, lr=lr, max_steps=cap), store, sweep_id, spec.target_metric, target, stop
        )
        trials.append(trial)
        on_trial(trial)
        if trial.steps_to_target is None or trial.steps_to_target >= best.steps_to_target:
            break
    return trials


def _train_lrs_ray(configs, store, sweep_id, metric, target) -> list[Trial]:
    """One size's lrs at once, each a Ray task, to the step cap (no early stop)."""
    from core.run.executors import run_sweep_ray

    run_ids = run_sweep_ray(configs, store, sweep_id)
    runs, _ = sweep.summarize(store, sweep_id, metric, target)
    trials = []
    for cfg, run_id in zip(configs, run_ids, strict=True):
        row = runs[runs["run_id"] == run_id].iloc[0]
        steps, samples = row["steps_to_target"], row["samples_to_target"]
        ok = steps is not None and math.isfinite(steps)
        trials.append(
            Trial(
                cfg.lr,
                run_id,
                float(steps) if ok else None,
                float(samples) if ok else None,
                row["status"],
            )
        )
    return trials


REPEAT_SLACK = 3.0  # the repeat may take 3× the best run's steps; beyond, it counts as 3×


def _repeat(row: SizeRow, cfg: TrainConfig, store, sweep_id, spec, target, stop) -> SizeRow:
    """Train ROW's best lr again with another seed (REPEAT_SEED); steps_to_target becomes the
    geometric mean of the two runs. A repeat that has not reached the target by REPEAT_SLACK ×
    the best run's steps counts as that many (a lower bound: the two disagree at least so)."""
    best = row.steps_to_target
    cap = min(cfg.max_steps, math.ceil(REPEAT_SLACK * best) + cfg.eval_every)
    again = replace(cfg, lr=row.best_lr, seed=cfg.seed + REPEAT_SEED, max_steps=cap)
    trial = _run_to_target(again, store, sweep_id, spec.target_metric, target, stop)
    if trial.status == "stopped" and trial.steps_to_target is None:  # the user stopped it
        return row
    row = replace(row, repeat=trial)
    steps = best * math.exp(row.seed_log_ratio)
    return replace(
        row,
        steps_to_target=math.sqrt(best * steps),
        samples_to_target=math.sqrt(best * steps) * row.batch_size,
    )


def seed_noise(rows: Sequence[SizeRow]) -> float | None:
    """The relative error (log units) of a size's steps as measured, a mean of two seeds, from
    the repeats: each pair's log ratio d has variance 2σ² for one run's σ, the mean of two has
    σ² / 2, so σ_mean² = mean(d²) / 4. None without repeats."""
    ratios = [r.seed_log_ratio for r in rows if r.seed_log_ratio is not None]
    if not ratios:
        return None
    return math.sqrt(sum(d * d for d in ratios) / (4 * len(ratios)))


def _best_row(b: int, rate: Rate, trials: Sequence[Trial]) -> SizeRow:
    reached = [t for t in trials if t.steps_to_target is not None]
    row = SizeRow(b, rate.samples_per_second, rate.step_seconds, tuple(trials))
    if not reached:
        return row
    best = min(reached, key=lambda t: t.steps_to_target)
    return replace(
        row,
        best_lr=best.lr,
        steps_to_target=best.steps_to_target,
        samples_to_target=best.samples_to_target,
    )


@dataclass
class _Tally:
    """Progress across phases: units done of the total, for the page's bar and ETA."""

    clock: _Clock
    total: int
    report: Callable[[Progress], None]
    done: int = 0

    def step(self, phase: str, batch_size: int | None = None, lr: float | None = None) -> None:
        self.done = min(self.total, self.done + 1)
        elapsed = self.clock.elapsed()
        rate = elapsed / self.done if self.done else 0.0
        eta = min(self.clock.remaining(), rate * (self.total - self.done))
        self.report(Progress(phase, self.done, self.total, elapsed, eta, batch_size, lr))


def train_sizes(
    base: TrainConfig,
    spec: AdviseSpec,
    rates: Sequence[Rate],
    pilot: Pilot,
    store,
    sweep_id: str,
    clock: _Clock,
    tally: _Tally,
    should_stop=lambda: False,
) -> list[SizeRow]:
    """Every feasible size, largest first: its lr grid trained to the target, while the budget
    lasts. A size whose predicted cost exceeds the time left is skipped (and said to be).

    The first size's grid is centred on the user's lr sqrt-scaled from B0; each next size's on
    the best lr found at the size tuned last, sqrt-scaled from there: where the user's lr is
    far from this model's best, the grid follows the best down the sizes instead of starting
    from the user's lr at each (which left the best at the grid's edge and the small sizes
    short of the target within their step cap)."""
    n_train = prepare(base).schedule.train_samples
    ref = _Reference(base.batch_size, pilot.steps_to_target or 1.0)
    tuned = (base.batch_size, base.lr)  # the grid's centre comes from the last size tuned
    overhead = RUN_OVERHEAD
    rows = []
    first = tally.done
    for i, rate in enumerate(sorted(rates, key=lambda r: -r.batch_size)):
        tally.done = max(tally.done, first + i * (len(spec.lr_factors) + 2))
        b = rate.batch_size
        lrs = lr_grid(tuned[1], b, tuned[0], spec.lr_factors)
        expected = ref.steps * max(1.0, ref.batch_size / b)
        cost = (len(lrs) + 1) * (expected * rate.step_seconds + overhead)  # + 1: the repeat
        if should_stop() or cost > clock.remaining():
            rows.append(SizeRow(b, rate.samples_per_second, rate.step_seconds, skipped="budget"))
            if should_stop():
                rows[-1] = replace(rows[-1], skipped="stopped")
            continue
        spe = n_train // b if base.drop_remainder else math.ceil(n_train / b)
        configs = _size_configs(base, b, lrs, ref, spe, clock.remaining())
        started = clock.elapsed()
        trials = _train_lrs(
            configs,
            store,
            sweep_id,
            spec,
            pilot.target,
            should_stop,
            lambda trial, b=b: tally.step("lr", b, trial.lr),
        )
        row = _best_row(b, rate, trials)
        again = row.steps_to_target is not None and not should_stop()
        if again and clock.remaining() > row.steps_to_target * rate.step_seconds + overhead:
            row = _repeat(row, configs[0], store, sweep_id, spec, pilot.target, should_stop)
            tally.step("repeat", b, row.best_lr)
        rows.append(row)
        runs = [*trials, row.repeat] if row.repeat else trials
        trained = sum(t.steps_to_target or 0 for t in runs) * rate.step_seconds
        overhead = max(0.2, (clock.elapsed() - started - trained) / max(1, len(runs)))
        if row.steps_to_target is not None:
            ref = _Reference(b, row.steps_to_target)
            tuned = (b, row.best_lr)
    return sorted(rows, key=lambda r: r.batch_size)


def measure_b_simple(base: TrainConfig, spec: AdviseSpec, n_train: int, should_stop):
    """B_simple at about B0 (a multiple of 4 micro-batches) at the final weights of a run of a
    few epochs within NOISE_SHARE of the budget: (value, 90 % interval, (B, epochs trained));
    (None, None, None) where the training set is too small for it."""
    b = max(8, 4 * math.ceil(base.batch_size / 4))
    if 2 * b > n_train:
        return None, None, None
    cfg = replace(
        base,
        batch_size=b,
        epochs=NOISE_EPOCHS,
        max_seconds=NOISE_SHARE * spec.seconds,
        eval_every=0,
    )
    result = science.measure_noise_scale(cfg, micro=4, should_stop=should_stop)
    if not math.isfinite(result.b_simple) or math.isnan(result.interval[0]):
        return None, None, None  # too few steps measured to say anything
    at = (b, result.epochs_trained)
    return float(result.b_simple), tuple(float(v) for v in result.interval), at


def advise(
    spec: AdviseSpec,
    store=None,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[Progress], None] = lambda p: None,
) -> Advice:
    """The whole procedure within `spec.seconds` of wall time; every run stored in one sweep."""
    from core.run.store import RunStore
    from core.train.engine import warm_up

    check_spec(spec)
    clock = _Clock(spec.seconds)
    base = with_validation(spec.base)
    n_train, sizes = check_base(spec)
    grid = len(spec.lr_factors)
    # per size: its timing, its lrs, an lr beyond an edge and the repeat
    tally = _Tally(clock, 2 + len(sizes) * (3 + grid), progress)
    store = store if store is not None else RunStore()
    warm_up(base)
    pilot = run_pilot(base, spec, should_stop)
    tally.step("pilot", base.batch_size, base.lr)
    cap = spec.memory_cap_mb or MEMORY_SHARE * machine_memory_mb()
    timing = min(1.0, max(0.2, TIMING_SHARE * spec.seconds))

    def measure(b: int):
        row = science.throughput(base, [b], timing, should_stop=should_stop)[0]
        tally.step("throughput", b)
        return rate_of(row), peak_rss_mb()

    limit = "your sizes" if spec.batch_sizes else "training set"
    feasible = search_feasible(measure, sizes, cap, limit, should_stop)
    tally.done += len(sizes) - len(feasible.rates)
    noise = measure_b_simple(base, spec, n_train, should_stop)
    tally.step("noise", base.batch_size)
    sweep_id = sweep.new_sweep_id()
    store.add_group(sweep_id, "advise")  # its runs show as one Advise session on Runs
    rows = train_sizes(
        base, spec, feasible.rates, pilot, store, sweep_id, clock, tally, should_stop
    )
    return conclude(spec, sweep_id, pilot, feasible, rows, noise, clock.elapsed(), should_stop())


def critical_fit(
    rows: Sequence[SizeRow], noise: float | None = None
) -> science.CriticalBatchFit | None:
    """B_crit from the best steps to target per size, σ at least the repeats' NOISE; None with
    fewer than 3 sizes."""
    reached = [r for r in rows if r.steps_to_target is not None]
    if len(reached) < 3:
        return None
    return science.fit_critical_batch(
        [r.batch_size for r in reached], [r.steps_to_target for r in reached], noise or 0.0
    )


def conclude(spec, sweep_id, pilot, feasible, rows, noise, seconds, stopped) -> Advice:
    """Fit, uncertainty, regimes, the picks and the reasons, from the measured rows."""
    if not stopped and rows and all(r.skipped == "budget" for r in rows):
        raise InputError(
            "every batch size was skipped to fit the time budget of {seconds:g} s (the pilot run "
            "and the timings took {used:.0f} s; sweep {sweep}): give a larger `seconds`.",
            seconds=spec.seconds,
            used=seconds,
            sweep=sweep_id,
        )
    if not stopped and all(r.steps_to_target is None for r in rows if not r.skipped):
        raise InputError(
            "no batch size reached {metric} {target:g} within its runs (sweep {sweep}): choose "
            "an easier target or a larger `seconds`.",
            metric=spec.target_metric,
            target=pilot.target,
            sweep=sweep_id,
        )
    noise_of_seed = seed_noise(rows)
    fit = critical_fit(rows, noise_of_seed)
    rel = max(science.NOISE_FLOOR, fit.rms_log_error if fit else 0.0, noise_of_seed or 0.0)
    rates = {r.batch_size: r for r in feasible.rates}
    rows = [
        with_uncertainty(replace(r, regime=regime(r.batch_size, fit)), rates.get(r.batch_size), rel)
        for r in rows
    ]
    time_pick, _ = recommend(rows, rel, fit)
    time_pick = within_noise(time_pick, picks_within_noise(rows, rel, noise_of_seed, rates))
    resources = time_pick  # on one device a step's cost is its time
    advice = Advice(
        spec,
        sweep_id,
        pilot,
        feasible,
        scaling_knee(feasible.rates),
        tuple(rows),
        fit,
        noise[0],
        noise[1],
        time_pick,
        resources,
        rel,
        seconds,
        stopped,
        b_simple_at=noise[2] if len(noise) > 2 else None,
        seed_noise=noise_of_seed,
    )
    return replace(advice, reasons=tuple(reasons(advice)))


def reasons(advice: Advice) -> list[Reason]:
    """The advice's sentences, in the order a reader needs them."""
    spec, pilot = advice.spec, advice.pilot
    if advice.stopped and not any(r.trials for r in advice.rows):
        return [Reason.of("advise.why.stopped")]
    base = with_validation(spec.base)
    out = [
        Reason.of(
            f"advise.why.target.{pilot.target_from}",
            metric=spec.target_metric,
            target=pilot.target,
            best=pilot.best,
            b=base.batch_size,
            lr=base.lr,
        )
    ]
    out += _throughput_reasons(advice)
    out += _scaling_reasons(advice)
    out += _repeat_reasons(advice)
    out += _pick_reasons(advice)
    edge = [r for r in advice.rows if r.best_lr is not None and len(r.trials) >= 2]
    for row in edge:
        if row.best_lr in (min(row.lrs_tried), max(row.lrs_tried)) and row.batch_size in (
            advice.time.batch_size,
            advice.resources.batch_size,
        ):
            out.append(Reason.of("advise.why.lr_edge", b=row.batch_size, lr=row.best_lr))
    skipped = [r.batch_size for r in advice.rows if r.skipped == "budget"]
    if skipped:
        out.append(Reason.of("advise.why.skipped", sizes=_list(skipped), seconds=spec.seconds))
    if advice.stopped:
        out.append(Reason.of("advise.why.stopped"))
    return out


def _repeat_reasons(advice: Advice) -> list[Reason]:
    ratios = [r.seed_log_ratio for r in advice.rows if r.seed_log_ratio is not None]
    if advice.seed_noise is None or not ratios:
        return []
    return [
        Reason.of(
            "advise.why.repeats",
            n=len(ratios),
            offset=REPEAT_SEED,
            between=math.exp(math.sqrt(sum(d * d for d in ratios) / len(ratios))),
            mean=math.exp(advice.seed_noise),
        )
    ]


def _list(sizes) -> str:
    return ", ".join(str(b) for b in sizes)


def _throughput_reasons(advice: Advice) -> list[Reason]:
    feasible, knee = advice.feasibility, advice.knee
    out = [
        Reason.of(
            "advise.why.feasible." + feasible.limited_by.replace(" ", "_"),
            b=feasible.max_batch_size,
            refused=feasible.refused,
            peak=feasible.peak_mb,
            cap=feasible.cap_mb,
        )
    ]
    if knee is None:
        return out
    fields = {
        "overhead_ms": 1e3 * knee.overhead_seconds,
        "per_sample_us": 1e6 * knee.per_sample_seconds,
        "nearly": 2.0**NEARLY_DOUBLES,
    }
    if knee.batch_size is None:
        out.append(Reason.of("advise.why.knee.overhead", b=feasible.max_batch_size, **fields))
    else:
        first = knee.batch_size == min(r.batch_size for r in feasible.rates)
        out.append(
            Reason.of(
                "advise.why.knee.device_first" if first else "advise.why.knee.device",
                b=knee.batch_size,
                b2=knee.next_batch_size,
                gain=knee.gain,
                **fields,
            )
        )
    if knee.crossover is not None:
        out.append(Reason.of("advise.why.knee.crossover", crossover=knee.crossover, **fields))
    return out


def _scaling_reasons(advice: Advice) -> list[Reason]:
    fit = advice.fit
    out = []
    if fit is None:
        reached = sum(r.steps_to_target is not None for r in advice.rows)
        out.append(Reason.of("advise.why.crit.few", count=reached))
    else:
        lo, hi = fit.interval
        out.append(
            Reason.of(
                f"advise.why.crit.{fit.status}",
                b_crit=fit.b_crit,
                lo=f"{lo:,.0f}" if lo is not None else "?",
                hi=f"{hi:,.0f}" if hi is not None else "∞",
                b_lo=fit.b_range[0],
                b_hi=fit.b_range[1],
                rms=fit.rms_log_error,
            )
        )
    if advice.b_simple is not None:
        lo, hi = advice.b_simple_interval
        at_b, epochs = advice.b_simple_at or (advice.spec.base.batch_size, NOISE_EPOCHS)
        key = "advise.why.noise" if math.isfinite(hi) else "advise.why.noise_unbounded"
        out.append(Reason.of(key, b_simple=advice.b_simple, lo=lo, hi=hi, b=at_b, epochs=epochs))
        if fit is not None and fit.status == "fit":
            out.append(
                Reason.of("advise.why.noise_vs_crit", b_simple=advice.b_simple, c=fit.b_crit)
            )
    return out


def _pick_reasons(advice: Advice) -> list[Reason]:
    pick = advice.time
    row = advice.row(pick.point or pick.batch_size)  # the rule on the steps as measured
    if row is None:
        return []
    metric, target = advice.spec.target_metric, advice.pilot.target
    fastest = advice.row(pick.best)
    alone = len(pick.ties) == 1 and row.batch_size == pick.best and not pick.by_steps_only
    if alone:
        return [
            Reason.of(
                "advise.why.time",
                b=row.batch_size,
                seconds=row.seconds_to_target,
                steps=row.steps_to_target,
                step_ms=1e3 * row.step_seconds,
                lr=row.best_lr,
                metric=metric,
                target=target,
            ),
            Reason.of("advise.why.resources.device"),
        ]
    out = []
    if len(pick.ties) > 1:
        out.append(
            Reason.of(
                "advise.why.time_range",
                sizes=_list(pick.ties),
                best=fastest.batch_size,
                best_seconds=fastest.seconds_to_target,
                best_steps=fastest.steps_to_target,
                step_ms=1e3 * fastest.step_seconds,
                metric=metric,
                target=target,
            )
        )
    if pick.by_steps_only:
        out.append(
            Reason.of(
                "advise.why.scale_small",
                b=fastest.batch_size,
                seconds=fastest.seconds_to_target,
                limit=MEANINGFUL_SECONDS,
            )
        )
    if pick.rule == "fit":
        cap, lo, hi = pick.cap
        out.append(
            Reason.of(
                "advise.why.pick.fit",
                b=row.batch_size,
                steps=row.steps_to_target,
                lr=row.best_lr,
                limit=CUT_LIMIT,
                cap=cap,
                cap_lo=f"{lo:,.0f}" if lo is not None else "?",
                cap_hi=f"{hi:,.0f}" if hi is not None else "∞",
            )
        )
    else:
        out += _walk_reasons(advice, row)
    out += _draws_reasons(pick)
    out.append(Reason.of("advise.why.resources.device"))
    return out


def _draws_reasons(pick: Pick) -> list[Reason]:
    if not pick.draws:
        return []
    shares = dict(pick.draws)
    given = ", ".join(
        f"B = {b} {share:.0%}" if share >= 0.01 else f"B = {b} <1%" for b, share in pick.draws
    )
    lo, hi = pick.pick_range
    fields = {"draws": DRAWS, "given": given, "b": pick.batch_size, "lo": lo, "hi": hi}
    fields |= {"share": shares[pick.batch_size], "point": pick.point, "least": DRAW_SHARE}
    key = "advise.why.pick.draws" if pick.point == pick.batch_size else "advise.why.pick.moved"
    out = [Reason.of(key, **fields)]
    if lo != hi:
        out.append(Reason.of("advise.why.pick.close", **fields))
    return out


def _walk_reasons(advice: Advice, row: SizeRow) -> list[Reason]:
    pick, out = advice.time, []
    clearly = math.exp(-2 * advice.rel_error)
    if pick.cut_from is not None:
        prev = advice.row(pick.cut_from)
        out.append(_versus("advise.why.pick.cut", row, prev, "prev", clearly, lr=row.best_lr))
    if pick.stalled_at is not None:
        nxt = advice.row(pick.stalled_at)
        out.append(_versus("advise.why.pick.stalled", row, nxt, "next", clearly))
    else:
        out.append(Reason.of("advise.why.pick.largest", b=row.batch_size))
    return out


def _versus(key: str, row: SizeRow, other: SizeRow, side: str, clearly: float, **extra) -> Reason:
    """A sentence setting ROW's steps against OTHER's, the size below it (SIDE 'prev') or above
    it ('next'): the ratio is always the larger size's steps over the smaller's."""
    small, large = (other, row) if side == "prev" else (row, other)
    return Reason.of(
        key,
        b=row.batch_size,
        steps=row.steps_to_target,
        **{side: other.batch_size, f"{side}_steps": other.steps_to_target},
        ratio=large.steps_to_target / small.steps_to_target,
        clearly=clearly,
        **extra,
    )


def to_json(advice: Advice) -> dict:
    """The CLI's `--json` (reasons are added in words by the caller)."""
    rows = []
    for r in advice.rows:
        row = asdict(r)
        row.pop("trials")
        row.pop("repeat")
        row["repeat_steps"] = r.repeat.steps_to_target if r.repeat else None
        row["repeat_run_id"] = r.repeat.run_id if r.repeat else None
        row["lrs_tried"] = list(r.lrs_tried)
        row["steps_by_lr"] = [t.steps_to_target for t in r.trials]
        row["run_ids"] = [t.run_id for t in r.trials]
        rows.append(row)
    feasible = advice.feasibility
    return {
        "sweep_id": advice.sweep_id,
        "target_metric": advice.spec.target_metric,
        "target": advice.pilot.target,
        "target_from": advice.pilot.target_from,
        "rows": rows,
        "recommended_batch_size": advice.recommended_batch_size,
        "recommended_lr": advice.recommended_lr,
        "time_ties": list(advice.time.ties),
        "fastest_batch_size": advice.time.best,
        "pick_cut_from": advice.time.cut_from,
        "pick_stalled_at": advice.time.stalled_at,
        "pick_rule": advice.time.rule,
        "pick_cap": list(advice.time.cap),
        "pick_by_steps_only": advice.time.by_steps_only,
        "pick_range": list(advice.time.pick_range) if advice.time.pick_range else None,
        "pick_draws": [list(d) for d in advice.time.draws],
        "point_batch_size": advice.time.point,
        "b_simple_at": list(advice.b_simple_at) if advice.b_simple_at else None,
        "resources_batch_size": advice.resources.batch_size,
        "resources_ties": list(advice.resources.ties),
        "max_feasible_batch_size": feasible.max_batch_size,
        "feasible_limited_by": feasible.limited_by,
        "peak_memory_mb": feasible.peak_mb,
        "memory_cap_mb": feasible.cap_mb,
        "knee": asdict(advice.knee) if advice.knee else None,
        "critical_batch": advice.fit.to_dict() if advice.fit else None,
        "b_simple": advice.b_simple,
        "b_simple_interval": list(advice.b_simple_interval) if advice.b_simple_interval else None,
        "relative_error": advice.rel_error,
        "seed_noise": advice.seed_noise,
        "skipped": list(advice.skipped),
        "stopped": advice.stopped,
        "seconds": advice.seconds,
        "base_batch_size": advice.spec.base.batch_size,
        "base_lr": advice.spec.base.lr,
    }
