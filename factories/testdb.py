"""Throwaway PostgreSQL databases for tests, migrated with the package's Alembic revisions.

The server is, in order: ``TEST_DATABASE_URL``; PostgreSQL on 127.0.0.1:5432 if it answers;
an embedded server from ``pgserver`` (started on first use, stopped at exit).
"""

from __future__ import annotations

import os
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
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


@cache
def server_url() -> URL:
    """A maintenance URL of the PostgreSQL server tests create their databases on."""
    configured = os.environ.get(TEST_DATABASE_URL, "").strip()
    if configured:
        return make_url(configured)
    if _answers("127.0.0.1", 5432):
        return make_url(LOCAL_SERVER)
    return _embedded_server()


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
                "127.0.0.1:5432, or install pgserver (pip install 'agency-models[dev]')"
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


def create_database(server: URL | None = None, *, prefix: str = "agency_models_test") -> URL:
    """Create an empty, uniquely named database and return its URL."""
    server = server or server_url()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
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
    "TEST_DATABASE_URL",
    "create_database",
    "drop_database",
    "libpq_dsn",
    "server_url",
    "throwaway_database",
]
