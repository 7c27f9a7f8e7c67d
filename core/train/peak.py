"""What this device can do at best: dense-matmul FLOP/s and memory bandwidth, measured once.

Measured through the Keras backend that trains (JAX or TensorFlow, on the device it picks and
with the threads it was given), so a training step's share of the peak compares like with like:
- FLOP/s: the best of several float32 square matmuls (2·n³ FLOPs each) at a few sizes, the
  largest sized so that one product takes a few milliseconds (up to 1024 on a CPU, 8192 on a
  GPU, where the backend's default precision lets float32 products run on TF32 tensor cores;
  `dtype` says which).
- Bandwidth: the best of several passes of y = 2·x over an array too big for the caches
  (64 MB on a CPU, 1 GB on a GPU): one read and one write per element.
- The ridge point, FLOP/s ÷ bytes/s, is the arithmetic intensity (FLOPs per byte moved) above
  which a step can be compute-bound.

The figure is cached for the process (`measure()`); on a CPU it takes about a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from core.train.devices import describe_device, import_keras


@dataclass(frozen=True)
class DevicePeak:
    flops: float  # FLOP/s, dense float32 matmul
    bandwidth: float  # bytes/s, streaming read + write
    dtype: str  # what the products ran in: float32, or tf32 (float32 that a GPU may run as TF32)
    device: str  # core.train.devices.describe_device()
    matmul_size: int  # n of the n×n product that gave `flops`
    seconds: float  # the measurement's own wall time

    @property
    def ridge(self) -> float:
        """FLOPs per byte at which compute and memory take the same time."""
        return self.flops / self.bandwidth

    def to_dict(self) -> dict:
        return {**asdict(self), "ridge": self.ridge}


_CACHED: DevicePeak | None = None
_LOCK = threading.Lock()


def measure(again: bool = False) -> DevicePeak:
    """This process's device peak, measured on the first call (about 1 s on an idle CPU).

    AGAIN: measure once more and keep the better of the two figures (a busy machine can make one
    measurement low; a training step faster than the "peak" says so).
    """
    global _CACHED
    with _LOCK:
        if _CACHED is None or again:
            fresh = _measure()
            if _CACHED is not None and _CACHED.flops > fresh.flops:
                fresh = replace(fresh, flops=_CACHED.flops, matmul_size=_CACHED.matmul_size)
            if _CACHED is not None and _CACHED.bandwidth > fresh.bandwidth:
                fresh = replace(fresh, bandwidth=_CACHED.bandwidth)
            _CACHED = fresh
        return _CACHED


def _best(run: Callable[[], None], repeats: int, budget: float) -> float:
    """Best wall time of REPEATS calls of RUN (at least 2), stopping early past BUDGET s."""
    run()  # compile, allocate
    best = float("inf")
    t_end = time.perf_counter() + budget
    for i in range(max(repeats, 2)):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
        if i >= 1 and time.perf_counter() > t_end:
            break
    return best


def _measure() -> DevicePeak:
    keras = import_keras()
    device = describe_device()
    on_gpu = not device.startswith("CPU")
    backend = _JaxOps() if keras.backend.backend() == "jax" else _TFOps()
    # On a CPU the backend may train on fewer threads than the cores (TensorFlow leaves one to
    # the app), while XLA's compiled steps use them all: NumPy's BLAS on every core is measured
    # too, and the better of the two is the device's peak.
    candidates = [backend] if on_gpu else [backend, _NumpyOps()]
    t0 = time.perf_counter()
    sizes = (2048, 4096, 8192) if on_gpu else (512, 1024)
    flops, size = 0.0, sizes[0]
    for ops in candidates:
        for n in sizes:
            product = ops.matmul(n)
            seconds = _best(product, repeats=10 if on_gpu else 6, budget=0.5 if on_gpu else 0.2)
            rate = 2.0 * n**3 / seconds
            if rate > flops:
                flops, size = rate, n
            if seconds > 0.1:  # big enough: a larger size would only cost time
                break
    elements = (256 if on_gpu else 16) * 2**20
    bandwidth = 0.0
    for ops in candidates:
        copy = ops.scale(elements)
        seconds = _best(copy, repeats=8, budget=0.5 if on_gpu else 0.15)
        bandwidth = max(bandwidth, 2 * 4 * elements / seconds)
    dtype = "tf32" if on_gpu else "float32"  # a GPU's float32 products may run as TF32
    return DevicePeak(flops, bandwidth, dtype, device, size, time.perf_counter() - t0)


class _NumpyOps:
    """The measurements in NumPy (its BLAS, every core): a CPU's second opinion."""

    def matmul(self, n: int) -> Callable[[], None]:
        import numpy as np

        rng = np.random.default_rng(0)
        a, b = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(2))
        return lambda: a @ b

    def scale(self, elements: int) -> Callable[[], None]:
        import numpy as np

        x, out = np.ones(elements, np.float32), np.empty(elements, np.float32)
        return lambda: np.multiply(x, 2.0, out=out)


class _JaxOps:
    """The measurements as JAX functions on the default device."""

    def matmul(self, n: int) -> Callable[[], None]:
        import jax
        import jax.numpy as jnp

        a = jax.random.normal(jax.random.key(0), (n, n), jnp.float32)
        b = jax.random.normal(jax.random.key(1), (n, n), jnp.float32)
        f = jax.jit(jnp.matmul)
        return lambda: f(a, b).block_until_ready()

    def scale(self, elements: int) -> Callable[[], None]:
        import jax
        import jax.numpy as jnp

        x = jnp.ones((elements,), jnp.float32)
        f = jax.jit(lambda v: v * 2.0)
        return lambda: f(x).block_until_ready()


class _TFOps:
    """The measurements as TensorFlow functions (its thread pools, its device placement)."""

    def matmul(self, n: int) -> Callable[[], None]:
        import tensorflow as tf

        a = tf.random.stateless_normal((n, n), seed=(0, 0))
        b = tf.random.stateless_normal((n, n), seed=(0, 1))
        f = tf.function(tf.linalg.matmul)
        # reduce to one number so only a scalar comes back to the host
        return lambda: f(a, b)[0, 0].numpy()

    def scale(self, elements: int) -> Callable[[], None]:
        import tensorflow as tf

        x = tf.ones((elements,), tf.float32)
        f = tf.function(lambda v: v * 2.0)
        return lambda: f(x)[0].numpy()
