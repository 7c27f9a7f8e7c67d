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
        "learning rate at each size (×/÷ 3 around the best lr of the size tuned before it, "
        "sqrt-scaled; your lr for the first); train each to a validation "
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
    "advise.progress.repeat": (
        "B = {b} again at lr {lr:.3g}, another seed · {done}/{total} · about {eta:.0f} s left"
    ),
    "advise.progress.start": "Starting a worker…",
    "advise.result": (
        "**Use B = {b} with lr {lr:.3g}**: it reaches {metric} {target:g} in the least time, "
        "about {seconds:.3g} s of training."
    ),
    "advise.result_tie": (
        "**Use B = {b} with lr {lr:.3g}**: it reaches {metric} {target:g} in about "
        "{seconds:.3g} s of training. B = {best} measured quickest ({best_seconds:.3g} s), "
        "within noise of it: B = {sizes} are as fast, and of them the Playbook's rule (the "
        "largest batch that still cuts steps) gives B = {b} most often within noise."
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
    "advise.chart.repeat": "best lr, another seed",
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
        "Samples/s first stopped nearly doubling from B = {b} to B = {b2} (measured ×{gain:.2f}, "
        "under ×{nearly:.2f}); every smaller doubling measured at least ×{nearly:.2f}."
    ),
    "advise.why.knee.overhead": (
        "Samples/s nearly doubled (at least ×{nearly:.2f} measured) with every doubling of B up "
        "to {b}: the device is not saturated within these sizes."
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
        "was measured at B = {b}, at the weights after {epochs} epochs of training from scratch; "
        "it predicts B_crit's order of magnitude (McCandlish et al. 2018)."
    ),
    "advise.why.time": (
        "B = {b} reaches {metric} {target:g} in the least predicted time: {steps:,.0f} steps × "
        "{step_ms:.3g} ms a step ≈ {seconds:.3g} s, with its re-tuned lr {lr:.3g}."
    ),
    "advise.why.lr_edge": (
        "At B = {b} the best lr ({lr:.3g}) was at the edge of the grid tried: a wider grid may "
        "find a better one."
    ),
    "advise.why.skipped": (
        "Skipped to fit the {seconds:g} s budget: B = {sizes} (a larger budget measures them)."
    ),
    "advise.why.stopped": "Stopped before the end: the advice uses the sizes measured so far.",
    "advise.why.knee.crossover": (
        "The timings' fit gives {overhead_ms:.2g} ms fixed per step (input pipeline and "
        "dispatch) plus {per_sample_us:.2g} µs per sample, equal at B ≈ {crossover:,.0f}: below "
        "that the fixed cost of a step is most of it, above it the device's work per sample is."
    ),
    "advise.why.noise_unbounded": (
        "The gradient noise scale B_simple ≈ {b_simple:,.0f} (90 % interval from {lo:,.0f}, "
        "unbounded above: |G|² cannot be told from 0 in its batches) was measured at B = {b}, at "
        "the weights after {epochs} epochs of training from scratch."
    ),
    "advise.why.noise_vs_crit": (
        "B_simple ≈ {b_simple:,.0f} and B_crit ≈ {c:,.0f} measure different things: the first "
        "is the gradient noise at one point of training (it grows as the loss falls), the "
        "second where steps to this target stop falling across the sizes, each with its lr "
        "re-tuned; they need agree only in order of magnitude."
    ),
    "advise.why.repeats": (
        "Each size's best lr was trained again with another seed (+{offset}) at {n} sizes, and "
        "its steps to target are the mean of the two runs: the two seeds differed by "
        "×{between:.2f} (root mean square), so a mean of two is within about ×{mean:.2f}. The "
        "ranges below count that in: what another seed would move is not read as a difference "
        "between sizes."
    ),
    "advise.why.time_range": (
        "B = {sizes} reach {metric} {target:g} within noise of the fastest, B = {best} "
        "({best_steps:,.0f} steps × {step_ms:.3g} ms ≈ {best_seconds:.3g} s): their predicted "
        "time ranges overlap, so time does not decide among them."
    ),
    "advise.why.pick.cut": (
        "Of those, the Playbook's rule (the largest batch that still cuts steps) gives B = "
        "{b} on the measured steps: {steps:,.0f} steps against {prev_steps:,.0f} at B = "
        "{prev} (×{ratio:.2f}, clearly fewer: below ×{clearly:.2f}), with its re-tuned lr "
        "{lr:.3g}."
    ),
    "advise.why.pick.stalled": (
        "The next size, B = {next}, took {next_steps:,.0f} steps against {steps:,.0f} at B = {b} "
        "(×{ratio:.2f}, not below ×{clearly:.2f}): not clearly fewer, so a larger batch would "
        "only cost more per step."
    ),
    "advise.why.pick.largest": (
        "B = {b} is the largest of them: every doubling up to it still cut steps clearly."
    ),
    "advise.why.scale_small": (
        "The fastest size (B = {b}) trains to the target in {seconds:.3g} s, under {limit:g} s: "
        "at this scale batch size does not decide how long training takes, so the choice is made "
        "on steps alone. A later target (`--target`) or a larger model would measure the time."
    ),
    "advise.why.resources.device": (
        "Resources (cost per step × steps) give the same advice: on one device a step's cost is "
        "its time. Samples computed (B × steps) are in the table for reference."
    ),
    "advise.result_range": (
        "**Use B = {b} with lr {lr:.3g}**: it reaches {metric} {target:g} in about "
        "{seconds:.3g} s of training, the quickest measured; B = {sizes} are within noise of "
        "it, and of them the Playbook's rule (the largest batch that still cuts steps) gives "
        "B = {b} most often within noise."
    ),
    "advise.why.knee.device_first": (
        "Samples/s did not nearly double from the first doubling, B = {b} to B = {b2} (measured "
        "×{gain:.2f}, under ×{nearly:.2f})."
    ),
    "advise.why.pick.draws": (
        "Re-drawing each size's steps within their noise ({draws} draws) and applying the "
        "rule again gives {given}: B = {b} is advised, the size it gives most often "
        "({share:.0%}), as on the measured steps."
    ),
    "advise.why.pick.moved": (
        "Re-drawing each size's steps within their noise ({draws} draws) and applying the "
        "rule again gives {given}: B = {b} is advised, the size it gives most often "
        "({share:.0%}); B = {point}, which the measured steps gave, is a less likely outcome "
        "of the same measurements."
    ),
    "advise.why.pick.close": (
        "Too close to call from B = {lo} to {hi}: each was given in at least {least:.0%} of "
        "the draws, so another seed's measurement could advise any of them."
    ),
    "advise.result_close": (
        "Too close to call from B = {lo} to {hi}: another seed's measurement could advise "
        "any of them."
    ),
    "advise.why.pick.fit": (
        "The Playbook prefers the largest batch that still cuts steps, and on the measured "
        "steps that is B = {b} ({steps:,.0f} steps, lr {lr:.3g}): on the fitted curve each "
        "doubling up to {limit:g} B_crit ≈ {cap:,.0f} still cuts the steps to ×0.8 or fewer, "
        "and B = {b} is the largest candidate below it. Over B_crit's 90 % interval that "
        "limit lies between B ≈ {cap_lo} and {cap_hi}."
    ),
    "advise.result_steps": (
        "**Use B = {b} with lr {lr:.3g}**: it reaches {metric} {target:g} in about "
        "{seconds:.3g} s of training. The quickest size does so in under a second here, so "
        "time does not decide; B = {b} is the size the Playbook's rule (the largest batch "
        "that still cuts steps) gives most often within noise (B = {best} measured quickest, "
        "{best_seconds:.3g} s)."
    ),
}

