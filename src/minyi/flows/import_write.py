"""Writing an import batch's new rows without the unit of work: ``COPY`` or one executemany a table.

The batch's processing (:mod:`minyi.flows.import_batch`) builds ORM objects with the
domain code (cases, events, analyses, routing rows …), so the rows are the ones every
other path writes. Flushing them through SQLAlchemy's unit of work cost about 40 % of
the importing process (sorting, attribute history, one parameter set a row through the
ORM's bookkeeping). The objects are all new, their ids drawn in Python, and the batch
is written in one transaction, so that bookkeeping buys nothing here:
:func:`write_new` reads each pending object's column values (Python-side defaults
filled in as the flush fills them, foreign keys taken from the relationships as the
flush syncs them), writes each table once, in the metadata's dependency order (by
``COPY`` on PostgreSQL, one executemany on SQLite), notes the touched cases for the
public-search index as the flush listener would, and empties the session.

It refuses (raising :class:`NotBulk` before writing anything) whatever it cannot write
the same way: a changed or deleted stored object, a primary key left to the database,
a default only the server knows, a many-to-many link. The caller then flushes as before.
A failure while writing raises; the caller rolls the transaction back (nothing of the
batch is written) and takes the safe way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Column, Connection, Dialect, Table, inspect
from sqlalchemy.orm import Mapper, RelationshipDirection, Session
from sqlalchemy.orm.state import InstanceState

from minyi.accountability.search_index import PENDING_KEY, is_listed
from minyi.cases import word_index
from minyi.cases.models import Case, Reply
from minyi.db.base import Base
from minyi.intake.models import Message

__all__ = ["NotBulk", "write_new"]

Row = list[Any]  # a row's values in its table's column order


class NotBulk(Exception):  # noqa: N818 - a refusal, not an error: the caller flushes instead
    """The session holds something :func:`write_new` does not write the way a flush would."""


@dataclass(frozen=True)
class _Plan:
    """How one mapped class's objects become rows: its table and (attribute, column) pairs."""

    table: Table
    columns: list[tuple[str, Column[Any]]]
    many_to_one: list[tuple[str, list[tuple[str, str]]]]  # relationship, (local attr, remote attr)
    one_to_many: list[tuple[str, list[tuple[str, str]]]]  # relationship, (local attr, child attr)
    has_many_to_many: list[str]
    fills: list[tuple[str, bool, Column[Any]]]  # attribute, None is a value (JSON), its column
    keys: list[str]  # the attribute of each column, in the table's column order (a row's values)

    @property
    def collections(self) -> frozenset[str]:
        """The one-to-many relationships: a change of one writes the children, not this row."""
        return frozenset(key for key, _ in self.one_to_many)


@cache
def _plan(mapper: Mapper[Any]) -> _Plan:
    """The mapper's table and relationships as :func:`write_new` uses them (once a class)."""
    if len(mapper.tables) != 1 or mapper.inherits is not None:
        raise NotBulk(f"{mapper.class_.__name__}: mapped to more than one table")
    table = mapper.local_table
    assert isinstance(table, Table)
    columns = [(mapper.get_property_by_column(column).key, column) for column in table.columns]
    many: list[tuple[str, list[tuple[str, str]]]] = []
    children: list[tuple[str, list[tuple[str, str]]]] = []
    links: list[str] = []
    for prop in mapper.relationships:
        if prop.viewonly:
            continue
        if prop.direction is RelationshipDirection.MANYTOMANY or prop.secondary is not None:
            links.append(prop.key)
            continue
        other = prop.mapper
        pairs = [
            (mapper.get_property_by_column(local).key, other.get_property_by_column(remote).key)
            for local, remote in prop.local_remote_pairs
        ]
        (many if prop.direction is RelationshipDirection.MANYTOONE else children).append((prop.key, pairs))
    fills = [(key, column.type.should_evaluate_none, column) for key, column in columns]
    return _Plan(table, columns, many, children, links, fills, [key for key, _ in columns])


def _default(column: Column[Any]) -> Any:
    """The Python-side default a flush would give ``column``; refuse a server-side one."""
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return default.arg  # type: ignore[attr-defined]
    if default is not None and getattr(default, "is_callable", False):
        return default.arg(None)  # type: ignore[attr-defined]  # wrapped: the context is unused
    if default is not None or column.server_default is not None or column.primary_key:
        raise NotBulk(f"{column.table.name}.{column.name}: its value comes from the database")
    return None


def _fill(state: InstanceState[Any], plan: _Plan) -> None:
    """Give a new object every column value the flush would insert (kept on the object)."""
    values = state.dict
    for key, evaluate_none, column in plan.fills:
        if values.get(key) is None and (not evaluate_none or key not in values):
            values[key] = _default(column)  # written straight: no attribute event, no history


def _value(related: Any, key: str) -> Any:
    """A column value of a related object (loaded if it must be: a stored object expired)."""
    values = inspect(related).dict
    return values[key] if key in values else getattr(related, key)


