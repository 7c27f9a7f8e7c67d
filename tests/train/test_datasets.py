import io
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
    with pytest.raises(ValueError, match="more than the 1,438 samples `digits` keeps for training"):
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
        (
            b"f1,label\n" + b"".join(b"w%d,%d\n" % (i, i % 2) for i in range(12)),
            "label",
            r"no usable feature columns besides 'label'.*dropped: f1 \(12\)",
        ),
        (b"f1,label\n1,cat\n2,dog\n", "label", None),  # see the text-label tests below
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
    if match is None:  # once refused, now loads
        assert datasets.load("csv", csv_bytes=raw, label=label).n > 0
        return
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
        from core.errors import Unavailable
        from core.present.text import fix_message

        text = str(exc)
        assert isinstance(exc, Unavailable)  # nothing the user typed is wrong
        assert text.startswith("MNIST is not on this computer and could not be downloaded (")
        assert "one-time download" in text and "~/.keras/datasets/mnist.npz" in text
        assert text.endswith(
            "pick the `digits` dataset instead: 8×8 digit images that ship with "
            "scikit-learn and need no download."
        )
        assert "(Exception)" not in text and "no network: Exception" not in text
        assert fix_message(exc) == text and not fix_message(exc, "zh").startswith("请修正")
        assert fix_message(ValueError("x")) == "Fix this input: x"
    else:  # a machine with network and the real MNIST
        assert d.x.shape == (10, 784)


# The commonest real CSV: numeric features, a text label, a text feature with few values, a text
# feature with one value per row (a name), and a row with a missing value.
PETS = b"""\
weight,height,colour,name,animal
4.0,30,black,pet0,cat
30.0,60,brown,pet1,dog
5.0,28,white,pet2,cat
25.0,55,black,pet3,dog
3.5,25,,pet4,cat
40.0,70,brown,pet5,dog
4.2,29,white,pet6, cat
35.0,65,black,pet7,dog
4.1,31,brown,pet8,cat
28.0,58,white,pet9,dog
3.9,27,black,pet10,cat
33.0,62,brown,pet11,bird
"""


def test_a_text_label_is_encoded_as_classes_like_sklearns_label_encoder():
    import pandas as pd
    from sklearn.preprocessing import LabelEncoder

    d = datasets.load("csv", csv_bytes=PETS, label="animal")
    frame = pd.read_csv(io.BytesIO(PETS)).dropna()
    labels = frame["animal"].str.strip()
    encoder = LabelEncoder().fit(labels)
    assert d.task == "classification" and d.num_classes == 3
    assert d.class_names == list(encoder.classes_) == ["bird", "cat", "dog"]
    expected = encoder.transform(labels)
    assert sorted(np.concatenate([d.y, d.y_test]).tolist()) == sorted(expected.tolist())
    assert str(d.notes[0]) == "label 'animal' encoded as 3 classes: 0 = bird, 1 = cat, 2 = dog"


def test_text_features_with_few_values_are_one_hot_and_the_others_dropped():
    import pandas as pd

    d = datasets.load("csv", csv_bytes=PETS, label="animal")
    frame = pd.read_csv(io.BytesIO(PETS)).dropna().drop(columns=["animal", "name"])
    reference = pd.get_dummies(frame, columns=["colour"]).to_numpy(dtype=np.float32)
    pool = np.concatenate([d.x, d.x_test])
    assert pool.shape == reference.shape == (11, 5)
    # the test split takes rows out of order: compare as sets of rows
    assert sorted(map(tuple, pool.tolist())) == sorted(map(tuple, reference.tolist()))
    notes = [str(n) for n in d.notes]
    assert (
        "one-hot encoded text columns (one 0/1 column per value): colour → black, brown, "
        "white" in notes
    )
    assert "dropped text columns with more than 10 distinct values: name (12)" in notes
    assert "dropped 1 row with a missing, non-numeric or infinite value" in notes


def test_a_text_label_cannot_be_regression_and_says_what_to_choose():
    with pytest.raises(ValueError, match="'animal' holds text .*choose classification or auto"):
        datasets.load("csv", csv_bytes=PETS, label="animal", task="regression")


def test_numeric_labels_that_are_not_0_to_k_show_their_mapping():
    d = datasets.load("csv", csv_bytes=b"f,label\n1,3\n2,7\n3,3\n4,7\n5,3\n", label="label")
    assert d.class_names == ["3", "7"]
    assert str(d.notes[0]) == "label 'label' encoded as 2 classes: 0 = 3, 1 = 7"
    plain = datasets.load("csv", csv_bytes=GOOD, label="label")
    assert not any("encoded" in str(n) for n in plain.notes)


def test_the_synthetic_hint_says_it_memorises_and_cannot_generalise():
    note = datasets.load("synthetic", n=10).note
    assert "memorises the training samples" in note and "validation and test loss rise" in note
    assert "overfitting" in note
