"""Autogenerate plugin: the parts of the schema Alembic does not compare.

``alembic check`` compares tables, columns, types, defaults, indexes' columns and constraint
names. This plugin also compares, for every table of the package, what
:mod:`agency_models.migrations.security` and the models state: row-level security on, each
policy (command, role, ``USING``, ``WITH CHECK``), the API roles' table and column privileges,
the triggers and the function each runs, CHECK bodies and partial-index predicates; and the
definition of every function in ``agency_private``. Expressions are compared as PostgreSQL
renders them: the expected ones are created on an empty copy of the table in a savepoint that
is rolled back, and read back. One line per difference.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from alembic.runtime.plugins import Plugin
from alembic.util import PriorityDispatchResult
from sqlalchemy.engine import Connection

from agency_models.migrations import security

PLUGIN_NAME = "agency_models.integrity"


class IntegrityDriftOp(ops.MigrateOperation):
    """A difference a hand-written revision has to fix; rendered as a comment."""

    def __init__(self, table: str, problem: str) -> None:
        self.table = table
        self.problem = problem

    def reverse(self) -> IntegrityDriftOp:
        return self

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("integrity", self.table, self.problem)


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
    for problem in _function_problems(connection):
        upgrade_ops.ops.append(IntegrityDriftOp("agency_private", problem))
    return PriorityDispatchResult.CONTINUE


def _problems(connection: Connection, table: sa.Table) -> Iterator[str]:
    rls = connection.scalar(
        sa.text("SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(:table)"),
        {"table": table.name},
    )
    if rls is None:
        return
    if not rls:
        yield "row-level security is disabled"
    expected = security.TABLES[table.name]
    with connection.begin_nested() as savepoint:
        rendered = _rendered_expectations(connection, table, expected)
        savepoint.rollback()
    yield from _policy_problems(connection, table, rendered.policies)
    yield from _privilege_problems(connection, table, expected)
    yield from _trigger_problems(connection, table)
    yield from _expression_problems(
        "check", _checks(connection, table.name), rendered.checks, "CHECK"
    )
    yield from _expression_problems(
        "index", _predicates(connection, table.name), rendered.predicates, "WHERE"
    )


@dataclass
class _Rendered:
    """What PostgreSQL makes of the expected policies, CHECKs and index predicates."""

    policies: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)
    predicates: dict[str, str | None] = field(default_factory=dict)


def _rendered_expectations(
    connection: Connection, table: sa.Table, expected: security.TableSecurity
) -> _Rendered:
    """Create the expected policies, CHECKs and partial indexes on an empty copy of ``table``
    (in a savepoint the caller rolls back) and read them back as the server renders them, so
    they compare with the real ones text for text, not by a regex normalisation."""
    copy = f"_expected_{table.name}"
    connection.exec_driver_sql(f"CREATE TEMP TABLE {copy} (LIKE {table.name})")
    for policy in expected.policies:
        clauses = [f"USING ({policy.using})"] if policy.using else []
        clauses += [f"WITH CHECK ({policy.check})"] if policy.check else []
        connection.exec_driver_sql(
            f"CREATE POLICY {table.name}_{policy.command.lower()} ON {copy} "
            f"FOR {policy.command} TO authenticated {' '.join(clauses)}"
        )
    rendered = _Rendered(policies=_policies(connection, copy, "pg_temp"))
    for constraint in table.constraints:
        if isinstance(constraint, sa.CheckConstraint):
            connection.exec_driver_sql(
                f'ALTER TABLE {copy} ADD CONSTRAINT "{constraint.name}" '
                f"CHECK ({constraint.sqltext})"
            )
    rendered.checks = _checks(connection, copy)
    for number, index in enumerate(table.indexes):
        where = index.dialect_options["postgresql"].get("where")
        if where is not None:
            columns = ", ".join(column.name for column in index.columns)
            connection.exec_driver_sql(
                f"CREATE INDEX _expected_{number} ON {copy} ({columns}) WHERE {where}"
            )
            rendered.predicates[str(index.name)] = connection.scalar(
                sa.text(
                    "SELECT pg_get_expr(x.indpred, x.indrelid) FROM pg_index x"
                    " WHERE x.indexrelid = to_regclass(:index)"
                ),
                {"index": f"pg_temp._expected_{number}"},
            )
        else:
            rendered.predicates[str(index.name)] = None
    return rendered


def _policies(
    connection: Connection, table: str, schema: str
) -> dict[str, tuple[str | None, str | None]]:
    """Policy name -> (USING, WITH CHECK), for policies of ``authenticated`` only; a policy of
    any other role is reported by name."""
    rows = connection.execute(
        sa.text(
            "SELECT policyname, cmd, roles::text[], qual, with_check FROM pg_policies"
            " WHERE tablename = :table AND schemaname ="
            " CASE WHEN :schema = 'pg_temp' THEN pg_my_temp_schema()::regnamespace::text"
            " ELSE :schema END"
        ),
        {"table": table, "schema": schema},
    ).all()
    return {
        f"{name} ({command} TO {', '.join(roles)})": (qual, check)
        for name, command, roles, qual, check in rows
    }


def _policy_problems(
    connection: Connection, table: sa.Table, expected: dict[str, tuple[str | None, str | None]]
) -> Iterator[str]:
    actual = _policies(connection, table.name, "public")
    if not actual:
        yield "has no row-level-security policy"
    for name, (using, check) in expected.items():
        if name not in actual:
            yield f"has no row-level-security policy {name}"
            continue
        if actual[name][0] != using:
            yield f"policy {name} has USING {actual[name][0]}, expected {using}"
        if actual[name][1] != check:
            yield f"policy {name} has WITH CHECK {actual[name][1]}, expected {check}"
    for name in sorted(actual.keys() - expected.keys()):
        yield f"has an unexpected row-level-security policy {name}"


def _privilege_problems(
    connection: Connection, table: sa.Table, expected: security.TableSecurity
) -> Iterator[str]:
    granted: dict[str, set[str]] = {}
    for role, privilege in connection.execute(
        sa.text(
            "SELECT a.grantee::regrole::text, a.privilege_type FROM pg_class c,"
            " aclexplode(c.relacl) a WHERE c.oid = to_regclass(:table) AND a.grantee <> 0"
        ),
        {"table": table.name},
    ):
        granted.setdefault(role, set()).add(privilege)
    columns: dict[tuple[str, str], set[str]] = {}
    for column, role, privilege in connection.execute(
        sa.text(
            "SELECT t.attname, a.grantee::regrole::text, a.privilege_type FROM pg_attribute t,"
            " aclexplode(t.attacl) a WHERE t.attrelid = to_regclass(:table)"
            " AND t.attacl IS NOT NULL AND a.grantee <> 0"
        ),
        {"table": table.name},
    ):
        columns.setdefault((role, privilege), set()).add(column)
    present = set(connection.scalars(sa.text("SELECT rolname FROM pg_roles")))
    for role in security.API_ROLES:
        if role not in present:
            continue
        want = expected.table_privileges.get(role, frozenset())
        for privilege in sorted(granted.get(role, set()) - want):
            yield f"{role} holds {privilege}"
        for privilege in sorted(want - granted.get(role, set())):
            yield f"{role} lacks {privilege}"
    for (role, privilege), names in sorted(columns.items()):
        if role in security.API_ROLES:
            want_columns = set(expected.column_privileges.get((role, privilege), ()))
            for column in sorted(names - want_columns):
                yield f"{role} holds {privilege} on column {column}"
    for (role, privilege), wanted in sorted(expected.column_privileges.items()):
        for column in sorted(wanted - columns.get((role, privilege), set())):
            yield f"{role} lacks {privilege} on column {column}"


def _trigger_problems(connection: Connection, table: sa.Table) -> Iterator[str]:
    actual: dict[str, str] = dict(
        connection.execute(
            sa.text(
                "SELECT tgname, tgfoid::regproc::text FROM pg_trigger"
                " WHERE tgrelid = to_regclass(:table) AND NOT tgisinternal"
            ),
            {"table": table.name},
        ).all()
    )
    for name, function in security.expected_triggers(table).items():
        if name not in actual:
            yield f"has no {name} trigger"
        elif actual[name] != function:
            yield f"trigger {name} runs {actual[name]}, expected {function}"
    for name in sorted(actual.keys() - security.expected_triggers(table).keys()):
        yield f"has an unexpected trigger {name}"


def _function_problems(connection: Connection) -> Iterator[str]:
    if connection.scalar(sa.text("SELECT to_regnamespace('agency_private')")) is None:
        return
    actual: dict[str, str] = dict(connection.execute(sa.text(security.FINGERPRINT_SQL)).all())
    for signature, fingerprint in security.FUNCTIONS.items():
        if signature not in actual:
            yield f"function {signature} is missing"
        elif actual[signature] != fingerprint:
            yield f"function {signature} differs from its revision (body, security or settings)"
    for signature in sorted(actual.keys() - security.FUNCTIONS.keys()):
        yield f"function {signature} is not the package's"


def _checks(connection: Connection, table: str) -> dict[str, str]:
    return dict(
        connection.execute(
            sa.text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = to_regclass(:table) AND contype = 'c'"
            ),
            {"table": table},
        ).all()
    )


def _predicates(connection: Connection, table: str) -> dict[str, str | None]:
    return dict(
        connection.execute(
            sa.text(
                "SELECT i.relname, pg_get_expr(x.indpred, x.indrelid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = to_regclass(:table)"
            ),
            {"table": table},
        ).all()
    )


def _expression_problems(
    kind: str, actual: Mapping[str, str | None], expected: Mapping[str, str | None], clause: str
) -> Iterator[str]:
    """Differences of CHECKs or index predicates that exist on both sides (a missing or extra
    one is Alembic's to report)."""
    for name, rendered in expected.items():
        if name in actual and actual[name] != rendered:
            yield f"{kind} {name} has {clause} {actual[name]}, the models {rendered}"


@renderers.dispatch_for(IntegrityDriftOp)
def _render(autogen_context: AutogenContext, op: IntegrityDriftOp) -> str:
    return f"# {op.table}: {op.problem} (write the fix by hand)"


def setup(plugin: Plugin) -> None:
    plugin.add_autogenerate_comparator(compare_integrity, "schema")
