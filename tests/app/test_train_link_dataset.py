"""A Train link that names a dataset brings that dataset's inputs (issue 26 item 6):
`/train?dataset=csv` kept n = 1000, so every upload of fewer rows failed, and the message did not
say that 20% of the rows are held out for the test set."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import InputError
from core.present.text import message
from core.train import datasets

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.mark.parametrize(("dataset", "n"), [("csv", 0), ("digits", 0), ("linear", 10)])
def test_a_link_naming_a_dataset_sets_its_sample_count(dataset, n):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["train.dataset"] = dataset  # what app.py takes from ?dataset=
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    assert at.number_input(key="train.n").value == n


def test_a_link_keeps_its_own_sample_count():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["train.dataset"] = "digits"
    at.session_state["train.n"] = 500
    at.switch_page("app_pages/train.py").run()
    assert at.number_input(key="train.n").value == 500


def test_too_many_samples_says_the_test_hold_out_in_either_language():
    raw = "\n".join(["x,label", *(f"{i},{'ab'[i % 2]}" for i in range(150))]).encode()
    with pytest.raises(InputError) as caught:
        datasets.csv(raw, "label", n=1000)
    # 150 rows: round(0.2 × 150) = 30 held out for the test set, 120 left to train on
    assert message(caught.value, "en") == (
        "`n`=1000 is more than the 120 samples `csv` keeps for training: 20% of its 150 rows "
        "(30) are held out as the test set. Use n ≤ 120, or 0 for all (in the CLI: no --n)."
    )
    assert "20%（30 行）留作测试集" in message(caught.value, "zh")
