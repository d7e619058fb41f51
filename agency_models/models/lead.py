"""Leads of a client's campaigns, and the suppression lists outreach must respect."""

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AlsTier,
    AwareDatetime,
    CalendarDate,
    Count,
    DeletableTenantRecord,
    Domain,
    Email,
    Entry,
    Int32,
    JsonObject,
    LeadStatus,
    LongText,
    NonEmptyText,
    Omittable,
    Percent,
    Ratio,
    ReadSchema,
    RejectionReason,
    ShortText,
    TenantEntry,
    TenantMixin,
    TextList,
    TimeZoneName,
    UpdateSchema,
    WebUrl,
    relationship,
    tenant_key,
    tenant_reference,
)

if TYPE_CHECKING:
    from agency_models.models.activity import Activity
    from agency_models.models.campaign import Campaign
    from agency_models.models.client import Client
    from agency_models.models.lead_pool import LeadPool
    from agency_models.models.lead_social_post import LeadSocialPost
    from agency_models.models.sdk_usage_log import SDKUsageLog
    from agency_models.models.user import User

LIVE = sa.text("deleted_at IS NULL")


class LeadBase(AgencyModel):
    """Who the lead is and where they work, as imported or corrected."""

    email: Omittable[Email] = None
    phone: ShortText | None = None
    first_name: ShortText | None = None
    last_name: ShortText | None = None
    title: ShortText | None = None
    company: ShortText | None = None
    linkedin_url: WebUrl | None = None
    domain: Domain | None = Field(default=None, index=True)
    personal_email: Email | None = None
    seniority_level: ShortText | None = None
    employment_start_date: CalendarDate | None = None
    timezone: TimeZoneName | None = None
    timezone_offset: Int32 | None = None

    organization_industry: ShortText | None = None
    organization_employee_count: Count | None = None
    organization_country: ShortText | None = None
    organization_founded_year: Int32 | None = None
    organization_is_hiring: bool | None = None
    organization_latest_funding_date: CalendarDate | None = None
    organization_website: WebUrl | None = None
    organization_linkedin_url: WebUrl | None = None


class LeadKeys(AgencyModel):
    campaign_id: uuid.UUID


class LeadState(AgencyModel):
    """Where the lead is in outreach: status, sequence position, schedule, rejection, and the
    resources assigned to reach them."""

    status: Omittable[LeadStatus] = None
    current_sequence_step: Omittable[Count] = None
    next_outreach_at: AwareDatetime | None = None

    rejection_reason: RejectionReason | None = None
    rejection_notes: LongText | None = None
    rejection_at: AwareDatetime | None = None
    objections_raised: TextList | None = None

    assigned_email_resource: ShortText | None = None
    assigned_linkedin_seat: ShortText | None = None
    assigned_phone_resource: ShortText | None = None


class LeadManaged(AgencyModel):
    """What the platform works out about a lead: scores, enrichment, engagement, outcomes."""

    als_score: Percent | None = None
    als_tier: AlsTier | None = None
    als_data_quality: Int32 | None = Field(default=None, ge=0, le=20)
    als_authority: Int32 | None = Field(default=None, ge=0, le=25)
    als_company_fit: Int32 | None = Field(default=None, ge=0, le=25)
    als_timing: Int32 | None = Field(default=None, ge=0, le=15)
    als_risk: Int32 | None = Field(default=None, ge=0, le=15)
    als_components: JsonObject | None = None
    als_weights_used: JsonObject | None = None
    scored_at: AwareDatetime | None = None

    enrichment_source: ShortText | None = None
    enrichment_confidence: Ratio | None = None
    enrichment_version: ShortText | None = None
    enriched_at: AwareDatetime | None = None
    deep_research_data: JsonObject = Field(default_factory=dict)
    deep_research_run_at: AwareDatetime | None = None
    sdk_enrichment: JsonObject | None = None
    sdk_signals: TextList | None = None
    sdk_cost_aud: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=4)
    sdk_enriched_at: AwareDatetime | None = None
    sdk_voice_kb: JsonObject | None = None
    sdk_email_content: JsonObject | None = None

    dncr_checked: bool = False
    dncr_result: bool | None = None
    email_verified: bool | None = None
    phone_verified: bool | None = None

    last_contacted_at: AwareDatetime | None = None
    last_replied_at: AwareDatetime | None = None
    last_opened_at: AwareDatetime | None = None
    last_clicked_at: AwareDatetime | None = None
    reply_count: Count = 0
    bounce_count: Count = 0

    lead_pool_id: uuid.UUID | None = Field(
        default=None, foreign_key="lead_pool.id", ondelete="SET NULL", index=True
    )
    """The platform lead-pool record this lead was assigned from (``lead_pool``)."""
    assignment_id: uuid.UUID | None = None
    """The pool assignment (``lead_assignments``, not a table of this package)."""
    meeting_booked: bool = False
    meeting_booked_at: AwareDatetime | None = None
    meeting_id: uuid.UUID | None = None
    """``meetings``, not a table of this package."""
    deal_id: uuid.UUID | None = None
    """``deals``, not a table of this package."""
    deal_value: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    deal_won: bool | None = None
    deal_won_at: AwareDatetime | None = None


