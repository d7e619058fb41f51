"""The platform-wide lead pool: every lead the platform knows, assigned to at most one client."""

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Optional

import sqlalchemy as sa
from annotated_types import Ge, Le
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AlsTier,
    AwareDatetime,
    CalendarDate,
    Count,
    DeletableRecord,
    Domain,
    Email,
    EmailStatus,
    Int32,
    Int64,
    IntentType,
    JsonList,
    JsonObject,
    LongText,
    Omittable,
    Percent,
    PoolStatus,
    Ratio,
    ReadSchema,
    ShortText,
    TextList,
    TimeZoneName,
    UpdateSchema,
    WebUrl,
    relationship,
)

if TYPE_CHECKING:
    from agency_models.models.campaign import Campaign
    from agency_models.models.client import Client
    from agency_models.models.lead import Lead

LIVE = sa.text("deleted_at IS NULL")
SpamScore = Annotated[float, Ge(0), Le(100)]


class LeadPoolBase(AgencyModel):
    """The person and their company, as the enrichment provider describes them."""

    apollo_id: ShortText | None = None
    linkedin_url: WebUrl | None = None
    first_name: ShortText | None = None
    last_name: ShortText | None = None
    title: ShortText | None = None
    seniority: ShortText | None = None
    linkedin_headline: ShortText | None = None
    photo_url: WebUrl | None = None
    twitter_url: WebUrl | None = None
    phone: ShortText | None = None
    personal_email: Email | None = None
    city: ShortText | None = None
    state: ShortText | None = None
    country: ShortText | None = None
    timezone: TimeZoneName | None = None
    departments: TextList | None = None
    employment_history: JsonList | None = None
    current_role_start_date: CalendarDate | None = None

    company_name: ShortText | None = Field(default=None, index=True)
    company_domain: Domain | None = Field(default=None, index=True)
    company_website: WebUrl | None = None
    company_linkedin_url: WebUrl | None = None
    company_description: LongText | None = None
    company_logo_url: WebUrl | None = None
    company_industry: ShortText | None = Field(default=None, index=True)
    company_sub_industry: ShortText | None = None
    company_employee_count: Count | None = Field(default=None, index=True)
    company_revenue: Int64 | None = Field(default=None, ge=0)
    company_revenue_range: ShortText | None = None
    company_founded_year: Int32 | None = None
    company_country: ShortText | None = Field(default=None, index=True)
    company_city: ShortText | None = None
    company_state: ShortText | None = None
    company_postal_code: ShortText | None = None
    company_is_hiring: bool | None = None
    company_latest_funding_stage: ShortText | None = None
    company_latest_funding_date: CalendarDate | None = None
    company_total_funding: Int64 | None = Field(default=None, ge=0)
    company_technologies: TextList | None = None
    company_keywords: TextList | None = None

    enrichment_source: ShortText | None = None
    enrichment_confidence: Ratio | None = None
    enrichment_data: JsonObject | None = None


class LeadPoolKeys(AgencyModel):
    email: Email
    """The lead's address: unique among the pool's live rows (``unique_email_in_pool``)."""


class LeadPoolState(AgencyModel):
    """Assignment to a client (and one of its campaigns) and what outreach has found out."""

    pool_status: Omittable[PoolStatus] = Field(default=None, index=True)
    client_id: uuid.UUID | None = Field(default=None, foreign_key="clients.id", ondelete="SET NULL")
    """The client the lead is assigned to; None while it is in the pool."""
    campaign_id: uuid.UUID | None = None
    """A campaign of that client (the composite key ``(client_id, campaign_id)``)."""
    email_status: Omittable[EmailStatus] = None

    is_bounced: Omittable[bool] = None
    bounced_at: AwareDatetime | None = None
    bounce_reason: LongText | None = None
    is_unsubscribed: Omittable[bool] = None
    unsubscribed_at: AwareDatetime | None = None
    unsubscribe_reason: LongText | None = None


class LeadPoolManaged(AgencyModel):
    """Scores, checks and engagement the platform records."""

    enriched_at: AwareDatetime | None = None
    last_enriched_at: AwareDatetime | None = None
    dataforseo_domain_rank: Count | None = None
    dataforseo_organic_traffic: Count | None = None
    dataforseo_backlinks: Count | None = None
    dataforseo_spam_score: SpamScore | None = None
    dataforseo_enriched_at: AwareDatetime | None = None

    dncr_checked: bool = False
    dncr_result: bool | None = None
    dncr_checked_at: AwareDatetime | None = None

    als_score: Percent | None = None
    als_tier: AlsTier | None = None
    als_components: JsonObject | None = None
    scored_at: AwareDatetime | None = None

    sdk_enrichment: JsonObject | None = None
    sdk_signals: TextList | None = None
    sdk_cost_aud: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=4)
    sdk_enriched_at: AwareDatetime | None = None

    first_contacted_at: AwareDatetime | None = None
    last_contacted_at: AwareDatetime | None = None
    total_touches: Count = 0
    channels_used: TextList = Field(default_factory=list)
    has_replied: bool = False
    replied_at: AwareDatetime | None = None
    reply_intent: IntentType | None = None


class LeadPoolCreate(LeadPoolBase, LeadPoolKeys):
    pass


class LeadPoolRow(LeadPoolCreate, LeadPoolState, LeadPoolManaged, DeletableRecord):
    pool_status: PoolStatus = Field(default=PoolStatus.AVAILABLE, index=True)
    email_status: EmailStatus = EmailStatus.UNKNOWN
    is_bounced: bool = False
    is_unsubscribed: bool = False


class LeadPool(LeadPoolRow, table=True):
    """A lead of the platform-wide pool. Assigned leads are copied into a client's ``leads``
    (``leads.lead_pool_id``); the pool row keeps what the platform knows across clients."""

    __tablename__ = "lead_pool"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["client_id", "campaign_id"],
            ["campaigns.client_id", "campaigns.id"],
            ondelete="SET NULL (campaign_id)",
        ),
        sa.CheckConstraint(
            "campaign_id IS NULL OR client_id IS NOT NULL", name="campaign_needs_client"
        ),
        sa.Index("unique_email_in_pool", "email", unique=True, postgresql_where=LIVE),
        sa.Index("unique_apollo_id_in_pool", "apollo_id", unique=True, postgresql_where=LIVE),
        sa.Index("ix_lead_pool_client_id_campaign_id", "client_id", "campaign_id"),
    )

    client: Optional["Client"] = relationship(
        back_populates="pool_leads", foreign_keys="LeadPool.client_id"
    )
    campaign: Optional["Campaign"] = relationship(
        back_populates="pool_leads", foreign_keys="LeadPool.campaign_id"
    )
    leads: list["Lead"] = relationship(back_populates="pool_lead", passive_deletes="all")


class LeadPoolRead(LeadPoolRow, ReadSchema):
    pass


class LeadPoolUpdate(LeadPoolBase, LeadPoolState, UpdateSchema):
    pass
