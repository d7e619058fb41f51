"""Lean reads: pages of ``XRead`` objects straight from asyncpg's rows.

``read_all(session, LeadRead, select(Lead).where(…).order_by(…).limit(50))`` gives the select
the session's tenant and live-row criteria (and refusals) through the same scoping hook every
select gets, selects only the schema's columns, and runs the SQL on asyncpg inside the
session's transaction, without SQLAlchemy's ORM execute and result machinery; the schema
objects are built without validating them again: every rule of an ``XRead`` is also a
constraint of its table (the schema contract), so a stored row is already valid. The SQL of
each statement shape is compiled once (keyed by SQLAlchemy's cache key; the tenant's id and
the statement's values are bound parameters), and a statement given again (a module-level
query) with the same scoping reuses its parameters too.
"""

from __future__ import annotations

import datetime as dt
import operator
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, NamedTuple, TypeVar, cast, get_args, get_origin

import asyncpg
import sqlalchemy as sa
from pydantic import BaseModel
from pydantic_core import from_json
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession as SQLAlchemyAsyncSession
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.sql.compiler import SQLCompiler

from agency_models.base.types import unwrap, validated_type
from agency_models.db.driver import in_transaction, is_asyncpg_adapter
from agency_models.db.errors import database_error
from agency_models.db.scoping import scope_statement

S = TypeVar("S", bound=BaseModel)

_LEAN_STATEMENTS: weakref.WeakKeyDictionary[Any, dict[type, _Lean]] = weakref.WeakKeyDictionary()
"""A statement given to :func:`read_all` (kept while the caller keeps it: a module-level
query) -> schema -> its select of the schema's columns."""
_PLAIN_TYPES = (str, int, bool, Decimal, uuid.UUID, dt.datetime, dt.date, dt.time, dict)
_COMPILED_LIMIT = 1024


async def read_all(session: Any, schema: type[S], statement: sa.Select[Any]) -> list[S]:
    """The rows ``statement`` (a select of one table, ``select(Lead)…``) returns, as ``schema``
    objects (``LeadRead``), through ``session`` (an :class:`AgencySession`).

    The session's scoping hook runs on the statement as on any select; the SQL then runs on
    asyncpg without SQLAlchemy's ORM execute (its other ``do_orm_execute`` hooks included).
    A statement with an expanding ``IN`` list, or on another driver, takes the ORM path.
    """
    by_schema = _LEAN_STATEMENTS.setdefault(statement, {})
    lean = by_schema.get(schema)
    if lean is None:
        lean = by_schema[schema] = _Lean.of(statement, _reader(schema, _entity(statement)))
    reader = lean.reader
    sync_session = session.sync_session
    if sync_session.autoflush and (sync_session.new or sync_session.dirty or sync_session.deleted):
        await session.flush()
    connection = await session.connection()
    scoped = _LeanSelect(sync_session, lean.fetched, lean.fetched.get_execution_options())
    scope_statement(cast(ORMExecuteState, scoped))
    bound = _bound(connection.dialect, lean.fetched, scoped.statement, reader)
    fairy = connection.sync_connection._dbapi_connection or await connection.get_raw_connection()
    adapter = fairy.dbapi_connection
    if bound.prepared is None or not is_asyncpg_adapter(adapter):
        rows: Any = (await SQLAlchemyAsyncSession.execute(session, lean.listed)).all()
        return reader.build(rows)
    rows = await _fetch(adapter, bound.prepared.sql, bound.parameters)
    if bound.prepared.every_column:
        return reader.build_every_column(rows)
    return reader.build(rows)


