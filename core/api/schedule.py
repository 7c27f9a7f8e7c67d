"""The Schedule page's calls: its inputs, the figures a schedule gives, and what is drawn below.

- Inputs: the worked examples (`PRESETS`), each input's bounds (from core.schedule.plan, which
  enforces them too) and the stops of the log-scale sliders beside N, B and E.
- `summary`: the schedule and the page's first screen (rows of figures, formula lines, notes).
- Below it: the timeline, the membership view, the batch tables and the code snippets.

Never imports TensorFlow, Keras or JAX, nor core.train or core.run: the landing page stays light.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd

from core.present import charts
from core.present.text import columns, compact, message, t, unapplied_clause
from core.schedule import codegen, plan
from core.schedule.plan import SHUFFLE_MODES, Schedule, ScheduleSpec

__all__ = ["SHUFFLE_MODES", "ScheduleSpec"]

CUSTOM = "schedule.preset.custom"
PRESETS = {
    "schedule.preset.tutorial": dict(n=1000, batch_size=100, epochs=10),
    "schedule.preset.linear": dict(n=10, batch_size=3, epochs=10),
    "schedule.preset.mnist": dict(n=60000, batch_size=64, epochs=5),
    "schedule.preset.full": dict(n=1000, batch_size=1000, epochs=10),
    "schedule.preset.sgd": dict(n=100, batch_size=1, epochs=3),
}
# A preset sets N, B and E, and these back to their defaults.
PRESET_RESETS = dict(validation_split=0.0, drop_remainder=False, batch_size_schedule="")
DEFAULTS = dict(
    n=1000,
    batch_size=100,
    epochs=10,
    shuffle="epoch",
    drop_remainder=False,
    validation_split=0.0,
    seed=0,
    replicas=1,
    accumulation=1,
    batch_size_schedule="",  # a ramp as typed, "0:8,2:32,4:128"; "" for none
)


@dataclass(frozen=True)
class NumberField:
    """A number input: its session key, label text key, bounds and step, and help text key."""

    key: str
    label: str
    low: int | float
    high: int | float
    step: int | float = 1
    help: str | None = None
    leaves_preset: bool = False  # a change may leave the worked example the preset box names


@dataclass(frozen=True)
class LogField:
    """N, B or E: a number input with a log-scale slider (`slider` key) under it."""

    number: NumberField
    slider: str
    stops: tuple[int, ...]  # from the input's lower bound to its upper bound


def _log_field(key: str, high: int, stops: list[int]) -> LogField:
    return LogField(NumberField(key, f"schedule.{key}", 1, high), f"{key}_log", tuple(stops))


LOG_FIELDS = (
    _log_field(
        "n",
        plan.MAX_N,
        sorted(
            {m * 10**k for k in range(13) for m in (1, 2, 5) if m * 10**k <= plan.MAX_N} | {60_000}
        ),
    ),
    _log_field(
        "batch_size",
        plan.MAX_N,
        [2**k for k in range(plan.MAX_N.bit_length()) if 2**k < plan.MAX_N] + [plan.MAX_N],
    ),
    _log_field(
        "epochs",
        plan.MAX_EPOCHS,
        [m * 10**k for k in range(7) for m in (1, 2, 3, 5) if m * 10**k <= plan.MAX_EPOCHS],
    ),
)
# The second row of inputs, between the shuffle box and the drop-remainder box, in order.
NUMBER_FIELDS = (
    NumberField(
        "validation_split",
        "schedule.validation_split",
        0.0,
        plan.MAX_VALIDATION_SPLIT,
        step=0.05,
        leaves_preset=True,
    ),
    NumberField("seed", "schedule.seed", 0, plan.MAX_SEED),
    NumberField(
        "replicas", "schedule.replicas", 1, plan.MAX_REPLICAS, help="schedule.replicas.help"
    ),
    NumberField(
        "accumulation",
        "schedule.accumulation",
        1,
        plan.MAX_ACCUMULATION,
        help="schedule.accumulation.help",
    ),
)


def field_help(field: NumberField, lang: str) -> str:
    """FIELD's help text, ending with its allowed range: a number typed outside it is refused
    by the box itself (red outline, old value kept), so the range must be readable before."""
    low, high = (f"{v:,}" if isinstance(v, int) else f"{v:g}" for v in (field.low, field.high))
    allowed = t("schedule.allowed", lang, low=low, high=high)
    return f"{t(field.help, lang)}\n\n{allowed}" if field.help else allowed


def slider_stops(stops: tuple[int, ...], value: object) -> list[int]:
    """The stops plus VALUE itself, so the slider always shows the number in force (B = 100 sits
    between 64 and 128, it is not shown as 128)."""
    if isinstance(value, int) and not isinstance(value, bool) and stops[0] <= value <= stops[-1]:
        return sorted({*stops, value})
    return list(stops)


def on_slider(stops: tuple[int, ...], value: object) -> int:
    """Where the slider stands for VALUE: the value itself when it is in range, else an end."""
    if not isinstance(value, int) or isinstance(value, bool):
        return stops[0]
    return min(max(value, stops[0]), stops[-1])


def matching_preset(values: Mapping[str, object]) -> str:
    """The worked example VALUES match (its text key), or `CUSTOM`."""
    for key, preset in PRESETS.items():
        if (
            all(values[k] == v for k, v in preset.items())
            and not values["validation_split"]
            and not values["drop_remainder"]
            and not values.get("batch_size_schedule")
        ):
            return key
    return CUSTOM


# -- the figures -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class Block:
    """One piece of the first screen, in page order: a row of figures (`metrics`), a formula
    line (`markdown`) or a note (`info`)."""

    kind: str
    text: str = ""
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Summary:
    spec: ScheduleSpec
    schedule: Schedule
    blocks: tuple[Block, ...]


def error_line(exc: BaseException, lang: str) -> str:
    """What the page shows when `summary` refuses the inputs."""
    return t("schedule.error", lang, message=message(exc, lang))


def summary(values: Mapping[str, object], lang: str) -> Summary:
    """The schedule for the page's inputs and its first screen. Raises ValueError (say it with
    `error_line`) for inputs the schedule refuses."""
    fields = {k: values[k] for k in DEFAULTS} | {
        "batch_size_schedule": plan.parse_batch_size_schedule(values["batch_size_schedule"])
    }
    spec = ScheduleSpec(**fields)
    s = Schedule(spec)

    def row(*figures: tuple[str, str]) -> Block:
        return Block("metrics", figures=tuple(Figure(t(k, lang), v) for k, v in figures))

    def count(n: int) -> str:
        return compact(n, lang)

    if s.ramp:  # per-epoch figures differ: the totals here, the phases in `ramp_table`
        blocks = [
            row(
                ("metric.total_steps", count(s.total_steps)),
                ("ramp.metric.distinct", count(len(s.batch_size_values()))),
                ("metric.train", count(s.train_samples)),
                ("metric.samples_seen", count(s.samples_seen)),
            )
        ]
        return Summary(spec, s, tuple(blocks))
    blocks = [
        row(
            ("metric.steps_per_epoch", count(s.steps_per_epoch)),
            ("metric.total_steps", count(s.total_steps)),
            ("metric.last_batch", count(s.last_batch_size)),
            ("metric.dropped", count(s.dropped_samples)),
        ),
        row(
            ("metric.train", count(s.train_samples)),
            ("metric.validation", count(s.validation_samples)),
            ("metric.samples_seen", count(s.samples_seen)),
        ),
        *_formulas(s, lang),
    ]
    if s.accumulation > 1:
        blocks += [
            row(
                ("metric.optimizer_updates", count(s.optimizer_updates)),
                ("metric.effective_batch", count(s.effective_batch_size)),
                ("metric.samples_per_update", f"{s.samples_per_update:,.4g}"),
                ("metric.unapplied", count(s.unapplied_batches)),
            ),
            *_accumulation_lines(s, lang),
        ]
    blocks += _batch_notes(s, lang)
    return Summary(spec, s, tuple(blocks))


def _formulas(s: Schedule, lang: str) -> list[Block]:
    """The split (when there is one) and the iterations, as formulas with the exact figures."""
    lines = []
    if s.spec.validation_split:
        lines.append(
            t(
                "schedule.formula.split",
                lang,
                n=f"{s.n:,}",
                split=s.spec.validation_split,
                train=f"{s.train_samples:,}",
                val=f"{s.validation_samples:,}",
            )
        )
    formula = "schedule.formula.floor" if s.spec.drop_remainder else "schedule.formula.ceil"
    lines.append(
        t(
            formula,
            lang,
            train=f"{s.train_samples:,}",
            batch_size=f"{s.batch_size:,}",
            steps=f"{s.steps_per_epoch:,}",
            epochs=f"{s.epochs:,}",
            total=f"{s.total_steps:,}",
            dropped=f"{s.dropped_samples:,}",
        )
    )
    return [Block("markdown", line) for line in lines]


def _accumulation_lines(s: Schedule, lang: str) -> list[Block]:
    blocks = [
        Block(
            "markdown",
            t(
                "schedule.formula.accumulation",
                lang,
                total=f"{s.total_steps:,}",
                k=s.accumulation,
                updates=f"{s.optimizer_updates:,}",
                unapplied=unapplied_clause(s.unapplied_batches, lang),
                per=f"{s.per_replica_batch_size:,}",
                replicas=s.replicas,
                effective=f"{s.effective_batch_size:,}",
            ),
        )
    ]
    if s.partial_batch_size:
        partial = t(
            "schedule.accumulation.partial",
            lang,
            partial=f"{s.partial_batch_size:,}",
            effective=f"{s.effective_batch_size:,}",
            mean=f"{s.samples_per_update:,.4g}",
        )
        blocks.append(Block("info", partial))
    return blocks


def _batch_notes(s: Schedule, lang: str) -> list[Block]:
    """A note when B is larger than the training set, or when the last batch is partial."""
    if s.batch_size > s.train_samples:
        text = t(
            "schedule.bigger_than_train",
            lang,
            batch_size=f"{s.batch_size:,}",
            train=f"{s.train_samples:,}",
        )
        return [Block("info", text)]
    if s.partial_batch_size:
        key = "schedule.partial_note.one" if s.partial_batch_size == 1 else "schedule.partial_note"
        text = t(key, lang, partial=f"{s.partial_batch_size:,}", batch_size=f"{s.batch_size:,}")
        return [Block("info", text)]
    return []


def ramp_table(s: Schedule, lang: str) -> Table | None:
    """A batch-size ramp phase by phase (None without one): the page's preview of what the
    text box says."""
    if not s.ramp:
        return None
    frame = pd.DataFrame(
        [
            {
                t("ramp.col.epochs", lang): f"{p.first_epoch}–{p.end_epoch - 1}",
                t("ramp.col.batch_size", lang): p.batch_size,
                t("ramp.col.steps_per_epoch", lang): p.steps_per_epoch,
                t("ramp.col.partial", lang): p.partial_batch_size,
                t("ramp.col.first_step", lang): p.first_step,
                t("ramp.col.steps", lang): p.steps,
            }
            for p in s.phases
        ]
    )
    caption = t(
        "ramp.preview.caption",
        lang,
        total=f"{s.total_steps:,}",
        epochs=f"{s.epochs:,}",
        count=len(s.batch_size_values()),
    )
    return Table(t("ramp.preview", lang), frame, caption)


# -- below the figures -------------------------------------------------------------------------
def timeline(s: Schedule, lang: str) -> alt.Chart:
    return charts.timeline_chart(s, lang=lang)


@dataclass(frozen=True)
class Membership:
    """Which sample lands in which batch: a chart (with a caption when it is aggregated), or a
    note when the epoch's order is never built."""

    chart: alt.Chart | None
    caption: str | None = None
    note: str | None = None


