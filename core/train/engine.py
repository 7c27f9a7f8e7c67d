"""The training engine: feeds exactly the schedule's batches to a real Keras model.

Who does what:
- `TrainConfig` is what the user picked; `prepare()` validates it and loads the data and the
  schedule without TensorFlow (so pages can show errors and figures instantly).
- `train()` runs it: it builds the model, then for every epoch takes `Schedule.epoch_order`
  and runs chunks of steps in one compiled call (`fused`), or hands the same ordered arrays to
  stock `model.fit` (`keras-fit`, kept for comparison). Every chunk comes back with its per-step
  losses and is reported (`Reporter`) and written to the run store.
- A chunk never crosses an epoch boundary; its length adapts so a chunk takes about
  `CHUNK_SECONDS`, which keeps the UI fresh and Stop prompt.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from core.errors import InputError, check_choice
from core.present.text import t
from core.schedule.plan import Schedule, ScheduleSpec
from core.train import datasets
from core.train.models import OPTIMIZERS, check_model_choice

ENGINES = ("fused", "keras-fit")
CHUNK_SECONDS = 0.2  # ≥ 4 UI updates a second, Stop acts well within 1 s
MAX_CHUNK_STEPS = 4096
MAX_EPOCHS = 100_000
# Training data above this stays in host memory and is streamed chunk by chunk.
RESIDENT_BYTES = 1 << 30


@dataclass(frozen=True)
class TrainConfig:
    dataset: str = "synthetic"
    model: str = "mlp"
    n: int | None = None
    batch_size: int = 32
    epochs: int = 1
    validation_split: float = 0.0
    shuffle: str = "epoch"
    drop_remainder: bool = False
    optimizer: str = "adam"
    lr: float = 1e-3
    seed: int = 0
    engine: str = "fused"
    label: str | None = None  # CSV label column
    task: str = "auto"  # CSV: auto | classification | regression
    max_steps: int | None = None  # stop after this many optimizer steps (sweep budgets)
    max_seconds: float | None = None  # stop after this much training time (sweep budgets)
    replicas: int = 1  # data-parallel replicas (MirroredStrategy; DataParallel on JAX)
    features: int = datasets.BLOBS_FEATURES  # blobs only
    classes: int = datasets.BLOBS_CLASSES  # blobs only
    noise: float = 0.0  # linear only: standard deviation of the noise on y = 2x

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class Prepared:
    config: TrainConfig
    data: datasets.Data
    schedule: Schedule


@dataclass
class Chunk:
    """Steps [first_step, first_step + len(losses)) of one epoch, as fed."""

    epoch: int
    first_step: int  # global step index of the first step here
    batch_sizes: list[int]
    losses: list[float]
    accuracies: list[float] | None
    class_counts: list[list[int]] | None
    seconds: float  # wall time of the chunk
    elapsed: float  # wall time since training started, at the end of this chunk


@dataclass
class EpochRecord:
    epoch: int
    train_loss: float
    train_accuracy: float | None
    val_loss: float | None
    val_accuracy: float | None
    seconds: float
    steps: int


@dataclass
class Result:
    status: str  # completed | stopped | diverged
    steps: int
    batch_sizes: list[int] = field(default_factory=list)
    step_losses: list[float] = field(default_factory=list)
    epoch_losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    epochs: list[EpochRecord] = field(default_factory=list)
    test_metrics: dict = field(default_factory=dict)
    device: str = ""
    timing: dict = field(default_factory=dict)
    diverged_step: int | None = None
    message: str = ""


class Reporter:
    """Receives progress. Subclass and override; the defaults do nothing."""

    def started(self, prepared: Prepared, device: str) -> None: ...

    def chunk(self, chunk: Chunk, steps_done: int) -> None: ...

    def epoch(self, record: EpochRecord) -> None: ...

    def finished(self, result: Result) -> None: ...


def check_config(cfg: TrainConfig) -> None:
    """Raise ValueError (what to change) for choices that are wrong before any data is read."""
    check_choice("dataset", cfg.dataset, datasets.DATASETS)
    check_choice("optimizer", cfg.optimizer, OPTIMIZERS)
    check_choice("engine", cfg.engine, ENGINES)
    lr = cfg.lr
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr):
        raise InputError("`lr` must be a positive number, got {lr!r}.", lr=lr)
    if lr <= 0:
        raise InputError(
            "`lr` must be greater than 0, got {lr}: try 0.001 for adam, 0.01 for sgd.", lr=lr
        )
    if isinstance(cfg.epochs, int) and cfg.epochs > MAX_EPOCHS:
        raise InputError(
            "`epochs` must be at most {cap:,}, got {epochs:,}.",
            cap=MAX_EPOCHS,
            epochs=cfg.epochs,
        )
    if cfg.max_steps is not None and cfg.max_steps < 1:
        raise InputError(
            "`max_steps` must be at least 1, got {max_steps}.", max_steps=cfg.max_steps
        )
    if cfg.max_seconds is not None and not cfg.max_seconds > 0:
        raise InputError(
            "`max_seconds` must be greater than 0, got {max_seconds}.", max_seconds=cfg.max_seconds
        )


def prepare(cfg: TrainConfig, csv_bytes: bytes | None = None) -> Prepared:
    """Validate, load the data and derive the schedule. No TensorFlow (except MNIST's loader)."""
    check_config(cfg)
    data = datasets.load(
        cfg.dataset,
        n=cfg.n,
        seed=cfg.seed,
        image=cfg.model == "cnn",
        csv_bytes=csv_bytes,
        label=cfg.label,
        task=cfg.task,
        features=cfg.features,
        classes=cfg.classes,
        noise=cfg.noise,
    )
    check_model_choice(cfg.model, data.task, data.is_image, cfg.dataset)
    spec = ScheduleSpec(
        n=data.n,
        batch_size=cfg.batch_size,
        epochs=cfg.epochs,
        drop_remainder=cfg.drop_remainder,
        validation_split=cfg.validation_split,
        shuffle=cfg.shuffle,
        seed=cfg.seed,
        replicas=cfg.replicas,
    )
    return Prepared(cfg, data, Schedule(spec))


def can_warm_up(cfg: TrainConfig) -> bool:
    """Whether `warm_up` compiles anything for CFG: only the fused engine on one device caches
    its compiled stepper."""
    return cfg.engine == "fused" and cfg.replicas == 1


def warm_up(cfg: TrainConfig, csv_bytes: bytes | None = None) -> None:
    """Compile CFG's model by training one throw-away step in this process.

    The compiled stepper is cached by shape (not by batch size, seed or lr), so the runs that
    follow start without a trace: their clocks, and so time-to-target, measure training alone.
    Any problem is left for the real run to report.
    """
    if not can_warm_up(cfg):
        return
    with contextlib.suppress(Exception):
        train(prepare(replace(cfg, epochs=1, max_steps=1, max_seconds=None), csv_bytes))


def planned_steps(prepared: Prepared) -> int:
    total = prepared.schedule.total_steps
    if prepared.config.max_steps is not None:
        total = min(total, prepared.config.max_steps)
    return total


@contextlib.contextmanager
def _quiet_stderr():
    """Send file descriptor 2 to /dev/null: TensorFlow's C++ start-up logs ignore every env var."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_keras():
    """Import Keras and its backend once, without the CUDA/CPU-flag chatter on stderr."""
    if "keras" not in sys.modules:
        # Leave a core to whatever polls the run (the app): on 2 cores one TensorFlow thread per
        # pool trains these small models 1.5-2.5x faster and makes live polling nearly free
        # (bench/README.md). Set the variables yourself for big models on many cores.
        os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(max(1, (os.cpu_count() or 2) - 1)))
        os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
        with _quiet_stderr():
            import keras

            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                tf.config.list_physical_devices()  # the cuInit probe logs here
    return sys.modules["keras"]


def configure_replicas(replicas: int) -> None:
    """Split the CPU into `replicas` logical devices, unless there are enough GPUs.

    Must run before the backend creates its devices (that is why a run with replicas gets a
    fresh worker process): TensorFlow's logical CPU devices, or JAX's
    `--xla_force_host_platform_device_count` (read when JAX first initialises).
    """
    if os.environ.get("KERAS_BACKEND", "tensorflow") == "jax":
        flag = f"--xla_force_host_platform_device_count={replicas}"
        if "xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):
            os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flag}".strip()
        import_keras()
        return
    import_keras()
    import tensorflow as tf

    if len(tf.config.list_physical_devices("GPU")) >= replicas:
        return
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(replicas)]
        )
    except RuntimeError:
        if len(tf.config.list_logical_devices("CPU")) < replicas:
            raise InputError(
                "TensorFlow already started with fewer than {replicas} CPU devices: run replicas "
                "in a fresh process (the CLI and the Train page do).",
                replicas=replicas,
            ) from None


def replica_strategy(replicas: int) -> tuple[object, str]:
    """(what to build the model under, its description) for data-parallel replicas.

    TensorFlow: a MirroredStrategy over `replicas` GPUs, or logical CPUs when there are not
    enough. JAX: Keras's `DataParallel` distribution over as many devices, set for the process
    (its trainer looks the distribution up at fit time; a run with replicas has its own process).
    """
    configure_replicas(replicas)
    keras = import_keras()
    if keras.backend.backend() == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform != "cpu"]
        devices = gpus if len(gpus) >= replicas else jax.devices("cpu")
        _check_devices(len(devices), replicas)
        chosen = devices[:replicas]
        distribution = keras.distribution.DataParallel(devices=chosen)
        keras.distribution.set_distribution(distribution)
        names = ", ".join(f"{d.platform.upper()}:{d.id}" for d in chosen)
        return distribution, f"{replicas} replicas (DataParallel, jax) on {names}"
    import tensorflow as tf

    gpus = tf.config.list_logical_devices("GPU")
    devices = gpus if len(gpus) >= replicas else tf.config.list_logical_devices("CPU")
    _check_devices(len(devices), replicas)
    names = [d.name for d in devices[:replicas]]
    ops = None if gpus else tf.distribute.ReductionToOneDevice()
    strategy = tf.distribute.MirroredStrategy(names, cross_device_ops=ops)
    short = ", ".join(d.split("device:")[-1] for d in strategy.extended.worker_devices)
    return strategy, f"{replicas} replicas (MirroredStrategy) on {short}"


def _check_devices(count: int, replicas: int) -> None:
    if count < replicas:
        raise InputError(
            "only {count} devices for {replicas} replicas: start a fresh process (the CLI does), "
            "or lower the replicas.",
            count=count,
            replicas=replicas,
        )


def list_devices() -> list[dict]:
    """Every device the Keras backend sees, CPU first: what the Train page lists before a run.

    Each is {"kind": "CPU" | "GPU" | ..., "name": ..., "cores": (CPU only)}; pages word them.
    """
    keras = import_keras()
    cpu = {
        "kind": "CPU",
        "name": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
    }
    if keras.backend.backend() == "jax":
        import jax

        others = [
            {"kind": d.platform.upper(), "name": str(getattr(d, "device_kind", d))}
            for d in jax.devices()
            if d.platform != "cpu"
        ]
        return [cpu, *others]
    import tensorflow as tf

    gpus = [
        {
            "kind": "GPU",
            "name": tf.config.experimental.get_device_details(g).get("device_name", g.name),
        }
        for g in tf.config.list_physical_devices("GPU")
    ]
    return [cpu, *gpus]


def describe_device() -> str:
    """What trains: the first GPU Keras's backend sees, else the CPU."""
    keras = import_keras()

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        dev = jax.devices()[0]
        return f"{dev.platform.upper()}: {getattr(dev, 'device_kind', dev)} (jax)"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = []
        for g in gpus:
            details = tf.config.experimental.get_device_details(g)
            names.append(details.get("device_name", g.name))
        return f"GPU: {', '.join(names)} (tensorflow)"
    return f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores (tensorflow)"


def class_counts(
    labels_in_order: np.ndarray, batch_size: int, start: int, stop: int, num_classes: int
) -> list[list[int]]:
    """Class counts of the batches [start, stop) of one epoch's ordered labels."""
    lo = start * batch_size
    hi = min(stop * batch_size, len(labels_in_order))
    labels = labels_in_order[lo:hi].astype(np.int64)
    step_of = np.arange(lo, hi) // batch_size - start
    counts = np.bincount(step_of * num_classes + labels, minlength=(stop - start) * num_classes)
    return counts.reshape(stop - start, num_classes).tolist()


class _Fused:
    """One compiled function runs S steps: gathers each batch by index, steps, keeps losses."""

    def __init__(self, model, optimizer, loss_fn, x, y, classify: bool) -> None:
        import keras

        self.backend = keras.backend.backend()
        self.model, self.optimizer, self.loss_fn, self.classify = (
            model,
            optimizer,
            loss_fn,
            classify,
        )
        # Too big to keep on the device: keep it in host memory and gather each chunk's batches
        # there; the compiled step functions are the same, fed the chunk's rows only.
        self.stream = x.nbytes + y.nbytes > RESIDENT_BYTES
        self.host = (x, y)
        if self.stream:
            x, y = x[:1], y[:1]
        if self.backend == "tensorflow":
            self._build_tf(x, y)
        elif self.backend == "jax":
            self._build_jax(x, y)
        else:
            raise InputError(
                "the fused engine supports the tensorflow and jax backends, not {backend!r}: set "
                "KERAS_BACKEND or use --engine keras-fit.",
                backend=self.backend,
            )

    # -- TensorFlow: tf.function with a dynamic [steps, batch] index signature: one trace serves
    # every chunk length and the partial last batch.
    def _build_tf(self, x, y) -> None:
        import tensorflow as tf

        self.x = tf.convert_to_tensor(x)
        self.y = tf.convert_to_tensor(y)
        model, optimizer, loss_fn, classify = (
            self.model,
            self.optimizer,
            self.loss_fn,
            self.classify,
        )
        variables = model.trainable_variables
        optimizer.build(variables)

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, None], tf.int32),
                tf.TensorSpec([None, *self.x.shape[1:]], self.x.dtype),
                tf.TensorSpec([None, *self.y.shape[1:]], self.y.dtype),
            ]
        )
        def run(idx, xs, ys):
            steps = tf.shape(idx)[0]
            losses = tf.TensorArray(tf.float32, size=steps)
            accs = tf.TensorArray(tf.float32, size=steps)
            for i in tf.range(steps):
                xb = tf.gather(xs, idx[i])
                yb = tf.gather(ys, idx[i])
                with tf.GradientTape() as tape:
                    pred = model(xb, training=True)
                    loss = loss_fn(yb, pred)
                grads = tape.gradient(loss, variables)
                optimizer.apply(grads, variables)
                losses = losses.write(i, tf.cast(loss, tf.float32))
                if classify:
                    hit = tf.cast(
                        tf.argmax(pred, axis=-1, output_type=tf.int32) == tf.cast(yb, tf.int32),
                        tf.float32,
                    )
                    accs = accs.write(i, tf.reduce_mean(hit))
                else:
                    accs = accs.write(i, 0.0)
            return losses.stack(), accs.stack()

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, *self.x.shape[1:]], self.x.dtype),
                tf.TensorSpec([None], self.y.dtype),
            ]
        )
        def evaluate(xb, yb):
            pred = model(xb, training=False)
            loss = loss_fn(yb, pred)
            if classify:
                acc = tf.reduce_mean(
                    tf.cast(
                        tf.argmax(pred, axis=-1, output_type=tf.int32) == tf.cast(yb, tf.int32),
                        tf.float32,
                    )
                )
            else:
                acc = tf.constant(0.0)
            return tf.cast(loss, tf.float32), acc

        self._run_tf, self._eval_tf = run, evaluate

    def reset(self, x: np.ndarray, y: np.ndarray, seed: int, lr: float) -> None:
        """Reuse the compiled functions for a new run: fresh weights, optimizer and data."""
        from core.train import models

        models.init_weights(self.model, seed)
        for var in self.optimizer.variables:
            var.assign(np.zeros(tuple(var.shape), dtype=var.dtype))
        self.optimizer.learning_rate = float(lr)
        self.stream = x.nbytes + y.nbytes > RESIDENT_BYTES
        self.host = (x, y)
        if self.stream:
            x, y = x[:1], y[:1]
        if self.backend == "tensorflow":
            import tensorflow as tf

            self.x, self.y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
        else:
            import jax.numpy as jnp

            self.x, self.y = jnp.asarray(x), jnp.asarray(y)
            self._state = self._variables_state()

    def begin_epoch(self, full_batches: np.ndarray) -> None:
        """The epoch's full batches, [num_full_batches, batch_size] sample indices."""
        if self.backend == "tensorflow" or self.stream:
            self._order = full_batches
        else:
            import jax.numpy as jnp

            self._order = jnp.asarray(full_batches)
            self._buffer = max(1, min(MAX_CHUNK_STEPS, len(full_batches)))

    def run_range(self, start: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Steps on full batches start .. start + count - 1 of the current epoch."""
        if self.backend == "tensorflow" or self.stream:
            return self.run(self._order[start : start + count])
        self._state, losses, accs = self._jax_range(
            self._state, self._order, start, count, self.x, self.y, self._buffer
        )
        return np.asarray(losses)[:count], np.asarray(accs)[:count]

    def run(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One step per row of `idx` (sample indices): used for the partial last batch."""
        xs, ys = self.x, self.y
        if self.stream:  # gather this chunk's rows on the host; index them 0..k-1
            flat = idx.reshape(-1)
            xs, ys = self.host[0][flat], self.host[1][flat]
            idx = np.arange(len(flat), dtype=np.int32).reshape(idx.shape)
        if self.backend == "tensorflow":
            losses, accs = self._run_tf(idx, xs, ys)
            return losses.numpy(), accs.numpy()
        self._state, (losses, accs) = self._jax_run(self._state, idx, xs, ys)
        return np.asarray(losses), np.asarray(accs)

    def evaluate(self, x: np.ndarray, y: np.ndarray, batch_size: int = 4096):
        """Mean loss and accuracy over (x, y), batch by batch, weighted by batch size."""
        total_loss = total_acc = 0.0
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            if self.backend == "tensorflow":
                loss, acc = (float(v) for v in self._eval_tf(xb, yb))
            else:
                loss, acc = self._eval_jax(xb, yb)
            total_loss += loss * len(xb)
            total_acc += acc * len(xb)
        return total_loss / len(x), total_acc / len(x)

    # -- JAX: jit + a fori_loop over the steps, Keras 3 stateless API.
    def _build_jax(self, x, y) -> None:
        import jax
        import jax.numpy as jnp

        model, optimizer, loss_fn, classify = (
            self.model,
            self.optimizer,
            self.loss_fn,
            self.classify,
        )
        optimizer.build(model.trainable_variables)
        self.x, self.y = jnp.asarray(x), jnp.asarray(y)

        def compute(tv, ntv, xb, yb):
            pred, ntv = model.stateless_call(tv, ntv, xb, training=True)
            return loss_fn(yb, pred), (pred, ntv)

        grad_fn = jax.value_and_grad(compute, has_aux=True)

        def step(state, b, xs, ys):
            tv, ntv, ov = state
            xb, yb = xs[b], ys[b]
            (loss, (pred, ntv)), grads = grad_fn(tv, ntv, xb, yb)
            tv, ov = optimizer.stateless_apply(ov, grads, tv)
            acc = (
                jnp.mean(jnp.argmax(pred, -1) == yb.astype(jnp.int32))
                if classify
                else jnp.float32(0.0)
            )
            return (tv, ntv, ov), (loss.astype(jnp.float32), acc.astype(jnp.float32))

        @jax.jit
        def run(state, idx, xs, ys):
            return jax.lax.scan(lambda st, b: step(st, b, xs, ys), state, idx)

        # Full batches: the epoch's index matrix stays on the device and a dynamic step count
        # runs in a fori_loop, so one compiled shape serves every chunk length.
        @functools.partial(jax.jit, static_argnames="buffer")
        def run_range(state, order, start, count, xs, ys, buffer):
            def body(i, carry):
                state, losses, accs = carry
                b = jax.lax.dynamic_index_in_dim(order, start + i, keepdims=False)
                state, (loss, acc) = step(state, b, xs, ys)
                return state, losses.at[i].set(loss), accs.at[i].set(acc)

            zeros = jnp.zeros((buffer,), jnp.float32)
            return jax.lax.fori_loop(0, count, body, (state, zeros, zeros))

        @jax.jit
        def evaluate(tv, ntv, xb, yb):
            pred, _ = model.stateless_call(tv, ntv, xb, training=False)
            loss = loss_fn(yb, pred)
            acc = (
                jnp.mean(jnp.argmax(pred, -1) == yb.astype(jnp.int32))
                if classify
                else jnp.float32(0.0)
            )
            return loss, acc

        self._jax_run, self._jax_range, self._jax_eval = run, run_range, evaluate
        self._state = self._variables_state()

    def _variables_state(self):
        return (
            [v.value for v in self.model.trainable_variables],
            [v.value for v in self.model.non_trainable_variables],
            [v.value for v in self.optimizer.variables],
        )

    def _eval_jax(self, xb, yb):
        loss, acc = self._jax_eval(self._state[0], self._state[1], xb, yb)
        return float(loss), float(acc)

    def sync_to_model(self) -> None:
        """Write the JAX state back into the Keras variables (TF updates them in place)."""
        if self.backend != "jax":
            return
        tv, ntv, ov = self._state
        for var, value in zip(self.model.trainable_variables, tv, strict=True):
            var.assign(value)
        for var, value in zip(self.model.non_trainable_variables, ntv, strict=True):
            var.assign(value)
        for var, value in zip(self.optimizer.variables, ov, strict=True):
            var.assign(value)


def train(
    prepared: Prepared,
    reporter: Reporter | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> Result:
    """Train on exactly the schedule's batches. Returns the whole history."""
    from core.train import models

    reporter = reporter or Reporter()
    cfg, data, schedule = prepared.config, prepared.data, prepared.schedule
    classify = data.task == "classification"
    strategy = None
    if cfg.replicas > 1:  # before `started`, so the stored device names the replicas
        strategy, device = replica_strategy(cfg.replicas)
    else:
        device = describe_device()
    reporter.started(prepared, device)

    x_train = data.x[: schedule.train_samples]
    y_train = data.y[: schedule.train_samples]
    x_val = data.x[schedule.train_samples :]
    y_val = data.y[schedule.train_samples :]
    with strategy.scope() if strategy is not None else contextlib.nullcontext():
        key = (
            cfg.model,
            data.input_shape,
            data.num_classes,
            data.task,
            cfg.optimizer,
            str(data.x.dtype),
            str(data.y.dtype),
        )
        use_fused = cfg.engine == "fused" and strategy is None
        fused = _take_compiled(key) if use_fused else None
        compile_reused = fused is not None
        if fused is not None:  # same shapes as an earlier run here: no new build or trace
            fused.reset(x_train, y_train, cfg.seed, cfg.lr)
            model, optimizer = fused.model, fused.optimizer
        else:
            model = models.build(
                cfg.model, data.input_shape, max(data.num_classes, 1), seed=cfg.seed
            )
            optimizer = models.make_optimizer(cfg.optimizer, cfg.lr)
            loss_fn = models.make_loss(data.task)
            if use_fused:
                fused = _Fused(model, optimizer, loss_fn, x_train, y_train, classify)
            else:  # stock fit; with replicas, Keras splits each global batch over the strategy
                model.compile(
                    optimizer=optimizer, loss=loss_fn, metrics=["accuracy"] if classify else []
                )
        if fused is not None:
            evaluate = fused.evaluate
        else:

            def evaluate(x, y):
                out = model.evaluate(x, y, batch_size=4096, verbose=0, return_dict=True)
                return out["loss"], out.get("accuracy", 0.0)

    budget = planned_steps(prepared)
    result = Result(status="completed", steps=0, device=device)
    if fused is not None and fused.stream:
        size = (x_train.nbytes + y_train.nbytes) / 2**30
        result.message = (
            f"The training data ({size:.1f} GB) is too large to keep on the "
            "device: it was streamed in chunks from host memory."
        )
    start = time.perf_counter()
    epoch_times: list[float] = []
    steps_by_epoch: list[int] = []
    samples_by_epoch: list[int] = []
    chunk_steps = 1  # the first call compiles; later chunks are sized from measured step time
    compiled = False
    stop_reason = None

    for epoch in range(schedule.epochs):
        epoch_start = time.perf_counter()
        order = schedule.epoch_order(epoch)
        labels_in_order = y_train[order] if classify else None
        epoch_losses: list[float] = []
        epoch_sizes: list[int] = []
        epoch_accs: list[float] = []
        step_in_epoch = 0
        spe = schedule.steps_per_epoch
        if fused is None:
            pieces = _keras_fit_epoch(model, x_train[order], y_train[order], schedule.batch_size)
        else:
            pieces = None
            full = schedule.num_full_batches * schedule.batch_size
            fused.begin_epoch(order[:full].reshape(schedule.num_full_batches, schedule.batch_size))
        while step_in_epoch < spe:
            if should_stop():
                stop_reason = "stopped"
                break
            if cfg.max_seconds is not None and time.perf_counter() - start >= cfg.max_seconds:
                stop_reason = "budget"
                break
            remaining_budget = budget - result.steps
            if remaining_budget <= 0:
                stop_reason = "budget"
                break
            t0 = time.perf_counter()
            if step_in_epoch >= schedule.num_full_batches:  # the partial last batch
                count = 1
                lo = step_in_epoch * schedule.batch_size
                idx = order[lo:].reshape(1, -1)
            else:
                count = min(
                    chunk_steps, schedule.num_full_batches - step_in_epoch, remaining_budget
                )
                idx = None
            if fused is None:
                losses, accs = pieces.take(count)
            elif idx is None:
                losses, accs = fused.run_range(step_in_epoch, count)
            else:
                losses, accs = fused.run(idx)
            seconds = time.perf_counter() - t0
            sizes = [schedule.batch_size if idx is None else idx.shape[1]] * count
            counts = (
                class_counts(
                    labels_in_order,
                    schedule.batch_size,
                    step_in_epoch,
                    step_in_epoch + count,
                    data.num_classes,
                )
                if classify
                else None
            )
            losses_l = [float(v) for v in losses]
            accs_l = [float(v) for v in accs] if classify else None
            bad = next((i for i, v in enumerate(losses_l) if not math.isfinite(v)), None)
            if bad is not None:  # keep the history up to and including the first bad step
                losses_l, sizes = losses_l[: bad + 1], sizes[: bad + 1]
                accs_l = accs_l[: bad + 1] if accs_l is not None else None
                counts = counts[: bad + 1] if counts is not None else None
            first_step = result.steps
            result.steps += len(losses_l)
            result.batch_sizes += sizes
            result.step_losses += losses_l
            epoch_losses += losses_l
            epoch_sizes += sizes
            if accs_l:
                epoch_accs += accs_l
            reporter.chunk(
                Chunk(
                    epoch,
                    first_step,
                    sizes,
                    losses_l,
                    accs_l,
                    counts,
                    seconds,
                    time.perf_counter() - start,
                ),
                result.steps,
            )
            step_in_epoch += count
            if bad is not None:
                stop_reason = "diverged"
                result.diverged_step = first_step + bad
                break
            if fused is not None and idx is None:
                if compiled:
                    per_step = max(seconds / count, 1e-7)
                    chunk_steps = int(min(MAX_CHUNK_STEPS, max(1, CHUNK_SECONDS / per_step)))
                else:  # that call traced and compiled: its time says nothing about a step
                    compiled, chunk_steps = True, 8
        if fused is None and pieces is not None:
            pieces.close()

        if epoch_losses:
            w = np.asarray(epoch_sizes, dtype=np.float64)
            losses_a = np.asarray(epoch_losses, dtype=np.float64)
            # Keras reports the epoch loss as the batch-size-weighted mean of its steps.
            train_loss = float(np.sum(losses_a * w) / np.sum(w))
            train_acc = (
                float(np.sum(np.asarray(epoch_accs) * w) / np.sum(w)) if epoch_accs else None
            )
            val_loss = val_acc = None
            if len(x_val) and stop_reason != "diverged":
                val_loss, val_acc = evaluate(x_val, y_val)
                val_acc = val_acc if classify else None
            epoch_seconds = time.perf_counter() - epoch_start
            record = EpochRecord(
                epoch, train_loss, train_acc, val_loss, val_acc, epoch_seconds, len(epoch_losses)
            )
            epoch_times.append(epoch_seconds)
            steps_by_epoch.append(len(epoch_losses))
            samples_by_epoch.append(int(np.sum(w)))
            result.epochs.append(record)
            result.epoch_losses.append(train_loss)
            if val_loss is not None:
                result.val_losses.append(val_loss)
            reporter.epoch(record)
        if stop_reason:
            break

    train_seconds = time.perf_counter() - start
    if fused is not None:
        fused.sync_to_model()
    if stop_reason == "diverged":
        result.status = "diverged"
        result.message = t("run.diverged", step=result.diverged_step, lr=f"{cfg.lr:g}")
    elif stop_reason == "stopped":
        result.status = "stopped"
    if result.status != "diverged" and result.steps:
        x_test, y_test = data.x_test, data.y_test
        test_loss, test_acc = evaluate(x_test, y_test)
        result.test_metrics = {"loss": test_loss}
        if classify:
            result.test_metrics["accuracy"] = test_acc
    result.timing = _timing(
        epoch_times, steps_by_epoch, samples_by_epoch, train_seconds, cfg.replicas
    )
    # A compiled stepper of this shape was already in this process (an earlier run, or the
    # worker's priming): the first epoch paid no trace or compile.
    result.timing["compile_reused"] = compile_reused
    if fused is not None:
        _put_compiled(key, fused)
    reporter.finished(result)
    return result


# Compiled fused steppers by shape, reused by later runs in the same process (sweeps, the CLI
# in a notebook, tests). A run takes its entry out while it trains, so threads never share one.
_COMPILED: dict[tuple, _Fused] = {}
_COMPILED_LOCK = threading.Lock()
_COMPILED_MAX = 4


def _take_compiled(key: tuple) -> _Fused | None:
    with _COMPILED_LOCK:
        return _COMPILED.pop(key, None)


def _put_compiled(key: tuple, fused: _Fused) -> None:
    with _COMPILED_LOCK:
        _COMPILED[key] = fused
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))


