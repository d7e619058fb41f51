"""Each workload runs the package's path and the raw ceiling interleaved, ``REPEATS`` times,
and prints their medians and ratio against the target. Sizes are the issue's unless
``--quick``. The database is a throwaway one on the test server (``TEST_DATABASE_URL`` or
127.0.0.1:5432)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlmodel import col, func, select

from agency_models import Client, Lead, LeadCreate, LeadRead, metadata
from agency_models.db import bulk_insert, bulk_upsert, create_engine, get_db_session, read_all
from agency_models.migrations import upgrade as migrate
from factories import LeadCreateFactory, LeadFactory, create_tenant
from factories.pytest_plugin import rolled_back_session
from factories.testdb import libpq_dsn, throwaway_database

REPEATS = 5


class PlainLead(BaseModel):
    """LeadCreate's fields as a plain pydantic model would declare them (``email: str``)."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    campaign_id: uuid.UUID
    email: str
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company: str | None = None
    linkedin_url: str | None = None
    domain: str | None = None
    personal_email: str | None = None
    seniority_level: str | None = None
    employment_start_date: date | None = None
    timezone: str | None = None
    timezone_offset: int | None = None
    organization_industry: str | None = None
    organization_employee_count: int | None = None
    organization_country: str | None = None
    organization_founded_year: int | None = None
    organization_is_hiring: bool | None = None
    organization_latest_funding_date: date | None = None
    organization_website: str | None = None
    organization_linkedin_url: str | None = None


@dataclass
class Row:
    workload: str
    package: float
    ceiling: float
    ratio: float
    target: str
    met: bool | None
    """None: measured for comparison, with no target of its own."""


RESULTS: list[Row] = []


def faster(workload: str, package: float, ceiling: float, at_least: float) -> None:
    """Throughputs (per second): the package must reach ``at_least`` times the ceiling's."""
    ratio = package / ceiling
    RESULTS.append(Row(workload, package, ceiling, ratio, f">= {at_least:g}x", ratio >= at_least))


def slower(workload: str, package: float, ceiling: float, at_most: float) -> None:
    """Durations (seconds): the package may take at most ``at_most`` times the ceiling's."""
    ratio = package / ceiling
    RESULTS.append(Row(workload, package, ceiling, ratio, f"<= {at_most:g}x", ratio <= at_most))


def compared(workload: str, package: float, ceiling: float) -> None:
    """Durations measured beside a targeted path, for comparison (no target of their own)."""
    RESULTS.append(Row(workload, package, ceiling, package / ceiling, "-", None))


def absolute(workload: str, value: float, bound: float, *, at_least: bool) -> None:
    """A workload with a fixed target (no raw ceiling to compare with)."""
    met = value >= bound if at_least else value <= bound
    target = f"{'>=' if at_least else '<='} {bound:g}"
    RESULTS.append(Row(workload, value, bound, value / bound, target, met))


def interleaved(package: Callable[[], float], ceiling: Callable[[], float]) -> tuple[float, float]:
    ours, raw = [], []
    for _ in range(REPEATS):
        ours.append(package())
        raw.append(ceiling())
    return statistics.median(ours), statistics.median(raw)


async def interleaved_async(
    package: Callable[[], Awaitable[float]], ceiling: Callable[[], Awaitable[float]]
) -> tuple[float, float]:
    ours, raw = [], []
    for _ in range(REPEATS):
        ours.append(await package())
        raw.append(await ceiling())
    return statistics.median(ours), statistics.median(raw)


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


