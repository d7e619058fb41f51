"""lead pool and lead social posts

The platform-wide lead pool (platform admins read it, the service role writes it) and the
social posts scraped for a client's leads; ``leads.lead_pool_id`` now references the pool.
An assigned pool lead points only at a campaign of its client: the composite key
``(client_id, campaign_id)``, the CHECK ``campaign_needs_client``, and a trigger that drops the
campaign when the client assignment is cleared (a client's deletion included).

Revision ID: 008
Revises: 007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agency_models.migrations import ddl

revision: str = "008"
down_revision: str | None = "007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RELEASE_CAMPAIGN = """
CREATE FUNCTION agency_private.release_pool_campaign() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    IF NEW.client_id IS NULL THEN
        NEW.campaign_id := NULL;
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "lead_pool",
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
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dataforseo_domain_rank", sa.Integer(), nullable=True),
        sa.Column("dataforseo_organic_traffic", sa.Integer(), nullable=True),
        sa.Column("dataforseo_backlinks", sa.Integer(), nullable=True),
        sa.Column("dataforseo_spam_score", sa.Double(), nullable=True),
        sa.Column("dataforseo_enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dncr_checked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("dncr_result", sa.Boolean(), nullable=True),
        sa.Column("dncr_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("als_score", sa.Integer(), nullable=True),
        sa.Column("als_tier", postgresql.ENUM(name="als_tier", create_type=False), nullable=True),
        sa.Column("als_components", postgresql.JSONB(), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sdk_enrichment", postgresql.JSONB(), nullable=True),
        sa.Column("sdk_signals", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("sdk_cost_aud", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("sdk_enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_contacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_contacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("total_touches", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "channels_used",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("has_replied", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "reply_intent", postgresql.ENUM(name="intent_type", create_type=False), nullable=True
        ),
        sa.Column(
            "pool_status",
            postgresql.ENUM(name="pool_status", create_type=False),
            server_default="available",
            nullable=False,
        ),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column(
            "email_status",
            postgresql.ENUM(name="email_status_type", create_type=False),
            server_default="unknown",
            nullable=False,
        ),
        sa.Column("is_bounced", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("bounced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bounce_reason", sa.Text(), nullable=True),
        sa.Column("is_unsubscribed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribe_reason", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("apollo_id", sa.Text(), nullable=True),
        sa.Column("linkedin_url", sa.Text(), nullable=True),
        sa.Column("first_name", sa.Text(), nullable=True),
        sa.Column("last_name", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("seniority", sa.Text(), nullable=True),
        sa.Column("linkedin_headline", sa.Text(), nullable=True),
        sa.Column("photo_url", sa.Text(), nullable=True),
        sa.Column("twitter_url", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("personal_email", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("timezone", sa.Text(), nullable=True),
        sa.Column("departments", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("employment_history", postgresql.JSONB(), nullable=True),
        sa.Column("current_role_start_date", sa.Date(), nullable=True),
        sa.Column("company_name", sa.Text(), nullable=True),
        sa.Column("company_domain", sa.Text(), nullable=True),
        sa.Column("company_website", sa.Text(), nullable=True),
        sa.Column("company_linkedin_url", sa.Text(), nullable=True),
        sa.Column("company_description", sa.Text(), nullable=True),
        sa.Column("company_logo_url", sa.Text(), nullable=True),
        sa.Column("company_industry", sa.Text(), nullable=True),
        sa.Column("company_sub_industry", sa.Text(), nullable=True),
        sa.Column("company_employee_count", sa.Integer(), nullable=True),
        sa.Column("company_revenue", sa.BigInteger(), nullable=True),
        sa.Column("company_revenue_range", sa.Text(), nullable=True),
        sa.Column("company_founded_year", sa.Integer(), nullable=True),
        sa.Column("company_country", sa.Text(), nullable=True),
        sa.Column("company_city", sa.Text(), nullable=True),
        sa.Column("company_state", sa.Text(), nullable=True),
        sa.Column("company_postal_code", sa.Text(), nullable=True),
        sa.Column("company_is_hiring", sa.Boolean(), nullable=True),
        sa.Column("company_latest_funding_stage", sa.Text(), nullable=True),
        sa.Column("company_latest_funding_date", sa.Date(), nullable=True),
        sa.Column("company_total_funding", sa.BigInteger(), nullable=True),
        sa.Column("company_technologies", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("company_keywords", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("enrichment_source", sa.Text(), nullable=True),
        sa.Column("enrichment_confidence", sa.Double(), nullable=True),
        sa.Column("enrichment_data", postgresql.JSONB(), nullable=True),
        sa.CheckConstraint(
            "als_score >= 0 AND als_score <= 100", name=op.f("ck_lead_pool_als_score_range")
        ),
        sa.CheckConstraint(
            "campaign_id IS NULL OR client_id IS NOT NULL",
            name=op.f("ck_lead_pool_campaign_needs_client"),
        ),
        sa.CheckConstraint(
            "char_length(apollo_id) <= 255", name=op.f("ck_lead_pool_apollo_id_length")
        ),
        sa.CheckConstraint(
            "char_length(bounce_reason) <= 100000", name=op.f("ck_lead_pool_bounce_reason_length")
        ),
        sa.CheckConstraint("char_length(city) <= 255", name=op.f("ck_lead_pool_city_length")),
        sa.CheckConstraint(
            "char_length(company_city) <= 255", name=op.f("ck_lead_pool_company_city_length")
        ),
        sa.CheckConstraint(
            "char_length(company_country) <= 255", name=op.f("ck_lead_pool_company_country_length")
        ),
        sa.CheckConstraint(
            "char_length(company_description) <= 100000",
            name=op.f("ck_lead_pool_company_description_length"),
        ),
        sa.CheckConstraint(
            "char_length(company_domain) <= 253", name=op.f("ck_lead_pool_company_domain_length")
        ),
        sa.CheckConstraint(
            "char_length(company_industry) <= 255",
            name=op.f("ck_lead_pool_company_industry_length"),
        ),
        sa.CheckConstraint(
            "char_length(company_latest_funding_stage) <= 255",
            name=op.f("ck_lead_pool_company_latest_funding_stage_length"),
        ),
        sa.CheckConstraint(
            "char_length(company_linkedin_url) <= 2048",
            name=op.f("ck_lead_pool_company_linkedin_url_length"),
        ),
        sa.CheckConstraint(
            "char_length(company_logo_url) <= 2048",
            name=op.f("ck_lead_pool_company_logo_url_length"),
        ),
        sa.CheckConstraint(
            "char_length(company_name) <= 255", name=op.f("ck_lead_pool_company_name_length")
        ),
        sa.CheckConstraint(
            "char_length(company_postal_code) <= 255",
            name=op.f("ck_lead_pool_company_postal_code_length"),
        ),
        sa.CheckConstraint(
            "char_length(company_revenue_range) <= 255",
            name=op.f("ck_lead_pool_company_revenue_range_length"),
        ),
        sa.CheckConstraint(
            "char_length(company_state) <= 255", name=op.f("ck_lead_pool_company_state_length")
        ),
        sa.CheckConstraint(
            "char_length(company_sub_industry) <= 255",
            name=op.f("ck_lead_pool_company_sub_industry_length"),
        ),
        sa.CheckConstraint(
            "char_length(company_website) <= 2048", name=op.f("ck_lead_pool_company_website_length")
        ),
        sa.CheckConstraint("char_length(country) <= 255", name=op.f("ck_lead_pool_country_length")),
        sa.CheckConstraint("char_length(email) <= 254", name=op.f("ck_lead_pool_email_length")),
        sa.CheckConstraint(
            "char_length(enrichment_source) <= 255",
            name=op.f("ck_lead_pool_enrichment_source_length"),
        ),
        sa.CheckConstraint(
            "char_length(first_name) <= 255", name=op.f("ck_lead_pool_first_name_length")
        ),
        sa.CheckConstraint(
            "char_length(last_name) <= 255", name=op.f("ck_lead_pool_last_name_length")
        ),
        sa.CheckConstraint(
            "char_length(linkedin_headline) <= 255",
            name=op.f("ck_lead_pool_linkedin_headline_length"),
        ),
        sa.CheckConstraint(
            "char_length(linkedin_url) <= 2048", name=op.f("ck_lead_pool_linkedin_url_length")
        ),
        sa.CheckConstraint(
            "char_length(personal_email) <= 254", name=op.f("ck_lead_pool_personal_email_length")
        ),
        sa.CheckConstraint("char_length(phone) <= 255", name=op.f("ck_lead_pool_phone_length")),
        sa.CheckConstraint(
            "char_length(photo_url) <= 2048", name=op.f("ck_lead_pool_photo_url_length")
        ),
        sa.CheckConstraint(
            "char_length(seniority) <= 255", name=op.f("ck_lead_pool_seniority_length")
        ),
        sa.CheckConstraint("char_length(state) <= 255", name=op.f("ck_lead_pool_state_length")),
        sa.CheckConstraint("char_length(title) <= 255", name=op.f("ck_lead_pool_title_length")),
        sa.CheckConstraint(
            "char_length(twitter_url) <= 2048", name=op.f("ck_lead_pool_twitter_url_length")
        ),
        sa.CheckConstraint(
            "char_length(unsubscribe_reason) <= 100000",
            name=op.f("ck_lead_pool_unsubscribe_reason_length"),
        ),
        sa.CheckConstraint(
            "company_domain = lower(btrim(company_domain))",
            name=op.f("ck_lead_pool_company_domain_normalized"),
        ),
        sa.CheckConstraint(
            "company_employee_count >= 0", name=op.f("ck_lead_pool_company_employee_count_range")
        ),
        sa.CheckConstraint("company_revenue >= 0", name=op.f("ck_lead_pool_company_revenue_range")),
        sa.CheckConstraint(
            "company_total_funding >= 0", name=op.f("ck_lead_pool_company_total_funding_range")
        ),
        sa.CheckConstraint(
            "dataforseo_backlinks >= 0", name=op.f("ck_lead_pool_dataforseo_backlinks_range")
        ),
        sa.CheckConstraint(
            "dataforseo_domain_rank >= 0", name=op.f("ck_lead_pool_dataforseo_domain_rank_range")
        ),
        sa.CheckConstraint(
            "dataforseo_organic_traffic >= 0",
            name=op.f("ck_lead_pool_dataforseo_organic_traffic_range"),
        ),
        sa.CheckConstraint(
            "dataforseo_spam_score >= 0 AND dataforseo_spam_score <= 100",
            name=op.f("ck_lead_pool_dataforseo_spam_score_range"),
        ),
        sa.CheckConstraint(
            "email = lower(btrim(email))", name=op.f("ck_lead_pool_email_normalized")
        ),
        sa.CheckConstraint(
            "enrichment_confidence >= 0 AND enrichment_confidence <= 1",
            name=op.f("ck_lead_pool_enrichment_confidence_range"),
        ),
        sa.CheckConstraint(
            "personal_email = lower(btrim(personal_email))",
            name=op.f("ck_lead_pool_personal_email_normalized"),
        ),
        sa.CheckConstraint("sdk_cost_aud >= 0", name=op.f("ck_lead_pool_sdk_cost_aud_range")),
        sa.CheckConstraint("total_touches >= 0", name=op.f("ck_lead_pool_total_touches_range")),
        sa.ForeignKeyConstraint(
            ["client_id", "campaign_id"],
            ["campaigns.client_id", "campaigns.id"],
            name=op.f("fk_lead_pool_client_id_campaign_id_campaigns"),
            ondelete="SET NULL (campaign_id)",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_lead_pool_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_pool")),
    )
    op.create_index(
        "ix_lead_pool_client_id_campaign_id",
        "lead_pool",
        ["client_id", "campaign_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_lead_pool_company_country"), "lead_pool", ["company_country"], unique=False
    )
    op.create_index(
        op.f("ix_lead_pool_company_domain"), "lead_pool", ["company_domain"], unique=False
    )
    op.create_index(
        op.f("ix_lead_pool_company_employee_count"),
        "lead_pool",
        ["company_employee_count"],
        unique=False,
    )
    op.create_index(
        op.f("ix_lead_pool_company_industry"), "lead_pool", ["company_industry"], unique=False
    )
    op.create_index(op.f("ix_lead_pool_company_name"), "lead_pool", ["company_name"], unique=False)
    op.create_index(op.f("ix_lead_pool_pool_status"), "lead_pool", ["pool_status"], unique=False)
    op.create_index(
        "unique_apollo_id_in_pool",
        "lead_pool",
        ["apollo_id"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "unique_email_in_pool",
        "lead_pool",
        ["email"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "lead_social_posts",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("post_content", sa.Text(), nullable=True),
        sa.Column("post_date", sa.Date(), nullable=True),
        sa.Column("summary_hook", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "char_length(post_content) <= 100000",
            name=op.f("ck_lead_social_posts_post_content_length"),
        ),
        sa.CheckConstraint(
            "char_length(source) >= 1 AND char_length(source) <= 255",
            name=op.f("ck_lead_social_posts_source_length"),
        ),
        sa.CheckConstraint(
            "char_length(summary_hook) <= 100000",
            name=op.f("ck_lead_social_posts_summary_hook_length"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "lead_id"],
            ["leads.client_id", "leads.id"],
            name=op.f("fk_lead_social_posts_client_id_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_lead_social_posts_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_social_posts")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_lead_social_posts_client_id_id")),
    )
    op.create_index(
        "ix_lead_social_posts_client_id_lead_id",
        "lead_social_posts",
        ["client_id", "lead_id"],
        unique=False,
    )
    op.create_index(op.f("ix_leads_lead_pool_id"), "leads", ["lead_pool_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_leads_lead_pool_id_lead_pool"),
        "leads",
        "lead_pool",
        ["lead_pool_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.execute(RELEASE_CAMPAIGN)
    op.execute(
        "CREATE TRIGGER release_campaign BEFORE UPDATE OF client_id ON lead_pool "
        "FOR EACH ROW EXECUTE FUNCTION agency_private.release_pool_campaign()"
    )
    ddl.add_updated_at_trigger("lead_pool")
    ddl.secure_platform_table("lead_pool")
    ddl.secure_tenant_table("lead_social_posts")


def downgrade() -> None:
    op.drop_constraint(op.f("fk_leads_lead_pool_id_lead_pool"), "leads", type_="foreignkey")
    op.drop_index(op.f("ix_leads_lead_pool_id"), table_name="leads")
    op.drop_table("lead_social_posts")
    op.drop_table("lead_pool")
    op.execute("DROP FUNCTION agency_private.release_pool_campaign()")
