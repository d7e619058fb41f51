"""Every failure leaves the engine and its sessions as one of the package's errors, raised from
a real database condition, with the driver's error as ``__cause__`` and no bound value (a
personal e-mail address here) in ``str()`` or ``repr()``; and ``run_transaction`` retries what
is retryable, only that."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from agency_models import (
    AgencyModelsError,
    DatabaseError,
    DatabaseUnavailableError,
    DuplicateRecordError,
    InvalidDataError,
    PermissionDeniedError,
    TransactionConflictError,
)
from agency_models.db import AgencySession, act_as_user, create_engine, run_transaction
from factories import LeadFactory, bind_factories
from factories.testdb import libpq_dsn

PERSONAL = "jane.citizen@example.com"
"""A bound value that must never appear in an error's text."""


@pytest.fixture
async def engine(agency_db_url: URL) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(agency_db_url, pool_size=2, max_overflow=0, pool_timeout=0.2)
    yield engine
    await engine.dispose()


def assert_clean(error: BaseException, expected: type[DatabaseError], sqlstate: str | None) -> None:
    assert type(error) is expected, repr(error)
    assert isinstance(error.__cause__, Exception)
    assert error.sqlstate == sqlstate  # type: ignore[attr-defined]
    for text in (str(error), repr(error)):
        assert PERSONAL not in text, text
        assert PERSONAL.split("@")[0] not in text, text


async def failure(session: AgencySession, sql: str, **params: object) -> BaseException:
    with pytest.raises(AgencyModelsError) as raised:
        async with session.begin_nested():
            await session.exec(sa.text(sql), params=params)
    return raised.value


async def insert_beside(session: AgencySession, lead: Any) -> BaseException:
    """The failure of a raw INSERT of a lead with the personal address, in ``lead``'s
    campaign."""
    return await failure(
        session,
        "INSERT INTO leads (client_id, campaign_id, email) VALUES (:client, :campaign, :value)",
        client=lead.client_id,
        campaign=lead.campaign_id,
        value=PERSONAL,
    )


@pytest.mark.parametrize(
    ("sql", "sqlstate"),
    [
        ("SELECT CAST(CAST(:value AS text) AS uuid)", "22P02"),
        ("SELECT CAST(:value AS uuid)", "22000"),
    ],
    ids=["server-side", "driver-side"],
)
async def test_malformed_input_is_invalid_data(agency_session, sql, sqlstate):
    error = await failure(agency_session, sql, value=PERSONAL)
    assert_clean(error, InvalidDataError, sqlstate)


async def test_a_program_limit_is_invalid_data(agency_session):
    error = await failure(
        agency_session, "SELECT repeat(:value, 1024 * 1024 * 1024)", value=PERSONAL
    )
    assert_clean(error, InvalidDataError, "54000")


async def test_a_privilege_or_policy_refusal_is_permission_denied(agency_session):
    lead = await LeadFactory.create_async()
    async with agency_session.begin_nested() as savepoint:
        await act_as_user(agency_session, uuid.uuid4())
        error = await insert_beside(agency_session, lead)
        await savepoint.rollback()
    assert_clean(error, PermissionDeniedError, "42501")
    assert 'row-level security policy for table "leads"' in str(error)


async def test_a_duplicate_names_the_index_not_the_values(agency_session):
    lead = await LeadFactory.create_async(email=PERSONAL)
    error = await insert_beside(agency_session, lead)
    assert_clean(error, DuplicateRecordError, "23505")
    assert error.constraint == "unique_lead_per_client"  # type: ignore[attr-defined]
    assert PERSONAL in (error.detail or "")  # type: ignore[attr-defined]


@pytest.fixture
async def lead_id(engine: AsyncEngine) -> AsyncIterator[uuid.UUID]:
    """A lead committed in the test database (conflicts need two transactions), deleted
    afterwards with its tenant."""
    async with AgencySession(engine, expire_on_commit=False) as session:
        with bind_factories(session):
            lead = await LeadFactory.create_async()
        await session.commit()
    yield lead.id
    async with AgencySession(engine) as session:
        await session.exec(
            sa.text("DELETE FROM clients WHERE id = :id"), params={"id": lead.client_id}
        )
        await session.commit()


async def _touch_elsewhere(url: URL, lead_id: uuid.UUID) -> None:
    connection = await asyncpg.connect(libpq_dsn(url))
    try:
        await connection.execute(
            "UPDATE leads SET reply_count = reply_count + 1 WHERE id = $1", lead_id
        )
    finally:
        await connection.close()


