"""The Advise page in AppTest: it renders (en, zh), its link, bad input, and a real advice on
digits run in the worker pool with its progress, result, table and charts."""

import re
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core import urlstate

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "app_pages/advise.py"


def open_advise(lang="en", **query):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def test_advise_page_renders_in_english_and_chinese():
    assert open_advise().title[0].value == "Which batch size should I use?"
    title = open_advise("zh").title[0].value
    assert re.search(r"[\u4e00-\u9fff]", title), title


def test_advise_link_round_trips_every_input():
    state = {
        "advise.dataset": "digits",
        "advise.model": "cnn",
        "advise.optimizer": "sgd",
        "advise.lr": 0.01,
        "advise.base_batch_size": 64,
        "advise.batch_sizes": "16, 256",
        "advise.target_metric": "val_accuracy",
        "advise.target": 0.9,
        "advise.seconds": 120.0,
    }
    query = urlstate.to_query("advise", state, "en")
    values, notes = urlstate.from_query("advise", query)
    assert notes == [] and values == state


def test_bad_sizes_and_targets_show_an_error_and_start_nothing():
    at = open_advise()
    at.text_input(key="advise.batch_sizes").set_value("32, 0").run()
    at.button(key="advise.start").click().run()
    assert "at least 1, got 0" in at.error[0].value
    assert "advise.task" not in at.session_state
    at.text_input(key="advise.batch_sizes").set_value("").run()
    at.selectbox(key="advise.target_metric").set_value("val_accuracy").run()
    at.number_input(key="advise.target").set_value(2.0).run()
    at.button(key="advise.start").click().run()
    assert "between 0 and 1" in at.error[0].value


def test_bad_input_reads_in_chinese():
    at = open_advise("zh")
    at.text_input(key="advise.batch_sizes").set_value("4096").run()
    at.button(key="advise.start").click().run()
    assert "超过了 1150 个训练样本" in at.error[0].value


def test_advise_page_runs_the_advice_on_digits_with_progress_and_draws_it():
    at = open_advise()
    at.text_input(key="advise.batch_sizes").set_value("64,512").run()
    at.number_input(key="advise.target").set_value(0.6).run()
    at.number_input(key="advise.seconds").set_value(60.0).run()
    at.button(key="advise.start").click().run()
    assert "advise.task" in at.session_state
    deadline = time.time() + 240
    seen_progress = False
    while "advise.task" in at.session_state and time.time() < deadline:
        time.sleep(1)
        at.run()
        assert not at.exception
        seen_progress |= any("left" in p.proto.text for p in at.get("progress"))
    at.run()
    assert seen_progress
    assert not at.error, [e.value for e in at.error]
    assert re.search(r"Use B = (64|512) with lr", at.success[0].value)
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 2
    assert len(at.get("vega_lite_chart")) == 3
    assert any("stored as sweep" in c.value for c in at.caption)


def test_stop_ends_the_advice_and_the_page_says_what_it_has():
    at = open_advise()
    at.button(key="advise.start").click().run()
    deadline = time.time() + 120
    while not at.get("progress") and time.time() < deadline:
        time.sleep(0.5)
        at.run()
    at.button(key="advise.stop").click().run()
    while "advise.task" in at.session_state and time.time() < deadline:
        time.sleep(0.5)
        at.run()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "advise.task" not in at.session_state
    shown = [w.value for w in at.warning] + [s.value for s in at.success]
    assert shown, "neither the advice so far nor that there is none"
    assert any("Stopped before the end" in m.value for m in at.markdown) or at.warning