@dataclass(frozen=True)
class _Lean:
    """A read_all statement as the selects that run it: ``listed`` names the schema's columns
    (``jsonb`` as text); ``fetched`` is ``SELECT leads.*`` with the same clauses when the
    schema reads every column of the table, which the server parses in a fraction of the
    time it takes for a list of 78 columns (else ``listed`` again)."""

    reader: _Reader
    listed: Any
    fetched: Any

    @classmethod
    def of(cls, statement: sa.Select[Any], reader: _Reader) -> _Lean:
        listed = statement.with_only_columns(*reader.columns, maintain_column_froms=True)
        if reader.every_column is None:
            return cls(reader, listed, listed)
        every = statement.with_only_columns(reader.every_column, maintain_column_froms=True)
        return cls(reader, listed, every)


@dataclass
class _LeanSelect:
    """What :func:`scope_statement` reads of an ``ORMExecuteState``, for a select that
    :func:`read_all` runs itself."""

    session: Any
    statement: Any
    execution_options: Mapping[str, Any]
    is_select: bool = True
    is_insert: bool = False
    is_update: bool = False
    is_delete: bool = False
    is_column_load: bool = False
    is_relationship_load: bool = False


async def _fetch(adapter: Any, sql: str, parameters: tuple[Any, ...]) -> Any:
    """``sql``'s rows, fetched by asyncpg inside the session's transaction."""
    try:
        return await in_transaction(adapter, lambda driver: driver.fetch(sql, *parameters))
    except asyncpg.PostgresError as error:
        raise database_error(error, error.sqlstate) from error


@dataclass(frozen=True)
class _Bound:
    """A scoped statement's SQL and parameter values, kept with the objects it was built from
    (a read_all statement and the scoping options: the same objects give the same values)."""

    lean: Any
    options: tuple[Any, ...]
    prepared: _Prepared | None
    parameters: tuple[Any, ...]


_BOUND: dict[tuple[int, ...], _Bound] = {}


def _bound(dialect: Dialect, lean: Any, scoped: Any, reader: _Reader) -> _Bound:
    options = tuple(scoped._with_options)
    key = (id(lean), *map(id, options))
    found = _BOUND.get(key)
    if (
        found is not None
        and found.lean is lean
        and len(found.options) == len(options)
        and all(kept is given for kept, given in zip(found.options, options, strict=True))
    ):
        return found
    cache_key = scoped._generate_cache_key()
    prepared = None if cache_key is None else _prepared(dialect, scoped, cache_key, reader)
    parameters: tuple[Any, ...] = ()
    if prepared is not None:
        values = prepared.compiled.construct_params(
            extracted_parameters=cache_key.bindparams, escape_names=False
        )
        parameters = tuple(
            value if process is None else process(value)
            for value, process in zip(
                (values[name] for name in prepared.names), prepared.processors, strict=True
            )
        )
    bound = _Bound(lean, options, prepared, parameters)
    if len(_BOUND) >= _COMPILED_LIMIT:
        _BOUND.clear()
    _BOUND[key] = bound
    return bound


@dataclass(frozen=True)
class _Prepared:
    compiled: SQLCompiler
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    every_column: bool
    """The SQL is ``SELECT <table>.*``: rows are read by column name."""


_PREPARED: dict[Any, _Prepared | None] = {}


def _prepared(
    dialect: Dialect, statement: Any, cache_key: Any, reader: _Reader
) -> _Prepared | None:
    key = cache_key.key
    if key in _PREPARED:
        return _PREPARED[key]
    compiled: Any = statement.compile(dialect=dialect, cache_key=cache_key)
    every_column = False
    if reader.every_column is not None:
        listed = statement.with_only_columns(*reader.columns, maintain_column_froms=True)
        listed_compiled: Any = listed.compile(
            dialect=dialect, cache_key=listed._generate_cache_key()
        )
        every_column = _only_columns_differ(compiled, listed_compiled, reader)
        if not every_column:
            compiled = listed_compiled
    names = tuple(compiled.positiontup or ())
    prepared = None
    if not any(compiled.binds[name].expanding for name in names):
        prepared = _Prepared(
            compiled=compiled,
            sql=compiled.string,
            names=names,
            processors=tuple(
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            ),
            every_column=every_column,
        )
    if len(_PREPARED) >= _COMPILED_LIMIT:
        _PREPARED.clear()
    _PREPARED[key] = prepared
    return prepared


