"""A user's own model and data, from files: checked before anything in them is loaded.

Who does what:
- `inspect_model(path)` reads a Keras 3 `.keras` archive (a zip: config.json, metadata.json,
  model.weights.h5) without Keras. It refuses what would run code (a `Lambda` layer, a custom
  or non-Keras object, a function other than a Keras activation), models with several inputs
  or outputs, and archives too big unpacked; it returns a `ModelSpec`: the input shape, the
  output's units and activation, the layers and the parameter count. The engine then loads the
  file with `keras.saving.load_model(safe_mode=True, compile=False)` (`models.load_file`), so
  the check here is a second lock, not the only one.
- `load_data(path, ...)` reads `.npz` (`x`, `y`, optionally `x_test`, `y_test`), `.csv` (as
  the csv dataset) or a `.zip` of image folders (`class_name/*.png|jpg`), as a `datasets.Data`.
  Arrays are fed as given: no rescaling.
- `check_pair(spec, data, loss)` says whether the model can train on the data, and with which
  loss (`LOSSES`): the output decides unless the user overrides it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass

import numpy as np

from core.errors import InputError, Note, check_choice
from core.train import fileshapes

# Caps on what a file may hold. Uploads are capped lower by the server (maxUploadSize).
MODEL_MAX_BYTES = 200 * 2**20
DATA_MAX_BYTES = 200 * 2**20
UNPACKED_MAX_BYTES = 1 * 2**30  # a zip (.keras, .npz, images) unpacks to at most this
ZIP_MAX_ENTRIES = 20_000
ZIP_MAX_RATIO = 200  # a member that unpacks to more than 200× its packed size is a zip bomb
IMAGE_MAX_PIXELS = 4096 * 4096
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
DATA_SUFFIXES = (".npz", ".csv", ".zip")
DEFAULT_IMAGE_SHAPE = (28, 28, 1)  # a zip of images for a bundled model

# "auto": the output decides (softmax or n units → sparse categorical cross-entropy; 1 sigmoid
# unit → binary cross-entropy; 1 other unit → mean squared error).
LOSSES = ("auto", "sparse_categorical_crossentropy", "binary_crossentropy", "mse")

# Keras's own serialisable parts that load no code: layers, initialisers, regularisers,
# constraints, dtype policies and the model classes. A "function" is allowed only as a Keras
# activation; Lambda and TFSMLayer (a SavedModel: a graph from elsewhere) never.
_SAFE_MODULES = (
    "keras",
    "keras.layers",
    "keras.initializers",
    "keras.regularizers",
    "keras.constraints",
    "keras.activations",
    "keras.models",
    "keras.src.models.functional",
    "keras.src.models.sequential",
    "keras.src.models.model",
)
_CODE_LAYERS = ("Lambda", "TFSMLayer", "__lambda__")


@dataclass(frozen=True)
class LayerRow:
    name: str
    kind: str
    input_shape: str  # what the layer takes, e.g. "(None, 128)"; "" where the file does not say
    detail: str  # units, filters, activation
    output_shape: str = ""  # what it gives (core.train.fileshapes); "?" where not known


@dataclass(frozen=True)
class ModelSpec:
    """What a `.keras` file holds, read without Keras."""

    file_name: str
    sha256: str
    input_shape: tuple  # without the batch axis; None for a free dimension
    output_units: int
    output_activation: str
    layers: tuple[LayerRow, ...]
    parameters: int
    keras_version: str

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


def file_hash(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _size(path: str, cap: int, what: str) -> int:
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise InputError(
            "cannot read the {what} file {path!r}: {reason}.",
            what=what,
            path=os.path.basename(path),
            reason=exc.strerror,
        ) from None
    if size == 0:
        raise InputError(
            "the {what} file {path!r} is empty: choose the saved file itself.",
            what=what,
            path=os.path.basename(path),
        )
    if size > cap:
        raise InputError(
            "the {what} file is {mb:,.0f} MB, over the {cap:,} MB cap: use a smaller file.",
            what=what,
            mb=size / 2**20,
            cap=cap // 2**20,
        )
    return size


def _open_zip(path: str, what: str, hint: str) -> zipfile.ZipFile:
    """The archive, once its listing shows no zip bomb and no path outside its folder."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError(
            "{name!r} is not a {what}: {hint}", name=os.path.basename(path), what=what, hint=hint
        ) from None
    members = archive.infolist()
    if len(members) > ZIP_MAX_ENTRIES:
        raise InputError(
            "the archive holds {count:,} files, more than {cap:,}: use fewer.",
            count=len(members),
            cap=ZIP_MAX_ENTRIES,
        )
    total = sum(m.file_size for m in members)
    bomb = any(m.file_size > ZIP_MAX_RATIO * max(m.compress_size, 1024) for m in members)
    if total > UNPACKED_MAX_BYTES or bomb:
        raise InputError(
            "the archive would unpack to {mb:,.0f} MB (a zip bomb, or too big): the cap is "
            "{cap:,} MB unpacked; use a smaller file.",
            mb=total / 2**20,
            cap=UNPACKED_MAX_BYTES // 2**20,
        )
    for m in members:
        parts = m.filename.replace("\\", "/").split("/")
        if m.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise InputError(
                "the archive names a path outside its own folder ({name!r}): it is refused.",
                name=m.filename,
            )
    return archive


