"""The Path page's charts, pure functions: a `Trajectory` in, one `alt.Chart` out. Kept beside
charts.py (which they reuse) so the page's charts merge without touching it.

`player_chart` is the whole player as one Vega-Lite spec: every frame of the followed path is in
it (≤ MAX_POINTS), and a `frame` parameter bound to a range slider picks the one shown, so the
browser steps without asking the server. Its parts:

- the readout: the step, its batch, the loss, (w, b), the angle and length of the gradients;
- the landscape: loss contours over (w, b), the minimum, every path up to the same number of
  samples seen (epoch boundaries marked), and the frame's two arrows (the batch's SGD step and
  the full data's);
- the data: the training points, the frame's batch ringed (layer `batch`: Vega's marks
  `batch_0_marks`, which the browser test reads), the line w·x + b;
- the loss against step of every path, each path's position dotted.

`player_controls` is the Play / Pause / Step / Reset buttons: a few lines of JavaScript that move
that slider on a timer in the browser.
"""

from __future__ import annotations

import functools
import json

import altair as alt
import numpy as np
import pandas as pd

from core.present.charts import MAX_POINTS, evenly
from core.present.text import t
from core.study.trajectory import Path, Surface, Trajectory, step_view

LEVELS = 14
ARROW_COLORS = ("#e45756", "#222222")  # the batch's step, the full data's step
LANDSCAPE_WIDTH, LANDSCAPE_HEIGHT = 430, 420
SIDE_WIDTH, SIDE_HEIGHT = 300, 160
NEVER = 2**53  # `next_seen` of a path's last point: it stays reached
# Vega expressions over the spec's parameters: the frame on the slider, and a path's point
# reached at that frame (fed no more samples than the followed path) or the last one reached.
NOW = "frames[frame]"
REACHED = f"datum.seen <= {NOW}.seen"
AT = f"{REACHED} && datum.next_seen > {NOW}.seen"


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


def frame_steps(path: Path) -> np.ndarray:
    """The steps of PATH the player can show: every one, or MAX_POINTS spread over a long path
    (first and last included). The slider moves over their indices."""
    return evenly(len(path.w), MAX_POINTS)