def _timing(
    epoch_times: list[float],
    steps_by_epoch: list[int],
    samples_by_epoch: list[int],
    train_seconds: float,
    replicas: int = 1,
) -> dict:
    """Steady rates: epochs after the first (which pays for compiling), else the whole run."""
    later_time = sum(epoch_times[1:])
    if sum(steps_by_epoch[1:]) and later_time > 0:
        steps, samples, seconds = sum(steps_by_epoch[1:]), sum(samples_by_epoch[1:]), later_time
    else:  # one epoch only: includes compile time
        steps, samples, seconds = sum(steps_by_epoch), sum(samples_by_epoch), train_seconds
    samples_per_second = samples / seconds if seconds > 0 else 0.0
    return {
        "first_epoch_seconds": epoch_times[0] if epoch_times else 0.0,
        "train_seconds": train_seconds,
        "steps_per_second": steps / seconds if seconds > 0 else 0.0,
        "samples_per_second": samples_per_second,
        # Each replica computes its shard of every global batch: B / R samples per step.
        "per_replica_samples_per_second": samples_per_second / replicas,
    }


class _keras_fit_epoch:
    """Stock `model.fit` over one epoch's already-ordered arrays, step losses recovered.

    Keras 3 logs a running mean of the loss weighted by batch size, so step k's own loss is
    (mean_k · seen_k − mean_{k−1} · seen_{k−1}) / size_k. Runs the whole epoch at the first
    `take` and hands its steps out in chunks.
    """

    def __init__(self, model, x, y, batch_size: int) -> None:
        self.args = (model, x, y, batch_size)
        self.losses: list[float] | None = None
        self.accs: list[float] = []
        self.pos = 0

    def _run(self) -> None:
        import keras

        model, x, y, batch_size = self.args
        means, accs, seen = [], [], []
        total = [0]

        class Record(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                size = min(batch_size, len(x) - batch * batch_size)
                total[0] += size
                means.append(float(logs["loss"]))
                accs.append(float(logs.get("accuracy", 0.0)))
                seen.append(total[0])

        model.fit(
            x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[Record()]
        )
        losses, acc_steps = [], []
        prev_m = prev_a = 0.0
        prev_s = 0
        for m, a, s in zip(means, accs, seen, strict=True):
            size = s - prev_s
            losses.append((m * s - prev_m * prev_s) / size)
            acc_steps.append((a * s - prev_a * prev_s) / size)
            prev_m, prev_a, prev_s = m, a, s
        self.losses, self.accs = losses, acc_steps

    def take(self, count: int):
        if self.losses is None:
            self._run()
        lo, self.pos = self.pos, self.pos + count
        return np.asarray(self.losses[lo : self.pos]), np.asarray(self.accs[lo : self.pos])

    def close(self) -> None:
        self.losses = None
