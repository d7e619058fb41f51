"""Row-level security of every table, against real PostgreSQL.

The tables come from the metadata: a table with a NOT NULL ``client_id`` is a tenant table,
one without is platform-wide; ``TENANT_POLICIES`` lists the tenant tables whose policies differ
from the plain ones. Two tenants, A and B, each with one user per membership role and one row in
every table, are committed once, as the superuser (who bypasses row-level security), in a
database of this module's own. Each check then runs inside :func:`acting_as`: a savepoint in
which ``act_as_user`` switches to ``authenticated`` (with JWT claims), ``anon`` or
``service_role``, rolled back afterwards so the role, the claims and whatever the acting user
wrote are undone; each test's session is rolled back as well."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

import agency_models
from agency_models import (
    ConstraintViolationError,
    MembershipRole,
    PermissionDeniedError,
    metadata,
)
from agency_models.base import AgencyModel, mapper_registry
from agency_models.db import AgencySession, act_as_user, create_engine
from agency_models.migrations import upgrade
from agency_models.migrations.environment import run_sync
from factories import tables as factory_tables
from factories.base import AgencyFactory, bind_factories
from factories.pytest_plugin import rolled_back_session
from factories.tables import ClientFactory, MembershipFactory, UserFactory
from factories.testdb import create_database, drop_database, libpq_dsn, throwaway_database
from tests.helpers import query

OWNER, ADMIN, MEMBER, VIEWER = (
    MembershipRole.OWNER,
    MembershipRole.ADMIN,
    MembershipRole.MEMBER,
    MembershipRole.VIEWER,
)
WRITERS = frozenset({OWNER, ADMIN, MEMBER})
MANAGERS = frozenset({OWNER, ADMIN})
NOBODY: frozenset[MembershipRole] = frozenset()

INSUFFICIENT_PRIVILEGE = "42501"
"""SQLSTATE of both a row-level-security WITH CHECK violation and a missing privilege."""
RLS_VIOLATION = "new row violates row-level security policy"
PERMISSION_DENIED = "permission denied"


@dataclass(frozen=True)
class Table:
    """A table under test and, for a tenant table, the membership roles whose policies let them
    insert, update and delete their own tenant's rows."""

    name: str
    model: type[AgencyModel]
    tenant_column: str | None = "client_id"
    """The column naming the row's tenant; ``None`` for platform-wide tables."""
    inserters: frozenset[MembershipRole] = WRITERS
    updaters: frozenset[MembershipRole] = WRITERS
    deleters: frozenset[MembershipRole] = MANAGERS
    insert_refusal: str = RLS_VIOLATION
    """How an insert by a role not among ``inserters`` is refused: by the ``INSERT`` policy, or
    by the privileges when the table grants no insert at all."""

    def __str__(self) -> str:
        return self.name

    @property
    def factory(self) -> type[AgencyFactory[Any]]:
        return getattr(factory_tables, f"{self.model.__name__}Factory")

    @property
    def touch(self) -> str:
        """A column an ``UPDATE`` sets to itself (a write that changes nothing): the first one
        the table's Update schema lets a user change, else the first plain column."""
        columns = self.model.__table__.columns
        plain = [
            column.key
            for column in columns
            if not (column.primary_key or column.foreign_keys or column.key in SERVER_COLUMNS)
        ]
        update = getattr(agency_models, f"{self.model.__name__}Update")
        return next((name for name in update.model_fields if name in plain), plain[0])


SERVER_COLUMNS = frozenset({"created_at", "updated_at", "deleted_at"})
READ_ONLY = {"inserters": NOBODY, "updaters": NOBODY, "deleters": NOBODY}
"""A tenant table only the platform (the service role) writes: members read it."""
TENANT_POLICIES: dict[str, dict[str, Any]] = {
    "clients": {
        "tenant_column": "id",
        "inserters": NOBODY,
        "updaters": MANAGERS,
        "deleters": frozenset({OWNER}),
        "insert_refusal": PERMISSION_DENIED,
    },
    "memberships": {"inserters": MANAGERS, "updaters": MANAGERS, "deleters": MANAGERS},
    "activities": {"updaters": NOBODY, "deleters": NOBODY},
    "activity_stats": READ_ONLY,
    "client_resources": READ_ONLY,
    "conversion_patterns": READ_ONLY,
    "conversion_pattern_history": READ_ONLY,
    "sdk_usage_log": READ_ONLY,
}
"""Tenant tables whose policies differ from a plain tenant table's (writers insert and update,
managers delete): the activity log is append-only for members; stats, resource assignments,
learned patterns and their history, and SDK usage are written by the platform alone; clients
and memberships follow the ownership rules."""

