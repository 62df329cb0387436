"""Keyset paging tokens (core.keyset): what they hold, and refusing what they are not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import column

from minyi.core import keyset
from minyi.core.errors import InvalidInput

KEYS = (
    keyset.SortKey(column("rank"), kind=int),
    keyset.SortKey(column("due"), kind=datetime, nullable=True),
    keyset.SortKey(column("id"), descending=True, kind=str),
)


def test_a_token_gives_back_its_values():
    values = [1, datetime(2026, 12, 7, 3, 4, 5, 678, tzinfo=UTC), "01a2"]
    assert keyset.decode(keyset.encode(values, "cases"), KEYS, "cases") == values
    assert keyset.decode(keyset.encode([2, None, "x"], "cases"), KEYS, "cases") == [2, None, "x"]


@pytest.mark.parametrize(
    "values",
    [
        [1, "2026-12-07T03:04:05", "x"],
        ["1", None, "x"],
        [True, None, "x"],
        [1, None, None],
        [1, None],
        [1, 2, "x"],
        # values the database cannot take (500s found by the ninth probe's attacker)
        [1, "0001-01-01T00:00:00+14:00", "x"],
        [1, "9999-12-31T23:59:59-14:00", "x"],
        [1, None, "a\u0000b"],
        [1, None, "\ud800"],
        [2**70, None, "x"],
    ],
)
def test_a_token_of_another_shape_is_invalid_input_on_cursor(values):
    token = keyset.encode(values, "cases")
    with pytest.raises(InvalidInput) as refused:
        keyset.decode(token, KEYS, "cases")
    assert refused.value.field == "cursor"


@pytest.mark.parametrize("token", ["", "!!!", "bm90IGpzb24", "W1td", "a" * 2000, "WzIsMSxudWxsLCJ4Il0"])
def test_garbage_is_invalid_input_on_cursor(token):
    with pytest.raises(InvalidInput):
        keyset.decode(token, KEYS, "cases")


def test_a_token_of_another_list_is_refused_even_of_the_same_shape():
    """Alerts and statements both page by a time and an id: one's cursor is not the other's."""
    token = keyset.encode([1, None, "x"], "alerts")
    with pytest.raises(InvalidInput):
        keyset.decode(token, KEYS, "statements")
    first_version = "WzEsMSxudWxsLCJ4Il0"  # [1,1,null,"x"]: version 1 had no list name
    with pytest.raises(InvalidInput):
        keyset.decode(first_version, KEYS, "cases")


def test_after_compares_key_by_key_and_a_null_only_with_null():
    sql = str(keyset.after(KEYS, [1, None, "x"]).compile(compile_kwargs={"literal_binds": True}))
    assert "rank > 1" in sql
    assert "due IS NULL" in sql
    assert "id < 'x'" in sql
    assert "due >" not in sql
