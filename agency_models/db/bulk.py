"""Validated bulk writes through ``COPY``: every row checked with its table's Create schema, then
streamed to the server in PostgreSQL's binary format, in a savepoint of the session's
transaction, so a batch lands whole or not at all."""

from __future__ import annotations

import asyncio
import functools
import json
import operator
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, cast, get_origin

import asyncpg
import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

import agency_models
from agency_models.base import AgencyModel, TenantMixin
from agency_models.base.types import is_secret, unwrap
from agency_models.db.errors import database_error
from agency_models.db.session import AgencySession
from agency_models.exceptions import InvalidBatchError, TenantIsolationError
from agency_models.models import Client

_YIELD_EVERY = 1_000
"""Rows validated between two chances for the event loop to send what COPY has buffered."""
_MERGE_EVERY = 5_000
"""Rows per ``INSERT … ON CONFLICT`` of an upsert: the server merges one chunk while the next
is validated."""


@dataclass(frozen=True)
class RejectedRow:
    """A row that failed its table's Create schema: its position in the input and pydantic's
    errors (without the input values)."""

    index: int
    errors: list[ErrorDetails]


@dataclass
class BulkResult:
    inserted: int = 0
    updated: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    accepted: int = field(default=0, repr=False, compare=False)
    """Rows that passed validation (counted while they are streamed)."""


async def bulk_insert(
    session: AgencySession,
    model: type[AgencyModel],
    rows: Iterable[Mapping[str, Any] | BaseModel],
    *,
    reject: Literal["row", "batch"] = "row",
) -> BulkResult:
    """Insert ``rows`` (dicts or ``XCreate`` objects) into ``model``'s table with ``COPY``.

    Each row is validated as ``XCreate``; an invalid row is left out and reported in
    ``rejected`` (``reject="batch"``: nothing is written and :class:`InvalidBatchError` lists
    them). In a tenant-bound session a row without ``client_id`` gets the session's, and a row
    of another client raises :class:`TenantIsolationError` before anything is written. A
    database refusal (a foreign key, a unique index) is the package's typed error, and the
    whole batch is undone.
    """
    plan = _Plan.of(model)
    records, result = _records(plan, rows, session.tenant_id, reject)
    await _copy(session, plan.table.name, plan.columns, records)
    result.inserted = result.accepted
    return result


async def bulk_upsert(
    session: AgencySession,
    model: type[AgencyModel],
    rows: Iterable[Mapping[str, Any] | BaseModel],
    *,
    conflict: str | Sequence[str],
    update: Sequence[str],
    reject: Literal["row", "batch"] = "row",
) -> BulkResult:
    """Insert ``rows`` or, where one conflicts, update its ``update`` columns.

    ``conflict`` is the name of a unique index or constraint of the table (a partial index such
    as ``unique_lead_per_client`` brings its predicate) or its columns. The rows are copied into
    a temporary table and merged with ``INSERT … ON CONFLICT … DO UPDATE``, 5,000 at a time
    (the server merges while the next rows are validated), all in one savepoint. A key the
    batch repeats is refused with :class:`InvalidBatchError` and nothing is written, as one
    ``INSERT … ON CONFLICT`` refuses it. In a tenant-bound session the conflict target must
    include ``client_id``. Validation, tenancy and ``reject`` are as for :func:`bulk_insert`.
    """
    plan = _Plan.of(model)
    target = plan.conflict_target(conflict)
    if session.tenant_id is not None and "client_id" not in target.columns:
        raise TenantIsolationError(
            f"this session is bound to client {session.tenant_id}: an upsert of "
            f"{plan.table.name} must be keyed on client_id"
        )
    updated = [plan.column_name(name) for name in update]
    if "client_id" in updated:
        raise TenantIsolationError(f"an upsert of {plan.table.name} cannot change client_id")
    checked: Iterable[tuple[Any, ...] | RejectedRow]
    if reject == "batch":
        checked, result = plan.validated(rows, session.tenant_id, reject)
    else:
        checked, result = plan.checked(rows, session.tenant_id), BulkResult()
    chunks = target.chunks(checked, result.rejected)
    staging = f"_bulk_{plan.table.name}_{uuid.uuid4().hex[:8]}"
    tally = f"{staging}_tally"
    listed = ", ".join(plan.columns)
    assignments = ", ".join(f"{name} = excluded.{name}" for name in updated)
    predicate = f" WHERE {target.where}" if target.where else ""
    merge = (
        f"WITH merged AS (INSERT INTO {plan.table.name} ({listed}) SELECT {listed} FROM {staging}"
        f" ON CONFLICT ({', '.join(target.columns)}){predicate} DO UPDATE SET {assignments}"
        " RETURNING xmax = 0 AS inserted)"
        f" INSERT INTO {tally} SELECT count(*) FILTER (WHERE inserted), count(*) FROM merged;"
        f" TRUNCATE {staging}"
    )
    async with session.begin_nested():
        connection = await _driver_connection(session)
        try:
            await connection.execute(
                f"CREATE TEMP TABLE {staging} ON COMMIT DROP"
                f" AS SELECT {listed} FROM {plan.table.name} WITH NO DATA;"
                f" CREATE TEMP TABLE {tally} (inserted bigint, merged bigint) ON COMMIT DROP"
            )
            await _merge_chunks(connection, chunks, staging, plan.columns, merge)
            inserted, merged = await connection.fetchrow(
                f"SELECT coalesce(sum(inserted), 0), coalesce(sum(merged), 0) FROM {tally}"
            )
            await connection.execute(f"DROP TABLE {staging}, {tally}")
        except asyncpg.CardinalityViolationError as error:
            raise InvalidBatchError(
                f"rows of the batch repeat a key of {', '.join(target.columns)}: an upsert"
                " merges each key once; nothing written",
                rejected=[],
            ) from error
        except asyncpg.PostgresError as error:
            raise database_error(error, error.sqlstate) from error
    result.inserted = inserted
    result.updated = merged - inserted
    return result


