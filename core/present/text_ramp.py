"""Batch-size ramps (issue 23): the Schedule, Train and Compare pages' strings (English, Chinese)
and the ramp's core errors in Chinese.

Merged into `core.present.text`'s tables in one place. Placeholders, Markdown and code
identifiers match across languages.
"""

from __future__ import annotations

EN_RAMP: dict[str, str] = {
    "ramp.input": "Batch-size schedule (epoch:B, …)",
    "ramp.input.help": (
        "Optional. B from each epoch on, e.g. 0:8,2:32,4:128: B = 8 in epochs 0–1, 32 in "
        "epochs 2–3, 128 from epoch 4. The first entry is at epoch 0, epochs increase and stay "
        "below E. Empty: the batch size above every epoch."
    ),
    "ramp.error": "Fix the batch-size schedule: {message}",
    "ramp.preview": "The ramp, phase by phase",
    "ramp.preview.caption": (
        "Each phase runs ⌈train / B⌉ iterations per epoch (⌊train / B⌋ with drop_remainder); "
        "the total is their sum: {total} iterations over {epochs} epochs, {count} distinct "
        "batch sizes. The ramp replaces the batch size B above."
    ),
    "ramp.col.epochs": "epochs",
    "ramp.col.batch_size": "B",
    "ramp.col.steps_per_epoch": "iterations per epoch",
    "ramp.col.partial": "last partial batch",
    "ramp.col.first_step": "first iteration",
    "ramp.col.steps": "iterations",
    "ramp.metric.distinct": "Batch sizes",
    "ramp.train.phase": "epochs {first}–{last}: B = {batch_size}, {spe} iterations per epoch",
    "ramp.train.total": (
        "**{total}** iterations in all; the engine compiles one step for each of the {count} "
        "batch sizes."
    ),
    "ramp.membership.b": "Epoch {epoch} runs at B = {batch_size}.",
    # Compare: the Smith et al. 2018 preset
    "ramp.compare.title": "Decay the learning rate, or increase the batch size?",
    "ramp.compare.intro": (
        "Smith, Kindermans, Ying & Le (2018), *Don't Decay the Learning Rate, Increase the "
        "Batch Size*: dividing the learning rate by k at some epochs, or multiplying the batch "
        "size by k at the same epochs, should give the same loss per epoch (the same samples "
        "seen), and the ramp takes fewer steps. One click trains both arms, with repeats."
    ),
    "ramp.compare.b0": "Starting batch size B",
    "ramp.compare.factor": "Factor k",
    "ramp.compare.at": "At epochs (e₁, e₂, …)",
    "ramp.compare.epochs": "Epochs E (both arms)",
    "ramp.compare.repeats": "Repeats",
    "ramp.compare.run": "Run the ramp against decay",
    "ramp.compare.plan": (
        "Decay arm: B = {b0}, lr × {lr_steps}. Ramp arm: batch-size schedule {ramp}, lr "
        "constant. {runs} runs."
    ),
    "ramp.compare.running": "Training {done} of {total} runs…",
    "ramp.compare.loss_epochs": "Loss against epochs (mean and range over repeats)",
    "ramp.compare.loss_steps": "Loss against steps (each run, smoothed)",
    "ramp.compare.table": "Each arm",
    "ramp.arm.decay": "lr decay",
    "ramp.arm.ramp": "B ramp",
    "ramp.col.arm": "arm",
    "ramp.col.final_loss": "final loss (mean)",
    "ramp.col.final_loss_min": "min",
    "ramp.col.final_loss_max": "max",
    "ramp.col.repeats": "repeats",
    "ramp.col.total_steps": "steps",
    "ramp.reading.none": "No finished runs of both arms yet.",
    "ramp.reading.span": "{mean} (range {low}–{high})",
    "ramp.reading.finals": (
        "Final {metric}: ramp {ramp}, decay {decay}, over {repeats} repeats each."
    ),
    "ramp.reading.no_spread": (
        "With one repeat there is no spread to judge a match: run 2 or more repeats."
    ),
    "ramp.reading.match": (
        "The curves match within the spread: at every epoch the two arms' ranges overlap."
    ),
    "ramp.reading.apart": (
        "The curves do not match within the spread: the ranges separate at epoch(s) {epochs}."
    ),
    "ramp.reading.steps": (
        "The ramp took {ramp} steps against {decay}: {fewer} fewer ({ratio}× fewer) for the "
        "same samples."
    ),
    "ramp.chart.arm": "Arm",
    "ramp.chart.epoch": "Epoch",
    "ramp.chart.step": "Step",
    "ramp.chart.loss": "Loss",
}

