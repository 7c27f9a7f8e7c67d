"""The Science page's share-of-peak (roofline) strings, English and Chinese (issue 24).

Merged into `core.present.text`'s tables in one place. Placeholders match across languages.
"""

from __future__ import annotations

EN_ROOFLINE: dict[str, str] = {
    "roofline.title": "Share of this device's peak",
    "roofline.chart.share": "Share of the matmul peak",
    "roofline.chart.measured": "measured (median, bars: range)",
    "roofline.chart.roof": "memory roof (bytes it must move)",
    "roofline.chart.ridge": "ridge: B ≈ {b}",
    "roofline.chart.series": "Line",
    "roofline.fixed": (
        "At B = {b} the step's fixed cost dominates: about {fixed} of each step is time a step "
        "takes whatever its size ({ms} ms, from the step times at B = {b} and B = {big}), and it "
        "reaches {share} of the peak."
    ),
    "roofline.small": "At B = {b} a step reaches {share} of the peak.",
    "roofline.best": (
        "At B = {b} the {model} reaches {share} of the matmul peak ({achieved} of {peak} GFLOP/s)."
    ),
    "roofline.ridge": (
        "By the bytes a step must move at least, it is memory-bound below B ≈ {ridge_b}: there "
        "its arithmetic intensity is under the device's ridge of {ridge} FLOPs per byte."
    ),
    "roofline.ridge_never": (
        "By the bytes a step must move at least, it is memory-bound at every B: its arithmetic "
        "intensity reaches at most {most} FLOPs per byte (the activations alone), under the "
        "device's ridge of {ridge}."
    ),
    "roofline.above_roof": (
        "At B = {b} it runs faster than the memory roof allows, so fewer bytes than counted came "
        "from memory: its weights and optimizer state are small enough to stay in the "
        "processor's caches."
    ),
    "roofline.dtype.float32": "float32",
    "roofline.dtype.tf32": "float32 (TF32 allowed: the backend's default precision on this GPU)",
    "roofline.method": (
        "FLOPs per sample are counted from the model's layers: {flops} for one training step "
        "(2 per multiply-add; the backward pass counted per layer as about twice the forward, "
        "so ≈ 3 × the forward's {forward}). The peak was measured on this device just before: "
        "{peak} GFLOP/s for a {dtype} matrix product, {bandwidth} GB/s of memory bandwidth, "
        "ridge {ridge} FLOPs per byte ({device})."
    ),
    "roofline.unknown": "Not counted (0 FLOPs assumed): {layers}.",
    # what Start waits for (issue 24's start to first step), beside Start
    "train.wait.compiled": (
        "Ready: a worker has this model and batch size compiled, so the first step follows "
        "Start within a second."
    ),
    "train.wait.compiling": (
        "A worker is compiling this model and batch size now (a few seconds; longer on busy "
        "cores); Start trains as soon as it is done."
    ),
    "train.wait.loading": (
        "A worker is loading TensorFlow (several seconds; longer on busy cores), then compiles "
        "this model; Start waits for both."
    ),
    "train.wait.cold": (
        "Start first compiles this model and batch size: a few seconds on an idle machine, "
        "longer on busy cores."
    ),
}

ZH_ROOFLINE: dict[str, str] = {
    "roofline.title": "占本设备峰值的比例",
    "roofline.chart.share": "占矩阵乘法峰值的比例",
    "roofline.chart.measured": "实测（中位数，竖线：范围）",
    "roofline.chart.roof": "内存上限（至少要搬运的字节）",
    "roofline.chart.ridge": "脊点：B ≈ {b}",
    "roofline.chart.series": "曲线",
    "roofline.fixed": (
        "B = {b} 时每一步的固定开销占主导：每步约 {fixed} 的时间与批大小无关（{ms} 毫秒，"
        "由 B = {b} 与 B = {big} 的每步时间推出），只达到峰值的 {share}。"
    ),
    "roofline.small": "B = {b} 时每一步达到峰值的 {share}。",
    "roofline.best": (
        "B = {b} 时 {model} 达到矩阵乘法峰值的 {share}（{peak} GFLOP/s 中的 {achieved}）。"
    ),
    "roofline.ridge": (
        "按每一步至少要搬运的字节数，B ≈ {ridge_b} 以下是内存受限：那里的算术强度低于"
        "设备的脊点（每字节 {ridge} 次浮点运算）。"
    ),
    "roofline.ridge_never": (
        "按每一步至少要搬运的字节数，任何 B 都是内存受限：算术强度最多每字节 {most} 次"
        "浮点运算（仅激活值就限定了它），低于设备的脊点 {ridge}。"
    ),
    "roofline.above_roof": (
        "B = {b} 时它比内存上限允许的还快，说明从内存读写的字节少于估算：它的权重和优化器状态"
        "小到可以留在处理器缓存里。"
    ),
    "roofline.dtype.float32": "float32",
    "roofline.dtype.tf32": "float32（允许 TF32：此 GPU 上后端的默认精度）",
    "roofline.method": (
        "每个样本的浮点运算次数按模型的层计算：一次训练步 {flops} 次（每次乘加算 2 次；"
        "反向传播逐层按约为前向的两倍计，所以约为前向 {forward} 次的 3 倍）。峰值刚在本设备上"
        "测得：{dtype} 矩阵乘法 {peak} GFLOP/s，内存带宽 {bandwidth} GB/s，脊点每字节 {ridge} "
        "次浮点运算（{device}）。"
    ),
    "roofline.unknown": "未计入（按 0 次计）：{layers}。",
    "train.wait.compiled": "已就绪：工作进程已编译好这个模型和批大小，点击开始后一秒内开始第一步。",
    "train.wait.compiling": (
        "工作进程正在编译这个模型和批大小（几秒；CPU 繁忙时更久），编译完点击开始即可立即训练。"
    ),
    "train.wait.loading": (
        "工作进程正在加载 TensorFlow（几秒；CPU 繁忙时更久），之后编译这个模型；"
        "开始训练要等这两步完成。"
    ),
    "train.wait.cold": "开始训练前要先编译这个模型和批大小：空闲的机器上要几秒，CPU 繁忙时更久。",
}