MODELS = {mapper.class_.__tablename__: mapper.class_ for mapper in mapper_registry.mappers}


def _table(name: str) -> Table:
    columns = metadata.tables[name].columns
    if name == "clients" or ("client_id" in columns and not columns["client_id"].nullable):
        return Table(name, MODELS[name], **TENANT_POLICIES.get(name, {}))
    return Table(name, MODELS[name], tenant_column=None)


ALL_TABLES = tuple(_table(table.name) for table in metadata.sorted_tables)
TABLES = {table.name: table for table in ALL_TABLES}
USERS = TABLES["users"]
TENANT_TABLES = tuple(table for table in ALL_TABLES if table.tenant_column)
PLATFORM_TABLES = tuple(
    table for table in ALL_TABLES if table.tenant_column is None and table is not USERS
)
"""Platform-wide tables: no tenant owns their rows (a pooled lead's optional ``client_id`` is
an assignment, not ownership)."""


@dataclass
class Tenant:
    """A client with one user per membership role and one row in every table."""

    id: uuid.UUID
    users: dict[MembershipRole, uuid.UUID] = field(default_factory=dict)
    rows: dict[str, AgencyModel] = field(default_factory=dict)
    """Table name -> a row created with this tenant (with parents of its own, so no other row
    references it and it can be deleted)."""
    teammates: set[uuid.UUID] = field(default_factory=set)
    """Every user with a live membership of this tenant."""

    def row_id(self, table: Table) -> uuid.UUID:
        return self.rows[table.name].id


@dataclass
class World:
    a: Tenant
    b: Tenant
    stranger: uuid.UUID
    """A user with no membership."""
    platform_admin: uuid.UUID
    """A user with ``is_platform_admin`` and no membership."""

    def rows(self, table: Table) -> set[uuid.UUID]:
        """Ids of rows of ``table`` that exist in the world."""
        if table is USERS:
            return self.a.teammates | self.b.teammates | {self.stranger, self.platform_admin}
        return {self.a.row_id(table), self.b.row_id(table)}

    def references(self, table: Table, tenant: Tenant) -> dict[str, Any]:
        """Foreign keys of a new row of ``table`` in ``tenant``: those of the tenant's row, with
        the stranger wherever a user is referenced (so a new membership is theirs)."""
        row = tenant.rows[table.name]
        return {
            column.key: self.stranger
            if key.column.table.name == "users"
            else getattr(row, column.key)
            for column in metadata.tables[table.name].columns
            for key in column.foreign_keys
        }


async def _build_tenant() -> Tenant:
    client = await ClientFactory.create_async()
    tenant = Tenant(id=client.id, rows={"clients": client})
    for role in MembershipRole:
        membership = await MembershipFactory.create_async(client_id=client.id, role=role)
        tenant.users[role] = membership.user_id
    for table in ALL_TABLES:
        if table.tenant_column == "client_id":
            tenant.rows[table.name] = await table.factory.create_async(client_id=client.id)
        elif table.tenant_column is None:
            tenant.rows[table.name] = await table.factory.create_async()
    tenant.teammates = {*tenant.users.values(), tenant.rows["memberships"].user_id}
    return tenant


@pytest.fixture(scope="module")
def world_engine() -> Iterator[AsyncEngine]:
    """An engine on a database of this module's own, where the world is committed once."""
    with throwaway_database() as url:
        yield create_engine(url, poolclass=sa.NullPool)


@pytest.fixture(scope="module")
async def world(world_engine: AsyncEngine) -> World:
    async with AgencySession(world_engine, expire_on_commit=False) as session:
        with bind_factories(session):
            stranger = (await UserFactory.create_async()).id
            platform_admin = (await UserFactory.create_async(is_platform_admin=True)).id
            built = World(
                a=await _build_tenant(),
                b=await _build_tenant(),
                stranger=stranger,
                platform_admin=platform_admin,
            )
        await session.commit()
    return built


