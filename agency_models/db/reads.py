"""Lean reads: pages of ``XRead`` objects straight from the driver's rows.

``read_all(session, LeadRead, select(Lead).where(…).order_by(…).limit(50))`` runs the select
through the session, so it gets the same tenant and live-row criteria and refusals as any
other, but selects only the schema's columns, skips SQLAlchemy's ORM and result machinery and
builds the schema objects without validating them again: every rule of an ``XRead`` is also
a constraint of its table (the schema contract), so a stored row is already valid. The SQL of
each statement shape is compiled once and kept, like SQLAlchemy's own compiled cache, keyed by
its cache key; the tenant's id and the statement's values are bound parameters.
"""

from __future__ import annotations

import datetime as dt
import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

import asyncpg
import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.ext.asyncio import AsyncSession as SQLAlchemyAsyncSession
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.sql.compiler import SQLCompiler

from agency_models.base.types import unwrap, validated_type
from agency_models.db.driver import is_asyncpg_adapter, run_on_driver
from agency_models.db.errors import database_error

S = TypeVar("S", bound=BaseModel)

LEAN_ROWS = "agency_models.lean_rows"
"""Execution option set by :func:`read_all`: the statement's rows come from the driver as is."""

_LEAN_STATEMENTS: weakref.WeakKeyDictionary[Any, dict[type, Any]] = weakref.WeakKeyDictionary()
"""A statement given to :func:`read_all` (kept while the caller keeps it: a module-level
query) -> schema -> its select of the schema's columns."""
_PLAIN_TYPES = (str, int, bool, Decimal, uuid.UUID, dt.datetime, dt.date, dt.time, dict)
_COMPILED_LIMIT = 1024


async def read_all(session: Any, schema: type[S], statement: sa.Select[Any]) -> list[S]:
    """The rows ``statement`` (a select of one table, ``select(Lead)…``) returns, as ``schema``
    objects (``LeadRead``), through ``session`` (an :class:`AgencySession`)."""
    reader = _reader(schema, _entity(statement))
    by_schema = _LEAN_STATEMENTS.setdefault(statement, {})
    lean = by_schema.get(schema)
    if lean is None:
        lean = statement.with_only_columns(*reader.columns, maintain_column_froms=True)
        by_schema[schema] = lean
    result = await SQLAlchemyAsyncSession.execute(
        session, lean, execution_options={LEAN_ROWS: True}
    )  # SQLAlchemy's execute: rows, where SQLModel's would take the first column of each
    return [reader.build(row) for row in result.all()]


def execute_lean_rows(state: ORMExecuteState) -> sa.Result[Any] | None:
    """``do_orm_execute`` hook, after the scoping one: a :func:`read_all` select runs as its
    cached SQL on the session's connection (a statement with expanding ``IN`` parameters goes
    the usual way)."""
    if not state.execution_options.get(LEAN_ROWS) or not state.is_select:
        return None
    connection = state.session.connection()
    statement: Any = state.statement
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return None
    prepared = _prepared(connection.dialect, statement, cache_key)
    if prepared is None:
        return None
    values = prepared.compiled.construct_params(
        extracted_parameters=cache_key.bindparams, escape_names=False
    )
    parameters = tuple(
        value if process is None else process(value)
        for value, process in zip(
            (values[name] for name in prepared.names), prepared.processors, strict=True
        )
    )
    rows = _driver_rows(connection, prepared.sql, parameters)
    if rows is None:
        return connection.exec_driver_sql(prepared.sql, parameters)
    return IteratorResult(SimpleResultMetaData(prepared.columns), iter(rows))


def _driver_rows(connection: sa.Connection, sql: str, parameters: tuple[Any, ...]) -> Any:
    """The rows of ``sql`` fetched by asyncpg itself inside the connection's transaction, or
    None when the connection is not asyncpg's."""
    adapter: Any = connection.connection.dbapi_connection
    if not is_asyncpg_adapter(adapter):
        return None
    try:
        return run_on_driver(adapter, lambda driver: driver.fetch(sql, *parameters))
    except asyncpg.PostgresError as error:
        raise database_error(error, error.sqlstate) from error


@dataclass(frozen=True)
class _Prepared:
    compiled: SQLCompiler
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    columns: tuple[str, ...]


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
            columns=tuple(str(column[0]) for column in compiled._result_columns),
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
    trusted = schema.model_config.get("extra") != "allow" and not schema.__pydantic_post_init__
    for name, field in schema.model_fields.items():
        convert, plain = _converter(field.annotation)
        trusted = trusted and plain and not field.validate_default
        if convert is not None:
            converters.append((name, convert))
    return _Reader(
        schema=schema,
        columns=tuple(mapper.column_attrs[name].class_attribute for name in names),
        names=names,
        converters=tuple(converters),
        trusted=trusted and not schema.__pydantic_decorators__.model_validators,
        fields_set=set(names),
    )


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


__all__ = ["LEAN_ROWS", "execute_lean_rows", "read_all"]
