"""A service's own tests of its use of agency-models, as a service writes them: the plugin
comes from the installed package's entry point (no ``pytest_plugins`` line) and pytest-asyncio
runs in its default strict mode. Run by tests/test_downstream.py from the built wheel and by
tests/test_pytest_plugin.py."""

import os

import pytest
import sqlalchemy as sa
from sqlmodel import select

from agency_models import Lead, LeadCreate
from factories import LeadCreateFactory, LeadFactory, create_tenant
from factories.testdb import database_prefix


@pytest.mark.asyncio
async def test_something(agency_session):
    lead = await LeadFactory.create_async()  # also creates its client and campaign
    tenant = await create_tenant(users=2, campaigns=1, leads_per_campaign=5)
    payload = LeadCreateFactory.build()  # a valid, unsaved LeadCreate

    assert await agency_session.get(Lead, lead.id) is lead
    assert len(tenant.users) == 2
    assert {row.campaign_id for row in tenant.leads} == {tenant.campaigns[0].id}
    assert isinstance(payload, LeadCreate)


@pytest.mark.asyncio
async def test_a_tenant_bound_session_reads_only_its_tenants_rows(agency_tenant_session):
    mine = await create_tenant(users=1, campaigns=1, leads_per_campaign=2)
    await create_tenant(users=1, campaigns=1, leads_per_campaign=3)

    async with agency_tenant_session(mine.client.id) as session:
        leads = (await session.exec(select(Lead))).all()

    assert {lead.id for lead in leads} == {lead.id for lead in mine.leads}


@pytest.mark.asyncio
async def test_the_database_is_this_runs_own(agency_db_url, agency_session):
    databases = (await agency_session.exec(sa.text("SELECT datname FROM pg_database"))).scalars()
    name = agency_db_url.database

    assert name.startswith(database_prefix() + "_")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # a copy of the run's template, which the first worker migrated
        assert name.endswith(f"_{worker}")
        assert name.removesuffix(worker) + "template" in set(databases)
