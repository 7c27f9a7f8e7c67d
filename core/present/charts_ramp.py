"""Charts of a ramp-against-decay experiment (Smith et al. 2018): data in, `alt.Chart` out.

- `ramp_epoch_chart`: loss against epochs, each arm's mean as a line over its range across
  repeats (a band), so "match within the spread" can be seen.
- `ramp_step_chart`: loss against steps, every run (smoothed): the ramp's curve ends sooner.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.present.charts import MAX_POINTS, downsample
from core.present.text import t

ARM_COLORS = {"decay": "#4c78a8", "ramp": "#e45756"}


def _arm_color(lang: str) -> alt.Color:
    names = [t(f"ramp.arm.{arm}", lang) for arm in ARM_COLORS]
    return alt.Color(
        "arm_name:N",
        title=t("ramp.chart.arm", lang),
        scale=alt.Scale(domain=names, range=list(ARM_COLORS.values())),
    )


def _named(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.assign(arm_name=frame["arm"].map(lambda a: t(f"ramp.arm.{a}", lang)))


def ramp_epoch_chart(curves: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Mean loss per epoch for each arm, with its min–max band over repeats."""
    data = _named(curves, lang)
    x = alt.X("epoch:Q", title=t("ramp.chart.epoch", lang), axis=alt.Axis(tickMinStep=1))
    base = alt.Chart(data).encode(x=x, color=_arm_color(lang))
    band = base.mark_area(opacity=0.25).encode(y="loss_min:Q", y2="loss_max:Q")
    # Dashed decay over solid ramp: where the curves match, both stay visible.
    dash = alt.StrokeDash(
        "arm_name:N",
        scale=alt.Scale(
            domain=[t(f"ramp.arm.{a}", lang) for a in ARM_COLORS], range=[[6, 4], [1, 0]]
        ),
        title=t("ramp.chart.arm", lang),
    )
    line = base.mark_line(point=True, strokeWidth=2.5).encode(
        strokeDash=dash,
        y=alt.Y("loss:Q", title=t("ramp.chart.loss", lang), scale=alt.Scale(zero=False)),
        tooltip=["arm_name:N", "epoch:Q", "step:Q", "loss:Q", "loss_min:Q", "loss_max:Q"],
    )
    return alt.layer(band, line).properties(height=300)


def ramp_step_chart(steps: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Every run's smoothed loss against its steps, coloured by arm."""
    per_run = max(1, MAX_POINTS // max(1, steps["run_id"].nunique()))
    data = _named(downsample(steps, per_run, by="run_id"), lang)
    return (
        alt.Chart(data)
        .mark_line(opacity=0.8)
        .encode(
            x=alt.X("step:Q", title=t("ramp.chart.step", lang)),
            y=alt.Y("loss:Q", title=t("ramp.chart.loss", lang), scale=alt.Scale(zero=False)),
            color=_arm_color(lang),
            detail="run_id:N",
            tooltip=["arm_name:N", "run_id:N", "step:Q", "epoch:Q", "batch_size:Q", "loss:Q"],
        )
        .properties(height=300)
    )
