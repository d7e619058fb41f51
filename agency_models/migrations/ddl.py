"""SQL the revisions share: triggers, grants and row-level-security policies.

Revisions that have landed call these, so what each function emits must never change: to
change the DDL, add a new function and use it in a new revision.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem

EVERY_ROLE = "{owner,admin,member,viewer}"
"""Membership roles that may read a tenant's rows."""
WRITER_ROLES = "{owner,admin,member}"
"""Membership roles that may insert and update a tenant's rows."""
MANAGER_ROLES = "{owner,admin}"
"""Membership roles that may delete a tenant's rows and manage its memberships."""


def client_ids_with(roles: str) -> str:
    """SQL for the clients the requesting user belongs to with one of ``roles``, evaluated
    once per query (wrapped in a sub-select)."""
    return f"(SELECT agency_private.current_user_client_ids('{roles}'))"


def add_updated_at_trigger(table: str) -> None:
    op.execute(
        f"CREATE TRIGGER set_updated_at BEFORE UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at()"
    )


def revoke_default_privileges(table: str) -> None:
    """Drop what default privileges gave the API roles: Supabase grants them ALL (TRUNCATE
    included, which row-level security does not cover) on every new table in ``public``."""
    op.execute(f"REVOKE ALL ON {table} FROM PUBLIC, anon, authenticated, service_role")


def grant_api_access(table: str) -> None:
    """Exactly these privileges for Supabase's API roles; row-level security decides which rows:
    members read and write, the service role too, ``anon`` reads (and sees nothing)."""
    revoke_default_privileges(table)
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO authenticated, service_role")
    op.execute(f"GRANT SELECT ON {table} TO anon")


def grant_column_access(
    table: str,
    *,
    insert: Sequence[str] = (),
    update: Sequence[str] = (),
    delete: bool = False,
) -> None:
    """Like :func:`grant_api_access`, but ``authenticated`` may insert and update only the
    listed columns (and delete only if ``delete``): what the platform owns stays out of reach
    whatever a policy allows."""
    revoke_default_privileges(table)
    op.execute(f"GRANT SELECT ON {table} TO anon, authenticated")
    if insert:
        op.execute(f"GRANT INSERT ({', '.join(insert)}) ON {table} TO authenticated")
    if update:
        op.execute(f"GRANT UPDATE ({', '.join(update)}) ON {table} TO authenticated")
    if delete:
        op.execute(f"GRANT DELETE ON {table} TO authenticated")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO service_role")


def enable_row_level_security(table: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")


def create_policy(
    table: str, command: str, *, using: str | None = None, check: str | None = None
) -> None:
    """The one policy of ``table`` for ``command``, for the ``authenticated`` role, named
    ``<table>_<command>``."""
    clauses = [f"USING ({using})"] if using else []
    if check:
        clauses.append(f"WITH CHECK ({check})")
    op.execute(
        f"CREATE POLICY {table}_{command.lower()} ON {table} FOR {command} TO authenticated "
        + " ".join(clauses)
    )


def create_tenant_policies(
    table: str,
    *,
    column: str = "client_id",
    commands: Iterable[str] = ("SELECT", "INSERT", "UPDATE", "DELETE"),
) -> None:
    """Policies scoping ``table`` to the requesting user's clients through memberships: every
    member reads, writers insert and update (never into another client), managers delete."""
    readable = f"{column} IN {client_ids_with(EVERY_ROLE)}"
    writable = f"{column} IN {client_ids_with(WRITER_ROLES)}"
    managed = f"{column} IN {client_ids_with(MANAGER_ROLES)}"
    clauses = {
        "SELECT": {"using": readable},
        "INSERT": {"check": writable},
        "UPDATE": {"using": writable, "check": writable},
        "DELETE": {"using": managed},
    }
    for command in commands:
        create_policy(table, command, **clauses[command])


def secure_tenant_table(
    table: str, *, commands: Iterable[str] = ("SELECT", "INSERT", "UPDATE", "DELETE")
) -> None:
    """Grants, row-level security and tenant policies (for ``commands``) of a new tenant table."""
    grant_api_access(table)
    enable_row_level_security(table)
    create_tenant_policies(table, commands=commands)


def secure_platform_table(table: str) -> None:
    """A platform-wide table (no tenant): platform admins read it, only the service role
    writes it."""
    grant_api_access(table)
    enable_row_level_security(table)
    create_policy(table, "SELECT", using="(SELECT agency_private.current_user_is_platform_admin())")


def id_column() -> sa.Column[Any]:
    """``id uuid PRIMARY KEY DEFAULT gen_random_uuid()`` (the key is added by
    :func:`primary_key`)."""
    return sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False)


def client_id_column() -> sa.Column[Any]:
    return sa.Column("client_id", sa.Uuid(), nullable=False)


