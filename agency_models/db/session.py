"""Sessions: soft delete by default, optional tenant scope, and a transaction as an RLS user."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, UOWTransaction, with_loader_criteria
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.orm.session import Session

from agency_models.base import SoftDeleteMixin, TenantMixin, mapper_registry
from agency_models.db.engine import get_engine
from agency_models.exceptions import HardDeleteError, TenantIsolationError
from agency_models.models import Client

INCLUDE_DELETED = "include_deleted"
"""Execution option: ``select(Lead).execution_options(include_deleted=True)`` also returns
soft-deleted rows."""
ALLOW_HARD_DELETE = "allow_hard_delete"
"""Execution option (and ``session.info`` key) that permits a hard delete of a soft-deletable
row, for legal erasure."""
TENANT = "client_id"
"""``session.info`` key of the tenant a session is bound to."""

_M = TypeVar("_M")


class AgencySyncSession(Session):
    """The synchronous session behind :class:`AgencySession`; the behaviours live here."""

    @property
    def tenant_id(self) -> uuid.UUID | None:
        tenant = self.info.get(TENANT)
        return tenant if tenant is None else uuid.UUID(str(tenant))


class AgencySession(AsyncSession):
    """The package's session.

    * ORM selects skip soft-deleted rows (relationship loads too) unless the statement has
      ``execution_options(include_deleted=True)``.
    * Hard-deleting a soft-deletable row raises :class:`HardDeleteError` unless allowed with
      :func:`allow_hard_delete` or ``execution_options(allow_hard_delete=True)``.
    * Bound to a tenant (``info={"client_id": ...}``, see :func:`tenant_session`), it reads,
      updates and deletes only that tenant's rows, and refuses to insert another tenant's
      (:class:`TenantIsolationError`).
    """

    sync_session_class = AgencySyncSession

    @property
    def tenant_id(self) -> uuid.UUID | None:
        return self.sync_session.tenant_id  # type: ignore[attr-defined, no-any-return]


@event.listens_for(AgencySyncSession, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        return
    options = state.execution_options
    if state.is_select and not options.get(INCLUDE_DELETED, False):
        state.statement = state.statement.options(*_live_rows_only())
    if state.is_delete and not (
        options.get(ALLOW_HARD_DELETE, False) or state.session.info.get(ALLOW_HARD_DELETE)
    ):
        mapper = state.bind_mapper
        if mapper is not None and issubclass(mapper.class_, SoftDeleteMixin):
            raise HardDeleteError(
                f"{mapper.class_.__name__} is soft-deletable: call soft_delete() on the rows, "
                "or allow the hard delete explicitly with execution_options(allow_hard_delete=True)"
            )
    tenant = state.session.info.get(TENANT)
    if tenant is None:
        return
    if state.is_insert:
        _check_insert_parameters(state, tenant)
    else:
        state.statement = state.statement.options(
            with_loader_criteria(Client, col(Client.id) == tenant, include_aliases=True),
            *(
                with_loader_criteria(table, table.client_id == tenant, include_aliases=True)
                for table in _mapped_subclasses(TenantMixin)
            ),
        )


@functools.cache
def _mapped_subclasses(mixin: type[_M]) -> tuple[Any, ...]:
    """The table classes of the package that use ``mixin`` (all are mapped at import)."""
    return tuple(
        mapper.class_ for mapper in mapper_registry.mappers if issubclass(mapper.class_, mixin)
    )


@functools.cache
def _live_rows_only() -> tuple[Any, ...]:
    return tuple(
        with_loader_criteria(table, col(table.deleted_at).is_(None), include_aliases=True)
        for table in _mapped_subclasses(SoftDeleteMixin)
    )


def _check_insert_parameters(state: ORMExecuteState, tenant: uuid.UUID) -> None:
    """Refuse an ORM ``insert()`` writing rows of another tenant, whether the rows come as
    execution parameters or in ``.values()``."""
    parameters = state.parameters
    rows: list[Mapping[str, Any]] = (
        [parameters] if isinstance(parameters, Mapping) else list(parameters or [])
    )
    owners = [row["client_id"] for row in rows if "client_id" in row]
    statement = state.statement
    values = statement.compile().params if isinstance(statement, sa.Insert) else {}
    owners += [
        value
        for name, value in values.items()
        if name == "client_id" or name.startswith("client_id_m")
    ]
    for owner in owners:
        if owner is not None and str(owner) != str(tenant):
            raise TenantIsolationError(
                f"this session is bound to client {tenant}; refusing to insert a row of "
                f"client {owner}"
            )


@event.listens_for(AgencySyncSession, "before_flush")
def _check_flush(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    if not session.info.get(ALLOW_HARD_DELETE):
        for obj in session.deleted:
            if isinstance(obj, SoftDeleteMixin):
                raise HardDeleteError(
                    f"{type(obj).__name__} {getattr(obj, 'id', '')} is soft-deletable: call "
                    "soft_delete() instead, or wrap the delete in allow_hard_delete(session)"
                )
    tenant = session.info.get(TENANT)
    if tenant is None:
        return
    for obj in (*session.new, *session.dirty):
        owner = obj.id if isinstance(obj, Client) else getattr(obj, "client_id", tenant)
        if str(owner) != str(tenant):
            raise TenantIsolationError(
                f"this session is bound to client {tenant}; refusing to write "
                f"{type(obj).__name__} of client {owner}"
            )


@contextmanager
def allow_hard_delete(session: AgencySession) -> Iterator[AgencySession]:
    """Permit hard deletes of soft-deletable rows inside the block (legal erasure)."""
    previous = session.info.get(ALLOW_HARD_DELETE, False)
    session.info[ALLOW_HARD_DELETE] = True
    try:
        yield session
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
    factory = get_session_factory(engine)
    async with factory(info={TENANT: client_id} if client_id else {}) as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


async def get_db() -> AsyncIterator[AgencySession]:
    """:func:`get_db_session` as an async generator, usable as a FastAPI dependency."""
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
