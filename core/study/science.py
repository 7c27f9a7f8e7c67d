"""Batch-size science on the user's own model: noise scale, critical batch, throughput.

Who does what:
- `noise_scale_estimates()` turns squared gradient norms measured at two batch sizes into
  unbiased estimates of |G|² and tr(Σ) (McCandlish et al. 2018, appendix A.1);
  `NoiseScaleTracker` smooths numerator and denominator separately (EMA), then divides.
- `measure_noise_scale()` trains on the schedule and, every step, splits the batch into
  micro-batches: the mean of their squared gradient norms is |G_small|², the squared norm of
  their mean is |G_big|² (TensorFlow backend).
- `exact_noise_scale()` computes B_simple = tr(Σ)/|G|² from every per-example gradient, to check
  the estimator on small problems.
- `fit_critical_batch()` fits S = S_min (1 + B_crit / B), i.e. (S/S_min − 1)(E/E_min − 1) = 1
  with E = B·S, by least squares in 1/B.
- `throughput()` measures steady samples/s per batch size on this device.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core.errors import InputError
from core.present.text import t
from core.study.sweep import SweepSpec
from core.train.engine import Reporter, TrainConfig, prepare

EMA_DECAY = 0.95


def noise_scale_estimates(
    g_small_sq: float, g_big_sq: float, b_small: int, b_big: int
) -> tuple[float, float]:
    """Unbiased (|G|², tr Σ) from E|G_B|² = |G|² + tr(Σ)/B measured at B_small < B_big."""
    if not 0 < b_small < b_big:
        raise InputError(
            "need 0 < b_small < b_big, got {b_small} and {b_big}.", b_small=b_small, b_big=b_big
        )
    g2 = (b_big * g_big_sq - b_small * g_small_sq) / (b_big - b_small)
    trace = (g_small_sq - g_big_sq) / (1.0 / b_small - 1.0 / b_big)
    return g2, trace


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


def _flat_grads(tape, loss, variables):
    import tensorflow as tf

    grads = tape.gradient(loss, variables)
    return tf.concat([tf.reshape(g, [-1]) for g in grads], axis=0)


def _micro_batch_norms(model, loss_fn, micro: int):
    """A tf.function: (xb, yb) → (mean |g_i|², |mean g_i|², mean gradient, mean loss)."""
    import tensorflow as tf

    variables = model.trainable_variables

    @tf.function(reduce_retracing=True)
    def norms(xb, yb):
        size = tf.shape(xb)[0] // micro
        flats, losses = [], []
        for i in range(micro):
            xm = xb[i * size : (i + 1) * size]
            ym = yb[i * size : (i + 1) * size]
            with tf.GradientTape() as tape:
                loss = loss_fn(ym, model(xm, training=True))
            flats.append(_flat_grads(tape, loss, variables))
            losses.append(loss)
        stacked = tf.stack(flats)
        mean = tf.reduce_mean(stacked, axis=0)
        small = tf.reduce_mean(tf.reduce_sum(stacked * stacked, axis=1))
        big = tf.reduce_sum(mean * mean)
        return small, big, mean, tf.reduce_mean(tf.stack(losses))

    return norms


def _unflatten(flat, variables):
    import tensorflow as tf

    out, start = [], 0
    for v in variables:
        size = int(np.prod(v.shape))
        out.append(tf.reshape(flat[start : start + size], v.shape))
        start += size
    return out


@dataclass
class NoiseScaleResult:
    b_simple: float
    gradient_norm_sq: float
    trace_sigma: float
    batch_size: int
    b_small: int
    per_epoch: list[dict] = field(default_factory=list)
    per_step: list[dict] = field(default_factory=list)


def check_micro(batch_size: int, micro: int) -> None:
    """The noise-scale measurement splits each batch into `micro` equal micro-batches."""
    if batch_size < 2 * micro or batch_size % micro:
        raise InputError(
            "`batch_size` must be a multiple of {micro} and at least {least} to split it into "
            "{micro} micro-batches, got {batch_size}.",
            micro=micro,
            least=2 * micro,
            batch_size=batch_size,
        )


def measure_noise_scale(
    cfg: TrainConfig, micro: int = 4, every: int = 1, should_stop=lambda: False
) -> NoiseScaleResult:
    """Train on the schedule with plain SGD steps and measure B_simple along the way.

    Each measured step splits its batch (size B) into `micro` micro-batches of B/micro: the
    optimizer applies their mean gradient (the usual step), and the norms give the estimate.
    Partial batches not divisible by `micro` are trained but not measured.
    """
    check_micro(cfg.batch_size, micro)
    from core.train import models
    from core.train.engine import import_keras

    if import_keras().backend.backend() != "tensorflow":
        raise InputError(
            "the noise-scale measurement needs the TensorFlow backend: unset KERAS_BACKEND or set "
            "it to tensorflow."
        )
    prepared = prepare(cfg)
    data, schedule = prepared.data, prepared.schedule
    model = models.build(cfg.model, data.input_shape, max(data.num_classes, 1), seed=cfg.seed)
    optimizer = models.make_optimizer(cfg.optimizer, cfg.lr)
    loss_fn = models.make_loss(data.task)
    variables = model.trainable_variables
    optimizer.build(variables)
    norms = _micro_batch_norms(model, loss_fn, micro)
    x = data.x[: schedule.train_samples]
    y = data.y[: schedule.train_samples]
    b_small = cfg.batch_size // micro
    tracker = NoiseScaleTracker()
    per_step, per_epoch = [], []
    step = 0
    for epoch in range(schedule.epochs):
        losses = []
        for batch in schedule.epoch_batches(epoch):
            if should_stop():
                break
            xb, yb = x[batch], y[batch]
            if len(batch) == cfg.batch_size:
                small, big, mean, loss = norms(xb, yb)
                optimizer.apply(_unflatten(mean, variables), variables)
                if step % every == 0:
                    g2, trace = noise_scale_estimates(
                        float(small), float(big), b_small, cfg.batch_size
                    )
                    tracker.update(g2, trace)
                    per_step.append(
                        {
                            "step": step,
                            "epoch": epoch,
                            "b_simple": tracker.b_simple,
                            "gradient_norm_sq": tracker.gradient_norm_sq,
                            "trace_sigma": tracker.trace_sigma,
                        }
                    )
            else:  # the partial batch trains as usual
                import tensorflow as tf

                with tf.GradientTape() as tape:
                    loss = loss_fn(yb, model(xb, training=True))
                optimizer.apply(tape.gradient(loss, variables), variables)
            losses.append(float(loss))
            step += 1
        per_epoch.append(
            {
                "epoch": epoch,
                "loss": float(np.mean(losses)) if losses else None,
                "b_simple": tracker.b_simple,
                "gradient_norm_sq": tracker.gradient_norm_sq,
                "trace_sigma": tracker.trace_sigma,
            }
        )
        if should_stop():
            break
    return NoiseScaleResult(
        tracker.b_simple,
        tracker.gradient_norm_sq,
        tracker.trace_sigma,
        cfg.batch_size,
        b_small,
        per_epoch,
        per_step,
    )


def exact_noise_scale(model, loss_fn, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(|G|², tr Σ, B_simple) from every per-example gradient at the model's current weights."""
    import tensorflow as tf

    variables = model.trainable_variables
    grads = []
    for i in range(len(x)):
        with tf.GradientTape() as tape:
            loss = loss_fn(y[i : i + 1], model(x[i : i + 1], training=False))
        grads.append(_flat_grads(tape, loss, variables).numpy().astype(np.float64))
    g = np.stack(grads)
    mean = g.mean(axis=0)
    g2 = float(mean @ mean)
    trace = float(((g - mean) ** 2).sum(axis=1).mean())  # population covariance, as in the paper
    return g2, trace, trace / g2


