"""Faults on a PostgreSQL cluster of the test's own (``initdb`` in a temporary directory, its
own port; never the machine's server): writers commit in a loop while the server restarts.
Every committed write survives, every error a caller sees is one of the package's, and the
same engine works again afterwards."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL
from sqlmodel import select

from agency_models import AgencyModelsError, DatabaseUnavailableError, GlobalSuppression
from agency_models.db import create_engine, get_db_session
from agency_models.migrations import upgrade
from factories.testdb import server_url

WRITERS = 4
RESTARTS = 2


def _bin_dir() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """A throwaway PostgreSQL cluster run as the ``postgres`` user when the tests run as root."""

    def __init__(self, bin_dir: Path, home: Path, port: int) -> None:
        self.bin_dir, self.home, self.port = bin_dir, home, port
        self.data = home / "data"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )

    def pg_ctl(self, *arguments: str) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1"
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.home / "log"),
            "-o",
            options,
            "-w",
            *arguments,
        )

    @property
    def url(self) -> URL:
        return server_url().set(
            host="127.0.0.1",
            port=self.port,
            database="postgres",
            username="postgres",
            password=None,
        )


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("no initdb on this machine")
    home = Path(tempfile.mkdtemp(prefix="agency-models-cluster-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    cluster = Cluster(bin_dir, home, _free_port())
    cluster.init()
    cluster.pg_ctl("start")
    try:
        yield cluster
    finally:
        try:
            cluster.pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(home, ignore_errors=True)


async def test_committed_writes_survive_restarts_and_callers_see_only_package_errors(cluster):
    await asyncio.to_thread(upgrade, cluster.url)
    engine = create_engine(cluster.url, pool_timeout=2)
    committed: set[str] = set()
    errors: list[BaseException] = []
    stop = asyncio.Event()

    async def writer(number: int) -> None:
        sequence = 0
        while not stop.is_set():
            sequence += 1
            email = f"writer{number}.{sequence}@example.com"
            try:
                async with get_db_session(engine=engine) as session:
                    session.add(GlobalSuppression(email=email, reason="restart test"))
            except Exception as error:  # what a caller sees: must be the package's
                errors.append(error)
                await asyncio.sleep(0.05)
            else:
                committed.add(email)

    writers = [asyncio.create_task(writer(number)) for number in range(WRITERS)]
    try:
        for _ in range(RESTARTS):
            await asyncio.sleep(0.5)
            await asyncio.to_thread(cluster.pg_ctl, "restart", "-m", "fast")
        await asyncio.sleep(0.5)
    finally:
        stop.set()
        await asyncio.gather(*writers)

    foreign = [error for error in errors if not isinstance(error, AgencyModelsError)]
    assert foreign == [], [repr(error) for error in foreign[:5]]
    assert any(isinstance(error, DatabaseUnavailableError) for error in errors)
    async with get_db_session(engine=engine) as session:
        stored = set((await session.exec(select(GlobalSuppression.email))).all())
        session.add(GlobalSuppression(email="after.restart@example.com", reason="recovered"))
    await engine.dispose()
    assert committed, "no write committed at all"
    assert committed <= stored