ZH_ADVISE: dict[str, str] = {
    "nav.advise": "建议",
    "advise.title": "我该用多大的批大小？",
    "advise.intro": (
        "在你的模型、数据和设备上运行《深度学习调参手册》选择批大小的流程：找出放得下的批大小"
        "及其吞吐量；在每个批大小上重新调学习率（以前一个调好的批大小的最佳 lr "
        "按平方根缩放为中心 ×/÷ 3，第一个从你的 lr 开始）；把每个训练到一个"
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
    "advise.progress.repeat": (
        "换一个种子再训练 B = {b}，lr {lr:.3g} · {done}/{total} · 约剩 {eta:.0f} 秒"
    ),
    "advise.progress.start": "正在启动工作进程…",
    "advise.result": (
        "**请用 B = {b}，lr {lr:.3g}**：它以最短的时间达到 {metric} {target:g}，"
        "约 {seconds:.3g} 秒的训练。"
    ),
    "advise.result_tie": (
        "**请用 B = {b}，lr {lr:.3g}**：约 {seconds:.3g} 秒的训练即可达到 {metric} {target:g}。"
        "测得最快的是 B = {best}（{best_seconds:.3g} 秒），与它的差距在误差之内：B = {sizes} "
        "都一样快；在误差范围内，调参手册的规则（仍能减少迭代次数的最大批大小）最常给出 B = {b}。"
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
    "advise.chart.repeat": "最佳 lr，另一个种子",
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
        "从 B = {b} 到 B = {b2}，样本/秒第一次没有接近加倍（实测 ×{gain:.2f}，低于 "
        "×{nearly:.2f}）；更小的每次加倍实测都至少 ×{nearly:.2f}。"
    ),
    "advise.why.knee.overhead": (
        "直到 {b}，B 每加倍一次样本/秒都接近加倍（实测至少 ×{nearly:.2f}）：在这些批大小内"
        "设备尚未饱和。"
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
        "梯度噪声尺度 B_simple ≈ {b_simple:,.0f}（90 % 区间 {lo:,.0f}–{hi:,.0f}）是在 B = {b}、"
        "从头训练 {epochs} 个轮次后的权重上测的；它预示 B_crit 的数量级（McCandlish 等，2018）。"
    ),
    "advise.why.time": (
        "B = {b} 以最短的预测时间达到 {metric} {target:g}：{steps:,.0f} 次迭代 × 每次 "
        "{step_ms:.3g} ms ≈ {seconds:.3g} 秒，使用重新调过的 lr {lr:.3g}。"
    ),
    "advise.why.lr_edge": (
        "在 B = {b} 上，最佳 lr（{lr:.3g}）位于所试网格的边缘：更宽的网格可能找到更好的。"
    ),
    "advise.why.skipped": (
        "为不超出 {seconds:g} 秒的预算而跳过：B = {sizes}（更大的预算会测量它们）。"
    ),
    "advise.why.stopped": "提前停止：建议只基于已测量的批大小。",
    "advise.why.knee.crossover": (
        "按计时拟合：每次迭代固定开销 {overhead_ms:.2g} ms（输入管道和调度），每个样本 "
        "{per_sample_us:.2g} µs，两者在 B ≈ {crossover:,.0f} 处相等：此前每次迭代的固定开销"
        "占大头，此后设备对每个样本的计算占大头。"
    ),
    "advise.why.noise_unbounded": (
        "梯度噪声尺度 B_simple ≈ {b_simple:,.0f}（90 % 区间从 {lo:,.0f} 起，上方无界："
        "在其批次中无法把 |G|² 与 0 区分开）是在 B = {b}、从头训练 {epochs} 个轮次后的权重上测的。"
    ),
    "advise.why.noise_vs_crit": (
        "B_simple ≈ {b_simple:,.0f} 与 B_crit ≈ {c:,.0f} 测的是不同的东西：前者是训练中某一时刻的"
        "梯度噪声（随损失下降而增大），后者是在各批大小（各自重新调过 lr）之间到达这个目标的"
        "迭代次数不再下降的位置；两者只需在数量级上一致。"
    ),
    "advise.why.repeats": (
        "在 {n} 个批大小上，各自最佳的 lr 又换一个种子（+{offset}）训练了一次，到达目标的迭代次数"
        "取两次的平均：两个种子相差 ×{between:.2f}（均方根），所以两次的平均约在 ×{mean:.2f} 之内。"
        "下面的范围已把这一点算进去：换个种子就会变的差别，不当作批大小之间的差别。"
    ),
    "advise.why.time_range": (
        "B = {sizes} 达到 {metric} {target:g} 的时间都在最快的 B = {best}（{best_steps:,.0f} "
        "次迭代 × {step_ms:.3g} ms ≈ {best_seconds:.3g} 秒）的误差之内：它们预测时间的范围互相"
        "重叠，时间无法在其中分出高下。"
    ),
    "advise.why.pick.cut": (
        "其中，按实测的迭代次数，调参手册的规则（仍能减少迭代次数的最大批大小）给出 B = {b}："
        "{steps:,.0f} 次迭代，B = {prev} 是 {prev_steps:,.0f} 次（×{ratio:.2f}，明显更少："
        "低于 ×{clearly:.2f}），用它重新调过的 lr {lr:.3g}。"
    ),
    "advise.why.pick.stalled": (
        "下一个批大小 B = {next} 用了 {next_steps:,.0f} 次迭代，对比 B = {b} 的 {steps:,.0f}"
        "（×{ratio:.2f}，不低于 ×{clearly:.2f}）：没有明显更少，更大的批只会让每次迭代更贵。"
    ),
    "advise.why.pick.largest": ("B = {b} 是其中最大的：直到它，每次加倍都还明显减少了迭代次数。"),
    "advise.why.scale_small": (
        "最快的批大小（B = {b}）训练到目标用 {seconds:.3g} 秒，不到 {limit:g} 秒：在这个规模上，"
        "批大小并不决定训练要多久，所以只按迭代次数选择。更晚的目标（`--target`）或更大的模型"
        "才能测出时间差别。"
    ),
    "advise.why.resources.device": (
        "按资源（每次迭代的成本 × 迭代次数）得出的建议相同：在一台设备上，一次迭代的成本就是它的"
        "时间。计算的样本数（B × 迭代次数）列在表中，仅供参考。"
    ),
    "advise.result_range": (
        "**请用 B = {b}，lr {lr:.3g}**：约 {seconds:.3g} 秒的训练即可达到 {metric} {target:g}，"
        "是测得最快的；B = {sizes} 都在它的误差之内；在误差范围内，调参手册的规则"
        "（仍能减少迭代次数的最大批大小）最常给出 B = {b}。"
    ),
    "advise.why.knee.device_first": (
        "从第一次加倍起样本/秒就没有接近加倍：B = {b} 到 B = {b2}（实测 ×{gain:.2f}，"
        "低于 ×{nearly:.2f}）。"
    ),
    "advise.why.pick.draws": (
        "把各批大小的迭代次数在其误差内重新抽取（{draws} 次）后再用同一规则，得到 {given}："
        "建议用 B = {b}，它被给出得最多（{share:.0%}），与按实测迭代次数得到的一致。"
    ),
    "advise.why.pick.moved": (
        "把各批大小的迭代次数在其误差内重新抽取（{draws} 次）后再用同一规则，得到 {given}："
        "建议用 B = {b}，它被给出得最多（{share:.0%}）；按实测迭代次数得到的 B = {point}，"
        "是同样这些测量中较不可能的结果。"
    ),
    "advise.why.pick.close": (
        "B = {lo} 到 {hi} 难分高下：每个都在至少 {least:.0%} 的抽取中被给出，"
        "换一个种子测量，可能建议其中任何一个。"
    ),
    "advise.result_close": ("B = {lo} 到 {hi} 难分高下：换一个种子测量，可能建议其中任何一个。"),
    "advise.why.pick.fit": (
        "调参手册偏好仍能减少迭代次数的最大批大小，按实测的迭代次数那就是 B = {b}"
        "（{steps:,.0f} 次迭代，lr {lr:.3g}）：按拟合曲线，直到 {limit:g} B_crit ≈ {cap:,.0f}，"
        "每次加倍仍能把迭代次数减到 ×0.8 或更少，而 B = {b} 是低于它的最大候选。"
        "按 B_crit 的 90 % 区间，这个上限在 B ≈ {cap_lo} 到 {cap_hi} 之间。"
    ),
    "advise.result_steps": (
        "**请用 B = {b}，lr {lr:.3g}**：约 {seconds:.3g} 秒的训练即可达到 {metric} {target:g}。"
        "这里最快的批大小不到一秒就能做到，时间不起决定作用；在误差范围内，调参手册的规则"
        "（仍能减少迭代次数的最大批大小）最常给出 B = {b}（测得最快的是 B = {best}，"
        "{best_seconds:.3g} 秒）。"
    ),
}

# core.run.advise's InputError and Note templates, in Chinese.
ZH_ERRORS_ADVISE: dict[str, str] = {
    "every batch size was skipped to fit the time budget of {seconds:g} s (the pilot run and "
    "the timings took {used:.0f} s; sweep {sweep}): give a larger `seconds`.": (
        "为不超出 {seconds:g} 秒的时间预算，所有批大小都被跳过了（试跑和计时用了 {used:.0f} 秒；"
        "扫描 {sweep}）：请给更大的 `seconds`。"
    ),
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
