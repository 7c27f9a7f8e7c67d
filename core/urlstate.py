"""Page inputs ↔ URL query parameters: parse with fallbacks, and write back.

A teacher's link such as `?n=10&batch_size=3&epochs=10` must reopen the same page state. Each
page declares its parameters (`PAGE_PARAMS`): the URL name, the session-state key the page's
widget uses, a type and the allowed range or choices. Bad values fall back to the page's default
and produce a note that says which value was ignored and why; they never raise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.datasets import DATASETS
from core.errors import InputError
from core.models import MODELS, OPTIMIZERS
from core.schedule import SHUFFLE_MODES

LANGS = ("en", "zh")


@dataclass(frozen=True)
class Param:
    name: str  # in the URL
    key: str  # in st.session_state
    kind: str  # int | float | bool | choice
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()


def _common(prefix: str) -> list[Param]:
    return [
        Param("n", f"{prefix}n", "int", 0 if prefix else 1, 10_000_000),
        Param("batch_size", f"{prefix}batch_size", "int", 1, 10_000_000),
        Param("epochs", f"{prefix}epochs", "int", 1, 1_000_000),
        Param("seed", f"{prefix}seed", "int", 0, 2**32 - 1),
        Param("validation_split", f"{prefix}validation_split", "float", 0.0, 0.95),
    ]


PAGE_PARAMS: dict[str, list[Param]] = {
    "": [
        *_common(""),
        Param("shuffle", "shuffle", "choice", choices=SHUFFLE_MODES),
        Param("drop_remainder", "drop_remainder", "bool"),
        Param("replicas", "replicas", "int", 1, 64),
    ],
    "train": [
        *_common("train."),
        Param("shuffle", "train.shuffle", "choice", choices=SHUFFLE_MODES),
        Param("drop_remainder", "train.drop_remainder", "bool"),
        Param("dataset", "train.dataset", "choice", choices=DATASETS),
        Param("model", "train.model", "choice", choices=MODELS),
        Param("optimizer", "train.optimizer", "choice", choices=OPTIMIZERS),
        Param("lr", "train.lr", "float", 1e-12, 1e12),
        Param("replicas", "train.replicas", "int", 1, 64),
    ],
    "compare": [
        Param("n", "compare.n", "int", 0, 10_000_000),
        Param("seed", "compare.seed", "int", 0, 2**32 - 1),
        Param("validation_split", "compare.validation_split", "float", 0.0, 0.95),
        Param(
            "dataset", "compare.dataset", "choice", choices=tuple(d for d in DATASETS if d != "csv")
        ),
        Param("model", "compare.model", "choice", choices=MODELS),
        Param("optimizer", "compare.optimizer", "choice", choices=OPTIMIZERS),
        Param("lr", "compare.lr", "float", 1e-12, 1e12),
    ],
    "science": [
        Param("batch_size", "science.batch_size", "int", 1, 10_000_000),
        Param("epochs", "science.epochs", "int", 1, 1_000_000),
        Param(
            "dataset",
            "science.dataset",
            "choice",
            choices=tuple(d for d in DATASETS if d not in ("csv", "linear")),
        ),
        Param("model", "science.model", "choice", choices=("mlp", "cnn")),
    ],
    "runs": [],
}


def parse_value(param: Param, text: str) -> object:
    """The typed value of one URL parameter. Raises ValueError saying what is wrong."""
    if param.kind == "bool":
        low = text.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise InputError("{name}={value!r} is not true or false", name=param.name, value=text)
    if param.kind == "choice":
        if text not in param.choices:
            raise InputError(
                "{name}={value!r} is not one of {choices}",
                name=param.name,
                value=text,
                choices=", ".join(param.choices),
            )
        return text
    try:
        value = int(text) if param.kind == "int" else float(text)
    except ValueError:
        if param.kind == "int":
            raise InputError(
                "{name}={value!r} is not a whole number", name=param.name, value=text
            ) from None
        raise InputError("{name}={value!r} is not a number", name=param.name, value=text) from None
    if param.kind == "float" and not math.isfinite(value):
        raise InputError("{name}={value!r} is not a finite number", name=param.name, value=text)
    if param.low is not None and value < param.low:
        raise InputError(
            "{name}={value!r} is below {low:g}", name=param.name, value=text, low=param.low
        )
    if param.high is not None and value > param.high:
        raise InputError(
            "{name}={value!r} is above {high:g}", name=param.name, value=text, high=param.high
        )
    return value


def from_query(page: str, query: dict[str, str]) -> tuple[dict[str, object], list[InputError]]:
    """(session-state values to set, why each ignored value was ignored) for a page's URL."""
    values: dict[str, object] = {}
    notes: list[InputError] = []
    for param in PAGE_PARAMS.get(page, []):
        if param.name not in query:
            continue
        try:
            values[param.key] = parse_value(param, query[param.name])
        except InputError as why:
            notes.append(why)
    return values, notes


def to_query(page: str, state: dict, lang: str) -> dict[str, str]:
    """The URL parameters that reproduce a page's current inputs."""
    out: dict[str, str] = {}
    for param in PAGE_PARAMS.get(page, []):
        if param.key not in state:
            continue
        value = state[param.key]
        out[param.name] = ("true" if value else "false") if param.kind == "bool" else f"{value}"
    out["lang"] = lang
    return out


def lang_from(query: dict[str, str], locale: str | None) -> str:
    """`?lang=` when valid, else the browser's language when we have it, else English."""
    asked = query.get("lang")
    if asked in LANGS:
        return asked
    if locale and locale.lower().startswith("zh"):
        return "zh"
    return "en"
