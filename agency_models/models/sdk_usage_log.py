"""Usage and cost of the SDK agents (the "SDK Brain"), one row per agent run."""

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    Count,
    JsonList,
    LongText,
    NonEmptyText,
    ReadSchema,
    ShortText,
    SoftDeleteMixin,
    TenantEntry,
    TenantMixin,
    TextList,
    UpdateSchema,
    relationship,
    tenant_key,
    tenant_reference,
)

if TYPE_CHECKING:
    from agency_models.models.campaign import Campaign
    from agency_models.models.client import Client
    from agency_models.models.lead import Lead
    from agency_models.models.user import User


class SDKUsageLogBase(AgencyModel):
    """Nothing: a run, once logged, is not changed (only soft-deleted by the platform)."""


class SDKUsageLogKeys(AgencyModel):
    lead_id: uuid.UUID | None = None
    campaign_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )
    agent_type: NonEmptyText = Field(index=True)
    model_used: NonEmptyText
    input_tokens: Count = 0
    output_tokens: Count = 0
    cached_tokens: Count = 0
    cost_aud: Decimal = Field(default=Decimal(0), ge=0, max_digits=10, decimal_places=6)
    turns_used: Count = 1
    duration_ms: Count = 0
    tool_calls: JsonList = Field(default_factory=list)
    success: bool = True
    error_message: LongText | None = None
    signals_used: TextList | None = None
    output_schema: ShortText | None = None


class SDKUsageLogCreate(SDKUsageLogBase, SDKUsageLogKeys, TenantMixin):
    pass


class SDKUsageLogRow(SDKUsageLogCreate, TenantEntry, SoftDeleteMixin):
    pass


class SDKUsageLog(SDKUsageLogRow, table=True):
    """Append-only for tenants: they read their own rows, the platform writes them."""

    __tablename__ = "sdk_usage_log"
    __table_args__ = (
        tenant_key(),
        tenant_reference("lead_id", "leads", on_delete="SET NULL"),
        tenant_reference("campaign_id", "campaigns", on_delete="SET NULL"),
        sa.Index("ix_sdk_usage_log_client_id_created_at", "client_id", sa.text("created_at DESC")),
        sa.Index("ix_sdk_usage_log_client_id_lead_id", "client_id", "lead_id"),
        sa.Index("ix_sdk_usage_log_client_id_campaign_id", "client_id", "campaign_id"),
    )

    client: "Client" = relationship(back_populates="sdk_usage_logs")
    lead: Optional["Lead"] = relationship(
        back_populates="sdk_usage_logs", foreign_keys="SDKUsageLog.lead_id"
    )
    campaign: Optional["Campaign"] = relationship(foreign_keys="SDKUsageLog.campaign_id")
    user: Optional["User"] = relationship(foreign_keys="SDKUsageLog.user_id")


class SDKUsageLogRead(SDKUsageLogRow, ReadSchema):
    pass


class SDKUsageLogUpdate(SDKUsageLogBase, UpdateSchema):
    pass
