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
}

ZH_DATA: dict[str, str] = {
    "train.standardize": "标准化特征",
    "train.standardize.help": (
        "把每个特征列缩放到均值 0、标准差 1，所用的均值和标准差只来自训练行（不用验证行和测试行，"
        "因此不会从它们泄漏信息）。单位很大的列（如数万的收入）不缩放会让损失很大、训练很慢。"
        "关闭：按文件中的原值输入。"
    ),
}

ZH_ERRORS_DATA: dict[str, str] = {
    "features standardised to mean 0 and standard deviation 1 with the statistics of the "
    "{rows:,} training rows only (validation and test rows not used)": (
        "特征已标准化为均值 0、标准差 1，统计量只来自 {rows:,} 个训练行（未使用验证行和测试行）"
    ),
    "features fed as given (not standardised): values reach {high:,.4g}; inputs this large "
    "make the loss large and training slow. Standardise them (the default) unless their scale "
    "is the point.": (
        "特征按原值输入（未标准化）：数值高达 {high:,.4g}；这么大的输入会让损失很大、训练很慢。"
        "除非要看的正是它们的尺度，否则请标准化（默认）。"
    ),
}
