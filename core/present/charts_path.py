"""The Path page's charts, pure functions: a `Trajectory` and the player's position in, `alt.Chart`
out. Kept beside charts.py (which they reuse) so the page's charts merge without touching it.

- `data_chart`: the training points, the step's batch highlighted, the line w·x + b.
- `landscape_chart`: loss contours over (w, b), the minimum, every path (epoch boundaries
  marked) and the step's two arrows: the batch's SGD step and the full data's.
- `path_loss_chart`: training loss against step for every path.
"""

from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from core.present.charts import MAX_POINTS, evenly
from core.present.text import t
from core.study.trajectory import Path, StepView, Surface, Trajectory

LEVELS = 14
ARROW_COLORS = ("#e45756", "#222222")  # the batch's step, the full data's step


def series(traj: Trajectory, path: Path, lang: str = "en") -> str:
    """The legend's name of a path: 'B = 3', or 'B = 10 (full batch)'."""
    key = "chart.path.series_full" if path.batch_size >= traj.spec.n else "chart.path.series"
    return t(key, lang, b=path.batch_size)


def contour_levels(surface: Surface, count: int = LEVELS) -> np.ndarray:
    """Levels spaced as squares above the lowest value: the MSE is quadratic in (w, b), so the
    contours come out about evenly spaced in distance from the minimum."""
    loss = np.asarray(surface.loss)
    low, high = float(loss.min()), float(loss.max())
    return low + (high - low) * (np.arange(1, count) / count) ** 2


def contour_segments(surface: Surface, levels: np.ndarray) -> pd.DataFrame:
    """Marching squares: one row (w, b, w2, b2, level) per piece of each contour in each cell."""
    return _segments(surface, tuple(float(v) for v in levels)).copy()


