"""The tenant guard's known holes, each closed: a tenant-bound session cannot move, delete,
change or read another tenant's rows through upserts, detached or merged objects, unmapped
tables, Core table references or raw SQL; and the database itself refuses a change of
``client_id`` on every tenant table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import make_transient_to_detached, selectinload
from sqlalchemy.sql import visitors
from sqlmodel import col, select

from agency_models import (
    Campaign,
    ConstraintViolationError,
    Lead,
    Membership,
    TenantIsolationError,
    User,
    metadata,
)
from agency_models.base import TenantMixin, mapper_registry
from agency_models.db import AgencySession
from agency_models.db import allow_hard_delete as allowing_hard_delete
from agency_models.db.scoping import STATEMENT_INTERNALS
from factories import MembershipFactory, create_row_per_table
from tests.helpers import Tenants


async def stored(session: AgencySession, lead: Lead) -> tuple[Any, ...] | None:
    """The lead's row as the database holds it (tenant and name), read outside any scope."""
    row = (
        await session.exec(
            sa.text("SELECT client_id, first_name FROM leads WHERE id = :id"),
            params={"id": lead.id},
        )
    ).first()
    return None if row is None else tuple(row)


async def flush(session: AgencySession, *, allow_hard_delete: bool = False) -> None:
    if allow_hard_delete:
        async with allowing_hard_delete(session):
            pass
    else:
        await session.flush()


def detached_copy(lead: Lead, **changes: Any) -> Lead:
    """A copy of ``lead`` as a service might rebuild it from a cache or a request: not loaded
    by the session it is handed to."""
    copy = Lead.model_validate({**lead.model_dump(), **changes})
    make_transient_to_detached(copy)
    return copy


async def test_an_upsert_cannot_move_a_row_into_another_tenant(agency_session, scoped, tenants):
    mine, theirs = tenants.mine, tenants.theirs
    before = await stored(agency_session, mine)
    upsert = postgresql.insert(Lead).values(
        id=mine.id, client_id=mine.client_id, campaign_id=mine.campaign_id, email=mine.email
    )
    for set_ in ({"client_id": theirs.client_id}, {"client_id": sa.literal(theirs.client_id)}):
        moving = upsert.on_conflict_do_update(index_elements=["client_id", "id"], set_=set_)
        with pytest.raises(TenantIsolationError, match="client_id"):
            await scoped.exec(moving)
    assert await stored(agency_session, mine) == before


async def test_an_upsert_may_set_client_id_to_the_row_it_tried_to_insert(
    agency_session, scoped, tenants
):
    mine = tenants.mine
    upsert = postgresql.insert(Lead).values(
        id=mine.id, client_id=mine.client_id, campaign_id=mine.campaign_id, email=mine.email
    )
    renaming = upsert.on_conflict_do_update(
        index_elements=["client_id", "id"],
        set_={"client_id": upsert.excluded.client_id, "first_name": "Upserted"},
    )
    await scoped.exec(renaming)
    assert await stored(agency_session, mine) == (mine.client_id, "Upserted")


@pytest.mark.parametrize("allowed", [False, True], ids=["plain", "allow_hard_delete"])
async def test_deleting_a_detached_copy_of_another_tenants_row_is_refused(
    agency_session, scoped, tenants, allowed
):
    theirs = tenants.theirs
    before = await stored(agency_session, theirs)
    for copy in (detached_copy(theirs), detached_copy(theirs, client_id=tenants.mine.client_id)):
        scoped.add(copy)
        await scoped.delete(copy)
        with pytest.raises(TenantIsolationError, match="refusing to write"):
            await flush(scoped, allow_hard_delete=allowed)
        await scoped.rollback()
        scoped.expunge_all()
    assert await stored(agency_session, theirs) == before


async def test_a_relabelled_detached_copy_cannot_change_the_other_tenants_row(
    agency_session, scoped, tenants
):
    theirs = tenants.theirs
    before = await stored(agency_session, theirs)
    copy = detached_copy(theirs, client_id=tenants.mine.client_id)
    scoped.add(copy)
    copy.first_name = "Hijacked"
    with pytest.raises(TenantIsolationError, match="another client"):
        await scoped.flush()
    await scoped.rollback()
    assert await stored(agency_session, theirs) == before


@pytest.mark.parametrize("load", [True, False], ids=["load", "no-load"])
async def test_merging_another_tenants_row_is_refused(agency_session, scoped, tenants, load):
    theirs = tenants.theirs
    before = await stored(agency_session, theirs)
    copy = detached_copy(theirs, client_id=tenants.mine.client_id, first_name="Merged")

    async def merge_and_flush() -> None:
        merged = await scoped.merge(copy, load=load)
        merged.first_name = "Merged again"
        await scoped.flush()

    with pytest.raises(TenantIsolationError, match="another client"):
        await merge_and_flush()
    await scoped.rollback()
    assert await stored(agency_session, theirs) == before


