"""Leads of a client's campaigns, and the suppression lists outreach must respect."""

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

import sqlalchemy as sa
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AlsTier,
    AwareDatetime,
    CreatedAtMixin,
    Domain,
    Email,
    LeadStatus,
    RejectionReason,
    SoftDeleteMixin,
    TenantMixin,
    TimestampMixin,
    UUIDMixin,
    WebUrl,
    relationship,
    tenant_key,
    tenant_reference,
)

if TYPE_CHECKING:
    from agency_models.models.activity import Activity
    from agency_models.models.campaign import Campaign
    from agency_models.models.client import Client
    from agency_models.models.user import User

LIVE = sa.text("deleted_at IS NULL")


class LeadBase(AgencyModel):
    campaign_id: uuid.UUID
    email: Email
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company: str | None = None
    linkedin_url: WebUrl | None = None
    domain: Domain | None = Field(default=None, index=True)
    personal_email: Email | None = None
    seniority_level: str | None = None
    employment_start_date: date | None = None
    timezone: str | None = None
    timezone_offset: int | None = None

    organization_industry: str | None = None
    organization_employee_count: int | None = Field(default=None, ge=0)
    organization_country: str | None = None
    organization_founded_year: int | None = None
    organization_is_hiring: bool | None = None
    organization_latest_funding_date: date | None = None
    organization_website: WebUrl | None = None
    organization_linkedin_url: WebUrl | None = None

    status: LeadStatus = LeadStatus.NEW
    current_sequence_step: int = Field(default=0, ge=0)
    next_outreach_at: AwareDatetime | None = None

    rejection_reason: RejectionReason | None = None
    rejection_notes: str | None = None
    rejection_at: AwareDatetime | None = None
    objections_raised: list[str] | None = None

    assigned_email_resource: str | None = None
    assigned_linkedin_seat: str | None = None
    assigned_phone_resource: str | None = None


class LeadManaged(AgencyModel):
    """What the platform works out about a lead: scores, enrichment, engagement, outcomes."""

    als_score: int | None = Field(default=None, ge=0, le=100)
    als_tier: AlsTier | None = None
    als_data_quality: int | None = Field(default=None, ge=0, le=20)
    als_authority: int | None = Field(default=None, ge=0, le=25)
    als_company_fit: int | None = Field(default=None, ge=0, le=25)
    als_timing: int | None = Field(default=None, ge=0, le=15)
    als_risk: int | None = Field(default=None, ge=0, le=15)
    als_components: dict[str, Any] | None = None
    als_weights_used: dict[str, Any] | None = None
    scored_at: AwareDatetime | None = None

    enrichment_source: str | None = None
    enrichment_confidence: float | None = Field(default=None, ge=0, le=1)
    enrichment_version: str | None = None
    enriched_at: AwareDatetime | None = None
    deep_research_data: dict[str, Any] = Field(default_factory=dict)
    deep_research_run_at: AwareDatetime | None = None
    sdk_enrichment: dict[str, Any] | None = None
    sdk_signals: list[str] | None = None
    sdk_cost_aud: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=4)
    sdk_enriched_at: AwareDatetime | None = None
    sdk_voice_kb: dict[str, Any] | None = None
    sdk_email_content: dict[str, Any] | None = None

    dncr_checked: bool = False
    dncr_result: bool | None = None
    email_verified: bool | None = None
    phone_verified: bool | None = None

    last_contacted_at: AwareDatetime | None = None
    last_replied_at: AwareDatetime | None = None
    last_opened_at: AwareDatetime | None = None
    last_clicked_at: AwareDatetime | None = None
    reply_count: int = Field(default=0, ge=0)
    bounce_count: int = Field(default=0, ge=0)

    lead_pool_id: uuid.UUID | None = None
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


class Lead(
    LeadBase, LeadManaged, TenantMixin, UUIDMixin, TimestampMixin, SoftDeleteMixin, table=True
):
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


class LeadCreate(LeadBase, TenantMixin):
    pass


class LeadRead(LeadBase, LeadManaged, TenantMixin, UUIDMixin, TimestampMixin, SoftDeleteMixin):
    pass


class LeadUpdate(LeadBase):
    campaign_id: uuid.UUID = Field(default=None)
    email: Email = Field(default=None)


class SuppressionEntry(AgencyModel):
    reason: str = Field(min_length=1)


class GlobalSuppressionBase(SuppressionEntry):
    email: Email = Field(unique=True)
    source: str | None = None
    added_by: str | None = None
    """Who or what added the entry (a system or a person), as free text."""
    extra_data: dict[str, Any] = Field(default_factory=dict, sa_column_kwargs={"name": "metadata"})


class GlobalSuppression(GlobalSuppressionBase, UUIDMixin, CreatedAtMixin, table=True):
    """Addresses no client may contact (unsubscribes, complaints, hard bounces)."""

    __tablename__ = "global_suppression"


class GlobalSuppressionCreate(GlobalSuppressionBase):
    pass


class GlobalSuppressionRead(GlobalSuppressionBase, UUIDMixin, CreatedAtMixin):
    pass


class GlobalSuppressionUpdate(GlobalSuppressionBase):
    reason: str = Field(default=None, min_length=1)
    email: Email = Field(default=None)


class ClientSuppressionBase(SuppressionEntry):
    email: Email
    added_by: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )


class ClientSuppression(ClientSuppressionBase, TenantMixin, UUIDMixin, CreatedAtMixin, table=True):
    """Addresses one client must not contact."""

    __tablename__ = "client_suppression"
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("client_id", "email", name="unique_client_suppression"),
    )

    client: "Client" = relationship(back_populates="suppressions")
    adder: Optional["User"] = relationship(foreign_keys="ClientSuppression.added_by")


class ClientSuppressionCreate(ClientSuppressionBase, TenantMixin):
    pass


class ClientSuppressionRead(ClientSuppressionBase, TenantMixin, UUIDMixin, CreatedAtMixin):
    pass


class ClientSuppressionUpdate(ClientSuppressionBase):
    reason: str = Field(default=None, min_length=1)
    email: Email = Field(default=None)


class DomainSuppressionBase(SuppressionEntry):
    domain: Domain = Field(unique=True)
    added_by: str | None = None
    """Who or what added the entry, as free text."""


class DomainSuppression(DomainSuppressionBase, UUIDMixin, CreatedAtMixin, table=True):
    """Domains no client may contact."""

    __tablename__ = "domain_suppression"


class DomainSuppressionCreate(DomainSuppressionBase):
    pass


class DomainSuppressionRead(DomainSuppressionBase, UUIDMixin, CreatedAtMixin):
    pass


class DomainSuppressionUpdate(DomainSuppressionBase):
    reason: str = Field(default=None, min_length=1)
    domain: Domain = Field(default=None)