def path_frame(traj: Trajectory, lang: str = "en") -> pd.DataFrame:
    """Every path's points (step, w, b, loss, epoch, series, seen, next_seen, boundary), at most
    MAX_POINTS a path. `seen` is the samples fed before the point and `next_seen` those before
    the next drawn point: a point is reached once the followed path has fed `seen` samples."""
    frames = []
    for path in traj.paths:
        keep = frame_steps(path)
        seen = path.samples_seen()[keep]
        frames.append(
            pd.DataFrame(
                {
                    "step": keep,
                    "w": np.asarray(path.w)[keep],
                    "b": np.asarray(path.b)[keep],
                    "loss": np.asarray(path.loss)[keep],
                    "epoch": keep / path.steps_per_epoch,
                    "series": series(traj, path, lang),
                    "seen": seen,
                    "next_seen": np.append(seen[1:], NEVER),
                    "boundary": (keep % path.steps_per_epoch == 0) & (keep > 0),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def frames(traj: Trajectory, path: Path, lang: str = "en") -> list[dict]:
    """What the player shows at each frame of PATH: the step, the samples seen, (w, b), the
    next batch, both SGD steps (None at the end) and the readout's two lines."""
    rows = []
    seen = path.samples_seen()
    last = path.steps
    for step in frame_steps(path).tolist():
        view = step_view(traj, path, step)
        if view.batch:
            label = t(
                "path.position" if len(view.batch) > 1 else "path.position_one",
                lang,
                step=step,
                last=last,
                epoch=view.epoch,  # numbered from 0, like every epoch in the app
                batch=", ".join(str(i) for i in view.batch),
            )
        else:
            label = t("path.position_end", lang, step=step, last=last)
        numbers = (
            (t("path.metric.loss", lang), f"{view.loss:.4g}"),
            (t("path.metric.weights", lang), f"{view.w:.3f}, {view.b:.3f}"),
            (t("path.metric.angle", lang), "–" if view.angle is None else f"{view.angle:.0f}°"),
            (t("path.metric.ratio", lang), "–" if view.ratio is None else f"{view.ratio:.2f}"),
        )
        batch_step, full_step = view.batch_step or (None, None), view.full_step or (None, None)
        rows.append(
            {
                "step": step,
                "seen": int(seen[step]),
                "w": view.w,
                "b": view.b,
                "batch": list(view.batch),
                "bw": batch_step[0],
                "bb": batch_step[1],
                "fw": full_step[0],
                "fb": full_step[1],
                "label": label,
                "numbers": "   ·   ".join(
                    t("path.metric.pair", lang, name=name, value=value) for name, value in numbers
                ),
            }
        )
    return rows


def _series_color(traj: Trajectory, lang: str) -> alt.Color:
    domain = [series(traj, p, lang) for p in traj.paths]
    return alt.Color(
        "series:N",
        title=t("chart.path.series_title", lang),
        scale=alt.Scale(domain=domain, scheme="category10"),
    )


def player_chart(
    traj: Trajectory, followed: int, lang: str = "en", surface: Surface | None = None
) -> alt.Chart:
    """The player: readout, landscape, data and loss in one spec, the frame on a slider.

    FOLLOWED is the index of the path the slider walks; SURFACE (default: the trajectory's,
    which holds every path) sets the landscape's window: a zoom."""
    rows = frames(traj, traj.paths[followed], lang)
    frame = alt.param(
        name="frame",
        value=0,
        bind=alt.binding_range(min=0, max=len(rows) - 1, step=1, name=t("path.slider", lang)),
    )
    points = path_frame(traj, lang)
    readout = (
        alt.Chart(pd.DataFrame({"line": ["label", "numbers"], "dy": [0, 22]}))
        .mark_text(align="left", baseline="top", fontSize=13, x=0)
        .encode(y=alt.Y("dy:Q", axis=None, scale=None), text="text:N")
        .transform_calculate(text=f"{NOW}[datum.line]")
        .properties(width=LANDSCAPE_WIDTH + SIDE_WIDTH, height=40, name="readout")
    )
    side = alt.vconcat(_data(traj, lang), _loss(traj, points, lang))
    return (
        alt.vconcat(readout, alt.hconcat(_landscape(traj, points, lang, surface), side))
        .add_params(frame, alt.param(name="frames", value=rows))
        .configure_legend(orient="bottom", direction="vertical")
        .configure_view(stroke=None)
    )


def _landscape(
    traj: Trajectory, points: pd.DataFrame, lang: str, surface: Surface | None
) -> alt.Chart:
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
                scale=alt.Scale(scheme="greys", type="sqrt", domain=[0, float(np.max(s.loss))]),
                legend=None,
            ),
        )
    )
    color = _series_color(traj, lang)
    quiet = color.legend(None)  # one legend for the layers of the same series
    base = alt.Chart(points).encode(x=w_axis, y=b_axis)
    ahead = base.mark_line(strokeWidth=1, opacity=0.3, clip=True).encode(
        color=quiet, order="step:Q", detail="series:N"
    )
    travelled = (
        base.mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=14), clip=True)
        .encode(
            color=color,
            order="step:Q",
            detail="series:N",
            tooltip=["series:N", "step:Q", "w:Q", "b:Q", "loss:Q"],
        )
        .transform_filter(REACHED)
    )
    epochs = (
        base.mark_point(shape="diamond", size=70, filled=True, stroke="white", clip=True)
        .encode(color=quiet, tooltip=["series:N", "epoch:Q", "loss:Q"])
        .transform_filter(f"datum.boundary && {REACHED}")
    )
    current = (
        base.mark_circle(size=220, stroke="black", strokeWidth=1.5, opacity=1, clip=True)
        .encode(color=quiet)
        .transform_filter(AT)
    )
    layers = [
        contours,
        ahead,
        travelled,
        epochs,
        *_landmarks(traj, w_axis, b_axis, lang, s.w),
        current,
    ]
    return (
        alt.layer(*layers, _arrows(lang))
        .resolve_scale(color="independent")
        .properties(width=LANDSCAPE_WIDTH, height=LANDSCAPE_HEIGHT, title=t("path.landscape", lang))
    )


