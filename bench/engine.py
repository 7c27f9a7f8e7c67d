"""Steady-state training throughput: Batch Lab's fused engine against stock Keras and a minimal
hand-written loop, in one process, on Keras's TensorFlow or JAX backend (`KERAS_BACKEND`).

Who does what:
- `CASES` / `QUICK_BATCH_SIZES` say which (model, batch size, N) are measured.
- `measure_engine`, `measure_fit` and the minimal loop of the backend (`measure_fused_min`, a
  `tf.function`; `measure_scan_min`, a `jax.jit` of `lax.scan`) each train a fresh model once
  and return the steady-state steps/s: steps of the epochs after the first over the wall time
  from the end of the first epoch to the end of the last (the first epoch traces and compiles).
  Every contender trains until it has at least `MIN_EPOCHS` epochs and `target` seconds of
  steady state, then stops at the next epoch boundary.
- `main` interleaves the repetitions (rep 1 of every contender, then rep 2, ...), takes
  medians, prints the tables and the JSON, and measures the CLI figure (synthetic N=4000, B=8,
  E=3: `python -m core train` in a subprocess against stock `model.fit` here).

TensorFlow is imported only on the TensorFlow backend: with `KERAS_BACKEND=jax` this runs on a
machine without it.

Run from the repository root: `[KERAS_BACKEND=jax] python -m bench.engine [--quick] [--json PATH]`.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from core.train import models
from core.train.devices import describe_device, import_keras
from core.train.engine import Reporter, TrainConfig, prepare, train

# Per backend: engine and the minimal loop run back to back (the key comparison); odd reps run
# in reverse order.
CONTENDERS = {
    "tensorflow": ("engine", "fused_min", "fit_spe1", "fit_spe32"),
    "jax": ("engine", "scan_min", "fit_spe1", "fit_spe32"),
}
MIN_EPOCHS = 3  # the first is warm-up (trace + compile); at least two are timed
MAX_EPOCHS = 10_000  # the stop rule ends every run long before this
DIGITS_TRAIN = 1437  # digits: 1797 images, 20% held out for test


@dataclass(frozen=True)
class Case:
    dataset: str
    model: str
    batch_size: int
    n: int  # a multiple of batch_size: every step is a full batch, for every contender

    @property
    def steps_per_epoch(self) -> int:
        return self.n // self.batch_size

    @property
    def name(self) -> str:
        return "mlp/synthetic" if self.model == "mlp" else "cnn/digits"


def _digits(batch_size: int, cap: int = DIGITS_TRAIN) -> Case:
    return Case("digits", "cnn", batch_size, (cap // batch_size) * batch_size)


# N per B: one epoch of the slowest contender (fit_spe1) stays under ~0.5 s on 2 cores, so the
# full run (120 measurements) stays under 10 minutes even when others share the machine;
# digits has at most 1437 training images.
CASES = (
    Case("synthetic", "mlp", 1, 300),
    Case("synthetic", "mlp", 8, 2000),
    Case("synthetic", "mlp", 32, 8000),
    Case("synthetic", "mlp", 100, 20000),
    Case("synthetic", "mlp", 1000, 50000),
    _digits(1, cap=200),
    _digits(8),
    _digits(32),
    _digits(100),
    _digits(1000),
)
QUICK_BATCH_SIZES = (8, 100)


@dataclass
class Measurement:
    steps_per_second: float
    steady_seconds: float
    steady_steps: int
    epochs: int
    reported_steps_per_second: float | None = None  # the engine's own timing figure
    other_load: float | None = None  # cores used by other processes meanwhile (OtherLoad)


class OtherLoad:
    """Cores busy with other processes' work while the block runs (Linux /proc/stat).

    Machine-wide busy CPU time minus this process's own, over the wall time: 0 on a quiet
    machine, near the core count when someone else's tests compete with the measurement.
    """

    def __enter__(self) -> OtherLoad:
        self.cores: float | None = None
        self._start = _cpu_now()
        return self

    def __exit__(self, *exc: object) -> None:
        end = _cpu_now()
        if self._start is None or end is None:
            return
        wall = end[0] - self._start[0]
        machine = end[1] - self._start[1]
        own = end[2] - self._start[2]
        self.cores = max(0.0, (machine - own) / wall) if wall > 0 else None


def _cpu_now() -> tuple[float, float, float] | None:
    """(wall, machine-wide busy CPU seconds, this process's CPU seconds), or None off Linux."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    own = os.times()
    return time.perf_counter(), (sum(fields[:8]) - idle) / tick, own.user + own.system


class _StopRule:
    """Epoch-end timestamps, and whether enough steady state has been seen to stop."""

    def __init__(self, target: float) -> None:
        self.target = target
        self.ends: list[float] = []

    def epoch_ended(self) -> None:
        self.ends.append(time.perf_counter())

    def enough(self) -> bool:
        return len(self.ends) >= MIN_EPOCHS and self.ends[-1] - self.ends[0] >= self.target

    def measurement(self, steps_per_epoch: int) -> Measurement:
        steady_seconds = self.ends[-1] - self.ends[0]
        steady_steps = steps_per_epoch * (len(self.ends) - 1)
        return Measurement(
            steady_steps / steady_seconds, steady_seconds, steady_steps, len(self.ends)
        )


def measure_engine(case: Case, target: float) -> Measurement:
    """Batch Lab's fused engine; self-timed at epoch ends like the others, plus its own figure."""
    rule = _StopRule(target)

    class EpochClock(Reporter):
        def epoch(self, record) -> None:
            rule.epoch_ended()

    cfg = TrainConfig(
        dataset=case.dataset,
        model=case.model,
        n=case.n,
        batch_size=case.batch_size,
        epochs=MAX_EPOCHS,
        engine="fused",
    )
    # Stop is checked before each chunk: after an epoch ends, the next one stops at once.
    result = train(prepare(cfg), EpochClock(), should_stop=rule.enough)
    out = rule.measurement(case.steps_per_epoch)
    out.reported_steps_per_second = result.timing["steps_per_second"]
    return out


def _data(case: Case):
    return prepare(TrainConfig(dataset=case.dataset, model=case.model, n=case.n)).data


def measure_fit(case: Case, target: float, steps_per_execution: int) -> Measurement:
    """Stock `model.fit` on the same arrays, shuffle=True, timed by a callback."""
    keras = import_keras()
    data = _data(case)
    model = models.build(case.model, data.input_shape, data.num_classes, seed=0)
    model.compile(
        optimizer=models.make_optimizer("adam", 1e-3),
        loss=models.make_loss(data.task),
        steps_per_execution=steps_per_execution,
    )
    rule = _StopRule(target)

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            rule.epoch_ended()
            if rule.enough():
                self.model.stop_training = True

    model.fit(
        data.x,
        data.y,
        batch_size=case.batch_size,
        epochs=MAX_EPOCHS,
        shuffle=True,
        verbose=0,
        callbacks=[EpochClock()],
    )
    return rule.measurement(case.steps_per_epoch)


def measure_fused_min(case: Case, target: float) -> Measurement:
    """The best-case reference: one tf.function per epoch, batches gathered by a permutation."""
    import tensorflow as tf

    data = _data(case)
    model = models.build(case.model, data.input_shape, data.num_classes, seed=0)
    optimizer = models.make_optimizer("adam", 1e-3)
    loss_fn = models.make_loss(data.task)
    variables = model.trainable_variables
    optimizer.build(variables)
    x, y = tf.convert_to_tensor(data.x), tf.convert_to_tensor(data.y)

    @tf.function
    def epoch(order, xs, ys):
        steps = tf.shape(order)[0]
        losses = tf.TensorArray(tf.float32, size=steps)
        for i in tf.range(steps):
            xb = tf.gather(xs, order[i])
            yb = tf.gather(ys, order[i])
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            optimizer.apply(tape.gradient(loss, variables), variables)
            losses = losses.write(i, loss)
        return losses.stack()

    rng = np.random.default_rng(0)
    rule = _StopRule(target)
    shape = (case.steps_per_epoch, case.batch_size)
    while not rule.enough():
        order = rng.permutation(case.n).astype(np.int32).reshape(shape)
        epoch(order, x, y).numpy()
        rule.epoch_ended()
    return rule.measurement(case.steps_per_epoch)


def measure_scan_min(case: Case, target: float) -> Measurement:
    """The best-case reference on JAX: one `jax.jit` of a `lax.scan` per epoch over data held on
    the device, batches gathered by a permutation, Keras's stateless API for the model and Adam.
    """
    import jax
    import jax.numpy as jnp

    data = _data(case)
    model = models.build(case.model, data.input_shape, data.num_classes, seed=0)
    optimizer = models.make_optimizer("adam", 1e-3)
    loss_fn = models.make_loss(data.task)
    optimizer.build(model.trainable_variables)
    x, y = jax.device_put(data.x), jax.device_put(data.y)

    def compute(tv, ntv, xb, yb):
        pred, ntv = model.stateless_call(tv, ntv, xb, training=True)
        return loss_fn(yb, pred), ntv

    grad_fn = jax.value_and_grad(compute, has_aux=True)

    @jax.jit
    def epoch(state, order, xs, ys):
        def step(state, b):
            tv, ntv, ov = state
            (loss, ntv), grads = grad_fn(tv, ntv, xs[b], ys[b])
            tv, ov = optimizer.stateless_apply(ov, grads, tv)
            return (tv, ntv, ov), loss.astype(jnp.float32)

        return jax.lax.scan(step, state, order)

    state = (
        [v.value for v in model.trainable_variables],
        [v.value for v in model.non_trainable_variables],
        [v.value for v in optimizer.variables],
    )
    rng = np.random.default_rng(0)
    rule = _StopRule(target)
    shape = (case.steps_per_epoch, case.batch_size)
    while not rule.enough():
        order = rng.permutation(case.n).astype(np.int32).reshape(shape)
        state, losses = epoch(state, order, x, y)
        np.asarray(losses)  # the epoch's losses back on the host, as fused_min's .numpy()
        rule.epoch_ended()
    return rule.measurement(case.steps_per_epoch)


def backend() -> str:
    """Keras's backend: `tensorflow` or `jax` (the env var KERAS_BACKEND picks it)."""
    name = import_keras().backend.backend()
    if name not in CONTENDERS:
        raise ValueError(
            f"KERAS_BACKEND must be tensorflow or jax for this benchmark, got {name!r}."
        )
    return name


def minimal(contenders: tuple[str, ...]) -> str:
    """The minimal hand-written loop among the contenders: fused_min (TF) or scan_min (JAX)."""
    return "scan_min" if "scan_min" in contenders else "fused_min"


def measure(contender: str, case: Case, target: float) -> Measurement:
    keras = import_keras()
    runner = {
        "engine": lambda: measure_engine(case, target),
        "fit_spe1": lambda: measure_fit(case, target, 1),
        "fit_spe32": lambda: measure_fit(case, target, 32),
        "fused_min": lambda: measure_fused_min(case, target),
        "scan_min": lambda: measure_scan_min(case, target),
    }.get(contender)
    if runner is None or contender not in CONTENDERS[backend()]:
        raise ValueError(f"unknown contender {contender!r}: choose one of {CONTENDERS[backend()]}.")
    try:
        with OtherLoad() as load:
            out = runner()
        out.other_load = load.cores
        return out
    finally:  # every measurement starts from the same, empty Keras state
        keras.backend.clear_session()
        gc.collect()


def machine() -> dict:
    keras = import_keras()
    if backend() == "jax":
        import jax

        versions = {"backend": "jax", "jax": jax.__version__}
    else:
        import tensorflow as tf

        versions = {"backend": "tensorflow", "tensorflow": tf.__version__}
    return {
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        **versions,
        "keras": keras.__version__,
        "device": describe_device(),
        "load_average_at_start": list(os.getloadavg()),
        "code": code_version(),
    }


def code_version() -> dict:
    """The commit measured, and whether core/ had uncommitted changes (others edit it)."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], capture_output=True, text=True, cwd=_repo_root(), timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    diff = git("diff", "HEAD", "--", "core")
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "core_dirty": bool(git("status", "--porcelain", "core")),
        "core_diff_sha1": hashlib.sha1(diff.encode()).hexdigest()[:12] if diff else None,
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _summary(runs: list[Measurement], batch_size: int, reported: bool = False) -> dict:
    values = [r.reported_steps_per_second if reported else r.steps_per_second for r in runs]
    sps = statistics.median(values)
    return {
        "steps_per_second": sps,
        "samples_per_second": sps * batch_size,
        "reps": values,
        "steady_seconds": [r.steady_seconds for r in runs],
        "epochs": [r.epochs for r in runs],
        "other_load_cores": [r.other_load for r in runs],
    }


def run_cases(
    cases: list[Case], reps: int, target: float, contenders: tuple[str, ...]
) -> list[dict]:
    others = ("fit_spe1", "fit_spe32", minimal(contenders))  # the engine's ratios are to these
    runs: dict[tuple[Case, str], list[Measurement]] = {}
    for rep in range(reps):
        order = contenders if rep % 2 == 0 else contenders[::-1]
        for case in cases:
            for contender in order:
                m = measure(contender, case, target)
                runs.setdefault((case, contender), []).append(m)
                print(
                    f"  rep {rep + 1}/{reps}  {case.name:13} B={case.batch_size:<5} "
                    f"{contender:9} {m.steps_per_second:9.1f} steps/s "
                    f"({m.epochs} epochs, {m.steady_seconds:.2f} s steady, "
                    f"others busy {_fmt_load(m.other_load)} cores)",
                    file=sys.stderr,
                    flush=True,
                )
    results = []
    for case in cases:
        by = {c: _summary(runs[(case, c)], case.batch_size) for c in contenders}
        by["engine_reported"] = _summary(runs[(case, "engine")], case.batch_size, reported=True)
        engine = by["engine"]["steps_per_second"]
        loads = [
            m.other_load for c in contenders for m in runs[(case, c)] if m.other_load is not None
        ]
        results.append(
            {
                "model": case.model,
                "dataset": case.dataset,
                "batch_size": case.batch_size,
                "n": case.n,
                "steps_per_epoch": case.steps_per_epoch,
                "contenders": by,
                # Median of the per-rep ratios: the contenders of one rep ran seconds apart, so
                # a burst of someone else's work hits both sides of a ratio more often.
                "ratios": {
                    f"engine/{c}": statistics.median(
                        e.steps_per_second / o.steps_per_second
                        for e, o in zip(runs[(case, "engine")], runs[(case, c)], strict=True)
                    )
                    for c in others
                },
                "ratios_of_medians": {
                    f"engine/{c}": engine / by[c]["steps_per_second"] for c in others
                },
                "other_load_cores": statistics.median(loads) if loads else None,
            }
        )
    return results


def _fmt_load(cores: float | None) -> str:
    return "?" if cores is None else f"{cores:.1f}"


def load_summary(results: list[dict]) -> str:
    """One line: how busy other processes kept the machine during the measurements."""
    loads = [
        v
        for r in results
        for c in r["contenders"]
        if c != "engine_reported"  # the engine's runs again
        for v in r["contenders"][c]["other_load_cores"]
        if v is not None
    ]
    if not loads:
        return ""
    return (
        f"Other processes kept a median {statistics.median(loads):.1f} cores busy "
        f"(max {max(loads):.1f}) of {os.cpu_count()} during the measurements.\n"
    )


def cli_figure(reps: int) -> dict:
    """`python -m core train --dataset synthetic --n 4000 --batch-size 8 --epochs 3` against
    stock `model.fit` (steps_per_execution=1) on the same data and batch size, in this process.
    """
    case = Case("synthetic", "mlp", 8, 4000)
    args = "-m core train --dataset synthetic --n 4000 --batch-size 8 --epochs 3 --json"
    cmd = [sys.executable, *shlex.split(args)]
    cli, fit, wall, inproc, errors = [], [], [], [], []
    cfg = TrainConfig(dataset="synthetic", n=4000, batch_size=8, epochs=3)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, BATCHLAB_DB=os.path.join(tmp, "bench.db"))
        for rep in range(reps):
            t0 = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=_repo_root())
            wall.append(time.perf_counter() - t0)
            if done.returncode == 0:
                out = json.loads(done.stdout.strip().splitlines()[-1])
                cli.append(out["timing"]["steps_per_second"])
            else:  # keep the other figures; say why this one is missing
                tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
                errors.append(f"exit {done.returncode}: {tail}")
            fit.append(_fit_three_epochs(case))
            inproc.append(train(prepare(cfg)).timing["steps_per_second"])
            import_keras().backend.clear_session()
            shown = f"{cli[-1]:8.1f} steps/s" if done.returncode == 0 else "  failed"
            print(
                f"  rep {rep + 1}/{reps}  CLI engine {shown}   model.fit {fit[-1]:8.1f} "
                f"steps/s   in-process engine {inproc[-1]:8.1f} steps/s",
                file=sys.stderr,
                flush=True,
            )
    engine = statistics.median(cli) if cli else float("nan")
    stock = statistics.median(fit)
    return {
        "command": " ".join(["python", *cmd[1:]]),
        "cli_steps_per_second": engine,
        "cli_reps": cli,
        "cli_wall_seconds": wall,
        "cli_errors": errors,
        "fit_steps_per_second": stock,
        "fit_reps": fit,
        "ratio": engine / stock,
        "in_process_engine_steps_per_second": statistics.median(inproc),
        "in_process_engine_reps": inproc,
    }


def _fit_three_epochs(case: Case) -> float:
    """Stock fit, exactly 3 epochs, steps/s over epochs 2 and 3 (as the CLI reports it)."""
    keras = import_keras()
    data = _data(case)
    model = models.build(case.model, data.input_shape, data.num_classes, seed=0)
    model.compile(optimizer=models.make_optimizer("adam", 1e-3), loss=models.make_loss(data.task))
    begins: list[float] = []
    ends: list[float] = []

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            begins.append(time.perf_counter())

        def on_epoch_end(self, epoch, logs=None):
            ends.append(time.perf_counter())

    model.fit(
        data.x,
        data.y,
        batch_size=case.batch_size,
        epochs=3,
        shuffle=True,
        verbose=0,
        callbacks=[EpochClock()],
    )
    keras.backend.clear_session()
    # Like the engine's own figure: the epochs' own time, begin to end, after the first.
    seconds = sum(e - b for b, e in zip(begins[1:], ends[1:], strict=True))
    return case.steps_per_epoch * 2 / seconds


def _repo_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def format_tables(results: list[dict], contenders: tuple[str, ...]) -> str:
    least = minimal(contenders)
    cols = ("engine_reported", "engine", "fit_spe1", "fit_spe32", least)
    heads = ("engine*", "engine", "fit_spe1", "fit_spe32", least)
    lines = []
    for unit, key in (("steps/s", "steps_per_second"), ("samples/s", "samples_per_second")):
        lines.append(f"Median {unit} (engine* = the engine's own timing figure)")
        head = f"{'model':14}{'B':>6}{'N':>7}" + "".join(f"{h:>11}" for h in heads)
        if key == "steps_per_second":
            head += f"{'eng/fit1':>10}{'eng/fit32':>10}{'eng/min':>9}{'others':>8}"
        lines.append(head)
        lines.append("-" * len(head))
        for r in results:
            row = f"{r['model'] + '/' + r['dataset']:14}{r['batch_size']:>6}{r['n']:>7}"
            row += "".join(f"{r['contenders'][c][key]:>11,.0f}" for c in cols)
            if key == "steps_per_second":
                q = r["ratios"]
                row += (
                    f"{q['engine/fit_spe1']:>9.2f}x{q['engine/fit_spe32']:>9.2f}x"
                    f"{q['engine/' + least]:>8.2f}x{_fmt_load(r['other_load_cores']):>8}"
                )
            lines.append(row)
        if key == "steps_per_second":
            lines.append(
                "Ratios: median of the per-rep ratios (self-timed engine). others: median cores "
                "busy with other processes."
            )
        lines.append("")
    return "\n".join(lines)


def _versions(info: dict) -> str:
    if info["backend"] == "jax":
        return f"JAX {info['jax']} (Keras backend jax)"
    return f"TensorFlow {info['tensorflow']}"


def format_cli(fig: dict) -> str:
    return (
        f"CLI figure: {fig['command']}\n"
        f"  engine via CLI  timing.steps_per_second  {fig['cli_steps_per_second']:8.1f}"
        f"  (reps {', '.join(f'{v:.0f}' for v in fig['cli_reps'])})\n"
        f"  stock model.fit (spe=1), same data       {fig['fit_steps_per_second']:8.1f}"
        f"  (reps {', '.join(f'{v:.0f}' for v in fig['fit_reps'])})\n"
        f"  ratio engine / fit                       {fig['ratio']:8.2f}x\n"
        f"  (same run in this process, no run store: "
        f"{fig['in_process_engine_steps_per_second']:.1f} steps/s, reps "
        f"{', '.join(f'{v:.0f}' for v in fig['in_process_engine_reps'])})\n"
        + "".join(f"  CLI run failed: {e}\n" for e in fig["cli_errors"])
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="B in {8, 100}, shorter runs")
    parser.add_argument("--json", metavar="PATH", help="write the results here (else: stdout)")
    parser.add_argument("--reps", type=int, default=None, help="repetitions (default 3)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is first imported
    try:
        name = backend()
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    if name == "tensorflow":  # never imported on JAX: the GPU machine has no TensorFlow
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")  # retracing notices: every measurement builds afresh
    contenders = CONTENDERS[name]
    reps = args.reps or 3
    target = 0.5 if args.quick else 0.6
    cases = [c for c in CASES if not args.quick or c.batch_size in QUICK_BATCH_SIZES]
    info = machine()
    print(
        f"Machine: {info['cpu_count']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"{_versions(info)}, Keras {info['keras']}, device {info['device']}, "
        f"load average {info['load_average_at_start'][0]:.2f}\n"
        f"Code: commit {info['code']['commit']}"
        f"{' + uncommitted changes in core/' if info['code']['core_dirty'] else ''}\n"
        f"Settings: {reps} reps interleaved, median; >= {MIN_EPOCHS} epochs and >= {target} s "
        f"of steady state (epochs after the first) per measurement.\n",
        flush=True,
    )
    started = time.perf_counter()
    results = run_cases(cases, reps, target, contenders)
    print(format_tables(results, contenders) + load_summary(results), flush=True)
    fig = cli_figure(1 if args.quick else reps)
    print(format_cli(fig), flush=True)
    info["load_average_at_end"] = list(os.getloadavg())
    info["code_at_end"] = code_version()
    if info["code_at_end"] != info["code"]:
        print("Note: the code under core/ changed while this ran; see code and code_at_end.")
    doc = {
        "machine": info,
        "settings": {
            "quick": args.quick,
            "reps": reps,
            "target_steady_seconds": target,
            "min_epochs": MIN_EPOCHS,
        },
        "results": results,
        "cli_figure": fig,
        "wall_seconds": time.perf_counter() - started,
    }
    print(f"Total {doc['wall_seconds']:.0f} s.", flush=True)
    if name == "jax":  # the point of this path: it must run where TensorFlow is not installed
        print(f"TensorFlow imported: {'tensorflow' in sys.modules}.", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
        print(f"JSON written to {args.json}")
    else:
        print(json.dumps(doc, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
