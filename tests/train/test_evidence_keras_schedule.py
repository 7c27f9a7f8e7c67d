"""Issue 25 item 6: what the Schedule page says a learning-rate schedule receives under
gradient accumulation is what Keras 3 passes it (checked against Keras itself)."""

from __future__ import annotations

import re

import numpy as np

from core.present.text import t


def _steps_keras_passes(k: int, batches: int) -> list[int]:
    import keras

    seen: list[int] = []

    class Record(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            seen.append(int(keras.ops.convert_to_numpy(step)))
            return 0.01

        def get_config(self):
            return {}

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    opt = keras.optimizers.SGD(learning_rate=Record(), gradient_accumulation_steps=k)
    model.compile(optimizer=opt, loss="mse", run_eagerly=True)
    x = np.arange(2 * batches, dtype="float32")[:, None]
    model.fit(x, 2 * x, batch_size=2, epochs=1, shuffle=False, verbose=0)
    return seen


def test_the_schedule_text_says_what_keras_passes_a_schedule_under_accumulation():
    seen = _steps_keras_passes(3, 9)
    assert seen[:3] == [2, 5, 8]  # the batch that completes each update, from 0
    for lang in ("en", "zh"):
        text = t("schedule.misconceptions.accumulation", lang)
        assert "2, 5, 8" in text
        assert ", ".join(map(str, seen[:3])) in text
    en = t("schedule.misconceptions.accumulation", "en")
    assert not re.search(r"schedule counts updates", en)
