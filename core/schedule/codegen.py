"""The same schedule written for Keras `fit`, `tf.data` and PyTorch `DataLoader`.

Each function returns Python source that a user can paste; `x`, `y` and `model` stand for their
arrays and a compiled model. Run as given, each makes exactly `Schedule(spec).total_steps`
optimizer steps (tests/schedule/test_schedule_vs_keras.py runs the Keras ones).
"""

from __future__ import annotations

from core.errors import singular
from core.schedule.plan import Schedule, ScheduleSpec, split_at

# The PyTorch snippet's batch sampler subclasses `Sampler` without passing `data_source`, which
# became optional in torch 2.1 (pytorch/pytorch#97338); DataLoader(generator=) needs 1.6.
TORCH_MIN_VERSION = "2.1"


def _phases(spec: ScheduleSpec) -> list[tuple[int, int, int, int]]:
    """(first epoch, end epoch, B, steps per epoch) of each phase of a batch-size ramp."""
    return [
        (p.first_epoch, p.end_epoch, p.batch_size, p.steps_per_epoch) for p in Schedule(spec).phases
    ]


def _ramp_header(spec: ScheduleSpec) -> list[str]:
    s = Schedule(spec)
    return [
        f"# a batch-size ramp: B from each epoch on, {s.total_steps} steps in all",
        f"phases = {[(first, end, b) for first, end, b, _ in _phases(spec)]}"
        "  # (first epoch, end epoch, B)",
    ]


def keras_fit(spec: ScheduleSpec) -> str:
    if spec.batch_size_schedule:
        return _keras_fit_ramp(spec)
    if spec.drop_remainder:
        # fit() on arrays always keeps the last partial batch: only a dataset batched with
        # drop_remainder=True makes the floor(train / B) steps the page states.
        return "\n".join(
            [
                "import keras",
                "import tensorflow as tf",
                "",
                f"keras.utils.set_random_seed({spec.seed})",
                *_keras_accumulation_lines(spec),
                "# fit() on arrays always keeps the last partial batch; to drop it, fit a",
                "# tf.data pipeline batched with drop_remainder=True:",
                *_tf_data_lines(spec),
            ]
        )
    shuffle = {"none": "False", "epoch": "True", "batch": '"batch"'}[spec.shuffle]
    steps = Schedule(spec).steps_per_epoch
    lines = [
        "import keras",
        "",
        f"keras.utils.set_random_seed({spec.seed})",
        *_keras_accumulation_lines(spec),
        singular(f"# {steps:,} steps per epoch, the last partial batch kept"),
    ]
    lines += [
        "history = model.fit(",
        "    x, y,",
        f"    batch_size={spec.batch_size},",
        f"    epochs={spec.epochs},",
    ]
    if spec.validation_split:
        lines.append(
            f"    validation_split={spec.validation_split},  # the LAST samples, unshuffled"
        )
    lines += [f"    shuffle={shuffle},", ")"]
    return "\n".join(lines)


def _keras_fit_ramp(spec: ScheduleSpec) -> str:
    """One `fit` call per phase: `initial_epoch` carries the epoch count on, the weights and
    the optimizer's state carry over between calls."""
    if spec.drop_remainder:
        return "\n".join(
            [
                "import keras",
                "import tensorflow as tf",
                "",
                f"keras.utils.set_random_seed({spec.seed})",
                "# fit() on arrays always keeps the last partial batch; to drop it, fit a",
                "# tf.data pipeline batched with drop_remainder=True:",
                *_tf_data_ramp_lines(spec),
            ]
        )
    shuffle = {"none": "False", "epoch": "True", "batch": '"batch"'}[spec.shuffle]
    lines = [
        "import keras",
        "",
        f"keras.utils.set_random_seed({spec.seed})",
        *_ramp_header(spec),
        "for first, end, batch_size in phases:",
        "    history = model.fit(",
        "        x, y,",
        "        batch_size=batch_size,",
        "        initial_epoch=first,",
        "        epochs=end,  # epochs first .. end - 1",
    ]
    if spec.validation_split:
        lines.append(
            f"        validation_split={spec.validation_split},  # the LAST samples, unshuffled"
        )
    lines += [f"        shuffle={shuffle},", "    )"]
    return "\n".join(lines)


