"""What a measurement says, in words: the Science page's readings, from the numbers shown.

Every reading follows from figures the page draws (median and spread, interval, status), and
says when the numbers cannot decide.
"""

from __future__ import annotations

import math

import pandas as pd

from core.present.text import sentences, t
from core.study import science


def noise_scale_reading(b_simple: float, batch_size: int, lang: str = "en") -> str:
    """The paper's reading of the user's B against the measured noise scale."""
    if not math.isfinite(b_simple) or b_simple <= 0:
        return t("noise.unknown", lang)
    ratio = batch_size / b_simple
    key = "noise.below" if ratio < 0.5 else "noise.above" if ratio > 2 else "noise.close"
    return t(key, lang, b=batch_size, b_noise=f"{b_simple:.0f}")


def interval_text(lo: float, hi: float, lang: str = "en") -> str:
    """A 90 % interval in words: "72–128", "from 72, unbounded above (…)", never "nan"."""
    if lo is None or hi is None or not math.isfinite(lo) or math.isnan(hi):
        return t("interval.none", lang)
    if math.isinf(hi):
        return t("interval.unbounded", lang, lo=lo)
    return t("interval.range", lang, lo=lo, hi=hi)


def noise_scale_lines(noise: dict, lang: str = "en") -> list[tuple[str, str]]:
    """(Streamlit call, text) pairs: the estimate with its spread and what it measured, the
    exact value, the reading."""
    e_lo, e_hi = noise["epoch_range"]
    frozen = noise.get("measured_at", "final weights") == "final weights"
    fields = {
        "b": noise["b_simple"],
        "interval": interval_text(*noise["interval"], lang=lang),
        "steps": noise["steps_measured"],
        "batch": noise["batch_size"],
        "epochs": noise.get("epochs_trained") or len(noise.get("per_epoch") or []),
        "last": noise.get("last_epoch", math.nan),
        "e_lo": e_lo,
        "e_hi": e_hi,
        "g2": noise["gradient_norm_sq"],
        "tr": noise["trace_sigma"],
    }
    key = "science.noise.result" if frozen else "science.noise.result.training"
    lines = [("success", t(key, lang, **fields))]
    exact = noise.get("b_simple_exact")
    read = noise["b_simple"]
    if exact is not None and math.isfinite(exact) and exact > 0:
        n = noise["train_samples"]
        key = "science.noise.exact" if frozen else "science.noise.exact.training"
        lines.append(("markdown", t(key, lang, exact=exact, b=noise["b_simple"], n=n)))
        read = exact
    else:
        lines.append(("caption", t("science.noise.no_exact", lang, cap=science.EXACT_MAX_SAMPLES)))
    lines.append(("info", noise_scale_reading(read, noise["batch_size"], lang)))
    return lines


def noise_scale_read(noise: dict) -> float:
    """The B_simple the Science page reads by: the exact value where there is one."""
    exact = noise.get("b_simple_exact")
    if exact is not None and math.isfinite(exact) and exact > 0:
        return float(exact)
    return float(noise["b_simple"])


def noise_vs_critical_line(noise: dict, fit: science.CriticalBatchFit, lang: str = "en") -> str:
    """One line on why the noise scale above and the fitted B_crit differ: what each measured."""
    epochs = noise.get("epochs_trained") or len(noise.get("per_epoch") or [])
    return t(
        "science.crit.vs_noise",
        lang,
        b=noise_scale_read(noise),
        batch=noise["batch_size"],
        epochs=epochs,
        c=fit.b_crit,
    )


def critical_batch_line(fit: science.CriticalBatchFit, lang: str = "en") -> str:
    lo, hi = fit.interval
    if fit.status == "fit":
        return t(
            "science.crit.result",
            lang,
            s_min=fit.s_min,
            e_min=fit.e_min,
            b_crit=fit.b_crit,
            lo=f"{lo:,.0f}" if lo is not None else "?",
            hi=f"{hi:,.0f}" if hi is not None else "∞",
            points=fit.points,
        )
    if fit.status == "above_range":
        return t("science.crit.above", lang, b=fit.b_range[1], lo=lo)
    if fit.status == "below_range":
        return t("science.crit.below", lang, b=fit.b_range[0])
    return t("science.crit.refused", lang, rms=fit.rms_log_error)


def target_method_line(runs: pd.DataFrame, lang: str = "en") -> str:
    """How steps-to-target were found: between evaluations, at epoch ends, or every step."""
    if runs.empty or "target_found_by" not in runs or runs["target_found_by"].isna().all():
        return t("science.crit.method.none", lang)
    method = runs["target_found_by"].dropna().mode().iloc[0]
    key = {
        "interpolated between evaluations": "science.crit.method.interpolated",
        "epoch ends": "science.crit.method.epochs",
    }.get(method, "science.crit.method.steps")
    return t(key, lang, evals=int(runs["evaluations"].median()))


def throughput_reading(rows: list[dict], lang: str = "en") -> str:
    """The smallest B reaching 90 % of the best median samples/s, or that it is still rising."""
    knee = science.saturation(rows)
    if knee is None:
        return t("science.throughput.none", lang)
    repeats = min(len(r.get("timings", [])) for r in rows if r.get("samples_per_second"))
    key = "science.throughput.rising" if knee["rising"] else "science.throughput.saturates"
    return t(
        key,
        lang,
        b=knee["batch_size"],
        best_b=knee["best_batch_size"],
        best=knee["best"],
        share=science.SATURATION_SHARE,
        repeats=repeats,
    )


