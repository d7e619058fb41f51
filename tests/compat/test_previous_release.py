"""The previous release's models and factories on a database migrated by the new head: for
every table that release knows, a row created through its factory reads back through its
Read schema, takes an update through its Update schema, is soft deleted where it can be, and
is found by a session bound to its tenant and by no other.

Written against the public API as of 1.0.0, so it keeps working for the releases after it:
tables from ``agency_models.metadata``, schemas and factories found by name.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import agency_models
import factories
from agency_models.base import SoftDeleteMixin, mapper_registry
from agency_models.db import INCLUDE_DELETED, AgencySession, get_db_session
from factories import bind_factories

_CLASSES = {mapper.local_table.name: mapper.class_ for mapper in mapper_registry.mappers}
TABLES = [_CLASSES[name] for name in sorted(agency_models.metadata.tables)]
STAMPS = {"created_at", "updated_at"}


def by_table(models: list[Any]) -> list[Any]:
    return [pytest.param(model, id=model.__tablename__) for model in models]


def schema(model: Any, suffix: str) -> Any:
    return getattr(agency_models, f"{model.__name__}{suffix}")


def factory(model: Any) -> Any:
    return getattr(factories, f"{model.__name__}Factory")


def is_tenant_table(model: Any) -> bool:
    """Clients, and every table whose rows each belong to one (a NOT NULL ``client_id``)."""
    column = model.__table__.columns.get("client_id")
    return model.__tablename__ == "clients" or (column is not None and not column.nullable)


def tenant_of(row: Any) -> uuid.UUID:
    return row.id if row.__tablename__ == "clients" else row.client_id


def freely_changeable(model: Any) -> set[str]:
    """Update fields a generated value can be trusted with: not a reference, and not in a CHECK
    spanning several columns (allocations adding up, dates in order, capacity). A value the
    factory leaves to a server default (``None``) is not sent."""
    table = model.__table__
    spanned: set[str] = set()
    for check in table.constraints:
        if isinstance(check, sa.CheckConstraint):
            words = set(re.findall(r"\w+", str(check.sqltext)))
            named = {column.key for column in table.columns if column.name in words}
            if len(named) > 1:
                spanned |= named
    references = {column.key for column in table.columns if column.foreign_keys}
    fields = set(schema(model, "Update").model_fields) & set(model.model_fields)
    return fields - references - spanned - {"id", "client_id"}


async def create(engine: AsyncEngine, model: Any) -> Any:
    async with AgencySession(engine, expire_on_commit=False) as session:
        with bind_factories(session):
            row = await factory(model).create_async()
        await session.commit()
    return row


async def reload(engine: AsyncEngine, model: Any, row: Any, **options: Any) -> Any:
    async with AgencySession(engine, expire_on_commit=False) as session:
        return await session.get(model, sa.inspect(row).identity, execution_options=options)


def test_the_suite_runs_the_previous_release_not_this_checkout(release):
    assert agency_models.__version__ == release
    assert "site-packages" in Path(agency_models.__file__).parts


@pytest.mark.parametrize("model", by_table(TABLES))
async def test_create_read_update(engine, model):
    read_schema = schema(model, "Read")
    row = await create(engine, model)
    loaded = await reload(engine, model, row)
    read = read_schema.model_validate(loaded)
    assert read.model_dump(exclude=STAMPS) == read_schema.model_validate(row).model_dump(
        exclude=STAMPS
    )

    other = factory(model).build()
    names = freely_changeable(model)
    values = {name: getattr(other, name) for name in names}
    update = schema(model, "Update").model_validate(
        {name: value for name, value in values.items() if value is not None}
    )
    sent = update.model_dump(exclude_unset=True)
    async with AgencySession(engine, expire_on_commit=False) as session:
        target = await session.get(model, sa.inspect(row).identity)
        target.sqlmodel_update(sent)
        await session.commit()
    updated = await reload(engine, model, row)
    assert {name: getattr(updated, name) for name in sent} == sent
    read_schema.model_validate(updated)


@pytest.mark.parametrize(
    "model", by_table([model for model in TABLES if issubclass(model, SoftDeleteMixin)])
)
async def test_soft_delete(engine, model):
    row = await create(engine, model)
    async with AgencySession(engine, expire_on_commit=False) as session:
        target = await session.get(model, sa.inspect(row).identity)
        target.soft_delete()
        await session.commit()
    assert await reload(engine, model, row) is None
    deleted = await reload(engine, model, row, **{INCLUDE_DELETED: True})
    assert schema(model, "Read").model_validate(deleted).deleted_at is not None


@pytest.mark.parametrize("model", by_table([model for model in TABLES if is_tenant_table(model)]))
async def test_a_tenant_bound_session_finds_its_rows_only(engine, model):
    row = await create(engine, model)
    client_id = tenant_of(row)
    found = sa.select(model).where(
        *(
            column == value
            for column, value in zip(
                sa.inspect(model).primary_key, sa.inspect(row).identity, strict=True
            )
        )
    )
    async with get_db_session(client_id=client_id, engine=engine) as session:
        assert (await session.exec(found)).all() != []
        assert await session.get(model, sa.inspect(row).identity) is not None
    async with get_db_session(client_id=uuid.uuid4(), engine=engine) as session:
        assert (await session.exec(found)).all() == []
