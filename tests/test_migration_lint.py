"""squawk, with the repository's configuration, stops a hazardous new revision and passes the
landed ones (with their accepted findings): the same check as the squawk step of .ci/run."""

from agency_models.migrations import lint
from agency_models.migrations.offline import revisions

HAZARDOUS_017 = """BEGIN;

-- Running upgrade 016 -> 017

CREATE INDEX ix_leads_phone ON leads (phone);

ALTER TABLE leads ADD COLUMN priority INTEGER NOT NULL;

ALTER TABLE leads ALTER COLUMN notes TYPE VARCHAR(500);

ALTER TABLE leads ADD CONSTRAINT ck_leads_priority_range CHECK (priority >= 0);

ALTER TABLE leads ADD CONSTRAINT fk_leads_owner_users FOREIGN KEY(owner_id) REFERENCES users (id);

CREATE INDEX CONCURRENTLY ix_leads_priority ON leads (priority);

UPDATE agency_models_version SET version_num='017' WHERE agency_models_version.version_num = '016';

COMMIT;
"""

SAFE_017 = """BEGIN;

-- Running upgrade 016 -> 017

ALTER TABLE leads ADD COLUMN priority INTEGER DEFAULT 0 NOT NULL;

ALTER TABLE leads ADD CONSTRAINT ck_leads_priority_range CHECK (priority >= 0) NOT VALID;

COMMIT;

CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_leads_priority ON leads (priority);

BEGIN;

ALTER TABLE leads VALIDATE CONSTRAINT ck_leads_priority_range;

UPDATE agency_models_version SET version_num='017' WHERE agency_models_version.version_num = '016';

COMMIT;
"""


def test_a_hazardous_new_revision_fails_naming_each_hazard():
    violations = lint.lint_sql(HAZARDOUS_017, path="017.sql")

    found = {(violation.line, violation.rule) for violation in violations}
    assert found == {
        (5, "require-concurrent-index-creation"),
        (7, "adding-required-field"),
        (9, "changing-column-type"),
        (9, "prefer-text-field"),
        (11, "constraint-missing-not-valid"),
        (13, "constraint-missing-not-valid"),
        (13, "adding-foreign-key-constraint"),
        (15, "ban-concurrent-index-creation-in-transaction"),
        (15, "prefer-robust-stmts"),
    }
    assert all(violation.path == "017.sql" for violation in violations)


def test_the_same_changes_written_without_hazards_pass():
    assert lint.lint_sql(SAFE_017, path="017.sql") == []


def test_the_landed_revisions_pass_with_their_accepted_findings():
    assert lint.main([]) == 0
    assert all(lint.lint_revision(revision) == [] for revision in revisions())


def test_every_accepted_finding_is_of_a_landed_revision_and_still_reported():
    for revision, accepted in lint.ACCEPTED.items():
        assert revision in revisions()
        reported = {
            violation.rule for violation in lint.lint_revision(revision, with_accepted=False)
        }
        assert set(accepted) <= reported, f"{revision}: accepted but not reported"
        assert all(reason.strip() for reason in accepted.values())
