"""Exports that leave Batch Lab: TensorBoard logs and a standalone Keras script.

- `tensorboard_zip()` writes TensorBoard event files (TFRecord framing, `Event` protobufs with
  scalar summaries) for runs: per-step training loss and per-epoch losses and accuracies, one
  sub-directory per run, zipped. No TensorFlow is imported: the format is small enough to write
  by hand (see tensorflow/core/util/event.proto and the TFRecord format).
- `keras_script()` writes a Python script that reproduces a run with stock Keras `fit`, and
  `reproduction_zip()` packs it with the arrays it reads (`reproduction_arrays`: the data the run
  trained on, split and encoded, the order it was fed in, the initial weights), so the script's
  per-epoch losses are the run's. `data_source()`: how Batch Lab makes each named dataset.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
from dataclasses import replace

import numpy as np

from core.errors import InputError
from core.run.store import RunStore
from core.schedule.plan import parse_lr_schedule
from core.train import userfiles
from core.train.datasets import BLOBS_CLASSES, BLOBS_FEATURES
from core.train.engine import TrainConfig, planned_steps, prepare
from core.train.models import initial_weights

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
                step = e["epoch"]  # from 0, as the app counts epochs (it logged 1..E)
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


def _file_loss(config: dict) -> tuple[str, str]:
    """(loss, metrics) source for a run on a .keras file: its output picks the loss."""
    try:
        spec = userfiles.inspect_model(str(config["model_file"]))
        choice = userfiles.choose_loss(spec, config.get("loss") or "auto")
    except InputError:  # the upload went with its session: the loss the run stored
        name = config.get("loss") or "auto"
        name = "sparse_categorical_crossentropy" if name == "auto" else name
        choice = userfiles.LossChoice(name, False, name != "mse")
    names = {
        "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
        "binary_crossentropy": "BinaryCrossentropy",
    }
    if choice.loss == "mse":
        return "keras.losses.MeanSquaredError()", "[]"
    loss = f"keras.losses.{names[choice.loss]}(from_logits={choice.from_logits})"
    return loss, '["accuracy"]'


def keras_script(config: dict, steps: int | None = None) -> str:
    """Python source that reproduces a run with stock `model.fit`, from the arrays beside it.

    The script reads `<its own name>.npz` (`reproduction_zip` writes both): the exact training
    and validation arrays the run used (its split, its label encoding), the order Batch Lab fed
    them in every epoch, and the initial weights; it standardises the features where the run
    did, builds the same model (or loads the run's .keras file), and fits one epoch at a time
    in that order, STEPS steps in all (default: every planned step). Its per-epoch losses are
    the run's.
    """
    dataset, model = config["dataset"], config["model"]
    b, e = config["batch_size"], config["epochs"]
    loss = '"sparse_categorical_crossentropy"' if model != "linear" else '"mse"'
    metrics = '["accuracy"]' if model != "linear" else "[]"
    if config.get("model_file"):  # the loss the file's output implies (or the user chose)
        loss, metrics = _file_loss(config)
    opt = "Adam" if config["optimizer"] == "adam" else "SGD"
    k = int(config.get("accumulation") or 1)
    accumulate = f", gradient_accumulation_steps={k}" if k > 1 else ""
    model_file = config.get("model_file")
    if model_file:
        net = (
            "# The run's own model, its initial weights as saved.\n"
            f"model = keras.saving.load_model({str(model_file)!r}, safe_mode=True, compile=False)"
        )
    else:
        net = (
            _MODELS[model]
            .replace("x = x.reshape(-1, __SIDE__, __SIDE__, 1)\n", "")
            .replace("x.shape[1:]", "x_train.shape[1:]")
            + "\n# Batch Lab's initial weights: Glorot-uniform kernels drawn by NumPy from seed "
            + f"{config['seed']}, zero biases.\n"
            + 'model.set_weights([saved[f"w{i}"] for i in range(len(model.weights))])'
        )
    warmup = float(config.get("warmup_epochs") or 0.0)
    callbacks, warmup_src = "[]", ""
    if warmup > 0:
        callbacks = "[Warmup()]"
        start = config.get("warmup_from_lr")
        start = float(config["lr"]) / 20 if start is None else float(start)  # WARMUP_LEVELS
        warmup_src = (
            _WARMUP.replace("__LR__", repr(float(config["lr"])))
            .replace("__EPOCHS__", repr(warmup))
            .replace("__START__", repr(start))
        )
    planned = (
        "sum(-(-int(c) // int(s)) for c, s in zip(counts, sizes))" if steps is None else str(steps)
    )
    lr_step = (
        "    model.optimizer.learning_rate = lr * float(lr_factors[epoch])  # lr steps\n"
        if config.get("lr_schedule")
        else ""
    )
    notes = []
    if int(config.get("replicas") or 1) > 1:
        notes.append(
            f"# The run split each batch over {config['replicas']} replicas; this trains on one "
            "device (the same sums, in another order)."
        )
    if config.get("drop_remainder"):
        notes.append("# drop_remainder: the order leaves out each epoch's last partial batch.")
    note = "".join(line + "\n" for line in notes)
    return (
        _SCRIPT.replace("__TITLE__", f"{dataset} / {model}, B={b}, E={e}")
        .replace("__NET__", net)
        .replace("__LR__", repr(float(config["lr"])))
        .replace("__OPT__", f"{opt}(learning_rate=lr{accumulate})")
        .replace("__LOSS__", loss)
        .replace("__METRICS__", metrics)
        .replace("__B__", str(b))
        .replace("__STEPS__", planned)
        .replace("__NOTE__", note)
        .replace("__LR_STEP__", lr_step)
        .replace("__WARMUP__", warmup_src)
        .replace("__CALLBACKS__", callbacks)
    )


_SCRIPT = '''"""Reproduces a Batch Lab run: __TITLE__.

Run it with: python this_file.py   (needs numpy, keras and a backend, e.g. tensorflow), with
this_file.npz beside it. The .npz holds the arrays the run trained on: its training and
validation samples (the run's split and label encoding), the order Batch Lab fed them in every
epoch, and the initial weights. Stock `model.fit` then trains one epoch at a time in that order,
so the per-epoch losses printed are the run's (to rounding, about 1e-5).
"""

import json
from pathlib import Path

import numpy as np
import keras
from keras import layers

saved = np.load(Path(__file__).with_suffix(".npz"), allow_pickle=False)
x_train, y_train = saved["x_train"], saved["y_train"]
x_val, y_val = saved["x_val"], saved["y_val"]  # Keras fit's validation split: the LAST samples
order = saved["order"]  # order[e]: the training samples of epoch e, in the order they were fed
counts, sizes = saved["counts"], saved["sizes"]  # epoch e: samples fed, batch size
lr_factors = saved["lr_factors"]  # epoch e's learning rate is lr × lr_factors[e]
num_classes = int(saved["num_classes"])  # class k is saved["class_names"][k]
if "mean" in saved.files:  # standardised with the training rows' mean and std only
    x_train = (x_train - saved["mean"]) / saved["std"]
    x_val = (x_val - saved["mean"]) / saved["std"]

__NET__
lr = __LR__
model.compile(
    optimizer=keras.optimizers.__OPT__,
    loss=__LOSS__,
    metrics=__METRICS__,
)
batch_size, steps = __B__, __STEPS__  # the steps the run took
__NOTE__done = 0
__WARMUP__
history = {}
for epoch, fed in enumerate(order):
    batch_size = int(sizes[epoch])  # a batch-size ramp changes it from epoch to epoch
__LR_STEP__    fed = fed[: counts[epoch]][: (steps - done) * batch_size]  # stopped or capped
    if not len(fed):
        break
    out = model.fit(
        x_train[fed],
        y_train[fed],
        batch_size=batch_size,
        epochs=1,
        shuffle=False,  # the order above is Batch Lab's shuffle
        validation_data=(x_val, y_val) if len(x_val) else None,
        callbacks=__CALLBACKS__,
        verbose=0,
    )
    done += -(-len(fed) // batch_size)
    for key, values in out.history.items():
        history.setdefault(key, []).append(values[0])
    print(f"epoch {epoch}: " + ", ".join(f"{k} {v[-1]:.6g}" for k, v in history.items()))
print(json.dumps(history))
'''

_WARMUP = """
# Batch Lab's linear warm-up (Goyal et al. 2017): the learning rate climbs from __START__ to lr
# over the first __EPOCHS__ epochs, a staircase of at most 20 levels, each at the line's value
# where it begins (the first step uses __START__ itself).
warmup = int(np.ceil(__EPOCHS__ * -(-int(counts[0]) // batch_size)))
stair = max(1, int(np.ceil(warmup / 20)))
start = __START__


class Warmup(keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        step = done + batch
        begins = (step // stair) * stair
        rate = start + (lr - start) * begins / warmup if step < warmup else lr
        self.model.optimizer.learning_rate = rate
"""


# The order of every epoch a run touched is saved whole: beyond this many indices, refuse.
MAX_EXPORTED_ORDER = 50_000_000


def reproduction_arrays(
    cfg: TrainConfig, csv_bytes: bytes | None = None, steps: int | None = None
) -> dict[str, np.ndarray]:
    """The arrays `keras_script` reads: what CFG's run trained on, in the order it was fed.

    Whatever the data's source, these are the arrays `prepare` gives the engine (features
    before standardisation, with its mean and std where the run standardised), the schedule's
    order for every epoch up to STEPS steps (default: all planned), and the initial weights
    `models.build` draws (none for a run on a .keras file: the script loads that file).
    """
    prepared = prepare(cfg, csv_bytes)
    data, schedule = prepared.data, prepared.schedule
    planned = planned_steps(prepared)
    steps = planned if steps is None else max(0, min(steps, planned))
    if data.scaling is not None:  # the file's numbers; the script standardises them itself
        data = prepare(replace(cfg, standardize=False), csv_bytes).data
    # The epochs the steps reach (a batch-size ramp changes the steps of each epoch).
    epochs, reached = 0, 0
    while reached < steps and epochs < schedule.spec.epochs:
        reached += schedule.epoch_steps(epochs)
        epochs += 1
    epochs = max(1, epochs)
    fed = sum(schedule.epoch_steps(e) * schedule.epoch_batch_size(e) for e in range(epochs))
    if fed > MAX_EXPORTED_ORDER:
        raise InputError(
            "this run fed {count:,} samples; the export saves their order and stops at "
            "{cap:,}: export a run with fewer epochs or samples.",
            count=fed,
            cap=MAX_EXPORTED_ORDER,
        )
    orders = [schedule.epoch_order(e) for e in range(epochs)]
    width = max(len(o) for o in orders)
    factors = dict(parse_lr_schedule(cfg.lr_schedule, cfg.epochs))
    factor, lr_factors = 1.0, []
    for e in range(epochs):
        factor = factors.get(e, factor)
        lr_factors.append(factor)
    split = schedule.train_samples
    arrays = {
        "x_train": data.x[:split],
        "y_train": data.y[:split],
        "x_val": data.x[split:],
        "y_val": data.y[split:],
        # Each epoch's fed samples (padded to one width: `counts` says how many are real), its
        # batch size and its learning-rate factor (a ramp and lr steps change them).
        "order": np.stack([np.pad(o, (0, width - len(o))) for o in orders]),
        "counts": np.array([len(o) for o in orders]),
        "sizes": np.array([schedule.epoch_batch_size(e) for e in range(epochs)]),
        "lr_factors": np.array(lr_factors, dtype=np.float64),
        "num_classes": np.array(max(data.num_classes, 1)),
        "class_names": np.array(data.class_names or [], dtype=str),
    }
    scaling = prepared.data.scaling
    if scaling is not None:
        arrays |= {"mean": scaling.mean, "std": scaling.std}
    if not getattr(cfg, "model_file", None):
        shape, classes = data.input_shape, max(data.num_classes, 1)
        weights = initial_weights(cfg.model, shape, classes, cfg.seed)
        arrays |= {f"w{i}": w for i, w in enumerate(weights)}
    return arrays


def reproduction_zip(
    cfg: TrainConfig, csv_bytes: bytes | None = None, steps: int | None = None, name: str = "run"
) -> bytes:
    """A zip holding `NAME/NAME.py` (`keras_script`) and `NAME/NAME.npz` (its arrays)."""
    arrays = reproduction_arrays(cfg, csv_bytes, steps)
    npz = io.BytesIO()
    np.savez_compressed(npz, **arrays)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}/{name}.py", keras_script(cfg.to_dict(), steps))
        zf.writestr(f"{name}/{name}.npz", npz.getvalue(), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()
