"""The rules services rely on in the twelve tables revisions 008 to 012 added (lead pool, social
posts, conversion patterns, resources, personas, LinkedIn, client intelligence, SDK usage),
checked on PostgreSQL through the ORM and through SQL that bypasses it; the resource pool's
assignment count also under concurrent connections, on a database of this module's own."""

from __future__ import annotations

import ast
import asyncio
import importlib
import math
import pkgutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, get_origin

import annotated_types
import asyncpg
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from pydantic import ValidationError
from sqlalchemy.engine import URL
from sqlalchemy.orm import configure_mappers, selectinload
from sqlmodel import col, select

import agency_models
import agency_models.models
from agency_models import (
    BOUNCE_THRESHOLDS,
    COMPLAINT_THRESHOLDS,
    HEALTH_DAILY_LIMITS,
    LINKEDIN_WARMUP_SCHEDULE,
    MAILBOXES_PER_DOMAIN,
    PERSONA_ALLOCATIONS,
    TIER_ALLOCATIONS,
    AgencyModelsError,
    Client,
    ClientIntelligence,
    ClientIntelligenceCreate,
    ClientIntelligenceRead,
    ClientResource,
    ClientResourceCreate,
    ConversionPattern,
    HealthStatus,
    Lead,
    LeadPool,
    LeadPoolCreate,
    LeadSocialPost,
    LeadSocialPostCreate,
    LeadSocialPostRead,
    LinkedInConnection,
    PatternType,
    ResourcePool,
    ResourceType,
    SDKUsageLog,
    SDKUsageLogCreate,
    SocialProfiles,
    TierType,
    health_status,
    linkedin_warmup_limit,
    metadata,
)
from agency_models.base import mapper_registry
from agency_models.base.types import annotated_metadata, unwrap
from agency_models.db import allow_hard_delete
from agency_models.migrations import script_location
from factories import tables
from factories.base import unique_domain
from factories.tables import (
    CampaignFactory,
    CampaignResourceFactory,
    ClientFactory,
    ClientIntelligenceFactory,
    ClientResourceFactory,
    ConversionPatternFactory,
    LeadFactory,
    LeadPoolFactory,
    LeadSocialPostFactory,
    LinkedInConnectionFactory,
    ResourcePoolFactory,
    SDKUsageLogFactory,
)
from factories.tenant import create_row_per_table
from factories.testdb import libpq_dsn, throwaway_database

UNIQUE, FOREIGN_KEY, CHECK, BAD_ENUM_LABEL = "23505", "23503", "23514", "22P02"
SERIALIZATION_FAILURE = "40001"


def _tables_created_by_revisions(first: int, last: int) -> list[str]:
    """The tables the revisions ``first``..``last`` create (their ``op.create_table`` calls)."""
    names = []
    for revision in ScriptDirectory(str(script_location())).walk_revisions():
        if first <= int(revision.revision) <= last:
            tree = ast.parse(Path(revision.path).read_text())
            names += [
                node.args[0].value
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "create_table"
                and isinstance(node.args[0], ast.Constant)
            ]
    return sorted(names)


MODELS = {mapper.class_.__tablename__: mapper.class_ for mapper in mapper_registry.mappers}
NEW_TABLES = {name: MODELS[name] for name in _tables_created_by_revisions(8, 12)}


def factory_for(model: Any) -> Any:
    return getattr(tables, f"{model.__name__}Factory")


def read_schema_for(model: Any) -> Any:
    return getattr(agency_models, f"{model.__name__}Read")


def foreign_key(model: Any, target: str) -> str:
    (constraint,) = [
        constraint
        for constraint in model.__table__.foreign_key_constraints
        if constraint.referred_table.name == target
    ]
    return constraint.name


async def run(session: Any, sql: str, **params: Any) -> None:
    await session.exec(sa.text(sql), params=params)


async def fetch_one(session: Any, sql: str, **params: Any) -> tuple[Any, ...] | None:
    row = (await session.exec(sa.text(sql), params=params)).one_or_none()
    return None if row is None else tuple(row)


async def add_and_flush(session: Any, *rows: Any) -> None:
    session.add_all(rows)
    await session.flush()


def sqlstate_of(error: BaseException) -> str:
    cause = error.orig if isinstance(error, sa.exc.DBAPIError) else error.__cause__
    return str(cause.sqlstate)


async def refused(
    session: Any,
    write: Callable[[], Awaitable[object]],
    sqlstate: str,
    constraint: str | None = None,
) -> None:
    """``write`` fails with ``sqlstate`` (naming ``constraint``), rolled back to a savepoint of
    its own so the test goes on."""
    with pytest.raises((AgencyModelsError, sa.exc.DBAPIError)) as raised:
        async with session.begin_nested():
            await write()
    assert sqlstate_of(raised.value) == sqlstate, raised.value
    if constraint is not None:
        assert raised.value.constraint == constraint


def error_fields(error: ValidationError) -> set[str]:
    return {str(detail["loc"][0]) for detail in error.errors()}


# Live rows: uniqueness that a soft delete (or a release) frees.

LIVE_UNIQUE = [
    pytest.param(model, index, id=index.name)
    for model in NEW_TABLES.values()
    for index in sorted(model.__table__.indexes, key=lambda index: index.name)
    if index.unique and str(index.dialect_options["postgresql"]["where"]).endswith(" IS NULL")
]


@pytest.mark.parametrize(("model", "index"), LIVE_UNIQUE)
async def test_a_live_unique_key_refuses_a_second_live_row_and_is_freed_by_a_soft_delete(
    agency_session, model, index
):
    table = model.__tablename__
    live = str(index.dialect_options["postgresql"]["where"]).split()[0]
    factory = factory_for(model)
    first = await factory.create_async(
        **{c.key: f"{c.key}-{uuid.uuid4().hex}" for c in index.columns if c.nullable}
    )
    key = {column.key: getattr(first, column.key) for column in index.columns}

    await refused(agency_session, partial(factory.create_async, **key), UNIQUE, index.name)
    built = factory.build(**key)
    required = {
        c.key for c in model.__table__.columns if not c.nullable and c.server_default is None
    }
    values = {name: getattr(built, name) for name in sorted({*key, *required} - {"id"})}
    insert = (
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join(f':{n}' for n in values)})"
    )
    await refused(agency_session, partial(run, agency_session, insert, **values), UNIQUE)

    setattr(first, live, datetime.now(UTC))
    await agency_session.flush()
    second = await factory.create_async(**key)
    assert second.id != first.id

    revive = f"UPDATE {table} SET {live} = NULL WHERE id = :id"
    await refused(agency_session, partial(run, agency_session, revive, id=first.id), UNIQUE)
    setattr(first, live, None)
    await refused(agency_session, agency_session.flush, UNIQUE, index.name)


# LeadPool


async def pool_assignment(session: Any, pool_id: uuid.UUID) -> tuple[Any, ...] | None:
    return await fetch_one(
        session, "SELECT client_id, campaign_id FROM lead_pool WHERE id = :id", id=pool_id
    )


async def test_a_pooled_email_is_unique_platform_wide_whatever_its_case(agency_session):
    mine, theirs = await CampaignFactory.create_async(), await CampaignFactory.create_async()
    await LeadPoolFactory.create_async(
        email="jane.doe@acme.com", client_id=mine.client_id, campaign_id=mine.id
    )

    create = LeadPoolCreate.model_validate({"email": "  Jane.Doe@ACME.com "})
    assert create.email == "jane.doe@acme.com"
    other_client = LeadPool.model_validate(create, update={"client_id": theirs.client_id})
    write = partial(add_and_flush, agency_session, other_client)
    await refused(agency_session, write, UNIQUE, "unique_email_in_pool")

    insert = "INSERT INTO lead_pool (email) VALUES (:email)"
    for spelling in ("Jane.Doe@acme.com", " jane.doe@acme.com"):
        write = partial(run, agency_session, insert, email=spelling)
        await refused(agency_session, write, CHECK, "ck_lead_pool_email_normalized")
    await refused(
        agency_session, partial(run, agency_session, insert, email="jane.doe@acme.com"), UNIQUE
    )


