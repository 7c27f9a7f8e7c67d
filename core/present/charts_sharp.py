"""Sharpness charts (issue 23): Compare's λ_max, trace and gap against batch size, and Science's
sketch of a flat and a sharp minimum. Data in, Altair out."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.present.charts import BATCH_SIZE_COLORS
from core.present.text import t

SHARPNESS_PANELS = ("lambda_max", "trace", "generalization_gap")
PANEL_WIDTH = 210


def sharpness_data(by_b: pd.DataFrame, col: str) -> pd.DataFrame:
    """One panel's rows: batch size, lr, the mean and the repeats' range of COL."""
    data = by_b.dropna(subset=[col])
    return pd.DataFrame(
        {
            "batch_size": data["batch_size"].astype(int),
            "lr": data["lr"],
            "value": data[col],
            "low": data[f"{col}_min"],
            "high": data[f"{col}_max"],
            "repeats": data["repeats"].astype(int),
        }
    )


def _panel(by_b: pd.DataFrame, col: str, lang: str) -> alt.LayerChart:
    """COL's mean over repeats (line and points) in its min–max band, against B on log₂ x."""
    title = t(f"chart.sharp.{col}", lang)
    sizes = sorted(by_b["batch_size"].astype(int).unique().tolist())
    base = alt.Chart(sharpness_data(by_b, col)).encode(
        x=alt.X(
            "batch_size:Q",
            title=t("chart.sharp.batch_size", lang),
            scale=alt.Scale(type="log", base=2),
            axis=alt.Axis(values=sizes),
        ),
        detail="lr:N",  # a sweep that tried several lrs at one size: one line per lr
    )
    band = base.mark_area(opacity=0.25, color=BATCH_SIZE_COLORS[0]).encode(
        y=alt.Y("low:Q", title=title, scale=alt.Scale(zero=False)), y2="high:Q"
    )
    line = base.mark_line(point=True, color=BATCH_SIZE_COLORS[0]).encode(
        y=alt.Y("value:Q", title=title, scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("batch_size:Q", title="B"),
            alt.Tooltip("lr:Q", title="lr"),
            alt.Tooltip("value:Q", title=title, format=".4g"),
            alt.Tooltip("low:Q", title="min", format=".4g"),
            alt.Tooltip("high:Q", title="max", format=".4g"),
            alt.Tooltip("repeats:Q", title="n"),
        ],
    )
    return alt.layer(band, line).properties(width=PANEL_WIDTH, height=220)


def sharpness_chart(by_b: pd.DataFrame, lang: str = "en") -> alt.HConcatChart:
    """λ_max, the Hessian's trace and the gap (test − train loss) against batch size, side by
    side, each with its own y axis (`core.study.sharpness.sharpness_table`'s per-size frame)."""
    return alt.hconcat(*(_panel(by_b, col, lang) for col in SHARPNESS_PANELS)).resolve_scale(
        y="independent"
    )


# -- Science: a flat and a sharp minimum, and a shifted test loss (Keskar et al. 2017, fig. 1)
SKETCH_SHIFT = 0.35  # how far the test loss sits from the training loss, in w


def sketch_data(lang: str = "en") -> pd.DataFrame:
    """Training loss with a flat minimum at w = −1.5 and a sharp one at w = 1.5, both at loss
    0.1, and the same curve shifted right by SKETCH_SHIFT as the test loss."""
    w = np.linspace(-3.0, 3.0, 241)

    def loss(at):
        flat = 0.1 + 0.15 * (at + 1.5) ** 2
        sharp = 0.1 + 4.0 * (at - 1.5) ** 2
        return np.minimum(np.minimum(flat, sharp), 1.5)

    frames = []
    for key, values in (("train", loss(w)), ("test", loss(w - SKETCH_SHIFT))):
        frames.append(
            pd.DataFrame({"w": w, "loss": values, "curve": t(f"chart.sketch.{key}", lang)})
        )
    return pd.concat(frames, ignore_index=True)


def sharpness_sketch_chart(lang: str = "en") -> alt.LayerChart:
    """The Science page's figure: at the two training minima, a black bar from the training
    loss up to the test loss marks what the shift costs (small at the flat one, large at the
    sharp one)."""
    data = sketch_data(lang)
    names = [t("chart.sketch.train", lang), t("chart.sketch.test", lang)]
    marks = pd.DataFrame(
        {
            "w": [-1.5, 1.5],
            "train": [0.1, 0.1],
            "loss": [0.1 + 0.15 * SKETCH_SHIFT**2, min(0.1 + 4.0 * SKETCH_SHIFT**2, 1.5)],
            "label": [t("chart.sketch.flat", lang), t("chart.sketch.sharp", lang)],
        }
    )
    curves = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("w:Q", title=t("chart.sketch.w", lang)),
            y=alt.Y("loss:Q", title=t("chart.sketch.loss", lang), scale=alt.Scale(domain=[0, 1.5])),
            color=alt.Color(
                "curve:N",
                title=t("chart.sketch.curve", lang),
                scale=alt.Scale(domain=names, range=BATCH_SIZE_COLORS[:2]),
                legend=alt.Legend(orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "curve:N", scale=alt.Scale(domain=names, range=[[1, 0], [5, 3]]), legend=None
            ),
        )
    )
    # At each training minimum: how far the test loss sits above the training loss.
    rises = (
        alt.Chart(marks)
        .mark_rule(color="black", strokeWidth=2)
        .encode(x="w:Q", y="train:Q", y2="loss:Q")
    )
    points = rises.mark_point(filled=True, size=60, color="black").encode(
        y="loss:Q", tooltip=["label:N", alt.Tooltip("loss:Q", format=".2f")]
    )
    labels = points.mark_text(dy=-14, fontSize=12).encode(text="label:N")
    return alt.layer(curves, rises, points, labels).properties(height=260)
