"""Links carry every input of the Train, Compare, Science and Runs pages, and bad ones fall back."""

import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import choices, urlstate
from core.present.text import message, t
from core.run.store import RunStore
from core.train.engine import TrainConfig

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
HAN = re.compile(r"[\u4e00-\u9fff]")
PAGE_FILES = {
    "": "schedule.py",
    "train": "train.py",
    "compare": "compare.py",
    "science": "science.py",
    "runs": "runs.py",
}
# Widget keys that stay out of links, and why.
NOT_IN_LINKS = {
    # buttons
    "compare.start",
    "compare.stop",
    "train.start",
    "train.stop",
    "compare.ramp_run",
    "science.measure",
    "science.throughput_run",
    "science.quick_run",
    "runs.open_sweep",
    "schedule.own_data.use",  # uses the data file's N (the N itself is in the link)
    "runs.delete",
    "runs.delete_open",  # the confirmation popover's open state
    # an uploaded file cannot travel in a link, nor can the column picked from it
    "train.csv",
    "train.label",
    "runs.csv",  # the CSV a stored run trained on, for its reproducing export
    # which epoch of one run's chart: valid only for that run; the widgets pass value= or
    # bounds that come from the run's data
    "train.composition_latest",
    "train.composition_epoch",
    "runs.epoch",
    # follow n, batch_size and epochs
    "preset",
    "batch_size_log",
    "n_log",
    "epochs_log",
}
# Link parameters that are not widgets: the run the Train page shows (a reload re-attaches).
NOT_WIDGETS = {"train.run_id"}


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_every_input_of_a_page_is_a_url_parameter(page):
    source = (ROOT / "app_pages" / PAGE_FILES[page]).read_text()
    if page == "compare":  # its Smith et al. preset is drawn from a module of its own
        source += (ROOT / "app_pages" / "ramp_preset.py").read_text()
    widget_keys = set(re.findall(r'\bkey="([\w.]+)"', source))
    if page == "":  # the Schedule page draws its number inputs from records in core.api
        from core.api import schedule as api

        widget_keys |= {f.key for f in api.NUMBER_FIELDS}
        widget_keys |= {k for f in api.LOG_FIELDS for k in (f.number.key, f.slider)}
    params = {p.key for p in urlstate.PAGE_PARAMS[page]} - NOT_WIDGETS
    assert params == widget_keys - NOT_IN_LINKS


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_url_names_are_unique_per_page(page):
    names = [p.name for p in urlstate.PAGE_PARAMS[page]]
    assert len(names) == len(set(names)) and "lang" not in names


def test_compare_link_sets_the_whole_sweep():
    values, notes = urlstate.from_query(
        "compare",
        {
            "batch_sizes": "8, 64",
            "repeats": "2",
            "budget": "steps",
            "budget_value": "20",
            "lr_scaling": "linear",
            "base_batch_size": "8",
            "target_metric": "train_loss",
            "target": "0.3",
            "executor": "local",
            "x": "step",
            "log_y": "true",
        },
    )
    assert notes == []
    assert values == {
        "compare.batch_sizes": "8, 64",
        "compare.repeats": 2,
        "compare.budget": "steps",
        "compare.budget_value": 20.0,
        "compare.lr_scaling": "linear",
        "compare.base_batch_size": 8,
        "compare.target_metric": "train_loss",
        "compare.target": 0.3,
        "compare.executor": "local",
        "compare.x": "step",
        "compare.log_y": True,
    }
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in values.items():
        at.session_state[key] = value
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception and not at.error
    assert at.text_input(key="compare.batch_sizes").value == "8, 64"
    assert at.number_input(key="compare.repeats").value == 2
    assert at.radio(key="compare.budget").value == "steps"
    assert at.number_input(key="compare.budget_value").value == 20.0
    assert at.selectbox(key="compare.lr_scaling").value == "linear"
    # 2 batch sizes × 2 repeats; linear scaling from B0 = 8: lr 0.001 × 64 / 8
    assert "4 runs: B=8 (lr 0.001), B=64 (lr 0.008)" in [c.value for c in at.caption]