def _link(state: InstanceState[Any], plan: _Plan, new: set[int]) -> None:
    """Copy the keys of related objects into this object's foreign keys, as the flush syncs them."""
    values = state.dict
    if any(values.get(key) for key in plan.has_many_to_many):
        raise NotBulk(f"{state.class_.__name__}: a many-to-many link")
    for key, pairs in plan.many_to_one:
        if key not in values:
            continue
        related = values[key]
        if related is not None:
            for local, remote in pairs:
                values[local] = _value(related, remote)
        elif key in state.committed_state:  # set to None: the flush clears the foreign key
            for local, _ in pairs:
                values[local] = None
    for key, pairs in plan.one_to_many:
        _link_children(values, key, pairs, new)


def _link_children(values: dict[str, Any], key: str, pairs: list[tuple[str, str]], new: set[int]) -> None:
    """Give the new objects of a one-to-many relationship the parent's key."""
    found = values.get(key)
    items = found if isinstance(found, Iterable) else [found] if found is not None else []
    for child in items:
        if id(child) not in new:
            raise NotBulk(f"{type(child).__name__} of {key}: a stored object moves")
        for local, remote in pairs:
            inspect(child).dict[remote] = values[local]


def _check_stored(session: Session) -> None:
    """Refuse when a stored object has a change only an ``UPDATE`` would write.

    Only a new child added to its collections (a message joining a stored case, an
    event appended to its log) may have touched it: the child's row carries the key.
    """
    if session.deleted:
        raise NotBulk("objects to delete")
    for obj in session.dirty:
        state = inspect(obj)
        if not set(state.committed_state) <= _plan(state.mapper).collections:
            raise NotBulk(f"a stored {type(obj).__name__} changed")


def write_new(session: Session, extra: Iterable[object] = ()) -> int:
    """Write the session's new objects and ``extra`` table by table, then empty the session.

    ``extra`` are new objects kept out of the session (no save-update cascade walked for
    each): the caller adds them to the session itself if this refuses. How many rows.
    Raises :class:`NotBulk`, having written nothing, when a flush is needed instead.
    The caller commits (or rolls back on any other error).
    """
    _check_stored(session)
    pending = list({id(state): state for state in map(inspect, [*session.new, *extra])}.values())
    plans = [_plan(state.mapper) for state in pending]
    for state, plan in zip(pending, plans, strict=True):
        _fill(state, plan)
    new = {id(state.obj()) for state in pending}
    for state, plan in zip(pending, plans, strict=True):
        _link(state, plan, new)
    rows: dict[Table, list[Row]] = defaultdict(list)
    for state, plan in zip(pending, plans, strict=True):
        values = state.dict
        rows[plan.table].append([values[key] for key in plan.keys])  # in the table's column order
    _note_for_search(session, [state.obj() for state in pending])
    connection = session.connection()
    for table in Base.metadata.sorted_tables:
        if rows.get(table):
            _write(connection, table, rows[table])
    session.expunge_all()
    return len(pending)


def _note_for_search(session: Session, objects: list[Any]) -> None:
    """Note the cases the search indexes must look at, as their flush listeners would.

    The listeners note every new or changed case and the case of every new or changed
    message and reply; the staff word index takes them all; at the commit the public one
    drops the new cases ``/public`` does not list (they have no index row yet and would get
    none): so are they here.
    """
    created = {obj.id: obj for obj in objects if isinstance(obj, Case)}
    ids = set(created)
    for obj in [*objects, *session.dirty]:
        if isinstance(obj, Case):
            ids.add(obj.id)
        elif isinstance(obj, Reply | Message) and obj.case_id:
            ids.add(obj.case_id)
    word_index.note_cases(session, ids)
    ids -= {case_id for case_id, case in created.items() if not is_listed(case)}
    if ids:
        session.info.setdefault(PENDING_KEY, set()).update(ids)


def _write(connection: Connection, table: Table, rows: list[Row]) -> None:
    """Insert ``rows``: ``COPY`` on PostgreSQL (the types' bind processing applied), else executemany."""
    columns = list(table.columns)
    if connection.dialect.name != "postgresql":
        keys = [column.key for column in columns]
        connection.execute(table.insert(), [dict(zip(keys, row, strict=True)) for row in rows])
        return
    names = ", ".join(f'"{column.name}"' for column in columns)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    processed = _processed(table, connection.dialect)
    with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            for at, process, null in processed:  # the few columns whose type converts the value
                value = row[at]
                if value is not None or null:
                    row[at] = process(value)
            copy.write_row(row)


def _processed(table: Table, dialect: Dialect) -> list[tuple[int, Callable[[Any], Any], bool]]:
    """The columns whose type converts a value before it is sent, as an ``INSERT`` would.

    Each with its position and whether None is a value to convert (JSON: None is
    ``'null'``). Most columns have no conversion: the others are left as they are.
    """
    found: list[tuple[int, Callable[[Any], Any], bool]] = []
    for at, column in enumerate(table.columns):
        process = column.type._cached_bind_processor(dialect)  # noqa: SLF001 - what an INSERT would send
        if process is not None:
            found.append((at, process, bool(column.type.should_evaluate_none)))
    return found
