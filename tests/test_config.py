"""Configuration: database URLs from the environment, and the engine built from them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from agency_models.db import create_engine, database_url
from agency_models.db.engine import ping_on_checkout
from agency_models.exceptions import ConfigurationError


@pytest.fixture
def no_database_env(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_DIRECT_URL", raising=False)
    return monkeypatch


def test_missing_database_url_names_the_variable(no_database_env):
    with pytest.raises(ConfigurationError, match="set DATABASE_URL"):
        database_url()
    with pytest.raises(ConfigurationError, match="DATABASE_DIRECT_URL or DATABASE_URL"):
        database_url(direct=True)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not a url", "DATABASE_URL is not a valid database URL"),
        ("mysql://root@localhost/app", "DATABASE_URL must point at PostgreSQL"),
        ("postgresql://postgres@localhost:5432", "DATABASE_URL names no database"),
        ("postgresql://u@h/db?sslmode=sometimes", "unknown sslmode"),
    ],
)
def test_malformed_database_url_names_the_variable(no_database_env, value, message):
    no_database_env.setenv("DATABASE_URL", value)
    with pytest.raises(ConfigurationError, match=message):
        database_url()


def test_malformed_url_is_not_echoed_back(no_database_env):
    no_database_env.setenv("DATABASE_URL", "secret-password-in-a-broken-url")
    with pytest.raises(ConfigurationError) as raised:
        database_url()
    assert "secret-password" not in str(raised.value)


def test_urls_become_asyncpg_urls(no_database_env):
    no_database_env.setenv("DATABASE_URL", "postgres://u:p@pooler:6543/app?sslmode=require")
    url = database_url()
    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port, url.database) == ("pooler", 6543, "app")
    assert dict(url.query) == {"ssl": "require"}


def test_migrations_prefer_the_direct_url(no_database_env):
    no_database_env.setenv("DATABASE_URL", "postgresql://u@pooler:6543/app")
    no_database_env.setenv("DATABASE_DIRECT_URL", "postgresql://u@db:5432/app")
    assert database_url(direct=True).host == "db"
    assert database_url().host == "pooler"


def test_engine_is_pooled_and_safe_behind_a_transaction_pooler(no_database_env):
    no_database_env.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:1/never_connected")
    engine = create_engine()
    pool = engine.sync_engine.pool
    assert isinstance(pool, sa.AsyncAdaptedQueuePool)
    assert (pool.size(), pool._max_overflow) == (5, 10)
    assert sa.event.contains(pool, "checkout", ping_on_checkout)
    assert pool._timeout <= 30


def test_engine_options_can_be_overridden():
    engine = create_engine("postgresql://u@127.0.0.1:1/app", pool_size=2, max_overflow=0)
    assert (engine.sync_engine.pool.size(), engine.sync_engine.pool._max_overflow) == (2, 0)


async def test_connections_leave_no_named_prepared_statements_for_a_pooler(agency_db_url):
    engine = create_engine(agency_db_url)
    try:
        async with engine.connect() as connection:
            for value in range(3):
                await connection.execute(sa.select(sa.literal(value) + 1))
            prepared = await connection.scalar(
                sa.text("SELECT count(*) FROM pg_prepared_statements")
            )
        assert prepared == 0
    finally:
        await engine.dispose()
