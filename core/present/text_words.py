"""Words issue 26 item 10 added (English, Chinese): a count of never-applied batches only when
there are some, the models' layers where a model is picked.

Merged into `core.present.text`'s tables in one place, as `text_path` is. Placeholders match
across languages.
"""

from __future__ import annotations

EN_WORDS: dict[str, str] = {
    # appended to the updates formula when K does not divide the iterations (none: no clause)
    "accumulation.unapplied": " (never applied: the last {unapplied} batches)",
    # the model picker: each model with its layers ("out": one unit per class, 1 for y = 2x)
    "model.mlp": "mlp: Dense 128-64-out",
    "model.cnn": "cnn: Conv 32, Dense 64-out",
    "model.linear": "linear: Dense 1",
    "model.help": (
        "mlp: Dense 128 (ReLU) → Dense 64 (ReLU) → one softmax unit per class (10 for digits, "
        "MNIST and synthetic). cnn: Conv 32 3×3 → max-pool 2×2 → Dense 64 → one unit per class. "
        "linear: one Dense unit, y = w·x + b (regression)."
    ),
}

ZH_WORDS: dict[str, str] = {
    "accumulation.unapplied": "（最后 {unapplied} 个批次从未应用）",
    "model.mlp": "mlp：Dense 128-64-输出",
    "model.cnn": "cnn：Conv 32，Dense 64-输出",
    "model.linear": "linear：Dense 1",
    "model.help": (
        "mlp：Dense 128（ReLU）→ Dense 64（ReLU）→ 每个类别一个 softmax 单元（digits、MNIST 和 "
        "synthetic 为 10 个）。cnn：Conv 32 3×3 → 2×2 最大池化 → Dense 64 → 每个类别一个单元。"
        "linear：一个 Dense 单元，y = w·x + b（回归）。"
    ),
}
