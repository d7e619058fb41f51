"""What every :class:`~agency_models.db.AgencySession` enforces on the statements it runs:
soft-deleted rows stay hidden, soft-deletable rows are not hard-deleted by accident, and a
session bound to a tenant reads and writes that tenant's rows only.

The tenant guard fails closed: what it cannot prove scoped to the session's tenant (raw SQL,
a Core statement naming a tenant table, a write to a table the package does not know) raises
:class:`TenantIsolationError`; platform work uses an unbound session. It reads a few private
attributes of SQLAlchemy statements, listed in :data:`STATEMENT_INTERNALS` and checked at
import, so a SQLAlchemy release that renames one stops the import instead of turning a check
off.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.dml import OnConflictDoUpdate
from sqlalchemy.orm import InstanceState, ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause, TextClause
from sqlmodel import col

from agency_models.base import SoftDeleteMixin, TenantMixin, mapper_registry
from agency_models.exceptions import HardDeleteError, TenantIsolationError
from agency_models.models import Client, load_every_table

INCLUDE_DELETED = "include_deleted"
"""Execution option: ``select(Lead).execution_options(include_deleted=True)`` also returns
soft-deleted rows (and ``session.get(..., execution_options=...)`` a soft-deleted row)."""
ALLOW_HARD_DELETE = "allow_hard_delete"
"""Execution option (and ``session.info`` key) that permits a hard delete of a soft-deletable
row, for legal erasure."""
TENANT = "client_id"
"""``session.info`` key of the tenant a session is bound to."""
LOADED = "agency_models.loaded"
"""``session.info`` key of the identities a tenant-bound session loaded itself (through its
scoped statements), so known to be the tenant's."""

STATEMENT_INTERNALS = {
    "Insert": ("_values", "_multi_values", "_select_names", "_post_values_clause"),
    "Update": ("_values",),
    "Table": ("_annotations",),
    "Select": ("_propagate_attrs", "_with_options", "_generate_cache_key"),
    "OnConflictDoUpdate": ("update_values_to_set", "inferred_target_elements"),
}
"""The statement attributes the tenant guard reads (SQLAlchemy keeps no public API for them),
by the kind of object that holds them."""


def _statement_samples() -> dict[str, object]:
    table = sa.table("sample", sa.column("a"))
    insert = postgresql.insert(table).values(a=1)
    return {
        "Insert": insert,
        "Update": sa.update(table).values(a=1),
        "Table": table,
        "Select": sa.select(table),
        "OnConflictDoUpdate": insert.on_conflict_do_update(
            index_elements=["a"], set_={"a": 2}
        )._post_values_clause,
    }


def _require_statement_internals() -> None:
    samples = _statement_samples()
    missing = [
        f"{kind}.{name}"
        for kind, names in STATEMENT_INTERNALS.items()
        for name in names
        if not hasattr(samples[kind], name)
    ]
    if missing:
        raise ImportError(
            f"agency_models' tenant guard does not support SQLAlchemy {sa.__version__}: "
            f"missing {', '.join(missing)}"
        )


_require_statement_internals()
load_every_table()  # the guard's lists of tables are read from the registry: all of them


def scope_statement(state: ORMExecuteState) -> None:
    """``do_orm_execute`` hook: add the live-rows and tenant criteria, refuse what can't be
    scoped."""
    options = state.execution_options
    named = state.statement
    tenant = state.session.info.get(TENANT)
    if tenant is not None:
        _scope_to_tenant(state, str(tenant))
    loading = state.is_column_load or state.is_relationship_load
    if state.is_select and not loading and not options.get(INCLUDE_DELETED, False):
        soft_deletable = _facts(named, writes=False).soft_deletable
        if soft_deletable:
            state.statement = state.statement.options(*_live_rows_only(soft_deletable))
    if state.is_delete and not (
        options.get(ALLOW_HARD_DELETE, False) or state.session.info.get(ALLOW_HARD_DELETE)
    ):
        _refuse_hard_delete(state)


def remember_loaded(session: Session, state: InstanceState[Any]) -> None:
    """``loaded_as_persistent`` and ``pending_to_persistent`` hook (``raw=True``: the state, not
    the object, which SQLAlchemy would wrap for every row): a tenant-bound session loads only
    its tenant's rows, and inserted only its tenant's rows."""
    if session.info.get(TENANT) is not None:
        session.info.setdefault(LOADED, set()).add(state.key)


