"""agency-models: the database models, schemas and migrations of Agency OS."""

from agency_models import base, enums, models
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
from agency_models.models import *  # noqa: F403

__version__ = "0.1.0"

__all__ = [
    "AgencyModelsError",
    "ConfigurationError",
    "ConstraintViolationError",
    "DatabaseError",
    "DuplicateRecordError",
    "HardDeleteError",
    "TenantIsolationError",
    "__version__",
]
__all__ += base.__all__
__all__ += enums.__all__
__all__ += models.__all__
