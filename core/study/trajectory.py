"""SGD paths of y = 2x's weight and bias over the training loss: the Path page and the CLI.

Who does what:
- `PathSpec` is what the user picked (N, batch sizes, epochs, lr, noise, seed); `check_spec`
  validates it through the training engine's own `prepare` (no TensorFlow).
- `sgd_path` trains the engine's linear model with the real engine (`engine.train`, the
  fused stepper the Train page runs) one step a chunk (`chunk_steps=1`) on exactly the
  schedule's batches, and reads (w, b) from each chunk (`Reporter.wants_weights`).
- `loss_surface` is the training MSE on a (w, b) grid, `minimum` its least-squares bottom, and
  `step_view` the batch's gradient beside the full-data gradient at one point of a path: NumPy
  float64, no training.
- `trajectory` puts them together for one call from the page or the CLI.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from core.errors import InputError, check_int
from core.train.engine import Reporter

MAX_N = 1000  # points on the scatter; the surface and the replay stay instant
MAX_EPOCHS = 1000
MAX_PATH_STEPS = 5000  # one Keras call per step: about 1 ms each
MAX_BATCH_SIZES = 5
MIN_LR, MAX_LR = 1e-6, 10.0  # the page's input; the core takes any lr > 0 (the engine checks)
MAX_NOISE = 1000.0
GRID = 61  # surface points per axis
MAX_GRID = 201
# A path whose weights leave this box has diverged: later steps are inf or nan.
DIVERGED = 1e6


@dataclass(frozen=True)
class PathSpec:
    """The y = 2x example (N = 10, batches of 3, 10 epochs, SGD lr 0.01) and its variants."""

    n: int = 10
    batch_sizes: tuple[int, ...] = (1, 3, 10)
    epochs: int = 10
    lr: float = 0.01
    noise: float = 0.0
    seed: int = 0
    dataset: str = "linear"
    model: str = "linear"
    optimizer: str = "sgd"


@dataclass(frozen=True)
class Path:
    """One batch size's path. Point k is (w[k], b[k]) after k steps; point 0 is the start."""

    batch_size: int
    w: tuple[float, ...]
    b: tuple[float, ...]
    loss: tuple[float, ...]  # training MSE (all N points) at (w[k], b[k])
    batch_loss: tuple[float, ...]  # Keras's loss of step k's batch, at the weights before it
    batches: tuple[tuple[int, ...], ...]  # the sample indices step k was fed
    steps_per_epoch: int
    diverged_step: int | None = None  # the step whose weights left the box, not drawn

    @property
    def steps(self) -> int:
        return len(self.w) - 1

    def samples_seen(self) -> np.ndarray:
        """Samples fed before point k: 0, |batch 0|, |batch 0| + |batch 1|, ..."""
        sizes = [len(b) for b in self.batches[: self.steps]]
        return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def points_at(self, samples: int) -> int:
        """How many steps this path has taken once `samples` samples have been fed."""
        return int(np.searchsorted(self.samples_seen(), samples, side="right")) - 1


@dataclass(frozen=True)
class Surface:
    """`loss[i][k]` is the training MSE at (w[k], b[i])."""

    w: tuple[float, ...]
    b: tuple[float, ...]
    loss: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class StepView:
    """What the player shows at point `step` of a path: the next step's batch and gradients.

    The arrows are the SGD steps −lr·g from (w, b): the batch's, which the path takes, and the
    full data's, which gradient descent on all N points would take from the same weights.
    """

    step: int
    epoch: int
    w: float
    b: float
    loss: float
    batch: tuple[int, ...]  # the next step's samples; empty at the end of the path
    batch_step: tuple[float, float] | None
    full_step: tuple[float, float] | None
    angle: float | None  # degrees between the two gradients
    ratio: float | None  # |g_batch| / |g_full|


@dataclass(frozen=True)
class Trajectory:
    spec: PathSpec
    x: tuple[float, ...]
    y: tuple[float, ...]
    start: tuple[float, float]
    minimum: tuple[float, float, float]  # w*, b*, training MSE there
    paths: tuple[Path, ...]
    surface: Surface
    seconds: float  # wall time of the Keras training (TensorFlow's import included)


