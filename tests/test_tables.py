"""Every table, found from ``agency_models.metadata``, round-tripped through PostgreSQL: a row
built from its Create schema as a service builds it (LinkedIn secrets through the encryption
hook) reads back through XRead as created; a factory-made row reads back through XRead, and
every field its XUpdate takes is set and read back; soft-deletable rows are soft deleted and
restored."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any, get_args, get_origin

import pytest
import sqlalchemy as sa
from pydantic import create_model

import agency_models
import factories
from agency_models.base import SoftDeleteMixin, mapper_registry
from agency_models.base.checks import field_checks
from agency_models.base.types import is_secret, unwrap
from agency_models.db import INCLUDE_DELETED
from factories import AgencyFactory
from tests.helpers import revealed_payload, row_from_create

METADATA = agency_models.metadata
"""Every table of the package (reading it loads them all into ``mapper_registry``)."""
_CLASSES = {mapper.local_table.name: mapper.class_ for mapper in mapper_registry.mappers}
TABLES = [_CLASSES[name] for name in sorted(METADATA.tables)]

EXTRA_CHANGES: dict[str, dict[str, Any]] = {
    "campaigns": {
        "allocation_email": 60,
        "allocation_sms": 40,
        "allocation_linkedin": 0,
        "allocation_voice": 0,
        "allocation_mail": 0,
        "start_date": "2026-03-01",
        "end_date": "2026-03-31",
        "work_days": [1, 3, 5],
    },
    "resource_pool": {"max_clients": 5},
    "leads": {"email": " New.Address@Example.COM "},
}
"""Changes to fields a generated value could not be trusted with: those a table-level CHECK
spans (allocations sharing 100 percent, dates in order, work days, capacity), and one value
stored other than as sent."""
EXPECTED = {"leads": {"email": "new.address@example.com"}}
"""What those values are stored as, where it differs from what was sent."""


def schema(model: Any, suffix: str) -> Any:
    return getattr(agency_models, f"{model.__name__}{suffix}")


def factory(model: Any, suffix: str = "") -> Any:
    return getattr(factories, f"{model.__name__}{suffix}Factory")


def by_table(models: list[Any]) -> list[Any]:
    return [pytest.param(model, id=model.__tablename__) for model in models]


def references(model: Any) -> set[str]:
    return {column.key for column in model.__table__.columns if column.foreign_keys}


def checked_together(model: Any) -> set[str]:
    """Fields a CHECK written on the table itself spans (not one derived from a field)."""
    table = model.__table__
    derived = {
        name if name.startswith("ck_") else f"ck_{table.name}_{name}"
        for name in (str(check.name) for check in field_checks(model, table))
    }
    words = {
        word
        for check in table.constraints
        if isinstance(check, sa.CheckConstraint) and str(check.name) not in derived
        for word in re.findall(r"\w+", str(check.sqltext))
    }
    return {column.key for column in table.columns if column.name in words}


def few(annotation: Any) -> list[Any]:
    """Two generated items of a list field (the generator would fill a list with a length
    limit up to it: a thousand items)."""
    (item,) = get_args(unwrap(annotation))
    holder = AgencyFactory.create_factory(create_model("Item", value=(item, ...)))
    return [holder.build().value for _ in range(2)]


def changes(model: Any) -> dict[str, Any]:
    """A valid value for every field of the Update but references (they have tests of their
    own): generated, or from ``EXTRA_CHANGES``."""
    update = schema(model, "Update")
    generated = set(update.model_fields) - references(model) - checked_together(model)
    lists = {
        name: few(info.annotation)
        for name, info in update.model_fields.items()
        if name in generated and get_origin(unwrap(info.annotation)) is list
    }
    values = AgencyFactory.create_factory(
        update, __use_defaults__=False, __allow_none_optionals__=False
    ).build(**lists)
    return {
        **values.model_dump(mode="json", include=generated),
        **EXTRA_CHANGES.get(model.__tablename__, {}),
    }


async def create_payload(session: Any, model: Any) -> dict[str, Any]:
    """A Create payload whose references point at real rows of one tenant: those of a
    factory-made row, deleted again so it takes no unique slot (one credential per client…)."""
    payload = revealed_payload(factory(model, "Create").build())
    wanted = references(model) & set(schema(model, "Create").model_fields)
    if wanted:
        row = await factory(model).create_async()
        payload |= {
            name: None if getattr(row, name) is None else str(getattr(row, name)) for name in wanted
        }
        await session.exec(
            sa.text(f"DELETE FROM {model.__tablename__} WHERE id = :id"), params={"id": row.id}
        )
        session.expunge(row)
    return payload


async def _reload(session: Any, model: Any, row_id: Any, **options: Any) -> Any:
    session.expunge_all()
    return await session.get(model, row_id, execution_options=options)


STAMPS = {"created_at", "updated_at"}


@pytest.mark.parametrize("model", by_table(TABLES))
async def test_a_row_built_from_its_create_schema_reads_back_as_created(agency_session, model):
    create_schema = schema(model, "Create")
    create = create_schema.model_validate(await create_payload(agency_session, model))
    row = row_from_create(model, create)
    agency_session.add(row)
    await agency_session.flush()

    read = schema(model, "Read").model_validate(await _reload(agency_session, model, row.id))
    sent = set(create_schema.model_fields) & set(type(read).model_fields)
    assert {name: getattr(read, name) for name in sent} == {
        name: getattr(create, name) for name in sent
    }
    assert read.created_at.utcoffset() is not None

    # A secret of the Create is stored only as what the service's hook made of it.
    stored = json.dumps(
        await agency_session.scalar(
            sa.text(f"SELECT to_jsonb(t) FROM {model.__tablename__} t WHERE id = :id"),
            {"id": row.id},
        )
    )
    secrets = [
        getattr(create, name).get_secret_value()
        for name, info in create_schema.model_fields.items()
        if is_secret(info.annotation)
    ]
    assert [secret for secret in secrets if secret in stored] == []


@pytest.mark.parametrize("model", by_table(TABLES))
async def test_create_read_update_round_trip(agency_session, model):
    read_schema, update_schema = schema(model, "Read"), schema(model, "Update")
    row = await factory(model).create_async()
    loaded = await _reload(agency_session, model, row.id)

    read = read_schema.model_validate(loaded)
    assert read.id == row.id
    assert read.created_at.utcoffset() is not None
    assert abs(read.created_at - datetime.now(UTC)).total_seconds() < 60
    assert read.model_dump(exclude=STAMPS) == read_schema.model_validate(row).model_dump(
        exclude=STAMPS
    )

    # Every field the Update takes is sent (an append-only table's Update takes none: its
    # update is empty and changes nothing).
    sent = changes(model)
    assert set(update_schema.model_fields) - set(sent) <= references(model)
    update = update_schema.model_validate(sent)
    loaded.sqlmodel_update(update.model_dump(exclude_unset=True))
    await agency_session.flush()
    reloaded = await _reload(agency_session, model, row.id)

    expected = {**update.model_dump(exclude_unset=True), **EXPECTED.get(model.__tablename__, {})}
    assert {name: getattr(reloaded, name) for name in expected} == expected
    untouched = set(read_schema.model_fields) - set(expected) - {"updated_at"}
    assert {name: getattr(reloaded, name) for name in untouched} == {
        name: getattr(read, name) for name in untouched
    }


@pytest.mark.parametrize(
    "model", by_table([model for model in TABLES if issubclass(model, SoftDeleteMixin)])
)
async def test_soft_delete_hides_the_row_and_restore_brings_it_back(agency_session, model):
    row = await factory(model).create_async()
    row.soft_delete()
    await agency_session.flush()

    assert await _reload(agency_session, model, row.id) is None
    deleted = await _reload(agency_session, model, row.id, **{INCLUDE_DELETED: True})
    assert deleted.is_deleted
    assert deleted.deleted_at.utcoffset() is not None
    assert schema(model, "Read").model_validate(deleted).deleted_at == deleted.deleted_at

    deleted.restore()
    await agency_session.flush()
    restored = await _reload(agency_session, model, row.id)
    assert restored is not None
    assert not restored.is_deleted