@pytest.fixture
async def agency_session(world_engine: AsyncEngine) -> AsyncIterator[AgencySession]:
    """A session on the world's database, rolled back after the test like the plugin's."""
    async with rolled_back_session(world_engine) as session:
        yield session


@asynccontextmanager
async def rolled_back(session: AgencySession) -> AsyncIterator[None]:
    """Run the block in a savepoint that is always rolled back."""
    savepoint = await session.begin_nested()
    try:
        yield
    finally:
        await savepoint.rollback()


@asynccontextmanager
async def acting_as(
    session: AgencySession, user_id: uuid.UUID | None, *, role: str = "authenticated"
) -> AsyncIterator[None]:
    """Run the block as ``user_id`` (or as ``role`` with no user) in a savepoint that is always
    rolled back: a ``set_config(..., true)`` made in a savepoint survives ``RELEASE`` but not
    ``ROLLBACK TO``, so only the rollback hands the transaction back to the superuser."""
    async with rolled_back(session):
        await act_as_user(session, user_id, role=role)
        yield


async def run(session: AgencySession, sql: str, **params: Any) -> Any:
    """Execute raw SQL; returns the cursor result (``rowcount`` for writes)."""
    return await session.exec(sa.text(sql), params=params)


async def visible(session: AgencySession, table: Table) -> dict[uuid.UUID, uuid.UUID]:
    """Id -> tenant (or id, for tables without one) of every row of ``table`` the current role
    may read."""
    tenant = table.tenant_column or "id"
    result = await run(session, f"SELECT id, {tenant} FROM {table.name}")
    return {row[0]: row[1] for row in result}


async def update(session: AgencySession, table: Table, row_id: uuid.UUID) -> int:
    """Rows an update of row ``row_id`` changed (0 when row-level security hides the row)."""
    sql = f"UPDATE {table.name} SET {table.touch} = {table.touch} WHERE id = :id"
    return int((await run(session, sql, id=row_id)).rowcount)


async def delete(session: AgencySession, table: Table, row_id: uuid.UUID) -> int:
    """Rows a delete of row ``row_id`` removed (0 when row-level security hides the row)."""
    return int((await run(session, f"DELETE FROM {table.name} WHERE id = :id", id=row_id)).rowcount)


async def insert(
    session: AgencySession, table: Table, references: dict[str, uuid.UUID]
) -> uuid.UUID:
    """Insert a new valid row of ``table`` with the given foreign keys; returns its id.

    The statement has no ``RETURNING``: with one, PostgreSQL also requires the new row to pass
    the ``SELECT`` policy, which would hide a missing ``INSERT`` check behind the read check.
    """
    fields = table.factory.__model__.model_fields
    row = table.factory.build(**{key: value for key, value in references.items() if key in fields})
    mapper = sa.inspect(type(row))
    values = {
        attribute.columns[0].key: value
        for attribute in mapper.column_attrs
        if (value := getattr(row, attribute.key)) is not None
    }
    values["id"] = uuid.uuid4()
    await session.exec(sa.insert(mapper.local_table).values(values))
    return values["id"]


async def assert_refused(
    session: AgencySession, write: Callable[[], Awaitable[object]], message: str, table: str
) -> None:
    """``write`` fails with :class:`PermissionDeniedError` (SQLSTATE 42501) and ``message``
    about ``table``; the failed statement
    is rolled back to a savepoint of its own so the test can go on."""
    with pytest.raises(PermissionDeniedError) as raised:
        async with session.begin_nested():
            await write()
    error = raised.value
    assert error.sqlstate == INSUFFICIENT_PRIVILEGE, error
    assert message in str(error), error
    assert f'table "{table}"' in str(error) or f"table {table}" in str(error), error


async def whoami(session: AgencySession) -> tuple[Any, ...]:
    result = await run(session, "SELECT current_user::text, session_user::text, auth.uid()")
    return tuple(result.one())


# --- acting as a user -------------------------------------------------------------------------


