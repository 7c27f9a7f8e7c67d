"""Simplified Chinese UI strings: the same keys as `core.present.text.EN`, translated.

Placeholders (`{field}`), Markdown and code identifiers are kept exactly as in English.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # app / navigation
    "app.title": "Batch Lab",
    "app.tagline": "直观看到并实际测量：批大小、轮次 (epoch) 和数据集大小如何影响训练。",
    "app.language": "语言",
    "app.copy_link": "指向本页当前状态的链接（复制即可分享）",
    "app.url_ignored": "链接中的以下内容已忽略，改用默认值：{notes}。",
    "nav.schedule": "训练计划",
    "nav.train": "训练",
    "nav.runs": "运行记录",
    "nav.compare": "对比",
    "nav.science": "研究",
    "sidebar.about": (
        "一个**轮次** (epoch) 是把训练样本完整过一遍；一次**迭代** (iteration，即一步) 是"
        "优化器在一个批次上做的一次更新。所有编号都从 0 开始，与代码一致"
        "（`for epoch in range(E)`）：第 0 轮是第一遍，第 0 次迭代是第一步，第 0 批是每轮的"
        "第一个批次，第 0 号样本是第一行。"
    ),
    # schedule page
    "schedule.title": "N、批大小和轮次如何换算成迭代次数",
    "schedule.preset": "示例",
    "schedule.preset.custom": "自定义",
    "schedule.preset.tutorial": "1000 个样本，批大小 100，10 个轮次",
    "schedule.preset.linear": "y = 2x：10 个数据点，批大小 3",
    "schedule.preset.mnist": "MNIST：60000 个样本，批大小 64，5 个轮次",
    "schedule.preset.full": "全批量（1000 个样本）",
    "schedule.preset.sgd": "SGD（批大小 1，100 个样本）",
    "schedule.n": "数据集大小 N（样本数）",
    "schedule.batch_size": "批大小 (batch size) B",
    "schedule.batch_size_log": "批大小（log₂ 滑块）",
    "schedule.n_log": "数据集大小（对数滑块）",
    "schedule.epochs_log": "轮次（对数滑块）",
    "schedule.epochs": "轮次 (epoch) E",
    "schedule.shuffle": "打乱方式",
    "schedule.shuffle.none": "不打乱（顺序不变）",
    "schedule.shuffle.epoch": "每轮打乱（shuffle=True）",
    "schedule.shuffle.batch": "批内打乱（shuffle='batch'）",
    "schedule.shuffle.help": (
        "不打乱：每个轮次的顺序都相同。每轮打乱：每个轮次重新随机排列一次（Keras "
        "shuffle=True，PyTorch shuffle=True）。批内打乱：批次边界固定，只在每个批次内部"
        "打乱顺序（Keras shuffle='batch'）。"
    ),
    "schedule.allowed": "允许范围：{low} 到 {high}。超出范围的数字不会生效。",
    "schedule.drop_remainder": "drop_remainder",
    "schedule.drop_remainder.help": (
        "每个轮次丢弃最后一个不完整的批次：tf.data batch(drop_remainder=True)，PyTorch "
        "DataLoader(drop_last=True)。Keras 对数组调用 fit 时总是保留它。"
    ),
    "schedule.validation_split": "验证集比例",
    "schedule.seed": "随机种子",
    "metric.steps_per_epoch": "每轮迭代次数",
    "metric.total_steps": "总迭代次数",
    "metric.last_batch": "最后一批大小",
    "metric.dropped": "每轮丢弃",
    "metric.train": "训练样本数",
    "metric.validation": "验证样本数",
    "metric.samples_seen": "累计处理样本数",
    "schedule.formula.ceil": (
        "每轮迭代次数 = ⌈{train} / {batch_size}⌉ = **{steps}**；"
        "总计 = {steps} × {epochs} 个轮次 = **{total}** 次迭代"
    ),
    "schedule.formula.floor": (
        "每轮迭代次数 = ⌊{train} / {batch_size}⌋ = **{steps}**（drop_remainder 每个轮次丢弃 "
        "{dropped} 个样本）；总计 = {steps} × {epochs} 个轮次 = **{total}** 次迭代"
    ),
    "schedule.formula.split": (
        "训练样本数 = ⌊{n} × (1 − {split})⌋ = {train}；最后 {val} 个样本作为验证集，在打乱之前划出"
    ),
    "schedule.partial_note": (
        "每个轮次的最后一个批次只有 {partial} 个样本，而不是 {batch_size} 个。"
    ),
    "schedule.bigger_than_train": (
        "B = {batch_size} 大于训练样本数 {train}：每个轮次只有一个包含 {train} 个样本的不完整批次。"
    ),
    "schedule.timeline": "时间线：各轮次中的迭代",
    "schedule.membership": "每个样本落在哪个批次",
    "schedule.membership.epoch": "从这一轮次开始显示",
    "schedule.membership.epochs": (
        "并排显示轮次 {a}–{b}（放得下多少显示多少），可以看到每轮之间顺序的变化。"
    ),
    "schedule.membership.aggregated": (
        "N 太大，无法为每个样本画一个格子；改为显示每个批次在该轮次顺序中所占的位置范围。"
    ),
    "schedule.table": "前几个轮次的批次",
    "schedule.code": "用代码实现同样的设置",
    "schedule.misconceptions": "常见误区",
    "schedule.misconceptions.body": (
        "- Keras 的默认 `batch_size` 是 **32**（`fit(batch_size=None)` 即 32），"
        "不是某篇流传很广的教程所说的“自动设为 200”。\n"
        "- `model.compile()` **不**接受批大小：批大小在 `fit()`、"
        "`tf.data.Dataset.batch()` 或 PyTorch 的 `DataLoader` 中设置。\n"
        "- `validation_split` 取的是数组中**最后**的样本，而且是在打乱**之前**取：如果数据按"
        "类别排好序，验证集里可能只有一个类别。\n"
        "- 一个**轮次** (epoch) 是把训练样本完整过一遍；一次**迭代** (iteration) 是优化器在"
        "一个批次上走的一步。每轮迭代次数 = ⌈N_train / B⌉：最后一个批次可能更小。"
    ),
    "schedule.error": "请修正此输入：{message}",
    "schedule.membership.unlisted": (
        "{train} 个训练样本：超过 {cap} 时，本页不会生成该轮的样本顺序（每个样本一个索引），"
        "因此无法画出每个样本落在哪个批次。上面的数字和时间线是精确的；把 N 调到 {cap} "
        "或以下即可看到具体样本。"
    ),
    "schedule.table.positions": (
        "训练样本超过 {cap} 时，表中给出每个批次在该轮顺序中的位置（#0 是第一个被送入的样本），"
        "而不是样本索引。"
    ),
    "col.batch": "轮内批次",
    "col.positions": "位置",
    # 梯度累积（issue 17）：训练计划、训练与对比页面
    "schedule.accumulation": "累积步数 K",
    "schedule.accumulation.help": (
        "梯度累积：优化器把 K 个批次的梯度取平均后才更新一次权重（Keras "
        "gradient_accumulation_steps=K）。内存只需容纳一个大小为 B 的批次；有效批大小为 B × K。"
        "1 表示不累积。"
    ),
    "metric.optimizer_updates": "优化器更新次数",
    "metric.effective_batch": "有效批大小 (B × K)",
    "metric.samples_per_update": "每次更新的样本数（平均）",
    "metric.unapplied": "从未应用的批次",
    "schedule.formula.accumulation": (
        "优化器更新次数 = ⌊{total} / {k}⌋ = **{updates}**{unapplied}；"
        "有效批大小 = 每副本 {per} × {replicas} 个副本 × {k} = 每次更新 **{effective}** 个样本"
    ),
    "schedule.accumulation.partial": (
        "包含 {partial} 个样本的不完整批次的那次更新，样本数少于 {effective}，但该批次梯度的权重"
        "与完整批次相同（Keras 对 K 个批次梯度等权平均）：平均每次更新 {mean} 个样本。"
    ),
    "schedule.misconceptions.accumulation": (
        "- **迭代**并不总是**优化器更新**：使用梯度累积 K 时，每 K 次迭代才更新一次权重，"
        "所以更新次数 = ⌊迭代次数 / K⌋，计数跨越轮次边界。学习率调度拿到的不是更新次数："
        "Keras 3 在每次更新时调用它，传入完成这次更新的那个批次的序号（从 0 数起；K = 3 时为 "
        "2, 5, 8, …，而不是 0, 1, 2），所以调度要按批次数来写。\n"
        "- 有不完整批次时，有效批大小**并不恰好是 K × B**：K 个梯度各是一个批次的平均值、"
        "权重相同，因此不完整批次中那几个样本的分量比其他样本更大。"
    ),
    "chart.update_step": "优化器更新",
    "train.accumulation": "梯度累积 K",
    "train.updates": (
        "**{updates} 次优化器更新**：每 {k} 次迭代一次，每次更新 {effective} 个样本{unapplied}。"
    ),
    "compare.accumulations": "累积步数 K（列表）",
    "compare.accumulations.help": "要扫描的梯度累积值，例如 1, 4。每个批大小对每个 K 各运行一次。",
    "compare.keep_product": "保持 B × K 不变",
    "compare.keep_product.help": (
        "开启：列表中的每个批大小是有效批大小，每步使用 B / K（B = 128、K = 1, 4 时运行 "
        "B = 128 和 B = 32 × 4）。关闭：K 与每个 B 相乘。"
    ),
    "compare.accumulation_table": "梯度累积：每次更新的样本数与内存",
    "compare.accumulation_note": (
        "有效批大小相同、每次更新的样本数相同：使用 SGD 且没有依赖批次的层时，更新完全相同，"
        "所以损失一致，而每一步只需容纳 B 个样本。"
    ),
    "col.accumulation": "K",
    "col.effective_batch_size": "有效批大小",
    "col.optimizer_updates": "优化器更新次数",
    "col.peak_memory_mb": "峰值内存_MB",
    # train page
    "train.title": "训练：看一个真实的 Keras 模型如何一批一批地学习",
    "train.dataset": "数据集",
    "train.model": "模型",
    "train.n": "样本数 N（0 = 全部）",
    "train.n.help": "取数据集的前 N 个样本；验证集也从这些样本中划出。",
    "train.optimizer": "优化器",
    "train.lr": "学习率",
    "train.engine": "训练引擎",
    "train.engine.help": (
        "fused：把多步训练合并成一次编译后的调用（速度快）。keras-fit：在相同批次上使用标准的 "
        "model.fit，用于对照。"
    ),
    "train.csv": "CSV 文件",
    "train.csv.help": (
        "特征列（数字，或取值不多的文本）加一个标签列（数字，或 cat/dog 这样的文本）；"
        "最大 {mb} MB。"
    ),
    "train.csv.needed": "上传一个 CSV 文件以用它训练。",
    "schedule.partial_note.one": "每个轮次的最后一个批次只有 1 个样本，而不是 {batch_size} 个。",
    "number.compact": "{value}{unit}",
    "train.label": "标签列",
    "train.task": "任务类型",
    "train.fix": "请修正此输入：{message}",
    "train.epochs_cap": "这里的轮次上限为 {cap}：请减少轮次。",
    "train.iterations": (
        "**每轮 {spe} 次迭代 × {epochs} 个轮次 = {total} 步**"
        "（每轮 ⌈{train} 个训练样本 / 批大小 {batch_size}⌉）"
    ),
    "train.start": "开始训练",
    "schedule.own_data": (
        "你的数据文件 {name}：{n} 个样本用于训练（另留出 {held} 个作测试），与训练页的划分相同。"
    ),
    "schedule.own_data.use": "用 N = {n}",
    "train.devices": "Keras 看到的设备：{devices}（{gpus} 个 GPU）。训练在 {trains_on} 上进行。",
    "device.cpu": "CPU {name}，{cores} 核",
    "train.features": "特征数（blobs）",
    "train.classes": "类别数（blobs）",
    "train.noise": "y = 2x 上的噪声",
    "train.noise.help": "加到每个 y 上的高斯噪声的标准差；0 即 y = 2x。",
    "train.timing.compiled": (
        "编译训练步骤用了 {compile} 秒，不计入训练时间；之后训练 {train} 秒，"
        "每秒 {rate} 次迭代（不含评估）。"
    ),
    "train.timing.reused": (
        "工作进程已编译好这个训练步骤（无需编译）；训练 {train} 秒，"
        "每秒 {rate} 次迭代（不含评估）。"
    ),
    "train.queued": (
        "此共享演示的训练名额都在使用中（{busy} 个正在运行）：你的运行已排队，"
        "有名额空出时会自动开始。点“停止”可取消。"
    ),
    "train.per_replica": (
        "{replicas} 个副本：每个副本计算每个全局批次中的 {per} 个样本，每个副本每秒 {rate} 个样本。"
    ),
    "train.stop": "停止",
    "train.compiling": (
        "正在为这个模型和批大小编译训练步骤：已用 {seconds} 秒。空闲的机器上要几秒，"
        "其他程序占满 CPU 时要 10 秒或更久；之后同一模型和批大小的运行不再编译。"
        "这段时间不计入训练时间。"
    ),
    "train.loading_tf": "正在工作进程中加载 TensorFlow…",
    "train.idle": "点击“开始训练”：图表会随着模型训练逐步绘出。",
    "train.run_gone": "该运行已不在运行记录库中。",
    "train.progress": "已完成 {done} / {total} 步 · 当前轮次 {epoch}（轮次编号 0–{last}）",
    "train.rate.help": (
        "训练进行中：按最近 2 秒的步数计算。结束后：按整个运行的训练时间计算（不含编译和评估）。"
    ),
    "train.earlier": (
        "下面的数字和图表来自上一次运行 {run}；上方的输入已经改了。点击“开始训练”按现在的输入训练。"
    ),
    "list.sep": "，",
    "train.status": "状态",
    "train.steps_per_second": "步/秒",
    "train.samples_per_second": "样本/秒",
    "train.eta": "预计剩余",
    "train.device": "设备",
    "train.diverged": "训练发散：{message}",
    "train.failed": "运行失败：{message}",
    "train.stopped": "已在 {steps} 步后停止；目前已训练的结果都会保留。",
    "train.stopping": "正在停止：当前这批步骤跑完后即结束。",
    "train.test": "测试集：{metrics}",
    "train.composition": "每个批次包含什么（实际送入的各批次中每个类别的样本数）",
    "train.composition.latest": "最新轮次",
    "train.composition.epoch": "轮次",
    # compare page
    "compare.title": "对比：该用多大的批大小？",
    "compare.batch_sizes": "批大小列表（英文逗号分隔；'full' = 整个训练集）",
    "compare.repeats": "每个批大小的重复次数（不同随机种子）",
    "compare.budget": "相同预算",
    "compare.budget.epochs": "轮次（每个批大小都把数据过 E 遍）",
    "compare.budget.steps": "步数（每个批大小都做 S 步优化器更新）",
    "compare.budget.samples": "样本数（每个批大小都处理 M 个样本）",
    "compare.budget.time": "实际耗时（每次运行 T 秒）",
    "compare.budget_value.epochs": "轮次 E",
    "compare.budget_value.steps": "步数 S",
    "compare.budget_value.samples": "样本数 M",
    "compare.budget_value.time": "每次运行秒数 T",
    "compare.lr_scaling": "学习率缩放",
    "compare.lr_scaling.help": (
        "none：所有批大小都使用基准 lr。linear：lr·B/B0（Goyal et al. 2017）。sqrt：lr·√(B/B0)。"
    ),
    "compare.warmup_epochs": "预热轮次",
    "compare.goyal_note": (
        "线性缩放规则（Goyal et al. 2017）是在带动量的 SGD 加逐步预热（5 个轮次内从基础学习率"
        "线性升到缩放后的学习率；这里最多分 20 级等步）下得出的：请设置预热轮次。用 Adam 时更宜选 "
        "sqrt：Malladi et al. 2022（*On the SDEs and Scaling Rules for Adaptive Gradient "
        "Algorithms*）为 Adam 推导出平方根规则。没有预热时，按线性放大学习率的大批次常在训练初期"
        "发散。"
    ),
    "compare.base_batch_size": "基准批大小 B0",
    "compare.base_lr": "基准学习率",
    "compare.plan": "共 {runs} 次运行：{rows}",
    "compare.start": "运行扫描实验",
    "compare.stop": "停止扫描实验",
    "compare.progress": "第 {done} / {total} 次运行",
    "compare.eta": "约剩 {seconds} 秒",
    "compare.unreached": "在预算内始终未达到目标、因此未画出：{sizes}。",
    "compare.sweep_gone": "链接中的扫描 {sweep} 不在这个运行记录库中：改为显示最新的一次。",
    "compare.pick": "显示扫描实验",
    "compare.none": "运行一次扫描实验，或选择一个已保存的扫描实验，即可查看对比。",
    "compare.x": "x 轴",
    "compare.log_x": "x 轴取对数",
    "compare.log_y": "y 轴取对数",
    "compare.target_metric": "目标指标",
    "compare.target": "目标值",
    "compare.curves": "损失曲线",
    "compare.best_lr": (
        "这次扫描在同一批大小上试了多个学习率（“建议”页就是这样）：图表和结论用每个批大小最好的那个；"
        "下方的表格列出全部运行。"
    ),
    "compare.finals": "最终验证损失和准确率随批大小的变化",
    "compare.to_target": "达到目标所需的步数和时间（双对数坐标；虚线：理想缩放）",
    "compare.short_timing": (
        "每次运行只训练了 {lo}–{hi} 秒：太短，无法据此比较吞吐量（几毫秒的其他负载就能改变排序）。"
        "要比较每秒样本数，请用“研究”页的设备吞吐量（多次计时，带误差范围），或给扫描更长的预算。"
    ),
    "compare.throughput": "吞吐量随批大小的变化",
    "compare.table": "结果",
    "compare.no_val": "将验证集比例设为大于 0，即可查看验证指标。",
    # science page
    "science.title": "研究：在你的模型上实测批大小相关文献的结论",
    "science.noise": "梯度噪声尺度（McCandlish et al. 2018）",
    "science.micro": "每个批次的微批次数（B_small = B / m）",
    "science.measure": "测量噪声尺度",
    "science.measuring": "正在工作进程中训练并测量…",
    "science.crit": "步数与样本数的权衡，以及临界批大小",
    "science.crit.intro": (
        "根据“对比”页的一次扫描实验：达到目标所需的步数 S 和样本数 E 满足 "
        "(S/S_min − 1)(E/E_min − 1) = 1，即 S = S_min (1 + B_crit / B)，其中 "
        "B_crit = E_min / S_min。"
    ),
    "science.crit.none": (
        "还没有扫描实验：可在这里运行一次快速扫描，或在“对比”页运行你自己的（至少 3 个批大小）。"
    ),
    "science.quick": "运行一次快速扫描",
    "science.quick.help": (
        "批大小 {sizes}，每个训练 {epochs} 个轮次，学习率按本页批大小以 sqrt(B / {b0}) 缩放，"
        "留出 20% 作验证集。完成后会出现在下面的选择框中。"
    ),
    "science.crit.vs_noise": (
        "上面的 B_simple ≈ {b:.0f} 是某一时刻的梯度噪声：噪声尺度那次运行的最终权重"
        "（B = {batch}，{epochs} 个轮次）；这里的 B_crit ≈ {c:.0f} 是在本次对比的各批大小中，"
        "到达目标的迭代次数不再下降的位置。两者测的是不同的东西，不必相等：B_simple 随损失下降"
        "而增大，只能预示 B_crit 的数量级（McCandlish et al. 2018）。"
    ),
    "science.crit.fixed_lr": (
        "本次对比中每个批大小都用了同一个学习率。McCandlish 等人为每个批大小分别调好学习率；"
        "学习率固定时，大批量需要的步数会多于实际所需，从而把 B_crit 估小。"
        "请在“对比”页用 sqrt 或 linear 学习率缩放重新做一次对比，再拿 B_crit 与 B_simple 比较。"
    ),
    "science.throughput": "设备吞吐量",
    "science.throughput.cap": "测量的最大批大小",
    "science.throughput.run": "测量吞吐量",
    "science.guidance": "在本设备上达到目标所需的时间",
    "science.guidance.best": "预测最快达到目标：**B = {b}**（{s:.2f} 秒；{steps:.0f} 步）。",
    "science.noise.intro": (
        "B_simple = tr(Σ) / |G|²：单个样本的梯度相对于真实"
        "梯度有多大噪声。它在模型用你选的优化器训练时测量：在每个编译好的训练步内"
        "，每个完整批次 B 被分成 m 个大小为 B/m 的微批次，两种大小下的"
        "梯度范数平方给出 |G|² 和 tr(Σ)，并按“从 N 个训练样本中不"
        "放回抽取”做了修正（批均值的方差是 (tr Σ / B)(N − B)/"
        "(N − 1)，全批量时为 0）。B_simple 近似噪声尺度 B_n"
        "oise：远小于它的批次浪费了每一步的并行能力；远大于它的批次则浪费样本"
        "。"
    ),
    "science.noise.result": (
        "最终权重下 B_simple ≈ {b:.0f}（B = {batch}，训练 {epochs} 个轮次后；90% 区间 "
        "{interval}，来自冻结权重后测量的 {steps} 个新批次）。训练过程中，最后一个轮次给出 "
        "{last:.0f}，各轮次的值在 {e_lo:.0f}–{e_hi:.0f} 之间：那时权重还在变化。"
        "|G|² = {g2:.3g}，tr(Σ) = {tr:.3g}。"
    ),
    "science.noise.exact": (
        "**估计值与精确值**：用最终权重下全部 {n:,} 个逐样本梯度算出 "
        "B_simple = **{exact:.0f}**（估计值 {b:.0"
        "f}）。两者测的都是最终权重：在 400 个模拟情形中，估计值的 90% 区间包含精确值的比例为 "
        "90% ± 3%（tests/study/test_evidence_intervals.py）。下面的结论用的是精确值。"
    ),
    "science.noise.no_exact": (
        "没有精确值：逐样本梯度的精确计算只在训练样本不超过 {cap:,} 时提供。"
    ),
    "science.crit.result": (
        "S_min ≈ {s_min:.0f} 步，E_min ≈ {e_min"
        ":,.0f} 个样本，**B_crit ≈ {b_crit:.0f}**"
        "（90% 区间 {lo}–{hi}；按相对误差拟合 {points} 个"
        "批大小）。"
    ),
    "science.crit.above": (
        "直到试过的最大批大小（B = {b:g}），批大小每翻倍步数都几乎成比例地下降：**"
        "B_crit 在它之上**（至少 {lo:,.0f}）。请试更大的批大小"
        "来定位它。"
    ),
    "science.crit.below": (
        "更大的批次没有省下步数：**B_crit 低于试过的最小批大小**（B "
        "= {b:g}）。请试更小的批大小，或更难的目标。"
    ),
    "science.crit.refused": (
        "**无法给出 B_crit**：这些点不符合 S = S_min (1 "
        "+ B_crit / B)（典型误差 {rms:.0%}，或更大的批次明"
        "显需要更多步）。请增加重复次数，或选一个每个批大小都能达到的目标。"
    ),
    "science.crit.method.interpolated": (
        "达到目标的步数在验证评估之间线性插值（每次运行约 {evals} 次评估），不会卡在轮次末尾。"
    ),
    "science.crit.method.epochs": (
        "达到目标的步数在轮次末尾读取（这次扫描没有保存更细的评估）：每个批大小最多差一个轮次。"
    ),
    "science.crit.method.steps": "达到目标的步数取自每一步平滑后的损失。",
    "science.crit.method.none": "没有批大小达到目标。",
    "science.throughput.intro": (
        "fused 引擎在 2 的各次幂批大小下的稳定每秒样本数：每个大小计时 "
        "3 次（线为中位数，竖线为范围），不含编译时间；训练步跨越轮次边界连续运"
        "行，小数据集也不会只测到调用开销。"
    ),
    "science.throughput.saturates": (
        "B = {b} 已达到最佳中位吞吐量的 {share:.0%}（B = "
        "{best_b} 时 {best:,.0f} 样本/秒）：在本设备上更大"
        "的批次几乎不再提速。取 {repeats} 次计时的中位数。"
    ),
    "science.throughput.rising": (
        "到计时的最大批大小时吞吐量仍在上升（最佳为 B = {best_b} 时"
        " {best:,.0f} 样本/秒；从 B = {b} 起达到它的 {s"
        "hare:.0%}）：在这个范围内设备还没有饱和。取 {repeats}"
        " 次计时的中位数。"
    ),
    "science.throughput.none": "没有可计时的批大小。",
    "science.col.batch_size": "批大小",
    "science.col.predicted_steps": "预测步数",
    "science.col.predicted_samples": "预测样本数",
    "science.col.samples_per_second": "样本/秒（中位数）",
    "science.col.predicted_seconds": "预测秒数",
    "science.myths": "误区与事实",
    "science.myths.body": (
        "- **Keras 的默认批大小是 32**，不是某篇流传很广的教程所说的 200："
        "`fit(batch_size=None)` 使用 32"
        "（Keras 源码，`trainer.fit`）。\n"
        "- **`compile()` 不接受批大小**；它是 `fit()` / `evaluate()`、"
        "`tf.data.Dataset.batch()` 或 PyTorch `DataLoader` 的参数。\n"
        "- **`validation_split` 取的是最后的样本，且在打乱之前**"
        "（Keras `train_validation_split`）。\n"
        "- **带预热的线性缩放规则**：批大小增大到 k 倍时，学习率也乘以 k，并在最初几个轮次内"
        "逐步预热（Goyal et al. 2017, *Accurate, Large Minibatch SGD*）。"
        "该规则是在带动量的 SGD 加预热下得出的；用 Adam 时通常从平方根规则"
        "（Malladi et al. 2022）开始。\n"
        "- **小批次往往泛化得更好**：2–32 常常效果最佳（Masters & Luschi 2018, "
        "*Revisiting Small Batch Training*）；大批次可能收敛到尖锐的极小值（Keskar et al. "
        "2016）。Hoffer et al. 2017（*Train longer, generalize better*）认为差距来自更新次数，"
        "而不是批大小本身：大批次的更新次数太少。让大批次与小批次做同样多的更新（他们的"
        "regime adaptation），再配合按平方根缩放的学习率和 ghost batch norm，就弥补了差距；"
        "Shallue et al. 2019（*Measuring the Effects of Data Parallelism*）发现，为每个批大小"
        "调好超参数后，并没有一致的泛化差距。\n"
        "- **梯度噪声随 B 下降，全批量时为 0**：从 N 个样本中不放回抽取的小批量，梯度方差为 "
        "(tr(Σ)/B)(N − B)/(N − 1)（B ≪ N 时约为 tr(Σ)/B），因此其标准差约按 1/√B 下降。"
        "McCandlish et al. 2018 用的是 tr(Σ)/B（有放回抽样）；因子 (N − B)/(N − 1) "
        "是不放回抽样的标准有限总体修正。"
    ),
    # runs page
    "runs.title": "运行记录：每次训练都会保存",
    "runs.empty": "还没有运行记录：在“训练”页训练一次，或使用 `python -m core train`。",
    "runs.select": "打开运行（选择一个，或选择多个叠加显示）",
    "runs.delete": "删除所选运行",
    "runs.deleted": "已删除 {count} 次运行。",
    "runs.export_csv": "导出训练步（CSV）",
    "runs.export_json": "导出运行（JSON）",
    "runs.export_tensorboard": "导出 TensorBoard 日志（zip）",
    "runs.export_tensorboard.help": (
        "解压后运行：pip install tensorboard（本应用不安装它），再运行 "
        "tensorboard --logdir batchlab_logs。轮次按应用的计数记录，从 0 开始。"
    ),
    "runs.keras_script": "复现此次运行的独立 Keras 脚本",
    "runs.keras_script.download": "下载脚本及其数据（.zip）",
    "runs.cli": "在命令行中复现",
    "runs.sweeps": "扫描实验",
    "runs.open_sweep": "在“对比”页打开",
    "runs.store": "运行记录库：`{path}`（设置 BATCHLAB_DB 可使用其他文件）",
    "runs.steps": "步数",
    "runs.test_loss": "测试损失",
    "runs.test_accuracy": "测试准确率",
    "status.starting": "启动中",
    "status.running": "运行中",
    "status.completed": "已完成",
    "status.stopped": "已停止",
    "status.diverged": "已发散",
    "status.interrupted": "已中断",
    "status.failed": "失败",
    # chart titles, axes and legend labels
    "chart.global_step": "迭代（全局步数）",
    "chart.epoch": "轮次",
    "chart.batch": "批次",
    "chart.sample_index": "训练样本索引",
    "chart.samples": "样本数",
    "chart.step_loss": "训练损失（每步）",
    "chart.split": "数据划分",
    "chart.samples_in_batch": "批次中的样本数",
    "chart.class": "类别",
    "chart.batch_size": "批大小",
    "chart.step": "步",
    "chart.b_simple": "B_simple（梯度噪声尺度）",
    "chart.samples_to_target": "达到目标所需样本数 (E)",
    "chart.steps_to_target": "达到目标所需步数 (S)",
    "chart.samples_per_second": "每秒样本数",
    "chart.iteration_in_epoch": "第 {epoch} 轮中的批次",
    "chart.global_step_in_epoch": "第 {epoch} 轮中的迭代（全局步数）",
    "chart.train_loss_smoothed": "训练损失（平滑）",
    "chart.train_loss": "训练损失",
    "chart.axis.step": "步数",
    "chart.axis.samples_seen": "已处理样本数",
    "chart.axis.seconds": "秒",
    "chart.axis.epoch": "轮次",
    "chart.axis.run": "运行",
    "chart.metric.loss": "损失",
    "chart.metric.accuracy": "准确率",
    "target.train_loss": "训练损失",
    "target.val_loss": "验证损失",
    "target.val_accuracy": "验证准确率",
    "reading.none": "还没有完成的运行。",
    "reading.lowest": "最终训练损失最低：B={b}（{loss}）。",
    "reading.unreached": "没有任何批大小达到 {metric} {target}。",
    "reading.time.win": (
        "在这台设备上，B={b} 用最短的实际时间达到 {metric} {ta"
        "rget}（{v} 秒）：它的 {repeats} 次重复都快于 B={"
        "b2}（{v2} 秒）。"
    ),
    "reading.time.close": (
        "达到 {metric} {target} 的实际时间：B={b}（{v}"
        " 秒）与 B={b2}（{v2} 秒）难分高下：它们的 {repeats"
        "} 次重复结果有重叠。"
    ),
    "reading.time.single": (
        "达到 {metric} {target} 的实际时间：B={b} 最快（"
        "{v} 秒，B={b2} 为 {v2} 秒），但在共享机器上每个只跑一次"
        "无法判定：请至少重复 2 次。"
    ),
    "reading.time.only": ("只有 B={b} 达到了 {metric} {target}（{v} 秒）。"),
    "reading.steps.win": (
        "B={b} 需要的迭代次数最少（{v}；B={b2}：{v2}，{repeats} 次重复的范围互不重叠）。"
    ),
    "reading.steps.win1": ("B={b} 需要的迭代次数最少（{v}；B={b2}：{v2}；各只跑一次）。"),
    "reading.steps.close": ("B={b} 与 B={b2} 需要的迭代次数相近（{v} 与 {v2}）：难分高下。"),
    "reading.steps.only": ("用了 {v} 步。"),
    "reading.epochs.win": ("B={b} 需要的轮次最少（{v}；B={b2}：{v2}）。"),
    "reading.epochs.win1": ("B={b} 需要的轮次最少（{v}；B={b2}：{v2}；各只跑一次）。"),
    "reading.epochs.close": ("B={b} 与 B={b2} 需要的轮次相近（{v} 与 {v2}）：难分高下。"),
    "reading.epochs.only": ("用了 {v} 个轮次。"),
    "noise.unknown": "无法估计噪声尺度（梯度信号太弱）。",
    "noise.below": (
        "B = {b} 远小于 B_noise ≈ {b_noise}：每一步都很嘈杂，增大批大小几乎能按比例减少迭代次数"
        "（并行能力没用上）。"
    ),
    "noise.above": (
        "B = {b} 远大于 B_noise ≈ {b_noise}：每步多用的样本几乎不再减少所需迭代次数，"
        "多出的计算大多被浪费。"
    ),
    "noise.close": "B = {b} 接近 B_noise ≈ {b_noise}：迭代次数与样本数之间的良好折中。",
    "run.diverged": (
        "在第 {step} 步损失变成了无穷大或 NaN：请调低学习率（当前为 {lr}）或增大批大小。"
    ),
    "run.interrupted": "运行它的进程在结束前就停止了；到那时为止的迭代都已保存。",
    "chart.axis.final_val_loss": "最终验证损失",
    "chart.axis.final_val_accuracy": "最终验证准确率",
    "chart.axis.final_train_loss": "最终训练损失",
    "chart.axis.steps_to_target": "达到目标所需步数",
    "chart.axis.seconds_to_target": "达到目标所需秒数",
    "chart.full_batch": "完整批次",
    "chart.partial_batch": "不完整批次",
    "chart.train": "训练集",
    "chart.validation": "验证集",
    "chart.test": "测试集",
    "chart.perfect_scaling": "理想缩放",
    "chart.your_b": "你的 B = {b}",
    # table columns (English headers are the data names; here they are translated)
    "col.run_id": "运行 ID",
    "col.created": "创建时间",
    "col.status": "状态",
    "col.dataset": "数据集",
    "col.model": "模型",
    "col.n": "样本数 N",
    "col.batch_size": "批大小",
    "col.epochs": "轮次数",
    "col.optimizer": "优化器",
    "col.lr": "学习率",
    "col.steps": "步数",
    "col.test_loss": "测试损失",
    "col.test_accuracy": "测试准确率",
    "col.steps_per_second": "步/秒",
    "col.sweep_id": "扫描实验 ID",
    "col.iteration": "迭代（全局步）",
    "col.step": "全局步",
    "col.size": "大小",
    "col.indices": "样本索引",
    "col.epoch": "轮次",
    "col.seed": "随机种子",
    "col.epochs_run": "已训练轮次",
    "col.seconds": "耗时（秒）",
    "col.final_train_loss": "最终训练损失",
    "col.final_val_loss": "最终验证损失",
    "col.final_val_accuracy": "最终验证准确率",
    "col.samples_per_second": "样本/秒",
    "col.steps_to_target": "达标所需步数",
    "col.samples_to_target": "达标所需样本数",
    "col.seconds_to_target": "达标所需秒数",
    "col.epochs_to_target": "达标所需轮次",
    "col.predicted_steps": "预测步数",
    "col.predicted_samples": "预测样本数",
    "col.predicted_seconds": "预测秒数",
    "schedule.replicas": "副本数",
    "schedule.replicas.help": (
        "模型的数据并行副本（GPU 或 CPU 设备）。每个大小为 B 的全局批次会被分到各个副本上"
        "；每轮的迭代次数不变。"
    ),
    "schedule.replicas.title": "{replicas} 个副本 × 每步 {per} 个样本",
    "schedule.replicas.note": (
        "全局批次 B = {batch_size} 被分成 {replicas} 份"
        "，每份 {per} 个样本：每个副本在自己那一份上计算梯度，梯度取平均后执行"
        "一次优化器更新。学习率应按全局批大小而不是单个副本的批大小来设置。"
    ),
    "col.replica": "副本",
    "train.more": "数据并行",
    "train.replicas.help": (
        "用 tf.distribute.MirroredStrategy（JAX 后端上为 Keras 的 DataParallel）把每个全局"
        "批次分到这么多副本上（GPU 或逻辑 CPU 设备）。使用多副本时，训练在该"
        "策略下调用原生 fit。"
    ),
    "compare.executor": "扫描实验运行于",
    "compare.executor.help": (
        "local：在一个工作进程中逐个运行。ray：每次运行都是一个 Ray 任务（这里启动本地 Ray；"
        "在命令行中可用 --ray-address 连接已有集群）。只有 local 模式可以在两次运行之间停止。"
    ),
    "runs.delete.confirm": "删除这 {count} 次运行及其全部训练步记录？此操作无法撤销。",
    "runs.delete.yes": "确认删除",
}


# Core's InputError messages, keyed by their English template (core.errors). Fields in braces,
# backticked argument names and CLI flags stay as in English.
ZH_ERRORS: dict[str, str] = {
    # measurements (noise scale, critical batch, engine options)
    "need 0 < b_small < b_big ≤ n, got {b_small}, {b_big} and n = {n}.": (
        "需要 0 < b_small < b_big ≤ n，实际为 {b_small}、{b_big}，n = {n}。"
    ),
    "`micro` must be at least 2, got {micro}.": "`micro` 至少为 2，实际为 {micro}。",
    "`--points`: batch size and steps must be positive numbers, got {part!r}.": (
        "`--points`：批大小和步数都必须是正数，实际为 {part!r}。"
    ),
    "`--points` takes B:S pairs like 8:1200,32:400,128:180, got {part!r}.": (
        "`--points` 接受 B:S 形式的数对，例如 8:1200,32:400,128:180，实际为 {part!r}。"
    ),
    "`eval_every` must be 0 (never) or a number of steps, got {eval_every}.": (
        "`eval_every` 必须是 0（从不）或步数，实际为 {eval_every}。"
    ),
    "`micro` must be at least 1, got {micro}.": "`micro` 至少为 1，实际为 {micro}。",
    "`chunk_steps` must be at least 1, got {chunk_steps}.": (
        "`chunk_steps` 至少为 1，实际为 {chunk_steps}。"
    ),
    "`warmup_epochs` must be between 0 and {cap}, got {warmup_epochs}.": (
        "`warmup_epochs` 必须在 0 到 {cap} 之间，实际为 {warmup_epochs}。"
    ),
    "the loss became infinite or NaN at step {step}: lower the learning rate (now {lr}) or "
    "raise the batch size.": (
        "第 {step} 步损失变成无穷大或 NaN：请降低学习率（当前 {lr}）或增大批大小。"
    ),
    "`batch_size` must be a multiple of {micro} to split it into {micro} micro-batches, got "
    "{batch_size}.": (
        "`batch_size` 必须是 {micro} 的倍数才能分成 {micro} 个微批次，实际为 {batch_size}。"
    ),
    # schedule
    "`batch_size`={batch_size} does not split evenly over {replicas} replicas: use a multiple "
    "of {replicas}, e.g. {options}.": (
        "`batch_size`={batch_size} 无法平均分到 {replicas} 个副本上：请用 {replicas} 的倍数，"
        "例如 {options}。"
    ),
    "`shuffle` must be one of {choices}, got {shuffle!r}.": (
        "`shuffle` 必须是 {choices} 之一，收到的是 {shuffle!r}。"
    ),
    "`{name}` must be at most {maximum:,}, got {value:,}: lower it to {maximum:,} or less.": (
        "`{name}` 不能超过 {maximum:,}，收到的是 {value:,}：请调到 {maximum:,} 或以下。"
    ),
    "`validation_split` must be a number between 0 and {high}, got {v!r}.": (
        "`validation_split` 必须是 0 到 {high} 之间的数，收到的是 {v!r}。"
    ),
    "`validation_split` must be between 0 and {high}, got {v}.": (
        "`validation_split` 必须在 0 到 {high} 之间，收到的是 {v}。"
    ),
    "`validation_split`={v} leaves 0 training samples out of n={n}: lower the split or raise "
    "n.": "`validation_split`={v} 使 n={n} 个样本中没有训练样本：请调低比例或增大 n。",
    "`validation_split`={v} leaves 0 validation samples out of n={n}: raise the split or n, or "
    "set it to 0.": (
        "`validation_split`={v} 使 n={n} 个样本中没有验证样本：请调高比例或增大 n，或设为 0。"
    ),
    "`batch_size`={batch_size} is larger than the {train} training samples, so drop_remainder "
    "leaves no step at all: lower batch_size or turn drop_remainder off.": (
        "`batch_size`={batch_size} 大于 {train} 个训练样本，drop_remainder 会让一次迭代都不剩："
        "请调小 batch_size，或关闭 drop_remainder。"
    ),
    "`{name}` must be a whole number, got {value!r}.": "`{name}` 必须是整数，收到的是 {value!r}。",
    "`{name}` must be between {low} and {high}, got {value}.": (
        "`{name}` 必须在 {low} 到 {high} 之间，收到的是 {value}。"
    ),
    "`noise` must be a number in [0, 1e6), got {noise!r}.": (
        "`noise`（噪声）必须是 [0, 1e6) 之间的数，收到的是 {noise!r}。"
    ),
    "`{name}` must be at least {minimum}, got {value}.": (
        "`{name}` 至少为 {minimum}，收到的是 {value}。"
    ),
    "`epoch` must be in [0, {last}], got {epoch}.": (
        "`epoch` 必须在 [0, {last}] 之间，收到的是 {epoch}。"
    ),
    "listing batches needs n ≤ {cap:,} training samples, got {train_samples:,}: lower n to list "
    "them.": "列出每个批次需要训练样本数 ≤ {cap:,}，当前为 {train_samples:,}：请调小 n 后再列出。",
    # datasets
    "`n` must be a whole number of at least 1, got {n!r}.": (
        "`n` 必须是不小于 1 的整数，收到的是 {n!r}。"
    ),
    "`n`={n} is more than the {available:,} samples `{name}` keeps for training: 20% of its "
    "{total:,} rows ({held_out:,}) are held out as the test set. Use n ≤ {available:,}, or 0 for "
    "all (in the CLI: no --n).": (
        "`n`={n} 超过了 `{name}` 用于训练的 {available:,} 个样本：其 {total:,} 行中的 20%"
        "（{held_out:,} 行）留作测试集。请使用 n ≤ {available:,}，"
        "或填 0 使用全部（命令行中：不加 --n）。"
    ),
    "`n`={n} is more than the {available:,} samples `{name}` has: use n ≤ {available:,}, or 0 "
    "for all (in the CLI: no --n).": (
        "`n`={n} 超过了 `{name}` 的 {available:,} 个样本：请使用 n ≤ {available:,}，"
        "或填 0 使用全部（命令行中：不加 --n）。"
    ),
    "`n` must be at most 5,000,000 for generated data, got {n}.": (
        "生成的数据 `n` 最多为 5,000,000，收到的是 {n}。"
    ),
    "MNIST is not on this computer and could not be downloaded ({error}). MNIST needs a "
    "one-time download (11 MB) from the internet into the Keras cache, "
    "~/.keras/datasets/mnist.npz; copy that file there from a computer that has it, or pick the "
    "`digits` dataset instead: 8×8 digit images that ship with scikit-learn and need no "
    "download.": (
        "这台电脑上没有 MNIST，也无法下载（{error}）。MNIST 需要从互联网一次性下载（11 MB）到 "
        "Keras 缓存 ~/.keras/datasets/mnist.npz；可以从已有该文件的电脑复制过来，或改选 `digits` "
        "数据集：scikit-learn 自带的 8×8 手写数字图像，无需下载。"
    ),
    "the CSV is {mb:.1f} MB; the cap is {cap_mb} MB: upload a smaller file (fewer rows or "
    "columns).": "CSV 文件为 {mb:.1f} MB，上限为 {cap_mb} MB：请上传更小的文件（更少的行或列）。",
    "the CSV is empty: upload a CSV with a header row and data rows.": (
        "CSV 文件是空的：请上传包含表头行和数据行的 CSV。"
    ),
    "the CSV is not UTF-8 text: save it as UTF-8 CSV and upload it again.": (
        "CSV 文件不是 UTF-8 文本：请另存为 UTF-8 编码的 CSV 后重新上传。"
    ),
    "the CSV could not be parsed ({first}): check that every row has the same number of "
    "comma-separated fields.": "无法解析 CSV（{first}）：请检查每一行的逗号分隔字段数是否相同。",
    "the CSV has one column, {name!r}: its fields look separated by {delimiter!r}, not commas. "
    "Save it with comma as the delimiter.": (
        "CSV 只有一列 {name!r}：字段看起来是用 {delimiter!r} 而不是逗号分隔的。请以逗号作为分隔"
        "符重新保存。"
    ),
    "the CSV has a header but no data rows: add rows.": "CSV 只有表头，没有数据行：请添加数据行。",
    "the CSV has more than {cap:,} rows, the cap: keep at most {cap:,} rows.": (
        "CSV 超过了 {cap:,} 行的上限：最多保留 {cap:,} 行。"
    ),
    "label column {label!r} is not in the CSV; its one column is {cols} (is the delimiter a "
    "comma?).": "CSV 中没有标签列 {label!r}；它只有一列 {cols}（分隔符是逗号吗？）。",
    "label column {label!r} is not in the CSV; its columns are: {cols}.": (
        "CSV 中没有标签列 {label!r}；现有的列为：{cols}。"
    ),
    "the CSV has no usable feature columns besides {label!r}: features must be numbers, or text "
    "with at most {cap} distinct values (dropped: {columns}).": (
        "除 {label!r} 外，CSV 没有可用的特征列：特征必须是数字，或不同取值不超过 {cap} 个的文本"
        "（已去掉：{columns}）。"
    ),
    "label column {label!r} holds text ({examples}): regression needs numbers; choose "
    "classification or auto.": (
        "标签列 {label!r} 是文本（{examples}）：回归需要数字；请选择分类 (classification) 或 auto。"
    ),
    "the CSV has fewer than 2 usable rows after dropping bad values.": (
        "去掉无效值后，CSV 可用的行少于 2 行。"
    ),
    "`task` must be auto, classification or regression, got {task!r}.": (
        "`task` 必须是 auto、classification 或 regression，收到的是 {task!r}。"
    ),
    "label column {label!r} holds one class only ({value}): a classifier needs at least 2 "
    "classes.": "标签列 {label!r} 只有一个类别（{value}）：分类器至少需要 2 个类别。",
    "label column {label!r} has {count} distinct values: too many classes (at most {cap}); "
    "choose regression for numbers, or another label column.": (
        "标签列 {label!r} 有 {count} 个不同的值：类别太多（最多 {cap} 个）；数值标签请选择回归 "
        "(regression)，或换一个标签列。"
    ),
    "the file is {mb:.1f} MB; the cap is {cap_mb} MB: upload a smaller file.": (
        "文件为 {mb:.1f} MB，上限为 {cap_mb} MB：请上传更小的文件。"
    ),
    "the file is not UTF-8 text: save it as UTF-8 CSV.": (
        "文件不是 UTF-8 文本：请另存为 UTF-8 编码的 CSV。"
    ),
    "the file is empty: upload a CSV with a header row and data rows.": (
        "文件是空的：请上传包含表头行和数据行的 CSV。"
    ),
    "Random labels: nothing here generalises. The loss starts near ln 10 = {ln10:.3f} "
    "(chance); train long enough and the model memorises the training samples: training loss "
    "falls towards 0 while validation and test loss rise and their accuracy stays near 10% "
    "(chance). That gap is overfitting in its purest form; set a validation split to watch it.": (
        "标签是随机的：这里没有任何可以泛化的规律。损失起初在 ln 10 = {ln10:.3f} 附近（相当于"
        "瞎猜）；训练足够久，模型就会把训练样本背下来：训练损失降向 0，而验证和测试损失上升，"
        "准确率仍在 10% 左右（瞎猜的水平）。这个差距就是最纯粹的过拟合；设置验证集比例即可看到它。"
    ),
    "one-hot encoded text columns (one 0/1 column per value): {columns}": (
        "已对文本列做独热编码（每个取值一列 0/1）：{columns}"
    ),
    "dropped text columns with more than {cap} distinct values: {columns}": (
        "已去掉不同取值超过 {cap} 个的文本列：{columns}"
    ),
    "label {label!r} encoded as {count} classes: {mapping}": (
        "标签 {label!r} 编码为 {count} 个类别：{mapping}"
    ),
    "dropped 1 row with a missing, non-numeric or infinite value": (
        "已去掉 1 行含缺失、非数值或无穷大值的数据"
    ),
    "dropped {rows} rows with missing, non-numeric or infinite values": (
        "已去掉 {rows} 行含缺失、非数值或无穷大值的数据"
    ),
    "the file's header could not be read ({exc}).": "无法读取文件的表头（{exc}）。",
    "the csv dataset needs a file and a label column (--csv PATH --label COL).": (
        "csv 数据集需要一个文件和一个标签列（--csv PATH --label COL）。"
    ),
    # models
    "the cnn model needs image data, and `{dataset}` is not images: use mlp, or the digits or "
    "mnist dataset.": (
        "cnn 模型需要图像数据，而 `{dataset}` 不是图像：请改用 mlp，或使用 digits / mnist 数据集。"
    ),
    "the linear model is for regression, and `{dataset}` is classification: use mlp.": (
        "linear 模型用于回归，而 `{dataset}` 是分类任务：请改用 mlp。"
    ),
    "`{dataset}` is a regression task: use the linear model (mlp and cnn classify).": (
        "`{dataset}` 是回归任务：请使用 linear 模型（mlp 和 cnn 用于分类）。"
    ),
    # engine
    "`lr` must be a positive number, got {lr!r}.": "`lr`（学习率）必须是正数，收到的是 {lr!r}。",
    "`lr` must be greater than 0, got {lr}: try 0.001 for adam, 0.01 for sgd.": (
        "`lr`（学习率）必须大于 0，收到的是 {lr}：adam 可试 0.001，sgd 可试 0.01。"
    ),
    "`epochs` must be at most {cap:,}, got {epochs:,}.": (
        "`epochs` 最多为 {cap:,}，收到的是 {epochs:,}。"
    ),
    "`max_steps` must be at least 1, got {max_steps}.": (
        "`max_steps` 至少为 1，收到的是 {max_steps}。"
    ),
    "`max_seconds` must be greater than 0, got {max_seconds}.": (
        "`max_seconds` 必须大于 0，收到的是 {max_seconds}。"
    ),
    "TensorFlow already started with fewer than {replicas} CPU devices: run replicas in a fresh "
    "process (the CLI and the Train page do).": (
        "TensorFlow 已以少于 {replicas} 个 CPU 设备启动：请在新进程中运行多副本训练"
        "（命令行和训练页面都会这样做）。"
    ),
    "only {count} devices for {replicas} replicas: start a fresh process (the CLI does), or "
    "lower the replicas.": (
        "只有 {count} 个设备，不够 {replicas} 个副本：请启动一个新进程（命令行会这样做），或减少"
        "副本数。"
    ),
    "the fused engine supports the tensorflow and jax backends, not {backend!r}: set "
    "KERAS_BACKEND or use --engine keras-fit.": (
        "融合引擎支持 tensorflow 和 jax 后端，不支持 {backend!r}：请设置 KERAS_BACKEND，"
        "或使用 --engine keras-fit。"
    ),
    # sweeps
    "the list of batch sizes is empty: give at least one, e.g. 8,32,128.": (
        "批大小列表为空：请至少给出一个，例如 8,32,128。"
    ),
    "batch size {p!r} is not a whole number: use e.g. 8,32,128 (or 'full').": (
        "批大小 {p!r} 不是整数：请使用如 8,32,128 的写法（或 'full' 表示全批量）。"
    ),
    "batch sizes must be at least 1, got {batch_sizes}.": (
        "批大小至少为 1，收到的是 {batch_sizes}。"
    ),
    "`repeats` must be a whole number of at least 1, got {repeats!r}.": (
        "`repeats`（重复次数）必须是不小于 1 的整数，收到的是 {repeats!r}。"
    ),
    "`base_batch_size` must be at least 1, got {base_batch_size}.": (
        "`base_batch_size`（基准批大小）至少为 1，收到的是 {base_batch_size}。"
    ),
    "the {budget} budget must be greater than 0, got {v!r}.": (
        "{budget} 预算必须大于 0，收到的是 {v!r}。"
    ),
    "the {budget} budget must be a whole number, got {v}.": (
        "{budget} 预算必须是整数，收到的是 {v}。"
    ),
    "{sizes} batch sizes × {repeats} repeats is more than {cap} runs: use fewer.": (
        "{sizes} 个批大小 × {repeats} 次重复超过了 {cap} 次运行：请减少。"
    ),
    # science
    "`batch_size` must be a multiple of {micro} and at least {least} to split it into {micro} "
    "micro-batches, got {batch_size}.": (
        "要拆成 {micro} 个微批次，`batch_size` 必须是 {micro} 的倍数且至少为 {least}，"
        "收到的是 {batch_size}。"
    ),
    "fitting the critical batch size needs steps-to-target for at least 3 batch sizes (two fit "
    "any curve exactly): run a sweep with more sizes, or choose a target that more of them "
    "reach.": (
        "拟合临界批大小需要至少 3 个批大小的“达到目标所需步数”（两个点总能被某条曲线精确拟合）："
        "请用更多批大小做一次扫描，或选择更多批大小能达到的目标。"
    ),
    # demo mode
    "this demo trains on at most {max_n:,} samples, got {n:,}: lower N (or run Batch Lab "
    "locally).": (
        "此演示最多用 {max_n:,} 个样本训练，当前为 {n:,}：请调小 N（或在本地运行 Batch Lab）。"
    ),
    "this demo runs at most {max_epochs} epochs, got {epochs}: lower the epochs (or run Batch "
    "Lab locally).": (
        "此演示最多运行 {max_epochs} 个轮次，当前为 {epochs}：请减少轮次（或在本地运行 Batch La"
        "b）。"
    ),
    "this demo runs at most {max_steps:,} steps, got {total_steps:,}: raise the batch size or "
    "lower N or the epochs.": (
        "此演示最多运行 {max_steps:,} 次迭代，当前为 {total_steps:,}：请增大批大小，或调小 N 或"
        "轮次。"
    ),
    "this demo runs at most {max_sweep_runs} runs per sweep, got {runs}: use fewer batch sizes "
    "or repeats.": (
        "此演示每次对比最多 {max_sweep_runs} 次运行，当前为 {runs}：请减少批大小或重复次数。"
    ),
    "this demo takes CSV files up to {cap_mb} MB, got {mb:.1f} MB: upload a smaller file.": (
        "此演示接受的 CSV 文件最大为 {cap_mb} MB，当前为 {mb:.1f} MB：请上传更小的文件。"
    ),
    "this demo runs at most 30 seconds per run: lower T.": "此演示每次运行最多 30 秒：请调小 T。",
    "this demo runs at most {max_steps:,} steps per run: lower the budget.": (
        "此演示每次运行最多 {max_steps:,} 次迭代：请降低预算。"
    ),
    "this demo runs at most {max_epochs} epochs: lower E.": (
        "此演示最多运行 {max_epochs} 个轮次：请调小 E。"
    ),
    "all {slots} training slots of this shared demo are busy: press Start again in a minute, "
    "when a run has finished.": (
        "此共享演示的 {slots} 个训练名额都在使用中：请过一分钟、有运行结束后再点“开始训练”。"
    ),
    # run store
    "the run store {path} cannot be used ({error}): set BATCHLAB_DB to a writable file path, "
    "or move the damaged file aside.": (
        "无法使用运行记录库 {path}（{error}）：请把 BATCHLAB_DB 设为可写的文件路径，"
        "或把损坏的文件移走。"
    ),
    "could not write to the run store {path}: {error}. Set BATCHLAB_DB to a writable file (the "
    "runs already stored are untouched).": (
        "无法写入运行记录库 {path}：{error}。请把 BATCHLAB_DB 设为可写的文件（已保存的运行不受影"
        "响）。"
    ),
    "unknown {what} {value!r}: choose one of {choices}.": (
        "未知的 {what}：{value!r}，请从 {choices} 中选择。"
    ),
    # links
    "{name}={value!r} is not true or false": "{name}={value!r} 不是 true 或 false",
    "{name}={value!r} is not one of {choices}": "{name}={value!r} 不在 {choices} 之中",
    "{name}={value!r} is not a whole number": "{name}={value!r} 不是整数",
    "{name}={value!r} is not a number": "{name}={value!r} 不是数字",
    "{name}={value!r} is not a finite number": "{name}={value!r} 不是有限的数",
    "{name}={value!r} is below {low:g}": "{name}={value!r} 小于 {low:g}",
    "{name}={value!r} is above {high:g}": "{name}={value!r} 大于 {high:g}",
    # gradient accumulation (issue 17)
    "`accumulation`={accumulation} is more than the {total} iterations of this schedule, so "
    "the optimizer would never update the weights: lower accumulation to {total} or less, or "
    "raise epochs.": (
        "`accumulation`={accumulation} 大于本计划的 {total} 次迭代，优化器永远不会更新权重："
        "请把 accumulation 降到 {total} 或以下，或增加轮次。"
    ),
    "the gradient noise scale measures each batch's own gradient, so it cannot run with "
    "`accumulation`={accumulation}: set accumulation to 1 to measure it.": (
        "梯度噪声尺度测量的是每个批次自己的梯度，不能与 `accumulation`={accumulation} 一起使用："
        "请把 accumulation 设为 1 再测量。"
    ),
    "`max_steps`={max_steps} is fewer than the {accumulation} batches of one update, so the "
    "weights would never change: raise max_steps to {accumulation} or more.": (
        "`max_steps`={max_steps} 少于一次更新所需的 {accumulation} 个批次，权重永远不会改变："
        "请把 max_steps 提高到 {accumulation} 或以上。"
    ),
    "accumulation {p!r} is not a whole number: use e.g. 1,4.": (
        "累积步数 {p!r} 不是整数：请使用例如 1,4。"
    ),
    "the list of accumulation values is empty: give at least one, e.g. 1,4.": (
        "累积步数列表为空：请至少给出一个，例如 1,4。"
    ),
    "B × K constant: the effective batch {size} does not split into {k} batches: use a "
    "multiple of {k}, or other K values.": (
        "保持 B × K 不变：有效批大小 {size} 无法分成 {k} 个批次："
        "请使用 {k} 的倍数，或换用其他 K 值。"
    ),
}
