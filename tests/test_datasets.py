import math

import numpy as np
import pytest

from core.train import datasets


def test_synthetic_is_the_tutorial_set():
    d = datasets.load("synthetic", n=1000, seed=0)
    assert d.x.shape == (1000, 64) and d.x_test.shape == (200, 64)
    assert d.x.min() >= 0 and d.x.max() < 1
    assert set(np.unique(d.y)) <= set(range(10)) and d.num_classes == 10
    assert "ln 10" in d.note and f"{math.log(10):.3f}" in d.note


def test_linear_is_y_equals_2x():
    d = datasets.load("linear", n=10)
    assert d.x[:, 0].tolist() == list(range(1, 11))
    assert d.y.tolist() == [2.0 * v for v in range(1, 11)]
    assert d.task == "regression"


def test_digits_are_offline_images_with_a_fixed_test_split():
    flat = datasets.load("digits")
    img = datasets.load("digits", image=True)
    assert flat.x.shape[1:] == (64,) and img.x.shape[1:] == (8, 8, 1)
    assert len(flat.x) + len(flat.x_test) == 1797
    assert np.array_equal(flat.y_test, datasets.load("digits", seed=5).y_test)


def test_n_selects_the_first_samples_and_says_when_too_many():
    assert len(datasets.load("digits", n=100).x) == 100
    with pytest.raises(ValueError, match="more than the 1438 samples `digits` has"):
        datasets.load("digits", n=5000)


def test_blobs_are_learnable_and_seeded():
    a, b = datasets.load("blobs", n=300, seed=1), datasets.load("blobs", n=300, seed=1)
    assert np.array_equal(a.x, b.x)
    assert a.num_classes == 4


GOOD = b"f1,f2,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,12,1\n"


def test_csv_classification_and_dropped_rows_reported():
    raw = GOOD + b"1,,0\n2,inf,1\n"
    d = datasets.load("csv", csv_bytes=raw, label="label")
    assert d.task == "classification" and d.num_classes == 2
    assert len(d.x) + len(d.x_test) == 6
    assert "dropped 2 rows" in d.note


def test_csv_regression_when_the_label_is_continuous_or_asked():
    raw = b"a,y\n" + b"".join(f"{i},{i * 0.37:.3f}\n".encode() for i in range(30))
    assert datasets.load("csv", csv_bytes=raw, label="y").task == "regression"
    assert datasets.load("csv", csv_bytes=GOOD, label="label", task="regression").task == (
        "regression"
    )


@pytest.mark.parametrize(
    ("raw", "label", "match"),
    [
        (b"", "label", "is empty"),
        (b"   \n", "label", "is empty"),
        (b"f1,f2,label\n", "label", "header but no data rows"),
        (b"f1,label\na,0\nb,1\n", "label", "no numeric feature columns"),
        (GOOD, "target", "label column 'target' is not in"),
        (b"f1;f2;label\n1;2;0\n3;4;1\n", "label", "separated by .;., not commas"),
        (b"f1,label\n1,0\n2,0\n3,0\n", "label", "one class only"),
        (b"f1,label\n1,0\n2,1,5,6\n3,0\n", "label", "same number of comma-separated fields"),
        (b"f1,label\n\xff\xfe1,0\n", "label", "not UTF-8"),
        (b"f1,label\nnan,0\ninf,1\n", "label", "fewer than 2 usable rows"),
        (b"x" * (datasets.CSV_MAX_BYTES + 1), "label", "the cap is 20 MB"),
    ],
)
def test_bad_csvs_say_what_to_change(raw, label, match):
    with pytest.raises(ValueError, match=match):
        datasets.load("csv", csv_bytes=raw, label=label)


def test_csv_columns_reads_the_header():
    assert datasets.csv_columns(GOOD) == ["f1", "f2", "label"]
    with pytest.raises(ValueError, match="empty"):
        datasets.csv_columns(b"")


def test_unknown_dataset():
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        datasets.load("cifar")


def test_mnist_offline_suggests_digits(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no cached copy here
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # and no way out
    try:
        d = datasets.load("mnist", n=10)
    except ValueError as exc:
        assert "Use the `digits` dataset instead" in str(exc)
    else:  # a machine with network and the real MNIST
        assert d.x.shape == (10, 784)