async def test_acting_as_switches_identity_for_the_block_only(agency_session, world):
    user_id = world.a.users[MEMBER]
    login_role, _, no_user = await whoami(agency_session)
    assert no_user is None
    async with acting_as(agency_session, user_id):
        assert await whoami(agency_session) == ("authenticated", login_role, user_id)
        await assert_refused(
            agency_session,
            lambda: run(agency_session, "DELETE FROM users WHERE id = :id", id=user_id),
            PERMISSION_DENIED,
            "users",
        )
        # a failed statement rolls back to its own savepoint: still the same user
        assert await whoami(agency_session) == ("authenticated", login_role, user_id)
    assert await whoami(agency_session) == (login_role, login_role, None)
    async with acting_as(agency_session, None, role="anon"):
        assert await whoami(agency_session) == ("anon", login_role, None)
    assert await whoami(agency_session) == (login_role, login_role, None)
    # and the superuser again sees the rows the user could not touch
    assert world.b.row_id(TABLES["leads"]) in await visible(agency_session, TABLES["leads"])


# --- anon and service_role ---------------------------------------------------------------------


@pytest.mark.parametrize("table", ALL_TABLES, ids=str)
async def test_anon_reads_nothing(agency_session, world, table):
    assert world.rows(table) <= set(await visible(agency_session, table))
    async with acting_as(agency_session, None, role="anon"):
        assert await visible(agency_session, table) == {}


@pytest.mark.parametrize("table", ALL_TABLES, ids=str)
async def test_anon_writes_nothing(agency_session, world, table):
    row_id = min(world.rows(table))
    async with acting_as(agency_session, None, role="anon"):
        for write in (
            lambda: insert(agency_session, table, world.references(table, world.a)),
            lambda: update(agency_session, table, row_id),
            lambda: delete(agency_session, table, row_id),
        ):
            await assert_refused(agency_session, write, PERMISSION_DENIED, table.name)


@pytest.mark.parametrize("table", ALL_TABLES, ids=str)
async def test_service_role_reads_everything(agency_session, world, table):
    async with acting_as(agency_session, None, role="service_role"):
        assert world.rows(table) <= set(await visible(agency_session, table))


@pytest.mark.parametrize("table", ALL_TABLES, ids=str)
async def test_service_role_writes_everything(agency_session, world, table):
    async with rolled_back(agency_session):
        if table.tenant_column:
            await delete(agency_session, table, world.b.row_id(table))  # room for B's new row
        async with acting_as(agency_session, None, role="service_role"):
            row_id = await insert(agency_session, table, world.references(table, world.b))
            assert await update(agency_session, table, row_id) == 1
            assert await delete(agency_session, table, row_id) == 1


# --- tenant tables ----------------------------------------------------------------------------


@pytest.mark.parametrize("table", TENANT_TABLES, ids=str)
async def test_every_member_reads_their_tenants_rows_only(agency_session, world, table):
    for role, user_id in world.a.users.items():
        async with acting_as(agency_session, user_id):
            rows = await visible(agency_session, table)
        assert world.a.row_id(table) in rows, role
        assert world.b.row_id(table) not in rows, role
        assert set(rows.values()) == {world.a.id}, role


@pytest.mark.parametrize("table", TENANT_TABLES, ids=str)
async def test_users_without_a_membership_read_no_tenant_rows(agency_session, world, table):
    for user_id in (world.stranger, world.platform_admin, None):
        async with acting_as(agency_session, user_id):
            assert await visible(agency_session, table) == {}


@pytest.mark.parametrize("role", list(MembershipRole), ids=str)
@pytest.mark.parametrize("table", TENANT_TABLES, ids=str)
async def test_membership_role_decides_writes_in_own_tenant(agency_session, world, table, role):
    row_id = world.a.row_id(table)
    user_id = world.a.users[role]
    async with acting_as(agency_session, user_id):
        assert await update(agency_session, table, row_id) == (role in table.updaters)
        assert await delete(agency_session, table, row_id) == (role in table.deleters)
    references = world.references(table, world.a)
    if role not in table.inserters:
        async with acting_as(agency_session, user_id):
            await assert_refused(
                agency_session,
                lambda: insert(agency_session, table, references),
                table.insert_refusal,
                table.name,
            )
        return
    async with rolled_back(agency_session):
        # the superuser deletes the tenant's row first, so the new one cannot collide with it
        # on a per-tenant unique key
        await delete(agency_session, table, row_id)
        async with acting_as(agency_session, user_id):
            await insert(agency_session, table, references)


