"""The tutorials' models, built with Keras 3 (imported here, lazily by the engine).

Weights are initialised from explicit seeds, so the same seed gives the same initial weights
without touching global random state.
"""

from __future__ import annotations

MODELS = ("mlp", "cnn", "linear")
OPTIMIZERS = ("adam", "sgd")


def check_model_choice(model: str, task: str, is_image: bool, dataset: str) -> None:
    """Raise ValueError when `model` cannot train on this data."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}: choose one of {', '.join(MODELS)}.")
    if model == "cnn" and not is_image:
        raise ValueError(
            f"the cnn model needs image data, and `{dataset}` is not images: use mlp, or the "
            "digits or mnist dataset."
        )
    if model == "linear" and task != "regression":
        raise ValueError(
            f"the linear model is for regression, and `{dataset}` is classification: use mlp."
        )
    if model in ("mlp", "cnn") and task == "regression":
        raise ValueError(
            f"`{dataset}` is a regression task: use the linear model (mlp and cnn classify)."
        )


def build(model: str, input_shape: tuple[int, ...], num_classes: int, seed: int = 0):
    """A fresh, unbuilt-free Keras model (built, weights initialised from `seed`)."""
    import keras
    from keras import layers

    counter = iter(range(1000))

    def init():
        return keras.initializers.GlorotUniform(seed=seed * 1000 + next(counter))

    if model == "mlp":
        net = keras.Sequential(
            [
                keras.Input(input_shape),
                layers.Flatten(),
                layers.Dense(128, activation="relu", kernel_initializer=init()),
                layers.Dense(64, activation="relu", kernel_initializer=init()),
                layers.Dense(num_classes, activation="softmax", kernel_initializer=init()),
            ],
            name="mlp",
        )
    elif model == "cnn":
        net = keras.Sequential(
            [
                keras.Input(input_shape),
                layers.Conv2D(32, (3, 3), activation="relu", kernel_initializer=init()),
                layers.MaxPooling2D((2, 2)),
                layers.Flatten(),
                layers.Dense(64, activation="relu", kernel_initializer=init()),
                layers.Dense(num_classes, activation="softmax", kernel_initializer=init()),
            ],
            name="cnn",
        )
    elif model == "linear":
        net = keras.Sequential(
            [keras.Input(input_shape), layers.Dense(1, kernel_initializer=init())], name="linear"
        )
    else:
        raise ValueError(f"unknown model {model!r}: choose one of {', '.join(MODELS)}.")
    return net


def make_optimizer(name: str, lr: float):
    import keras

    if name == "adam":
        return keras.optimizers.Adam(learning_rate=float(lr))
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=float(lr))
    raise ValueError(f"unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}.")


def make_loss(task: str):
    import keras

    if task == "classification":
        return keras.losses.SparseCategoricalCrossentropy()
    return keras.losses.MeanSquaredError()
