"""Exports that leave Batch Lab: TensorBoard logs and a standalone Keras script.

- `tensorboard_zip()` writes TensorBoard event files (TFRecord framing, `Event` protobufs with
  scalar summaries) for runs: per-step training loss and per-epoch losses and accuracies, one
  sub-directory per run, zipped. No TensorFlow is imported: the format is small enough to write
  by hand (see tensorflow/core/util/event.proto and the TFRecord format).
- `keras_script()` writes a Python script that reproduces a run with stock Keras `fit`: the same
  data, model, batch size, epochs, validation split, shuffle mode and seed.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile

from core.run.store import RunStore
from core.schedule.plan import parse_batch_size_schedule, parse_lr_schedule
from core.train.datasets import BLOBS_CLASSES, BLOBS_FEATURES

# -- TFRecord + Event protobuf, by hand --------------------------------------------------------
_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _masked_crc(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def _field(number: int, wire: int, payload: bytes) -> bytes:
    return _varint((number << 3) | wire) + payload


def _bytes_field(number: int, data: bytes) -> bytes:
    return _field(number, 2, _varint(len(data)) + data)


def _event(
    wall_time: float,
    step: int,
    *,
    tag: str | None = None,
    value: float | None = None,
    file_version: str | None = None,
) -> bytes:
    msg = _field(1, 1, struct.pack("<d", wall_time)) + _field(2, 0, _varint(step))
    if file_version is not None:
        msg += _bytes_field(3, file_version.encode())
    if tag is not None:
        summary_value = _bytes_field(1, tag.encode()) + _field(2, 5, struct.pack("<f", value))
        msg += _bytes_field(5, _bytes_field(1, summary_value))
    return msg


def _record(data: bytes) -> bytes:
    length = struct.pack("<Q", len(data))
    return (
        length
        + struct.pack("<I", _masked_crc(length))
        + data
        + struct.pack("<I", _masked_crc(data))
    )


def event_file(scalars: list[tuple[str, int, float]], wall_time: float | None = None) -> bytes:
    """One TensorBoard event file holding (tag, step, value) scalars."""
    now = time.time() if wall_time is None else wall_time
    out = [_record(_event(now, 0, file_version="brain.Event:2"))]
    for tag, step, value in scalars:
        if value is None:
            continue
        out.append(_record(_event(now, int(step), tag=tag, value=float(value))))
    return b"".join(out)


def tensorboard_zip(store: RunStore, run_ids: list[str]) -> bytes:
    """A zip of a log directory: `<run_id>_B<batch>/events.out.tfevents...` per run."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for run_id in run_ids:
            run = store.get_run(run_id)
            if run is None:
                continue
            scalars = [("train/loss_per_step", s["step"], s["loss"]) for s in store.steps(run_id)]
            for e in store.epochs(run_id):
                step = e["epoch"] + 1
                for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy"):
                    scalars.append((f"epoch/{key}", step, e[key]))
            name = f"{run_id}_B{run['batch_size']}"
            stamp = int(run["created"])
            zf.writestr(
                f"batchlab_logs/{name}/events.out.tfevents.{stamp}.batchlab",
                event_file(scalars, run["created"]),
            )
    return buf.getvalue()


# -- a standalone Keras script ---------------------------------------------------------------
_DATA = {
    "synthetic": """\
rng = np.random.default_rng(np.random.SeedSequence([__SEED__, 1]))
x = rng.random((__N__, 64), dtype=np.float32)  # the tutorial: __N__ × 64 uniform features
y = rng.integers(0, 10, __N__).astype(np.int32)  # 10 random classes: nothing to learn
num_classes, task = 10, "classification\"""",
    "blobs": """\
rng = np.random.default_rng(np.random.SeedSequence([__SEED__, 2]))
centers = rng.normal(0.0, 3.0, (__CLASSES__, __FEATURES__)).astype(np.float32)
y = rng.integers(0, __CLASSES__, __N__).astype(np.int32)
noise = rng.normal(0.0, 2.0, (__N__, __FEATURES__)).astype(np.float32)
x = (centers[y] + noise).astype(np.float32)
num_classes, task = __CLASSES__, "classification\"""",
    "linear": """\
x = np.arange(1, __N__ + 1, dtype=np.float32).reshape(-1, 1)  # x = 1..__N__
rng = np.random.default_rng(np.random.SeedSequence([__SEED__, 3]))
noise = rng.normal(0.0, __NOISE__, __N__).astype(np.float32) if __NOISE__ else 0.0
y = (2.0 * x[:, 0] + noise).astype(np.float32)  # y = 2x (+ noise)
num_classes, task = 1, "regression\"""",
    "digits": """\
from sklearn.datasets import load_digits

digits = load_digits()
x = (digits.data / 16.0).astype(np.float32)
y = digits.target.astype(np.int32)
order = np.random.default_rng(np.random.SeedSequence([0, 4])).permutation(len(x))
keep = np.sort(order[int(round(len(x) * 0.2)):])  # Batch Lab holds out 20% for test
x, y = x[keep][:__N__], y[keep][:__N__]
num_classes, task = 10, "classification\"""",
    "mnist": """\
(x, y), _ = keras.datasets.mnist.load_data()
x = (x.reshape(-1, 28 * 28) / 255.0).astype(np.float32)[:__N__]
y = y.astype(np.int32)[:__N__]
num_classes, task = 10, "classification\"""",
    "csv": """\
import pandas as pd

frame = pd.read_csv("YOUR.csv").dropna()  # the file you uploaded
y = frame.pop(__LABEL__).to_numpy()
x = frame.select_dtypes("number").to_numpy(dtype=np.float32)[:__N__]
y = y[:__N__]
num_classes, task = len(np.unique(y)), "classification\"""",
}

