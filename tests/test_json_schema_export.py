"""``agency-models schema export``: the JSON Schema files services in other languages use, checked
against real payloads the way such a service would check them (``jsonschema``, draft 2020-12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

import agency_models
import factories
from agency_models.base import mapper_registry
from agency_models.json_schema import COMBINED, exported_models
from agency_models.migrations.cli import main

TABLES = sorted(
    (mapper.class_ for mapper in mapper_registry.mappers), key=lambda model: model.__tablename__
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("schemas")
    assert main(["schema", "export", "--out", str(out)]) == 0
    return out


def validator(exported: Path, name: str) -> Draft202012Validator:
    document = json.loads((exported / f"{name}.json").read_text())
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document)


def test_one_file_per_schema_and_one_combined_document(exported):
    names = {model.__name__ for model, _ in exported_models()}
    for model in TABLES:
        assert {f"{model.__name__}{suffix}" for suffix in ("Create", "Read", "Update")} <= names
    assert "ClientBilling" in names
    assert {path.name for path in exported.iterdir()} == {f"{n}.json" for n in names} | {COMBINED}
    combined = json.loads((exported / COMBINED).read_text())
    Draft202012Validator.check_schema(combined)
    assert names <= set(combined["$defs"])


@pytest.mark.parametrize("model", [pytest.param(m, id=m.__tablename__) for m in TABLES])
async def test_factory_payloads_and_stored_rows_validate_against_the_exported_files(
    agency_session, exported, model
):
    name = model.__name__
    create_payload = getattr(factories, f"{name}CreateFactory").build().model_dump(mode="json")
    validator(exported, f"{name}Create").validate(create_payload)

    row = await getattr(factories, f"{name}Factory").create_async()
    read = getattr(agency_models, f"{name}Read").model_validate(row).model_dump(mode="json")
    validator(exported, f"{name}Read").validate(read)

    update = getattr(agency_models, f"{name}Update")
    sent = {key: value for key, value in read.items() if key in update.model_fields}
    validator(exported, f"{name}Update").validate(
        update.model_validate(sent).model_dump(mode="json", exclude_unset=True)
    )


@pytest.mark.parametrize("model", [pytest.param(m, id=m.__tablename__) for m in TABLES])
def test_the_exported_files_refuse_what_the_schemas_refuse(exported, model):
    name = model.__name__
    payload: dict[str, Any] = (
        getattr(factories, f"{name}CreateFactory").build().model_dump(mode="json")
    )
    for bad in ({**payload, "nickname": "x"}, {**payload, "id": None}):
        with pytest.raises(SchemaError):
            validator(exported, f"{name}Create").validate(bad)
    read = validator(exported, f"{name}Read").schema
    with pytest.raises(SchemaError):
        validator(exported, f"{name}Read").validate(dict.fromkeys(read["properties"]))
