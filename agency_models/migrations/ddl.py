"""SQL the revisions share: triggers, grants and row-level-security policies.

Revisions that have landed call these, so what each function emits must never change: to
change the DDL, add a new function and use it in a new revision.
"""

from __future__ import annotations

from collections.abc import Iterable

from alembic import op

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


def grant_api_access(table: str) -> None:
    """Supabase's API roles may reach the table; row-level security decides which rows."""
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO authenticated, service_role")
    op.execute(f"GRANT SELECT ON {table} TO anon")


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
