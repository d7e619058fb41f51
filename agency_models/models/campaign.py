"""Campaigns of a client, with their sending resources and sequence steps."""

import uuid
from datetime import time
from typing import TYPE_CHECKING, Annotated, Optional

import sqlalchemy as sa
from annotated_types import Ge, Le, MinLen
from pydantic import model_validator
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    CalendarDate,
    CampaignStatus,
    CampaignType,
    ChannelType,
    Count,
    DeletableTenantRecord,
    Int32,
    LongText,
    NonEmptyText,
    Omittable,
    Percent,
    PermissionMode,
    ReadSchema,
    ShortText,
    TenantMixin,
    TenantRecord,
    TextList,
    TimeOfDay,
    TimeZoneName,
    UpdateSchema,
    Weekday,
    relationship,
    tenant_key,
    tenant_reference,
)

if TYPE_CHECKING:
    from agency_models.models.client import Client
    from agency_models.models.lead import Lead
    from agency_models.models.lead_pool import LeadPool
    from agency_models.models.resource_pool import ClientResource
    from agency_models.models.user import User

DailyLimit = Annotated[Int32, Ge(1), Le(500)]
AtLeastOne = Annotated[Int32, Ge(1)]
NonEmptyLongText = Annotated[LongText, MinLen(1)]


class CampaignBase(AgencyModel):
    name: Omittable[NonEmptyText] = None
    description: LongText | None = None
    campaign_type: Omittable[CampaignType] = None
    ai_suggestion_reason: LongText | None = None
    permission_mode: PermissionMode | None = None
    """None: the client's ``default_permission_mode`` applies."""

    target_industries: TextList | None = None
    target_titles: TextList | None = None
    target_company_sizes: TextList | None = None
    target_locations: TextList | None = None

    lead_allocation_pct: Omittable[Percent] = None
    allocation_email: Omittable[Percent] = None
    allocation_sms: Omittable[Percent] = None
    allocation_linkedin: Omittable[Percent] = None
    allocation_voice: Omittable[Percent] = None
    allocation_mail: Omittable[Percent] = None

    start_date: CalendarDate | None = None
    end_date: CalendarDate | None = None
    daily_limit: Omittable[DailyLimit] = None
    timezone: Omittable[TimeZoneName] = None
    work_hours_start: Omittable[TimeOfDay] = None
    work_hours_end: Omittable[TimeOfDay] = None
    work_days: Omittable[list[Weekday]] = None

    sequence_steps: Omittable[AtLeastOne] = None
    sequence_delay_days: Omittable[Count] = None
    uses_default_sequence: Omittable[bool] = None


def check_campaign_plan(campaign: "CampaignCreate") -> "CampaignCreate":
    """The rules spanning several fields: the channel allocations share 100 percent, and the
    campaign does not end before it starts (the database's CHECKs ``valid_allocation`` and
    ``dates_in_order``)."""
    allocated = (
        campaign.allocation_email
        + campaign.allocation_sms
        + campaign.allocation_linkedin
        + campaign.allocation_voice
        + campaign.allocation_mail
    )
    if allocated != 100:
        raise ValueError(f"channel allocations must add up to 100, not {allocated}")
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        raise ValueError("end_date is before start_date")
    return campaign


class CampaignKeys(AgencyModel):
    """References fixed when the campaign is created."""

    created_by: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )


class CampaignState(AgencyModel):
    """Where the campaign is in its life: started, paused (by whom, why), completed."""

    status: Omittable[CampaignStatus] = None
    paused_at: AwareDatetime | None = None
    pause_reason: LongText | None = None
    paused_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )


class CampaignManaged(AgencyModel):
    """Counters maintained by the platform as leads move through the campaign."""

    lead_count: Count = 0
    total_leads: Count = 0
    leads_contacted: Count = 0
    leads_replied: Count = 0
    leads_converted: Count = 0


class CampaignCreate(CampaignBase, CampaignKeys, TenantMixin):
    name: NonEmptyText
    campaign_type: CampaignType = CampaignType.CUSTOM
    lead_allocation_pct: Percent = 100
    allocation_email: Percent = 100
    allocation_sms: Percent = 0
    allocation_linkedin: Percent = 0
    allocation_voice: Percent = 0
    allocation_mail: Percent = 0
    daily_limit: DailyLimit = 50
    timezone: TimeZoneName = "Australia/Sydney"
    work_hours_start: TimeOfDay = time(9, 0)
    work_hours_end: TimeOfDay = time(17, 0)
    work_days: list[Weekday] = Field(default=[1, 2, 3, 4, 5])
    sequence_steps: AtLeastOne = 5
    sequence_delay_days: Count = 3
    uses_default_sequence: bool = True

    _plan = model_validator(mode="after")(check_campaign_plan)


class CampaignRow(CampaignCreate, CampaignState, CampaignManaged, DeletableTenantRecord):
    status: CampaignStatus = CampaignStatus.DRAFT


