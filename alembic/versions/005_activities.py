"""activities

The outreach log (activities) and its daily roll-up (activity_stats). Members read both; they
may append activities; the platform maintains engagement fields and the roll-up.

Revision ID: 005
Revises: 004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agency_models.migrations import ddl

revision: str = "005"
down_revision: str | None = "004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activities",
        ddl.id_column(),
        ddl.client_id_column(),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        ddl.enum_column("channel", "channel_type", nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=True),
        sa.Column("provider_message_id", sa.Text(), nullable=True),
        sa.Column("provider_status", sa.Text(), nullable=True),
        sa.Column(
            "provider_response",
            postgresql.JSONB(),
            nullable=True,
        ),
        sa.Column("thread_id", sa.Text(), nullable=True),
        sa.Column("in_reply_to", sa.Text(), nullable=True),
        sa.Column("conversation_thread_id", sa.Uuid(), nullable=True),
        sa.Column("sender_domain", sa.Text(), nullable=True),
        sa.Column("sequence_step", sa.Integer(), nullable=True),
        sa.Column("touch_number", sa.Integer(), nullable=True),
        sa.Column("days_since_last_touch", sa.Integer(), nullable=True),
        sa.Column("sequence_position", sa.Integer(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("content_preview", sa.Text(), nullable=True),
        sa.Column("full_message_body", sa.Text(), nullable=True),
        sa.Column("template_id", sa.Uuid(), nullable=True),
        sa.Column("ab_test_id", sa.Uuid(), nullable=True),
        sa.Column("ab_variant", sa.Text(), nullable=True),
        sa.Column("links_included", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("personalization_fields_used", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("ai_model_used", sa.Text(), nullable=True),
        sa.Column("prompt_version", sa.Text(), nullable=True),
        sa.Column(
            "content_snapshot",
            postgresql.JSONB(),
            nullable=True,
        ),
        sa.Column("email_opened", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("email_opened_at", sa.DateTime(timezone=True), nullable=True),
        *ddl.counters("activities", "email_open_count"),
        sa.Column("email_clicked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("email_clicked_at", sa.DateTime(timezone=True), nullable=True),
        *ddl.counters("activities", "email_click_count"),
        sa.Column("link_clicked", sa.Text(), nullable=True),
        sa.Column("time_to_open_minutes", sa.Integer(), nullable=True),
        sa.Column("time_to_click_minutes", sa.Integer(), nullable=True),
        sa.Column("time_to_reply_minutes", sa.Integer(), nullable=True),
        sa.Column("lead_local_time", sa.Time(), nullable=True),
        sa.Column("lead_timezone", sa.Text(), nullable=True),
        sa.Column("lead_local_day_of_week", sa.Integer(), nullable=True),
        sa.Column("device_type", sa.Text(), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("ip_address", postgresql.INET(), nullable=True),
        sa.Column("geo_country", sa.Text(), nullable=True),
        sa.Column("geo_city", sa.Text(), nullable=True),
        ddl.enum_column("intent", "intent_type", nullable=True),
        sa.Column("intent_confidence", sa.Double(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("led_to_booking", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "metadata",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        *ddl.timestamp_columns(updated=False),
        *ddl.range_checks(
            "activities",
            days_since_last_touch=(0, None),
            intent_confidence=(0, 1),
            sequence_position=(0, None),
            sequence_step=(0, None),
            time_to_click_minutes=(0, None),
            time_to_open_minutes=(0, None),
            time_to_reply_minutes=(0, None),
            touch_number=(0, None),
        ),
        *ddl.tenant_constraints("activities"),
        ddl.tenant_reference("activities", "campaign_id", "campaigns"),
        ddl.tenant_reference("activities", "lead_id", "leads", ondelete="CASCADE"),
    )
    op.create_index(
        "ix_activities_client_id_campaign_id_created_at",
        "activities",
        ["client_id", "campaign_id", sa.literal_column("created_at DESC")],
        unique=False,
    )
    op.create_index(
        "ix_activities_client_id_created_at",
        "activities",
        ["client_id", sa.literal_column("created_at DESC")],
        unique=False,
    )
    op.create_index(
        "ix_activities_client_id_lead_id_created_at",
        "activities",
        ["client_id", "lead_id", sa.literal_column("created_at DESC")],
        unique=False,
    )
    op.create_index(
        op.f("ix_activities_provider_message_id"),
        "activities",
        ["provider_message_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_activities_sender_domain"), "activities", ["sender_domain"], unique=False
    )
    op.create_index(op.f("ix_activities_thread_id"), "activities", ["thread_id"], unique=False)

    op.create_table(
        "activity_stats",
        ddl.id_column(),
        ddl.client_id_column(),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column(
            "date",
            sa.Date(),
            server_default=sa.text("(now() AT TIME ZONE 'utc')::date"),
            nullable=False,
        ),
        *ddl.counters(
            "activity_stats",
            "email_sent",
            "email_delivered",
            "email_opened",
            "email_clicked",
            "email_replied",
            "email_bounced",
            "sms_sent",
            "sms_delivered",
            "sms_replied",
            "linkedin_sent",
            "linkedin_accepted",
            "linkedin_replied",
            "voice_called",
            "voice_answered",
            "voice_voicemail",
            "mail_sent",
            "mail_delivered",
            "total_sent",
            "total_replied",
            "total_converted",
        ),
        *ddl.timestamp_columns(),
        *ddl.tenant_constraints("activity_stats"),
        ddl.tenant_reference("activity_stats", "campaign_id", "campaigns", ondelete="CASCADE"),
        ddl.tenant_reference("activity_stats", "lead_id", "leads", ondelete="CASCADE"),
        sa.UniqueConstraint(
            "client_id",
            "campaign_id",
            "lead_id",
            "date",
            name="unique_activity_stats",
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index(
        "ix_activity_stats_client_id_lead_id",
        "activity_stats",
        ["client_id", "lead_id"],
        unique=False,
    )

    ddl.secure_tenant_table("activities", commands=("SELECT", "INSERT"))
    ddl.add_updated_at_trigger("activity_stats")
    ddl.secure_tenant_table("activity_stats", commands=("SELECT",))


def downgrade() -> None:
    op.drop_table("activity_stats")
    op.drop_table("activities")
