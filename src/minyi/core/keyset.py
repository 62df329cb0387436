"""Keyset paging: a page starts after the last row of the previous one, not at an offset.

``OFFSET 50000`` makes the database produce and throw away fifty thousand rows (1.6 s at
100k cases, sixth probe), and a row inserted or moved ahead of the reader while he pages
shifts every later page by one: a row seen twice, another never. A **cursor** carries the
sort key of the last row given (the list's own order, ending with the unique id); the next
page is the rows strictly after it in that order, so it costs as much as the first page and
no row is given twice or skipped because others arrived.

The token is opaque to callers (URL-safe base64 of a small JSON array: a version, the name of
the list that gave it, the values), checked on the way in: anything this module did not
write for that list is :class:`~minyi.core.errors.InvalidInput` on the field ``cursor`` (a 422
in the reader's language), never a server error. The list's name matters because two lists
can order by keys of one shape (alerts and statements: a time and an id): a cursor of one
given to the other would silently start at a wrong place.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.orm import QueryableAttribute

from minyi.core.errors import InvalidInput

__all__ = ["BAD_CURSOR", "BOTH_OFFSET_AND_CURSOR", "SortKey", "after", "decode", "encode", "where_after"]

#: The refusal of a token this server did not give (translated for readers by the web layer).
BAD_CURSOR = "cursor: not a page token this list gave; use next_cursor of the previous page or start again"
#: A cursor names its place itself; an offset on top of it would mean two places.
BOTH_OFFSET_AND_CURSOR = "offset: give offset or cursor, not both"
_VERSION = 2  # 1 had no list name: its tokens are refused (start again)
_MAX_TOKEN = 1000  # characters: a token of five keys is under 200
_FIRST_YEAR, _LAST_YEAR = 1900, 2999  # the times any list holds (as the export's date bounds)
_MAX_INT = 2**63  # a BIGINT


@dataclass(frozen=True)
class SortKey:
    """One key of a list's order: its expression, direction, and the Python type of its values.

    ``nullable`` keys are NULL for every row that shares the keys before it, or for none of
    them (as a reply deadline only counts for waiting cases, which an earlier key sets apart):
    so NULL placement, which SQLite and PostgreSQL disagree on, never decides the order.
    """

    expression: ColumnElement[Any] | QueryableAttribute[Any]
    descending: bool = False
    kind: type = str
    nullable: bool = False


def encode(values: Sequence[Any], list_name: str) -> str:
    """The token of one row's sort key ``values`` (ints, strings, aware datetimes or None)."""
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    raw = json.dumps([_VERSION, list_name, *plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, keys: Sequence[SortKey], list_name: str) -> list[Any]:
    """The sort key values of ``token`` for ``keys``; InvalidInput (``cursor``) for anything else.

    Anything else includes a token that another list (``list_name``) gave.
    """
    try:
        return _read(token, keys, list_name)
    except (ValueError, TypeError, binascii.Error, UnicodeError, RecursionError, OverflowError):
        raise InvalidInput(BAD_CURSOR, field="cursor") from None


def _read(token: str, keys: Sequence[SortKey], list_name: str) -> list[Any]:
    """The values of ``token``; ValueError (or the decoders' errors) when it is not one of ours."""
    if len(token) > _MAX_TOKEN:
        raise ValueError("too long")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    version, name, *values = json.loads(raw)
    if version != _VERSION or name != list_name or len(values) != len(keys):
        raise ValueError("another shape or another list")
    return [_value(value, key) for value, key in zip(values, keys, strict=True)]


def _value(value: object, key: SortKey) -> Any:
    """``value`` read back as ``key``'s kind; ValueError when it is not one."""
    if value is None and key.nullable:
        return None
    if key.kind is datetime and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("a time without its zone")
        # the database compares in UTC: year 1 at +14:00 or 9999 at -14:00 cannot be converted
        # (OverflowError, a 500 found by the ninth probe's attacker), nor is it any row's time
        if not _FIRST_YEAR <= moment.astimezone(UTC).year <= _LAST_YEAR:
            raise ValueError("a time out of range")
        return moment
    if key.kind is int and isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= _MAX_INT:
            raise ValueError("a number out of range")
        return value
    if key.kind is str and isinstance(value, str):
        if "\x00" in value:  # PostgreSQL refuses NUL in text (a 500)
            raise ValueError("a NUL character")
        value.encode()  # a lone surrogate cannot be sent to the database: UnicodeEncodeError
        return value
    raise ValueError(f"not a {key.kind.__name__}")


def where_after(cursor: str, offset: int, keys: Sequence[SortKey], list_name: str) -> ColumnElement[bool]:
    """The condition of the page after ``cursor``; InvalidInput when an offset comes with it."""
    if offset:
        raise InvalidInput(BOTH_OFFSET_AND_CURSOR, field="offset")
    return after(keys, decode(cursor, keys, list_name))


def after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """The rows strictly after the row whose sort key is ``values``, in the order of ``keys``.

    ``k1 > v1 OR (k1 = v1 AND k2 > v2) OR …`` with ``<`` for descending keys; a NULL value
    only matches NULL (see :class:`SortKey`) and has nothing after it on its own key. The
    first key's bound (``k1 >= v1``) is said once more on its own: it is what lets an index
    on the keys start at the cursor instead of reading every row and sorting.
    """
    branches: list[ColumnElement[bool]] = []
    equal: list[ColumnElement[bool]] = []
    for key, value in zip(keys, values, strict=True):
        if value is None:
            equal.append(key.expression.is_(None))
            continue
        beyond = key.expression < value if key.descending else key.expression > value
        branches.append(and_(*equal, beyond))
        equal.append(key.expression == value)
    chain = or_(false(), *branches)
    first, value = keys[0], values[0]
    if value is None:
        return chain
    return and_(first.expression <= value if first.descending else first.expression >= value, chain)
