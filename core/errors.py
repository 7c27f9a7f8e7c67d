"""Messages for users that keep their English template and fields, so they can be translated.

`InputError` is a `ValueError` whose text is `template.format(**fields)`; `Note` is the same
for something that is not an error (rows a CSV lost, what a dataset can teach). Keeping the
template lets the UI show the message in another language (`core.present.text.message`), with the
English template itself as the lookup key, as gettext does with its msgids.
"""

from __future__ import annotations

import re

import numpy as np

# "1 iterations per epoch", "the 1 training samples": English counts of one, made singular once
# the fields are in. Not after a digit, point or comma (11, 0.1, 1,001 stay plural).
_ONE = re.compile(
    r"(?<![\d.,])1((?:\*\*)? (?:training |validation |test )?)"
    r"(iteration|sample|step|epoch|batch|point|replica|run|update|device)(?:es|s)\b"
)


def singular(text: str) -> str:
    """English TEXT with its counts of one in the singular ("1 step", "1 training sample"):
    every English template is filled through here (messages, page texts, code comments)."""
    return _ONE.sub(r"1\1\2", text)


class InputError(ValueError):
    """A bad argument, value or file: says what was received and what to change."""

    def __init__(self, template: str, **fields: object) -> None:
        super().__init__(singular(template.format(**fields)))
        self.template = template
        self.fields = fields

    def __reduce__(self):
        # Ray and multiprocessing rebuild exceptions from their args; ours need the fields too.
        return (_rebuild, (type(self), self.template, self.fields))


class Unavailable(InputError):
    """Something a valid input needs is not here (a download, a cache): says what to do instead.

    Not the user's mistake, so pages show it without "Fix this input".
    """


class Note:
    """A remark for the user (not an error), formatted like an InputError."""

    def __init__(self, template: str, **fields: object) -> None:
        self.template = template
        self.fields = fields

    def __str__(self) -> str:
        return singular(self.template.format(**self.fields))

    def __repr__(self) -> str:
        return f"Note({str(self)!r})"


def _rebuild(cls: type[InputError], template: str, fields: dict) -> InputError:
    return cls(template, **fields)


def check_int(name: str, value: object, minimum: int, maximum: int | None = None) -> None:
    """Raise an InputError unless `value` is a whole number in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError("`{name}` must be a whole number, got {value!r}.", name=name, value=value)
    if maximum is not None and not minimum <= value <= maximum:
        raise InputError(
            "`{name}` must be between {low} and {high}, got {value}.",
            name=name,
            low=minimum,
            high=maximum,
            value=value,
        )
    if value < minimum:
        raise InputError(
            "`{name}` must be at least {minimum}, got {value}.",
            name=name,
            minimum=minimum,
            value=value,
        )


def check_choice(what: str, value: object, choices: tuple[str, ...] | list[str]) -> None:
    """Raise an InputError naming the choices when `value` is not one of them."""
    if value not in choices:
        raise InputError(
            "unknown {what} {value!r}: choose one of {choices}.",
            what=what,
            value=value,
            choices=", ".join(choices),
        )
