"""The Path page in AppTest: it draws the tutorial's paths, the player steps, bad input is an
error that keeps the page, and it reads in Chinese."""

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.present.text import t

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_path(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.switch_page("app_pages/path.py").run()
    assert not at.exception, at.exception
    return at


def position(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(("Step ", "第 ")))


def test_tutorial_paths_are_drawn_and_the_player_steps_and_resets():
    at = open_path()
    assert [c.value for c in at.number_input][:2] == [10, 10]
    assert position(at).startswith("Step 0 of 40, epoch 1.")
    assert len(at.get("vega_lite_chart")) == 3
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("path.metric.weights")].endswith(", 0.000")  # zero initial bias
    at.button[1].click().run()  # Step
    assert at.slider[0].value == 1 and position(at).startswith("Step 1 of 40")
    at.slider[0].set_value(40).run()
    assert position(at) == t("path.position_end", step=40, last=40)
    at.button[2].click().run()  # Reset
    assert at.slider[0].value == 0


def test_following_batch_size_1_walks_its_100_steps():
    at = open_path(follow="1")
    assert position(at).startswith("Step 0 of 100, epoch 1. The next batch is samples ")
    at.toggle[0].set_value(True).run()  # zoom into the valley
    assert not at.exception


def test_a_bad_batch_size_list_is_an_error_and_the_inputs_stay():
    at = open_path()
    at.text_input[0].set_value("1, zero").run()
    assert not at.exception
    assert "batch size 'zero' is not a whole number" in at.error[0].value
    at.number_input[0].set_value(1000).run()
    at.text_input[0].set_value("1, 3").run()
    assert "B = 1 takes 10,000 steps" in at.error[0].value
    assert at.number_input[0].value == 1000


def test_path_page_reads_in_chinese():
    at = open_path(lang="zh")
    assert re.search(r"[\u4e00-\u9fff]", at.title[0].value)
    assert position(at).startswith("第 0 步，共 40 步")
