"""The Advise page's charts: steps to target against B with Shallue et al.'s three regimes,
predicted time to target with its range, and the device's throughput. Data in, Altair out."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from core.present.charts import LOG_CHART_PADDING
from core.present.text import t
from core.run.advise import Advice
from core.study import science

REGIME_COLORS = {"perfect": "#d8ecd8", "diminishing": "#fbeccb", "none": "#f6d5d5"}


def trials_data(advice: Advice, lang: str = "en") -> pd.DataFrame:
    """Every (batch size, lr) that reached the target; `kind` says whether it was the best."""
    rows = []
    for r in advice.rows:
        for trial in r.trials:
            if trial.steps_to_target is None:
                continue
            best = trial.lr == r.best_lr
            rows.append(
                {
                    "batch_size": r.batch_size,
                    "lr": trial.lr,
                    "steps": trial.steps_to_target,
                    "kind": t("advise.chart.best" if best else "advise.chart.tried", lang),
                }
            )
        if r.repeat is not None and r.repeat.steps_to_target is not None:
            rows.append(
                {
                    "batch_size": r.batch_size,
                    "lr": r.repeat.lr,
                    "steps": r.repeat.steps_to_target,
                    "kind": t("advise.chart.repeat", lang),
                }
            )
    return pd.DataFrame(rows, columns=["batch_size", "lr", "steps", "kind"])


def regime_bands(advice: Advice, lang: str = "en") -> pd.DataFrame:
    """The x ranges of the regimes over the sizes tried (B_crit / 4 and 4 B_crit), if fitted."""
    fit = advice.fit
    sizes = [r.batch_size for r in advice.rows]
    if fit is None or fit.status != "fit" or not sizes:
        return pd.DataFrame(columns=["start", "stop", "regime"])
    lo, hi = min(sizes) / 1.5, max(sizes) * 1.5
    edges = [lo, min(max(fit.b_crit / 4, lo), hi), min(max(4 * fit.b_crit, lo), hi), hi]
    names = ("perfect", "diminishing", "none")
    rows = [
        {"start": a, "stop": b, "regime": t(f"advise.regime.{n}", lang), "key": n}
        for a, b, n in zip(edges[:-1], edges[1:], names, strict=True)
        if b > a
    ]
    return pd.DataFrame(rows)


def steps_chart(advice: Advice, lang: str = "en") -> alt.Chart:
    """Steps to target per (B, lr), the best per size and its repeat with another seed, the
    fitted S = S_min (1 + B_crit / B), the regimes shaded, B_crit and B_simple as rules."""
    x = _batch_size_x(lang, advice)
    y = alt.Y(
        "steps:Q",
        title=t("advise.chart.axis.steps", lang),
        scale=alt.Scale(type="log"),
        axis=_LOG_AXIS,
    )
    bands = regime_bands(advice, lang)
    keys = list(bands["key"]) if len(bands) else []
    # best drawn bigger
    kinds = [t(f"advise.chart.{k}", lang) for k in ("best", "repeat", "tried")]
    layers = [
        alt.Chart(bands)
        .mark_rect(opacity=0.6)
        .encode(
            x=alt.X("start:Q", scale=alt.Scale(type="log", base=2)),
            x2="stop:Q",
            color=alt.Color(
                "regime:N",
                scale=alt.Scale(
                    domain=list(bands["regime"]) if len(bands) else [],
                    range=[REGIME_COLORS[k] for k in keys],
                ),
                title=t("advise.col.regime", lang),
            ),
        ),
        alt.Chart(trials_data(advice, lang))
        .mark_point(filled=True)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape("kind:N", title=None, scale=alt.Scale(domain=kinds)),
            size=alt.Size(
                "kind:N", legend=None, scale=alt.Scale(domain=kinds, range=[120, 80, 40])
            ),
            tooltip=["batch_size:Q", alt.Tooltip("lr:Q", format=".3g"), "steps:Q"],
        ),
    ]
    fit = advice.fit
    if fit is not None and fit.status == "fit":
        sizes = [r.batch_size for r in advice.rows]
        curve = science.hyperbola(fit, min(sizes) / 1.5, max(sizes) * 1.5)
        layers.append(alt.Chart(curve).mark_line(color="#555", strokeDash=[4, 4]).encode(x=x, y=y))
    layers.append(_rules(advice, lang))
    return alt.layer(*layers).properties(height=320, padding=LOG_CHART_PADDING)


def _rules(advice: Advice, lang: str) -> alt.Chart:
    marks = []
    if advice.fit is not None and advice.fit.status == "fit":
        marks.append({"batch_size": advice.fit.b_crit, "what": t("advise.chart.b_crit", lang)})
    if advice.b_simple is not None and math.isfinite(advice.b_simple):
        marks.append({"batch_size": advice.b_simple, "what": t("advise.chart.b_simple", lang)})
    return (
        alt.Chart(pd.DataFrame(marks, columns=["batch_size", "what"]))
        .mark_rule(strokeWidth=2)
        .encode(
            x=alt.X("batch_size:Q", scale=alt.Scale(type="log", base=2)),
            strokeDash=alt.StrokeDash("what:N", title=None),
            tooltip=["what:N", alt.Tooltip("batch_size:Q", format=",.0f")],
        )
    )


def time_data(advice: Advice, lang: str = "en") -> pd.DataFrame:
    rows = [
        {
            "batch_size": r.batch_size,
            "seconds": r.seconds_to_target,
            "low": r.seconds_low,
            "high": r.seconds_high,
            "recommended": t("advise.chart.recommended", lang)
            if r.batch_size == advice.recommended_batch_size
            else "",
        }
        for r in advice.rows
        if r.seconds_to_target is not None
    ]
    return pd.DataFrame(rows, columns=["batch_size", "seconds", "low", "high", "recommended"])


# A log axis over a short range labels every 1–9 × 10^k: let labels that would overlap go.
_LOG_AXIS = alt.Axis(labelOverlap="greedy", format="~s")


def _batch_size_x(lang: str, advice: Advice | None = None, sizes=None) -> alt.X:
    """Batch sizes on a log2 axis, ticks at the sizes tried (powers of two by default)."""
    if advice is not None:
        sizes = sorted({r.batch_size for r in advice.rows})
    return alt.X(
        "batch_size:Q",
        title=t("chart.batch_size", lang),
        scale=alt.Scale(type="log", base=2),
        axis=alt.Axis(values=sizes, labelOverlap="greedy") if sizes else alt.Axis(),
    )


def _range_and_median(data: pd.DataFrame, x: alt.X, y: alt.Y, tooltip: list) -> alt.LayerChart:
    """A log-scale range (`low`..`high`) as a rule per size, under the median's line."""
    return alt.Chart(data).mark_rule().encode(
        x=x, y=alt.Y("low:Q", scale=alt.Scale(type="log")), y2="high:Q"
    ) + alt.Chart(data).mark_line(point=True).encode(x=x, y=y, tooltip=tooltip)


