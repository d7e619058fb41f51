"""The FastAPI integration through a real app, httpx and PostgreSQL: a commit that fails is
never answered 2xx, each package error has its status, and no body carries a row's values."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Annotated

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Header
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from agency_models import Lead, LeadCreate, LeadRead
from agency_models.db import AgencySession, act_as_user, allow_hard_delete, create_engine
from agency_models.fastapi import (
    RETRY_AFTER_SECONDS,
    DbSession,
    exception_handlers,
    tenant_db_session,
)
from factories import LeadFactory, bind_factories
from factories.testdb import throwaway_database

SECRET_EMAIL = "private.person@example.com"


def client_of_the_caller(x_client_id: Annotated[uuid.UUID, Header()]) -> uuid.UUID:
    return x_client_id


TenantDb = tenant_db_session(client_of_the_caller)


def build_app(engine: AsyncEngine) -> FastAPI:
    app = FastAPI(exception_handlers=exception_handlers)
    app.state.agency_engine = engine

    @app.post("/leads", status_code=201)
    async def create_lead(payload: LeadCreate, db: TenantDb) -> dict[str, uuid.UUID]:
        """Added, not flushed: the INSERT runs at commit, after the endpoint returned."""
        lead = Lead.model_validate(payload)
        db.add(lead)
        return {"id": lead.id}

    @app.post("/leads/read", status_code=201)
    async def create_and_read_lead(payload: LeadCreate, db: TenantDb) -> LeadRead:
        lead = Lead.model_validate(payload)
        db.add(lead)
        await db.flush()
        await db.refresh(lead)
        return LeadRead.model_validate(lead)

    @app.get("/leads")
    async def list_leads(db: TenantDb) -> list[uuid.UUID]:
        return [lead.id for lead in (await db.exec(select(Lead))).all()]

    @app.post("/leads/{lead_id}/move", status_code=204)
    async def move_lead(lead_id: uuid.UUID, to: uuid.UUID, db: TenantDb) -> None:
        lead = await db.get(Lead, lead_id)
        assert lead is not None
        lead.client_id = to

    @app.post("/sql", status_code=204)
    async def run_sql(statement: str, db: DbSession, value: str = "") -> None:
        await db.exec(sa.text(statement), params={"value": value})

    @app.post("/as-anonymous", status_code=204)
    async def as_anonymous(statement: str, db: DbSession) -> None:
        await act_as_user(db, None, role="anon")
        await db.exec(sa.text(statement))

    @app.delete("/leads/{lead_id}", status_code=204)
    async def hard_delete(lead_id: uuid.UUID, db: DbSession, allowed: bool = False) -> None:
        lead = await db.get(Lead, lead_id)
        assert lead is not None
        await db.delete(lead)
        if allowed:
            async with allow_hard_delete(db):
                pass

    return app


@dataclass
class Api:
    http: httpx.AsyncClient
    engine: AsyncEngine
    lead: Lead
    """A committed lead (its client and campaign too)."""

    def headers(self, client_id: uuid.UUID | None = None) -> dict[str, str]:
        return {"x-client-id": str(client_id or self.lead.client_id)}


@pytest.fixture(scope="module")
def database() -> Iterator[URL]:
    """Requests commit, so this module has a database of its own."""
    with throwaway_database() as url:
        yield url


@pytest.fixture
async def api(database: URL) -> AsyncIterator[Api]:
    engine = create_engine(database, poolclass=sa.NullPool)
    async with AgencySession(engine, expire_on_commit=False) as session:
        with bind_factories(session):
            lead = await LeadFactory.create_async(email=SECRET_EMAIL)
        await session.commit()
    transport = httpx.ASGITransport(app=build_app(engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield Api(http, engine, lead)
    await engine.dispose()


async def count_leads(engine: AsyncEngine, client_id: uuid.UUID) -> int:
    async with engine.connect() as connection:
        query = sa.text("SELECT count(*) FROM leads WHERE client_id = :client")
        return int(await connection.scalar(query, {"client": client_id}))


def new_lead(api: Api, email: str) -> dict[str, str]:
    return {
        "client_id": str(api.lead.client_id),
        "campaign_id": str(api.lead.campaign_id),
        "email": email,
    }


async def test_a_created_row_is_committed_before_the_201_is_sent(api):
    response = await api.http.post(
        "/leads", json=new_lead(api, "new.person@example.com"), headers=api.headers()
    )
    assert response.status_code == 201, response.text
    assert await count_leads(api.engine, api.lead.client_id) == 2


async def test_a_flushed_row_reads_back_as_its_read_schema(api):
    response = await api.http.post(
        "/leads/read", json=new_lead(api, "read.back@example.com"), headers=api.headers()
    )
    assert response.status_code == 201, response.text
    assert LeadRead.model_validate(response.json()).email == "read.back@example.com"


async def test_a_duplicate_found_only_at_commit_is_a_409_and_nothing_is_saved(api):
    response = await api.http.post(
        "/leads", json=new_lead(api, SECRET_EMAIL), headers=api.headers()
    )
    assert (response.status_code, response.json()) == (
        409,
        {"error": "duplicate_record", "constraint": "unique_lead_per_client"},
    )
    assert SECRET_EMAIL not in response.text
    assert await count_leads(api.engine, api.lead.client_id) == 1


async def test_a_tenant_bound_request_reads_its_tenant_only(api):
    other = await api.http.get("/leads", headers=api.headers(uuid.uuid4()))
    own = await api.http.get("/leads", headers=api.headers())
    assert (other.json(), own.json()) == ([], [str(api.lead.id)])


async def test_moving_a_row_to_another_tenant_is_a_403(api):
    response = await api.http.post(
        f"/leads/{api.lead.id}/move", params={"to": str(uuid.uuid4())}, headers=api.headers()
    )
    assert (response.status_code, response.json()) == (403, {"error": "tenant_isolation"})


@pytest.mark.parametrize(
    ("statement", "status", "body"),
    [
        (
            "INSERT INTO leads (client_id, campaign_id, email) VALUES"
            " (gen_random_uuid(), gen_random_uuid(), :value)",
            409,
            {"error": "foreign_key_violation", "constraint": "fk_leads_client_id_clients"},
        ),
        (
            "UPDATE leads SET als_score = 1000 WHERE email = :value",
            422,
            {"error": "constraint_violation", "constraint": "ck_leads_als_score_range"},
        ),
        ("SELECT CAST(CAST(:value AS text) AS uuid)", 422, {"error": "invalid_data"}),
    ],
    ids=["foreign-key", "check", "invalid-data"],
)
async def test_database_refusals_have_their_status_and_no_values(api, statement, status, body):
    response = await api.http.post("/sql", params={"statement": statement, "value": SECRET_EMAIL})
    assert (response.status_code, response.json()) == (status, body)
    assert SECRET_EMAIL not in response.text


async def test_a_permission_refusal_is_a_403(api):
    response = await api.http.post("/as-anonymous", params={"statement": "DELETE FROM leads"})
    assert (response.status_code, response.json()) == (403, {"error": "permission_denied"})
    assert await count_leads(api.engine, api.lead.client_id) == 1


async def test_a_hard_delete_is_a_409_unless_allowed(api):
    refused = await api.http.delete(f"/leads/{api.lead.id}")
    allowed = await api.http.delete(f"/leads/{api.lead.id}", params={"allowed": True})
    assert (refused.status_code, refused.json()) == (409, {"error": "hard_delete_refused"})
    assert allowed.status_code == 204
    assert await count_leads(api.engine, api.lead.client_id) == 0


async def test_an_unavailable_database_is_a_503_with_retry_after(database):
    engine = create_engine(database.set(port=1), poolclass=sa.NullPool)
    transport = httpx.ASGITransport(app=build_app(engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.post("/sql", params={"statement": "SELECT 1"})
    await engine.dispose()
    assert (response.status_code, response.json()) == (503, {"error": "database_unavailable"})
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