ZH_RAMP: dict[str, str] = {
    "ramp.input": "批大小计划（epoch:B, …）",
    "ramp.input.help": (
        "可选。从各轮起使用的 B，例如 0:8,2:32,4:128：第 0–1 轮 B = 8，第 2–3 轮 32，第 4 轮起 "
        "128。第一项在第 0 轮，轮次递增且小于 E。留空：每轮都用上面的批大小。"
    ),
    "ramp.error": "请修改批大小计划：{message}",
    "ramp.preview": "分阶段的批大小计划",
    "ramp.preview.caption": (
        "每个阶段每轮 ⌈训练样本 / B⌉ 次迭代（drop_remainder 时为 ⌊训练样本 / B⌋）；总数是它们的和："
        "{epochs} 轮共 {total} 次迭代，{count} 种不同的批大小。此计划取代上面的批大小 B。"
    ),
    "ramp.col.epochs": "轮次",
    "ramp.col.batch_size": "B",
    "ramp.col.steps_per_epoch": "每轮迭代次数",
    "ramp.col.partial": "最后的不完整批",
    "ramp.col.first_step": "起始迭代",
    "ramp.col.steps": "迭代次数",
    "ramp.metric.distinct": "批大小种数",
    "ramp.train.phase": "第 {first}–{last} 轮：B = {batch_size}，每轮 {spe} 次迭代",
    "ramp.train.total": "共 **{total}** 次迭代；引擎为 {count} 种批大小各编译一个训练步。",
    "ramp.membership.b": "第 {epoch} 轮的 B = {batch_size}。",
    "ramp.compare.title": "衰减学习率，还是增大批大小？",
    "ramp.compare.intro": (
        "Smith、Kindermans、Ying 与 Le（2018）《Don't Decay the Learning Rate, Increase the "
        "Batch Size》：在某些轮把学习率除以 k，或在同样的轮把批大小乘以 k，每轮的损失应当相同"
        "（见过的样本相同），而增大批大小走的步数更少。一键训练两组，并重复多次。"
    ),
    "ramp.compare.b0": "起始批大小 B",
    "ramp.compare.factor": "倍数 k",
    "ramp.compare.at": "在第几轮（e₁, e₂, …）",
    "ramp.compare.epochs": "轮数 E（两组相同）",
    "ramp.compare.repeats": "重复次数",
    "ramp.compare.run": "运行：增大批大小对比衰减学习率",
    "ramp.compare.plan": (
        "衰减组：B = {b0}，学习率 × {lr_steps}。增大组：批大小计划 {ramp}，学习率不变。"
        "共 {runs} 次运行。"
    ),
    "ramp.compare.running": "正在训练第 {done} / {total} 次运行…",
    "ramp.compare.loss_epochs": "损失随轮次（重复的均值与范围）",
    "ramp.compare.loss_steps": "损失随步数（每次运行，平滑后）",
    "ramp.compare.table": "两组结果",
    "ramp.arm.decay": "学习率衰减",
    "ramp.arm.ramp": "批大小递增",
    "ramp.col.arm": "组",
    "ramp.col.final_loss": "最终损失（均值）",
    "ramp.col.final_loss_min": "最小",
    "ramp.col.final_loss_max": "最大",
    "ramp.col.repeats": "重复",
    "ramp.col.total_steps": "步数",
    "ramp.reading.none": "还没有两组都完成的运行。",
    "ramp.reading.span": "{mean}（范围 {low}–{high}）",
    "ramp.reading.finals": "最终{metric}：增大组 {ramp}，衰减组 {decay}，每组重复 {repeats} 次。",
    "ramp.reading.no_spread": "只重复一次，没有离散范围可判断是否一致：请重复 2 次或更多。",
    "ramp.reading.match": "两条曲线在离散范围内一致：每一轮两组的范围都有重叠。",
    "ramp.reading.apart": "两条曲线在离散范围内不一致：在第 {epochs} 轮两组的范围分开。",
    "ramp.reading.steps": (
        "增大组走了 {ramp} 步，衰减组 {decay} 步：少 {fewer} 步（少到 1/{ratio}），见过的样本相同。"
    ),
    "ramp.chart.arm": "组",
    "ramp.chart.epoch": "轮次",
    "ramp.chart.step": "步",
    "ramp.chart.loss": "损失",
}

