"""CSV features are standardised by default with the training rows' statistics only (issue 26
item 5): checked against a NumPy reference that splits the rows itself, the way Keras fit does
(validation = the last rows of the pool, the test rows held out before)."""

import io

import numpy as np
import pandas as pd
import pytest

from core.cli import build_parser, config_from_args
from core.present import report
from core.present.text import message
from core.train import datasets
from core.train.engine import TrainConfig, prepare, train


def income_csv(rows: int = 300, seed: int = 3) -> bytes:
    """Income in 10k–90k, age in 18–80 and a 0/1 label that depends on both."""
    rng = np.random.default_rng(seed)
    income = rng.uniform(10_000, 90_000, rows).round(0)
    age = rng.integers(18, 80, rows)
    label = ((income / 90_000 + age / 80 + rng.normal(0, 0.2, rows)) > 1.1).astype(int)
    frame = pd.DataFrame({"income": income, "age": age, "owner": label})
    return frame.to_csv(index=False).encode()


def reference(raw: bytes, label: str, validation_split: float):
    """(pool x, test x) standardised in float64 NumPy with the training rows' mean and std.

    The rows are split as the app documents it: 20 % held out for test by a seeded permutation
    (datasets._split_test, seed 0), then the pool's LAST floor(n * split) rows are validation.
    """
    frame = pd.read_csv(io.BytesIO(raw))
    x = frame.drop(columns=[label]).to_numpy(dtype=np.float64)
    order = np.random.default_rng(np.random.SeedSequence([0, 4])).permutation(len(x))
    k = int(round(len(x) * 0.2))
    pool, test = x[np.sort(order[k:])], x[np.sort(order[:k])]
    train_rows = int(np.floor(len(pool) * (1 - validation_split)))
    mean = pool[:train_rows].mean(axis=0)
    std = pool[:train_rows].std(axis=0)
    return (pool - mean) / std, (test - mean) / std, train_rows


@pytest.mark.parametrize("split", [0.0, 0.25])
def test_csv_features_are_standardised_with_the_training_rows_only(split):
    raw = income_csv()
    cfg = TrainConfig(dataset="csv", label="owner", validation_split=split, batch_size=32)
    data = prepare(cfg, raw).data
    pool, test, train_rows = reference(raw, "owner", split)
    np.testing.assert_allclose(data.x, pool, rtol=0, atol=2e-6)
    np.testing.assert_allclose(data.x_test, test, rtol=0, atol=2e-6)
    # The training part is exactly mean 0, sd 1; validation rows are not (no leak from them).
    assert np.abs(data.x[:train_rows].mean(axis=0)).max() < 1e-5
    assert data.scaling.rows == train_rows
    text = " ".join(message(n) for n in data.notes)
    assert f"{train_rows:,} training rows only" in text
    zh = " ".join(message(n, "zh") for n in data.notes)
    assert f"{train_rows:,} 个训练行" in zh


def test_standardisation_off_feeds_the_file_as_given_and_says_so():
    raw = income_csv()
    data = prepare(TrainConfig(dataset="csv", label="owner", standardize=False), raw).data
    pool, _, _ = reference(raw, "owner", 0.0)
    assert data.scaling is None
    assert data.x[:, 0].min() > 9_000  # incomes as in the file
    assert "not standardised" in " ".join(message(n) for n in data.notes)
    assert "未标准化" in " ".join(message(n, "zh") for n in data.notes)


@pytest.mark.parametrize("dataset", ["linear", "blobs", "synthetic"])
def test_other_datasets_are_fed_as_given(dataset):
    cfg = TrainConfig(dataset=dataset, model="linear" if dataset == "linear" else "mlp", n=50)
    data = prepare(cfg).data
    again = datasets.load(dataset, n=50)
    np.testing.assert_array_equal(data.x, again.x)
    assert data.scaling is None


def test_a_constant_column_is_centred_not_divided_by_zero():
    raw = b"f,c,label\n1,5,0\n2,5,1\n3,5,0\n4,5,1\n5,5,0\n6,5,1\n7,5,0\n8,5,1\n9,5,0\n10,5,1\n"
    data = prepare(TrainConfig(dataset="csv", label="label", batch_size=2), raw).data
    assert np.all(np.isfinite(data.x)) and np.all(data.x[:, 1] == 0)


def test_the_cli_and_the_repeat_command_carry_the_choice():
    argv = ["train", "--dataset", "csv", "--csv", "x.csv", "--label", "y", "--batch-size", "8"]
    assert config_from_args(build_parser().parse_args(argv)).standardize is True
    off = config_from_args(build_parser().parse_args([*argv, "--no-standardize"]))
    assert off.standardize is False
    assert "--no-standardize" in report.cli_command(off.to_dict())
    assert "--no-standardize" not in report.cli_command(off.__class__(dataset="csv").to_dict())


def test_a_config_stored_before_the_choice_existed_stays_unscaled():
    stored = TrainConfig(dataset="csv", label="owner").to_dict()
    del stored["standardize"]
    assert TrainConfig.from_dict(stored).standardize is False


def test_standardised_income_trains_to_a_small_loss_where_raw_income_does_not():
    """The issue's case: incomes of 10k–90k. Same run, features scaled or not."""
    raw = income_csv()
    base = dict(dataset="csv", label="owner", batch_size=32, epochs=10, seed=0)
    scaled = train(prepare(TrainConfig(**base), raw)).epoch_losses[-1]
    given = train(prepare(TrainConfig(**base, standardize=False), raw)).epoch_losses[-1]
    assert scaled < 0.6 < given