# -- the model ------------------------------------------------------------------------------


def inspect_model(path: str) -> ModelSpec:
    """Read and check a `.keras` file without loading anything in it (see the module doc)."""
    name = os.path.basename(path)
    _size(path, MODEL_MAX_BYTES, "model")
    hint = "save your model with `model.save('model.keras')` (Keras 3) and choose that file."
    archive = _open_zip(path, "Keras 3 .keras file", hint)
    with archive:
        if "config.json" not in archive.namelist():
            raise InputError("{name!r} is not a Keras 3 .keras file: {hint}", name=name, hint=hint)
        try:
            config = json.loads(archive.read("config.json"))
            meta = (
                json.loads(archive.read("metadata.json"))
                if "metadata.json" in archive.namelist()
                else {}
            )
        except (ValueError, UnicodeDecodeError):
            raise InputError(
                "{name!r} is not a Keras 3 .keras file: {hint}", name=name, hint=hint
            ) from None
        _refuse_code(config)
        weights = (
            archive.read("model.weights.h5") if "model.weights.h5" in archive.namelist() else b""
        )
    inner = config.get("config", {}) if isinstance(config, dict) else {}
    layers = inner.get("layers") or []
    if config.get("class_name") not in ("Sequential", "Functional", "Model") or not layers:
        raise InputError(
            "{name!r} holds a {kind}, not a Sequential or functional model: Batch Lab trains "
            "models built from Keras layers.",
            name=name,
            kind=config.get("class_name", "?"),
        )
    _one_each(inner, name)
    input_shape = _input_shape(config, layers, name)
    out_layer = _output_layer(config, layers)
    units, activation = _output(out_layer, name)
    rows = tuple(
        _layer_row(layer, shapes)
        for layer, shapes in zip(layers, fileshapes.layer_shapes(config), strict=True)
        if layer.get("class_name") != "InputLayer"
    )
    return ModelSpec(
        file_name=name,
        sha256=file_hash(path),
        input_shape=input_shape,
        output_units=units,
        output_activation=activation,
        layers=rows,
        parameters=_parameters(weights),
        keras_version=str(meta.get("keras_version", "")),
    )


def _refuse_code(node, key: str = "") -> None:
    """Refuse anything in the config that would import or run code when loaded."""
    if key == "compile_config":  # compile=False: never deserialised
        return
    if isinstance(node, list):
        for item in node:
            _refuse_code(item)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("class_name")
    if isinstance(kind, str):
        module = node.get("module")
        if kind in _CODE_LAYERS:
            raise InputError(
                "the model has a `{kind}` layer, which would run Python code from the file when "
                "loaded, so it is refused: rebuild it without Lambda (a built-in layer or a "
                "Keras op does the same) and save it again.",
                kind=kind,
            )
        if kind == "function" and module != "keras.activations":
            raise InputError(
                "the model names a function from `{module}`, which would run code from outside "
                "Keras when loaded, so it is refused: use Keras's own layers and activations.",
                module=module,
            )
        if module is not None and module not in _SAFE_MODULES:
            raise InputError(
                "the model uses `{kind}` from `{module}`, a custom or non-Keras object whose "
                "code would run when loaded, so it is refused: use Keras's own layers.",
                kind=kind,
                module=module,
            )
        registered = node.get("registered_name")
        if registered not in (None, kind) and module not in _SAFE_MODULES[:1]:
            raise InputError(
                "the model uses the custom object `{name}`, whose code would run when loaded, "
                "so it is refused: use Keras's own layers.",
                name=registered,
            )
    for k, v in node.items():
        _refuse_code(v, k)