def _landmarks(
    traj: Trajectory, w_axis: alt.X, b_axis: alt.Y, lang: str, w_grid: np.ndarray
) -> list[alt.Chart]:
    """The start and the minimum: crosses with their names. A name near the right edge is set
    to the left of its cross (the clip would cut it: "minim")."""
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
    # clip: a label outside a zoomed window would stretch the view's bounds to reach it (Vega
    # pads the chart around every mark's bounds): an SVG thousands of pixels wide whose
    # visible part is empty, the "blank landscape" of issue 16.
    right = marks["w"] > w_grid[0] + 0.7 * (w_grid[-1] - w_grid[0])
    # The start's name goes under its cross when the paths' first steps climb (b grows): the
    # batch and full-data arrows leave the start up there and hid "st" of "start".
    climbs = np.mean([p.b[1] - p.b[0] for p in traj.paths if len(p.b) > 1] or [0.0]) >= 0
    labels = []
    for i, near_right in enumerate(right):
        if i == 0 and climbs:
            align, dx, dy = "center", 0, 16
        else:
            align, dx, dy = ("right", -10, -10) if near_right else ("left", 10, -10)
        text = alt.Chart(marks.iloc[[i]]).mark_text(
            dx=dx, dy=dy, align=align, fontSize=12, clip=True
        )
        labels.append(text.encode(x=w_axis, y=b_axis, text="what:N"))
    return [landmarks, *labels]


def _arrows(lang: str) -> alt.Chart:
    """The frame's batch step and full-data step from (w, b), as segments with a head: none at
    the end of the path."""
    kinds = [t("chart.path.arrow_batch", lang), t("chart.path.arrow_full", lang)]
    rows = pd.DataFrame({"kind": kinds, "dw": ["bw", "fw"], "db": ["bb", "fb"]})
    color = alt.Color(
        "kind:N",
        title=t("chart.path.arrows", lang),
        scale=alt.Scale(domain=kinds, range=list(ARROW_COLORS)),
    )
    moved = (
        alt.Chart(rows)
        .transform_filter(f"isValid({NOW}.bw)")
        .transform_calculate(
            w=f"{NOW}.w",
            b=f"{NOW}.b",
            w2=f"{NOW}.w + {NOW}[datum.dw]",
            b2=f"{NOW}.b + {NOW}[datum.db]",
        )
    )
    shaft = moved.mark_rule(strokeWidth=3, clip=True).encode(
        x="w:Q", y="b:Q", x2="w2:Q", y2="b2:Q", color=color
    )
    head = moved.mark_point(shape="triangle", size=120, filled=True, opacity=1, clip=True).encode(
        x="w2:Q", y="b2:Q", color=color
    )
    return alt.layer(shaft, head)


def _data(traj: Trajectory, lang: str) -> alt.Chart:
    """The training points, the frame's batch highlighted, and the current line w·x + b."""
    x, y = np.asarray(traj.x), np.asarray(traj.y)
    points = pd.DataFrame({"x": x, "y": y, "sample": np.arange(len(x))}).iloc[evenly(len(x))]
    ends = [float(x.min() - 0.5), float(x.max() + 0.5)]
    w_star, b_star, _ = traj.minimum
    now, best = t("chart.path.line", lang), t("chart.path.best_line", lang)
    lines = pd.DataFrame(
        {
            "x": ends * 2,
            "line": [now, now, best, best],
            "best": [None, None, *(w_star * e + b_star for e in ends)],
        }
    )
    inside, other = t("chart.path.in_batch", lang), t("chart.path.other_points", lang)
    in_batch = f"indexof({NOW}.batch, datum.sample) >= 0"
    x_axis, y_axis = alt.X("x:Q", title="x"), alt.Y("y:Q", title="y")
    dots = (
        alt.Chart(points)
        .mark_circle(size=90, opacity=1)
        .encode(
            x=x_axis,
            y=y_axis,
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=[inside, other], range=[ARROW_COLORS[0], "#9aa5b1"]),
            ),
            tooltip=["sample:Q", "x:Q", "y:Q"],
        )
        .transform_calculate(kind=f"{in_batch} ? {_js(inside)} : {_js(other)}")
    )
    batch = (
        alt.Chart(points)
        .mark_point(size=220, strokeWidth=2, color=ARROW_COLORS[0])
        .encode(x=x_axis, y=y_axis, tooltip=["sample:Q"])
        .transform_filter(in_batch)
        .properties(name="batch")
    )
    fit = (
        alt.Chart(lines)
        .mark_line(clip=True)
        .encode(x="x:Q", y="y:Q", strokeDash=alt.StrokeDash("line:N", title=None), detail="line:N")
        .transform_calculate(y=f"isValid(datum.best) ? datum.best : {NOW}.w * datum.x + {NOW}.b")
    )
    return (
        alt.layer(fit, dots, batch)
        .resolve_scale(color="independent")
        .properties(width=SIDE_WIDTH, height=SIDE_HEIGHT, title=t("path.data", lang))
    )


