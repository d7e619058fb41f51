"""campaigns

Campaigns, their sending resources and their sequence steps. Resources and steps carry their
campaign's client_id, so a composite foreign key keeps them in the campaign's tenant.

Revision ID: 003
Revises: 002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agency_models.migrations import ddl

revision: str = "003"
down_revision: str | None = "002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        ddl.id_column(),
        ddl.client_id_column(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        ddl.enum_column("status", "campaign_status", nullable=False, default="draft"),
        ddl.enum_column("campaign_type", "campaign_type", nullable=False, default="custom"),
        sa.Column("ai_suggestion_reason", sa.Text(), nullable=True),
        ddl.enum_column("permission_mode", "permission_mode", nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("paused_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("target_industries", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("target_titles", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("target_company_sizes", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("target_locations", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column(
            "lead_allocation_pct", sa.Integer(), server_default=sa.text("100"), nullable=False
        ),
        sa.Column("allocation_email", sa.Integer(), server_default=sa.text("100"), nullable=False),
        sa.Column("allocation_sms", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("allocation_linkedin", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("allocation_voice", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("allocation_mail", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("daily_limit", sa.Integer(), server_default=sa.text("50"), nullable=False),
        sa.Column("timezone", sa.Text(), server_default="Australia/Sydney", nullable=False),
        sa.Column(
            "work_hours_start", sa.Time(), server_default=sa.text("'09:00:00'"), nullable=False
        ),
        sa.Column(
            "work_hours_end", sa.Time(), server_default=sa.text("'17:00:00'"), nullable=False
        ),
        sa.Column(
            "work_days",
            postgresql.ARRAY(sa.Integer()),
            server_default=sa.text("'{1,2,3,4,5}'"),
            nullable=False,
        ),
        sa.Column("sequence_steps", sa.Integer(), server_default=sa.text("5"), nullable=False),
        sa.Column("sequence_delay_days", sa.Integer(), server_default=sa.text("3"), nullable=False),
        sa.Column(
            "uses_default_sequence", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        *ddl.counters(
            "campaigns",
            "lead_count",
            "total_leads",
            "leads_contacted",
            "leads_replied",
            "leads_converted",
        ),
        *ddl.timestamp_columns(deleted=True),
        *ddl.range_checks(
            "campaigns",
            allocation_email=(0, 100),
            allocation_linkedin=(0, 100),
            allocation_mail=(0, 100),
            allocation_sms=(0, 100),
            allocation_voice=(0, 100),
            daily_limit=(1, 500),
            lead_allocation_pct=(0, 100),
            sequence_delay_days=(0, None),
            sequence_steps=(1, None),
        ),
        *ddl.tenant_constraints("campaigns"),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_campaigns_dates_in_order")),
        sa.CheckConstraint(
            "allocation_email + allocation_sms + allocation_linkedin + allocation_voice + allocation_mail = 100",
            name=op.f("ck_campaigns_valid_allocation"),
        ),
        sa.CheckConstraint(
            "work_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]", name=op.f("ck_campaigns_valid_work_days")
        ),
        ddl.user_reference("campaigns", "created_by"),
        ddl.user_reference("campaigns", "paused_by_user_id"),
    )
    op.create_index(
        "ix_campaigns_client_id_status",
        "campaigns",
        ["client_id", "status"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(op.f("ix_campaigns_created_by"), "campaigns", ["created_by"], unique=False)
    op.create_index(
        op.f("ix_campaigns_paused_by_user_id"), "campaigns", ["paused_by_user_id"], unique=False
    )

    op.create_table(
        "campaign_resources",
        ddl.id_column(),
        ddl.client_id_column(),
        ddl.enum_column("channel", "channel_type", nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("resource_name", sa.Text(), nullable=True),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("is_warmed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("client_resource_id", sa.Uuid(), nullable=True),
        *ddl.counters("campaign_resources", "daily_used"),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "last_reset_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        *ddl.timestamp_columns(),
        *ddl.range_checks("campaign_resources", daily_limit=(0, None)),
        *ddl.tenant_constraints("campaign_resources"),
        ddl.tenant_reference("campaign_resources", "campaign_id", "campaigns", ondelete="CASCADE"),
        sa.UniqueConstraint(
            "client_id", "campaign_id", "channel", "resource_id", name="unique_campaign_resource"
        ),
    )

    op.create_table(
        "campaign_sequences",
        ddl.id_column(),
        ddl.client_id_column(),
        sa.Column("step_number", sa.Integer(), nullable=False),
        ddl.enum_column("channel", "channel_type", nullable=False),
        sa.Column("delay_days", sa.Integer(), server_default=sa.text("3"), nullable=False),
        sa.Column("subject_template", sa.Text(), nullable=True),
        sa.Column("body_template", sa.Text(), nullable=False),
        sa.Column("skip_if_replied", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("skip_if_bounced", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("skip_if", sa.Text(), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        *ddl.timestamp_columns(),
        *ddl.range_checks("campaign_sequences", delay_days=(0, None), step_number=(1, None)),
        *ddl.tenant_constraints("campaign_sequences"),
        ddl.tenant_reference("campaign_sequences", "campaign_id", "campaigns", ondelete="CASCADE"),
        sa.UniqueConstraint("client_id", "campaign_id", "step_number", name="unique_sequence_step"),
    )

    for table in ("campaigns", "campaign_resources", "campaign_sequences"):
        ddl.add_updated_at_trigger(table)
        ddl.secure_tenant_table(table)


def downgrade() -> None:
    op.drop_table("campaign_sequences")
    op.drop_table("campaign_resources")
    op.drop_table("campaigns")
