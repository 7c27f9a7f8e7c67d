"""Files given on one page are carried to the others (issue 22: every page works on the pair):
the Advise page shows the carried files' names and the model's layers without a second upload,
and its button lets them go. The model is saved by Keras here; AppTest cannot upload, so the
session holds what the Train page's uploaders would have saved."""

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from core.api.common import OwnFiles
from core.present.text import t

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_advise_uses_the_files_given_on_train_until_let_go(tmp_path):
    import keras

    model = tmp_path / "mine.keras"
    keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dense(3)]
    ).save(model)
    data = tmp_path / "mine.npz"
    rng = np.random.default_rng(0)
    np.savez(data, x=rng.normal(size=(50, 6)).astype("float32"), y=rng.integers(0, 3, 50))

    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["files.current"] = {
        "files": OwnFiles(str(model), str(data)),
        "page": "train",
    }
    at.switch_page("app_pages/advise.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    note = t("files.carried", names="mine.keras, mine.npz")
    assert note in [i.value for i in at.info]
    layers = at.dataframe[0].value
    assert list(layers[t("files.col.output_shape")]) == ["(None, 5)", "(None, 3)"]

    at.button(key="advise.files_forget").click().run()
    assert "files.current" not in at.session_state
    assert note not in [i.value for i in at.info]
