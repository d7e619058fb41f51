"""The compatibility gate: the previous release's models and factories, installed from its own
wheel into a fresh virtualenv, run the suite ``tests/compat`` against a throwaway database
migrated by this checkout's head. Services of the previous release run exactly so while the
new release rolls out. Run through ``.ci/compat`` (with the checkout's ``.venv``)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from factories.testdb import create_database, drop_database, libpq_dsn

REPO = Path(__file__).resolve().parent.parent
PYTEST_INI = """[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = session
asyncio_default_test_loop_scope = session
"""
"""The suite's configuration, next to it in the temporary directory (so also its rootdir)."""

_started = time.monotonic()


def step(message: str) -> None:
    print(f"== compat [{time.monotonic() - _started:5.1f}s] {message}", flush=True)


def run(*command: str | Path) -> None:
    """Run ``command``; on failure print its output and stop the gate."""
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        step(f"FAILED: {' '.join(map(str, command[:4]))} … (exit {result.returncode})")
        raise SystemExit(1)


def previous_release() -> tuple[str, str] | None:
    printed = subprocess.run(
        [sys.executable, str(REPO / ".ci" / "release_check.py"), "previous-release"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return (printed[0], printed[1]) if printed else None


def build_and_install(commit: str, work: Path) -> Path:
    """The previous release's wheel, installed with its ``factories`` extra; its venv's python."""
    source = work / "source"
    source.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    run(sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", source)
    (wheel,) = (work / "dist").glob("agency_models-*.whl")
    step(f"built {wheel.name}; installing it with its factories extra into a fresh virtualenv")
    run(sys.executable, "-m", "venv", work / "venv")
    python = work / "venv" / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", f"{wheel}[factories]")
    return python


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)
    found = previous_release()
    if found is None:
        print("no previous release: compatibility gate skipped")
        return 0
    commit, version = found
    work = Path(tempfile.mkdtemp(prefix="agency-models-compat-"))
    database = None
    try:
        step(f"previous release {version} (commit {commit[:12]}): building its wheel")
        python = build_and_install(commit, work)
        database = create_database(prefix="agency_models_compat")
        url = libpq_dsn(database)
        step(f"database {database.database}: migrating it with this checkout's head")
        run(REPO / ".venv" / "bin" / "agency-models", "db", "--url", url, "upgrade")
        step(f"tests/compat with {version}'s models and factories")
        shutil.copytree(REPO / "tests" / "compat", work / "compat")
        (work / "pytest.ini").write_text(PYTEST_INI)
        suite = subprocess.run(
            [str(python), "-m", "pytest", "-q", "--tb=line", "-p", "no:cacheprovider", "compat"],
            cwd=work,
            env={
                **os.environ,
                "AGENCY_MODELS_COMPAT_URL": url,
                "AGENCY_MODELS_COMPAT_RELEASE": version,
                "PYTHONPATH": "",
            },
            check=False,
        )
        if suite.returncode != 0:
            step(f"FAILED: services on {version} break on this schema")
            return 1
        step(f"passed: {version} works on this checkout's schema")
        return 0
    finally:
        if database is not None:
            drop_database(database)
        shutil.rmtree(work, ignore_errors=True)
        step("database dropped, temporary files removed")


if __name__ == "__main__":
    sys.exit(main())
