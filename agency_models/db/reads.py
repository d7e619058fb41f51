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
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast, get_args, get_origin

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

_LEAN_STATEMENTS: weakref.WeakKeyDictionary[Any, dict[type, Any]] = weakref.WeakKeyDictionary()
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
    reader = _reader(schema, _entity(statement))
    by_schema = _LEAN_STATEMENTS.setdefault(statement, {})
    lean = by_schema.get(schema)
    if lean is None:
        lean = statement.with_only_columns(*reader.columns, maintain_column_froms=True)
        by_schema[schema] = lean
    sync_session = session.sync_session
    if sync_session.autoflush and (sync_session.new or sync_session.dirty or sync_session.deleted):
        await session.flush()
    connection = await session.connection()
    scoped = _LeanSelect(sync_session, lean, lean.get_execution_options())
    scope_statement(cast(ORMExecuteState, scoped))
    bound = _bound(connection.dialect, lean, scoped.statement)
    adapter = (await connection.get_raw_connection()).dbapi_connection
    if bound.prepared is None or not is_asyncpg_adapter(adapter):
        rows: Any = (await SQLAlchemyAsyncSession.execute(session, lean)).all()
    else:
        rows = await _fetch(adapter, bound.prepared.sql, bound.parameters)
    return [reader.build(row) for row in rows]


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


def _bound(dialect: Dialect, lean: Any, scoped: Any) -> _Bound:
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
    prepared = None if cache_key is None else _prepared(dialect, scoped, cache_key)
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


_PREPARED: dict[Any, _Prepared | None] = {}


def _prepared(dialect: Dialect, statement: Any, cache_key: Any) -> _Prepared | None:
    key = cache_key.key
    if key in _PREPARED:
        return _PREPARED[key]
    compiled: Any = statement.compile(dialect=dialect, cache_key=cache_key)
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
        )
    if len(_PREPARED) >= _COMPILED_LIMIT:
        _PREPARED.clear()
    _PREPARED[key] = prepared
    return prepared


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

    def build(self, row: Sequence[Any]) -> Any:
        data = dict(zip(self.names, row, strict=True))
        for name, convert in self.converters:
            if data[name] is not None:
                data[name] = convert(data[name])
        if not self.trusted:
            return self.schema.model_validate(data)
        built = object.__new__(self.schema)
        object.__setattr__(built, "__dict__", data)
        object.__setattr__(built, "__pydantic_fields_set__", self.fields_set.copy())
        object.__setattr__(built, "__pydantic_extra__", None)
        object.__setattr__(built, "__pydantic_private__", None)
        return built


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
    columns = []
    trusted = schema.model_config.get("extra") != "allow" and not schema.__pydantic_post_init__
    for name, field in schema.model_fields.items():
        attribute = mapper.column_attrs[name]
        convert, plain = _converter(field.annotation)
        trusted = trusted and plain and not field.validate_default
        if isinstance(attribute.columns[0].type, sa.JSON):
            columns.append(sa.cast(attribute.class_attribute, sa.Text))
            convert = _from_json_then(convert)
        else:
            columns.append(attribute.class_attribute)
        if convert is not None:
            converters.append((name, convert))
    return _Reader(
        schema=schema,
        columns=tuple(columns),
        names=names,
        converters=tuple(converters),
        trusted=trusted and not schema.__pydantic_decorators__.model_validators,
        fields_set=set(names),
    )


def _from_json_then(convert: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """``jsonb`` read as text and parsed by pydantic-core: several times cheaper than the
    driver's per-value Python codec."""
    if convert is None:
        return from_json
    return lambda text: convert(from_json(text))


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
        return value_type, True
    if value_type is float:
        return float, True
    plain = isinstance(value_type, type) and issubclass(value_type, _PLAIN_TYPES)
    return None, plain and not issubclass(value_type, BaseModel)


__all__ = ["read_all"]
