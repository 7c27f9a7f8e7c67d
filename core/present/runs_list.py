"""The Runs page's list at scale: a run's name, a group's title, and runs split into groups.

A run's name is the one given to it (`RunStore.rename_run`), else one made from its setting. A
group is the Compare sweep or Advise session its runs came from (`RunStore.groups`); the page
shows each collapsed, one line, so 57 Advise runs do not bury the others. The CLI's `runs`
prints the same lines.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.present.text import t
from core.schedule.plan import setting_label
from core.study.sweep import run_accumulation


def run_name(run: dict) -> str:
    """RUN's given name, else "digits mlp B=32 E=5 lr=0.001"."""
    if run.get("name"):
        return str(run["name"])
    setting = setting_label(run["batch_size"], run_accumulation(run))
    return f"{run['dataset']} {run['model']} {setting} E={run['epochs']} lr={run['lr']:g}"


def group_title(group: dict, lang: str = "en", count: bool = True) -> str:
    """ "Advise session · digits mlp · 57 runs · 2026-12-04 17:40 · sw-1a2b3c4d5e": what, which,
    how many, when, and the id `--group` takes. COUNT = False leaves the count out: a picker's
    label must not change while a sweep adds runs, or the picker loses its value."""
    fields = {
        "kind": t(f"runs.group.kind.{group['kind']}", lang),
        "name": group.get("name") or f"{group['dataset']} {group['model']}",
        "runs": f"{group['runs']:,}",
        "when": time.strftime("%Y-%m-%d %H:%M", time.localtime(group["created"])),
        "group_id": group["group_id"],
    }
    return t("runs.group.title" if count else "runs.group.label", lang, **fields)


@dataclass(frozen=True)
class Grouped:
    """Runs as the page lists them: those in no group, then each group with its runs."""

    single: list[dict]
    groups: list[tuple[dict, list[dict]]]  # (group, its runs), newest group first


def grouped(runs: list[dict], groups: list[dict]) -> Grouped:
    """RUNS (already filtered) split by group; a group none of RUNS is in is left out."""
    by_group: dict[str, list[dict]] = {}
    single = []
    for run in runs:
        if run.get("sweep_id"):
            by_group.setdefault(run["sweep_id"], []).append(run)
        else:
            single.append(run)
    listed = [(g, by_group[g["group_id"]]) for g in groups if g["group_id"] in by_group]
    return Grouped(single, listed)
