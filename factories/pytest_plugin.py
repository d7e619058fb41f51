"""pytest fixtures for suites that use agency-models: a migrated throwaway database, an engine
on it, and a per-test session rolled back afterwards, with every factory bound to it.

Enable in a ``conftest.py``::

    pytest_plugins = ["factories.pytest_plugin"]

The database and engine are created once per run and work with any pytest-asyncio loop scope
(the engine pools no connections, so none is tied to an event loop).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from agency_models.db import AgencySession, create_engine
from factories.base import bind_factories
from factories.testdb import throwaway_database


@pytest.fixture(scope="session")
def agency_db_url() -> Iterator[URL]:
    """URL of a database created for this test run, migrated to head, dropped at the end."""
    with throwaway_database() as url:
        yield url


@pytest.fixture(scope="session")
def agency_engine(agency_db_url: URL) -> AsyncEngine:
    """An engine on :func:`agency_db_url` that keeps no idle connections."""
    return create_engine(agency_db_url, poolclass=sa.NullPool)


@asynccontextmanager
async def rolled_back_session(engine: AsyncEngine) -> AsyncIterator[AgencySession]:
    """A session on ``engine`` whose work is rolled back at the end, even what it committed;
    every factory persists through it meanwhile."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AgencySession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            with bind_factories(session):
                yield session
        finally:
            await session.close()
            await transaction.rollback()


@pytest_asyncio.fixture
async def agency_session(agency_engine: AsyncEngine) -> AsyncIterator[AgencySession]:
    """A session whose work is rolled back after the test, even what the test committed.

    Every factory persists through it while the test runs.
    """
    async with rolled_back_session(agency_engine) as session:
        yield session
