"""agency-models: the database models, schemas and migrations of Agency OS.

The base layer, enums and exceptions load eagerly; the tables and their schemas (``Lead``,
``LeadCreate``, …) load on first use, one module at a time, and all of them with ``metadata``
or when SQLAlchemy first configures the mappers; so ``import agency_models`` stays about as
cheap as importing SQLModel.
"""

import importlib
from typing import TYPE_CHECKING, Any

from agency_models import base, exceptions
from agency_models.base import *  # noqa: F403
from agency_models.exceptions import *  # noqa: F403

if TYPE_CHECKING:
    from agency_models.base import metadata as metadata
    from agency_models.models import *  # noqa: F403

__version__ = "1.1.0.dev0"


_EAGER = ["__version__", *base.__all__, *exceptions.__all__]


def __getattr__(name: str) -> Any:
    """Load a table's module on first use of one of its names, and every table on first use
    of ``metadata`` (which holds them)."""
    models = importlib.import_module("agency_models.models")
    if name == "metadata":
        models.load_every_table()
        return base.metadata
    if name == "__all__":
        return [*_EAGER, "metadata", *models.__all__]
    if name in models.__all__:
        return getattr(models, name)
    raise AttributeError(f"module 'agency_models' has no attribute {name!r}")