@pytest.mark.parametrize("writer", ["orm", "sql"])
@pytest.mark.parametrize("deleted", ["client", "campaign"])
async def test_deleting_the_assigned_client_or_campaign_keeps_the_pool_lead(
    agency_session, deleted, writer
):
    campaign = await CampaignFactory.create_async()
    pool = await LeadPoolFactory.create_async(client_id=campaign.client_id, campaign_id=campaign.id)
    target = (
        await agency_session.get(Client, campaign.client_id) if deleted == "client" else campaign
    )
    if writer == "orm":
        async with allow_hard_delete(agency_session):
            await agency_session.delete(target)
    else:
        await run(
            agency_session, f"DELETE FROM {target.__tablename__} WHERE id = :id", id=target.id
        )

    expected = (None, None) if deleted == "client" else (campaign.client_id, None)
    assert await pool_assignment(agency_session, pool.id) == expected


async def _orm_insert_with(session, pool, mine, theirs):
    stray = LeadPoolFactory.build(client_id=mine.client_id, campaign_id=theirs.id)
    await add_and_flush(session, stray)


CROSS_CLIENT = [
    pytest.param(_orm_insert_with, FOREIGN_KEY, id="orm-insert-with-another-clients-campaign"),
    pytest.param(
        "UPDATE lead_pool SET campaign_id = :theirs_campaign WHERE id = :pool",
        FOREIGN_KEY,
        id="sql-point-at-another-clients-campaign",
    ),
    pytest.param(
        "UPDATE lead_pool SET client_id = :theirs_client WHERE id = :pool",
        FOREIGN_KEY,
        id="sql-reassign-the-client-keeping-the-campaign",
    ),
    pytest.param(
        "INSERT INTO lead_pool (email, campaign_id) VALUES ('x@y.co', :mine_campaign)",
        CHECK,
        id="sql-insert-a-campaign-without-a-client",
    ),
    pytest.param(
        "UPDATE lead_pool SET campaign_id = :mine_campaign WHERE id = :unassigned",
        CHECK,
        id="sql-give-an-unassigned-lead-a-campaign",
    ),
]


@pytest.mark.parametrize(("write", "sqlstate"), CROSS_CLIENT)
async def test_a_pool_lead_points_only_at_a_campaign_of_its_client(agency_session, write, sqlstate):
    mine, theirs = await CampaignFactory.create_async(), await CampaignFactory.create_async()
    pool = await LeadPoolFactory.create_async(client_id=mine.client_id, campaign_id=mine.id)
    unassigned = await LeadPoolFactory.create_async()
    if isinstance(write, str):
        ids = {
            "pool": pool.id,
            "unassigned": unassigned.id,
            "mine_campaign": mine.id,
            "theirs_campaign": theirs.id,
            "theirs_client": theirs.client_id,
        }
        write = partial(run, agency_session, write, **ids)
    else:
        write = partial(write, agency_session, pool, mine, theirs)
    constraint = {
        FOREIGN_KEY: foreign_key(LeadPool, "campaigns"),
        CHECK: "ck_lead_pool_campaign_needs_client",
    }[sqlstate]
    await refused(agency_session, write, sqlstate, constraint)
    assert await pool_assignment(agency_session, pool.id) == (mine.client_id, mine.id)
    assert await pool_assignment(agency_session, unassigned.id) == (None, None)


async def _orm_unassign(session, pool, theirs):
    pool.client_id = None
    await session.flush()


RELEASES = [
    pytest.param(_orm_unassign, "released", id="orm-clear-the-client"),
    pytest.param(
        "UPDATE lead_pool SET client_id = NULL WHERE id = :pool", "released", id="sql-clear"
    ),
    pytest.param(
        "UPDATE lead_pool SET client_id = NULL, campaign_id = campaign_id WHERE id = :pool",
        "released",
        id="sql-clear-the-client-and-restate-the-campaign",
    ),
    pytest.param(
        "UPDATE lead_pool SET client_id = client_id WHERE id = :pool",
        "kept",
        id="sql-restate-the-client",
    ),
    pytest.param(
        "UPDATE lead_pool SET client_id = :theirs_client, campaign_id = :theirs_campaign"
        " WHERE id = :pool",
        "moved",
        id="sql-move-to-another-client-and-campaign",
    ),
]


@pytest.mark.parametrize(("write", "outcome"), RELEASES)
async def test_release_campaign_drops_the_campaign_when_the_client_is_cleared(
    agency_session, write, outcome
):
    mine, theirs = await CampaignFactory.create_async(), await CampaignFactory.create_async()
    pool = await LeadPoolFactory.create_async(client_id=mine.client_id, campaign_id=mine.id)
    if isinstance(write, str):
        ids = {"pool": pool.id, "theirs_client": theirs.client_id, "theirs_campaign": theirs.id}
        await run(agency_session, write, **ids)
    else:
        await write(agency_session, pool, theirs)
    expected = {
        "released": (None, None),
        "kept": (mine.client_id, mine.id),
        "moved": (theirs.client_id, theirs.id),
    }[outcome]
    assert await pool_assignment(agency_session, pool.id) == expected


async def test_a_lead_refers_to_an_existing_pool_record_and_outlives_it(agency_session):
    pool = await LeadPoolFactory.create_async()
    lead = await LeadFactory.create_async(lead_pool_id=pool.id, email=pool.email)
    sql = "UPDATE leads SET lead_pool_id = :pool WHERE id = :id"
    write = partial(run, agency_session, sql, pool=uuid.uuid4(), id=lead.id)
    await refused(agency_session, write, FOREIGN_KEY, foreign_key(Lead, "lead_pool"))

    agency_session.expunge_all()
    loaded = (
        await agency_session.exec(
            select(LeadPool).where(LeadPool.id == pool.id).options(selectinload(LeadPool.leads))
        )
    ).one()
    assert [item.id for item in loaded.leads] == [lead.id]

    await run(agency_session, "DELETE FROM lead_pool WHERE id = :id", id=pool.id)
    assert await fetch_one(
        agency_session, "SELECT lead_pool_id, email FROM leads WHERE id = :id", id=lead.id
    ) == (None, pool.email)


# ResourcePool / ClientResource: capacity and the assignment count.


@dataclass
class Assignments:
    """``resource``'s live and released assignments, one live assignment of ``other``, and
    two clients with no assignment yet; ``ids`` names them all for SQL (taken when created:
    a rolled-back savepoint expires the objects)."""

    resource: ResourcePool
    other: ResourcePool
    live: list[ClientResource]
    released: ClientResource
    ids: dict[str, uuid.UUID]


async def assignments(*, max_clients: int = 3, live: int = 1) -> Assignments:
    resource = await ResourcePoolFactory.create_async(max_clients=max_clients)
    other = await ResourcePoolFactory.create_async(max_clients=3)
    held = await ClientResourceFactory.create_batch_async(live, resource_pool_id=resource.id)
    released = await ClientResourceFactory.create_async(
        resource_pool_id=resource.id, released_at=datetime.now(UTC)
    )
    elsewhere = await ClientResourceFactory.create_async(resource_pool_id=other.id)
    spare = [(await ClientFactory.create_async()).id for _ in range(2)]
    ids = {
        "resource": resource.id,
        "other": other.id,
        "live": held[0].id,
        "live_client": held[0].client_id,
        "released": released.id,
        "elsewhere": elsewhere.id,
        "spare": spare[0],
        "spare2": spare[1],
    }
    return Assignments(resource, other, held, released, ids)