def test_science_link_sets_micro_batches_and_throughput_cap():
    values, notes = urlstate.from_query(
        "science", {"micro": "8", "cap": "256", "target_metric": "train_loss", "target": "0.1"}
    )
    assert notes == []
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in values.items():
        at.session_state[key] = value
    at.switch_page("app_pages/science.py").run()
    assert not at.exception
    assert at.number_input(key="science.micro").value == 8
    assert at.select_slider(key="science.cap").value == 256


def test_train_link_sets_engine_and_task():
    values, notes = urlstate.from_query("train", {"engine": "keras-fit", "task": "regression"})
    assert notes == []
    assert values == {"train.engine": "keras-fit", "train.task": "regression"}
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in values.items():
        at.session_state[key] = value
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    assert at.selectbox(key="train.engine").value == "keras-fit"


@pytest.mark.parametrize(
    ("page", "query", "names"),
    [
        (
            "compare",
            {
                "batch_sizes": "8, lots",
                "repeats": "11",
                "budget": "forever",
                "budget_value": "-1",
                "lr_scaling": "cubic",
                "base_batch_size": "0",
                "target_metric": "joy",
                "target": "nan",
                "x": "time",
                "log_x": "maybe",
            },
            [
                "lr_scaling=",
                "base_batch_size=",
                "batch size 'lots'",
                "repeats=",
                "budget=",
                "budget_value=",
                "target_metric=",
                "target=",
                "x=",
                "log_x=",
            ],
        ),
        ("compare", {"batch_sizes": " , "}, ["the list of batch sizes is empty"]),
        ("compare", {"batch_sizes": "8, 0"}, ["batch sizes must be at least 1"]),
        (
            "science",
            {"micro": "1", "cap": "1000", "epochs": "100001", "model": "linear"},
            ["epochs=", "model=", "micro=", "cap="],
        ),
        ("science", {"micro": "33", "cap": "4.0"}, ["micro=", "cap="]),
        (
            "train",
            {"engine": "jax", "task": "ranking", "replicas": "17", "epochs": "100001"},
            ["epochs=", "engine=", "replicas=", "task="],
        ),
        ("runs", {"x": "epoch"}, ["x="]),
    ],
)
def test_bad_values_fall_back_with_a_note_in_either_language(page, query, names):
    values, notes = urlstate.from_query(page, query)
    assert values == {}
    assert [n for n, note in zip(names, notes, strict=True) if n not in str(note)] == []
    for note in notes:
        assert HAN.search(message(note, "zh")), note.template


def test_ray_executor_in_a_link_falls_back_to_local_without_ray(monkeypatch):
    monkeypatch.setattr(choices, "ray_available", lambda: False)
    values, notes = urlstate.from_query("compare", {"executor": "ray"})
    assert values == {}
    assert [str(n) for n in notes] == ["executor='ray' is not one of local"]
    assert urlstate.from_query("compare", {"executor": "local"}) == (
        {"compare.executor": "local"},
        [],
    )
    monkeypatch.setattr(choices, "ray_available", lambda: True)
    assert urlstate.from_query("compare", {"executor": "ray"}) == ({"compare.executor": "ray"}, [])


def test_a_sweep_link_keeps_the_sweep_id_as_given():
    assert urlstate.from_query("compare", {"sweep": "sw-0123abcd89"}) == (
        {"compare.shown": "sw-0123abcd89"},
        [],
    )
    assert urlstate.to_query("science", {"science.sweep": None}, "en") == {"lang": "en"}


def two_sweeps():
    store = RunStore()
    for sweep_id in ("sw-older", "sw-newer"):
        for b in (8, 32):
            config = TrainConfig(dataset="digits", batch_size=b).to_dict()
            store.create_run(config, 10, sweep_id=sweep_id)
            time.sleep(0.01)


@pytest.mark.parametrize(
    ("page", "key"), [("compare.py", "compare.shown"), ("science.py", "science.sweep")]
)
def test_a_sweep_link_opens_that_sweep_or_else_the_newest(page, key):
    two_sweeps()
    for linked, shown in (("sw-older", "sw-older"), ("sw-gone", "sw-newer")):
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state[key] = linked
        at.switch_page(f"app_pages/{page}").run()
        assert not at.exception
        assert at.selectbox(key=key).value == shown
        gone = [w.value for w in at.warning if "does not have" in w.value]
        assert gone == ([] if linked == shown else [t("compare.sweep_gone", sweep=linked)])
