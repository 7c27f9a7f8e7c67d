"""Every UI string, in one place, so a second language is one more table.

`t("key", **fields)` returns the English text with `str.format` fields filled in.
"""

from __future__ import annotations

from core.errors import InputError, Note

EN: dict[str, str] = {
    # app / navigation
    "app.title": "Batch Lab",
    "app.language": "Language",
    "app.copy_link": "Link to this page as it is now (copy it to share)",
    "app.url_ignored": "Ignored in the link, defaults used instead: {notes}.",
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
    "schedule.title": "How N, batch size and epochs become iterations",
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
    "schedule.n_log": "Dataset size (log slider)",
    "schedule.epochs_log": "Epochs (log slider)",
    "schedule.epochs": "Epochs E",
    "schedule.shuffle": "Shuffle",
    "schedule.shuffle.none": "none (same order)",
    "schedule.shuffle.epoch": "epoch (shuffle=True)",
    "schedule.shuffle.batch": "batch (shuffle='batch')",
    "schedule.shuffle.help": (
        "none: the same order every epoch. epoch: a fresh permutation every epoch (Keras "
        "shuffle=True, PyTorch shuffle=True). batch: batch boundaries fixed, order shuffled "
        "inside each batch (Keras shuffle='batch')."
    ),
    "schedule.drop_remainder": "drop_remainder",
    "schedule.drop_remainder.help": (
        "Drop the last partial batch every epoch: tf.data batch(drop_remainder=True), PyTorch "
        "DataLoader(drop_last=True). Keras fit on arrays always keeps it."
    ),
    "schedule.validation_split": "Validation split",
    "schedule.seed": "Seed",
    "schedule.replicas": "Replicas",
    "schedule.replicas.help": (
        "Data-parallel copies of the model (GPUs, or CPU devices). Each global batch of B is "
        "split over them; the iterations per epoch do not change."
    ),
    "schedule.replicas.title": "{replicas} replicas × {per} samples per step",
    "schedule.replicas.note": (
        "The global batch B = {batch_size} is split into {replicas} shards of {per}: every "
        "replica computes gradients on its shard, they are averaged, and one optimizer step "
        "follows. The learning rate goes with the global batch, not the per-replica one."
    ),
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
    # train page
    "train.title": "Train: watch a real Keras model learn, batch by batch",
    "train.dataset": "Dataset",
    "train.model": "Model",
    "train.n": "Samples N (0 = all)",
    "train.n.help": "The first N samples of the dataset; validation is taken from these.",
    "train.optimizer": "Optimizer",
    "train.lr": "Learning rate",
    "train.engine": "Engine",
    "train.engine.help": (
        "fused: chunks of steps in one compiled call (fast). keras-fit: stock model.fit on the "
        "same batches, for comparison."
    ),
    "train.more": "Data parallelism",
    "train.replicas.help": (
        "Split every global batch over this many replicas with tf.distribute.MirroredStrategy "
        "(Keras's DataParallel on the JAX backend), on GPUs or logical CPU devices. Runs with "
        "replicas use stock fit under the strategy."
    ),
    "train.csv": "CSV file",
    "train.csv.help": "Numeric feature columns and a label column; at most {mb} MB.",
    "train.csv.needed": "Upload a CSV to train on it.",
    "train.label": "Label column",
    "train.task": "Task",
    "train.fix": "Fix this input: {message}",
    "train.epochs_cap": "Epochs are capped at {cap} here: lower the epochs.",
    "train.iterations": (
        "**{spe} iterations per epoch × {epochs} epochs = {total} steps** "
        "(⌈{train} training samples / batch {batch_size}⌉ per epoch)"
    ),
    "train.start": "Start training",
    "train.stop": "Stop",
    "train.loading_tf": "Loading TensorFlow in a worker process…",
    "train.idle": "Press Start: the charts fill in as the model trains.",
    "train.run_gone": "This run is no longer in the run store.",
    "train.progress": "step {done} / {total} · epoch {epoch} / {epochs}",
    "train.status": "Status",
    "train.steps_per_second": "Steps/s",
    "train.samples_per_second": "Samples/s",
    "train.eta": "ETA",
    "train.device": "Device",
    "train.devices": "Keras sees {devices} ({gpus} GPU). Runs train on the {trains_on}.",
    "device.cpu": "CPU {name}, {cores} cores",
    "train.features": "Features (blobs)",
    "train.classes": "Classes (blobs)",
    "train.noise": "Noise on y = 2x",
    "train.noise.help": "Standard deviation of Gaussian noise added to every y; 0 gives y = 2x.",
    "train.timing.compiled": (
        "First epoch {first} s, tracing and compiling the model included; the later epochs ran "
        "at {rate} steps/s (validation included)."
    ),
    "train.timing.reused": (
        "First epoch {first} s: the worker had compiled this model ahead; the later epochs ran "
        "at {rate} steps/s (validation included)."
    ),
    "train.queued": (
        "Every training slot of this shared demo is busy ({busy} running): your run is queued "
        "and starts by itself when a slot frees up. Stop cancels it."
    ),
    "train.per_replica": (
        "{replicas} replicas: each computes {per} samples of every global batch, "
        "{rate} samples/s per replica."
    ),
    "train.diverged": "The run diverged: {message}",
    "train.failed": "The run failed: {message}",
    "train.stopped": "Stopped after {steps} steps; everything trained so far is kept.",
    "train.stopping": "Stopping: the run ends after the steps in flight.",
    "train.test": "Test set: {metrics}",
    "train.composition": "What each batch held (class counts of the batches actually fed)",
    "train.composition.latest": "Latest epoch",
    "train.composition.epoch": "Epoch (0-based)",
    # compare page
    "compare.title": "Compare: which batch size should I use?",
    "compare.batch_sizes": "Batch sizes (comma-separated; 'full' = the whole training set)",
    "compare.repeats": "Repeats per batch size (different seeds)",
    "compare.budget": "Equal budget",
    "compare.budget.epochs": "epochs (each size sees the data E times)",
    "compare.budget.steps": "steps (every size makes S optimizer steps)",
    "compare.budget.samples": "samples (every size processes M samples)",
    "compare.budget.time": "wall time (each runs T seconds)",
    "compare.budget_value.epochs": "Epochs E",
    "compare.budget_value.steps": "Steps S",
    "compare.budget_value.samples": "Samples M",
    "compare.budget_value.time": "Seconds T per run",
    "compare.executor": "Run the sweep on",
    "compare.executor.help": (
        "local: one run after another in a worker process. ray: every run a Ray task (a local "
        "Ray here; an existing cluster from the CLI with --ray-address). Stop acts between "
        "runs only with local."
    ),
    "compare.lr_scaling": "Learning-rate scaling",
    "compare.lr_scaling.help": (
        "none: every size uses the base lr. linear: lr·B/B0 (Goyal et al. 2017). sqrt: lr·√(B/B0)."
    ),
    "compare.base_batch_size": "Base batch size B0",
    "compare.base_lr": "Base learning rate",
    "compare.plan": "{runs} runs: {rows}",
    "compare.start": "Run the sweep",
    "compare.stop": "Stop the sweep",
    "compare.progress": "run {done} of {total}",
    "compare.eta": "about {seconds} s left",
    "compare.unreached": "Never reached the target within the budget, so not plotted: {sizes}.",
    "compare.sweep_gone": (
        "The link names sweep {sweep}, which this run store does not have: showing the newest."
    ),
    "compare.pick": "Show sweep",
    "compare.none": "Run a sweep, or pick a stored one, to see the comparison.",
    "compare.x": "x axis",
    "compare.log_x": "log x",
    "compare.log_y": "log y",
    "compare.target_metric": "Target metric",
    "compare.target": "Target value",
    "compare.curves": "Loss curves",
    "compare.finals": "Final validation loss and accuracy vs batch size",
    "compare.to_target": "Steps and time to reach the target (log–log; dashed: perfect scaling)",
    "compare.throughput": "Throughput vs batch size",
    "compare.table": "Results",
    "compare.no_val": "Set a validation split above 0 to see validation metrics.",
    # science page
    "science.title": "Science: the batch-size literature, measured on your model",
    "science.noise": "Gradient noise scale (McCandlish et al. 2018)",
    "science.noise.intro": (
        "B_simple = tr(Σ) / |G|²: how noisy one example's gradient is relative to the true "
        "gradient. It is estimated while training from squared gradient norms at two batch "
        "sizes (B/m micro-batches and the full batch B), with |G|² and tr(Σ) smoothed "
        "separately. B_simple approximates the noise scale B_noise: batches much smaller than it "
        "waste the parallelism of a step; much larger ones waste samples."
    ),
    "science.micro": "Micro-batches per batch (B_small = B / m)",
    "science.measure": "Measure the noise scale",
    "science.measuring": "Training and measuring in a worker process…",
    "science.noise.result": "B_simple ≈ {b:.0f} at the end (|G|² = {g2:.3g}, tr(Σ) = {tr:.3g}).",
    "science.crit": "Steps–samples trade-off and the critical batch size",
    "science.crit.intro": (
        "From a Compare sweep: steps S and samples E to a target follow "
        "(S/S_min − 1)(E/E_min − 1) = 1, i.e. S = S_min (1 + B_crit / B), with "
        "B_crit = E_min / S_min."
    ),
    "science.crit.none": (
        "No sweep yet: run a quick one here, or a sweep of your own on the Compare page "
        "(at least 3 batch sizes)."
    ),
    "science.quick": "Run a quick sweep",
    "science.quick.help": (
        "Batch sizes {sizes}, {epochs} epochs each, lr scaled by sqrt(B / {b0}) from this "
        "page's batch size, 20% held out for validation. It appears in the picker below when "
        "it is done."
    ),
    "science.crit.result": (
        "S_min ≈ {s_min:.0f} steps, E_min ≈ {e_min:,.0f} samples, **B_crit ≈ {b_crit:.0f}** "
        "(from {points} batch sizes)."
    ),
    "science.crit.vs_noise": "Measured noise scale B_simple ≈ {b:.0f} (B_crit ≈ {c:.0f}).",
    "science.crit.fixed_lr": (
        "Every batch size in this sweep used the same learning rate. McCandlish et al. tune the "
        "learning rate for each batch size; at a fixed rate the large batches take more steps "
        "than they need, which pulls B_crit down. Rerun the sweep with lr scaling sqrt or "
        "linear (Compare page) before comparing B_crit with B_simple."
    ),
    "science.throughput": "Device throughput",
    "science.throughput.intro": (
        "Steady samples per second of the fused engine for powers of two, compile time excluded."
    ),
    "science.throughput.cap": "Largest batch size to time",
    "science.throughput.run": "Measure throughput",
    "science.throughput.saturates": (
        "Doubling the batch beyond B = {b} adds less than 10% samples/s: the device is "
        "saturated there."
    ),
    "science.guidance": "Time to target on this device",
    "science.guidance.best": (
        "Predicted fastest to the target: **B = {b}** ({s:.2f} s; {steps:.0f} steps)."
    ),
    "science.myths": "Myths and facts",
    "science.myths.body": (
        "- **Keras's default batch size is 32**, not 200: `fit(batch_size=None)` uses 32 "
        "(Keras source, `trainer.fit`).\n"
        "- **`compile()` takes no batch size**; it is an argument of `fit()` / `evaluate()`, of "
        "`tf.data.Dataset.batch()` or of a PyTorch `DataLoader`.\n"
        "- **`validation_split` takes the last samples, before shuffling** "
        "(Keras `train_validation_split`).\n"
        "- **Linear scaling rule with warmup**: multiply the lr by k when the batch grows k×, "
        "warming up over the first epochs (Goyal et al. 2017, *Accurate, Large Minibatch SGD*)."
        "\n"
        "- **Small batches often generalise well**: 2–32 was often best (Masters & Luschi 2018, "
        "*Revisiting Small Batch Training*); large batches can reach sharp minima (Keskar et al. "
        "2016); much of the gap comes from making fewer updates, and training longer closes it "
        "(Hoffer et al. 2017, *Train longer, generalize better*).\n"
        "- **Gradient noise variance falls as 1/B**: the variance of a mini-batch gradient is "
        "tr(Σ)/B, so its standard deviation falls as 1/√B (McCandlish et al. 2018)."
    ),
    # runs page
    "runs.title": "Runs: every training run, kept",
    "runs.empty": "No runs yet: train one on the Train page or with `python -m core train`.",
    "runs.select": "Open runs (choose one, or several to overlay)",
    "runs.delete": "Delete selected runs",
    "runs.deleted": "Deleted {count} run(s).",
    "runs.delete.confirm": "Delete {count} run(s) with all their steps? This cannot be undone.",
    "runs.delete.yes": "Yes, delete",
    "runs.export_csv": "Export steps (CSV)",
    "runs.export_json": "Export runs (JSON)",
    "runs.export_tensorboard": "Export TensorBoard logs (zip)",
    "runs.export_tensorboard.help": "Unzip, then run: tensorboard --logdir batchlab_logs",
    "runs.keras_script": "A standalone Keras script that reproduces this run",
    "runs.keras_script.download": "Download the script",
    "runs.cli": "Repeat from the command line",
    "runs.sweeps": "Sweeps",
    "runs.steps": "Steps",
    "runs.test_loss": "Test loss",
    "runs.test_accuracy": "Test accuracy",
    "status.starting": "starting",
    "status.running": "running",
    "status.completed": "completed",
    "status.stopped": "stopped",
    "status.diverged": "diverged",
    "status.interrupted": "interrupted",
    "status.failed": "failed",
    "runs.open_sweep": "Open in Compare",
    "runs.store": "Run store: `{path}` (set BATCHLAB_DB to use another file)",
    # chart titles, axes and legend labels
    "chart.global_step": "iteration (global step)",
    "chart.epoch": "epoch",
    "chart.batch": "batch",
    "chart.sample_index": "training sample index",
    "chart.samples": "samples",
    "chart.step_loss": "training loss (per step)",
    "chart.split": "split",
    "chart.samples_in_batch": "samples in the batch",
    "chart.class": "class",
    "chart.batch_size": "batch size",
    "chart.step": "step",
    "chart.b_simple": "B_simple (gradient noise scale)",
    "chart.samples_to_target": "samples to target (E)",
    "chart.steps_to_target": "steps to target (S)",
    "chart.samples_per_second": "samples per second",
    "chart.iteration_in_epoch": "iteration in epoch {epoch}",
    "chart.global_step_in_epoch": "iteration (global step) in epoch {epoch}",
    "chart.train_loss_smoothed": "training loss (smoothed)",
    "chart.train_loss": "training loss",
    "chart.axis.step": "step",
    "chart.axis.samples_seen": "samples seen",
    "chart.axis.seconds": "seconds",
    "chart.axis.epoch": "epoch",
    "chart.axis.run": "run",
    "chart.metric.loss": "loss",
    "chart.metric.accuracy": "accuracy",
    "target.train_loss": "training loss",
    "target.val_loss": "validation loss",
    "target.val_accuracy": "validation accuracy",
    "reading.none": "No finished runs yet.",
    "reading.lowest": "Lowest final training loss: B={b} ({loss}).",
    "reading.unreached": "No batch size reached {metric} {target}.",
    "reading.winners": (
        "On this device, B={b_time} reaches {metric} {target} fastest in wall time "
        "({seconds} s); B={b_steps} needs the fewest steps ({steps}); B={b_epochs} needs the "
        "fewest epochs ({epochs})."
    ),
    "noise.unknown": "The noise scale could not be estimated (the gradient signal was too small).",
    "noise.below": (
        "B = {b} is well below B_noise ≈ {b_noise}: each step is noisy, so larger batches would "
        "cut the number of steps almost proportionally (unused parallelism)."
    ),
    "noise.above": (
        "B = {b} is well above B_noise ≈ {b_noise}: extra samples per step barely reduce the "
        "steps needed, so they are mostly wasted compute."
    ),
    "noise.close": (
        "B = {b} is close to B_noise ≈ {b_noise}: a good trade-off between steps and samples."
    ),
    "run.diverged": (
        "the loss became infinite or NaN at step {step}: lower the learning rate (now {lr}) or "
        "raise the batch size."
    ),
    "run.interrupted": (
        "the process running it ended before it finished; the steps up to then are kept."
    ),
    "chart.axis.final_val_loss": "final validation loss",
    "chart.axis.final_val_accuracy": "final validation accuracy",
    "chart.axis.final_train_loss": "final training loss",
    "chart.axis.steps_to_target": "steps to target",
    "chart.axis.seconds_to_target": "seconds to target",
    "chart.full_batch": "full batch",
    "chart.partial_batch": "partial batch",
    "chart.train": "train",
    "chart.validation": "validation",
    "chart.test": "test",
    "chart.perfect_scaling": "perfect scaling",
    "chart.your_b": "your B = {b}",
    # table columns (English headers are the data names, as in the CSV/JSON exports)
    "col.run_id": "run_id",
    "col.created": "created",
    "col.status": "status",
    "col.dataset": "dataset",
    "col.model": "model",
    "col.n": "n",
    "col.batch_size": "batch_size",
    "col.epochs": "epochs",
    "col.optimizer": "optimizer",
    "col.lr": "lr",
    "col.steps": "steps",
    "col.test_loss": "test_loss",
    "col.test_accuracy": "test_accuracy",
    "col.steps_per_second": "steps_per_second",
    "col.sweep_id": "sweep_id",
    "col.iteration": "iteration",
    "col.step": "step",
    "col.size": "size",
    "col.indices": "indices",
    "col.replica": "replica",
    "col.epoch": "epoch",
    "col.seed": "seed",
    "col.epochs_run": "epochs_run",
    "col.seconds": "seconds",
    "col.final_train_loss": "final_train_loss",
    "col.final_val_loss": "final_val_loss",
    "col.final_val_accuracy": "final_val_accuracy",
    "col.samples_per_second": "samples_per_second",
    "col.steps_to_target": "steps_to_target",
    "col.samples_to_target": "samples_to_target",
    "col.seconds_to_target": "seconds_to_target",
    "col.epochs_to_target": "epochs_to_target",
    "col.predicted_steps": "predicted_steps",
    "col.predicted_samples": "predicted_samples",
    "col.predicted_seconds": "predicted_seconds",
}


