"""The release rules of ``.ci/release_check.py`` on throwaway git repositories, and its
expand/contract analysis on synthetic SQL and on the package's own revisions. No database."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

CI = Path(__file__).resolve().parent.parent / ".ci"
sys.path.insert(0, str(CI))

import expand_contract  # noqa: E402
import release_changelog  # noqa: E402
import release_check  # noqa: E402
from release_versions import InvalidVersionError, Version  # noqa: E402

from agency_models.migrations.offline import revision_sql, revisions  # noqa: E402

DATED = "## [1.0.0] - 2026-12-03\n\n### Added\n\n- Everything.\n"


class Repo:
    """A git repository holding a miniature of this one: version, changelog, revisions."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sql: dict[str, str] = {}
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=self.root,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def write(self, path: str, text: str) -> None:
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(text)

    def commit(
        self,
        version: str | None = None,
        changelog: str | None = None,
        files: dict[str, str] | None = None,
    ) -> str:
        if version is not None:
            self.write(
                "agency_models/__init__.py", f'"""The package."""\n\n__version__ = "{version}"\n'
            )
        if changelog is not None:
            self.write("CHANGELOG.md", f"# Changelog\n\n{changelog}")
        for path, text in (files or {}).items():
            self.write(path, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", "change")
        return self.git("rev-parse", "HEAD").strip()

    def revision(self, revision: str, parent: str | None, sql: str, docstring: str = "") -> None:
        self.sql[revision] = sql
        self.write(
            f"alembic/versions/{revision}_change.py",
            f'"""{revision}\n\n{docstring}\n"""\n\nrevision: str = "{revision}"\n'
            f"down_revision: str | None = {parent!r}\n",
        )

    def check(self) -> tuple[list[str], list[str]]:
        return release_check.check(self.root, self.sql.__getitem__)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path)
    repo.revision("001", None, "CREATE TABLE leads (id UUID NOT NULL, email TEXT NOT NULL);")
    return repo


@pytest.fixture
def released(repo: Repo) -> Repo:
    """1.0.0 released (its release commit after one development commit), then 1.1.0.dev0."""
    repo.commit("1.0.0.dev0", "## [Unreleased]\n\n- The first tables.\n")
    repo.commit("1.0.0", f"## [Unreleased]\n\n{DATED}")
    repo.commit("1.1.0.dev0", f"## [Unreleased]\n\n{DATED}")
    return repo


def unreleased(entry: str) -> str:
    return f"## [Unreleased]\n\n### Changed\n\n- {entry}\n\n{DATED}"


# --- versions ---------------------------------------------------------------------------------


def test_versions_order_as_pep_440_says():
    ordered = ["1.0.0.dev0", "1.0.0a1", "1.0.0rc1", "1.0.0", "1.0.0.post1", "1.0.1.dev0", "1.1.0"]
    versions = [Version.parse(text) for text in ordered]
    assert all(older < newer for older, newer in itertools.pairwise(versions))
    assert Version.parse("1.0") == Version.parse("1.0.0")
    assert Version.parse("2.0.0.dev0").major == 2
    assert Version.parse("1.1.0.dev3").is_development


@pytest.mark.parametrize("text", ["1.0.0+local", "one", "1..0", ""])
def test_a_version_pep_440_does_not_allow_is_refused(text):
    with pytest.raises(InvalidVersionError):
        Version.parse(text)


# --- changelog --------------------------------------------------------------------------------


def test_the_changelog_gives_unreleased_entries_and_dated_releases():
    log = release_changelog.parse(
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n<!-- nothing -->\n\n- A table.\n\n"
        "## [1.1.0] - 2027-01-02\n\n- More.\n\n## [1.0.0] - 2026-12-03\n"
    )
    assert log.problems == []
    assert log.unreleased == ["- A table."]
    assert [str(version) for version in log.releases] == ["1.1.0", "1.0.0"]


def test_an_unreleased_section_of_sub_headings_only_is_empty():
    log = release_changelog.parse("## [Unreleased]\n\n### Added\n\n### Fixed\n\n")
    assert not log.has_unreleased_entries


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("## [1.0.0] - 2026-12-03\n\n## [Unreleased]\n", "must be the first '## ' heading"),
        ("## [Unreleased]\n\n## [1.0.0]\n", "neither"),
        ("## [Unreleased]\n\n## [1.0.0] - 2026-13-01\n", "month must be in 1..12"),
        ("## [Unreleased]\n\n## [1.1.0.dev0] - 2026-12-03\n", "never released"),
        ("## [Unreleased]\n\n## [1.0.0] - 2026-12-03\n\n## [1.1.0] - 2026-12-04\n", "newest first"),
        ("## [Unreleased]\n\n## [1.0.0] - 2026-12-03\n\n## [1.0.0] - 2026-12-04\n", "twice"),
    ],
)
def test_a_malformed_changelog_is_reported(text, problem):
    problems = release_changelog.parse(text).problems
    assert any(problem in line for line in problems), problems


