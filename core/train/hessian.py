"""Hessian-vector products of a model's training loss: one class per backend behind one protocol.

- `TFHessian`: double backprop (a `tf.GradientTape` inside another) in one `tf.function`.
- `JaxHessian`: forward-over-reverse, `jax.jvp` of `jax.grad`, through Keras 3's stateless API.

Both compute H·v for the loss the engine trains on (`loss_fn` with per-sample weights, as the
fused steppers' `weighted`), over a whole data set: the set is cut into pieces of one fixed
shape (the last padded with zero weights), each piece gives the Hessian of its *summed* loss,
and the total is divided by the number of samples. So the result is the Hessian of the mean
loss over the set, whatever the pieces; no piece's mean is weighted wrongly.

The model is called with `training=False`: dropout and batch normalisation take their
deterministic inference path, so the loss is one function of the weights. Vectors are flat
float64 NumPy arrays over the trainable weights, in `model.trainable_variables` order.
"""

from __future__ import annotations

import functools
from typing import Protocol

import numpy as np

from core.errors import InputError
from core.train.steppers import padded  # (x, y, weights) in pieces, the last zero-padded

HVP_PIECE = 1024  # rows per Hessian-vector call (one compiled shape)


class Hessian(Protocol):
    size: int  # number of trainable weights

    def hvp(self, v: np.ndarray) -> np.ndarray:
        """H·v over the data set (flat float64 in, flat float64 out)."""

    def loss(self) -> float:
        """The mean loss over the data set at the current weights."""


class _Base:
    """What both backends share: the data in pieces, flat vectors to and from weight shapes."""

    def __init__(self, model, loss_fn, x: np.ndarray, y: np.ndarray, piece: int = HVP_PIECE):
        self.model, self.loss_fn, self.piece = model, loss_fn, piece
        self.shapes = [tuple(v.shape) for v in model.trainable_variables]
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self.size = int(sum(self.sizes))
        self._build()
        self.use(x, y)

    def _build(self) -> None:
        """The backend's compiled functions (traced on first use, then reused by `use`)."""
        raise NotImplementedError

    def use(self, x: np.ndarray, y: np.ndarray) -> None:
        """Measure over (x, y) at the model's current weights (a later run's, with the same
        compiled functions: nothing retraces for data of the same shapes)."""
        if not len(x):
            raise InputError("the Hessian needs at least one training sample, got none.")
        self.n = len(x)
        self.pieces = list(padded(x, y, max(1, min(self.piece, len(x)))))
        self._read_weights()

    def _read_weights(self) -> None:
        """Backends that pass the weights in (JAX) read them from the model here."""

    def _split(self, v: np.ndarray) -> list[np.ndarray]:
        parts = np.split(np.asarray(v, np.float32), np.cumsum(self.sizes)[:-1])
        return [p.reshape(s) for p, s in zip(parts, self.shapes, strict=True)]

    def _flat(self, parts) -> np.ndarray:
        return np.concatenate([np.asarray(p, np.float64).reshape(-1) for p in parts])

    def hvp(self, v: np.ndarray) -> np.ndarray:
        total = np.zeros(self.size, np.float64)
        vs = self._split(v)
        for xb, yb, wb in self.pieces:
            total += self._flat(self._piece_hvp(xb, yb, wb, vs))
        return total / self.n

    def loss(self) -> float:
        return sum(float(self._piece_loss(xb, yb, wb)) for xb, yb, wb in self.pieces) / self.n


class TFHessian(_Base):
    """TensorFlow: the gradient of (∇L · v), with an outer tape around the inner one."""

    def _build(self) -> None:
        import tensorflow as tf

        model, loss_fn = self.model, self.loss_fn
        variables = model.trainable_variables
        zero = tf.UnconnectedGradients.ZERO

        def summed(xb, yb, wb):
            pred = model(xb, training=False)
            return tf.reduce_sum(tf.cast(loss_fn.call(yb, pred), tf.float32) * wb)

        @tf.function(reduce_retracing=True)
        def piece_hvp(xb, yb, wb, vs):
            with tf.GradientTape() as outer:
                with tf.GradientTape() as inner:
                    loss = summed(xb, yb, wb)
                grads = inner.gradient(loss, variables, unconnected_gradients=zero)
                dot = tf.add_n([tf.reduce_sum(g * v) for g, v in zip(grads, vs, strict=True)])
            return outer.gradient(dot, variables, unconnected_gradients=zero)

        self._hvp_fn = piece_hvp
        self._loss_fn = tf.function(summed, reduce_retracing=True)

    def _piece_hvp(self, xb, yb, wb, vs):
        return [t.numpy() for t in self._hvp_fn(xb, yb, wb, vs)]

    def _piece_loss(self, xb, yb, wb):
        return self._loss_fn(xb, yb, wb).numpy()


class JaxHessian(_Base):
    """JAX: `jax.jvp` of `jax.grad` (forward-over-reverse) through `model.stateless_call`."""

    def _build(self) -> None:
        import jax
        import jax.numpy as jnp

        model, loss_fn = self.model, self.loss_fn

        def summed(tv, ntv, xb, yb, wb):
            pred, _ = model.stateless_call(tv, ntv, xb, training=False)
            return jnp.sum(loss_fn.call(yb, pred).astype(jnp.float32) * wb)

        @jax.jit
        def piece_hvp(tv, ntv, xb, yb, wb, vs):
            grad = jax.grad(summed)
            return jax.jvp(lambda t: grad(t, ntv, xb, yb, wb), (tv,), (vs,))[1]

        self._hvp_fn, self._loss_fn = piece_hvp, jax.jit(summed)

    def _read_weights(self) -> None:
        self._tv = [v.value for v in self.model.trainable_variables]
        self._ntv = [v.value for v in self.model.non_trainable_variables]

    def _piece_hvp(self, xb, yb, wb, vs):
        return self._hvp_fn(self._tv, self._ntv, xb, yb, wb, vs)

    def _piece_loss(self, xb, yb, wb):
        return self._loss_fn(self._tv, self._ntv, xb, yb, wb)


@functools.cache
def hessian_class(backend: str) -> type:
    if backend == "tensorflow":
        return TFHessian
    if backend == "jax":
        return JaxHessian
    raise InputError(
        "sharpness is measured on the tensorflow and jax backends, not {backend!r}: set "
        "KERAS_BACKEND to one of them.",
        backend=backend,
    )


def for_stepper(stepper, x: np.ndarray, y: np.ndarray) -> Hessian:
    """The Hessian of STEPPER's training loss over (x, y) at the model's current weights (the
    engine syncs the stepper's state into the model before a probe runs)."""
    from core.train.devices import import_keras

    loss_fn = getattr(stepper, "loss_fn", None) or stepper.model.loss
    kept = _KEPT.get(id(stepper))
    if kept is not None and kept.model is stepper.model and kept.loss_fn is loss_fn:
        kept.use(x, y)  # a reused stepper (a sweep's next run): its functions are traced
        return kept
    hessian = hessian_class(import_keras().backend.backend())(stepper.model, loss_fn, x, y)
    _KEPT.clear()  # one at a time: the engine keeps few steppers, and only one measures
    _KEPT[id(stepper)] = hessian
    return hessian


# The last stepper's Hessian, so a sweep's runs (which reuse one compiled stepper) trace the
# Hessian-vector product once. Keyed by id, checked against the model it holds.
_KEPT: dict[int, _Base] = {}
