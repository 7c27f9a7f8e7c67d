"""The training engine: feeds exactly the schedule's batches to a real Keras model.

Who does what:
- `TrainConfig` is what the user picked; `prepare()` validates it and loads the data and the
  schedule without TensorFlow (so pages can show errors and figures instantly).
- `train()` runs it: a stepper (`steppers`, one class per backend) compiles every shape the
  run needs before the clock starts, then runs chunks of the feed's steps (`feed`: the
  schedule's batches, epochs back to back) in one compiled call each (`fused`), or hands the
  same ordered arrays to stock `model.fit` (`keras-fit`, kept for comparison). Every chunk comes
  back with its per-step losses and is reported (`Reporter`) and written to the run store.
- A chunk may cross epoch ends; it stops where the validation set is evaluated (epoch ends,
  and every `eval_every` steps). Its length is re-sized from the last chunk's measured wall
  time to about `CHUNK_SECONDS`, which keeps the UI fresh and Stop prompt on a busy machine.
- Training seconds count stepping only: compiling (warm-up) and evaluation are timed apart.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from core.errors import InputError, Note, check_choice, check_int
from core.schedule.plan import (
    Schedule,
    ScheduleSpec,
    parse_batch_size_schedule,
    parse_lr_schedule,
)
from core.train import datasets, userfiles
from core.train.devices import (
    describe_device,
    import_keras,
    peak_memory,
    replica_strategy,
    reset_peak_memory,
)
from core.train.feed import Feed, Steps
from core.train.models import MODEL_FILE, OPTIMIZERS, check_model_choice
from core.train.steppers import EVAL_BATCH, MAX_CHUNK_STEPS

ENGINES = ("fused", "keras-fit")
CHUNK_SECONDS = 0.2  # ≥ 4 UI updates a second, Stop acts well within 1 s
MAX_EPOCHS = 100_000


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
    # Validation every k steps besides epoch ends (None: epoch ends only, as Keras; 0: never).
    eval_every: int | None = None
    micro: int = 1  # > 1: also measure the gradient noise scale with this many micro-batches
    chunk_steps: int | None = None  # a fixed chunk length (the Path page: 1); None: by time
    # Linear learning-rate warm-up over this many epochs (Goyal et al. 2017 use 5 with the
    # linear scaling rule): the lr rises from `warmup_from_lr` (a sweep: the base lr before
    # scaling, as Goyal et al.; None: lr / WARMUP_LEVELS) to `lr`, in at most WARMUP_LEVELS
    # equal steps.
    warmup_epochs: float = 0.0
    warmup_from_lr: float | None = None
    accumulation: int = 1  # batches per optimizer update (Keras `gradient_accumulation_steps`)
    # The user's own files (paths): a Keras 3 .keras model (then `model` is "file") and an
    # .npz / .csv / .zip of image folders (then `dataset` is "file"). `prepare` fills in the
    # model's hash, so a stored run says which model it was and a changed file is refused.
    model_file: str | None = None
    data_file: str | None = None
    loss: str = "auto"  # a file model's loss (`userfiles.LOSSES`); "auto": its output decides
    model_sha256: str | None = None
    # Measure sharpness (λ_max, trace) and the generalization gap at the final weights: the
    # run's recorder passes `core.study.sharpness`'s probe to `train` (issue 23).
    sharpness: bool = False
    # CSV features: standardised with the training part's statistics (datasets.standardized).
    standardize: bool = True
    # A batch-size ramp, "epoch:B,..." (`plan.parse_batch_size_schedule`); "" for none. It sets
    # every epoch's B, `batch_size` then being its first.
    batch_size_schedule: str = ""
    # Learning-rate steps, "epoch:factor,...": `lr` × factor from that epoch on (Smith et al.
    # 2018's decay arm); "" for none.
    lr_schedule: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        known = {f for f in cls.__dataclass_fields__}
        # A config stored before `standardize` existed fed its CSV features as given.
        return cls(**{"standardize": False} | {k: v for k, v in d.items() if k in known})


@dataclass
class Prepared:
    config: TrainConfig
    data: datasets.Data
    schedule: Schedule
    model_spec: userfiles.ModelSpec | None = None  # the user's .keras file, as read
    loss: userfiles.LossChoice | None = None  # the file model's loss


@dataclass
class Chunk:
    """Steps [first_step, first_step + len(losses)) of one epoch, as fed."""

    epoch: int
    first_step: int  # global step index of the first step here
    batch_sizes: list[int]
    losses: list[float]
    accuracies: list[float] | None
    class_counts: list[list[int]] | None
    seconds: float  # wall time of the chunk's steps
    elapsed: float  # training seconds since the start, at the end of this chunk
    small_sq: list[float] | None = None  # noise scale: mean |g_micro|² per step
    big_sq: list[float] | None = None  # noise scale: |g_batch|² per step
    # The trainable weights after the chunk's last step, for a reporter with `wants_weights`.
    weights: list[np.ndarray] | None = None


@dataclass(frozen=True)
class Evaluation:
    """The validation set's metrics after `step` steps and `train_seconds` of training."""

    step: int
    train_seconds: float
    val_loss: float
    val_accuracy: float | None


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
    evals: list[Evaluation] = field(default_factory=list)
    probe: object = None
    diverged_step: int | None = None
    message: str = ""
    optimizer_updates: int = 0  # steps // accumulation: the updates the weights received
    model_parameters: int = 0  # Keras's count_params() of the model trained