async def timed_async(work: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


def validation(count: int) -> list[dict[str, Any]]:
    client, campaign = uuid.uuid4(), uuid.uuid4()
    payloads = [
        LeadCreateFactory.build(client_id=client, campaign_id=campaign).model_dump(mode="json")
        for _ in range(count)
    ]
    package, plain = interleaved(
        lambda: timed(lambda: [LeadCreate.model_validate(p) for p in payloads]),
        lambda: timed(lambda: [PlainLead.model_validate(p) for p in payloads]),
    )
    faster("LeadCreate.model_validate, objects/s", count / package, count / plain, 0.7)
    creates = [LeadCreate.model_validate(p) for p in payloads]
    rows = statistics.median(
        timed(lambda: [Lead.model_validate(create) for create in creates]) for _ in range(REPEATS)
    )
    absolute("Lead.model_validate(create), objects/s", count / rows, 20_000, at_least=True)
    return payloads


async def ingest(url: Any, engine: Any, count: int) -> None:
    """Validated ``COPY`` of new leads, and an upsert changing every one of ``count`` existing
    leads, against ``copy_records_to_table`` of pre-built tuples. Each upsert sample changes the
    leads anew, and both sides start from a vacuumed table: without it each repeat would update
    rows carrying the dead versions of the repeats before it, which autovacuum clears between
    real batches."""
    raw = await asyncpg.connect(libpq_dsn(url), statement_cache_size=0)
    columns = ["client_id", "campaign_id", "email", "first_name", "company"]

    async def tenant() -> tuple[uuid.UUID, uuid.UUID]:
        client = await raw.fetchval("INSERT INTO clients (name) VALUES ('Bench') RETURNING id")
        campaign = await raw.fetchval(
            "INSERT INTO campaigns (client_id, name) VALUES ($1, 'Bench') RETURNING id", client
        )
        return client, campaign

    def rows_for(client: uuid.UUID, campaign: uuid.UUID) -> list[dict[str, Any]]:
        return [
            {
                "client_id": client,
                "campaign_id": campaign,
                "email": f"lead{n}@example.com",
                "first_name": "Ada",
                "company": "Acme",
            }
            for n in range(count)
        ]

    async def package() -> float:
        client, campaign = await tenant()
        rows = rows_for(client, campaign)

        async def work() -> None:
            async with get_db_session(engine=engine) as session:
                await bulk_insert(session, Lead, rows)

        return await timed_async(work)

    async def ceiling() -> float:
        client, campaign = await tenant()
        records = [tuple(row[c] for c in columns) for row in rows_for(client, campaign)]

        async def work() -> None:
            async with raw.transaction():
                await raw.copy_records_to_table("leads", records=records, columns=columns)

        return await timed_async(work)

    ours, ceiling_time = await interleaved_async(package, ceiling)
    faster(f"ingest {count} leads, validated, rows/s", count / ours, count / ceiling_time, 0.8)

    client, campaign = await tenant()
    rows = rows_for(client, campaign)
    async with get_db_session(engine=engine) as session:
        await bulk_insert(session, Lead, rows)
    repeats = iter(range(REPEATS))

    async def upsert() -> float:
        name = f"Grace {next(repeats)}"
        changed = [{**row, "first_name": name} for row in rows]

        async def work() -> None:
            async with get_db_session(engine=engine) as session:
                await bulk_upsert(
                    session,
                    Lead,
                    changed,
                    conflict="unique_lead_per_client",
                    update=["first_name"],
                )

        await raw.execute("VACUUM leads")
        return await timed_async(work)

    async def vacuumed_ceiling() -> float:
        await raw.execute("VACUUM leads")
        return await ceiling()

    ours, ceiling_time = await interleaved_async(upsert, vacuumed_ceiling)
    faster(f"upsert {count} existing leads, rows/s", count / ours, count / ceiling_time, 0.6)
    await raw.close()


async def newest_page(url: Any, engine: Any, tenants: int, per_tenant: int) -> None:
    raw = await asyncpg.connect(libpq_dsn(url), statement_cache_size=0)
    await raw.execute(
        "INSERT INTO clients (name) SELECT 'Tenant ' || g FROM generate_series(1, $1) g", tenants
    )
    await raw.execute("INSERT INTO campaigns (client_id, name) SELECT id, 'Main' FROM clients")
    await raw.execute(
        "INSERT INTO leads (client_id, campaign_id, email, created_at)"
        " SELECT c.client_id, c.id, 'lead' || g || '@' || c.id || '.example.com',"
        " now() - g * interval '1 minute' FROM campaigns c, generate_series(1, $1) g",
        per_tenant,
    )
    await raw.execute("ANALYZE leads")
    client_id = await raw.fetchval("SELECT client_id FROM campaigns LIMIT 1")
    statement = (
        select(Lead)
        .where(col(Lead.deleted_at).is_(None))
        .order_by(col(Lead.created_at).desc())
        .limit(50)
    )
    sql = (
        "SELECT * FROM leads WHERE client_id = $1 AND deleted_at IS NULL"
        " ORDER BY created_at DESC LIMIT 50"
    )
    rounds = 50

    async def package() -> float:
        async def work() -> None:
            for _ in range(rounds):
                async with get_db_session(client_id=client_id, engine=engine) as session:
                    assert len(await read_all(session, LeadRead, statement)) == 50

        return await timed_async(work)

    async def orm_objects() -> float:
        async def work() -> None:
            for _ in range(rounds):
                async with get_db_session(client_id=client_id, engine=engine) as session:
                    assert len((await session.exec(statement)).all()) == 50

        return await timed_async(work)

    async def ceiling() -> float:
        async def work() -> None:
            for _ in range(rounds):
                async with raw.transaction():
                    assert len(await raw.fetch(sql, client_id)) == 50

        return await timed_async(work)

    ours, ceiling_time = await interleaved_async(package, ceiling)
    slower(
        f"50 newest live leads of {tenants * per_tenant:,} (read_all, LeadRead), s per {rounds}",
        ours,
        ceiling_time,
        2.0,
    )
    ours, ceiling_time = await interleaved_async(orm_objects, ceiling)
    compared(
        f"the same page as Lead objects (ORM, not for API pages), s per {rounds}",
        ours,
        ceiling_time,
    )

    async def request() -> float:
        async def work() -> None:
            for _ in range(rounds):
                async with get_db_session(client_id=client_id, engine=engine) as session:
                    await session.get(Client, client_id)
                    campaign = await session.scalar(select(Lead.campaign_id).limit(1))
                    email = f"req{uuid.uuid4().hex}@example.com"
                    session.add(Lead(client_id=client_id, campaign_id=campaign, email=email))
                    await session.flush()
                    await session.scalar(select(func.count()).select_from(Lead))

        return await timed_async(work)

    async def raw_request() -> float:
        async def work() -> None:
            for _ in range(rounds):
                async with raw.transaction():
                    await raw.fetchrow("SELECT * FROM clients WHERE id = $1", client_id)
                    campaign = await raw.fetchval(
                        "SELECT campaign_id FROM leads WHERE client_id = $1 LIMIT 1", client_id
                    )
                    await raw.execute(
                        "INSERT INTO leads (client_id, campaign_id, email) VALUES ($1, $2, $3)",
                        client_id,
                        campaign,
                        f"raw{uuid.uuid4().hex}@example.com",
                    )
                    await raw.fetchval(
                        "SELECT count(*) FROM leads WHERE client_id = $1 AND deleted_at IS NULL",
                        client_id,
                    )

        return await timed_async(work)

    ours, ceiling_time = await interleaved_async(request, raw_request)
    slower(f"request transaction, s per {rounds}", ours, ceiling_time, 3.0)
    await raw.close()
    await concurrent_requests(url, engine, client_id)


async def concurrent_requests(url: Any, engine: Any, client_id: uuid.UUID, tasks: int = 50) -> None:
    """The request transaction in ``tasks`` concurrent tasks, each running ``per_task`` of them:
    on the package's default pool (5 + 10), and on an asyncpg pool of the same size."""
    per_task = 10
    campaign = await _campaign_of(url, client_id)

    async def one_request() -> None:
        async with get_db_session(client_id=client_id, engine=engine) as session:
            await session.get(Client, client_id)
            await session.scalar(select(Lead.campaign_id).limit(1))
            email = f"req{uuid.uuid4().hex}@example.com"
            session.add(Lead(client_id=client_id, campaign_id=campaign, email=email))
            await session.flush()
            await session.scalar(select(func.count()).select_from(Lead))

    async def package() -> float:
        async def task() -> None:
            for _ in range(per_task):
                await one_request()

        return await timed_async(lambda: asyncio.gather(*(task() for _ in range(tasks))))

    pool = await asyncpg.create_pool(
        libpq_dsn(url), min_size=5, max_size=15, statement_cache_size=0
    )

    async def ceiling() -> float:
        async def task() -> None:
            for _ in range(per_task):
                async with pool.acquire() as raw, raw.transaction():
                    await raw.fetchrow("SELECT * FROM clients WHERE id = $1", client_id)
                    await raw.fetchval(
                        "SELECT campaign_id FROM leads WHERE client_id = $1 LIMIT 1", client_id
                    )
                    await raw.execute(
                        "INSERT INTO leads (client_id, campaign_id, email) VALUES ($1, $2, $3)",
                        client_id,
                        campaign,
                        f"raw{uuid.uuid4().hex}@example.com",
                    )
                    await raw.fetchval(
                        "SELECT count(*) FROM leads WHERE client_id = $1 AND deleted_at IS NULL",
                        client_id,
                    )

        return await timed_async(lambda: asyncio.gather(*(task() for _ in range(tasks))))

    ours, ceiling_time = await interleaved_async(package, ceiling)
    await pool.close()
    slower(
        f"request transaction, {tasks} concurrent tasks, s per {tasks * per_task}",
        ours,
        ceiling_time,
        3.0,
    )


async def _campaign_of(url: Any, client_id: uuid.UUID) -> uuid.UUID:
    raw = await asyncpg.connect(libpq_dsn(url), statement_cache_size=0)
    try:
        campaign: uuid.UUID = await raw.fetchval(
            "SELECT id FROM campaigns WHERE client_id = $1 LIMIT 1", client_id
        )
        return campaign
    finally:
        await raw.close()


def factories(count: int) -> None:
    started = time.perf_counter()
    LeadFactory.build()
    first = time.perf_counter() - started
    built = statistics.median(
        timed(lambda: [LeadFactory.build() for _ in range(count)]) for _ in range(REPEATS)
    )
    absolute("LeadFactory.build(), objects/s", count / built, 5_000, at_least=True)
    absolute("first LeadFactory.build(), s", first, 0.05, at_least=False)


async def tenant_creation(url: Any, quick: bool) -> None:
    """``create_tenant`` with 2 users, 2 campaigns and 500 leads (one activity each)."""
    engine = create_engine(url, poolclass=sa.NullPool)
    per_campaign = 25 if quick else 250
    durations = []
    try:
        for _ in range(REPEATS):
            async with rolled_back_session(engine):
                durations.append(
                    await timed_async(
                        lambda: create_tenant(users=2, campaigns=2, leads_per_campaign=per_campaign)
                    )
                )
    finally:
        await engine.dispose()
    absolute(
        f"create_tenant, 2 users, 2 campaigns, {2 * per_campaign} leads, s",
        statistics.median(durations),
        1.0,
        at_least=False,
    )


def imports() -> None:
    def cold(module: str) -> float:
        return timed(lambda: subprocess.run([sys.executable, "-c", f"import {module}"], check=True))

    ours, sqlmodel_time = interleaved(lambda: cold("agency_models"), lambda: cold("sqlmodel"))
    slower("import agency_models vs import sqlmodel, s", ours, sqlmodel_time, 1.4)

    def cold_lead() -> float:
        command = "from agency_models import Lead"
        return timed(lambda: subprocess.run([sys.executable, "-c", command], check=True))

    ours, sqlmodel_time = interleaved(cold_lead, lambda: cold("sqlmodel"))
    slower("from agency_models import Lead vs import sqlmodel, s", ours, sqlmodel_time, 1.5)


async def schema_creation() -> None:
    """``agency-models db upgrade`` of an empty database against ``metadata.create_all``."""

    async def upgrade() -> float:
        with throwaway_database(migrate=False) as url:
            return timed(lambda: migrate(url))

    async def create_all() -> float:
        with throwaway_database(migrate=False) as url:
            engine = create_engine(url, poolclass=sa.NullPool)
            try:
                async with engine.begin() as connection:
                    started = time.perf_counter()
                    await connection.run_sync(metadata.create_all)
                    return time.perf_counter() - started
            finally:
                await engine.dispose()

    ours, ceiling = await interleaved_async(upgrade, create_all)
    slower("db upgrade of an empty database vs metadata.create_all, s", ours, ceiling, 2.0)


async def database_workloads(quick: bool) -> None:
    with throwaway_database() as url:
        engine = create_engine(url)
        try:
            await tenant_creation(url, quick)
            await ingest(url, engine, 5_000 if quick else 50_000)
            await newest_page(url, engine, 100 if quick else 1_000, 100 if quick else 1_000)
        finally:
            await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    validation(2_000 if args.quick else 20_000)
    factories(200 if args.quick else 2_000)
    imports()
    asyncio.run(schema_creation())
    asyncio.run(database_workloads(args.quick))
    print("| workload | package | raw ceiling / bound | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    for row in RESULTS:
        print(
            f"| {row.workload} | {row.package:,.3f} | {row.ceiling:,.3f} | {row.ratio:.2f}x"
            f" | {row.target} | {'-' if row.met is None else 'yes' if row.met else 'no'} |"
        )
