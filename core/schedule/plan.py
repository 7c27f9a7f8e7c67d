"""The iteration schedule: which training samples form which batch, epoch by epoch.

`ScheduleSpec` is what the user picks (N, B, E, shuffle, drop_remainder, validation split,
seed). `Schedule` derives every figure from it in O(1) and produces batch membership lazily,
one epoch at a time. The training engine feeds exactly `Schedule.epoch_order`, so what the
Schedule page shows is what the model sees.

Semantics follow Keras 3 `model.fit` on arrays (`keras/src/trainers/data_adapters`):
- validation split: `split_at = floor(n * (1 - validation_split))`; the validation samples are
  the last ones, taken before any shuffling.
- `steps_per_epoch = ceil(train / batch_size)`, the last partial batch kept. With
  `drop_remainder` (tf.data `batch(drop_remainder=True)`, PyTorch `drop_last=True`) it is
  `floor(train / batch_size)` and the remainder is dropped every epoch.
- shuffle `epoch` (Keras `shuffle=True`): a fresh permutation every epoch; `batch` (Keras
  `shuffle="batch"`): batch boundaries fixed, order shuffled inside each batch; `none`.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from core.errors import InputError, check_int

SHUFFLE_MODES = ("none", "epoch", "batch")

# The bounds of every schedule input, defined here once: `ScheduleSpec.validate` enforces them,
# and the Schedule page's widgets and links (core.urlstate) read them from here.
# The figures are O(1) for any n up to MAX_N (10^12: more samples than any dataset holds, and
# every count still an exact integer in a browser's float64).
MAX_N = 10**12
MAX_EPOCHS = 1_000_000
MAX_SEED = 2**32 - 1  # NumPy seeds, and what a Keras/TF/PyTorch seed accepts everywhere
MAX_REPLICAS = 64
MAX_VALIDATION_SPLIT = 0.95
# Gradient accumulation: batches whose gradients are averaged into one optimizer update (Keras 3
# `gradient_accumulation_steps`). 1 means none.
MAX_ACCUMULATION = 1024

# Listing batch membership materialises one index per training sample: above this many the page
# and `epoch_batches` list only batch positions, never indices (a permutation of 10^8 samples
# takes seconds and 400 MB).
MAX_LISTED_SAMPLES = 1_000_000


@dataclass(frozen=True)
class ScheduleSpec:
    """What the user chose. Validate with `validate()` (raises ValueError)."""

    n: int
    batch_size: int
    epochs: int = 1
    drop_remainder: bool = False
    validation_split: float = 0.0
    shuffle: str = "epoch"
    seed: int = 0
    replicas: int = 1  # data-parallel replicas sharing each global batch
    accumulation: int = 1  # batches per optimizer update (Keras `gradient_accumulation_steps`)
    # A batch-size ramp: (epoch, B) pairs, B from that epoch on (`parse_batch_size_schedule`).
    # Empty: `batch_size` every epoch. Non-empty: it decides every epoch's B, and `batch_size`
    # is taken to be its first B.
    batch_size_schedule: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        ramp = self.batch_size_schedule
        if ramp and all(isinstance(p, tuple) and len(p) == 2 for p in ramp):
            object.__setattr__(self, "batch_size", ramp[0][1])

    def validate(self) -> None:
        _check_bounded("n", self.n, 1, MAX_N)
        _check_bounded("epochs", self.epochs, 1, MAX_EPOCHS)
        _check_bounded("replicas", self.replicas, 1, MAX_REPLICAS)
        if self.batch_size_schedule:
            self._validate_ramp()
        _check_bounded("batch_size", self.batch_size, 1, MAX_N)
        _check_bounded("seed", self.seed, 0, MAX_SEED)
        if self.batch_size % self.replicas:
            lower = self.batch_size - self.batch_size % self.replicas
            upper = lower + self.replicas
            options = " or ".join(str(b) for b in (lower, upper) if b >= self.replicas)
            raise InputError(
                "`batch_size`={batch_size} does not split evenly over {replicas} replicas: use a "
                "multiple of {replicas}, e.g. {options}.",
                batch_size=self.batch_size,
                replicas=self.replicas,
                options=options,
            )
        if self.shuffle not in SHUFFLE_MODES:
            raise InputError(
                "`shuffle` must be one of {choices}, got {shuffle!r}.",
                choices=", ".join(SHUFFLE_MODES),
                shuffle=self.shuffle,
            )
        v = self.validation_split
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise InputError(
                "`validation_split` must be a number between 0 and {high}, got {v!r}.",
                high=MAX_VALIDATION_SPLIT,
                v=v,
            )
        if not 0.0 <= v <= MAX_VALIDATION_SPLIT:
            raise InputError(
                "`validation_split` must be between 0 and {high}, got {v}.",
                high=MAX_VALIDATION_SPLIT,
                v=v,
            )
        train = split_at(self.n, v)
        if v > 0 and train == 0:
            raise InputError(
                "`validation_split`={v} leaves 0 training samples out of n={n}: lower the split "
                "or raise n.",
                v=v,
                n=self.n,
            )
        if v > 0 and train == self.n:
            raise InputError(
                "`validation_split`={v} leaves 0 validation samples out of n={n}: raise the split "
                "or n, or set it to 0.",
                v=v,
                n=self.n,
            )
        largest = max([b for _, b in self.batch_size_schedule] or [self.batch_size])
        if self.drop_remainder and largest > train:
            raise InputError(
                "`batch_size`={batch_size} is larger than the {train} training samples, so "
                "drop_remainder leaves no step at all: lower batch_size or turn drop_remainder "
                "off.",
                batch_size=largest,
                train=train,
            )
        self._validate_accumulation(train)

    def _validate_ramp(self) -> None:
        """Each entry: an epoch in [0, epochs), strictly after the one before, the first 0; a B
        at least 1 that the replicas split evenly; with drop_remainder, at most the training set
        (checked per B below)."""
        previous = None
        for epoch, batch_size in self.batch_size_schedule:
            entry = f"{epoch}:{batch_size}"
            check_int("batch_size_schedule epoch", epoch, minimum=0)
            if previous is None and epoch != 0:
                raise InputError(
                    "`batch_size_schedule` must start at epoch 0, got {entry} first: begin with "
                    "an entry for epoch 0, e.g. 0:{batch_size}.",
                    entry=entry,
                    batch_size=batch_size,
                )
            if previous is not None and epoch <= previous:
                raise InputError(
                    "`batch_size_schedule` epochs must increase, got epoch {epoch} after epoch "
                    "{previous}: list each epoch once, in order, e.g. 0:8,2:32.",
                    epoch=epoch,
                    previous=previous,
                )
            if epoch >= self.epochs:
                raise InputError(
                    "`batch_size_schedule` entry {entry} starts at epoch {epoch}, but a run of "
                    "{epochs} epochs ends at epoch {last}: use epochs below {epochs} or raise "
                    "epochs.",
                    entry=entry,
                    epoch=epoch,
                    epochs=self.epochs,
                    last=self.epochs - 1,
                )
            if isinstance(batch_size, int) and batch_size < 1:
                raise InputError(
                    "`batch_size_schedule` entry {entry} has batch size {batch_size}: every "
                    "batch size must be at least 1.",
                    entry=entry,
                    batch_size=batch_size,
                )
            _check_bounded("batch_size", batch_size, 1, MAX_N)
            if batch_size % self.replicas:
                raise InputError(
                    "`batch_size_schedule` entry {entry} does not split evenly over {replicas} "
                    "replicas: make every batch size a multiple of {replicas}.",
                    entry=entry,
                    replicas=self.replicas,
                )
            previous = epoch
        if self.accumulation != 1:
            raise InputError(
                "`accumulation` must be 1 with a `batch_size_schedule`, got {accumulation}: the "
                "schedule itself sets how many samples each update sees.",
                accumulation=self.accumulation,
            )

    def _validate_accumulation(self, train: int) -> None:
        _check_bounded("accumulation", self.accumulation, 1, MAX_ACCUMULATION)
        spe = train // self.batch_size
        if not self.drop_remainder and train % self.batch_size:
            spe += 1
        total = spe * self.epochs
        if self.accumulation > total:
            raise InputError(
                "`accumulation`={accumulation} is more than the {total} iterations of this "
                "schedule, so the optimizer would never update the weights: lower accumulation "
                "to {total} or less, or raise epochs.",
                accumulation=self.accumulation,
                total=total,
            )


def _check_bounded(name: str, value: object, minimum: int, maximum: int) -> None:
    check_int(name, value, minimum=minimum)
    if value > maximum:
        raise InputError(
            "`{name}` must be at most {maximum:,}, got {value:,}: lower it to {maximum:,} or less.",
            name=name,
            maximum=maximum,
            value=value,
        )


def parse_batch_size_schedule(text: str) -> tuple[tuple[int, int], ...]:
    """A batch-size ramp as typed: "0:8,2:32,4:128" → ((0, 8), (2, 32), (4, 128)), B from each
    epoch on; "" → () (no ramp). Checks the syntax only: `ScheduleSpec.validate` checks the
    epochs against E and the batch sizes."""
    text = (text or "").replace("，", ",").replace("：", ":").strip()
    if not text:
        return ()
    entries = []
    for part in text.split(","):
        epoch, sep, batch_size = part.strip().partition(":")
        try:
            entries.append((int(epoch), int(batch_size)))
        except ValueError:
            raise InputError(
                "`batch_size_schedule` entry {entry!r} is not epoch:batch_size in whole numbers: "
                "write it like 0:8,2:32,4:128.",
                entry=part.strip(),
            ) from None
        if not sep:
            raise InputError(
                "`batch_size_schedule` entry {entry!r} is not epoch:batch_size in whole numbers: "
                "write it like 0:8,2:32,4:128.",
                entry=part.strip(),
            )
    return tuple(entries)


def parse_lr_schedule(text: str, epochs: int) -> tuple[tuple[int, float], ...]:
    """Learning-rate steps as typed: "2:0.2,4:0.04" → ((2, 0.2), (4, 0.04)), the lr times that
    factor from each epoch on (1 before the first); "" → (). Epochs must increase and stay below
    `epochs`; factors must be positive."""
    text = (text or "").replace("，", ",").replace("：", ":").strip()
    if not text:
        return ()
    entries: list[tuple[int, float]] = []
    for part in text.split(","):
        epoch, sep, factor = part.strip().partition(":")
        try:
            entry = (int(epoch), float(factor))
        except ValueError:
            entry = None
        if not sep or entry is None or not math.isfinite(entry[1]) or entry[1] <= 0:
            raise InputError(
                "`lr_schedule` entry {entry!r} is not epoch:factor with a whole epoch and a "
                "positive factor: write it like 2:0.2,4:0.04.",
                entry=part.strip(),
            )
        if entries and entry[0] <= entries[-1][0] or not 0 <= entry[0] < epochs:
            raise InputError(
                "`lr_schedule` epochs must increase and lie in 0..{last} for {epochs} epochs, got "
                "{entry!r}.",
                last=epochs - 1,
                epochs=epochs,
                entry=part.strip(),
            )
        entries.append(entry)
    return tuple(entries)


def format_batch_size_schedule(ramp: tuple[tuple[int, int], ...]) -> str:
    """The inverse of `parse_batch_size_schedule`: ((0, 8), (2, 32)) → "0:8,2:32"."""
    return ",".join(f"{epoch}:{batch_size}" for epoch, batch_size in ramp)


@dataclass(frozen=True)
class Phase:
    """Epochs [first_epoch, end_epoch) of a schedule, all at one batch size: their figures."""

    first_epoch: int
    end_epoch: int
    first_step: int  # global step at the start of first_epoch
    batch_size: int
    num_full_batches: int
    partial_batch_size: int
    dropped_samples: int
    steps_per_epoch: int
    samples_per_epoch: int

    @property
    def epochs(self) -> int:
        return self.end_epoch - self.first_epoch

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch


def _phase(train: int, batch_size: int, drop_remainder: bool, first: int, end: int, step: int):
    """The figures of epochs [first, end) at one batch size (Keras names)."""
    full, remainder = divmod(train, batch_size)
    partial, dropped = (0, remainder) if drop_remainder else (remainder, 0)
    return Phase(
        first,
        end,
        step,
        batch_size,
        full,
        partial,
        dropped,
        full + (1 if partial else 0),
        train - dropped,
    )


def split_at(n: int, validation_split: float) -> int:
    """Number of training samples: Keras `train_validation_split`."""
    # Keras: split_at = int(math.floor(batch_dim * (1.0 - validation_split)))
    return int(math.floor(n * (1.0 - validation_split)))


def epoch_rng(seed: int, epoch: int) -> np.random.Generator:
    """The generator for one epoch's order: independent of every other epoch."""
    return np.random.default_rng(np.random.SeedSequence([seed, epoch]))