def _only_columns_differ(every: Any, listed: Any, reader: _Reader) -> bool:
    """Whether ``SELECT <table>.*`` compiled to the SQL of the listed select but for its column
    list: the same FROM, criteria (the tenant's and the live-row ones included), order and
    parameters. Anything else (an alias, DISTINCT, a subquery) runs the listed select. Neither
    column list holds a parameter, so both take the statement's values in the same order."""
    head, separator, tail = every.string.partition(" \nFROM ")
    _, listed_separator, listed_tail = listed.string.partition(" \nFROM ")
    return (
        head == f"SELECT {reader.every_column.name}"
        and bool(separator)
        and separator == listed_separator
        and tail == listed_tail
        and every.positiontup == listed.positiontup
    )


def _entity(statement: sa.Select[Any]) -> type:
    descriptions = statement.column_descriptions
    entities = {description["entity"] for description in descriptions}
    if len(entities) != 1 or None in entities:
        raise TypeError("read_all takes a select of one table, such as select(Lead)")
    entity: type = next(iter(entities))
    return entity


@dataclass(frozen=True)
class _Reader:
    """How the rows of one table become objects of one schema."""

    schema: type[BaseModel]
    columns: tuple[Any, ...]
    names: tuple[str, ...]
    converters: tuple[tuple[str, Callable[[Any], Any]], ...]
    trusted: bool
    fields_set: set[str]
    every_column: Any
    """``<table>.*`` when the schema reads every column of its table, else None."""
    column_names: tuple[str, ...]
    decoded_converters: tuple[tuple[str, Callable[[Any], Any]], ...]
    """``converters`` for values the driver has decoded (``jsonb`` as Python data)."""
    layouts: dict[tuple[str, ...], _Layout] = field(default_factory=dict, compare=False)
    """The column names of a ``SELECT <table>.*`` row -> how its values are read."""

    def build(self, rows: Sequence[Any]) -> list[Any]:
        """Objects of rows of the listed select (values in the schema's field order)."""
        return self._objects(rows, _Layout(self.names, None), self.converters)

    def build_every_column(self, rows: Sequence[Any]) -> list[Any]:
        """Objects of rows of ``SELECT <table>.*``, read by column name (the columns of a newer
        schema left out)."""
        if not rows:
            return []
        keys = tuple(rows[0].keys())
        layout = self.layouts.get(keys)
        if layout is None:
            layout = self.layouts[keys] = self._layout(keys)
        return self._objects(rows, layout, self.decoded_converters)

    def _layout(self, keys: tuple[str, ...]) -> _Layout:
        field_of = dict(zip(self.column_names, self.names, strict=True))
        if set(keys) == set(self.column_names):
            return _Layout(tuple(field_of[key] for key in keys), None)
        position = {key: index for index, key in enumerate(keys)}
        return _Layout(
            self.names, operator.itemgetter(*(position[name] for name in self.column_names))
        )

    def _objects(
        self,
        rows: Sequence[Any],
        layout: _Layout,
        converters: tuple[tuple[str, Callable[[Any], Any]], ...],
    ) -> list[Any]:
        names, values_of = layout
        objects = []
        schema, fields_set, trusted = self.schema, self.fields_set, self.trusted
        new, set_slot = object.__new__, object.__setattr__
        in_field_order = dict.fromkeys(self.names).copy
        for row in rows:
            data = in_field_order()
            data.update(zip(names, row if values_of is None else values_of(row), strict=True))
            for name, convert in converters:
                value = data[name]
                if value is not None:
                    data[name] = convert(value)
            if not trusted:
                objects.append(schema.model_validate(data))
                continue
            built = new(schema)
            set_slot(built, "__dict__", data)
            set_slot(built, "__pydantic_fields_set__", fields_set.copy())
            set_slot(built, "__pydantic_extra__", None)
            set_slot(built, "__pydantic_private__", None)
            objects.append(built)
        return objects


