"""The layer every model builds on: base class, metadata, mixins, value types and enums.

``metadata`` here holds the tables of the modules imported so far; ``agency_models.metadata``
is the complete one.
"""

from agency_models import enums
from agency_models.base.checks import field_checks
from agency_models.base.mixins import (
    CreatedAtMixin,
    SoftDeleteMixin,
    TenantMixin,
    TimestampMixin,
    UUIDMixin,
    tenant_key,
    tenant_reference,
)
from agency_models.base.model import NAMING_CONVENTION, AgencyModel, mapper_registry
from agency_models.base.model import metadata as metadata
from agency_models.base.relationships import relationship
from agency_models.base.types import (
    DOMAIN_PATTERN,
    EMAIL_PATTERN,
    JSONB,
    TIMESTAMPTZ,
    URL_PATTERN,
    AwareDateTime,
    AwareDatetime,
    Domain,
    Email,
    NormalizedText,
    WebUrl,
    column_type,
    pg_enum,
)
from agency_models.enums import *  # noqa: F403

__all__ = [
    "DOMAIN_PATTERN",
    "EMAIL_PATTERN",
    "JSONB",
    "NAMING_CONVENTION",
    "TIMESTAMPTZ",
    "URL_PATTERN",
    "AgencyModel",
    "AwareDateTime",
    "AwareDatetime",
    "CreatedAtMixin",
    "Domain",
    "Email",
    "NormalizedText",
    "SoftDeleteMixin",
    "TenantMixin",
    "TimestampMixin",
    "UUIDMixin",
    "WebUrl",
    "column_type",
    "field_checks",
    "mapper_registry",
    "pg_enum",
    "relationship",
    "tenant_key",
    "tenant_reference",
]
__all__ += enums.__all__
