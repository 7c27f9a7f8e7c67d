"""Every UI string, in one place, so a second language is one more table.

`t("key", **fields)` returns the English text with `str.format` fields filled in.
"""

from __future__ import annotations

import re

from core.errors import InputError, Note, Unavailable, singular

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
        "optimizer update on one batch. Everything is numbered from 0, as in code "
        "(`for epoch in range(E)`): epoch 0 is the first pass, iteration 0 the first step, "
        "batch 0 the first batch of an epoch, sample 0 the first row."
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
    "schedule.allowed": "Allowed: {low} to {high}. A number outside is not applied.",
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
    "schedule.membership.epoch": "First epoch shown",
    "schedule.membership.epochs": (
        "Epochs {a}–{b} side by side (as many as fit), so you can see the order change from one "
        "epoch to the next."
    ),
    "schedule.membership.aggregated": (
        "N is too large to draw one cell per sample; showing each batch's range of positions in "
        "the epoch order instead."
    ),
    "schedule.table": "Batches of the first epochs",
    "schedule.code": "The same setup in code",
    "schedule.misconceptions": "Common misconceptions",
    "schedule.misconceptions.body": (
        "- Keras's default `batch_size` is **32** (`fit(batch_size=None)` means 32), not the 200 "
        "a widely read tutorial claims Keras sets by itself.\n"
        "- `model.compile()` takes **no** batch size: it is set in `fit()`, in "
        "`tf.data.Dataset.batch()` or in a PyTorch `DataLoader`.\n"
        "- `validation_split` takes the **last** samples of the arrays, **before** shuffling: "
        "sort your data by class and the validation set may hold one class only.\n"
        "- An **epoch** is one pass over the training samples; an **iteration** is one optimizer "
        "step on one batch. Iterations per epoch = ⌈N_train / B⌉: the last batch may be smaller."
    ),
    "schedule.error": "Fix this input: {message}",
    "schedule.membership.unlisted": (
        "{train} training samples: above {cap} the page does not build the epoch's order (one "
        "index per sample), so it cannot draw which sample lands in which batch. The figures "
        "and the timeline above are exact; lower N to {cap} or less to see the samples."
    ),
    "schedule.table.positions": (
        "Above {cap} training samples the table gives each batch's positions in the epoch's "
        "order (#0 is the first sample fed) instead of sample indices."
    ),
    "col.batch": "batch",
    "col.positions": "positions",
    # gradient accumulation (issue 17): schedule, train and compare pages
    "schedule.accumulation": "Accumulation K",
    "schedule.accumulation.help": (
        "Gradient accumulation: the optimizer averages the gradients of K batches and updates the "
        "weights once (Keras gradient_accumulation_steps=K). Memory is that of one batch of B; "
        "the effective batch is B × K. 1: none."
    ),
    "metric.optimizer_updates": "Optimizer updates",
    "metric.effective_batch": "Effective batch (B × K)",
    "metric.samples_per_update": "Samples per update (mean)",
    "metric.unapplied": "Batches never applied",
    "schedule.formula.accumulation": (
        "optimizer updates = ⌊{total} / {k}⌋ = **{updates}**{unapplied}; effective batch = "
        "{per} per replica × {replicas} replicas × {k} = **{effective}** samples per update"
    ),
    "schedule.accumulation.partial": (
        "An update that holds the partial batch of {partial} holds fewer than {effective} "
        "samples, yet that batch's gradient weighs as much as a full one's (Keras averages the K "
        "batch gradients equally): {mean} samples per update on average."
    ),
    "schedule.misconceptions.accumulation": (
        "- An **iteration** is not always an **optimizer update**: with gradient accumulation K "
        "the weights change once every K iterations, so updates = ⌊iterations / K⌋, counted "
        "across epoch ends. A learning-rate schedule is not given the update count: Keras 3 "
        "calls it at each update with the number of the batch that completes it, counted from "
        "0 (with K = 3: 2, 5, 8, …, not 0, 1, 2), so write the schedule in batches.\n"
        "- With a partial batch the effective batch is **not exactly K × B**: each of the K "
        "gradients is one batch's mean and weighs the same, so the partial batch's few samples "
        "count more than the others'."
    ),
    "chart.update_step": "optimizer update",
    "train.accumulation": "Gradient accumulation K",
    "train.updates": (
        "**{updates} optimizer updates**: one every {k} iterations, {effective} samples per "
        "update{unapplied}."
    ),
    "compare.accumulations": "Accumulation K (list)",
    "compare.accumulations.help": (
        "Gradient accumulation values to sweep, e.g. 1, 4. Each batch size runs once per K."
    ),
    "compare.keep_product": "Keep B × K constant",
    "compare.keep_product.help": (
        "On: each batch size in the list is the effective batch, and runs use B / K per step "
        "(B = 128 with K = 1, 4 runs B = 128 and B = 32 × 4). Off: K multiplies each B."
    ),
    "compare.accumulation_table": "Accumulation: samples per update against memory",
    "compare.accumulation_note": (
        "Same effective batch, same samples per update: with SGD and no batch-dependent layers "
        "the updates are the same, so the losses match, while one step holds only B samples."
    ),
    "col.accumulation": "K",
    "col.effective_batch_size": "effective_batch",
    "col.optimizer_updates": "optimizer_updates",
    "col.peak_memory_mb": "peak_memory_MB",
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
    "train.csv.help": (
        "Feature columns (numbers, or text with few values) and a label column (numbers, or text "
        "such as cat/dog); at most {mb} MB."
    ),
    "train.csv.needed": "Upload a CSV to train on it.",
    # issue 14: singular forms, compact big numbers
    "schedule.partial_note.one": (
        "The last batch of every epoch holds 1 sample instead of {batch_size}."
    ),
    "number.compact": "{value}{unit}",
    "train.label": "Label column",
    "train.task": "Task",
    "train.fix": "Fix this input: {message}",
    "train.epochs_cap": "Epochs are capped at {cap} here: lower the epochs.",
    "train.iterations": (
        "**{spe} iterations per epoch × {epochs} epochs = {total} steps** "
        "(⌈{train} training samples / batch {batch_size}⌉ per epoch)"
    ),
    "train.start": "Start training",
    "schedule.own_data": (
        "Your data file {name}: {n} samples to train on ({held} held out for test), as the "
        "Train page splits it."
    ),
    "schedule.own_data.use": "Use N = {n}",
    "train.stop": "Stop",
    "train.compiling": (
        "Compiling the training step for this model and batch size: {seconds} s so far. That "
        "takes a few seconds on an idle machine and 10 s or more when other programs keep the "
        "cores busy; runs after it on the same model and batch size skip it. It is not counted "
        "as training time."
    ),
    "train.loading_tf": "Loading TensorFlow in a worker process…",
    "train.idle": "Press Start: the charts fill in as the model trains.",
    "train.run_gone": "This run is no longer in the run store.",
    "train.progress": "{done} / {total} steps done · in epoch {epoch} (epochs 0–{last})",
    "train.rate.help": (
        "While it trains: over the last 2 s of steps. Once it has ended: over the whole run's "
        "training time (compiling and evaluation not counted)."
    ),
    "train.earlier": (
        "These figures and charts are from the last run, {run}; the inputs above have changed "
        "since. Start trains what they say now."
    ),
    "list.sep": ", ",
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
        "Compiling the step took {compile} s, kept off the clock; then {rate} steps/s over "
        "{train} s of training (evaluation not counted)."
    ),
    "train.timing.reused": (
        "The worker had this step compiled already (no compile); {rate} steps/s over {train} s "
        "of training (evaluation not counted)."
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
    "train.composition.epoch": "Epoch",
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
    "compare.warmup_epochs": "Warm-up epochs",
    "compare.goyal_note": (
        "The linear rule (Goyal et al. 2017) was shown for SGD with momentum and a gradual "
        "warm-up (5 epochs, rising linearly from the base lr to the scaled lr; here in at most "
        "20 equal levels): set warm-up epochs. With Adam prefer sqrt: Malladi et al. 2022 (*On "
        "the SDEs and Scaling Rules for Adaptive Gradient Algorithms*) derive the square-root "
        "rule for Adam. Without warm-up, large batches at a linearly scaled lr often diverge "
        "early."
    ),
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
    "compare.best_lr": (
        "This sweep tried several learning rates at a batch size (Advise does): the charts and "
        "the reading use each size's best one; the table below lists every run."
    ),
    "compare.finals": "Final validation loss and accuracy vs batch size",
    "compare.to_target": "Steps and time to reach the target (log–log; dashed: perfect scaling)",
    "compare.short_timing": (
        "Each run trained for only {lo}–{hi} s: too short to rank throughput on (a few "
        "milliseconds of other work reorder it). For samples/s use Science's device throughput "
        "(repeated timings, with their spread) or give the sweep a longer budget."
    ),
    "compare.throughput": "Throughput vs batch size",
    "compare.table": "Results",
    "compare.no_val": "Set a validation split above 0 to see validation metrics.",
    # science page
    "science.title": "Science: the batch-size literature, measured on your model",
    "science.noise": "Gradient noise scale (McCandlish et al. 2018)",
    "science.micro": "Micro-batches per batch (B_small = B / m)",
    "science.measure": "Measure the noise scale",
    "science.measuring": "Training and measuring in a worker process…",
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
    "science.crit.vs_noise": (
        "B_simple ≈ {b:.0f} above is the gradient noise at one point, the final weights of "
        "the noise-scale run (B = {batch}, {epochs} epochs); B_crit ≈ {c:.0f} here is where "
        "steps to the target stop falling across this sweep's sizes. They measure different "
        "things and need not agree: B_simple grows as the loss falls and predicts only B_crit's "
        "order of magnitude (McCandlish et al. 2018)."
    ),
    "science.crit.fixed_lr": (
        "Every batch size in this sweep used the same learning rate. McCandlish et al. tune the "
        "learning rate for each batch size; at a fixed rate the large batches take more steps "
        "than they need, which pulls B_crit down. Rerun the sweep with lr scaling sqrt or "
        "linear (Compare page) before comparing B_crit with B_simple."
    ),
    "science.throughput": "Device throughput",
    "science.throughput.cap": "Largest batch size to time",
    "science.throughput.run": "Measure throughput",
    "science.guidance": "Time to target on this device",
    "science.guidance.best": (
        "Predicted fastest to the target: **B = {b}** ({s:.2f} s; {steps:.0f} steps)."
    ),
    "science.noise.intro": (
        "B_simple = tr(Σ) / |G|²: how noisy one example's gradient is relative to the "
        "true gradient. It is measured while the model trains with your optimizer: "
        "inside each compiled step, every full batch B is split into m micro-batches of "
        "B/m, and the squared gradient norms at the two sizes give |G|² and tr(Σ), "
        "corrected for batches drawn without replacement from the N training samples "
        "(the variance of a batch mean is (tr Σ / B)(N − B)/(N − 1), zero at full "
        "batch). B_simple approximates the noise scale B_noise: batches much smaller "
        "than it waste the parallelism of a step; much larger ones waste samples."
    ),
    "science.noise.result": (
        "B_simple ≈ {b:.0f} at the final weights (B = {batch}, after {epochs} epochs; 90% "
        "interval {interval}, from {steps} fresh batches measured with the weights frozen). "
        "While training, the last epoch gave {last:.0f} and per-epoch values ranged "
        "{e_lo:.0f}–{e_hi:.0f}: the weights moved under those. |G|² = {g2:.3g}, tr(Σ) = "
        "{tr:.3g}."
    ),
    "science.noise.exact": (
        "**Estimate vs exact**: from all {n:,} per-example gradients at the same final "
        "weights, B_simple = **{exact:.0f}** (estimate {b:.0f}). Both measure the final "
        "weights: the estimate's 90% interval held the exact value in 90% ± 3% of 400 "
        "simulated cases (tests/study/test_evidence_intervals.py). The reading below uses the "
        "exact value."
    ),
    "science.noise.no_exact": (
        "No exact value: computing every per-example gradient is offered up to {cap:,} "
        "training samples."
    ),
    "science.crit.result": (
        "S_min ≈ {s_min:.0f} steps, E_min ≈ {e_min:,.0f} samples, **B_crit ≈ "
        "{b_crit:.0f}** (90% interval {lo}–{hi}; fitted in relative error to {points} "
        "batch sizes)."
    ),
    "science.crit.above": (
        "Steps kept falling nearly in proportion as the batch doubled, up to the largest size "
        "tried (B = "
        "{b:g}): **B_crit is above it** (at least {lo:,.0f}). Try larger batch sizes to "
        "locate it."
    ),
    "science.crit.below": (
        "Larger batches saved no steps: **B_crit is below the smallest size tried** (B = "
        "{b:g}). Try smaller batch sizes, or a harder target."
    ),
    "science.crit.refused": (
        "**No B_crit**: these points do not follow S = S_min (1 + B_crit / B) (typical "
        "error {rms:.0%}, or a larger batch needed clearly more steps). Add repeats, or "
        "pick a target every size reaches."
    ),
    "science.crit.method.interpolated": (
        "Steps to target are interpolated between validation evaluations (about {evals} "
        "per run), not snapped to epoch ends."
    ),
    "science.crit.method.epochs": (
        "Steps to target are read at epoch ends (this sweep stored no finer "
        "evaluations): a size can be off by up to one epoch."
    ),
    "science.crit.method.steps": "Steps to target are read from every step's smoothed loss.",
    "science.crit.method.none": "No batch size reached the target.",
    "science.throughput.intro": (
        "Steady samples per second of the fused engine for powers of two: each size "
        "timed 3 times (the line is the median, the bars the range), compiling excluded, "
        "steps running across epoch ends so small data does not time per-call overhead."
    ),
    "science.throughput.saturates": (
        "B = {b} already reaches {share:.0%} of the best median throughput ({best:,.0f} "
        "samples/s at B = {best_b}): larger batches buy little speed on this device. "
        "Medians of {repeats} timings."
    ),
    "science.throughput.rising": (
        "Throughput was still rising at the largest size timed (best {best:,.0f} "
        "samples/s at B = {best_b}; {share:.0%} of it from B = {b}): the device is not "
        "saturated within this range. Medians of {repeats} timings."
    ),
    "science.throughput.none": "No batch size could be timed.",
    "science.col.batch_size": "batch size",
    "science.col.predicted_steps": "predicted steps",
    "science.col.predicted_samples": "predicted samples",
    "science.col.samples_per_second": "samples/s (median)",
    "science.col.predicted_seconds": "predicted seconds",
    "science.myths": "Myths and facts",
    "science.myths.body": (
        "- **Keras's default batch size is 32**, not the 200 a widely read tutorial claims: "
        "`fit(batch_size=None)` uses 32 "
        "(Keras source, `trainer.fit`).\n"
        "- **`compile()` takes no batch size**; it is an argument of `fit()` / `evaluate()`, of "
        "`tf.data.Dataset.batch()` or of a PyTorch `DataLoader`.\n"
        "- **`validation_split` takes the last samples, before shuffling** "
        "(Keras `train_validation_split`).\n"
        "- **Linear scaling rule with warmup**: multiply the lr by k when the batch grows k×, "
        "warming up over the first epochs (Goyal et al. 2017, *Accurate, Large Minibatch SGD*). "
        "It was shown for SGD with momentum and warm-up; with Adam, the square-root rule "
        "(Malladi et al. 2022) is the usual starting point."
        "\n"
        "- **Small batches often generalise well**: 2–32 was often best (Masters & Luschi 2018, "
        "*Revisiting Small Batch Training*); large batches can reach sharp minima (Keskar et al. "
        "2016). Hoffer et al. 2017 (*Train longer, generalize better*) trace the gap to the "
        "number of updates, not the batch size: the large batch makes too few of them. Training "
        "as many updates as the small batch (their regime adaptation), with a square-root-scaled "
        "learning rate and ghost batch norm, closed it; Shallue et al. 2019 (*Measuring the "
        "Effects of Data Parallelism*) found no consistent generalization gap once the "
        "hyperparameters are tuned for each batch size.\n"
        "- **Gradient noise variance falls with B, to zero at full batch**: a mini-batch drawn "
        "without replacement from N samples has gradient variance (tr(Σ)/B)(N − B)/(N − 1) "
        "(about tr(Σ)/B when B ≪ N), so its standard deviation falls about as 1/√B. "
        "McCandlish et al. 2018 use tr(Σ)/B (sampling with replacement); the factor "
        "(N − B)/(N − 1) is the standard finite-population correction for sampling without "
        "replacement."
    ),
    # runs page
    "runs.title": "Runs: every training run, kept",
    "runs.empty": "No runs yet: train one on the Train page or with `python -m core train`.",
    "runs.select": "Open runs (choose one, or several to overlay)",
    "runs.delete": "Delete selected runs",
    "runs.deleted": "Deleted {count} runs.",
    "runs.delete.confirm": "Delete {count} runs, their steps included? This cannot be undone.",
    "runs.delete.yes": "Yes, delete",
    "runs.export_csv": "Export steps (CSV)",
    "runs.export_json": "Export runs (JSON)",
    "runs.export_tensorboard": "Export TensorBoard logs (zip)",
    "runs.export_tensorboard.help": (
        "Unzip, then run: pip install tensorboard (the app does not install it), then "
        "tensorboard --logdir batchlab_logs. Epochs are logged as the app counts them, from 0."
    ),
    "runs.keras_script": "A standalone Keras script that reproduces this run",
    "runs.keras_script.download": "Download the script and its data (.zip)",
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
    "chart.iteration_in_epoch": "batch in epoch {epoch}",
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
    "reading.time.win": (
        "On this device, B={b} reaches {metric} {target} fastest in wall time ({v} s): "
        "every one of its {repeats} repeats beat B={b2} ({v2} s)."
    ),
    "reading.time.close": (
        "Wall time to {metric} {target}: B={b} ({v} s) and B={b2} ({v2} s) are too close "
        "to call: their {repeats} repeats overlap."
    ),
    "reading.time.single": (
        "Wall time to {metric} {target}: B={b} was quickest ({v} s against {v2} s for "
        "B={b2}), but one run each on a shared machine cannot decide that: use at least "
        "2 repeats."
    ),
    "reading.time.only": ("Only B={b} reached {metric} {target} ({v} s)."),
    "reading.steps.win": (
        "B={b} needs the fewest steps ({v}; B={b2}: {v2}, ranges apart over {repeats} repeats)."
    ),
    "reading.steps.win1": ("B={b} needs the fewest steps ({v}; B={b2}: {v2}; one run each)."),
    "reading.steps.close": (
        "B={b} and B={b2} need about as many steps ({v} and {v2}): too close to call."
    ),
    "reading.steps.only": ("It took {v} steps."),
    "reading.epochs.win": ("B={b} needs the fewest epochs ({v}; B={b2}: {v2})."),
    "reading.epochs.win1": ("B={b} needs the fewest epochs ({v}; B={b2}: {v2}; one run each)."),
    "reading.epochs.close": (
        "B={b} and B={b2} need about as many epochs ({v} and {v2}): too close to call."
    ),
    "reading.epochs.only": ("It took {v} epochs."),
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
    from core.present.text_advise import EN_ADVISE, ZH_ADVISE, ZH_ERRORS_ADVISE
    from core.present.text_data import EN_DATA, ZH_DATA, ZH_ERRORS_DATA
    from core.present.text_evidence import EN_EVIDENCE, ZH_ERRORS_EVIDENCE, ZH_EVIDENCE
    from core.present.text_files import EN_FILES, ZH_ERRORS_FILES, ZH_FILES
    from core.present.text_path import EN_PATH, ZH_ERRORS_PATH, ZH_PATH
    from core.present.text_ramp import EN_RAMP, ZH_ERRORS_RAMP, ZH_RAMP
    from core.present.text_roofline import EN_ROOFLINE, ZH_ROOFLINE
    from core.present.text_sharp import EN_SHARP, ZH_ERRORS_SHARP, ZH_SHARP
    from core.present.text_words import EN_WORDS, ZH_WORDS
    from core.present.text_zh import ZH, ZH_ERRORS

    EN.update(EN_PATH)
    EN.update(EN_ADVISE)
    EN.update(EN_FILES)
    EN.update(EN_SHARP)
    EN.update(EN_DATA)
    EN.update(EN_WORDS)
    EN.update(EN_EVIDENCE)
    EN.update(EN_RAMP)
    EN.update(EN_ROOFLINE)
    zh_errors = ZH_ERRORS | ZH_ERRORS_PATH | ZH_ERRORS_ADVISE | ZH_ERRORS_FILES | ZH_ERRORS_SHARP
    zh_errors |= ZH_ERRORS_DATA | ZH_ERRORS_EVIDENCE | ZH_ERRORS_RAMP
    zh = ZH | ZH_PATH | ZH_ADVISE | ZH_FILES | ZH_SHARP | ZH_DATA | ZH_WORDS | ZH_EVIDENCE
    zh |= ZH_RAMP | ZH_ROOFLINE
    return {"en": EN, "zh": zh}, {"zh": zh_errors}


# UI strings by key; core's error templates (English template → translation) by language.
LANGS, ERRORS = _tables()


# Chinese: no space between two Chinese characters (or after Chinese punctuation), which
# English templates' habits and filled-in Chinese words ("达到 验证损失") leave behind.
_ZH_GAP = re.compile(r"(?<=[\u4e00-\u9fff，。：；！？、）」”])[ \t]+(?=[\u4e00-\u9fff（「“])")


def tidy_zh(text: str) -> str:
    return _ZH_GAP.sub("", text)


def sentences(parts: list[str], lang: str = "en") -> str:
    """Sentences (each from `t`) run together as LANG writes them: a space between in English,
    none in Chinese."""
    return "".join(parts) if lang == "zh" else " ".join(parts)


def _filled(template: str, fields: dict, english: bool) -> str:
    """TEMPLATE with FIELDS in, finished as its language is written: English counts of one in
    the singular, Chinese without spaces between Chinese words."""
    text = template.format(**fields)
    return singular(text) if english else tidy_zh(text)


def t(key: str, lang: str = "en", **fields: object) -> str:
    """The text for `key` in `lang` (English where missing), with fields filled in."""
    table = LANGS.get(lang, EN)
    english = table is EN or not table.get(key)
    text = table.get(key) or EN[key]
    return _filled(text, fields, english) if fields else text


def message(item: BaseException | Note, lang: str = "en") -> str:
    """An error's or note's text in `lang`: ours through their template, others as raised."""
    if isinstance(item, (InputError, Note)):
        template = ERRORS.get(lang, {}).get(item.template)
        if template:
            return _filled(template, item.fields, english=False)
    return str(item)  # ours in English, already finished (core.errors.singular)


# Units for `compact` in Chinese: counts in 万 (10^4) and 亿 (10^8); English writes 10ⁿ.
COMPACT_UNITS = {
    "zh": ((10**12, "万亿"), (10**8, "亿"), (10**4, "万")),
}
# Up to this many, a number is shown whole ("9,999,999"): wider did not fit an st.metric.
COMPACT_FROM = 10**7


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def compact(value: int, lang: str = "en") -> str:
    """A count short enough for an `st.metric`: whole below 10^7, else 4 significant digits,
    in English as a power of ten ("3.333 × 10¹¹": in a batch-size app "2B" read as a batch of
    two), in Chinese in 亿 and 万 ("3333亿"). The exact figure stays in the formula line."""
    if abs(value) < COMPACT_FROM:
        return f"{value:,}"
    if lang not in COMPACT_UNITS:  # English, and any language without its own units
        mantissa, exponent = f"{value:.3e}".split("e")
        mantissa = f"{float(mantissa):g}"
        return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"
    for size, unit in COMPACT_UNITS[lang]:
        if abs(value) >= size:
            scaled = value / size
            text = f"{scaled:.4g}" if abs(scaled) < 10**4 else f"{scaled:,.0f}"
            return t("number.compact", lang, value=text, unit=unit)
    return f"{value:,}"


def unapplied_clause(count: int, lang: str = "en") -> str:
    """What the updates formula adds about the COUNT batches left after the last full group of
    K: " (never applied: the last 3 batches)", or nothing when K divides the iterations."""
    return t("accumulation.unapplied", lang, unapplied=f"{count:,}") if count else ""


def fix_message(exc: BaseException, lang: str = "en") -> str:
    """A page's error line: "Fix this input: …", unless no input is wrong (`Unavailable`)."""
    text = message(exc, lang)
    return text if isinstance(exc, Unavailable) else t("train.fix", lang, message=text)


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
