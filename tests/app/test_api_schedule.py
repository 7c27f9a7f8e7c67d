"""core.api.schedule: what the Schedule page draws, without Streamlit."""

import re
import subprocess
import sys

import pytest

from core.api import schedule as api


def figures(summary: api.Summary) -> dict[str, str]:
    return {f.label: f.value for b in summary.blocks for f in b.figures}


def test_summary_gives_the_figures_formula_and_note_in_page_order():
    values = api.DEFAULTS | dict(n=1797, batch_size=32, validation_split=0.2)
    view = api.summary(values, "en")
    assert [b.kind for b in view.blocks] == ["metrics", "metrics", "markdown", "markdown", "info"]
    shown = figures(view)
    assert (shown["Training samples"], shown["Validation samples"]) == ("1,437", "360")
    assert (shown["Iterations per epoch"], shown["Last batch size"]) == ("45", "29")
    assert "1,437" in view.blocks[2].text and "45" in view.blocks[3].text
    assert "29" in view.blocks[4].text  # the partial last batch


def test_accumulation_adds_a_row_of_figures_and_its_formula():
    values = api.DEFAULTS | dict(n=10, batch_size=3, epochs=3, accumulation=5)
    view = api.summary(values, "en")
    assert [len(b.figures) for b in view.blocks if b.kind == "metrics"] == [4, 3, 4]
    shown = figures(view)
    assert shown["Optimizer updates"] == "2" and shown["Effective batch (B × K)"] == "15"


def test_refused_inputs_raise_and_say_what_to_change():
    values = api.DEFAULTS | dict(batch_size=1001, drop_remainder=True)
    with pytest.raises(ValueError) as refused:
        api.summary(values, "en")
    assert "drop_remainder leaves no step" in api.error_line(refused.value, "en")


def test_presets_are_matched_only_without_split_or_drop():
    assert api.matching_preset(api.DEFAULTS) == "schedule.preset.tutorial"
    assert api.matching_preset(api.DEFAULTS | dict(validation_split=0.1)) == api.CUSTOM
    mnist = api.DEFAULTS | api.PRESETS["schedule.preset.mnist"]
    assert api.matching_preset(mnist) == "schedule.preset.mnist"


def test_log_sliders_hold_the_typed_value_and_span_the_bounds():
    n, batch_size, epochs = api.LOG_FIELDS
    assert 100 in api.slider_stops(batch_size.stops, 100) and 100 not in batch_size.stops
    assert api.on_slider(epochs.stops, 0) == 1 and api.on_slider(epochs.stops, True) == 1
    for field in api.LOG_FIELDS:
        assert (field.stops[0], field.stops[-1]) == (field.number.low, field.number.high)


def test_below_the_figures_tables_and_code_follow_the_inputs():
    view = api.summary(api.DEFAULTS | dict(n=10, batch_size=4, replicas=2), "en")
    batches, replicas = api.tables(view.schedule, "en")
    assert list(batches.frame["size"][:3]) == [4, 4, 2]
    assert replicas.note and len(replicas.frame) == 2 * 3  # 2 replicas, 3 iterations
    assert [s.label for s in api.snippets(view.spec)] == [
        "Keras fit",
        "tf.data",
        "PyTorch DataLoader",
    ]
    assert api.membership(view.spec, 0, "en").chart is not None


def test_the_page_api_never_pulls_a_framework():
    # A fresh interpreter: other test modules in this process may have imported TensorFlow.
    code = """
import sys
from core.api import schedule as api
view = api.summary(api.DEFAULTS, "en")
api.tables(view.schedule, "en"), api.timeline(view.schedule, "en").to_dict()
print(sorted(m for m in ("tensorflow", "keras", "jax", "torch") if m in sys.modules))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_number_box_states_its_allowed_range_in_its_help(lang):
    # A number outside the range is refused by the box (red outline, old value kept) without a
    # word: typing E=0 or N=10^13 looked ignored. The help now names the range first-hand.
    fields = [*(f.number for f in api.LOG_FIELDS), *api.NUMBER_FIELDS]
    helps = {f.key: api.field_help(f, lang) for f in fields}
    assert "1,000,000,000,000" in helps["n"] and helps["epochs"].count("1,000,000") == 1
    assert "0.95" in helps["validation_split"] and "0.0" not in helps["validation_split"]
    for field in fields:
        low = f"{field.low:,}" if isinstance(field.low, int) else f"{field.low:g}"
        high = f"{field.high:,}" if isinstance(field.high, int) else f"{field.high:g}"
        assert re.search(rf"(^|\D){re.escape(low)} \S+ {re.escape(high)}(\D|$)", helps[field.key])


def test_the_membership_view_says_it_shows_the_next_epochs_too():
    # "Epoch to show: 0" drew epochs 0 and 1 without a word, the second in near-white.
    spec = api.summary(api.DEFAULTS, "en").spec  # N=1000, B=100: two epochs fit
    shown = api.membership(spec, 0, "en")
    assert shown.caption.startswith("Epochs 0–1 side by side")
    encoding = shown.chart.to_dict()["encoding"]["color"]
    assert encoding["field"] == "epoch" and encoding["scale"]["range"][1] == "#d55e00"
    tiny = api.summary({**api.DEFAULTS, "n": 10, "batch_size": 3}, "en").spec
    assert api.membership(tiny, 0, "zh").caption.startswith("并排显示轮次 0–")
