"""The async engine: asyncpg, a small pool, and settings safe behind a transaction pooler."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

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
    "pool_pre_ping": True,
    "pool_recycle": 1800,
}
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
    messages and logs (``hide_parameters=True``; they may be personal data). Every failure
    leaves the engine as one of the package's errors (see :mod:`agency_models.exceptions`),
    the driver's error as ``__cause__``. Nothing connects until the engine is first used.
    """
    options = dict(POOL_OPTIONS)
    if overrides.get("poolclass", AgencyPool) is not AgencyPool:
        for name in _QUEUE_POOL_ONLY:
            del options[name]
    connect_args = {**POOLER_SAFE_CONNECT_ARGS, **overrides.pop("connect_args", {})}
    engine = create_async_engine(
        database_url(url),
        **{"hide_parameters": True, **options, **overrides},
        connect_args=connect_args,
    )
    event.listen(engine.sync_engine, "handle_error", translate)
    event.listen(engine.sync_engine, "do_connect", _connect)
    return engine


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
