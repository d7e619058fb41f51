"""The outreach log (one row per touch or event) and its daily roll-up."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any, Optional

import sqlalchemy as sa
from pydantic import IPvAnyAddress
from sqlalchemy.dialects.postgresql import INET
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    ChannelType,
    CreatedAtMixin,
    IntentType,
    TenantMixin,
    TimestampMixin,
    UUIDMixin,
    relationship,
    tenant_key,
    tenant_reference,
)

if TYPE_CHECKING:
    from agency_models.models.campaign import Campaign
    from agency_models.models.lead import Lead


class ActivityKeys(AgencyModel):
    """What the activity is about, fixed when it is logged."""

    campaign_id: uuid.UUID
    lead_id: uuid.UUID


class ActivityBase(AgencyModel):
    channel: ChannelType
    action: str = Field(min_length=1)
    """What happened: ``sent``, ``delivered``, ``opened``, ``replied``, ``bounced``, …"""

    provider: str | None = None
    provider_message_id: str | None = Field(default=None, index=True)
    provider_status: str | None = None
    provider_response: dict[str, Any] | None = None
    thread_id: str | None = Field(default=None, index=True)
    in_reply_to: str | None = None
    conversation_thread_id: uuid.UUID | None = None
    """``conversation_threads``, not a table of this package."""
    sender_domain: str | None = Field(default=None, index=True)

    sequence_step: int | None = Field(default=None, ge=0)
    touch_number: int | None = Field(default=None, ge=0)
    days_since_last_touch: int | None = Field(default=None, ge=0)
    sequence_position: int | None = Field(default=None, ge=0)

    subject: str | None = None
    content_preview: str | None = None
    full_message_body: str | None = None
    template_id: uuid.UUID | None = None
    """``email_templates``, not a table of this package."""
    ab_test_id: uuid.UUID | None = None
    ab_variant: str | None = None
    links_included: list[str] | None = None
    personalization_fields_used: list[str] | None = None
    ai_model_used: str | None = None
    prompt_version: str | None = None
    content_snapshot: dict[str, Any] | None = None

    email_opened: bool = False
    email_opened_at: AwareDatetime | None = None
    email_open_count: int = Field(default=0, ge=0)
    email_clicked: bool = False
    email_clicked_at: AwareDatetime | None = None
    email_click_count: int = Field(default=0, ge=0)
    link_clicked: str | None = None
    time_to_open_minutes: int | None = Field(default=None, ge=0)
    time_to_click_minutes: int | None = Field(default=None, ge=0)
    time_to_reply_minutes: int | None = Field(default=None, ge=0)

    lead_local_time: dt.time | None = None
    lead_timezone: str | None = None
    lead_local_day_of_week: int | None = None

    device_type: str | None = None
    user_agent: str | None = None
    ip_address: IPvAnyAddress | None = Field(default=None, sa_type=INET)
    geo_country: str | None = None
    geo_city: str | None = None

    intent: IntentType | None = None
    intent_confidence: float | None = Field(default=None, ge=0, le=1)
    processed_at: AwareDatetime | None = None
    led_to_booking: bool = False
    extra_data: dict[str, Any] = Field(default_factory=dict, sa_column_kwargs={"name": "metadata"})


class Activity(ActivityBase, ActivityKeys, TenantMixin, UUIDMixin, CreatedAtMixin, table=True):
    """One outreach event. Rows are appended, and updated only as engagement arrives."""

    __tablename__ = "activities"
    __table_args__ = (
        tenant_key(),
        tenant_reference("campaign_id", "campaigns"),
        tenant_reference("lead_id", "leads", on_delete="CASCADE"),
        sa.Index(
            "ix_activities_client_id_lead_id_created_at",
            "client_id",
            "lead_id",
            sa.text("created_at DESC"),
        ),
        sa.Index(
            "ix_activities_client_id_campaign_id_created_at",
            "client_id",
            "campaign_id",
            sa.text("created_at DESC"),
        ),
        sa.Index("ix_activities_client_id_created_at", "client_id", sa.text("created_at DESC")),
    )

    lead: "Lead" = relationship(back_populates="activities", foreign_keys="Activity.lead_id")
    campaign: "Campaign" = relationship(foreign_keys="Activity.campaign_id")


class ActivityCreate(ActivityBase, ActivityKeys, TenantMixin):
    pass


class ActivityRead(ActivityBase, ActivityKeys, TenantMixin, UUIDMixin, CreatedAtMixin):
    pass


class ActivityUpdate(ActivityBase):
    channel: ChannelType = Field(default=None)
    action: str = Field(default=None, min_length=1)


def _today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class ActivityStatsKeys(AgencyModel):
    """What the counts are of, fixed when the row is created: a campaign (None: every
    campaign), a lead (None: every lead) and a UTC day."""

    campaign_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    date: dt.date = Field(
        default_factory=_today_utc,
        sa_column_kwargs={"server_default": sa.text("(now() AT TIME ZONE 'utc')::date")},
    )


class ActivityStatsBase(AgencyModel):
    email_sent: int = Field(default=0, ge=0)
    email_delivered: int = Field(default=0, ge=0)
    email_opened: int = Field(default=0, ge=0)
    email_clicked: int = Field(default=0, ge=0)
    email_replied: int = Field(default=0, ge=0)
    email_bounced: int = Field(default=0, ge=0)
    sms_sent: int = Field(default=0, ge=0)
    sms_delivered: int = Field(default=0, ge=0)
    sms_replied: int = Field(default=0, ge=0)
    linkedin_sent: int = Field(default=0, ge=0)
    linkedin_accepted: int = Field(default=0, ge=0)
    linkedin_replied: int = Field(default=0, ge=0)
    voice_called: int = Field(default=0, ge=0)
    voice_answered: int = Field(default=0, ge=0)
    voice_voicemail: int = Field(default=0, ge=0)
    mail_sent: int = Field(default=0, ge=0)
    mail_delivered: int = Field(default=0, ge=0)
    total_sent: int = Field(default=0, ge=0)
    total_replied: int = Field(default=0, ge=0)
    total_converted: int = Field(default=0, ge=0)


class ActivityStats(
    ActivityStatsBase, ActivityStatsKeys, TenantMixin, UUIDMixin, TimestampMixin, table=True
):
    """Counts per client, campaign, lead and UTC day."""

    __tablename__ = "activity_stats"
    __table_args__ = (
        tenant_key(),
        tenant_reference("campaign_id", "campaigns", on_delete="CASCADE"),
        tenant_reference("lead_id", "leads", on_delete="CASCADE"),
        sa.UniqueConstraint(
            "client_id",
            "campaign_id",
            "lead_id",
            "date",
            name="unique_activity_stats",
            postgresql_nulls_not_distinct=True,
        ),
        sa.Index("ix_activity_stats_client_id_lead_id", "client_id", "lead_id"),
    )

    campaign: Optional["Campaign"] = relationship(foreign_keys="ActivityStats.campaign_id")
    lead: Optional["Lead"] = relationship(foreign_keys="ActivityStats.lead_id")


class ActivityStatsCreate(ActivityStatsBase, ActivityStatsKeys, TenantMixin):
    pass


class ActivityStatsRead(
    ActivityStatsBase, ActivityStatsKeys, TenantMixin, UUIDMixin, TimestampMixin
):
    pass


class ActivityStatsUpdate(ActivityStatsBase):
    pass
