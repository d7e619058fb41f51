"""agency-models: the database models, schemas and migrations of Agency OS.

The tables and their schemas (``Lead``, ``LeadCreate``, …) and ``metadata`` load on first use,
so ``import agency_models`` stays as cheap as importing SQLModel; the base layer, enums and
exceptions load eagerly.
"""

import importlib
from typing import TYPE_CHECKING, Any

from agency_models import base
from agency_models.base import *  # noqa: F403
from agency_models.enums import *  # noqa: F403
from agency_models.exceptions import (
    AgencyModelsError,
    ConfigurationError,
    ConstraintViolationError,
    DatabaseError,
    DuplicateRecordError,
    HardDeleteError,
    TenantIsolationError,
)

if TYPE_CHECKING:
    from agency_models.base import metadata
    from agency_models.models import *  # noqa: F403

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Load the tables on first use of one of them (or of ``metadata``, which holds them)."""
    models = importlib.import_module("agency_models.models")
    if name == "metadata":
        return base.metadata
    if name in models.__all__:
        return getattr(models, name)
    raise AttributeError(f"module 'agency_models' has no attribute {name!r}")


__all__ = [
    "Activity",
    "ActivityBase",
    "ActivityCreate",
    "ActivityRead",
    "ActivityStats",
    "ActivityStatsBase",
    "ActivityStatsCreate",
    "ActivityStatsRead",
    "ActivityStatsUpdate",
    "ActivityUpdate",
    "AgencyModelsError",
    "Campaign",
    "CampaignBase",
    "CampaignCreate",
    "CampaignRead",
    "CampaignResource",
    "CampaignResourceBase",
    "CampaignResourceCreate",
    "CampaignResourceRead",
    "CampaignResourceUpdate",
    "CampaignSequence",
    "CampaignSequenceBase",
    "CampaignSequenceCreate",
    "CampaignSequenceRead",
    "CampaignSequenceUpdate",
    "CampaignUpdate",
    "Client",
    "ClientBase",
    "ClientCreate",
    "ClientRead",
    "ClientSuppression",
    "ClientSuppressionBase",
    "ClientSuppressionCreate",
    "ClientSuppressionRead",
    "ClientSuppressionUpdate",
    "ClientUpdate",
    "ConfigurationError",
    "ConstraintViolationError",
    "DatabaseError",
    "DomainSuppression",
    "DomainSuppressionBase",
    "DomainSuppressionCreate",
    "DomainSuppressionRead",
    "DomainSuppressionUpdate",
    "DuplicateRecordError",
    "GlobalSuppression",
    "GlobalSuppressionBase",
    "GlobalSuppressionCreate",
    "GlobalSuppressionRead",
    "GlobalSuppressionUpdate",
    "HardDeleteError",
    "Lead",
    "LeadBase",
    "LeadCreate",
    "LeadRead",
    "LeadUpdate",
    "Membership",
    "MembershipBase",
    "MembershipCreate",
    "MembershipRead",
    "MembershipUpdate",
    "TenantIsolationError",
    "User",
    "UserBase",
    "UserCreate",
    "UserRead",
    "UserUpdate",
    "__version__",
    "metadata",
]
__all__ += base.__all__
