"""The advice in words and tables: its reasons, the recommendation line, progress, the table.

Everything here follows from the `Advice` that `core.run.advise` returns; the texts live in
`core.present.text_advise` (English and Chinese).
"""

from __future__ import annotations

import pandas as pd

from core.present.text import t
from core.run.advise import Advice, Progress


def reason_lines(advice: Advice, lang: str = "en") -> list[str]:
    """Every reason of the advice as a sentence in `lang`."""
    lines = []
    for reason in advice.reasons:
        fields = dict(reason.fields)
        if "metric" in fields:  # val_loss → "validation loss", in `lang`
            fields["metric"] = t(f"target.{fields['metric']}", lang)
        lines.append(t(reason.key, lang, **fields))
    return lines


def result_line(advice: Advice, lang: str = "en") -> str | None:
    """The recommendation in one line (None when no size reached the target), and the sizes too
    close to call with it when another seed's measurement could advise another."""
    line = _result(advice, lang)
    span = advice.time.pick_range
    if line is None or span is None or span[0] == span[1]:
        return line
    return f"{line} {t('advise.result_close', lang, lo=span[0], hi=span[1])}"


def _result(advice: Advice, lang: str) -> str | None:
    row = advice.row(advice.recommended_batch_size)
    if row is None:
        return None
    fields = {
        "b": row.batch_size,
        "lr": row.best_lr,
        "metric": t(f"target.{advice.spec.target_metric}", lang),
        "target": advice.pilot.target,
        "seconds": row.seconds_to_target,
    }
    fastest = advice.row(advice.time.best)
    ties = advice.time.ties
    if len(ties) > 1:
        fields["sizes"] = ", ".join(str(b) for b in ties)
    if advice.time.by_steps_only and fastest is not None:
        return t(
            "advise.result_steps",
            lang,
            **fields,
            best=fastest.batch_size,
            best_seconds=fastest.seconds_to_target,
        )
    if fastest is None or fastest.batch_size == row.batch_size:
        key = "advise.result_range" if len(ties) > 1 else "advise.result"
        return t(key, lang, **fields)
    # The advised size is not the quickest point estimate (a tie, decided on steps), so the
    # line must not say "the least time" above a table whose quickest is another size.
    return t(
        "advise.result_tie",
        lang,
        **fields,
        best=fastest.batch_size,
        best_seconds=fastest.seconds_to_target,
    )


def progress_line(progress: Progress | None, lang: str = "en") -> str:
    if progress is None:
        return t("advise.progress.start", lang)
    return t(
        f"advise.progress.{progress.phase}",
        lang,
        done=progress.done,
        total=progress.total,
        eta=progress.eta,
        b=progress.batch_size,
        lr=progress.lr or 0.0,
    )


def _note(row, lang: str) -> str:
    if row.skipped:
        return t(f"advise.note.{row.skipped}", lang)
    return t("advise.note.unreached", lang) if row.steps_to_target is None else ""


def advice_table(advice: Advice, lang: str = "en") -> pd.DataFrame:
    """One row per batch size, numbers rounded for reading, headers in `lang`."""
    rows = []
    for r in advice.rows:
        rng = f"{r.seconds_low:.3g}–{r.seconds_high:.3g}" if r.seconds_low is not None else ""
        rows.append(
            {
                "batch_size": r.batch_size,
                "samples_per_second": round(r.samples_per_second or 0),
                "lrs_tried": ", ".join(f"{lr:.3g}" for lr in sorted(r.lrs_tried)),
                "best_lr": f"{r.best_lr:.3g}" if r.best_lr else "",
                "steps_to_target": _round(r.steps_to_target, 1),
                "samples_to_target": _round(r.samples_to_target, 0),
                "seconds_to_target": _round(r.seconds_to_target, 4),
                "seconds_range": rng,
                "regime": t(f"advise.regime.{r.regime}", lang) if r.regime else "",
                "note": _note(r, lang),
            }
        )
    frame = pd.DataFrame(rows)
    return frame.rename(columns=lambda c: t(f"advise.col.{c}", lang))


_SHOWN = {
    "steps_to_target": "{:,.1f}",
    "samples_to_target": "{:,.0f}",
    "seconds_to_target": "{:.3g}",
}


def advice_table_shown(advice: Advice, lang: str = "en"):
    """`advice_table` as the page shows it: numbers stay numbers (they sort as numbers), a size
    that never reached the target shows "—" instead of None."""
    frame = advice_table(advice, lang)
    shown = {t(f"advise.col.{c}", lang): f for c, f in _SHOWN.items()}
    return frame.style.format(shown, na_rep="—")


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
