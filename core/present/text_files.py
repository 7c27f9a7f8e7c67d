"""The user's own model and data files: the pages' strings (English, Chinese) and the Chinese of
the errors and notes that reading such files raises (`core.train.userfiles`, the engine).

Merged into `core.present.text`'s tables in one place. Placeholders, Markdown and code
identifiers match across languages.
"""

from __future__ import annotations

EN_FILES: dict[str, str] = {
    "files.title": "Your own model and data (optional)",
    "files.intro": (
        "Upload a Keras 3 `.keras` model and/or your data: `.npz` with `x`, `y` (and "
        "optionally `x_test`, `y_test`; else 20% is held out for test) or a `.zip` with one "
        "folder of PNG/JPEG images per class. They replace the dataset and model chosen above. "
        "Arrays are fed as given (no rescaling). The model is read in safe mode: a file that "
        "would run code (a Lambda layer, a custom object) is refused. Files stay in this "
        "session's temporary folder and are deleted with it."
    ),
    "files.model": "Model (.keras)",
    "files.model.help": (
        "Saved with `model.save('model.keras')` (Keras 3): one input, one output. Its saved "
        "weights are the starting weights of every run; the optimizer and learning rate are "
        "chosen here."
    ),
    "files.data": "Data (.npz or .zip of image folders)",
    "files.data.help": (
        "`numpy.savez('data.npz', x=x, y=y)`: x one row per sample, y class indices 0, 1, … "
        "or numbers for regression. A zip: `class_name/*.png`, resized to the model's input."
    ),
    "files.model_summary": (
        "**{name}** (`#{hash}`): {params} parameters; input ({shape}); output {units} "
        "unit(s), {activation}."
    ),
    "files.loss": "Loss",
    "files.loss.help": (
        "auto: the output decides (softmax or several units → sparse categorical "
        "cross-entropy; 1 sigmoid unit → binary cross-entropy; 1 other unit → mse)."
    ),
    "files.data_used": "Training on {name}: the dataset chosen above is not used.",
    "files.carried": (
        "Using the files you gave on another page: {names}. Upload others here to use them instead."
    ),
    "files.forget": "Use the bundled model and data instead",
    "files.col.layer": "layer",
    "files.col.type": "type",
    "files.col.input_shape": "takes",
    "files.col.output_shape": "gives",
    "files.col.settings": "settings",
}

ZH_FILES: dict[str, str] = {
    "files.title": "你自己的模型和数据（可选）",
    "files.intro": (
        "上传一个 Keras 3 的 `.keras` 模型和/或你的数据：含 `x`、`y`（可选 `x_test`、`y_test`；"
        "没有则留出 20% 作测试集）的 `.npz`，或每个类别一个 PNG/JPEG 图片文件夹的 `.zip`。它们会"
        "取代上面选的数据集和模型。数组按原样输入（不做缩放）。模型以安全模式读取：会执行代码的"
        "文件（Lambda 层、自定义对象）会被拒绝。文件只存在本会话的临时文件夹中，会话结束即删除。"
    ),
    "files.model": "模型（.keras）",
    "files.model.help": (
        "用 `model.save('model.keras')`（Keras 3）保存：一个输入、一个输出。保存的权重就是每次"
        "运行的初始权重；优化器和学习率在这里选。"
    ),
    "files.data": "数据（.npz 或图片文件夹的 .zip）",
    "files.data.help": (
        "`numpy.savez('data.npz', x=x, y=y)`：x 每行一个样本，y 为类别编号 0、1、…… 或回归的"
        "数值。zip：`class_name/*.png`，按模型的输入尺寸缩放。"
    ),
    "files.model_summary": (
        "**{name}**（`#{hash}`）：{params} 个参数；输入 ({shape})；输出 {units} 个单元，"
        "{activation}。"
    ),
    "files.loss": "损失函数",
    "files.loss.help": (
        "auto：由输出层决定（softmax 或多个单元 → 稀疏分类交叉熵；1 个 sigmoid 单元 → 二元交叉熵；"
        "其他 1 个单元 → mse）。"
    ),
    "files.data_used": "在 {name} 上训练：上面选的数据集不会使用。",
    "files.carried": "正在使用你在另一个页面给出的文件：{names}。在这里上传其他文件即可改用它们。",
    "files.forget": "改用自带的模型和数据",
    "files.col.layer": "层",
    "files.col.type": "类型",
    "files.col.input_shape": "输入形状",
    "files.col.output_shape": "输出形状",
    "files.col.settings": "设置",
}

