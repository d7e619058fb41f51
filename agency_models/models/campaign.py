"""Campaigns of a client, with their sending resources and sequence steps."""

import uuid
from datetime import date, time
from typing import TYPE_CHECKING, Annotated, Optional

import sqlalchemy as sa
from annotated_types import Ge, Le
from pydantic import model_validator
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    CampaignStatus,
    CampaignType,
    ChannelType,
    PermissionMode,
    SoftDeleteMixin,
    TenantMixin,
    TimestampMixin,
    UUIDMixin,
    relationship,
    tenant_key,
    tenant_reference,
)

if TYPE_CHECKING:
    from agency_models.models.client import Client
    from agency_models.models.lead import Lead
    from agency_models.models.user import User

Percent = Annotated[int, Ge(0), Le(100)]
Weekday = Annotated[int, Ge(1), Le(7)]
"""ISO day of the week: 1 is Monday, 7 Sunday."""


class CampaignBase(AgencyModel):
    name: str = Field(min_length=1)
    description: str | None = None
    status: CampaignStatus = CampaignStatus.DRAFT
    campaign_type: CampaignType = CampaignType.CUSTOM
    ai_suggestion_reason: str | None = None
    permission_mode: PermissionMode | None = None
    """None: the client's ``default_permission_mode`` applies."""

    paused_at: AwareDatetime | None = None
    pause_reason: str | None = None
    paused_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )

    target_industries: list[str] | None = None
    target_titles: list[str] | None = None
    target_company_sizes: list[str] | None = None
    target_locations: list[str] | None = None

    lead_allocation_pct: Percent = 100
    allocation_email: Percent = 100
    allocation_sms: Percent = 0
    allocation_linkedin: Percent = 0
    allocation_voice: Percent = 0
    allocation_mail: Percent = 0

    start_date: date | None = None
    end_date: date | None = None
    daily_limit: int = Field(default=50, ge=1, le=500)
    timezone: str = "Australia/Sydney"
    work_hours_start: time = time(9, 0)
    work_hours_end: time = time(17, 0)
    work_days: list[Weekday] = Field(default=[1, 2, 3, 4, 5])

    sequence_steps: int = Field(default=5, ge=1)
    sequence_delay_days: int = Field(default=3, ge=0)
    uses_default_sequence: bool = True


def check_campaign_plan(campaign: "CampaignBase") -> "CampaignBase":
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


class CampaignManaged(AgencyModel):
    """Counters maintained by the platform as leads move through the campaign."""

    lead_count: int = Field(default=0, ge=0)
    total_leads: int = Field(default=0, ge=0)
    leads_contacted: int = Field(default=0, ge=0)
    leads_replied: int = Field(default=0, ge=0)
    leads_converted: int = Field(default=0, ge=0)


class Campaign(
    CampaignBase,
    CampaignKeys,
    CampaignManaged,
    TenantMixin,
    UUIDMixin,
    TimestampMixin,
    SoftDeleteMixin,
    table=True,
):
    __tablename__ = "campaigns"
    _plan = model_validator(mode="after")(check_campaign_plan)
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
    sequences: list["CampaignSequence"] = relationship(
        back_populates="campaign",
        foreign_keys="CampaignSequence.campaign_id",
        order_by="CampaignSequence.step_number",
        passive_deletes="all",
    )


class CampaignCreate(CampaignBase, CampaignKeys, TenantMixin):
    _plan = model_validator(mode="after")(check_campaign_plan)


class CampaignRead(
    CampaignBase,
    CampaignKeys,
    CampaignManaged,
    TenantMixin,
    UUIDMixin,
    TimestampMixin,
    SoftDeleteMixin,
):
    pass


class CampaignUpdate(CampaignBase):
    name: str = Field(default=None, min_length=1)


class CampaignPart(AgencyModel):
    """The campaign a resource or sequence step belongs to, fixed at creation."""

    campaign_id: uuid.UUID


class CampaignResourceBase(AgencyModel):
    channel: ChannelType
    resource_id: str = Field(min_length=1)
    """The provider's identifier of the mailbox, number or seat."""
    resource_name: str | None = None
    daily_limit: int = Field(ge=0)
    is_active: bool = True
    is_warmed: bool = False
    client_resource_id: uuid.UUID | None = None
    """The client's pooled resource this is drawn from (``client_resources``)."""


class CampaignResourceManaged(AgencyModel):
    """Usage the sender maintains."""

    daily_used: int = Field(default=0, ge=0)
    last_used_at: AwareDatetime | None = None
    last_reset_at: AwareDatetime = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now()}
    )


class CampaignResource(
    CampaignResourceBase,
    CampaignResourceManaged,
    CampaignPart,
    TenantMixin,
    UUIDMixin,
    TimestampMixin,
    table=True,
):
    __tablename__ = "campaign_resources"
    __table_args__ = (
        tenant_key(),
        tenant_reference("campaign_id", "campaigns", on_delete="CASCADE"),
        sa.UniqueConstraint(
            "client_id", "campaign_id", "channel", "resource_id", name="unique_campaign_resource"
        ),
    )

    campaign: "Campaign" = relationship(
        back_populates="resources", foreign_keys="CampaignResource.campaign_id"
    )


class CampaignResourceCreate(CampaignResourceBase, CampaignPart, TenantMixin):
    pass


class CampaignResourceRead(
    CampaignResourceBase,
    CampaignResourceManaged,
    CampaignPart,
    TenantMixin,
    UUIDMixin,
    TimestampMixin,
):
    pass


class CampaignResourceUpdate(CampaignResourceBase):
    channel: ChannelType = Field(default=None)
    resource_id: str = Field(default=None, min_length=1)
    daily_limit: int = Field(default=None, ge=0)


class CampaignSequenceBase(AgencyModel):
    step_number: int = Field(ge=1)
    channel: ChannelType
    delay_days: int = Field(default=3, ge=0)
    subject_template: str | None = None
    body_template: str = Field(min_length=1)
    skip_if_replied: bool = True
    skip_if_bounced: bool = True
    purpose: str | None = None
    skip_if: str | None = None


class CampaignSequence(
    CampaignSequenceBase, CampaignPart, TenantMixin, UUIDMixin, TimestampMixin, table=True
):
    __tablename__ = "campaign_sequences"
    __table_args__ = (
        tenant_key(),
        tenant_reference("campaign_id", "campaigns", on_delete="CASCADE"),
        sa.UniqueConstraint("client_id", "campaign_id", "step_number", name="unique_sequence_step"),
    )

    campaign: "Campaign" = relationship(
        back_populates="sequences", foreign_keys="CampaignSequence.campaign_id"
    )


class CampaignSequenceCreate(CampaignSequenceBase, CampaignPart, TenantMixin):
    pass


class CampaignSequenceRead(
    CampaignSequenceBase, CampaignPart, TenantMixin, UUIDMixin, TimestampMixin
):
    pass


class CampaignSequenceUpdate(CampaignSequenceBase):
    step_number: int = Field(default=None, ge=1)
    channel: ChannelType = Field(default=None)
    body_template: str = Field(default=None, min_length=1)