@functools.lru_cache(maxsize=16)  # the player redraws the same contours every frame
def _segments(surface: Surface, levels: tuple[float, ...]) -> pd.DataFrame:
    w, b = np.asarray(surface.w), np.asarray(surface.b)
    f = np.asarray(surface.loss)
    frames = []
    for level in levels:
        above = f >= level
        # Each cell's 4 edges: (value a, value b, point a, point b) as (w, b) corners.
        v00, v01, v10, v11 = f[:-1, :-1], f[:-1, 1:], f[1:, :-1], f[1:, 1:]
        a00, a01, a10, a11 = above[:-1, :-1], above[:-1, 1:], above[1:, :-1], above[1:, 1:]
        wl, wr = np.broadcast_to(w[:-1], v00.shape), np.broadcast_to(w[1:], v00.shape)
        bl, bh = np.broadcast_to(b[:-1, None], v00.shape), np.broadcast_to(b[1:, None], v00.shape)
        edges = [  # bottom, right, top, left
            (v00, v01, a00 != a01, (wl, bl), (wr, bl)),
            (v01, v11, a01 != a11, (wr, bl), (wr, bh)),
            (v10, v11, a10 != a11, (wl, bh), (wr, bh)),
            (v00, v10, a00 != a10, (wl, bl), (wl, bh)),
        ]
        pw, pb, hit = [], [], []
        for va, vb, crossed, (wa, ba), (wb, bb) in edges:
            with np.errstate(divide="ignore", invalid="ignore"):
                frac = np.where(crossed, (level - va) / (vb - va), 0.0)
            pw.append(wa + frac * (wb - wa))
            pb.append(ba + frac * (bb - ba))
            hit.append(crossed)
        pw, pb, hit = np.stack(pw), np.stack(pb), np.stack(hit)
        two = hit.sum(axis=0) >= 2  # a convex bowl has no saddle cells (4 crossings)
        first = np.argmax(hit, axis=0)
        last = 3 - np.argmax(hit[::-1], axis=0)
        rows, cols = np.nonzero(two)
        i, j = first[rows, cols], last[rows, cols]
        frames.append(
            pd.DataFrame(
                {
                    "w": pw[i, rows, cols],
                    "b": pb[i, rows, cols],
                    "w2": pw[j, rows, cols],
                    "b2": pb[j, rows, cols],
                    "level": float(level),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def path_frame(traj: Trajectory, cuts: tuple[int, ...], lang: str = "en") -> pd.DataFrame:
    """Every path's points (step, w, b, loss, epoch, series, reached), ≤ MAX_POINTS per path;
    `reached` marks the points up to the player's position on that path."""
    frames = []
    for path, cut in zip(traj.paths, cuts, strict=True):
        keep = np.union1d(evenly(len(path.w), MAX_POINTS), [cut])
        steps = np.arange(len(path.w))[keep]
        frames.append(
            pd.DataFrame(
                {
                    "step": steps,
                    "w": np.asarray(path.w)[keep],
                    "b": np.asarray(path.b)[keep],
                    "loss": np.asarray(path.loss)[keep],
                    "epoch": steps / path.steps_per_epoch,
                    "series": series(traj, path, lang),
                    "reached": steps <= cut,
                    "boundary": (steps % path.steps_per_epoch == 0) & (steps > 0),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _series_color(traj: Trajectory, lang: str) -> alt.Color:
    domain = [series(traj, p, lang) for p in traj.paths]
    return alt.Color(
        "series:N",
        title=t("chart.path.series_title", lang),
        scale=alt.Scale(domain=domain, scheme="category10"),
    )


def data_chart(traj: Trajectory, view: StepView, lang: str = "en") -> alt.Chart:
    """The training points, the next step's batch highlighted, and the current line w·x + b."""
    x, y = np.asarray(traj.x), np.asarray(traj.y)
    chosen = np.zeros(len(x), dtype=bool)
    chosen[list(view.batch)] = True
    points = pd.DataFrame(
        {
            "x": x,
            "y": y,
            "sample": np.arange(len(x)),
            "kind": np.where(
                chosen, t("chart.path.in_batch", lang), t("chart.path.other_points", lang)
            ),
        }
    ).iloc[evenly(len(x))]
    ends = np.array([x.min() - 0.5, x.max() + 0.5])
    w_star, b_star, _ = traj.minimum
    lines = pd.concat(
        [
            pd.DataFrame(
                {"x": ends, "y": view.w * ends + view.b, "line": t("chart.path.line", lang)}
            ),
            pd.DataFrame(
                {"x": ends, "y": w_star * ends + b_star, "line": t("chart.path.best_line", lang)}
            ),
        ]
    )
    kinds = [t("chart.path.in_batch", lang), t("chart.path.other_points", lang)]
    dots = (
        alt.Chart(points)
        .mark_circle(size=90, opacity=1)
        .encode(
            x=alt.X("x:Q", title="x"),
            y=alt.Y("y:Q", title="y"),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=kinds, range=[ARROW_COLORS[0], "#9aa5b1"]),
            ),
            tooltip=["sample:Q", "x:Q", "y:Q"],
        )
    )
    fit = (
        alt.Chart(lines)
        .mark_line(clip=True)
        .encode(
            x="x:Q",
            y="y:Q",
            strokeDash=alt.StrokeDash("line:N", title=None),
            detail="line:N",
        )
    )
    return alt.layer(fit, dots).resolve_scale(color="independent").properties(height=320)


def landscape_chart(
    traj: Trajectory,
    cuts: tuple[int, ...],
    view: StepView,
    lang: str = "en",
    surface: Surface | None = None,
) -> alt.Chart:
    """Contours of the training loss over (w, b), the minimum, the paths and the two arrows.

    SURFACE (default: the trajectory's, which holds every path) sets the window: a zoom."""
    s = surface or traj.surface
    x_scale = alt.Scale(domain=[s.w[0], s.w[-1]], nice=False, zero=False)
    y_scale = alt.Scale(domain=[s.b[0], s.b[-1]], nice=False, zero=False)
    w_axis = alt.X("w:Q", title=t("chart.path.w", lang), scale=x_scale)
    b_axis = alt.Y("b:Q", title=t("chart.path.b", lang), scale=y_scale)
    contours = (
        alt.Chart(contour_segments(s, contour_levels(s)))
        .mark_rule(strokeWidth=1)
        .encode(
            x=w_axis,
            y=b_axis,
            x2="w2:Q",
            y2="b2:Q",
            color=alt.Color(
                "level:Q",
                title=t("chart.path.loss", lang),
                scale=alt.Scale(scheme="greys", type="sqrt", domain=[0, float(np.max(s.loss))]),
                legend=None,
            ),
        )
    )
    frame = path_frame(traj, cuts, lang)
    color = _series_color(traj, lang)
    quiet = color.legend(None)  # one legend for the layers of the same series
    ahead = (
        alt.Chart(frame)
        .mark_line(strokeWidth=1, opacity=0.3, clip=True)
        .encode(x=w_axis, y=b_axis, color=quiet, order="step:Q", detail="series:N")
    )
    travelled = (
        alt.Chart(frame[frame.reached])
        .mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=14), clip=True)
        .encode(
            x=w_axis,
            y=b_axis,
            color=color,
            order="step:Q",
            detail="series:N",
            tooltip=["series:N", "step:Q", "w:Q", "b:Q", "loss:Q"],
        )
    )
    epochs = (
        alt.Chart(frame[frame.boundary & frame.reached])
        .mark_point(shape="diamond", size=70, filled=True, stroke="white", clip=True)
        .encode(x=w_axis, y=b_axis, color=quiet, tooltip=["series:N", "epoch:Q", "loss:Q"])
    )
    now = frame[frame.reached].groupby("series", sort=False).tail(1)
    current = (
        alt.Chart(now)
        .mark_circle(size=220, stroke="black", strokeWidth=1.5, opacity=1, clip=True)
        .encode(x=w_axis, y=b_axis, color=quiet)
    )
    layers = [contours, ahead, travelled, epochs, *_landmarks(traj, w_axis, b_axis, lang), current]
    arrows = _arrows(view, lang)
    if arrows is not None:
        layers.append(arrows)
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent")
        .configure_legend(orient="bottom", direction="vertical")
        .properties(height=460)
    )


def _landmarks(traj: Trajectory, w_axis: alt.X, b_axis: alt.Y, lang: str) -> list[alt.Chart]:
    """The start and the minimum: crosses with their names."""
    marks = pd.DataFrame(
        {
            "w": [traj.start[0], traj.minimum[0]],
            "b": [traj.start[1], traj.minimum[1]],
            "what": [t("chart.path.start", lang), t("chart.path.minimum", lang)],
        }
    )
    landmarks = (
        alt.Chart(marks)
        .mark_point(shape="cross", size=200, filled=True, color="black", clip=True)
        .encode(x=w_axis, y=b_axis, tooltip=["what:N", "w:Q", "b:Q"])
    )
    labels = landmarks.mark_text(dx=10, dy=-10, align="left", fontSize=12).encode(text="what:N")
    return [landmarks, labels]


def _arrows(view: StepView, lang: str) -> alt.Chart | None:
    """The batch's step and the full data's step from (w, b), as segments with a head dot."""
    if view.batch_step is None or view.full_step is None:
        return None
    kinds = [t("chart.path.arrow_batch", lang), t("chart.path.arrow_full", lang)]
    rows = pd.DataFrame(
        {
            "w": [view.w, view.w],
            "b": [view.b, view.b],
            "w2": [view.w + view.batch_step[0], view.w + view.full_step[0]],
            "b2": [view.b + view.batch_step[1], view.b + view.full_step[1]],
            "kind": kinds,
        }
    )
    color = alt.Color(
        "kind:N",
        title=t("chart.path.arrows", lang),
        scale=alt.Scale(domain=kinds, range=list(ARROW_COLORS)),
    )
    shaft = (
        alt.Chart(rows)
        .mark_rule(strokeWidth=3, clip=True)
        .encode(x="w:Q", y="b:Q", x2="w2:Q", y2="b2:Q", color=color)
    )
    head = (
        alt.Chart(rows)
        .mark_point(shape="triangle", size=120, filled=True, opacity=1, clip=True)
        .encode(x="w2:Q", y="b2:Q", color=color)
    )
    return alt.layer(shaft, head)


def path_loss_chart(traj: Trajectory, cuts: tuple[int, ...], lang: str = "en") -> alt.Chart:
    """Training loss (all N points, log scale) against step, the player's position dotted."""
    frame = path_frame(traj, cuts, lang)
    color = _series_color(traj, lang).legend(None)
    floor = max(float(frame.loss[frame.loss > 0].min()) if (frame.loss > 0).any() else 1e-12, 1e-12)
    frame = frame.assign(loss=frame.loss.clip(lower=floor))
    x = alt.X("step:Q", title=t("chart.path.step", lang))
    y = alt.Y("loss:Q", title=t("chart.path.loss", lang), scale=alt.Scale(type="log"))
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=1.5, clip=True)
        .encode(x=x, y=y, color=color, tooltip=["series:N", "step:Q", "epoch:Q", "loss:Q"])
    )
    now = frame[frame.reached].groupby("series", sort=False).tail(1)
    dots = (
        alt.Chart(now)
        .mark_circle(size=120, stroke="black", strokeWidth=1, opacity=1)
        .encode(x=x, y=y, color=color)
    )
    return alt.layer(lines, dots).properties(height=320)  # the landscape has the legend
