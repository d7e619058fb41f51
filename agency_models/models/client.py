"""Clients: the tenants of Agency OS (agencies subscribed to the platform)."""

import uuid
from typing import TYPE_CHECKING, Any, Optional

from sqlmodel import Field

from agency_models.base import (
    JSONB,
    AgencyModel,
    AwareDatetime,
    Email,
    PermissionMode,
    SoftDeleteMixin,
    SubscriptionStatus,
    TierType,
    TimestampMixin,
    UUIDMixin,
    WebUrl,
    relationship,
)

if TYPE_CHECKING:
    from agency_models.models.campaign import Campaign
    from agency_models.models.lead import ClientSuppression, Lead
    from agency_models.models.membership import Membership
    from agency_models.models.user import User


class ClientBase(AgencyModel):
    name: str = Field(min_length=1)
    tier: TierType = TierType.IGNITION
    subscription_status: SubscriptionStatus = SubscriptionStatus.TRIALING
    credits_remaining: int = Field(default=1250, ge=0)
    default_permission_mode: PermissionMode = PermissionMode.CO_PILOT

    paused_at: AwareDatetime | None = None
    pause_reason: str | None = None
    paused_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )

    digest_enabled: bool = True
    digest_frequency: str = "daily"
    digest_send_hour: int = Field(default=7, ge=0, le=23)
    digest_timezone: str = "Australia/Sydney"
    digest_recipients: list[Email] = Field(default_factory=list, sa_type=JSONB)

    stripe_customer_id: str | None = None
    stripe_subscription_id: str | None = None

    website_url: WebUrl | None = None
    company_description: str | None = None
    services_offered: list[str] | None = None
    years_in_business: int | None = Field(default=None, ge=0)
    team_size: int | None = Field(default=None, ge=0)
    value_proposition: str | None = None
    default_offer: str | None = None

    icp_industries: list[str] | None = None
    icp_company_sizes: list[str] | None = None
    icp_revenue_range: str | None = None
    icp_locations: list[str] | None = None
    icp_titles: list[str] | None = None
    icp_pain_points: list[str] | None = None
    icp_keywords: list[str] | None = None
    icp_exclusions: list[str] | None = None
    icp_confirmed_at: AwareDatetime | None = None

    als_weights: dict[str, Any] = Field(default_factory=dict)
    branding: dict[str, Any] = Field(default_factory=dict)


class ClientManaged(AgencyModel):
    """Columns the platform maintains (billing, digests, ICP extraction, ALS learning)."""

    credits_reset_at: AwareDatetime | None = None
    last_digest_sent_at: AwareDatetime | None = None
    icp_extracted_at: AwareDatetime | None = None
    icp_extraction_source: str | None = None
    icp_extraction_job_id: uuid.UUID | None = None
    als_learned_weights: dict[str, Any] | None = None
    als_weights_updated_at: AwareDatetime | None = None
    conversion_sample_count: int = Field(default=0, ge=0)


class Client(ClientBase, ClientManaged, UUIDMixin, TimestampMixin, SoftDeleteMixin, table=True):
    __tablename__ = "clients"

    paused_by: Optional["User"] = relationship(foreign_keys="Client.paused_by_user_id")
    memberships: list["Membership"] = relationship(back_populates="client", passive_deletes="all")
    campaigns: list["Campaign"] = relationship(back_populates="client", passive_deletes="all")
    leads: list["Lead"] = relationship(back_populates="client", passive_deletes="all")
    suppressions: list["ClientSuppression"] = relationship(
        back_populates="client", passive_deletes="all"
    )


class ClientCreate(ClientBase):
    pass


class ClientRead(ClientBase, ClientManaged, UUIDMixin, TimestampMixin, SoftDeleteMixin):
    pass


class ClientUpdate(ClientBase):
    name: str = Field(default=None, min_length=1)
