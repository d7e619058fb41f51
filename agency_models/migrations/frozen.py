"""Snapshots of the offline SQL of every landed revision, which must never change.

Each revision's upgrade and downgrade SQL (``migrations.offline.revision_sql``) is committed
under ``alembic/sql/upgrade/<revision>.sql`` and ``alembic/sql/downgrade/<revision>.sql``. The
revisions call :mod:`agency_models.migrations.ddl`, so an edit of a helper changes the SQL of
every revision using it; comparing the SQL itself catches both. The output is deterministic, so
the snapshot is kept verbatim, comments included.

``python -m agency_models.migrations.frozen`` compares (exit 1 on a difference or a revision
without a snapshot); ``--write`` writes the snapshots of revisions that have none and never
overwrites one.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from agency_models.migrations import script_location
from agency_models.migrations.offline import revision_sql, revisions

WRITE_COMMAND = "python -m agency_models.migrations.frozen --write"


class Direction(StrEnum):
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"


def snapshot_directory() -> Path:
    return script_location() / "sql"


def snapshot_path(revision: str, direction: Direction) -> Path:
    return snapshot_directory() / direction.value / f"{revision}.sql"


def current_sql(revision: str, direction: Direction) -> str:
    """What the revision's code emits now."""
    return revision_sql(revision, downgrade=direction is Direction.DOWNGRADE)


@dataclass(frozen=True)
class Mismatch:
    """A revision whose SQL is not its snapshot: ``diff`` is empty when there is no snapshot."""

    revision: str
    direction: Direction
    diff: str

    @property
    def missing(self) -> bool:
        return not self.diff

    def describe(self) -> str:
        path = snapshot_path(self.revision, self.direction)
        if self.missing:
            return (
                f"revision {self.revision} has no {self.direction.value} snapshot ({path}): "
                f"run `{WRITE_COMMAND}`"
            )
        return (
            f"the {self.direction.value} SQL of landed revision {self.revision} changed "
            f"(snapshot {path}); a landed revision and the ddl helpers it calls must keep "
            f"their output: put the change in a new revision\n{self.diff}"
        )


def compare(revision: str, direction: Direction) -> Mismatch | None:
    path = snapshot_path(revision, direction)
    if not path.is_file():
        return Mismatch(revision, direction, diff="")
    frozen = path.read_text(encoding="utf-8")
    current = current_sql(revision, direction)
    if current == frozen:
        return None
    diff = difflib.unified_diff(
        frozen.splitlines(keepends=True),
        current.splitlines(keepends=True),
        fromfile=f"{path.name} (snapshot)",
        tofile=f"{path.name} (now)",
    )
    return Mismatch(revision, direction, diff="".join(diff))


def mismatches() -> list[Mismatch]:
    """Every revision, in both directions, whose SQL differs from its snapshot or has none."""
    found = (compare(revision, direction) for revision in revisions() for direction in Direction)
    return [mismatch for mismatch in found if mismatch is not None]


def write_missing() -> list[Path]:
    """Write the snapshots that do not exist yet; existing ones are left as they are."""
    written = []
    for revision in revisions():
        for direction in Direction:
            path = snapshot_path(revision, direction)
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(current_sql(revision, direction), encoding="utf-8")
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m agency_models.migrations.frozen",
        description="Compare every revision's offline SQL with its committed snapshot.",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the snapshots of revisions that have none (never overwrites one)",
    )
    args = parser.parse_args(argv)
    if args.write:
        for path in write_missing():
            print(f"wrote {path}")
    changed = [mismatch for mismatch in mismatches() if not (args.write and mismatch.missing)]
    for mismatch in changed:
        print(mismatch.describe(), file=sys.stderr)
    if not changed:
        print(f"{len(revisions())} revisions match their snapshots")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