# --- release rules on git histories -----------------------------------------------------------


def test_before_any_release_a_change_needs_an_unreleased_entry(repo):
    repo.commit("1.0.0.dev0", "## [Unreleased]\n\n### Added\n")
    problems, notes = repo.check()
    assert any("(no release yet) but '## [Unreleased]'" in problem for problem in problems)
    assert "no previous release: expand/contract check skipped" in notes

    repo.commit(changelog="## [Unreleased]\n\n- The first tables.\n")
    assert repo.check()[0] == []


def test_a_release_commit_and_the_development_version_after_it_pass(released):
    assert released.check()[0] == []
    released.git("checkout", "-q", "HEAD~1")
    problems, notes = released.check()
    assert problems == []
    assert "a release commit" in notes[0]


def test_a_release_commit_may_leave_the_unreleased_section_out(repo):
    repo.commit("1.0.0", DATED)
    assert repo.check()[0] == []
    repo.commit("1.1.0.dev0", f"## [Unreleased]\n\n{DATED}")
    assert repo.check()[0] == []


def test_a_release_commit_moves_the_unreleased_entries_under_its_heading(repo):
    repo.commit("1.0.0", f"## [Unreleased]\n\n- Forgotten.\n\n{DATED}")
    problems, _ = repo.check()
    assert any("still has entries" in problem for problem in problems)


def test_after_a_release_a_package_change_needs_an_unreleased_entry(released):
    released.commit(files={"agency_models/models.py": "TABLES = 2\n"})
    problems, _ = released.check()
    assert any("changed since 1.0.0" in problem for problem in problems)

    released.commit(changelog=unreleased("A second table."))
    assert released.check()[0] == []


def test_a_change_outside_the_package_needs_no_entry(released):
    released.commit(files={"docs/notes.md": "How we work.\n", "tests/test_x.py": "X = 1\n"})
    assert released.check()[0] == []


def test_a_change_after_a_release_must_not_keep_the_released_version(repo):
    repo.commit("1.0.0", f"## [Unreleased]\n\n{DATED}")
    repo.commit(files={"factories/extra.py": "X = 1\n"}, changelog=unreleased("Extra factory."))
    problems, _ = repo.check()
    assert any("still says 1.0.0" in problem for problem in problems)


def test_a_final_version_needs_its_dated_heading(released):
    released.commit("1.1.0", unreleased("A second table."))
    problems, _ = released.check()
    assert any("has no '## [1.1.0] - YYYY-MM-DD'" in problem for problem in problems)


@pytest.mark.parametrize("version", ["0.9.0.dev0", "1.0.0.dev1"])
def test_the_version_never_goes_backwards(released, version):
    released.commit(version, unreleased("Something."))
    problems, _ = released.check()
    assert any("already released" in problem for problem in problems)
    assert any("went backwards: 1.1.0.dev0" in problem for problem in problems)


def test_a_version_that_is_not_pep_440_is_refused(released):
    released.commit("1.1-beta-x", unreleased("Something."))
    problems, _ = released.check()
    assert any("not a PEP 440 version" in problem for problem in problems)


