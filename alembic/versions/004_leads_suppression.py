"""leads_suppression

Leads, and the suppression lists outreach must respect: global (platform-wide), per client,
and per domain. A lead's campaign is a composite foreign key, so it is always in the lead's
tenant; unique_lead_per_client covers live (not soft-deleted) leads only.

Revision ID: 004
Revises: 003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agency_models.migrations import ddl

revision: str = "004"
down_revision: str | None = "003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leads",
        ddl.id_column(),
        ddl.client_id_column(),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("first_name", sa.Text(), nullable=True),
        sa.Column("last_name", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("linkedin_url", sa.Text(), nullable=True),
        sa.Column("domain", sa.Text(), nullable=True),
        sa.Column("personal_email", sa.Text(), nullable=True),
        sa.Column("seniority_level", sa.Text(), nullable=True),
        sa.Column("employment_start_date", sa.Date(), nullable=True),
        sa.Column("timezone", sa.Text(), nullable=True),
        sa.Column("timezone_offset", sa.Integer(), nullable=True),
        sa.Column("organization_industry", sa.Text(), nullable=True),
        sa.Column("organization_employee_count", sa.Integer(), nullable=True),
        sa.Column("organization_country", sa.Text(), nullable=True),
        sa.Column("organization_founded_year", sa.Integer(), nullable=True),
        sa.Column("organization_is_hiring", sa.Boolean(), nullable=True),
        sa.Column("organization_latest_funding_date", sa.Date(), nullable=True),
        sa.Column("organization_website", sa.Text(), nullable=True),
        sa.Column("organization_linkedin_url", sa.Text(), nullable=True),
        ddl.enum_column("status", "lead_status", nullable=False, default="new"),
        *ddl.counters("leads", "current_sequence_step"),
        sa.Column("next_outreach_at", sa.DateTime(timezone=True), nullable=True),
        ddl.enum_column("rejection_reason", "rejection_reason_type", nullable=True),
        sa.Column("rejection_notes", sa.Text(), nullable=True),
        sa.Column("rejection_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("objections_raised", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("assigned_email_resource", sa.Text(), nullable=True),
        sa.Column("assigned_linkedin_seat", sa.Text(), nullable=True),
        sa.Column("assigned_phone_resource", sa.Text(), nullable=True),
        sa.Column("als_score", sa.Integer(), nullable=True),
        ddl.enum_column("als_tier", "als_tier", nullable=True),
        sa.Column("als_data_quality", sa.Integer(), nullable=True),
        sa.Column("als_authority", sa.Integer(), nullable=True),
        sa.Column("als_company_fit", sa.Integer(), nullable=True),
        sa.Column("als_timing", sa.Integer(), nullable=True),
        sa.Column("als_risk", sa.Integer(), nullable=True),
        sa.Column(
            "als_components",
            postgresql.JSONB(),
            nullable=True,
        ),
        sa.Column(
            "als_weights_used",
            postgresql.JSONB(),
            nullable=True,
        ),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrichment_source", sa.Text(), nullable=True),
        sa.Column("enrichment_confidence", sa.Double(), nullable=True),
        sa.Column("enrichment_version", sa.Text(), nullable=True),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "deep_research_data",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("deep_research_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "sdk_enrichment",
            postgresql.JSONB(),
            nullable=True,
        ),
        sa.Column("sdk_signals", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("sdk_cost_aud", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("sdk_enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "sdk_voice_kb",
            postgresql.JSONB(),
            nullable=True,
        ),
        sa.Column(
            "sdk_email_content",
            postgresql.JSONB(),
            nullable=True,
        ),
        sa.Column("dncr_checked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("dncr_result", sa.Boolean(), nullable=True),
        sa.Column("email_verified", sa.Boolean(), nullable=True),
        sa.Column("phone_verified", sa.Boolean(), nullable=True),
        sa.Column("last_contacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_clicked_at", sa.DateTime(timezone=True), nullable=True),
        *ddl.counters("leads", "reply_count", "bounce_count"),
        sa.Column("lead_pool_id", sa.Uuid(), nullable=True),
        sa.Column("assignment_id", sa.Uuid(), nullable=True),
        sa.Column("meeting_booked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("meeting_booked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("deal_id", sa.Uuid(), nullable=True),
        sa.Column("deal_value", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("deal_won", sa.Boolean(), nullable=True),
        sa.Column("deal_won_at", sa.DateTime(timezone=True), nullable=True),
        *ddl.timestamp_columns(deleted=True),
        *ddl.range_checks(
            "leads",
            als_authority=(0, 25),
            als_company_fit=(0, 25),
            als_data_quality=(0, 20),
            als_risk=(0, 15),
            als_score=(0, 100),
            als_timing=(0, 15),
            deal_value=(0, None),
            enrichment_confidence=(0, 1),
            organization_employee_count=(0, None),
            sdk_cost_aud=(0, None),
        ),
        *ddl.normalized_checks("leads", "domain", "email", "personal_email"),
        *ddl.tenant_constraints("leads"),
        ddl.tenant_reference("leads", "campaign_id", "campaigns"),
    )
    op.create_index(
        "ix_leads_client_id_als_score",
        "leads",
        ["client_id", sa.literal_column("als_score DESC NULLS LAST")],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_leads_client_id_campaign_id", "leads", ["client_id", "campaign_id"], unique=False
    )
    op.create_index(
        "ix_leads_client_id_created_at",
        "leads",
        ["client_id", sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_leads_client_id_status",
        "leads",
        ["client_id", "status", sa.literal_column("created_at DESC")],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(op.f("ix_leads_domain"), "leads", ["domain"], unique=False)
    op.create_index(
        "ix_leads_next_outreach_at",
        "leads",
        ["next_outreach_at"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL AND next_outreach_at IS NOT NULL"),
    )
    op.create_index(
        "unique_lead_per_client",
        "leads",
        ["client_id", "email"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )

    op.create_table(
        "global_suppression",
        ddl.id_column(),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("added_by", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        *ddl.timestamp_columns(updated=False),
        *ddl.normalized_checks("global_suppression", "email"),
        ddl.primary_key("global_suppression"),
        sa.UniqueConstraint("email", name=op.f("uq_global_suppression_email")),
    )

    op.create_table(
        "client_suppression",
        ddl.id_column(),
        ddl.client_id_column(),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("added_by", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        *ddl.timestamp_columns(updated=False),
        *ddl.normalized_checks("client_suppression", "email"),
        *ddl.tenant_constraints("client_suppression"),
        ddl.user_reference("client_suppression", "added_by"),
        sa.UniqueConstraint("client_id", "email", name="unique_client_suppression"),
    )
    op.create_index(
        op.f("ix_client_suppression_added_by"), "client_suppression", ["added_by"], unique=False
    )

    op.create_table(
        "domain_suppression",
        ddl.id_column(),
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        *ddl.timestamp_columns(updated=False),
        *ddl.normalized_checks("domain_suppression", "domain"),
        ddl.primary_key("domain_suppression"),
        sa.UniqueConstraint("domain", name=op.f("uq_domain_suppression_domain")),
    )

    ddl.add_updated_at_trigger("leads")
    ddl.secure_tenant_table("leads")
    ddl.secure_tenant_table("client_suppression")
    ddl.secure_platform_table("global_suppression")
    ddl.secure_platform_table("domain_suppression")


def downgrade() -> None:
    op.drop_table("domain_suppression")
    op.drop_table("client_suppression")
    op.drop_table("global_suppression")
    op.drop_table("leads")