def check_flush(session: Session) -> None:
    """``before_flush`` hook: the same rules for the unit of work.

    In a tenant-bound session every new, changed or deleted row must be the tenant's: by its
    ``client_id`` (``id`` for a client), and, for a row the session did not load itself (a
    detached object added, merged or deleted), by the ``client_id`` the database holds.
    """
    tenant = session.info.get(TENANT)
    if tenant is not None:
        _check_tenant_flush(session, str(tenant))
    if not session.info.get(ALLOW_HARD_DELETE):
        for obj in session.deleted:
            if isinstance(obj, SoftDeleteMixin):
                raise HardDeleteError(
                    f"{type(obj).__name__} {getattr(obj, 'id', '')} is soft-deletable: call "
                    "soft_delete() instead, or delete inside allow_hard_delete(session)"
                )


def _check_tenant_flush(session: Session, tenant: str) -> None:
    for obj in session.new:
        _check_owner(obj, tenant)
    loaded = session.info.get(LOADED, set())
    unverified: dict[type[TenantMixin], list[Any]] = {}
    for obj in (*session.dirty, *session.deleted):
        _check_owner(obj, tenant)
        if isinstance(obj, TenantMixin) and sa.inspect(obj).key not in loaded:
            unverified.setdefault(type(obj), []).append(sa.inspect(obj).identity)
    for model, identities in unverified.items():
        _check_stored_owner(session, model, identities, tenant)


def check_merged(session: Session, merged: object) -> None:
    """After ``Session.merge`` in a tenant-bound session: a merged row that is not in the
    session's tenant is refused now, from what the database holds, not from the object."""
    tenant = session.info.get(TENANT)
    if tenant is None or not isinstance(merged, TenantMixin):
        return
    _check_owner(merged, str(tenant))
    state = sa.inspect(merged)
    if state.pending and getattr(merged, "id", None) is not None:
        _check_stored_owner(session, type(merged), [(merged.id,)], str(tenant))  # type: ignore[attr-defined]


def hidden_as_deleted(obj: object, execution_options: Mapping[str, Any] | None) -> bool:
    """Whether ``session.get`` must not return ``obj``, found soft-deleted in the session."""
    return (
        isinstance(obj, SoftDeleteMixin)
        and obj.is_deleted
        and not (execution_options or {}).get(INCLUDE_DELETED, False)
    )


@functools.cache
def _package_classes() -> frozenset[type]:
    return frozenset(_table_classes().values())


@functools.cache
def _table_classes() -> dict[str, Any]:
    """Table name -> table class, for every table of the package."""
    return {mapper.class_.__tablename__: mapper.class_ for mapper in mapper_registry.mappers}


@functools.cache
def _live_rows_only(entities: tuple[type, ...]) -> tuple[Any, ...]:
    return tuple(
        with_loader_criteria(entity, col(entity.deleted_at).is_(None), include_aliases=True)  # type: ignore[attr-defined]
        for entity in entities
    )


@functools.lru_cache(maxsize=4096)
def _tenant_criteria(tenant: str, entities: tuple[type, ...]) -> tuple[Any, ...]:
    """Loader criteria keeping ``entities`` to ``tenant``'s rows (kept per tenant: the
    options are built once, and their bound value leaves the compiled statement shared)."""
    tenant_id = uuid.UUID(tenant)
    return tuple(
        with_loader_criteria(
            entity,
            (col(Client.id) if entity is Client else entity.client_id) == tenant_id,  # type: ignore[attr-defined]
            include_aliases=True,
        )
        for entity in entities
    )


_UNKNOWN = object()
"""The target of a write to a table the package does not know."""


def _target(state: ORMExecuteState) -> Any:
    """The table class an INSERT, UPDATE or DELETE writes (ORM or Core, a ``Table`` or a
    ``sa.table()`` of the same name), :data:`_UNKNOWN` for a table that is not the package's."""
    if state.bind_mapper is not None:
        return state.bind_mapper.class_
    name: Any = getattr(getattr(state.statement, "table", None), "name", None)
    return _table_classes().get(name, _UNKNOWN)


def _refuse_hard_delete(state: ORMExecuteState) -> None:
    target = _target(state)
    if isinstance(target, type) and issubclass(target, SoftDeleteMixin):
        raise HardDeleteError(
            f"{target.__name__} is soft-deletable: call soft_delete() on the rows, or allow the "
            "hard delete explicitly with execution_options(allow_hard_delete=True)"
        )


def _owner_column(target: Any) -> str | None:
    """The column naming the tenant of ``target``'s rows, None for a platform table."""
    if target is Client:
        return "id"
    if isinstance(target, type) and issubclass(target, TenantMixin):
        return "client_id"
    return None