def _names(value) -> list:
    """input_layers / output_layers: one ['name', 0, 0] or a list of them."""
    if not value:
        return []
    if isinstance(value, list) and value and isinstance(value[0], str):
        return [value]
    return list(value) if isinstance(value, list) else [value]


def _one_each(inner: dict, name: str) -> None:
    ins, outs = _names(inner.get("input_layers")), _names(inner.get("output_layers"))
    if len(ins) > 1 or len(outs) > 1:
        raise InputError(
            "{name!r} has {ins} inputs and {outs} outputs: Batch Lab trains a model with one "
            "input and one output (x → y); save a model that takes one array.",
            name=name,
            ins=max(len(ins), 1),
            outs=max(len(outs), 1),
        )


def _input_shape(config: dict, layers: list, name: str) -> tuple:
    first = layers[0]
    shape = None
    if first.get("class_name") == "InputLayer":
        cfg = first.get("config", {})
        shape = cfg.get("batch_shape") or cfg.get("batch_input_shape")
    shape = shape or (config.get("build_config") or {}).get("input_shape")
    shape = shape or (config.get("config") or {}).get("build_input_shape")
    if not isinstance(shape, list) or len(shape) < 2:
        raise InputError(
            "{name!r} does not say its input shape: build the model with `keras.Input(shape)` "
            "before saving it.",
            name=name,
        )
    return tuple(shape[1:])


def _output_layer(config: dict, layers: list) -> dict:
    outs = _names((config.get("config") or {}).get("output_layers"))
    if outs:
        wanted = outs[0][0]
        for layer in layers:
            if layer.get("name") == wanted or layer.get("config", {}).get("name") == wanted:
                return layer
    return layers[-1]


def _output(layer: dict, name: str) -> tuple[int, str]:
    cfg = layer.get("config", {})
    units = cfg.get("units")
    activation = cfg.get("activation")
    if layer.get("class_name") in ("Softmax", "Activation"):
        activation = cfg.get("activation", "softmax")
        units = None
    if isinstance(activation, dict):
        activation = activation.get("config", "linear")
    if not isinstance(units, int):
        shape = (layer.get("build_config") or {}).get("input_shape")
        units = shape[-1] if isinstance(shape, list) and isinstance(shape[-1], int) else None
    if not isinstance(units, int) or units < 1:
        raise InputError(
            "the last layer of {name!r} ({kind}) does not say how many outputs it has: end the "
            "model with a Dense layer.",
            name=name,
            kind=layer.get("class_name", "?"),
        )
    return units, str(activation or "linear")


def _layer_row(layer: dict, shapes: tuple) -> LayerRow:
    cfg = layer.get("config", {})
    bits = []
    for key in ("units", "filters", "kernel_size", "pool_size", "rate"):
        if cfg.get(key) is not None:
            bits.append(f"{key}={cfg[key]}")
    activation = cfg.get("activation")
    if isinstance(activation, str) and activation != "linear":
        bits.append(activation)
    taken, given = shapes
    return LayerRow(
        name=str(cfg.get("name", layer.get("name", ""))),
        kind=str(layer.get("class_name", "")),
        input_shape=_shape_text(taken),
        detail=", ".join(bits),
        output_shape=_shape_text(given) or "?",
    )


def _shape_text(shape) -> str:
    if not isinstance(shape, list):
        return ""
    if shape and isinstance(shape[0], list):  # a merge's inputs
        return ", ".join(_shape_text(each) for each in shape)
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ")"


