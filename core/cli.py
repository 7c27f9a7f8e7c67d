"""The headless CLI: `python -m core <command> ...`, JSON out with `--json`.

Bad input prints one line on stderr and exits 2. `schedule` never imports TensorFlow; the
commands that train import it when they run.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
from collections.abc import Callable, Sequence

from core import choices
from core.choices import EXACT_MAX_SAMPLES
from core.errors import singular
from core.schedule.plan import (
    SHUFFLE_MODES,
    Schedule,
    ScheduleSpec,
    parse_batch_size_schedule,
)

EXIT_USAGE = 2


class UsageError(Exception):
    """A user's mistake on the command line: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse prints usage + message; we want one line
        raise UsageError(f"{self.prog}: {message}")


def _int(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"--{name} must be a whole number, got {text!r}"
            ) from None
        return value

    return parse


def _float(name: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--{name} must be a number, got {text!r}") from None

    return parse


def _float_flag(p: argparse.ArgumentParser, flag: str, **kwargs) -> None:
    """`--flag` taking a number; a bad value names the flag (see `_float`)."""
    p.add_argument(f"--{flag}", type=_float(flag), **kwargs)


def _int_flag(p: argparse.ArgumentParser, flag: str, **kwargs) -> None:
    """`--flag` taking a whole number; a bad value names the flag (see `_int`)."""
    p.add_argument(f"--{flag}", type=_int(flag), **kwargs)


def add_schedule_args(
    p: argparse.ArgumentParser,
    *,
    need_n: bool = True,
    batch_size: bool = True,
    epochs: bool = True,
    replicas: bool = True,
    accumulation: bool = True,
) -> None:
    """The schedule's flags, shared by `schedule`, `train`, `sweep` and the science commands."""
    if need_n:
        _int_flag(p, "n", required=True, help="dataset size N")
    else:
        _int_flag(p, "n", default=None, help="first N samples (default: all)")
    if batch_size:
        _int_flag(p, "batch-size", default=None, help="B (required unless --batch-size-schedule)")
    if batch_size and accumulation:  # what trains through the engine, and `schedule`
        p.add_argument(
            "--batch-size-schedule",
            default="",
            metavar="E:B,...",
            help="a batch-size ramp: B from each epoch on, the first at epoch 0, e.g. "
            "0:8,2:32,4:128 (overrides --batch-size)",
        )
    if epochs:
        _int_flag(p, "epochs", default=1)
    p.add_argument("--drop-remainder", action="store_true")
    _float_flag(p, "validation-split", default=0.0)
    p.add_argument("--shuffle", choices=SHUFFLE_MODES, default="epoch")
    _int_flag(p, "seed", default=0)
    if replicas:
        _int_flag(
            p,
            "replicas",
            default=1,
            help="data-parallel replicas sharing each global batch (training: MirroredStrategy, "
            "or DataParallel on KERAS_BACKEND=jax)",
        )
    if accumulation:
        _int_flag(
            p,
            "accumulation",
            default=1,
            metavar="K",
            help="gradient accumulation: average K batches' gradients into one optimizer update "
            "(Keras gradient_accumulation_steps; 1: none)",
        )


def build_parser() -> argparse.ArgumentParser:
    """One parser per sub-command, in the order `--help` lists them."""
    parser = _Parser(prog="python -m core", description="Batch Lab, headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for add in (
        add_schedule_parser,
        add_trajectory_parser,
        add_advise_parser,
        add_train_parser,
        add_sweep_parser,
        add_noise_scale_parser,
        add_critical_batch_parser,
        add_throughput_parser,
        add_sharpness_parser,
        add_runs_parser,
    ):
        add(sub)
    return parser


def add_schedule_parser(sub) -> None:
    p = sub.add_parser("schedule", help="iterations, batches and figures for N, B, E")
    add_schedule_args(p)
    _int_flag(
        p,
        "batches",
        metavar="K",
        help="list the batches (training-sample indices) of epoch K (0-based)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_schedule)


def add_train_parser(sub) -> None:
    p = sub.add_parser("train", help="train a real Keras model on exactly this schedule")
    add_train_args(p)
    _int_flag(p, "max-steps", default=None, help="stop after this many steps (a sweep's budget)")
    p.add_argument(
        "--lr-schedule",
        default="",
        metavar="E:F,...",
        help="learning-rate steps: lr × F from each epoch on, e.g. 2:0.25,4:0.0625",
    )
    _float_flag(
        p, "max-seconds", default=None, help="stop after this much training time (a time budget)"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_train)


def add_sweep_parser(sub) -> None:
    p = sub.add_parser("sweep", help="train across batch sizes on an equal budget")
    add_train_args(p, batch_size=False, epochs=False)
    p.add_argument(
        "--batch-sizes",
        default=None,
        metavar="B1,B2,...",
        help="comma-separated; 'full' for the whole training set",
    )
    p.add_argument(
        "--batch-size-schedule",
        default="",
        metavar="E:B,...",
        help="instead of --batch-sizes: Smith et al. 2018's experiment, this batch-size ramp "
        "against its first B with the lr divided by the same factors at the same epochs "
        "(--epochs, --repeats)",
    )
    p.add_argument(
        "--budget",
        choices=("epochs", "steps", "samples", "time"),
        default=None,
        help="what every batch size gets the same amount of (default: epochs)",
    )
    for flag in ("epochs", "steps", "samples"):
        _int_flag(p, flag, default=None)
    _float_flag(p, "seconds", default=None)
    p.add_argument("--lr-scaling", choices=("none", "linear", "sqrt"), default="none")
    _float_flag(
        p,
        "warmup-epochs",
        default=0.0,
        help="linear lr warm-up over this many epochs (Goyal et al. 2017: 5, with linear scaling)",
    )
    _int_flag(p, "base-batch-size", default=32)
    _int_flag(p, "repeats", default=1)
    p.add_argument(
        "--accumulations",
        default="1",
        metavar="K1,K2,...",
        help="gradient accumulation values: every batch size runs once per K (default 1)",
    )
    p.add_argument(
        "--keep-product",
        action="store_true",
        help="each --batch-sizes value is the effective batch B × K: runs step on B / K",
    )
    p.add_argument(
        "--sharpness",
        action="store_true",
        help="also measure every run's lambda_max, Hessian trace and generalization gap at its "
        "final weights (see `sharpness`)",
    )
    _add_sweep_target_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sweep)


def _add_sweep_target_args(p: argparse.ArgumentParser) -> None:
    """The sweep's target (for steps/time to target) and where its runs run."""
    p.add_argument(
        "--target-metric", choices=("train_loss", "val_loss", "val_accuracy"), default="train_loss"
    )
    _float_flag(
        p, "target", default=None, help="loss or accuracy to reach, for steps/time to target"
    )
    p.add_argument(
        "--executor",
        choices=("local", "ray"),
        default="local",
        help="local: one run after another here; ray: every run a Ray task",
    )
    p.add_argument(
        "--ray-address", default=None, help="an existing Ray cluster (default: start a local one)"
    )


def add_noise_scale_parser(sub) -> None:
    p = sub.add_parser("noise-scale", help="gradient noise scale B_simple while training")
    add_train_args(p, trains=False)
    _int_flag(p, "micro", default=4, help="micro-batches per batch (B_small = B / micro)")
    p.add_argument(
        "--exact",
        action="store_true",
        help=f"also compute B_simple from every per-example gradient at the final weights "
        f"(training sets of at most {EXACT_MAX_SAMPLES:,} samples)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_noise_scale)


def add_critical_batch_parser(sub) -> None:
    p = sub.add_parser(
        "critical-batch", help="fit B_crit to steps-to-target: S = S_min (1 + B_crit / B)"
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--points", metavar="B:S,B:S,...", help="batch size : steps to target")
    src.add_argument("--sweep", metavar="ID", help="a stored sweep (see `python -m core runs`)")
    p.add_argument(
        "--metric", default="val_loss", help="with --sweep: train_loss, val_loss or val_accuracy"
    )
    _float_flag(p, "target", help="with --sweep: the target value")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_critical_batch)


def add_throughput_parser(sub) -> None:
    p = sub.add_parser("throughput", help="steady samples/s per batch size on this device")
    add_train_args(p, batch_size=False, epochs=False, trains=False)
    p.add_argument("--batch-sizes", required=True, metavar="B1,B2,...")
    _float_flag(p, "seconds", default=1.0, help="steady seconds measured per batch size")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_throughput)


def add_runs_parser(sub) -> None:
    from core.run.store import STATUSES

    p = sub.add_parser(
        "runs",
        help="list the runs in the store (BATCHLAB_DB): each sweep or Advise session as one "
        "line unless --group, --search or --expand",
    )
    p.add_argument("--json", action="store_true")
    _int_flag(p, "limit", default=1000)
    p.add_argument("--search", default="", metavar="TEXT", help="part of a name, id or setting")
    p.add_argument("--group", metavar="ID", help="one sweep or Advise session; 'none': no group")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--expand", action="store_true", help="list every run of every group")
    p.add_argument("--rename", nargs=2, metavar=("RUN_ID", "NAME"), help="name a run ('' clears)")
    p.add_argument(
        "--rename-group",
        nargs=2,
        metavar=("GROUP_ID", "NAME"),
        help="name a sweep or Advise session ('' clears)",
    )
    p.set_defaults(handler=cmd_runs)


# -- trajectory: the Path page's SGD paths over y = 2x's loss landscape, headless.
def add_trajectory_parser(sub) -> None:
    from core.study import trajectory

    p = sub.add_parser(
        "trajectory", help="SGD's path of (w, b) on y = 2x and the loss surface under it"
    )
    p.add_argument("--dataset", default="linear", help="linear only (y = 2x)")
    p.add_argument("--model", default="linear", help="linear only (w·x + b)")
    _int_flag(p, "n", default=10, help=f"points (≤ {trajectory.MAX_N})")
    _int_flag(p, "batch-size", required=True)
    _int_flag(p, "epochs", default=1)
    p.add_argument("--optimizer", default="sgd", help="sgd only: the path's steps are SGD's")
    _float_flag(p, "lr", default=0.01)
    _float_flag(p, "noise", default=0.0, help="std of the noise on y")
    _int_flag(p, "seed", default=0)
    _int_flag(
        p,
        "grid",
        default=trajectory.GRID,
        help="surface points per axis, 2 to 201 (default %(default)s)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_trajectory)


def cmd_trajectory(args: argparse.Namespace) -> int:
    from core.study import trajectory

    if args.batch_size < 1:  # 0 means "full" on the page; here a size is asked for
        raise ValueError(f"--batch-size must be at least 1, got {args.batch_size}.")
    spec = trajectory.PathSpec(
        n=args.n,
        batch_sizes=(args.batch_size,),
        epochs=args.epochs,
        lr=args.lr,
        noise=args.noise,
        seed=args.seed,
        dataset=args.dataset,
        model=args.model,
        optimizer=args.optimizer,
    )
    traj = trajectory.trajectory(spec, grid=args.grid)  # ValueError → one line, exit 2
    out = trajectory.to_json(traj, traj.paths[0])
    if args.json:
        print(json.dumps(finite(out)))
        return 0
    path = traj.paths[0]
    print(
        f"y = 2x, N={spec.n}  B={args.batch_size}  E={spec.epochs}  sgd lr={spec.lr:g}  "
        f"noise={spec.noise:g}  seed={spec.seed}\n"
        f"start      w={traj.start[0]:.6g}  b={traj.start[1]:.6g}  loss={path.loss[0]:.6g}\n"
        f"after {path.steps:<4} w={path.w[-1]:.6g}  b={path.b[-1]:.6g}  loss={path.loss[-1]:.6g}\n"
        f"minimum    w={traj.minimum[0]:.6g}  b={traj.minimum[1]:.6g}  loss={traj.minimum[2]:.6g}"
    )
    if path.diverged_step is not None:
        print(f"diverged at step {path.diverged_step}: lower --lr")
    return 0


# -- advise: which batch size to use, by the Tuning Playbook's procedure (core.run.advise).
def add_advise_parser(sub) -> None:
    from core.run import advise

    p = sub.add_parser("advise", help="which batch size to use: the Tuning Playbook's procedure")
    p.add_argument("--dataset", choices=advise.ADVISE_DATASETS, help="or --data-file")
    p.add_argument("--model", choices=advise.ADVISE_MODELS, default=None, help="default: mlp")
    add_file_args(p)
    p.add_argument("--label", metavar="COLUMN", help="label column of a CSV --data-file")
    _int_flag(p, "n", default=None, help="first N samples (default: all)")
    p.add_argument("--optimizer", choices=advise.ADVISE_OPTIMIZERS, default="adam")
    _float_flag(p, "lr", default=None, help="your lr at --base-batch-size")
    _int_flag(p, "base-batch-size", default=32)
    p.add_argument(
        "--batch-sizes",
        default="",
        metavar="B1,B2,...",
        help="'full' for the training set; default: powers of two up to the largest that fits",
    )
    p.add_argument("--target-metric", choices=advise.TARGET_METRICS, default="val_loss")
    p.add_argument("--target", default="", help="default: chosen from a pilot run at B0")
    _float_flag(
        p, "seconds", default=advise.DEFAULT_SECONDS, help="time budget (default %(default)g)"
    )
    _float_flag(
        p,
        "memory-cap-mb",
        default=None,
        help="peak memory allowed (default: 75%% of this machine's)",
    )
    _float_flag(p, "validation-split", default=advise.DEFAULT_SPLIT)
    _int_flag(p, "seed", default=0)
    p.add_argument("--executor", choices=advise.EXECUTORS, default="local")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_advise)


def _lr(args: argparse.Namespace) -> float:
    """--lr, or the optimizer's usual default (Keras: 0.001 for adam, 0.01 for sgd)."""
    return args.lr if args.lr is not None else (0.01 if args.optimizer == "sgd" else 0.001)


def cmd_advise(args: argparse.Namespace) -> int:
    from core.present.readings_advise import advice_table, reason_lines, result_line
    from core.run import advise
    from core.run.store import RunStore
    from core.train.engine import TrainConfig

    check_source(args)
    if args.model and args.model_file:
        raise ValueError("give either --model (a bundled model) or --model-file, not both.")
    sizes = advise.parse_sizes(args.batch_sizes)
    lr = _lr(args)
    base = TrainConfig(
        dataset=args.dataset or "file",
        model="file" if args.model_file else (args.model or "mlp"),
        model_file=args.model_file,
        data_file=args.data_file,
        loss=args.loss,
        label=args.label,
        n=args.n,
        batch_size=args.base_batch_size,
        optimizer=args.optimizer,
        lr=lr,
        seed=args.seed,
        validation_split=args.validation_split,
    )
    spec = advise.AdviseSpec(
        base=base,
        batch_sizes=sizes,
        target_metric=args.target_metric,
        target=advise.parse_target(args.target),
        seconds=args.seconds,
        memory_cap_mb=args.memory_cap_mb,
        executor=args.executor,
    )
    advise.check_spec(spec)
    prepare_check(advise.with_validation(base), None)
    with _StopFlag() as stop:
        advice = advise.advise(spec, RunStore(), should_stop=stop)
    result = (result_line(advice) or "").replace("**", "") or None  # plain text, no Markdown
    out = advise.to_json(advice) | {"result": result, "reasons": reason_lines(advice)}
    if args.json:
        print(json.dumps(finite(_plain(out))))
        return 0
    if result:
        print(result)
    print(advice_table(advice).to_string(index=False))
    for line in out["reasons"]:
        print("- " + line)
    print(f"sweep {advice.sweep_id}, {advice.seconds:.0f} s")
    return 0


def add_train_args(
    p: argparse.ArgumentParser,
    *,
    batch_size: bool = True,
    epochs: bool = True,
    trains: bool = True,
) -> None:
    """Data, model and optimizer flags. `trains=False` (the science measurements, which drive
    their own loops on one device) leaves out --engine and --replicas."""
    from core.train.datasets import DATASETS, TASKS
    from core.train.engine import ENGINES
    from core.train.models import MODELS, OPTIMIZERS

    p.add_argument("--dataset", choices=DATASETS, help="a bundled dataset (or --data-file)")
    add_file_args(p)
    p.add_argument("--csv", metavar="PATH", help="CSV file for --dataset csv")
    p.add_argument("--label", metavar="COLUMN", help="label column of the CSV")
    p.add_argument("--task", choices=TASKS, default="auto")
    p.add_argument(
        "--no-standardize",
        action="store_true",
        help="csv: feed the features as given (default: standardised with the training rows' "
        "mean and standard deviation)",
    )
    p.add_argument(
        "--model",
        choices=MODELS,
        default=None,
        help="default: linear for the linear dataset, else mlp",
    )
    _int_flag(p, "features", default=None, help="blobs: feature dimensions (16)")
    _int_flag(p, "classes", default=None, help="blobs: classes (4)")
    _float_flag(p, "noise", default=None, help="linear: std of noise on y = 2x (0)")
    add_schedule_args(
        p,
        need_n=False,
        batch_size=batch_size,
        epochs=epochs,
        replicas=trains,
        accumulation=trains and batch_size,
    )
    p.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
    _float_flag(p, "lr", default=None, help="learning rate (default 0.001 for adam, 0.01 for sgd)")
    if trains:
        p.add_argument("--engine", choices=ENGINES, default="fused")


def add_file_args(p: argparse.ArgumentParser) -> None:
    """The user's own model and data files (`core.train.userfiles`)."""
    from core.train.userfiles import LOSSES

    p.add_argument(
        "--data-file",
        metavar="PATH",
        help=".npz (x, y[, x_test, y_test]), .csv (with --label) or .zip of image folders",
    )
    p.add_argument("--model-file", metavar="PATH", help="a Keras 3 .keras model (safe mode)")
    p.add_argument(
        "--loss",
        choices=LOSSES,
        default="auto",
        help="the model file's loss (default: its output decides)",
    )


def check_source(args: argparse.Namespace) -> None:
    """Exactly one of --dataset (bundled) and --data-file."""
    if bool(args.dataset) == bool(args.data_file):
        raise ValueError(
            "give either --dataset (a bundled set) or --data-file PATH (your own), not "
            + ("both." if args.dataset else "neither.")
        )


def read_csv_arg(args: argparse.Namespace) -> bytes | None:
    """The bytes of --csv, read with the size cap; errors say what to change."""
    from core.train.datasets import CSV_MAX_BYTES

    check_source(args)
    if args.data_file:
        if args.csv:
            raise ValueError("--csv goes with --dataset csv; with --data-file give the file there.")
        return None
    if args.dataset != "csv":
        if args.csv or args.label:
            raise ValueError("--csv and --label go with --dataset csv.")
        return None
    if not args.csv or not args.label:
        raise ValueError("--dataset csv needs --csv PATH and --label COLUMN.")
    try:
        with open(args.csv, "rb") as f:
            raw = f.read(CSV_MAX_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"cannot read --csv {args.csv!r}: {exc.strerror}.") from None
    return raw


def config_from_args(args: argparse.Namespace, **overrides):
    from core.train.engine import TrainConfig

    options = {"features": "blobs", "classes": "blobs", "noise": "linear"}
    for flag, dataset in options.items():
        if getattr(args, flag, None) is not None and args.dataset != dataset:
            raise ValueError(f"--{flag} goes with --dataset {dataset}.")
    dataset_options = {f: getattr(args, f) for f in options if getattr(args, f, None) is not None}

    model = args.model or ("linear" if args.dataset == "linear" else "mlp")
    if args.model_file:
        if args.model:
            raise ValueError("give either --model (a bundled model) or --model-file, not both.")
        model = "file"
    lr = _lr(args)
    fields = dict(
        dataset=args.dataset or "file",
        model=model,
        n=args.n,
        batch_size=_batch_size(args) if hasattr(args, "batch_size") else 32,
        batch_size_schedule=getattr(args, "batch_size_schedule", "") or "",
        lr_schedule=getattr(args, "lr_schedule", "") or "",
        epochs=1 if getattr(args, "epochs", None) is None else args.epochs,
        validation_split=args.validation_split,
        shuffle=args.shuffle,
        drop_remainder=args.drop_remainder,
        optimizer=args.optimizer,
        lr=lr,
        seed=args.seed,
        engine=getattr(args, "engine", "fused"),
        replicas=getattr(args, "replicas", 1),
        accumulation=getattr(args, "accumulation", 1),
        max_steps=getattr(args, "max_steps", None),  # train's caps; a sweep sets its own
        max_seconds=getattr(args, "max_seconds", None),
        label=args.label,
        task=args.task,
        model_file=args.model_file,
        data_file=args.data_file,
        loss=args.loss,
        standardize=not getattr(args, "no_standardize", False),
        **dataset_options,
    )
    fields.update(overrides)
    return TrainConfig(**fields)


def finite(value):
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    return value


class _StopFlag:
    """Ctrl-C asks the run to stop after its current chunk (status `stopped`)."""

    def __init__(self) -> None:
        self.set = False

    def __enter__(self):
        self._old = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, *_):
        if self.set:  # a second Ctrl-C: stop now
            raise KeyboardInterrupt
        self.set = True

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self._old)

    def __call__(self) -> bool:
        return self.set


