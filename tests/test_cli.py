"""The agency-models command: each command's output and exit code, on real databases."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from agency_models import __version__, migrations
from agency_models.migrations import status
from agency_models.migrations.cli import AHEAD, NOT_THERE_YET, OK, UNUSABLE, main
from factories.testdb import libpq_dsn, throwaway_database
from tests.helpers import query

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLOSED_PORT = "postgresql://postgres@127.0.0.1:1/nowhere"
HEAD = migrations.head()
KEEP_CLIENT_ID_TRIGGERS = "SELECT tgname FROM pg_trigger WHERE tgname = 'keep_client_id'"
"""What revision 016 creates."""
COMMANDS = ["upgrade", "downgrade", "stamp", "current", "head", "history", "pending", "check"]


@pytest.fixture(scope="module")
def migrated() -> Iterator[str]:
    """A database at head that the tests using it leave as they found it."""
    with throwaway_database() as url:
        yield libpq_dsn(url)


@pytest.fixture
def empty(empty_database) -> str:
    return libpq_dsn(empty_database)


@pytest.fixture
def no_database_configured(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_DIRECT_URL", raising=False)


def run(capsys, *args: str) -> tuple[int, str, str]:
    """``agency-models ARGS`` in this process: exit code, stdout, stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_installed(*args: str, **options) -> subprocess.CompletedProcess[str]:
    """The installed ``agency-models`` command, stdin closed unless given."""
    return subprocess.run(
        [str(BIN / "agency-models"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **{"stdin": subprocess.DEVNULL, **options},
    )


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert (exited.value.code, capsys.readouterr().out) == (0, f"agency-models {__version__}\n")


@pytest.mark.parametrize("command", [[], ["db"], *(["db", name] for name in [*COMMANDS, "wait"])])
def test_help_is_plain_text_and_lists_the_exit_codes(capsys, command):
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    shown = capsys.readouterr().out
    assert exited.value.code == 0
    assert "``" not in shown
    assert ":class:" not in shown
    assert re.search(r"exit codes:\n  0 .*\n  1 .*\n(.*\n)*  2 .*\n(.*\n)*  3 .*ahead", shown)


def test_url_is_accepted_before_and_after_the_command(capsys, migrated):
    assert run(capsys, "db", "--url", migrated, "current") == (OK, f"{HEAD}\n", "")
    assert run(capsys, "db", "current", "--url", migrated) == (OK, f"{HEAD}\n", "")


def test_history_needs_no_database_and_marks_the_head(capsys, no_database_configured):
    code, out, err = run(capsys, "db", "history")

    lines = out.splitlines()
    assert (code, err) == (OK, "")
    assert [line.split()[0] for line in lines] == [r.revision for r in status.history()]
    assert lines[0].startswith("001  foundation")
    assert lines[-1].startswith(f"{HEAD}  ")
    assert lines[-1].endswith("<- head")
    assert [line for line in lines if "<-" in line] == [lines[-1]]


def test_history_marks_where_the_database_is(capsys, empty):
    migrations.upgrade(empty, "014")
    code, out, _ = run(capsys, "db", "history", "--url", empty)
    marked = {line.split()[0]: line.split("<- ")[1] for line in out.splitlines() if "<-" in line}
    assert (code, marked) == (OK, {"014": "database", HEAD: "head"})

    code, out, err = run(capsys, "db", "history", "--url", CLOSED_PORT)
    assert code == OK
    assert "<- database" not in out
    assert "cannot read the database's revision" in err


def test_offline_sql_of_a_range_needs_no_database(capsys, no_database_configured):
    code, out, _ = run(capsys, "db", "upgrade", "--sql", "003:004", "--url", CLOSED_PORT)
    assert code == OK
    assert "-- Running upgrade 003 -> 004" in out
    assert "CREATE TABLE leads" in out
    assert "CREATE TABLE campaigns" not in out
    assert out.rstrip().endswith("COMMIT;")

    code, out, _ = run(capsys, "db", "downgrade", "--sql", f"{HEAD}:015")
    assert code == OK
    assert f"-- Running downgrade {HEAD} -> 015" in out
    assert "version_num='015'" in out.replace(" ", "")

    code, _, err = run(capsys, "db", "downgrade", "--sql", "015")
    assert code == UNUSABLE
    assert "<fromrev>:<torev>" in err


def test_pending_until_upgrade_which_times_each_revision(capsys, empty):
    revisions = status.history()

    code, out, err = run(capsys, "db", "pending", "--url", empty)
    assert code == NOT_THERE_YET
    assert [line.split()[0] for line in out.splitlines()] == [r.revision for r in revisions]
    assert f"{len(revisions)} revisions pending" in err

    upgraded = run_installed("db", "upgrade", "--url", empty)
    assert upgraded.returncode == OK, upgraded.stderr
    timed = [line.split() for line in upgraded.stdout.splitlines()[:-1]]
    assert [name for name, _, _ in timed] == [r.name for r in revisions]
    assert all(re.fullmatch(r"\d+\.\d\d", seconds) and unit == "s" for _, seconds, unit in timed)
    assert re.fullmatch(
        rf"upgraded {len(revisions)} revisions in \d+\.\d\d s: the database is at {HEAD}",
        upgraded.stdout.splitlines()[-1],
    )

    assert run(capsys, "db", "pending", "--url", empty) == (
        OK,
        f"nothing pending: the database is at head {HEAD}\n",
        "",
    )
    code, out, _ = run(capsys, "db", "upgrade", "--url", empty)
    assert (code, out) == (OK, f"nothing to do: the database is at {HEAD}\n")


def test_wait_times_out_on_an_empty_database(capsys, empty):
    started = time.monotonic()
    code, _, err = run(
        capsys, "db", "wait", "--url", empty, "--timeout", "0.5", "--interval", "0.1"
    )
    assert code == NOT_THERE_YET
    assert time.monotonic() - started < 5
    assert f"waiting for head {HEAD}: the database is empty (not migrated)" in err


def test_wait_keeps_polling_a_database_it_cannot_reach(capsys):
    code, _, err = run(
        capsys, "db", "wait", "--url", CLOSED_PORT, "--timeout", "0.3", "--interval", "0.1"
    )
    assert code == NOT_THERE_YET
    assert "the database is unreachable" in err


def test_wait_returns_at_once_on_a_database_at_head(capsys, migrated):
    code, out, _ = run(capsys, "db", "wait", "--url", migrated, "--timeout", "30")
    assert code == OK
    assert out.startswith("ready after ")
    assert out.endswith(f": at head {HEAD}\n")
    assert float(out.split()[2]) < 5


def test_downgrade_refuses_without_a_terminal_unless_yes(migrated):
    result = run_installed("db", "downgrade", "base", "--url", migrated)
    assert result.returncode == UNUSABLE
    assert "stdin is not a terminal" in result.stderr
    assert "--yes" in result.stderr
    assert "Traceback" not in result.stderr
    assert migrations.current(migrated) == HEAD


def test_downgrade_on_a_terminal_does_nothing_unless_confirmed(migrated):
    leader, follower = pty.openpty()
    try:
        os.write(leader, b"n\n")
        result = run_installed("db", "downgrade", "base", "--url", migrated, stdin=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == NOT_THERE_YET
    assert f"from {HEAD} to base?" in result.stderr
    assert "[y/N]" in result.stderr
    assert "not downgraded" in result.stderr
    assert migrations.current(migrated) == HEAD


def test_downgrade_confirmed_then_stamp_records_a_revision_without_running_it(capsys, empty):
    migrations.upgrade(empty)
    assert query(make_url(empty), KEEP_CLIENT_ID_TRIGGERS) != []
    leader, follower = pty.openpty()
    try:
        os.write(leader, b"y\n")
        confirmed = run_installed("db", "downgrade", "015", "--url", empty, stdin=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert confirmed.returncode == OK, confirmed.stderr
    assert confirmed.stdout.splitlines()[0].split()[0] == "016_client_id_immutable"

    code, out, _ = run(capsys, "db", "downgrade", "014", "--yes", "--url", empty)
    assert code == OK
    assert re.fullmatch(
        r"undid 1 revision in \d+\.\d\d s: the database is at 014", out.splitlines()[-1]
    )
    code, out, _ = run(capsys, "db", "pending", "--url", empty)
    assert (code, [line.split()[0] for line in out.splitlines()]) == (NOT_THERE_YET, ["015", HEAD])

    code, out, _ = run(capsys, "db", "stamp", HEAD, "--url", empty)
    assert (code, out) == (OK, f"the database is recorded at {HEAD}\n")
    assert run(capsys, "db", "pending", "--url", empty)[0] == OK
    assert query(make_url(empty), KEEP_CLIENT_ID_TRIGGERS) == []


def test_check_passes_on_a_migrated_database(capsys, migrated):
    assert run(capsys, "db", "check", "--url", migrated) == (
        OK,
        "no drift: the database matches the models\n",
        "",
    )


def test_check_prints_one_line_per_difference(capsys, empty):
    migrations.upgrade(empty)
    for constraint in ("ck_campaigns_name_length", "ck_campaigns_daily_limit_range"):
        _execute(empty, f"ALTER TABLE campaigns DROP CONSTRAINT {constraint}")

    code, out, err = run(capsys, "db", "check", "--url", empty)

    differences = [line for line in out.splitlines() if line.startswith("add_constraint")]
    assert code == NOT_THERE_YET
    assert differences == [
        "add_constraint: ck_campaigns_daily_limit_range",
        "add_constraint: ck_campaigns_name_length",
    ]
    assert "schema drift: 2 differences" in err


@pytest.mark.parametrize(
    ("stamped", "said"),
    [
        ("018", "database is ahead: it is at revision 018, 2 revisions newer than this package"),
        ("9f3ab2c1", "database is at revision 9f3ab2c1, which this package"),
    ],
)
def test_a_database_ahead_of_the_package_is_said_so_with_its_own_exit_code(
    capsys, empty, stamped, said
):
    _execute(empty, "CREATE TABLE agency_models_version (version_num varchar(32) PRIMARY KEY)")
    _execute(empty, f"INSERT INTO agency_models_version VALUES ('{stamped}')")

    for command in ("check", "pending", "upgrade"):
        code, out, err = run(capsys, "db", command, "--url", empty)
        assert (command, code) == (command, AHEAD)
        assert said in err
        assert f"head {HEAD}" in err
        assert "drift" not in out + err
    assert query(make_url(empty), "SELECT version_num FROM agency_models_version")[0][0] == stamped
    code, out, _ = run(capsys, "db", "wait", "--url", empty, "--timeout", "0")
    assert code == OK
    assert f"ahead of this package (head {HEAD}): at revision {stamped}" in out


def test_a_new_revision_is_written_ruff_clean(tmp_path):
    for name in ("alembic.ini", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(
        REPO / "alembic", tmp_path / "alembic", ignore=shutil.ignore_patterns("__pycache__")
    )

    written = subprocess.run(
        [str(BIN / "alembic"), "revision", "-m", "add a thing", "--rev-id", "017"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    revision = tmp_path / "alembic" / "versions" / "017_add_a_thing.py"
    assert "Running post write hook" in written.stdout + written.stderr
    assert 'down_revision: str | None = "016"' in revision.read_text()
    for check in (["format", "--check"], ["check"]):
        linted = subprocess.run(
            [str(BIN / "ruff"), *check, str(revision)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert linted.returncode == 0, linted.stdout + linted.stderr


def _execute(dsn: str, statement: str) -> None:
    query(make_url(dsn), statement)
