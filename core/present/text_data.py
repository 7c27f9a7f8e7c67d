"""Strings for the data's scaling, the reproducing export and the Runs page's names and groups
(English, Chinese), and their core notes in Chinese.

Merged into `core.present.text`'s tables in one place, so these texts never collide with edits
to the big tables. Placeholders, Markdown and code identifiers match across languages.
"""

from __future__ import annotations

EN_DATA: dict[str, str] = {
    "train.standardize": "Standardise features",
    "train.standardize.help": (
        "Rescale every feature column to mean 0 and standard deviation 1, with the mean and "
        "standard deviation of the training rows only (validation and test rows are not used, "
        "so nothing leaks from them). Columns in large units (incomes of 10,000s) otherwise "
        "make the loss huge and training slow. Off: the numbers are fed as they are in the file."
    ),
    "runs.keras_script.about": (
        "The zip holds this script and the arrays it reads: the run's training and validation "
        "samples (its split and label encoding), the order it fed them in each epoch, and its "
        "initial weights. Run with stock Keras `fit`, it prints the run's per-epoch losses."
    ),
    "runs.keras_script.csv": "The CSV this run trained on",
    "col.name": "name",
    "runs.search": "Search runs",
    "runs.search.help": "Part of a run's name, id, dataset, model, or its group's id or name.",
    "runs.status_filter": "Status",
    "runs.status.any": "any status",
    "runs.group_filter": "Group",
    "runs.group.any": "all runs",
    "runs.group.none": "runs in no group",
    "runs.group.kind.sweep": "Sweep",
    "runs.group.kind.advise": "Advise session",
    "runs.group.title": "{kind} · {name} · {runs} runs · {when} · {group_id}",
    "runs.group.label": "{kind} · {name} · {when} · {group_id}",
    "runs.single": "Runs in no group",
    "runs.matching": (
        "{shown} of {total} runs shown; each group is folded: open it to see its runs."
    ),
    "runs.none_match": "No run matches: clear the search or choose another status or group.",
    "runs.name": "Name of this run",
    "runs.group_name": "Name of this group",
    "runs.name.help": "Shown in the tables and the picker; leave empty for the automatic name.",
    "runs.keras_script.csv_needed": (
        "This run trained on an uploaded CSV, and the run store keeps no uploads: upload the "
        "same file to download the script with its data."
    ),
}

ZH_DATA: dict[str, str] = {
    "train.standardize": "标准化特征",
    "train.standardize.help": (
        "把每个特征列缩放到均值 0、标准差 1，所用的均值和标准差只来自训练行（不用验证行和测试行，"
        "因此不会从它们泄漏信息）。单位很大的列（如数万的收入）不缩放会让损失很大、训练很慢。"
        "关闭：按文件中的原值输入。"
    ),
    "runs.keras_script.about": (
        "压缩包里有这个脚本和它读取的数组：此次运行的训练和验证样本（它的划分和标签编码）、"
        "每个 epoch 输入样本的顺序，以及初始权重。用原版 Keras `fit` 运行，它打印出此次运行每个 "
        "epoch 的损失。"
    ),
    "runs.keras_script.csv": "此次运行训练所用的 CSV",
    "col.name": "名称",
    "runs.search": "搜索运行",
    "runs.search.help": "运行名称、ID、数据集、模型，或其分组 ID、分组名称中的一段文字。",
    "runs.status_filter": "状态",
    "runs.status.any": "任意状态",
    "runs.group_filter": "分组",
    "runs.group.any": "全部运行",
    "runs.group.none": "不属于任何分组的运行",
    "runs.group.kind.sweep": "扫描实验",
    "runs.group.kind.advise": "建议会话",
    "runs.group.title": "{kind} · {name} · {runs} 个运行 · {when} · {group_id}",
    "runs.group.label": "{kind} · {name} · {when} · {group_id}",
    "runs.single": "不属于任何分组的运行",
    "runs.matching": "显示 {shown} / {total} 个运行；每个分组默认折叠，展开即可看到其中的运行。",
    "runs.none_match": "没有匹配的运行：请清除搜索，或选择其他状态或分组。",
    "runs.name": "此次运行的名称",
    "runs.group_name": "这一组的名称",
    "runs.name.help": "显示在表格和选择框中；留空则使用自动生成的名称。",
    "runs.keras_script.csv_needed": (
        "此次运行用的是上传的 CSV，运行记录库不保存上传的文件：请再次上传同一个文件，"
        "才能下载带数据的脚本。"
    ),
}

ZH_ERRORS_DATA: dict[str, str] = {
    "a name may have at most {cap} characters, got {count}: shorten it.": (
        "名称最多 {cap} 个字符，收到的有 {count} 个：请缩短。"
    ),
    "this run trained on an uploaded CSV, which the run store does not keep: upload the same "
    "file to export the script with its data.": (
        "此次运行用的是上传的 CSV，运行记录库不保存它：请上传同一个文件，以导出带数据的脚本。"
    ),
    "this run fed {count:,} samples; the export saves their order and stops at {cap:,}: "
    "export a run with fewer epochs or samples.": (
        "此次运行共输入 {count:,} 个样本；导出会保存它们的顺序，上限为 {cap:,}："
        "请导出 epoch 或样本更少的运行。"
    ),
    "features standardised to mean 0 and standard deviation 1 with the statistics of the "
    "{rows:,} training rows only (validation and test rows not used)": (
        "特征已标准化为均值 0、标准差 1，统计量只来自 {rows:,} 个训练行（未使用验证行和测试行）"
    ),
    "features fed as given (not standardised): values reach {high}; inputs this large "
    "make the loss large and training slow. Standardise them (the default) unless their scale "
    "is the point.": (
        "特征按原值输入（未标准化）：数值高达 {high}；这么大的输入会让损失很大、训练很慢。"
        "除非要看的正是它们的尺度，否则请标准化（默认）。"
    ),
}
