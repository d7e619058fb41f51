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
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column(
            "channel", postgresql.ENUM(name="channel_type", create_type=False), nullable=False
        ),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=True),
        sa.Column("provider_message_id", sa.Text(), nullable=True),
        sa.Column("provider_status", sa.Text(), nullable=True),
        sa.Column(
            "provider_response",
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
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
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
            nullable=True,
        ),
        sa.Column("email_opened", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("email_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_open_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("email_clicked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("email_clicked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_click_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
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
        sa.Column("intent", postgresql.ENUM(name="intent_type", create_type=False), nullable=True),
        sa.Column("intent_confidence", sa.Double(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("led_to_booking", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "metadata",
            postgresql.JSONB(none_as_null=True, astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "days_since_last_touch >= 0", name=op.f("ck_activities_days_since_last_touch_range")
        ),
        sa.CheckConstraint(
            "email_click_count >= 0", name=op.f("ck_activities_email_click_count_range")
        ),
        sa.CheckConstraint(
            "email_open_count >= 0", name=op.f("ck_activities_email_open_count_range")
        ),
        sa.CheckConstraint(
            "intent_confidence >= 0 AND intent_confidence <= 1",
            name=op.f("ck_activities_intent_confidence_range"),
        ),
        sa.CheckConstraint(
            "sequence_position >= 0", name=op.f("ck_activities_sequence_position_range")
        ),
        sa.CheckConstraint("sequence_step >= 0", name=op.f("ck_activities_sequence_step_range")),
        sa.CheckConstraint(
            "time_to_click_minutes >= 0", name=op.f("ck_activities_time_to_click_minutes_range")
        ),
        sa.CheckConstraint(
            "time_to_open_minutes >= 0", name=op.f("ck_activities_time_to_open_minutes_range")
        ),
        sa.CheckConstraint(
            "time_to_reply_minutes >= 0", name=op.f("ck_activities_time_to_reply_minutes_range")
        ),
        sa.CheckConstraint("touch_number >= 0", name=op.f("ck_activities_touch_number_range")),
        sa.ForeignKeyConstraint(
            ["client_id", "campaign_id"],
            ["campaigns.client_id", "campaigns.id"],
            name=op.f("fk_activities_client_id_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "lead_id"],
            ["leads.client_id", "leads.id"],
            name=op.f("fk_activities_client_id_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_activities_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_activities_client_id_id")),
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
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column(
            "date",
            sa.Date(),
            server_default=sa.text("(now() AT TIME ZONE 'utc')::date"),
            nullable=False,
        ),
        sa.Column("email_sent", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("email_delivered", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("email_opened", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("email_clicked", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("email_replied", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("email_bounced", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sms_sent", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sms_delivered", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sms_replied", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("linkedin_sent", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("linkedin_accepted", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("linkedin_replied", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("voice_called", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("voice_answered", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("voice_voicemail", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("mail_sent", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("mail_delivered", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("total_sent", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("total_replied", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("total_converted", sa.Integer(), server_default=sa.text("0"), nullable=False),
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
            "email_bounced >= 0", name=op.f("ck_activity_stats_email_bounced_range")
        ),
        sa.CheckConstraint(
            "email_clicked >= 0", name=op.f("ck_activity_stats_email_clicked_range")
        ),
        sa.CheckConstraint(
            "email_delivered >= 0", name=op.f("ck_activity_stats_email_delivered_range")
        ),
        sa.CheckConstraint("email_opened >= 0", name=op.f("ck_activity_stats_email_opened_range")),
        sa.CheckConstraint(
            "email_replied >= 0", name=op.f("ck_activity_stats_email_replied_range")
        ),
        sa.CheckConstraint("email_sent >= 0", name=op.f("ck_activity_stats_email_sent_range")),
        sa.CheckConstraint(
            "linkedin_accepted >= 0", name=op.f("ck_activity_stats_linkedin_accepted_range")
        ),
        sa.CheckConstraint(
            "linkedin_replied >= 0", name=op.f("ck_activity_stats_linkedin_replied_range")
        ),
        sa.CheckConstraint(
            "linkedin_sent >= 0", name=op.f("ck_activity_stats_linkedin_sent_range")
        ),
        sa.CheckConstraint(
            "mail_delivered >= 0", name=op.f("ck_activity_stats_mail_delivered_range")
        ),
        sa.CheckConstraint("mail_sent >= 0", name=op.f("ck_activity_stats_mail_sent_range")),
        sa.CheckConstraint(
            "sms_delivered >= 0", name=op.f("ck_activity_stats_sms_delivered_range")
        ),
        sa.CheckConstraint("sms_replied >= 0", name=op.f("ck_activity_stats_sms_replied_range")),
        sa.CheckConstraint("sms_sent >= 0", name=op.f("ck_activity_stats_sms_sent_range")),
        sa.CheckConstraint(
            "total_converted >= 0", name=op.f("ck_activity_stats_total_converted_range")
        ),
        sa.CheckConstraint(
            "total_replied >= 0", name=op.f("ck_activity_stats_total_replied_range")
        ),
        sa.CheckConstraint("total_sent >= 0", name=op.f("ck_activity_stats_total_sent_range")),
        sa.CheckConstraint(
            "voice_answered >= 0", name=op.f("ck_activity_stats_voice_answered_range")
        ),
        sa.CheckConstraint("voice_called >= 0", name=op.f("ck_activity_stats_voice_called_range")),
        sa.CheckConstraint(
            "voice_voicemail >= 0", name=op.f("ck_activity_stats_voice_voicemail_range")
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "campaign_id"],
            ["campaigns.client_id", "campaigns.id"],
            name=op.f("fk_activity_stats_client_id_campaign_id_campaigns"),
            ondelete="SET NULL (campaign_id)",
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "lead_id"],
            ["leads.client_id", "leads.id"],
            name=op.f("fk_activity_stats_client_id_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_activity_stats_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_stats")),
        sa.UniqueConstraint(
            "client_id",
            "campaign_id",
            "lead_id",
            "date",
            name="unique_activity_stats",
            postgresql_nulls_not_distinct=True,
        ),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_activity_stats_client_id_id")),
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