class Campaign(CampaignRow, table=True):
    __tablename__ = "campaigns"
    __table_args__ = (
        tenant_key(),
        sa.CheckConstraint(
            "allocation_email + allocation_sms + allocation_linkedin + allocation_voice"
            " + allocation_mail = 100",
            name="valid_allocation",
        ),
        sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),
        sa.CheckConstraint("work_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]", name="valid_work_days"),
        sa.Index(
            "ix_campaigns_client_id_status",
            "client_id",
            "status",
            postgresql_where=sa.text("deleted_at IS NULL"),
        ),
    )

    client: "Client" = relationship(back_populates="campaigns")
    creator: Optional["User"] = relationship(foreign_keys="Campaign.created_by")
    paused_by: Optional["User"] = relationship(foreign_keys="Campaign.paused_by_user_id")
    leads: list["Lead"] = relationship(
        back_populates="campaign", foreign_keys="Lead.campaign_id", passive_deletes="all"
    )
    resources: list["CampaignResource"] = relationship(
        back_populates="campaign",
        foreign_keys="CampaignResource.campaign_id",
        passive_deletes="all",
    )
    pool_leads: list["LeadPool"] = relationship(
        back_populates="campaign", foreign_keys="LeadPool.campaign_id", passive_deletes="all"
    )
    sequences: list["CampaignSequence"] = relationship(
        back_populates="campaign",
        foreign_keys="CampaignSequence.campaign_id",
        order_by="CampaignSequence.step_number",
        passive_deletes="all",
    )


class CampaignRead(CampaignRow, ReadSchema):
    pass


class CampaignUpdate(CampaignBase, CampaignState, UpdateSchema):
    pass


class CampaignPart(AgencyModel):
    """The campaign a resource or sequence step belongs to, fixed at creation."""

    campaign_id: uuid.UUID


class CampaignResourceBase(AgencyModel):
    resource_name: ShortText | None = None
    daily_limit: Omittable[Count] = None
    is_active: Omittable[bool] = None
    is_warmed: Omittable[bool] = None


class CampaignResourceKeys(CampaignPart):
    """Which resource this is, fixed at creation."""

    channel: ChannelType
    resource_id: NonEmptyText
    """The provider's identifier of the mailbox, number or seat."""
    client_resource_id: uuid.UUID | None = None
    """The client's pooled resource this is drawn from (``client_resources``)."""


class CampaignResourceManaged(AgencyModel):
    """Usage the sender maintains."""

    daily_used: Count = 0
    last_used_at: AwareDatetime | None = None
    last_reset_at: AwareDatetime = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now()}
    )


class CampaignResourceCreate(CampaignResourceBase, CampaignResourceKeys, TenantMixin):
    daily_limit: Count
    is_active: bool = True
    is_warmed: bool = False


class CampaignResourceRow(CampaignResourceCreate, CampaignResourceManaged, TenantRecord):
    pass


class CampaignResource(CampaignResourceRow, table=True):
    __tablename__ = "campaign_resources"
    __table_args__ = (
        tenant_key(),
        tenant_reference("campaign_id", "campaigns", on_delete="CASCADE"),
        tenant_reference("client_resource_id", "client_resources", on_delete="SET NULL"),
        sa.UniqueConstraint(
            "client_id", "campaign_id", "channel", "resource_id", name="unique_campaign_resource"
        ),
        sa.Index(
            "ix_campaign_resources_client_id_client_resource_id", "client_id", "client_resource_id"
        ),
    )

    campaign: "Campaign" = relationship(
        back_populates="resources", foreign_keys="CampaignResource.campaign_id"
    )
    client_resource: Optional["ClientResource"] = relationship(
        foreign_keys="CampaignResource.client_resource_id"
    )


class CampaignResourceRead(CampaignResourceRow, ReadSchema):
    pass


class CampaignResourceUpdate(CampaignResourceBase, UpdateSchema):
    pass


class CampaignSequenceBase(AgencyModel):
    step_number: Omittable[AtLeastOne] = None
    channel: Omittable[ChannelType] = None
    delay_days: Omittable[Count] = None
    subject_template: LongText | None = None
    body_template: Omittable[NonEmptyLongText] = None
    skip_if_replied: Omittable[bool] = None
    skip_if_bounced: Omittable[bool] = None
    purpose: ShortText | None = None
    skip_if: ShortText | None = None


class CampaignSequenceCreate(CampaignSequenceBase, CampaignPart, TenantMixin):
    step_number: AtLeastOne
    channel: ChannelType
    delay_days: Count = 3
    body_template: NonEmptyLongText
    skip_if_replied: bool = True
    skip_if_bounced: bool = True


class CampaignSequenceRow(CampaignSequenceCreate, TenantRecord):
    pass


class CampaignSequence(CampaignSequenceRow, table=True):
    __tablename__ = "campaign_sequences"
    __table_args__ = (
        tenant_key(),
        tenant_reference("campaign_id", "campaigns", on_delete="CASCADE"),
        sa.UniqueConstraint("client_id", "campaign_id", "step_number", name="unique_sequence_step"),
    )

    campaign: "Campaign" = relationship(
        back_populates="sequences", foreign_keys="CampaignSequence.campaign_id"
    )


class CampaignSequenceRead(CampaignSequenceRow, ReadSchema):
    pass


class CampaignSequenceUpdate(CampaignSequenceBase, UpdateSchema):
    pass