async def _merge_chunks(
    connection: asyncpg.Connection,
    chunks: Iterator[list[tuple[Any, ...]]],
    staging: str,
    columns: list[str],
    merge: str,
) -> None:
    """Copy each chunk into ``staging`` and send its merge, then validate the next chunk while
    the server merges: the merge is one simple-protocol message, on its way before the next
    chunk's validation holds the event loop."""
    merging: asyncio.Future[str] | None = None
    try:
        for chunk in chunks:
            if merging is not None:
                await merging
            await connection.copy_records_to_table(staging, records=chunk, columns=columns)
            merging = asyncio.ensure_future(connection.execute(merge))
            await asyncio.sleep(0)
        if merging is not None:
            await merging
    finally:
        if merging is not None and not merging.done():
            await asyncio.gather(merging, return_exceptions=True)


def _records(
    plan: _Plan,
    rows: Iterable[Mapping[str, Any] | BaseModel],
    tenant: uuid.UUID | None,
    reject: str,
) -> tuple[list[tuple[Any, ...]] | AsyncIterator[tuple[Any, ...]], BulkResult]:
    """The ``COPY`` records of ``rows``: all validated first (``reject="batch"``), or validated
    while ``COPY`` streams the ones before them to the server."""
    if reject == "batch":
        records, result = plan.validated(rows, tenant, reject)
        result.accepted = len(records)
        return records, result
    result = BulkResult()

    async def streamed() -> AsyncIterator[tuple[Any, ...]]:
        for number, checked in enumerate(plan.checked(rows, tenant)):
            if isinstance(checked, RejectedRow):
                result.rejected.append(checked)
                continue
            result.accepted += 1
            yield checked
            if number % _YIELD_EVERY == 0:
                await asyncio.sleep(0)

    return streamed(), result


