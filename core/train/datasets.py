"""Datasets, as plain NumPy arrays: synthetic, blobs, linear, digits, mnist and uploaded CSVs.

`load(name, n=..., seed=...)` returns a `Data`: the first `n` samples of the pool (train and
validation come from these, as in Keras fit), a fixed seeded held-out test split, and what the
models need to know (task, classes, input shape). No TensorFlow here except for MNIST's own
loader, imported only when MNIST is asked for.
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
from dataclasses import dataclass, field, replace

import numpy as np

from core.errors import InputError, Note, Unavailable, check_choice, check_int

DATASETS = ("synthetic", "blobs", "linear", "digits", "mnist", "csv")
IMAGE_DATASETS = ("digits", "mnist")

# CSV caps: bytes read and rows kept. The page's upload widget has the same byte cap.
# blobs: Gaussian clusters in `features` dimensions, one per class.
# csv: what the label column is for; auto = classification for few integral values.
TASKS = ("auto", "classification", "regression")
BLOBS_FEATURES = 16
BLOBS_CLASSES = 4
MAX_FEATURES = 4096
MAX_CLASSES = 1000
CSV_MAX_BYTES = 20 * 1024 * 1024
CSV_MAX_ROWS = 200_000
# A label with at most this many distinct integer values is a classification target.
CSV_MAX_CLASSES = 20
# A text feature column with at most this many distinct values is one-hot encoded; more: dropped.
CSV_ONE_HOT_MAX = 10

SYNTHETIC_FEATURES = 64
SYNTHETIC_CLASSES = 10
SYNTHETIC_TEST = 200


@dataclass
class Data:
    """Arrays plus what a model needs. `x`/`y` are the pool that fit() splits into train/val."""

    name: str
    x: np.ndarray
    y: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str  # "classification" | "regression"
    num_classes: int  # 0 for regression
    is_image: bool = False
    notes: tuple[Note, ...] = ()
    class_names: list[str] = field(default_factory=list)
    scaling: Scaling | None = None  # the standardisation `x` and `x_test` went through

    @property
    def note(self) -> str:
        """The notes in English, one line (CLI, logs)."""
        return "; ".join(map(str, self.notes))

    @property
    def n(self) -> int:
        return len(self.x)

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])


@dataclass(frozen=True)
class Scaling:
    """Per-feature standardisation x' = (x − mean) / std, in float32, with statistics from the
    first `rows` samples of the pool: the training part (validation and test rows left out)."""

    mean: np.ndarray
    std: np.ndarray
    rows: int


def _take(
    name: str, x: np.ndarray, y: np.ndarray, n: int | None, held_out: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The first N samples of X, Y (None: all). HELD_OUT: the samples set aside for the test
    set before X (20 % of the rows), said when N asks for more than X has."""
    available = len(x)
    if n is None:
        return x, y
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError("`n` must be a whole number of at least 1, got {n!r}.", n=n)
    if n > available and held_out:
        raise InputError(
            "`n`={n} is more than the {available:,} samples `{name}` keeps for training: 20% of "
            "its {total:,} rows ({held_out:,}) are held out as the test set. Use n ≤ "
            "{available:,}, or 0 for all (in the CLI: no --n).",
            n=n,
            available=available,
            name=name,
            total=available + held_out,
            held_out=held_out,
        )
    if n > available:
        raise InputError(
            "`n`={n} is more than the {available:,} samples `{name}` has: use n ≤ {available:,}, "
            "or 0 for all (in the CLI: no --n).",
            n=n,
            available=available,
            name=name,
        )
    return x[:n], y[:n]