async def test_the_sessions_own_detached_rows_can_be_merged_and_deleted(
    agency_session, scoped, tenants
):
    mine = tenants.mine
    merged = await scoped.merge(detached_copy(mine, first_name="Merged"))
    await scoped.flush()
    assert await stored(agency_session, mine) == (mine.client_id, "Merged")
    copy = detached_copy(mine)
    scoped.add(await scoped.merge(copy, load=False))
    merged.soft_delete()
    await scoped.flush()
    assert (await agency_session.get(Lead, mine.id, populate_existing=True)) is None


async def test_refreshing_a_detached_copy_reads_nothing_of_the_other_tenant(scoped, tenants):
    theirs = tenants.theirs
    copy = detached_copy(theirs, first_name="Stale")
    scoped.add(copy)
    with pytest.raises(sa.exc.InvalidRequestError, match="Could not refresh"):
        await scoped.refresh(copy)
    assert sa.inspect(copy).dict.get("first_name") != theirs.first_name


async def test_loading_a_detached_copys_relationship_reads_nothing_of_the_other_tenant(
    agency_session, scoped, tenants
):
    their_campaign = await agency_session.get(Campaign, tenants.theirs.campaign_id)
    copy = Campaign.model_validate(their_campaign.model_dump())
    make_transient_to_detached(copy)
    scoped.add(copy)
    with pytest.raises(sa.exc.InvalidRequestError, match="Could not refresh"):
        await scoped.refresh(copy, ["leads"])
    assert "leads" not in sa.inspect(copy).dict


async def test_a_persistent_rows_client_id_cannot_change(scoped, tenants):
    mine = await scoped.get(Lead, tenants.mine.id)
    assert mine is not None
    mine.client_id = tenants.theirs.client_id
    with pytest.raises(TenantIsolationError):
        await scoped.flush()


def _leads(*columns: str) -> Any:
    return sa.table("leads", *(sa.column(name) for name in columns))


STATEMENTS: dict[str, Callable[[Tenants], Any]] = {
    "text-update": lambda t: sa.text(
        f"UPDATE leads SET first_name = 'x' WHERE id = '{t.theirs.id}'"
    ),
    "text-delete": lambda t: sa.text(f"DELETE FROM leads WHERE id = '{t.theirs.id}'"),
    "text-insert": lambda t: sa.text("INSERT INTO leads (email) VALUES ('x@y.co')"),
    "text-select": lambda t: sa.text("SELECT first_name FROM leads"),
    "text-from-statement": lambda t: select(Lead).from_statement(sa.text("SELECT * FROM leads")),
    "text-in-where": lambda t: select(Lead).where(sa.text("true")),
    "unmapped-update": lambda t: (
        sa.update(_leads("id", "first_name"))
        .where(sa.column("id") == t.theirs.id)
        .values(first_name="x")
    ),
    "unmapped-delete": lambda t: sa.delete(_leads("id")).where(sa.column("id") == t.theirs.id),
    "unmapped-insert-positional": lambda t: sa.insert(_leads("client_id", "email")).values(
        (t.theirs.client_id, "x@y.co")
    ),
    "unknown-table-update": lambda t: sa.update(sa.table("service_notes", sa.column("x"))).values(
        x=1
    ),
    "core-select": lambda t: sa.select(Lead.__table__),
    "core-select-columns": lambda t: sa.select(Lead.__table__.c.first_name),
    "core-alias": lambda t: sa.select(Lead.__table__.alias().c.first_name),
    "unmapped-select": lambda t: sa.select(_leads("first_name")),
    "orm-join-to-core-table": lambda t: select(Campaign.id, Lead.__table__.c.first_name).join(
        Lead.__table__, sa.true()
    ),
    "orm-with-core-subquery": lambda t: select(Campaign).where(
        col(Campaign.id).in_(sa.select(Lead.__table__.c.campaign_id))
    ),
    "insert-reading-core-table": lambda t: sa.insert(Lead.__table__).values(
        client_id=t.mine.client_id,
        campaign_id=t.mine.campaign_id,
        email=sa.select(Lead.__table__.c.email)
        .where(Lead.__table__.c.id == t.theirs.id)
        .scalar_subquery(),
    ),
}


