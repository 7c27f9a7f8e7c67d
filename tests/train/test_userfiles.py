"""The user's own model and data files: trained as saved, hostile files refused with a sentence.

The model and data are built here, in the test, with Keras and NumPy; the references are a
float64 NumPy forward pass of the saved weights and Keras's own `count_params()`.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from core import cli
from core.errors import InputError
from core.train import userfiles
from core.train.engine import TrainConfig, prepare, train

FEATURES, CLASSES = 12, 3


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A saved MLP 12-16-3 (softmax), a binary model, two-input and Lambda models, and data."""
    import keras

    root = tmp_path_factory.mktemp("userfiles")
    rng = np.random.default_rng(7)
    x = rng.normal(size=(96, FEATURES)).astype("float32")
    y = rng.integers(0, CLASSES, 96).astype("int32")
    x_test = rng.normal(size=(20, FEATURES)).astype("float32")
    y_test = rng.integers(0, CLASSES, 20).astype("int32")
    np.savez(root / "data.npz", x=x, y=y, x_test=x_test, y_test=y_test)
    np.savez(root / "no_test.npz", x=x, y=y)
    model = keras.Sequential(
        [
            keras.Input((FEATURES,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(CLASSES, activation="softmax"),
        ]
    )
    model.save(root / "mlp.keras")
    inputs = [keras.Input((4,)), keras.Input((4,))]
    both = keras.layers.Concatenate()(inputs)
    keras.Model(inputs, keras.layers.Dense(2)(both)).save(root / "two_inputs.keras")
    marker = root / "marker.txt"

    def writes_marker(t, path=str(marker)):
        with open(path, "w") as f:  # the code a hostile file would run on load
            f.write("ran")
        return t

    keras.Sequential(
        [keras.Input((FEATURES,)), keras.layers.Lambda(writes_marker), keras.layers.Dense(3)]
    ).save(root / "lambda.keras")
    marker.unlink()  # building the model called the function once; loading must not again
    return {
        "root": root,
        "x": x,
        "y": y,
        "weights": [w.copy() for w in model.get_weights()],
        "count_params": model.count_params(),
        "marker": marker,
    }


def _softmax_xent(x, y, weights) -> float:
    """Mean sparse categorical cross-entropy of the 12-16-3 MLP, in float64 NumPy."""
    k1, b1, k2, b2 = (np.asarray(w, np.float64) for w in weights)
    h = np.maximum(x.astype(np.float64) @ k1 + b1, 0.0)
    z = h @ k2 + b2
    z -= z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(y)), y].mean())


def test_first_step_loss_is_the_saved_models_loss_on_the_first_batch(files):
    cfg = TrainConfig(
        data_file=str(files["root"] / "data.npz"),
        model_file=str(files["root"] / "mlp.keras"),
        batch_size=8,
        epochs=2,
        shuffle="none",
        optimizer="sgd",
        lr=0.05,
    )
    prepared = prepare(cfg)
    result = train(prepared)
    first = _softmax_xent(files["x"][:8], files["y"][:8], files["weights"])
    assert result.step_losses[0] == pytest.approx(first, rel=1e-5)
    # The steps are the schedule's: ceil(96 / 8) per epoch, every batch full.
    assert result.steps == prepared.schedule.total_steps == 24
    assert result.batch_sizes == [8] * 24
    assert result.model_parameters == files["count_params"] == prepared.model_spec.parameters
    assert prepared.config.model == "file" and prepared.config.dataset == "file"
    assert prepared.config.model_sha256 == userfiles.file_hash(cfg.model_file)
    # A second run in this process reuses the compiled step and starts from the file's weights.
    again = train(prepare(cfg))
    assert again.step_losses[0] == pytest.approx(first, rel=1e-5)


