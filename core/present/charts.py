"""Charts as pure functions: data in, `alt.Chart` out. Pages only call `st.altair_chart`.

Every series is capped at `MAX_POINTS` points (downsampled evenly where longer).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.present.text import t
from core.schedule.plan import MAX_LISTED_SAMPLES, Schedule, setting_label

MAX_POINTS = 2000
# One cell per (sample, epoch) in the membership heatmap up to this many cells.
MAX_HEATMAP_CELLS = 2000
_PER_STEP_TIMELINE = 400


def evenly(count: int, limit: int = MAX_POINTS) -> np.ndarray:
    """Up to `limit` indices spread evenly over range(count), first and last included."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(np.int64))


def timeline_data(schedule: Schedule, lang: str = "en") -> pd.DataFrame:
    """Rows of iterations (small runs) or of epoch segments (large runs) for the timeline.

    Numbering is from 0, as in code: `iteration` is the global step, `batch` the step's place in
    its epoch.
    """
    if schedule.ramp:
        return _ramp_timeline_data(schedule, lang)
    spe = schedule.steps_per_epoch
    full = schedule.num_full_batches
    partial = schedule.partial_batch_size
    if schedule.total_steps <= _PER_STEP_TIMELINE:
        steps = np.arange(schedule.total_steps)
        in_epoch = steps % spe
        is_partial = (in_epoch == full) & (partial > 0)
        return pd.DataFrame(
            {
                "start": steps,
                "end": steps + 1,
                "epoch": steps // spe,
                "batch": in_epoch,
                "iteration": steps,
                "batch_size": np.where(is_partial, partial, schedule.batch_size),
                "kind": np.where(
                    is_partial, t("chart.partial_batch", lang), t("chart.full_batch", lang)
                ),
            }
        )
    epochs = evenly(schedule.epochs, MAX_POINTS // 2)
    rows = []
    for e in epochs.tolist():
        base = e * spe
        if full:
            rows.append(
                (base, base + full, e, full, schedule.batch_size, t("chart.full_batch", lang))
            )
        if partial:
            rows.append(
                (base + full, base + full + 1, e, 1, partial, t("chart.partial_batch", lang))
            )
    return pd.DataFrame(rows, columns=["start", "end", "epoch", "iterations", "batch_size", "kind"])


def _ramp_timeline_data(schedule: Schedule, lang: str) -> pd.DataFrame:
    """`timeline_data` for a batch-size ramp: each epoch's B and length from its phase."""
    full_kind, partial_kind = t("chart.full_batch", lang), t("chart.partial_batch", lang)
    if schedule.total_steps <= _PER_STEP_TIMELINE:
        rows = []
        for step in range(schedule.total_steps):
            e, i = schedule.locate(step)
            p = schedule.phase_of_epoch(e)
            partial = i == p.num_full_batches and p.partial_batch_size > 0
            size = p.partial_batch_size if partial else p.batch_size
            rows.append((step, step + 1, e, i, step, size, partial_kind if partial else full_kind))
        columns = ["start", "end", "epoch", "batch", "iteration", "batch_size", "kind"]
        return pd.DataFrame(rows, columns=columns)
    rows = []
    for e in evenly(schedule.epochs, MAX_POINTS // 2).tolist():
        p, base = schedule.phase_of_epoch(e), schedule.epoch_first_step(e)
        full = p.num_full_batches
        if full:
            rows.append((base, base + full, e, full, p.batch_size, full_kind))
        if p.partial_batch_size:
            rows.append((base + full, base + full + 1, e, 1, p.partial_batch_size, partial_kind))
    return pd.DataFrame(rows, columns=["start", "end", "epoch", "iterations", "batch_size", "kind"])


# Streamlit fits a chart's whole height (axes and titles included) into `height`: leave them room
# so one epoch or one sample still gets a readable band.
_AXIS_ROOM = 70
_BAND = 30  # pixels per epoch in the timeline
_CELL = 22  # pixels per sample in the membership heatmap
_LABELLED_STEPS = 40  # up to this many iterations, each one is labelled with its batch size


def timeline_chart(schedule: Schedule, lang: str = "en") -> alt.Chart:
    """Iterations across epochs: one row per epoch, the partial batch in its own colour."""
    data = timeline_data(schedule, lang)
    tooltip = [c for c in data.columns if c not in ("start", "end")]
    few_epochs = schedule.epochs <= 30
    base = alt.Chart(data).encode(
        x=alt.X(
            "start:Q",
            title=t("chart.global_step", lang),
            scale=alt.Scale(domain=[0, schedule.total_steps], nice=False),
            axis=alt.Axis(tickMinStep=1, format=",d"),
        ),
        y=alt.Y("epoch:O", title=t("chart.epoch", lang))
        if few_epochs
        else alt.Y("epoch:Q", title=t("chart.epoch", lang), axis=alt.Axis(format=",d")),
    )
    rects = base.mark_rect(stroke="white", strokeWidth=0.5 if len(data) < 200 else 0).encode(
        x2="end:Q",
        color=alt.Color(
            "kind:N",
            title=t("chart.batch", lang),
            scale=alt.Scale(
                domain=[t("chart.full_batch", lang), t("chart.partial_batch", lang)],
                range=["#4c78a8", "#f58518"],
            ),
        ),
        tooltip=tooltip,
    )
    height = (max(_BAND * schedule.epochs, 2 * _BAND) if few_epochs else 300) + _AXIS_ROOM
    layers = [rects]
    if schedule.total_steps <= _LABELLED_STEPS:
        # Few iterations: write each one's batch size in its cell (3, 3, 3, 1 for N=10, B=3).
        layers.append(
            base.transform_calculate(mid="(datum.start + datum.end) / 2")
            .mark_text(color="white", fontSize=12, fontWeight="bold")
            .encode(x="mid:Q", text="batch_size:Q", tooltip=tooltip)
        )
    if schedule.accumulation > 1 and schedule.total_steps <= _PER_STEP_TIMELINE:
        layers.append(_update_marks(schedule, base.encoding.y, lang))
    if len(layers) == 1:
        return rects.properties(height=height)
    return alt.layer(*layers).properties(height=height)


def _update_marks(schedule: Schedule, y, lang: str) -> alt.Chart:
    """With gradient accumulation: a tick at the end of every iteration that updates the
    weights (every K-th, counted across epochs)."""
    steps = np.arange(schedule.total_steps)
    steps = steps[(steps + 1) % schedule.accumulation == 0]
    data = pd.DataFrame(
        {
            "end": steps + 1,
            "epoch": [schedule.locate(int(i))[0] for i in steps],
            "iteration": steps,
            "update": np.arange(len(steps)),
            "what": t("chart.update_step", lang),
        }
    )
    return (
        alt.Chart(data)
        .mark_tick(color="#e45756", thickness=3)
        .encode(x="end:Q", y=y, tooltip=["what:N", "update:Q", "iteration:Q"])
    )


def membership_data(schedule: Schedule, epochs: list[int]) -> pd.DataFrame:
    """One row per (sample, epoch): the iteration that fed it and its position in the batch."""
    frames = []
    for e in epochs:
        order = schedule.epoch_order(e)
        pos = np.arange(len(order))
        b = schedule.epoch_batch_size(e)  # a ramp: this epoch's B
        frames.append(
            pd.DataFrame(
                {
                    "sample": order.astype(np.int64),
                    "epoch": e,
                    "batch": pos // b,
                    "iteration": schedule.epoch_first_step(e) + pos // b,
                    "position": pos % b,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def membership_epochs(schedule: Schedule, first: int = 0) -> list[int]:
    """Which epochs fit in one sample-by-step heatmap (at most 5, at most MAX_HEATMAP_CELLS)."""
    per_epoch = max(schedule.samples_per_epoch, 1)
    k = max(1, min(5, MAX_HEATMAP_CELLS // per_epoch, schedule.epochs - first))
    return list(range(first, first + k))


def membership_chart(schedule: Schedule, epochs: list[int], lang: str = "en") -> alt.Chart:
    """Sample × global step: a filled cell where the sample was in that step's batch."""
    data = membership_data(schedule, epochs)
    steps = data["iteration"].nunique()
    rows = schedule.train_samples
    return (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=1 if rows <= 100 and steps <= 100 else 0)
        .encode(
            x=alt.X(
                "iteration:O",
                title=t("chart.global_step", lang),
                axis=alt.Axis(labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y("sample:O", title=t("chart.sample_index", lang)),
            # strong colours: the default scheme drew the second epoch near-white
            color=alt.Color(
                "epoch:N", title=t("chart.epoch", lang), scale=alt.Scale(range=BATCH_SIZE_COLORS)
            ),
            tooltip=["sample:Q", "epoch:Q", "batch:Q", "iteration:Q", "position:Q"],
        )
        .properties(height=min(max(_CELL * rows, 3 * _CELL), 600) + _AXIS_ROOM)
    )


def membership_density_data(
    schedule: Schedule, epoch: int, step_bins: int = 40, sample_bins: int = 50
) -> pd.DataFrame:
    """Counts of training samples per (batch range, sample-index range) for one epoch."""
    order = schedule.epoch_order(epoch)
    fed = len(order)
    steps = np.arange(fed) // schedule.epoch_batch_size(epoch)
    spe = schedule.epoch_steps(epoch)
    step_bins = min(step_bins, spe)
    sample_bins = min(sample_bins, schedule.train_samples)
    sb = steps * step_bins // spe
    xb = order.astype(np.int64) * sample_bins // schedule.train_samples
    counts = np.bincount(sb * sample_bins + xb, minlength=step_bins * sample_bins)
    grid = counts.reshape(step_bins, sample_bins)
    s_idx, x_idx = np.meshgrid(np.arange(step_bins), np.arange(sample_bins), indexing="ij")
    return pd.DataFrame(
        {
            "batch_from": (s_idx * spe // step_bins).ravel(),
            "batch_to": ((s_idx + 1) * spe // step_bins).ravel(),
            "sample_from": (x_idx * schedule.train_samples // sample_bins).ravel(),
            "sample_to": ((x_idx + 1) * schedule.train_samples // sample_bins).ravel(),
            "count": grid.ravel(),
        }
    )


def _in_epoch_x(field: str, title: str, **kwargs) -> alt.X:
    """The steps of one epoch along x: labels thinned where a long epoch would overlap them."""
    return alt.X(field, title=title, axis=alt.Axis(labelOverlap=True), **kwargs)


def membership_density_chart(schedule: Schedule, epoch: int, lang: str = "en") -> alt.Chart:
    data = membership_density_data(schedule, epoch)
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=_in_epoch_x(
                "batch_from:Q",
                t("chart.iteration_in_epoch", lang, epoch=epoch),
                scale=alt.Scale(domain=[0, schedule.epoch_steps(epoch)], nice=False),
            ),
            x2="batch_to:Q",
            y=alt.Y("sample_from:Q", title=t("chart.sample_index", lang)),
            y2="sample_to:Q",
            color=alt.Color(
                "count:Q", title=t("chart.samples", lang), scale=alt.Scale(scheme="blues")
            ),
            tooltip=[
                "batch_from:Q",
                "batch_to:Q",
                "sample_from:Q",
                "sample_to:Q",
                "count:Q",
            ],
        )
        .properties(height=300 + _AXIS_ROOM)
    )


MEMBERSHIP_CELLS, MEMBERSHIP_DENSITY, MEMBERSHIP_UNLISTED = "cells", "density", "unlisted"


def membership_view(
    schedule: Schedule, epoch: int, lang: str = "en"
) -> tuple[str, alt.Chart | None]:
    """(kind, chart) for the Schedule page's membership view of `epoch`.

    `cells`: one cell per sample and step over the epochs from `epoch` that fit; `density`:
    counts per (batch range, sample range) of `epoch`; `unlisted` (chart None): more than
    MAX_LISTED_SAMPLES training samples, whose order is never materialised.
    """
    if schedule.samples_per_epoch <= MAX_HEATMAP_CELLS:
        epochs = membership_epochs(schedule, epoch)
        return MEMBERSHIP_CELLS, membership_chart(schedule, epochs, lang=lang)
    if schedule.train_samples <= MAX_LISTED_SAMPLES:
        return MEMBERSHIP_DENSITY, membership_density_chart(schedule, epoch, lang=lang)
    return MEMBERSHIP_UNLISTED, None


def _shown(indices: np.ndarray, limit: int) -> str:
    shown = ", ".join(str(v) for v in indices[:limit].tolist())
    if len(indices) > limit:
        shown += f", … (+{len(indices) - limit:,})"
    return shown


def _positions(start: int, stop: int) -> str:
    # Where a batch sits in the epoch's order, for schedules too large to list indices.
    return f"#{start:,}" if stop - start == 1 else f"#{start:,} – #{stop - 1:,}"


def batches_table(
    schedule: Schedule, epochs: int = 2, max_rows: int = 200, max_indices: int = 24
) -> pd.DataFrame:
    """The first epochs' batches, one row per iteration, indices shortened for display.

    Builds only the rows it returns. Above MAX_LISTED_SAMPLES training samples the epoch order is
    not materialised: the last column is `positions` (the batch's place in the epoch's order)
    instead of `indices`.
    """
    listed = schedule.train_samples <= MAX_LISTED_SAMPLES
    last = "indices" if listed else "positions"
    rows = []
    for e in range(min(epochs, schedule.epochs)):
        order = schedule.epoch_order(e) if listed else None
        p = schedule.phase_of_epoch(e)  # a ramp: this epoch's B
        for i in range(min(p.steps_per_epoch, max_rows - len(rows))):
            start = i * p.batch_size
            stop = min((i + 1) * p.batch_size, p.samples_per_epoch)
            rows.append(
                {
                    "epoch": e,
                    "batch": i,
                    "iteration": schedule.epoch_first_step(e) + i,
                    "size": stop - start,
                    last: _shown(order[start:stop], max_indices)
                    if listed
                    else _positions(start, stop),
                }
            )
    return pd.DataFrame(rows, columns=["epoch", "batch", "iteration", "size", last])


def replica_table(
    schedule: Schedule, epoch: int = 0, max_rows: int = 50, max_indices: int = 12
) -> pd.DataFrame:
    """Which samples each replica gets in the first iterations of `epoch` (as `batches_table`:
    positions in the epoch's order instead of indices above MAX_LISTED_SAMPLES)."""
    listed = schedule.train_samples <= MAX_LISTED_SAMPLES
    last = "indices" if listed else "positions"
    order = schedule.epoch_order(epoch) if listed else None
    rows = []
    p = schedule.phase_of_epoch(epoch)  # a ramp: this epoch's B
    for i in range(min(p.steps_per_epoch, max_rows)):
        start = i * p.batch_size
        stop = min(start + p.batch_size, p.samples_per_epoch)
        # np.array_split of the batch: the first replicas take one sample more.
        size, extra = divmod(stop - start, schedule.replicas)
        lo = start
        for r in range(schedule.replicas):
            hi = lo + size + (1 if r < extra else 0)
            shown = _shown(order[lo:hi], max_indices) if listed else _positions(lo, hi)
            rows.append(
                {
                    "iteration": schedule.epoch_first_step(epoch) + i,
                    "replica": r,
                    "size": hi - lo,
                    last: shown,
                }
            )
            lo = hi
    return pd.DataFrame(rows, columns=["iteration", "replica", "size", last])


# -- training charts --------------------------------------------------------------------------
def downsample(frame: pd.DataFrame, limit: int = MAX_POINTS, by: str | None = None) -> pd.DataFrame:
    """At most `limit` evenly spaced rows (per group of `by`)."""
    if by is None:
        return frame.iloc[evenly(len(frame), limit)]
    return pd.concat(
        [g.iloc[evenly(len(g), limit)] for _, g in frame.groupby(by, sort=False)],
        ignore_index=True,
    )


# Axes of one point (a run of one step or one epoch) had a one-value domain, and Vega labelled
# it at full precision: "0.000000" steps, "2.303658" loss. Counts are whole; values 4 figures.
COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")
VALUE_FORMAT = ".4~g"


def step_loss_chart(
    steps: pd.DataFrame,
    color: str | None = None,
    x: str = "step",
    log_y: bool = False,
    lang: str = "en",
) -> alt.Chart:
    """Per-step training loss, epoch boundaries as rules (single run) or colour by `color`."""
    data = downsample(
        steps[list(dict.fromkeys(c for c in (x, "loss", "epoch", color) if c))], by=color
    )
    y = alt.Y(
        "loss:Q",
        title=t("chart.step_loss", lang),
        scale=alt.Scale(type="log") if log_y else alt.Scale(zero=False),
        axis=alt.Axis(format=VALUE_FORMAT),
    )
    enc = {
        "x": alt.X(
            f"{x}:Q",
            title=t(f"chart.axis.{x}", lang),
            # whole steps and samples: 10 steps had ticks at 0.5, 1.5, ...
            axis=COUNT_AXIS if x in ("step", "samples_seen") else alt.Axis(),
        ),
        "y": y,
        "tooltip": [f"{x}:Q", "loss:Q", "epoch:Q"],
    }
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=t(f"chart.axis.{color}", lang))
    line = alt.Chart(data).mark_line(strokeWidth=1, clip=True, point=len(data) == 1).encode(**enc)
    if color or steps.empty:
        return line
    starts = steps.groupby("epoch")[x].min().iloc[1:]  # where each later epoch begins
    bounds = pd.DataFrame({x: starts.to_numpy()[evenly(len(starts), 200)]})
    rules = alt.Chart(bounds).mark_rule(color="#bbb", strokeDash=[3, 3]).encode(x=f"{x}:Q")
    return alt.layer(rules, line)


def epoch_chart(
    epochs: pd.DataFrame, metric: str = "loss", color: str | None = None, lang: str = "en"
) -> alt.Chart:
    """Per-epoch train and validation `metric` (loss or accuracy)."""
    cols = [f"train_{metric}", f"val_{metric}"]
    keep = ["epoch", *([color] if color else [])]
    long = epochs.melt(
        id_vars=keep,
        value_vars=[c for c in cols if c in epochs],
        var_name="split",
        value_name=metric,
    ).dropna(subset=[metric])
    names = {"train": t("chart.train", lang), "val": t("chart.validation", lang)}
    long["split"] = long["split"].str.replace(f"_{metric}", "", regex=False).map(names)
    enc = {
        "x": alt.X("epoch:Q", title=t("chart.epoch", lang), axis=COUNT_AXIS),
        "y": alt.Y(
            f"{metric}:Q",
            title=t(f"chart.metric.{metric}", lang),
            scale=alt.Scale(zero=False),
            axis=alt.Axis(format=VALUE_FORMAT),
        ),
        "strokeDash": alt.StrokeDash("split:N", title=t("chart.split", lang)),
        "tooltip": ["epoch:Q", "split:N", f"{metric}:Q"],
    }
    enc["color"] = (
        alt.Color(f"{color}:N", title=t(f"chart.axis.{color}", lang))
        if color
        else alt.Color("split:N", title=t("chart.split", lang))
    )
    return (
        alt.Chart(downsample(long, by=["split", *([color] if color else [])]))
        .mark_line(point=len(epochs) <= 50)
        .encode(**enc)
    )


def composition_chart(
    steps: pd.DataFrame, epoch: int, class_names: list[str] | None = None, lang: str = "en"
) -> alt.Chart:
    """Class counts of every batch fed in `epoch`: one stacked bar per iteration."""
    rows = steps[steps["epoch"] == epoch]
    rows = rows.iloc[evenly(len(rows), max(1, MAX_POINTS // max(1, _classes(rows))))]
    records = []
    for step, counts in zip(rows["step"], rows["class_counts"], strict=True):
        if counts is None:
            continue
        for k, c in enumerate(counts):
            if c:
                name = class_names[k] if class_names and k < len(class_names) else str(k)
                records.append((int(step), name, int(c)))
    data = pd.DataFrame(records, columns=["step", "class", "count"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_in_epoch_x("step:O", t("chart.global_step_in_epoch", lang, epoch=epoch)),
            # whole samples: a batch of 3 had ticks at 0.5, 1.5, 2.5
            y=alt.Y(
                "count:Q",
                title=t("chart.samples_in_batch", lang),
                stack="zero",
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            color=alt.Color("class:N", title=t("chart.class", lang)),
            tooltip=["step:Q", "class:N", "count:Q"],
        )
    )


def _classes(rows: pd.DataFrame) -> int:
    first = next((c for c in rows.get("class_counts", []) if c is not None), None)
    return len(first) if first else 1


def split_chart(train: int, validation: int, test: int, lang: str = "en") -> alt.Chart:
    """Where the samples go: one stacked horizontal bar."""
    parts = [t("chart.train", lang), t("chart.validation", lang), t("chart.test", lang)]
    data = pd.DataFrame(
        {
            "part": parts,
            "samples": [train, validation, test],
            "order": [0, 1, 2],
            "row": "",
        }
    )
    return (
        alt.Chart(data)
        .mark_bar(size=28)
        .encode(
            x=alt.X("samples:Q", title=t("chart.samples", lang), stack="zero"),
            y=alt.Y("row:N", title=None, axis=None),
            color=alt.Color("part:N", title=t("chart.split", lang), scale=alt.Scale(domain=parts)),
            order="order:Q",
            tooltip=["part:N", "samples:Q"],
        )
        # Streamlit fits the whole chart (axis and legend included) into `height`.
        .properties(height=120)
        .configure_legend(orient="bottom", direction="horizontal", titleOrient="left")
    )


# -- compare charts ---------------------------------------------------------------------------
COMPARE_X = {"epoch": "epoch", "step": "step", "samples": "samples_seen", "seconds": "seconds"}


def sweep_curves_data(
    curves: pd.DataFrame, x: str = "step", log_x: bool = False, log_y: bool = False
) -> pd.DataFrame:
    """Per batch size and x: the mean loss over repeats, its min–max range and how many runs.

    Repeats of one size whose x values coincide (epoch, step, samples seen) are averaged point by
    point. Where they do not (seconds: each run's wall time differs), every run is interpolated
    linearly onto the union of its repeats' x values (evenly thinned to `MAX_POINTS`), so each
    run keeps its own resolution; a run counts only inside its own first..last x, never
    extrapolated, so `runs` is how many repeats cover that x. Where no run spans two neighbouring
    x values (one repeat ended before another began), `segment` steps up so the line breaks there
    instead of joining different runs.

    Returns:
        batch_size, the x column, loss (mean), loss_min, loss_max, runs, segment; at most
        `MAX_POINTS` rows per batch size, sorted by batch size and x. With `log_x`/`log_y` only
        rows with x > 0 / loss_min > 0 are kept, so a log axis never meets a non-positive value.
    """
    col = COMPARE_X[x]
    curves, key = with_series(curves)
    data = curves[list(dict.fromkeys(["run_id", "batch_size", key, col, "loss"]))].dropna()
    if log_x:
        data = data[data[col] > 0]
    columns = list(dict.fromkeys(["batch_size", key, col, "loss", "loss_min", "loss_max"]))
    columns += ["runs", "segment"]
    if data.empty:
        return pd.DataFrame(columns=columns)
    out = pd.concat(
        [_repeats_mean(group, col).assign(**{key: name}) for name, group in data.groupby(key)],
        ignore_index=True,
    )
    if log_y:
        out = out[out["loss_min"] > 0]
    return downsample(out[columns], by=key)


def with_series(curves: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """CURVES and the column that names one line: `batch_size`, or, once some run accumulates
    gradients, `setting` ("B=32×K=4", "B=128"): runs at one B with other K are other lines, not
    repeats to average (issue 17)."""
    if "accumulation" not in curves or not (curves["accumulation"] > 1).any():
        return curves, "batch_size"
    pairs = list(zip(curves["batch_size"], curves["accumulation"], strict=True))
    labels = {pair: setting_label(int(pair[0]), int(pair[1])) for pair in set(pairs)}
    setting = [labels[pair] for pair in pairs]
    return curves.assign(setting=setting), "setting"


def _series_order(curves: pd.DataFrame, key: str) -> alt.SortField | list[str]:
    """Legend order: by batch size; settings by samples per update, then batch size."""
    if key == "batch_size":
        return alt.SortField("batch_size")
    order = curves.assign(per_update=curves["batch_size"] * curves["accumulation"])
    order = order.drop_duplicates(key).sort_values(["per_update", "batch_size"])
    return order[key].tolist()


def _repeats_mean(group: pd.DataFrame, col: str) -> pd.DataFrame:
    """One batch size's repeats reduced to mean, min, max and count per x."""
    per_run = group.groupby("run_id")[col].nunique()
    if group[col].nunique() <= per_run.max():  # every run's x values are among the longest's
        stats = group.groupby(col)["loss"].agg(["mean", "min", "max", "size"]).reset_index()
        stats.columns = [col, "loss", "loss_min", "loss_max", "runs"]
        return stats.assign(batch_size=group["batch_size"].iloc[0], segment=0)
    # The union, not an even grid: one run may start late (first-run warm-up) and would fall
    # between the points of a grid spread evenly over all repeats.
    union = np.unique(group[col].to_numpy(np.float64))
    grid = union[evenly(len(union))]
    losses = np.full((len(per_run), len(grid)), np.nan)
    for i, (_, run) in enumerate(group.groupby("run_id")):
        run = run.sort_values(col).drop_duplicates(col, keep="last")
        xs, ys = run[col].to_numpy(np.float64), run["loss"].to_numpy(np.float64)
        inside = (grid >= xs[0]) & (grid <= xs[-1])  # no extrapolation past a run's ends
        losses[i, inside] = np.interp(grid[inside], xs, ys)
    covered = ~np.isnan(losses)  # every grid x is some run's own x: no column is all False
    joined = (covered[:, :-1] & covered[:, 1:]).any(axis=0)
    return pd.DataFrame(
        {
            col: grid,
            "loss": np.nanmean(losses, axis=0),
            "loss_min": np.nanmin(losses, axis=0),
            "loss_max": np.nanmax(losses, axis=0),
            "runs": covered.sum(axis=0),
            "segment": np.concatenate([[0], np.cumsum(~joined)]),
            "batch_size": group["batch_size"].iloc[0],
        }
    )


def sweep_curves_chart(
    curves: pd.DataFrame,
    x: str = "step",
    log_x: bool = False,
    log_y: bool = False,
    lang: str = "en",
) -> alt.Chart:
    """Loss against epochs/steps/samples/seconds, colour by batch size.

    One line per run while every batch size has a single run. Once some size has repeats (seeds),
    one line per size for the mean over its repeats, over a shaded min–max band where two or more
    runs reached that x (see `sweep_curves_data`).

    `curves`: run_id, batch_size, epoch, step, samples_seen, seconds, loss (per step) — or, for
    x="epoch", one row per run and epoch with `loss` the epoch's mean training loss.
    """
    col = COMPARE_X[x]
    x_enc = alt.X(
        f"{col}:Q",
        title=t(f"chart.axis.{col}", lang),
        scale=alt.Scale(type="log") if log_x else alt.Scale(),
        axis=alt.Axis(tickMinStep=1, format="d") if x == "epoch" else alt.Axis(),
    )
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    y_title = t("chart.train_loss_smoothed" if x != "epoch" else "chart.train_loss", lang)
    curves, key = with_series(curves)
    series = "batch_size:Q" if key == "batch_size" else f"{key}:N"  # B=32×K=4 apart from B=32
    color = alt.Color(
        f"{key}:N",
        title=t("chart.batch_size", lang),
        sort=_series_order(curves, key),
        # a 1.2 px stroke as the swatch was near invisible: a thick one
        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=4, symbolSize=200),
    )
    # on the epoch view a size that trained under an epoch (a steps budget) is one point: drawn
    # as a visible dot, not the line mark's faint default
    point = alt.OverlayMarkDef(filled=True, size=60) if x == "epoch" else False
    if curves.empty or curves.groupby(key)["run_id"].nunique().max() < 2:
        keep = list(dict.fromkeys(["run_id", "batch_size", key, col, "loss"]))
        data = downsample(curves[keep].dropna(), by="run_id")
        if log_x:
            data = data[data[col] > 0]
        return (
            alt.Chart(data)
            .mark_line(strokeWidth=1.2, clip=True, point=point)
            .encode(
                x=x_enc,
                y=alt.Y("loss:Q", title=y_title, scale=y_scale),
                color=color,
                detail="run_id:N",
                tooltip=[series, f"{col}:Q", "loss:Q", "run_id:N"],
            )
        )
    data = sweep_curves_data(curves, x, log_x, log_y)
    base = alt.Chart(data).encode(x=x_enc, color=color, detail="segment:N")
    band = (
        base.transform_filter("datum.runs >= 2")
        .mark_area(opacity=0.2, clip=True)
        .encode(y=alt.Y("loss_min:Q", title=y_title, scale=y_scale), y2="loss_max:Q")
    )
    mean = base.mark_line(strokeWidth=1.6, clip=True, point=point).encode(
        y=alt.Y("loss:Q", title=y_title, scale=y_scale),
        tooltip=[series, f"{col}:Q", "loss:Q", "loss_min:Q", "loss_max:Q", "runs:Q"],
    )
    return alt.layer(band, mean)


def _band(
    by_b: pd.DataFrame, col: str, title: str, log_y: bool = False, lang: str = "en"
) -> alt.Chart:
    data = by_b.dropna(subset=[col])
    enc = {
        "x": alt.X(
            "batch_size:Q",
            title=t("chart.batch_size", lang),
            scale=alt.Scale(type="log", base=2),
            axis=alt.Axis(values=sorted(by_b["batch_size"].unique().tolist())),
        )
    }
    tooltip = ["batch_size:Q", f"{col}:Q"]
    if "accumulation" in data and data["accumulation"].nunique() > 1:
        # One line per K: B=32×K=4 is not the next batch size after B=32 (nor a repeat of it).
        data = data.assign(K=[f"K={int(k)}" for k in data["accumulation"]])
        enc["color"] = alt.Color(
            "K:N", title=t("col.accumulation", lang), scale=alt.Scale(range=BATCH_SIZE_COLORS)
        )
        tooltip = ["K:N", *tooltip]
    base = alt.Chart(data).encode(**enc)
    scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    line = base.mark_line(point=True).encode(
        y=alt.Y(f"{col}:Q", title=title, scale=scale), tooltip=tooltip
    )
    if f"{col}_min" not in by_b:
        return line
    band = base.mark_errorbar().encode(
        y=alt.Y(f"{col}_min:Q", scale=scale, title=title), y2=f"{col}_max:Q"
    )
    return alt.layer(band, line)


def final_metric_chart(
    by_b: pd.DataFrame, col: str = "final_val_loss", lang: str = "en"
) -> alt.Chart:
    """A final loss or accuracy against batch size (log₂ x), min–max over repeats."""
    return _band(by_b, col, t(f"chart.axis.{col}", lang), lang=lang)


# Vega's fit-to-width leaves no room for a y-axis title beside wide log-axis labels ("1,000,000"):
# the title was drawn past the chart's left edge and clipped. A wider left padding keeps it in.
LOG_CHART_PADDING = {"left": 28, "top": 5, "right": 5, "bottom": 5}
# Batch sizes as points on a white chart: every colour at least 3:1 contrast against white (WCAG
# 2.1 for graphics), so no batch size comes out pale; a sequential scheme made B=8, 16 near-white.
BATCH_SIZE_COLORS = [
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#7570b3",
    "#e7298a",
    "#a6761d",
    "#666666",
    "#01665e",
    "#a50f15",
    "#54278f",
]


def to_target_chart(
    by_b: pd.DataFrame, col: str = "steps_to_target", lang: str = "en"
) -> alt.Chart:
    """Steps (or seconds) to target vs B on log–log axes, with the perfect-scaling line.

    Perfect scaling: doubling B halves the steps, drawn through the smallest B that reached it.
    """
    reached = by_b.dropna(subset=[col])
    measured = _band(by_b, col, t(f"chart.axis.{col}", lang), log_y=True, lang=lang)
    if reached.empty:
        return measured.properties(padding=LOG_CHART_PADDING)
    first = reached.iloc[0]
    bs = by_b["batch_size"].to_numpy(dtype=np.float64)
    ref = pd.DataFrame(
        {
            "batch_size": bs,
            col: first[col] * first["batch_size"] / bs,
            "line": t("chart.perfect_scaling", lang),
        }
    )
    ideal = (
        alt.Chart(ref)
        .mark_line(strokeDash=[4, 4], color="#999")
        .encode(x="batch_size:Q", y=f"{col}:Q", tooltip=["line:N", "batch_size:Q", f"{col}:Q"])
    )
    return alt.layer(ideal, measured).properties(padding=LOG_CHART_PADDING)


def throughput_chart(by_b: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Samples per second against batch size (log–log)."""
    return _band(
        by_b, "samples_per_second", t("chart.samples_per_second", lang), log_y=True, lang=lang
    ).properties(padding=LOG_CHART_PADDING)


# -- science charts ---------------------------------------------------------------------------
def noise_scale_chart(per_step: pd.DataFrame, batch_size: int, lang: str = "en") -> alt.Chart:
    """B_simple over training (rows or a DataFrame), with the batch size chosen as a rule."""
    data = downsample(pd.DataFrame(per_step)[["step", "b_simple"]].dropna())
    line = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("step:Q", title=t("chart.step", lang)),
            y=alt.Y("b_simple:Q", title=t("chart.b_simple", lang), scale=alt.Scale(type="log")),
            tooltip=["step:Q", "b_simple:Q"],
        )
    )
    mark = alt.Chart(
        pd.DataFrame({"b": [batch_size], "what": [t("chart.your_b", lang, b=batch_size)]})
    )
    rule = mark.mark_rule(color="#f58518", strokeDash=[4, 4]).encode(y="b:Q", tooltip=["what:N"])
    # the dashed line says what it is on the chart, not only in a tooltip
    label = mark.mark_text(color="#c35a00", align="left", baseline="bottom", dx=4, dy=-3).encode(
        y="b:Q", x=alt.value(0), text="what:N"
    )
    return alt.layer(line, rule, label).properties(padding=LOG_CHART_PADDING)


def critical_batch_chart(
    points: pd.DataFrame, curve: pd.DataFrame | None, lang: str = "en"
) -> alt.Chart:
    """Measured (samples, steps) to target per batch size and the fitted hyperbola (None: the
    fit was refused or B_crit is outside the sizes tried, so only the points are drawn)."""
    if curve is None:
        curve = pd.DataFrame({"batch_size": [], "samples": [], "steps": []})
    scale = alt.Scale(type="log")
    fitted = (
        alt.Chart(curve)
        .mark_line(color="#999", strokeDash=[4, 4])
        .encode(
            x=alt.X("samples:Q", title=t("chart.samples_to_target", lang), scale=scale),
            y=alt.Y("steps:Q", title=t("chart.steps_to_target", lang), scale=scale),
            tooltip=["batch_size:Q", "samples:Q", "steps:Q"],
        )
    )
    measured = (
        alt.Chart(points)
        .mark_point(filled=True, size=80)
        .encode(
            x="samples:Q",
            y="steps:Q",
            color=alt.Color(
                "batch_size:O",
                title=t("chart.batch_size", lang),
                scale=alt.Scale(range=BATCH_SIZE_COLORS),
            ),
            tooltip=["batch_size:Q", "samples:Q", "steps:Q"],
        )
    )
    return alt.layer(fitted, measured).properties(padding=LOG_CHART_PADDING)


def device_throughput_chart(rows: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Median samples/s against batch size on this device (log–log), the range of the repeated
    timings as bars."""
    data = rows.dropna(subset=["samples_per_second"])
    if "samples_per_second_min" not in data:
        data = data.assign(
            samples_per_second_min=data["samples_per_second"],
            samples_per_second_max=data["samples_per_second"],
        )
    spread = (
        alt.Chart(data)
        .mark_rule()
        .encode(
            x=alt.X("batch_size:Q", scale=alt.Scale(type="log", base=2)),
            y=alt.Y("samples_per_second_min:Q", scale=alt.Scale(type="log")),
            y2="samples_per_second_max:Q",
        )
    )
    median = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "batch_size:Q",
                title=t("chart.batch_size", lang),
                scale=alt.Scale(type="log", base=2),
            ),
            y=alt.Y(
                "samples_per_second:Q",
                title=t("chart.samples_per_second", lang),
                scale=alt.Scale(type="log"),
            ),
            tooltip=["batch_size:Q", "samples_per_second:Q", "steps_per_second:Q"],
        )
    )
    return alt.layer(spread, median).properties(padding=LOG_CHART_PADDING)