ZH_ERRORS_RAMP: dict[str, str] = {
    "`batch_size_schedule` must start at epoch 0, got {entry} first: begin with an entry for "
    "epoch 0, e.g. 0:{batch_size}.": (
        "`batch_size_schedule` 必须从第 0 轮开始，第一项却是 {entry}：请以第 0 轮的一项开头，"
        "例如 0:{batch_size}。"
    ),
    "`batch_size_schedule` epochs must increase, got epoch {epoch} after epoch {previous}: list "
    "each epoch once, in order, e.g. 0:8,2:32.": (
        "`batch_size_schedule` 的轮次必须递增，第 {previous} 轮之后却是第 {epoch} 轮："
        "每个轮次只写一次，按顺序，例如 0:8,2:32。"
    ),
    "`batch_size_schedule` entry {entry} starts at epoch {epoch}, but a run of {epochs} epochs "
    "ends at epoch {last}: use epochs below {epochs} or raise epochs.": (
        "`batch_size_schedule` 的 {entry} 从第 {epoch} 轮开始，但 {epochs} 轮的训练在第 {last} 轮"
        "结束：请用小于 {epochs} 的轮次，或增加 epochs。"
    ),
    "`batch_size_schedule` entry {entry} has batch size {batch_size}: every batch size must be "
    "at least 1.": ("`batch_size_schedule` 的 {entry} 批大小为 {batch_size}：每个批大小至少为 1。"),
    "`batch_size_schedule` entry {entry} does not split evenly over {replicas} replicas: make "
    "every batch size a multiple of {replicas}.": (
        "`batch_size_schedule` 的 {entry} 不能平均分给 {replicas} 个副本：每个批大小都应是 "
        "{replicas} 的倍数。"
    ),
    "`accumulation` must be 1 with a `batch_size_schedule`, got {accumulation}: the schedule "
    "itself sets how many samples each update sees.": (
        "使用 `batch_size_schedule` 时 `accumulation` 必须为 1，收到的是 {accumulation}："
        "计划本身已决定每次更新看到多少样本。"
    ),
    "`batch_size_schedule` entry {entry!r} is not epoch:batch_size in whole numbers: write it "
    "like 0:8,2:32,4:128.": (
        "`batch_size_schedule` 的 {entry!r} 不是整数形式的 epoch:batch_size：请写成 "
        "0:8,2:32,4:128 这样。"
    ),
    "`lr_schedule` entry {entry!r} is not epoch:factor with a whole epoch and a positive factor: "
    "write it like 2:0.2,4:0.04.": (
        "`lr_schedule` 的 {entry!r} 不是 epoch:factor（整数轮次、正的倍数）：请写成 "
        "2:0.2,4:0.04 这样。"
    ),
    "`lr_schedule` epochs must increase and lie in 0..{last} for {epochs} epochs, got {entry!r}.": (
        "`lr_schedule` 的轮次必须递增，且在 {epochs} 轮的 0..{last} 之内，收到的是 {entry!r}。"
    ),
    "A batch-size ramp: {count} batch sizes ({sizes}), each with its own compiled step.": (
        "批大小递增：{count} 种批大小（{sizes}），每种各有一个编译好的训练步。"
    ),
    "epoch {p!r} is not a whole number: give the epochs where B grows, e.g. 2,4.": (
        "轮次 {p!r} 不是整数：请给出增大 B 的轮次，例如 2,4。"
    ),
    "give at least one epoch where B grows, e.g. 2,4.": "请至少给出一个增大 B 的轮次，例如 2,4。",
    "the ramp against decay needs a batch size that grows, got {ramp!r}: give at least two "
    "entries, e.g. 0:8,2:32.": (
        "增大批大小对比衰减学习率需要一个会增长的批大小，收到的是 {ramp!r}：请至少给出两项，"
        "例如 0:8,2:32。"
    ),
    "2 arms × {repeats} repeats is more than {cap} runs: use fewer repeats.": (
        "2 组 × {repeats} 次重复超过了 {cap} 次运行：请减少重复次数。"
    ),
    "the ramp against decay compares equal epochs (the same samples seen): drop the step or "
    "time budget.": (
        "增大批大小对比衰减学习率比较的是相同的轮数（见过的样本相同）：请去掉步数或时间预算。"
    ),
}
