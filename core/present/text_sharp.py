"""Sharpness and the generalization gap (issue 23): Compare's view and Science's section, in
English and Chinese, and the core errors it adds in Chinese.

Merged into `core.present.text`'s tables in one place. Placeholders, Markdown and code
identifiers match across languages.
"""

from __future__ import annotations

EN_SHARP: dict[str, str] = {
    # Compare: the checkbox and the view
    "compare.sharpness": "Measure sharpness and the gap",
    "compare.sharpness.help": (
        "After each run, measure the training loss's top Hessian eigenvalue λ_max (power "
        "iteration) and its trace (Hutchinson, 30 probes) at the final weights over the whole "
        "training set, and the gap: test loss − training loss. Adds up to 130 Hessian-vector "
        "passes over the training set to each run (seconds on digits, longer on larger sets)."
    ),
    "sharp.title": "Sharpness and the generalization gap",
    "sharp.none": (
        "This sweep did not measure sharpness: tick “Measure sharpness and the gap” and run it "
        "again."
    ),
    "sharp.caption": (
        "Lines: the mean over repeats; bands: the lowest to the highest repeat. λ_max and the "
        "trace are the Hessian's of the training loss at each run's final weights (training "
        "mode off), over the whole training set."
    ),
    "chart.sharp.lambda_max": "Top Hessian eigenvalue λ_max",
    "chart.sharp.trace": "Hessian trace",
    "chart.sharp.generalization_gap": "Gap: test − train loss",
    "chart.sharp.batch_size": "Batch size B",
    # the reading
    "sharp.read.trend": (
        "From B={b} to B={b2}, λ_max went from {l} to {l2} ({l_range} and {l2_range} over the "
        "repeats) and the gap from {g} to {g2}."
    ),
    "sharp.read.one": "Only one batch size was measured: there is nothing to compare yet.",
    "sharp.read.keskar": (
        "Here the larger batch ended at a sharper minimum with a larger gap, as Keskar et al. "
        "(2017) found."
    ),
    "sharp.read.sharper_only": (
        "The larger batch ended sharper, but its gap was not larger: sharpness did not go with "
        "the gap here."
    ),
    "sharp.read.flatter": "The larger batch did not end at a sharper minimum here.",
    "sharp.read.close": (
        "The repeats' ranges of λ_max overlap: which batch size ended sharper is too close to call."
    ),
    "sharp.read.unequal_fit": (
        "But the runs ended at very different training losses ({loss} at B={b}, {loss2} at "
        "B={b2}): the Hessian changes as training goes on (a cross-entropy loss's shrinks as "
        "the fit improves), so this compares points of training, not equally good minima; "
        "train longer, or to a target loss, to compare minima."
    ),
    "sharp.read.not_cause": (
        "This is a correlation at one setting, not a cause: λ_max and the trace change when the "
        "weights are rescaled without changing the function the network computes (Dinh et al. "
        "2017), so they do not measure how well a minimum generalizes on their own."
    ),
    "sharp.read.fixed_lr": (
        "Every batch size trained with the same learning rate ({lr}) and the same budget: with "
        "the learning rate retuned for each batch size and longer training, the difference "
        "between the batch sizes' gaps can close (Hoffer et al. 2017; Shallue et al. 2019)."
    ),
    "sharp.read.scaled_lr": (
        "The learning rate was scaled by a rule, not tuned for each batch size: with it retuned "
        "and longer training, the difference between the batch sizes' gaps can close (Hoffer "
        "et al. 2017; Shallue et al. 2019)."
    ),
    "sharp.read.tuned_lr": (
        "Several learning rates were tried at a batch size; longer training may still change "
        "the gap."
    ),
    # Science: two paragraphs and a figure
    "science.sharp": "Sharp minima and the generalization gap",
    "science.sharp.body": (
        "**Sharpness** is how fast the training loss rises around the weights training ended "
        "at. The top eigenvalue λ_max of the loss's Hessian (its curvature in the steepest "
        "direction) and the Hessian's trace (the sum over all directions) measure it. Keskar "
        "et al. (2017) trained the same networks with small and large batches and found that "
        "large batches ended at sharper minima and generalized worse: if the test loss is the "
        "training loss shifted a little, a sharp minimum pays more for the same shift (the "
        "figure). Compare measures λ_max, the trace and the gap (test − training loss) for "
        "every run of a sweep when you tick “Measure sharpness and the gap”.\n\n"
        "Read it with two cautions. Dinh et al. (2017) showed that sharpness is not invariant "
        "under reparametrization: multiplying one ReLU layer's weights by α and dividing the "
        "next layer's by α leaves the function, and so the test loss, unchanged, yet scales "
        "the curvature, so any minimum can be made as sharp as you like. A sharpness figure "
        "is comparable only between runs of one model and one parametrization, and it shows a "
        "correlation, not a cause. And much of the large-batch gap comes from the training "
        "budget and the learning rate: retuned for each batch size and trained longer, large "
        "batches often close it (Hoffer et al. 2017; Shallue et al. 2019)."
    ),
    "science.sharp.figure": (
        "A sketch, not a measurement: two minima with the same training loss; the test loss is "
        "the training loss shifted by the same amount. The black bars: how far the test loss sits "
        "above the training minimum, far higher at the sharp one."
    ),
    "chart.sketch.w": "Weight w",
    "chart.sketch.loss": "Loss",
    "chart.sketch.curve": "Curve",
    "chart.sketch.train": "Training loss",
    "chart.sketch.test": "Test loss (shifted)",
    "chart.sketch.flat": "flat minimum",
    "chart.sketch.sharp": "sharp minimum",
}