@dataclass(frozen=True)
class _Conflict:
    """The unique index or constraint an upsert is keyed on."""

    columns: list[str]
    where: str | None
    key_positions: tuple[int, ...]
    """Where a record holds the key, when Python compares keys as the index does (plain columns
    of exact types, and no predicate on the columns written); empty otherwise."""
    nulls_distinct: bool

    def chunks(
        self, checked: Iterable[tuple[Any, ...] | RejectedRow], rejected: list[RejectedRow]
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The accepted records, ``_MERGE_EVERY`` at a time, refusing a key the batch repeats
        before any of it is merged (as one ``INSERT … ON CONFLICT`` refuses it); all in one
        chunk when keys can only be compared by the server."""
        size = _MERGE_EVERY if self.key_positions else 0
        first_seen: dict[tuple[Any, ...], int] = {}
        chunk: list[tuple[Any, ...]] = []
        for index, record in enumerate(checked):
            if isinstance(record, RejectedRow):
                rejected.append(record)
                continue
            if size:
                key = tuple(record[position] for position in self.key_positions)
                if not (self.nulls_distinct and None in key):
                    first = first_seen.setdefault(key, index)
                    if first != index:
                        raise self._repeated(first, index)
            chunk.append(record)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _repeated(self, first: int, index: int) -> InvalidBatchError:
        columns = ", ".join(self.columns)
        error = {
            "type": "repeated_key",
            "loc": tuple(self.columns),
            "msg": f"row {first} of the batch has the same {columns}",
        }
        return InvalidBatchError(
            f"rows {first} and {index} of the batch have the same {columns}: an upsert merges"
            " each key once; nothing written",
            rejected=[RejectedRow(index, [cast(ErrorDetails, error)])],
        )


@dataclass(frozen=True)
class _Plan:
    """How the rows of one table are validated and laid out for ``COPY``."""

    model: type[AgencyModel]
    create: type[BaseModel]
    table: sa.Table
    fields: tuple[str, ...]
    columns: list[str]
    encoders: tuple[tuple[int, Callable[[Any], Any]], ...]
    """Position -> what turns a validated value into what asyncpg writes, for the fields whose
    values are not written as they are (enums, lists, models, ``jsonb``)."""

    @classmethod
    def of(cls, model: type[AgencyModel]) -> _Plan:
        create = getattr(agency_models, f"{model.__name__}Create")
        if any(is_secret(info.annotation) for info in create.model_fields.values()):
            raise TypeError(
                f"{model.__name__} rows are built with an encryption hook "
                f"({model.__name__}.from_create); they cannot be bulk-inserted from plaintext"
            )
        attributes = sa.inspect(model).column_attrs
        fields = tuple(name for name in create.model_fields if name in attributes)
        columns = [attributes[name].columns[0] for name in fields]
        return cls(
            model=model,
            create=create,
            table=model.__table__,  # type: ignore[attr-defined]
            fields=fields,
            columns=[column.name for column in columns],
            encoders=tuple(
                (position, encode)
                for position, (name, column) in enumerate(zip(fields, columns, strict=True))
                if (encode := _encoder(create.model_fields[name].annotation, column)) is not None
            ),
        )

    def column_name(self, field_name: str) -> str:
        attributes = sa.inspect(self.model).column_attrs
        if field_name not in attributes:
            raise ValueError(f"{self.model.__name__} has no column {field_name!r}")
        return str(attributes[field_name].columns[0].name)

    def conflict_target(self, conflict: str | Sequence[str]) -> _Conflict:
        if not isinstance(conflict, str):
            return self._conflict([self.column_name(name) for name in conflict], None, {})
        for index in self.table.indexes:
            if index.name == conflict and index.unique:
                options = index.dialect_options["postgresql"]
                where = options.get("where")
                columns = [column.name for column in index.columns]
                return self._conflict(columns, None if where is None else str(where), options)
        for constraint in self.table.constraints:
            if constraint.name == conflict and isinstance(
                constraint, (sa.UniqueConstraint, sa.PrimaryKeyConstraint)
            ):
                columns = [column.name for column in constraint.columns]
                return self._conflict(columns, None, constraint.dialect_options["postgresql"])
        raise ValueError(f"{self.table.name} has no unique index or constraint {conflict!r}")

    def _conflict(
        self, columns: list[str], where: str | None, options: Mapping[str, Any]
    ) -> _Conflict:
        exact = all(
            name in self.columns and _compares_as_in_python(self.table.c[name].type)
            for name in columns
        ) and not (where and any(re.search(rf"\b{name}\b", where) for name in self.columns))
        positions = [self.columns.index(name) for name in columns] if exact else []
        return _Conflict(
            columns=columns,
            where=where,
            key_positions=tuple(positions),
            nulls_distinct=not options.get("nulls_not_distinct"),
        )

    def checked(
        self, rows: Iterable[Mapping[str, Any] | BaseModel], tenant: uuid.UUID | None
    ) -> Iterator[tuple[Any, ...] | RejectedRow]:
        """Each row as its ``COPY`` record, or rejected; a row of another tenant raises."""
        tenant_owned = issubclass(self.model, TenantMixin)
        if tenant is not None and self.model is Client:
            raise TenantIsolationError(f"this session is bound to client {tenant}: no new clients")
        for index, row in enumerate(rows):
            try:
                create = self._create(row, tenant if tenant_owned else None)
            except ValidationError as error:
                yield RejectedRow(index, error.errors(include_input=False))
                continue
            if tenant_owned and tenant is not None and create.client_id != tenant:
                raise TenantIsolationError(
                    f"this session is bound to client {tenant}; refusing to write "
                    f"{self.model.__name__} of client {create.client_id}"
                )
            yield self._record(create)

    def validated(
        self,
        rows: Iterable[Mapping[str, Any] | BaseModel],
        tenant: uuid.UUID | None,
        reject: str,
    ) -> tuple[list[tuple[Any, ...]], BulkResult]:
        """Every row checked before anything is written."""
        records: list[tuple[Any, ...]] = []
        result = BulkResult()
        for checked in self.checked(rows, tenant):
            if isinstance(checked, RejectedRow):
                result.rejected.append(checked)
            else:
                records.append(checked)
        if result.rejected and reject == "batch":
            raise InvalidBatchError(
                f"{len(result.rejected)} of the rows fail {self.create.__name__}; nothing written",
                rejected=result.rejected,
            )
        return records, result

    def _create(self, row: Mapping[str, Any] | BaseModel, tenant: uuid.UUID | None) -> Any:
        if isinstance(row, self.create):
            return row
        payload = row.model_dump() if isinstance(row, BaseModel) else dict(row)
        if tenant is not None:
            payload.setdefault("client_id", tenant)
        return self.create.model_validate(payload)

    def _record(self, create: Any) -> tuple[Any, ...]:
        values: tuple[Any, ...] = self.values_of(create.__dict__)
        if not any(values[position] is not None for position, _ in self.encoders):
            return values
        record = list(values)
        for position, encode in self.encoders:
            if record[position] is not None:
                record[position] = encode(record[position])
        return tuple(record)

    @functools.cached_property
    def values_of(self) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
        getter = operator.itemgetter(*self.fields)
        if len(self.fields) == 1:
            return lambda values: (getter(values),)
        return getter


def _compares_as_in_python(column_type: sa.types.TypeEngine[Any]) -> bool:
    """Whether two values of the column are equal in PostgreSQL exactly when their Python values
    are (text under the default, deterministic collation, uuids, integers, booleans, dates)."""
    if isinstance(column_type, sa.TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, sa.String):
        return column_type.collation is None
    return isinstance(column_type, (sa.Uuid, sa.Integer, sa.Boolean, sa.Date))


def _encoder(annotation: Any, column: sa.Column[Any]) -> Callable[[Any], Any] | None:
    """What a field's validated values need before asyncpg writes them, or None (written as
    they are: text, numbers, uuids, dates and times)."""
    if isinstance(column.type, sa.JSON):
        return _json_text
    value_type = unwrap(annotation)
    if isinstance(value_type, type) and issubclass(value_type, (Enum, BaseModel)):
        return _plain
    if get_origin(value_type) is list:
        return _plain
    return None


def _json_text(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, allow_nan=False)


def _plain(value: Any) -> Any:
    """``value`` as asyncpg encodes it: enum members as their labels, models as JSON data."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


async def _driver_connection(session: AgencySession) -> asyncpg.Connection:
    """The asyncpg connection under the session's current transaction (begun, so ``COPY``
    runs inside it)."""
    connection = await session.connection()
    await connection.exec_driver_sql("SELECT 1")
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def _copy(
    session: AgencySession,
    table: str,
    columns: list[str],
    records: list[tuple[Any, ...]] | AsyncIterator[tuple[Any, ...]],
) -> None:
    async with session.begin_nested():
        connection = await _driver_connection(session)
        try:
            await connection.copy_records_to_table(table, records=records, columns=columns)
        except asyncpg.PostgresError as error:
            raise database_error(error, error.sqlstate) from error
