"""JSON Schema of every schema of the package, for services written in other languages.

Create and Update schemas are exported as what a service accepts (validation mode), Read
schemas as what it returns (serialization mode, every field required). ``agency-models schema
export`` writes them; :func:`json_schemas` returns them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic.json_schema import JsonSchemaMode, models_json_schema

from agency_models import models
from agency_models.base import AgencyModel, mapper_registry

DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMBINED = "agency-models.schema.json"
"""File name of the document holding every schema (as ``$defs``)."""


def exported_models() -> Iterator[tuple[type[AgencyModel], JsonSchemaMode]]:
    """Every schema a service sends or receives, with the mode it is exported in: each table's
    Create, Read and Update, and the other public models (``ClientBilling``, …); not the tables
    and the parts they are assembled from."""
    tables = {mapper.class_.__name__ for mapper in mapper_registry.mappers}
    for name in sorted(models.__all__):
        model = getattr(models, name)
        if not (isinstance(model, type) and issubclass(model, AgencyModel)):
            continue
        if name in tables or name.endswith("Base"):
            continue
        yield model, "serialization" if name.endswith("Read") else "validation"


def json_schemas() -> dict[str, dict[str, Any]]:
    """Each exported model's own JSON Schema, by model name."""
    from agency_models import __version__

    return {
        model.__name__: {
            "$schema": DIALECT,
            "$id": f"agency-models/{__version__}/{model.__name__}.json",
            **model.model_json_schema(mode=mode),
        }
        for model, mode in exported_models()
    }


def combined_json_schema() -> dict[str, Any]:
    """One document with every exported model under ``$defs`` (shared enums defined once)."""
    from agency_models import __version__

    keyed: list[tuple[type[AgencyModel], JsonSchemaMode]] = list(exported_models())
    _, document = models_json_schema(keyed, ref_template="#/$defs/{model}")
    return {
        "$schema": DIALECT,
        "$id": f"agency-models/{__version__}/{COMBINED}",
        "title": f"agency-models {__version__}",
        **document,
    }


def export(out: Path, *, indent: int | None = 2) -> list[Path]:
    """Write one ``<Model>.json`` per exported model and :data:`COMBINED` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    documents = {f"{name}.json": schema for name, schema in json_schemas().items()}
    documents[COMBINED] = combined_json_schema()
    written = []
    for file_name, document in documents.items():
        path = out / file_name
        path.write_text(json.dumps(document, indent=indent, sort_keys=True) + "\n")
        written.append(path)
    return written
