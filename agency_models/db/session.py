"""Sessions: soft delete by default, optional tenant scope, and a transaction as an RLS user."""

from __future__ import annotations

import asyncio
import functools
import json
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import UOWTransaction
from sqlalchemy.util import greenlet_spawn
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.orm.session import Session

from agency_models.db.engine import get_engine
from agency_models.db.scoping import (
    ALLOW_HARD_DELETE,
    TENANT,
    check_flush,
    check_merged,
    hidden_as_deleted,
    remember_loaded,
    scope_statement,
)
from agency_models.exceptions import DatabaseError, DatabaseUnavailableError

T = TypeVar("T")


class AgencySyncSession(Session):
    """The synchronous session behind :class:`AgencySession`; the behaviours live here (and in
    :mod:`agency_models.db.scoping`)."""

    @property
    def tenant_id(self) -> uuid.UUID | None:
        tenant = self.info.get(TENANT)
        return tenant if tenant is None else uuid.UUID(str(tenant))

    def get(self, entity: Any, ident: Any, **options: Any) -> Any:
        """``Session.get``, except that a row soft-deleted earlier in this session is not
        returned from the identity map either (unless ``include_deleted``)."""
        obj = super().get(entity, ident, **options)
        return None if hidden_as_deleted(obj, options.get("execution_options")) else obj

    def merge(self, instance: Any, *, load: bool = True, options: Any = None) -> Any:
        """``Session.merge``; in a tenant-bound session, a row of another tenant is refused
        here (a new object whose id is another tenant's row) or at flush (``load=False``)."""
        merged = super().merge(instance, load=load, options=options)
        check_merged(self, merged)
        return merged


class AgencySession(AsyncSession):
    """The package's session.

    * ORM selects skip soft-deleted rows (relationship loads too) unless the statement has
      ``execution_options(include_deleted=True)``.
    * Hard-deleting a soft-deletable row raises :class:`HardDeleteError` unless allowed with
      :func:`allow_hard_delete` or ``execution_options(allow_hard_delete=True)``.
    * Bound to a tenant (``info={"client_id": ...}``, see :func:`tenant_session`), its
      statements and flushes read, update and delete only that tenant's rows, and never change
      a row's ``client_id``. What it cannot prove scoped raises :class:`TenantIsolationError`:
      raw SQL (``text()``), Core statements naming a tenant table (``Lead.__table__``,
      ``sa.table("leads")``) other than a Core INSERT's own target, Core UPDATE/DELETE of a
      tenant table, bulk UPDATE by primary key, INSERT … SELECT, upserts not keyed on
      ``client_id`` or whose ``set_`` changes it, writes to tables the package does not know,
      new clients, and rows of another tenant added, merged or deleted as detached objects
      (checked against the database). Platform work uses an unbound session; the
      ``Connection`` from ``session.connection()`` is not guarded.
    """

    sync_session_class = AgencySyncSession

    @property
    def tenant_id(self) -> uuid.UUID | None:
        return self.sync_session.tenant_id  # type: ignore[attr-defined, no-any-return]

    async def commit(self) -> None:
        """Flush, then commit; a connection lost during the commit itself is reported with
        ``commit_unknown=True`` (the server may have applied it)."""
        await self._commit(self.sync_session.commit)

    async def commit_and_close(self) -> None:
        """:meth:`commit`, then :meth:`close` in the same hop to SQLAlchemy's sync side (the
        end of every :func:`get_db_session` block)."""
        await self._commit(functools.partial(_commit_then_close, self.sync_session))

    async def _commit(self, commit: Callable[[], None]) -> None:
        sync_session = self.sync_session
        if sync_session.new or sync_session.dirty or sync_session.deleted:
            await self.flush()
        try:
            await greenlet_spawn(commit)
        except DatabaseUnavailableError as error:
            error.commit_unknown = True
            raise


def _commit_then_close(session: Session) -> None:
    session.commit()
    session.close()


event.listen(AgencySyncSession, "do_orm_execute", scope_statement)
event.listen(AgencySyncSession, "loaded_as_persistent", remember_loaded, raw=True)
event.listen(AgencySyncSession, "pending_to_persistent", remember_loaded, raw=True)


