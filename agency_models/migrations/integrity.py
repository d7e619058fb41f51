"""Autogenerate plugin: the parts of the schema Alembic does not compare.

``alembic check`` compares tables, columns, types, defaults, indexes' columns and constraint
names. This plugin also reports, for every table of the package: row-level security switched
off or left without policies, a missing ``updated_at`` trigger, privileges the API roles must
not have, partial-index predicates and CHECK bodies that differ from the models.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from alembic.runtime.plugins import Plugin
from alembic.util import PriorityDispatchResult
from sqlalchemy.engine import Connection

PLUGIN_NAME = "agency_models.integrity"

FORBIDDEN_PRIVILEGES = {
    "anon": ("INSERT", "UPDATE", "DELETE", "TRUNCATE"),
    "authenticated": ("TRUNCATE",),
}
"""What the API roles must never hold on a table (row-level security does not cover
TRUNCATE, and ``anon`` only ever reads)."""


class IntegrityDriftOp(ops.MigrateOperation):
    """A difference a hand-written revision has to fix; rendered as a comment."""

    def __init__(self, table: str, problem: str) -> None:
        self.table = table
        self.problem = problem

    def reverse(self) -> IntegrityDriftOp:
        return self

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("integrity", self.table, self.problem)


def normalized(sql: str) -> str:
    """SQL reduced to what PostgreSQL's deparsing does not change: no casts of literals,
    parentheses, white space or letter case."""
    sql = re.sub(r"^\s*CHECK\s*", "", sql, flags=re.IGNORECASE)
    sql = re.sub(r"::[a-z_ ]+(\[\])?", "", sql, flags=re.IGNORECASE)
    return re.sub(r"[()\s]", "", sql).lower()


def compare_integrity(
    autogen_context: AutogenContext, upgrade_ops: ops.UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    connection = autogen_context.connection
    metadata = autogen_context.metadata
    assert connection is not None
    assert isinstance(metadata, sa.MetaData)
    for table in metadata.sorted_tables:
        for problem in _problems(connection, table):
            upgrade_ops.ops.append(IntegrityDriftOp(table.name, problem))
    return PriorityDispatchResult.CONTINUE


def _problems(connection: Connection, table: sa.Table) -> Iterator[str]:
    name = table.name
    state = connection.execute(
        sa.text(
            "SELECT c.relrowsecurity, "
            "(SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname "
            " AND p.schemaname = current_schema()), "
            "EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid "
            " AND t.tgname = 'set_updated_at' AND NOT t.tgisinternal) "
            "FROM pg_class c WHERE c.oid = to_regclass(:table)"
        ),
        {"table": name},
    ).one_or_none()
    if state is None:
        return
    rls, policies, trigger = state
    if not rls:
        yield "row-level security is disabled"
    if not policies:
        yield "has no row-level-security policy"
    if "updated_at" in table.c and not trigger:
        yield "has no set_updated_at trigger"
    for role, privileges in FORBIDDEN_PRIVILEGES.items():
        for privilege in privileges:
            granted = connection.scalar(
                sa.text(
                    "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :role) "
                    "AND has_table_privilege(:role, :table, :privilege)"
                ),
                {"role": role, "table": name, "privilege": privilege},
            )
            if granted:
                yield f"{role} holds {privilege}"
    yield from _predicate_problems(connection, table)
    yield from _check_problems(connection, table)


def _predicate_problems(connection: Connection, table: sa.Table) -> Iterator[str]:
    found: dict[str, str | None] = dict(
        connection.execute(
            sa.text(
                "SELECT i.relname, pg_get_expr(x.indpred, x.indrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = to_regclass(:t)"
            ),
            {"t": table.name},
        ).all()
    )
    for index in table.indexes:
        where = index.dialect_options["postgresql"].get("where")
        if index.name not in found:
            continue
        expected = normalized(str(where)) if where is not None else ""
        actual = normalized(found[index.name] or "")
        if expected != actual:
            yield f"index {index.name} has WHERE {found[index.name]!r}, the models {where}"


def _check_problems(connection: Connection, table: sa.Table) -> Iterator[str]:
    found: dict[str, str] = dict(
        connection.execute(
            sa.text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = to_regclass(:t) AND contype = 'c'"
            ),
            {"t": table.name},
        ).all()
    )
    for constraint in table.constraints:
        if not isinstance(constraint, sa.CheckConstraint) or constraint.name not in found:
            continue
        expected = normalized(str(constraint.sqltext))
        if normalized(found[constraint.name]) != expected:
            actual = found[constraint.name]
            yield f"check {constraint.name} is {actual}, the models {constraint.sqltext}"


@renderers.dispatch_for(IntegrityDriftOp)
def _render(autogen_context: AutogenContext, op: IntegrityDriftOp) -> str:
    return f"# {op.table}: {op.problem} (write the fix by hand)"


def setup(plugin: Plugin) -> None:
    plugin.add_autogenerate_comparator(compare_integrity, "schema")
