"""Sending resources (email domains, phone numbers, LinkedIn seats) owned by the platform and
assigned to clients, with the original's allocation and health rules as typed constants.

The database keeps the assignments honest: a resource is assigned at most once per client
among live assignments (``unique_client_resource``, ``released_at IS NULL``), and
``resource_pool.current_clients`` is maintained by a trigger on ``client_resources`` (no one
else may write it), under the CHECK ``current_clients <= max_clients``. An assignment beyond a
resource's capacity is refused with ``ConstraintViolationError`` (``ck_resource_pool_capacity``).
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Final

import sqlalchemy as sa
from annotated_types import Ge, Le
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    Count,
    HealthStatus,
    Int32,
    JsonObject,
    Omittable,
    Percent,
    ReadSchema,
    Record,
    ResourceStatus,
    ResourceType,
    ShortText,
    TenantMixin,
    TenantRecord,
    TierType,
    UpdateSchema,
    relationship,
    tenant_key,
)

if TYPE_CHECKING:
    from agency_models.models.client import Client

AtLeastOne = Annotated[Int32, Ge(1)]
BounceRate = Annotated[Decimal, Ge(0), Le(1), Field(max_digits=5, decimal_places=4)]
ComplaintRate = Annotated[Decimal, Ge(0), Le(1), Field(max_digits=6, decimal_places=5)]

TIER_ALLOCATIONS: Final[Mapping[TierType, Mapping[ResourceType, int]]] = MappingProxyType(
    {
        tier: MappingProxyType(
            dict(
                zip(
                    (
                        ResourceType.EMAIL_DOMAIN,
                        ResourceType.PHONE_NUMBER,
                        ResourceType.LINKEDIN_SEAT,
                    ),
                    counts,
                    strict=True,
                )
            )
        )
        for tier, counts in (
            (TierType.IGNITION, (3, 1, 4)),
            (TierType.VELOCITY, (5, 2, 7)),
            (TierType.DOMINANCE, (9, 3, 14)),
        )
    }
)
"""How many resources of each type a client of each tier is given."""
MAILBOXES_PER_DOMAIN: Final = 2
HEALTH_DAILY_LIMITS: Final[Mapping[HealthStatus, int]] = MappingProxyType(
    {HealthStatus.GOOD: 50, HealthStatus.WARNING: 35, HealthStatus.CRITICAL: 0}
)
"""Sends per day a resource of each health status may make."""
PERSONA_ALLOCATIONS: Final[Mapping[TierType, int]] = MappingProxyType(
    {TierType.IGNITION: 2, TierType.VELOCITY: 3, TierType.DOMINANCE: 4}
)
"""Sender personas a client of each tier is given."""


@dataclass(frozen=True)
class HealthThresholds:
    """Rates below ``good`` are good, below ``warning`` a warning, anything else critical."""

    good: Decimal
    warning: Decimal

    def status(self, rate: Decimal) -> HealthStatus:
        if rate < self.good:
            return HealthStatus.GOOD
        return HealthStatus.WARNING if rate < self.warning else HealthStatus.CRITICAL


BOUNCE_THRESHOLDS: Final = HealthThresholds(good=Decimal("0.02"), warning=Decimal("0.05"))
COMPLAINT_THRESHOLDS: Final = HealthThresholds(good=Decimal("0.0005"), warning=Decimal("0.001"))


def health_status(bounce_rate: Decimal, complaint_rate: Decimal) -> HealthStatus:
    """The worse of the two verdicts, as the original computed a resource's health."""
    verdicts = (BOUNCE_THRESHOLDS.status(bounce_rate), COMPLAINT_THRESHOLDS.status(complaint_rate))
    order = (HealthStatus.GOOD, HealthStatus.WARNING, HealthStatus.CRITICAL)
    return max(verdicts, key=order.index)


LINKEDIN_WARMUP_SCHEDULE: Final[tuple[tuple[int, int], ...]] = ((1, 5), (4, 10), (8, 15), (12, 20))
"""(first day, connection requests per day) of a new LinkedIn seat's warm-up."""