def membership(spec: ScheduleSpec, epoch: int, lang: str) -> Membership:
    s = Schedule(spec)
    kind, chart = charts.membership_view(s, epoch, lang=lang)
    if kind == charts.MEMBERSHIP_UNLISTED:
        cap = f"{plan.MAX_LISTED_SAMPLES:,}"
        return Membership(
            None,
            note=t("schedule.membership.unlisted", lang, train=f"{s.train_samples:,}", cap=cap),
        )
    if kind == charts.MEMBERSHIP_DENSITY:
        caption = t("schedule.membership.aggregated", lang)
        if s.ramp:
            b = t("ramp.membership.b", lang, epoch=epoch, batch_size=s.epoch_batch_size(epoch))
            caption = f"{b} {caption}" if lang != "zh" else b + caption
        return Membership(chart, caption=caption)
    shown = charts.membership_epochs(s, epoch)
    if len(shown) > 1:  # the epochs after the chosen one, as many as fit: say so
        first, last = shown[0], shown[-1]
        return Membership(chart, caption=t("schedule.membership.epochs", lang, a=first, b=last))
    return Membership(chart)


@dataclass(frozen=True)
class Table:
    """A table under its title, with a caption or a note (markdown) between them."""

    title: str
    frame: pd.DataFrame
    caption: str | None = None
    note: str | None = None