COUNT_SQL = """
SELECT r.current_clients, count(a.id) FILTER (WHERE a.released_at IS NULL)
FROM resource_pool r LEFT JOIN client_resources a ON a.resource_pool_id = r.id
WHERE r.id = $1 GROUP BY r.id
"""


async def counted(session: Any, state: Assignments) -> tuple[int, int]:
    """``current_clients`` of ``resource`` and ``other``, each checked against its live
    assignments."""
    connection = await (await session.connection()).get_raw_connection()
    counts = []
    for name in ("resource", "other"):
        current, live = await connection.driver_connection.fetchrow(COUNT_SQL, state.ids[name])
        assert current == live, name
        counts.append(current)
    return counts[0], counts[1]


async def _sql_write(sql: str, session: Any, state: Assignments) -> None:
    await run(session, sql, **state.ids)


async def _orm_assign(session: Any, state: Assignments) -> None:
    create = ClientResourceCreate(
        client_id=state.ids["spare"], resource_pool_id=state.ids["resource"]
    )
    session.add(ClientResource.model_validate(create))


async def _orm_release(session: Any, state: Assignments) -> None:
    state.live[0].released_at = datetime.now(UTC)


async def _orm_restore(session: Any, state: Assignments) -> None:
    state.released.released_at = None


async def _orm_delete(session: Any, state: Assignments) -> None:
    await session.delete(state.live[0])


async def _orm_move(session: Any, state: Assignments) -> None:
    state.live[0].resource_pool_id = state.ids["other"]


def _sql(name: str, sql: str, *expected: Any) -> Any:
    return pytest.param(partial(_sql_write, sql), *expected, id=f"sql-{name}")


COUNTED_WRITES = [
    pytest.param(_orm_assign, (2, 1), id="orm-assign"),
    pytest.param(_orm_release, (0, 1), id="orm-release"),
    pytest.param(_orm_restore, (2, 1), id="orm-restore"),
    pytest.param(_orm_delete, (0, 1), id="orm-delete-live"),
    pytest.param(_orm_move, (0, 2), id="orm-move"),
    _sql(
        "assign",
        "INSERT INTO client_resources (client_id, resource_pool_id) VALUES (:spare, :resource)",
        (2, 1),
    ),
    _sql(
        "assign-two-in-one-statement",
        "INSERT INTO client_resources (client_id, resource_pool_id)"
        " SELECT id, CAST(:resource AS uuid) FROM clients WHERE id IN (:spare, :spare2)",
        (3, 1),
    ),
    _sql(
        "insert-already-released",
        "INSERT INTO client_resources (client_id, resource_pool_id, released_at)"
        " VALUES (:spare, :resource, now())",
        (1, 1),
    ),
    _sql("release", "UPDATE client_resources SET released_at = now() WHERE id = :live", (0, 1)),
    _sql(
        "release-again",
        "UPDATE client_resources SET released_at = now() WHERE id = :released",
        (1, 1),
    ),
    _sql(
        "release-every-assignment",
        "UPDATE client_resources SET released_at = coalesce(released_at, now())"
        " WHERE resource_pool_id = :resource",
        (0, 1),
    ),
    _sql("restore", "UPDATE client_resources SET released_at = NULL WHERE id = :released", (2, 1)),
    _sql(
        "record-usage",
        "UPDATE client_resources SET total_sends = total_sends + 10, last_used_at = now()"
        " WHERE id = :live",
        (1, 1),
    ),
    _sql("delete-live", "DELETE FROM client_resources WHERE id = :live", (0, 1)),
    _sql("delete-released", "DELETE FROM client_resources WHERE id = :released", (1, 1)),
    _sql("move", "UPDATE client_resources SET resource_pool_id = :other WHERE id = :live", (0, 2)),
    _sql(
        "move-released",
        "UPDATE client_resources SET resource_pool_id = :other WHERE id = :released",
        (1, 1),
    ),
    _sql("delete-the-client", "DELETE FROM clients WHERE id = :live_client", (0, 1)),
]


@pytest.mark.parametrize(("write", "expected"), COUNTED_WRITES)
async def test_current_clients_always_equals_the_live_assignments(agency_session, write, expected):
    state = await assignments()
    assert await counted(agency_session, state) == (1, 1)
    await write(agency_session, state)
    await agency_session.flush()
    assert await counted(agency_session, state) == expected


BEYOND_CAPACITY = [
    pytest.param(_orm_assign, id="orm-assign"),
    _sql(
        "assign",
        "INSERT INTO client_resources (client_id, resource_pool_id) VALUES (:spare, :resource)",
    ),
    _sql("restore", "UPDATE client_resources SET released_at = NULL WHERE id = :released"),
    _sql(
        "move-here",
        "UPDATE client_resources SET resource_pool_id = :resource WHERE id = :elsewhere",
    ),
    _sql("lower-max-clients", "UPDATE resource_pool SET max_clients = 1 WHERE id = :resource"),
]


@pytest.mark.parametrize("write", BEYOND_CAPACITY)
async def test_a_resource_is_never_assigned_beyond_max_clients(agency_session, write):
    state = await assignments(max_clients=2, live=2)
    flushed = partial(_then_flush, write, agency_session, state)
    await refused(agency_session, flushed, CHECK, "ck_resource_pool_capacity")
    assert await counted(agency_session, state) == (2, 1)


async def _then_flush(write: Any, session: Any, state: Assignments) -> None:
    await write(session, state)
    await session.flush()


async def _orm_count(session: Any, state: Assignments) -> None:
    state.resource.current_clients = 2


GUARDED_WRITES = [
    pytest.param(_orm_count, id="orm"),
    _sql(
        "increment",
        "UPDATE resource_pool SET current_clients = current_clients + 1 WHERE id = :resource",
    ),
    _sql("reset", "UPDATE resource_pool SET current_clients = 0 WHERE id = :resource"),
]


@pytest.mark.parametrize("write", GUARDED_WRITES)
async def test_only_assignments_change_current_clients(agency_session, write):
    state = await assignments()
    flushed = partial(_then_flush, write, agency_session, state)
    await refused(agency_session, flushed, CHECK, "ck_resource_pool_current_clients")
    assert await counted(agency_session, state) == (1, 1)


async def test_a_new_resource_starts_with_no_clients_whatever_its_writer_claims(agency_session):
    orm = ResourcePool(
        resource_type=ResourceType.EMAIL_DOMAIN, resource_value=unique_domain(), current_clients=2
    )
    await add_and_flush(agency_session, orm)
    sql = (
        "INSERT INTO resource_pool (resource_type, resource_value, max_clients, current_clients)"
        " VALUES ('phone_number', :value, 5, 4) RETURNING id"
    )
    raw = await agency_session.scalar(sa.text(sql), {"value": "+61 400 000 000"})
    for resource_id in (orm.id, raw):
        stored = "SELECT current_clients FROM resource_pool WHERE id = :id"
        assert await fetch_one(agency_session, stored, id=resource_id) == (0,)


async def test_a_resource_that_was_ever_assigned_cannot_be_deleted(agency_session):
    state = await assignments()
    constraint = foreign_key(ClientResource, "resource_pool")
    delete = "DELETE FROM resource_pool WHERE id = :id"
    await refused(
        agency_session,
        partial(run, agency_session, delete, id=state.resource.id),
        FOREIGN_KEY,
        constraint,
    )
    await run(
        agency_session,
        "UPDATE client_resources SET released_at = now() WHERE resource_pool_id = :id",
        id=state.other.id,
    )
    await refused(
        agency_session,
        partial(run, agency_session, delete, id=state.other.id),
        FOREIGN_KEY,
        constraint,
    )
    unused = await ResourcePoolFactory.create_async()
    await run(agency_session, delete, id=unused.id)