def time_chart(advice: Advice, lang: str = "en") -> alt.Chart:
    """Predicted seconds to target per size with its range; the recommended size marked."""
    data = time_data(advice, lang)
    x = _batch_size_x(lang, advice)
    y = alt.Y(
        "seconds:Q",
        title=t("advise.chart.axis.seconds", lang),
        scale=alt.Scale(type="log"),
        axis=alt.Axis(labelOverlap="greedy", format="~g"),
    )
    return (
        _range_and_median(data, x, y, ["batch_size:Q", alt.Tooltip("seconds:Q", format=".3g")])
        + alt.Chart(data[data["recommended"] != ""])
        .mark_point(size=300, shape="diamond", color="#d62728", filled=True)
        .encode(x=x, y=y, tooltip=["recommended:N", "batch_size:Q"])
    ).properties(height=280, padding=LOG_CHART_PADDING)


def throughput_chart(advice: Advice, lang: str = "en") -> alt.Chart:
    """Median samples/s of the sizes that fit (log–log), the range of the repeated timings as
    bars, the knee marked. (Its own chart: `charts.device_throughput_chart` puts padding on a
    layer, which Altair refuses.)"""
    rows = pd.DataFrame(
        [
            {
                "batch_size": r.batch_size,
                "samples_per_second": r.samples_per_second,
                "low": r.low,
                "high": r.high,
                "steps_per_second": r.steps_per_second,
            }
            for r in advice.feasibility.rates
        ]
    )
    x = _batch_size_x(lang, sizes=sorted(r.batch_size for r in advice.feasibility.rates))
    y = alt.Y(
        "samples_per_second:Q",
        title=t("chart.samples_per_second", lang),
        scale=alt.Scale(type="log"),
        axis=_LOG_AXIS,
    )
    knee = advice.knee.batch_size if advice.knee else None
    marks = pd.DataFrame({"batch_size": [knee] if knee else []})
    return (
        _range_and_median(
            rows, x, y, ["batch_size:Q", "samples_per_second:Q", "steps_per_second:Q"]
        )
        + alt.Chart(marks).mark_rule(strokeDash=[2, 2], color="#888").encode(x=x)
    ).properties(height=260, padding=LOG_CHART_PADDING)