@pytest.fixture(params=[False, True], ids=["outsider", "also-viewer-of-b"])
async def owner_of_a(request, agency_session, world) -> tuple[uuid.UUID, bool]:
    """The owner of tenant A: a stranger to B, or also a viewer of B — who may read B's rows,
    so that only the write policies' own checks stand between them and B (not the ``SELECT``
    policy PostgreSQL also applies to rows an ``UPDATE … WHERE`` writes). Returns the user and
    whether they read B."""
    owner = world.a.users[OWNER]
    if request.param:
        await MembershipFactory.create_async(client_id=world.b.id, user_id=owner, role=VIEWER)
    return owner, request.param


@pytest.mark.parametrize("table", TENANT_TABLES, ids=str)
async def test_owner_cannot_write_another_tenants_rows(agency_session, world, table, owner_of_a):
    owner, reads_b = owner_of_a
    row_id = world.b.row_id(table)
    async with acting_as(agency_session, owner):
        assert (row_id in await visible(agency_session, table)) == reads_b
        if table.tenant_column == "client_id":
            await assert_refused(
                agency_session,
                lambda: insert(agency_session, table, world.references(table, world.b)),
                RLS_VIOLATION,
                table.name,
            )
        assert await update(agency_session, table, row_id) == 0
        assert await delete(agency_session, table, row_id) == 0
    assert row_id in await visible(agency_session, table)


@pytest.mark.parametrize(
    "table",
    [table for table in TENANT_TABLES if table.tenant_column == "client_id" and table.updaters],
    ids=str,
)
async def test_owner_cannot_move_a_row_to_another_tenant(agency_session, world, table, owner_of_a):
    """The database refuses a change of ``client_id`` before the policies are consulted."""
    owner, _ = owner_of_a
    async with acting_as(agency_session, owner):
        with pytest.raises(ConstraintViolationError) as raised:
            async with agency_session.begin_nested():
                await run(
                    agency_session,
                    f"UPDATE {table.name} SET client_id = :tenant WHERE id = :id",
                    tenant=world.b.id,
                    id=world.a.row_id(table),
                )
    assert (raised.value.constraint, raised.value.table) == ("client_id_immutable", table.name)


async def test_a_soft_deleted_membership_grants_nothing(agency_session, world):
    viewer = world.a.users[VIEWER]
    async with acting_as(agency_session, viewer):
        assert world.a.row_id(TABLES["leads"]) in await visible(agency_session, TABLES["leads"])
    await run(
        agency_session,
        "UPDATE memberships SET deleted_at = now() WHERE user_id = :user AND client_id = :client",
        user=viewer,
        client=world.a.id,
    )
    async with acting_as(agency_session, viewer):
        for table in TENANT_TABLES:
            assert await visible(agency_session, table) == {}, table.name
        assert set(await visible(agency_session, USERS)) == {viewer}
    async with acting_as(agency_session, world.a.users[OWNER]):
        assert set(await visible(agency_session, USERS)) == world.a.teammates - {viewer}


@pytest.mark.parametrize(
    "column", ["tier", "subscription_status", "credits_remaining", "stripe_customer_id"]
)
async def test_owners_cannot_change_their_subscription(agency_session, world, column):
    owner = world.a.users[OWNER]
    async with acting_as(agency_session, owner):
        assert (
            await run(
                agency_session, "UPDATE clients SET name = name WHERE id = :id", id=world.a.id
            )
        ).rowcount == 1
        await assert_refused(
            agency_session,
            lambda: run(
                agency_session,
                f"UPDATE clients SET {column} = {column} WHERE id = :id",
                id=world.a.id,
            ),
            PERMISSION_DENIED,
            "clients",
        )


