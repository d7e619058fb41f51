"""The async engine: asyncpg, a small pool, and settings safe behind a transaction pooler."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from agency_models.db.config import database_url
from agency_models.exceptions import (
    AgencyModelsError,
    ConstraintViolationError,
    DuplicateRecordError,
)

POOL_OPTIONS: dict[str, Any] = {
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
    :data:`POOLER_SAFE_CONNECT_ARGS`. Nothing connects until the engine is first used.
    """
    options = dict(POOL_OPTIONS)
    if "poolclass" in overrides:
        for name in _QUEUE_POOL_ONLY:
            del options[name]
    connect_args = {**POOLER_SAFE_CONNECT_ARGS, **overrides.pop("connect_args", {})}
    engine = create_async_engine(
        database_url(url), **{**options, **overrides}, connect_args=connect_args
    )
    event.listen(engine.sync_engine, "handle_error", _raise_constraint_violation)
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


_VIOLATIONS = {
    "23505": (DuplicateRecordError, "duplicate record: violates unique constraint"),
    "23514": (ConstraintViolationError, "violates check constraint"),
    "23503": (ConstraintViolationError, "violates foreign key constraint"),
    "23502": (ConstraintViolationError, "violates not-null constraint"),
}


def _raise_constraint_violation(context: ExceptionContext) -> BaseException | None:
    """Report integrity violations as the package's typed errors, naming the constraint; let
    the package's own errors (a naive datetime refused while binding) through unwrapped."""
    if isinstance(context.original_exception, AgencyModelsError):
        return context.original_exception
    violation = _VIOLATIONS.get(getattr(context.original_exception, "sqlstate", None) or "")
    if violation is None:
        return None
    error_class, what = violation
    driver_error = context.original_exception.__cause__
    constraint = getattr(driver_error, "constraint_name", None) or getattr(
        driver_error, "column_name", None
    )
    table = getattr(driver_error, "table_name", None)
    where = f" on {table}" if table else ""
    return error_class(
        f"{what} {constraint!r}{where}",
        constraint=constraint,
        detail=getattr(driver_error, "detail", None),
    )
