"""What a throughput measurement says against the device's peak (issue 24): the share-of-peak
frame the chart draws, and the reading, every figure in it taken from the rows."""

from __future__ import annotations

import pandas as pd

from core.present.text import sentences, t


def percent(share: float) -> str:
    """A share as a percentage with the digits it needs: "41 %", "3.2 %", "0.079 %"."""
    value = 100 * share
    if value >= 10:
        return f"{value:.0f} %"
    if value >= 1:
        return f"{value:.1f} %"
    return f"{value:.2g} %"


def share_frame(rows: list[dict]) -> pd.DataFrame:
    """Per measured B: the share of peak (median, min, max of the repeats) and the memory roof."""
    good = [r for r in rows if r.get("samples_per_second") and r.get("share") is not None]
    records = []
    for r in good:
        per = r["flops_per_sample"] / r["peak_flops"]  # share per sample/s
        lo = r.get("samples_per_second_min", r["samples_per_second"])
        hi = r.get("samples_per_second_max", r["samples_per_second"])
        records.append(
            {
                "batch_size": r["batch_size"],
                "share": r["share"],
                "share_min": lo * per,
                "share_max": hi * per,
                "ceiling": r["ceiling"],
                "intensity": r["intensity"],
                "gflops": r["samples_per_second"] * r["flops_per_sample"] / 1e9,
            }
        )
    return pd.DataFrame(records)


def _range(row: dict, lang: str) -> str:
    """The median share, with the repeats' range where it differs at the digits shown."""
    lo = row.get("samples_per_second_min", row["samples_per_second"])
    hi = row.get("samples_per_second_max", row["samples_per_second"])
    per = row["flops_per_sample"] / row["peak_flops"]
    low, high = percent(lo * per), percent(hi * per)
    if low == high:
        return percent(row["share"])
    span = f"{low}–{high}"
    return (
        f"{percent(row['share'])}（{span}）"
        if lang == "zh"
        else f"{percent(row['share'])} ({span})"
    )


def _fixed_cost(small: dict, big: dict) -> tuple[float, float] | None:
    """(fraction, seconds) of a step at SMALL's B that does not grow with B: the step time at
    SMALL less SMALL's B samples at BIG's per-sample cost (an upper bound on that cost)."""
    t_small = 1.0 / small["steps_per_second"]
    per_sample = 1.0 / big["samples_per_second"]
    fixed = t_small - small["batch_size"] * per_sample
    if fixed <= 0:
        return None
    return fixed / t_small, fixed


def roofline_reading(rows: list[dict], model: str, lang: str = "en") -> str:
    """Sentences on ROWS (`science.with_roofline`): the small-B fixed cost, the best share, where
    the memory roof binds, and how the figures were had."""
    good = sorted(
        (r for r in rows if r.get("samples_per_second") and r.get("share") is not None),
        key=lambda r: r["batch_size"],
    )
    if not good:
        return ""
    first, best = good[0], max(good, key=lambda r: r["share"])
    parts = []
    fixed = _fixed_cost(first, good[-1]) if len(good) > 1 else None
    if fixed is not None and fixed[0] >= 0.5:
        parts.append(
            t(
                "roofline.fixed",
                lang,
                b=first["batch_size"],
                big=good[-1]["batch_size"],
                fixed=percent(fixed[0]),
                ms=f"{1000 * fixed[1]:.2g}",
                share=_range(first, lang),
            )
        )
    elif best is not first:
        parts.append(t("roofline.small", lang, b=first["batch_size"], share=_range(first, lang)))
    parts.append(
        t(
            "roofline.best",
            lang,
            b=best["batch_size"],
            model=model.upper(),
            share=_range(best, lang),
            achieved=f"{best['samples_per_second'] * best['flops_per_sample'] / 1e9:,.3g}",
            peak=f"{best['peak_flops'] / 1e9:,.0f}",
        )
    )
    ridge = f"{first['ridge']:.3g}"
    if first.get("ridge_batch"):
        parts.append(t("roofline.ridge", lang, ridge_b=f"{first['ridge_batch']:,.0f}", ridge=ridge))
    else:
        most = max(r["intensity"] for r in good)
        parts.append(t("roofline.ridge_never", lang, most=f"{most:.3g}", ridge=ridge))
    above = [r for r in good if r["share"] > r["ceiling"]]
    if above:
        parts.append(t("roofline.above_roof", lang, b=above[0]["batch_size"]))
    return sentences(parts, lang)


def roofline_method(rows: list[dict], lang: str = "en") -> str:
    """How the FLOPs and the peak were had, and what the count left out."""
    good = [r for r in rows if r.get("peak_flops")]
    if not good:
        return ""
    r = good[0]
    parts = [
        t(
            "roofline.method",
            lang,
            flops=f"{r['flops_per_sample']:,.0f}",
            forward=f"{r['forward_flops_per_sample']:,.0f}",
            peak=f"{r['peak_flops'] / 1e9:,.0f}",
            dtype=t(f"roofline.dtype.{r['peak_dtype']}", lang),
            bandwidth=f"{r['peak_bandwidth'] / 1e9:,.1f}",
            ridge=f"{r['ridge']:.3g}",
            device=r["device"],
        )
    ]
    if r.get("unknown_layers"):
        parts.append(t("roofline.unknown", lang, layers=", ".join(r["unknown_layers"])))
    return sentences(parts, lang)
