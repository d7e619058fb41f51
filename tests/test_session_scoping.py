"""Every ORM path through a tenant-bound or soft-deleting session: what it may read and write,
and what it refuses because it cannot be scoped."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import delete, select, update

from agency_models import (
    Activity,
    Campaign,
    Client,
    HardDeleteError,
    Lead,
    Membership,
    NaiveDatetimeError,
    TenantIsolationError,
    User,
)
from agency_models.db import INCLUDE_DELETED
from factories import LeadFactory, MembershipFactory


async def _first_name(session, lead_id):
    return await session.scalar(
        sa.text("SELECT first_name FROM leads WHERE id = :id"), {"id": lead_id}
    )


async def test_bulk_insert_of_the_sessions_own_rows_works(scoped, tenants):
    mine = tenants.mine
    rows = [
        {"client_id": mine.client_id, "campaign_id": mine.campaign_id, "email": f"{n}@x.co"}
        for n in range(3)
    ]
    await scoped.exec(sa.insert(Lead), params=rows)
    count = await scoped.scalar(sa.select(sa.func.count()).select_from(Lead))
    assert count == 4


@pytest.mark.parametrize("multi", [False, True], ids=["values", "multi-values"])
async def test_inserting_another_tenants_rows_is_refused(scoped, tenants, multi):
    theirs = tenants.theirs
    row = {"client_id": theirs.client_id, "campaign_id": theirs.campaign_id, "email": "z@x.co"}
    statement = sa.insert(Lead).values([row] if multi else row)
    with pytest.raises(TenantIsolationError):
        await scoped.exec(statement)
    with pytest.raises(TenantIsolationError):
        await scoped.exec(sa.insert(Lead), params=[row])


async def test_writes_that_cannot_be_scoped_are_refused(agency_session, scoped, tenants):
    mine, theirs = tenants.mine, tenants.theirs
    membership = await MembershipFactory.create_async(client_id=mine.client_id)
    refused = {
        "bulk update by primary key": (sa.update(Lead), [{"id": theirs.id, "first_name": "X"}]),
        "moving a row to another tenant": (
            update(Membership)
            .where(Membership.id == membership.id)
            .values(client_id=theirs.client_id),
            None,
        ),
        "upsert on the primary key": (
            pg_insert(Lead)
            .values(
                id=theirs.id, client_id=mine.client_id, campaign_id=mine.campaign_id, email="u@x.co"
            )
            .on_conflict_do_update(index_elements=["id"], set_={"first_name": "X"}),
            None,
        ),
        "insert from a select": (
            sa.insert(Lead).from_select(
                ["client_id", "campaign_id", "email"],
                sa.select(
                    sa.literal(theirs.client_id),
                    sa.literal(theirs.campaign_id),
                    sa.literal("s@x.co"),
                ),
            ),
            None,
        ),
        "a new client": (sa.insert(Client).values(name="Another"), None),
        "a Core update": (sa.update(Lead.__table__).values(first_name="X"), None),
        "a Core delete": (
            sa.delete(Activity.__table__).where(Activity.__table__.c.lead_id == theirs.id),
            None,
        ),
    }
    for what, (statement, params) in refused.items():
        with pytest.raises(TenantIsolationError):
            await scoped.exec(statement, params=params)
        assert await _first_name(agency_session, theirs.id) == theirs.first_name, what
    assert (
        await agency_session.scalar(
            sa.select(Membership.client_id).where(Membership.id == membership.id)
        )
        == mine.client_id
    )


async def test_an_upsert_keyed_on_the_tenant_stays_in_the_tenant(agency_session, scoped, tenants):
    mine = tenants.mine
    upsert = (
        pg_insert(Lead)
        .values(client_id=mine.client_id, campaign_id=mine.campaign_id, email=mine.email)
        .on_conflict_do_update(
            index_elements=["client_id", "email"],
            index_where=sa.text("deleted_at IS NULL"),
            set_={"first_name": "Upserted"},
        )
    )
    await scoped.exec(upsert)
    assert await _first_name(agency_session, mine.id) == "Upserted"


async def test_relationship_filters_respect_the_tenant_and_soft_delete(
    agency_session, scoped, tenants
):
    theirs = tenants.theirs
    other_member = await MembershipFactory.create_async(client_id=theirs.client_id)
    user_in_both = other_member.user_id
    await MembershipFactory.create_async(client_id=tenants.mine.client_id, user_id=user_in_both)

    users = select(User).where(
        User.id == user_in_both, User.memberships.any(Membership.client_id == theirs.client_id)
    )
    assert (await agency_session.exec(users)).all() != []
    assert (await scoped.exec(users)).all() == []

    gone = await LeadFactory.create_async(
        client_id=theirs.client_id, campaign_id=theirs.campaign_id
    )
    gone.soft_delete()
    await agency_session.flush()
    with_gone_lead = select(Campaign).where(Campaign.leads.any(Lead.id == gone.id))
    assert (await agency_session.exec(with_gone_lead)).all() == []
    assert (
        await agency_session.exec(with_gone_lead.execution_options(**{INCLUDE_DELETED: True}))
    ).all() != []


async def test_get_does_not_return_a_row_soft_deleted_in_the_session(agency_session):
    lead = await LeadFactory.create_async()
    lead.soft_delete()
    await agency_session.flush()
    assert await agency_session.get(Lead, lead.id) is None
    found = await agency_session.get(Lead, lead.id, execution_options={INCLUDE_DELETED: True})
    assert found is lead


async def test_a_core_delete_of_a_soft_deletable_table_is_refused(agency_session):
    lead = await LeadFactory.create_async()
    with pytest.raises(HardDeleteError):
        await agency_session.exec(sa.delete(Lead.__table__).where(Lead.__table__.c.id == lead.id))
    await agency_session.exec(delete(Activity).where(Activity.lead_id == lead.id))


async def test_a_naive_datetime_on_a_row_is_reported_as_such(agency_session):
    lead = await LeadFactory.create_async()
    lead.next_outreach_at = datetime(2026, 1, 1, 9, 0)
    with pytest.raises(NaiveDatetimeError):
        await agency_session.flush()


async def test_rows_validated_from_json_can_be_saved(agency_session, tenants):
    mine = tenants.mine
    payload = (
        f'{{"client_id": "{mine.client_id}", "campaign_id": "{mine.campaign_id}",'
        ' "email": " Json@Example.COM "}'
    )
    lead = Lead.model_validate_json(payload)
    agency_session.add(lead)
    await agency_session.flush()
    assert lead.email == "json@example.com"
    assert lead.created_at is not None