def _tf_data_ramp_lines(spec: ScheduleSpec) -> list[str]:
    """A dataset re-batched for each phase, and one fit call per phase."""
    train = split_at(spec.n, spec.validation_split)
    lines = list(_tf_data_split_lines(spec, train))
    lines.append("base = tf.data.Dataset.from_tensor_slices((x_train, y_train))")
    if spec.shuffle == "epoch":
        lines.append(
            f"base = base.shuffle({train}, seed={spec.seed}, reshuffle_each_iteration=True)"
        )
    lines += _ramp_header(spec)
    drop = ", drop_remainder=True" if spec.drop_remainder else ""
    val = ", validation_data=(x_val, y_val)" if spec.validation_split else ""
    lines += ["for first, end, batch_size in phases:", f"    ds = base.batch(batch_size{drop})"]
    if spec.shuffle == "batch":
        lines += [
            "    ds = ds.map(lambda xb, yb: tuple(  # batch boundaries stay, order inside changes",
            "        tf.gather(t, tf.random.shuffle(tf.range(tf.shape(xb)[0]))) for t in (xb, yb)",
            "    ))",
        ]
    lines += [
        "    ds = ds.prefetch(tf.data.AUTOTUNE)",
        f"    history = model.fit(ds, initial_epoch=first, epochs=end{val})",
    ]
    return lines


def _tf_data_split_lines(spec: ScheduleSpec, train: int) -> list[str]:
    if spec.validation_split:
        return [
            f"split_at = {train}  # floor({spec.n} * (1 - {spec.validation_split}))",
            "x_train, y_train = x[:split_at], y[:split_at]",
            "x_val, y_val = x[split_at:], y[split_at:]",
        ]
    return ["x_train, y_train = x, y"]


def _keras_accumulation_lines(spec: ScheduleSpec) -> list[str]:
    """With K > 1: recompile with an optimizer that averages K batch gradients per update."""
    k = spec.accumulation
    if k <= 1:
        return []
    s = Schedule(spec)
    return [
        f"# gradient accumulation: one update per {k} batches (effective batch "
        f"{s.effective_batch_size}),",
        f"# {s.optimizer_updates} updates; the last {s.unapplied_batches} batches are "
        "never applied",
        f"optimizer = keras.optimizers.SGD(learning_rate=0.01, gradient_accumulation_steps={k})",
        "model.compile(optimizer=optimizer, loss=model.loss)  # your loss, the new optimizer",
    ]


def tf_data(spec: ScheduleSpec) -> str:
    return "\n".join(["import tensorflow as tf", "", *_tf_data_lines(spec)])


def _tf_data_lines(spec: ScheduleSpec) -> list[str]:
    """The tf.data pipeline and the fit call, without the import."""
    if spec.batch_size_schedule:
        return _tf_data_ramp_lines(spec)
    train = split_at(spec.n, spec.validation_split)
    steps = Schedule(spec).steps_per_epoch
    lines = []
    if spec.validation_split:
        lines += [
            f"split_at = {train}  # floor({spec.n} * (1 - {spec.validation_split}))",
            "x_train, y_train = x[:split_at], y[:split_at]",
            "x_val, y_val = x[split_at:], y[split_at:]",
        ]
    else:
        lines += ["x_train, y_train = x, y"]
    lines.append("ds = tf.data.Dataset.from_tensor_slices((x_train, y_train))")
    if spec.shuffle == "epoch":
        lines.append(f"ds = ds.shuffle({train}, seed={spec.seed}, reshuffle_each_iteration=True)")
    drop = ", drop_remainder=True" if spec.drop_remainder else ""
    lines.append(singular(f"ds = ds.batch({spec.batch_size}{drop})  # {steps:,} steps per epoch"))
    if spec.shuffle == "batch":
        lines += [
            "",
            "def shuffle_inside(xb, yb):  # batch boundaries stay, order inside changes",
            "    idx = tf.random.shuffle(tf.range(tf.shape(xb)[0]))",
            "    return tf.gather(xb, idx), tf.gather(yb, idx)",
            "",
            "ds = ds.map(shuffle_inside)",
        ]
    lines.append("ds = ds.prefetch(tf.data.AUTOTUNE)")
    val = ", validation_data=(x_val, y_val)" if spec.validation_split else ""
    lines.append(f"history = model.fit(ds, epochs={spec.epochs}{val})")
    return lines


