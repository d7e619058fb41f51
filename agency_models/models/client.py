"""Clients: the tenants of Agency OS (agencies subscribed to the platform)."""

import uuid
from typing import TYPE_CHECKING, Annotated, Optional

from annotated_types import Ge, Le, MaxLen
from sqlmodel import Field

from agency_models.base import (
    JSONB,
    AgencyModel,
    AwareDatetime,
    Count,
    DeletableRecord,
    Email,
    Int32,
    JsonObject,
    LongText,
    NonEmptyText,
    Omittable,
    PermissionMode,
    ReadSchema,
    ShortText,
    SubscriptionStatus,
    TextList,
    TierType,
    TimeZoneName,
    UpdateSchema,
    WebUrl,
    relationship,
)

if TYPE_CHECKING:
    from agency_models.models.campaign import Campaign
    from agency_models.models.client_intelligence import ClientIntelligence
    from agency_models.models.client_persona import ClientPersona
    from agency_models.models.conversion_pattern import ConversionPattern
    from agency_models.models.lead import ClientSuppression, Lead
    from agency_models.models.lead_pool import LeadPool
    from agency_models.models.linkedin import LinkedInCredential, LinkedInSeat
    from agency_models.models.membership import Membership
    from agency_models.models.resource_pool import ClientResource
    from agency_models.models.sdk_usage_log import SDKUsageLog
    from agency_models.models.user import User

Hour = Annotated[Int32, Ge(0), Le(23)]
DigestRecipients = Annotated[list[Email], MaxLen(100)]


class ClientBase(AgencyModel):
    name: Omittable[NonEmptyText] = None
    default_permission_mode: Omittable[PermissionMode] = None

    digest_enabled: Omittable[bool] = None
    digest_frequency: Omittable[ShortText] = None
    digest_send_hour: Omittable[Hour] = None
    digest_timezone: Omittable[TimeZoneName] = None
    digest_recipients: Omittable[DigestRecipients] = None

    website_url: WebUrl | None = None
    company_description: LongText | None = None
    services_offered: TextList | None = None
    years_in_business: Count | None = None
    team_size: Count | None = None
    value_proposition: LongText | None = None
    default_offer: LongText | None = None

    icp_industries: TextList | None = None
    icp_company_sizes: TextList | None = None
    icp_revenue_range: ShortText | None = None
    icp_locations: TextList | None = None
    icp_titles: TextList | None = None
    icp_pain_points: TextList | None = None
    icp_keywords: TextList | None = None
    icp_exclusions: TextList | None = None

    als_weights: Omittable[JsonObject] = None
    branding: Omittable[JsonObject] = None


class ClientState(AgencyModel):
    """Pausing the client, and confirming the ICP the platform extracted."""

    paused_at: AwareDatetime | None = None
    pause_reason: LongText | None = None
    paused_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )
    icp_confirmed_at: AwareDatetime | None = None


class ClientSubscription(AgencyModel):
    """The plan and credits, changed by the billing service only (:class:`ClientBilling`)."""

    tier: Omittable[TierType] = None
    subscription_status: Omittable[SubscriptionStatus] = None
    credits_remaining: Omittable[Count] = None
    credits_reset_at: AwareDatetime | None = None
    stripe_customer_id: ShortText | None = None
    stripe_subscription_id: ShortText | None = None


class ClientManaged(AgencyModel):
    """Columns the platform maintains (digests, ICP extraction, ALS learning)."""

    last_digest_sent_at: AwareDatetime | None = None
    icp_extracted_at: AwareDatetime | None = None
    icp_extraction_source: ShortText | None = None
    icp_extraction_job_id: uuid.UUID | None = None
    als_learned_weights: JsonObject | None = None
    als_weights_updated_at: AwareDatetime | None = None
    conversion_sample_count: Count = 0


class ClientCreate(ClientBase):
    name: NonEmptyText
    default_permission_mode: PermissionMode = PermissionMode.CO_PILOT
    digest_enabled: bool = True
    digest_frequency: ShortText = "daily"
    digest_send_hour: Hour = 7
    digest_timezone: TimeZoneName = "Australia/Sydney"
    digest_recipients: DigestRecipients = Field(default_factory=list, sa_type=JSONB)
    als_weights: JsonObject = Field(default_factory=dict)
    branding: JsonObject = Field(default_factory=dict)


class ClientRow(ClientCreate, ClientState, ClientSubscription, ClientManaged, DeletableRecord):
    tier: TierType = TierType.IGNITION
    subscription_status: SubscriptionStatus = SubscriptionStatus.TRIALING
    credits_remaining: Count = 1250


class Client(ClientRow, table=True):
    __tablename__ = "clients"

    paused_by: Optional["User"] = relationship(foreign_keys="Client.paused_by_user_id")
    memberships: list["Membership"] = relationship(back_populates="client", passive_deletes="all")
    campaigns: list["Campaign"] = relationship(back_populates="client", passive_deletes="all")
    leads: list["Lead"] = relationship(back_populates="client", passive_deletes="all")
    suppressions: list["ClientSuppression"] = relationship(
        back_populates="client", passive_deletes="all"
    )
    pool_leads: list["LeadPool"] = relationship(
        back_populates="client", foreign_keys="LeadPool.client_id", passive_deletes="all"
    )
    resources: list["ClientResource"] = relationship(back_populates="client", passive_deletes="all")
    personas: list["ClientPersona"] = relationship(back_populates="client", passive_deletes="all")
    linkedin_credential: Optional["LinkedInCredential"] = relationship(
        back_populates="client", uselist=False, passive_deletes="all"
    )
    linkedin_seats: list["LinkedInSeat"] = relationship(
        back_populates="client", passive_deletes="all"
    )
    conversion_patterns: list["ConversionPattern"] = relationship(
        back_populates="client", passive_deletes="all"
    )
    intelligence: Optional["ClientIntelligence"] = relationship(
        back_populates="client", uselist=False, passive_deletes="all"
    )
    sdk_usage_logs: list["SDKUsageLog"] = relationship(
        back_populates="client", passive_deletes="all"
    )


class ClientRead(ClientRow, ReadSchema):
    pass


class ClientUpdate(ClientBase, ClientState, UpdateSchema):
    pass


class ClientBilling(ClientSubscription, UpdateSchema):
    """A change of plan or credits, from the billing service (never from the client)."""
