"""Core's user-facing errors keep their template, so every one of them reads in Chinese too."""

import ast
import pickle
import re
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import urlstate
from core.errors import InputError
from core.present.text import ERRORS, message
from core.schedule.plan import Schedule, ScheduleSpec

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")


def fields(text):
    return sorted({f for _, f, _, _ in string.Formatter().parse(text) if f})


def raised_templates():
    """(module, template) of every InputError, subclass or Note made with a literal in core/."""
    tree = {p: ast.parse(p.read_text()) for p in sorted(ROOT.glob("core/**/*.py"))}
    classes = {"InputError", "Note"}
    for module in tree.values():  # subclasses: StoreError, PoolBusy, ...
        for node in ast.walk(module):
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", None) in classes for b in node.bases
            ):
                classes.add(node.name)
    found = []
    for path, module in tree.items():
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in classes:
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant), f"{path.name}:{node.lineno} not a literal"
                found.append((path.name, first.value))
    return found


def test_core_raises_no_bare_value_error_with_a_message_for_users():
    # cli.py speaks English only; the two left are programming errors, not user input.
    allowed = {("runner.py", "unknown task"), ("store.py", "unknown run fields")}
    for path in ROOT.glob("core/**/*.py"):
        if path.name == "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and getattr(node.exc, "func", None) is not None:
                name = getattr(node.exc.func, "id", None)
                if name in ("ValueError", "KeyError"):
                    text = ast.get_source_segment(path.read_text(), node.exc)
                    assert any(path.name == f and s in text for f, s in allowed), text


def test_every_core_error_has_a_chinese_translation_with_the_same_fields():
    templates = {t for _, t in raised_templates()}
    assert len(templates) > 70, "the scan found too few errors"
    zh = ERRORS["zh"]
    assert sorted(templates - set(zh)) == []
    assert sorted(set(zh) - templates) == [], "translations of templates no longer raised"
    for template in templates:
        assert fields(zh[template]) == fields(template), template
        assert HAN.search(zh[template]), template


def test_an_input_error_reads_in_the_chosen_language():
    spec = ScheduleSpec(n=10, batch_size=20, epochs=1, drop_remainder=True)
    with pytest.raises(ValueError, match="drop_remainder leaves no step") as info:
        Schedule(spec)
    assert message(info.value, "en") == str(info.value)
    zh = message(info.value, "zh")
    assert "`batch_size`=20" in zh and "10 个训练样本" in zh and HAN.search(zh)
    assert message(RuntimeError("boom"), "zh") == "boom"  # not ours: as raised


def test_an_input_error_survives_pickling_across_processes():
    # Ray and multiprocessing move exceptions between processes by pickling them.
    exc = InputError(
        "`{name}` must be at least {minimum}, got {value}.", name="n", minimum=1, value=0
    )
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is InputError and str(back) == str(exc)
    assert (back.template, back.fields) == (exc.template, exc.fields)


def test_ignored_link_values_are_explained_in_chinese():
    _, notes = urlstate.from_query("", {"batch_size": "0", "shuffle": "sometimes"})
    texts = [message(n, "zh") for n in notes]
    assert texts == ["batch_size='0' 小于 1", "shuffle='sometimes' 不在 none, epoch, batch 之中"]


def test_schedule_page_in_chinese_shows_the_error_in_chinese():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page("app_pages/schedule.py").run()
    at.number_input(key="n").set_value(10).run()
    at.number_input(key="batch_size").set_value(20).run()
    at.checkbox(key="drop_remainder").check().run()
    assert not at.exception
    text = at.error[0].value
    assert "drop_remainder 会让一次迭代都不剩" in text and "drop_remainder leaves" not in text


def test_dataset_notes_read_in_chinese():
    from core.train.datasets import csv, synthetic

    note = synthetic(20).notes[0]
    assert message(note, "zh").startswith(
        "标签是随机的：这里没有任何可以泛化的规律。损失起初在 ln 10 = 2.303"
    )
    data = csv(b"a,b,label\n1,x,cat\n2,y,dog\n,x,cat\n4,y,dog\n5,x,cat\n6,y,dog\n", "label")
    assert [message(n, "zh") for n in data.notes] == [
        "标签 'label' 编码为 2 个类别：0 = cat, 1 = dog",
        "已对文本列做独热编码（每个取值一列 0/1）：b → x, y",
        "已去掉 1 行含缺失、非数值或无穷大值的数据",
    ]
    assert data.note == (
        "label 'label' encoded as 2 classes: 0 = cat, 1 = dog; "
        "one-hot encoded text columns (one 0/1 column per value): b → x, y; "
        "dropped 1 row with a missing, non-numeric or infinite value"
    )


def test_stored_run_messages_are_rebuilt_in_the_chosen_language():
    from core.present.report import run_message

    diverged = {"status": "diverged", "diverged_step": 17, "lr": 50.0, "message": "…"}
    assert run_message(diverged) == (
        "the loss became infinite or NaN at step 17: lower the learning rate (now 50) or raise "
        "the batch size."
    )
    assert run_message(diverged, "zh").startswith("在第 17 步损失变成了无穷大或 NaN")
    assert HAN.search(run_message({"status": "interrupted", "message": "x"}, "zh"))
    failed = {"status": "failed", "message": "ResourceExhaustedError: OOM"}
    assert run_message(failed, "zh") == "ResourceExhaustedError: OOM"  # as raised


def test_sweep_and_noise_readings_read_in_chinese():
    import pandas as pd

    from core.present.readings import noise_scale_reading
    from core.present.readings import sweep_reading as reading

    by_b = pd.DataFrame(
        {
            "batch_size": [8, 64],
            "final_train_loss": [0.3, 0.4],
            "steps_to_target": [300.0, 80.0],
            "seconds_to_target": [2.0, 1.0],
            "epochs_to_target": [2.0, 4.0],
        }
    )
    assert reading(by_b, "val_loss", 0.5) == (
        "Wall time to validation loss 0.5: B=64 was quickest (1 s against 2 s for B=8), "
        "but one run each on a shared machine cannot decide that: use at least 2 repeats. "
        "B=64 needs the fewest steps (80; B=8: 300; one run each). B=8 needs the fewest epochs "
        "(2; B=64: 4; one run each)."
    )
    assert reading(by_b, "val_loss", 0.5, "zh").startswith(
        "达到验证损失 0.5 的实际时间：B=64 最快（1 秒，B=8 为 2 秒），但在共享机器上"
    )
    assert "远小于 B_noise ≈ 500" in noise_scale_reading(500.0, 32, "zh")


def test_tables_and_epoch_charts_name_statuses_and_splits_in_chinese():
    import pandas as pd

    from core.present.charts import epoch_chart
    from core.present.text import columns

    table = columns(
        pd.DataFrame({"status": ["completed", "diverged"], "batch_size": [8, 32]}), "zh"
    )
    assert list(table.iloc[:, 0]) == ["已完成", "已发散"]
    epochs = pd.DataFrame({"epoch": [0, 1], "train_loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    splits = {
        row["split"] for row in epoch_chart(epochs, lang="zh").to_dict()["datasets"].popitem()[1]
    }
    assert splits == {"训练集", "验证集"}
