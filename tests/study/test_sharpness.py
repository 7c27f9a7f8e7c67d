"""Sharpness (issue 23): power iteration and Hutchinson against NumPy matrices, the backends'
Hessian-vector products against an exact Hessian (y = 2x's MSE) and a float64 finite-difference
Hessian of a small Keras MLP, and the run store's sharpness table."""

import json
import shlex
import sqlite3

import numpy as np
import pytest

from core.cli import main
from core.errors import InputError
from core.run.store import RunStore
from core.study import sharpness
from tests.conftest import run_python


def spd(eigenvalues, seed=0):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    return q @ np.diag(eigenvalues) @ q.T


def test_power_iteration_finds_the_top_eigenvalue_within_its_tolerance():
    eig = np.array([10.0, 4.0, 2.0, 1.0, 0.5, 0.0, 0.0, 0.1])
    h = spd(eig)
    out = sharpness.top_eigenvalue(lambda v: h @ v, len(eig), np.random.default_rng(1))
    assert out.converged and out.iterations < sharpness.POWER_MAX_ITERATIONS
    assert out.value == pytest.approx(10.0, rel=0.01)


def test_power_iteration_that_runs_out_of_iterations_says_so():
    h = spd(np.array([10.0, 9.99, 1.0]))  # nearly equal: the Rayleigh quotient creeps
    out = sharpness.top_eigenvalue(
        lambda v: h @ v, 3, np.random.default_rng(0), max_iterations=1, tolerance=0.0
    )
    assert out.iterations == 1 and not out.converged


def test_hutchinson_trace_is_close_and_its_interval_holds_the_exact_trace():
    eig = np.linspace(0.0, 5.0, 40)
    h = spd(eig, seed=2)
    out = sharpness.hutchinson_trace(lambda v: h @ v, 40, np.random.default_rng(3), probes=200)
    assert out.probes == 200
    lo, hi = out.interval
    assert lo < eig.sum() < hi
    assert out.value == pytest.approx(eig.sum(), rel=0.1)


@pytest.mark.parametrize("probes", [1, 0, 1001, 2.5])
def test_probes_out_of_range_are_refused(probes):
    with pytest.raises(InputError, match="probes"):
        sharpness.check_probes(probes)


def sharpness_json(capsys, command):
    assert main(shlex.split(command)) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("n", "noise", "seed"), [(10, 0.0, 0), (50, 0.5, 3)])
def test_linear_mse_hessian_is_two_over_n_zt_z(capsys, n, noise, seed):
    """The MSE of w·x + b has the constant Hessian (2/N)·ZᵀZ, Z = [x, 1]: λ_max within 1 %,
    the trace within 10 %, on the points `trajectory` gives for the same N, noise and seed."""
    flags = f"--n {n} --noise {noise} --seed {seed}"
    path = sharpness_json(capsys, f"trajectory {flags} --batch-size {n} --grid 2 --json")
    x = np.asarray(path["x"], np.float64)
    z = np.stack([x, np.ones_like(x)], axis=1)
    exact = 2.0 / len(x) * z.T @ z
    out = sharpness_json(
        capsys, f"sharpness --dataset linear {flags} --batch-size 4 --epochs 2 --probes 100 --json"
    )
    assert out["train_samples"] == n and out["parameters"] == 2
    assert out["lambda_max"] == pytest.approx(np.linalg.eigvalsh(exact).max(), rel=0.01)
    assert out["trace"] == pytest.approx(np.trace(exact), rel=0.10)
    assert out["lambda_converged"] and out["lambda_iterations"] >= 2


@pytest.mark.slow
def test_linear_hessian_on_the_jax_backend_is_exact_too():
    out = json.loads(
        run_python(
            "-m",
            "core",
            *shlex.split("sharpness --dataset linear --n 20 --batch-size 5 --probes 100 --json"),
            keras_backend="jax",
        )
    )
    x = np.arange(1, 21, dtype=np.float64)
    z = np.stack([x, np.ones_like(x)], axis=1)
    exact = 2.0 / 20 * z.T @ z
    assert out["lambda_max"] == pytest.approx(np.linalg.eigvalsh(exact).max(), rel=0.01)
    assert out["trace"] == pytest.approx(np.trace(exact), rel=0.10)


