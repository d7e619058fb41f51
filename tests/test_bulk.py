"""Validated bulk writes through COPY against real PostgreSQL: the same rows as the ORM path,
bad rows reported and never written, tenancy kept, partial unique indexes honoured."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from agency_models import (
    ClientPersona,
    ConstraintViolationError,
    DuplicateRecordError,
    InvalidBatchError,
    Lead,
    LeadCreate,
    LinkedInCredential,
    TenantIsolationError,
)
from agency_models.db import AgencySession, bulk_insert, bulk_upsert
from factories import CampaignFactory, ClientPersonaCreateFactory, LeadCreateFactory, LeadFactory
from tests.helpers import Tenants

SERVER_SET = {"id", "client_id", "campaign_id", "created_at", "updated_at"}


def payloads(lead: Lead, count: int) -> list[dict[str, Any]]:
    """Valid Create payloads for ``lead``'s campaign, as JSON would bring them."""
    return [
        LeadCreateFactory.build(client_id=lead.client_id, campaign_id=lead.campaign_id).model_dump(
            mode="json"
        )
        for _ in range(count)
    ]


async def stored(session: AgencySession, client_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """Email -> every column of the tenant's leads but those the server or the tenant sets."""
    result = await session.exec(
        sa.text("SELECT * FROM leads WHERE client_id = :client"), params={"client": client_id}
    )
    return {
        row["email"]: {key: value for key, value in row.items() if key not in SERVER_SET}
        for row in result.mappings()
    }


async def test_bulk_insert_stores_what_the_orm_stores(agency_session, tenants: Tenants):
    rows = payloads(tenants.mine, 40)
    for row in rows:
        agency_session.add(Lead.model_validate(LeadCreate.model_validate(row)))
    await agency_session.flush()
    theirs = {
        "client_id": str(tenants.theirs.client_id),
        "campaign_id": str(tenants.theirs.campaign_id),
    }
    result = await bulk_insert(agency_session, Lead, [{**row, **theirs} for row in rows])
    assert (result.inserted, result.updated, result.rejected) == (40, 0, [])
    by_orm = await stored(agency_session, tenants.mine.client_id)
    by_copy = await stored(agency_session, tenants.theirs.client_id)
    emails = [row["email"] for row in rows]
    assert [by_copy[email] for email in emails] == [by_orm[email] for email in emails]


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"first_name": "Ada\x00"}, ("first_name",)),
        ({"title": "x" * 256}, ("title",)),
        ({"email": "not-an-email"}, ("email",)),
        ({"als_score": 101}, ("als_score",)),
    ],
    ids=["nul", "oversize", "email", "unknown-field"],
)
async def test_bad_rows_are_reported_by_position_and_not_written(
    agency_session, tenants: Tenants, change, location
):
    rows = payloads(tenants.mine, 5)
    rows[2] = {**rows[2], **change}
    before = await stored(agency_session, tenants.mine.client_id)
    result = await bulk_insert(agency_session, Lead, rows)
    assert result.inserted == 4
    assert [rejected.index for rejected in result.rejected] == [2]
    assert result.rejected[0].errors[0]["loc"] == location
    assert "input" not in result.rejected[0].errors[0]
    after = await stored(agency_session, tenants.mine.client_id)
    assert set(after) - set(before) == {
        row["email"] for index, row in enumerate(rows) if index != 2
    }


async def test_rejecting_the_batch_writes_nothing(agency_session, tenants: Tenants):
    rows = payloads(tenants.mine, 5)
    rows[4]["email"] = "broken@"
    before = await stored(agency_session, tenants.mine.client_id)
    with pytest.raises(InvalidBatchError) as raised:
        await bulk_insert(agency_session, Lead, rows, reject="batch")
    assert [rejected.index for rejected in raised.value.rejected] == [4]
    assert await stored(agency_session, tenants.mine.client_id) == before


async def test_a_tenant_bound_session_stamps_its_client_and_refuses_another(
    agency_session, scoped, tenants: Tenants
):
    rows = payloads(tenants.mine, 3)
    for row in rows:
        del row["client_id"]
    assert (await bulk_insert(scoped, Lead, rows)).inserted == 3
    assert {row["email"] for row in rows} <= set(
        await stored(agency_session, tenants.mine.client_id)
    )
    theirs = payloads(tenants.theirs, 2)
    before = await stored(agency_session, tenants.theirs.client_id)
    with pytest.raises(TenantIsolationError):
        await bulk_insert(scoped, Lead, theirs)
    with pytest.raises(TenantIsolationError):
        await bulk_upsert(scoped, Lead, theirs, conflict=["email"], update=["first_name"])
    assert await stored(agency_session, tenants.theirs.client_id) == before


async def test_a_soft_deleted_lead_does_not_block_its_email(agency_session, tenants: Tenants):
    gone = await LeadFactory.create_async(
        client_id=tenants.mine.client_id, campaign_id=tenants.mine.campaign_id
    )
    gone.soft_delete()
    await agency_session.flush()
    row = {**payloads(tenants.mine, 1)[0], "email": gone.email}
    assert (await bulk_insert(agency_session, Lead, [row])).inserted == 1
    with pytest.raises(DuplicateRecordError) as raised:
        await bulk_insert(agency_session, Lead, [row])
    assert raised.value.constraint == "unique_lead_per_client"


