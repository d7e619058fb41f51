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
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "status",
            postgresql.ENUM(name="campaign_status", create_type=False),
            server_default="draft",
            nullable=False,
        ),
        sa.Column(
            "campaign_type",
            postgresql.ENUM(name="campaign_type", create_type=False),
            server_default="custom",
            nullable=False,
        ),
        sa.Column("ai_suggestion_reason", sa.Text(), nullable=True),
        sa.Column(
            "permission_mode",
            postgresql.ENUM(name="permission_mode", create_type=False),
            nullable=True,
        ),
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
        sa.Column("lead_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("total_leads", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("leads_contacted", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("leads_replied", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("leads_converted", sa.Integer(), server_default=sa.text("0"), nullable=False),
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
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "allocation_email + allocation_sms + allocation_linkedin + allocation_voice + allocation_mail = 100",
            name=op.f("ck_campaigns_valid_allocation"),
        ),
        sa.CheckConstraint(
            "allocation_email >= 0 AND allocation_email <= 100",
            name=op.f("ck_campaigns_allocation_email_range"),
        ),
        sa.CheckConstraint(
            "allocation_linkedin >= 0 AND allocation_linkedin <= 100",
            name=op.f("ck_campaigns_allocation_linkedin_range"),
        ),
        sa.CheckConstraint(
            "allocation_mail >= 0 AND allocation_mail <= 100",
            name=op.f("ck_campaigns_allocation_mail_range"),
        ),
        sa.CheckConstraint(
            "allocation_sms >= 0 AND allocation_sms <= 100",
            name=op.f("ck_campaigns_allocation_sms_range"),
        ),
        sa.CheckConstraint(
            "allocation_voice >= 0 AND allocation_voice <= 100",
            name=op.f("ck_campaigns_allocation_voice_range"),
        ),
        sa.CheckConstraint(
            "daily_limit > 0 AND daily_limit <= 500", name=op.f("ck_campaigns_daily_limit_range")
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_campaigns_dates_in_order")),
        sa.CheckConstraint(
            "lead_allocation_pct >= 0 AND lead_allocation_pct <= 100",
            name=op.f("ck_campaigns_lead_allocation_pct_range"),
        ),
        sa.CheckConstraint("lead_count >= 0", name=op.f("ck_campaigns_lead_count_range")),
        sa.CheckConstraint("leads_contacted >= 0", name=op.f("ck_campaigns_leads_contacted_range")),
        sa.CheckConstraint("leads_converted >= 0", name=op.f("ck_campaigns_leads_converted_range")),
        sa.CheckConstraint("leads_replied >= 0", name=op.f("ck_campaigns_leads_replied_range")),
        sa.CheckConstraint(
            "sequence_delay_days >= 0", name=op.f("ck_campaigns_sequence_delay_days_range")
        ),
        sa.CheckConstraint("sequence_steps >= 1", name=op.f("ck_campaigns_sequence_steps_range")),
        sa.CheckConstraint("total_leads >= 0", name=op.f("ck_campaigns_total_leads_range")),
        sa.CheckConstraint(
            "work_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]", name=op.f("ck_campaigns_valid_work_days")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_campaigns_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_campaigns_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["paused_by_user_id"],
            ["users.id"],
            name=op.f("fk_campaigns_paused_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_campaigns_client_id_id")),
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
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "channel", postgresql.ENUM(name="channel_type", create_type=False), nullable=False
        ),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("resource_name", sa.Text(), nullable=True),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("is_warmed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("client_resource_id", sa.Uuid(), nullable=True),
        sa.Column("daily_used", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "last_reset_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
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
        sa.CheckConstraint(
            "daily_limit >= 0", name=op.f("ck_campaign_resources_daily_limit_range")
        ),
        sa.CheckConstraint("daily_used >= 0", name=op.f("ck_campaign_resources_daily_used_range")),
        sa.ForeignKeyConstraint(
            ["client_id", "campaign_id"],
            ["campaigns.client_id", "campaigns.id"],
            name=op.f("fk_campaign_resources_client_id_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_campaign_resources_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_resources")),
        sa.UniqueConstraint(
            "client_id", "campaign_id", "channel", "resource_id", name="unique_campaign_resource"
        ),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_campaign_resources_client_id_id")),
    )
    op.create_table(
        "campaign_sequences",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("step_number", sa.Integer(), nullable=False),
        sa.Column(
            "channel", postgresql.ENUM(name="channel_type", create_type=False), nullable=False
        ),
        sa.Column("delay_days", sa.Integer(), server_default=sa.text("3"), nullable=False),
        sa.Column("subject_template", sa.Text(), nullable=True),
        sa.Column("body_template", sa.Text(), nullable=False),
        sa.Column("skip_if_replied", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("skip_if_bounced", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("skip_if", sa.Text(), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
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
        sa.CheckConstraint("delay_days >= 0", name=op.f("ck_campaign_sequences_delay_days_range")),
        sa.CheckConstraint(
            "step_number >= 1", name=op.f("ck_campaign_sequences_step_number_range")
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "campaign_id"],
            ["campaigns.client_id", "campaigns.id"],
            name=op.f("fk_campaign_sequences_client_id_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_campaign_sequences_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_sequences")),
        sa.UniqueConstraint("client_id", "campaign_id", "step_number", name="unique_sequence_step"),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_campaign_sequences_client_id_id")),
    )

    for table in ("campaigns", "campaign_resources", "campaign_sequences"):
        ddl.add_updated_at_trigger(table)
        ddl.secure_tenant_table(table)


def downgrade() -> None:
    op.drop_table("campaign_sequences")
    op.drop_table("campaign_resources")
    op.drop_table("campaigns")
