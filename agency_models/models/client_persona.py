"""Sender personas: the identities a client's outreach is sent as."""

import uuid
from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
from annotated_types import MaxLen
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    Email,
    NonEmptyText,
    Omittable,
    ReadSchema,
    ShortText,
    TenantMixin,
    TenantRecord,
    UpdateSchema,
    WebUrl,
    relationship,
    tenant_key,
)

if TYPE_CHECKING:
    from agency_models.models.client import Client

ResourceIds = Annotated[list[uuid.UUID], MaxLen(100)]
"""Ids of the client's resources a persona sends from (arrays: no foreign key)."""


class ClientPersonaBase(AgencyModel):
    first_name: Omittable[NonEmptyText] = None
    last_name: Omittable[NonEmptyText] = None
    title: ShortText | None = None
    email: Email | None = None
    phone: ShortText | None = None
    display_name: ShortText | None = None
    photo_url: WebUrl | None = None
    calendar_link: WebUrl | None = None
    assigned_mailbox_ids: Omittable[ResourceIds] = None
    assigned_phone_ids: Omittable[ResourceIds] = None
    assigned_linkedin_seat_ids: Omittable[ResourceIds] = None
    is_active: Omittable[bool] = None
    is_default: Omittable[bool] = None
    """The persona used when a campaign names none; at most one per client."""


class ClientPersonaCreate(ClientPersonaBase, TenantMixin):
    first_name: NonEmptyText
    last_name: NonEmptyText
    assigned_mailbox_ids: ResourceIds = Field(default_factory=list)
    assigned_phone_ids: ResourceIds = Field(default_factory=list)
    assigned_linkedin_seat_ids: ResourceIds = Field(default_factory=list)
    is_active: bool = True
    is_default: bool = False


class ClientPersonaRow(ClientPersonaCreate, TenantRecord):
    pass


class ClientPersona(ClientPersonaRow, table=True):
    __tablename__ = "client_personas"
    __table_args__ = (
        tenant_key(),
        sa.Index(
            "unique_default_persona",
            "client_id",
            unique=True,
            postgresql_where=sa.text("is_default"),
        ),
    )

    client: "Client" = relationship(back_populates="personas")


class ClientPersonaRead(ClientPersonaRow, ReadSchema):
    pass


class ClientPersonaUpdate(ClientPersonaBase, UpdateSchema):
    pass