async def test_a_serialization_failure_is_a_retryable_conflict(engine, agency_db_url, lead_id):
    async with AgencySession(engine) as session:
        await session.exec(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        await session.exec(
            sa.text("SELECT reply_count FROM leads WHERE id = :id"), params={"id": lead_id}
        )
        await _touch_elsewhere(agency_db_url, lead_id)
        error = await failure(
            session,
            "UPDATE leads SET first_name = :value WHERE id = :id",
            value=PERSONAL,
            id=lead_id,
        )
    assert_clean(error, TransactionConflictError, "40001")
    assert error.retryable  # type: ignore[attr-defined]


async def test_a_lock_not_granted_in_time_is_a_retryable_conflict(engine, agency_db_url, lead_id):
    holder = await asyncpg.connect(libpq_dsn(agency_db_url))
    try:
        async with holder.transaction():
            await holder.execute("SELECT FROM leads WHERE id = $1 FOR UPDATE", lead_id)
            async with AgencySession(engine) as session:
                await session.exec(sa.text("SET LOCAL lock_timeout = '50ms'"))
                error = await failure(
                    session,
                    "UPDATE leads SET first_name = :value WHERE id = :id",
                    value=PERSONAL,
                    id=lead_id,
                )
    finally:
        await holder.close()
    assert_clean(error, TransactionConflictError, "55P03")


async def test_an_unreachable_server_is_unavailable(agency_db_url):
    engine = create_engine(agency_db_url.set(port=1))
    try:
        with pytest.raises(DatabaseUnavailableError) as raised:
            async with engine.connect():
                pass
    finally:
        await engine.dispose()
    assert raised.value.retryable
    assert not raised.value.commit_unknown
    assert isinstance(raised.value.__cause__, OSError)


async def test_no_free_pooled_connection_is_unavailable(engine):
    async with engine.connect(), engine.connect():
        with pytest.raises(DatabaseUnavailableError, match="pool_size=2") as raised:
            async with engine.connect():
                pass
    assert isinstance(raised.value.__cause__, sa.exc.TimeoutError)


async def _terminate(url: URL, session: AgencySession) -> None:
    pid = await session.scalar(sa.text("SELECT pg_backend_pid()"))
    connection = await asyncpg.connect(libpq_dsn(url))
    try:
        await connection.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await connection.close()
    await asyncio.sleep(0.05)


@pytest.mark.parametrize("during", ["statement", "commit"])
async def test_a_lost_connection_is_unavailable_and_says_whether_a_commit_may_have_applied(
    engine, agency_db_url, during
):
    async with AgencySession(engine) as session:
        await _terminate(agency_db_url, session)
        fail = (
            session.commit()
            if during == "commit"
            else session.exec(sa.text("SELECT :value"), params={"value": PERSONAL})
        )
        with pytest.raises(DatabaseUnavailableError) as raised:
            await fail
    assert raised.value.commit_unknown == (during == "commit")
    assert PERSONAL not in str(raised.value)
    async with engine.connect() as connection:
        assert await connection.scalar(sa.text("SELECT 1")) == 1


def test_the_engine_hides_bound_parameters(engine):
    assert engine.sync_engine.hide_parameters is True


def test_str_and_repr_of_package_errors_never_raise():
    class Unprintable:
        def __str__(self) -> str:
            raise RuntimeError("no")

    for error in (DatabaseError(Unprintable()), DatabaseUnavailableError("down")):  # type: ignore[arg-type]
        assert str(error) in ("DatabaseError", "down")
        assert repr(error) in ("DatabaseError('DatabaseError')", "DatabaseUnavailableError('down')")


async def test_run_transaction_retries_a_conflict_and_commits_once(engine, agency_db_url, lead_id):
    attempts = []

    async def work(session: AgencySession) -> int:
        attempts.append(1)
        await session.exec(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        count = await session.scalar(
            sa.text("SELECT reply_count FROM leads WHERE id = :id"), params={"id": lead_id}
        )
        if len(attempts) == 1:
            await _touch_elsewhere(agency_db_url, lead_id)
        await session.exec(
            sa.text("UPDATE leads SET reply_count = :count WHERE id = :id"),
            params={"count": count + 10, "id": lead_id},
        )
        return int(count) + 10

    result = await run_transaction(work, engine=engine, backoff=0.001)
    assert len(attempts) == 2
    async with engine.connect() as connection:
        stored = await connection.scalar(
            sa.text("SELECT reply_count FROM leads WHERE id = :id"), {"id": lead_id}
        )
    assert stored == result == 11


async def test_run_transaction_does_not_retry_what_is_not_retryable(engine, lead_id):
    attempts = []

    async def work(session: AgencySession) -> None:
        attempts.append(1)
        await session.exec(sa.text("SELECT CAST('x' AS uuid)"))

    with pytest.raises(InvalidDataError):
        await run_transaction(work, engine=engine, attempts=5, backoff=0.001)
    assert len(attempts) == 1


async def test_run_transaction_gives_up_after_its_attempts(engine):
    attempts = []

    async def work(session: AgencySession) -> None:
        attempts.append(1)
        raise TransactionConflictError("a conflict every time", sqlstate="40001")

    with pytest.raises(TransactionConflictError):
        await run_transaction(work, engine=engine, attempts=3, backoff=0.001)
    assert len(attempts) == 3


async def test_a_pooled_connection_lost_while_idle_is_replaced_before_the_session_sees_it(
    engine, agency_db_url
):
    async with AgencySession(engine) as session:
        pid = await session.scalar(sa.text("SELECT pg_backend_pid()"))
    killer = await asyncpg.connect(libpq_dsn(agency_db_url))
    try:
        assert await killer.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await killer.close()
    async with AgencySession(engine) as session:
        assert await session.scalar(sa.text("SELECT pg_backend_pid()")) != pid
