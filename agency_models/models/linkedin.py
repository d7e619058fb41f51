"""LinkedIn: a client's login (credentials kept only as ciphertext), its seats, and the
connection requests the seats send to the client's leads."""

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Optional, Self

import sqlalchemy as sa
from annotated_types import Ge, Le
from pydantic import Secret
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    Count,
    Email,
    LinkedInConnectionStatus,
    LinkedInCredentialStatus,
    LinkedInSeatStatus,
    LongText,
    Omittable,
    ReadSchema,
    ShortText,
    TenantMixin,
    TenantRecord,
    UpdateSchema,
    WebUrl,
    relationship,
    tenant_key,
    tenant_reference,
)
from agency_models.exceptions import EncryptionError

if TYPE_CHECKING:
    from agency_models.models.campaign import Campaign
    from agency_models.models.client import Client
    from agency_models.models.client_persona import ClientPersona
    from agency_models.models.lead import Lead
    from agency_models.models.resource_pool import ClientResource

Encrypt = Callable[[str], str]
"""The service's encryption: plaintext in, ciphertext (text) out. The package holds no key."""
AcceptRate = Annotated[Decimal, Ge(0), Le(1), Field(max_digits=5, decimal_places=4)]


class LinkedInCredentialBase(AgencyModel):
    connection_status: Omittable[LinkedInCredentialStatus] = None
    auth_method: Omittable[ShortText] = None
    """Which automation provider holds the session: ``heyreach`` or ``unipile``."""
    heyreach_sender_id: ShortText | None = None
    heyreach_account_id: ShortText | None = None
    unipile_account_id: ShortText | None = None
    linkedin_profile_url: WebUrl | None = None
    linkedin_profile_name: ShortText | None = None
    linkedin_headline: ShortText | None = None
    linkedin_connection_count: Count | None = None
    two_fa_method: ShortText | None = None


class LinkedInCredentialState(AgencyModel):
    """The connection's progress and failures, recorded by the connector."""

    two_fa_requested_at: AwareDatetime | None = None
    last_error: LongText | None = None
    error_count: Omittable[Count] = None
    last_error_at: AwareDatetime | None = None
    connected_at: AwareDatetime | None = None
    disconnected_at: AwareDatetime | None = None


class LinkedInCredentialNew(LinkedInCredentialBase, TenantMixin):
    connection_status: LinkedInCredentialStatus = LinkedInCredentialStatus.PENDING
    auth_method: ShortText = "heyreach"


class LinkedInCredentialCreate(LinkedInCredentialNew):
    """A client's LinkedIn login. The address and password are plaintext here, masked in
    every dump and repr; :meth:`LinkedInCredential.from_create` encrypts them with the
    service's hook before anything is stored. Validation errors do not print the input."""

    model_config = {"hide_input_in_errors": True}  # noqa: RUF012 (pydantic config)

    linkedin_email: Secret[Email]
    linkedin_password: Secret[ShortText]


class LinkedInCredentialPublic(LinkedInCredentialNew, LinkedInCredentialState, TenantRecord):
    error_count: Count = 0


class LinkedInCredentialCiphertext(AgencyModel):
    linkedin_email_encrypted: LongText = Field(repr=False)
    linkedin_password_encrypted: LongText = Field(repr=False)


class LinkedInCredential(LinkedInCredentialPublic, LinkedInCredentialCiphertext, table=True):
    """One client's LinkedIn login; the secrets only as ciphertext, which no Read schema (and
    no API role's column grant) exposes."""

    __tablename__ = "client_linkedin_credentials"
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("client_id", name="unique_linkedin_credential_per_client"),
    )

    client: "Client" = relationship(back_populates="linkedin_credential")

    @classmethod
    def from_create(cls, create: LinkedInCredentialCreate, *, encrypt: Encrypt) -> Self:
        """The row for ``create``, its secrets passed through ``encrypt``."""
        public = create.model_dump(exclude={"linkedin_email", "linkedin_password"})
        return cls.model_validate(
            public,
            update=_ciphertexts(
                encrypt,
                linkedin_email_encrypted=create.linkedin_email.get_secret_value(),
                linkedin_password_encrypted=create.linkedin_password.get_secret_value(),
            ),
        )

    def replace_secrets(self, *, email: str, password: str, encrypt: Encrypt) -> None:
        """Store a new address and password (after a password change), validated as
        :class:`LinkedInCredentialCreate` validates them, encrypted."""
        secrets = LinkedInCredentialCreate.model_validate(
            {"client_id": self.client_id, "linkedin_email": email, "linkedin_password": password}
        )
        ciphertexts = _ciphertexts(
            encrypt,
            linkedin_email_encrypted=secrets.linkedin_email.get_secret_value(),
            linkedin_password_encrypted=secrets.linkedin_password.get_secret_value(),
        )
        validated = LinkedInCredentialCiphertext.model_validate(ciphertexts)
        self.linkedin_email_encrypted = validated.linkedin_email_encrypted
        self.linkedin_password_encrypted = validated.linkedin_password_encrypted


def _ciphertexts(encrypt: Encrypt, **plaintexts: str) -> dict[str, Any]:
    ciphertexts = {}
    for column, plaintext in plaintexts.items():
        ciphertext = encrypt(plaintext)
        if (
            not isinstance(ciphertext, str)
            or not ciphertext.strip()
            or _shows(plaintext, ciphertext)
        ):
            raise EncryptionError(
                f"the encrypt hook returned no ciphertext for {column}: it must return non-blank "
                "text that does not contain the plaintext"
            )
        ciphertexts[column] = ciphertext
    return ciphertexts


