"""The one rule for text that comes in: no NUL and no other C0 control character.

PostgreSQL cannot store NUL in text, and the other C0 controls (except tab, line feed and
carriage return) have no meaning in a message, a name or a query; they are refused, with an
error naming the field, where people type text: the JSON API and the pages
(``minyi.http.inputs``). File imports drop them instead (:func:`minyi.interop.values.parse_text`:
an old system's export should not lose rows for them), and every spreadsheet cell we write
drops them (:mod:`minyi.interop.safe_cells`). :data:`CleanStr` is the same rule as a Pydantic type.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import AfterValidator

from minyi.core.controls import FORBIDDEN
from minyi.core.errors import InvalidInput

ALLOWED_CONTROLS = "\t\n\r"
_FORBIDDEN = FORBIDDEN
REASON = "must not contain control characters (NUL, U+0001-U+001F except tab and line breaks)"


def has_control_chars(value: str) -> bool:
    """Whether ``value`` holds a C0 control character other than tab, LF and CR."""
    return _FORBIDDEN.search(value) is not None


def _clean(value: str) -> str:
    if has_control_chars(value):
        raise ValueError(REASON)
    return value


CleanStr = Annotated[str, AfterValidator(_clean)]
"""A ``str`` without NUL or other C0 controls (tab, LF and CR are allowed)."""


def bad_strings(value: Any, path: str = "") -> Iterator[str]:
    """The paths (``a.b.0``) of the strings with control characters in a JSON-like value.

    Keys are checked as well as values; a key's own path names it.
    """
    if isinstance(value, str):
        if has_control_chars(value):
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_control_chars(key):
                yield sub
            else:
                yield from bad_strings(item, sub)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from bad_strings(item, f"{path}.{index}" if path else str(index))


def check_clean(value: Any, path: str = "") -> None:
    """Raise :class:`InvalidInput` naming the first string with control characters."""
    for field in bad_strings(value, path):
        raise InvalidInput(f"{field}: {REASON}", field=field)