def test_the_previous_release_is_the_newest_release_commit_of_another_version(released):
    release_commit = released.git("rev-parse", "HEAD~1").strip()
    printed = subprocess.run(
        [
            sys.executable,
            str(CI / "release_check.py"),
            "previous-release",
            "--repo",
            str(released.root),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert printed.split() == [release_commit, "1.0.0"]

    released.git("checkout", "-q", "HEAD~1")  # the release commit itself: the one before it
    state, _ = release_check.read_state(released.root)
    assert state is not None
    assert state.previous_release is None


def test_a_shallow_clone_is_refused_rather_than_judged_without_its_releases(
    released, tmp_path_factory
):
    shallow = tmp_path_factory.mktemp("shallow")
    released.git("clone", "-q", "--depth", "1", f"file://{released.root}", str(shallow))
    problems, _ = release_check.check(shallow, released.sql.__getitem__)
    assert any("the clone is shallow" in problem for problem in problems)


# --- expand/contract on git histories ---------------------------------------------------------


DROP_EMAIL = "ALTER TABLE leads DROP COLUMN email;"


def test_a_revision_breaking_the_previous_release_fails_a_minor_release(released):
    released.revision("002", "001", DROP_EMAIL)
    released.commit(changelog=unreleased("Drop leads.email."))
    problems, _ = released.check()
    assert problems[0].startswith("revision 002: drop column leads.email")
    assert "breaks services still on 1.0.0" in problems[0]
    assert "2.0.0" in problems[1]


def test_a_major_release_may_break_the_previous_one(released):
    released.revision("002", "001", DROP_EMAIL)
    released.commit("2.0.0.dev0", unreleased("Drop leads.email."))
    problems, notes = released.check()
    assert problems == []
    assert any(note.startswith("breaking, allowed in a major release: 002") for note in notes)


def test_a_reviewed_marker_accepts_exactly_the_finding_it_names(released):
    released.revision(
        "002", "001", DROP_EMAIL, "compat: drop column leads.email: unused since 1.0.0"
    )
    released.commit(changelog=unreleased("Drop leads.email."))
    problems, notes = released.check()
    assert problems == []
    assert "002: drop column leads.email accepted: unused since 1.0.0" in notes


@pytest.mark.parametrize(
    ("marker", "problem"),
    [
        ("compat: drop column leads.name: typo", "accepts nothing this revision does"),
        ("compat: drop column leads.email:", "needs a reason"),
    ],
)
def test_a_marker_naming_nothing_or_giving_no_reason_fails(released, marker, problem):
    released.revision("002", "001", DROP_EMAIL, marker)
    released.commit(changelog=unreleased("Drop leads.email."))
    problems, _ = released.check()
    assert any(problem in line for line in problems), problems


def test_additive_revisions_pass_and_only_revisions_since_the_release_are_judged(released):
    released.revision("002", "001", "ALTER TABLE leads ADD COLUMN phone TEXT;")
    released.commit(changelog=unreleased("leads.phone."))
    problems, notes = released.check()
    assert problems == []
    assert "expand/contract: 1 revision(s) since 1.0.0" in notes[1]


# --- the analysis of SQL ----------------------------------------------------------------------


BEFORE = """
CREATE TABLE leads (
    id UUID NOT NULL, email TEXT NOT NULL, score INTEGER DEFAULT 0 NOT NULL, note TEXT,
    CONSTRAINT pk_leads PRIMARY KEY (id), CONSTRAINT ck_leads_score CHECK (score >= 0),
    CONSTRAINT uq_leads_email UNIQUE (email)
);
CREATE UNIQUE INDEX unique_lead ON leads (email) WHERE note IS NULL;
CREATE INDEX ix_leads_score ON leads (score);
CREATE TYPE lead_status AS ENUM ('new', 'old');
"""


def subjects(sql: str) -> list[str]:
    return [finding.subject for finding in expand_contract.breaking_changes({"017": sql}, [BEFORE])]


@pytest.mark.parametrize(
    ("sql", "subject"),
    [
        ("DROP TABLE leads", "drop table leads"),
        ("DROP TABLE IF EXISTS public.leads CASCADE", "drop table leads"),
        ("ALTER TABLE leads DROP COLUMN note", "drop column leads.note"),
        ('ALTER TABLE "leads" DROP "note"', "drop column leads.note"),
        ("ALTER TABLE leads RENAME TO prospects", "rename table leads"),
        ("ALTER TABLE leads RENAME COLUMN note TO notes", "rename column leads.note"),
        ("ALTER TABLE leads RENAME note TO notes", "rename column leads.note"),
        (
            "ALTER TABLE leads RENAME CONSTRAINT uq_leads_email TO uq_email",
            "rename constraint leads.uq_leads_email",
        ),
        ("ALTER TABLE leads ALTER COLUMN score TYPE BIGINT", "change type of leads.score"),
        (
            "ALTER TABLE leads ALTER score SET DATA TYPE TEXT USING score::text",
            "change type of leads.score",
        ),
        ("ALTER TABLE leads ALTER COLUMN note SET NOT NULL", "set not null on leads.note"),
        ("ALTER TABLE leads ALTER COLUMN score DROP DEFAULT", "drop default of leads.score"),
        (
            "ALTER TABLE leads ADD COLUMN owner UUID NOT NULL",
            "add column leads.owner not null without default",
        ),
        (
            "ALTER TABLE leads ADD owner UUID PRIMARY KEY",
            "add column leads.owner not null without default",
        ),
        ("DROP TYPE lead_status", "drop type lead_status"),
        (
            "ALTER TYPE lead_status RENAME VALUE 'old' TO 'stale'",
            "rename value of type lead_status",
        ),
        ("ALTER TYPE lead_status RENAME TO status", "rename type lead_status"),
        (
            "ALTER TABLE leads DROP CONSTRAINT uq_leads_email",
            "drop unique constraint leads.uq_leads_email",
        ),
        ("ALTER TABLE leads DROP CONSTRAINT pk_leads", "drop unique constraint leads.pk_leads"),
        (
            "ALTER TABLE leads DROP CONSTRAINT leads_email_key",
            "drop unique constraint leads.leads_email_key",
        ),
        ("DROP INDEX CONCURRENTLY IF EXISTS unique_lead", "drop unique index unique_lead"),
        ("ALTER INDEX unique_lead RENAME TO unique_leads", "rename index unique_lead"),
        ("DROP SCHEMA agency_private CASCADE", "drop schema agency_private"),
        (
            "DO $$ BEGIN IF true THEN ALTER TABLE leads DROP COLUMN note; END IF; END $$",
            "drop column leads.note",
        ),
        (
            "DO $$ BEGIN EXECUTE format('ALTER TABLE %s DROP COLUMN note', 'leads'); END $$",
            "drop column %s.note",
        ),
    ],
)
def test_a_statement_breaking_the_previous_release_is_found(sql, subject):
    assert subjects(sql) == [subject]


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE leads ADD COLUMN phone TEXT",
        "ALTER TABLE leads ADD COLUMN tries INTEGER DEFAULT 0 NOT NULL",
        "ALTER TABLE leads ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY NOT NULL",
        "ALTER TABLE leads ADD COLUMN n BIGSERIAL NOT NULL",
        "ALTER TABLE leads ADD CONSTRAINT ck_leads_note CHECK (note <> '') NOT VALID",
        "ALTER TABLE leads VALIDATE CONSTRAINT ck_leads_note",
        "ALTER TABLE leads ALTER COLUMN email DROP NOT NULL",
        "ALTER TABLE leads ALTER COLUMN note SET DEFAULT 'x'",
        "ALTER TABLE leads DROP CONSTRAINT ck_leads_score",
        "DROP INDEX ix_leads_score",
        "CREATE INDEX CONCURRENTLY ix_leads_note ON leads (note)",
        "ALTER TYPE lead_status ADD VALUE 'lost'",
        "ALTER TABLE leads ENABLE ROW LEVEL SECURITY",
        "COMMENT ON TABLE leads IS 'DROP TABLE leads'",
        "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ DROP TABLE leads $$",
        "CREATE TABLE notes (id UUID); ALTER TABLE notes RENAME TO memos; DROP TABLE memos",
        "ALTER TABLE leads ADD COLUMN owner UUID; ALTER TABLE leads ALTER owner SET NOT NULL",
        "CREATE TYPE mood AS ENUM ('ok'); ALTER TYPE mood RENAME VALUE 'ok' TO 'y'; DROP TYPE mood",
        "CREATE UNIQUE INDEX uq_note ON leads (note); DROP INDEX uq_note",
        "ALTER TABLE leads ADD CONSTRAINT uq_note UNIQUE (note); "
        "ALTER TABLE leads DROP CONSTRAINT uq_note",
        "-- DROP TABLE leads\nSELECT 1",
    ],
)
def test_a_statement_the_previous_release_survives_is_not_reported(sql):
    assert subjects(sql) == []