@pytest.mark.parametrize("writer", ["orm", "sql"])
async def test_a_campaign_resource_draws_only_on_an_assignment_of_its_own_client(
    agency_session, writer
):
    campaign = await CampaignFactory.create_async()
    mine = await ClientResourceFactory.create_async(client_id=campaign.client_id)
    theirs = await ClientResourceFactory.create_async()
    scope = {"client_id": campaign.client_id, "campaign_id": campaign.id}
    await CampaignResourceFactory.create_async(**scope, client_resource_id=mine.id)

    for target in (theirs.id, uuid.uuid4()):
        row = CampaignResourceFactory.build(**scope, client_resource_id=target)
        if writer == "orm":
            write = partial(add_and_flush, agency_session, row)
        else:
            sql = (
                "INSERT INTO campaign_resources (client_id, campaign_id, channel, resource_id,"
                " daily_limit, client_resource_id) VALUES (:client_id, :campaign_id, 'email',"
                " :resource_id, 50, :client_resource_id)"
            )
            write = partial(
                run,
                agency_session,
                sql,
                **scope,
                resource_id=row.resource_id,
                client_resource_id=target,
            )
        constraint = foreign_key(row, "client_resources")
        await refused(agency_session, write, FOREIGN_KEY, constraint)


async def test_deleting_an_assignment_detaches_the_campaign_resources_drawing_on_it(
    agency_session,
):
    assignment = await ClientResourceFactory.create_async()
    campaign = await CampaignFactory.create_async(client_id=assignment.client_id)
    used = await CampaignResourceFactory.create_async(
        client_id=assignment.client_id, campaign_id=campaign.id, client_resource_id=assignment.id
    )
    await agency_session.delete(assignment)
    await agency_session.flush()
    stored = (
        "SELECT client_id, campaign_id, client_resource_id FROM campaign_resources WHERE id = :id"
    )
    assert await fetch_one(agency_session, stored, id=used.id) == (
        assignment.client_id,
        campaign.id,
        None,
    )


# ResourcePool under concurrent connections.


@pytest.fixture(scope="module")
def own_database() -> Iterator[URL]:
    with throwaway_database() as url:
        yield url


@asynccontextmanager
async def connected(url: URL) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(libpq_dsn(url))
    try:
        yield connection
    finally:
        await connection.close()


ASSIGN = "INSERT INTO client_resources (client_id, resource_pool_id) VALUES ($1, $2)"


async def new_resource(connection: asyncpg.Connection, max_clients: int) -> uuid.UUID:
    return await connection.fetchval(
        "INSERT INTO resource_pool (resource_type, resource_value, max_clients)"
        " VALUES ('email_domain', $1, $2) RETURNING id",
        unique_domain(),
        max_clients,
    )


async def new_clients(connection: asyncpg.Connection, count: int) -> list[uuid.UUID]:
    return [
        await connection.fetchval("INSERT INTO clients (name) VALUES ('Racer') RETURNING id")
        for _ in range(count)
    ]


async def race(
    url: URL, writes: list[tuple[str, tuple[Any, ...]]], isolation: str = "read_committed"
) -> list[str | None]:
    """Run each write in a transaction of its own connection, all started at once and held open
    a moment after writing; each retried on serialization failures, as a service would. The
    SQLSTATE each finally failed with, None for those committed."""
    connections = [await asyncpg.connect(libpq_dsn(url)) for _ in writes]
    start = asyncio.Barrier(len(writes))

    async def attempt(connection: asyncpg.Connection, sql: str, args: tuple[Any, ...]) -> Any:
        await start.wait()
        while True:
            try:
                async with connection.transaction(isolation=isolation):
                    await connection.execute(sql, *args)
                    await connection.execute("SELECT pg_sleep(0.02)")
            except asyncpg.PostgresError as error:
                if error.sqlstate != SERIALIZATION_FAILURE:
                    return error.sqlstate
            else:
                return None

    try:
        return list(
            await asyncio.gather(
                *(attempt(c, sql, args) for c, (sql, args) in zip(connections, writes, strict=True))
            )
        )
    finally:
        for connection in connections:
            await connection.close()


async def counts(connection: asyncpg.Connection, resource_id: uuid.UUID) -> tuple[int, int]:
    current, live = await connection.fetchrow(COUNT_SQL, resource_id)
    return current, live


@pytest.mark.parametrize("isolation", ["read_committed", "repeatable_read", "serializable"])
async def test_concurrent_assignments_fill_a_resource_exactly_to_max_clients(
    own_database, isolation
):
    async with connected(own_database) as connection:
        resource = await new_resource(connection, max_clients=3)
        clients = await new_clients(connection, 8)
    outcomes = await race(own_database, [(ASSIGN, (c, resource)) for c in clients], isolation)
    assert outcomes.count(None) == 3
    assert set(outcomes) - {None} == {CHECK}
    async with connected(own_database) as connection:
        assert await counts(connection, resource) == (3, 3)


async def test_concurrent_assignments_of_one_client_leave_a_single_live_one(own_database):
    async with connected(own_database) as connection:
        resource = await new_resource(connection, max_clients=10)
        (client,) = await new_clients(connection, 1)
    outcomes = await race(own_database, [(ASSIGN, (client, resource))] * 6)
    assert sorted(outcomes, key=str) == [UNIQUE] * 5 + [None]
    async with connected(own_database) as connection:
        assert await counts(connection, resource) == (1, 1)


async def test_concurrent_assignments_releases_and_moves_never_drift(own_database):
    async with connected(own_database) as connection:
        full, empty = await new_resource(connection, 4), await new_resource(connection, 4)
        held = [
            await connection.fetchval(ASSIGN + " RETURNING id", client, full)
            for client in await new_clients(connection, 4)
        ]
        newcomers = await new_clients(connection, 6)
    release = "UPDATE client_resources SET released_at = now() WHERE id = $1"
    move = "UPDATE client_resources SET resource_pool_id = $2 WHERE id = $1"
    writes = [
        (release, (held[0],)),
        (release, (held[1],)),
        (move, (held[2], empty)),
        (move, (held[3], empty)),
        *[(ASSIGN, (client, full)) for client in newcomers],
    ]
    outcomes = await race(own_database, writes)
    assert outcomes[:4] == [None] * 4
    assert set(outcomes[4:]) <= {None, CHECK}
    assigned = outcomes[4:].count(None)
    assert assigned <= 4
    async with connected(own_database) as connection:
        assert await counts(connection, full) == (assigned, assigned)
        assert await counts(connection, empty) == (2, 2)


# The allocation and health rules of the original (reference/original-schema.md, "Module
# constants"), transcribed here as the fact sheet states them.

ORIGINAL_TIER_ALLOCATIONS = {
    "ignition": {"email_domain": 3, "phone_number": 1, "linkedin_seat": 4},
    "velocity": {"email_domain": 5, "phone_number": 2, "linkedin_seat": 7},
    "dominance": {"email_domain": 9, "phone_number": 3, "linkedin_seat": 14},
}
ORIGINAL_PERSONA_ALLOCATIONS = {"ignition": 2, "velocity": 3, "dominance": 4}
ORIGINAL_HEALTH_DAILY_LIMITS = {"good": 50, "warning": 35, "critical": 0}
ORIGINAL_WARMUP = ((range(1, 4), 5), (range(4, 8), 10), (range(8, 12), 15))
"""Connection requests per day by warm-up day; from day 12 on: 20."""
ORIGINAL_WARMUP_AFTER = 20


def test_each_tier_gets_the_originals_resources_personas_and_mailboxes():
    assert set(TIER_ALLOCATIONS) == set(TierType) == set(PERSONA_ALLOCATIONS)
    for tier, allocation in TIER_ALLOCATIONS.items():
        assert set(allocation) == set(ResourceType)
        assert {kind.value: count for kind, count in allocation.items()} == (
            ORIGINAL_TIER_ALLOCATIONS[tier.value]
        )
        assert PERSONA_ALLOCATIONS[tier] == ORIGINAL_PERSONA_ALLOCATIONS[tier.value]
    mailboxes = {
        tier.value: TIER_ALLOCATIONS[tier][ResourceType.EMAIL_DOMAIN] * MAILBOXES_PER_DOMAIN
        for tier in TierType
    }
    assert mailboxes == {"ignition": 6, "velocity": 10, "dominance": 18}


