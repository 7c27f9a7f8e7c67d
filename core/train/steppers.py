"""How a chunk of steps runs: one class per backend behind one protocol.

- `TFStepper`: a `tf.function` with a dynamic [steps, batch] signature (one trace serves every
  chunk length), gathering each batch by index from data kept on the device.
- `JaxStepper`: `jax.jit` of a `fori_loop` over a device-resident window of the feed (one
  compiled shape per run), Keras 3's stateless API.
- `KerasFitStepper`: stock `model.fit`, one epoch at a time, for comparison.

Every stepper takes weighted rows (`feed.Steps`): a padded partial batch costs no new shape,
so nothing compiles once `warm()` has run, and the training clock measures training alone.
With `micro` > 1 a step also splits its batch into `micro` equal micro-batches and returns the
mean of their squared gradient norms and the squared norm of their mean (the noise scale's two
measurements); the optimizer still applies the whole batch's mean gradient.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.errors import InputError
from core.train.feed import Feed, Steps

MAX_CHUNK_STEPS = 4096
UNROLL = 4  # TF: steps per XLA call
EVAL_BATCH = 4096
# Training data above this stays in host memory and is streamed chunk by chunk.
RESIDENT_BYTES = 1 << 30
# A window of the feed stays on the device: at most this many sample indices (4 MB).
WINDOW_ENTRIES = 1 << 20


@dataclass(frozen=True)
class StepOut:
    """Per step: loss, accuracy, and the noise-scale norms (NaN where not measured)."""

    losses: np.ndarray
    accuracies: np.ndarray
    small_sq: np.ndarray  # mean over micro-batches of |g_micro|²
    big_sq: np.ndarray  # |mean of the micro-batch gradients|² = |g_batch|²


class Stepper(Protocol):
    stream: bool

    def begin(self, feed: Feed, x, y, eval_size: int) -> bool:
        """Set the run's data; compile every shape it will need. True if nothing compiled."""

    def max_count(self, first: int) -> int: ...

    def run(self, steps: Steps) -> StepOut: ...

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]: ...

    def sync_to_model(self) -> None: ...


def padded(x: np.ndarray, y: np.ndarray, size: int):
    """(x, y) in pieces of `size` rows, the last padded with zeros; weights mark real rows."""
    for start in range(0, len(x), size):
        xb, yb = x[start : start + size], y[start : start + size]
        w = np.ones(size, dtype=np.float32)
        if len(xb) < size:
            pad = size - len(xb)
            w[len(xb) :] = 0.0
            xb = np.concatenate([xb, np.zeros((pad, *xb.shape[1:]), xb.dtype)])
            yb = np.concatenate([yb, np.zeros((pad, *yb.shape[1:]), yb.dtype)])
        yield xb, yb, w


def _moments(fn, x: np.ndarray, y: np.ndarray, piece: int):
    total, sq = None, 0.0
    for start in range(0, len(x), piece):
        g_sum, g_sq = fn(x[start : start + piece], y[start : start + piece])
        g_sum = np.asarray(g_sum, np.float64)
        total = g_sum if total is None else total + g_sum
        sq += float(g_sq)
    return total, sq