ZH_SHARP: dict[str, str] = {
    "compare.sharpness": "测量尖锐度与泛化差距",
    "compare.sharpness.help": (
        "每次运行结束后，在最终权重处、用整个训练集测量训练损失 Hessian 的最大特征值 λ_max"
        "（幂迭代）和迹（Hutchinson，30 个探测向量），以及差距：测试损失 − 训练损失。"
        "每次运行最多增加 130 次遍历训练集的 Hessian 向量积（digits 上几秒，数据集越大越久）。"
    ),
    "sharp.title": "尖锐度与泛化差距",
    "sharp.none": "这次扫描没有测量尖锐度：勾选“测量尖锐度与泛化差距”后重新运行。",
    "sharp.caption": (
        "线：各次重复的平均值；带：最低到最高的那次重复。λ_max 和迹是每次运行最终权重处"
        "训练损失的 Hessian 的（关闭训练模式），用整个训练集计算。"
    ),
    "chart.sharp.lambda_max": "Hessian 最大特征值 λ_max",
    "chart.sharp.trace": "Hessian 的迹",
    "chart.sharp.generalization_gap": "差距：测试 − 训练损失",
    "chart.sharp.batch_size": "批大小 B",
    "sharp.read.trend": (
        "从 B={b} 到 B={b2}，λ_max 从 {l} 变为 {l2}（各次重复的范围为 {l_range} 和 "
        "{l2_range}），差距从 {g} 变为 {g2}。"
    ),
    "sharp.read.one": "只测量了一个批大小：还没有可比较的。",
    "sharp.read.keskar": (
        "这里较大的批停在了更尖锐的极小值处，差距也更大，与 Keskar 等人（2017）的发现一致。"
    ),
    "sharp.read.sharper_only": (
        "较大的批停在了更尖锐的极小值处，但差距并没有更大：这里尖锐度与差距并不同步。"
    ),
    "sharp.read.flatter": "这里较大的批并没有停在更尖锐的极小值处。",
    "sharp.read.close": "各次重复的 λ_max 范围有重叠：哪个批大小更尖锐，难分高下。",
    "sharp.read.unequal_fit": (
        "不过这些运行结束时的训练损失相差很大（B={b} 为 {loss}，B={b2} 为 {loss2}）：Hessian "
        "会随训练而变化（交叉熵损失的 Hessian 会随着拟合变好而变小），所以这里比较的是训练的"
        "不同阶段，而不是同样好的极小值；训练更久或训练到目标损失，才能比较极小值。"
    ),
    "sharp.read.not_cause": (
        "这只是一个设置下的相关性，不是因果：把权重重新缩放而不改变网络计算的函数，λ_max "
        "和迹就会改变（Dinh 等人，2017），所以它们本身并不衡量一个极小值的泛化好坏。"
    ),
    "sharp.read.fixed_lr": (
        "所有批大小都用同一个学习率（{lr}）和同样的预算训练：如果为每个批大小重新调整学习率"
        "并训练更久，不同批大小之间差距的差别可能会消失（Hoffer 等人，2017；Shallue 等人，2019）。"
    ),
    "sharp.read.scaled_lr": (
        "学习率是按规则缩放的，并没有为每个批大小单独调整：重新调整学习率并训练更久，不同批"
        "大小之间差距的差别可能会消失（Hoffer 等人，2017；Shallue 等人，2019）。"
    ),
    "sharp.read.tuned_lr": "某个批大小试过多个学习率；训练更久仍可能改变差距。",
    "science.sharp": "尖锐极小值与泛化差距",
    "science.sharp.body": (
        "**尖锐度**指训练结束时的权重周围，训练损失上升得有多快。损失的 Hessian 的最大特征值 "
        "λ_max（最陡方向上的曲率）和 Hessian 的迹（所有方向之和）都可以衡量它。Keskar 等人"
        "（2017）用小批和大批训练同样的网络，发现大批停在更尖锐的极小值处，泛化也更差：如果"
        "测试损失是训练损失稍微平移后的样子，同样的平移在尖锐的极小值处代价更大（见图）。"
        "在“比较”页勾选“测量尖锐度与泛化差距”后，扫描的每次运行都会测量 λ_max、迹和差距"
        "（测试 − 训练损失）。\n\n"
        "解读时要注意两点。Dinh 等人（2017）证明尖锐度在重新参数化下不是不变的：把一层 ReLU "
        "的权重乘以 α、下一层的除以 α，函数不变，测试损失也不变，但曲率会被缩放，所以任何极小"
        "值都可以变得任意尖锐。尖锐度只能在同一个模型、同一种参数化的运行之间比较，而且它显示"
        "的是相关性，不是因果。此外，大批的差距很大一部分来自训练预算和学习率：为每个批大小"
        "重新调整学习率并训练更久，大批常常能消除差距（Hoffer 等人，2017；Shallue 等人，"
        "2019）。"
    ),
    "science.sharp.figure": (
        "示意图，不是测量结果：两个训练损失相同的极小值；测试损失是把训练损失平移同样的距离。"
        "黑色竖线：在训练极小值处，测试损失比训练损失高出多少，尖锐的那个高得多。"
    ),
    "chart.sketch.w": "权重 w",
    "chart.sketch.loss": "损失",
    "chart.sketch.curve": "曲线",
    "chart.sketch.train": "训练损失",
    "chart.sketch.test": "测试损失（平移后）",
    "chart.sketch.flat": "平坦极小值",
    "chart.sketch.sharp": "尖锐极小值",
}

# core's error templates (English → Chinese) that sharpness adds
ZH_ERRORS_SHARP: dict[str, str] = {
    "the Hessian needs at least one training sample, got none.": (
        "计算 Hessian 至少需要一个训练样本，但一个也没有。"
    ),
    "sharpness is measured on the tensorflow and jax backends, not {backend!r}: set "
    "KERAS_BACKEND to one of them.": (
        "尖锐度只能在 tensorflow 和 jax 后端上测量，不能在 {backend!r} 上：把 KERAS_BACKEND "
        "设为其中之一。"
    ),
}
