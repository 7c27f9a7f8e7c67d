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
}

ZH_ERRORS_EVIDENCE: dict[str, str] = {}
