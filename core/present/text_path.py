"""The Path page's strings (English, Chinese) and its core errors in Chinese.

Merged into `core.present.text`'s tables in one place, so this page's texts never collide with
edits to the big tables. Placeholders, Markdown and code identifiers match across languages.
"""

from __future__ import annotations

EN_PATH: dict[str, str] = {
    "nav.path": "Path",
    "path.title": "Watch batch size shape the path of SGD",
    "path.intro": (
        "The tutorials' y = 2x: a line w·x + b learns 2x from N points. Each step follows the "
        "gradient of its own batch, not of all the data. Every path starts from the same "
        "weights, with the same learning rate and the same sample order; only the batch size "
        "differs."
    ),
    "path.n": "Points N",
    "path.batch_sizes": "Batch sizes",
    "path.batch_sizes.help": "Comma-separated, up to 5; 'full' for all N points, e.g. 1, 3, full.",
    "path.epochs": "Epochs E",
    "path.lr": "Learning rate (SGD)",
    "path.noise": "Noise on y (std)",
    "path.seed": "Seed",
    "path.follow": "Player follows",
    "path.zoom": "Zoom into the valley",
    "path.zoom.help": (
        "Show the landscape around the minimum and the second half of every path, where "
        "small batches zig-zag across the valley floor."
    ),
    "path.play": "Play",
    "path.pause": "Pause",
    "path.step": "Step",
    "path.reset": "Reset",
    "path.slider": "Step of the followed path",
    "path.error": "Fix this input: {message}",
    "path.training": (
        "Training the paths with Keras (the Train page's model, optimizer and batches)…"
    ),
    "path.trained": (
        "Keras trained {steps} steps in {seconds:.1f} s (TensorFlow's start-up included the "
        "first time)."
    ),
    "path.diverged": (
        "{series} diverged at step {step}: its weights left the picture. Lower the learning "
        "rate (now {lr})."
    ),
    "path.position": (
        "Step {step} of {last}, epoch {epoch}. The next batch is samples {batch}: its step "
        "(red arrow) against the full data's (black)."
    ),
    "path.position_one": (
        "Step {step} of {last}, epoch {epoch}. The next batch is sample {batch}: its step "
        "(red arrow) against the full data's (black)."
    ),
    "path.position_end": "Step {step} of {last}: the end of the path.",
    "path.metric.loss": "Training loss (MSE)",
    "path.metric.angle": "Angle, batch vs full gradient",
    "path.metric.ratio": "Length, batch / full gradient",
    "path.metric.weights": "w, b",
    "path.metric.pair": "{name}: {value}",
    "path.landscape": "The loss landscape and the paths",
    "path.data": "The data and the line",
    "path.loss": "Training loss against step",
    "path.note.title": "What you are seeing",
    "path.note": (
        "- **Gradient noise.** A batch's gradient is an estimate of the full data's. With B = 1 "
        "it comes from one point, so the red arrow can point far from the black one and the "
        "path zig-zags; the full batch's arrows coincide and its path glides.\n"
        "- **lr × batch size.** Per epoch, B = 1 takes N steps of size lr, the full batch one: "
        "small batches travel further per epoch, and a learning rate that suits the full batch "
        "can be too large for one far point (here x = {xmax:g}: steps overshoot when lr > "
        "{lr_edge:.3g}).\n"
        "- **The partial batch.** With N = 10 and B = 3 the last batch of every epoch holds one "
        "sample: its gradient is as noisy as B = 1's and it jerks the path.\n"
        "- **The valley.** The loss is steep along w and flat along b, so the paths first drop "
        "to the valley floor and then crawl along it; that crawl is what more epochs buy."
    ),
    "chart.path.w": "w (weight)",
    "chart.path.b": "b (bias)",
    "chart.path.loss": "training loss (MSE)",
    "chart.path.step": "step",
    "chart.path.series": "B = {b}",
    "chart.path.series_full": "B = {b} (full batch)",
    "chart.path.series_title": "batch size",
    "chart.path.in_batch": "in the next batch",
    "chart.path.other_points": "other points",
    "chart.path.line": "w·x + b now",
    "chart.path.best_line": "best fit",
    "chart.path.start": "start",
    "chart.path.minimum": "minimum",
    "chart.path.arrows": "one SGD step",
    "chart.path.arrow_batch": "the batch's gradient",
    "chart.path.arrow_full": "the full data's gradient",
}