class Reporter:
    """Receives progress. Subclass and override; the defaults do nothing.

    Set `wants_weights = True` to get each chunk's final weights in `Chunk.weights`.
    """

    wants_weights = False

    def started(self, prepared: Prepared, device: str) -> None: ...

    def compiling(self) -> None:
        """The run compiles its step now (before its first step); not called when it was
        compiled already in this process."""

    def chunk(self, chunk: Chunk, steps_done: int) -> None: ...

    def epoch(self, record: EpochRecord) -> None: ...

    def evaluation(self, record: Evaluation) -> None: ...

    def finished(self, result: Result) -> None: ...


def check_config(cfg: TrainConfig) -> None:
    """Raise ValueError (what to change) for choices that are wrong before any data is read."""
    if not cfg.data_file:
        check_choice("dataset", cfg.dataset, datasets.DATASETS)
    if cfg.loss != "auto" and not cfg.model_file:
        raise InputError(
            "`loss` is chosen for a model from a file (--model-file); the bundled models use "
            "cross-entropy (classification) or mse (regression): leave it at auto."
        )
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
    if cfg.eval_every is not None and cfg.eval_every < 0:
        raise InputError(
            "`eval_every` must be 0 (never) or a number of steps, got {eval_every}.",
            eval_every=cfg.eval_every,
        )
    if not 0 <= cfg.warmup_epochs <= MAX_EPOCHS:
        raise InputError(
            "`warmup_epochs` must be between 0 and {cap}, got {warmup_epochs}.",
            cap=MAX_EPOCHS,
            warmup_epochs=cfg.warmup_epochs,
        )
    if cfg.chunk_steps is not None and cfg.chunk_steps < 1:
        raise InputError(
            "`chunk_steps` must be at least 1, got {chunk_steps}.", chunk_steps=cfg.chunk_steps
        )
    if cfg.micro < 1:
        raise InputError("`micro` must be at least 1, got {micro}.", micro=cfg.micro)
    _check_accumulation(cfg)
    if cfg.max_seconds is not None and not cfg.max_seconds > 0:
        raise InputError(
            "`max_seconds` must be greater than 0, got {max_seconds}.", max_seconds=cfg.max_seconds
        )