def _window(batch_size: int) -> int:
    """Rows of the feed kept on the device for batches of `batch_size`: not sized by the run's
    length, so runs of other lengths (a warm-up step, a sweep's budgets) share the shape."""
    return max(1, min(MAX_CHUNK_STEPS, WINDOW_ENTRIES // batch_size))


class _Fused:
    """What both compiled steppers share: a device-resident window of the feed, data placement,
    evaluation in padded pieces. A backend supplies `_build`, `_device`, `_call` and `_eval`.

    One compiled shape per run: the window is [W, B] sample indices and weights, and a call runs
    `count` of its rows from `start` in a loop inside the compiled function.
    """

    def __init__(self, model, optimizer, loss_fn, classify: bool, micro: int = 1) -> None:
        self.model, self.optimizer, self.loss_fn = model, optimizer, loss_fn
        self.classify, self.micro = classify, micro
        self.eval_size = 1
        self.stream = False
        self._compiled: set[tuple] = set()
        optimizer.build(model.trainable_variables)
        self._build()

    def _build(self) -> None:
        """The backend's compiled functions (traced lazily: nothing compiles here)."""
        raise NotImplementedError

    def begin(self, feed: Feed, x, y, eval_size: int) -> bool:
        batch_sizes = feed.schedule.batch_size_values()  # a ramp: one compiled step each
        for batch in batch_sizes:
            _check_micro_split(batch, self.micro)
        # Too big to keep on the device: keep it in host memory and gather each chunk's rows.
        self.stream = x.nbytes + y.nbytes > RESIDENT_BYTES
        self.host = (x, y)
        if not self.stream:
            self.x, self.y = self._device(x), self._device(y)
        self.feed, self.eval_size = feed, eval_size
        self._on_begin()
        self._window_first = None
        reused = True
        for batch in batch_sizes:
            window = _window(batch)
            shapes = (window, batch, x.shape[1:], y.shape[1:], len(x), eval_size, self.stream)
            if shapes in self._compiled:
                continue
            # Compile every shape the run will use, running nothing: 0 steps, and an evaluation
            # of padding only. (Streamed data compiles one shape per chunk-length bucket.)
            if not self.stream:
                idx = self._device(np.zeros((window, batch), np.int32))
                w = self._device(np.zeros((window, batch), np.float32))
                self._call(idx, w, 0, 0, self.x, self.y)
                self._run_once_untouched(idx)
            zx = np.zeros((eval_size, *x.shape[1:]), x.dtype)
            zy = np.zeros((eval_size, *y.shape[1:]), y.dtype)
            self._eval(zx, zy, np.zeros(eval_size, np.float32))
            self._compiled.add(shapes)
            reused = False
        self.compiled_batch_sizes = len(batch_sizes)
        return reused

    @staticmethod
    def _shapes(feed: Feed, x, y, eval_size: int) -> list[tuple]:
        """The compiled shapes a run needs: one per distinct B (a ramp has several)."""
        stream = x.nbytes + y.nbytes > RESIDENT_BYTES
        return [
            (_window(batch), batch, x.shape[1:], y.shape[1:], len(x), eval_size, stream)
            for batch in feed.schedule.batch_size_values()
        ]

    def compiled_for(self, feed: Feed, x, y, eval_size: int) -> bool:
        """Whether `begin` with these would find every shape compiled (nothing to wait for)."""
        return all(shape in self._compiled for shape in self._shapes(feed, x, y, eval_size))

    def release(self) -> None:
        """Drop the last run's data (kept for reuse, a stepper holds only its compiled code and
        weights)."""
        self.x = self.y = self.host = self._idx = self._w = self.feed = None
        self._window_first = None

    def _on_begin(self) -> None:
        """A backend's own set-up for a run (JAX: read the state out of the Keras variables)."""

    def _run_once_untouched(self, idx) -> None:
        """Backends that compile on first execution run one step here, leaving no trace."""

    def _load_window(self, first: int) -> None:
        self.window = _window(self.feed.batch_size_at(first))
        steps = self.feed.take(first, min(self.window, self.feed.max_count(first)))
        pad = self.window - steps.count
        self._idx = self._device(np.pad(steps.idx, ((0, pad), (0, 0))))
        self._w = self._device(np.pad(steps.weights, ((0, pad), (0, 0))))
        self._window_first, self._window_count = first, steps.count

    def _in_window(self, first: int) -> bool:
        w0 = self._window_first
        return w0 is not None and w0 <= first < w0 + self._window_count

    def max_count(self, first: int) -> int:
        if not self._in_window(first):
            return min(_window(self.feed.batch_size_at(first)), self.feed.max_count(first))
        return self._window_first + self._window_count - first

    def run(self, steps: Steps) -> StepOut:
        if self.stream:  # this chunk's rows, gathered on the host, indexed 0..k−1
            rows = 1 << max(0, math.ceil(math.log2(steps.count)))  # few shapes: powers of two
            flat = steps.idx.reshape(-1)
            idx = np.arange(len(flat), dtype=np.int32).reshape(steps.idx.shape)
            pad = ((0, rows - steps.count), (0, 0))
            xs = np.zeros((rows * idx.shape[1], *self.host[0].shape[1:]), self.host[0].dtype)
            ys = np.zeros((rows * idx.shape[1], *self.host[1].shape[1:]), self.host[1].dtype)
            xs[: len(flat)], ys[: len(flat)] = self.host[0][flat], self.host[1][flat]
            out = self._call(
                self._device(np.pad(idx, pad)),
                self._device(np.pad(steps.weights, pad)),
                0,
                steps.count,
                self._device(xs),
                self._device(ys),
            )
        else:
            if not self._in_window(steps.first) or self.max_count(steps.first) < steps.count:
                self._load_window(steps.first)
            start = steps.first - self._window_first
            out = self._call(self._idx, self._w, start, steps.count, self.x, self.y)
        return StepOut(*(np.asarray(o)[: steps.count] for o in out))

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Mean loss and accuracy over (x, y), in padded pieces of one compiled shape."""
        if not len(x):
            return float("nan"), float("nan")
        total_loss = total_acc = 0.0
        for xb, yb, w in padded(x, y, self.eval_size):
            loss, acc = self._eval(xb, yb, w)
            total_loss += float(loss) * float(w.sum())
            total_acc += float(acc) * float(w.sum())
        return total_loss / len(x), total_acc / len(x)

    def frozen_norms(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(small_sq, big_sq) of each batch of IDX ([k, B] int32 indices into the training set)
        at the current weights: each step is undone before the next, so all k measure one
        point of the loss surface. Through the run's own compiled step (no new shape); None
        for streamed data or without micro-batches."""
        if self.stream or self.micro < 2:
            return None
        saved = self._snapshot()
        rows = np.zeros((self.window, idx.shape[1]), np.int32)
        w = np.zeros((self.window, idx.shape[1]), np.float32)
        w[0] = 1.0
        weights = self._device(w)
        small, big = [], []
        try:
            for batch in idx:
                rows[0] = batch
                out = self._call(self._device(rows), weights, 0, 1, self.x, self.y)
                small.append(float(np.asarray(out[2])[0]))
                big.append(float(np.asarray(out[3])[0]))
                self._restore(saved)
        finally:
            self._restore(saved)
        return np.asarray(small), np.asarray(big)

    def _snapshot(self):
        variables = [*self.model.variables, *self.optimizer.variables]
        return variables, [np.array(v.numpy()) for v in variables]

    def _restore(self, saved) -> None:
        for var, value in zip(*saved, strict=True):
            var.assign(value)

    def set_lr(self, lr: float) -> None:
        """The learning rate of the steps that follow (warm-up changes it between chunks)."""
        self.optimizer.learning_rate = float(lr)

    def reset(self, seed: int, lr: float) -> None:
        """Reuse the compiled functions for a new run: fresh weights and optimizer state."""
        from core.train import models

        models.reset_weights(self.model, seed)
        for var in self.optimizer.variables:
            var.assign(np.zeros(tuple(var.shape), dtype=var.dtype))
        self.optimizer.learning_rate = float(lr)


def _check_micro_split(batch_size: int, micro: int) -> None:
    if micro > 1 and batch_size % micro:
        raise InputError(
            "`batch_size` must be a multiple of {micro} to split it into {micro} micro-batches, "
            "got {batch_size}.",
            micro=micro,
            batch_size=batch_size,
        )


def _binary_threshold(loss_fn) -> float:
    """Where a single output unit splits class 1 from 0: 0.5 for a probability, 0 for a logit."""
    return 0.0 if getattr(loss_fn, "from_logits", False) else 0.5


def _tf_weighted(loss_fn, classify: bool):
    """(loss, accuracy) of a batch whose rows carry weights (0 for padding)."""
    import tensorflow as tf

    def weighted(yb, pred, wb):
        total = tf.maximum(tf.reduce_sum(wb), 1.0)
        loss = tf.reduce_sum(tf.cast(loss_fn.call(yb, pred), tf.float32) * wb) / total
        if classify:
            if pred.shape[-1] == 1:  # one sigmoid unit (binary cross-entropy): p > threshold
                guess = tf.cast(pred[..., 0] > _binary_threshold(loss_fn), tf.int32)
            else:
                guess = tf.argmax(pred, axis=-1, output_type=tf.int32)
            hit = guess == tf.cast(yb, tf.int32)
            return loss, tf.reduce_sum(tf.cast(hit, tf.float32) * wb) / total
        return loss, tf.constant(0.0)

    return weighted


def _tf_step(model, optimizer, weighted, micro: int):
    """One optimizer step on a batch: (loss, accuracy, small_sq, big_sq), NaN norms unless
    `micro` > 1 splits the batch into micro-batches."""
    import tensorflow as tf

    variables = model.trainable_variables

    def sq(tensors):
        return tf.add_n([tf.reduce_sum(g * g) for g in tensors])

    def step(xb, yb, wb):
        nan = tf.constant(np.nan, tf.float32)
        if micro <= 1:
            with tf.GradientTape() as tape:
                loss, acc = weighted(yb, model(xb, training=True), wb)
            optimizer.apply(tape.gradient(loss, variables), variables)
            return loss, acc, nan, nan

        # The batch's length may be unknown when tracing (a later run's shape retraces with
        # relaxed shapes): split by reshaping, never with the static shape.
        def split(a):
            return tf.reshape(a, tf.concat([[micro, -1], tf.shape(a)[1:]], 0))

        xs, ys, ws = split(xb), split(yb), tf.reshape(wb, [micro, -1])
        size = tf.cast(tf.shape(wb)[0] // micro, tf.float32)
        grads, norms, shares, losses, accs = [], [], [], [], []
        for j in range(micro):
            with tf.GradientTape() as tape:
                loss_j, acc_j = weighted(ys[j], model(xs[j], training=True), ws[j])
            g = tape.gradient(loss_j, variables)
            grads.append(g)
            norms.append(sq(g))
            shares.append(tf.reduce_sum(ws[j]))
            losses.append(loss_j)
            accs.append(acc_j)
        share = tf.stack(shares) / tf.maximum(tf.add_n(shares), 1.0)
        mean = [
            tf.add_n([share[j] * grads[j][k] for j in range(micro)]) for k in range(len(variables))
        ]
        optimizer.apply(mean, variables)
        full = tf.reduce_all(tf.equal(tf.stack(shares), size))
        small = tf.where(full, tf.reduce_mean(tf.stack(norms)), nan)
        big = tf.where(full, sq(mean), nan)
        loss = tf.reduce_sum(share * tf.stack(losses))
        return loss, tf.reduce_sum(share * tf.stack(accs)), small, big

    return step


class TFStepper(_Fused):
    """TensorFlow: one XLA-compiled `tf.function` (jit_compile) loops over the window's rows."""

    def _build(self) -> None:
        import tensorflow as tf

        model = self.model
        weighted = _tf_weighted(self.loss_fn, self.classify)
        step = _tf_step(model, self.optimizer, weighted, self.micro)

        # XLA compiles the step itself (fused kernels); the loop around it stays a plain graph
        # loop: on CPU, XLA's own while loop over gathers ran orders of magnitude slower.
        # XLA fuses a dense model's small kernels; on CPU its convolutions are slower than
        # TensorFlow's own (bench.engine, cnn B=100: 505 steps/s with XLA, 633 without).
        convolutional = any("conv" in type(layer).__name__.lower() for layer in model.layers)

        @tf.function(jit_compile=not convolutional)
        def xla_steps(xs, ys, idx, w, first, end):
            # UNROLL steps per XLA call (rows first .. first + UNROLL − 1 below `end`): the
            # graph loop's per-iteration cost is paid once for several steps.
            def one(row):
                # tf.gather, not idx[row]: a slice start is a compile-time constant to XLA,
                # so slicing would compile once per row
                b = tf.gather(idx, row)
                values = step(tf.gather(xs, b), tf.gather(ys, b), tf.gather(w, row))
                return tf.stack([tf.cast(v, tf.float32) for v in values])

            skipped = tf.fill([4], np.float32(np.nan))
            rows = [
                tf.cond(first + u < end, lambda u=u: one(first + u), lambda: skipped)
                for u in range(UNROLL)
            ]
            return tf.stack(rows)

        @tf.function(reduce_retracing=True)
        def run(idx, w, start, count, xs, ys):
            calls = (count + UNROLL - 1) // UNROLL
            out = tf.TensorArray(tf.float32, size=calls)
            for i in tf.range(calls):
                out = out.write(i, xla_steps(xs, ys, idx, w, start + i * UNROLL, start + count))
            values = tf.reshape(out.stack(), [-1, 4])[:count]
            return tf.unstack(tf.transpose(values))

        @tf.function(reduce_retracing=True)
        def evaluate(xb, yb, wb):
            return weighted(yb, model(xb, training=False), wb)

        self._run_fn, self._eval_fn = run, evaluate

    def _device(self, array: np.ndarray):
        import tensorflow as tf

        return tf.convert_to_tensor(array)

    def _run_once_untouched(self, idx) -> None:
        # XLA compiles the step at its first execution: run steps on zero weights (no
        # gradient), then put every weight and optimizer slot back as it was. A full UNROLL
        # of rows, not one: the first call that runs every unrolled row cost a one-off 13–180 ms
        # more (issue 25 item 10), which would land on the clock of a run's first chunk.
        variables = [*self.model.variables, *self.optimizer.variables]
        saved = [v.numpy() for v in variables]
        zero = self._device(np.zeros(tuple(idx.shape), np.float32))
        self._call(idx, zero, 0, min(UNROLL, int(idx.shape[0])), self.x, self.y)
        for var, value in zip(variables, saved, strict=True):
            var.assign(value)

    def _call(self, idx, w, start: int, count: int, xs, ys):
        import tensorflow as tf

        start, count = tf.constant(start, tf.int32), tf.constant(count, tf.int32)
        return [v.numpy() for v in self._run_fn(idx, w, start, count, xs, ys)]

    def _eval(self, xb, yb, w):
        loss, acc = self._eval_fn(xb, yb, w)
        return float(loss), float(acc)

    def gradient_moments(self, x: np.ndarray, y: np.ndarray, piece: int = 256):
        """(Σ g_i, Σ |g_i|²) over every example's own loss gradient, in float64 sums."""
        import tensorflow as tf

        model, loss_fn = self.model, self.loss_fn
        variables = model.trainable_variables

        @tf.function(reduce_retracing=True)
        def moments(xb, yb):
            def one(args):
                x1, y1 = args
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean(loss_fn.call(y1[None], model(x1[None], training=True)))
                grads = tape.gradient(loss, variables)
                return tf.concat([tf.reshape(g, [-1]) for g in grads], axis=0)

            g = tf.vectorized_map(one, (xb, yb))
            return tf.reduce_sum(g, axis=0), tf.reduce_sum(g * g)

        return _moments(lambda xb, yb: [v.numpy() for v in moments(xb, yb)], x, y, piece)

    def sync_to_model(self) -> None:
        """TensorFlow updates the Keras variables in place."""

    def weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.model.trainable_variables]


class JaxStepper(_Fused):
    """JAX: `jax.jit` of a `fori_loop` over the window's rows, Keras 3's stateless API."""

    def _build(self) -> None:
        import jax
        import jax.numpy as jnp

        model, optimizer, loss_fn = self.model, self.optimizer, self.loss_fn
        classify, micro = self.classify, self.micro

        def weighted(tv, ntv, xb, yb, wb, training):
            pred, ntv = model.stateless_call(tv, ntv, xb, training=training)
            total = jnp.maximum(jnp.sum(wb), 1.0)
            loss = jnp.sum(loss_fn.call(yb, pred).astype(jnp.float32) * wb) / total
            if pred.shape[-1] == 1:  # one sigmoid unit (binary cross-entropy): p > threshold
                guess = (pred[..., 0] > _binary_threshold(loss_fn)).astype(jnp.int32)
            else:
                guess = jnp.argmax(pred, -1)
            hit = (guess == yb.astype(jnp.int32)) if classify else jnp.zeros_like(wb)
            return loss, (jnp.sum(hit.astype(jnp.float32) * wb) / total, ntv)

        grad_fn = jax.value_and_grad(
            lambda tv, ntv, xb, yb, wb: weighted(tv, ntv, xb, yb, wb, True), has_aux=True
        )

        def sq(tree):
            return sum(jnp.sum(g * g) for g in jax.tree_util.tree_leaves(tree))

        def step(state, b, wb, xs, ys):
            tv, ntv, ov = state
            xb, yb = xs[b], ys[b]
            if micro <= 1:
                (loss, (acc, ntv)), grads = grad_fn(tv, ntv, xb, yb, wb)
                small = big = jnp.float32(jnp.nan)
            else:
                split = lambda a: a.reshape(micro, a.shape[0] // micro, *a.shape[1:])  # noqa: E731
                (losses, (accs, ntvs)), parts = jax.vmap(grad_fn, in_axes=(None, None, 0, 0, 0))(
                    tv, ntv, split(xb), split(yb), split(wb)
                )
                shares = jnp.sum(split(wb), axis=1)
                share = shares / jnp.maximum(jnp.sum(shares), 1.0)
                grads = jax.tree_util.tree_map(lambda g: jnp.tensordot(share, g, 1), parts)
                loss, acc = jnp.sum(share * losses), jnp.sum(share * accs)
                ntv = jax.tree_util.tree_map(lambda v: v[0], ntvs)
                full = jnp.all(shares == xb.shape[0] // micro)
                norms = jax.vmap(sq)(parts)
                small = jnp.where(full, jnp.mean(norms), jnp.nan)
                big = jnp.where(full, sq(grads), jnp.nan)
            tv, ov = optimizer.stateless_apply(ov, grads, tv)
            values = (loss, acc, small, big)
            return (tv, ntv, ov), tuple(jnp.asarray(v, jnp.float32) for v in values)

        @jax.jit
        def run_range(state, idx, w, start, count, xs, ys):
            def body(i, carry):
                state, outs = carry
                row = start + i
                b = jax.lax.dynamic_index_in_dim(idx, row, keepdims=False)
                wb = jax.lax.dynamic_index_in_dim(w, row, keepdims=False)
                state, values = step(state, b, wb, xs, ys)
                return state, tuple(o.at[i].set(v) for o, v in zip(outs, values, strict=True))

            zeros = jnp.full((idx.shape[0],), jnp.nan, jnp.float32)
            return jax.lax.fori_loop(0, count, body, (state, (zeros,) * 4))

        @jax.jit
        def evaluate(tv, ntv, xb, yb, wb):
            loss, (acc, _) = weighted(tv, ntv, xb, yb, wb, False)
            return loss, acc

        self._run_range, self._eval_jax = run_range, evaluate

    def _state_from_model(self):
        return (
            [v.value for v in self.model.trainable_variables],
            [v.value for v in self.model.non_trainable_variables],
            [v.value for v in self.optimizer.variables],
        )

    def _on_begin(self) -> None:
        self._state = self._state_from_model()

    def _snapshot(self):
        return self._state  # JAX arrays are immutable: the tuple is the snapshot

    def _restore(self, saved) -> None:
        self._state = saved

    def set_lr(self, lr: float) -> None:
        import jax.numpy as jnp

        tv, ntv, ov = self._state
        at = next(i for i, v in enumerate(self.optimizer.variables) if v.path.endswith("rate"))
        ov = list(ov)
        ov[at] = jnp.asarray(lr, dtype=ov[at].dtype)
        self._state = (tv, ntv, ov)

    def _device(self, array: np.ndarray):
        import jax.numpy as jnp

        return jnp.asarray(array)

    def _call(self, idx, w, start: int, count: int, xs, ys):
        self._state, outs = self._run_range(self._state, idx, w, start, count, xs, ys)
        return outs

    def _eval(self, xb, yb, w):
        loss, acc = self._eval_jax(self._state[0], self._state[1], xb, yb, w)
        return float(loss), float(acc)

    def gradient_moments(self, x: np.ndarray, y: np.ndarray, piece: int = 256):
        """(Σ g_i, Σ |g_i|²) over every example's own loss gradient, in float64 sums."""
        import jax
        import jax.numpy as jnp

        model, loss_fn = self.model, self.loss_fn
        tv, ntv, _ = self._state

        def loss1(tv, x1, y1):
            pred, _ = model.stateless_call(tv, ntv, x1[None], training=True)
            return jnp.mean(loss_fn.call(y1[None], pred))

        @jax.jit
        def moments(xb, yb):
            grads = jax.vmap(jax.grad(loss1), in_axes=(None, 0, 0))(tv, xb, yb)
            flat = jnp.concatenate([g.reshape(g.shape[0], -1) for g in grads], axis=1)
            return jnp.sum(flat, axis=0), jnp.sum(flat * flat)

        return _moments(lambda xb, yb: [np.asarray(v) for v in moments(xb, yb)], x, y, piece)

    def weights(self) -> list[np.ndarray]:
        return [np.asarray(v) for v in self._state[0]]

    def sync_to_model(self) -> None:
        """Write the JAX state back into the Keras variables."""
        tv, ntv, ov = self._state
        for var, value in zip(self.model.trainable_variables, tv, strict=True):
            var.assign(value)
        for var, value in zip(self.model.non_trainable_variables, ntv, strict=True):
            var.assign(value)
        for var, value in zip(self.optimizer.variables, ov, strict=True):
            var.assign(value)


class KerasFitStepper:
    """Stock `model.fit` over one epoch's ordered arrays, step losses recovered.

    Keras 3 logs a running mean of the loss weighted by batch size, so step k's own loss is
    (mean_k · seen_k − mean_{k−1} · seen_{k−1}) / size_k. Runs a whole epoch at its first step
    and hands its steps out in chunks; chunks end at epoch boundaries (`max_count`).
    """

    stream = False

    def __init__(self, model, optimizer, loss_fn, classify: bool) -> None:
        self.model, self.classify = model, classify
        model.compile(optimizer=optimizer, loss=loss_fn, metrics=["accuracy"] if classify else [])
        self._epoch, self._losses, self._accs = -1, [], []

    def begin(self, feed: Feed, x, y, eval_size: int) -> bool:
        self.feed, self.x, self.y = feed, x, y
        return False

    def compiled_for(self, feed: Feed, x, y, eval_size: int) -> bool:
        return False  # `fit` compiles on its first epoch

    def max_count(self, first: int) -> int:
        epoch, in_epoch = self.feed.schedule.locate(first)
        return self.feed.schedule.epoch_steps(epoch) - in_epoch

    def _fit_epoch(self, epoch: int) -> None:
        import keras

        order = self.feed.epoch_order(epoch)
        batch_size = self.feed.schedule.epoch_batch_size(epoch)  # a ramp: this epoch's B
        x, y = self.x[order], self.y[order]
        means, accs, seen = [], [], []

        class Record(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                size = min(batch_size, len(x) - batch * batch_size)
                seen.append((seen[-1] if seen else 0) + size)
                means.append(float(logs["loss"]))
                accs.append(float(logs.get("accuracy", 0.0)))

        self.model.fit(
            x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[Record()]
        )
        m, a, s = (np.asarray(v, dtype=np.float64) for v in (means, accs, seen))
        prev_s = np.concatenate([[0.0], s[:-1]])
        prev_m, prev_a = np.concatenate([[0.0], m[:-1]]), np.concatenate([[0.0], a[:-1]])
        self._losses = (m * s - prev_m * prev_s) / (s - prev_s)
        self._accs = (a * s - prev_a * prev_s) / (s - prev_s)
        self._epoch = epoch

    def run(self, steps: Steps) -> StepOut:
        epoch, start = self.feed.schedule.locate(steps.first)
        if epoch != self._epoch:
            self._fit_epoch(epoch)
        part = slice(start, start + steps.count)
        nan = np.full(steps.count, np.nan)
        return StepOut(self._losses[part], self._accs[part], nan, nan)

    def set_lr(self, lr: float) -> None:
        self.model.optimizer.learning_rate = float(lr)

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        out = self.model.evaluate(x, y, batch_size=EVAL_BATCH, verbose=0, return_dict=True)
        return out["loss"], out.get("accuracy", 0.0)

    def weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.model.trainable_variables]

    def sync_to_model(self) -> None:
        """`fit` trains the Keras variables themselves."""


@functools.cache
def stepper_class(backend: str) -> type:
    if backend == "tensorflow":
        return TFStepper
    if backend == "jax":
        return JaxStepper
    raise InputError(
        "the fused engine supports the tensorflow and jax backends, not {backend!r}: set "
        "KERAS_BACKEND or use --engine keras-fit.",
        backend=backend,
    )