def test_the_allocation_and_health_tables_are_read_only():
    with pytest.raises(TypeError):
        TIER_ALLOCATIONS[TierType.IGNITION] = {}
    with pytest.raises(TypeError):
        TIER_ALLOCATIONS[TierType.IGNITION][ResourceType.EMAIL_DOMAIN] = 99
    with pytest.raises(TypeError):
        PERSONA_ALLOCATIONS[TierType.DOMINANCE] = 9
    with pytest.raises(TypeError):
        HEALTH_DAILY_LIMITS[HealthStatus.CRITICAL] = 10
    with pytest.raises(AttributeError):
        BOUNCE_THRESHOLDS.good = Decimal(1)


HEALTH_CASES = [  # bounce rate, complaint rate (as the numeric columns return them), verdict
    ("0.0000", "0.00000", "good"),
    ("0.0199", "0.00049", "good"),
    ("0.0200", "0.00000", "warning"),
    ("0.0499", "0.00099", "warning"),
    ("0.0000", "0.00050", "warning"),
    ("0.0500", "0.00000", "critical"),
    ("0.0000", "0.00100", "critical"),
    ("0.0199", "0.00100", "critical"),
    ("1.0000", "1.00000", "critical"),
]


def test_health_follows_the_originals_thresholds_and_limits_sends():
    assert (BOUNCE_THRESHOLDS.good, BOUNCE_THRESHOLDS.warning) == (Decimal("0.02"), Decimal("0.05"))
    assert (COMPLAINT_THRESHOLDS.good, COMPLAINT_THRESHOLDS.warning) == (
        Decimal("0.0005"),
        Decimal("0.001"),
    )
    assert set(HEALTH_DAILY_LIMITS) == set(HealthStatus)
    for bounce_rate, complaint_rate, expected in HEALTH_CASES:
        status = health_status(Decimal(bounce_rate), Decimal(complaint_rate))
        assert status == HealthStatus(expected), (bounce_rate, complaint_rate)
        assert HEALTH_DAILY_LIMITS[status] == ORIGINAL_HEALTH_DAILY_LIMITS[expected]


def test_linkedin_warmup_follows_the_originals_schedule_day_by_day():
    for day in range(1, 366):
        expected = next(
            (limit for days, limit in ORIGINAL_WARMUP if day in days), ORIGINAL_WARMUP_AFTER
        )
        assert linkedin_warmup_limit(day) == expected, day
    assert LINKEDIN_WARMUP_SCHEDULE == ((1, 5), (4, 10), (8, 15), (12, 20))
    for day in (0, -1):
        with pytest.raises(ValueError, match="start at 1"):
            linkedin_warmup_limit(day)


# ConversionPattern / ConversionPatternHistory

PATTERN_COLUMNS = "client_id, pattern_type, patterns, sample_size, confidence, computed_at"


async def versions(session: Any, pattern: Any) -> dict[uuid.UUID, tuple[Any, ...]]:
    result = await session.exec(
        sa.text(
            f"SELECT id, {PATTERN_COLUMNS} FROM conversion_pattern_history"
            " WHERE client_id = :client AND pattern_type = :type"
        ),
        params={"client": pattern.client_id, "type": pattern.pattern_type},
    )
    return {row[0]: tuple(row[1:]) for row in result}


async def current_version(session: Any, pattern_id: uuid.UUID) -> tuple[Any, ...] | None:
    sql = f"SELECT {PATTERN_COLUMNS} FROM conversion_patterns WHERE id = :id"
    return await fetch_one(session, sql, id=pattern_id)


async def test_a_client_has_one_current_pattern_per_type(agency_session):
    client = await ClientFactory.create_async()
    patterns = {
        kind: await ConversionPatternFactory.create_async(client_id=client.id, pattern_type=kind)
        for kind in PatternType
    }
    await ConversionPatternFactory.create_async(pattern_type=PatternType.WHO)

    duplicate = partial(
        ConversionPatternFactory.create_async, client_id=client.id, pattern_type=PatternType.WHO
    )
    await refused(agency_session, duplicate, UNIQUE, "unique_client_pattern_type")
    insert = (
        "INSERT INTO conversion_patterns (client_id, pattern_type, patterns, sample_size,"
        " confidence, valid_until) VALUES (:client, 'how', '{}', 1, 0.5, now())"
    )
    write = partial(run, agency_session, insert, client=client.id)
    await refused(agency_session, write, UNIQUE, "unique_client_pattern_type")
    retype = "UPDATE conversion_patterns SET pattern_type = 'what' WHERE id = :id"
    write = partial(run, agency_session, retype, id=patterns[PatternType.WHEN].id)
    await refused(agency_session, write, UNIQUE, "unique_client_pattern_type")


async def _orm_insert_pattern(session: Any, client_id: uuid.UUID) -> uuid.UUID:
    return (await ConversionPatternFactory.create_async(client_id=client_id)).id


async def _sql_insert_pattern(session: Any, client_id: uuid.UUID) -> uuid.UUID:
    sql = (
        "INSERT INTO conversion_patterns (client_id, pattern_type, patterns, sample_size,"
        " confidence, valid_until) VALUES (:client, 'when', '{\"best_hour\": 9}', 40, 0.8,"
        " now() + interval '30 days') RETURNING id"
    )
    return await session.scalar(sa.text(sql), {"client": client_id})


async def _copy_pattern(session: Any, client_id: uuid.UUID) -> uuid.UUID:
    pattern_id = uuid.uuid4()
    connection = await (await session.connection()).get_raw_connection()
    await connection.driver_connection.copy_records_to_table(
        "conversion_patterns",
        columns=[
            "id",
            "client_id",
            "pattern_type",
            "patterns",
            "sample_size",
            "confidence",
            "valid_until",
        ],
        records=[
            (pattern_id, client_id, "how", '{"channel": "email"}', 12, 0.25, datetime.now(UTC))
        ],
    )
    return pattern_id


@pytest.mark.parametrize(
    "insert",
    [
        pytest.param(_orm_insert_pattern, id="orm"),
        pytest.param(_sql_insert_pattern, id="sql"),
        pytest.param(_copy_pattern, id="copy"),
    ],
)
async def test_every_inserted_pattern_is_archived_as_written(agency_session, insert):
    client = await ClientFactory.create_async()
    pattern_id = await insert(agency_session, client.id)
    pattern = await agency_session.get(ConversionPattern, pattern_id)
    assert list((await versions(agency_session, pattern)).values()) == [
        await current_version(agency_session, pattern_id)
    ]


def _orm_change(**changes: Any) -> Callable[[Any, Any], Awaitable[None]]:
    async def write(session: Any, pattern: Any) -> None:
        for name, value in changes.items():
            setattr(pattern, name, value(getattr(pattern, name)))
        await session.flush()

    return write


def _sql_change(assignments: str) -> Callable[[Any, Any], Awaitable[None]]:
    async def write(session: Any, pattern: Any) -> None:
        await run(
            session, f"UPDATE conversion_patterns SET {assignments} WHERE id = :id", id=pattern.id
        )

    return write