def _check_accumulation(cfg: TrainConfig) -> None:
    """K itself is checked with the schedule; here, the measurements that cannot honour it."""
    check_int("accumulation", cfg.accumulation, minimum=1)
    if cfg.accumulation > 1 and cfg.micro > 1:
        raise InputError(
            "the gradient noise scale measures each batch's own gradient, so it cannot run with "
            "`accumulation`={accumulation}: set accumulation to 1 to measure it.",
            accumulation=cfg.accumulation,
        )
    if cfg.max_steps is not None and cfg.max_steps < cfg.accumulation:
        raise InputError(
            "`max_steps`={max_steps} is fewer than the {accumulation} batches of one update, so "
            "the weights would never change: raise max_steps to {accumulation} or more.",
            max_steps=cfg.max_steps,
            accumulation=cfg.accumulation,
        )


def prepare(cfg: TrainConfig, csv_bytes: bytes | None = None) -> Prepared:
    """Validate, load the data and derive the schedule. No TensorFlow (except MNIST's loader):
    a user's .keras file is read and checked without Keras (`userfiles.inspect_model`)."""
    check_config(cfg)
    spec = choice = None
    if cfg.model_file:
        spec = userfiles.inspect_model(cfg.model_file)
        if cfg.model_sha256 not in (None, spec.sha256):
            raise InputError(
                "the model file {name!r} is not the one this run was made with (its contents "
                "changed): choose the original file, or start a new run.",
                name=spec.file_name,
            )
        choice = userfiles.choose_loss(spec, cfg.loss)
        # The loss as chosen, not "auto": a stored run says it without the file.
        cfg = replace(cfg, model=MODEL_FILE, model_sha256=spec.sha256, loss=choice.loss)
    if cfg.data_file:
        image = spec.input_shape if spec else (userfiles.DEFAULT_IMAGE_SHAPE)
        classify = choice.classify if choice else None
        data = userfiles.load_data(cfg.data_file, cfg.n, image, cfg.label, cfg.task, classify)
        cfg = replace(cfg, dataset="file")
    else:
        data = datasets.load(
            cfg.dataset,
            n=cfg.n,
            seed=cfg.seed,
            image=cfg.model == "cnn" or bool(spec and len(spec.input_shape) == 3),
            csv_bytes=csv_bytes,
            label=cfg.label,
            task=cfg.task,
            features=cfg.features,
            classes=cfg.classes,
            noise=cfg.noise,
        )
    if spec is not None:
        userfiles.check_pair(spec, data, choice)
        data = replace(data, num_classes=userfiles.num_classes(spec, choice))
    else:
        check_model_choice(cfg.model, data.task, data.is_image, cfg.dataset)
    prepared_spec = spec
    ramp = parse_batch_size_schedule(cfg.batch_size_schedule)
    parse_lr_schedule(cfg.lr_schedule, cfg.epochs)
    spec = ScheduleSpec(
        n=data.n,
        batch_size=cfg.batch_size,
        epochs=cfg.epochs,
        drop_remainder=cfg.drop_remainder,
        validation_split=cfg.validation_split,
        shuffle=cfg.shuffle,
        seed=cfg.seed,
        replicas=cfg.replicas,
        accumulation=cfg.accumulation,
        batch_size_schedule=ramp,
    )
    schedule = Schedule(spec)
    data = datasets.standardized(data, schedule.train_samples, cfg.standardize)
    return Prepared(cfg, data, schedule, model_spec=prepared_spec, loss=choice)


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
        # A ramp or lr steps name epochs: keep E so they stay valid (one step still runs, and
        # `begin` compiles every B of the ramp).
        epochs = cfg.epochs if cfg.batch_size_schedule or cfg.lr_schedule else 1
        train(prepare(replace(cfg, epochs=epochs, max_steps=1, max_seconds=None), csv_bytes))


def planned_steps(prepared: Prepared) -> int:
    total = prepared.schedule.total_steps
    if prepared.config.max_steps is not None:
        total = min(total, prepared.config.max_steps)
    return total


