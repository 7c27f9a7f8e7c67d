"""Page inputs ↔ URL query parameters: parse with fallbacks, and write back.

A teacher's link such as `?n=10&batch_size=3&epochs=10` must reopen the same page state. Each
page declares its parameters (`PAGE_PARAMS`): the URL name (the CLI flag's name where there is
one), the session-state key the page's widget uses, a type and the allowed range or choices,
the same as the widget's (Streamlit silently resets a widget whose state is out of its range, so
a looser bound here would swallow a bad link without a note). Bad values fall back to the page's
default and produce a note (an `InputError`) that says which value was ignored and why; they
never raise out of `from_query`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from core import choices
from core.errors import InputError
from core.present import charts
from core.run import advise
from core.run.store import STATUSES
from core.schedule import plan
from core.schedule.plan import MAX_SEED, MAX_VALIDATION_SPLIT, SHUFFLE_MODES
from core.study import ramp, science, sweep, trajectory
from core.train.datasets import DATASETS, MAX_CLASSES, MAX_FEATURES, TASKS
from core.train.engine import ENGINES, MAX_EPOCHS
from core.train.models import MODELS, OPTIMIZERS

LANGS = ("en", "zh")
# Bounds of the pages' inputs: the widgets and their links both read them from here. The
# schedule's own (N up to 10^12, seed, split, replicas) live in core.schedule.plan, which
# enforces them; the training pages hold their data in memory, so their N stops at MAX_N.
MAX_N = 10_000_000
MAX_REPEATS = 10  # the Compare page's repeats input
MIN_MICRO, MAX_MICRO = 2, 32  # the Science page's micro-batches input
MAX_TRAIN_REPLICAS = 16  # the Train page's replicas input
MAX_SCHEDULE_REPLICAS = plan.MAX_REPLICAS  # the Schedule page's: it only splits the schedule
MAX_ACCUMULATION = plan.MAX_ACCUMULATION  # gradient accumulation K, on every page that has it
THROUGHPUT_CAPS = tuple(science.powers_of_two(4096))  # the Science page's cap slider
# The Runs page's x axis for overlaid per-step curves: Compare's axes but epoch.
RUNS_X = tuple(axis for axis in charts.COMPARE_X.values() if axis != "epoch")

MAX_WARMUP_EPOCHS = 100.0  # Compare: linear lr warm-up (Goyal et al. use 5 epochs)


@dataclass(frozen=True)
class Param:
    """One URL parameter of a page.

    `kind` is int | float | bool | choice | text | ids (comma-separated in the link, a list in
    the session). `choices`, for a choice or an int, are the values the widget offers; `usable`
    narrows them to those that work in this setup (Ray installed or not); `check` validates a
    text value, raising `InputError`.
    """

    name: str  # in the URL
    key: str  # in st.session_state
    kind: str
    low: float | None = None
    high: float | None = None
    choices: tuple[object, ...] = ()
    usable: Callable[[object], bool] | None = None
    check: Callable[[str], object] | None = None

    def allowed(self) -> tuple[object, ...]:
        """The choices a link may set now."""
        if self.usable is None:
            return self.choices
        return tuple(c for c in self.choices if self.usable(c))


def _executor_usable(executor: object) -> bool:
    # The Compare page draws the executor only when Ray is installed; without it, runs are local.
    return executor != "ray" or choices.ray_available()


def _common(prefix: str, max_epochs: int, max_n: int = MAX_N) -> list[Param]:
    return [
        Param("n", f"{prefix}n", "int", 0 if prefix else 1, max_n),
        Param("batch_size", f"{prefix}batch_size", "int", 1, max_n),
        Param("epochs", f"{prefix}epochs", "int", 1, max_epochs),
        Param("seed", f"{prefix}seed", "int", 0, MAX_SEED),
        Param("validation_split", f"{prefix}validation_split", "float", 0.0, MAX_VALIDATION_SPLIT),
    ]


def _target(prefix: str) -> list[Param]:
    return [
        Param("target_metric", f"{prefix}target_metric", "choice", choices=sweep.TARGET_METRICS),
        Param("target", f"{prefix}target", "float"),  # a loss or an accuracy: any finite number
    ]


PAGE_PARAMS: dict[str, list[Param]] = {
    "": [
        *_common("", plan.MAX_EPOCHS, plan.MAX_N),
        Param("shuffle", "shuffle", "choice", choices=SHUFFLE_MODES),
        Param("drop_remainder", "drop_remainder", "bool"),
        Param("replicas", "replicas", "int", 1, MAX_SCHEDULE_REPLICAS),
        Param("accumulation", "accumulation", "int", 1, MAX_ACCUMULATION),
        # "First epoch shown" of the batch-membership view (the page caps it at the last epoch)
        Param("membership_epoch", "membership_epoch", "int", 0, plan.MAX_EPOCHS - 1),
        # Kept as typed ("0:8,2:32"): its epochs are checked against E with the schedule.
        Param(
            "batch_size_schedule",
            "batch_size_schedule",
            "text",
            check=plan.parse_batch_size_schedule,
        ),
    ],
    "path": [  # bounds: core.study.trajectory, read by the Path page's widgets too
        Param("n", "path.n", "int", 1, trajectory.MAX_N),
        Param("batch_sizes", "path.batch_sizes", "text", check=sweep.parse_batch_sizes),
        Param("epochs", "path.epochs", "int", 1, trajectory.MAX_EPOCHS),
        Param("lr", "path.lr", "float", trajectory.MIN_LR, trajectory.MAX_LR),
        Param("noise", "path.noise", "float", 0.0, trajectory.MAX_NOISE),
        Param("seed", "path.seed", "int", 0, MAX_SEED),
        Param("follow", "path.follow", "int", 1, trajectory.MAX_N),
        Param("zoom", "path.zoom", "bool"),
    ],
    "train": [
        *_common("train.", MAX_EPOCHS),
        Param("shuffle", "train.shuffle", "choice", choices=SHUFFLE_MODES),
        Param("drop_remainder", "train.drop_remainder", "bool"),
        Param("dataset", "train.dataset", "choice", choices=DATASETS),
        Param("model", "train.model", "choice", choices=MODELS),
        Param("optimizer", "train.optimizer", "choice", choices=OPTIMIZERS),
        Param("lr", "train.lr", "float", 1e-12, 1e12),
        Param("engine", "train.engine", "choice", choices=ENGINES),
        Param("replicas", "train.replicas", "int", 1, MAX_TRAIN_REPLICAS),
        Param("accumulation", "train.accumulation", "int", 1, MAX_ACCUMULATION),
        Param(
            "batch_size_schedule",
            "train.batch_size_schedule",
            "text",
            check=plan.parse_batch_size_schedule,
        ),
        Param("task", "train.task", "choice", choices=TASKS),
        Param("standardize", "train.standardize", "bool"),
        Param("features", "train.features", "int", 1, MAX_FEATURES),
        Param("classes", "train.classes", "int", 2, MAX_CLASSES),
        Param("noise", "train.noise", "float", 0.0, 1e6),
        # The run the page shows: a reload or a second tab on the link re-attaches to it.
        Param("run", "train.run_id", "text"),
    ],
    "compare": [
        Param("n", "compare.n", "int", 0, MAX_N),
        Param("seed", "compare.seed", "int", 0, MAX_SEED),
        Param("validation_split", "compare.validation_split", "float", 0.0, MAX_VALIDATION_SPLIT),
        Param(
            "dataset", "compare.dataset", "choice", choices=tuple(d for d in DATASETS if d != "csv")
        ),
        Param("model", "compare.model", "choice", choices=MODELS),
        Param("optimizer", "compare.optimizer", "choice", choices=OPTIMIZERS),
        Param("lr", "compare.lr", "float", 1e-12, 1e12),
        Param("lr_scaling", "compare.lr_scaling", "choice", choices=sweep.LR_SCALING),
        Param("base_batch_size", "compare.base_batch_size", "int", 1, MAX_N),
        Param("warmup_epochs", "compare.warmup_epochs", "float", 0.0, MAX_WARMUP_EPOCHS),
        # Kept as typed ("1, 8, 32, full"): the page's text input holds the text, not the tuple.
        Param("batch_sizes", "compare.batch_sizes", "text", check=sweep.parse_batch_sizes),
        Param("repeats", "compare.repeats", "int", 1, MAX_REPEATS),
        Param("accumulations", "compare.accumulations", "text", check=sweep.parse_accumulations),
        Param("keep_product", "compare.keep_product", "bool"),
        Param("sharpness", "compare.sharpness", "bool"),
        Param(
            "executor",
            "compare.executor",
            "choice",
            choices=choices.EXECUTORS,
            usable=_executor_usable,
        ),
        Param("budget", "compare.budget", "choice", choices=sweep.BUDGETS),
        # Whole numbers for epochs and steps: the page's sweep check says so, with the budget.
        Param("budget_value", "compare.budget_value", "float", 0.0),
        *_target("compare."),
        # The sweep shown, from this server's run store; the page shows the newest if it is gone.
        Param("sweep", "compare.shown", "text"),
        Param("x", "compare.x", "choice", choices=tuple(charts.COMPARE_X)),
        Param("log_x", "compare.log_x", "bool"),
        Param("log_y", "compare.log_y", "bool"),
        # Smith et al. 2018's preset: ramp against lr decay
        Param("ramp_b0", "compare.ramp_b0", "int", 1, MAX_N),
        Param("ramp_factor", "compare.ramp_factor", "int", 2, ramp.MAX_FACTOR),
        Param("ramp_at", "compare.ramp_at", "text", check=ramp.parse_epochs),
        Param("ramp_epochs", "compare.ramp_epochs", "int", 1, ramp.MAX_EPOCHS),
        Param("ramp_repeats", "compare.ramp_repeats", "int", 1, MAX_REPEATS),
        Param("ramp_lr", "compare.ramp_lr", "float", 1e-12, 1e12),
    ],
    "science": [
        Param("batch_size", "science.batch_size", "int", 1, MAX_N),
        Param("epochs", "science.epochs", "int", 1, MAX_EPOCHS),
        Param(
            "dataset",
            "science.dataset",
            "choice",
            choices=tuple(d for d in DATASETS if d not in ("csv", "linear")),
        ),
        Param(
            "model", "science.model", "choice", choices=tuple(m for m in MODELS if m != "linear")
        ),
        Param("micro", "science.micro", "int", MIN_MICRO, MAX_MICRO),
        Param("cap", "science.cap", "int", choices=THROUGHPUT_CAPS),
        *_target("science."),
        Param("sweep", "science.sweep", "text"),  # as on Compare
    ],
    "advise": [  # bounds: core.run.advise, read by the Advise page's widgets too
        Param("dataset", "advise.dataset", "choice", choices=advise.ADVISE_DATASETS),
        Param("model", "advise.model", "choice", choices=advise.ADVISE_MODELS),
        Param("optimizer", "advise.optimizer", "choice", choices=advise.ADVISE_OPTIMIZERS),
        Param("lr", "advise.lr", "float", 1e-12, 1e12),
        Param("base_batch_size", "advise.base_batch_size", "int", 1, MAX_N),
        Param("batch_sizes", "advise.batch_sizes", "text", check=advise.parse_sizes),
        Param("target_metric", "advise.target_metric", "choice", choices=advise.TARGET_METRICS),
        Param("target", "advise.target", "float"),  # none: chosen from the pilot run
        Param("seconds", "advise.seconds", "float", advise.MIN_SECONDS, advise.MAX_SECONDS),
    ],
    "runs": [
        Param("sweep", "runs.sweep", "text"),  # as on Compare; the Group filter
        Param("search", "runs.search", "text"),
        Param("status", "runs.status", "choice", choices=("any", *STATUSES)),
        Param("x", "runs.x", "choice", choices=RUNS_X),
        # The runs overlaid, by id (this server's store; the page drops those it lacks).
        Param("runs", "runs.chosen", "ids"),
    ],
}


def parse_value(param: Param, text: str) -> object:
    """The typed value of one URL parameter. Raises InputError saying what is wrong."""
    if param.kind == "bool":
        low = text.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise InputError("{name}={value!r} is not true or false", name=param.name, value=text)
    if param.kind == "ids":
        return [part.strip() for part in text.split(",") if part.strip()]
    if param.kind == "text":
        if param.check is not None:
            param.check(text)  # its InputError says what is wrong with the text
        return text
    if param.kind == "choice":
        value: object = text
    else:
        value = _number(param, text)
    allowed = param.allowed()
    if (param.kind == "choice" or allowed) and value not in allowed:
        raise InputError(
            "{name}={value!r} is not one of {choices}",
            name=param.name,
            value=text,
            choices=", ".join(str(c) for c in allowed),
        )
    return value


def _number(param: Param, text: str) -> int | float:
    try:
        value = int(text) if param.kind == "int" else float(text)
    except ValueError:
        if param.kind == "int":
            raise InputError(
                "{name}={value!r} is not a whole number", name=param.name, value=text
            ) from None
        raise InputError("{name}={value!r} is not a number", name=param.name, value=text) from None
    if param.kind == "float" and not math.isfinite(value):
        raise InputError("{name}={value!r} is not a finite number", name=param.name, value=text)
    if param.low is not None and value < param.low:
        raise InputError(
            "{name}={value!r} is below {low:g}", name=param.name, value=text, low=param.low
        )
    if param.high is not None and value > param.high:
        raise InputError(
            "{name}={value!r} is above {high:g}", name=param.name, value=text, high=param.high
        )
    return value


def from_query(page: str, query: dict[str, str]) -> tuple[dict[str, object], list[InputError]]:
    """(session-state values to set, why each ignored value was ignored) for a page's URL."""
    values: dict[str, object] = {}
    notes: list[InputError] = []
    for param in PAGE_PARAMS.get(page, []):
        if param.name not in query:
            continue
        try:
            values[param.key] = parse_value(param, query[param.name])
        except InputError as why:
            notes.append(why)
    return values, notes


def to_query(page: str, state: dict, lang: str) -> dict[str, str]:
    """The URL parameters that reproduce a page's current inputs."""
    out: dict[str, str] = {}
    for param in PAGE_PARAMS.get(page, []):
        if state.get(param.key) is None:
            continue
        value = state[param.key]
        if param.kind == "ids":
            out[param.name] = ",".join(value)
        else:
            out[param.name] = ("true" if value else "false") if param.kind == "bool" else f"{value}"
    out["lang"] = lang
    return out


def lang_from(query: dict[str, str], locale: str | None) -> str:
    """`?lang=` when valid, else the browser's language when we have it, else English."""
    asked = query.get("lang")
    if asked in LANGS:
        return asked
    if locale and locale.lower().startswith("zh"):
        return "zh"
    return "en"