def cmd_train(args: argparse.Namespace) -> int:
    from core.run.recording import create_run, run_and_record
    from core.run.store import RunStore
    from core.train.engine import prepare, steps_per_second_after_first_epoch

    prepared = prepare(config_from_args(args), read_csv_arg(args))
    print_notes(prepared.data.notes)
    if prepared.config.replicas > 1:
        from core.train.devices import configure_replicas

        configure_replicas(prepared.config.replicas)
    store = RunStore()
    run_id = create_run(store, prepared)
    with _StopFlag() as stop:
        result = run_and_record(prepared, store, run_id, should_stop=stop)
    out = {
        "run_id": run_id,
        "status": result.status,
        "steps": result.steps,
        "optimizer_updates": result.optimizer_updates,
        "batch_sizes": result.batch_sizes,
        "step_losses": result.step_losses,
        "epoch_losses": result.epoch_losses,
        "val_losses": result.val_losses,
        "val_accuracies": [e.val_accuracy for e in result.epochs if e.val_accuracy is not None],
        "test_metrics": result.test_metrics,
        "device": result.device,
        "replicas": prepared.config.replicas,
        "timing": result.timing,
        "diverged_step": result.diverged_step,
        "message": result.message,
        "model_parameters": result.model_parameters,
        "model_file": _model_file(prepared),
        "notes": [str(note) for note in prepared.data.notes],
        "config": prepared.config.to_dict() | {"n": prepared.data.n},
        "schedule": prepared.schedule.summary(),
        "db": str(store.path),
    }
    if args.json:
        print(json.dumps(finite(out)))
    else:
        t = result.timing
        later = steps_per_second_after_first_epoch(
            t, result.steps, prepared.schedule.steps_per_epoch
        )
        rate = f"{t['steps_per_second']:,.0f} over the whole run"
        if later is not None:
            rate += f"; {later:,.0f} after the first epoch"
        print(
            f"run {run_id}: {result.status}, {result.steps} steps "
            f"({result.optimizer_updates} optimizer updates) on {result.device}\n"
            f"epoch losses  {[round(v, 4) for v in result.epoch_losses]}\n"
            f"val losses    {[round(v, 4) for v in result.val_losses]}\n"
            f"test          {finite(result.test_metrics)}\n"
            f"steps/s       {rate}\n"
            f"peak memory   {t['peak_memory_bytes'] / 2**20:.0f} MB ({t['peak_memory_source']})"
        )
        if result.message:
            print(result.message)
    return 0


