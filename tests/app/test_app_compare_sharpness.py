"""Compare's "sharpness and gap" view (issue 23): the checkbox plans runs that measure it, and a
stored sweep with measurements draws the chart and the reading, in English and Chinese."""

import pytest
from streamlit.testing.v1 import AppTest

from core.api import sweeps
from core.run.store import RunStore
from core.study.sharpness import Sharpness
from core.train.engine import TrainConfig
from tests.app.test_i18n_url import APP


def store_sweep(sweep_id="sw-sharp", measured=True):
    """A stored sweep at B = 8 and 512, two repeats each (written through the store's API: the
    view reads only the store), with sharpness where MEASURED."""
    store = RunStore()
    for b, lam, gap in ((8, 5.0, 0.05), (512, 40.0, 0.3)):
        for r in range(2):
            config = TrainConfig(
                dataset="digits", batch_size=b, seed=r, validation_split=0.2, sharpness=measured
            ).to_dict() | {"n": 1797}
            run_id = store.create_run(config, 4, sweep_id=sweep_id, label=f"B={b}")
            rows = [(s, 0, b, 2.0 - 0.1 * s, 0.5, 0.01 * (s + 1), None) for s in range(4)]
            store.add_steps(run_id, rows, 4)
            store.add_epoch(run_id, 0, 1.6, 0.6, 1.7, 0.55, 0.04, 4)
            store.update_run(run_id, status="completed", test_metrics={"loss": 1.7})
            if measured:
                m = Sharpness(
                    lam + r, 9, True, 10 * lam, (9 * lam, 11 * lam), 30, 1.4, 100, 1437, 0.5
                ).with_test_loss(1.4 + gap + 0.01 * r)
                store.add_sharpness(run_id, m.to_dict())
    return store


def compare_page(lang="en"):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    return at.switch_page("app_pages/compare.py").run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_measured_sweep_draws_the_sharpness_view_and_its_reading(lang):
    store_sweep()
    at = compare_page(lang)
    assert not at.exception
    title = "Sharpness and the generalization gap" if lang == "en" else "尖锐度与泛化差距"
    assert title in [s.value for s in at.subheader]
    reading = [i.value for i in at.info if "λ_max" in i.value]
    assert len(reading) == 1
    if lang == "en":
        assert "From B=8 to B=512, λ_max went from 5.5 to 40.5" in reading[0]
        assert "same learning rate (0.001)" in reading[0] and "Dinh et al. 2017" in reading[0]
    else:
        assert "从 B=8 到 B=512" in reading[0] and "Dinh 等人" in reading[0]


def test_an_unmeasured_sweep_says_how_to_measure_it():
    store_sweep(measured=False)
    at = compare_page()
    assert not at.exception
    assert any("did not measure sharpness" in c.value for c in at.caption)


def test_the_checkbox_plans_runs_that_measure_sharpness():
    at = compare_page()
    box = next(c for c in at.checkbox if c.key == "compare.sharpness")
    assert box.value is False
    box.check().run()
    assert not at.exception
    assert at.query_params["sharpness"] == ["true"] or at.query_params["sharpness"] == "true"
    inputs = {
        k.removeprefix("compare."): at.session_state[k]
        for k in at.session_state
        if k.startswith("compare.")
    }
    plan = sweeps.plan_sweep(sweeps.sweep_spec({**inputs, "batch_sizes": "8, 64", "n": 200}))
    assert all(cfg.sharpness for cfg in plan.configs)