# -- critical batch size ----------------------------------------------------------------------
@dataclass(frozen=True)
class CriticalBatchFit:
    s_min: float  # steps to target with an infinitely large batch
    e_min: float  # samples to target with an infinitely small batch
    b_crit: float  # E_min / S_min
    points: int

    def steps(self, batch_size: float) -> float:
        return self.s_min * (1 + self.b_crit / batch_size)

    def samples(self, batch_size: float) -> float:
        return self.e_min * (1 + batch_size / self.b_crit)


def fit_critical_batch(batch_sizes, steps_to_target) -> CriticalBatchFit:
    """Least squares of S = S_min + E_min / B (the hyperbola (S/S_min−1)(E/E_min−1) = 1)."""
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
    design = np.stack([np.ones_like(b), 1.0 / b], axis=1)
    (s_min, e_min), *_ = np.linalg.lstsq(design, s, rcond=None)
    if s_min <= 0 or e_min <= 0:
        raise InputError(
            "the measured steps do not follow S = S_min(1 + B_crit/B) (a fitted S_min or E_min is "
            "not positive): try a target that every batch size reaches, or more repeats."
        )
    return CriticalBatchFit(float(s_min), float(e_min), float(e_min / s_min), int(len(b)))


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
    bs = np.geomspace(max(b_lo, 1e-3), b_hi, points)
    steps = fit.steps(bs)
    return pd.DataFrame({"batch_size": bs, "steps": steps, "samples": steps * bs})


