import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_schedule_page_renders_fast_without_tensorflow():
    # A fresh interpreter: other test modules in this process may have imported TensorFlow.
    code = f"""
import sys, time
from streamlit.testing.v1 import AppTest
start = time.perf_counter()
at = AppTest.from_file({APP!r}, default_timeout=30).run()
elapsed = time.perf_counter() - start
assert not at.exception, at.exception
assert at.metric[0].value == "10"
assert "tensorflow" not in sys.modules and "keras" not in sys.modules
print(elapsed)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # Cold: Python, Streamlit, pandas and Altair imports included. bench/ measures it warm.
    assert float(proc.stdout.strip().splitlines()[-1]) < 5


def test_presets_change_the_metrics():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.selectbox(key="preset").set_value("schedule.preset.mnist").run()
    m = metrics(at)
    assert (m["Iterations per epoch"], m["Total iterations"], m["Last batch size"]) == (
        "938",
        "4,690",
        "32",
    )
    at.selectbox(key="preset").set_value("schedule.preset.linear").run()
    m = metrics(at)
    assert (m["Iterations per epoch"], m["Total iterations"], m["Last batch size"]) == (
        "4",
        "40",
        "1",
    )
    assert not at.exception


def test_bad_batch_size_shows_an_error_not_a_traceback():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.number_input(key="batch_size").set_value(0).run()
    assert not at.exception
    assert "batch_size` must be at least 1" in at.error[0].value


def test_split_that_leaves_no_training_samples_shows_an_error():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.number_input(key="n").set_value(1).run()
    at.number_input(key="validation_split").set_value(0.5).run()
    assert "0 training samples" in at.error[0].value


def test_validation_split_and_drop_remainder_update_the_figures():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.number_input(key="n").set_value(1797).run()
    at.number_input(key="batch_size").set_value(32).run()
    at.number_input(key="validation_split").set_value(0.2).run()
    m = metrics(at)
    assert (
        m["Training samples"],
        m["Validation samples"],
        m["Iterations per epoch"],
        m["Last batch size"],
    ) == ("1,437", "360", "45", "29")
    at.checkbox(key="drop_remainder").check().run()
    m = metrics(at)
    assert (m["Iterations per epoch"], m["Dropped per epoch"]) == ("44", "29")


def test_large_n_uses_the_aggregated_membership_view():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.number_input(key="n").set_value(10**6).run()
    assert not at.exception
    assert any("too large" in c.value for c in at.caption)


def test_log_sliders_set_n_b_e_and_follow_typed_numbers():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.select_slider(key="n_log").set_value(60_000).run()
    at.select_slider(key="batch_size_log").set_value(64).run()
    at.select_slider(key="epochs_log").set_value(5).run()
    assert not at.exception
    assert (at.session_state["n"], at.session_state["batch_size"], at.session_state["epochs"]) == (
        60_000,
        64,
        5,
    )
    m = metrics(at)
    assert (m["Iterations per epoch"], m["Total iterations"]) == ("938", "4,690")
    assert at.selectbox(key="preset").value == "schedule.preset.mnist"  # the MNIST worked example
    at.number_input(key="n").set_value(1500).run()  # typed: the slider moves to the nearest stop
    at.number_input(key="epochs").set_value(40).run()
    assert (at.session_state["n_log"], at.session_state["epochs_log"]) == (2000, 50)
