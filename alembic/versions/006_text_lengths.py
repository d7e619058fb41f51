"""text length limits

Every text column gets the limit its schema type enforces (ShortText 255, LongText 100,000,
Email 254, Domain 253, WebUrl 2,048 characters; names and reasons at least 1), as CHECKs named
``ck_<table>_<column>_length``. They are added NOT VALID: new writes are checked from this
revision on, without scanning or long-locking the tables; 007 validates the existing rows.

Revision ID: 006
Revises: 005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from agency_models.migrations import ddl

revision: str = "006"
down_revision: str | None = "005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LENGTHS: dict[str, dict[str, tuple[int, int]]] = {
    "domain_suppression": {
        "added_by": (0, 255),
        "domain": (0, 253),
        "reason": (1, 255),
    },
    "global_suppression": {
        "added_by": (0, 255),
        "email": (0, 254),
        "reason": (1, 255),
        "source": (0, 255),
    },
    "users": {
        "avatar_url": (0, 2048),
        "email": (0, 254),
        "full_name": (0, 255),
    },
    "clients": {
        "company_description": (0, 100000),
        "default_offer": (0, 100000),
        "digest_frequency": (0, 255),
        "icp_extraction_source": (0, 255),
        "icp_revenue_range": (0, 255),
        "name": (1, 255),
        "pause_reason": (0, 100000),
        "stripe_customer_id": (0, 255),
        "stripe_subscription_id": (0, 255),
        "value_proposition": (0, 100000),
        "website_url": (0, 2048),
    },
    "campaigns": {
        "ai_suggestion_reason": (0, 100000),
        "description": (0, 100000),
        "name": (1, 255),
        "pause_reason": (0, 100000),
    },
    "client_suppression": {
        "email": (0, 254),
        "reason": (1, 255),
    },
    "memberships": {
        "invited_email": (0, 254),
    },
    "campaign_resources": {
        "resource_id": (1, 255),
        "resource_name": (0, 255),
    },
    "campaign_sequences": {
        "body_template": (1, 100000),
        "purpose": (0, 255),
        "skip_if": (0, 255),
        "subject_template": (0, 100000),
    },
    "leads": {
        "assigned_email_resource": (0, 255),
        "assigned_linkedin_seat": (0, 255),
        "assigned_phone_resource": (0, 255),
        "company": (0, 255),
        "domain": (0, 253),
        "email": (0, 254),
        "enrichment_source": (0, 255),
        "enrichment_version": (0, 255),
        "first_name": (0, 255),
        "last_name": (0, 255),
        "linkedin_url": (0, 2048),
        "organization_country": (0, 255),
        "organization_industry": (0, 255),
        "organization_linkedin_url": (0, 2048),
        "organization_website": (0, 2048),
        "personal_email": (0, 254),
        "phone": (0, 255),
        "rejection_notes": (0, 100000),
        "seniority_level": (0, 255),
        "title": (0, 255),
    },
    "activities": {
        "ab_variant": (0, 255),
        "action": (1, 255),
        "ai_model_used": (0, 255),
        "content_preview": (0, 100000),
        "device_type": (0, 255),
        "full_message_body": (0, 100000),
        "geo_city": (0, 255),
        "geo_country": (0, 255),
        "in_reply_to": (0, 100000),
        "link_clicked": (0, 100000),
        "prompt_version": (0, 255),
        "provider": (0, 255),
        "provider_message_id": (0, 255),
        "provider_status": (0, 255),
        "sender_domain": (0, 255),
        "subject": (0, 100000),
        "thread_id": (0, 255),
        "user_agent": (0, 100000),
    },
}
"""table -> column -> (fewest, most) characters."""


def _checks(table: str) -> dict[str, str]:
    return {
        f"ck_{table}_{column}_length": ddl.length_condition(column, *bounds)
        for column, bounds in LENGTHS[table].items()
    }


def upgrade() -> None:
    for table in LENGTHS:
        ddl.add_checks_not_valid(table, _checks(table))


def downgrade() -> None:
    for table in LENGTHS:
        ddl.drop_constraints(table, _checks(table))
