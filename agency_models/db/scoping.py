"""What every :class:`~agency_models.db.AgencySession` enforces on the statements it runs:
soft-deleted rows stay hidden, soft-deletable rows are not hard-deleted by accident, and a
session bound to a tenant reads and writes that tenant's rows only."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.dml import OnConflictDoUpdate
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlmodel import col

from agency_models.base import SoftDeleteMixin, TenantMixin, mapper_registry
from agency_models.exceptions import HardDeleteError, TenantIsolationError
from agency_models.models import Client

INCLUDE_DELETED = "include_deleted"
"""Execution option: ``select(Lead).execution_options(include_deleted=True)`` also returns
soft-deleted rows (and ``session.get(..., execution_options=...)`` a soft-deleted row)."""
ALLOW_HARD_DELETE = "allow_hard_delete"
"""Execution option (and ``session.info`` key) that permits a hard delete of a soft-deletable
row, for legal erasure."""
TENANT = "client_id"
"""``session.info`` key of the tenant a session is bound to."""


def scope_statement(state: ORMExecuteState) -> None:
    """``do_orm_execute`` hook: add the live-rows and tenant criteria, refuse what can't be
    scoped."""
    if state.is_column_load or state.is_relationship_load:
        return
    options = state.execution_options
    if state.is_select and not options.get(INCLUDE_DELETED, False):
        state.statement = state.statement.options(*_live_rows_only())
    if state.is_delete and not (
        options.get(ALLOW_HARD_DELETE, False) or state.session.info.get(ALLOW_HARD_DELETE)
    ):
        _refuse_hard_delete(state)
    tenant = state.session.info.get(TENANT)
    if tenant is not None:
        _scope_to_tenant(state, str(tenant))


def check_flush(session: Session) -> None:
    """``before_flush`` hook: the same rules for the unit of work."""
    if not session.info.get(ALLOW_HARD_DELETE):
        for obj in session.deleted:
            if isinstance(obj, SoftDeleteMixin):
                raise HardDeleteError(
                    f"{type(obj).__name__} {getattr(obj, 'id', '')} is soft-deletable: call "
                    "soft_delete() instead, or delete inside allow_hard_delete(session)"
                )
    tenant = session.info.get(TENANT)
    if tenant is None:
        return
    for obj in (*session.new, *session.dirty):
        owner = obj.id if isinstance(obj, Client) else getattr(obj, "client_id", tenant)
        if str(owner) != str(tenant):
            raise _foreign_write(tenant, f"{type(obj).__name__} of client {owner}")


def hidden_as_deleted(obj: object, execution_options: Mapping[str, Any] | None) -> bool:
    """Whether ``session.get`` must not return ``obj``, found soft-deleted in the session."""
    return (
        isinstance(obj, SoftDeleteMixin)
        and obj.is_deleted
        and not (execution_options or {}).get(INCLUDE_DELETED, False)
    )


@functools.cache
def _mapped_subclasses(mixin: type) -> tuple[Any, ...]:
    """The table classes of the package that use ``mixin`` (all are mapped at import)."""
    return tuple(
        mapper.class_ for mapper in mapper_registry.mappers if issubclass(mapper.class_, mixin)
    )


@functools.cache
def _table_classes() -> dict[sa.FromClause, Any]:
    return {mapper.local_table: mapper.class_ for mapper in mapper_registry.mappers}


@functools.cache
def _live_rows_only() -> tuple[Any, ...]:
    return tuple(
        with_loader_criteria(table, col(table.deleted_at).is_(None), include_aliases=True)
        for table in _mapped_subclasses(SoftDeleteMixin)
    )


def _target(state: ORMExecuteState) -> Any:
    """The table class an INSERT, UPDATE or DELETE writes (ORM or Core), if one of ours."""
    if state.bind_mapper is not None:
        return state.bind_mapper.class_
    table: Any = getattr(state.statement, "table", None)
    return _table_classes().get(table)


def _refuse_hard_delete(state: ORMExecuteState) -> None:
    target = _target(state)
    if isinstance(target, type) and issubclass(target, SoftDeleteMixin):
        raise HardDeleteError(
            f"{target.__name__} is soft-deletable: call soft_delete() on the rows, or allow the "
            "hard delete explicitly with execution_options(allow_hard_delete=True)"
        )


def _scope_to_tenant(state: ORMExecuteState, tenant: str) -> None:
    if state.is_insert:
        _check_insert(state, tenant)
        return
    if state.is_update or state.is_delete:
        _check_update_or_delete(state, tenant)
    state.statement = state.statement.options(
        with_loader_criteria(Client, col(Client.id) == tenant, include_aliases=True),
        *(
            with_loader_criteria(table, table.client_id == tenant, include_aliases=True)
            for table in _mapped_subclasses(TenantMixin)
        ),
    )


def _owner_column(target: Any) -> str | None:
    """The column naming the tenant of ``target``'s rows, None for a global table."""
    if target is Client:
        return "id"
    if isinstance(target, type) and issubclass(target, TenantMixin):
        return "client_id"
    return None