def _model_file(prepared) -> dict | None:
    """The user's model file as the run used it: name, hash, layers (None for a bundled one)."""
    spec = prepared.model_spec
    if spec is None:
        return None
    return {
        "name": spec.file_name,
        "sha256": spec.sha256,
        "input_shape": list(spec.input_shape),
        "output_units": spec.output_units,
        "output_activation": spec.output_activation,
        "loss": prepared.loss.loss,
        "layers": [[r.name, r.kind, r.input_shape, r.detail] for r in spec.layers],
    }


def _batch_size(args: argparse.Namespace) -> int:
    """--batch-size, or the first B of --batch-size-schedule; one of them is needed."""
    ramp = getattr(args, "batch_size_schedule", "")
    if ramp:
        return parse_batch_size_schedule(ramp)[0][1]
    if args.batch_size is None:
        raise ValueError("give --batch-size B (or --batch-size-schedule E:B,...).")
    return args.batch_size


def cmd_sweep(args: argparse.Namespace) -> int:
    from core.present.readings import sweep_reading
    from core.run.store import RunStore
    from core.study import sweep

    if args.batch_size_schedule:
        if args.batch_sizes:
            raise ValueError("give --batch-sizes or --batch-size-schedule, not both.")
        return _ramp_sweep(args)
    if not args.batch_sizes:
        raise ValueError(
            "--batch-sizes is empty: give --batch-sizes B1,B2,... "
            "(or --batch-size-schedule E:B,...)."
        )

    budget, value = _sweep_budget(args)
    spec = sweep.SweepSpec(
        base=config_from_args(args, batch_size=1, epochs=1, sharpness=args.sharpness),
        batch_sizes=sweep.parse_batch_sizes(args.batch_sizes),
        repeats=args.repeats,
        budget=budget,
        budget_value=value,
        lr_scaling=args.lr_scaling,
        warmup_epochs=args.warmup_epochs,
        base_batch_size=args.base_batch_size,
        accumulations=sweep.parse_accumulations(args.accumulations),
        keep_product=args.keep_product,
    )
    csv_bytes = read_csv_arg(args)
    configs = sweep.plan_checked(spec, csv_bytes)
    store = RunStore()
    sweep_id = sweep.new_sweep_id()
    run_ids = _run_sweep(args, configs, store, sweep_id, csv_bytes)
    runs_table, by_b = sweep.summarize(store, sweep_id, args.target_metric, args.target)
    runs = [_sweep_run(store, runs_table, run_id) for run_id in run_ids]
    text = sweep_reading(by_b, args.target_metric, args.target)
    out = {
        "sweep_id": sweep_id,
        "budget": budget,
        "budget_value": value,
        "lr_scaling": args.lr_scaling,
        "base_batch_size": args.base_batch_size,
        "executor": args.executor,
        "runs": runs,
        "by_batch_size": by_b.to_dict(orient="records"),
        "reading": text,
    }
    if args.sharpness:
        out |= _sweep_sharpness(store, sweep_id)
    if args.json:
        print(json.dumps(finite(_plain(out))))
        return 0
    _print_sweep(out)
    return 0