async def test_only_owners_grant_take_or_change_the_owner_role(agency_session, world):
    admin, owner = world.a.users[ADMIN], world.a.users[OWNER]
    promote = "UPDATE memberships SET role = 'owner' WHERE user_id = :user AND client_id = :client"
    demote = "UPDATE memberships SET role = 'member' WHERE user_id = :user AND client_id = :client"
    remove = "DELETE FROM memberships WHERE user_id = :user AND client_id = :client"
    add_owner = (
        "INSERT INTO memberships (client_id, user_id, role) VALUES (:client, :user, 'owner')"
    )
    async with acting_as(agency_session, admin):
        for sql in (demote, remove):
            assert (await run(agency_session, sql, user=owner, client=world.a.id)).rowcount == 0
        await assert_refused(
            agency_session,
            lambda: run(agency_session, promote, user=admin, client=world.a.id),
            RLS_VIOLATION,
            "memberships",
        )
        await assert_refused(
            agency_session,
            lambda: run(agency_session, add_owner, user=world.stranger, client=world.a.id),
            RLS_VIOLATION,
            "memberships",
        )
        member = world.a.users[MEMBER]
        assert (await run(agency_session, demote, user=member, client=world.a.id)).rowcount == 1
    async with acting_as(agency_session, owner):
        assert (await run(agency_session, promote, user=admin, client=world.a.id)).rowcount == 1
        await run(agency_session, add_owner, user=world.stranger, client=world.a.id)


# --- users ------------------------------------------------------------------------------------


async def test_users_read_themselves_and_their_teammates_only(agency_session, world):
    for role, user_id in world.a.users.items():
        async with acting_as(agency_session, user_id):
            assert set(await visible(agency_session, USERS)) == world.a.teammates, role
    async with acting_as(agency_session, world.stranger):
        assert set(await visible(agency_session, USERS)) == {world.stranger}


async def test_users_update_their_own_profile_only(agency_session, world):
    me = world.a.users[MEMBER]
    rename = "UPDATE users SET full_name = 'Renamed' WHERE id = :id"
    async with acting_as(agency_session, me):
        assert (await run(agency_session, rename, id=me)).rowcount == 1
        for other in (world.a.users[OWNER], world.b.users[OWNER], world.stranger):
            assert (await run(agency_session, rename, id=other)).rowcount == 0


async def test_users_cannot_make_themselves_platform_admins(agency_session, world):
    me = world.a.users[OWNER]
    fresh = uuid.uuid4()
    async with acting_as(agency_session, me):
        await assert_refused(
            agency_session,
            lambda: run(
                agency_session, "UPDATE users SET is_platform_admin = true WHERE id = :id", id=me
            ),
            PERMISSION_DENIED,
            "users",
        )
    async with acting_as(agency_session, fresh):
        await assert_refused(
            agency_session,
            lambda: run(
                agency_session,
                "INSERT INTO users (id, email, is_platform_admin) VALUES (:id, :email, true)",
                id=fresh,
                email=f"{fresh}@example.com",
            ),
            PERMISSION_DENIED,
            "users",
        )


async def test_users_create_their_own_profile_only(agency_session, world):
    fresh = uuid.uuid4()
    create = "INSERT INTO users (id, email) VALUES (:id, :email)"
    async with acting_as(agency_session, fresh):
        await assert_refused(
            agency_session,
            lambda: run(agency_session, create, id=uuid.uuid4(), email="someone@example.com"),
            RLS_VIOLATION,
            "users",
        )
        await run(agency_session, create, id=fresh, email="me@example.com")
        assert set(await visible(agency_session, USERS)) == {fresh}


async def test_users_cannot_delete_profiles(agency_session, world):
    me = world.a.users[OWNER]
    async with acting_as(agency_session, me):
        for user_id in (me, world.a.users[MEMBER]):
            await assert_refused(
                agency_session,
                lambda user_id=user_id: delete(agency_session, USERS, user_id),
                PERMISSION_DENIED,
                "users",
            )


# --- platform-wide tables ---------------------------------------------------------------------


@pytest.mark.parametrize("table", PLATFORM_TABLES, ids=str)
async def test_platform_tables_are_read_by_platform_admins_only(agency_session, world, table):
    for user_id in (world.a.users[OWNER], world.b.users[ADMIN], world.stranger):
        async with acting_as(agency_session, user_id):
            assert await visible(agency_session, table) == {}
    async with acting_as(agency_session, world.platform_admin):
        assert world.rows(table) <= set(await visible(agency_session, table))


