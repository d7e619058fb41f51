"""conversion patterns and their history

Conversion Intelligence: one current pattern per client and type, and every version of it
in ``conversion_pattern_history``, written by the trigger ``record_conversion_pattern`` for
whoever inserts or changes a pattern (ORM, raw SQL, COPY). Tenants read both; the platform
(service role) writes the patterns.

Revision ID: 009
Revises: 008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agency_models.migrations import ddl

revision: str = "009"
down_revision: str | None = "008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_PATTERN = """
CREATE FUNCTION agency_private.record_conversion_pattern() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.patterns, NEW.sample_size, NEW.confidence, NEW.computed_at)
            IS NOT DISTINCT FROM (OLD.patterns, OLD.sample_size, OLD.confidence, OLD.computed_at)
    THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.conversion_pattern_history
        (client_id, pattern_type, patterns, sample_size, confidence, computed_at)
    VALUES
        (NEW.client_id, NEW.pattern_type, NEW.patterns, NEW.sample_size, NEW.confidence,
         NEW.computed_at);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "conversion_patterns",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "computed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "pattern_type", postgresql.ENUM(name="pattern_type", create_type=False), nullable=False
        ),
        sa.Column("patterns", postgresql.JSONB(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 1",
            name=op.f("ck_conversion_patterns_confidence_range"),
        ),
        sa.CheckConstraint(
            "sample_size >= 0", name=op.f("ck_conversion_patterns_sample_size_range")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_conversion_patterns_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversion_patterns")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_conversion_patterns_client_id_id")),
        sa.UniqueConstraint("client_id", "pattern_type", name="unique_client_pattern_type"),
    )
    op.create_table(
        "conversion_pattern_history",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "pattern_type", postgresql.ENUM(name="pattern_type", create_type=False), nullable=False
        ),
        sa.Column("patterns", postgresql.JSONB(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column(
            "computed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 1",
            name=op.f("ck_conversion_pattern_history_confidence_range"),
        ),
        sa.CheckConstraint(
            "sample_size >= 0", name=op.f("ck_conversion_pattern_history_sample_size_range")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_conversion_pattern_history_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversion_pattern_history")),
        sa.UniqueConstraint(
            "client_id", "id", name=op.f("uq_conversion_pattern_history_client_id_id")
        ),
    )
    op.create_index(
        "ix_conversion_pattern_history_client_id_type_computed_at",
        "conversion_pattern_history",
        ["client_id", "pattern_type", sa.literal_column("computed_at DESC")],
        unique=False,
    )
    op.execute(RECORD_PATTERN)
    op.execute(
        "CREATE TRIGGER record_conversion_pattern "
        "AFTER INSERT OR UPDATE OF patterns, sample_size, confidence, computed_at "
        "ON conversion_patterns FOR EACH ROW "
        "EXECUTE FUNCTION agency_private.record_conversion_pattern()"
    )
    op.execute("REVOKE EXECUTE ON FUNCTION agency_private.record_conversion_pattern() FROM PUBLIC")
    ddl.add_updated_at_trigger("conversion_patterns")
    ddl.secure_tenant_table("conversion_patterns", commands=("SELECT",))
    ddl.secure_tenant_table("conversion_pattern_history", commands=("SELECT",))


def downgrade() -> None:
    op.drop_table("conversion_pattern_history")
    op.drop_table("conversion_patterns")
    op.execute("DROP FUNCTION agency_private.record_conversion_pattern()")
