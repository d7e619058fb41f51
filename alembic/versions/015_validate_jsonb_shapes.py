"""validate jsonb shapes

Checks the rows that existed before 014 against its jsonb shapes (VALIDATE CONSTRAINT: a
SHARE UPDATE EXCLUSIVE lock, so reads and writes go on while the tables are scanned). Fails,
naming the constraint, if an existing value has another shape: correct it and run the upgrade
again.

Revision ID: 015
Revises: 014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from agency_models.migrations import ddl

revision: str = "015"
down_revision: str | None = "014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    ddl.validate_constraints()


def downgrade() -> None:
    """Nothing to undo: a validated constraint is the same constraint (014 drops them)."""
