"""The Path page in AppTest: it draws the tutorial's paths as one player chart that holds every
frame (the step, the schedule's batch, the readout), bad input is an error that keeps the page,
and it reads in Chinese. The browser side of the player is in tests/e2e/test_path_e2e.py."""

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.present.text import t
from core.schedule.plan import Schedule, ScheduleSpec

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_path(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.switch_page("app_pages/path.py").run()
    assert not at.exception, at.exception
    return at


def player(at: AppTest) -> dict:
    """The player chart's parameters by name: `frame` (the slider) and `frames`."""
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    return {p["name"]: p for p in json.loads(charts[0].proto.spec)["params"]}


def schedule_batches(batch_size: int) -> list[list[int]]:
    s = Schedule(ScheduleSpec(n=10, batch_size=batch_size, epochs=10, seed=0))
    return [b.tolist() for e in range(s.epochs) for b in s.epoch_batches(e)]


def test_tutorial_paths_are_one_player_chart_with_every_frame_and_the_schedules_batches():
    at = open_path()
    assert [c.value for c in at.number_input][:2] == [10, 10]
    params = player(at)
    assert params["frame"]["bind"] == {
        "input": "range", "min": 0, "max": 40, "step": 1, "name": t("path.slider"),
    }  # fmt: skip
    frames = params["frames"]["value"]
    assert [f["step"] for f in frames] == list(range(41))
    assert [f["batch"] for f in frames[:-1]] == schedule_batches(3) and frames[-1]["batch"] == []
    assert frames[0]["label"].startswith("Step 0 of 40, epoch 0. The next batch is samples ")
    # epochs count from 0 as everywhere in the app: step 4 opens the second epoch, epoch 1
    assert frames[4]["label"].startswith("Step 4 of 40, epoch 1. ")
    assert frames[-1]["label"] == t("path.position_end", step=40, last=40)
    assert frames[-1]["bw"] is None and frames[0]["bw"] is not None  # no arrows at the end
    assert "w, b: " in frames[0]["numbers"] and ", 0.000" in frames[0]["numbers"]  # zero bias
    assert [f["seen"] for f in frames[:5]] == [0, 3, 6, 9, 10]  # the partial batch of 1
    html = "".join(h.proto.body for h in at.get("html"))
    assert all(t(f"path.{k}") in html for k in ("play", "step", "reset"))


def test_following_batch_size_1_walks_its_100_steps():
    at = open_path(follow="1")
    frames = player(at)["frames"]["value"]
    assert len(frames) == 101
    batch = frames[0]["batch"][0]  # one sample: "is sample 4", not "is samples 4" (issue 26)
    first = f"Step 0 of 100, epoch 0. The next batch is sample {batch}:"
    assert frames[0]["label"].startswith(first)
    assert [f["batch"] for f in frames[:-1]] == schedule_batches(1)
    at.toggle[0].set_value(True).run()  # zoom into the valley
    assert not at.exception
    assert player(at)["frames"]["value"] == frames  # the zoom moves the window, not the path


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
    frames = player(at)["frames"]["value"]
    assert frames[0]["label"].startswith("第 0 步，共 40 步")
    assert "播放" in "".join(h.proto.body for h in at.get("html"))