PATTERN_CHANGES = [
    pytest.param(_orm_change(patterns=lambda old: {**old, "lift": 3.5}), True, id="orm-patterns"),
    pytest.param(_orm_change(sample_size=lambda old: old + 7), True, id="orm-sample-size"),
    pytest.param(_orm_change(confidence=lambda old: 1 - old / 2), True, id="orm-confidence"),
    pytest.param(
        _orm_change(computed_at=lambda old: old + timedelta(hours=1)), True, id="orm-computed-at"
    ),
    pytest.param(
        _orm_change(valid_until=lambda old: old + timedelta(days=1)), False, id="orm-valid-until"
    ),
    pytest.param(
        _sql_change('patterns = \'{"top_titles": ["CTO"]}\', sample_size = sample_size + 1'),
        True,
        id="sql-recompute",
    ),
    pytest.param(
        _sql_change("computed_at = now() + interval '1 hour'"), True, id="sql-computed-at"
    ),
    pytest.param(
        _sql_change("patterns = patterns, sample_size = sample_size, confidence = confidence"),
        False,
        id="sql-same-values",
    ),
    pytest.param(
        _sql_change("valid_until = valid_until + interval '1 day'"), False, id="sql-valid-until"
    ),
]


@pytest.mark.parametrize(("write", "archived"), PATTERN_CHANGES)
async def test_a_pattern_change_is_archived_once_with_its_new_content(
    agency_session, write, archived
):
    pattern = await ConversionPatternFactory.create_async()
    before = await versions(agency_session, pattern)
    assert len(before) == 1
    await write(agency_session, pattern)

    after = await versions(agency_session, pattern)
    added = [content for version, content in after.items() if version not in before]
    expected = [await current_version(agency_session, pattern.id)] if archived else []
    assert added == expected
    assert {version: after[version] for version in before} == before


async def test_history_outlives_its_pattern_and_goes_with_its_client(agency_session):
    pattern = await ConversionPatternFactory.create_async()
    await _sql_change("sample_size = sample_size + 1")(agency_session, pattern)
    archived = await versions(agency_session, pattern)

    await run(agency_session, "DELETE FROM conversion_patterns WHERE id = :id", id=pattern.id)
    assert await versions(agency_session, pattern) == archived
    await run(agency_session, "DELETE FROM clients WHERE id = :id", id=pattern.client_id)
    assert await versions(agency_session, pattern) == {}


async def test_a_patterns_history_loads_newest_first(agency_session):
    pattern = await ConversionPatternFactory.create_async(sample_size=10)
    for hours, size in ((1, 20), (2, 30)):
        later = f"computed_at = computed_at + interval '{hours} hours', sample_size = {size}"
        await run(
            agency_session, f"UPDATE conversion_patterns SET {later} WHERE id = :id", id=pattern.id
        )
    agency_session.expunge_all()
    loaded = (
        await agency_session.exec(
            select(ConversionPattern)
            .where(ConversionPattern.id == pattern.id)
            .options(selectinload(ConversionPattern.history))
        )
    ).one()
    assert [version.sample_size for version in loaded.history] == [30, 20, 10]


# LinkedInSeat / LinkedInConnection

ORIGINAL_LINKEDIN_STATUSES = {
    ("linkedin_seats", "status"): [
        "pending",
        "awaiting_2fa",
        "warmup",
        "active",
        "restricted",
        "disconnected",
    ],
    ("linkedin_connections", "status"): ["pending", "accepted", "ignored", "declined", "withdrawn"],
    ("client_linkedin_credentials", "connection_status"): [
        "pending",
        "connecting",
        "awaiting_2fa",
        "connected",
        "failed",
        "disconnected",
        "credentials_required",
    ],
}
"""The original's value sets (fact sheet: LinkedIn constants, the credentials' SQL CHECK)."""

ENUM_TYPE_SQL = """
SELECT t.typtype::text, t.typname::text,
       array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder)
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = CAST(:table AS regclass) AND a.attname = :column
"""


async def test_every_enum_column_of_the_new_tables_is_a_native_enum_of_its_python_values(
    agency_session,
):
    columns = [
        (table, column)
        for table, model in NEW_TABLES.items()
        for column in model.__table__.columns
        if isinstance(column.type, sa.Enum)
    ]
    assert set(ORIGINAL_LINKEDIN_STATUSES) <= {(table, column.name) for table, column in columns}
    for table, column in columns:
        enum = column.type.enum_class
        stored = await fetch_one(agency_session, ENUM_TYPE_SQL, table=table, column=column.name)
        assert stored == ("e", enum.__pg_type__, [member.value for member in enum]), column


@pytest.mark.parametrize(
    ("table", "column", "labels"),
    [
        pytest.param(*key, labels, id=".".join(key))
        for key, labels in ORIGINAL_LINKEDIN_STATUSES.items()
    ],
)
async def test_linkedin_statuses_take_exactly_the_originals_values(
    agency_session, table, column, labels
):
    stored = await fetch_one(agency_session, ENUM_TYPE_SQL, table=table, column=column)
    assert stored is not None
    assert stored[2] == labels

    row = await factory_for(MODELS[table]).create_async(**{column: labels[-1]})
    agency_session.expunge_all()
    loaded = await agency_session.get(MODELS[table], row.id)
    assert getattr(loaded, column) is MODELS[table].__table__.c[column].type.enum_class(labels[-1])
    write = partial(
        run,
        agency_session,
        f"UPDATE {table} SET {column} = :value WHERE id = :id",
        value="archived",
        id=row.id,
    )
    await refused(agency_session, write, BAD_ENUM_LABEL)


CONNECTION_REFERENCES = {
    constraint.column_keys[1]: constraint
    for constraint in LinkedInConnection.__table__.foreign_key_constraints
    if len(constraint.column_keys) == 2
}
CONNECTION_ON_DELETE = {"seat_id": "deleted", "lead_id": "deleted", "campaign_id": "detached"}
"""What deleting the referenced row does to a connection (docs/schema-decisions.md)."""


