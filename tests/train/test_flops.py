"""FLOPs per sample counted from a model's layers (core.train.flops), against hand counts and
against XLA's own cost analysis of the compiled forward and training step (JAX backend)."""

import json

import pytest

from core.train import flops, models
from tests.conftest import run_python


def dense(n_in: int, n_out: int, act: int = 1) -> int:
    """Hand count of one Dense layer per sample: 2 per multiply-add, the bias, the activation."""
    return 2 * n_in * n_out + n_out + act * n_out


def test_mlp_forward_and_training_flops_match_a_hand_count():
    count = flops.count(models.build("mlp", (64,), 10))
    # 64 -> 128 (relu) -> 64 (relu) -> 10 (softmax: 3 a class)
    forward = dense(64, 128) + dense(128, 64) + dense(64, 10, act=3)
    assert count.forward_flops == forward == 34_472
    # backward ≈ 2 × forward per layer, but the first layer needs no input gradient
    assert count.train_flops == 3 * forward - 2 * 64 * 128
    assert count.params == 64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    assert count.unknown == ()


def test_cnn_forward_flops_match_a_hand_count():
    count = flops.count(models.build("cnn", (8, 8, 1), 10))
    conv_out = 6 * 6 * 32  # 3×3 valid convolution of 8×8×1 into 32 channels
    conv = 2 * conv_out * (3 * 3 * 1) + conv_out + conv_out  # MACs, bias, relu
    pool = (3 * 3 * 32) * (2 * 2)  # every output compares its 2×2 window
    forward = conv + pool + dense(3 * 3 * 32, 64) + dense(64, 10, act=3)
    assert count.forward_flops == forward == 62_504
    assert count.train_flops == 3 * forward - 2 * conv_out * 9
    assert [c.kind for c in count.layers] == [
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dense",
        "Dense",
    ]


def test_unknown_layers_count_zero_and_are_named_and_nested_models_are_walked():
    import keras

    inner = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8)], name="inner")
    x = keras.Input((16,))
    y = keras.layers.Lambda(lambda v: v * 2, name="double")(x)
    out = keras.layers.Dense(4)(inner(y))
    count = flops.count(keras.Model(x, out))
    assert count.unknown == ("double (Lambda)",)
    assert count.forward_flops == dense(16, 8, act=0) + dense(8, 4, act=0)


def test_bytes_per_sample_and_the_ridge_batch_agree():
    count = flops.count(models.build("mlp", (64,), 10))
    # Adam: weights and 2 slots read and written once a step, 4 bytes each
    assert count.weight_bytes("adam") == 4 * count.params * 2 * 3
    assert count.bytes_per_sample(1) > count.bytes_per_sample(1024)
    b = count.ridge_batch(5.0)
    assert count.intensity(b) == pytest.approx(5.0)
    assert count.ridge_batch(1e9) is None  # no batch size reaches an absurd ridge


XLA_CHECK = """
import json
import jax, jax.numpy as jnp
from core.train import flops, models
out = {}
for name, shape in [("mlp", (64,)), ("mlp", (28, 28)), ("cnn", (8, 8, 1)), ("cnn", (28, 28, 1))]:
    model = models.build(name, shape, 10)
    count = flops.count(model)
    tv = [v.value for v in model.trainable_variables]
    ntv = [v.value for v in model.non_trainable_variables]
    loss_fn = models.make_loss("classification")
    b = 64
    x, y = jnp.zeros((b, *shape)), jnp.zeros((b,), jnp.int32)
    def forward(tv, x):
        return model.stateless_call(tv, ntv, x)[0]
    def loss(tv, x, y):
        return jnp.mean(loss_fn.call(y, forward(tv, x)))
    def cost(f, *args):
        c = jax.jit(f).lower(*args).compile().cost_analysis()
        return (c[0] if isinstance(c, list) else c)["flops"] / b
    out[f"{name}{shape}"] = {
        "ours": [count.forward_flops, count.train_flops],
        "xla": [cost(forward, tv, x), cost(jax.value_and_grad(loss), tv, x, y)],
    }
print(json.dumps(out))
"""


@pytest.mark.slow  # a JAX process compiling 8 functions: 20-60 s on 2 busy cores
def test_flop_count_is_within_20_percent_of_xla_cost_analysis():
    out = json.loads(run_python("-c", XLA_CHECK, keras_backend="jax").strip().splitlines()[-1])
    for case, figures in out.items():
        for ours, xla in zip(figures["ours"], figures["xla"], strict=True):
            assert ours == pytest.approx(xla, rel=0.2), case
