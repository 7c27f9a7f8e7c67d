"""What a ramp-against-decay experiment (Smith et al. 2018) shows, in one paragraph: whether the
two arms' loss curves match within the spread of the repeats, and how many fewer steps the ramp
took for the same epochs."""

from __future__ import annotations

from core.present.text import sentences, t
from core.study.ramp import RampSummary


def ramp_reading(summary: RampSummary, lang: str = "en") -> str:
    if summary.arms.empty or set(summary.arms["arm"]) != {"decay", "ramp"}:
        return t("ramp.reading.none", lang)
    arms = summary.arms.set_index("arm")
    decay, ramp = arms.loc["decay"], arms.loc["ramp"]
    metric = t(f"target.{summary.metric}", lang)

    def span(row) -> str:
        if row["repeats"] < 2:
            return f"{row['final_loss']:.4f}"
        return t(
            "ramp.reading.span",
            lang,
            mean=f"{row['final_loss']:.4f}",
            low=f"{row['final_loss_min']:.4f}",
            high=f"{row['final_loss_max']:.4f}",
        )

    finals = t(
        "ramp.reading.finals",
        lang,
        metric=metric,
        ramp=span(ramp),
        decay=span(decay),
        repeats=int(min(ramp["repeats"], decay["repeats"])),
    )
    if summary.match is None:
        verdict = t("ramp.reading.no_spread", lang)
    elif summary.match:
        verdict = t("ramp.reading.match", lang)
    else:
        shown = ", ".join(str(e) for e in summary.epochs_apart)
        verdict = t("ramp.reading.apart", lang, epochs=shown)
    saved = decay["steps"] - ramp["steps"]
    steps = t(
        "ramp.reading.steps",
        lang,
        ramp=f"{ramp['steps']:,.0f}",
        decay=f"{decay['steps']:,.0f}",
        fewer=f"{saved:,.0f}",
        ratio=f"{decay['steps'] / max(ramp['steps'], 1):.1f}",
    )
    return sentences([finals, verdict, steps], lang)
