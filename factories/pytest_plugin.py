"""pytest fixtures for suites that use agency-models: a migrated throwaway database, an engine
on it, and a per-test session rolled back afterwards, with every factory bound to it.

Installing ``agency-models[factories]`` enables the plugin (entry point ``pytest11``, named
``factories.pytest_plugin``, so an older ``pytest_plugins = ["factories.pytest_plugin"]`` line
is harmless); ``-p no:factories.pytest_plugin`` disables it.

The database is migrated once per run; under pytest-xdist the first worker migrates a template
that every worker clones. The engine pools no connections, so it works in any event loop, and
``agency_session`` runs in the loop of the test that requests it, whatever the loop scope and
whether pytest-asyncio runs in strict or auto mode.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Literal

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine

from agency_models.db import AgencySession, create_engine
from agency_models.db.scoping import TENANT
from agency_models.exceptions import ConfigurationError
from factories.base import bind_factories
from factories.template import RunDatabases, clone_template, drop_run, ensure_template
from factories.testdb import (
    TEST_DATABASE_PREFIX,
    TEST_DATABASE_URL,
    configure,
    drop_database,
    server_url,
    throwaway_database,
)

RUN_KEY = "agency_models_run"
"""``workerinput`` key: the stem of the run's database names, chosen by the xdist controller."""
STATE_KEY = "agency_models_state"
"""``workerinput`` key: the controller's private directory where workers note the server they
create the run's databases on (read at the end even if they were killed)."""
SERVER_FILE = "server-url"
LoopScope = Literal["function", "class", "module", "package", "session"]

_run_key = pytest.StashKey[RunDatabases]()
_state_key = pytest.StashKey[Path]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("agency-models", "agency-models test databases")
    group.addoption(
        "--agency-db-url",
        dest="agency_db_url",
        metavar="URL",
        help=(
            "PostgreSQL server the throwaway test databases are created on, as a maintenance "
            f"URL (postgresql://user@host:5432/postgres). Default: ${TEST_DATABASE_URL}, the "
            "agency_db_url ini value, 127.0.0.1:5432 if it answers, an embedded server "
            "(agency-models[testserver])."
        ),
    )
    group.addoption(
        "--agency-db-prefix",
        dest="agency_db_prefix",
        metavar="PREFIX",
        help=(
            "Name prefix of the throwaway test databases (lower-case letters, digits, '_'). "
            f"Default: ${TEST_DATABASE_PREFIX}, the agency_db_prefix ini value, "
            "agency_models_test."
        ),
    )
    parser.addini("agency_db_url", "default of --agency-db-url, after $" + TEST_DATABASE_URL)
    parser.addini(
        "agency_db_prefix", "default of --agency-db-prefix, after $" + TEST_DATABASE_PREFIX
    )


def _setting(config: pytest.Config, name: str, environment: str) -> str | None:
    given = config.getoption(name) or os.environ.get(environment, "").strip()
    return str(given or config.getini(name) or "") or None


def pytest_configure(config: pytest.Config) -> None:
    try:
        server = _setting(config, "agency_db_url", TEST_DATABASE_URL)
        configure(
            server=make_url(server) if server else None,
            prefix=_setting(config, "agency_db_prefix", TEST_DATABASE_PREFIX),
        )
    except (ConfigurationError, ArgumentError) as error:
        raise pytest.UsageError(f"agency-models: {error}") from None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    config = node.config
    if _run_key not in config.stash:
        config.stash[_run_key] = RunDatabases.new()
        config.stash[_state_key] = Path(tempfile.mkdtemp(prefix="agency-models-"))
    node.workerinput[RUN_KEY] = config.stash[_run_key].stem
    node.workerinput[STATE_KEY] = str(config.stash[_state_key])


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_state_key, None)
    if state is None:
        return
    noted = state / SERVER_FILE
    try:
        if noted.exists():
            drop_run(make_url(noted.read_text()), config.stash[_run_key])
    finally:
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="session")
def agency_db_url(request: pytest.FixtureRequest) -> Iterator[URL]:
    """URL of a database migrated to head for this test run (under pytest-xdist, this
    worker's copy of the run's template), dropped at the end."""
    worker_input: dict[str, Any] = getattr(request.config, "workerinput", {})
    if RUN_KEY not in worker_input:
        with throwaway_database() as url:
            yield url
        return
    run = RunDatabases(worker_input[RUN_KEY])
    server = server_url()
    noted = Path(worker_input[STATE_KEY], SERVER_FILE)
    noted.write_text(server.render_as_string(hide_password=False))
    ensure_template(server, run)
    url = clone_template(server, run, worker_input["workerid"])
    try:
        yield url
    finally:
        drop_database(url, server)


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


def _test_loop_scope(item: pytest.Item) -> str:
    """The loop scope pytest-asyncio runs ``item`` in: its ``asyncio`` mark's, else the
    configured default."""
    marker = item.get_closest_marker("asyncio")
    given = marker and (marker.kwargs.get("loop_scope") or marker.kwargs.get("scope"))
    return str(given or item.config.getini("asyncio_default_test_loop_scope") or "function")


@pytest.fixture
def agency_session(request: pytest.FixtureRequest) -> AgencySession:
    """A session whose work is rolled back after the test, even what the test committed.

    Every factory persists through it while the test runs. Its connection is opened in the
    test's event loop.
    """
    session: AgencySession = request.getfixturevalue(
        f"agency_session_in_{_test_loop_scope(request.node)}_loop"
    )
    return session


TenantSessions = Callable[[uuid.UUID], AbstractAsyncContextManager[AgencySession]]


@pytest.fixture
def agency_tenant_session(agency_session: AgencySession) -> TenantSessions:
    """Opens sessions bound to one tenant inside the test's transaction, rolled back with it::

    async with agency_tenant_session(client_id) as session: ...
    """

    @asynccontextmanager
    async def tenant_session(client_id: uuid.UUID) -> AsyncIterator[AgencySession]:
        async with AgencySession(
            bind=agency_session.bind,
            info={TENANT: client_id},
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        ) as session:
            yield session

    return tenant_session


def _session_in_loop(
    loop_scope: LoopScope,
) -> Callable[[AsyncEngine], AsyncIterator[AgencySession]]:
    async def session_in_loop(agency_engine: AsyncEngine) -> AsyncIterator[AgencySession]:
        async with rolled_back_session(agency_engine) as session:
            yield session

    return pytest_asyncio.fixture(
        session_in_loop, loop_scope=loop_scope, name=f"agency_session_in_{loop_scope}_loop"
    )


agency_session_in_function_loop = _session_in_loop("function")
agency_session_in_class_loop = _session_in_loop("class")
agency_session_in_module_loop = _session_in_loop("module")
agency_session_in_package_loop = _session_in_loop("package")
agency_session_in_session_loop = _session_in_loop("session")
