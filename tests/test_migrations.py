"""The Alembic history: upgrade, full downgrade, drift check, enum labels, concurrency, wheel."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from agency_models import metadata, migrations
from agency_models.db import AgencySession, create_engine
from agency_models.enums import PG_ENUMS
from agency_models.exceptions import SchemaDriftError, UnknownRevisionError
from agency_models.migrations.environment import LOCK_TABLE
from factories import bind_factories, create_row_per_table
from factories.testdb import libpq_dsn, server_url, throwaway_database
from tests.helpers import column, query
from tests.packaging import virtualenv

OWN_OBJECTS = """
SELECT 'table ' || table_schema || '.' || table_name FROM information_schema.tables
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
UNION ALL SELECT 'type ' || typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE nspname = 'public' AND typtype = 'e'
UNION ALL SELECT 'function ' || nspname || '.' || proname FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema')
UNION ALL SELECT 'schema ' || nspname FROM pg_namespace
    WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
"""


@pytest.fixture
def migrated_database(empty_database) -> URL:
    migrations.upgrade(empty_database)
    return empty_database


def test_upgrade_then_downgrade_to_base_leaves_nothing_then_upgrades_again(empty_database):
    migrations.upgrade(empty_database)
    assert migrations.current(empty_database) == migrations.head()
    migrated = set(column(empty_database, OWN_OBJECTS))
    assert {"schema agency_private", "function agency_private.set_updated_at"} <= migrated

    migrations.downgrade(empty_database, "base")

    assert migrations.current(empty_database) is None
    assert set(column(empty_database, OWN_OBJECTS)) == {
        "table public.agency_models_version",
        f"table public.{LOCK_TABLE}",
    }
    assert query(empty_database, "SELECT * FROM agency_models_version") == []
    assert query(empty_database, f"SELECT * FROM {LOCK_TABLE}") == []

    migrations.upgrade(empty_database)
    assert set(column(empty_database, OWN_OBJECTS)) == migrated
    migrations.check(empty_database)


def test_history_has_one_head_and_every_revision_downgrades():
    script = ScriptDirectory(str(migrations.script_location()))
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        source = Path(revision.path).read_text()
        assert "def downgrade() -> None:" in source
        assert "\n    pass\n" not in source.split("def downgrade() -> None:")[1]


def test_migrated_database_has_no_drift(agency_db_url):
    migrations.check(agency_db_url)


def test_check_reports_enum_labels_missing_from_the_database(empty_database):
    migrations.upgrade(empty_database)
    query(empty_database, "ALTER TYPE lead_status RENAME VALUE 'bounced' TO 'gone'")
    with pytest.raises(SchemaDriftError, match="lead_status"):
        migrations.check(empty_database)


def test_enum_types_store_the_python_values_in_order(agency_db_url):
    rows = query(
        agency_db_url,
        "SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels "
        "FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname",
    )
    in_database = {row["typname"]: list(row["labels"]) for row in rows}
    for enum in PG_ENUMS:
        assert in_database[enum.__pg_type__] == [member.value for member in enum], enum.__name__


AGENCY_MODELS = str(Path(sys.executable).with_name("agency-models"))


def _cli(*args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [AGENCY_MODELS, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


def test_concurrent_upgrades_apply_each_revision_once(empty_database):
    url = libpq_dsn(empty_database)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: _cli("db", "--url", url, "upgrade"), range(8)))

    assert [result.returncode for result in results] == [0] * 8, [r.stderr for r in results]
    applied = sum(result.stderr.count("Running upgrade  -> 001") for result in results)
    assert applied == 1
    assert migrations.current(empty_database) == migrations.head()
    assert column(empty_database, "SELECT count(*) FROM agency_models_version") == [1]


def test_a_database_from_a_newer_release_is_refused_clearly(empty_database):
    migrations.upgrade(empty_database)
    query(empty_database, "UPDATE agency_models_version SET version_num = '999'")

    with pytest.raises(UnknownRevisionError, match="999"):
        migrations.upgrade(empty_database)
    result = _cli("db", "--url", libpq_dsn(empty_database), "upgrade")

    assert result.returncode == 3
    assert "revision 999" in result.stderr
    assert "newer release" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [("server", "cannot reach the database"), ("database", "does not exist")],
)
def test_cli_reports_an_unusable_database_without_a_traceback(missing, message):
    url = (
        "postgresql://postgres@127.0.0.1:1/nowhere"
        if missing == "server"
        else libpq_dsn(server_url().set(database="agency_models_no_such_db"))
    )
    result = _cli("db", "--url", url, "current")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_reports_a_missing_database_url_without_a_traceback():
    result = _cli("db", "current", env={"DATABASE_URL": "", "DATABASE_DIRECT_URL": ""})
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_built_wheel_migrates_an_empty_database_without_a_checkout(
    empty_database, wheel, tmp_path
):
    venv = tmp_path / "venv"
    virtualenv(venv, str(wheel))
    installed = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import agency_models.migrations as m; print(m.script_location())",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert installed.startswith(str(venv)), installed

    env = {"DATABASE_URL": libpq_dsn(empty_database), "PYTHONPATH": ""}
    result = subprocess.run(
        [str(venv / "bin" / "agency-models"), "db", "upgrade"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, **env},
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert migrations.current(empty_database) == migrations.head()


async def _populate_every_table(url: URL) -> None:
    engine = create_engine(url, poolclass=sa.NullPool)
    try:
        async with AgencySession(engine, expire_on_commit=False) as session:
            with bind_factories(session):
                await create_row_per_table()
            await session.commit()
    finally:
        await engine.dispose()


def _row_counts(url: URL) -> dict[str, int]:
    tables = column(
        url,
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public'"
        f" AND table_name NOT IN ('agency_models_version', '{LOCK_TABLE}')",
    )
    return {table: column(url, f"SELECT count(*) FROM {table}")[0] for table in tables}


async def test_downgrading_step_by_step_with_rows_present_then_upgrading_again(empty_database):
    migrations.upgrade(empty_database)
    await _populate_every_table(empty_database)
    counts = _row_counts(empty_database)
    assert set(counts) == set(metadata.tables)
    assert all(count >= 1 for count in counts.values()), counts

    while migrations.current(empty_database) != "001":
        migrations.downgrade(empty_database, "-1")
        remaining = _row_counts(empty_database)
        assert remaining == {table: counts[table] for table in remaining}

    migrations.upgrade(empty_database)
    migrations.check(empty_database)
    await _populate_every_table(empty_database)


@pytest.mark.parametrize(
    ("damage", "reported"),
    [
        ("ALTER TABLE campaigns DISABLE ROW LEVEL SECURITY", "row-level security is disabled"),
        ("DROP POLICY activity_stats_select ON activity_stats", "no row-level-security policy"),
        ("DROP TRIGGER set_updated_at ON users", "no set_updated_at trigger"),
        ("GRANT INSERT ON clients TO anon", "anon holds INSERT"),
        ("GRANT TRUNCATE ON leads TO authenticated", "authenticated holds TRUNCATE"),
        (
            "DROP INDEX unique_lead_per_client;"
            " CREATE UNIQUE INDEX unique_lead_per_client ON leads (client_id, email)",
            "index unique_lead_per_client has WHERE None",
        ),
        (
            "ALTER TABLE leads DROP CONSTRAINT ck_leads_als_score_range;"
            " ALTER TABLE leads ADD CONSTRAINT ck_leads_als_score_range"
            " CHECK (als_score BETWEEN 0 AND 99)",
            "check ck_leads_als_score_range",
        ),
        (
            "ALTER POLICY leads_select ON leads USING (true)",
            r"policy leads_select \(SELECT TO authenticated\) has USING true",
        ),
        (
            "DROP POLICY leads_update ON leads",
            r"has no row-level-security policy leads_update \(UPDATE TO authenticated\)",
        ),
        (
            "CREATE POLICY leads_everyone ON leads FOR SELECT TO anon USING (true)",
            "has an unexpected row-level-security policy leads_everyone",
        ),
        (
            (
                "CREATE OR REPLACE FUNCTION agency_private.set_updated_at() RETURNS trigger"
                " LANGUAGE plpgsql SET search_path = '' AS $$ BEGIN RETURN NEW; END $$",
            ),
            r"function agency_private.set_updated_at\(\) differs from its revision",
        ),
        (
            "DROP TRIGGER keep_client_id ON campaigns",
            "campaigns: has no keep_client_id trigger",
        ),
        ("REVOKE SELECT ON leads FROM authenticated", "authenticated lacks SELECT"),
        (
            "GRANT SELECT (linkedin_password_encrypted) ON client_linkedin_credentials TO anon",
            "anon holds SELECT on column linkedin_password_encrypted",
        ),
        (
            "ALTER TABLE lead_pool DROP CONSTRAINT ck_lead_pool_campaign_needs_client;"
            " ALTER TABLE lead_pool ADD CONSTRAINT ck_lead_pool_campaign_needs_client"
            " CHECK ((campaign_id IS NULL OR client_id IS NOT NULL) AND true)",
            "check ck_lead_pool_campaign_needs_client",
        ),
    ],
)
def test_check_reports_what_alembic_alone_would_miss(migrated_database, damage, reported):
    for statement in damage if isinstance(damage, tuple) else damage.split(";"):
        query(migrated_database, statement)
    with pytest.raises(SchemaDriftError, match=reported):
        migrations.check(migrated_database)


async def test_migrations_run_on_a_connection_the_caller_passes_in(empty_database):
    from alembic import command

    from agency_models.migrations.environment import CONNECTION_ATTRIBUTE

    def upgrade_on(connection: sa.Connection) -> None:
        config = migrations.alembic_config()
        config.attributes[CONNECTION_ATTRIBUTE] = connection
        command.upgrade(config, "head")

    engine = create_engine(empty_database, poolclass=sa.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(upgrade_on)
            locks = await connection.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                )
            )
    finally:
        await engine.dispose()
    assert locks == 0
    assert migrations.current(empty_database) == migrations.head()


def _schema_dump(url: URL) -> str:
    """The schema as pg_dump writes it, without the random key of its ``\\restrict`` lines."""
    dump = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", libpq_dsn(url)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return "\n".join(
        line for line in dump.splitlines() if not line.startswith(("\\restrict", "\\unrestrict"))
    )


def test_an_empty_database_migrated_in_batches_gets_the_schema_of_one_migrated_step_by_step(
    empty_database,
):
    """From an empty database each revision's DDL goes in one message; from an existing one
    (here, after 001) one statement at a time. Both end with the same schema."""
    migrations.upgrade(empty_database)
    with throwaway_database(migrate=False) as stepwise:
        migrations.upgrade(stepwise, "001")
        migrations.upgrade(stepwise)
        assert _schema_dump(stepwise) == _schema_dump(empty_database)


def test_an_empty_database_is_migrated_whole_or_not_at_all(empty_database):
    query(empty_database, "CREATE TABLE leads (id int)")
    with pytest.raises(sa.exc.ProgrammingError, match='relation "leads" already exists'):
        migrations.upgrade(empty_database)
    assert migrations.current(empty_database) is None
    assert column(empty_database, "SELECT to_regclass('campaigns')::text") == [None]
    query(empty_database, "DROP TABLE leads")
    migrations.upgrade(empty_database)
    assert migrations.current(empty_database) == migrations.head()


def test_a_database_with_revisions_keeps_those_a_failing_upgrade_applied(empty_database):
    migrations.upgrade(empty_database, "002")
    query(empty_database, "CREATE TABLE leads (id int)")
    with pytest.raises(sa.exc.ProgrammingError, match='relation "leads" already exists'):
        migrations.upgrade(empty_database)
    assert migrations.current(empty_database) == "003"