@pytest.mark.parametrize("table", PLATFORM_TABLES, ids=str)
async def test_authenticated_users_cannot_write_platform_tables(agency_session, world, table):
    row_id = min(world.rows(table))
    for user_id in (world.a.users[OWNER], world.platform_admin):
        async with acting_as(agency_session, user_id):
            await assert_refused(
                agency_session,
                lambda: insert(agency_session, table, world.references(table, world.a)),
                RLS_VIOLATION,
                table.name,
            )
            assert await update(agency_session, table, row_id) == 0
            assert await delete(agency_session, table, row_id) == 0


# --- grants that hold on Supabase too ---------------------------------------------------------

SUPABASE_DEFAULT_PRIVILEGES = (
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
    "GRANT ALL ON TABLES TO anon, authenticated, service_role"
)
"""What a Supabase project applies to every table its ``postgres`` role creates in ``public``."""

API_ROLE_PRIVILEGES = """
SELECT c.relname::text, r.role, p.privilege
FROM pg_class c
CROSS JOIN (VALUES ('anon'), ('authenticated')) AS r(role)
CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',
                        'TRIGGER']) AS p(privilege)
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
  AND has_table_privilege(r.role, c.oid, p.privilege)
UNION ALL
SELECT 'users.' || a.attname, r.role, p.privilege
FROM pg_attribute a
CROSS JOIN (VALUES ('anon'), ('authenticated')) AS r(role)
CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE']) AS p(privilege)
WHERE a.attrelid = 'public.users'::regclass AND a.attnum > 0 AND NOT a.attisdropped
  AND has_column_privilege(r.role, a.attrelid, a.attnum, p.privilege)
"""
"""Every privilege ``anon`` and ``authenticated`` hold on the tables (and on the columns of
``users``)."""


async def _promote_self_to_platform_admin(url: URL) -> str:
    """As a fresh authenticated user, set one's own ``is_platform_admin``; the command status,
    or the SQLSTATE it failed with. Rolled back either way."""
    connection = await asyncpg.connect(libpq_dsn(url))
    transaction = connection.transaction()
    await transaction.start()
    try:
        user_id = uuid.uuid4()
        await connection.execute(
            "INSERT INTO users (id, email) VALUES ($1, $2)", user_id, f"{user_id}@example.com"
        )
        claims = json.dumps({"sub": str(user_id), "role": "authenticated"})
        await connection.execute(
            "SELECT set_config('request.jwt.claims', $1, true), "
            "set_config('role', 'authenticated', true)",
            claims,
        )
        try:
            return str(
                await connection.execute(
                    "UPDATE users SET is_platform_admin = true WHERE id = $1", user_id
                )
            )
        except asyncpg.PostgresError as error:
            return str(error.sqlstate)
    finally:
        await transaction.rollback()
        await connection.close()


def test_api_roles_get_only_the_granted_privileges_where_defaults_grant_all(agency_db_url):
    """On Supabase, default privileges give ``anon`` and ``authenticated`` ALL on every new table
    in ``public`` (TRUNCATE, which row-level security does not cover, included; and table-wide
    UPDATE on ``users``, which voids the column grants that keep ``is_platform_admin`` out of a
    user's reach). The migrations must leave them exactly what they have on plain PostgreSQL."""
    url = create_database()
    try:
        query(url, SUPABASE_DEFAULT_PRIVILEGES)
        upgrade(url)
        on_supabase = {tuple(row) for row in query(url, API_ROLE_PRIVILEGES)}
        self_promotion = run_sync(_promote_self_to_platform_admin(url))
    finally:
        drop_database(url)
    on_plain_postgres = {tuple(row) for row in query(agency_db_url, API_ROLE_PRIVILEGES)}
    assert run_sync(_promote_self_to_platform_admin(agency_db_url)) == INSUFFICIENT_PRIVILEGE
    assert ("users", "authenticated", "SELECT") in on_plain_postgres
    widened = sorted(on_supabase - on_plain_postgres)
    assert (self_promotion, widened) == (INSUFFICIENT_PRIVILEGE, [])