def _config(spec: PathSpec, batch_size: int):
    """The engine's config for one path: the spec's fields that TrainConfig has, and B."""
    from core.train.engine import TrainConfig

    return TrainConfig.from_dict({**asdict(spec), "batch_size": batch_size})


def check_spec(spec: PathSpec) -> None:
    """Raise InputError (what to change) for a spec the path cannot draw. No TensorFlow."""
    from core.train.engine import prepare

    if spec.dataset != "linear":
        raise InputError(
            "the path needs `dataset` linear (y = 2x: one weight and one bias to draw), got "
            "{dataset!r}.",
            dataset=spec.dataset,
        )
    if spec.model != "linear":
        raise InputError(
            "the path needs `model` linear (w·x + b), got {model!r}.", model=spec.model
        )
    if spec.optimizer != "sgd":
        raise InputError(
            "the path's arrows are SGD steps: `optimizer` must be sgd, got {optimizer!r}.",
            optimizer=spec.optimizer,
        )
    check_int("n", spec.n, 1, MAX_N)
    check_int("epochs", spec.epochs, 1, MAX_EPOCHS)
    if not spec.batch_sizes:
        raise InputError("give at least one batch size, e.g. 1, 3, 10.")
    if len(spec.batch_sizes) > MAX_BATCH_SIZES:
        raise InputError(
            "at most {cap} batch sizes fit on one landscape, got {count}: drop some.",
            cap=MAX_BATCH_SIZES,
            count=len(spec.batch_sizes),
        )
    for batch_size in spec.batch_sizes:
        check_int("batch_size", batch_size, 1)
        schedule = prepare(_config(spec, batch_size)).schedule  # lr, noise, seed checked here
        if schedule.total_steps > MAX_PATH_STEPS:
            raise InputError(
                "B = {batch_size} takes {steps:,} steps over {epochs} epochs, and a path draws "
                "at most {cap:,}: lower the epochs or N, or raise B.",
                batch_size=batch_size,
                steps=schedule.total_steps,
                epochs=spec.epochs,
                cap=MAX_PATH_STEPS,
            )


def full_batch(spec: PathSpec) -> PathSpec:
    """SPEC with each batch size 0 ('full') replaced by N, duplicates dropped, order kept."""
    sizes = tuple(dict.fromkeys(spec.n if b == 0 else b for b in spec.batch_sizes))
    return replace(spec, batch_sizes=sizes)


def data(spec: PathSpec) -> tuple[np.ndarray, np.ndarray]:
    """The training points (x, y) as float64 vectors: the engine's linear dataset."""
    from core.train.engine import prepare

    prepared = prepare(_config(spec, 1))
    return (
        prepared.data.x[:, 0].astype(np.float64),
        prepared.data.y.astype(np.float64),
    )


def mse(x: np.ndarray, y: np.ndarray, w, b):
    """Training MSE of w·x + b; w and b may be arrays that broadcast (a grid)."""
    r = np.multiply.outer(w, x) + np.expand_dims(b, -1) - y
    return np.mean(r * r, axis=-1)


def gradient(x: np.ndarray, y: np.ndarray, w: float, b: float) -> tuple[float, float]:
    """(∂/∂w, ∂/∂b) of mean((w·x + b − y)²) over the given points."""
    r = w * x + b - y
    return float(2.0 * np.mean(r * x)), float(2.0 * np.mean(r))