def _parameters(weights: bytes) -> int:
    """Every weight the model holds (Keras's count_params), not the optimizer's slots."""
    if not weights:
        return 0
    import h5py

    total = 0

    def visit(name: str, obj) -> None:
        nonlocal total
        if isinstance(obj, h5py.Dataset) and not name.startswith("optimizer"):
            total += int(np.prod(obj.shape)) if obj.shape else 1

    try:
        with h5py.File(io.BytesIO(weights), "r") as h5:
            h5.visititems(visit)
    except OSError:
        raise InputError(
            "the model's weights file could not be read: save the model again."
        ) from None
    return total


# -- the data -------------------------------------------------------------------------------


def load_data(
    path: str,
    n: int | None,
    image_shape: tuple | None,
    label: str | None,
    task: str,
    classify: bool | None,
):
    """The file's arrays as a `datasets.Data` (`classify`: what the model's loss wants, None when
    the data decide)."""
    from core.train import datasets

    name = os.path.basename(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in DATA_SUFFIXES:
        raise InputError(
            "{name!r} is not a data file Batch Lab reads: use .npz (x, y), .csv or a .zip of "
            "image folders.",
            name=name,
        )
    _size(path, DATA_MAX_BYTES, "data")
    if suffix == ".csv":
        if not label:
            raise InputError("a CSV data file needs a label column (--label COLUMN).")
        with open(path, "rb") as f:
            data = datasets.csv(f.read(), label, n, task=task)
        data.name = name
        return data
    if suffix == ".zip":
        x, y, classes = _images(path, image_shape or DEFAULT_IMAGE_SHAPE)
        x_test = y_test = None
        notes = [
            Note(
                "{count:,} images in {k} classes ({names}), resized to {shape}; pixels are fed "
                "as 0–255, as Keras's image_dataset_from_directory gives them (add a "
                "Rescaling(1/255) layer to your model to scale them).",
                count=len(x),
                k=len(classes),
                names=", ".join(classes[:10]),
                shape="×".join(map(str, x.shape[1:])),
            )
        ]
    else:
        x, y, x_test, y_test = _npz(path)
        classes, notes = [], []
    return _as_data(name, x, y, x_test, y_test, n, classify, classes, notes)


def _npz(path: str):
    name = os.path.basename(path)
    archive = _open_zip(path, ".npz file", "save it with `numpy.savez(path, x=x, y=y)`.")
    archive.close()
    try:
        with np.load(path, allow_pickle=False) as f:
            keys = set(f.files)
            if not {"x", "y"} <= keys:
                raise InputError(
                    "{name!r} holds {keys}, not `x` and `y`: save it with "
                    "`numpy.savez(path, x=x, y=y)` (and x_test, y_test if you have them).",
                    name=name,
                    keys=", ".join(sorted(keys)) or "nothing",
                )
            if ("x_test" in keys) != ("y_test" in keys):
                raise InputError(
                    "{name!r} has only one of x_test and y_test: give both or neither.", name=name
                )
            arrays = [f[k] if k in keys else None for k in ("x", "y", "x_test", "y_test")]
    except ValueError as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(
            "{name!r} could not be read as plain arrays ({reason}): save numbers only, with "
            "`numpy.savez` (object arrays are refused: loading them would run code).",
            name=name,
            reason=str(exc).split(".")[0],
        ) from None
    return arrays


def _numeric(what: str, a: np.ndarray) -> np.ndarray:
    if a.dtype.kind not in "biuf":
        raise InputError(
            "`{what}` holds {dtype} values: Batch Lab needs numbers.", what=what, dtype=str(a.dtype)
        )
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        bad = int((~np.isfinite(a)).sum())
        raise InputError(
            "`{what}` has {bad:,} NaN or infinite values: remove or fill them before saving.",
            what=what,
            bad=bad,
        )
    return a


def _as_data(name, x, y, x_test, y_test, n, classify, classes, notes):
    from core.train import datasets

    x = _numeric("x", np.asarray(x))
    y = _numeric("y", np.asarray(y))
    if x.ndim < 2 or len(x) == 0:
        raise InputError(
            "`x` must hold one row per sample (at least 2 dimensions, samples first), got "
            "shape {shape}.",
            shape=tuple(x.shape),
        )
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != len(x):
        raise InputError(
            "`y` must hold one label or value per sample of `x` ({n:,}), got shape {shape}.",
            n=len(x),
            shape=tuple(y.shape),
        )
    integral = y.dtype.kind in "biu" or bool(np.all(y == np.round(y)))
    if classify is None:  # the data decide, as for a CSV
        classify = integral and len(np.unique(y)) <= datasets.CSV_MAX_CLASSES
    if x_test is not None:
        x_test = _numeric("x_test", np.asarray(x_test))
        y_test = _numeric("y_test", np.asarray(y_test))
        if y_test.ndim == 2 and y_test.shape[1] == 1:
            y_test = y_test[:, 0]
        if x_test.shape[1:] != x.shape[1:] or len(y_test) != len(x_test) or y_test.ndim != 1:
            raise InputError(
                "`x_test` {shape_t} and `y_test` must match `x` {shape} sample for sample.",
                shape_t=tuple(x_test.shape),
                shape=tuple(x.shape),
            )
    if classify:
        labels = [y] if y_test is None else [y, y_test]
        if not all(np.all(v == np.round(v)) and (v >= 0).all() for v in labels):
            raise InputError(
                "the labels `y` must be whole numbers from 0 (class indices) for a classifier: "
                "encode each class as 0, 1, 2, …"
            )
    x = x.astype(np.float32)
    y = y.astype(np.int32) if classify else y.astype(np.float32)
    if x_test is None:
        x, y, x_test, y_test = datasets._split_test(x, y, 0.2, 0)
        notes.append(
            Note("No x_test/y_test in the file: 20% of the samples (seeded) are held out for test.")
        )
    else:
        x_test = x_test.astype(np.float32)
        y_test = y_test.astype(np.int32) if classify else y_test.astype(np.float32)
    if len(x) == 0:
        raise InputError(
            "the file has too few samples to hold 20% out for test: give at least "
            "2 samples, or x_test and y_test."
        )
    x, y = datasets._take(name, x, y, n, held_out=len(x_test))
    if classify:
        num = int(max(y.max(initial=0), y_test.max(initial=0))) + 1
        task = "classification"
    else:
        num, task = 0, "regression"
    return datasets.Data(
        name,
        x,
        y,
        x_test,
        y_test,
        task,
        num,
        is_image=x.ndim == 4,
        notes=tuple(notes),
        class_names=list(classes),
    )


def _images(path: str, shape: tuple):
    """(x, y, class names) from a zip of `class_name/*.png|jpg` folders, resized to SHAPE."""
    from PIL import Image

    name = os.path.basename(path)
    hint = "zip a folder that holds one folder of images per class."
    archive = _open_zip(path, "zip of image folders", hint)
    if len(shape) != 3 or not all(isinstance(s, int) for s in shape[:2]):
        raise InputError(
            "images need a model whose input is (height, width, channels), got {shape}.",
            shape=shape,
        )
    height, width, channels = shape[0], shape[1], shape[2] or 3
    with archive:
        files = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and m.filename.lower().endswith(IMAGE_SUFFIXES)
            and "__MACOSX" not in m.filename
        ]
        parts = [m.filename.replace("\\", "/").split("/") for m in files]
        # A zipped folder: one common top folder above the class folders.
        while parts and all(len(p) > 2 for p in parts) and len({p[0] for p in parts}) == 1:
            parts = [p[1:] for p in parts]
        if not files or any(len(p) != 2 for p in parts):
            raise InputError("{name!r} is not a zip of image folders: {hint}", name=name, hint=hint)
        classes = sorted({p[0] for p in parts})
        if len(classes) < 2:
            raise InputError(
                "{name!r} holds one class folder ({cls}): a classifier needs at least two.",
                name=name,
                cls=classes[0],
            )
        index = {c: i for i, c in enumerate(classes)}
        mode = "L" if channels == 1 else "RGB"
        x = np.zeros((len(files), height, width, channels), np.float32)
        y = np.zeros(len(files), np.int32)
        Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
        for i, (member, p) in enumerate(zip(files, parts, strict=True)):
            try:
                with Image.open(io.BytesIO(archive.read(member))) as img:
                    if img.width * img.height > IMAGE_MAX_PIXELS:  # before decoding
                        raise Image.DecompressionBombError(member.filename)
                    pixels = np.asarray(img.convert(mode).resize((width, height)), np.float32)
            except (OSError, ValueError, Image.DecompressionBombError):
                raise InputError(
                    "{file!r} in the zip is not a readable PNG or JPEG image "
                    "(at most {cap:,} pixels).",
                    file=member.filename,
                    cap=IMAGE_MAX_PIXELS,
                ) from None
            x[i] = pixels.reshape(height, width, channels)
            y[i] = index[p[0]]
    order = np.random.default_rng(np.random.SeedSequence([0, 6])).permutation(len(x))
    return x[order], y[order], classes


