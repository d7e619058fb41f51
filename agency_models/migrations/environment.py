"""What ``alembic/env.py`` runs: online migrations under the migration lock, or offline SQL."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import sqlalchemy as sa
from alembic.config import Config
from alembic.environment import EnvironmentContext
from alembic.runtime.plugins import Plugin
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.util import await_

from agency_models import metadata
from agency_models.db.config import database_url
from agency_models.db.driver import in_transaction, is_asyncpg_adapter, run_on_driver
from agency_models.db.engine import POOLER_SAFE_CONNECT_ARGS
from agency_models.exceptions import MigrationError, UnknownRevisionError
from agency_models.migrations import autogen, integrity

VERSION_TABLE = "agency_models_version"
"""Alembic's version table; named for the package so a service's own Alembic history in the
same database keeps its ``alembic_version``."""
MIGRATION_LOCK_KEY = 0x6167656E6379
"""Advisory lock held (transaction-level) while taking or creating the migration lock."""
OWN_SCHEMAS = frozenset({"public"})
URL_ATTRIBUTE = "agency_models.url"
CONNECTION_ATTRIBUTE = "connection"
TIMEOUTS_ATTRIBUTE = "agency_models.timeouts"
READ_ONLY_ATTRIBUTE = "agency_models.read_only"
"""Set on the config of a command that writes nothing (``check``): it takes no lock."""
REVISION_APPLIED_ATTRIBUTE = "agency_models.on_revision"
"""A callable ``(name, seconds)`` called after each revision is applied or undone, with its
file name (``001_foundation``) and how long it took."""

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
    heads = run_sync(database_heads(url))
    return ",".join(heads) if heads else None


async def database_heads(url: URL) -> tuple[str, ...]:
    """The revisions the database at ``url`` is stamped with (none when it is empty)."""
    return await _with_connection(url, _current_heads)


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
    engine = create_async_engine(url, poolclass=sa.NullPool, connect_args=POOLER_SAFE_CONNECT_ARGS)
    event.listen(engine.sync_engine, "do_execute", _execute_ddl_in_one_round_trip)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_with_session_lock, context)
    finally:
        await engine.dispose()


_DDL = re.compile(r"\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|DO)\b", re.IGNORECASE)
_BATCHED = "agency_models.batched_ddl"
"""``Connection.info`` key: the DDL of the current transaction not sent yet (present only while
an empty database is migrated)."""


def _is_ddl(statement: str, parameters: Any) -> bool:
    return not parameters and bool(_DDL.match(statement))


def _execute_ddl_in_one_round_trip(
    cursor: Any, statement: str, parameters: Any, context: Any
) -> bool:
    """``do_execute`` hook of the migration engine: a statement without parameters that
    returns no rows (DDL, grants, ``DO`` blocks: most of a migration) is sent in the simple
    query protocol, one round trip where asyncpg's prepared path takes two; while an empty
    database is migrated it is kept for the next batch instead (:class:`_BatchedDDL`).
    Errors take SQLAlchemy's usual path (the adapter's exception, then ``DBAPIError``)."""
    adapter: Any = getattr(cursor, "_adapt_connection", None)
    if not _is_ddl(statement, parameters) or not is_asyncpg_adapter(adapter):
        return False
    batched = context.root_connection.info.get(_BATCHED) if context is not None else None
    if batched is not None and statement is not batched.sending:
        batched.statements.append(statement)
        return True
    try:
        run_on_driver(adapter, lambda driver: driver.execute(statement))
    except Exception as error:
        adapter._handle_exception(error)
    return True


class _BatchedDDL:
    """The DDL of an empty database's migration not sent yet, and the batch the server may still
    be running (sent in the background after each revision, while the next one is prepared).

    Only for a database with no revision yet, migrated in one transaction (all of it or
    nothing): nothing else uses it yet, and a failing statement is named by the server's
    message. An existing database gets one transaction per revision and one message per
    statement, so a lock timeout names its statement and the revisions before it stay
    applied."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.statements: list[str] = []
        self.sending: str | None = None
        self.running: asyncio.Future[Any] | None = None
        self.running_sql = ""
        self._listeners: list[tuple[str, Callable[..., None]]] = [
            ("before_cursor_execute", self._before_other_statement),
            ("commit", self._send),
            ("savepoint", self._send),
            ("rollback", self._drop),
        ]
        connection.info[_BATCHED] = self
        for name, listener in self._listeners:
            event.listen(connection, name, listener)

    def stop(self) -> None:
        self.drop()
        del self.connection.info[_BATCHED]
        for name, listener in self._listeners:
            event.remove(self.connection, name, listener)

    def send(self) -> None:
        """Everything kept so far, run before the statement that follows."""
        self.sending = self._take()
        if self.sending is None:
            return
        try:
            self.connection.exec_driver_sql(self.sending)
        finally:
            self.sending = None

    def send_in_background(self) -> None:
        """Start what is kept on the server and go on: the server runs one revision's DDL while
        the next revision is prepared."""
        sql = self._take()
        if sql is None:
            return
        adapter = self.connection.connection.dbapi_connection

        async def start() -> asyncio.Future[Any]:
            running = asyncio.ensure_future(
                in_transaction(adapter, lambda driver: driver.execute(sql))
            )
            await asyncio.sleep(0)
            return running

        self.running, self.running_sql = await_(start()), sql

    def wait(self) -> None:
        """Wait for the batch in the background; its failure is raised as SQLAlchemy raises a
        statement's (``DBAPIError``, the batch as its statement)."""
        running, self.running = self.running, None
        if running is None:
            return
        try:
            await_(running)
        except asyncpg.PostgresError as error:
            dialect: Any = self.connection.dialect
            adapter: Any = self.connection.connection.dbapi_connection
            try:
                adapter._handle_exception(error)
            except dialect.loaded_dbapi.Error as adapted:
                raise sa.exc.DBAPIError.instance(
                    self.running_sql, None, adapted, dialect.loaded_dbapi.Error, dialect=dialect
                ) from error

    def drop(self) -> None:
        self.statements.clear()
        running, self.running = self.running, None
        if running is not None:
            await_(asyncio.gather(running, return_exceptions=True))

    def _take(self) -> str | None:
        """The kept DDL as one message, once the batch before it has run."""
        self.wait()
        if not self.statements:
            return None
        sql = ";\n".join(self.statements)
        self.statements.clear()
        return sql

    def _before_other_statement(
        self,
        connection: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if statement is self.sending or _is_ddl(statement, parameters):
            return
        if _is_bookkeeping(statement) and not any(map(_is_bookkeeping, self.statements)):
            self.wait()
        else:
            self.send()

    def _send(self, connection: Connection, *savepoint: str) -> None:
        self.send()

    def _drop(self, connection: Connection) -> None:
        self.drop()


def _is_bookkeeping(statement: str) -> bool:
    """A statement of the version table or the lock: no DDL of a revision depends on it, so it
    need not wait for the DDL kept before it (unless that creates the version table)."""
    return VERSION_TABLE in statement or LOCK_TABLE in statement


def _run_with_session_lock(connection: Connection, context: EnvironmentContext) -> None:
    """Migrate on one connection while holding the migration lock.

    The lock is a lease row (:data:`LOCK_TABLE`), taken and released in transactions of their
    own, so it needs no session state and one server connection at a time: safe behind a
    transaction pooler with a pool of one. A deployer that dies leaves it for at most
    ``lease`` seconds. Every transaction on the connection gets the configured
    ``lock_timeout`` and ``statement_timeout``.
    """
    timeouts = MigrationTimeouts.from_config(context.config)
    if connection.in_transaction():
        connection.commit()
    event.listen(connection, "begin", timeouts.apply)
    if context.config.attributes.get(READ_ONLY_ATTRIBUTE):
        try:
            _migrate(connection, context, holder=None)
        finally:
            event.remove(connection, "begin", timeouts.apply)
        return
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    try:
        _acquire(connection, holder, timeouts)
        try:
            _migrate(connection, context, holder)
        finally:
            if connection.in_transaction():
                connection.rollback()
            connection.execute(
                sa.text(f"DELETE FROM {LOCK_TABLE} WHERE holder = :holder"), {"holder": holder}
            )
            connection.commit()
    finally:
        event.remove(connection, "begin", timeouts.apply)


@dataclass(frozen=True)
class MigrationTimeouts:
    """How long a migration may wait, so a deploy fails in bounded time, saying what it waited
    for, instead of hanging. Each comes from the environment variable named beside it."""

    lock_wait: float = 60.0
    """Seconds to wait for another deployer's migration lock
    (``AGENCY_MODELS_MIGRATION_LOCK_WAIT``)."""
    lock_timeout: str = "10s"
    """PostgreSQL ``lock_timeout`` of each migration statement: how long it may wait for a
    table lock that live traffic holds (``AGENCY_MODELS_MIGRATION_LOCK_TIMEOUT``)."""
    statement_timeout: str = "15min"
    """PostgreSQL ``statement_timeout`` of each migration statement
    (``AGENCY_MODELS_MIGRATION_STATEMENT_TIMEOUT``)."""
    lease: float = 3600.0
    """Seconds after which a migration lock whose holder stopped renewing it (between
    revisions) is taken over (``AGENCY_MODELS_MIGRATION_LOCK_LEASE``)."""

    @classmethod
    def from_config(cls, config: Config) -> MigrationTimeouts:
        given = config.attributes.get(TIMEOUTS_ATTRIBUTE)
        if isinstance(given, MigrationTimeouts):
            return given
        environ = os.environ
        return cls(
            lock_wait=float(environ.get("AGENCY_MODELS_MIGRATION_LOCK_WAIT", cls.lock_wait)),
            lock_timeout=environ.get("AGENCY_MODELS_MIGRATION_LOCK_TIMEOUT", cls.lock_timeout),
            statement_timeout=environ.get(
                "AGENCY_MODELS_MIGRATION_STATEMENT_TIMEOUT", cls.statement_timeout
            ),
            lease=float(environ.get("AGENCY_MODELS_MIGRATION_LOCK_LEASE", cls.lease)),
        )

    def apply(self, connection: Connection) -> None:
        """``begin`` hook: the timeouts, transaction-local (nothing stays on a pooled server
        connection)."""
        connection.execute(
            sa.text(
                "SELECT set_config('lock_timeout', :lock, true),"
                " set_config('statement_timeout', :statement, true)"
            ),
            {"lock": self.lock_timeout, "statement": self.statement_timeout},
        )


LOCK_TABLE = "agency_models_migration_lock"
"""The migration lock: at most one row, naming the deployer that holds it."""
_CREATE_LOCK_TABLE = (
    f"""CREATE TABLE IF NOT EXISTS {LOCK_TABLE} (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        holder text NOT NULL,
        acquired_at timestamptz NOT NULL DEFAULT now(),
        renewed_at timestamptz NOT NULL DEFAULT now()
    )""",
    f"ALTER TABLE {LOCK_TABLE} ENABLE ROW LEVEL SECURITY",
    f"REVOKE ALL ON {LOCK_TABLE} FROM PUBLIC",
    f"""DO $$
    DECLARE role_name text;
    BEGIN
        FOR role_name IN SELECT rolname FROM pg_roles
            WHERE rolname IN ('anon', 'authenticated', 'service_role') LOOP
            EXECUTE format('REVOKE ALL ON {LOCK_TABLE} FROM %I', role_name);
        END LOOP;
    END
    $$""",
)
"""The lock table, out of the API roles' reach (Supabase's default privileges grant them every
new table)."""
_TAKE_LOCK = f"""
INSERT INTO {LOCK_TABLE} AS lock (holder) VALUES (:holder)
ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, acquired_at = now(), renewed_at = now()
    WHERE lock.renewed_at < now() - make_interval(secs => :lease)
RETURNING holder
"""


def _acquire(connection: Connection, holder: str, timeouts: MigrationTimeouts) -> None:
    deadline = time.monotonic() + timeouts.lock_wait
    pause = 0.05
    while True:
        connection.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
        )
        for statement in _CREATE_LOCK_TABLE:
            connection.exec_driver_sql(statement)
        taken = connection.scalar(sa.text(_TAKE_LOCK), {"holder": holder, "lease": timeouts.lease})
        current = connection.execute(sa.text(f"SELECT holder, acquired_at FROM {LOCK_TABLE}")).one()
        connection.commit()
        if taken == holder:
            return
        if time.monotonic() >= deadline:
            raise MigrationError(
                f"waited {timeouts.lock_wait:g} s for the migration lock, held by {current[0]} "
                f"since {current[1]:%Y-%m-%d %H:%M:%S %Z}: another deploy is migrating this "
                "database; retry when it is done (AGENCY_MODELS_MIGRATION_LOCK_WAIT waits longer)"
            )
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def _migrate(connection: Connection, context: EnvironmentContext, holder: str | None) -> None:
    """Run the command on ``connection``; ``holder`` names the migration lock's holder (None
    for a read-only command such as ``check``, which takes no lock)."""
    heads = _refuse_unknown_revisions(connection, context)

    def renew_lock(*, ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
        renewed = ctx.connection.execute(
            sa.text(f"UPDATE {LOCK_TABLE} SET renewed_at = now() WHERE holder = :holder"),
            {"holder": holder},
        )
        if renewed.rowcount != 1:
            raise MigrationError(
                "the migration lock was taken over while migrating (its lease ran out): "
                "raise AGENCY_MODELS_MIGRATION_LOCK_LEASE and run the upgrade again"
            )

    report = context.config.attributes.get(REVISION_APPLIED_ATTRIBUTE)
    last_applied = time.monotonic()
    batched: _BatchedDDL | None = None

    def after_revision(*, ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
        nonlocal last_applied
        if holder:
            renew_lock(ctx=ctx, step=step, heads=heads, run_args=run_args)
        if batched is not None:
            batched.send_in_background()
        if report and not step.is_stamp:
            now = time.monotonic()
            report(Path(step.up_revision.path).stem, now - last_applied)
            last_applied = now

    empty = not heads and holder is not None
    _configure(
        context,
        connection=connection,
        on_version_apply=after_revision,
        transaction_per_migration=not empty,
    )
    if empty:
        batched = _BatchedDDL(connection)
    try:
        with context.begin_transaction():
            context.run_migrations()
    except sa.exc.DBAPIError as error:
        timed_out = _timed_out(error, MigrationTimeouts.from_config(context.config))
        if timed_out is None:
            raise
        raise timed_out from error
    finally:
        if batched is not None:
            batched.stop()


def _timed_out(error: sa.exc.DBAPIError, timeouts: MigrationTimeouts) -> MigrationError | None:
    """A migration statement cancelled by ``lock_timeout`` or ``statement_timeout``, said so."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    statement = " ".join(str(error.statement or "").split())[:200]
    if sqlstate == "55P03":
        waited = f"a table lock for lock_timeout ({timeouts.lock_timeout})"
        hint = "live traffic holds it; AGENCY_MODELS_MIGRATION_LOCK_TIMEOUT waits longer"
    elif sqlstate == "57014":
        waited = f"the statement to finish for statement_timeout ({timeouts.statement_timeout})"
        hint = "AGENCY_MODELS_MIGRATION_STATEMENT_TIMEOUT allows longer"
    else:
        return None
    return MigrationError(
        f"the migration waited {waited} and gave up, in: {statement}. Nothing of that "
        f"revision was applied ({hint})"
    )


def _refuse_unknown_revisions(
    connection: Connection, context: EnvironmentContext
) -> tuple[str, ...]:
    """The database's revisions, refused when the scripts do not know one of them."""
    heads = _current_heads(connection)
    connection.commit()
    error = unknown_revision_error(heads, context.script)
    if error is not None:
        raise error
    return heads


def unknown_revision_error(
    heads: tuple[str, ...], scripts: ScriptDirectory
) -> UnknownRevisionError | None:
    """The error for a database stamped with revisions ``scripts`` does not know, or None when
    it knows them all. How far ahead the database is can only be counted from the revision
    numbers: its revisions are not in this package."""
    from agency_models import __version__

    known = {script.revision for script in scripts.walk_revisions()}
    unknown = sorted(set(heads) - known)
    if not unknown:
        return None
    head = scripts.get_current_head()
    assert head is not None
    revision = ", ".join(unknown)
    package = f"agency-models {__version__}, head {head}"
    newer_by = (
        int(revision) - int(head)
        if revision.isdigit() and head.isdigit() and int(revision) > int(head)
        else None
    )
    if newer_by is not None:
        message = (
            f"database is ahead: it is at revision {revision}, {newer_by} "
            f"revision{'s' if newer_by > 1 else ''} newer than this package ({package}); it "
            "was migrated by a newer release. Install that release (or newer) to migrate or "
            "check this database."
        )
    else:
        message = (
            f"database is at revision {revision}, which this package ({package}) does not "
            "know: it is ahead (migrated by a newer release) or from another history. Install "
            "the release that migrated it (or newer) to migrate or check this database."
        )
    return UnknownRevisionError(
        message,
        revision=revision,
        head=head,
        newer_by=newer_by,
    )


def _configure(
    context: EnvironmentContext,
    *,
    connection: Connection | None = None,
    url: URL | None = None,
    on_version_apply: Callable[..., None] | None = None,
    transaction_per_migration: bool = True,
) -> None:
    context.configure(
        connection=connection,
        url=url,
        on_version_apply=on_version_apply,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        transaction_per_migration=transaction_per_migration,
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
