"""The Advise page's strings (English, Chinese) and core.run.advise's errors in Chinese.

Merged into `core.present.text`'s tables in one place, as `text_path` is. Placeholders, Markdown
and code identifiers match across languages.
"""

from __future__ import annotations

EN_ADVISE: dict[str, str] = {
    "nav.advise": "Advise",
    "advise.title": "Which batch size should I use?",
    "advise.intro": (
        "The Deep Learning Tuning Playbook's procedure for choosing the batch size, run on your "
        "model, data and device: find the sizes that fit and their throughput; re-tune the "
        "learning rate at each size (the sqrt-scaled lr ×/÷ 3); train each to a validation "
        "target; predict time to target = steps × measured time per step. Batch size sets "
        "training speed; it is not a knob for validation performance."
    ),
    "advise.base_batch_size": "Your batch size B0",
    "advise.base_batch_size.help": "The size your learning rate was tuned at.",
    "advise.lr": "Your learning rate at B0",
    "advise.batch_sizes": "Batch sizes to try",
    "advise.batch_sizes.help": (
        "Comma-separated, e.g. 32, 128, 512. Empty: powers of two up to the largest that fits."
    ),
    "advise.target": "Target value",
    "advise.target.help": (
        "A validation loss or accuracy to reach. Empty: chosen from a pilot run at B0 (its best "
        "plus 5 % of its range)."
    ),
    "advise.seconds": "Time budget (seconds)",
    "advise.seconds.help": "Sizes that would not finish in time are skipped, and named.",
    "advise.start": "Advise",
    "advise.stop": "Stop",
    "advise.progress.pilot": "Pilot run at B0 · {done}/{total} · about {eta:.0f} s left",
    "advise.progress.throughput": "Timing B = {b} · {done}/{total} · about {eta:.0f} s left",
    "advise.progress.noise": "Measuring the noise scale · {done}/{total} · about {eta:.0f} s left",
    "advise.progress.lr": "Training B = {b}, lr {lr:.3g} · {done}/{total} · about {eta:.0f} s left",
    "advise.progress.start": "Starting a worker…",
    "advise.result": (
        "**Use B = {b} with lr {lr:.3g}**: it reaches {metric} {target:g} in the least time, "
        "about {seconds:.3g} s of training."
    ),
    "advise.result_tie": (
        "**Use B = {b} with lr {lr:.3g}**: it reaches {metric} {target:g} in about {seconds:.3g} s "
        "of training. B = {best} measured quickest ({best_seconds:.3g} s), but their times are "
        "too close to call, and B = {b} computes fewer samples."
    ),
    "advise.none": "No size reached the target before the advice stopped: no recommendation.",
    "advise.reasons": "Why",
    "advise.table": "Every size",
    "advise.chart.steps": "Steps to target against batch size",
    "advise.chart.time": "Predicted time to target",
    "advise.chart.throughput": "Throughput on this device",
    "advise.stored": (
        "Took {seconds:.0f} s. Every run is stored as sweep `{sweep}`: open it on Compare or Runs."
    ),
    "advise.col.batch_size": "batch size",
    "advise.col.samples_per_second": "samples/s",
    "advise.col.lrs_tried": "lrs tried",
    "advise.col.best_lr": "best lr",
    "advise.col.steps_to_target": "steps to target",
    "advise.col.samples_to_target": "samples to target",
    "advise.col.seconds_to_target": "seconds to target",
    "advise.col.seconds_range": "range (s)",
    "advise.col.regime": "regime",
    "advise.col.note": "note",
    "advise.regime.perfect": "perfect scaling",
    "advise.regime.diminishing": "diminishing returns",
    "advise.regime.none": "no benefit",
    "advise.note.budget": "skipped: time budget",
    "advise.note.stopped": "skipped: stopped",
    "advise.note.unreached": "target not reached",
    "advise.chart.axis.steps": "steps to target",
    "advise.chart.axis.seconds": "predicted seconds to target",
    "advise.chart.best": "best lr",
    "advise.chart.tried": "other lrs",
    "advise.chart.b_crit": "B_crit",
    "advise.chart.b_simple": "B_simple",
    "advise.chart.recommended": "recommended",
    "advise.why.target.pilot": (
        "Target {metric} {target:g}: the pilot run at B = {b} (lr {lr:.3g}) reached {best:.4g} "
        "at best, and the target is its best plus 5 % of its range."
    ),
    "advise.why.target.you": (
        "Target {metric} {target:g}, as you chose (the pilot run at B = {b} reached {best:.4g})."
    ),
    "advise.why.feasible.training_set": (
        "The largest batch size tried that fits is {b}: larger powers of two exceed the "
        "training set (peak memory {peak:.0f} MiB of a {cap:.0f} MiB cap)."
    ),
    "advise.why.feasible.your_sizes": (
        "All your sizes fit, up to {b} (peak memory {peak:.0f} MiB of a {cap:.0f} MiB cap)."
    ),
    "advise.why.feasible.memory_cap": (
        "The largest batch size that fits is {b}: B = {refused} went over the memory cap "
        "({peak:.0f} MiB of {cap:.0f} MiB)."
    ),
    "advise.why.feasible.out_of_memory": (
        "The largest batch size that fits is {b}: B = {refused} ran out of memory."
    ),
    "advise.why.knee.device": (
        "Doubling B stops nearly doubling samples/s at about B = {b} (the timings' fit gives "
        "×{gain:.2f} for the next doubling): "
        "from there the device's work per sample is the limit (about {per_sample_us:.2g} µs a "
        "sample), not the fixed cost of a step ({overhead_ms:.2g} ms for the input pipeline "
        "and dispatch), which dominated below it."
    ),
    "advise.why.knee.overhead": (
        "Samples/s still nearly doubles with B up to {b}: the fixed cost of a step (about "
        "{overhead_ms:.2g} ms for the input pipeline and dispatch) dominates, and the device is "
        "not saturated yet (about {per_sample_us:.2g} µs a sample)."
    ),
    "advise.why.crit.fit": (
        "Steps to target follow S = S_min (1 + B_crit / B) with B_crit ≈ {b_crit:,.0f} (90 % "
        "interval {lo}–{hi}): by that curve, doubling B cuts the steps to ×0.6 at B_crit / 4 "
        "and towards ×0.5 further below (near-perfect scaling); from 4 B_crit it saves at most "
        "10 %."
    ),
    "advise.why.crit.above_range": (
        "Steps kept falling nearly in proportion up to B = {b_hi:g}: B_crit is above the sizes "
        "tried (at least {lo}), so larger batches would still save steps."
    ),
    "advise.why.crit.below_range": (
        "Larger batches saved no steps even from B = {b_lo:g}: B_crit is below the sizes tried."
    ),
    "advise.why.crit.refused": (
        "Steps to target do not follow S = S_min (1 + B_crit / B) (rms error {rms:.0%}): no "
        "critical batch size is claimed."
    ),
    "advise.why.crit.few": (
        "Only {count} sizes reached the target: fitting B_crit needs at least 3."
    ),
    "advise.why.noise": (
        "The gradient noise scale B_simple ≈ {b_simple:,.0f} (90 % interval {lo:,.0f}–{hi:,.0f}) "
        "predicts B_crit's order of magnitude (McCandlish et al. 2018)."
    ),
    "advise.why.time": (
        "B = {b} reaches {metric} {target:g} in the least predicted time: {steps:,.0f} steps × "
        "{step_ms:.3g} ms a step ≈ {seconds:.3g} s, with its re-tuned lr {lr:.3g}."
    ),
    "advise.why.time_tie": (
        "B = {sizes} are too close to call on time (their ranges overlap the fastest, B = "
        "{best}); of these, B = {b} computes the fewest samples, so it is the one advised."
    ),
    "advise.why.resources.same": (
        "It also computes the fewest samples to the target ({samples:,.0f}): time and resources "
        "agree."
    ),
    "advise.why.resources": (
        "To spend the fewest resources instead (samples computed = cost per step × steps), use "
        "B = {b} with lr {lr:.3g}: {samples:,.0f} samples, against {samples_rec:,.0f}, in "
        "about {seconds:.3g} s."
    ),
    "advise.why.resources_tie": "On resources, B = {sizes} are too close to call.",
    "advise.why.lr_edge": (
        "At B = {b} the best lr ({lr:.3g}) was at the edge of the grid tried: a wider grid may "
        "find a better one."
    ),
    "advise.why.skipped": (
        "Skipped to fit the {seconds:g} s budget: B = {sizes} (a larger budget measures them)."
    ),
    "advise.why.stopped": "Stopped before the end: the advice uses the sizes measured so far.",
}

