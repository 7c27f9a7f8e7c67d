import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.cli import main

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def wait_idle(at, keys, timeout=180):
    deadline = time.time() + timeout
    while any(k in at.session_state for k in keys) and time.time() < deadline:
        time.sleep(0.5)
        at.run()
        assert not at.exception
    at.run()


def test_science_page_measures_noise_scale_throughput_and_fits_b_crit():
    assert (
        main(
            [
                "sweep",
                "--dataset",
                "digits",
                "--batch-sizes",
                "8,32,128",
                "--epochs",
                "3",
                "--validation-split",
                "0.2",
            ]
        )
        == 0
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/science.py").run()
    assert not at.exception
    assert any("Keras's default batch size is 32" in m.value for m in at.markdown)
    at.number_input(key="science.epochs").set_value(1).run()
    at.button(key="science.measure").click().run()
    wait_idle(at, ["science.noise"])
    assert any("B_simple ≈" in s.value for s in at.success), [e.value for e in at.error]
    at.select_slider(key="science.cap").set_value(64).run()
    at.button(key="science.throughput_run").click().run()
    wait_idle(at, ["science.rates"])
    assert not at.error, [e.value for e in at.error]
    at.number_input(key="science.target").set_value(2.0).run()  # all three sizes reach it
    assert any("B_crit ≈" in m.value for m in at.markdown)
    assert len(at.get("vega_lite_chart")) >= 3
    assert any("Predicted fastest" in m.value for m in at.markdown)


def test_science_page_bad_micro_batch_split_says_what_to_change():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/science.py").run()
    at.number_input(key="science.batch_size").set_value(30).run()
    at.button(key="science.measure").click().run()
    assert "multiple of 4" in at.error[0].value


def test_science_page_runs_a_quick_sweep_and_fits_b_crit_from_it():
    from core.run.store import RunStore

    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/science.py").run()
    assert any("No sweep yet" in i.value for i in at.info)
    # an older sweep is there too: the quick one is shown once it is done
    assert main(["sweep", "--dataset", "digits", "--batch-sizes", "8,32", "--epochs", "1"]) == 0
    at.button(key="science.quick_run").click().run()
    wait_idle(at, ["science.quick"], timeout=240)
    assert not at.error, [e.value for e in at.error]
    quick = at.session_state["science.sweep"]
    runs = RunStore().list_runs(sweep_id=quick)
    assert sorted(r["batch_size"] for r in runs) == [8, 16, 32, 64, 128]
    # lr scaled by sqrt(B / 64) from the page's Adam lr 0.001
    assert {r["batch_size"]: round(r["lr"], 6) for r in runs}[16] == round(0.001 * 0.5, 6)
    assert any("B_crit ≈" in m.value for m in at.markdown), [w.value for w in at.warning]
    assert not any("same learning rate" in c.value for c in at.caption)
