"""The layer every model builds on: base class, metadata, mixins, value types and enums."""

from agency_models.base.mixins import (
    SoftDeleteMixin,
    TenantMixin,
    TimestampMixin,
    UUIDMixin,
    tenant_key,
)
from agency_models.base.model import NAMING_CONVENTION, AgencyModel, mapper_registry, metadata
from agency_models.base.types import (
    EMAIL_PATTERN,
    JSONB,
    TIMESTAMPTZ,
    AwareDateTime,
    AwareDatetime,
    Email,
    column_type,
    pg_enum,
)
from agency_models.enums import *  # noqa: F403
from agency_models.enums import __all__ as _enum_names

__all__ = [
    "EMAIL_PATTERN",
    "JSONB",
    "NAMING_CONVENTION",
    "TIMESTAMPTZ",
    "AgencyModel",
    "AwareDateTime",
    "AwareDatetime",
    "Email",
    "SoftDeleteMixin",
    "TenantMixin",
    "TimestampMixin",
    "UUIDMixin",
    "column_type",
    "mapper_registry",
    "metadata",
    "pg_enum",
    "tenant_key",
    *_enum_names,
]