def tiny_mlp_and_data(seed=0, n=20):
    import keras

    from core.train.models import init_weights

    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    init_weights(model, seed)
    rng = np.random.default_rng(seed)
    for layer in model.layers:  # non-zero biases, so every weight matters to the check
        layer.bias.assign(rng.normal(0, 0.3, tuple(layer.bias.shape)).astype("float32"))
    x = rng.normal(0, 1, (n, 3)).astype(np.float32)
    y = rng.integers(0, 3, n).astype(np.int32)
    return model, x, y


def numpy_loss(flat, shapes, x, y):
    """Mean sparse cross-entropy of the tanh → softmax MLP, in float64."""
    parts, at = [], 0
    for s in shapes:
        size = int(np.prod(s))
        parts.append(flat[at : at + size].reshape(s))
        at += size
    k1, b1, k2, b2 = parts
    h = np.tanh(x @ k1 + b1)
    logits = h @ k2 + b2
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean()


def finite_difference_hessian(flat, shapes, x, y, h=1e-4):
    p = len(flat)
    out = np.empty((p, p))
    eye = np.eye(p) * h
    f = lambda w: numpy_loss(w, shapes, x.astype(np.float64), y)  # noqa: E731
    for i in range(p):
        for j in range(i, p):
            value = (
                f(flat + eye[i] + eye[j])
                - f(flat + eye[i] - eye[j])
                - f(flat - eye[i] + eye[j])
                + f(flat - eye[i] - eye[j])
            ) / (4 * h * h)
            out[i, j] = out[j, i] = value
    return out


def test_tf_hvp_of_a_small_mlp_matches_a_float64_finite_difference_hessian():
    """Pieces of 7 rows over 20 samples (the last padded): the sum still weighs every sample
    once, so H·v is the whole set's, as NumPy's Hessian of the mean loss says."""
    import keras

    from core.train.hessian import TFHessian

    model, x, y = tiny_mlp_and_data()
    hess = TFHessian(model, keras.losses.SparseCategoricalCrossentropy(), x, y, piece=7)
    flat = np.concatenate([v.numpy().reshape(-1) for v in model.trainable_variables])
    shapes = [tuple(v.shape) for v in model.trainable_variables]
    exact = finite_difference_hessian(flat.astype(np.float64), shapes, x, y)
    rng = np.random.default_rng(5)
    for _ in range(3):
        v = rng.standard_normal(hess.size)
        np.testing.assert_allclose(hess.hvp(v), exact @ v, rtol=2e-3, atol=2e-4)
    assert hess.loss() == pytest.approx(numpy_loss(flat, shapes, x.astype(np.float64), y), 1e-5)
    eig = np.linalg.eigvalsh(exact)
    biggest = eig[np.argmax(np.abs(eig))]
    measured = sharpness.measure_at(hess, seed=0, probes=300)
    assert measured.lambda_max == pytest.approx(biggest, rel=0.02)
    lo, hi = measured.trace_interval
    assert measured.trace == pytest.approx(np.trace(exact), abs=3 * (hi - lo))


def test_the_sharpness_table_round_trips_and_an_old_store_gains_it(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)  # a store from before issue 23: no sharpness table
    old.execute(
        "CREATE TABLE runs (run_id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT "
        "NULL, status TEXT NOT NULL, config TEXT NOT NULL, dataset TEXT, model TEXT, n INTEGER, "
        "batch_size INTEGER, epochs INTEGER, optimizer TEXT, lr REAL, seed INTEGER, total_steps "
        "INTEGER, steps_done INTEGER DEFAULT 0, device TEXT, pid INTEGER, sweep_id TEXT, label "
        "TEXT, first_epoch_seconds REAL, train_seconds REAL, steps_per_second REAL, "
        "test_metrics TEXT, message TEXT, diverged_step INTEGER, summary TEXT)"
    )
    old.execute(
        "INSERT INTO runs (run_id, created, updated, status, config, batch_size, lr) "
        "VALUES ('old1', 1, 1, 'completed', '{}', 8, 0.001)"
    )
    old.commit()
    old.close()
    store = RunStore(path)
    assert store.get_run("old1")["batch_size"] == 8  # the old run is still there
    assert store.sharpness("old1") is None
    measured = sharpness.Sharpness(12.5, 7, True, 80.0, (70.0, 90.0), 30, 0.2, 100, 50, 0.3)
    store.add_sharpness("old1", measured.with_test_loss(0.35).to_dict())
    back = sharpness.Sharpness.from_dict(store.sharpness("old1"))
    assert back == measured.with_test_loss(0.35)
    assert back.generalization_gap == pytest.approx(0.15)
    store.delete_run("old1")
    assert store.sharpness("old1") is None