def _ramp_sweep(args: argparse.Namespace) -> int:
    """Smith et al. 2018: the ramp against lr decay at its first B, same epochs and samples."""
    from core.present.readings_ramp import ramp_reading
    from core.run.store import RunStore
    from core.study import ramp

    if args.steps is not None or args.samples is not None or args.seconds is not None:
        raise ValueError(
            "--batch-size-schedule compares equal epochs (the same samples seen): use --epochs."
        )
    if args.lr_scaling != "none" or args.accumulations != "1" or args.keep_product:
        raise ValueError(
            "--batch-size-schedule runs Smith et al.'s two arms at one lr: drop --lr-scaling, "
            "--accumulations and --keep-product."
        )
    base = config_from_args(args, batch_size=1, epochs=args.epochs or 1)
    spec = ramp.RampSpec(base, args.batch_size_schedule, args.repeats)
    csv_bytes = read_csv_arg(args)
    configs = ramp.plan_checked(spec, csv_bytes)
    store = RunStore()
    sweep_id = ramp.new_sweep_id()
    _run_sweep(args, configs, store, sweep_id, csv_bytes)
    summary = ramp.summarize(store, sweep_id)
    out = {
        "sweep_id": sweep_id,
        "batch_size_schedule": args.batch_size_schedule,
        "lr_schedule": ramp.decay_schedule(args.batch_size_schedule),
        "metric": summary.metric,
        "arms": summary.arms.to_dict(orient="records"),
        "epochs": summary.epochs.to_dict(orient="records"),
        "match": summary.match,
        "epochs_apart": summary.epochs_apart,
        "reading": ramp_reading(summary),
    }
    if args.json:
        print(json.dumps(finite(_plain(out))))
        return 0
    for row in out["arms"]:
        print(
            f"{row['arm']:<6} steps {row['steps']:.0f}  final {summary.metric} "
            f"{row['final_loss']:.4f} [{row['final_loss_min']:.4f}, {row['final_loss_max']:.4f}] "
            f"over {row['repeats']} repeats"
        )
    print(out["reading"])
    return 0


