"""Chinese as Chinese is written: no space between Chinese words once fields are filled in,
full-width separators, sentences run together (a review read "达到了 验证损失", "。 用了",
"损失 2.3280, 准确率 0.140" and "夹角：批梯度与全量梯度: 2°")."""

import pandas as pd

from core.present import readings
from core.present.text import LANGS, t, tidy_zh


def test_filled_in_chinese_words_sit_without_spaces():
    line = t("reading.time.only", "zh", b=8, metric=t("target.val_loss", "zh"), target=0.5, v=0.03)
    assert "达到了验证损失 0.5" in line
    # Latin and digits keep their spaces; English keeps everything.
    assert tidy_zh("B = 8 达到 0.5") == "B = 8 达到 0.5"
    assert t("reading.time.only", "en", b=8, metric="validation loss", target=0.5, v=0.03) == (
        LANGS["en"]["reading.time.only"].format(b=8, metric="validation loss", target=0.5, v=0.03)
    )


def test_a_sweep_reading_runs_its_sentences_together_in_chinese():
    by_b = pd.DataFrame(
        {
            "batch_size": [8, 64],
            "accumulation": [1, 1],
            "final_train_loss": [0.3, 0.4],
            "steps_to_target": [206.0, None],
            "epochs_to_target": [1.4, None],
            "seconds_to_target": [0.03, None],
            "seconds_to_target_min": [0.03, None],
            "seconds_to_target_max": [0.03, None],
            "runs": [1, 1],
        }
    )
    zh = readings.sweep_reading(by_b, "val_loss", 0.5, "zh")
    assert "。 " not in zh and "达到了验证损失" in zh, zh
    en = readings.sweep_reading(by_b, "val_loss", 0.5, "en")
    assert ". " in en, en


def test_separators_are_full_width_in_chinese():
    assert t("list.sep", "zh").join(["损失 2.3280", "准确率 0.140"]) == "损失 2.3280，准确率 0.140"
    pair = t("path.metric.pair", "zh", name=t("path.metric.angle", "zh"), value="2°")
    assert pair == "批梯度与全量梯度的夹角：2°"


def test_no_chinese_template_has_a_space_between_chinese_words():
    assert [k for k, v in LANGS["zh"].items() if isinstance(v, str) and tidy_zh(v) != v] == []