@pytest.mark.parametrize("build", STATEMENTS.values(), ids=STATEMENTS.keys())
async def test_statements_the_guard_cannot_scope_are_refused(
    agency_session, scoped, tenants, build
):
    before = await stored(agency_session, tenants.theirs)
    with pytest.raises(TenantIsolationError):
        await scoped.exec(build(tenants))
    assert await stored(agency_session, tenants.theirs) == before


async def test_relationship_filters_and_orm_subqueries_stay_allowed_and_scoped(scoped, tenants):
    theirs = tenants.theirs
    user_in_both = (await MembershipFactory.create_async(client_id=theirs.client_id)).user_id
    await MembershipFactory.create_async(client_id=tenants.mine.client_id, user_id=user_in_both)
    in_their_tenant = select(User).where(
        User.memberships.any(Membership.client_id == theirs.client_id)
    )
    assert (await scoped.exec(in_their_tenant)).all() == []
    with_their_leads = select(Campaign).where(
        col(Campaign.id).in_(select(Lead.campaign_id).where(Lead.id == theirs.id))
    )
    assert (await scoped.exec(with_their_leads)).all() == []
    assert (await scoped.exec(select(Campaign).where(Campaign.leads.any()))).all() != []


async def test_an_unbound_session_is_the_escape_hatch(agency_session, tenants):
    result = await agency_session.exec(
        sa.text("UPDATE leads SET first_name = 'Platform' WHERE id = :id"),
        params={"id": tenants.theirs.id},
    )
    assert result.rowcount == 1


TENANT_TABLES = sorted(
    mapper.class_.__tablename__
    for mapper in mapper_registry.mappers
    if issubclass(mapper.class_, TenantMixin)
)


async def test_the_database_refuses_a_change_of_client_id_on_every_tenant_table(agency_session):
    mine = await create_row_per_table()
    other_client = (await create_row_per_table())["clients"].id
    not_null_client_id = [
        table.name
        for table in metadata.sorted_tables
        if "client_id" in table.columns and not table.columns["client_id"].nullable
    ]
    assert sorted(not_null_client_id) == TENANT_TABLES
    for table in TENANT_TABLES:
        with pytest.raises(ConstraintViolationError, match="client_id_immutable") as raised:
            async with agency_session.begin_nested():
                await agency_session.exec(
                    sa.text(f"UPDATE {table} SET client_id = :other WHERE id = :id"),
                    params={"other": other_client, "id": mine[table].id},
                )
        assert raised.value.constraint == "client_id_immutable"
    same = await agency_session.exec(
        sa.text("UPDATE leads SET client_id = client_id WHERE id = :id"),
        params={"id": mine["leads"].id},
    )
    assert same.rowcount == 1


def test_each_statement_internal_the_guard_reads_is_there_and_means_what_it_relies_on():
    leads = Lead.__table__
    values = sa.insert(leads).values(email="a@b.co")
    assert set(values._values) == {leads.c.email} or set(map(str, values._values)) == {"email"}
    multi = sa.insert(leads).values([{"email": "a@b.co"}, {"email": "c@d.co"}])
    assert [row["email"] for row in multi._multi_values[0]] == ["a@b.co", "c@d.co"]
    assert sa.insert(leads).from_select(["email"], sa.select(leads.c.email))._select_names
    assert values._select_names is None
    upsert = postgresql.insert(leads).values(email="a@b.co")
    conflict = upsert.on_conflict_do_update(
        index_elements=["client_id", "email"], set_={"client_id": upsert.excluded.client_id}
    )._post_values_clause
    assert [str(element) for element in conflict.inferred_target_elements] == [
        "client_id",
        "email",
    ]
    assert set(conflict.update_values_to_set) == {"client_id"}
    assert [str(key) for key in sa.update(leads).values(first_name="x")._values] == ["first_name"]
    assert any(
        "parententity" in element._annotations
        for element in visitors.iterate(select(Lead))
        if isinstance(element, sa.TableClause)
    )
    assert "parententity" not in leads._annotations
    assert select(Lead)._propagate_attrs.get("compile_state_plugin") == "orm"
    assert select(Lead).options(selectinload(Lead.campaign))._with_options
    assert select(Lead)._with_options == ()
    first = select(Lead).where(Lead.email == "a@b.co")._generate_cache_key()
    assert first.key == select(Lead).where(Lead.email == "c@d.co")._generate_cache_key().key
    assert first.key != select(Lead.__table__)._generate_cache_key().key
    assert sa.select(leads)._propagate_attrs.get("compile_state_plugin") != "orm"
    assert set(STATEMENT_INTERNALS) == {"Insert", "Update", "Table", "Select", "OnConflictDoUpdate"}