ZH_ERRORS_FILES: dict[str, str] = {
    "`loss` is chosen for a model from a file (--model-file); the bundled models use "
    "cross-entropy (classification) or mse (regression): leave it at auto.": (
        "`loss` 只为文件中的模型（--model-file）选择；内置模型使用交叉熵（分类）或 mse（回归）："
        "请保持 auto。"
    ),
    "the model file {name!r} is not the one this run was made with (its contents changed): "
    "choose the original file, or start a new run.": (
        "模型文件 {name!r} 不是这次运行所用的那个（内容已改变）：请选择原来的文件，或开始新的运行。"
    ),
    "The fused engine could not compile this model ({reason}), so it trained with stock Keras "
    "fit (engine keras-fit), on the same batches.": (
        "fused 引擎无法编译这个模型（{reason}），因此改用标准 Keras fit（keras-fit 引擎）在相同的"
        "批次上训练。"
    ),
    "the model file changed after it was checked: choose it again.": (
        "模型文件在检查之后被改动了：请重新选择它。"
    ),
    "the model file could not be loaded safely ({reason}): save it with Keras 3's "
    "`model.save('model.keras')`, built from Keras's own layers.": (
        "无法安全地加载模型文件（{reason}）：请用 Keras 自带的层搭建模型，并用 Keras 3 的 "
        "`model.save('model.keras')` 保存。"
    ),
    "the {what} file {path!r} is empty: choose the saved file itself.": (
        "{what} 文件 {path!r} 是空的：请选择保存好的文件本身。"
    ),
    "the {what} file is {mb:,.0f} MB, over the {cap:,} MB cap: use a smaller file.": (
        "{what} 文件有 {mb:,.0f} MB，超过 {cap:,} MB 的上限：请使用更小的文件。"
    ),
    "the archive holds {count:,} files, more than {cap:,}: use fewer.": (
        "压缩包里有 {count:,} 个文件，超过 {cap:,} 个：请减少文件数。"
    ),
    "the archive would unpack to {mb:,.0f} MB (a zip bomb, or too big): the cap is {cap:,} MB "
    "unpacked; use a smaller file.": (
        "压缩包解压后会有 {mb:,.0f} MB（zip 炸弹，或太大）：解压后上限为 {cap:,} MB；"
        "请使用更小的文件。"
    ),
    "the archive names a path outside its own folder ({name!r}): it is refused.": (
        "压缩包中有指向其自身文件夹之外的路径（{name!r}）：已拒绝。"
    ),
    "{name!r} is not a {what}: {hint}": "{name!r} 不是 {what}：{hint}",
    "{name!r} is not a Keras 3 .keras file: {hint}": "{name!r} 不是 Keras 3 的 .keras 文件：{hint}",
    "the model has a `{kind}` layer, which would run Python code from the file when loaded, so "
    "it is refused: rebuild it without Lambda (a built-in layer or a Keras op does the same) "
    "and save it again.": (
        "模型含有 `{kind}` 层，加载时会运行文件里的 Python 代码，因此被拒绝：请不用 Lambda 重建"
        "模型（内置层或 Keras 运算可以做同样的事），再重新保存。"
    ),
    "the model names a function from `{module}`, which would run code from outside Keras when "
    "loaded, so it is refused: use Keras's own layers and activations.": (
        "模型引用了 `{module}` 中的函数，加载时会运行 Keras 以外的代码，因此被拒绝：请使用 Keras "
        "自带的层和激活函数。"
    ),
    "the model uses `{kind}` from `{module}`, a custom or non-Keras object whose code would run "
    "when loaded, so it is refused: use Keras's own layers.": (
        "模型使用了 `{module}` 中的 `{kind}`，这是自定义或非 Keras 对象，加载时会运行其代码，"
        "因此被拒绝：请使用 Keras 自带的层。"
    ),
    "the model uses the custom object `{name}`, whose code would run when loaded, so it is "
    "refused: use Keras's own layers.": (
        "模型使用了自定义对象 `{name}`，加载时会运行其代码，因此被拒绝：请使用 Keras 自带的层。"
    ),
    "{name!r} holds a {kind}, not a Sequential or functional model: Batch Lab trains models "
    "built from Keras layers.": (
        "{name!r} 中是 {kind}，不是 Sequential 或函数式模型：Batch Lab 训练由 Keras 层搭建的模型。"
    ),
    "{name!r} has {ins} inputs and {outs} outputs: Batch Lab trains a model with one input and "
    "one output (x → y); save a model that takes one array.": (
        "{name!r} 有 {ins} 个输入和 {outs} 个输出：Batch Lab 训练一个输入、一个输出（x → y）的"
        "模型；请保存只接收一个数组的模型。"
    ),
    "{name!r} does not say its input shape: build the model with `keras.Input(shape)` before "
    "saving it.": ("{name!r} 没有写明输入形状：保存之前请用 `keras.Input(shape)` 构建模型。"),
    "the last layer of {name!r} ({kind}) does not say how many outputs it has: end the model "
    "with a Dense layer.": (
        "{name!r} 的最后一层（{kind}）没有写明有多少个输出：请以 Dense 层结束模型。"
    ),
    "the model's weights file could not be read: save the model again.": (
        "无法读取模型的权重文件：请重新保存模型。"
    ),
    "{name!r} is not a data file Batch Lab reads: use .npz (x, y), .csv or a .zip of image "
    "folders.": (
        "{name!r} 不是 Batch Lab 能读取的数据文件：请使用 .npz（x、y）、.csv 或图片文件夹的 .zip。"
    ),
    "a CSV data file needs a label column (--label COLUMN).": (
        "CSV 数据文件需要一个标签列（--label COLUMN）。"
    ),
    "{count:,} images in {k} classes ({names}), resized to {shape}; pixels are fed as 0–255, "
    "as Keras's image_dataset_from_directory gives them (add a Rescaling(1/255) layer to your "
    "model to scale them).": (
        "{k} 个类别（{names}）共 {count:,} 张图片，缩放为 {shape}；像素以 0–255 输入，与 Keras 的 "
        "image_dataset_from_directory 相同（要缩放，请在模型中加一个 Rescaling(1/255) 层）。"
    ),
    "{name!r} holds {keys}, not `x` and `y`: save it with `numpy.savez(path, x=x, y=y)` (and "
    "x_test, y_test if you have them).": (
        "{name!r} 中是 {keys}，不是 `x` 和 `y`：请用 `numpy.savez(path, x=x, y=y)` 保存（有 "
        "x_test、y_test 的话也一并保存）。"
    ),
    "{name!r} has only one of x_test and y_test: give both or neither.": (
        "{name!r} 只有 x_test 和 y_test 中的一个：请两个都给，或都不给。"
    ),
    "{name!r} could not be read as plain arrays ({reason}): save numbers only, with "
    "`numpy.savez` (object arrays are refused: loading them would run code).": (
        "{name!r} 无法作为普通数组读取（{reason}）：请只保存数值，用 `numpy.savez`（对象数组会被"
        "拒绝：加载它们会运行代码）。"
    ),
    "`{what}` holds {dtype} values: Batch Lab needs numbers.": (
        "`{what}` 中是 {dtype} 类型的值：Batch Lab 需要数值。"
    ),
    "`{what}` has {bad:,} NaN or infinite values: remove or fill them before saving.": (
        "`{what}` 中有 {bad:,} 个 NaN 或无穷大的值：保存之前请删除或填补它们。"
    ),
    "`x` must hold one row per sample (at least 2 dimensions, samples first), got shape {shape}.": (
        "`x` 必须每个样本一行（至少 2 维，样本在第一维），收到的形状是 {shape}。"
    ),
    "`y` must hold one label or value per sample of `x` ({n:,}), got shape {shape}.": (
        "`y` 必须为 `x` 的每个样本（{n:,} 个）给出一个标签或数值，收到的形状是 {shape}。"
    ),
    "`x_test` {shape_t} and `y_test` must match `x` {shape} sample for sample.": (
        "`x_test` {shape_t} 和 `y_test` 必须与 `x` {shape} 的样本一一对应。"
    ),
    "the labels `y` must be whole numbers from 0 (class indices) for a classifier: encode each "
    "class as 0, 1, 2, …": (
        "分类模型的标签 `y` 必须是从 0 开始的整数（类别编号）：请把每个类别编码为 0、1、2、……"
    ),
    "No x_test/y_test in the file: 20% of the samples (seeded) are held out for test.": (
        "文件中没有 x_test/y_test：留出 20% 的样本（固定种子）作测试集。"
    ),
    "the file has too few samples to hold 20% out for test: give at least 2 samples, or x_test "
    "and y_test.": (
        "文件中的样本太少，无法留出 20% 作测试集：请至少给 2 个样本，或给出 x_test 和 y_test。"
    ),
    "images need a model whose input is (height, width, channels), got {shape}.": (
        "图片需要输入为（高, 宽, 通道）的模型，收到的是 {shape}。"
    ),
    "{name!r} is not a zip of image folders: {hint}": "{name!r} 不是图片文件夹的 zip：{hint}",
    "{name!r} holds one class folder ({cls}): a classifier needs at least two.": (
        "{name!r} 只有一个类别文件夹（{cls}）：分类至少需要两个。"
    ),
    "{file!r} in the zip is not a readable PNG or JPEG image (at most {cap:,} pixels).": (
        "zip 中的 {file!r} 不是可读取的 PNG 或 JPEG 图片（最多 {cap:,} 像素）。"
    ),
    "sparse categorical cross-entropy needs one output unit per class, and the model has 1: "
    "use binary_crossentropy or mse, or end the model with Dense(k).": (
        "稀疏分类交叉熵需要每个类别一个输出单元，而模型只有 1 个：请用 binary_crossentropy 或 "
        "mse，或以 Dense(k) 结束模型。"
    ),
    "binary cross-entropy needs 1 output unit, and the model has {units}: use "
    "sparse_categorical_crossentropy.": (
        "二元交叉熵需要 1 个输出单元，而模型有 {units} 个：请用 sparse_categorical_crossentropy。"
    ),
    "mse here fits one value per sample, and the model has {units} outputs: use "
    "sparse_categorical_crossentropy, or end the model with Dense(1).": (
        "这里的 mse 为每个样本拟合一个数值，而模型有 {units} 个输出：请用 "
        "sparse_categorical_crossentropy，或以 Dense(1) 结束模型。"
    ),
    "the model takes samples of shape {want}, and the data's samples have shape {have}: give "
    "data with that shape, or a model built for {have}.": (
        "模型接收形状为 {want} 的样本，而数据的样本形状是 {have}：请给出该形状的数据，或为 {have} "
        "构建的模型。"
    ),
    "the model's loss ({loss}) classifies, and the labels are not class indices: use --loss mse "
    "(and a 1-unit output) for a regression target.": (
        "模型的损失函数（{loss}）用于分类，而标签不是类别编号：回归目标请用 --loss mse"
        "（以及 1 个单元的输出）。"
    ),
    "the model's output does not fit one value per sample.": "模型的输出不是每个样本一个数值。",
    "the labels go up to {top}, and the model's output has {classes} classes (0 to {last}): give "
    "a model with at least {need} outputs, or labels below {classes}.": (
        "标签最大到 {top}，而模型的输出只有 {classes} 个类别（0 到 {last}）：请给出至少 {need} "
        "个输出的模型，或小于 {classes} 的标签。"
    ),
    "cannot read the {what} file {path!r}: {reason}.": "无法读取 {what} 文件 {path!r}：{reason}。",
    "the file {name!r} is empty: choose the saved file itself.": (
        "文件 {name!r} 是空的：请选择保存好的文件本身。"
    ),
}