def _tables() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    from core.present.text_zh import ZH, ZH_ERRORS

    return {"en": EN, "zh": ZH}, {"zh": ZH_ERRORS}


# UI strings by key; core's error templates (English template → translation) by language.
LANGS, ERRORS = _tables()


def t(key: str, lang: str = "en", **fields: object) -> str:
    """The text for `key` in `lang` (English where missing), with fields filled in."""
    table = LANGS.get(lang, EN)
    text = table.get(key) or EN[key]
    return text.format(**fields) if fields else text


def message(item: BaseException | Note, lang: str = "en") -> str:
    """An error's or note's text in `lang`: ours through their template, others as raised."""
    if isinstance(item, (InputError, Note)):
        template = ERRORS.get(lang, {}).get(item.template)
        if template:
            return template.format(**item.fields)
    return str(item)


def columns(frame, lang: str = "en"):
    """A copy of a DataFrame for display in `lang`: column headers, and run statuses."""
    table = LANGS.get(lang, EN)
    if "status" in frame:
        label = {s: t(f"status.{s}", lang) for s in frame["status"] if f"status.{s}" in EN}
        frame = frame.assign(status=frame["status"].map(lambda s: label.get(s, s)))
    return frame.rename(columns=lambda c: table.get(f"col.{c}", c))


def translator(lang: str):
    """`t` bound to one language: pages call `t = translator(lang)` once."""

    def bound(key: str, **fields: object) -> str:
        return t(key, lang, **fields)

    return bound
