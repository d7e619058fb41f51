"""Lint the upgrade SQL of every revision with squawk, for locking and rewrite hazards.

squawk reads the frozen snapshots (:mod:`agency_models.migrations.frozen`) with the
repository's ``.squawk.toml``; what a landed revision does that squawk reports, and was accepted
when it landed, is listed in :data:`ACCEPTED` with the reason. A new revision gets no entry by
default: every rule that is on applies to it. ``python -m agency_models.migrations.lint`` exits
1 when squawk reports anything. Why each rule is off or accepted: ``docs/migration-lint.md``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from agency_models.exceptions import ConfigurationError
from agency_models.migrations.frozen import Direction, snapshot_path
from agency_models.migrations.offline import revisions

CONFIG = Path(__file__).parents[2] / ".squawk.toml"

_LANDED = (
    "landed as written, so it stays: changing it now would build databases already past it and "
    "new ones differently. Upgrading a database from before this revision blocks writes to the "
    "table for as long as the step takes on its rows"
)
_NEW_REVISIONS_INSTEAD = (
    "a new revision builds an index on an existing table CONCURRENTLY, in an autocommit block, "
    "and adds a foreign key NOT VALID, validating it in a later revision (as 006 and 007 do for "
    "CHECKs)"
)


def _landed(what: str) -> str:
    return f"{what}: {_LANDED}; {_NEW_REVISIONS_INSTEAD}"


ACCEPTED: Mapping[str, Mapping[str, str]] = {
    "001": {
        "prefer-text-field": "agency_models_version.version_num varchar(32) is Alembic's own "
        "version table, created as Alembic defines it",
    },
    "008": {
        "require-concurrent-index-creation": _landed("ix_leads_lead_pool_id on leads"),
        "constraint-missing-not-valid": _landed("fk_leads_lead_pool_id_lead_pool on leads"),
        "adding-foreign-key-constraint": _landed("fk_leads_lead_pool_id_lead_pool on leads"),
    },
    "010": {
        "require-concurrent-index-creation": _landed(
            "ix_campaign_resources_client_id_client_resource_id on campaign_resources"
        ),
        "constraint-missing-not-valid": _landed(
            "the tenant key (client_id, client_resource_id) of campaign_resources"
        ),
        "adding-foreign-key-constraint": _landed(
            "the tenant key (client_id, client_resource_id) of campaign_resources"
        ),
    },
    "013": {
        "ban-drop-type": "webhook_event_type and audit_action were never used by a column, "
        "nor by the services of the previous release",
    },
}
"""Revision -> squawk rule -> why the landed revision keeps what the rule reports."""


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    message: str

    def describe(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


def squawk_executable() -> str:
    """squawk from this interpreter's environment (``squawk-cli``, in the ``dev`` extra), else
    from ``PATH``."""
    beside = Path(sys.executable).parent / "squawk"
    found = str(beside) if beside.is_file() else shutil.which("squawk")
    if found is None:
        raise ConfigurationError("squawk is not installed: pip install squawk-cli")
    return found


def lint_sql(sql: str, *, path: str, accepted: Iterable[str] = ()) -> list[Violation]:
    """What squawk reports on ``sql`` (reported as ``path``), leaving out the ``accepted``
    rules."""
    if not CONFIG.is_file():
        raise ConfigurationError(f"no squawk configuration at {CONFIG}: lint from a checkout")
    rules = sorted(accepted)
    if rules:
        sql += f"\n-- squawk-ignore-file {', '.join(rules)}\n"
    result = subprocess.run(
        [squawk_executable(), f"--config={CONFIG}", "--reporter=json", f"--stdin-filepath={path}"],
        input=sql,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise ConfigurationError(f"squawk failed ({result.returncode}): {result.stderr.strip()}")
    return [
        Violation(
            path=found["file"],
            line=found["line"] + 1,
            rule=found["rule_name"],
            message=found["message"],
        )
        for found in json.loads(result.stdout)
    ]


def lint_revision(revision: str, *, with_accepted: bool = True) -> list[Violation]:
    path = snapshot_path(revision, Direction.UPGRADE)
    accepted = ACCEPTED.get(revision, {}) if with_accepted else {}
    return lint_sql(path.read_text(encoding="utf-8"), path=_shown(path), accepted=accepted)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(CONFIG.parent))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    shown = revisions()
    violations = [violation for revision in shown for violation in lint_revision(revision)]
    for violation in violations:
        print(violation.describe(), file=sys.stderr)
    if violations:
        print(
            f"squawk: {len(violations)} problems; a landed revision's are accepted only in "
            "agency_models/migrations/lint.py ACCEPTED, with the reason",
            file=sys.stderr,
        )
        return 1
    accepted = sum(len(rules) for rules in ACCEPTED.values())
    print(
        f"squawk: the upgrade SQL of {len(shown)} revisions passes "
        f"({accepted} accepted findings of landed revisions)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