def class_counts(labels: np.ndarray, steps: Steps, num_classes: int) -> list[list[int]]:
    """Class counts of every step's fed samples (padding excluded)."""
    rows = np.repeat(np.arange(steps.count), steps.idx.shape[1])
    keep = steps.weights.reshape(-1) > 0
    lab = labels[steps.idx.reshape(-1)[keep]].astype(np.int64)
    counts = np.bincount(rows[keep] * num_classes + lab, minlength=steps.count * num_classes)
    return counts.reshape(steps.count, num_classes).tolist()


@dataclass
class _Session:
    """What a run trains with: the model, its stepper, the data split, where it runs."""

    stepper: object
    model: object
    key: tuple | None
    device: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    classify: bool


def build_model(prepared: Prepared):
    """(model, loss) as a run builds them: the user's .keras file with its saved weights and the
    loss its output implies, else the bundled model drawn from the seed and the task's loss."""
    from core.train import models

    cfg, data = prepared.config, prepared.data
    if cfg.model_file:
        choice = prepared.loss
        model = models.load_file(cfg.model_file, cfg.model_sha256)
        return model, models.make_loss(data.task, choice.loss, choice.from_logits)
    model = models.build(cfg.model, data.input_shape, max(data.num_classes, 1), seed=cfg.seed)
    return model, models.make_loss(data.task)


def _open(prepared: Prepared, engine: str | None = None) -> _Session:
    """Build (or take from the cache) the model and stepper for a run; nothing compiles yet.

    ENGINE overrides the config's (a file model the fused engine cannot take falls back to
    keras-fit)."""
    from core.train import models
    from core.train.steppers import KerasFitStepper, stepper_class

    cfg, data, schedule = prepared.config, prepared.data, prepared.schedule
    classify = data.task == "classification"
    strategy = None
    if cfg.replicas > 1:  # before `started`, so the stored device names the replicas
        strategy, device = replica_strategy(cfg.replicas)
    else:
        device = describe_device()
    # After the replicas are configured: asking for device memory starts the backend's devices.
    reset_peak_memory()  # this run's peak, not the worker's earlier runs'
    split = schedule.train_samples
    x_train, y_train, x_val, y_val = data.x[:split], data.y[:split], data.x[split:], data.y[split:]
    use_fused = (engine or cfg.engine) == "fused" and strategy is None
    key = (
        (cfg.model, data.input_shape, data.num_classes, data.task, cfg.optimizer, cfg.micro)
        + (str(data.x.dtype), str(data.y.dtype), cfg.accumulation, cfg.model_sha256, cfg.loss)
        if use_fused
        else None
    )
    stepper = _take_compiled(key) if use_fused else None
    if stepper is not None:  # same shapes as an earlier run here: no new build
        stepper.reset(cfg.seed, cfg.lr)
        return _Session(
            stepper, stepper.model, key, device, x_train, y_train, x_val, y_val, classify
        )
    with strategy.scope() if strategy is not None else contextlib.nullcontext():
        model, loss_fn = build_model(prepared)
        optimizer = models.make_optimizer(cfg.optimizer, cfg.lr, cfg.accumulation)
        if use_fused:
            backend = import_keras().backend.backend()
            stepper = stepper_class(backend)(model, optimizer, loss_fn, classify, cfg.micro)
        else:  # stock fit; with replicas, Keras splits each global batch over the strategy
            stepper = KerasFitStepper(model, optimizer, loss_fn, classify)
    return _Session(stepper, model, key, device, x_train, y_train, x_val, y_val, classify)


def evaluation_steps(prepared: Prepared) -> set[int]:
    """Global steps (counted after the step) at which the validation set is evaluated.

    Keras evaluates at every epoch end; `eval_every` = k adds every k-th step, so a sweep can
    find when a target is reached between epoch ends. The last planned step always counts.
    """
    cfg, schedule = prepared.config, prepared.schedule
    budget = planned_steps(prepared)
    if not schedule.validation_samples or cfg.eval_every == 0:
        return set()
    points = _epoch_ends(schedule, budget)
    if cfg.eval_every:
        points |= set(range(cfg.eval_every, budget + 1, cfg.eval_every))
    return points | {budget}