ZH_ADVISE: dict[str, str] = {
    "nav.advise": "建议",
    "advise.title": "我该用多大的批大小？",
    "advise.intro": (
        "在你的模型、数据和设备上运行《深度学习调参手册》选择批大小的流程：找出放得下的批大小"
        "及其吞吐量；在每个批大小上重新调学习率（按平方根缩放后的 lr ×/÷ 3）；把每个训练到一个"
        "验证目标；预测到达目标的时间 = 迭代次数 × 实测的每次迭代时间。批大小决定训练速度，"
        "而不是用来调验证效果的旋钮。"
    ),
    "advise.base_batch_size": "你的批大小 B0",
    "advise.base_batch_size.help": "你的学习率是在这个批大小上调好的。",
    "advise.lr": "你在 B0 上的学习率",
    "advise.batch_sizes": "要尝试的批大小",
    "advise.batch_sizes.help": "用逗号分隔，例如 32, 128, 512。留空：2 的幂，直到放得下的最大值。",
    "advise.target": "目标值",
    "advise.target.help": (
        "要达到的验证损失或准确率。留空：由在 B0 上的试跑选出（其最佳值加上其范围的 5 %）。"
    ),
    "advise.seconds": "时间预算（秒）",
    "advise.seconds.help": "来不及完成的批大小会被跳过，并列出。",
    "advise.start": "给出建议",
    "advise.stop": "停止",
    "advise.progress.pilot": "在 B0 上试跑 · {done}/{total} · 约剩 {eta:.0f} 秒",
    "advise.progress.throughput": "测 B = {b} 的速度 · {done}/{total} · 约剩 {eta:.0f} 秒",
    "advise.progress.noise": "测量梯度噪声尺度 · {done}/{total} · 约剩 {eta:.0f} 秒",
    "advise.progress.lr": "训练 B = {b}，lr {lr:.3g} · {done}/{total} · 约剩 {eta:.0f} 秒",
    "advise.progress.start": "正在启动工作进程…",
    "advise.result": (
        "**请用 B = {b}，lr {lr:.3g}**：它以最短的时间达到 {metric} {target:g}，"
        "约 {seconds:.3g} 秒的训练。"
    ),
    "advise.result_tie": (
        "**请用 B = {b}，lr {lr:.3g}**：约 {seconds:.3g} 秒的训练即可达到 {metric} {target:g}。"
        "测得最快的是 B = {best}（{best_seconds:.3g} 秒），但两者的时间差距在误差之内，"
        "而 B = {b} 计算的样本更少。"
    ),
    "advise.none": "建议停止前没有任何批大小达到目标：无法给出建议。",
    "advise.reasons": "理由",
    "advise.table": "每个批大小",
    "advise.chart.steps": "到达目标的迭代次数与批大小",
    "advise.chart.time": "预测的到达目标时间",
    "advise.chart.throughput": "本设备上的吞吐量",
    "advise.stored": (
        "用时 {seconds:.0f} 秒。每次运行都存为扫描 `{sweep}`：可在“比较”或“运行记录”页打开。"
    ),
    "advise.col.batch_size": "批大小",
    "advise.col.samples_per_second": "样本/秒",
    "advise.col.lrs_tried": "试过的 lr",
    "advise.col.best_lr": "最佳 lr",
    "advise.col.steps_to_target": "到达目标的迭代次数",
    "advise.col.samples_to_target": "到达目标的样本数",
    "advise.col.seconds_to_target": "到达目标的秒数",
    "advise.col.seconds_range": "范围（秒）",
    "advise.col.regime": "区间",
    "advise.col.note": "备注",
    "advise.regime.perfect": "完美缩放",
    "advise.regime.diminishing": "收益递减",
    "advise.regime.none": "没有收益",
    "advise.note.budget": "跳过：时间预算",
    "advise.note.stopped": "跳过：已停止",
    "advise.note.unreached": "未达到目标",
    "advise.chart.axis.steps": "到达目标的迭代次数",
    "advise.chart.axis.seconds": "预测的到达目标秒数",
    "advise.chart.best": "最佳 lr",
    "advise.chart.tried": "其他 lr",
    "advise.chart.b_crit": "B_crit",
    "advise.chart.b_simple": "B_simple",
    "advise.chart.recommended": "建议",
    "advise.why.target.pilot": (
        "目标 {metric} {target:g}：在 B = {b}（lr {lr:.3g}）上的试跑最好达到 {best:.4g}，"
        "目标取其最佳值加上其范围的 5 %。"
    ),
    "advise.why.target.you": (
        "目标 {metric} {target:g}，由你选定（在 B = {b} 上的试跑达到 {best:.4g}）。"
    ),
    "advise.why.feasible.training_set": (
        "试过的批大小中放得下的最大值是 {b}：更大的 2 的幂超过了训练集"
        "（峰值内存 {peak:.0f} MiB，上限 {cap:.0f} MiB）。"
    ),
    "advise.why.feasible.your_sizes": (
        "你给的批大小都放得下，最大到 {b}（峰值内存 {peak:.0f} MiB，上限 {cap:.0f} MiB）。"
    ),
    "advise.why.feasible.memory_cap": (
        "放得下的最大批大小是 {b}："
        "B = {refused} 超过了内存上限（{peak:.0f} MiB，上限 {cap:.0f} MiB）。"
    ),
    "advise.why.feasible.out_of_memory": "放得下的最大批大小是 {b}：B = {refused} 内存不足。",
    "advise.why.knee.device": (
        "大约从 B = {b} 起，批大小加倍不再让样本/秒接近加倍"
        "（按计时拟合，下一次加倍只有 ×{gain:.2f}）："
        "此后瓶颈是设备对每个样本的计算（每个样本约 {per_sample_us:.2g} µs），"
        "而不是每次迭代的固定开销（输入管道和调度约 {overhead_ms:.2g} ms），后者在此之前占主导。"
    ),
    "advise.why.knee.overhead": (
        "直到 {b}，样本/秒仍随批大小接近加倍：每次迭代的固定开销（输入管道和调度约 "
        "{overhead_ms:.2g} ms）占主导，设备尚未饱和（每个样本约 {per_sample_us:.2g} µs）。"
    ),
    "advise.why.crit.fit": (
        "到达目标的迭代次数符合 S = S_min (1 + B_crit / B)，B_crit ≈ {b_crit:,.0f}"
        "（90 % 区间 {lo}–{hi}）：按这条曲线，在 B_crit / 4 处批大小加倍使迭代次数变为 ×0.6，"
        "更小时趋近 ×0.5（近乎完美缩放）；从 4 B_crit 起最多只省 10 %。"
    ),
    "advise.why.crit.above_range": (
        "直到 B = {b_hi:g}，迭代次数仍几乎成比例下降：B_crit 超出了试过的范围（至少 {lo}），"
        "更大的批还会减少迭代次数。"
    ),
    "advise.why.crit.below_range": (
        "从 B = {b_lo:g} 起更大的批就不再减少迭代次数：B_crit 低于试过的范围。"
    ),
    "advise.why.crit.refused": (
        "到达目标的迭代次数不符合 S = S_min (1 + B_crit / B)（均方根误差 {rms:.0%}）："
        "不给出临界批大小。"
    ),
    "advise.why.crit.few": "只有 {count} 个批大小达到了目标：拟合 B_crit 至少需要 3 个。",
    "advise.why.noise": (
        "梯度噪声尺度 B_simple ≈ {b_simple:,.0f}（90 % 区间 {lo:,.0f}–{hi:,.0f}）"
        "预示了 B_crit 的数量级（McCandlish 等，2018）。"
    ),
    "advise.why.time": (
        "B = {b} 以最短的预测时间达到 {metric} {target:g}：{steps:,.0f} 次迭代 × 每次 "
        "{step_ms:.3g} ms ≈ {seconds:.3g} 秒，使用重新调过的 lr {lr:.3g}。"
    ),
    "advise.why.time_tie": (
        "B = {sizes} 在时间上难分高下（其范围与最快的 B = {best} 重叠）；其中 B = {b} "
        "计算的样本最少，所以建议用它。"
    ),
    "advise.why.resources.same": (
        "它到达目标计算的样本也最少（{samples:,.0f}）：时间与资源的结论一致。"
    ),
    "advise.why.resources": (
        "若要资源最省（计算的样本数 = 每次迭代的成本 × 迭代次数），请用 B = {b}，lr {lr:.3g}："
        "{samples:,.0f} 个样本，对比 {samples_rec:,.0f}，约 {seconds:.3g} 秒。"
    ),
    "advise.why.resources_tie": "在资源上，B = {sizes} 难分高下。",
    "advise.why.lr_edge": (
        "在 B = {b} 上，最佳 lr（{lr:.3g}）位于所试网格的边缘：更宽的网格可能找到更好的。"
    ),
    "advise.why.skipped": (
        "为不超出 {seconds:g} 秒的预算而跳过：B = {sizes}（更大的预算会测量它们）。"
    ),
    "advise.why.stopped": "提前停止：建议只基于已测量的批大小。",
}

