"""agency-models: the database models, schemas and migrations of Agency OS."""

from agency_models.base import *  # noqa: F403
from agency_models.base import __all__ as _base_names
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
from agency_models.models import __all__ as _model_names

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
    *_base_names,
    *_model_names,
]