# -- the pair -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossChoice:
    loss: str  # one of LOSSES but "auto"
    from_logits: bool
    classify: bool


def choose_loss(spec: ModelSpec, loss: str = "auto") -> LossChoice:
    """The loss the output implies, or the user's override."""
    check_choice("loss", loss, LOSSES)
    units, act = spec.output_units, spec.output_activation
    if loss == "auto":
        if units > 1:
            loss = "sparse_categorical_crossentropy"
        elif act == "sigmoid":
            loss = "binary_crossentropy"
        else:
            loss = "mse"
    if loss == "sparse_categorical_crossentropy":
        if units < 2:
            raise InputError(
                "sparse categorical cross-entropy needs one output unit per class, and the "
                "model has 1: use binary_crossentropy or mse, or end the model with Dense(k).",
            )
        return LossChoice(loss, act != "softmax", True)
    if loss == "binary_crossentropy":
        if units != 1:
            raise InputError(
                "binary cross-entropy needs 1 output unit, and the model has {units}: use "
                "sparse_categorical_crossentropy.",
                units=units,
            )
        return LossChoice(loss, act != "sigmoid", True)
    if units != 1:
        raise InputError(
            "mse here fits one value per sample, and the model has {units} outputs: use "
            "sparse_categorical_crossentropy, or end the model with Dense(1).",
            units=units,
        )
    return LossChoice("mse", False, False)