_MODELS = {
    "mlp": """\
model = keras.Sequential([
    keras.Input(x.shape[1:]),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(num_classes, activation="softmax"),
])""",
    "cnn": """\
x = x.reshape(-1, __SIDE__, __SIDE__, 1)
model = keras.Sequential([
    keras.Input(x.shape[1:]),
    layers.Conv2D(32, (3, 3), activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(64, activation="relu"),
    layers.Dense(num_classes, activation="softmax"),
])""",
    "linear": """\
model = keras.Sequential([keras.Input(x.shape[1:]), layers.Dense(1)])""",
}


def data_source(config: dict) -> str:
    """The script's lines that make `x`, `y`, `num_classes` and `task` (needs `np`)."""
    return (
        _DATA[config["dataset"]]
        .replace("__SEED__", str(config["seed"]))
        .replace("__N__", str(config.get("n") or 1000))
        .replace("__LABEL__", repr(config.get("label")))
        .replace("__FEATURES__", str(config.get("features", BLOBS_FEATURES)))
        .replace("__CLASSES__", str(config.get("classes", BLOBS_CLASSES)))
        .replace("__NOISE__", repr(float(config.get("noise", 0.0))))
    )


def _fit_lines(config: dict, shuffle: str) -> str:
    """The fit call; with a batch-size ramp or lr steps, one call per stretch of epochs at one
    B and one lr, `initial_epoch` carrying the count on."""
    split = config.get("validation_split", 0.0)
    ramp = config.get("batch_size_schedule") or ""
    lr_steps = config.get("lr_schedule") or ""
    if not ramp and not lr_steps:
        return f"""history = model.fit(
    x,
    y,
    batch_size={config["batch_size"]},
    epochs={config["epochs"]},
    validation_split={split},  # the LAST samples, unshuffled
    shuffle={shuffle},
)"""
    sizes = {e: b for e, b in parse_batch_size_schedule(ramp)} or {0: config["batch_size"]}
    factors = {e: f for e, f in parse_lr_schedule(lr_steps, config["epochs"])}
    return f"""ramp = {sizes!r}  # batch-size schedule: B from each epoch on
lr_steps = {factors!r}  # the learning rate × factor from each epoch on
starts = sorted({{0, *ramp, *lr_steps}}) + [{config["epochs"]}]
batch_size, factor = ramp[0], 1.0
for first, end in zip(starts, starts[1:]):
    batch_size, factor = ramp.get(first, batch_size), lr_steps.get(first, factor)
    model.optimizer.learning_rate = {float(config["lr"])!r} * factor
    history = model.fit(
        x,
        y,
        batch_size=batch_size,
        initial_epoch=first,
        epochs=end,  # epochs first .. end - 1
        validation_split={split},  # the LAST samples, unshuffled
        shuffle={shuffle},
    )"""


def keras_script(config: dict) -> str:
    """Python source that reproduces a run's setup with stock `model.fit`."""
    dataset, model = config["dataset"], config["model"]
    shuffle = {"none": "False", "epoch": "True", "batch": '"batch"'}[config["shuffle"]]
    side = 28 if dataset == "mnist" else 8
    data = data_source(config)
    net = _MODELS[model].replace("__SIDE__", str(side))
    loss = '"sparse_categorical_crossentropy"' if model != "linear" else '"mse"'
    metrics = '["accuracy"]' if model != "linear" else "[]"
    opt = "Adam" if config["optimizer"] == "adam" else "SGD"
    drop = (
        "\n# Batch Lab dropped the last partial batch (drop_remainder); fit() on arrays keeps it.\n"
        if config.get("drop_remainder")
        else "\n"
    )
    b, e = config["batch_size"], config["epochs"]
    fit = _fit_lines(config, shuffle)
    k = int(config.get("accumulation") or 1)
    accumulate = f", gradient_accumulation_steps={k}" if k > 1 else ""
    return f'''"""Reproduces a Batch Lab run: {dataset} / {model}, B={b}, E={e}.

Run it with: python this_file.py   (needs numpy, keras and a backend, e.g. tensorflow)
Batch Lab draws the initial weights with NumPy and feeds its own permutation; here Keras does
both, so the losses follow the same course but are not bit-identical.
"""

import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed({config["seed"]})

{data}

{net}
model.compile(
    optimizer=keras.optimizers.{opt}(learning_rate={float(config["lr"])!r}{accumulate}),
    loss={loss},
    metrics={metrics},
){drop}{fit}
print({{k: [round(v, 4) for v in vals] for k, vals in history.history.items()}})
'''
