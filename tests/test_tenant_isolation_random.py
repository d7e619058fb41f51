"""Thousands of seeded random reads and writes in tenant-bound sessions, each hole the tenant
guard ever had among them, against three tenants with a row in every table: another tenant's
rows are never returned, changed, moved or deleted (their fingerprints, every column of every
row, are compared around each operation).

``AGENCY_MODELS_ISOLATION_OPERATIONS`` (default 2,000) and ``AGENCY_MODELS_ISOLATION_SEED``
(default 20261202) choose how many operations and which.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import delete, select, update

from agency_models import TenantIsolationError
from agency_models.base import AgencyModel, TenantMixin, mapper_registry
from agency_models.db import AgencySession, allow_hard_delete, create_engine, get_db_session
from agency_models.migrations.environment import run_sync
from factories import bind_factories, create_row_per_table
from factories.tables import ClientFactory
from factories.testdb import libpq_dsn, throwaway_database

OPERATIONS = int(os.environ.get("AGENCY_MODELS_ISOLATION_OPERATIONS", "2000"))
SEED = int(os.environ.get("AGENCY_MODELS_ISOLATION_SEED", "20261202"))

MODELS: list[type[AgencyModel]] = sorted(
    (mapper.class_ for mapper in mapper_registry.mappers if issubclass(mapper.class_, TenantMixin)),
    key=lambda model: model.__tablename__,
)
Row = dict[str, AgencyModel]


@dataclass
class World:
    url: URL
    tenants: list[uuid.UUID]
    rows: dict[uuid.UUID, Row]
    """Tenant -> table name -> its row."""


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with throwaway_database() as url:
        yield run_sync(_build(url))


async def _build(url: URL) -> World:
    engine = create_engine(url, poolclass=sa.NullPool)
    rows: dict[uuid.UUID, Row] = {}
    async with AgencySession(engine, expire_on_commit=False) as session:
        with bind_factories(session):
            for _ in range(3):
                client = await ClientFactory.create_async()
                rows[client.id] = await create_row_per_table(client.id)
        await session.commit()
    await engine.dispose()
    return World(url, list(rows), rows)


def _fingerprint_sql() -> str:
    parts = ["SELECT 'clients', t.id, md5(t::text) FROM clients t WHERE t.id = ANY($1)"]
    for model in MODELS:
        table = model.__tablename__
        parts.append(
            f"SELECT '{table}', t.client_id, md5(string_agg(t::text, '|' ORDER BY t.id))"
            f" FROM {table} t WHERE t.client_id = ANY($1) GROUP BY t.client_id"
        )
    return " UNION ALL ".join(parts)


FINGERPRINTS = _fingerprint_sql()


def touch_column(model: type[AgencyModel]) -> str:
    """A plain column an UPDATE can set to itself (``updated_at`` moves where the table has it,
    so a leaked write shows in the fingerprint)."""
    table = model.__table__  # type: ignore[attr-defined]
    keys = {
        column.name
        for constraint in table.constraints
        for column in getattr(constraint, "columns", ())
    }
    return next(
        attribute.key
        for attribute in sa.inspect(model).column_attrs
        if attribute.columns[0].name not in keys
        and attribute.key not in ("created_at", "deleted_at")
    )


def detached_copy(row: AgencyModel, **changes: Any) -> Any:
    copy = type(row).model_validate({**row.model_dump(), **changes})
    make_transient_to_detached(copy)
    return copy


def has_tenant_id_key(model: type[AgencyModel]) -> bool:
    table = model.__table__  # type: ignore[attr-defined]
    return any(
        isinstance(constraint, sa.UniqueConstraint)
        and [column.name for column in constraint.columns] == ["client_id", "id"]
        for constraint in table.constraints
    )


@dataclass
class Move:
    actor: uuid.UUID
    model: type[AgencyModel]
    own: AgencyModel
    theirs: AgencyModel

    @property
    def table(self) -> Any:
        return self.model.__table__  # type: ignore[attr-defined]


Operation = Callable[[AgencySession, Move], Awaitable[None]]


async def read_all(session: AgencySession, move: Move) -> None:
    rows = (await session.exec(select(move.model))).all()
    assert {row.client_id for row in rows} <= {move.actor}  # type: ignore[attr-defined]


async def read_theirs(session: AgencySession, move: Move) -> None:
    theirs = move.theirs.id  # type: ignore[attr-defined]
    assert (await session.exec(select(move.model).where(move.model.id == theirs))).all() == []  # type: ignore[attr-defined]
    assert await session.get(move.model, theirs) is None


async def update_theirs(session: AgencySession, move: Move) -> None:
    column = getattr(move.model, touch_column(move.model))
    statement = update(move.model).where(move.model.id == move.theirs.id).values({column: column})  # type: ignore[attr-defined]
    assert (await session.exec(statement)).rowcount == 0


async def delete_theirs(session: AgencySession, move: Move) -> None:
    statement = delete(move.model).where(move.model.id == move.theirs.id)  # type: ignore[attr-defined]
    result = await session.exec(statement.execution_options(allow_hard_delete=True))
    assert result.rowcount == 0


async def update_own(session: AgencySession, move: Move) -> None:
    column = getattr(move.model, touch_column(move.model))
    statement = update(move.model).where(move.model.id == move.own.id).values({column: column})  # type: ignore[attr-defined]
    assert (await session.exec(statement)).rowcount == 1


async def core_update(session: AgencySession, move: Move) -> None:
    name = touch_column(move.model)
    column = move.table.c[sa.inspect(move.model).column_attrs[name].columns[0].name]
    await session.exec(
        sa.update(move.table).where(move.table.c.id == move.theirs.id).values({column: column})
    )  # type: ignore[attr-defined]


async def core_select(session: AgencySession, move: Move) -> None:
    await session.exec(sa.select(move.table.c.id))


async def unmapped_delete(session: AgencySession, move: Move) -> None:
    unmapped = sa.table(move.table.name, sa.column("id"))
    await session.exec(sa.delete(unmapped).where(sa.column("id") == move.theirs.id))  # type: ignore[attr-defined]


async def text_write(session: AgencySession, move: Move) -> None:
    await session.exec(
        sa.text(f"DELETE FROM {move.table.name} WHERE id = :id"),
        params={"id": move.theirs.id},  # type: ignore[attr-defined]
    )


async def text_read(session: AgencySession, move: Move) -> None:
    await session.exec(sa.text(f"SELECT * FROM {move.table.name}"))


async def insert_into_theirs(session: AgencySession, move: Move) -> None:
    values = {
        attribute.columns[0].name: getattr(move.theirs, attribute.key)
        for attribute in sa.inspect(move.model).column_attrs
        if getattr(move.theirs, attribute.key) is not None
    }
    await session.exec(sa.insert(move.table).values({**values, "id": uuid.uuid4()}))


async def upsert_moving_own(session: AgencySession, move: Move) -> None:
    values = {
        attribute.columns[0].name: getattr(move.own, attribute.key)
        for attribute in sa.inspect(move.model).column_attrs
        if getattr(move.own, attribute.key) is not None
    }
    statement = postgresql.insert(move.table).values(values)
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["client_id", "id"],
            set_={"client_id": move.theirs.client_id},  # type: ignore[attr-defined]
        )
    )


async def delete_detached(session: AgencySession, move: Move) -> None:
    copy = detached_copy(move.theirs)
    session.add(copy)
    await session.delete(copy)
    async with allow_hard_delete(session):
        pass


async def relabel_detached(session: AgencySession, move: Move) -> None:
    copy = detached_copy(move.theirs, client_id=move.actor)
    session.add(copy)
    flag_modified(copy, touch_column(move.model))
    await session.flush()


async def merge_theirs(session: AgencySession, move: Move) -> None:
    merged = await session.merge(detached_copy(move.theirs, client_id=move.actor), load=False)
    flag_modified(merged, touch_column(move.model))
    await session.flush()


async def refresh_detached(session: AgencySession, move: Move) -> None:
    copy = detached_copy(move.theirs)
    session.add(copy)
    try:
        await session.refresh(copy)
    except sa.exc.InvalidRequestError:
        assert sa.inspect(copy).dict.get("id") in (None, move.theirs.id)  # type: ignore[attr-defined]
        raise TenantIsolationError("refresh found no row of the tenant") from None
    raise AssertionError(f"refreshed a row of another tenant: {move.model.__name__}")


ALLOWED: list[Operation] = [read_all, read_theirs, update_theirs, delete_theirs, update_own]
"""Statements the guard scopes: they run, and touch nothing of another tenant."""
REFUSED: list[Operation] = [
    core_update,
    core_select,
    unmapped_delete,
    text_write,
    text_read,
    insert_into_theirs,
    delete_detached,
    relabel_detached,
    merge_theirs,
    refresh_detached,
]
"""What the guard cannot scope: each raises ``TenantIsolationError``."""


async def fingerprints(
    connection: asyncpg.Connection, tenants: list[uuid.UUID]
) -> set[tuple[Any, ...]]:
    return {tuple(row) for row in await connection.fetch(FINGERPRINTS, tenants)}


async def test_random_operations_never_reach_another_tenant(world):
    rng = random.Random(SEED)
    engine = create_engine(world.url, poolclass=sa.NullPool)
    watcher = await asyncpg.connect(libpq_dsn(world.url))
    outcomes = {"allowed": 0, "refused": 0}
    try:
        for number in range(OPERATIONS):
            actor, victim = rng.sample(world.tenants, 2)
            model = rng.choice(MODELS)
            refuse = rng.random() < 0.6
            operations = REFUSED if refuse else ALLOWED
            if has_tenant_id_key(model) and refuse and rng.random() < 0.1:
                operation: Operation = upsert_moving_own
            else:
                operation = rng.choice(operations)
            table = model.__tablename__
            move = Move(actor, model, world.rows[actor][table], world.rows[victim][table])
            others = [tenant for tenant in world.tenants if tenant != actor]
            before = await fingerprints(watcher, others)
            what = f"#{number} {operation.__name__} on {table}"
            try:
                async with get_db_session(client_id=actor, engine=engine) as session:
                    await operation(session, move)
            except TenantIsolationError:
                assert refuse, f"{what}: refused a scoped statement"
                outcomes["refused"] += 1
            else:
                assert not refuse, f"{what}: ran although it cannot be scoped"
                outcomes["allowed"] += 1
            assert await fingerprints(watcher, others) == before, f"{what} changed another tenant"
    finally:
        await watcher.close()
        await engine.dispose()
    assert outcomes["refused"] > OPERATIONS / 3
    assert outcomes["allowed"] > OPERATIONS / 5