ZH_PATH: dict[str, str] = {
    "nav.path": "路径",
    "path.title": "看批大小如何塑造 SGD 的路径",
    "path.intro": (
        "教程里的 y = 2x：直线 w·x + b 从 N 个点学习 2x。每一步沿着它自己那一批数据的梯度走，"
        "而不是全部数据的梯度。所有路径都从相同的权重出发，学习率相同、样本顺序相同，"
        "只有批大小不同。"
    ),
    "path.n": "点数 N",
    "path.batch_sizes": "批大小",
    "path.batch_sizes.help": "用逗号分隔，最多 5 个；'full' 表示全部 N 个点，例如 1, 3, full。",
    "path.epochs": "轮次 (epoch) E",
    "path.lr": "学习率 (SGD)",
    "path.noise": "y 上的噪声（标准差）",
    "path.seed": "随机种子",
    "path.follow": "播放器跟随",
    "path.zoom": "放大山谷",
    "path.zoom.help": ("只显示最小值附近和每条路径后半段的地形：小批量在谷底来回锯齿的地方。"),
    "path.play": "播放",
    "path.pause": "暂停",
    "path.step": "单步",
    "path.reset": "重置",
    "path.slider": "所跟随路径的迭代步",
    "path.error": "请修改输入：{message}",
    "path.training": "正在用 Keras 训练各条路径（与训练页相同的模型、优化器和批次）…",
    "path.trained": (
        "Keras 用 {seconds:.1f} 秒训练了 {steps} 步（首次包含 TensorFlow 的启动时间）。"
    ),
    "path.diverged": "{series} 在第 {step} 步发散：权重跑出了图外。请降低学习率（当前为 {lr}）。",
    "path.position": (
        "第 {step} 步，共 {last} 步，第 {epoch} 轮。下一批是样本 {batch}："
        "它的一步（红色箭头）对比全部数据的一步（黑色）。"
    ),
    "path.position_one": (
        "第 {step} 步，共 {last} 步，第 {epoch} 轮。下一批是样本 {batch}："
        "它的一步（红色箭头）对比全部数据的一步（黑色）。"
    ),
    "path.position_end": "第 {step} 步，共 {last} 步：路径的终点。",
    "path.metric.loss": "训练损失（MSE）",
    "path.metric.angle": "批梯度与全量梯度的夹角",
    "path.metric.ratio": "批梯度与全量梯度的长度比",
    "path.metric.weights": "w, b",
    "path.metric.pair": "{name}：{value}",
    "path.landscape": "损失地形与路径",
    "path.data": "数据与直线",
    "path.loss": "训练损失随迭代步的变化",
    "path.note.title": "你看到的是什么",
    "path.note": (
        "- **梯度噪声。** 一批数据的梯度只是全部数据梯度的估计。B = 1 时它只来自一个点，"
        "所以红色箭头可能偏离黑色箭头很远，路径呈锯齿状；全批量时两支箭头重合，路径平滑滑行。\n"
        "- **学习率 × 批大小。** 每一轮中，B = 1 走 N 步、每步大小为 lr，全批量只走一步："
        "小批量每轮走得更远；适合全批量的学习率，对一个远处的点可能太大"
        "（这里 x = {xmax:g}：当 lr > {lr_edge:.3g} 时会越过谷底）。\n"
        "- **不完整的最后一批。** N = 10、B = 3 时，每轮最后一批只有 1 个样本："
        "它的梯度和 B = 1 一样嘈杂，会让路径猛地一跳。\n"
        "- **山谷。** 损失沿 w 方向陡峭、沿 b 方向平缓，所以路径先落到谷底，再沿谷底慢慢爬行；"
        "更多轮次换来的正是这段爬行。"
    ),
    "chart.path.w": "w（权重）",
    "chart.path.b": "b（偏置）",
    "chart.path.loss": "训练损失 (MSE)",
    "chart.path.step": "迭代步",
    "chart.path.series": "B = {b}",
    "chart.path.series_full": "B = {b}（全批量）",
    "chart.path.series_title": "批大小",
    "chart.path.in_batch": "下一批中的点",
    "chart.path.other_points": "其他点",
    "chart.path.line": "当前的 w·x + b",
    "chart.path.best_line": "最佳拟合",
    "chart.path.start": "起点",
    "chart.path.minimum": "最小值",
    "chart.path.arrows": "一步 SGD",
    "chart.path.arrow_batch": "这一批的梯度",
    "chart.path.arrow_full": "全部数据的梯度",
}

# core.study.trajectory's InputError templates, in Chinese (see core.present.text_zh.ZH_ERRORS).
ZH_ERRORS_PATH: dict[str, str] = {
    "the path needs `dataset` linear (y = 2x: one weight and one bias to draw), got {dataset!r}.": (
        "路径需要 `dataset` 为 linear（y = 2x：可画出的一个权重和一个偏置），收到的是 {dataset!r}。"
    ),
    "the path needs `model` linear (w·x + b), got {model!r}.": (
        "路径需要 `model` 为 linear（w·x + b），收到的是 {model!r}。"
    ),
    "the path's arrows are SGD steps: `optimizer` must be sgd, got {optimizer!r}.": (
        "路径上的箭头是 SGD 的步：`optimizer` 必须是 sgd，收到的是 {optimizer!r}。"
    ),
    "give at least one batch size, e.g. 1, 3, 10.": "请至少给出一个批大小，例如 1, 3, 10。",
    "at most {cap} batch sizes fit on one landscape, got {count}: drop some.": (
        "一张地形图最多容纳 {cap} 个批大小，收到了 {count} 个：请删掉一些。"
    ),
    "B = {batch_size} takes {steps:,} steps over {epochs} epochs, and a path draws at most "
    "{cap:,}: lower the epochs or N, or raise B.": (
        "B = {batch_size} 在 {epochs} 轮中要走 {steps:,} 步，而一条路径最多画 {cap:,} 步："
        "请减少轮次或 N，或增大 B。"
    ),
}