def time_to_target_table(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The predicted time-to-target table with readable numbers and headers."""
    shown = table.assign(
        predicted_steps=table["predicted_steps"].round(0).astype(int),
        predicted_samples=table["predicted_samples"].round(0).astype(int),
        samples_per_second=table["samples_per_second"].round(0).astype(int),
        predicted_seconds=table["predicted_seconds"].round(2),
    )
    return shown.rename(columns=lambda c: t(f"science.col.{c}", lang))


def sweep_reading(by_b: pd.DataFrame, target_metric: str, target: float | None, lang="en") -> str:
    """Which batch size wins on wall time, steps and epochs, only where the repeats decide.

    Only repeats that reached the target count: a size is a winner only when every one of its
    repeats reached it and its whole range beats every other size's reaching repeats; sizes
    that reached it in some repeats only are named with how many. Ranges that overlap are
    "too close to call", and wall time from one run each is never called.
    """
    if by_b.empty:
        return t("reading.none", lang)
    name = t(f"target.{target_metric}", lang)
    if target is None or by_b["steps_to_target"].isna().all():
        best = by_b.sort_values("final_train_loss").iloc[0]
        text = t(
            "reading.lowest",
            lang,
            b=int(best["batch_size"]),
            loss=f"{best['final_train_loss']:.4g}",
        )
        if target is not None:
            unreached = t("reading.unreached", lang, metric=name, target=f"{target:g}")
            text = sentences([text, unreached], lang)
        return text
    reached = by_b.dropna(subset=["steps_to_target"])
    common = {"metric": name, "target": f"{target:g}"}
    counts = _reach_counts(reached)
    full = reached[counts["reached"] >= counts["repeats"]]
    partial = counts[counts["reached"] < counts["repeats"]]
    if full.empty:
        parts = [t("reading.no_full", lang, **common)]
    else:
        parts = [
            _verdict(full, reached, "seconds_to_target", "time", "{:.2f}", lang, common, True),
            _verdict(full, reached, "steps_to_target", "steps", "{:,.0f}", lang, common),
            _verdict(full, reached, "epochs_to_target", "epochs", "{:.2g}", lang, common),
        ]
    if len(partial):
        detail = t("reading.partial.sep", lang).join(
            t("reading.partial.one", lang, b=int(b), k=int(k), n=int(n))
            for b, k, n in zip(
                partial["batch_size"], partial["reached"], partial["repeats"], strict=True
            )
        )
        parts.append(t("reading.partial", lang, detail=detail, **common))
    return sentences(parts, lang)


# One run each, wall times within this share of each other: no measurable difference (timer
# noise on a shared machine is a few percent of a short run).
SAME_TIME = 0.05


def distinct_seconds(a: float, b: float) -> tuple[str, str]:
    """A and B (seconds) with as few significant figures (2 to 4) as tell them apart."""
    for digits in (2, 3, 4):
        left, right = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if left != right:
            break
    return left, right


def _reach_counts(reached: pd.DataFrame) -> pd.DataFrame:
    """Per size: its repeats, and how many reached the target (a summary without the counts,
    as an older sweep's, counts one run that reached it)."""
    repeats = reached["repeats"] if "repeats" in reached else pd.Series(1, index=reached.index)
    count = reached.get("reached", repeats)
    return pd.DataFrame({"batch_size": reached["batch_size"], "reached": count, "repeats": repeats})


def _verdict(full, reached, col, what, fmt, lang, common, wall_time=False) -> str:
    """FULL: the sizes every repeat of which reached the target (the only possible winners);
    REACHED: every size with at least one repeat there (each one a rival)."""
    best = full.sort_values(col).iloc[0]
    fields = {**common, "b": int(best["batch_size"]), "v": fmt.format(best[col])}
    rivals = reached[reached["batch_size"] != best["batch_size"]]
    lo, hi = f"{col}_min", f"{col}_max"
    if rivals.empty:
        return t(f"reading.{what}.only", lang, **fields)
    # the rival most likely to beat it: the lowest of any of its reaching repeats
    second = rivals.sort_values(lo if lo in rivals else col).iloc[0]
    fields |= {"b2": int(second["batch_size"]), "v2": fmt.format(second[col])}
    if wall_time:  # "0.02 s against 0.02 s" said nothing: as many figures as tell them apart
        fields["v"], fields["v2"] = distinct_seconds(best[col], second[col])
    repeats = int(_reach_counts(full.loc[[best.name]])["reached"].iloc[0])
    if repeats < 2 and wall_time and second[col] - best[col] <= SAME_TIME * second[col]:
        return t("reading.time.same", lang, **fields)
    if repeats < 2:
        key = "single" if wall_time else "win1"
        return t(f"reading.{what}.{key}", lang, **fields)
    if lo in full and best[hi] < second[lo]:
        return t(f"reading.{what}.win", lang, **fields, repeats=repeats)
    return t(f"reading.{what}.close", lang, **fields, repeats=repeats)
