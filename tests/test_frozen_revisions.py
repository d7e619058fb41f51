"""Landed revisions are frozen: their offline SQL is the committed snapshot, byte for byte."""

import io
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy.engine import URL

from agency_models import migrations
from agency_models.migrations import alembic_config, ddl, frozen
from agency_models.migrations.environment import run_sync
from agency_models.migrations.frozen import Direction
from agency_models.migrations.offline import revisions
from factories.testdb import libpq_dsn

READERS_POLICY = "current_user_client_ids('{owner,admin,member,viewer}')"


def test_every_revision_matches_its_snapshot():
    mismatches = frozen.mismatches()
    assert not mismatches, "\n\n".join(mismatch.describe() for mismatch in mismatches)


def test_a_changed_ddl_helper_is_reported_for_each_revision_using_it(monkeypatch):
    using_it = [
        revision
        for revision in revisions()
        if READERS_POLICY in frozen.snapshot_path(revision, Direction.UPGRADE).read_text()
    ]
    monkeypatch.setattr(ddl, "EVERY_ROLE", "{owner,admin,member,viewer,guest}")

    reported = [frozen.compare(revision, Direction.UPGRADE) for revision in revisions()]

    mismatches = [mismatch for mismatch in reported if mismatch is not None]
    assert [mismatch.revision for mismatch in mismatches] == using_it
    assert len(using_it) > 1
    leads = next(mismatch for mismatch in mismatches if mismatch.revision == "004")
    message = leads.describe()
    assert "upgrade SQL of landed revision 004 changed" in message
    assert "-CREATE POLICY leads_select" in message
    assert "+CREATE POLICY leads_select" in message
    assert "'{owner,admin,member,viewer,guest}'" in message


def test_a_revision_without_snapshot_names_the_command_writing_it(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(frozen, "snapshot_directory", lambda: tmp_path)
    monkeypatch.setattr(frozen, "revisions", lambda: ["015", "016"])
    edited = frozen.snapshot_path("015", Direction.UPGRADE)
    edited.parent.mkdir()
    edited.write_text("-- edited by hand\n")

    missing = frozen.compare("016", Direction.UPGRADE)
    assert missing is not None
    assert missing.missing
    assert "revision 016 has no upgrade snapshot" in missing.describe()
    assert frozen.WRITE_COMMAND in missing.describe()

    assert frozen.main(["--write"]) == 1, "an edited snapshot is reported, not overwritten"
    assert edited.read_text() == "-- edited by hand\n"
    written = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.sql")}
    assert written == {
        "upgrade/015.sql",
        "upgrade/016.sql",
        "downgrade/015.sql",
        "downgrade/016.sql",
    }
    assert frozen.write_missing() == []

    edited.write_text(frozen.current_sql("015", Direction.UPGRADE))
    assert frozen.main([]) == 0


def test_the_offline_upgrade_of_the_whole_history_builds_the_models_schema(empty_database: URL):
    config = alembic_config("postgresql://offline@localhost/offline")
    config.output_buffer = output = io.StringIO()
    command.upgrade(config, "base:head", sql=True)
    script = output.getvalue()
    assert script == "".join(
        frozen.snapshot_path(revision, Direction.UPGRADE).read_text() for revision in revisions()
    ), "upgrade base:head --sql is the snapshots one after the other"

    run_sync(_execute(empty_database, script))

    assert migrations.current(empty_database) == migrations.head()
    migrations.check(empty_database)


async def _execute(url: URL, script: str) -> None:
    connection = await asyncpg.connect(libpq_dsn(url))
    try:
        await connection.execute(script)
    finally:
        await connection.close()


@pytest.mark.parametrize("direction", list(Direction))
def test_snapshots_are_only_of_shipped_revisions(direction: Direction):
    snapshots = sorted(path.stem for path in (frozen.snapshot_directory() / direction).glob("*"))
    assert snapshots == revisions()
