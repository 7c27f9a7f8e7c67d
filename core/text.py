"""Every UI string, in one place, so a second language is one more table.

`t("key", **fields)` returns the English text with `str.format` fields filled in.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # app / navigation
    "app.title": "Batch Lab",
    "app.tagline": "See, and measure, what batch size, epochs and dataset size do to training.",
    "nav.schedule": "Schedule",
    "nav.train": "Train",
    "nav.runs": "Runs",
    "nav.compare": "Compare",
    "nav.science": "Science",
    "sidebar.about": (
        "An **epoch** is one pass over the training samples; an **iteration** (step) is one "
        "optimizer update on one batch."
    ),
    # schedule page
    "schedule.title": "Schedule: how N, batch size and epochs become iterations",
    "schedule.preset": "Worked example",
    "schedule.preset.custom": "Custom",
    "schedule.preset.tutorial": "1000 samples, batch 100, 10 epochs",
    "schedule.preset.linear": "y = 2x: 10 points, batch 3",
    "schedule.preset.mnist": "MNIST: 60000, batch 64, 5 epochs",
    "schedule.preset.full": "Full batch (1000 samples)",
    "schedule.preset.sgd": "SGD (batch 1, 100 samples)",
    "schedule.n": "Dataset size N (samples)",
    "schedule.batch_size": "Batch size B",
    "schedule.batch_size_log": "Batch size (log₂ slider)",
    "schedule.epochs": "Epochs E",
    "schedule.shuffle": "Shuffle",
    "schedule.shuffle.none": "none: the same order every epoch",
    "schedule.shuffle.epoch": "epoch: a fresh permutation every epoch (Keras shuffle=True)",
    "schedule.shuffle.batch": "batch: fixed batches, shuffled inside (Keras shuffle='batch')",
    "schedule.drop_remainder": "drop_remainder (tf.data) / drop_last (PyTorch)",
    "schedule.validation_split": "Validation split",
    "schedule.seed": "Seed",
    "metric.steps_per_epoch": "Iterations per epoch",
    "metric.total_steps": "Total iterations",
    "metric.last_batch": "Last batch size",
    "metric.dropped": "Dropped per epoch",
    "metric.train": "Training samples",
    "metric.validation": "Validation samples",
    "metric.samples_seen": "Samples seen in total",
    "schedule.formula.ceil": (
        "iterations per epoch = ⌈{train} / {batch_size}⌉ = **{steps}**; "
        "total = {steps} × {epochs} epochs = **{total}** iterations"
    ),
    "schedule.formula.floor": (
        "iterations per epoch = ⌊{train} / {batch_size}⌋ = **{steps}** (drop_remainder drops "
        "{dropped} samples each epoch); total = {steps} × {epochs} epochs = **{total}** iterations"
    ),
    "schedule.formula.split": (
        "training samples = ⌊{n} × (1 − {split})⌋ = {train}; the last {val} samples are "
        "validation, taken before shuffling"
    ),
    "schedule.partial_note": (
        "The last batch of every epoch holds {partial} samples instead of {batch_size}."
    ),
    "schedule.bigger_than_train": (
        "B = {batch_size} is larger than the {train} training samples: each epoch is one "
        "partial batch of {train}."
    ),
    "schedule.timeline": "Timeline: iterations across epochs",
    "schedule.membership": "Which sample lands in which batch",
    "schedule.membership.epoch": "Epoch to show (0-based)",
    "schedule.membership.aggregated": (
        "N is too large to draw one cell per sample; showing each batch's range of positions in "
        "the epoch order instead."
    ),
    "schedule.table": "Batches of the first epochs",
    "schedule.code": "The same setup in code",
    "schedule.misconceptions": "Common misconceptions",
    "schedule.misconceptions.body": (
        "- Keras's default `batch_size` is **32** (`fit(batch_size=None)` means 32), not 200.\n"
        "- `model.compile()` takes **no** batch size: it is set in `fit()`, in "
        "`tf.data.Dataset.batch()` or in a PyTorch `DataLoader`.\n"
        "- `validation_split` takes the **last** samples of the arrays, **before** shuffling: "
        "sort your data by class and the validation set may hold one class only.\n"
        "- An **epoch** is one pass over the training samples; an **iteration** is one optimizer "
        "step on one batch. Iterations per epoch = ⌈N_train / B⌉: the last batch may be smaller."
    ),
    "schedule.error": "Fix this input: {message}",
    # table columns and chart titles
    "col.epoch": "epoch",
    "col.step": "iteration",
    "col.batch": "batch",
    "col.size": "size",
    "col.indices": "training-sample indices",
}

LANGS: dict[str, dict[str, str]] = {"en": EN}


def t(key: str, lang: str = "en", **fields: object) -> str:
    """The text for `key` in `lang` (English where missing), with fields filled in."""
    table = LANGS.get(lang, EN)
    text = table.get(key) or EN[key]
    return text.format(**fields) if fields else text