def test_markers_are_read_from_the_revision_docstring(tmp_path):
    revision = tmp_path / "017_x.py"
    revision.write_text(
        '"""drop the old column\n\ncompat: drop column leads.note: unused since 1.2.0\n"""\n'
        "# compat: drop table leads: comments do not count\n"
    )
    assert expand_contract.accepted_subjects(revision) == {
        "drop column leads.note": "unused since 1.2.0"
    }


# --- the package's own revisions --------------------------------------------------------------


@pytest.fixture(scope="module")
def package_sql() -> dict[str, str]:
    return {revision: revision_sql(revision) for revision in revisions()}


def test_the_checker_reads_the_package_history_as_alembic_does():
    files = release_check.revision_files(Path(__file__).resolve().parent.parent)
    chain = release_check.revision_chain({str(path): path.read_text() for path in files.values()})
    assert chain == revisions()


def test_the_landed_revisions_break_nothing_as_one_first_release(package_sql):
    assert expand_contract.breaking_changes(package_sql) == []


def test_each_landed_revision_judged_as_if_all_before_it_were_released(package_sql):
    """013 drops two enum types 001 created: against a release holding 001-012 that is
    reported (the SQL cannot show that no column used them), so such a revision after 1.0.0
    carries a reviewed marker. As part of the first release it holds nothing back."""
    found = []
    names = list(package_sql)
    for index, revision in enumerate(names):
        before = [package_sql[name] for name in names[:index]]
        found += expand_contract.breaking_changes({revision: package_sql[revision]}, before)
    assert [(f.revision, f.subject) for f in found] == [
        ("013", "drop type webhook_event_type"),
        ("013", "drop type audit_action"),
    ]


def test_a_landed_downgrade_is_seen_as_the_removal_it_is(package_sql):
    downgrade = revision_sql("012", downgrade=True)
    found = expand_contract.breaking_changes({"012-down": downgrade}, package_sql.values())
    assert [finding.subject for finding in found] == [
        "drop table sdk_usage_log",
        "drop table client_intelligence",
    ]
