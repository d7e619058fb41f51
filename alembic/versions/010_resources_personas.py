"""resource pool, client resources, personas

Platform-owned sending resources and their assignment to clients, and the clients' sender
personas; ``campaign_resources.client_resource_id`` now references the assignment (same
tenant). A resource is assigned at most once per client among live assignments, and
``resource_pool.current_clients`` counts them: kept by triggers on ``client_resources`` (by
increments, so concurrent assignments serialise on the resource's row), refused to any other
writer, and held under ``max_clients`` by the CHECK ``capacity``.

Revision ID: 010
Revises: 009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agency_models.migrations import ddl

revision: str = "010"
down_revision: str | None = "009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNT_ASSIGNMENTS = """
CREATE FUNCTION agency_private.count_resource_assignments() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.released_at IS NULL THEN
        UPDATE public.resource_pool SET current_clients = current_clients - 1
        WHERE id = OLD.resource_pool_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.released_at IS NULL THEN
        UPDATE public.resource_pool SET current_clients = current_clients + 1
        WHERE id = NEW.resource_pool_id;
    END IF;
    RETURN NULL;
END
$$
"""
GUARD_COUNT = """
CREATE FUNCTION agency_private.guard_current_clients() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.current_clients := 0;
    ELSIF NEW.current_clients IS DISTINCT FROM OLD.current_clients
        AND pg_trigger_depth() < 2
    THEN
        RAISE EXCEPTION 'resource_pool.current_clients counts client_resources; assign or '
            'release the resource instead'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_resource_pool_current_clients',
                  TABLE = 'resource_pool', COLUMN = 'current_clients';
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "resource_pool",
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
        sa.Column("current_clients", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("reputation_score", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sends_30d", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("bounces_30d", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("complaints_30d", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "bounce_rate",
            sa.Numeric(precision=5, scale=4),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column(
            "complaint_rate",
            sa.Numeric(precision=6, scale=5),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column(
            "health_status",
            postgresql.ENUM(name="health_status", create_type=False),
            server_default="good",
            nullable=False,
        ),
        sa.Column("health_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            postgresql.ENUM(name="resource_status", create_type=False),
            server_default="available",
            nullable=False,
        ),
        sa.Column("warmup_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warmup_completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "resource_type",
            postgresql.ENUM(name="resource_type", create_type=False),
            nullable=False,
        ),
        sa.Column("resource_value", sa.Text(), nullable=False),
        sa.Column("resource_name", sa.Text(), nullable=True),
        sa.Column("max_clients", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("provider", sa.Text(), nullable=True),
        sa.Column("provider_id", sa.Text(), nullable=True),
        sa.Column(
            "provider_metadata",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("daily_limit_override", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "bounce_rate >= 0 AND bounce_rate <= 1", name=op.f("ck_resource_pool_bounce_rate_range")
        ),
        sa.CheckConstraint("bounces_30d >= 0", name=op.f("ck_resource_pool_bounces_30d_range")),
        sa.CheckConstraint(
            "char_length(provider) <= 255", name=op.f("ck_resource_pool_provider_length")
        ),
        sa.CheckConstraint(
            "char_length(provider_id) <= 255", name=op.f("ck_resource_pool_provider_id_length")
        ),
        sa.CheckConstraint(
            "char_length(resource_name) <= 255", name=op.f("ck_resource_pool_resource_name_length")
        ),
        sa.CheckConstraint(
            "char_length(resource_value) <= 255",
            name=op.f("ck_resource_pool_resource_value_length"),
        ),
        sa.CheckConstraint(
            "complaint_rate >= 0 AND complaint_rate <= 1",
            name=op.f("ck_resource_pool_complaint_rate_range"),
        ),
        sa.CheckConstraint(
            "complaints_30d >= 0", name=op.f("ck_resource_pool_complaints_30d_range")
        ),
        sa.CheckConstraint(
            "current_clients <= max_clients", name=op.f("ck_resource_pool_capacity")
        ),
        sa.CheckConstraint(
            "current_clients >= 0", name=op.f("ck_resource_pool_current_clients_range")
        ),
        sa.CheckConstraint(
            "daily_limit_override >= 0", name=op.f("ck_resource_pool_daily_limit_override_range")
        ),
        sa.CheckConstraint("max_clients >= 1", name=op.f("ck_resource_pool_max_clients_range")),
        sa.CheckConstraint(
            "reputation_score >= 0 AND reputation_score <= 100",
            name=op.f("ck_resource_pool_reputation_score_range"),
        ),
        sa.CheckConstraint("sends_30d >= 0", name=op.f("ck_resource_pool_sends_30d_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_pool")),
        sa.UniqueConstraint("resource_value", name=op.f("uq_resource_pool_resource_value")),
    )
    op.create_index(
        "ix_resource_pool_resource_type_status",
        "resource_pool",
        ["resource_type", "status"],
        unique=False,
    )
    op.create_table(
        "client_resources",
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
            "assigned_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("total_sends", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resource_pool_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("total_sends >= 0", name=op.f("ck_client_resources_total_sends_range")),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_resources_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_pool_id"],
            ["resource_pool.id"],
            name=op.f("fk_client_resources_resource_pool_id_resource_pool"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_resources")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_client_resources_client_id_id")),
    )
    op.create_index(
        op.f("ix_client_resources_resource_pool_id"),
        "client_resources",
        ["resource_pool_id"],
        unique=False,
    )
    op.create_index(
        "unique_client_resource",
        "client_resources",
        ["client_id", "resource_pool_id"],
        unique=True,
        postgresql_where=sa.text("released_at IS NULL"),
    )
    op.create_table(
        "client_personas",
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
        sa.Column("first_name", sa.Text(), nullable=False),
        sa.Column("last_name", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("photo_url", sa.Text(), nullable=True),
        sa.Column("calendar_link", sa.Text(), nullable=True),
        sa.Column(
            "assigned_mailbox_ids",
            postgresql.ARRAY(sa.Uuid()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "assigned_phone_ids",
            postgresql.ARRAY(sa.Uuid()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "assigned_linkedin_seat_ids",
            postgresql.ARRAY(sa.Uuid()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint(
            "char_length(calendar_link) <= 2048",
            name=op.f("ck_client_personas_calendar_link_length"),
        ),
        sa.CheckConstraint(
            "char_length(display_name) <= 255", name=op.f("ck_client_personas_display_name_length")
        ),
        sa.CheckConstraint(
            "char_length(email) <= 254", name=op.f("ck_client_personas_email_length")
        ),
        sa.CheckConstraint(
            "char_length(first_name) >= 1 AND char_length(first_name) <= 255",
            name=op.f("ck_client_personas_first_name_length"),
        ),
        sa.CheckConstraint(
            "char_length(last_name) >= 1 AND char_length(last_name) <= 255",
            name=op.f("ck_client_personas_last_name_length"),
        ),
        sa.CheckConstraint(
            "char_length(phone) <= 255", name=op.f("ck_client_personas_phone_length")
        ),
        sa.CheckConstraint(
            "char_length(photo_url) <= 2048", name=op.f("ck_client_personas_photo_url_length")
        ),
        sa.CheckConstraint(
            "char_length(title) <= 255", name=op.f("ck_client_personas_title_length")
        ),
        sa.CheckConstraint(
            "email = lower(btrim(email))", name=op.f("ck_client_personas_email_normalized")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_personas_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_personas")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_client_personas_client_id_id")),
    )
    op.create_index(
        "unique_default_persona",
        "client_personas",
        ["client_id"],
        unique=True,
        postgresql_where=sa.text("is_default"),
    )
    op.create_index(
        "ix_campaign_resources_client_id_client_resource_id",
        "campaign_resources",
        ["client_id", "client_resource_id"],
        unique=False,
    )
    op.create_foreign_key(
        op.f("fk_campaign_resources_client_id_client_resource_id_cli_fc71a0ed"),
        "campaign_resources",
        "client_resources",
        ["client_id", "client_resource_id"],
        ["client_id", "id"],
        ondelete="SET NULL (client_resource_id)",
    )
    op.execute(COUNT_ASSIGNMENTS)
    op.execute(GUARD_COUNT)
    op.execute(
        "CREATE TRIGGER count_assignments AFTER INSERT OR UPDATE OR DELETE ON client_resources "
        "FOR EACH ROW EXECUTE FUNCTION agency_private.count_resource_assignments()"
    )
    op.execute(
        "CREATE TRIGGER guard_current_clients BEFORE INSERT OR UPDATE ON resource_pool "
        "FOR EACH ROW EXECUTE FUNCTION agency_private.guard_current_clients()"
    )
    op.execute("REVOKE EXECUTE ON FUNCTION agency_private.count_resource_assignments() FROM PUBLIC")
    for table in ("resource_pool", "client_resources", "client_personas"):
        ddl.add_updated_at_trigger(table)
    ddl.secure_platform_table("resource_pool")
    ddl.secure_tenant_table("client_resources", commands=("SELECT",))
    ddl.secure_tenant_table("client_personas")


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_campaign_resources_client_id_client_resource_id_cli_fc71a0ed"),
        "campaign_resources",
        type_="foreignkey",
    )
    op.drop_index(
        "ix_campaign_resources_client_id_client_resource_id", table_name="campaign_resources"
    )
    op.drop_table("client_personas")
    op.drop_table("client_resources")
    op.drop_table("resource_pool")
    op.execute("DROP FUNCTION agency_private.count_resource_assignments()")
    op.execute("DROP FUNCTION agency_private.guard_current_clients()")
