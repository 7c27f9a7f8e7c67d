"""Words issue 26 added (English, Chinese): a count of never-applied batches only when there
are some, the models' layers where a model is picked (item 10); Compare's stopped sweeps and
wall times too close to tell apart (item 7).

Merged into `core.present.text`'s tables in one place, as `text_path` is. Placeholders match
across languages.
"""

from __future__ import annotations

EN_WORDS: dict[str, str] = {
    # appended to the updates formula when K does not divide the iterations (none: no clause)
    "accumulation.unapplied": " (never applied: the last {unapplied} batches)",
    # the model picker: each model with its layers, short enough for a quarter of a 1100 px
    # window ("out": one unit per class; the help says it in full)
    "model.mlp": "mlp 128-64-out",
    "model.cnn": "cnn conv-64-out",
    "model.linear": "linear w·x+b",
    "model.help": (
        "mlp: Dense 128 (ReLU) → Dense 64 (ReLU) → one softmax unit per class (10 for digits, "
        "MNIST and synthetic). cnn: Conv 32 3×3 → max-pool 2×2 → Dense 64 → one unit per class. "
        "linear: one Dense unit, y = w·x + b (regression)."
    ),
    "reading.time.same": (
        "Wall time to {metric} {target}: B={b} ({v} s) and B={b2} ({v2} s) show no measurable "
        "difference (one run each)."
    ),
    "compare.one_epoch": (
        "{sizes} trained for less than two epochs on this budget, so the epoch view shows each "
        "as a single point: pick steps or samples on the x axis to see their curves."
    ),
    "reading.stopped": (
        "This sweep was stopped: {runs} of its runs are stored, the last cut short, so the "
        "figures below cover only what it trained."
    ),
}

ZH_WORDS: dict[str, str] = {
    "accumulation.unapplied": "（最后 {unapplied} 个批次从未应用）",
    "model.mlp": "mlp 128-64-输出",
    "model.cnn": "cnn conv-64-输出",
    "model.linear": "linear w·x+b",
    "model.help": (
        "mlp：Dense 128（ReLU）→ Dense 64（ReLU）→ 每个类别一个 softmax 单元（digits、MNIST 和 "
        "synthetic 为 10 个）。cnn：Conv 32 3×3 → 2×2 最大池化 → Dense 64 → 每个类别一个单元。"
        "linear：一个 Dense 单元，y = w·x + b（回归）。"
    ),
    "reading.time.same": (
        "达到{metric} {target} 的用时：B={b}（{v} 秒）与 B={b2}（{v2} 秒）没有可测量的差别"
        "（各只有一次运行）。"
    ),
    "compare.one_epoch": (
        "{sizes} 在此预算下训练不足两轮，按轮次显示时每个只有一个点："
        "把横轴改为步数或样本数即可看到它们的曲线。"
    ),
    "reading.stopped": (
        "该扫描已被停止：存有其中 {runs} 次运行，最后一次未完成，下面的数字只反映已训练的部分。"
    ),
}
