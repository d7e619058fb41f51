"""Behind a transaction pooler (pgbouncer in transaction mode, as Supavisor on Supabase): the
engine's statements, RLS identities and migrations stay correct when every transaction may
run on a different server connection."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from agency_models import migrations
from agency_models.db import act_as_user, create_engine, get_db_session
from agency_models.migrations.environment import LOCK_TABLE
from factories.testdb import create_database, drop_database, libpq_dsn
from tests.helpers import query

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def pgbouncer(direct: URL, pool_size: int) -> Iterator[URL]:
    """pgbouncer in transaction mode in front of ``direct``'s server, with ``pool_size`` server
    connections per database; yields the URL through it."""
    if not os.access(PGBOUNCER, os.X_OK):
        pytest.skip("pgbouncer is not installed (.ci/run installs it)")
    if not direct.host or direct.host.startswith("/"):
        pytest.skip("the test server listens on a socket only; pgbouncer needs TCP here")
    home = Path(tempfile.mkdtemp(prefix="agency-models-pgbouncer-"))
    port = _free_port()
    (home / "users.txt").write_text(f'"{direct.username}" ""\n')
    (home / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={direct.host} port={direct.port or 5432}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {home}/users.txt\npool_mode = transaction\n"
        f"default_pool_size = {pool_size}\nmax_client_conn = 200\nlogfile = {home}/pgbouncer.log\n"
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
                time.sleep(0.1)
        yield direct.set(host="127.0.0.1", port=port)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def pooled_database() -> Iterator[tuple[URL, URL]]:
    """(direct URL, URL through pgbouncer in transaction mode with 2 server connections)."""
    direct = create_database()
    try:
        with pgbouncer(direct, pool_size=2) as pooled:
            yield direct, pooled
    finally:
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


AGENCY_MODELS = str(Path(sys.executable).with_name("agency-models"))


def _upgrade_command(url: URL) -> list[str]:
    return [AGENCY_MODELS, "db", "--url", url.render_as_string(hide_password=False), "upgrade"]


def _cli_upgrade(url: URL, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _upgrade_command(url),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **environment},
    )


def test_an_upgrade_through_a_pool_of_one_server_connection_completes(empty_database):
    with pgbouncer(empty_database, pool_size=1) as pooled:
        done = _cli_upgrade(pooled, AGENCY_MODELS_MIGRATION_LOCK_WAIT="20")
    assert done.returncode == 0, done.stderr
    assert migrations.current(empty_database) == migrations.head()


def test_four_concurrent_deploys_on_a_pool_of_four_all_succeed_each_revision_once(
    empty_database,
):
    with pgbouncer(empty_database, pool_size=4) as pooled:
        deploys = [
            subprocess.Popen(
                [
                    AGENCY_MODELS,
                    "db",
                    "--url",
                    pooled.render_as_string(hide_password=False),
                    "upgrade",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        results = [(deploy.wait(timeout=120), deploy.communicate()[1]) for deploy in deploys]
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    assert query(empty_database, "SELECT version_num FROM agency_models_version")[0][0] == (
        migrations.head()
    )
    migrations.check(empty_database)


def test_a_deploy_waits_a_bounded_time_for_another_deploys_lock(empty_database):
    migrations.upgrade(empty_database, "001")
    query(empty_database, f"INSERT INTO {LOCK_TABLE} (holder) VALUES ('deploy-elsewhere:42')")
    started = time.monotonic()
    done = _cli_upgrade(empty_database, AGENCY_MODELS_MIGRATION_LOCK_WAIT="1")
    assert done.returncode != 0
    assert time.monotonic() - started < 15
    assert "waited 1 s for the migration lock, held by deploy-elsewhere:42" in done.stderr
    assert migrations.current(empty_database) == "001"


async def test_a_migration_blocked_by_live_traffic_gives_up_and_says_so(empty_database):
    migrations.upgrade(empty_database, "013")
    reader = await asyncpg.connect(libpq_dsn(empty_database))
    try:
        async with reader.transaction():
            await reader.execute("LOCK TABLE leads IN ACCESS SHARE MODE")
            done = await asyncio.to_thread(
                _cli_upgrade, empty_database, AGENCY_MODELS_MIGRATION_LOCK_TIMEOUT="200ms"
            )
    finally:
        await reader.close()
    assert done.returncode != 0
    assert "waited a table lock for lock_timeout (200ms)" in done.stderr, done.stderr
    assert migrations.current(empty_database) == "013"
