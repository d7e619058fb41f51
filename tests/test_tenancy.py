"""Tenancy and integrity in the database: uniqueness per tenant, no cross-tenant references,
cascading erasure, and the session's soft-delete and tenant scoping."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import configure_mappers, selectinload
from sqlmodel import delete, select, update

from agency_models import (
    Campaign,
    Client,
    ConstraintViolationError,
    DuplicateRecordError,
    HardDeleteError,
    Lead,
    LeadCreate,
    LeadPool,
    MembershipRole,
    TenantIsolationError,
    metadata,
)
from agency_models.base import TenantMixin, mapper_registry
from agency_models.db import INCLUDE_DELETED, AgencySession, allow_hard_delete
from factories import create_row_per_table, create_tenant
from factories.tables import CampaignFactory, ClientFactory, LeadFactory

TENANT_TABLES = sorted(
    (mapper.class_ for mapper in mapper_registry.mappers if issubclass(mapper.class_, TenantMixin)),
    key=lambda model: model.__tablename__,
)
TENANT_TABLE_NAMES = {model.__tablename__ for model in TENANT_TABLES}


def _tenant_references():
    """(table, column, referenced table) of every composite tenant reference."""
    found = []
    for model in TENANT_TABLES:
        for constraint in model.__table__.foreign_key_constraints:
            target = constraint.referred_table.name
            if target in TENANT_TABLE_NAMES and len(constraint.columns) == 2:
                found.append((model, constraint.column_keys[1], target, constraint.name))
    return found


def test_mappers_configure():
    configure_mappers()


def test_every_tenant_table_indexes_client_id_first():
    for model in TENANT_TABLES:
        table = model.__table__
        leading = [index.columns[0].name for index in table.indexes if index.columns] + [
            constraint.columns[0].name
            for constraint in table.constraints
            if isinstance(constraint, sa.UniqueConstraint)
        ]
        assert "client_id" in leading, table.name
        (client_fk,) = [fk for fk in table.foreign_keys if fk.column.table.name == "clients"]
        assert client_fk.ondelete == "CASCADE"
        assert not table.c.client_id.nullable


def test_every_reference_between_tenant_tables_is_a_composite_foreign_key():
    for model in TENANT_TABLES:
        for constraint in model.__table__.foreign_key_constraints:
            if constraint.referred_table.name in TENANT_TABLE_NAMES:
                assert constraint.column_keys[0] == "client_id", (model.__tablename__, constraint)
                assert constraint.elements[0].column.name == "client_id"


def test_every_tenant_table_has_a_composite_reference_test():
    assert {model for model, *_ in _tenant_references()} >= {
        model
        for model in TENANT_TABLES
        if any(
            fk.referred_table.name in TENANT_TABLE_NAMES
            for fk in model.__table__.foreign_key_constraints
        )
    }


async def _lead_in(session, client_id, email):
    campaign = await CampaignFactory.create_async(client_id=client_id)
    return await LeadFactory.create_async(client_id=client_id, campaign_id=campaign.id, email=email)


async def test_a_second_live_lead_with_the_same_email_in_a_tenant_is_rejected(agency_session):
    first = await LeadFactory.create_async(email="jane@acme.com")
    duplicate = LeadCreate.model_validate(
        {"client_id": first.client_id, "campaign_id": first.campaign_id, "email": " JANE@Acme.COM"}
    )
    agency_session.add(Lead.model_validate(duplicate))
    with pytest.raises(DuplicateRecordError) as raised:
        await agency_session.flush()
    assert raised.value.constraint == "unique_lead_per_client"
    assert "unique_lead_per_client" in str(raised.value)


async def test_the_same_email_is_accepted_in_another_tenant_or_once_soft_deleted(agency_session):
    first = await LeadFactory.create_async(email="jane@acme.com")
    other_tenant = await LeadFactory.create_async(email="jane@acme.com")
    assert other_tenant.client_id != first.client_id

    first.soft_delete()
    await agency_session.flush()
    again = await LeadFactory.create_async(
        client_id=first.client_id, campaign_id=first.campaign_id, email="Jane@acme.com"
    )
    assert again.email == first.email == "jane@acme.com"
    assert again.id != first.id


async def test_a_lead_cannot_point_at_another_tenants_campaign(agency_session):
    theirs = await CampaignFactory.create_async()
    mine = await ClientFactory.create_async()

    agency_session.add(Lead(client_id=mine.id, campaign_id=theirs.id, email="a@b.co"))
    with pytest.raises(ConstraintViolationError) as raised:
        await agency_session.flush()
    assert raised.value.constraint == "fk_leads_client_id_campaign_id_campaigns"


@pytest.mark.parametrize(
    ("model", "column", "target", "constraint"),
    [
        pytest.param(*reference, id=f"{reference[0].__tablename__}-{reference[1]}")
        for reference in _tenant_references()
    ],
)
async def test_raw_sql_cannot_reference_another_tenants_row(
    agency_session, model, column, target, constraint
):
    rows = await create_row_per_table()
    others = await create_row_per_table()
    row, foreign = rows[model.__tablename__], others[target]
    assert foreign.client_id != row.client_id
    with pytest.raises(ConstraintViolationError) as raised:
        async with agency_session.begin_nested():
            await agency_session.exec(
                sa.text(f"UPDATE {model.__tablename__} SET {column} = :target WHERE id = :id"),
                params={"target": foreign.id, "id": row.id},
            )
    assert raised.value.constraint == constraint


async def test_deleting_a_client_erases_every_row_of_the_tenant(agency_session):
    mine = await create_row_per_table()
    theirs = await create_row_per_table()
    client, other = mine["clients"], theirs["clients"]

    await agency_session.delete(client)
    with pytest.raises(HardDeleteError):
        await agency_session.flush()
    agency_session.expunge_all()

    async with allow_hard_delete(agency_session):
        await agency_session.exec(delete(Client).where(Client.id == client.id))

    for table in ["clients", *TENANT_TABLE_NAMES]:
        key = "id" if table == "clients" else "client_id"
        counts = (
            await agency_session.exec(
                sa.text(
                    f"SELECT count(*) FILTER (WHERE {key} = :mine),"
                    f" count(*) FILTER (WHERE {key} = :other) FROM {table}"
                ),
                params={"mine": client.id, "other": other.id},
            )
        ).one()
        assert counts[0] == 0, table
        assert counts[1] >= 1, table
    pool_lead = await agency_session.get(LeadPool, mine["lead_pool"].id)
    assert (pool_lead.client_id, pool_lead.campaign_id) == (None, None)


async def test_hard_deleting_a_soft_deletable_row_needs_explicit_permission(agency_session):
    lead = await LeadFactory.create_async()
    await agency_session.delete(lead)
    with pytest.raises(HardDeleteError, match="soft_delete"):
        await agency_session.flush()
    await agency_session.rollback()
    lead = await LeadFactory.create_async()

    with pytest.raises(HardDeleteError):
        await agency_session.exec(delete(Lead).where(Lead.id == lead.id))

    result = await agency_session.exec(
        delete(Lead).where(Lead.id == lead.id).execution_options(allow_hard_delete=True)
    )
    assert result.rowcount == 1


async def test_soft_deleted_rows_are_skipped_by_queries_and_relationship_loads(agency_session):
    campaign = await CampaignFactory.create_async()
    live = await LeadFactory.create_async(client_id=campaign.client_id, campaign_id=campaign.id)
    gone = await LeadFactory.create_async(client_id=campaign.client_id, campaign_id=campaign.id)
    gone.soft_delete()
    await agency_session.flush()
    agency_session.expunge_all()

    leads = (await agency_session.exec(select(Lead).where(Lead.campaign_id == campaign.id))).all()
    assert [lead.id for lead in leads] == [live.id]

    loaded = (
        await agency_session.exec(
            select(Campaign).where(Campaign.id == campaign.id).options(selectinload(Campaign.leads))
        )
    ).one()
    assert [lead.id for lead in loaded.leads] == [live.id]

    everything = (
        await agency_session.exec(
            select(Lead)
            .where(Lead.campaign_id == campaign.id)
            .execution_options(**{INCLUDE_DELETED: True})
        )
    ).all()
    assert {lead.id for lead in everything} == {live.id, gone.id}


async def test_relationships_never_load_implicitly(agency_session):
    lead = await LeadFactory.create_async()
    agency_session.expunge_all()
    loaded = await agency_session.get(Lead, lead.id)
    with pytest.raises(sa.exc.InvalidRequestError, match="raise_on_sql"):
        _ = loaded.activities


async def test_a_tenant_bound_session_sees_and_changes_only_its_tenant(agency_session):
    mine = await LeadFactory.create_async()
    theirs = await LeadFactory.create_async()
    await agency_session.flush()

    async with AgencySession(
        bind=agency_session.bind,
        info={"client_id": mine.client_id},
        join_transaction_mode="create_savepoint",
    ) as scoped:
        leads = (await scoped.exec(select(Lead))).all()
        assert {lead.client_id for lead in leads} == {mine.client_id}
        clients = (await scoped.exec(select(Client))).all()
        assert [client.id for client in clients] == [mine.client_id]
        assert await scoped.get(Lead, theirs.id) is None

        touched = await scoped.exec(update(Lead).values(title="Changed"))
        assert touched.rowcount == 1

        scoped.add(Lead(client_id=theirs.client_id, campaign_id=theirs.campaign_id, email="x@y.co"))
        with pytest.raises(TenantIsolationError):
            await scoped.flush()
        await scoped.rollback()
        with pytest.raises(TenantIsolationError):
            await scoped.exec(
                sa.insert(Lead).values(
                    client_id=theirs.client_id, campaign_id=theirs.campaign_id, email="z@y.co"
                )
            )


async def test_updated_at_is_kept_current_for_writers_that_bypass_the_orm(agency_session):
    client = await ClientFactory.create_async()
    await agency_session.exec(
        sa.text("UPDATE clients SET updated_at = '2001-01-01T00:00:00Z' WHERE id = :id"),
        params={"id": client.id},
    )
    stamped = await agency_session.scalar(
        sa.text("SELECT updated_at FROM clients WHERE id = :id"), {"id": client.id}
    )
    now = await agency_session.scalar(sa.text("SELECT now()"))
    assert stamped == now


def test_metadata_holds_only_the_packages_tables():
    assert {table.name for table in metadata.sorted_tables} == {
        "clients",
        "users",
        "memberships",
        "campaigns",
        "campaign_resources",
        "campaign_sequences",
        "leads",
        "global_suppression",
        "client_suppression",
        "domain_suppression",
        "activities",
        "activity_stats",
        "lead_pool",
        "lead_social_posts",
        "conversion_patterns",
        "conversion_pattern_history",
        "resource_pool",
        "client_resources",
        "client_personas",
        "client_linkedin_credentials",
        "linkedin_seats",
        "linkedin_connections",
        "client_intelligence",
        "sdk_usage_log",
    }


async def test_a_whole_tenant_is_built_in_one_call_and_stays_in_its_tenant(agency_session):
    tenant = await create_tenant(users=3, campaigns=2, leads_per_campaign=2, activities_per_lead=2)

    assert len(tenant.users) == len(tenant.memberships) == 3
    assert [m.role for m in tenant.memberships].count(MembershipRole.OWNER) == 1
    assert (len(tenant.campaigns), len(tenant.leads), len(tenant.activities)) == (2, 4, 8)
    counts = (
        await agency_session.exec(
            sa.text(
                "SELECT (SELECT count(*) FROM memberships WHERE client_id = :c),"
                " (SELECT count(*) FROM campaigns WHERE client_id = :c),"
                " (SELECT count(*) FROM leads WHERE client_id = :c),"
                " (SELECT count(*) FROM activities WHERE client_id = :c)"
            ),
            params={"c": tenant.client.id},
        )
    ).one()
    assert tuple(counts) == (3, 2, 4, 8)