async def connection_parts(client_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """A new seat, lead and campaign of the tenant, by the connection column naming each."""
    parts = {"client_id": client_id}
    for column, constraint in CONNECTION_REFERENCES.items():
        factory = factory_for(MODELS[constraint.referred_table.name])
        parts[column] = (await factory.create_async(client_id=client_id)).id
    return parts


INSERT_CONNECTION = (
    "INSERT INTO linkedin_connections (client_id, seat_id, lead_id, campaign_id)"
    " VALUES (:client_id, :seat_id, :lead_id, :campaign_id)"
)


@pytest.mark.parametrize("column", sorted(CONNECTION_REFERENCES))
async def test_a_connections_seat_lead_and_campaign_are_its_tenants_own(agency_session, column):
    mine = await connection_parts((await ClientFactory.create_async()).id)
    theirs = await connection_parts((await ClientFactory.create_async()).id)
    await LinkedInConnectionFactory.create_async(**mine)

    crossed = {**(await connection_parts(mine["client_id"])), column: theirs[column]}
    constraint = CONNECTION_REFERENCES[column].name
    orm = partial(LinkedInConnectionFactory.create_async, **crossed)
    await refused(agency_session, orm, FOREIGN_KEY, constraint)
    sql = partial(run, agency_session, INSERT_CONNECTION, **crossed)
    await refused(agency_session, sql, FOREIGN_KEY, constraint)


@pytest.mark.parametrize("column", sorted(CONNECTION_REFERENCES))
async def test_deleting_a_connections_seat_or_lead_removes_it_and_its_campaign_detaches(
    agency_session, column
):
    parts = await connection_parts((await ClientFactory.create_async()).id)
    connection = await LinkedInConnectionFactory.create_async(**parts)
    target = CONNECTION_REFERENCES[column].referred_table.name
    await run(agency_session, f"DELETE FROM {target} WHERE id = :id", id=parts[column])

    stored = await fetch_one(
        agency_session,
        "SELECT client_id, seat_id, lead_id, campaign_id FROM linkedin_connections WHERE id = :id",
        id=connection.id,
    )
    if CONNECTION_ON_DELETE[column] == "deleted":
        assert stored is None
    else:
        assert stored == (parts["client_id"], parts["seat_id"], parts["lead_id"], None)


async def test_a_seat_asks_a_lead_to_connect_only_once(agency_session):
    connection = await LinkedInConnectionFactory.create_async()
    again = partial(
        LinkedInConnectionFactory.create_async,
        client_id=connection.client_id,
        seat_id=connection.seat_id,
        lead_id=connection.lead_id,
    )
    await refused(agency_session, again, UNIQUE, "unique_lead_seat")


# ClientIntelligence

INTELLIGENCE_JSON = sorted(
    column.key
    for column in ClientIntelligence.__table__.columns
    if isinstance(column.type, sa.JSON)
)


def test_intelligence_json_columns_take_only_lists_of_json_objects():
    bad_values = [
        ["a plain string"],
        {"title": "Case study"},
        [{"score": math.nan}],
        [{"at": datetime.now(UTC)}],
    ]
    for bad in bad_values:
        payload = {"client_id": uuid.uuid4(), **dict.fromkeys(INTELLIGENCE_JSON, bad)}
        with pytest.raises(ValidationError) as raised:
            ClientIntelligenceCreate.model_validate(payload)
        assert error_fields(raised.value) == set(INTELLIGENCE_JSON), bad


async def test_intelligence_json_round_trips_through_the_database(agency_session):
    values = {
        name: [{"title": name, "rank": 1, "tags": ["a", "b"], "detail": {"quote": "Great"}}]
        for name in INTELLIGENCE_JSON
    }
    create = ClientIntelligenceCreate.model_validate(
        {"client_id": (await ClientFactory.create_async()).id, **values}
    )
    row = ClientIntelligence.model_validate(create)
    await add_and_flush(agency_session, row)
    agency_session.expunge_all()
    read = ClientIntelligenceRead.model_validate(
        await agency_session.get(ClientIntelligence, row.id)
    )
    assert {name: getattr(read, name) for name in INTELLIGENCE_JSON} == values
    assert ClientIntelligenceRead.model_validate_json(read.model_dump_json()) == read


WRONG_JSON_SHAPES = {"list": ("{}", "[1, 2]", "null"), "object": ("[]", '"text"', "null")}


async def test_raw_sql_cannot_store_json_of_the_wrong_shape(agency_session):
    """Rows written around the models still validate as ``XRead``: every ``jsonb`` column of
    every table refuses what its type does not hold."""
    rows = await create_row_per_table()
    models = {mapper.class_.__tablename__: mapper.class_ for mapper in mapper_registry.mappers}
    checked = 0
    for table in metadata.sorted_tables:
        model = models[table.name]
        for attribute in sa.inspect(model).column_attrs:
            column = attribute.columns[0]
            if isinstance(column.type, sa.JSON):
                field = model.model_fields[attribute.key]
                is_list = get_origin(unwrap(field.annotation)) is list
                for wrong in WRONG_JSON_SHAPES["list" if is_list else "object"]:
                    sql = (
                        f"UPDATE {table.name} SET {column.name} = CAST(:wrong AS jsonb)"
                        " WHERE id = :id"
                    )
                    write = partial(run, agency_session, sql, wrong=wrong, id=rows[table.name].id)
                    await refused(agency_session, write, CHECK)
                    checked += 1
    assert checked


PROFILE_CASES = [
    pytest.param(
        {
            "linkedin_url": "https://www.linkedin.com/company/acme",
            "linkedin_follower_count": 1200,
            "linkedin_specialties": ["SEO", "PPC"],
            "instagram_handle": "acme",
            "instagram_follower_count": 340,
            "facebook_url": "https://www.facebook.com/acme",
            "facebook_follower_count": 56,
            "google_business_url": "https://maps.google.com/?cid=1",
            "google_rating": Decimal("4.5"),
            "google_review_count": 12,
        },
        {
            "total_social_followers": 1596,
            "platforms_found": ["linkedin", "instagram", "facebook", "google_business"],
            "has_profiles": True,
            "average_rating": 4.5,
            "total_reviews": 12,
        },
        id="every-profile",
    ),
    pytest.param(
        {"linkedin_employee_count": 30},
        {
            "total_social_followers": 0,
            "platforms_found": ["linkedin"],
            "has_profiles": True,
            "average_rating": None,
            "total_reviews": 0,
        },
        id="linkedin-only",
    ),
    pytest.param(
        {"website_tagline": "We grow agencies"},
        {
            "total_social_followers": 0,
            "platforms_found": [],
            "has_profiles": False,
            "average_rating": None,
            "total_reviews": 0,
        },
        id="no-profile",
    ),
]


@pytest.mark.parametrize(("columns", "totals"), PROFILE_CASES)
async def test_stored_intelligence_reads_back_as_typed_social_profiles(
    agency_session, columns, totals
):
    row = await ClientIntelligenceFactory.create_async(**columns)
    agency_session.expunge_all()
    loaded = await agency_session.get(ClientIntelligence, row.id)

    profiles = loaded.social_profiles()
    assert isinstance(profiles, SocialProfiles)
    dumped = profiles.model_dump(mode="json")
    assert {name: dumped[name] for name in totals} == totals
    if "linkedin_specialties" in columns:
        assert profiles.linkedin.specialties == columns["linkedin_specialties"]
    assert SocialProfiles.model_validate_json(profiles.model_dump_json()) == profiles
    assert ClientIntelligenceRead.model_validate(loaded).social_profiles() == profiles


# LeadSocialPost


@pytest.mark.parametrize("writer", ["orm", "sql"])
async def test_a_social_post_belongs_to_a_lead_of_its_own_tenant(agency_session, writer):
    mine, theirs = await LeadFactory.create_async(), await LeadFactory.create_async()
    await LeadSocialPostFactory.create_async(client_id=mine.client_id, lead_id=mine.id)
    if writer == "orm":
        write = partial(
            LeadSocialPostFactory.create_async, client_id=mine.client_id, lead_id=theirs.id
        )
    else:
        sql = (
            "INSERT INTO lead_social_posts (client_id, lead_id, source)"
            " VALUES (:client, :lead, 'linkedin')"
        )
        write = partial(run, agency_session, sql, client=mine.client_id, lead=theirs.id)
    await refused(agency_session, write, FOREIGN_KEY, foreign_key(LeadSocialPost, "leads"))


async def test_a_leads_social_posts_go_with_the_lead(agency_session):
    post = await LeadSocialPostFactory.create_async()
    kept = await LeadSocialPostFactory.create_async(client_id=post.client_id)
    await run(agency_session, "DELETE FROM leads WHERE id = :id", id=post.lead_id)
    remaining = "SELECT id FROM lead_social_posts WHERE client_id = :client"
    assert await fetch_one(agency_session, remaining, client=post.client_id) == (kept.id,)


def test_a_social_post_is_typed_on_the_way_in():
    payload = {"client_id": uuid.uuid4(), "lead_id": uuid.uuid4(), "source": "linkedin"}
    dated = LeadSocialPostCreate.model_validate({**payload, "post_date": "2025-03-04"})
    assert dated.post_date == date(2025, 3, 4)
    bad_values = [
        ("source", ""),
        ("source", None),
        ("post_date", "last Tuesday"),
        ("post_date", "0001-01-01"),
        ("post_content", "x" * 100_001),
        ("summary_hook", "a\x00b"),
        ("likes", 3),
    ]
    for field, bad in bad_values:
        with pytest.raises(ValidationError) as raised:
            LeadSocialPostCreate.model_validate({**payload, field: bad})
        assert error_fields(raised.value) == {field}, (field, bad)


async def test_a_social_post_written_by_sql_reads_back_typed(agency_session):
    lead = await LeadFactory.create_async()
    insert = (
        "INSERT INTO lead_social_posts (client_id, lead_id, source, post_date, summary_hook)"
        " VALUES (:client, :lead, :source, DATE '2025-03-04', 'Congrats on the raise') RETURNING id"
    )
    empty = partial(run, agency_session, insert, client=lead.client_id, lead=lead.id, source="")
    await refused(agency_session, empty, CHECK, "ck_lead_social_posts_source_length")
    params = {"client": lead.client_id, "lead": lead.id, "source": "twitter"}
    post_id = await agency_session.scalar(sa.text(insert), params)

    read = LeadSocialPostRead.model_validate(await agency_session.get(LeadSocialPost, post_id))
    assert (read.id, read.lead_id, read.source) == (post_id, lead.id, "twitter")
    assert read.post_date == date(2025, 3, 4)
    assert read.created_at.utcoffset() is not None
    assert LeadSocialPostRead.model_validate_json(read.model_dump_json()) == read


# SDKUsageLog and money


NUMERIC = [
    pytest.param(model, column, id=f"{table}.{column.name}")
    for table, model in NEW_TABLES.items()
    for column in model.__table__.columns
    if isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float)
]