@event.listens_for(AgencySyncSession, "before_flush")
def _check_flush(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    check_flush(session)


@asynccontextmanager
async def allow_hard_delete(session: AgencySession) -> AsyncIterator[AgencySession]:
    """Permit hard deletes of soft-deletable rows inside the block (legal erasure); the deletes
    requested in the block are flushed before it ends, while they are allowed."""
    previous = session.info.get(ALLOW_HARD_DELETE, False)
    session.info[ALLOW_HARD_DELETE] = True
    try:
        yield session
        await session.flush()
    finally:
        session.info[ALLOW_HARD_DELETE] = previous


def get_session_factory(engine: AsyncEngine | None = None) -> async_sessionmaker[AgencySession]:
    """Sessions on ``engine`` (default: :func:`get_engine`), with ``expire_on_commit=False``."""
    return async_sessionmaker(engine or get_engine(), class_=AgencySession, expire_on_commit=False)


@asynccontextmanager
async def get_db_session(
    *, client_id: uuid.UUID | None = None, engine: AsyncEngine | None = None
) -> AsyncIterator[AgencySession]:
    """A session that commits when the block succeeds and rolls back when it raises.

    With ``client_id`` the session is bound to that tenant.
    """
    session = get_session_factory(engine)(info={TENANT: client_id} if client_id else {})
    try:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit_and_close()
    except BaseException:
        await session.__aexit__(None, None, None)
        raise


async def run_transaction(
    work: Callable[[AgencySession], Awaitable[T]],
    *,
    client_id: uuid.UUID | None = None,
    engine: AsyncEngine | None = None,
    attempts: int = 3,
    backoff: float = 0.05,
) -> T:
    """Run ``work`` in a transaction of its own (:func:`get_db_session`) and commit; when it
    fails with a retryable error (:class:`TransactionConflictError`,
    :class:`DatabaseUnavailableError`), run the whole transaction again, up to ``attempts``
    times, waiting ``backoff`` seconds, doubled each time, with jitter. A commit whose outcome
    is unknown (``commit_unknown``) is not retried: it may have been applied."""
    for attempt in range(1, attempts + 1):
        try:
            async with get_db_session(client_id=client_id, engine=engine) as session:
                return await work(session)
        except DatabaseError as error:
            if not error.retryable or getattr(error, "commit_unknown", False):
                raise
            if attempt == attempts:
                raise
            await asyncio.sleep(backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


async def get_db() -> AsyncIterator[AgencySession]:
    """:func:`get_db_session` as an async generator.

    As a FastAPI dependency, use ``agency_models.fastapi.DbSession`` instead: FastAPI runs the
    code after a plain dependency's ``yield`` (here: the commit) after the response is sent, so
    a commit that fails would already have been answered 2xx."""
    async with get_db_session() as session:
        yield session


@asynccontextmanager
async def tenant_session(
    client_id: uuid.UUID, *, engine: AsyncEngine | None = None
) -> AsyncIterator[AgencySession]:
    """:func:`get_db_session` bound to the tenant ``client_id``."""
    async with get_db_session(client_id=client_id, engine=engine) as session:
        yield session


async def act_as_user(
    session: AgencySession,
    user_id: uuid.UUID | None,
    *,
    role: str = "authenticated",
    claims: Mapping[str, Any] | None = None,
) -> None:
    """Run the rest of the session's current transaction as ``user_id`` under row-level security.

    Sets the role and the JWT claims Supabase's ``auth.uid()`` reads, both transaction-local
    (``set_config(..., true)``), so nothing leaks to the next user of a pooled connection.
    ``user_id=None`` with ``role="anon"`` acts as an anonymous caller.
    """
    jwt_claims = {"role": role, **({"sub": str(user_id)} if user_id else {}), **(claims or {})}
    await session.exec(
        select(
            sa.func.set_config("request.jwt.claims", json.dumps(jwt_claims), True),
            sa.func.set_config("role", role, True),
        )
    )
