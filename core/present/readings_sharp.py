"""What a sweep's sharpness measurements say, and what they do not (issue 23).

The reading compares the smallest and the largest batch size measured: λ_max and the gap with
the repeats' ranges. It says "too close to call" when the ranges of λ_max overlap, names the
reparametrization caveat (Dinh et al. 2017) every time, and says when the learning rate was
not retuned for each batch size (the gap can close with retuning and longer training).
"""

from __future__ import annotations

import pandas as pd

from core.present.text import sentences, t

LR_TUNING = ("fixed", "scaled", "tuned")
# Final training losses further apart than this factor: the runs are not at comparable minima.
UNEQUAL_FIT = 2.0


def lr_tuning(runs: list[dict]) -> str:
    """How a sweep's learning rates were chosen, from its stored runs: `fixed` (one lr for
    every run), `scaled` (one lr per batch size, by a rule such as linear scaling) or `tuned`
    (several lrs tried at one batch size, as Advise does)."""
    per_setting: dict[tuple, set] = {}
    for run in runs:
        k = int((run.get("config") or {}).get("accumulation") or 1)
        per_setting.setdefault((run["batch_size"], k), set()).add(run["lr"])
    if any(len(lrs) > 1 for lrs in per_setting.values()):
        return "tuned"
    if len({lr for lrs in per_setting.values() for lr in lrs}) > 1:
        return "scaled"
    return "fixed"


def _per_size(by_b: pd.DataFrame) -> pd.DataFrame:
    """One row per batch size (several learning rates at one size: their mean and full range)."""
    g = by_b.groupby("batch_size", sort=True)
    out = g[["lambda_max", "generalization_gap", "train_loss"]].mean()
    out["lambda_max_min"] = g["lambda_max_min"].min()
    out["lambda_max_max"] = g["lambda_max_max"].max()
    out["gap_min"] = g["generalization_gap_min"].min()
    out["gap_max"] = g["generalization_gap_max"].max()
    return out.reset_index()


def _fmt(value: float) -> str:
    return "?" if pd.isna(value) else f"{value:.3g}"


def _range(lo: float, hi: float) -> str:
    return f"{_fmt(lo)}–{_fmt(hi)}"


def sharpness_reading(
    by_b: pd.DataFrame, tuning: str, lang: str = "en", lr: float | None = None
) -> str:
    """The sweep's sharpness in words (BY_B: `core.study.sharpness.sharpness_table`'s second
    frame; TUNING: `lr_tuning`'s answer; LR: the one learning rate of a `fixed` sweep)."""
    parts = []
    sizes = _per_size(by_b) if not by_b.empty else by_b
    if len(sizes) < 2:
        parts.append(t("sharp.read.one", lang))
    else:
        small, large = sizes.iloc[0], sizes.iloc[-1]
        parts.append(
            t(
                "sharp.read.trend",
                lang,
                b=int(small["batch_size"]),
                b2=int(large["batch_size"]),
                l=_fmt(small["lambda_max"]),
                l2=_fmt(large["lambda_max"]),
                l_range=_range(small["lambda_max_min"], small["lambda_max_max"]),
                l2_range=_range(large["lambda_max_min"], large["lambda_max_max"]),
                g=_fmt(small["generalization_gap"]),
                g2=_fmt(large["generalization_gap"]),
            )
        )
        sharper = large["lambda_max_min"] > small["lambda_max_max"]
        flatter = large["lambda_max_max"] < small["lambda_max_min"]
        wider_gap = large["gap_min"] > small["gap_max"]
        if sharper and wider_gap:
            parts.append(t("sharp.read.keskar", lang))
        elif sharper:
            parts.append(t("sharp.read.sharper_only", lang))
        elif flatter:
            parts.append(t("sharp.read.flatter", lang))
        else:
            parts.append(t("sharp.read.close", lang))
        losses = sorted((small["train_loss"], large["train_loss"]))
        if losses[0] > 0 and losses[1] > UNEQUAL_FIT * losses[0]:
            parts.append(
                t(
                    "sharp.read.unequal_fit",
                    lang,
                    b=int(small["batch_size"]),
                    b2=int(large["batch_size"]),
                    loss=_fmt(small["train_loss"]),
                    loss2=_fmt(large["train_loss"]),
                )
            )
    parts.append(t("sharp.read.not_cause", lang))
    if tuning == "fixed":
        parts.append(t("sharp.read.fixed_lr", lang, lr="?" if lr is None else f"{lr:g}"))
    elif tuning == "scaled":
        parts.append(t("sharp.read.scaled_lr", lang))
    else:
        parts.append(t("sharp.read.tuned_lr", lang))
    return sentences(parts, lang)
