"""client intelligence and sdk usage

What the platform scraped about each client (one live row per client), and the log of the
SDK agents' runs and costs, which tenants may read but never change.

Revision ID: 012
Revises: 011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agency_models.migrations import ddl

revision: str = "012"
down_revision: str | None = "011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client_intelligence",
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.Column("website_scraped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("linkedin_scraped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("twitter_scraped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("facebook_scraped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("instagram_scraped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("g2_scraped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("capterra_scraped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trustpilot_scraped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("google_scraped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_full_scrape_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("website_tagline", sa.Text(), nullable=True),
        sa.Column("website_value_prop", sa.Text(), nullable=True),
        sa.Column(
            "website_services",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "website_case_studies",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "website_testimonials",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "website_team_bios",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("website_blog_topics", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("linkedin_url", sa.Text(), nullable=True),
        sa.Column("linkedin_follower_count", sa.Integer(), nullable=True),
        sa.Column("linkedin_employee_count", sa.Integer(), nullable=True),
        sa.Column("linkedin_description", sa.Text(), nullable=True),
        sa.Column("linkedin_specialties", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column(
            "linkedin_recent_posts",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("twitter_handle", sa.Text(), nullable=True),
        sa.Column("twitter_follower_count", sa.Integer(), nullable=True),
        sa.Column("twitter_bio", sa.Text(), nullable=True),
        sa.Column(
            "twitter_recent_posts",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("twitter_topics", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("facebook_url", sa.Text(), nullable=True),
        sa.Column("facebook_follower_count", sa.Integer(), nullable=True),
        sa.Column("facebook_about", sa.Text(), nullable=True),
        sa.Column(
            "facebook_recent_posts",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("instagram_handle", sa.Text(), nullable=True),
        sa.Column("instagram_follower_count", sa.Integer(), nullable=True),
        sa.Column("instagram_bio", sa.Text(), nullable=True),
        sa.Column(
            "instagram_recent_posts",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("g2_url", sa.Text(), nullable=True),
        sa.Column("g2_rating", sa.Numeric(precision=2, scale=1), nullable=True),
        sa.Column("g2_review_count", sa.Integer(), nullable=True),
        sa.Column(
            "g2_top_reviews",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("g2_ai_summary", sa.Text(), nullable=True),
        sa.Column("capterra_url", sa.Text(), nullable=True),
        sa.Column("capterra_rating", sa.Numeric(precision=2, scale=1), nullable=True),
        sa.Column("capterra_review_count", sa.Integer(), nullable=True),
        sa.Column(
            "capterra_top_reviews",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("trustpilot_url", sa.Text(), nullable=True),
        sa.Column("trustpilot_rating", sa.Numeric(precision=2, scale=1), nullable=True),
        sa.Column("trustpilot_review_count", sa.Integer(), nullable=True),
        sa.Column(
            "trustpilot_top_reviews",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("google_business_url", sa.Text(), nullable=True),
        sa.Column("google_rating", sa.Numeric(precision=2, scale=1), nullable=True),
        sa.Column("google_review_count", sa.Integer(), nullable=True),
        sa.Column(
            "google_top_reviews",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "proof_metrics",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("proof_clients", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("proof_industries", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("common_pain_points", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("differentiators", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column(
            "total_scrape_cost_aud",
            sa.Numeric(precision=10, scale=4),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column(
            "scrape_errors",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "capterra_rating >= 0 AND capterra_rating <= 5",
            name=op.f("ck_client_intelligence_capterra_rating_range"),
        ),
        sa.CheckConstraint(
            "capterra_review_count >= 0",
            name=op.f("ck_client_intelligence_capterra_review_count_range"),
        ),
        sa.CheckConstraint(
            "char_length(capterra_url) <= 2048",
            name=op.f("ck_client_intelligence_capterra_url_length"),
        ),
        sa.CheckConstraint(
            "char_length(facebook_about) <= 100000",
            name=op.f("ck_client_intelligence_facebook_about_length"),
        ),
        sa.CheckConstraint(
            "char_length(facebook_url) <= 2048",
            name=op.f("ck_client_intelligence_facebook_url_length"),
        ),
        sa.CheckConstraint(
            "char_length(g2_ai_summary) <= 100000",
            name=op.f("ck_client_intelligence_g2_ai_summary_length"),
        ),
        sa.CheckConstraint(
            "char_length(g2_url) <= 2048", name=op.f("ck_client_intelligence_g2_url_length")
        ),
        sa.CheckConstraint(
            "char_length(google_business_url) <= 2048",
            name=op.f("ck_client_intelligence_google_business_url_length"),
        ),
        sa.CheckConstraint(
            "char_length(instagram_bio) <= 100000",
            name=op.f("ck_client_intelligence_instagram_bio_length"),
        ),
        sa.CheckConstraint(
            "char_length(instagram_handle) <= 255",
            name=op.f("ck_client_intelligence_instagram_handle_length"),
        ),
        sa.CheckConstraint(
            "char_length(linkedin_description) <= 100000",
            name=op.f("ck_client_intelligence_linkedin_description_length"),
        ),
        sa.CheckConstraint(
            "char_length(linkedin_url) <= 2048",
            name=op.f("ck_client_intelligence_linkedin_url_length"),
        ),
        sa.CheckConstraint(
            "char_length(trustpilot_url) <= 2048",
            name=op.f("ck_client_intelligence_trustpilot_url_length"),
        ),
        sa.CheckConstraint(
            "char_length(twitter_bio) <= 100000",
            name=op.f("ck_client_intelligence_twitter_bio_length"),
        ),
        sa.CheckConstraint(
            "char_length(twitter_handle) <= 255",
            name=op.f("ck_client_intelligence_twitter_handle_length"),
        ),
        sa.CheckConstraint(
            "char_length(website_tagline) <= 100000",
            name=op.f("ck_client_intelligence_website_tagline_length"),
        ),
        sa.CheckConstraint(
            "char_length(website_value_prop) <= 100000",
            name=op.f("ck_client_intelligence_website_value_prop_length"),
        ),
        sa.CheckConstraint(
            "facebook_follower_count >= 0",
            name=op.f("ck_client_intelligence_facebook_follower_count_range"),
        ),
        sa.CheckConstraint(
            "g2_rating >= 0 AND g2_rating <= 5", name=op.f("ck_client_intelligence_g2_rating_range")
        ),
        sa.CheckConstraint(
            "g2_review_count >= 0", name=op.f("ck_client_intelligence_g2_review_count_range")
        ),
        sa.CheckConstraint(
            "google_rating >= 0 AND google_rating <= 5",
            name=op.f("ck_client_intelligence_google_rating_range"),
        ),
        sa.CheckConstraint(
            "google_review_count >= 0",
            name=op.f("ck_client_intelligence_google_review_count_range"),
        ),
        sa.CheckConstraint(
            "instagram_follower_count >= 0",
            name=op.f("ck_client_intelligence_instagram_follower_count_range"),
        ),
        sa.CheckConstraint(
            "linkedin_employee_count >= 0",
            name=op.f("ck_client_intelligence_linkedin_employee_count_range"),
        ),
        sa.CheckConstraint(
            "linkedin_follower_count >= 0",
            name=op.f("ck_client_intelligence_linkedin_follower_count_range"),
        ),
        sa.CheckConstraint(
            "total_scrape_cost_aud >= 0",
            name=op.f("ck_client_intelligence_total_scrape_cost_aud_range"),
        ),
        sa.CheckConstraint(
            "trustpilot_rating >= 0 AND trustpilot_rating <= 5",
            name=op.f("ck_client_intelligence_trustpilot_rating_range"),
        ),
        sa.CheckConstraint(
            "trustpilot_review_count >= 0",
            name=op.f("ck_client_intelligence_trustpilot_review_count_range"),
        ),
        sa.CheckConstraint(
            "twitter_follower_count >= 0",
            name=op.f("ck_client_intelligence_twitter_follower_count_range"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_intelligence_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_intelligence")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_client_intelligence_client_id_id")),
    )
    op.create_index(
        "unique_client_intelligence",
        "client_intelligence",
        ["client_id"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "sdk_usage_log",
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("agent_type", sa.Text(), nullable=False),
        sa.Column("model_used", sa.Text(), nullable=False),
        sa.Column("input_tokens", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("output_tokens", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("cached_tokens", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "cost_aud",
            sa.Numeric(precision=10, scale=6),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column("turns_used", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("duration_ms", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "tool_calls", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False
        ),
        sa.Column("success", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("signals_used", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("output_schema", sa.Text(), nullable=True),
        sa.CheckConstraint("cached_tokens >= 0", name=op.f("ck_sdk_usage_log_cached_tokens_range")),
        sa.CheckConstraint(
            "char_length(agent_type) >= 1 AND char_length(agent_type) <= 255",
            name=op.f("ck_sdk_usage_log_agent_type_length"),
        ),
        sa.CheckConstraint(
            "char_length(error_message) <= 100000",
            name=op.f("ck_sdk_usage_log_error_message_length"),
        ),
        sa.CheckConstraint(
            "char_length(model_used) >= 1 AND char_length(model_used) <= 255",
            name=op.f("ck_sdk_usage_log_model_used_length"),
        ),
        sa.CheckConstraint(
            "char_length(output_schema) <= 255", name=op.f("ck_sdk_usage_log_output_schema_length")
        ),
        sa.CheckConstraint("cost_aud >= 0", name=op.f("ck_sdk_usage_log_cost_aud_range")),
        sa.CheckConstraint("duration_ms >= 0", name=op.f("ck_sdk_usage_log_duration_ms_range")),
        sa.CheckConstraint("input_tokens >= 0", name=op.f("ck_sdk_usage_log_input_tokens_range")),
        sa.CheckConstraint("output_tokens >= 0", name=op.f("ck_sdk_usage_log_output_tokens_range")),
        sa.CheckConstraint("turns_used >= 0", name=op.f("ck_sdk_usage_log_turns_used_range")),
        sa.ForeignKeyConstraint(
            ["client_id", "campaign_id"],
            ["campaigns.client_id", "campaigns.id"],
            name=op.f("fk_sdk_usage_log_client_id_campaign_id_campaigns"),
            ondelete="SET NULL (campaign_id)",
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "lead_id"],
            ["leads.client_id", "leads.id"],
            name=op.f("fk_sdk_usage_log_client_id_lead_id_leads"),
            ondelete="SET NULL (lead_id)",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_sdk_usage_log_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sdk_usage_log_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sdk_usage_log")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_sdk_usage_log_client_id_id")),
    )
    op.create_index(
        op.f("ix_sdk_usage_log_agent_type"), "sdk_usage_log", ["agent_type"], unique=False
    )
    op.create_index(
        "ix_sdk_usage_log_client_id_campaign_id",
        "sdk_usage_log",
        ["client_id", "campaign_id"],
        unique=False,
    )
    op.create_index(
        "ix_sdk_usage_log_client_id_created_at",
        "sdk_usage_log",
        ["client_id", sa.literal_column("created_at DESC")],
        unique=False,
    )
    op.create_index(
        "ix_sdk_usage_log_client_id_lead_id",
        "sdk_usage_log",
        ["client_id", "lead_id"],
        unique=False,
    )
    op.create_index(op.f("ix_sdk_usage_log_user_id"), "sdk_usage_log", ["user_id"], unique=False)
    ddl.add_updated_at_trigger("client_intelligence")
    ddl.secure_tenant_table("client_intelligence")
    ddl.secure_tenant_table("sdk_usage_log", commands=("SELECT",))


def downgrade() -> None:
    op.drop_table("sdk_usage_log")
    op.drop_table("client_intelligence")
