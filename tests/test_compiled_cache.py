"""A repeated query is compiled once: after the first tenant's first requests, every tenant's
hit SQLAlchemy's compiled cache (the tenant's id is a bound value, not part of the SQL); and a
statement gets the tenant criteria only of the entities it names."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import CacheStats
from sqlalchemy.ext.asyncio import AsyncSession as SQLAlchemyAsyncSession
from sqlmodel import col, select

from agency_models import Campaign, Lead
from agency_models.db import AgencySession
from tests.helpers import Tenants

NEWEST_LIVE = (
    select(Lead)
    .where(col(Lead.deleted_at).is_(None))
    .order_by(col(Lead.created_at).desc())
    .limit(50)
)


def bound_to(session: AgencySession, client_id: object) -> AgencySession:
    return AgencySession(
        bind=session.bind, info={"client_id": client_id}, join_transaction_mode="create_savepoint"
    )


async def cache_stats(session: AgencySession, statement: object) -> tuple[CacheStats, list[Lead]]:
    result = await SQLAlchemyAsyncSession.execute(session, statement)  # type: ignore[arg-type]
    return result.raw.context.cache_hit, [row[0] for row in result.all()]


async def test_the_newest_leads_page_is_compiled_once_for_every_tenant(
    agency_session, tenants: Tenants
):
    seen = []
    for lead in (tenants.mine, tenants.theirs, tenants.mine):
        async with bound_to(agency_session, lead.client_id) as session:
            for _ in range(2):
                stats, rows = await cache_stats(session, NEWEST_LIVE)
                seen.append(stats)
                assert [row.id for row in rows] == [lead.id]
    assert seen[2:] == [CacheStats.CACHE_HIT] * (len(seen) - 2)


async def test_only_the_entities_a_statement_names_get_tenant_criteria(
    agency_session, tenants: Tenants
):
    async with bound_to(agency_session, tenants.mine.client_id) as session:
        captured = []

        @sa.event.listens_for(session.sync_session, "do_orm_execute")
        def capture(state: object) -> None:
            captured.append(state)

        await session.exec(select(Campaign.id))
        await session.exec(select(Lead.id).join(Campaign, Lead.campaign))  # type: ignore[arg-type]
    criteria = [
        sorted(
            option.entity.class_.__name__
            for option in state.statement._with_options  # type: ignore[attr-defined]
            if hasattr(option, "entity")
            and option.where_criteria is not None
            and "client_id" in str(option.where_criteria)
        )
        for state in captured
    ]
    assert criteria[0] == ["Campaign"]
    assert criteria[1] == ["Campaign", "Lead"]


async def test_only_the_soft_deletable_entities_a_statement_names_get_live_row_criteria(
    agency_session,
):
    captured = []

    @sa.event.listens_for(agency_session.sync_session, "do_orm_execute")
    def capture(state: object) -> None:
        captured.append(state)

    await agency_session.exec(select(Campaign.id))
    await agency_session.exec(select(Lead.id).join(Campaign, Lead.campaign))
    live = [
        sorted(
            option.entity.class_.__name__
            for option in state.statement._with_options  # type: ignore[attr-defined]
            if hasattr(option, "entity") and "deleted_at" in str(option.where_criteria)
        )
        for state in captured
    ]
    assert live == [["Campaign"], ["Campaign", "Lead"]]