# -- throughput -------------------------------------------------------------------------------
class _Rates(Reporter):
    def __init__(self) -> None:
        self.steps = 0
        self.seconds = 0.0
        self.samples = 0
        self.first = True

    def chunk(self, chunk, steps_done) -> None:
        if self.first:  # compile time
            self.first = False
            return
        self.steps += len(chunk.losses)
        self.samples += sum(chunk.batch_sizes)
        self.seconds += chunk.seconds


def throughput(
    cfg: TrainConfig, batch_sizes, seconds: float = 1.0, should_stop=lambda: False
) -> list[dict]:
    """Steady samples/s and steps/s of the fused engine per batch size (compile excluded)."""
    from core.train.engine import train

    rows = []
    base = prepare(replace(cfg, batch_size=1))
    n_train = base.schedule.train_samples
    for b in batch_sizes:
        if should_stop():
            break
        if b > n_train:
            rows.append(
                {
                    "batch_size": b,
                    "samples_per_second": None,
                    "steps_per_second": None,
                    "note": f"B > {n_train} training samples",
                }
            )
            continue
        epochs = max(2, math.ceil(4096 / math.ceil(n_train / b)))
        run = replace(cfg, batch_size=b, epochs=min(epochs, 100_000))
        rates = _Rates()
        start = time.perf_counter()
        # `seconds` of steady stepping, counted after the compiling first call
        train(
            prepare(run), rates, should_stop=lambda r=rates: r.seconds >= seconds or should_stop()
        )
        rows.append(
            {
                "batch_size": b,
                "samples_per_second": rates.samples / rates.seconds if rates.seconds else None,
                "steps_per_second": rates.steps / rates.seconds if rates.seconds else None,
                "wall_seconds": time.perf_counter() - start,
            }
        )
    return rows


def time_to_target(fit: CriticalBatchFit, rates: list[dict]) -> pd.DataFrame:
    """Predicted steps, samples and seconds to the target per measured batch size."""
    rows = []
    for r in rates:
        if not r.get("steps_per_second"):
            continue
        b = r["batch_size"]
        steps = fit.steps(b)
        rows.append(
            {
                "batch_size": b,
                "predicted_steps": steps,
                "predicted_samples": steps * b,
                "steps_per_second": r["steps_per_second"],
                "predicted_seconds": steps / r["steps_per_second"],
            }
        )
    return pd.DataFrame(rows)


def powers_of_two(cap: int) -> list[int]:
    return [2**k for k in range(0, int(math.log2(max(cap, 1))) + 1)]


def saturation(rows: list[dict], gain: float = 1.1) -> int | None:
    """The first batch size after which doubling B adds less than `gain`× samples/s."""
    good = [r for r in rows if r.get("samples_per_second")]
    for a, b in itertools.pairwise(good):
        if b["samples_per_second"] < gain * a["samples_per_second"]:
            return int(a["batch_size"])
    return None


def noise_scale_reading(b_simple: float, batch_size: int, lang: str = "en") -> str:
    """The paper's reading of the user's B against the measured noise scale."""
    if not math.isfinite(b_simple) or b_simple <= 0:
        return t("noise.unknown", lang)
    ratio = batch_size / b_simple
    key = "noise.below" if ratio < 0.5 else "noise.above" if ratio > 2 else "noise.close"
    return t(key, lang, b=batch_size, b_noise=f"{b_simple:.0f}")