def check_pair(spec: ModelSpec, data, choice: LossChoice) -> None:
    """Raise InputError when the model cannot take the data's samples or labels."""
    want, have = spec.input_shape, data.input_shape
    fits = len(want) == len(have) and all(
        w is None or w == h for w, h in zip(want, have, strict=False)
    )
    if not fits:
        raise InputError(
            "the model takes samples of shape {want}, and the data's samples have shape "
            "{have}: give data with that shape, or a model built for {have}.",
            want=_tuple_text(want),
            have=_tuple_text(have),
        )
    if choice.classify and data.task != "classification":
        raise InputError(
            "the model's loss ({loss}) classifies, and the labels are not class indices: use "
            "--loss mse (and a 1-unit output) for a regression target.",
            loss=choice.loss,
        )
    if not choice.classify and data.task == "classification" and spec.output_units != 1:
        raise InputError("the model's output does not fit one value per sample.")
    if choice.classify:
        classes = max(2, spec.output_units)
        top = int(max(data.y.max(initial=0), data.y_test.max(initial=0)))
        if top >= classes:
            raise InputError(
                "the labels go up to {top}, and the model's output has {classes} classes "
                "(0 to {last}): give a model with at least {need} outputs, or labels below "
                "{classes}.",
                top=top,
                classes=classes,
                last=classes - 1,
                need=top + 1,
            )


def _tuple_text(shape: tuple) -> str:
    """(12,) or (28, 28, any): a shape as Python writes it, `any` for a free dimension."""
    inner = ", ".join("any" if v is None else str(v) for v in shape)
    return f"({inner}{',' if len(shape) == 1 else ''})"


def num_classes(spec: ModelSpec, choice: LossChoice) -> int:
    return max(2, spec.output_units) if choice.classify else 0
