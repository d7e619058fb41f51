"""The runtime layer against a real database: sessions, errors, and acting as an RLS user."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from agency_models.db import act_as_user, create_engine, dispose_engine, get_db, get_db_session
from agency_models.exceptions import DuplicateRecordError
from tests.helpers import column

INSERT_AUTH_USER = sa.text("INSERT INTO auth.users (id, email) VALUES (:id, :email)")


@pytest.fixture
async def app_database(agency_db_url, monkeypatch):
    """The process-wide engine pointed at the test database, as an application would use it."""
    monkeypatch.setenv("DATABASE_URL", agency_db_url.render_as_string(hide_password=False))
    await dispose_engine()
    yield agency_db_url
    await dispose_engine()


def _users_with(url, user_id):
    return column(url, "SELECT email FROM auth.users WHERE id = $1", user_id)


async def test_get_db_session_commits_when_the_block_succeeds(app_database):
    user_id = uuid.uuid4()
    async with get_db_session() as session:
        await session.exec(INSERT_AUTH_USER, params={"id": user_id, "email": "a@b.co"})
    try:
        assert _users_with(app_database, user_id) == ["a@b.co"]
    finally:
        async with get_db_session() as session:
            await session.exec(
                sa.text("DELETE FROM auth.users WHERE id = :id"), params={"id": user_id}
            )


async def test_get_db_session_rolls_back_when_the_block_raises(app_database):
    user_id = uuid.uuid4()

    async def insert_then_fail() -> None:
        async with get_db_session() as session:
            await session.exec(INSERT_AUTH_USER, params={"id": user_id, "email": "a@b.co"})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await insert_then_fail()
    assert _users_with(app_database, user_id) == []


async def test_get_db_works_as_a_dependency_generator(app_database):
    dependency = get_db()
    session = await anext(dependency)
    assert await session.scalar(sa.select(sa.literal(1))) == 1
    with pytest.raises(StopAsyncIteration):
        await anext(dependency)


async def test_unique_violations_name_the_constraint(agency_session):
    user_id = uuid.uuid4()
    await agency_session.exec(INSERT_AUTH_USER, params={"id": user_id, "email": "a@b.co"})
    with pytest.raises(DuplicateRecordError) as raised:
        await agency_session.exec(INSERT_AUTH_USER, params={"id": user_id, "email": "c@d.co"})
    assert raised.value.constraint == "users_pkey"
    assert "users_pkey" in str(raised.value)
    assert str(user_id) in raised.value.detail
    assert str(user_id) not in str(raised.value)
    assert raised.value.__cause__.sqlstate == "23505"


async def test_work_committed_in_a_test_session_stays_invisible_to_others(
    agency_session, agency_db_url
):
    user_id = uuid.uuid4()
    await agency_session.exec(INSERT_AUTH_USER, params={"id": user_id, "email": "a@b.co"})
    await agency_session.commit()
    assert (
        await agency_session.scalar(
            sa.text("SELECT count(*) FROM auth.users WHERE id = :id"), {"id": user_id}
        )
        == 1
    )
    assert _users_with(agency_db_url, user_id) == []


async def test_acting_as_a_user_lasts_exactly_one_transaction(agency_db_url):
    engine = create_engine(agency_db_url, pool_size=1, max_overflow=0)
    user_id = uuid.uuid4()
    who = sa.text("SELECT auth.uid(), current_user::text, pg_backend_pid(), session_user::text")
    try:
        async with get_db_session(engine=engine) as session:
            await act_as_user(session, user_id)
            uid, role, backend, _ = (await session.exec(who)).one()
            assert (uid, role) == (user_id, "authenticated")
            assert await session.scalar(sa.text("SELECT auth.jwt() ->> 'role'")) == role

        async with get_db_session(engine=engine) as session:
            next_uid, next_role, next_backend, login_role = (await session.exec(who)).one()
        assert next_backend == backend
        assert (next_uid, next_role) == (None, login_role)
    finally:
        await engine.dispose()


async def test_acting_as_anon_has_no_user(agency_session):
    await act_as_user(agency_session, None, role="anon")
    identity = (await agency_session.exec(sa.text("SELECT auth.uid(), current_user"))).one()
    assert tuple(identity) == (None, "anon")
