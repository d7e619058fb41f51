"""Autogenerate plugin: PostgreSQL ENUM labels are part of the schema Alembic compares.

Alembic does not look inside enum types; this plugin makes ``alembic check`` (and
``agency-models db check``) report a type whose labels differ from its Python enum, and
``alembic revision --autogenerate`` write the ``ALTER TYPE ... ADD VALUE`` statements.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from alembic.runtime.plugins import Plugin
from alembic.util import PriorityDispatchResult

from agency_models.enums import PG_ENUMS

PLUGIN_NAME = "agency_models.enum_labels"


class EnumLabelsOp(ops.MigrateOperation):
    """Bring the labels of the PostgreSQL enum ``name`` to ``labels`` (``found``: what the
    database has; None when the type is missing)."""

    def __init__(self, name: str, labels: list[str], found: list[str] | None) -> None:
        self.name = name
        self.labels = labels
        self.found = found

    def reverse(self) -> EnumLabelsOp:
        return EnumLabelsOp(self.name, self.found or [], self.labels)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("enum_labels", self.name, self.found, self.labels)


def compare_enum_labels(
    autogen_context: AutogenContext, upgrade_ops: ops.UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    connection = autogen_context.connection
    assert connection is not None
    rows = connection.execute(
        sa.text(
            "SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) "
            "FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
            "WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname"
        )
    )
    found = {name: list(labels) for name, labels in rows}
    for enum in PG_ENUMS:
        labels = [member.value for member in enum]
        in_database = found.get(enum.__pg_type__)
        if in_database != labels:
            upgrade_ops.ops.append(EnumLabelsOp(enum.__pg_type__, labels, in_database))
    return PriorityDispatchResult.CONTINUE


@renderers.dispatch_for(EnumLabelsOp)
def _render_enum_labels(autogen_context: AutogenContext, op: EnumLabelsOp) -> str:
    if op.found is None:
        labels = ", ".join(f"'{label}'" for label in op.labels)
        return f'op.execute("CREATE TYPE {op.name} AS ENUM ({labels})")'
    if op.found != op.labels[: len(op.found)]:
        return (
            f"# enum {op.name}: the database has {op.found}, the models {op.labels}; labels can "
            "only be added at the end (ALTER TYPE ... ADD VALUE), never removed or reordered"
        )
    return "\n".join(
        f"op.execute(\"ALTER TYPE {op.name} ADD VALUE IF NOT EXISTS '{label}'\")"
        for label in op.labels[len(op.found) :]
    )


def setup(plugin: Plugin) -> None:
    plugin.add_autogenerate_comparator(compare_enum_labels, "schema")