def _sweep_budget(args: argparse.Namespace) -> tuple[str, float]:
    """(budget, its value) from --budget and the one of --epochs/--steps/--samples/--seconds
    given; the budget defaults to what was given, else 1 epoch."""
    given = {
        k: getattr(args, k)
        for k in ("epochs", "steps", "samples", "seconds")
        if getattr(args, k) is not None
    }
    budget = args.budget or {"steps": "steps", "samples": "samples", "seconds": "time"}.get(
        next(iter(given), "epochs"), "epochs"
    )
    flag = {"epochs": "epochs", "steps": "steps", "samples": "samples", "time": "seconds"}[budget]
    if len(given) > 1 or (given and flag not in given):
        raise ValueError(
            f"--budget {budget} goes with --{flag} only, got {', '.join('--' + k for k in given)}."
        )
    value = given.get(flag, 1 if budget == "epochs" else None)
    if value is None:
        raise ValueError(f"--budget {budget} needs --{flag}.")
    return budget, value


def _run_sweep(args: argparse.Namespace, configs, store, sweep_id: str, csv_bytes) -> list[str]:
    """Run the sweep's configs here (Ctrl-C stops) or as Ray tasks; the run ids in order."""
    from core.run import executors

    if args.executor == "ray":
        if not choices.ray_available():
            raise ValueError("--executor ray needs Ray: pip install -r requirements-ray.txt.")
        return executors.run_sweep_ray(configs, store, sweep_id, csv_bytes, args.ray_address)
    if args.ray_address:
        raise ValueError("--ray-address goes with --executor ray.")
    with _StopFlag() as stop:
        return executors.run_sweep(configs, store, sweep_id, csv_bytes, should_stop=stop)