def _scope_to_tenant(state: ORMExecuteState, tenant: str) -> None:
    statement = state.statement
    if isinstance(statement, TextClause):
        raise _unscoped(tenant, "raw SQL (text())")
    writes = bool(state.is_insert or state.is_update or state.is_delete)
    facts = _facts(statement, writes)
    if facts.unscoped is not None:
        raise _unscoped(tenant, facts.unscoped)
    if state.is_insert:
        _check_insert(state, tenant)
        return
    if state.is_update or state.is_delete:
        _check_update_or_delete(state, tenant)
    if state.is_column_load and isinstance(statement, sa.Select):
        statement = statement.where(*_owner_criteria(state, tenant))
    if facts.entities:
        state.statement = statement.options(*_tenant_criteria(tenant, facts.entities))


def _owner_criteria(state: ORMExecuteState, tenant: str) -> Iterator[Any]:
    """The tenant criteria as plain WHERE clauses, for the loads (refresh, expired attributes)
    that loader criteria do not reach."""
    tenant_id = uuid.UUID(tenant)
    for mapper in state.all_mappers:
        owner = _owner_column(mapper.class_)
        if owner is not None:
            yield getattr(mapper.class_, owner) == tenant_id


@dataclass(frozen=True)
class _Facts:
    """What the guard needs of a statement's structure: why it cannot be scoped (None when it
    can), and the tenant-owned and the soft-deletable entities its loader criteria must
    cover."""

    unscoped: str | None
    entities: tuple[type, ...]
    soft_deletable: tuple[type, ...] = ()


_FACTS: dict[tuple[Any, ...], _Facts] = {}
_FACTS_LIMIT = 4096


def _facts(statement: Any, writes: bool) -> _Facts:
    """:func:`_structure_facts`, remembered by the statement's structure (SQLAlchemy's cache
    key, which it computes for its compiled cache anyway and keeps on the statement)."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return _structure_facts(statement, writes)
    key = (cache_key.key, writes)
    facts = _FACTS.get(key)
    if facts is None:
        facts = _structure_facts(statement, writes)
        if len(_FACTS) >= _FACTS_LIMIT:
            _FACTS.clear()
        _FACTS[key] = facts
    return facts


def _structure_facts(statement: Any, writes: bool) -> _Facts:
    """Find raw SQL fragments and tenant tables the loader criteria do not reach, and the
    tenant entities the statement names.

    The criteria reach the ORM entities of a statement, and plain tables (``Lead.__table__``,
    what relationship ``any()`` / ``has()`` build) that are the FROM of an ORM-enabled select;
    they do not reach a plain table joined, aliased or selected from a Core select. A Core
    write may name its own target (its ``excluded`` row included). A statement with loader
    options (``joinedload``, …) may reach any entity: all get criteria.
    """
    target_table = getattr(statement, "table", None) if writes else None
    index_where = getattr(
        getattr(statement, "_post_values_clause", None), "inferred_target_whereclause", None
    )
    options = getattr(statement, "_with_options", ())
    entities: set[type] = set(_table_classes().values()) if options else set()
    for element in visitors.iterate(statement):
        if isinstance(element, TextClause) and element is not index_where:
            return _Facts("raw SQL (text()) inside a statement", ())
        entity = getattr(element, "_annotations", {}).get("parententity")
        if entity is not None and entity.class_ in _package_classes():
            entities.add(entity.class_)
        if isinstance(element, sa.Select):
            orm_enabled = element._propagate_attrs.get("compile_state_plugin") == "orm"
            for source in element.get_final_froms():
                if orm_enabled and (plain := _plain_package_table(source)) is not None:
                    entities.add(plain)
                    continue
                for inner in visitors.iterate(source):
                    if name := _core_table(inner):
                        return _Facts(f"a Core reference to table {name}", ())
        elif (
            writes
            and element is not target_table
            and (name := _core_table(element, unknown_too=True))
        ):
            return _Facts(f"a Core reference to table {name} in a write", ())
    named = sorted(entities, key=lambda entity: entity.__name__)
    return _Facts(
        None,
        tuple(entity for entity in named if _owner_column(entity) is not None),
        tuple(entity for entity in named if issubclass(entity, SoftDeleteMixin)),
    )


def _plain_package_table(element: Any) -> type | None:
    """The table class of ``element`` when it is one of the package's tables named as a plain
    Core table."""
    if not isinstance(element, sa.TableClause) or "parententity" in element._annotations:
        return None
    found: type | None = _table_classes().get(element.name)
    return found


def _core_table(element: Any, *, unknown_too: bool = False) -> str | None:
    """The name of the tenant table (or, ``unknown_too``, of a table the package does not
    know) ``element`` names as a plain Core table, outside the ORM's reach."""
    if not isinstance(element, sa.TableClause) or "parententity" in element._annotations:
        return None
    target = _table_classes().get(element.name, _UNKNOWN)
    if _owner_column(target) is not None or (unknown_too and target is _UNKNOWN):
        return element.name
    return None


