"""Small helpers shared by the tests."""

from __future__ import annotations

from typing import Any

import asyncpg
from sqlalchemy.engine import URL

from agency_models.migrations.environment import run_sync
from factories.testdb import libpq_dsn


def query(url: URL, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Run ``sql`` on its own connection (outside any test transaction) and fetch the rows."""

    async def fetch() -> list[asyncpg.Record]:
        connection = await asyncpg.connect(libpq_dsn(url))
        try:
            return await connection.fetch(sql, *args)
        finally:
            await connection.close()

    return run_sync(fetch())


def column(url: URL, sql: str, *args: Any) -> list[Any]:
    """The first column of ``query``'s rows."""
    return [row[0] for row in query(url, sql, *args)]
