"""The share-of-peak chart (issue 24): data in, Altair out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.present.charts import LOG_CHART_PADDING
from core.present.text import t


def share_of_peak_chart(
    frame: pd.DataFrame, ridge_batch: float | None, lang: str = "en"
) -> alt.Chart:
    """Measured share of the matmul peak per B (log–log, the repeats' range as bars), the
    memory roof (the most of the peak a step's arithmetic intensity allows), and the ridge: the
    B below which a step is memory-bound."""
    measured, roof = t("roofline.chart.measured", lang), t("roofline.chart.roof", lang)
    long = pd.concat(
        [
            frame.assign(series=measured, value=frame["share"]),
            frame.assign(series=roof, value=frame["ceiling"]),
        ]
    )
    x = alt.X(
        "batch_size:Q", title=t("chart.batch_size", lang), scale=alt.Scale(type="log", base=2)
    )
    y_scale = alt.Scale(type="log")
    color = alt.Color(
        "series:N",
        title=t("roofline.chart.series", lang),
        scale=alt.Scale(domain=[measured, roof], range=["#1f77b4", "#d62728"]),
        legend=alt.Legend(orient="bottom", labelLimit=400),
    )
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y(
                "value:Q",
                title=t("roofline.chart.share", lang),
                scale=y_scale,
                axis=alt.Axis(format="%"),
            ),
            color=color,
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=[measured, roof], range=[[1, 0], [6, 4]]),
                legend=None,
            ),
            tooltip=[
                "batch_size:Q",
                alt.Tooltip("share:Q", format=".3%"),
                alt.Tooltip("ceiling:Q", format=".1%"),
                alt.Tooltip("gflops:Q", format=",.2f"),
                alt.Tooltip("intensity:Q", format=".2f"),
            ],
        )
    )
    spread = (
        alt.Chart(frame)
        .mark_rule(color="#1f77b4")
        .encode(x="batch_size:Q", y=alt.Y("share_min:Q", scale=y_scale), y2="share_max:Q")
    )
    layers = [spread, lines]
    if ridge_batch:
        label = t("roofline.chart.ridge", lang, b=f"{ridge_batch:,.0f}")
        rule = pd.DataFrame({"batch_size": [ridge_batch], "label": [label]})
        layers.append(
            alt.Chart(rule).mark_rule(color="gray", strokeDash=[2, 2]).encode(x="batch_size:Q")
        )
        layers.append(
            alt.Chart(rule)
            # left of the rule, inside the plot: the ridge often sits near the largest B
            .mark_text(align="right", dx=-4, color="gray", baseline="top")
            .encode(x="batch_size:Q", y=alt.value(4), text="label:N")
        )
    return alt.layer(*layers).properties(padding=LOG_CHART_PADDING)
