"""English counts of one read singular: the tiny cases students type (N = 1, E = 1) said
"1 iterations per epoch" and "the 1 training samples"."""

import pytest

from core.api import schedule as api
from core.errors import InputError
from core.present.text import t
from core.schedule import codegen
from core.schedule.plan import Schedule, ScheduleSpec


def test_counts_of_one_are_singular_in_english_and_others_stay_plural():
    line = t("train.iterations", "en", spe=1, epochs=1, total=1, train=1, batch_size=100)
    assert line.startswith("**1 iteration per epoch × 1 epoch = 1 step**")
    assert "⌈1 training sample / batch 100⌉" in line
    line = t("train.iterations", "en", spe=11, epochs=21, total=231, train=1001, batch_size=100)
    assert line.startswith("**11 iterations per epoch × 21 epochs = 231 steps**")
    assert t("schedule.partial_note", "en", partial=1, batch_size=3) == (
        "The last batch of every epoch holds 1 sample instead of 3."
    )
    # Chinese has no plural: untouched.
    assert t("train.iterations", "zh", spe=1, epochs=1, total=1, train=1, batch_size=100) == (
        t("train.iterations", "zh", spe=1, epochs=1, total=1, train=1, batch_size=100)
    )


@pytest.mark.parametrize("make", [codegen.keras_fit, codegen.tf_data])
def test_the_code_comments_count_one_step_in_the_singular(make):
    one = make(ScheduleSpec(n=1, batch_size=100, epochs=1))
    assert "# 1 step per epoch" in one and "1 steps" not in one
    assert "# 10 steps per epoch" in make(ScheduleSpec(n=1000, batch_size=100, epochs=1))


def test_the_schedule_summary_for_one_sample_reads_singular():
    summary = api.summary({**api.DEFAULTS, "n": 1, "batch_size": 100, "epochs": 1}, "en")
    lines = " ".join(block.text for block in summary.blocks)
    assert "larger than the 1 training sample:" in lines, lines
    assert "1 iterations" not in lines and "1 training samples" not in lines, lines


def test_messages_count_one_in_the_singular_too():
    # The same rule fills every English template: the CLI's one-line errors as well as pages.
    with pytest.raises(InputError, match="larger than the 1 training sample, so"):
        Schedule(ScheduleSpec(n=1, batch_size=100, epochs=1, drop_remainder=True))
