"""validate text length limits

Checks the rows that existed before 006 against its length limits (VALIDATE CONSTRAINT: a
SHARE UPDATE EXCLUSIVE lock, so reads and writes go on while the tables are scanned). Fails,
naming the constraint, if an existing value is too long: shorten it and run the upgrade again.

Revision ID: 007
Revises: 006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from agency_models.migrations import ddl

revision: str = "007"
down_revision: str | None = "006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    ddl.validate_constraints()


def downgrade() -> None:
    """Nothing to undo: a validated constraint is the same constraint (006 drops them)."""