class Schedule:
    """Figures and batch membership derived from a validated `ScheduleSpec`.

    With a batch-size ramp the epochs fall into phases of one batch size each (`phases`, a few:
    one per ramp entry), and every per-epoch figure is a formula over them: `epoch_batch_size`,
    `epoch_steps`, `epoch_first_step`, `locate`. The single-B attributes (`batch_size`,
    `steps_per_epoch`, `num_full_batches`, ...) then describe epoch 0; `total_steps`,
    `samples_seen` and the update counts cover the whole ramp.
    """

    def __init__(self, spec: ScheduleSpec) -> None:
        spec.validate()
        self.spec = spec
        self.n = spec.n
        self.batch_size = spec.batch_size
        self.epochs = spec.epochs
        self.train_samples = split_at(spec.n, spec.validation_split)
        self.validation_samples = spec.n - self.train_samples
        self.ramp = spec.batch_size_schedule
        self.phases = self._phases()
        self._phase_starts = [p.first_epoch for p in self.phases]
        # Keras names: num_full_batches, partial_batch_size.
        self.num_full_batches = self.train_samples // self.batch_size
        remainder = self.train_samples % self.batch_size
        if spec.drop_remainder:
            self.partial_batch_size = 0
            self.dropped_samples = remainder
        else:
            self.partial_batch_size = remainder
            self.dropped_samples = 0
        self.steps_per_epoch = self.num_full_batches + (1 if self.partial_batch_size else 0)
        self.total_steps = sum(p.steps for p in self.phases)
        self.last_batch_size = self.partial_batch_size or self.batch_size
        self.samples_per_epoch = self.train_samples - self.dropped_samples
        self.samples_seen = sum(p.samples_per_epoch * p.epochs for p in self.phases)
        self.replicas = spec.replicas
        self.per_replica_batch_size = spec.batch_size // spec.replicas
        # Keras 3 gradient accumulation: the optimizer applies the mean of the last K batch
        # gradients on every K-th batch, counting across epoch ends; the last total_steps mod K
        # batches are never applied; a partial batch's gradient weighs as much as a full one's.
        self.accumulation = spec.accumulation
        self.optimizer_updates = self.total_steps // self.accumulation
        self.unapplied_batches = self.total_steps % self.accumulation
        # B is the global batch (already split over the replicas): per replica × replicas × K.
        self.effective_batch_size = self.per_replica_batch_size * self.replicas * self.accumulation
        applied = self.samples_fed(self.optimizer_updates * self.accumulation)
        self.samples_applied = applied
        self.samples_per_update = applied / self.optimizer_updates

    def _phases(self) -> tuple[Phase, ...]:
        ramp = self.ramp or ((0, self.batch_size),)
        ends = [epoch for epoch, _ in ramp[1:]] + [self.epochs]
        phases, step = [], 0
        for (first, batch_size), end in zip(ramp, ends, strict=True):
            phase = _phase(
                self.train_samples, batch_size, self.spec.drop_remainder, first, end, step
            )
            phases.append(phase)
            step += phase.steps
        return tuple(phases)

    def phase_of_epoch(self, epoch: int) -> Phase:
        return self.phases[bisect.bisect_right(self._phase_starts, epoch) - 1]

    def epoch_batch_size(self, epoch: int) -> int:
        """B during `epoch` (0-based)."""
        return self.phase_of_epoch(epoch).batch_size

    def epoch_steps(self, epoch: int) -> int:
        """Iterations of `epoch`: ceil(train / B_e), or floor with drop_remainder."""
        return self.phase_of_epoch(epoch).steps_per_epoch

    def epoch_first_step(self, epoch: int) -> int:
        """The global step (from 0) that starts `epoch`; `epochs` gives `total_steps`."""
        if epoch >= self.epochs:
            return self.total_steps
        p = self.phase_of_epoch(epoch)
        return p.first_step + (epoch - p.first_epoch) * p.steps_per_epoch

    def locate(self, step: int) -> tuple[int, int]:
        """(epoch, step within it) of global step `step`."""
        starts = [p.first_step for p in self.phases]
        p = self.phases[bisect.bisect_right(starts, step) - 1]
        epochs, in_epoch = divmod(step - p.first_step, p.steps_per_epoch)
        return p.first_epoch + epochs, in_epoch

    def epoch_batch_sizes(self) -> list[int]:
        """B of every epoch, in order (E entries: for JSON and small views)."""
        return [p.batch_size for p in self.phases for _ in range(p.epochs)]

    def batch_size_values(self) -> list[int]:
        """The distinct batch sizes (the fused engine compiles one step for each)."""
        return sorted({p.batch_size for p in self.phases})

    def epoch_schedule(self, epoch: int) -> Schedule:
        """A one-B schedule whose `epoch_order(epoch)` and per-epoch figures are this one's for
        `epoch` (itself when there is no ramp): what a view of one epoch draws."""
        if not self.ramp:
            return self
        spec = replace(self.spec, batch_size_schedule=(), batch_size=self.epoch_batch_size(epoch))
        return Schedule(spec)

    def samples_fed(self, steps: int) -> int:
        """Samples fed by the first `steps` global steps (O(phases): the partial batch ends
        each epoch)."""
        total = 0
        for p in self.phases:
            if steps <= 0:
                break
            here = min(steps, p.steps)
            epochs, rest = divmod(here, p.steps_per_epoch)
            total += epochs * p.samples_per_epoch + rest * p.batch_size
            steps -= here
        return total

    def is_update_step(self, step: int) -> bool:
        """Whether global step `step` (from 0) ends with an optimizer update."""
        return (step + 1) % self.accumulation == 0

    def batch_sizes(self) -> list[int]:
        """Sizes of the batches of one epoch (the same every epoch)."""
        sizes = [self.batch_size] * self.num_full_batches
        if self.partial_batch_size:
            sizes.append(self.partial_batch_size)
        return sizes

    def batch_size_at(self, step_in_epoch: int) -> int:
        if step_in_epoch == self.num_full_batches and self.partial_batch_size:
            return self.partial_batch_size
        return self.batch_size

    def epoch_order(self, epoch: int) -> np.ndarray:
        """Training-sample indices in the order they are fed during `epoch` (0-based).

        Only the fed samples: with drop_remainder the dropped tail is left out. Batch `i` is
        `order[i * batch_size : min((i + 1) * batch_size, len(order))]` (B of that epoch).
        """
        if not 0 <= epoch < self.epochs:
            raise InputError(
                "`epoch` must be in [0, {last}], got {epoch}.", last=self.epochs - 1, epoch=epoch
            )
        if self.ramp:
            return self.epoch_schedule(epoch).epoch_order(epoch)
        train = self.train_samples
        dtype = np.int32 if train < 2**31 else np.int64
        mode = self.spec.shuffle
        if mode == "epoch":
            order = epoch_rng(self.spec.seed, epoch).permutation(train).astype(dtype, copy=False)
        else:
            order = np.arange(train, dtype=dtype)
        fed = self.samples_per_epoch
        order = order[:fed]
        if mode == "batch":
            rng = epoch_rng(self.spec.seed, epoch)
            full = self.num_full_batches * self.batch_size
            head = rng.permuted(
                order[:full].reshape(self.num_full_batches, self.batch_size), axis=1
            )
            tail = rng.permutation(order[full:])
            order = np.concatenate([head.reshape(-1), tail]).astype(dtype, copy=False)
        return order

    def epoch_batches(self, epoch: int) -> list[np.ndarray]:
        """The batches of one epoch, each an array of training-sample indices."""
        if self.train_samples > MAX_LISTED_SAMPLES:
            raise InputError(
                "listing batches needs n ≤ {cap:,} training samples, got "
                "{train_samples:,}: lower n to list them.",
                cap=MAX_LISTED_SAMPLES,
                train_samples=self.train_samples,
            )
        if self.ramp:
            return self.epoch_schedule(epoch).epoch_batches(epoch)
        order = self.epoch_order(epoch)
        return [
            order[i * self.batch_size : min((i + 1) * self.batch_size, len(order))]
            for i in range(self.steps_per_epoch)
        ]

    def replica_shards(self, batch: np.ndarray) -> list[np.ndarray]:
        """How one global batch is split over the replicas: contiguous, in order, as even as
        possible (a partial batch gives the first replicas one sample more)."""
        return [np.asarray(part) for part in np.array_split(batch, self.replicas)]

    @cached_property
    def validation_indices(self) -> range:
        return range(self.train_samples, self.n)

    def summary(self) -> dict:
        """The JSON-ready figures (the CLI's contract)."""
        s = self.spec
        return {
            "n": s.n,
            "batch_size": s.batch_size,
            "epochs": s.epochs,
            "drop_remainder": s.drop_remainder,
            "validation_split": s.validation_split,
            "shuffle": s.shuffle,
            "seed": s.seed,
            "train_samples": self.train_samples,
            "validation_samples": self.validation_samples,
            "steps_per_epoch": self.steps_per_epoch,
            "total_steps": self.total_steps,
            "full_batches_per_epoch": self.num_full_batches,
            "partial_batch_size": self.partial_batch_size,
            "last_batch_size": self.last_batch_size,
            "dropped_samples": self.dropped_samples,
            "samples_per_epoch": self.samples_per_epoch,
            "samples_seen": self.samples_seen,
            "replicas": self.replicas,
            "per_replica_batch_size": self.per_replica_batch_size,
            "accumulation": self.accumulation,
            "optimizer_updates": self.optimizer_updates,
            "effective_batch_size": self.effective_batch_size,
            "unapplied_batches": self.unapplied_batches,
            "samples_per_update": self.samples_per_update,
            **self._ramp_summary(),
        }

    def _ramp_summary(self) -> dict:
        """With a ramp: the ramp, B per epoch, its phases and the distinct batch sizes."""
        if not self.ramp:
            return {"batch_size_schedule": None}
        return {
            "batch_size_schedule": [list(entry) for entry in self.ramp],
            "epoch_batch_sizes": self.epoch_batch_sizes(),
            "distinct_batch_sizes": self.batch_size_values(),
            "phases": [
                {
                    "first_epoch": p.first_epoch,
                    "epochs": p.epochs,
                    "batch_size": p.batch_size,
                    "steps_per_epoch": p.steps_per_epoch,
                    "partial_batch_size": p.partial_batch_size,
                    "dropped_samples": p.dropped_samples,
                    "first_step": p.first_step,
                    "steps": p.steps,
                }
                for p in self.phases
            ],
        }


def setting_label(batch_size: int, accumulation: int = 1) -> str:
    """A batch setting as runs and charts name it: "B=32", or "B=32×K=4" when K batches make
    one optimizer update."""
    return f"B={batch_size}×K={accumulation}" if accumulation > 1 else f"B={batch_size}"
