"""The lean read path, ``read_all(session, XRead, select(X)…)``: the same objects as reading
the ORM rows through ``XRead``, for every table; soft-deleted rows hidden; the tenant
respected; each statement shape compiled once."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

import agency_models
from agency_models import Campaign, Lead, LeadRead
from agency_models.base import mapper_registry
from agency_models.db import AgencySession, read_all
from agency_models.db import reads as lean_reads
from agency_models.exceptions import TenantIsolationError
from factories import LeadFactory, create_row_per_table
from tests.helpers import Tenants

_CLASSES = {mapper.local_table.name: mapper.class_ for mapper in mapper_registry.mappers}
TABLES = [pytest.param(_CLASSES[name], id=name) for name in sorted(agency_models.metadata.tables)]


def typed_dump(obj: Any) -> dict[str, tuple[Any, type]]:
    return {name: (value, type(value)) for name, value in obj.model_dump().items()}


@pytest.mark.parametrize("model", TABLES)
async def test_read_all_returns_what_the_read_schema_makes_of_the_orm_rows(agency_session, model):
    await create_row_per_table()
    schema = getattr(agency_models, f"{model.__name__}Read")
    statement = select(model).order_by(col(model.id))
    expected = [schema.model_validate(row) for row in (await agency_session.exec(statement)).all()]
    read = await read_all(agency_session, schema, statement)
    assert expected
    assert [type(obj) for obj in read] == [schema] * len(expected)
    assert [typed_dump(obj) for obj in read] == [typed_dump(obj) for obj in expected]
    assert [obj.model_dump_json() for obj in read] == [obj.model_dump_json() for obj in expected]


async def test_read_all_hides_soft_deleted_rows_unless_asked(agency_session):
    kept = await LeadFactory.create_async()
    deleted = await LeadFactory.create_async(client_id=kept.client_id, campaign_id=kept.campaign_id)
    deleted.soft_delete()
    await agency_session.flush()
    statement = select(Lead).where(col(Lead.client_id) == kept.client_id)
    assert [lead.id for lead in await read_all(agency_session, LeadRead, statement)] == [kept.id]
    everything = statement.order_by(col(Lead.deleted_at).desc().nulls_last()).execution_options(
        include_deleted=True
    )
    read = await read_all(agency_session, LeadRead, everything)
    assert [(lead.id, lead.deleted_at is None) for lead in read] == [
        (deleted.id, False),
        (kept.id, True),
    ]


async def test_read_all_respects_the_session_tenant(scoped: AgencySession, tenants: Tenants):
    page = await read_all(scoped, LeadRead, select(Lead).order_by(col(Lead.created_at).desc()))
    assert [lead.id for lead in page] == [tenants.mine.id]
    theirs = select(Lead).where(col(Lead.id) == tenants.theirs.id)
    assert await read_all(scoped, LeadRead, theirs) == []


async def test_each_statement_shape_is_compiled_once_whatever_its_values(
    agency_session, tenants: Tenants
):
    """Once each tenant has read a first page (the first use of a tenant's criteria can give a
    cache key of its own), every tenant and every limit reuses the SQL compiled for the
    shape."""

    def page(limit: int) -> Any:
        return (
            select(Lead)
            .where(col(Lead.deleted_at).is_(None))
            .order_by(col(Lead.created_at).desc())
            .limit(limit)
        )

    compiled = []
    for lead in (tenants.mine, tenants.theirs, tenants.mine, tenants.theirs, tenants.mine):
        async with AgencySession(
            bind=agency_session.bind,
            info={"client_id": lead.client_id},
            join_transaction_mode="create_savepoint",
        ) as session:
            for limit in (50, 10):
                read = await read_all(session, LeadRead, page(limit))
                assert [row.id for row in read] == [lead.id]
                compiled.append(len(lean_reads._PREPARED))
    assert compiled[4:] == [compiled[3]] * (len(compiled) - 4)


async def test_a_statement_with_an_in_list_is_read_the_usual_way(agency_session):
    leads = [await LeadFactory.create_async() for _ in range(3)]
    wanted = sorted(lead.id for lead in leads[:2])
    statement = select(Lead).where(col(Lead.id).in_(wanted)).order_by(col(Lead.id))
    assert [lead.id for lead in await read_all(agency_session, LeadRead, statement)] == wanted


async def test_read_all_takes_a_select_of_one_table(agency_session):
    with pytest.raises(TypeError, match="one table"):
        await read_all(agency_session, LeadRead, select(Lead, Campaign).join(Lead.campaign))


async def test_read_all_flushes_pending_changes_first(agency_session, tenants: Tenants):
    added = Lead.model_validate(
        {
            "client_id": tenants.mine.client_id,
            "campaign_id": tenants.mine.campaign_id,
            "email": "pending@example.com",
        }
    )
    agency_session.add(added)
    statement = select(Lead).where(col(Lead.email) == "pending@example.com")
    assert [lead.id for lead in await read_all(agency_session, LeadRead, statement)] == [added.id]


async def test_read_all_refuses_what_the_tenant_guard_cannot_scope(scoped: AgencySession):
    core_leads = sa.table("leads", sa.column("id"))
    statement = select(Lead).where(col(Lead.id).in_(sa.select(core_leads.c.id).scalar_subquery()))
    with pytest.raises(TenantIsolationError, match="Core reference"):
        await read_all(scoped, LeadRead, statement)


async def test_a_column_a_newer_release_added_is_left_out(agency_session, tenants: Tenants):
    """A service still on this release reads a table the next release has added to."""
    statement = select(Lead).where(col(Lead.client_id) == tenants.mine.client_id)
    before = await read_all(agency_session, LeadRead, statement)
    added = sa.text("ALTER TABLE leads ADD COLUMN added_later jsonb DEFAULT '{}'")
    await agency_session.exec(added)
    after = await read_all(agency_session, LeadRead, statement)
    assert [lead.model_dump() for lead in after] == [lead.model_dump() for lead in before]
    assert [lead.id for lead in after] == [tenants.mine.id]


async def test_a_distinct_select_reads_the_same_rows(agency_session, tenants: Tenants):
    statement = select(Lead).where(col(Lead.client_id) == tenants.mine.client_id)
    distinct = await read_all(agency_session, LeadRead, statement.distinct())
    plain = await read_all(agency_session, LeadRead, statement)
    assert [lead.model_dump() for lead in distinct] == [lead.model_dump() for lead in plain]