def _epoch_ends(schedule: Schedule, budget: int) -> set[int]:
    """Global steps (counted after the step) that end an epoch, up to `budget`: per phase of
    one batch size (a ramp's epochs have different lengths)."""
    points: set[int] = set()
    for p in schedule.phases:
        start, spe = p.first_step, p.steps_per_epoch
        points |= set(range(start + spe, min(start + p.steps, budget) + 1, spe))
    return points


WARMUP_LEVELS = 20


def _warm_up_lr(stepper, cfg: TrainConfig, first: int, warmup: int) -> int:
    """Set the learning rate for the chunk at `first`; the most steps it may run at that rate.

    Goyal et al. (2017) raise the lr linearly, step by step, from the base lr to the scaled one
    over the warm-up: lr(k) = start + (lr − start) · k / warmup. The compiled step keeps one lr
    per chunk, so it is a staircase of at most WARMUP_LEVELS levels (one a step when the
    warm-up is shorter), each at that line's value where the level begins: the first step
    uses `start` itself, and `lr` is reached at step `warmup`.
    """
    if first >= warmup:
        if first == warmup > 0:  # the warm-up's last chunk ended here: the full lr from now
            stepper.set_lr(cfg.lr)
        return MAX_CHUNK_STEPS
    start = cfg.warmup_from_lr if cfg.warmup_from_lr is not None else cfg.lr / WARMUP_LEVELS
    level_steps = max(1, math.ceil(warmup / WARMUP_LEVELS))
    begins = (first // level_steps) * level_steps
    stepper.set_lr(start + (cfg.lr - start) * begins / warmup)
    return min(begins + level_steps, warmup) - first


def _warmup_steps(schedule: Schedule, warmup_epochs: float) -> int:
    """Steps in the first `warmup_epochs` epochs (a ramp's epochs differ in length)."""
    if not schedule.ramp:
        return math.ceil(warmup_epochs * schedule.steps_per_epoch)
    whole = min(int(warmup_epochs), schedule.epochs)
    steps = schedule.epoch_first_step(whole)
    if whole < schedule.epochs:
        steps += math.ceil((warmup_epochs - whole) * schedule.epoch_steps(whole))
    return steps


def _chunk_lr(stepper, prepared: Prepared, first: int, warmup: int) -> int:
    """Set the learning rate for the chunk at `first`: the lr schedule's factor for its epoch
    (`lr_schedule`), then warm-up; the most steps it may run at that rate (a chunk ends where
    the factor changes, at an epoch start)."""
    cfg, schedule = prepared.config, prepared.schedule
    steps = parse_lr_schedule(cfg.lr_schedule, cfg.epochs)
    if not steps:
        return _warm_up_lr(stepper, cfg, first, warmup)
    epoch, _ = schedule.locate(first)
    factor, until = 1.0, MAX_CHUNK_STEPS
    for start, f in steps:
        if start <= epoch:
            factor = f
        else:
            until = schedule.epoch_first_step(start) - first
            break
    stepper.set_lr(cfg.lr * factor)
    return min(until, _warm_up_lr(stepper, replace(cfg, lr=cfg.lr * factor), first, warmup))


def next_count(per_step: float | None, previous: int, limit: int) -> int:
    """Steps in the next chunk: about CHUNK_SECONDS of measured wall time, re-measured every
    chunk (a busy machine shrinks chunks at once), growing at most 4× a chunk."""
    if per_step is None:
        return max(1, min(limit, 1))
    want = int(CHUNK_SECONDS / max(per_step, 1e-7))
    return max(1, min(limit, MAX_CHUNK_STEPS, want, 4 * previous))


@dataclass
class _Progress:
    """A run's running totals: what `train` updates after every chunk."""

    result: Result
    start: float
    evals: set[int]
    train_seconds: float = 0.0
    eval_seconds: float = 0.0
    samples: int = 0
    epoch_losses: list = field(default_factory=list)  # (loss, accuracy, size) this epoch
    epoch_seconds: float = 0.0
    first_epoch_seconds: float | None = None


def train(
    prepared: Prepared,
    reporter: Reporter | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    probe: Callable | None = None,
) -> Result:
    """Train on exactly the schedule's batches. Returns the whole history.

    `probe(stepper, x_train, y_train)`, if given, runs at the final weights; its value is kept
    as `result.probe` (the noise scale's exact check uses it).

    Chunks of steps run in one compiled call each; a chunk may cross epoch ends (padded
    partial batches keep one shape) and stops where the validation set is evaluated.
    """
    reporter = reporter or Reporter()
    cfg, schedule = prepared.config, prepared.schedule
    session = _open(prepared)
    reporter.started(prepared, session.device)
    feed = Feed(schedule)
    warm_start = time.perf_counter()
    eval_size = max(1, min(EVAL_BATCH, max(len(session.x_val), len(prepared.data.x_test))))
    if not session.stepper.compiled_for(feed, session.x_train, session.y_train, eval_size):
        reporter.compiling()
    session, reused, fallback = _begin(prepared, session, feed, eval_size)
    progress = _Progress(
        Result(status="completed", steps=0, device=session.device), 0.0, evaluation_steps(prepared)
    )
    progress.result.message = fallback
    progress.start = time.perf_counter()
    budget, evals = planned_steps(prepared), sorted(progress.evals)
    per_step, count, stop = None, 1, None
    warmup = _warmup_steps(schedule, cfg.warmup_epochs)
    while progress.result.steps < budget and stop is None:
        if should_stop():
            stop = "stopped"
            break
        if cfg.max_seconds is not None and progress.train_seconds >= cfg.max_seconds:
            break
        first = progress.result.steps
        limit = min(budget - first, session.stepper.max_count(first), feed.max_count(first))
        at = bisect.bisect_right(evals, first)
        if at < len(evals):  # a chunk ends where the validation set is evaluated
            limit = min(limit, evals[at] - first)
        count = cfg.chunk_steps or next_count(per_step, count, limit)
        count = min(count, limit, _chunk_lr(session.stepper, prepared, first, warmup))
        steps = feed.take(first, count)
        t0 = time.perf_counter()
        out = session.stepper.run(steps)
        seconds = time.perf_counter() - t0
        per_step = seconds / count
        weights = session.stepper.weights() if reporter.wants_weights else None
        stop = _record(prepared, session, progress, steps, out, seconds, reporter, weights)
        if stop is None and progress.result.steps in evals:
            _evaluate(session, progress, reporter)
    if probe is not None and progress.result.steps:
        session.stepper.sync_to_model()
        progress.result.probe = probe(session.stepper, session.x_train, session.y_train)
    return _finish(prepared, session, progress, stop, reused, warm_start, reporter)


def _begin(prepared: Prepared, session: _Session, feed: Feed, eval_size: int):
    """Compile the run's shapes: (session, reused, note). A model from a file that the fused
    engine cannot compile trains with stock `fit` instead, and the note says so."""
    args = (feed, session.x_train, session.y_train, eval_size)
    try:
        return session, session.stepper.begin(*args), ""
    except InputError:
        raise
    except Exception as exc:
        if not prepared.config.model_file or session.key is None:
            raise
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        session = _open(prepared, engine="keras-fit")
        note = Note(
            "The fused engine could not compile this model ({reason}), so it trained with "
            "stock Keras fit (engine keras-fit), on the same batches.",
            reason=reason,
        )
        return session, session.stepper.begin(*args), str(note)


def _record(
    prepared, session, progress, steps: Steps, out, seconds: float, reporter, weights=None
) -> str | None:
    """Account one chunk: per-epoch pieces to the reporter, epoch records at epoch ends."""
    data, result = prepared.data, progress.result
    classify = data.task == "classification"
    losses = [float(v) for v in out.losses]
    bad = next((i for i, v in enumerate(losses) if not math.isfinite(v)), None)
    keep = len(losses) if bad is None else bad + 1  # the history up to the first bad step
    counts = class_counts(session.y_train, steps, data.num_classes) if classify else None
    progress.train_seconds += seconds
    schedule = prepared.schedule
    i = 0
    while i < keep:
        epoch = int(steps.epochs[i])
        epoch_end = schedule.epoch_first_step(epoch + 1)  # a ramp's epochs differ in length
        j = min(keep, epoch_end - steps.first)
        part = slice(i, j)
        sizes = [int(s) for s in steps.sizes[part]]
        small = [float(v) for v in out.small_sq[part]]
        chunk = Chunk(
            epoch,
            steps.first + i,
            sizes,
            losses[part],
            [float(v) for v in out.accuracies[part]] if classify else None,
            counts[part] if counts is not None else None,
            seconds * (j - i) / len(losses),
            progress.train_seconds,
            small if any(math.isfinite(v) for v in small) else None,
            [float(v) for v in out.big_sq[part]] if any(math.isfinite(v) for v in small) else None,
            weights if j == keep else None,
        )
        result.steps += j - i
        result.batch_sizes += sizes
        result.step_losses += chunk.losses
        progress.samples += sum(sizes)
        progress.epoch_seconds += chunk.seconds
        accs = chunk.accuracies or [math.nan] * len(sizes)
        progress.epoch_losses += list(zip(chunk.losses, accs, sizes, strict=True))
        reporter.chunk(chunk, result.steps)
        if result.steps == epoch_end and bad is None:
            _end_epoch(prepared, session, progress, epoch, reporter)
        i = j
    if bad is not None:
        result.diverged_step = steps.first + bad
        return "diverged"
    return None


def _end_epoch(prepared, session, progress, epoch: int, reporter) -> None:
    columns = zip(*progress.epoch_losses, strict=True)
    losses, accs, sizes = (np.asarray(v, dtype=np.float64) for v in columns)
    # Keras reports the epoch loss as the batch-size-weighted mean of its steps.
    train_loss = float(np.sum(losses * sizes) / np.sum(sizes))
    classify = prepared.data.task == "classification"
    train_acc = float(np.sum(accs * sizes) / np.sum(sizes)) if classify else None
    val_loss = val_acc = None
    if progress.result.steps in progress.evals and len(session.x_val):
        val_loss, val_acc = _evaluate(session, progress, reporter, report=False)
    record = EpochRecord(
        epoch, train_loss, train_acc, val_loss, val_acc, progress.epoch_seconds, len(sizes)
    )
    if progress.first_epoch_seconds is None:
        progress.first_epoch_seconds = progress.epoch_seconds
    progress.result.epochs.append(record)
    progress.result.epoch_losses.append(train_loss)
    if val_loss is not None:
        progress.result.val_losses.append(val_loss)
    progress.epoch_losses, progress.epoch_seconds = [], 0.0
    reporter.epoch(record)


def _evaluate(session, progress, reporter, report: bool = True):
    """Validation metrics at the current step; the time is not training time."""
    result = progress.result
    if result.evals and result.evals[-1].step == result.steps:
        last = result.evals[-1]
        return last.val_loss, last.val_accuracy
    t0 = time.perf_counter()
    loss, acc = session.stepper.evaluate(session.x_val, session.y_val)
    progress.eval_seconds += time.perf_counter() - t0
    record = Evaluation(
        result.steps, progress.train_seconds, loss, acc if session.classify else None
    )
    result.evals.append(record)
    reporter.evaluation(record)
    return record.val_loss, record.val_accuracy


def _finish(prepared, session, progress, stop, reused, warm_start, reporter) -> Result:
    cfg, data, result = prepared.config, prepared.data, progress.result
    session.stepper.sync_to_model()
    # A time budget can end a run between evaluation points: evaluate where it ended.
    ended_early = stop is None and result.steps and result.steps not in progress.evals
    if ended_early and len(session.x_val) and cfg.eval_every != 0:
        _evaluate(session, progress, reporter)
    if stop == "diverged":
        result.status = "diverged"
        result.message = str(
            Note(
                "the loss became infinite or NaN at step {step}: lower the learning rate (now "
                "{lr}) or raise the batch size.",
                step=result.diverged_step,
                lr=f"{prepared.config.lr:g}",
            )
        )
    elif stop == "stopped":
        result.status = "stopped"
    result.model_parameters = int(session.model.count_params())
    if session.stepper.stream:
        size = (session.x_train.nbytes + session.y_train.nbytes) / 2**30
        result.message = (
            f"The training data ({size:.1f} GB) is too large to keep on the "
            "device: it was streamed in chunks from host memory."
        )
    # A stopped run reports at once: the test set is evaluated for runs that ran their course.
    if result.status == "completed" and result.steps:
        test_loss, test_acc = session.stepper.evaluate(data.x_test, data.y_test)
        result.test_metrics = {"loss": test_loss}
        if data.task == "classification":
            result.test_metrics["accuracy"] = test_acc
    result.optimizer_updates = result.steps // cfg.accumulation
    result.timing = _timing(progress, progress.start - warm_start, reused, cfg.replicas)
    # One compiled step per distinct batch size (a ramp has several).
    result.timing["compiled_batch_sizes"] = getattr(session.stepper, "compiled_batch_sizes", 1)
    if prepared.schedule.ramp:
        sizes = prepared.schedule.batch_size_values()
        ramp_note = Note(
            "A batch-size ramp: {count} batch sizes ({sizes}), each with its own compiled step.",
            count=len(sizes),
            sizes=", ".join(str(b) for b in sizes),
        )
        result.message = " ".join(m for m in (result.message, str(ramp_note)) if m)
    if session.key is not None:
        _put_compiled(session.key, session.stepper)
    reporter.finished(result)
    return result


# Compiled fused steppers by shape, reused by later runs in the same process (sweeps, the CLI
# in a notebook, tests). A run takes its entry out while it trains, so threads never share one.
_COMPILED: dict[tuple, object] = {}
_COMPILED_LOCK = threading.Lock()
_COMPILED_MAX = 4


def _take_compiled(key: tuple) -> object | None:
    with _COMPILED_LOCK:
        return _COMPILED.pop(key, None)


def _put_compiled(key: tuple, stepper: object) -> None:
    stepper.release()  # its compiled functions and weights, not the run's data
    with _COMPILED_LOCK:
        _COMPILED[key] = stepper
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))


