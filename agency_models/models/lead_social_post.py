"""Social posts scraped for a lead, used to personalise outreach."""

import uuid
from typing import TYPE_CHECKING

import sqlalchemy as sa

from agency_models.base import (
    AgencyModel,
    CalendarDate,
    LongText,
    NonEmptyText,
    ReadSchema,
    TenantEntry,
    TenantMixin,
    UpdateSchema,
    relationship,
    tenant_key,
    tenant_reference,
)

if TYPE_CHECKING:
    from agency_models.models.lead import Lead


class LeadSocialPostBase(AgencyModel):
    post_content: LongText | None = None
    post_date: CalendarDate | None = None
    summary_hook: LongText | None = None
    """The one line outreach can open with."""


class LeadSocialPostKeys(AgencyModel):
    lead_id: uuid.UUID
    source: NonEmptyText
    """Where the post was found: ``linkedin``, ``twitter``, …"""


class LeadSocialPostCreate(LeadSocialPostBase, LeadSocialPostKeys, TenantMixin):
    pass


class LeadSocialPostRow(LeadSocialPostCreate, TenantEntry):
    pass


class LeadSocialPost(LeadSocialPostRow, table=True):
    __tablename__ = "lead_social_posts"
    __table_args__ = (
        tenant_key(),
        tenant_reference("lead_id", "leads", on_delete="CASCADE"),
        sa.Index("ix_lead_social_posts_client_id_lead_id", "client_id", "lead_id"),
    )

    lead: "Lead" = relationship(
        back_populates="social_posts", foreign_keys="LeadSocialPost.lead_id"
    )


class LeadSocialPostRead(LeadSocialPostRow, ReadSchema):
    pass


class LeadSocialPostUpdate(LeadSocialPostBase, UpdateSchema):
    pass