def _check_update_or_delete(state: ORMExecuteState, tenant: str) -> None:
    target = _target(state)
    owner = _owner_column(target)
    if owner is None:
        return
    action = "UPDATE" if state.is_update else "DELETE"
    if not state.is_orm_statement:
        raise _unscoped(tenant, f"a Core {action} of {target.__tablename__}; use {target.__name__}")
    if state.is_executemany:
        raise _unscoped(tenant, f"a bulk {action} of {target.__name__} by primary key")
    for value in _set_values(state.statement, owner):
        if str(value) != tenant:
            raise _foreign_write(tenant, f"{target.__name__} moved to client {value}")


def _check_insert(state: ORMExecuteState, tenant: str) -> None:
    target = _target(state)
    owner = _owner_column(target)
    if owner is None:
        return
    statement = state.statement
    if target is Client:
        raise _unscoped(tenant, "a new client")
    if getattr(statement, "_select_names", None) is not None:
        raise _unscoped(tenant, f"INSERT … SELECT into {target.__tablename__}")
    conflict = getattr(statement, "_post_values_clause", None)
    if isinstance(conflict, OnConflictDoUpdate) and owner not in _conflict_columns(conflict):
        raise _unscoped(
            tenant, f"an upsert of {target.__tablename__} whose conflict target lacks {owner}"
        )
    for value in _inserted_values(state, owner):
        if value is not None and str(value) != tenant:
            raise _foreign_write(tenant, f"{target.__name__} of client {value}")


def _column_name(key: Any) -> str:
    return str(getattr(key, "key", key))


def _bound(value: Any) -> Any:
    return getattr(value, "value", value)


def _set_values(statement: Any, column: str) -> Iterator[Any]:
    """What an UPDATE's ``.values()`` sets ``column`` to."""
    values = dict(getattr(statement, "_values", None) or {})
    values.update(getattr(statement, "_ordered_values", None) or ())
    for key, value in values.items():
        if _column_name(key) == column:
            yield _bound(value)


def _inserted_values(state: ORMExecuteState, column: str) -> Iterator[Any]:
    """Every value an INSERT writes into ``column``: execution parameters, ``.values()`` and
    multi-row ``.values([...])``."""
    parameters = state.parameters
    rows = [parameters] if isinstance(parameters, Mapping) else list(parameters or [])
    statement = state.statement
    rows.append(getattr(statement, "_values", None) or {})
    for multi in getattr(statement, "_multi_values", None) or ():
        rows.extend(multi)
    for row in rows:
        for key, value in row.items() if isinstance(row, Mapping) else ():
            if _column_name(key) == column:
                yield _bound(value)


def _conflict_columns(conflict: OnConflictDoUpdate) -> set[str]:
    return {_column_name(element) for element in conflict.inferred_target_elements or ()}


def _unscoped(tenant: str, what: str) -> TenantIsolationError:
    return TenantIsolationError(
        f"this session is bound to client {tenant} and cannot scope {what}: use an unbound "
        "session for platform work"
    )


def _foreign_write(tenant: str, what: str) -> TenantIsolationError:
    return TenantIsolationError(
        f"this session is bound to client {tenant}; refusing to write {what}"
    )