def steps_per_second_after_first_epoch(
    timing: dict, steps: int, steps_per_epoch: int
) -> float | None:
    """Steps/s of the epochs after the first (None with one epoch or less): the first epoch
    carries one-off costs that the whole-run rate (`timing["steps_per_second"]`) includes."""
    later = steps - steps_per_epoch
    seconds = timing["train_seconds"] - timing["first_epoch_seconds"]
    return later / seconds if later > 0 and seconds > 0 else None


def _timing(progress: _Progress, warmup_seconds: float, reused: bool, replicas: int) -> dict:
    """Rates over training time only: stepping, after every shape compiled, evaluation apart.

    samples/s counts the samples actually fed (a partial batch counts its own size).
    """
    seconds, result = progress.train_seconds, progress.result
    peak, source = peak_memory()
    samples_per_second = progress.samples / seconds if seconds > 0 else 0.0
    return {
        "first_epoch_seconds": progress.first_epoch_seconds or seconds,
        "train_seconds": seconds,
        "samples": progress.samples,
        "steps_per_second": result.steps / seconds if seconds > 0 else 0.0,
        "samples_per_second": samples_per_second,
        # Each replica computes its shard of every global batch: B / R samples per step.
        "per_replica_samples_per_second": samples_per_second / replicas,
        "eval_seconds": progress.eval_seconds,
        "warmup_seconds": warmup_seconds,
        # True only when every shape this run used was already compiled in this process.
        "compile_reused": reused,
        # What the run held at most: device memory where the backend reports it, else the
        # process's peak RSS since the run started (`devices.peak_memory`).
        "peak_memory_bytes": peak,
        "peak_memory_source": source,
    }
