"""The schedule's batches as fixed-shape index and weight matrices, across epoch boundaries.

A compiled step wants one shape. Every step here is a row of `batch_size` sample indices with a
weight per slot: 1 for a sample that is fed, 0 for the padding that fills the last partial
batch up to `batch_size`. The loss is `sum(w * loss) / sum(w)`, so a padded partial batch gives
exactly the loss and gradient of the real partial batch (no layer here mixes samples: no batch
norm), and one compiled call can run the end of one epoch and the start of the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.schedule.plan import Schedule


@dataclass(frozen=True)
class Steps:
    """Global steps [first, first + count) as fed: indices and weights, both [count, B]."""

    first: int
    idx: np.ndarray  # int32 sample indices into the training set; padding points at sample 0
    weights: np.ndarray  # float32, 1 where a sample is fed, 0 for padding
    epochs: np.ndarray  # epoch of each step
    sizes: np.ndarray  # samples fed at each step

    @property
    def count(self) -> int:
        return len(self.sizes)

    def covers(self, first: int, count: int) -> bool:
        return self.first <= first and first + count <= self.first + self.count

    def part(self, first: int, count: int) -> Steps:
        """Steps [first, first + count) of these, as views (nothing copied)."""
        rows = slice(first - self.first, first - self.first + count)
        return Steps(first, self.idx[rows], self.weights[rows], self.epochs[rows], self.sizes[rows])


class Feed:
    """Global step → (epoch, batch) for a `Schedule`; builds one epoch's matrix at a time.

    With a batch-size ramp each phase's rows are as wide as its B: a block never crosses a
    phase's end (`max_count`), so every block has one width.
    """

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self.steps_per_epoch = schedule.steps_per_epoch  # epoch 0's (a ramp: `locate`)
        self._epoch = -1
        self._idx = self._weights = None
        self._last: Steps | None = None  # the last block built

    def max_count(self, first: int) -> int:
        """Steps from global step `first` to the end of its batch-size phase (of the run)."""
        s = self.schedule
        epoch, _ = s.locate(first)
        return s.epoch_first_step(s.phase_of_epoch(epoch).end_epoch) - first

    def batch_size_at(self, first: int) -> int:
        """The width of the rows from global step `first` on (B of its phase)."""
        return self.schedule.epoch_batch_size(self.schedule.locate(first)[0])

    def _epoch_matrix(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        if epoch != self._epoch:
            s = self.schedule
            order = s.epoch_order(epoch)
            spe, batch_size = s.epoch_steps(epoch), s.epoch_batch_size(epoch)
            padded = np.zeros(spe * batch_size, dtype=np.int32)
            weights = np.zeros(spe * batch_size, dtype=np.float32)
            padded[: len(order)] = order
            weights[: len(order)] = 1.0
            self._idx = padded.reshape(spe, batch_size)
            self._weights = weights.reshape(spe, batch_size)
            self._epoch = epoch
        return self._idx, self._weights

    def epoch_order(self, epoch: int) -> np.ndarray:
        return self.schedule.epoch_order(epoch)

    def take(self, first: int, count: int) -> Steps:
        """Steps first .. first + count − 1 (global numbering, epochs run back to back).

        Steps inside the last block built are a view of it: the engine's chunks come out of the
        window a compiled stepper took for the device (`steppers._Fused`) instead of being built
        a second time.
        """
        if self._last is not None and self._last.covers(first, count):
            return self._last.part(first, count)
        self._last = self._build(first, count)
        return self._last

    def _build(self, first: int, count: int) -> Steps:
        idx_parts, w_parts, epochs = [], [], []
        step = first
        while step < first + count:
            epoch, in_epoch = self.schedule.locate(step)
            n = min(first + count - step, self.schedule.epoch_steps(epoch) - in_epoch)
            idx, weights = self._epoch_matrix(epoch)
            idx_parts.append(idx[in_epoch : in_epoch + n])
            w_parts.append(weights[in_epoch : in_epoch + n])
            epochs.append(np.full(n, epoch, dtype=np.int64))
            step += n
        weights = np.concatenate(w_parts)
        return Steps(
            first,
            np.concatenate(idx_parts),
            weights,
            np.concatenate(epochs),
            weights.sum(axis=1).astype(np.int64),
        )
