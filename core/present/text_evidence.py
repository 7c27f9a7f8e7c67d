"""Strings of readings that say how much their runs show (issue 25): sweep winners counted
over the repeats that reached the target, the noise scale's windows, and what each noise-scale
and critical-batch figure measured. English and Chinese; merged into `core.present.text`."""

from __future__ import annotations

EN_EVIDENCE: dict[str, str] = {
    "col.samples": "samples",
}

ZH_EVIDENCE: dict[str, str] = {
    "col.samples": "样本数",
}

ZH_ERRORS_EVIDENCE: dict[str, str] = {}
