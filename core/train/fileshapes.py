"""Each layer's output shape in a `.keras` file's config, read without Keras.

A layer's output shape is what the file records as its consumer's input (a functional model's
`__keras_tensor__` shapes; in a Sequential model the next layer's `build_config`); where the
file does not record it (a Sequential model's last layer, or a layer followed by one without
weights, e.g. Conv2D → MaxPooling2D), it is worked out from the layer's input shape for the
layers whose rule is known (Dense, the Conv and pooling families, Flatten, Reshape, merges and
the layers that keep the shape). Unknown: None, which the summary shows as "?".
`tests/train/test_userfiles.py` checks it against Keras's own `layer.output.shape`.
"""

from __future__ import annotations

import math

Shape = list  # [None, d1, d2, ...]: the batch axis first

_KEEPS_SHAPE = {
    "Activation",
    "ActivityRegularization",
    "AlphaDropout",
    "BatchNormalization",
    "Dropout",
    "ELU",
    "GaussianDropout",
    "GaussianNoise",
    "GroupNormalization",
    "LayerNormalization",
    "LeakyReLU",
    "Normalization",
    "PReLU",
    "ReLU",
    "Rescaling",
    "Softmax",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "UnitNormalization",
}
_MERGES = {"Add", "Average", "Maximum", "Minimum", "Multiply", "Subtract"}


def layer_shapes(model_config: dict) -> list[tuple[Shape | None, Shape | None]]:
    """(input shape, output shape) of each entry of the model config's `layers`, in order; a
    merge's input is the list of its inputs' shapes."""
    inner = model_config.get("config") or {}
    layers = inner.get("layers") or []
    recorded = _recorded(layers)
    if model_config.get("class_name") == "Sequential":
        out, current = [], None
        for i, layer in enumerate(layers):
            given = _build_input(layer)
            current = given if given is not None else current
            if layer.get("class_name") == "InputLayer":
                current = (layer.get("config") or {}).get("batch_shape") or current
                out.append((current, current))
                continue
            taken = current
            nxt = _build_input(layers[i + 1]) if i + 1 < len(layers) else None
            current = nxt if nxt is not None else _infer(layer, current)
            out.append((taken, current))
        return out
    out = []
    for layer in layers:
        name = _name(layer)
        if layer.get("class_name") == "InputLayer":
            shape = (layer.get("config") or {}).get("batch_shape") or recorded.get(name)
            out.append((shape, shape))
            continue
        taken = _inbound_shapes(layer.get("inbound_nodes"))
        given = taken if len(taken) > 1 else (taken[0] if taken else _build_input(layer))
        out.append((given, recorded.get(name) or _infer(layer, given)))
    return out


def _name(layer: dict) -> str:
    return str((layer.get("config") or {}).get("name", layer.get("name", "")))


def _build_input(layer: dict):
    return (layer.get("build_config") or {}).get("input_shape")


def _tensors(node):
    """Every `__keras_tensor__` config inside a config node."""
    if isinstance(node, dict):
        if node.get("class_name") == "__keras_tensor__":
            yield node.get("config") or {}
            return
        for value in node.values():
            yield from _tensors(value)
    elif isinstance(node, list):
        for value in node:
            yield from _tensors(value)


def _recorded(layers: list) -> dict:
    """Layer name → the shape of its output as its consumers record it (functional models)."""
    shapes = {}
    for layer in layers:
        for tensor in _tensors(layer.get("inbound_nodes")):
            history, shape = tensor.get("keras_history"), tensor.get("shape")
            if isinstance(history, list) and history and isinstance(shape, list):
                shapes[str(history[0])] = shape
    return shapes


def _inbound_shapes(nodes) -> list:
    return [t["shape"] for t in _tensors(nodes) if isinstance(t.get("shape"), list)]


def _infer(layer: dict, shape) -> Shape | None:
    """The output shape from the input SHAPE for the layers whose rule is known, else None."""
    kind, cfg = layer.get("class_name", ""), layer.get("config") or {}
    if kind in _MERGES and isinstance(shape, list) and shape and isinstance(shape[0], list):
        return shape[0]
    if kind == "Concatenate" and isinstance(shape, list) and shape and isinstance(shape[0], list):
        axis = cfg.get("axis", -1)
        dims = [s[axis] for s in shape]
        total = None if any(d is None for d in dims) else sum(dims)
        out = list(shape[0])
        out[axis] = total
        return out
    if not isinstance(shape, list) or not shape or isinstance(shape[0], list):
        return None
    if kind in _KEEPS_SHAPE:
        return shape
    if kind == "Dense" and isinstance(cfg.get("units"), int):
        return [*shape[:-1], cfg["units"]]
    if kind == "Flatten":
        rest = shape[1:]
        return [shape[0], None if None in rest else math.prod(rest)]
    if kind == "Reshape" and isinstance(cfg.get("target_shape"), list):
        return [shape[0], *cfg["target_shape"]]
    if kind.startswith(("GlobalAveragePooling", "GlobalMaxPooling")):
        kept = [1] * (len(shape) - 2) if cfg.get("keepdims") else []
        return [shape[0], *kept, shape[-1]]
    windowed = kind.startswith(("Conv", "MaxPooling", "AveragePooling"))
    if windowed and kind[-2:] in ("1D", "2D", "3D"):
        return _windowed(kind, cfg, shape)
    return None


def _windowed(kind: str, cfg: dict, shape: Shape) -> Shape | None:
    """Conv/pooling output, channels last: 'valid' ⌊(n − d(k − 1) − 1) / s⌋ + 1, 'same' ⌈n / s⌉."""
    if cfg.get("data_format", "channels_last") != "channels_last" or kind.endswith("Transpose"):
        return None
    rank = int(kind[-2])
    conv = kind.startswith("Conv")
    size = cfg.get("kernel_size") if conv else cfg.get("pool_size")
    strides = cfg.get("strides") or size
    dilation = cfg.get("dilation_rate", 1) if conv else 1
    size, strides, dilation = (_per_axis(v, rank) for v in (size, strides, dilation))
    if None in (size, strides, dilation) or len(shape) != rank + 2:
        return None
    same = cfg.get("padding", "valid") == "same"
    spatial = []
    for n, k, s, d in zip(shape[1:-1], size, strides, dilation, strict=True):
        if n is None:
            spatial.append(None)
        elif same:
            spatial.append(math.ceil(n / s))
        else:
            spatial.append(max(0, (n - d * (k - 1) - 1) // s + 1))
    channels = cfg.get("filters") if conv else shape[-1]
    return [shape[0], *spatial, channels]


def _per_axis(value, rank: int):
    if isinstance(value, int):
        return [value] * rank
    if isinstance(value, list) and len(value) == rank and all(isinstance(v, int) for v in value):
        return value
    return None
