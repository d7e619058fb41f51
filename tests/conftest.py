"""Fixtures of the package's own suite, on top of its pytest plugin."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from agency_models.db import AgencySession
from factories import LeadFactory
from factories.testdb import throwaway_database
from tests.helpers import Tenants
from tests.packaging import build

collect_ignore = [
    "compat",  # the previous release's suite, run by .ci/compat against its wheel
    "downstream",  # a service's suite, run by test_downstream.py from the built wheel
]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's wheel, built once per run from the checkout."""
    return build("wheel", tmp_path_factory.mktemp("dist"))


@pytest.fixture
def empty_database() -> Iterator[URL]:
    """A new database with nothing in it (not migrated), dropped after the test."""
    with throwaway_database(migrate=False) as url:
        yield url


@pytest.fixture
async def tenants(agency_session: AgencySession) -> Tenants:
    """A lead in each of two new tenants."""
    return Tenants(mine=await LeadFactory.create_async(), theirs=await LeadFactory.create_async())


@pytest.fixture
async def scoped(agency_session: AgencySession, tenants: Tenants) -> AsyncIterator[AgencySession]:
    """A session bound to the tenant of ``tenants.mine``, inside the test's transaction."""
    async with AgencySession(
        bind=agency_session.bind,
        info={"client_id": tenants.mine.client_id},
        join_transaction_mode="create_savepoint",
    ) as session:
        yield session
