"""The public surface of the package (SPEC §2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import agency_models
from agency_models import base, enums, exceptions, models


def test_every_table_schema_enum_and_error_is_importable_from_the_top_level():
    for module in (models, enums, base):
        for name in module.__all__:
            assert getattr(agency_models, name) is getattr(module, name), name
            assert name in agency_models.__all__, name
    for name in (
        "AgencyModelsError",
        "DatabaseError",
        "HardDeleteError",
        "TenantIsolationError",
        "DuplicateRecordError",
        "ConfigurationError",
        "ConstraintViolationError",
    ):
        assert getattr(agency_models, name) is getattr(exceptions, name)
        assert issubclass(getattr(exceptions, name), exceptions.AgencyModelsError)


def test_every_table_has_its_create_read_and_update_schemas():
    for table in agency_models.metadata.sorted_tables:
        (model,) = [m.class_ for m in base.mapper_registry.mappers if m.local_table is table]
        for suffix in ("Base", "Create", "Read", "Update"):
            assert hasattr(agency_models, f"{model.__name__}{suffix}"), (model, suffix)


def test_the_tables_load_on_first_use_not_at_import():
    probe = (
        "import sys, agency_models\n"
        "assert 'agency_models.models.lead' not in sys.modules\n"
        "assert 'agency_models.db' not in sys.modules and 'asyncpg' not in sys.modules\n"
        "print(sorted(agency_models.metadata.tables))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    for name in models.__all__:
        getattr(models, name)
    tables = sorted(mapper.local_table.name for mapper in base.mapper_registry.mappers)
    assert loaded.strip() == str(tables)


@pytest.mark.parametrize(
    "first_use",
    [
        "Lead.model_validate({'client_id': ids[0], 'campaign_id': ids[1], 'email': 'a@b.co'})",
        "sqlalchemy.inspect(Lead).relationships",
        "sqlmodel.select(Lead).join(Lead.campaign).compile()",
        "import agency_models.db",
    ],
)
def test_one_table_loads_its_module_alone_and_first_use_loads_every_table(first_use):
    """``from agency_models import Lead`` imports ``lead`` only; whatever makes SQLAlchemy
    configure the mappers (or the runtime layer, whose tenant guard lists every table) loads
    the rest first, so relationships to tables not imported yet resolve."""
    probe = (
        "import sys, uuid, sqlalchemy, sqlmodel\n"
        "from agency_models import Lead\n"
        "ids = [uuid.uuid4(), uuid.uuid4()]\n"
        "loaded = lambda: {m for m in sys.modules if m.startswith('agency_models.models.')}\n"
        "assert loaded() == {'agency_models.models.lead'}, loaded()\n"
        f"{first_use}\n"
        "print(len(loaded()))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    modules = {module for module in sys.modules if module.startswith("agency_models.models.")}
    assert int(loaded) == len(modules)


def test_the_package_ships_type_information():
    assert (Path(agency_models.__file__).parent / "py.typed").is_file()