def _check_update_or_delete(state: ORMExecuteState, tenant: str) -> None:
    target = _target(state)
    if target is _UNKNOWN:
        raise _unscoped(tenant, "a write to a table agency-models does not know")
    owner = _owner_column(target)
    if owner is None:
        return
    action = "UPDATE" if state.is_update else "DELETE"
    if not state.is_orm_statement:
        raise _unscoped(tenant, f"a Core {action} of {target.__tablename__}; use {target.__name__}")
    if state.is_executemany:
        raise _unscoped(tenant, f"a bulk {action} of {target.__name__} by primary key")
    for value in _assigned(state.statement, owner) if state.is_update else ():
        raise _foreign_write(tenant, f"{target.__name__} with a new {owner} ({value})")


def _check_insert(state: ORMExecuteState, tenant: str) -> None:
    target = _target(state)
    if target is _UNKNOWN:
        raise _unscoped(tenant, "a write to a table agency-models does not know")
    owner = _owner_column(target)
    if owner is None:
        return
    statement: Any = state.statement
    if target is Client:
        raise _unscoped(tenant, "a new client")
    if statement._select_names is not None:
        raise _unscoped(tenant, f"INSERT … SELECT into {target.__tablename__}")
    conflict = statement._post_values_clause
    if isinstance(conflict, OnConflictDoUpdate):
        if owner not in _conflict_columns(conflict):
            raise _unscoped(
                tenant, f"an upsert of {target.__tablename__} whose conflict target lacks {owner}"
            )
        for key, value in conflict.update_values_to_set.items():
            if _column_name(key) == owner and not _is_excluded_column(value, owner):
                raise _foreign_write(tenant, f"{target.__name__} with a new {owner} on conflict")
    try:
        for value in _inserted_values(state, owner):
            if str(_bound(value)) != tenant:
                raise _foreign_write(tenant, f"{target.__name__} of client {_bound(value)}")
    except TypeError:
        raise _unscoped(
            tenant, f"an INSERT into {target.__tablename__} with positional values"
        ) from None


def _check_owner(obj: object, tenant: str) -> None:
    owner = obj.id if isinstance(obj, Client) else getattr(obj, "client_id", tenant)
    if str(owner) != tenant:
        raise _foreign_write(tenant, f"{type(obj).__name__} of client {owner}")


def _check_stored_owner(
    session: Session, model: type[TenantMixin], identities: list[Any], tenant: str
) -> None:
    """Refuse when a row of ``model`` with one of ``identities`` belongs to another client in
    the database (whatever the objects' attributes say)."""
    table: Any = model.__table__  # type: ignore[attr-defined]
    ids = [identity[0] for identity in identities]
    foreign = session.connection().execute(
        sa.select(table.c.id)
        .where(table.c.id.in_(ids), table.c.client_id != uuid.UUID(tenant))
        .limit(1)
    )
    row = foreign.first()
    if row is not None:
        raise _foreign_write(tenant, f"{model.__name__} {row[0]}, a row of another client")


def _column_name(key: Any) -> str:
    return str(getattr(key, "key", key))


def _bound(value: Any) -> Any:
    return getattr(value, "value", value)


def _is_excluded_column(value: Any, column: str) -> bool:
    """``stmt.excluded.<column>``: the value the upsert tried to insert, already checked."""
    return (
        isinstance(value, ColumnClause)
        and value.key == column
        and getattr(value.table, "name", None) == "excluded"
    )


def _assigned(statement: Any, column: str) -> Iterator[Any]:
    """What an UPDATE's ``.values()`` sets ``column`` to (``client_id`` never changes)."""
    for key, value in (statement._values or {}).items():
        if _column_name(key) == column:
            yield _bound(value)


def _inserted_values(state: ORMExecuteState, column: str) -> Iterator[Any]:
    """Every value an INSERT writes into ``column``: execution parameters, ``.values()`` and
    multi-row ``.values([...])``; a row that leaves it out yields None."""
    parameters = state.parameters
    rows: list[Any] = [parameters] if isinstance(parameters, Mapping) else list(parameters or [])
    statement: Any = state.statement
    if statement._values:
        rows = [{**dict(statement._values), **row} for row in rows] or [statement._values]
    for multi in statement._multi_values or ():
        rows.extend(multi)
    for row in rows:
        if not isinstance(row, Mapping):
            raise TypeError("positional INSERT values")
        values = {_column_name(key): value for key, value in row.items()}
        if values.get(column) is not None:
            yield values[column]


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