def synthetic(n: int = 1000, seed: int = 0) -> Data:
    """The tutorials' set: N × 64 uniform features, 10 random classes.

    No signal: a short run stays near ln 10; a long one memorises the training set (training loss
    towards 0) while validation and test loss rise (B=8, E=60: 2.33 → 0.02 and 2.32 → 6.25).
    """
    _check_generated_n(n)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    x = rng.random((n, SYNTHETIC_FEATURES), dtype=np.float32)
    y = rng.integers(0, SYNTHETIC_CLASSES, n).astype(np.int32)
    x_test = rng.random((SYNTHETIC_TEST, SYNTHETIC_FEATURES), dtype=np.float32)
    y_test = rng.integers(0, SYNTHETIC_CLASSES, SYNTHETIC_TEST).astype(np.int32)
    return Data(
        "synthetic",
        x,
        y,
        x_test,
        y_test,
        "classification",
        SYNTHETIC_CLASSES,
        notes=(
            Note(
                "Random labels: nothing here generalises. The loss starts near ln 10 = {ln10:.3f} "
                "(chance); train long enough and the model memorises the training samples: "
                "training loss falls towards 0 while validation and test loss rise and their "
                "accuracy stays near 10% (chance). That gap is overfitting in its purest form; "
                "set a validation split to watch it.",
                ln10=math.log(10),
            ),
        ),
    )