def timestamp_columns(*, updated: bool = True, deleted: bool = False) -> list[sa.Column[Any]]:
    """``created_at`` (and ``updated_at``) defaulting to ``now()``, and ``deleted_at``."""
    names = ["created_at", "updated_at"] if updated else ["created_at"]
    columns = [
        sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)
        for name in names
    ]
    if deleted:
        columns.append(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    return columns


def primary_key(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def tenant_constraints(table: str) -> list[sa.Constraint]:
    """Primary key, ``client_id`` referencing ``clients`` (ON DELETE CASCADE) and the tenant
    key ``UNIQUE (client_id, id)`` of a tenant table."""
    return [
        primary_key(table),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f(f"fk_{table}_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("client_id", "id", name=op.f(f"uq_{table}_client_id_id")),
    ]


def tenant_reference(
    table: str, column: str, target: str, *, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """``(client_id, column)`` referencing ``target (client_id, id)``: same tenant only."""
    return sa.ForeignKeyConstraint(
        ["client_id", column],
        [f"{target}.client_id", f"{target}.id"],
        name=op.f(f"fk_{table}_client_id_{column}_{target}"),
        ondelete=ondelete,
    )


def user_reference(
    table: str, column: str, *, ondelete: str = "SET NULL"
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def range_checks(
    table: str, **bounds: tuple[float | None, float | None]
) -> list[sa.CheckConstraint]:
    """``<column>_range`` CHECKs: ``column=(minimum, maximum)``, either end None for open."""
    checks = []
    for column, (minimum, maximum) in bounds.items():
        conditions = [f"{column} >= {minimum}"] if minimum is not None else []
        if maximum is not None:
            conditions.append(f"{column} <= {maximum}")
        checks.append(
            sa.CheckConstraint(" AND ".join(conditions), name=op.f(f"ck_{table}_{column}_range"))
        )
    return checks


def normalized_checks(table: str, *columns: str) -> list[sa.CheckConstraint]:
    """``<column>_normalized`` CHECKs: stored values are trimmed and lower-case."""
    return [
        sa.CheckConstraint(
            f"{column} = lower(btrim({column}))", name=op.f(f"ck_{table}_{column}_normalized")
        )
        for column in columns
    ]


def enum_column(
    name: str, enum_type: str, *, nullable: bool, default: str | None = None
) -> sa.Column[Any]:
    """A column of the existing PostgreSQL enum ``enum_type`` (created by ``001_foundation``)."""
    return sa.Column(
        name,
        postgresql.ENUM(name=enum_type, create_type=False),
        server_default=default,
        nullable=nullable,
    )


def counters(table: str, *names: str) -> list[SchemaItem]:
    """``integer NOT NULL DEFAULT 0`` columns with their ``<name>_range`` CHECK (``>= 0``)."""
    columns: list[SchemaItem] = [
        sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False) for name in names
    ]
    return columns + list(range_checks(table, **dict.fromkeys(names, (0, None))))


def length_condition(column: str, minimum: int, maximum: int) -> str:
    """``char_length(column)`` between ``minimum`` (0: no lower bound) and ``maximum``."""
    bounds = [f"char_length({column}) >= {minimum}"] if minimum else []
    bounds.append(f"char_length({column}) <= {maximum}")
    return " AND ".join(bounds)


def add_checks_not_valid(table: str, checks: dict[str, str]) -> None:
    """Add CHECK constraints (name -> condition) without scanning existing rows: new writes
    are checked at once, and :func:`validate_constraints` checks the old rows in a later
    transaction, under a lock that lets reads and writes go on."""
    for name, condition in checks.items():
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition}) NOT VALID")


def drop_constraints(table: str, names: Iterable[str]) -> None:
    for name in names:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")


_NOT_VALID_CONSTRAINTS = (
    "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c "
    "JOIN pg_class t ON t.oid = c.conrelid "
    "WHERE NOT c.convalidated AND t.relnamespace = current_schema()::regnamespace "
    "ORDER BY 1, 2"
)


def validate_constraints() -> None:
    """Validate every constraint of the current schema that was added ``NOT VALID``.

    Offline (``--sql``) the constraints cannot be listed beforehand, so the script gets a
    ``DO`` block that finds and validates them when it runs.
    """
    if op.get_context().as_sql:
        op.execute(
            "DO $$\nDECLARE pending record;\nBEGIN\n"
            f"    FOR pending IN {_NOT_VALID_CONSTRAINTS} LOOP\n"
            "        EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', "
            "pending.conrelid, pending.conname);\n"
            "    END LOOP;\nEND\n$$"
        )
        return
    pending = op.get_bind().execute(sa.text(_NOT_VALID_CONSTRAINTS))
    for table, name in pending.all():
        op.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")


def grant_api_access_to_columns(table: str, readable: Sequence[str]) -> None:
    """Like :func:`grant_api_access`, but the API roles may read only the ``readable``
    columns: what is left out (ciphertext) never leaves the database through the API, whatever
    a policy allows. Writes stay table-wide (row-level security decides which rows)."""
    revoke_default_privileges(table)
    columns = ", ".join(readable)
    op.execute(f"GRANT SELECT ({columns}) ON {table} TO anon, authenticated")
    op.execute(f"GRANT INSERT, UPDATE, DELETE ON {table} TO authenticated")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO service_role")