def _upper_bound(model: Any, name: str) -> Decimal | None:
    field = model.model_fields[name]
    bounds = [
        meta.le
        for meta in (*field.metadata, *annotated_metadata(field.annotation))
        if isinstance(meta, annotated_types.Le)
    ]
    return Decimal(min(bounds)) if bounds else None


@pytest.mark.parametrize(("model", "column"), NUMERIC)
async def test_money_and_rates_are_exact_decimals_from_input_to_api_output(
    agency_session, model, column
):
    precision, scale = column.type.precision, column.type.scale
    declared = await fetch_one(
        agency_session,
        "SELECT data_type, numeric_precision, numeric_scale FROM information_schema.columns"
        " WHERE table_name = :table AND column_name = :column",
        table=model.__tablename__,
        column=column.name,
    )
    assert declared == ("numeric", precision, scale)
    assert unwrap(model.model_fields[column.key].annotation) is Decimal

    step = Decimal(1).scaleb(-scale)
    ceiling = _upper_bound(model, column.key)
    largest = (ceiling if ceiling is not None else Decimal(10) ** (precision - scale)) - step
    row = await factory_for(model).create_async(**{column.key: largest})
    stored = f"SELECT {column.name} FROM {model.__tablename__} WHERE id = :id"
    assert await fetch_one(agency_session, stored, id=row.id) == (largest,)
    agency_session.expunge_all()
    loaded = await agency_session.get(model, row.id)
    value = getattr(loaded, column.key)
    assert type(value) is Decimal
    assert str(value) == str(largest)
    dumped = read_schema_for(model).model_validate(loaded).model_dump(mode="json")
    assert dumped[column.key] == str(largest)

    with pytest.raises(ValidationError, match="decimal"):
        model.model_validate(loaded, update={column.key: largest + step / 10})


def test_no_cost_of_the_new_tables_is_a_float():
    for model in NEW_TABLES.values():
        for column in model.__table__.columns:
            field = model.model_fields.get(column.key)
            exact = isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float)
            assert (field is not None and unwrap(field.annotation) is Decimal) == exact, column
            if "cost" in column.name:
                assert exact, column


async def test_sdk_usage_counts_are_never_negative_whoever_writes_them(agency_session):
    client = await ClientFactory.create_async()
    counts = [
        column.name
        for column in SDKUsageLog.__table__.columns
        if isinstance(column.type, sa.Integer)
    ]
    assert {"input_tokens", "output_tokens", "cached_tokens", "duration_ms"} <= set(counts)
    payload = {"client_id": client.id, "agent_type": "scorer", "model_used": "claude-sonnet"}
    for name in counts:
        with pytest.raises(ValidationError) as raised:
            SDKUsageLogCreate.model_validate({**payload, name: -1})
        assert error_fields(raised.value) == {name}

        insert = (
            f"INSERT INTO sdk_usage_log (client_id, agent_type, model_used, {name})"
            " VALUES (:client_id, :agent_type, :model_used, :value)"
        )
        write = partial(run, agency_session, insert, **payload, value=-1)
        await refused(agency_session, write, CHECK, f"ck_sdk_usage_log_{name}_range")
        await run(agency_session, insert, **payload, value=0)


async def test_sdk_usage_loads_from_its_client_and_lead_and_back(agency_session):
    lead = await LeadFactory.create_async()
    runs = await SDKUsageLogFactory.create_batch_async(2, client_id=lead.client_id, lead_id=lead.id)
    unrelated = await SDKUsageLogFactory.create_async(client_id=lead.client_id)
    hidden = await SDKUsageLogFactory.create_async(client_id=lead.client_id, lead_id=lead.id)
    hidden.soft_delete()
    await agency_session.flush()
    agency_session.expunge_all()

    client = (
        await agency_session.exec(
            select(Client)
            .where(Client.id == lead.client_id)
            .options(selectinload(Client.sdk_usage_logs))
        )
    ).one()
    assert {log.id for log in client.sdk_usage_logs} == {*(r.id for r in runs), unrelated.id}
    loaded_lead = (
        await agency_session.exec(
            select(Lead).where(Lead.id == lead.id).options(selectinload(Lead.sdk_usage_logs))
        )
    ).one()
    assert {log.id for log in loaded_lead.sdk_usage_logs} == {r.id for r in runs}
    logs = (
        await agency_session.exec(
            select(SDKUsageLog)
            .where(col(SDKUsageLog.id).in_([r.id for r in runs]))
            .options(selectinload(SDKUsageLog.client), selectinload(SDKUsageLog.lead))
        )
    ).all()
    assert {(log.client.id, log.lead.id) for log in logs} == {(lead.client_id, lead.id)}


# Relationships and mappers


def test_every_model_module_imports_and_the_mappers_configure():
    prefix = f"{agency_models.models.__name__}."
    for module in pkgutil.walk_packages(agency_models.models.__path__, prefix):
        importlib.import_module(module.name)
    configure_mappers()
    assert {mapper.local_table.name for mapper in mapper_registry.mappers} == set(metadata.tables)
    for mapper in mapper_registry.mappers:
        for relationship in mapper.relationships:
            if relationship.back_populates:
                reverse = relationship.mapper.relationships[relationship.back_populates]
                assert reverse.back_populates == relationship.key, relationship
                assert reverse.mapper is mapper, relationship


NEW_RELATIONSHIPS = [
    (mapper.class_, relationship)
    for mapper in mapper_registry.mappers
    for relationship in mapper.relationships
    if {mapper.local_table.name, relationship.mapper.local_table.name} & set(NEW_TABLES)
]


LINKED_BY_CHANCE = {
    "ConversionPattern.history": "a pattern's versions are those of its type, which the"
    " factories draw at random (the trigger's own version always links)",
}


def _column_value(row: Any, column: sa.Column[Any]) -> Any:
    return getattr(row, sa.inspect(type(row)).get_property_by_column(column).key)


async def test_every_relationship_of_the_new_tables_loads_the_rows_its_keys_name(agency_session):
    rows = await create_row_per_table()
    unlinked = []
    for model, relationship in NEW_RELATIONSHIPS:
        row, other = rows[model.__tablename__], rows[relationship.mapper.local_table.name]
        agency_session.expunge_all()
        statement = (
            select(model)
            .where(model.id == row.id)
            .options(selectinload(getattr(model, relationship.key)))
        )
        value = getattr((await agency_session.exec(statement)).one(), relationship.key)
        related = value if relationship.uselist else [value] if value is not None else []
        linked = all(
            _column_value(row, local) == _column_value(other, remote)
            for local, remote in relationship.local_remote_pairs
        )
        assert (other.id in {item.id for item in related}) == linked, relationship
        if not linked:
            unlinked.append(str(relationship))
    assert set(unlinked) <= set(LINKED_BY_CHANCE)
