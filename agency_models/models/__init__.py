"""The tables of agency-models, one module per aggregate, and the Pydantic-only models.

Each module loads on first use of one of its names (``from agency_models import Lead`` loads
``lead`` alone, a tenth of the tables' import time), and all of them load before SQLAlchemy
first configures the mappers, which needs every table: building, querying or inspecting a row
loads the rest. The names and their modules are listed once, in :mod:`.catalog`.
"""

import ast
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import Mapper

if TYPE_CHECKING:
    from agency_models.models.catalog import *  # noqa: F403


def _catalog() -> tuple[dict[str, str], list[str]]:
    """Name -> module, and ``__all__``, read from the catalog's source."""
    tree = ast.parse(Path(__file__).with_name("catalog.py").read_text(encoding="utf-8"))
    modules: dict[str, str] = {}
    exported: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.update((alias.asname or alias.name, node.module) for alias in node.names)
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            exported = list(ast.literal_eval(node.value))
    return modules, exported


_MODULES, __all__ = _catalog()


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'agency_models.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def load_every_table() -> None:
    """Import every module of the layer (their tables register with the package's
    ``MetaData``)."""
    importlib.import_module("agency_models.models.catalog")


@event.listens_for(Mapper, "before_configured")
def _load_before_configuring() -> None:
    load_every_table()
