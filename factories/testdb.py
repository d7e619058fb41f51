"""Throwaway PostgreSQL databases for tests, migrated with the package's Alembic revisions.

The server is, in order: the one given to :func:`configure` (the pytest plugin's
``--agency-db-url``); ``TEST_DATABASE_URL``; PostgreSQL on 127.0.0.1:5432 if it answers; an
embedded server from ``pgserver`` (the ``testserver`` extra; started on first use, stopped at
exit). Database names start with a prefix (``AGENCY_MODELS_TEST_DB_PREFIX``, the plugin's
``--agency-db-prefix``, default ``agency_models_test``) followed by a random part, so
concurrent runs on one server never collide.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL, make_url

from agency_models.exceptions import ConfigurationError
from agency_models.migrations import upgrade
from agency_models.migrations.environment import run_sync

TEST_DATABASE_URL = "TEST_DATABASE_URL"
TEST_DATABASE_PREFIX = "AGENCY_MODELS_TEST_DB_PREFIX"
DEFAULT_PREFIX = "agency_models_test"
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PREFIX_MAX_LENGTH = 40
"""Leaves room for the random part within PostgreSQL's 63-byte identifiers."""

_PREFIX_PATTERN = re.compile(rf"[a-z_][a-z0-9_]{{0,{PREFIX_MAX_LENGTH - 1}}}")
_configured: dict[str, URL | str] = {}


def configure(*, server: str | URL | None = None, prefix: str | None = None) -> None:
    """Choose the server and the name prefix of throwaway databases, over the environment."""
    if server is not None:
        _configured["server"] = make_url(server) if isinstance(server, str) else server
    if prefix is not None:
        _configured["prefix"] = database_prefix(prefix)


def server_url() -> URL:
    """A maintenance URL of the PostgreSQL server tests create their databases on."""
    chosen = _configured.get("server")
    if isinstance(chosen, URL):
        return chosen
    return _detected_server_url()


@cache
def _detected_server_url() -> URL:
    configured = os.environ.get(TEST_DATABASE_URL, "").strip()
    if configured:
        return make_url(configured)
    if _answers("127.0.0.1", 5432):
        return make_url(LOCAL_SERVER)
    return _embedded_server()


def database_prefix(given: str | None = None) -> str:
    """The name prefix of throwaway databases: ``given``, else configured, else the
    environment's, else the default; lower-case letters, digits and ``_``."""
    prefix = given or str(
        _configured.get("prefix") or os.environ.get(TEST_DATABASE_PREFIX, "").strip()
    )
    prefix = prefix or DEFAULT_PREFIX
    if not _PREFIX_PATTERN.fullmatch(prefix):
        raise ConfigurationError(
            f"test database prefix {prefix!r}: use at most {PREFIX_MAX_LENGTH} lower-case "
            "letters, digits and '_', not starting with a digit"
        )
    return prefix


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _embedded_server() -> URL:
    data_dir = Path(tempfile.gettempdir()) / f"agency-models-pgserver-{os.getuid()}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: no XDG_RUNTIME_DIR on servers and CI
        try:
            from pgserver import get_server  # type: ignore[attr-defined]
        except ImportError:
            raise ConfigurationError(
                f"no PostgreSQL for tests: set {TEST_DATABASE_URL}, start PostgreSQL on "
                "127.0.0.1:5432, or install the embedded server "
                "(pip install 'agency-models[testserver]')"
            ) from None
        return make_url(get_server(data_dir, cleanup_mode="stop").get_uri())


def libpq_dsn(url: URL) -> str:
    """``url`` as a plain ``postgresql://`` DSN for asyncpg or psql."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _execute(url: URL, statement: str) -> None:
    connection = await asyncpg.connect(libpq_dsn(url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def unique_name(prefix: str | None = None) -> str:
    """A database name no other run on the server uses: the prefix and a random part."""
    return f"{database_prefix(prefix)}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def create_database(server: URL | None = None, *, prefix: str | None = None) -> URL:
    """Create an empty, uniquely named database and return its URL."""
    server = server or server_url()
    name = unique_name(prefix)
    run_sync(_execute(server, f'CREATE DATABASE "{name}"'))
    return server.set(database=name)


def drop_database(url: URL, server: URL | None = None) -> None:
    """Drop the database ``url`` names, disconnecting whoever is still on it."""
    server = server or server_url()
    run_sync(_execute(server, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))


@contextmanager
def throwaway_database(*, migrate: bool = True) -> Iterator[URL]:
    """A new database (migrated to head unless ``migrate=False``), dropped afterwards."""
    url = create_database()
    try:
        if migrate:
            upgrade(url)
        yield url
    finally:
        drop_database(url)


__all__ = [
    "TEST_DATABASE_PREFIX",
    "TEST_DATABASE_URL",
    "configure",
    "create_database",
    "database_prefix",
    "drop_database",
    "libpq_dsn",
    "server_url",
    "throwaway_database",
    "unique_name",
]
