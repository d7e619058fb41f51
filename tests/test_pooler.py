"""Behind a transaction pooler (pgbouncer in transaction mode, as Supavisor on Supabase): the
engine's statements, RLS identities and migrations stay correct when every transaction may
run on a different server connection."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from agency_models import migrations
from agency_models.db import act_as_user, create_engine, get_db_session
from factories.testdb import create_database, drop_database
from tests.helpers import query

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def pooled_database() -> Iterator[tuple[URL, URL]]:
    """(direct URL, URL through pgbouncer in transaction mode with 2 server connections)."""
    if not os.access(PGBOUNCER, os.X_OK):
        pytest.skip("pgbouncer is not installed (.ci/run installs it)")
    direct = create_database()
    if not direct.host or direct.host.startswith("/"):
        drop_database(direct)
        pytest.skip("the test server listens on a socket only; pgbouncer needs TCP here")
    home = Path(tempfile.mkdtemp(prefix="agency-models-pgbouncer-"))
    port = _free_port()
    (home / "users.txt").write_text(f'"{direct.username}" ""\n')
    (home / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={direct.host} port={direct.port or 5432}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {home}/users.txt\npool_mode = transaction\n"
        f"default_pool_size = 2\nmax_client_conn = 200\nlogfile = {home}/pgbouncer.log\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )
    user = []
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        user = ["-u", "postgres"]
        for path in (home, *home.iterdir()):
            shutil.chown(path, "postgres")
    process = subprocess.Popen([PGBOUNCER, *user, str(home / "pgbouncer.ini")])
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail((home / "pgbouncer.log").read_text())
                asyncio.run(asyncio.sleep(0.1))
        yield direct, direct.set(host="127.0.0.1", port=port)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
        drop_database(direct)


def _advisory_locks(url: URL) -> list[int]:
    return [
        row["pid"]
        for row in query(url, "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted")
    ]


async def _traffic(url: URL, stop: asyncio.Event) -> int:
    """Application transactions through the pooler until ``stop``: each acts as a user."""
    engine = create_engine(url, pool_size=4, max_overflow=0)
    done = 0
    try:
        while not stop.is_set():
            async with get_db_session(engine=engine) as session:
                user = uuid.uuid4()
                await act_as_user(session, user)
                assert await session.scalar(sa.text("SELECT auth.uid()")) == user
            done += 1
    finally:
        await engine.dispose()
    return done


async def test_migrations_through_the_pooler_leave_no_lock_behind(pooled_database):
    direct, pooled = pooled_database
    await asyncio.to_thread(migrations.upgrade, pooled)
    stop = asyncio.Event()
    traffic = [asyncio.create_task(_traffic(pooled, stop)) for _ in range(4)]
    try:
        for _ in range(3):
            await asyncio.to_thread(migrations.downgrade, pooled, "003")
            await asyncio.to_thread(migrations.upgrade, pooled)
            assert _advisory_locks(direct) == []
    finally:
        stop.set()
        transactions = await asyncio.gather(*traffic)
    assert min(transactions) > 0
    assert migrations.current(direct) == migrations.head()
    migrations.check(direct)


async def test_identities_never_leak_between_pooled_transactions(pooled_database):
    direct, pooled = pooled_database
    await asyncio.to_thread(migrations.upgrade, pooled)
    engine = create_engine(pooled, pool_size=8, max_overflow=0)

    async def anonymous_check() -> tuple[object, str]:
        async with get_db_session(engine=engine) as session:
            row = (await session.exec(sa.text("SELECT auth.uid(), current_user::text"))).one()
            return row[0], row[1]

    async def as_user() -> None:
        async with get_db_session(engine=engine) as session:
            await act_as_user(session, uuid.uuid4())
            await session.scalar(sa.text("SELECT count(*) FROM leads"))

    try:
        for _ in range(10):
            results = await asyncio.gather(
                *(as_user() for _ in range(8)), *(anonymous_check() for _ in range(8))
            )
            for uid, role in (r for r in results if r is not None):
                assert uid is None
                assert role == direct.username
    finally:
        await engine.dispose()