def minimum(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(w*, b*, MSE there): least squares (the shortest solution when N = 1)."""
    design = np.stack([x, np.ones_like(x)], axis=1)
    (w, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(w), float(b), float(mse(x, y, w, b))


def overshoot_lr(x) -> float:
    """The lr above which a step on the farthest point alone overshoots its valley floor.

    One point's loss (w·x + b − y)² has Hessian 2·[[x², x], [x, 1]], largest eigenvalue
    2·(x² + 1); SGD overshoots when lr × that exceeds 1 and diverges when it exceeds 2.
    """
    return 1.0 / (2.0 * (float(np.max(np.square(x))) + 1.0))


class _Weights(Reporter):
    """(w, b) after every step of the engine's run, and where the path left the box."""

    wants_weights = True

    def __init__(self, start: tuple[float, float]) -> None:
        self.ws, self.bs = [start[0]], [start[1]]
        self.losses: list[float] = []
        self.diverged: int | None = None

    def chunk(self, chunk, steps_done) -> None:
        if chunk.weights is None or self.diverged is not None:
            return
        kernel, bias = chunk.weights
        w, b = float(np.ravel(kernel)[0]), float(np.ravel(bias)[0])
        if not (abs(w) < DIVERGED and abs(b) < DIVERGED):
            self.diverged = chunk.first_step
            return
        self.ws.append(w)
        self.bs.append(b)
        self.losses.append(float(chunk.losses[-1]))


def sgd_path(spec: PathSpec, batch_size: int) -> Path:
    """Train with the real engine, one step a chunk, on the schedule's batches; (w, b) after
    each step (the engine's fused stepper: the same compiled step the Train page runs)."""
    from core.train import models
    from core.train.engine import prepare, train

    cfg = replace(_config(spec, batch_size), chunk_steps=1, engine="fused")
    prepared = prepare(cfg)
    x32, y32, schedule = prepared.data.x, prepared.data.y, prepared.schedule
    # the engine builds the same model from the same seed: its weights before the first step
    kernel, bias = models.build(
        spec.model, prepared.data.input_shape, 1, seed=spec.seed
    ).get_weights()
    weights = _Weights((float(np.ravel(kernel)[0]), float(np.ravel(bias)[0])))
    train(prepared, weights, should_stop=lambda: weights.diverged is not None)
    batches = [
        tuple(int(i) for i in idx)
        for epoch in range(schedule.epochs)
        for idx in schedule.epoch_batches(epoch)
    ]
    x, y = x32[:, 0].astype(np.float64), y32.astype(np.float64)
    losses = mse(x, y, np.asarray(weights.ws), np.asarray(weights.bs))
    return Path(
        batch_size=batch_size,
        w=tuple(weights.ws),
        b=tuple(weights.bs),
        loss=tuple(float(v) for v in losses),
        batch_loss=tuple(weights.losses),
        batches=tuple(batches),
        steps_per_epoch=schedule.steps_per_epoch,
        diverged_step=weights.diverged,
    )


def _padded(w_lo: float, w_hi: float, b_lo: float, b_hi: float) -> tuple[float, ...]:
    """The box with a 10% margin, never thinner than a hair around its centre."""
    pad_w = max(0.1 * (w_hi - w_lo), 1e-3 * (1.0 + abs(w_hi)))
    pad_b = max(0.1 * (b_hi - b_lo), 1e-3 * (1.0 + abs(b_hi)))
    return w_lo - pad_w, w_hi + pad_w, b_lo - pad_b, b_hi + pad_b


def bounds(
    points_w: np.ndarray, points_b: np.ndarray, anchor: tuple[float, float, float, float]
) -> tuple[float, ...]:
    """(w_lo, w_hi, b_lo, b_hi): the points and the anchor box (start and minimum), at most a
    few anchor spans wide, so one diverging path cannot flatten the picture."""
    aw0, aw1, ab0, ab1 = anchor
    span = max(aw1 - aw0, ab1 - ab0, 0.5)
    w_lo = max(min(points_w.min(), aw0), aw0 - 2 * span)
    w_hi = min(max(points_w.max(), aw1), aw1 + 2 * span)
    b_lo = max(min(points_b.min(), ab0, -0.25), ab0 - 2 * span)
    b_hi = min(max(points_b.max(), ab1, 0.25), ab1 + 2 * span)
    return _padded(w_lo, w_hi, b_lo, b_hi)


def loss_surface(
    x: np.ndarray, y: np.ndarray, box: tuple[float, float, float, float], grid: int = GRID
) -> Surface:
    """Training MSE on a grid × grid lattice over BOX = (w_lo, w_hi, b_lo, b_hi)."""
    check_int("grid", grid, 2, MAX_GRID)
    w = np.linspace(box[0], box[1], grid)
    b = np.linspace(box[2], box[3], grid)
    loss = mse(x, y, w[None, :], b[:, None])  # [i][k]: b[i], w[k]
    return Surface(
        w=tuple(w.tolist()), b=tuple(b.tolist()), loss=tuple(tuple(r) for r in loss.tolist())
    )


def trajectory(spec: PathSpec, grid: int = GRID) -> Trajectory:
    """The paths of every batch size in SPEC from one start, and the landscape under them."""
    spec = full_batch(spec)
    check_spec(spec)
    check_int("grid", grid, 2, MAX_GRID)
    x, y = data(spec)
    began = time.perf_counter()
    paths = tuple(sgd_path(spec, b) for b in spec.batch_sizes)
    seconds = time.perf_counter() - began
    w_star, b_star, loss_star = minimum(x, y)
    start = (paths[0].w[0], paths[0].b[0])
    anchor = (
        min(start[0], w_star),
        max(start[0], w_star),
        min(start[1], b_star),
        max(start[1], b_star),
    )
    all_w = np.concatenate([p.w for p in paths])
    all_b = np.concatenate([p.b for p in paths])
    return Trajectory(
        spec=spec,
        x=tuple(x.tolist()),
        y=tuple(y.tolist()),
        start=start,
        minimum=(w_star, b_star, loss_star),
        paths=paths,
        surface=loss_surface(x, y, bounds(all_w, all_b, anchor), grid),
        seconds=seconds,
    )


def valley_surface(traj: Trajectory, grid: int = GRID) -> Surface:
    """The landscape around the minimum and the second half of every path: where the paths
    crawl along the valley floor and the small batches zig-zag across it."""
    ws, bs = [traj.minimum[0]], [traj.minimum[1]]
    for path in traj.paths:
        first = path.steps // 2
        ws += path.w[first:]
        bs += path.b[first:]
    box = _padded(min(ws), max(ws), min(bs), max(bs))
    return loss_surface(np.asarray(traj.x), np.asarray(traj.y), box, grid)


def step_view(traj: Trajectory, path: Path, step: int) -> StepView:
    """Point STEP of PATH (0 = start) and the gradients of the step that leaves it."""
    check_int("step", step, 0, path.steps)
    x, y = np.asarray(traj.x), np.asarray(traj.y)
    w, b = path.w[step], path.b[step]
    epoch = min(step // path.steps_per_epoch, traj.spec.epochs - 1)
    if step == path.steps:
        return StepView(step, epoch, w, b, path.loss[step], (), None, None, None, None)
    batch = path.batches[step]
    lr = traj.spec.lr
    gb = gradient(x[list(batch)], y[list(batch)], w, b)
    gf = gradient(x, y, w, b)
    nb, nf = math.hypot(*gb), math.hypot(*gf)
    if nb > 0 and nf > 0:
        cosine = max(-1.0, min(1.0, (gb[0] * gf[0] + gb[1] * gf[1]) / (nb * nf)))
        angle, ratio = math.degrees(math.acos(cosine)), nb / nf
    else:
        angle = ratio = None
    return StepView(
        step,
        epoch,
        w,
        b,
        path.loss[step],
        batch,
        (-lr * gb[0], -lr * gb[1]),
        (-lr * gf[0], -lr * gf[1]),
        angle,
        ratio,
    )


def to_json(traj: Trajectory, path: Path) -> dict:
    """The CLI's contract for one batch size (see `python -m core trajectory --help`)."""
    s = traj.surface
    return {
        "n": traj.spec.n,
        "batch_size": path.batch_size,
        "epochs": traj.spec.epochs,
        "lr": traj.spec.lr,
        "noise": traj.spec.noise,
        "seed": traj.spec.seed,
        "x": list(traj.x),
        "y": list(traj.y),
        "start": {"w": traj.start[0], "b": traj.start[1]},
        "minimum": {"w": traj.minimum[0], "b": traj.minimum[1], "loss": traj.minimum[2]},
        "steps_per_epoch": path.steps_per_epoch,
        "batches": [list(b) for b in path.batches],
        "path": [
            {"w": w, "b": b, "loss": loss}
            for w, b, loss in zip(path.w[1:], path.b[1:], path.loss[1:], strict=True)
        ],
        "diverged_step": path.diverged_step,
        "surface": {"w": list(s.w), "b": list(s.b), "loss": [list(r) for r in s.loss]},
    }
