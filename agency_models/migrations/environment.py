"""What ``alembic/env.py`` runs: online migrations under an advisory lock, or offline SQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic.config import Config
from alembic.environment import EnvironmentContext
from alembic.runtime.plugins import Plugin
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import create_async_engine

from agency_models import metadata
from agency_models.db.config import database_url
from agency_models.db.engine import POOLER_SAFE_CONNECT_ARGS
from agency_models.exceptions import UnknownRevisionError
from agency_models.migrations import autogen, integrity

VERSION_TABLE = "agency_models_version"
"""Alembic's version table; named for the package so a service's own Alembic history in the
same database keeps its ``alembic_version``."""
MIGRATION_LOCK_KEY = 0x6167656E6379
"""Advisory lock held while migrating, so concurrent deploys run one at a time."""
OWN_SCHEMAS = frozenset({"public"})
URL_ATTRIBUTE = "agency_models.url"
CONNECTION_ATTRIBUTE = "connection"

_T = TypeVar("_T")

Plugin.setup_plugin_from_module(autogen, autogen.PLUGIN_NAME)
Plugin.setup_plugin_from_module(integrity, integrity.PLUGIN_NAME)


def run(context: EnvironmentContext) -> None:
    """Run the migration command ``context`` describes."""
    if context.is_offline_mode():
        _configure(context, url=_url(context))
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get(CONNECTION_ATTRIBUTE)
    if isinstance(connection, Connection):
        _run_with_session_lock(connection, context)
    else:
        run_sync(_run_with_transaction_lock(_url(context), context))


def run_sync(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` to completion from sync code, even inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


def _url(context: EnvironmentContext) -> URL:
    given = context.config.attributes.get(URL_ATTRIBUTE) or context.config.get_main_option(
        "sqlalchemy.url"
    )
    return database_url(given, direct=True)


def current_revision(config: Config) -> str | None:
    """The revision the database at the config's URL is stamped with."""
    url = database_url(config.attributes.get(URL_ATTRIBUTE), direct=True)
    heads = run_sync(_with_connection(url, _current_heads))
    return ",".join(heads) if heads else None


def _current_heads(connection: Connection) -> tuple[str, ...]:
    if connection.scalar(sa.text(f"SELECT to_regclass('{VERSION_TABLE}')")) is None:
        return ()
    return tuple(connection.scalars(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")))


async def _with_connection(url: URL, work: Callable[[Connection], _T]) -> _T:
    engine = create_async_engine(url, poolclass=sa.NullPool, connect_args=POOLER_SAFE_CONNECT_ARGS)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


async def _run_with_transaction_lock(url: URL, context: EnvironmentContext) -> None:
    """Migrate while a second connection holds the migration lock in an open transaction.

    A transaction-level lock is safe behind a transaction pooler: the open transaction pins
    one server connection until it ends, and ends (releasing the lock) if this process dies.
    A session-level lock would outlive the migration on whichever pooled connection took it.
    """
    engine = create_async_engine(url, poolclass=sa.NullPool, connect_args=POOLER_SAFE_CONNECT_ARGS)
    try:
        async with engine.connect() as lock, engine.connect() as connection:
            await lock.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            try:
                await connection.run_sync(_migrate, context)
            finally:
                await lock.rollback()
    finally:
        await engine.dispose()


def _run_with_session_lock(connection: Connection, context: EnvironmentContext) -> None:
    """Migrate on a connection the caller passed in (a direct one: the lock is session-level)."""
    connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    connection.commit()
    try:
        _migrate(connection, context)
    finally:
        if connection.in_transaction():
            connection.rollback()
        connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()


def _migrate(connection: Connection, context: EnvironmentContext) -> None:
    _refuse_unknown_revisions(connection, context)
    _configure(context, connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def _refuse_unknown_revisions(connection: Connection, context: EnvironmentContext) -> None:
    heads = _current_heads(connection)
    connection.commit()
    known = {script.revision for script in context.script.walk_revisions()}
    unknown = sorted(set(heads) - known)
    if unknown:
        from agency_models import __version__

        raise UnknownRevisionError(
            f"the database is at revision {', '.join(unknown)}, which agency-models "
            f"{__version__} does not know (its newest is {context.script.get_current_head()}): "
            "the database was migrated by a newer release. Install that release (or newer) "
            "to migrate or check this database."
        )


def _configure(
    context: EnvironmentContext, *, connection: Connection | None = None, url: URL | None = None
) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        transaction_per_migration=True,
        compare_type=True,
        compare_server_default=True,
        include_name=_include_name,
        include_object=_include_object,
        autogenerate_plugins=[
            "alembic.autogenerate.*",
            "alembic.ext.checkconstraint_byname",
            autogen.PLUGIN_NAME,
            integrity.PLUGIN_NAME,
        ],
        literal_binds=url is not None,
    )


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    if type_ == "schema":
        return name is None or name in OWN_SCHEMAS
    return True


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object | None
) -> bool:
    """Compare only this package's tables: a service's own tables in the database are not drift."""
    return not (type_ == "table" and reflected and compare_to is None)
