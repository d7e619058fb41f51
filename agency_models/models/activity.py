"""The outreach log (one row per touch or event) and its daily roll-up."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from pydantic import IPvAnyAddress
from sqlalchemy.dialects.postgresql import INET
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    CalendarDate,
    ChannelType,
    Count,
    Int32,
    IntentType,
    JsonObject,
    LongText,
    NonEmptyText,
    Omittable,
    Ratio,
    ReadSchema,
    ShortText,
    TenantEntry,
    TenantMixin,
    TenantRecord,
    TextList,
    TimeOfDay,
    TimeZoneName,
    UpdateSchema,
    relationship,
    tenant_key,
    tenant_reference,
)

if TYPE_CHECKING:
    from agency_models.models.campaign import Campaign
    from agency_models.models.lead import Lead


class ActivityKeys(AgencyModel):
    """What happened, to whom, in which campaign: fixed when the activity is logged."""

    campaign_id: uuid.UUID
    lead_id: uuid.UUID
    channel: ChannelType
    action: NonEmptyText
    """What happened: ``sent``, ``delivered``, ``opened``, ``replied``, ``bounced``, …"""


class ActivityBase(AgencyModel):
    provider: ShortText | None = None
    provider_message_id: ShortText | None = Field(default=None, index=True)
    provider_status: ShortText | None = None
    provider_response: JsonObject | None = None
    thread_id: ShortText | None = Field(default=None, index=True)
    in_reply_to: LongText | None = None
    conversation_thread_id: uuid.UUID | None = None
    """``conversation_threads``, not a table of this package."""
    sender_domain: ShortText | None = Field(default=None, index=True)

    sequence_step: Count | None = None
    touch_number: Count | None = None
    days_since_last_touch: Count | None = None
    sequence_position: Count | None = None

    subject: LongText | None = None
    content_preview: LongText | None = None
    full_message_body: LongText | None = None
    template_id: uuid.UUID | None = None
    """``email_templates``, not a table of this package."""
    ab_test_id: uuid.UUID | None = None
    ab_variant: ShortText | None = None
    links_included: TextList | None = None
    personalization_fields_used: TextList | None = None
    ai_model_used: ShortText | None = None
    prompt_version: ShortText | None = None
    content_snapshot: JsonObject | None = None

    lead_local_time: TimeOfDay | None = None
    lead_timezone: TimeZoneName | None = None
    lead_local_day_of_week: Int32 | None = None

    device_type: ShortText | None = None
    user_agent: LongText | None = None
    ip_address: IPvAnyAddress | None = Field(default=None, sa_type=INET)
    geo_country: ShortText | None = None
    geo_city: ShortText | None = None
    extra_data: Omittable[JsonObject] = Field(default=None, sa_column_kwargs={"name": "metadata"})


class ActivityState(AgencyModel):
    """Engagement and classification, recorded as events arrive after the activity."""

    email_opened: Omittable[bool] = None
    email_opened_at: AwareDatetime | None = None
    email_open_count: Omittable[Count] = None
    email_clicked: Omittable[bool] = None
    email_clicked_at: AwareDatetime | None = None
    email_click_count: Omittable[Count] = None
    link_clicked: LongText | None = None
    time_to_open_minutes: Count | None = None
    time_to_click_minutes: Count | None = None
    time_to_reply_minutes: Count | None = None

    intent: IntentType | None = None
    intent_confidence: Ratio | None = None
    processed_at: AwareDatetime | None = None
    led_to_booking: Omittable[bool] = None


class ActivityCreate(ActivityBase, ActivityKeys, TenantMixin):
    extra_data: JsonObject = Field(default_factory=dict, sa_column_kwargs={"name": "metadata"})


class ActivityRow(ActivityCreate, ActivityState, TenantEntry):
    email_opened: bool = False
    email_open_count: Count = 0
    email_clicked: bool = False
    email_click_count: Count = 0
    led_to_booking: bool = False


class Activity(ActivityRow, table=True):
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


class ActivityRead(ActivityRow, ReadSchema):
    pass


class ActivityUpdate(ActivityBase, ActivityState, UpdateSchema):
    pass


def _today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class ActivityStatsKeys(AgencyModel):
    """What the counts are of, fixed when the row is created: a campaign (None: every
    campaign), a lead (None: every lead) and a UTC day."""

    campaign_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    date: CalendarDate = Field(
        default_factory=_today_utc,
        sa_column_kwargs={"server_default": sa.text("(now() AT TIME ZONE 'utc')::date")},
    )


class ActivityStatsBase(AgencyModel):
    """The day's counts, kept by the platform as activities are logged."""

    email_sent: Omittable[Count] = None
    email_delivered: Omittable[Count] = None
    email_opened: Omittable[Count] = None
    email_clicked: Omittable[Count] = None
    email_replied: Omittable[Count] = None
    email_bounced: Omittable[Count] = None
    sms_sent: Omittable[Count] = None
    sms_delivered: Omittable[Count] = None
    sms_replied: Omittable[Count] = None
    linkedin_sent: Omittable[Count] = None
    linkedin_accepted: Omittable[Count] = None
    linkedin_replied: Omittable[Count] = None
    voice_called: Omittable[Count] = None
    voice_answered: Omittable[Count] = None
    voice_voicemail: Omittable[Count] = None
    mail_sent: Omittable[Count] = None
    mail_delivered: Omittable[Count] = None
    total_sent: Omittable[Count] = None
    total_replied: Omittable[Count] = None
    total_converted: Omittable[Count] = None


class ActivityStatsCreate(ActivityStatsBase, ActivityStatsKeys, TenantMixin):
    email_sent: Count = 0
    email_delivered: Count = 0
    email_opened: Count = 0
    email_clicked: Count = 0
    email_replied: Count = 0
    email_bounced: Count = 0
    sms_sent: Count = 0
    sms_delivered: Count = 0
    sms_replied: Count = 0
    linkedin_sent: Count = 0
    linkedin_accepted: Count = 0
    linkedin_replied: Count = 0
    voice_called: Count = 0
    voice_answered: Count = 0
    voice_voicemail: Count = 0
    mail_sent: Count = 0
    mail_delivered: Count = 0
    total_sent: Count = 0
    total_replied: Count = 0
    total_converted: Count = 0


class ActivityStatsRow(ActivityStatsCreate, TenantRecord):
    pass


class ActivityStats(ActivityStatsRow, table=True):
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


class ActivityStatsRead(ActivityStatsRow, ReadSchema):
    pass


class ActivityStatsUpdate(ActivityStatsBase, UpdateSchema):
    pass
