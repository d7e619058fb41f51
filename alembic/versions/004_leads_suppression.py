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
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
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
        sa.Column(
            "status",
            postgresql.ENUM(name="lead_status", create_type=False),
            server_default="new",
            nullable=False,
        ),
        sa.Column(
            "current_sequence_step", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("next_outreach_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "rejection_reason",
            postgresql.ENUM(name="rejection_reason_type", create_type=False),
            nullable=True,
        ),
        sa.Column("rejection_notes", sa.Text(), nullable=True),
        sa.Column("rejection_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("objections_raised", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("assigned_email_resource", sa.Text(), nullable=True),
        sa.Column("assigned_linkedin_seat", sa.Text(), nullable=True),
        sa.Column("assigned_phone_resource", sa.Text(), nullable=True),
        sa.Column("als_score", sa.Integer(), nullable=True),
        sa.Column("als_tier", postgresql.ENUM(name="als_tier", create_type=False), nullable=True),
        sa.Column("als_data_quality", sa.Integer(), nullable=True),
        sa.Column("als_authority", sa.Integer(), nullable=True),
        sa.Column("als_company_fit", sa.Integer(), nullable=True),
        sa.Column("als_timing", sa.Integer(), nullable=True),
        sa.Column("als_risk", sa.Integer(), nullable=True),
        sa.Column(
            "als_components",
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
            nullable=True,
        ),
        sa.Column(
            "als_weights_used",
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
            nullable=True,
        ),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrichment_source", sa.Text(), nullable=True),
        sa.Column("enrichment_confidence", sa.Double(), nullable=True),
        sa.Column("enrichment_version", sa.Text(), nullable=True),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "deep_research_data",
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("deep_research_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "sdk_enrichment",
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
            nullable=True,
        ),
        sa.Column("sdk_signals", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("sdk_cost_aud", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("sdk_enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "sdk_voice_kb",
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
            nullable=True,
        ),
        sa.Column(
            "sdk_email_content",
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
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
        sa.Column("reply_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("bounce_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("lead_pool_id", sa.Uuid(), nullable=True),
        sa.Column("assignment_id", sa.Uuid(), nullable=True),
        sa.Column("meeting_booked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("meeting_booked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("deal_id", sa.Uuid(), nullable=True),
        sa.Column("deal_value", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("deal_won", sa.Boolean(), nullable=True),
        sa.Column("deal_won_at", sa.DateTime(timezone=True), nullable=True),
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
            "als_authority >= 0 AND als_authority <= 25", name=op.f("ck_leads_als_authority_range")
        ),
        sa.CheckConstraint(
            "als_company_fit >= 0 AND als_company_fit <= 25",
            name=op.f("ck_leads_als_company_fit_range"),
        ),
        sa.CheckConstraint(
            "als_data_quality >= 0 AND als_data_quality <= 20",
            name=op.f("ck_leads_als_data_quality_range"),
        ),
        sa.CheckConstraint(
            "als_risk >= 0 AND als_risk <= 15", name=op.f("ck_leads_als_risk_range")
        ),
        sa.CheckConstraint(
            "als_score >= 0 AND als_score <= 100", name=op.f("ck_leads_als_score_range")
        ),
        sa.CheckConstraint(
            "als_timing >= 0 AND als_timing <= 15", name=op.f("ck_leads_als_timing_range")
        ),
        sa.CheckConstraint("bounce_count >= 0", name=op.f("ck_leads_bounce_count_range")),
        sa.CheckConstraint(
            "current_sequence_step >= 0", name=op.f("ck_leads_current_sequence_step_range")
        ),
        sa.CheckConstraint("deal_value >= 0", name=op.f("ck_leads_deal_value_range")),
        sa.CheckConstraint(
            "domain = lower(btrim(domain))", name=op.f("ck_leads_domain_normalized")
        ),
        sa.CheckConstraint("email = lower(btrim(email))", name=op.f("ck_leads_email_normalized")),
        sa.CheckConstraint(
            "enrichment_confidence >= 0 AND enrichment_confidence <= 1",
            name=op.f("ck_leads_enrichment_confidence_range"),
        ),
        sa.CheckConstraint(
            "organization_employee_count >= 0",
            name=op.f("ck_leads_organization_employee_count_range"),
        ),
        sa.CheckConstraint(
            "personal_email = lower(btrim(personal_email))",
            name=op.f("ck_leads_personal_email_normalized"),
        ),
        sa.CheckConstraint("reply_count >= 0", name=op.f("ck_leads_reply_count_range")),
        sa.CheckConstraint("sdk_cost_aud >= 0", name=op.f("ck_leads_sdk_cost_aud_range")),
        sa.ForeignKeyConstraint(
            ["client_id", "campaign_id"],
            ["campaigns.client_id", "campaigns.id"],
            name=op.f("fk_leads_client_id_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_leads_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_leads_client_id_id")),
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
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("added_by", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "email = lower(btrim(email))", name=op.f("ck_global_suppression_email_normalized")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_global_suppression")),
        sa.UniqueConstraint("email", name=op.f("uq_global_suppression_email")),
    )
    op.create_table(
        "client_suppression",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("added_by", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "email = lower(btrim(email))", name=op.f("ck_client_suppression_email_normalized")
        ),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["users.id"],
            name=op.f("fk_client_suppression_added_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_suppression_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_suppression")),
        sa.UniqueConstraint("client_id", "email", name="unique_client_suppression"),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_client_suppression_client_id_id")),
    )
    op.create_index(
        op.f("ix_client_suppression_added_by"), "client_suppression", ["added_by"], unique=False
    )
    op.create_table(
        "domain_suppression",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "domain = lower(btrim(domain))", name=op.f("ck_domain_suppression_domain_normalized")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_suppression")),
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