def _shows(plaintext: str, ciphertext: str) -> bool:
    """Whether ``ciphertext`` visibly holds ``plaintext`` (too short a plaintext can occur in
    any ciphertext by chance, so only six characters or more count)."""
    return ciphertext == plaintext or (
        len(plaintext) >= MIN_VISIBLE_PLAINTEXT and plaintext in ciphertext
    )


MIN_VISIBLE_PLAINTEXT = 6


class LinkedInCredentialRead(LinkedInCredentialPublic, ReadSchema):
    pass


class LinkedInCredentialUpdate(LinkedInCredentialBase, LinkedInCredentialState, UpdateSchema):
    pass


class LinkedInSeatBase(AgencyModel):
    resource_id: uuid.UUID | None = None
    """The client's pooled resource behind the seat (``client_resources``)."""
    persona_id: uuid.UUID | None = None
    """The sender persona the seat belongs to (``client_personas``)."""
    unipile_account_id: ShortText | None = None
    account_email: Email | None = None
    account_name: ShortText | None = None
    profile_url: WebUrl | None = None
    daily_limit_override: Count | None = None


class LinkedInSeatState(AgencyModel):
    status: Omittable[LinkedInSeatStatus] = None
    pending_connection_id: ShortText | None = None
    activated_at: AwareDatetime | None = None
    warmup_completed_at: AwareDatetime | None = None
    restricted_at: AwareDatetime | None = None
    restricted_reason: LongText | None = None


class LinkedInSeatManaged(AgencyModel):
    accept_rate_7d: AcceptRate | None = None
    accept_rate_30d: AcceptRate | None = None
    pending_count: Count = 0


class LinkedInSeatCreate(LinkedInSeatBase, TenantMixin):
    pass


class LinkedInSeatRow(LinkedInSeatCreate, LinkedInSeatState, LinkedInSeatManaged, TenantRecord):
    status: LinkedInSeatStatus = LinkedInSeatStatus.PENDING


class LinkedInSeat(LinkedInSeatRow, table=True):
    """A LinkedIn account a client sends connection requests from."""

    __tablename__ = "linkedin_seats"
    __table_args__ = (
        tenant_key(),
        tenant_reference("resource_id", "client_resources", on_delete="SET NULL"),
        tenant_reference("persona_id", "client_personas", on_delete="SET NULL"),
        sa.Index("ix_linkedin_seats_client_id_resource_id", "client_id", "resource_id"),
        sa.Index("ix_linkedin_seats_client_id_persona_id", "client_id", "persona_id"),
    )

    client: "Client" = relationship(back_populates="linkedin_seats")
    resource: Optional["ClientResource"] = relationship(foreign_keys="LinkedInSeat.resource_id")
    persona: Optional["ClientPersona"] = relationship(foreign_keys="LinkedInSeat.persona_id")
    connections: list["LinkedInConnection"] = relationship(
        back_populates="seat", foreign_keys="LinkedInConnection.seat_id", passive_deletes="all"
    )


class LinkedInSeatRead(LinkedInSeatRow, ReadSchema):
    pass


class LinkedInSeatUpdate(LinkedInSeatBase, LinkedInSeatState, UpdateSchema):
    pass


class LinkedInConnectionBase(AgencyModel):
    unipile_request_id: ShortText | None = None
    note_included: Omittable[bool] = None
    note_content: LongText | None = None
    follow_up_scheduled_for: AwareDatetime | None = None


class LinkedInConnectionKeys(AgencyModel):
    """Who asked whom, for which campaign: all of one tenant (composite keys)."""

    seat_id: uuid.UUID
    lead_id: uuid.UUID
    campaign_id: uuid.UUID | None = None


class LinkedInConnectionState(AgencyModel):
    status: Omittable[LinkedInConnectionStatus] = None
    profile_viewed_at: AwareDatetime | None = None
    responded_at: AwareDatetime | None = None
    follow_up_sent_at: AwareDatetime | None = None


class LinkedInConnectionManaged(AgencyModel):
    requested_at: AwareDatetime = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now()}
    )


class LinkedInConnectionCreate(LinkedInConnectionBase, LinkedInConnectionKeys, TenantMixin):
    note_included: bool = False


class LinkedInConnectionRow(
    LinkedInConnectionCreate,
    LinkedInConnectionState,
    LinkedInConnectionManaged,
    TenantRecord,
):
    status: LinkedInConnectionStatus = LinkedInConnectionStatus.PENDING


class LinkedInConnection(LinkedInConnectionRow, table=True):
    """A connection request from a seat to a lead."""

    __tablename__ = "linkedin_connections"
    __table_args__ = (
        tenant_key(),
        tenant_reference("seat_id", "linkedin_seats", on_delete="CASCADE"),
        tenant_reference("lead_id", "leads", on_delete="CASCADE"),
        tenant_reference("campaign_id", "campaigns", on_delete="SET NULL"),
        sa.UniqueConstraint("client_id", "lead_id", "seat_id", name="unique_lead_seat"),
        sa.Index("ix_linkedin_connections_client_id_seat_id", "client_id", "seat_id"),
        sa.Index("ix_linkedin_connections_client_id_campaign_id", "client_id", "campaign_id"),
    )

    seat: LinkedInSeat = relationship(
        back_populates="connections", foreign_keys="LinkedInConnection.seat_id"
    )
    lead: "Lead" = relationship(foreign_keys="LinkedInConnection.lead_id")
    campaign: Optional["Campaign"] = relationship(foreign_keys="LinkedInConnection.campaign_id")


class LinkedInConnectionRead(LinkedInConnectionRow, ReadSchema):
    pass


class LinkedInConnectionUpdate(LinkedInConnectionBase, LinkedInConnectionState, UpdateSchema):
    pass