def _sweep_run(store, runs_table, run_id: str) -> dict:
    """One run of a sweep as `--json` lists it: the stored run and its summary row."""
    run = store.get_run(run_id)
    steps = store.steps(run_id)
    epochs = store.epochs(run_id)
    row = runs_table[runs_table["run_id"] == run_id].iloc[0].to_dict()
    return {
        "run_id": run_id,
        "batch_size": run["batch_size"],
        "accumulation": row["accumulation"],
        "effective_batch_size": row["effective_batch_size"],
        "optimizer_updates": row["optimizer_updates"],
        "peak_memory_mb": row["peak_memory_mb"],
        "lr": run["lr"],
        "seed": run["seed"],
        "status": run["status"],
        "steps": len(steps),
        "epochs": len(epochs),
        "seconds": row["seconds"],
        "step_losses": [s["loss"] for s in steps],
        "epoch_losses": [e["train_loss"] for e in epochs],
        "val_losses": [e["val_loss"] for e in epochs if e["val_loss"] is not None],
        "test_metrics": run.get("test_metrics") or {},
        "steps_per_second": row["steps_per_second"],
        "samples_per_second": row["samples_per_second"],
        "train_seconds": row["train_seconds"],
        "samples": sum(s["batch_size"] for s in steps),
        "steps_to_target": row["steps_to_target"],
        "seconds_to_target": row["seconds_to_target"],
        "message": run.get("message"),
    }


def _print_sweep(out: dict) -> None:
    runs = out["runs"]
    print(
        f"sweep {out['sweep_id']}: {len(runs)} runs, budget {out['budget_value']} {out['budget']}"
    )
    for r in runs:
        final = r["epoch_losses"][-1] if r["epoch_losses"] else float("nan")
        k = f"×K={r['accumulation']}" if r["accumulation"] > 1 else ""
        memory = r["peak_memory_mb"] or float("nan")
        print(
            f"  B={r['batch_size']}{k:<6} lr={r['lr']:<9.4g} steps={r['steps']:<7} "
            f"updates={r['optimizer_updates']:<7} {r['seconds']:.2f} s  final loss {final:.4f}  "
            f"peak {memory:.0f} MB  {r['status']}"
        )
    print(out["reading"])
    if "sharpness" in out:
        _print_sweep_sharpness(out)


def cmd_noise_scale(args: argparse.Namespace) -> int:
    from core.study.science import measure_noise_scale

    if args.micro < 2:
        raise ValueError(f"--micro must be at least 2, got {args.micro}.")
    cfg = config_from_args(args)
    prepare_check(cfg, read_csv_arg(args))
    with _StopFlag() as stop:
        r = measure_noise_scale(cfg, micro=args.micro, should_stop=stop, exact=args.exact)
    out = {
        "b_simple": r.b_simple,
        "interval": list(r.interval),
        "epoch_range": list(r.epoch_range),
        "steps_measured": r.steps_measured,
        "measured_at": r.measured_at,
        "last_epoch": r.last_epoch,
        "gradient_norm_sq": r.gradient_norm_sq,
        "trace_sigma": r.trace_sigma,
        "batch_size": r.batch_size,
        "b_small": r.b_small,
        "train_samples": r.train_samples,
        "per_epoch": r.per_epoch,
    }
    if args.exact:
        out["b_simple_exact"] = r.b_simple_exact
    if args.json:
        print(json.dumps(finite(out)))
        return 0
    from core.present.readings import interval_text

    where = (
        f"at the final weights, frozen ({r.steps_measured} fresh batches)"
        if r.measured_at == "final weights"
        else f"over the last {r.steps_measured} steps while training"
    )
    print(
        f"B_simple ≈ {r.b_simple:.1f} {where}; 90% interval {interval_text(*r.interval)}; "
        f"|G|² {r.gradient_norm_sq:.4g}, tr Σ {r.trace_sigma:.4g}; at B={r.batch_size}, "
        f"B_small={r.b_small}, N={r.train_samples:,}, after {r.epochs_trained} epochs "
        f"(the last epoch, while training: {r.last_epoch:.1f})"
    )
    if args.exact:
        exact = r.b_simple_exact
        print(
            f"exact B_simple {exact:.1f} from every per-example gradient at the final weights"
            if exact is not None
            else f"no exact value: more than {EXACT_MAX_SAMPLES:,} training samples"
        )
    for e in r.per_epoch:
        print(f"  epoch {e['epoch'] + 1}: loss {e['loss']:.4f}  B_simple {e['b_simple']:.1f}")
    return 0


def cmd_critical_batch(args: argparse.Namespace) -> int:
    from core.study.science import fit_critical_batch, parse_points

    if args.points is not None:
        sizes, steps = parse_points(args.points)
    else:
        sizes, steps = _sweep_points(args.sweep, args.metric, args.target)
    fit = fit_critical_batch(sizes, steps)
    out = fit.to_dict()
    if args.json:
        print(json.dumps(finite(out)))
        return 0
    lo, hi = fit.interval
    if fit.status == "fit":
        print(
            f"B_crit ≈ {fit.b_crit:.0f} (90% interval {lo or 0:.0f}–"
            f"{'∞' if hi is None else f'{hi:.0f}'}), S_min {fit.s_min:.0f}, E_min {fit.e_min:.0f}"
        )
    elif fit.status == "above_range":
        print(f"B_crit is above the largest size tried ({fit.b_range[1]:g}): at least {lo:.0f}")
    elif fit.status == "below_range":
        print(f"larger batches saved no steps: B_crit is below {fit.b_range[0]:g}")
    else:
        print(
            f"refused: the points do not follow S = S_min (1 + B_crit / B) "
            f"(rms error {fit.rms_log_error:.0%})"
        )
    return 0