def linkedin_warmup_limit(day: int) -> int:
    """Connection requests a seat may send on ``day`` (1 = its first day) of its warm-up."""
    if day < 1:
        raise ValueError(f"warm-up days start at 1, not {day}")
    return next(limit for first, limit in reversed(LINKEDIN_WARMUP_SCHEDULE) if day >= first)


class ResourcePoolBase(AgencyModel):
    resource_name: ShortText | None = None
    max_clients: Omittable[AtLeastOne] = None
    """How many clients may share the resource at once."""
    provider: ShortText | None = None
    provider_id: ShortText | None = None
    provider_metadata: Omittable[JsonObject] = None
    daily_limit_override: Count | None = None


class ResourcePoolKeys(AgencyModel):
    resource_type: ResourceType
    resource_value: ShortText = Field(unique=True)
    """The domain, phone number or seat identifier."""


class ResourcePoolState(AgencyModel):
    status: Omittable[ResourceStatus] = None
    warmup_started_at: AwareDatetime | None = None
    warmup_completed_at: AwareDatetime | None = None


class ResourcePoolManaged(AgencyModel):
    """Assignment count, reputation and health, measured by the platform."""

    current_clients: Count = 0
    """Live assignments (``client_resources``), kept by the database."""
    reputation_score: Percent = 0
    sends_30d: Count = 0
    bounces_30d: Count = 0
    complaints_30d: Count = 0
    bounce_rate: BounceRate = Decimal(0)
    complaint_rate: ComplaintRate = Decimal(0)
    health_status: HealthStatus = HealthStatus.GOOD
    health_checked_at: AwareDatetime | None = None


class ResourcePoolCreate(ResourcePoolBase, ResourcePoolKeys):
    max_clients: AtLeastOne = 1
    provider_metadata: JsonObject = Field(default_factory=dict)


class ResourcePoolRow(ResourcePoolCreate, ResourcePoolState, ResourcePoolManaged, Record):
    status: ResourceStatus = ResourceStatus.AVAILABLE


class ResourcePool(ResourcePoolRow, table=True):
    __tablename__ = "resource_pool"
    __table_args__ = (
        sa.CheckConstraint("current_clients <= max_clients", name="capacity"),
        sa.Index("ix_resource_pool_resource_type_status", "resource_type", "status"),
    )

    assignments: list["ClientResource"] = relationship(
        back_populates="resource", passive_deletes="all"
    )


class ResourcePoolRead(ResourcePoolRow, ReadSchema):
    pass


class ResourcePoolUpdate(ResourcePoolBase, ResourcePoolState, UpdateSchema):
    pass


class ClientResourceBase(AgencyModel):
    """Nothing of an assignment is changed but its release."""


class ClientResourceKeys(AgencyModel):
    resource_pool_id: uuid.UUID = Field(foreign_key="resource_pool.id", index=True)


class ClientResourceState(AgencyModel):
    released_at: AwareDatetime | None = None
    """When the client gave the resource back; None while the assignment is live."""


class ClientResourceManaged(AgencyModel):
    assigned_at: AwareDatetime = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now()}
    )
    total_sends: Count = 0
    last_used_at: AwareDatetime | None = None


class ClientResourceCreate(ClientResourceBase, ClientResourceKeys, TenantMixin):
    pass


class ClientResourceRow(
    ClientResourceCreate, ClientResourceState, ClientResourceManaged, TenantRecord
):
    pass


class ClientResource(ClientResourceRow, table=True):
    """A resource assigned to a client."""

    __tablename__ = "client_resources"
    __table_args__ = (
        tenant_key(),
        sa.Index(
            "unique_client_resource",
            "client_id",
            "resource_pool_id",
            unique=True,
            postgresql_where=sa.text("released_at IS NULL"),
        ),
    )

    client: "Client" = relationship(back_populates="resources")
    resource: ResourcePool = relationship(back_populates="assignments")


class ClientResourceRead(ClientResourceRow, ReadSchema):
    pass


class ClientResourceUpdate(ClientResourceBase, ClientResourceState, UpdateSchema):
    pass
