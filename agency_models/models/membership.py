"""Memberships: which users belong to which clients, and with what role."""

import uuid
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    DeletableTenantRecord,
    Email,
    MembershipRole,
    Omittable,
    ReadSchema,
    TenantMixin,
    UpdateSchema,
    relationship,
    tenant_key,
)

if TYPE_CHECKING:
    from agency_models.models.client import Client
    from agency_models.models.user import User


class MembershipBase(AgencyModel):
    role: Omittable[MembershipRole] = None
    invited_email: Email | None = None


class MembershipKeys(AgencyModel):
    """References fixed when the membership is created."""

    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    invited_by: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )


class MembershipState(AgencyModel):
    accepted_at: AwareDatetime | None = None
    """When the invited user accepted; None while the invitation is open."""


class MembershipCreate(MembershipBase, MembershipKeys, TenantMixin):
    role: MembershipRole = MembershipRole.MEMBER


class MembershipRow(MembershipCreate, MembershipState, DeletableTenantRecord):
    pass


class Membership(MembershipRow, table=True):
    __tablename__ = "memberships"
    __table_args__ = (
        tenant_key(),
        sa.Index(
            "unique_membership",
            "user_id",
            "client_id",
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
        ),
    )

    client: "Client" = relationship(back_populates="memberships")
    user: "User" = relationship(back_populates="memberships", foreign_keys="Membership.user_id")
    inviter: Optional["User"] = relationship(foreign_keys="Membership.invited_by")


class MembershipRead(MembershipRow, ReadSchema):
    pass


class MembershipUpdate(MembershipBase, MembershipState, UpdateSchema):
    pass