class LeadCreate(LeadBase, LeadKeys, TenantMixin):
    email: Email


class LeadRow(LeadCreate, LeadState, LeadManaged, DeletableTenantRecord):
    status: LeadStatus = LeadStatus.NEW
    current_sequence_step: Count = 0


class Lead(LeadRow, table=True):
    __tablename__ = "leads"
    __table_args__ = (
        tenant_key(),
        tenant_reference("campaign_id", "campaigns"),
        sa.Index(
            "unique_lead_per_client", "client_id", "email", unique=True, postgresql_where=LIVE
        ),
        sa.Index(
            "ix_leads_client_id_created_at",
            "client_id",
            sa.text("created_at DESC"),
            sa.text("id DESC"),
            postgresql_where=LIVE,
        ),
        sa.Index("ix_leads_client_id_campaign_id", "client_id", "campaign_id"),
        sa.Index(
            "ix_leads_client_id_status",
            "client_id",
            "status",
            sa.text("created_at DESC"),
            postgresql_where=LIVE,
        ),
        sa.Index(
            "ix_leads_client_id_als_score",
            "client_id",
            sa.text("als_score DESC NULLS LAST"),
            postgresql_where=LIVE,
        ),
        sa.Index(
            "ix_leads_next_outreach_at",
            "next_outreach_at",
            postgresql_where=sa.text("deleted_at IS NULL AND next_outreach_at IS NOT NULL"),
        ),
    )

    client: "Client" = relationship(back_populates="leads")
    campaign: "Campaign" = relationship(back_populates="leads", foreign_keys="Lead.campaign_id")
    activities: list["Activity"] = relationship(
        back_populates="lead", foreign_keys="Activity.lead_id", passive_deletes="all"
    )
    pool_lead: Optional["LeadPool"] = relationship(back_populates="leads")
    social_posts: list["LeadSocialPost"] = relationship(
        back_populates="lead", foreign_keys="LeadSocialPost.lead_id", passive_deletes="all"
    )
    sdk_usage_logs: list["SDKUsageLog"] = relationship(
        back_populates="lead", foreign_keys="SDKUsageLog.lead_id", passive_deletes="all"
    )


class LeadRead(LeadRow, ReadSchema):
    pass


class LeadUpdate(LeadBase, LeadState, UpdateSchema):
    pass


class Suppression(AgencyModel):
    reason: Omittable[NonEmptyText] = None


class NewSuppression(Suppression):
    reason: NonEmptyText


class GlobalSuppressionBase(Suppression):
    source: ShortText | None = None
    added_by: ShortText | None = None
    """Who or what added the entry (a system or a person), as free text."""
    extra_data: Omittable[JsonObject] = Field(default=None, sa_column_kwargs={"name": "metadata"})


class GlobalSuppressionKeys(AgencyModel):
    email: Email = Field(unique=True)


class GlobalSuppressionCreate(NewSuppression, GlobalSuppressionBase, GlobalSuppressionKeys):
    extra_data: JsonObject = Field(default_factory=dict, sa_column_kwargs={"name": "metadata"})


class GlobalSuppressionRow(GlobalSuppressionCreate, Entry):
    pass


class GlobalSuppression(GlobalSuppressionRow, table=True):
    """Addresses no client may contact (unsubscribes, complaints, hard bounces)."""

    __tablename__ = "global_suppression"


class GlobalSuppressionRead(GlobalSuppressionRow, ReadSchema):
    pass


class GlobalSuppressionUpdate(GlobalSuppressionBase, UpdateSchema):
    pass


class ClientSuppressionBase(Suppression):
    pass


class ClientSuppressionKeys(AgencyModel):
    email: Email
    added_by: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )


class ClientSuppressionCreate(
    NewSuppression, ClientSuppressionBase, ClientSuppressionKeys, TenantMixin
):
    pass


class ClientSuppressionRow(ClientSuppressionCreate, TenantEntry):
    pass


class ClientSuppression(ClientSuppressionRow, table=True):
    """Addresses one client must not contact."""

    __tablename__ = "client_suppression"
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("client_id", "email", name="unique_client_suppression"),
    )

    client: "Client" = relationship(back_populates="suppressions")
    adder: Optional["User"] = relationship(foreign_keys="ClientSuppression.added_by")


class ClientSuppressionRead(ClientSuppressionRow, ReadSchema):
    pass


class ClientSuppressionUpdate(ClientSuppressionBase, UpdateSchema):
    pass


class DomainSuppressionBase(Suppression):
    added_by: ShortText | None = None
    """Who or what added the entry, as free text."""


class DomainSuppressionKeys(AgencyModel):
    domain: Domain = Field(unique=True)


class DomainSuppressionCreate(NewSuppression, DomainSuppressionBase, DomainSuppressionKeys):
    pass


class DomainSuppressionRow(DomainSuppressionCreate, Entry):
    pass


class DomainSuppression(DomainSuppressionRow, table=True):
    """Domains no client may contact."""

    __tablename__ = "domain_suppression"


class DomainSuppressionRead(DomainSuppressionRow, ReadSchema):
    pass


class DomainSuppressionUpdate(DomainSuppressionBase, UpdateSchema):
    pass
