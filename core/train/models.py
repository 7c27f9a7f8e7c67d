"""The tutorials' models, built with Keras 3 (imported here, lazily by the engine).

Weights are initialised from explicit seeds, so the same seed gives the same initial weights
without touching global random state.
"""

from __future__ import annotations

import numpy as np

from core.errors import InputError, check_choice

MODELS = ("mlp", "cnn", "linear")
MODEL_FILE = "file"  # the user's own .keras file (`TrainConfig.model_file`)
OPTIMIZERS = ("adam", "sgd")


def check_model_choice(model: str, task: str, is_image: bool, dataset: str) -> None:
    """Raise ValueError when `model` cannot train on this data."""
    if model == MODEL_FILE:  # the file's own output decides (`userfiles.check_pair`)
        return
    check_choice("model", model, MODELS)
    if model == "cnn" and not is_image:
        raise InputError(
            "the cnn model needs image data, and `{dataset}` is not images: use mlp, or the "
            "digits or mnist dataset.",
            dataset=dataset,
        )
    if model == "linear" and task != "regression":
        raise InputError(
            "the linear model is for regression, and `{dataset}` is classification: use mlp.",
            dataset=dataset,
        )
    if model in ("mlp", "cnn") and task == "regression":
        raise InputError(
            "`{dataset}` is a regression task: use the linear model (mlp and cnn classify).",
            dataset=dataset,
        )


def build(model: str, input_shape: tuple[int, ...], num_classes: int, seed: int = 0):
    """A fresh Keras model, built, with weights drawn from `seed` by NumPy.

    NumPy (not the backend's RNG) draws the initial weights, so the same seed gives the same
    model on the TensorFlow and the JAX backends.
    """
    import keras
    from keras import layers

    check_choice("model", model, MODELS)
    if model == "mlp":
        net = keras.Sequential(
            [
                keras.Input(input_shape),
                layers.Flatten(),
                layers.Dense(128, activation="relu"),
                layers.Dense(64, activation="relu"),
                layers.Dense(num_classes, activation="softmax"),
            ],
            name="mlp",
        )
    elif model == "cnn":
        net = keras.Sequential(
            [
                keras.Input(input_shape),
                layers.Conv2D(32, (3, 3), activation="relu"),
                layers.MaxPooling2D((2, 2)),
                layers.Flatten(),
                layers.Dense(64, activation="relu"),
                layers.Dense(num_classes, activation="softmax"),
            ],
            name="cnn",
        )
    else:  # linear
        net = keras.Sequential([keras.Input(input_shape), layers.Dense(1)], name="linear")
    init_weights(net, seed)
    return net


def init_weights(net, seed: int) -> None:
    """Glorot-uniform kernels and zero biases (Keras's defaults), drawn by NumPy from `seed`."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 5]))
    for layer in net.layers:
        kernel = getattr(layer, "kernel", None)
        if kernel is None:
            continue
        shape = tuple(kernel.shape)
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        kernel.assign(rng.uniform(-limit, limit, shape).astype("float32"))
        if getattr(layer, "bias", None) is not None:
            layer.bias.assign(np.zeros(tuple(layer.bias.shape), dtype="float32"))


def kernel_shapes(
    model: str, input_shape: tuple[int, ...], num_classes: int
) -> list[tuple[int, ...]]:
    """The kernel shapes of `build(MODEL, ...)`'s layers in order, worked out without Keras
    (Dense: (in, out); Conv2D 3×3 valid, then 2×2 max pooling)."""
    check_choice("model", model, MODELS)
    if model == "linear":
        return [(int(np.prod(input_shape)), 1)]
    if model == "mlp":
        return [(int(np.prod(input_shape)), 128), (128, 64), (64, num_classes)]
    height, width, channels = input_shape
    flat = ((height - 2) // 2) * ((width - 2) // 2) * 32
    return [(3, 3, channels, 32), (flat, 64), (64, num_classes)]


def initial_weights(
    model: str, input_shape: tuple[int, ...], num_classes: int, seed: int = 0
) -> list[np.ndarray]:
    """`build(...).get_weights()` drawn by NumPy alone (kernel, bias per layer): the same draws
    as `init_weights`, for an export that must not import a backend."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 5]))
    out = []
    for shape in kernel_shapes(model, input_shape, num_classes):
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        out += [rng.uniform(-limit, limit, shape).astype("float32"), np.zeros(shape[-1], "float32")]
    return out


def make_optimizer(name: str, lr: float, accumulation: int = 1):
    """A Keras optimizer; `accumulation` K ≥ 2 averages K batch gradients into each update.

    Keras 3 accumulates inside `apply`/`stateless_apply` (and so inside `fit`): K = 1 means
    none, which Keras spells `gradient_accumulation_steps=None`.
    """
    import keras

    check_choice("optimizer", name, OPTIMIZERS)
    steps = int(accumulation) if accumulation > 1 else None
    cls = keras.optimizers.Adam if name == "adam" else keras.optimizers.SGD
    return cls(learning_rate=float(lr), gradient_accumulation_steps=steps)


def make_loss(task: str, kind: str = "auto", from_logits: bool = False):
    """The Keras loss: by task for the bundled models, by KIND (`userfiles.LOSSES`) for a file's.

    Keras's losses bring labels of shape (B,) and outputs of shape (B, 1) to one rank first.
    """
    import keras

    if kind == "binary_crossentropy":
        return keras.losses.BinaryCrossentropy(from_logits=from_logits)
    if kind == "sparse_categorical_crossentropy" or (kind == "auto" and task == "classification"):
        return keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    return keras.losses.MeanSquaredError()


def load_file(path: str, expected_sha256: str | None = None):
    """The user's `.keras` model with its saved weights, loaded in safe mode (no code runs:
    Keras refuses a Lambda's bytecode) and uncompiled (the optimizer and loss are Batch Lab's).

    `userfiles.inspect_model` has already refused what would run code; the file is hashed again
    here so that a file swapped after the check is not loaded.
    """
    import keras

    from core.train.userfiles import file_hash

    if expected_sha256 is not None and file_hash(path) != expected_sha256:
        raise InputError(
            "the model file changed after it was checked: choose it again.",
        )
    try:
        net = keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as exc:  # Keras's own refusal or a broken file: one sentence, no trace
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise InputError(
            "the model file could not be loaded safely ({reason}): save it with Keras 3's "
            "`model.save('model.keras')`, built from Keras's own layers.",
            reason=reason,
        ) from None
    # What `reset` restores for each new run: the file's own initial weights.
    net._batchlab_initial = [np.array(v.numpy()) for v in net.weights]
    return net


def reset_weights(net, seed: int) -> None:
    """A new run's initial weights: the file's as saved, else drawn from SEED."""
    initial = getattr(net, "_batchlab_initial", None)
    if initial is None:
        init_weights(net, seed)
        return
    for var, value in zip(net.weights, initial, strict=True):
        var.assign(value)