def tables(s: Schedule, lang: str) -> tuple[Table, ...]:
    """The first epochs' batches and, with replicas, what each replica takes."""
    caption = None
    if s.train_samples > plan.MAX_LISTED_SAMPLES:
        caption = t("schedule.table.positions", lang, cap=f"{plan.MAX_LISTED_SAMPLES:,}")
    batches = Table(t("schedule.table", lang), columns(charts.batches_table(s), lang), caption)
    if s.replicas == 1:
        return (batches,)
    per = s.per_replica_batch_size
    replicas = Table(
        t("schedule.replicas.title", lang, replicas=s.replicas, per=per),
        columns(charts.replica_table(s), lang),
        note=t(
            "schedule.replicas.note", lang, batch_size=s.batch_size, replicas=s.replicas, per=per
        ),
    )
    return batches, replicas


@dataclass(frozen=True)
class Snippet:
    label: str
    source: str


def snippets(spec: ScheduleSpec) -> tuple[Snippet, ...]:
    """The schedule as code: Keras fit, tf.data and a PyTorch DataLoader loop."""
    return (
        Snippet("Keras fit", codegen.keras_fit(spec)),
        Snippet("tf.data", codegen.tf_data(spec)),
        Snippet("PyTorch DataLoader", codegen.pytorch(spec)),
    )


# -- the user's own data (given on another page) -------------------------------------------
CARRIED_FILES = "files.current"  # the session key where app_pages.widgets keeps the user's files


def data_file_counts(path: str) -> tuple[int, int]:
    """(samples trained on, samples held out for test) in a user's data file, split as the
    engine splits it (`userfiles.load_data`: x_test if given, else 20 % seeded). No TensorFlow:
    NumPy (and PIL for a zip of images, decoded small: only the count is wanted)."""
    from core.train import userfiles

    data = userfiles.load_data(path, None, (8, 8, 3), None, "classification", None)
    return len(data.x), len(data.x_test)
