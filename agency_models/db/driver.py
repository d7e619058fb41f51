"""Statements run by asyncpg itself on a connection SQLAlchemy manages: without the adapter's
cursor (its result machinery, and a prepare round trip before every statement), inside the
transaction the adapter begins as its cursor would."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.util import await_

T = TypeVar("T")

ADAPTER_INTERNALS = ("_execute_mutex", "_transaction", "_start_transaction", "_connection")
"""What is used of SQLAlchemy's asyncpg adapter; without one of them (another driver, another
SQLAlchemy) :func:`run_on_driver` declines and the statement takes SQLAlchemy's path."""


def is_asyncpg_adapter(dbapi_connection: Any) -> bool:
    return all(hasattr(dbapi_connection, name) for name in ADAPTER_INTERNALS)


async def in_transaction(
    dbapi_connection: Any, work: Callable[[asyncpg.Connection], Awaitable[T]]
) -> T:
    """``work(asyncpg_connection)``, after the adapter has begun its transaction as its cursor
    would; asyncpg's errors propagate as they are."""
    async with dbapi_connection._execute_mutex:
        if dbapi_connection._transaction is None:
            await dbapi_connection._start_transaction()
        return await work(dbapi_connection._connection)


def run_on_driver(dbapi_connection: Any, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """:func:`in_transaction`, awaited from SQLAlchemy's sync side (inside its greenlet)."""
    return await_(in_transaction(dbapi_connection, work))