class _Layout(NamedTuple):
    """The field each value of a row is, in the row's order; or the fields in the schema's
    order and what picks their values out of a row with more columns."""

    names: tuple[str, ...]
    values_of: Callable[[Any], tuple[Any, ...]] | None


@cache
def _reader(schema: type[BaseModel], entity: type) -> _Reader:
    """The columns of ``entity`` that ``schema`` reads, what converts the driver's values to
    the schema's types (enum labels to members), and whether every field's value can be taken
    as the driver gives it; otherwise each object is validated."""
    mapper: Any = sa.inspect(entity)
    names = tuple(schema.model_fields)
    missing = [name for name in names if name not in mapper.column_attrs]
    if missing:
        raise TypeError(f"{schema.__name__} reads {', '.join(missing)}, not columns of {entity}")
    converters: list[tuple[str, Callable[[Any], Any]]] = []
    decoded_converters: list[tuple[str, Callable[[Any], Any]]] = []
    columns = []
    trusted = schema.model_config.get("extra") != "allow" and not schema.__pydantic_post_init__
    for name, model_field in schema.model_fields.items():
        attribute = mapper.column_attrs[name]
        convert, plain = _converter(model_field.annotation)
        trusted = trusted and plain and not model_field.validate_default
        if convert is not None:
            decoded_converters.append((name, convert))
        if isinstance(attribute.columns[0].type, sa.JSON):
            columns.append(sa.cast(attribute.class_attribute, sa.Text))
            convert = _from_json_then(convert)
        else:
            columns.append(attribute.class_attribute)
        if convert is not None:
            converters.append((name, convert))
    column_names = tuple(mapper.column_attrs[name].columns[0].name for name in names)
    table = mapper.local_table
    reads_every_column = isinstance(table, sa.Table) and set(column_names) == set(table.c.keys())
    return _Reader(
        schema=schema,
        columns=tuple(columns),
        names=names,
        converters=tuple(converters),
        trusted=trusted and not schema.__pydantic_decorators__.model_validators,
        fields_set=set(names),
        every_column=sa.literal_column(f"{table.name}.*") if reads_every_column else None,
        column_names=column_names,
        decoded_converters=tuple(decoded_converters),
    )


def _from_json_then(convert: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """``jsonb`` read as text and parsed by pydantic-core: several times cheaper than the
    driver's per-value Python codec."""
    if convert is None:
        return from_json
    return lambda text: convert(from_json(text))


def _member_of(enum_type: type[Enum]) -> Callable[[Any], Enum]:
    """The member of a stored label: a dict lookup (a tenth of ``enum_type(label)``); a label
    this release does not know fails as ``enum_type(label)`` does."""
    members = enum_type._value2member_map_

    def member(label: Any) -> Enum:
        try:
            return members[label]
        except KeyError:
            return enum_type(label)

    return member


def _converter(annotation: Any) -> tuple[Callable[[Any], Any] | None, bool]:
    """What turns the driver's value into the field's (None: taken as is), and whether the
    field's type is one the driver's values already are."""
    value_type = unwrap(annotation)
    if isinstance(value_type, type):
        value_type = validated_type(value_type)
    if get_origin(value_type) is list:
        (item,) = get_args(value_type) or (Any,)
        convert, plain = _converter(item)
        if convert is None:
            return None, plain
        return (lambda items: [convert(value) for value in items]), plain
    if get_origin(value_type) is dict:
        return None, True
    if isinstance(value_type, type) and issubclass(value_type, Enum):
        return _member_of(value_type), True
    if value_type is float:
        return float, True
    plain = isinstance(value_type, type) and issubclass(value_type, _PLAIN_TYPES)
    return None, plain and not issubclass(value_type, BaseModel)


__all__ = ["read_all"]
