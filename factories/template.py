"""One migrated template database per test run, copied for each pytest-xdist worker.

The first worker that needs a database migrates the template under an advisory lock (so the
others wait rather than migrate again); every worker then clones it with
``CREATE DATABASE ... TEMPLATE``, which takes a fraction of a second. The template is built
under a temporary name and renamed when complete, so its existence means it is usable.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import URL

from agency_models.migrations import upgrade
from agency_models.migrations.environment import run_sync
from factories.testdb import _execute, database_prefix, libpq_dsn


@dataclass(frozen=True)
class RunDatabases:
    """The names of one run's databases: ``<stem>_template`` and ``<stem>_<worker>``."""

    stem: str

    @classmethod
    def new(cls, prefix: str | None = None) -> RunDatabases:
        return cls(f"{database_prefix(prefix)}_{uuid.uuid4().hex[:12]}")

    @property
    def template(self) -> str:
        return f"{self.stem}_template"

    @property
    def building(self) -> str:
        return f"{self.stem}_building"

    def clone(self, worker: str) -> str:
        return f"{self.stem}_{re.sub(r'[^a-z0-9_]', '_', worker.lower())[:9]}"


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)


async def _ensure_template(server: URL, run: RunDatabases) -> None:
    connection = await asyncpg.connect(libpq_dsn(server))
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", _lock_key(run.template))
        exists = await connection.fetchval(
            "SELECT count(*) FROM pg_database WHERE datname = $1", run.template
        )
        if exists:
            return
        await connection.execute(f'CREATE DATABASE "{run.building}"')
        try:
            await asyncio.to_thread(upgrade, server.set(database=run.building))
            await connection.execute(f'ALTER DATABASE "{run.building}" RENAME TO "{run.template}"')
        except BaseException:
            await connection.execute(f'DROP DATABASE IF EXISTS "{run.building}" WITH (FORCE)')
            raise
    finally:
        await connection.close()


def ensure_template(server: URL, run: RunDatabases) -> None:
    """Make sure the run's template exists, migrated to head."""
    run_sync(_ensure_template(server, run))


def clone_template(server: URL, run: RunDatabases, worker: str) -> URL:
    """A new database for ``worker``: a copy of the run's template."""
    name = run.clone(worker)
    run_sync(_execute(server, f'CREATE DATABASE "{name}" TEMPLATE "{run.template}"'))
    return server.set(database=name)


async def _drop_run(server: URL, run: RunDatabases) -> None:
    connection = await asyncpg.connect(libpq_dsn(server))
    try:
        names = await connection.fetch(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", f"{run.stem}_"
        )
        for (name,) in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def drop_run(server: URL, run: RunDatabases) -> None:
    """Drop every database of the run: the template, a half-built one, the workers' copies
    that workers killed before their teardown left behind."""
    run_sync(_drop_run(server, run))
