import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import urlstate
from core.present.text import compact
from core.schedule import plan

APP = str(Path(__file__).resolve().parents[2] / "app.py")


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
    # (preset, iterations per epoch, total iterations, last batch size), one after the other
    for preset, figures in [
        ("schedule.preset.mnist", ("938", "4,690", "32")),
        ("schedule.preset.linear", ("4", "40", "1")),
    ]:
        at.selectbox(key="preset").set_value(preset).run()
        m = metrics(at)
        assert (m["Iterations per epoch"], m["Total iterations"], m["Last batch size"]) == figures
    assert not at.exception


def test_a_schedule_core_refuses_shows_an_error_not_a_traceback():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.number_input(key="batch_size").set_value(1001).run()
    at.checkbox(key="drop_remainder").check().run()
    assert not at.exception
    assert "drop_remainder leaves no step" in at.error[0].value


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
    # Typed numbers between stops: each slider shows the number itself (issue 14, item 8: it
    # showed 128 while B = 100), as one more stop, and the figures follow the typed numbers.
    at.number_input(key="n").set_value(1500).run()
    at.number_input(key="batch_size").set_value(100).run()
    at.number_input(key="epochs").set_value(40).run()
    assert not at.exception
    for key in ("n", "batch_size", "epochs"):
        slider = at.select_slider(key=f"{key}_log")
        assert slider.value == at.session_state[key]
        assert f"{at.session_state[key]:,}" in slider.options  # as the slider labels it
    assert metrics(at)["Iterations per epoch"] == f"{-(-1500 // 100):,}"
    at.select_slider(key="batch_size_log").set_value(128).run()  # the stops still work
    assert at.session_state["batch_size"] == 128


# -- one bound per input, and huge inputs (issue 14, item 1) ----------------------------------
def test_every_input_takes_its_bounds_from_core():
    at = AppTest.from_file(APP, default_timeout=30).run()
    links = {p.name: p for p in urlstate.PAGE_PARAMS[""]}
    bounds = {
        "n": (1, plan.MAX_N),
        "batch_size": (1, plan.MAX_N),
        "epochs": (1, plan.MAX_EPOCHS),
        "seed": (0, plan.MAX_SEED),
        "replicas": (1, plan.MAX_REPLICAS),
        "validation_split": (0.0, plan.MAX_VALIDATION_SPLIT),
    }
    for key, (low, high) in bounds.items():
        widget = at.number_input(key=key).proto
        assert (widget.min, widget.max) == (low, high), key  # the widget
        assert (links[key].low, links[key].high) == (low, high), key  # a link
        spec = dict(n=10**12, batch_size=128, validation_split=0.5) | {key: high}
        plan.ScheduleSpec(**spec).validate()  # core accepts the bound itself ...
        over = high + (1 if isinstance(high, int) else 0.01)
        with pytest.raises(ValueError, match=f"`{key}` must be"):  # ... and refuses beyond it
            plan.ScheduleSpec(**(spec | {key: over})).validate()
    for key in ("n", "batch_size", "epochs"):  # each slider spans its input's range
        options = at.select_slider(key=f"{key}_log").options
        assert (options[0], options[-1]) == (f"{bounds[key][0]:,}", f"{bounds[key][1]:,}")


@pytest.mark.parametrize("n", [10**8, 10**9, 10**12])
def test_huge_n_shows_exact_figures_and_builds_no_index_list(n, peak_mib):
    at = AppTest.from_file(APP, default_timeout=30).run()
    _, mib = peak_mib(lambda: at.number_input(key="n").set_value(n).run())
    assert not at.exception
    m = metrics(at)
    per_epoch, total = -(-n // 100), -(-n // 100) * 10  # ⌈n / B⌉, B = 100, E = 10
    # metrics show counts from 10^7 in short form, so they are never cut off ...
    assert m["Iterations per epoch"] == compact(per_epoch)
    assert m["Total iterations"] == compact(total)
    assert m["Samples seen in total"] == compact(n * 10)
    # ... and the exact figures are on the page, in the formula line
    page_text = " ".join(md.value for md in at.markdown)
    assert f"{total:,}" in page_text and f"{per_epoch:,}" in page_text
    assert any("does not build the epoch's order" in i.value for i in at.info)
    assert at.dataframe[0].value.columns[-1] == "positions"
    # The whole page, rerun: O(1) figures and a bounded table (10^8 took 62 s, 10^12 crashed);
    # an index list of 10^8 samples alone would be 763 MiB.
    print(f"N = {n:,}: peak {mib:.1f} MiB")
    assert mib < 64, mib


def test_a_link_beyond_a_bound_falls_back_with_a_note():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(n=str(plan.MAX_N + 1), batch_size="3")
    at.run()
    assert not at.exception
    assert at.session_state["n"] == 1000 and at.session_state["batch_size"] == 3
    assert any("n=" in w.value for w in at.warning)


def test_own_data_given_on_another_page_sets_n_in_one_click_without_tensorflow(tmp_path):
    # 37 samples and no x_test: 20 % (7) held out as the engine holds them out, 30 trained on.
    # A fresh interpreter, so that "no TensorFlow" means this page did not import it.
    import numpy as np

    data = tmp_path / "mine.npz"
    rng = np.random.default_rng(1)
    np.savez(data, x=rng.normal(size=(37, 5)).astype("float32"), y=rng.integers(0, 2, 37))
    code = f"""
import sys
from streamlit.testing.v1 import AppTest
from core.api.common import OwnFiles
at = AppTest.from_file({APP!r}, default_timeout=30)
at.session_state["files.current"] = {{"files": OwnFiles(None, {str(data)!r}), "page": "train"}}
at.run()
assert not at.exception and not at.error, at.error
assert "mine.npz: 30 samples to train on (7 held out for test)" in at.info[0].value
at.button(key="schedule.own_data.use").click().run()
assert at.number_input(key="n").value == 30
assert at.metric[0].value == "1"  # 30 samples at B = 100: one iteration an epoch
assert at.button(key="schedule.own_data.use").disabled
assert "tensorflow" not in sys.modules and "keras" not in sys.modules
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
