"""Building the package's distributions and installing them into virtualenvs outside the
checkout, as a user of the package gets them."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg

from agency_models.migrations.environment import run_sync
from factories.testdb import TEST_DATABASE_PREFIX, TEST_DATABASE_URL, libpq_dsn, server_url

REPO = Path(__file__).resolve().parents[1]


def build(kind: str, outdir: Path) -> Path:
    """Build the ``"wheel"`` or ``"sdist"`` of the checkout into ``outdir``."""
    subprocess.run(
        [sys.executable, "-m", "build", f"--{kind}", "--outdir", str(outdir), str(REPO)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = outdir.glob("*.whl" if kind == "wheel" else "*.tar.gz")
    return built


def virtualenv(path: Path, *requirements: str) -> Path:
    """A new virtualenv at ``path`` with ``requirements`` installed (from pip's cache when it
    has them); returns its ``bin`` directory."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
    subprocess.run(
        [str(path / "bin" / "pip"), "install", "--quiet", *requirements],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return path / "bin"


DOWNSTREAM_SUITE = REPO / "tests" / "downstream"


def service_checkout(path: Path, *extra_files: tuple[str, str]) -> Path:
    """A directory like a service's checkout, outside this one: ``tests/`` holds the
    downstream suite and ``extra_files`` (name, text); no pytest configuration."""
    tests = path / "tests"
    tests.mkdir(parents=True)
    for source in DOWNSTREAM_SUITE.glob("*.py"):
        (tests / source.name).write_text(source.read_text())
    for name, text in extra_files:
        (tests / name).write_text(text)
    return path


def suite_environment(**settings: str) -> dict[str, str]:
    """This process's environment without what would leak the outer pytest run (its xdist
    worker, its options, its database prefix, the checkout on ``PYTHONPATH``), plus
    ``settings``."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST_") and name != TEST_DATABASE_PREFIX
    }
    return {**inherited, "PYTHONPATH": "", **settings}


def unique_prefix() -> str:
    """A database name prefix no other run uses, to find what a suite left behind."""
    return f"agency_suite_{uuid.uuid4().hex[:12]}"


def run_suite(
    python: str | Path, service: Path, *args: str, **environment: str
) -> subprocess.CompletedProcess[str]:
    """Run pytest with ``python`` in ``service`` on this run's test server."""
    return subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=service,
        env=suite_environment(**{TEST_DATABASE_URL: libpq_dsn(server_url()), **environment}),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def databases_starting_with(prefix: str) -> list[str]:
    """The names of the databases on the test server that start with ``prefix``."""

    async def names() -> list[str]:
        connection = await asyncpg.connect(libpq_dsn(server_url()))
        try:
            rows = await connection.fetch(
                "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", prefix
            )
        finally:
            await connection.close()
        return [row["datname"] for row in rows]

    return run_sync(names())