async def test_upsert_on_the_partial_unique_index_updates_live_leads_and_inserts_new_ones(
    agency_session, tenants: Tenants
):
    existing = payloads(tenants.mine, 3)
    await bulk_insert(agency_session, Lead, existing)
    changed = [{**row, "first_name": "Updated"} for row in existing]
    fresh = payloads(tenants.mine, 2)
    result = await bulk_upsert(
        agency_session,
        Lead,
        [*changed, *fresh],
        conflict="unique_lead_per_client",
        update=["first_name"],
    )
    assert (result.inserted, result.updated) == (2, 3)
    rows = await stored(agency_session, tenants.mine.client_id)
    assert {rows[row["email"]]["first_name"] for row in existing} == {"Updated"}
    assert {row["email"] for row in fresh} <= set(rows)


async def test_an_upsert_reports_bad_rows_and_merges_the_rest_or_with_reject_batch_nothing(
    agency_session, tenants: Tenants
):
    existing = payloads(tenants.mine, 2)
    await bulk_insert(agency_session, Lead, existing)
    rows = [{**row, "first_name": "Merged"} for row in existing] + payloads(tenants.mine, 2)
    rows[3]["email"] = "broken@"
    before = await stored(agency_session, tenants.mine.client_id)
    with pytest.raises(InvalidBatchError):
        await bulk_upsert(
            agency_session,
            Lead,
            rows,
            conflict="unique_lead_per_client",
            update=["first_name"],
            reject="batch",
        )
    assert await stored(agency_session, tenants.mine.client_id) == before
    result = await bulk_upsert(
        agency_session, Lead, rows, conflict="unique_lead_per_client", update=["first_name"]
    )
    assert (result.inserted, result.updated) == (1, 2)
    assert [rejected.index for rejected in result.rejected] == [3]
    after = await stored(agency_session, tenants.mine.client_id)
    assert {after[row["email"]]["first_name"] for row in existing} == {"Merged"}
    assert set(after) - set(before) == {rows[2]["email"]}


async def test_an_upsert_merges_chunk_by_chunk_with_the_counts_of_one_statement(
    agency_session, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("agency_models.db.bulk._MERGE_EVERY", 3)
    existing = payloads(tenants.mine, 4)
    await bulk_insert(agency_session, Lead, existing)
    fresh = payloads(tenants.mine, 3)
    rows = [fresh[0], *({**row, "first_name": "Chunked"} for row in existing), *fresh[1:]]
    result = await bulk_upsert(
        agency_session, Lead, rows, conflict="unique_lead_per_client", update=["first_name"]
    )
    assert (result.inserted, result.updated, result.rejected) == (3, 4, [])
    after = await stored(agency_session, tenants.mine.client_id)
    assert {after[row["email"]]["first_name"] for row in existing} == {"Chunked"}
    assert {row["email"] for row in fresh} <= set(after)


async def test_an_upsert_refuses_a_key_the_batch_repeats_and_writes_nothing(
    agency_session, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("agency_models.db.bulk._MERGE_EVERY", 2)
    rows = payloads(tenants.mine, 5)
    rows.append({**rows[1], "first_name": "Again"})
    before = await stored(agency_session, tenants.mine.client_id)
    with pytest.raises(InvalidBatchError, match="rows 1 and 5") as raised:
        await bulk_upsert(
            agency_session, Lead, rows, conflict="unique_lead_per_client", update=["first_name"]
        )
    assert [rejected.index for rejected in raised.value.rejected] == [5]
    assert raised.value.rejected[0].errors[0]["loc"] == ("client_id", "email")
    assert await stored(agency_session, tenants.mine.client_id) == before


async def test_an_upsert_names_a_column_it_does_not_know(agency_session, tenants: Tenants):
    with pytest.raises(ValueError, match="Lead has no column 'nickname'"):
        await bulk_upsert(
            agency_session,
            Lead,
            payloads(tenants.mine, 1),
            conflict="unique_lead_per_client",
            update=["nickname"],
        )


async def test_a_repeat_only_the_server_can_see_is_refused_too(agency_session, tenants: Tenants):
    """``unique_default_persona`` holds only rows with ``is_default``, a written column: which
    rows share its key is the server's to say, in one statement."""
    client_id = tenants.mine.client_id
    personas = [
        ClientPersonaCreateFactory.build(client_id=client_id, is_default=True).model_dump()
        for _ in range(2)
    ]
    with pytest.raises(InvalidBatchError, match="client_id"):
        await bulk_upsert(
            agency_session,
            ClientPersona,
            personas,
            conflict="unique_default_persona",
            update=["title"],
        )
    count = (
        sa.select(sa.func.count())
        .select_from(ClientPersona)
        .where(
            ClientPersona.client_id == client_id  # type: ignore[arg-type]
        )
    )
    assert await agency_session.scalar(count) == 0


async def test_a_database_refusal_is_typed_and_undoes_the_whole_batch(
    agency_session, tenants: Tenants
):
    other_campaign = await CampaignFactory.create_async()
    rows = payloads(tenants.mine, 3)
    rows[1]["campaign_id"] = str(other_campaign.id)
    before = await stored(agency_session, tenants.mine.client_id)
    with pytest.raises(ConstraintViolationError) as raised:
        await bulk_insert(agency_session, Lead, rows)
    assert raised.value.sqlstate == "23503"
    assert await stored(agency_session, tenants.mine.client_id) == before
    assert (await bulk_insert(agency_session, Lead, payloads(tenants.mine, 1))).inserted == 1


async def test_secrets_are_never_bulk_inserted_from_plaintext(agency_session):
    with pytest.raises(TypeError, match="from_create"):
        await bulk_insert(agency_session, LinkedInCredential, [])