def _sweep_points(sweep_id: str, metric: str, target: float | None):
    from core.run.store import RunStore
    from core.study import sweep

    if target is None:
        raise UsageError("critical-batch --sweep needs --target: the value of --metric to reach.")
    store = RunStore()
    if not store.list_runs(sweep_id=sweep_id):
        raise UsageError(f"no sweep {sweep_id!r} in the store: see `python -m core runs`.")
    _, by_b = sweep.summarize(store, sweep_id, metric, target)
    reached = by_b.dropna(subset=["steps_to_target"])
    return reached["batch_size"].tolist(), reached["steps_to_target"].tolist()


def cmd_throughput(args: argparse.Namespace) -> int:
    from core.study.science import throughput
    from core.study.sweep import parse_batch_sizes

    sizes = parse_batch_sizes(args.batch_sizes)
    if 0 in sizes:
        raise ValueError("--batch-sizes takes numbers here ('full' is not a size to time).")
    if not args.seconds > 0:
        raise ValueError(f"--seconds must be greater than 0, got {args.seconds}.")
    cfg = config_from_args(args, batch_size=1, epochs=1)
    prepare_check(cfg, read_csv_arg(args))
    rows = throughput(cfg, sizes, args.seconds)
    if args.json:
        print(json.dumps(finite({"rows": rows})))
        return 0
    for r in rows:
        sps = r["samples_per_second"]
        print(
            f"B={r['batch_size']:<7} "
            + (
                f"{sps:12,.0f} samples/s  {r['steps_per_second']:10,.0f} steps/s"
                if sps
                else r.get("note", "")
            )
        )
    return 0