def test_train_json_reports_model_parameters_and_the_files_name(files, capsys, tmp_path):
    import json

    code = cli.main(
        [
            "train",
            "--data-file",
            str(files["root"] / "no_test.npz"),
            "--model-file",
            str(files["root"] / "mlp.keras"),
            "--batch-size",
            "10",
            "--epochs",
            "1",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["model_parameters"] == files["count_params"]
    assert out["model_file"]["name"] == "mlp.keras"
    # No x_test in the file: 20 % of the 96 samples (seeded) held out, the rest trained on.
    assert out["steps"] == int(np.ceil(round(96 * 0.8) / 10))


def _shape_text(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def test_the_summary_gives_each_layers_shapes_as_keras_builds_them(tmp_path):
    """Read without Keras, checked against Keras's own `layer.input.shape`/`output.shape`: a
    Sequential CNN whose pooling and padding the file does not record, and a functional model
    with a residual Add and a Concatenate."""
    import keras
    from keras import layers as L

    cnn = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            L.Conv2D(8, 3, padding="same", strides=2, activation="relu"),
            L.MaxPooling2D(),
            L.Conv2D(6, (3, 2), dilation_rate=(1, 2)),
            L.AveragePooling2D(pool_size=2, strides=1, padding="valid"),
            L.BatchNormalization(),
            L.Flatten(),
            L.Dropout(0.2),
            L.Reshape((12, 8)),
            L.Conv1D(4, 3, padding="valid"),
            L.GlobalAveragePooling1D(),
            L.Dense(10, activation="softmax"),
        ]
    )
    inputs = keras.Input((20,))
    h = L.Dense(16, activation="relu")(inputs)
    added = L.Add()([h, L.Dense(16)(h)])
    both = L.Concatenate()([added, L.Dense(4)(h)])
    net = keras.Model(inputs, L.Dense(3)(L.Dropout(0.1)(both)))
    for model, name in ((cnn, "cnn.keras"), (net, "net.keras")):
        model.save(tmp_path / name)
        rows = userfiles.inspect_model(str(tmp_path / name)).layers
        keras_layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
        assert [r.name for r in rows] == [layer.name for layer in keras_layers]
        for row, layer in zip(rows, keras_layers, strict=True):
            taken = layer.input if not isinstance(layer.input, list) else None
            if taken is not None:
                assert row.input_shape == _shape_text(taken.shape), layer.name
            assert row.output_shape == _shape_text(layer.output.shape), layer.name


def test_a_lambda_model_is_refused_and_its_code_never_runs(files, capsys):
    from core.train.models import load_file

    path = str(files["root"] / "lambda.keras")
    code = cli.main(
        [
            "train",
            "--batch-size",
            "4",
            "--data-file",
            str(files["root"] / "data.npz"),
            "--model-file",
            path,
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "Lambda" in err and "refused" in err
    # Past the first lock, Keras's safe mode is the second: it too refuses, and runs nothing.
    with pytest.raises(InputError, match="could not be loaded safely"):
        load_file(path)
    assert not files["marker"].exists()


def _cli_error(capsys, *argv: str) -> str:
    code = cli.main(["train", "--batch-size", "4", *argv])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err


def test_a_model_with_two_inputs_is_refused(files, capsys):
    err = _cli_error(
        capsys,
        "--data-file",
        str(files["root"] / "data.npz"),
        "--model-file",
        str(files["root"] / "two_inputs.keras"),
    )
    assert "one input and one output" in err


def test_data_of_another_shape_than_the_models_input_is_refused(files, tmp_path, capsys):
    np.savez(tmp_path / "ten.npz", x=np.zeros((20, 10), np.float32), y=np.zeros(20, np.int32))
    err = _cli_error(
        capsys,
        "--data-file",
        str(tmp_path / "ten.npz"),
        "--model-file",
        str(files["root"] / "mlp.keras"),
    )
    assert "shape (12,)" in err and "(10,)" in err


def test_labels_outside_the_outputs_classes_are_refused(files, tmp_path, capsys):
    y = np.arange(20, dtype=np.int32) % 5  # labels 0..4 for a 3-class output
    np.savez(tmp_path / "five.npz", x=np.zeros((20, FEATURES), np.float32), y=y)
    err = _cli_error(
        capsys,
        "--data-file",
        str(tmp_path / "five.npz"),
        "--model-file",
        str(files["root"] / "mlp.keras"),
    )
    assert "labels go up to 4" in err and "3 classes" in err


def test_nan_in_x_is_refused(tmp_path, capsys):
    x = np.zeros((20, FEATURES), np.float32)
    x[3, 2] = np.nan
    np.savez(tmp_path / "nan.npz", x=x, y=np.zeros(20, np.int32))
    err = _cli_error(capsys, "--data-file", str(tmp_path / "nan.npz"))
    assert "NaN" in err and "`x`" in err


def test_an_object_array_npz_is_refused_without_unpickling(tmp_path, capsys):
    np.savez(tmp_path / "obj.npz", x=np.array([{"a": 1}] * 4, dtype=object), y=np.zeros(4))
    err = _cli_error(capsys, "--data-file", str(tmp_path / "obj.npz"))
    assert "object arrays are refused" in err


@pytest.mark.parametrize("suffix", [".keras", ".npz"])
def test_an_empty_file_is_refused(tmp_path, capsys, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    flag = "--model-file" if suffix == ".keras" else "--data-file"
    args = [flag, str(path)] + (["--dataset", "digits"] if suffix == ".keras" else [])
    assert "is empty" in _cli_error(capsys, *args)


def test_a_keras_file_that_is_not_a_zip_is_refused(tmp_path, capsys):
    path = tmp_path / "model.keras"
    path.write_bytes(b"HDF5 or anything else\n" * 10)
    err = _cli_error(capsys, "--dataset", "digits", "--model-file", str(path))
    assert "not a Keras 3 .keras file" in err


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path, capsys):
    path = tmp_path / "images.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("cats/a.png", b"\0" * (64 * 2**20))  # 64 MB of zeros: ~64 KB packed
    assert path.stat().st_size < 2**20
    err = _cli_error(capsys, "--data-file", str(path))
    assert "zip bomb" in err


def test_a_zip_naming_a_path_outside_its_folder_is_refused(tmp_path, capsys):
    path = tmp_path / "images.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("../../escaped.png", b"x")
    assert "outside its own folder" in _cli_error(capsys, "--data-file", str(path))


def test_a_file_over_the_cap_is_refused(tmp_path, monkeypatch, capsys):
    np.savez(tmp_path / "big.npz", x=np.zeros((200, 64), np.float32), y=np.zeros(200))
    monkeypatch.setattr(userfiles, "DATA_MAX_BYTES", 1000)
    assert "over the" in _cli_error(capsys, "--data-file", str(tmp_path / "big.npz"))


def test_dataset_and_data_file_are_one_or_the_other(tmp_path, capsys):
    assert "not neither" in _cli_error(capsys)
    np.savez(tmp_path / "d.npz", x=np.zeros((4, 2), np.float32), y=np.zeros(4))
    err = _cli_error(capsys, "--dataset", "digits", "--data-file", str(tmp_path / "d.npz"))
    assert "not both" in err


def test_a_zip_of_image_folders_is_resized_to_the_models_input(tmp_path):
    from PIL import Image

    path = tmp_path / "pets.zip"
    with zipfile.ZipFile(path, "w") as z:
        for cls, shade in (("cat", 40), ("dog", 200)):
            for i in range(5):
                buf = io.BytesIO()
                Image.new("RGB", (20 + i, 16), (shade, shade, shade)).save(buf, "PNG")
                z.writestr(f"pets/{cls}/{i}.png", buf.getvalue())
    data = userfiles.load_data(str(path), None, (8, 8, 3), None, "auto", True)
    assert data.class_names == ["cat", "dog"]
    assert data.x.shape[1:] == (8, 8, 3) and len(data.x) + len(data.x_test) == 10
    # Fed as given: 0–255 pixel values, each image's own shade, its label its folder.
    pool_x, pool_y = np.concatenate([data.x, data.x_test]), np.concatenate([data.y, data.y_test])
    assert set(np.unique(pool_x)) == {40.0, 200.0}
    assert np.all((pool_x[:, 0, 0, 0] == 200.0) == (pool_y == 1))


@pytest.mark.slow
def test_the_exported_script_reproduces_a_run_on_the_users_files(files, tmp_path):
    """The Runs page's zip for a run on a .keras and an .npz: the script loads the same model
    file (safe mode) and trains on the run's arrays; stock fit gives the run's epoch losses."""
    from core.run import export
    from tests.run.test_export_reproduces import check_same_losses, run_script

    cfg = TrainConfig(
        data_file=str(files["root"] / "data.npz"),
        model_file=str(files["root"] / "mlp.keras"),
        batch_size=16,
        epochs=3,
        validation_split=0.25,
        seed=4,
    )
    result = train(prepare(cfg))
    history = run_script(export.reproduction_zip(cfg, None, name="batchlab_own"), tmp_path)
    check_same_losses(result, history)