# core.run.advise's InputError and Note templates, in Chinese.
ZH_ERRORS_ADVISE: dict[str, str] = {
    "`executor` ray needs Ray: pip install -r requirements-ray.txt.": (
        "`executor` 为 ray 需要安装 Ray：pip install -r requirements-ray.txt。"
    ),
    "`base_batch_size` must be at least 1, got {b}.": "`base_batch_size` 至少为 1，收到的是 {b}。",
    "`seconds` (the time budget) must be at least {least:g} to train anything, got {s!r}: "
    "give {default:g} for the digits MLP.": (
        "`seconds`（时间预算）至少为 {least:g} 才能训练，收到的是 {s!r}："
        "digits MLP 请给 {default:g}。"
    ),
    "`seconds` (the time budget) must be at most {most:g}, got {s:g}.": (
        "`seconds`（时间预算）最多为 {most:g}，收到的是 {s:g}。"
    ),
    "`lr_factors` needs at least 2 different positive factors, got {factors}.": (
        "`lr_factors` 至少需要 2 个不同的正数因子，收到的是 {factors}。"
    ),
    "`memory_cap_mb` must be greater than 0, got {cap}.": (
        "`memory_cap_mb` 必须大于 0，收到的是 {cap}。"
    ),
    "`target` must be a finite number, got {target}.": (
        "`target` 必须是有限的数，收到的是 {target}。"
    ),
    "a val_accuracy `target` is between 0 and 1, got {target}: e.g. 0.9.": (
        "val_accuracy 的 `target` 在 0 和 1 之间，收到的是 {target}：例如 0.9。"
    ),
    "a val_loss `target` must be greater than 0, got {target}: e.g. 0.4.": (
        "val_loss 的 `target` 必须大于 0，收到的是 {target}：例如 0.4。"
    ),
    "`batch_sizes` {sizes} exceed the {n} training samples: use sizes up to {n}.": (
        "`batch_sizes` 中的 {sizes} 超过了 {n} 个训练样本：请用不超过 {n} 的批大小。"
    ),
    "no batch size fits: {what} at B = {b} (peak {peak:.0f} MiB, cap {cap:.0f} MiB): raise "
    "`memory_cap_mb` or use a smaller model.": (
        "没有放得下的批大小：B = {b} 时 {what}（峰值 {peak:.0f} MiB，上限 {cap:.0f} MiB）："
        "请提高 `memory_cap_mb` 或换用更小的模型。"
    ),
    "the time budget of {seconds:g} s ended before the first evaluation of the pilot run: "
    "give a larger `seconds`.": (
        "{seconds:g} 秒的时间预算在试跑第一次评估前就用完了：请给更大的 `seconds`。"
    ),
    "no size can be expected to reach {metric} {target:g}: the pilot run (B = {b}, lr {lr:g}) "
    "reached {best:.4g} at best in {epochs} epochs. Choose a target it reaches, or leave "
    "`target` empty to have one chosen.": (
        "没有批大小有望达到 {metric} {target:g}：试跑（B = {b}，lr {lr:g}）在 {epochs} 轮中"
        "最好只达到 {best:.4g}。请选一个它能达到的目标，或让 `target` 留空以自动选择。"
    ),
    "stopped once {metric} reached the target {target:g} (the advisor's runs end there).": (
        "{metric} 达到目标 {target:g} 后停止（建议流程的运行到此结束）。"
    ),
    "`base_batch_size` {b} exceeds the {n} training samples: use at most {n}.": (
        "`base_batch_size` {b} 超过了 {n} 个训练样本：最多用 {n}。"
    ),
    "no batch size reached {metric} {target:g} within its runs (sweep {sweep}): choose an "
    "easier target or a larger `seconds`.": (
        "没有批大小在其运行中达到 {metric} {target:g}（扫描 {sweep}）：请选更容易的目标或更大的 "
        "`seconds`。"
    ),
    "`target` must be a number such as 0.35, or empty to let the pilot run choose it, got "
    "{text!r}.": "`target` 必须是数，例如 0.35，或留空由试跑选择，收到的是 {text!r}。",
    "`batch_sizes` must be whole numbers of at least 1, got {b!r}: use e.g. 32,64,128, or "
    "leave it empty for powers of two up to the largest that fits.": (
        "`batch_sizes` 必须是至少为 1 的整数，收到的是 {b!r}：例如 32,64,128，"
        "或留空以使用 2 的幂直到放得下的最大值。"
    ),
}