# -- sharpness: λ_max, the Hessian's trace and the generalization gap at the final weights
# (issue 23; core.study.sharpness), and `sweep --sharpness`'s per-batch-size summary.
def add_sharpness_parser(sub) -> None:
    from core.study.sharpness import DEFAULT_PROBES, MAX_PROBES

    p = sub.add_parser(
        "sharpness",
        help="train, then measure lambda_max, the Hessian trace and the generalization gap",
    )
    add_train_args(p)
    _int_flag(p, "max-steps", default=None, help="stop after this many steps (a sweep's budget)")
    _float_flag(
        p, "max-seconds", default=None, help="stop after this much training time (a time budget)"
    )
    _int_flag(
        p,
        "probes",
        default=DEFAULT_PROBES,
        help=f"Hutchinson probes for the trace, 2 to {MAX_PROBES} (default %(default)s)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sharpness)


def cmd_sharpness(args: argparse.Namespace) -> int:
    from core.run.recording import StoreReporter, create_run
    from core.run.store import RunStore
    from core.study.sharpness import check_probes, measure_sharpness

    check_probes(args.probes)
    prepared = prepare_check(config_from_args(args, sharpness=True), read_csv_arg(args))
    if prepared.config.replicas > 1:
        from core.train.devices import configure_replicas

        configure_replicas(prepared.config.replicas)
    store = RunStore()
    run_id = create_run(store, prepared)
    reporter = StoreReporter(store, run_id)
    with _StopFlag() as stop:
        measured = measure_sharpness(prepared, args.probes, reporter, should_stop=stop)
    result, sharp = measured.result, measured.sharpness
    if sharp is None:
        raise ValueError(
            f"the run ended {result.status} after {result.steps} steps, so there are no final "
            "weights to measure: "
            + (result.message or "let it finish (no Ctrl-C, a larger --max-steps).")
        )
    out = {
        "run_id": run_id,
        "status": result.status,
        "steps": result.steps,
        **sharp.to_dict(),
        "config": prepared.config.to_dict() | {"n": prepared.data.n},
        "db": str(store.path),
    }
    if args.json:
        print(json.dumps(finite(out)))
        return 0
    lo, hi = sharp.trace_interval
    print(
        f"run {run_id}: {result.steps} steps, {sharp.parameters:,} weights, "
        f"N={sharp.train_samples:,}\n"
        f"lambda_max  {sharp.lambda_max:.6g} (power iteration, {sharp.lambda_iterations} "
        f"iterations{'' if sharp.lambda_converged else ', not converged'})\n"
        f"trace       {sharp.trace:.6g} (90% interval {lo:.6g} to {hi:.6g}, "
        f"{sharp.trace_probes} Hutchinson probes)\n"
        f"train loss  {sharp.train_loss:.6g}\n"
        f"test loss   {_or_none(sharp.test_loss)}\n"
        f"gap         {_or_none(sharp.generalization_gap)} (test − train)"
    )
    return 0


def _or_none(value: float | None) -> str:
    return "none" if value is None else f"{value:.6g}"


def _sweep_sharpness(store, sweep_id: str) -> dict:
    """`sweep --sharpness`'s JSON: each run's measurement, and the mean and range per size."""
    from core.present.readings_sharp import lr_tuning, sharpness_reading
    from core.study.sharpness import sharpness_table

    runs, by_b = sharpness_table(store, sweep_id)
    stored = store.list_runs(sweep_id=sweep_id)
    tuning = lr_tuning(stored)
    lr = stored[0]["lr"] if stored else None
    return {
        "sharpness": runs.to_dict(orient="records"),
        "sharpness_by_batch_size": by_b.to_dict(orient="records"),
        "lr_tuning": tuning,
        "sharpness_reading": sharpness_reading(by_b, tuning, lr=lr),
    }


def _print_sweep_sharpness(out: dict) -> None:
    for r in out["sharpness_by_batch_size"]:
        print(
            f"  B={r['batch_size']:<6} lambda_max {r['lambda_max']:.4g} "
            f"({r['lambda_max_min']:.4g} to {r['lambda_max_max']:.4g})  trace {r['trace']:.4g}  "
            f"gap {_or_none(r['generalization_gap'])}  ({r['repeats']} runs)"
        )
    print(out["sharpness_reading"])


def prepare_check(cfg, csv_bytes):
    """Validate a config the way a run would (raises ValueError); print the dataset's notes."""
    from core.train.engine import prepare

    prepared = prepare(cfg, csv_bytes)
    print_notes(prepared.data.notes)
    return prepared


def print_notes(notes) -> None:
    """What loading did to the data (classes encoded, columns dropped), on stderr: stdout may be
    JSON."""
    for note in notes:
        print(f"note: {note}", file=sys.stderr)


def _plain(value):
    """NumPy scalars to Python, for JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def cmd_runs(args: argparse.Namespace) -> int:
    from core.present.runs_list import group_title, grouped, run_name
    from core.run.store import RunStore

    store = RunStore()
    if args.rename:
        run_id, name = args.rename
        if store.get_run(run_id) is None:
            raise UsageError(f"no run {run_id!r} in the store: see `python -m core runs`.")
        store.rename_run(run_id, name)
    if args.rename_group:
        group_id, name = args.rename_group
        if group_id not in {g["group_id"] for g in store.groups()}:
            raise UsageError(f"no group {group_id!r} in the store: see `python -m core runs`.")
        store.rename_group(group_id, name)
    group = {"none": ""}.get(args.group, args.group)
    runs = store.find_runs(args.search, group, args.status, limit=args.limit)
    groups = store.groups()
    kinds = {g["group_id"]: g["kind"] for g in groups}
    keys = (
        "run_id",
        "status",
        "dataset",
        "model",
        "n",
        "batch_size",
        "epochs",
        "optimizer",
        "lr",
        "seed",
        "steps_done",
        "total_steps",
        "sweep_id",
        "created",
        "device",
        "steps_per_second",
        "test_metrics",
    )
    rows = [
        {**{k: r.get(k) for k in keys}, "name": run_name(r), "group_kind": kinds.get(r["sweep_id"])}
        for r in runs
    ]
    if args.json:
        print(json.dumps(finite(rows)))
        return 0
    if args.group is not None and args.group != "none" and args.group not in kinds:
        raise UsageError(f"no group {args.group!r} in the store: see `python -m core runs`.")
    by_id = {r["run_id"]: r for r in rows}
    parts = grouped(runs, groups)
    expand = args.expand or args.group is not None or bool(args.search.strip())
    for r in parts.single:
        print(_run_line(by_id[r["run_id"]]))
    for g, members in parts.groups:
        print(group_title({**g, "runs": len(members)}))
        if expand:
            for r in members:
                print("  " + _run_line(by_id[r["run_id"]]))
        else:
            print(f"  (--group {g['group_id']} lists its {len(members)} runs)")
    return 0


def _run_line(r: dict) -> str:
    return (
        f"{r['run_id']}  {r['status']:<11} {r['dataset']:<9} {r['model']:<6} "
        f"B={r['batch_size']:<6} E={r['epochs']:<5} steps {r['steps_done']}/"
        f"{r['total_steps']}  {r['name']}"
    )


def spec_from_args(args: argparse.Namespace, n: int | None = None) -> ScheduleSpec:
    return ScheduleSpec(
        n=args.n if n is None else n,
        batch_size=_batch_size(args),
        batch_size_schedule=parse_batch_size_schedule(getattr(args, "batch_size_schedule", "")),
        epochs=args.epochs,
        drop_remainder=args.drop_remainder,
        validation_split=args.validation_split,
        shuffle=args.shuffle,
        seed=args.seed,
        replicas=args.replicas,
        accumulation=args.accumulation,
    )


def cmd_schedule(args: argparse.Namespace) -> int:
    schedule = Schedule(spec_from_args(args))  # ValueError → usage error
    out = schedule.summary()
    if args.batches is not None:
        if args.batches >= schedule.epochs:
            raise ValueError(
                f"--batches must name an epoch in [0, {schedule.epochs - 1}], got {args.batches}."
            )
        batches = schedule.epoch_batches(args.batches)
        out["batches"] = [b.tolist() for b in batches]
        if schedule.replicas > 1:
            out["replica_batches"] = [
                [part.tolist() for part in schedule.replica_shards(b)] for b in batches
            ]
    if args.json:
        print(json.dumps(out))
        return 0
    s = out
    b = "ramp" if s["batch_size_schedule"] else s["batch_size"]
    print(
        f"N={s['n']}  B={b}  E={s['epochs']}  shuffle={s['shuffle']}  "
        f"drop_remainder={s['drop_remainder']}  validation_split={s['validation_split']}\n"
        f"training samples     {s['train_samples']}\n"
        f"validation samples   {s['validation_samples']}"
    )
    if not s["batch_size_schedule"]:  # a ramp's per-epoch figures are its phases', below
        print(
            f"iterations per epoch {s['steps_per_epoch']}\n"
            f"total iterations     {s['total_steps']}\n"
            f"last batch size      {s['last_batch_size']}\n"
            f"dropped per epoch    {s['dropped_samples']}"
        )
    else:
        print(f"total iterations     {s['total_steps']}")
    if s["batch_size_schedule"]:
        for p in s["phases"]:
            last = p["first_epoch"] + p["epochs"] - 1
            print(
                singular(
                    f"epochs {p['first_epoch']}-{last}: B={p['batch_size']}, "
                    f"{p['steps_per_epoch']} iterations per epoch, last batch "
                    f"{p['partial_batch_size'] or p['batch_size']}, dropped {p['dropped_samples']} "
                    f"(from iteration {p['first_step']})"
                )
            )
    if s["replicas"] > 1:
        print(f"replicas             {s['replicas']} × {s['per_replica_batch_size']} samples")
    if s["accumulation"] > 1:
        print(
            f"accumulation         {s['accumulation']} batches per update\n"
            f"optimizer updates    {s['optimizer_updates']}\n"
            f"effective batch      {s['effective_batch_size']} "
            f"({s['samples_per_update']:.4g} samples per update on average)\n"
            f"batches never applied {s['unapplied_batches']}"
        )
    if "batches" in out:
        for i, b in enumerate(out["batches"]):
            print(f"epoch {args.batches} iteration {i}: {b}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.handler(args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"python -m core: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
