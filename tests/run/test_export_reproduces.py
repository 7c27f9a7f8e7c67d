"""The exported Keras script reproduces its run (issue 26 item 2): run as a user would (a fresh
Python process, stock `model.fit`, nothing from Batch Lab imported), its per-epoch training
and validation losses are the app's own run's within 1e-4, for y = 2x, blobs, digits and a CSV
whose label is text (standardised features, a shuffled split).

Before, the script drew its own weights and order, trained on the first N rows instead of the
app's pool, and crashed on text labels ("Cast string to float")."""

import io
import json
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from core.api.common import needs_upload, reproduction
from core.run import export
from core.run.recording import create_run, run_and_record
from core.run.store import RunStore
from core.train.engine import TrainConfig, prepare, train
from core.train.models import build, initial_weights


def pets_csv(rows: int = 240, seed: int = 5) -> bytes:
    """Text labels (cat/dog/fish), a text feature, and an income column in the 10,000s."""
    rng = np.random.default_rng(seed)
    animal = rng.choice(["cat", "dog", "fish"], rows)
    weight = np.where(animal == "dog", 20.0, np.where(animal == "cat", 4.0, 0.5))
    weight = (weight * rng.uniform(0.7, 1.3, rows)).round(2)
    income = rng.uniform(10_000, 90_000, rows).round(0)
    home = rng.choice(["flat", "house"], rows)
    frame = pd.DataFrame({"weight": weight, "income": income, "home": home, "animal": animal})
    return frame.to_csv(index=False).encode()


CASES = {
    "linear": TrainConfig(
        dataset="linear", model="linear", n=10, batch_size=3, epochs=6, optimizer="sgd", lr=1e-3
    ),
    "blobs": TrainConfig(
        dataset="blobs", n=300, batch_size=32, epochs=4, validation_split=0.2, seed=3
    ),
    "digits": TrainConfig(dataset="digits", batch_size=64, epochs=3, validation_split=0.1),
    "csv": TrainConfig(
        dataset="csv", label="animal", batch_size=16, epochs=4, validation_split=0.25, seed=2
    ),
    # What else shapes a run: batch shuffling, a dropped remainder, accumulation, warm-up, a
    # step cap mid-epoch, the CNN.
    "variants": TrainConfig(
        dataset="blobs",
        n=250,
        batch_size=24,
        epochs=5,
        shuffle="batch",
        drop_remainder=True,
        accumulation=2,
        warmup_epochs=1.5,
        max_steps=44,
        optimizer="sgd",
        lr=0.05,
    ),
    "cnn": TrainConfig(dataset="digits", model="cnn", n=400, batch_size=50, epochs=2, seed=1),
}


def run_script(zipped: bytes, tmp_path) -> dict:
    zipfile.ZipFile(io.BytesIO(zipped)).extractall(tmp_path)
    (script,) = tmp_path.rglob("*.py")
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_same_losses(result, history) -> None:
    assert len(result.epoch_losses) >= 1
    got = history["loss"][: len(result.epoch_losses)]
    assert got == pytest.approx(result.epoch_losses, rel=1e-4, abs=1e-4)
    if result.val_losses:
        val = history["val_loss"][: len(result.val_losses)]
        assert val == pytest.approx(result.val_losses, rel=1e-4, abs=1e-4)


@pytest.mark.parametrize(
    "case",
    [
        "linear",
        "csv",
        pytest.param("blobs", marks=pytest.mark.slow),
        pytest.param("digits", marks=pytest.mark.slow),
        pytest.param("variants", marks=pytest.mark.slow),
        pytest.param("cnn", marks=pytest.mark.slow),
    ],
)
def test_the_exported_script_gives_the_runs_losses(case, tmp_path):
    cfg = CASES[case]
    raw = pets_csv() if cfg.dataset == "csv" else None
    result = train(prepare(cfg, raw))
    history = run_script(export.reproduction_zip(cfg, raw, name=f"batchlab_{case}"), tmp_path)
    check_same_losses(result, history)


def test_a_stored_csv_run_exports_with_its_file_and_its_steps(tmp_path):
    """From the Runs page: a stored run, stopped after 7 of its 60 steps by a cap."""
    store, raw = RunStore(), pets_csv()
    cfg = TrainConfig(**{**CASES["csv"].to_dict(), "max_steps": 7})
    prepared = prepare(cfg, raw)
    run_id = create_run(store, prepared)
    result = run_and_record(prepared, store, run_id)
    run = store.get_run(run_id)
    assert needs_upload(run)
    with pytest.raises(ValueError, match="upload the same file"):
        reproduction(run)
    history = run_script(reproduction(run, raw), tmp_path)
    steps = [s["loss"] for s in store.steps(run_id)]
    assert len(steps) == 7 and result.steps == 7
    # 12 steps an epoch: the script stops after 7, as the run did; that partial epoch's mean.
    assert history["loss"] == pytest.approx([np.mean(steps)], rel=1e-4)


def test_the_arrays_are_the_runs_pool_split_and_encoding():
    raw = pets_csv()
    cfg = CASES["csv"]
    arrays = export.reproduction_arrays(cfg, raw)
    prepared = prepare(cfg, raw)
    split = prepared.schedule.train_samples
    scaled = (arrays["x_train"] - arrays["mean"]) / arrays["std"]
    np.testing.assert_array_equal(scaled, prepared.data.x[:split])  # bit for bit
    np.testing.assert_array_equal(arrays["y_val"], prepared.data.y[split:])
    assert list(arrays["class_names"]) == ["cat", "dog", "fish"]
    assert arrays["x_train"][:, 1].min() > 9_000  # the file's incomes; the script scales them
    np.testing.assert_array_equal(arrays["order"][2], prepared.schedule.epoch_order(2))


@pytest.mark.parametrize(
    "model,shape,classes", [("mlp", (64,), 10), ("cnn", (8, 8, 1), 10), ("linear", (1,), 1)]
)
def test_numpy_initial_weights_are_the_models_own(model, shape, classes):
    expected = build(model, shape, classes, seed=4).get_weights()
    got = initial_weights(model, shape, classes, seed=4)
    assert [w.shape for w in got] == [w.shape for w in expected]
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_runs_page_offers_the_zip_and_asks_for_an_uploaded_csv(isolated_store):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from core.present.text import t

    store = RunStore()
    cfg = TrainConfig(dataset="csv", label="animal", batch_size=16)
    run_id = create_run(store, prepare(cfg, pets_csv()))
    app = str(Path(__file__).resolve().parents[2] / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.switch_page("app_pages/runs.py").run()
    assert not at.exception
    assert t("runs.keras_script.csv_needed") in [i.value for i in at.info]
    assert not at.get("download_button") or all(
        run_id not in str(b.proto) for b in at.get("download_button")
    )
    (script,) = [c.value for c in at.code if c.language == "python"]
    assert "batch_size, steps = 16, 0" in script  # the steps the run took: none yet