def _loss(traj: Trajectory, points: pd.DataFrame, lang: str) -> alt.Chart:
    """Training loss (all N points, log scale) against step, each path's position dotted."""
    color = _series_color(traj, lang).legend(None)  # the landscape has the legend
    positive = points.loss[points.loss > 0]
    floor = max(float(positive.min()) if len(positive) else 1e-12, 1e-12)
    base = alt.Chart(points.assign(loss=points.loss.clip(lower=floor))).encode(
        x=alt.X("step:Q", title=t("chart.path.step", lang)),
        y=alt.Y("loss:Q", title=t("chart.path.loss", lang), scale=alt.Scale(type="log")),
        color=color,
    )
    lines = base.mark_line(strokeWidth=1.5, clip=True).encode(
        tooltip=["series:N", "step:Q", "epoch:Q", "loss:Q"]
    )
    dots = base.mark_circle(size=120, stroke="black", strokeWidth=1, opacity=1).transform_filter(AT)
    return alt.layer(lines, dots).properties(
        width=SIDE_WIDTH, height=SIDE_HEIGHT, title=t("path.loss", lang)
    )


def _js(text: str) -> str:
    """TEXT as a string literal in a Vega expression."""
    return json.dumps(text, ensure_ascii=False)


FRAME_MS = 250
CONTROLS = """
<div class="path-player" style="display:flex;gap:.5rem">
  <button type="button" data-act="play"></button>
  <button type="button" data-act="step"></button>
  <button type="button" data-act="reset"></button>
</div>
<style>
  .path-player button { font: inherit; padding: .3rem 1rem; border-radius: .5rem;
    border: 1px solid rgba(49, 51, 63, .2); background: white; cursor: pointer; }
  .path-player button:hover { border-color: #ff4b4b; color: #ff4b4b; }
  /* The player is ~900 px of fixed-size charts: in a narrower column (1100 px window, sidebar
     open) its right part, the data and the loss, was cut off. Scaled down to fit instead (the
     SVG keeps its viewBox, so it scales as a picture). */
  [data-testid="stVegaLiteChart"] { max-width: 100%; overflow: hidden; }
  [data-testid="stVegaLiteChart"] .vega-embed { max-width: 100%; }
  [data-testid="stVegaLiteChart"] svg.marks { max-width: 100%; height: auto; }
</style>
<script>
(() => {
  const labels = __LABELS__;
  const box = document.querySelectorAll(".path-player");
  const root = box[box.length - 1];
  if (window.pathPlayer) window.pathPlayer.stop();
  const slider = () => document.querySelector('.vega-bind input[type="range"][name="frame"]');
  const play = root.querySelector('[data-act="play"]');
  let timer = null;
  const show = (value) => {
    const input = slider();
    if (!input) return false;
    input.value = String(Math.max(0, Math.min(Number(input.max), value)));
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return Number(input.value) < Number(input.max);
  };
  const stop = () => { clearInterval(timer); timer = null; play.textContent = labels.play; };
  const tick = () => {
    const input = slider();
    if (!input || !show(Number(input.value) + 1)) stop();
  };
  root.querySelector('[data-act="play"]').onclick = () => {
    if (timer) return stop();
    const input = slider();
    if (input && Number(input.value) >= Number(input.max)) show(0);
    play.textContent = labels.pause;
    timer = setInterval(tick, __FRAME_MS__);
  };
  root.querySelector('[data-act="step"]').onclick = () => {
    stop();
    const input = slider();
    if (input) show(Number(input.value) + 1);
  };
  root.querySelector('[data-act="reset"]').onclick = () => { stop(); show(0); };
  root.querySelector('[data-act="step"]').textContent = labels.step;
  root.querySelector('[data-act="reset"]').textContent = labels.reset;
  window.pathPlayer = { stop };
  stop();
})();
</script>
"""


def player_controls(lang: str = "en", frame_ms: int = FRAME_MS) -> str:
    """Play / Pause, Step and Reset for `player_chart`'s slider, as HTML for `st.html` with its
    JavaScript allowed. The buttons move the slider in the browser (an `input` event, which
    Vega listens to), so a frame costs no server round trip; Play advances a frame every
    FRAME_MS and stops at the end. Reruns replace the buttons; the old timer is stopped."""
    labels = {k: t(f"path.{k}", lang) for k in ("play", "pause", "step", "reset")}
    return CONTROLS.replace("__LABELS__", _js(labels)).replace("__FRAME_MS__", str(frame_ms))