def blobs(
    n: int = 1000,
    seed: int = 0,
    features: int = BLOBS_FEATURES,
    classes: int = BLOBS_CLASSES,
    spread: float = 2.0,
) -> Data:
    """Gaussian clusters: learnable, so loss curves show learning."""
    _check_generated_n(n)
    check_int("features", features, 1, MAX_FEATURES)
    check_int("classes", classes, 2, MAX_CLASSES)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    centers = rng.normal(0.0, 3.0, (classes, features)).astype(np.float32)
    test = max(200, n // 5)

    def draw(count: int) -> tuple[np.ndarray, np.ndarray]:
        labels = rng.integers(0, classes, count).astype(np.int32)
        points = centers[labels] + rng.normal(0.0, spread, (count, features)).astype(np.float32)
        return points.astype(np.float32), labels

    x, y = draw(n)
    x_test, y_test = draw(test)
    return Data("blobs", x, y, x_test, y_test, "classification", classes)


def linear(n: int = 10, seed: int = 0, noise: float = 0.0) -> Data:
    """x = 1..N, y = 2x (+ noise): the 'batches of 3, 3, 3, 1' regression example."""
    _check_generated_n(n)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < 1e6:
        raise InputError("`noise` must be a number in [0, 1e6), got {noise!r}.", noise=noise)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 3]))
    x = np.arange(1, n + 1, dtype=np.float32).reshape(-1, 1)
    y = 2.0 * x[:, 0] + (rng.normal(0.0, noise, n).astype(np.float32) if noise else 0.0)
    x_test = np.linspace(1, n, max(n // 5, 2), dtype=np.float32).reshape(-1, 1)
    y_test = 2.0 * x_test[:, 0]
    return Data(
        "linear", x, y.astype(np.float32), x_test, y_test.astype(np.float32), "regression", 0
    )


def _check_generated_n(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError("`n` must be a whole number of at least 1, got {n!r}.", n=n)
    if n > 5_000_000:
        raise InputError("`n` must be at most 5,000,000 for generated data, got {n}.", n=n)


def _split_test(x: np.ndarray, y: np.ndarray, test_fraction: float, seed: int):
    """A fixed, seeded held-out test split; the rest keeps its original order."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 4]))
    order = rng.permutation(len(x))
    k = int(round(len(x) * test_fraction))
    test, pool = np.sort(order[:k]), np.sort(order[k:])
    return x[pool], y[pool], x[test], y[test]


def digits(n: int | None = None, seed: int = 0, image: bool = False) -> Data:
    """scikit-learn's bundled 8×8 digits (1797 images, offline). 20% held out for test."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = (bunch.data / 16.0).astype(np.float32)
    y = bunch.target.astype(np.int32)
    if image:
        x = x.reshape(-1, 8, 8, 1)
    # Test split fixed by seed 0 so that every run compares on the same held-out images.
    x, y, x_test, y_test = _split_test(x, y, 0.2, 0)
    x, y = _take("digits", x, y, n, held_out=len(x_test))
    return Data("digits", x, y, x_test, y_test, "classification", 10, is_image=True)


def mnist(n: int | None = None, seed: int = 0, image: bool = False) -> Data:
    """MNIST via `keras.datasets.mnist` (local Keras cache, else a download)."""
    try:
        from core.train.devices import import_keras

        keras_mnist = import_keras().datasets.mnist
        # Keras prints its download progress on stdout: keep stdout for the CLI's JSON.
        with contextlib.redirect_stdout(sys.stderr):
            (x, y), (x_test, y_test) = keras_mnist.load_data()
    except Exception as exc:  # offline, no cache, broken cache: say so and offer digits
        raise Unavailable(
            "MNIST is not on this computer and could not be downloaded ({error}). MNIST needs a "
            "one-time download (11 MB) from the internet into the Keras cache, "
            "~/.keras/datasets/mnist.npz; copy that file there from a computer that has it, or "
            "pick the `digits` dataset instead: 8×8 digit images that ship with scikit-learn and "
            "need no download.",
            error=_reason(exc),
        ) from None
    shape = (-1, 28, 28, 1) if image else (-1, 28 * 28)
    x = (x.reshape(shape) / 255.0).astype(np.float32)
    x_test = (x_test.reshape(shape) / 255.0).astype(np.float32)
    x, y = _take("mnist", x, y.astype(np.int32), n)
    return Data("mnist", x, y, x_test, y_test.astype(np.int32), "classification", 10, is_image=True)


def _reason(exc: BaseException) -> str:
    """Why a download failed, in a few words: Keras's "URL fetch failure on URL: None -- [Errno
    -2] Name or service not known" becomes the part after "--"; no text: the error's type."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text.rsplit(" -- ", 1)[-1].strip()
    if len(text) > 100:
        text = text[:99] + "…"
    return text or type(exc).__name__


def csv(raw: bytes, label: str, n: int | None = None, task: str = "auto") -> Data:
    """An uploaded or given CSV: feature columns and a label column.

    A text label (cat/dog) is classification, its sorted values the classes; text feature
    columns with few values are one-hot encoded, the others dropped (`_features`). Rows with
    missing or non-finite values are dropped. Each of these is said in `Data.notes`. 20% of the
    rows (seeded) are held out for test.
    """
    frame = _read_csv(raw)
    _check_label_column(frame, label, task)
    features, notes = _features(frame.drop(columns=[label]), label)
    x, y, text_label = _usable_rows(features, frame[label], label, task, notes)
    task, y, num_classes, class_names = _encode_label(y, text_label, label, task, notes)
    x, y, x_test, y_test = _split_test(x.astype(np.float32), y, 0.2, 0)
    x, y = _take("csv", x, y, n, held_out=len(x_test))
    return Data(
        "csv",
        x,
        y,
        x_test,
        y_test,
        task,
        num_classes,
        notes=tuple(notes),
        class_names=class_names,
    )


def _read_csv(raw: bytes):
    """The CSV's rows as a DataFrame, within the size and row caps; errors say what to fix."""
    import pandas as pd

    if len(raw) > CSV_MAX_BYTES:
        raise InputError(
            "the CSV is {mb:.1f} MB; the cap is {cap_mb} MB: upload a smaller file (fewer rows "
            "or columns).",
            mb=len(raw) / 2**20,
            cap_mb=CSV_MAX_BYTES // 2**20,
        )
    if not raw.strip():
        raise InputError("the CSV is empty: upload a CSV with a header row and data rows.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            "the CSV is not UTF-8 text: save it as UTF-8 CSV and upload it again."
        ) from None
    try:
        frame = pd.read_csv(io.StringIO(text), nrows=CSV_MAX_ROWS + 1)
    except pd.errors.ParserError as exc:
        first = str(exc).splitlines()[0]
        raise InputError(
            "the CSV could not be parsed ({first}): check that every row has the same number of "
            "comma-separated fields.",
            first=first,
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(
            "the CSV is empty: upload a CSV with a header row and data rows."
        ) from None
    _check_delimiter(frame.columns)
    if len(frame) == 0:
        raise InputError("the CSV has a header but no data rows: add rows.")
    if len(frame) > CSV_MAX_ROWS:
        raise InputError(
            "the CSV has more than {cap:,} rows, the cap: keep at most {cap:,} rows.",
            cap=CSV_MAX_ROWS,
        )
    return frame


def _check_label_column(frame, label: str, task: str) -> None:
    if label not in frame.columns:
        cols = ", ".join(map(str, frame.columns[:12]))
        if frame.shape[1] == 1:
            raise InputError(
                "label column {label!r} is not in the CSV; its one column is {cols} (is the "
                "delimiter a comma?).",
                label=label,
                cols=cols,
            )
        raise InputError(
            "label column {label!r} is not in the CSV; its columns are: {cols}.",
            label=label,
            cols=cols,
        )
    if task not in TASKS:
        raise InputError(
            "`task` must be auto, classification or regression, got {task!r}.", task=task
        )


def _usable_rows(features, column, label: str, task: str, notes: list):
    """(x, y, text_label) without the rows that miss a value or hold a non-finite one (said in
    `notes`); y is the label's stripped text for a text label, else its numbers."""
    import pandas as pd

    x = features.to_numpy(dtype=np.float64)
    text_label = _is_text(column)
    if text_label:
        if task == "regression":
            raise InputError(
                "label column {label!r} holds text ({examples}): regression needs numbers; "
                "choose classification or auto.",
                label=label,
                examples=", ".join(map(str, column.dropna().unique()[:3])),
            )
        y = column.astype("string").str.strip()
        bad = ~np.isfinite(x).all(axis=1) | y.isna().to_numpy()
    else:
        y = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(x).all(axis=1) | ~np.isfinite(y)
    if bad.any():
        rows = int(bad.sum())
        notes.append(
            Note("dropped 1 row with a missing, non-numeric or infinite value")
            if rows == 1
            else Note("dropped {rows} rows with missing, non-numeric or infinite values", rows=rows)
        )
    x = x[~bad]
    if len(x) < 2:
        raise InputError("the CSV has fewer than 2 usable rows after dropping bad values.")
    return x, y[~bad], text_label


def _encode_label(y, text_label: bool, label: str, task: str, notes: list):
    """(task, y, num_classes, class_names): `auto` decided (few whole numbers: classes), class
    labels as 0..k−1 (the mapping said in `notes` unless it is the identity)."""
    if text_label:
        task = "classification"
        distinct = np.array(sorted(y.unique()), dtype=object)
        shown = distinct
    else:
        distinct = np.unique(y)
        integral = bool(np.all(np.mod(distinct, 1) == 0))
        if task == "auto":
            few = integral and len(distinct) <= CSV_MAX_CLASSES
            task = "classification" if few else "regression"
        shown = np.array([f"{v:g}" for v in distinct], dtype=object)
    if task != "classification":
        return task, y.astype(np.float32), 0, []
    if len(distinct) < 2:
        raise InputError(
            "label column {label!r} holds one class only ({value}): a classifier needs at "
            "least 2 classes.",
            label=label,
            value=shown[0],
        )
    if len(distinct) > MAX_CLASSES:
        raise InputError(
            "label column {label!r} has {count} distinct values: too many classes (at most "
            "{cap}); choose regression for numbers, or another label column.",
            label=label,
            count=len(distinct),
            cap=MAX_CLASSES,
        )
    values = y.to_numpy(dtype=object) if text_label else y
    class_names = [str(v) for v in shown]
    if class_names != [str(k) for k in range(len(distinct))]:
        notes.insert(
            0,
            Note(
                "label {label!r} encoded as {count} classes: {mapping}",
                label=label,
                count=len(distinct),
                mapping=_listing(f"{k} = {v}" for k, v in enumerate(class_names)),
            ),
        )
    return task, np.searchsorted(distinct, values).astype(np.int32), len(distinct), class_names


def _is_text(column) -> bool:
    """A column with a value that is not a number (missing values aside): cat/dog, yes/no."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(column):
        return False
    return bool((pd.to_numeric(column, errors="coerce").isna() & column.notna()).any())


def _features(features, label: str):
    """The feature columns as numbers, and notes on what was done to text columns.

    Numbers stay; true/false become 1/0; a text column with at most `CSV_ONE_HOT_MAX` distinct
    values becomes one 0/1 column per value (one-hot); other text columns are dropped. A missing
    text value stays missing, so its row is dropped with the others.
    """
    import pandas as pd

    parts, encoded, dropped = [], [], []
    for name in features.columns:
        column = features[name]
        if pd.api.types.is_bool_dtype(column) or not _is_text(column):
            parts.append(pd.to_numeric(column, errors="coerce").astype(np.float64).rename(name))
            continue
        text = column.astype("string").str.strip()
        values = sorted(text.dropna().unique())
        if len(values) > CSV_ONE_HOT_MAX:
            dropped.append(f"{name} ({len(values)})")  # no words: the note is translated
            continue
        encoded.append(f"{name} → {', '.join(values)}")
        for value in values:
            parts.append((text == value).astype("Float64").rename(f"{name}={value}"))
    notes = []
    if encoded:
        notes.append(
            Note(
                "one-hot encoded text columns (one 0/1 column per value): {columns}",
                columns=_listing(encoded),
            )
        )
    if dropped:
        notes.append(
            Note(
                "dropped text columns with more than {cap} distinct values: {columns}",
                cap=CSV_ONE_HOT_MAX,
                columns=_listing(dropped),
            )
        )
    if not parts:
        raise InputError(
            "the CSV has no usable feature columns besides {label!r}: features must be numbers, "
            "or text with at most {cap} distinct values (dropped: {columns}).",
            label=label,
            cap=CSV_ONE_HOT_MAX,
            columns=_listing(dropped),
        )
    frame = pd.concat(parts, axis=1).astype("float64")
    return frame, notes


def _listing(items, limit: int = 12) -> str:
    """At most `limit` items joined with commas, then how many more."""
    items = list(items)
    shown = "; ".join(items[:limit]) if any("," in i for i in items) else ", ".join(items[:limit])
    return shown + (f" … (+{len(items) - limit} more)" if len(items) > limit else "")


def _check_delimiter(columns) -> None:
    """One column whose name holds another separator: a semicolon or tab CSV read with commas."""
    if len(columns) != 1:
        return
    name = str(columns[0])
    for delimiter in (";", "\t", "|"):
        if delimiter in name:
            raise InputError(
                "the CSV has one column, {name!r}: its fields look separated by {delimiter!r}, "
                "not commas. Save it with comma as the delimiter.",
                name=name,
                delimiter=delimiter,
            )


def csv_columns(raw: bytes) -> list[str]:
    """The header of a CSV, for choosing the label column. Raises ValueError if unreadable."""
    import pandas as pd

    if len(raw) > CSV_MAX_BYTES:
        raise InputError(
            "the file is {mb:.1f} MB; the cap is {cap_mb} MB: upload a smaller file.",
            mb=len(raw) / 2**20,
            cap_mb=CSV_MAX_BYTES // 2**20,
        )
    head = raw[:65536]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(raw) <= 65536 or exc.start < len(head) - 4:
            raise InputError("the file is not UTF-8 text: save it as UTF-8 CSV.") from None
        text = head[: exc.start].decode("utf-8-sig")  # a character cut at the 64 KiB mark
    if not text.strip():
        raise InputError("the file is empty: upload a CSV with a header row and data rows.")
    try:
        header = pd.read_csv(io.StringIO(text), nrows=0)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError("the file's header could not be read ({exc}).", exc=exc) from None
    _check_delimiter(header.columns)
    return [str(c) for c in header.columns]


def load(
    name: str,
    n: int | None = None,
    seed: int = 0,
    image: bool = False,
    csv_bytes: bytes | None = None,
    label: str | None = None,
    task: str = "auto",
    features: int = BLOBS_FEATURES,
    classes: int = BLOBS_CLASSES,
    noise: float = 0.0,
) -> Data:
    """Load a dataset by name. Raises ValueError with what to change on bad input.

    `features` and `classes` shape `blobs`; `noise` (standard deviation) is added to `linear`'s y.
    """
    check_choice("dataset", name, DATASETS)
    if name == "synthetic":
        return synthetic(1000 if n is None else n, seed)
    if name == "blobs":
        return blobs(1000 if n is None else n, seed, features=features, classes=classes)
    if name == "linear":
        return linear(10 if n is None else n, seed, noise=noise)
    if name == "digits":
        return digits(n, seed, image=image)
    if name == "mnist":
        return mnist(n, seed, image=image)
    if csv_bytes is None or not label:
        raise InputError(
            "the csv dataset needs a file and a label column (--csv PATH --label COL)."
        )
    return csv(csv_bytes, label, n, task=task)


# Features fed as given above this magnitude get a note: a unit-scale network sees them saturate
# its activations and its loss blow up (incomes of 10k–90k: MSE above 800 after 10 epochs).
LARGE_FEATURE = 10.0


def scales_features(data: Data) -> bool:
    """Whether DATA's features can be standardised: a CSV's columns (numbers in any unit). The
    named datasets and a user's .npz arrays are fed as given. A CSV given as a data file keeps
    its file name."""
    return data.name == "csv" or data.name.lower().endswith(".csv")


def standardized(data: Data, train_samples: int, on: bool = True) -> Data:
    """DATA with its features standardised from its first TRAIN_SAMPLES samples (the training
    part of the pool: validation is the last samples, the test split is apart), said in its
    notes; ON = False, or data whose features are fed as given: DATA, with a note when its
    features are large.

    Statistics in float64; mean and std kept in float32 (`Data.scaling`), so that
    `(x - mean) / std` in float32 repeats the arrays bit for bit (the exported script does). A
    constant column is centred, not divided: its std counts as 1.
    """
    if not scales_features(data):
        return data
    if not on:
        high = float(np.max(np.abs(data.x))) if data.x.size else 0.0
        if high <= LARGE_FEATURE:
            return data
        note = Note(
            "features fed as given (not standardised): values reach {high}; inputs this "
            "large make the loss large and training slow. Standardise them (the default) unless "
            "their scale is the point.",
            high=f"{high:,.0f}" if high >= 100 else f"{high:.3g}",  # 89,980, not 8.998e+04
        )
        return replace(data, notes=(*data.notes, note))
    part = data.x[:train_samples].astype(np.float64)
    mean, std = part.mean(axis=0), part.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    scaling = Scaling(mean.astype(np.float32), std.astype(np.float32), int(train_samples))

    def scale(x: np.ndarray) -> np.ndarray:
        return ((x - scaling.mean) / scaling.std).astype(np.float32)

    note = Note(
        "features standardised to mean 0 and standard deviation 1 with the statistics of the "
        "{rows:,} training rows only (validation and test rows not used)",
        rows=scaling.rows,
    )
    return replace(
        data,
        x=scale(data.x),
        x_test=scale(data.x_test),
        notes=(*data.notes, note),
        scaling=scaling,
    )
