"""How much arithmetic and memory traffic one training sample costs, counted from a Keras model.

`count(model)` walks `model.layers` (nested models included) and reads each layer's built input
and output shapes, so it serves any built Keras model: the bundled mlp/cnn/linear and uploaded
`.keras` files alike. Conventions, said once:

- 2 FLOPs per multiply-add (a Dense layer of n inputs and m units: 2·n·m per sample), plus one
  per element for a bias add and one for an element-wise activation (softmax: 3).
- Training = forward + backward, the backward counted per layer: about twice the layer's
  forward (a gradient for its inputs and one for its weights, each a product as large as the
  forward's), except that no layer before the first one with weights needs a backward pass and
  the first one needs no input gradient. So training ≈ 3 × forward, less for a model whose
  first layer dominates (an MNIST MLP: ≈ 2.1 ×). The optimizer's update (a few FLOPs per weight
  per step) is left out.
- A layer it does not know counts 0 FLOPs and is named in `unknown`, so a reader sees what the
  figure leaves out.
- Bytes are the least memory traffic a step can get away with, in float32 (4 bytes): per step
  the weights and the optimizer's slots (Adam keeps 2) are read and written once,
  4·params·2·(1 + slots); per sample the input is read once and every computing layer's
  output (a reshape is free) written once and read once, 4·(inputs + 2·outputs). Real steps
  move more (the gradients, re-reads), so the intensity is an upper bound and the memory roof
  an optimistic one; a model whose weights fit in the caches can still beat it at small B.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

BYTES = 4  # float32
OPTIMIZER_SLOTS = {"adam": 2, "sgd": 0}

# Layers that move or reshape data and do no arithmetic a FLOP count includes.
_FREE = {
    "InputLayer",
    "Flatten",
    "Reshape",
    "Permute",
    "RepeatVector",
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "ActivityRegularization",
    "Identity",
    "Masking",
    "Embedding",  # a gather
    "Concatenate",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
}
# FLOPs per output element of element-wise layers.
_PER_ELEMENT = {
    "Activation": None,  # by its activation
    "ReLU": 1,
    "LeakyReLU": 2,
    "PReLU": 2,
    "ELU": 3,
    "Softmax": 3,
    "Rescaling": 2,
    "Normalization": 2,
    "BatchNormalization": 4,  # (x − mean) / std · γ + β, statistics included
    "LayerNormalization": 8,
    "GroupNormalization": 8,
    "UnitNormalization": 3,
}
_MERGE = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}
_ACTIVATION_FLOPS = {"linear": 0, "softmax": 3, "log_softmax": 3, "gelu": 8, "silu": 4, "swish": 4}


@dataclass(frozen=True)
class LayerCount:
    name: str
    kind: str  # the layer's class name
    forward_flops: float  # per sample
    output_elements: int  # per sample
    params: int
    matmul_flops: float = 0.0  # the products with the weights (its input gradient's size)


@dataclass(frozen=True)
class FlopCount:
    """One sample's arithmetic, from the model's layers (see the module's conventions)."""

    forward_flops: float  # per sample
    train_flops: float  # per sample, one training step: forward and backward (see above)
    params: int  # trainable weights
    input_elements: int  # per sample
    output_elements: int  # per sample, the outputs of every layer that computes (not reshapes)
    layers: tuple[LayerCount, ...] = ()
    unknown: tuple[str, ...] = field(default=())  # "name (Kind)" of layers counted as 0

    def weight_bytes(self, optimizer: str = "adam") -> float:
        """Memory traffic on the weights in one step, whatever the batch size."""
        slots = OPTIMIZER_SLOTS.get(optimizer, 2)
        return BYTES * self.params * 2 * (1 + slots)

    def bytes_per_sample(self, batch_size: int, optimizer: str = "adam") -> float:
        """Estimated memory traffic per training sample at BATCH_SIZE."""
        return self.weight_bytes(optimizer) / max(batch_size, 1) + self.activation_bytes

    @property
    def activation_bytes(self) -> float:
        """Traffic per sample at any batch size: the input read, outputs written and read."""
        return BYTES * (self.input_elements + 2 * self.output_elements)

    def intensity(self, batch_size: int, optimizer: str = "adam") -> float:
        """Arithmetic intensity of a training step (FLOPs per byte moved) at BATCH_SIZE."""
        return self.train_flops / self.bytes_per_sample(batch_size, optimizer)

    def ridge_batch(self, ridge: float, optimizer: str = "adam") -> float | None:
        """The batch size whose intensity reaches RIDGE (FLOPs per byte): below it a step is
        memory-bound by this estimate. None when no batch size reaches it."""
        room = self.train_flops / ridge - self.activation_bytes
        return self.weight_bytes(optimizer) / room if room > 0 else None

    def to_dict(self) -> dict:
        return {
            "forward_flops_per_sample": self.forward_flops,
            "train_flops_per_sample": self.train_flops,
            "params": self.params,
            "unknown_layers": list(self.unknown),
            "layers": [
                {"name": c.name, "kind": c.kind, "forward_flops": c.forward_flops}
                for c in self.layers
            ],
        }


def _per_sample(shape) -> int:
    """Elements per sample of a built shape (the batch dimension first, unknown)."""
    dims = [d for d in tuple(shape)[1:]]
    if any(d is None for d in dims):  # a free dimension (a user's model): not counted
        return 0
    return int(math.prod(dims))


def _shapes(layer) -> tuple[list, list]:
    inputs, outputs = layer.input, layer.output
    inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [t.shape for t in inputs], [t.shape for t in outputs]


def _activation(layer) -> float:
    act = getattr(layer, "activation", None)
    name = getattr(act, "__name__", "linear") if act is not None else "linear"
    return _ACTIVATION_FLOPS.get(name, 1)


def _layer_flops(layer, kinds: set[str], ins: list, outs: list) -> tuple[float, float] | None:
    """(forward FLOPs, of which products with the weights) per sample of one layer; None when
    the layer is not known."""
    if "InputLayer" in kinds:
        return 0.0, 0.0
    out = _per_sample(outs[0])
    inp = _per_sample(ins[0])
    extra = (out if getattr(layer, "bias", None) is not None else 0) + _activation(layer) * out
    kernel = getattr(layer, "kernel", None)
    if "Dense" in kinds:
        matmul = 2 * out * int(tuple(kernel.shape)[0])
    elif "BaseConvTranspose" in kinds:  # kernel: (*k, filters, in)
        k = tuple(kernel.shape)
        matmul = 2 * inp * math.prod(k[:-2]) * k[-2]
    elif "BaseSeparableConv" in kinds:
        dk = tuple(layer.depthwise_kernel.shape)  # (*k, in, multiplier)
        pk = tuple(layer.pointwise_kernel.shape)  # (*1, in·multiplier, filters)
        mid = out // pk[-1] * pk[-2]  # depthwise outputs per sample
        matmul = 2 * mid * math.prod(dk[:-2]) + 2 * out * pk[-2]
    elif "BaseDepthwiseConv" in kinds:  # each output: one k-window of one channel
        matmul = 2 * out * math.prod(tuple(kernel.shape)[:-2])
    elif "BaseConv" in kinds:  # kernel: (*k, in / groups, filters); each output: k·in/groups MACs
        matmul = 2 * out * math.prod(tuple(kernel.shape)[:-1])
    elif "BasePooling" in kinds:
        return out * math.prod(tuple(layer.pool_size)), 0.0
    elif "BaseGlobalPooling" in kinds:
        return inp, 0.0
    elif kinds & _MERGE:
        return (len(ins) - 1) * out, 0.0
    elif kinds & set(_PER_ELEMENT):
        per = _PER_ELEMENT[next(iter(kinds & set(_PER_ELEMENT)))]
        return (_activation(layer) if per is None else per) * out, 0.0
    elif kinds & _FREE:
        return 0.0, 0.0
    else:
        return None
    return matmul + extra, matmul


def _params(layer) -> int:
    return int(sum(math.prod(tuple(w.shape)) for w in layer.trainable_weights))


def _walk(model, counts: list[LayerCount], unknown: list[str]) -> None:
    for layer in model.layers:
        kinds = {c.__name__ for c in type(layer).__mro__}
        if hasattr(layer, "layers") and ("Functional" in kinds or "Sequential" in kinds):
            _walk(layer, counts, unknown)
            continue
        try:
            ins, outs = _shapes(layer)
            flops = _layer_flops(layer, kinds, ins, outs)
            out = _per_sample(outs[0])
        except (AttributeError, ValueError, TypeError, IndexError):  # no built shape
            flops, out = None, 0
        if flops is None:
            unknown.append(f"{layer.name} ({type(layer).__name__})")
            flops = (0.0, 0.0)
        kind = type(layer).__name__
        counts.append(
            LayerCount(layer.name, kind, float(flops[0]), out, _params(layer), float(flops[1]))
        )


def _train_flops(counts: list[LayerCount]) -> float:
    """Forward plus backward per sample: the backward ≈ 2 × each layer's forward, none before
    the first layer with weights, and no input gradient for that first one."""
    total, seen = 0.0, False
    for c in counts:
        if not seen and not c.params:
            total += c.forward_flops
            continue
        total += 3 * c.forward_flops - (c.matmul_flops if not seen else 0.0)
        seen = True
    return total


def count(model) -> FlopCount:
    """Forward and training FLOPs, weights and activation sizes of one sample through a built
    Keras MODEL.

    Raises ValueError when the model has no built input shape (a subclassed model never called).
    """
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise RuntimeError("the model has no input shape: build it (call it once) before counting.")
    counts: list[LayerCount] = []
    unknown: list[str] = []
    _walk(model, counts, unknown)
    return FlopCount(
        forward_flops=float(sum(c.forward_flops for c in counts)),
        train_flops=_train_flops(counts),
        params=_params(model),
        input_elements=sum(_per_sample(t.shape) for t in inputs),
        output_elements=sum(c.output_elements for c in counts if c.forward_flops),
        layers=tuple(counts),
        unknown=tuple(unknown),
    )