def _pytorch_head(spec: ScheduleSpec) -> list[str]:
    """The PyTorch lines every snippet opens with: the dataset, its Keras-style split (the last
    samples validate) and the seeded generator."""
    train = split_at(spec.n, spec.validation_split)
    lines = [
        f"import torch  # torch >= {TORCH_MIN_VERSION}",
        "from torch.utils.data import DataLoader, Subset, TensorDataset",
        "",
        "dataset = TensorDataset(torch.as_tensor(x), torch.as_tensor(y))",
    ]
    if spec.validation_split:
        lines += [
            f"train_set = Subset(dataset, range({train}))  # Keras-style: last samples validate",
            f"val_set = Subset(dataset, range({train}, {spec.n}))",
        ]
    else:
        lines.append("train_set = dataset")
    lines.append(f"generator = torch.Generator().manual_seed({spec.seed})")
    return lines


def pytorch(spec: ScheduleSpec) -> str:
    if spec.batch_size_schedule:
        return _pytorch_ramp(spec)
    train = split_at(spec.n, spec.validation_split)
    lines = _pytorch_head(spec)
    drop = "True" if spec.drop_remainder else "False"
    if spec.shuffle == "batch":
        lines += [
            "",
            f"# Sampler() without a data_source argument needs torch >= {TORCH_MIN_VERSION}",
            "class ShuffleInsideBatches(torch.utils.data.Sampler):",
            '    """Fixed batch boundaries, order shuffled inside each batch."""',
            "",
            "    def __iter__(self):",
            f"        stop = {train} - ({train} % {spec.batch_size} if {drop} else 0)",
            f"        for start in range(0, stop, {spec.batch_size}):",
            f"            end = min(start + {spec.batch_size}, stop)",
            "            perm = torch.randperm(end - start, generator=generator) + start",
            "            yield perm.tolist()",
            "",
            "    def __len__(self):",
            f"        return {train} // {spec.batch_size} if {drop} else "
            f"-(-{train} // {spec.batch_size})",
            "",
            "loader = DataLoader(train_set, batch_sampler=ShuffleInsideBatches())",
        ]
    else:
        shuffle = "True" if spec.shuffle == "epoch" else "False"
        lines.append(
            f"loader = DataLoader(train_set, batch_size={spec.batch_size}, shuffle={shuffle}, "
            f"drop_last={drop}, generator=generator)"
        )
    return "\n".join(lines + _pytorch_loop(spec))


def _pytorch_loop(spec: ScheduleSpec) -> list[str]:
    k = spec.accumulation
    if k <= 1:
        return [
            "",
            f"for epoch in range({spec.epochs}):",
            "    for step, (xb, yb) in enumerate(loader):  # one iteration = one optimizer step",
            "        optimizer.zero_grad()",
            "        loss = loss_fn(model(xb), yb)",
            "        loss.backward()",
            "        optimizer.step()",
        ]
    s = Schedule(spec)
    # As Keras: every batch's mean loss counts 1/K (a partial batch as much as a full one), the
    # count runs across epochs, and the leftover batches at the end are dropped.
    return [
        "",
        f"accumulation = {k}  # batches per optimizer update (effective batch "
        f"{s.effective_batch_size})",
        "optimizer.zero_grad()",
        "i = 0  # batches seen, counted across epochs",
        f"for epoch in range({spec.epochs}):",
        "    for xb, yb in loader:",
        "        loss = loss_fn(model(xb), yb) / accumulation  # the mean of K batch gradients",
        "        loss.backward()  # adds to .grad",
        "        i += 1",
        "        if i % accumulation == 0:  # one optimizer step every K batches",
        "            optimizer.step()",
        "            optimizer.zero_grad()",
        f"# {s.optimizer_updates} updates; the last {s.unapplied_batches} batches' gradients are "
        "never applied",
        "# (as Keras): call optimizer.step() here to apply them as a smaller update instead.",
    ]


def _pytorch_ramp(spec: ScheduleSpec) -> str:
    """A DataLoader per phase of the ramp; the epochs run on through the phases."""
    lines = _pytorch_head(spec)
    lines += _ramp_header(spec)
    drop = "True" if spec.drop_remainder else "False"
    shuffle = "True" if spec.shuffle == "epoch" else "False"
    note = "  # shuffle='batch' has no DataLoader flag" if spec.shuffle == "batch" else ""
    lines += [
        "",
        "for first, end, batch_size in phases:",
        f"    loader = DataLoader(train_set, batch_size=batch_size, shuffle={shuffle}, "
        f"drop_last={drop}, generator=generator){note}",
        "    for epoch in range(first, end):",
        "        for xb, yb in loader:  # one iteration = one optimizer step",
        "            optimizer.zero_grad()",
        "            loss = loss_fn(model(xb), yb)",
        "            loss.backward()",
        "            optimizer.step()",
    ]
    return "\n".join(lines)
