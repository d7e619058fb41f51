"""The async engine: asyncpg, a small pool, and settings safe behind a transaction pooler."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from pydantic_core import from_json
from sqlalchemy import event
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.util import await_

from agency_models.db.config import database_url
from agency_models.db.errors import UNREACHABLE, translate, unavailable
from agency_models.exceptions import DatabaseUnavailableError


class AgencyPool(AsyncAdaptedQueuePool):
    """The queue pool, reporting a wait for a free connection that timed out as
    :class:`DatabaseUnavailableError`."""

    def _do_get(self) -> ConnectionPoolEntry:
        try:
            return super()._do_get()
        except sa.exc.TimeoutError as error:
            raise DatabaseUnavailableError(
                f"no pooled connection became free within {self.timeout()} s "
                f"(pool_size={self.size()}, max_overflow={self._max_overflow})"
            ) from error


POOL_OPTIONS: dict[str, Any] = {
    "poolclass": AgencyPool,
    "pool_size": 5,
    "max_overflow": 10,
    "pool_timeout": 10,
    "pool_pre_ping": False,
    "pool_recycle": 1800,
}
"""The pool: 5 connections and 10 more under load. A pooled connection idle for more than
:data:`PING_AFTER_IDLE` is tested at checkout by :func:`ping_on_checkout` (one round trip;
SQLAlchemy's ``pool_pre_ping`` takes three on asyncpg, BEGIN, a prepared ``;``, ROLLBACK, on
every checkout)."""
_QUEUE_POOL_ONLY = ("pool_size", "max_overflow", "pool_timeout")
POOLER_SAFE_CONNECT_ARGS: dict[str, Any] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
}
"""No named prepared statements on either side, so a transaction pooler (Supavisor,
pgbouncer) may hand each transaction to a different server connection."""

_engine: AsyncEngine | None = None


def create_engine(url: str | URL | None = None, **overrides: Any) -> AsyncEngine:
    """A new engine for ``url`` (default: ``DATABASE_URL``).

    Keyword arguments override :data:`POOL_OPTIONS` (with another ``poolclass``, such as
    ``NullPool``, the queue-pool sizing is dropped); ``connect_args`` are merged into
    :data:`POOLER_SAFE_CONNECT_ARGS`. Bound parameters are left out of SQLAlchemy's error
    messages and logs (``hide_parameters=True``; they may be personal data); ``json`` and
    ``jsonb`` values are parsed by pydantic-core (``json_deserializer``; the same Python data
    as ``json.loads``, about 2.5 times faster). Every failure
    leaves the engine as one of the package's errors (see :mod:`agency_models.exceptions`),
    the driver's error as ``__cause__``. Nothing connects until the engine is first used.
    """
    options = dict(POOL_OPTIONS)
    if overrides.get("poolclass", AgencyPool) is not AgencyPool:
        for name in _QUEUE_POOL_ONLY:
            del options[name]
    options.update(overrides)
    connect_args = {**POOLER_SAFE_CONNECT_ARGS, **overrides.pop("connect_args", {})}
    engine = create_async_engine(
        database_url(url),
        **{"hide_parameters": True, "json_deserializer": from_json, **options},
        connect_args=connect_args,
    )
    event.listen(engine.sync_engine, "handle_error", translate)
    event.listen(engine.sync_engine, "do_connect", _connect)
    if isinstance(engine.sync_engine.pool, sa.QueuePool) and not options["pool_pre_ping"]:
        event.listen(engine.sync_engine.pool, "checkout", ping_on_checkout)
        event.listen(engine.sync_engine.pool, "checkin", _note_checkin)
    return engine


PING_AFTER_IDLE = 0.5
"""Seconds a pooled connection may have been idle and still be handed out without a ping: one
checked in this recently was working a moment ago (HikariCP's ``aliveBypassWindowMs`` default
is the same)."""
_CHECKED_IN = "agency_models.checked_in"


def ping_on_checkout(
    dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection
) -> None:
    """Pool ``checkout`` hook: unless the connection was checked in less than
    :data:`PING_AFTER_IDLE` ago, ``SELECT 1`` in the simple query protocol (one message, so a
    transaction pooler cannot split it); a connection that fails it is replaced with a new one
    before the session sees it."""
    checked_in = record.info.get(_CHECKED_IN)
    if checked_in is not None and time.monotonic() - checked_in < PING_AFTER_IDLE:
        return
    try:
        await_(dbapi_connection.driver_connection.execute("SELECT 1"))
    except Exception as error:
        raise sa.exc.DisconnectionError(f"a pooled connection failed its ping: {error}") from error


def _note_checkin(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info[_CHECKED_IN] = time.monotonic()


def get_engine() -> AsyncEngine:
    """The process-wide engine on ``DATABASE_URL``, created on first use."""
    global _engine
    if _engine is None:
        _engine = create_engine()
    return _engine


async def dispose_engine() -> None:
    """Close the process-wide engine's connections; the next :func:`get_engine` makes a new one."""
    global _engine
    engine, _engine = _engine, None
    if engine is not None:
        await engine.dispose()


def _connect(
    dialect: Dialect, record: ConnectionPoolEntry, cargs: Any, cparams: dict[str, Any]
) -> Any:
    """``do_connect`` hook: a server that cannot be reached is :class:`DatabaseUnavailableError`
    (the driver raises the bare ``OSError``)."""
    try:
        return dialect.connect(*cargs, **cparams)
    except UNREACHABLE as error:
        raise unavailable(error) from error
