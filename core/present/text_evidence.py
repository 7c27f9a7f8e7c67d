"""Strings of readings that say how much their runs show (issue 25): sweep winners counted
over the repeats that reached the target, the noise scale's windows, and what each noise-scale
and critical-batch figure measured. English and Chinese; merged into `core.present.text`."""

from __future__ import annotations

EN_EVIDENCE: dict[str, str] = {
    "col.samples": "samples",
    "reading.no_full": (
        "No batch size reached {metric} {target} in every repeat: none is called the winner."
    ),
    "reading.partial": (
        "Reached {metric} {target} in only some repeats: {detail}; only the repeats that "
        "reached it are counted, and such a size is not called a winner."
    ),
    "reading.partial.one": "B={b} in {k} of {n}",
    "reading.partial.sep": ", ",
    "science.noise.result.training": (
        "B_simple ≈ {b:.0f} over the last {steps} steps while training (B = {batch}, "
        "{epochs} epochs; 90% interval {interval} from those steps, not counting how the "
        "weights moved under them). Per-epoch values ranged {e_lo:.0f}–{e_hi:.0f}. |G|² = "
        "{g2:.3g}, tr(Σ) = {tr:.3g}."
    ),
    "science.noise.exact.training": (
        "**Estimate vs exact**: from all {n:,} per-example gradients at the final weights, "
        "B_simple = **{exact:.0f}** (estimate {b:.0f}, taken while training: it lags when "
        "B_simple still grows as the loss falls). The reading below uses the exact value."
    ),
    "interval.range": "{lo:,.0f}–{hi:,.0f}",
    "interval.unbounded": (
        "from {lo:,.0f}, unbounded above (|G|² cannot be told from 0 in these batches)"
    ),
    "interval.none": "none (too few steps measured)",
}

ZH_EVIDENCE: dict[str, str] = {
    "col.samples": "样本数",
    "reading.no_full": "没有任何批大小在每次重复中都达到 {metric} {target}：不判定胜者。",
    "reading.partial": (
        "只在部分重复中达到 {metric} {target}：{detail}；只计入达到目标的重复，"
        "这样的批大小不判定为胜者。"
    ),
    "reading.partial.one": "B={b} 为 {n} 次中的 {k} 次",
    "reading.partial.sep": "，",
    "science.noise.result.training": (
        "训练过程中最后 {steps} 步的 B_simple ≈ {b:.0f}（B = {batch}，{epochs} 个轮次；"
        "90% 区间 {interval} 只来自这些步，未计入其间权重的变化）。各轮次的值在 "
        "{e_lo:.0f}–{e_hi:.0f} 之间。|G|² = {g2:.3g}，tr(Σ) = {tr:.3g}。"
    ),
    "science.noise.exact.training": (
        "**估计值与精确值**：用最终权重下全部 {n:,} 个逐样本梯度算出 B_simple = **{exact:.0f}**"
        "（估计值 {b:.0f} 是训练过程中测的：B_simple 随损失下降仍在增长时会滞后）。"
        "下面的结论用的是精确值。"
    ),
    "interval.range": "{lo:,.0f}–{hi:,.0f}",
    "interval.unbounded": "从 {lo:,.0f} 起，上方无界（在这些批次中无法把 |G|² 与 0 区分开）",
    "interval.none": "无（测量的步数太少）",
}

ZH_ERRORS_EVIDENCE: dict[str, str] = {}
