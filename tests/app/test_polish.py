"""Issue 14 item 9: the small things a new user trips on (plurals, numbers that do not fit)."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.present.text import COMPACT_FROM, compact
from core.schedule.plan import Schedule, ScheduleSpec

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SCALE = {"万亿": 10**12, "亿": 10**8, "万": 10**4}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "value",
    [0, 1, 999, 9_999_999, 10_000_000, 12_345_678, 333_334_000, 333_334_000_000, 10**13, 10**16],
)
def test_compact_numbers_are_short_and_read_back_to_the_value(value, lang):
    text = compact(value, lang)
    if value < COMPACT_FROM:
        assert text == f"{value:,}"
        return
    if lang == "en":  # "3.333 × 10¹¹", never "333.3B" (a batch of B?)
        number, power = re.fullmatch(r"(\d(?:\.\d+)?) × 10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text).groups()
        scale = 10 ** int(power.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
    else:
        number, unit = re.fullmatch(r"([\d.,]+)(\D+)", text).groups()
        scale = SCALE[unit]
    # 4 significant digits: within half a unit in the 4th digit of the exact value
    assert abs(float(number.replace(",", "")) * scale - value) <= 5e-4 * value, text
    assert len(text) <= 12, text


def schedule_page(**query):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({k: str(v) for k, v in query.items()})
    return at.run()


def test_a_last_batch_of_one_sample_is_singular():
    at = schedule_page(n=10, batch_size=3, epochs=1)
    assert not at.exception
    assert "The last batch of every epoch holds 1 sample instead of 3." in [
        i.value for i in at.info
    ]
    at = schedule_page(n=11, batch_size=3, epochs=1)
    assert "The last batch of every epoch holds 2 samples instead of 3." in [
        i.value for i in at.info
    ]


def test_huge_counts_show_compact_in_the_metrics_and_whole_in_the_formula():
    at = schedule_page(n=1_000_000, batch_size=3, epochs=1_000_000)
    assert not at.exception
    s = Schedule(ScheduleSpec(n=1_000_000, batch_size=3, epochs=1_000_000))
    shown = {m.label: m.value for m in at.metric}
    assert shown["Total iterations"] == compact(s.total_steps) == "3.333 × 10¹¹"
    assert shown["Samples seen in total"] == compact(s.samples_seen) == "1 × 10¹²"
    assert shown["Iterations per epoch"] == "333,334"
    assert f"**{s.total_steps:,}**" in " ".join(md.value for md in at.markdown)
