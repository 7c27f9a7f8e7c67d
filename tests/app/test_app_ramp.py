"""The batch-size ramp on the Schedule and Train pages: preview, link, bad input as one error."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core import urlstate

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_a_ramp_on_the_schedule_page_shows_its_phases_and_the_summed_total():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(n="100", epochs="6", batch_size_schedule="0:8,2:32,4:128")
    at.run()
    assert not at.exception, at.exception
    assert metrics(at)["Total iterations"] == "36"  # 2·13 + 2·4 + 2·1
    frames = [df.value for df in at.dataframe]
    phases = next(f for f in frames if "iterations per epoch" in f.columns)
    assert phases["B"].tolist() == [8, 32, 128]
    assert phases["iterations per epoch"].tolist() == [13, 4, 1]
    code = "\n".join(c.value for c in at.code)
    assert "initial_epoch=first" in code and "(4, 6, 128)" in code


def test_a_bad_ramp_is_one_error_and_nothing_else_breaks():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(n="100", epochs="5", batch_size_schedule="0:8,9:16")
    at.run()
    assert not at.exception, at.exception
    assert len(at.error) == 1
    assert "starts at epoch 9, but a run of 5 epochs ends at epoch 4" in at.error[0].value


def test_the_ramp_is_kept_in_the_link():
    state = {"batch_size_schedule": "0:8,2:32", "n": 100}
    assert urlstate.to_query("", state, "en")["batch_size_schedule"] == "0:8,2:32"
    values, notes = urlstate.from_query("", {"batch_size_schedule": "x:16"})
    assert not values and "is not epoch:batch_size" in str(notes[0])


def test_the_train_page_states_each_phase_and_the_total_before_start():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/train.py")
    at.query_params.update(dataset="digits", n="1000", epochs="4", batch_size_schedule="0:64,2:256")
    at.run()
    assert not at.exception, at.exception
    text = "\n".join(m.value for m in at.markdown)
    # ceil(1000/64) = 16, ceil(1000/256) = 4 per epoch; two epochs each
    assert "epochs 0–1: B = 64, 16 iterations per epoch" in text
    assert "**40** iterations in all" in text and "each of the 2 batch sizes" in text
