"""Where a database stands against this package's revisions: the history, what is pending, and
waiting for a deploy to bring it to head."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from agency_models.db.config import database_url
from agency_models.migrations import script_location
from agency_models.migrations.environment import (
    database_heads,
    run_sync,
    unknown_revision_error,
)


@dataclass(frozen=True)
class Revision:
    revision: str
    """The id ``db upgrade``, ``downgrade`` and ``stamp`` take: ``001``."""
    name: str
    """Its file name: ``001_foundation``."""
    message: str
    """The first line of its docstring."""


def history() -> list[Revision]:
    """Every revision this package ships, oldest first."""
    scripts = ScriptDirectory(str(script_location()))
    return [
        Revision(script.revision, Path(script.path).stem, (script.doc or "").strip())
        for script in reversed(list(scripts.walk_revisions()))
    ]


def pending(url: str | URL | None = None) -> list[Revision]:
    """The revisions ``upgrade`` would apply to the database, oldest first. Raises
    :class:`~agency_models.exceptions.UnknownRevisionError` when the database is ahead of this
    package."""
    heads = run_sync(database_heads(database_url(url, direct=True)))
    return _pending(heads)


def _pending(heads: tuple[str, ...]) -> list[Revision]:
    error = unknown_revision_error(heads, ScriptDirectory(str(script_location())))
    if error is not None:
        raise error
    revisions = history()
    if not heads:
        return revisions
    (current,) = heads
    position = [revision.revision for revision in revisions].index(current)
    return revisions[position + 1 :]


@dataclass(frozen=True)
class WaitResult:
    at_head: bool
    """True when the database reached this package's head (or is ahead of it)."""
    state: str
    """Where the database was last seen: ``at head 016``, ``at revision 012 (4 pending)``,
    ``empty``, ``unreachable: …``."""
    waited: float
    """Seconds waited."""


def wait_for_head(
    url: str | URL | None = None, *, timeout: float, interval: float = 1.0
) -> WaitResult:
    """Poll the database every ``interval`` seconds until it is at this package's head, for at
    most ``timeout`` seconds; an unreachable database is polled again, not an error.

    A database ahead of this package (migrated by a newer release) counts as at head: each
    release keeps the previous one working, so a service on this one may start.
    """
    return run_sync(_wait(database_url(url, direct=True), timeout, interval))


async def _wait(url: URL, seconds: float, interval: float) -> WaitResult:
    started = time.monotonic()
    deadline = started + seconds
    while True:
        at_head, state = await _poll(url, max(deadline - time.monotonic(), interval))
        now = time.monotonic()
        if at_head or now >= deadline:
            return WaitResult(at_head, state, now - started)
        await asyncio.sleep(min(interval, deadline - now))


async def _poll(url: URL, patience: float) -> tuple[bool, str]:
    try:
        heads = await asyncio.wait_for(database_heads(url), patience)
    except (OSError, TimeoutError) as error:
        return False, f"unreachable: {str(error) or 'no answer in time'}"
    except DBAPIError as error:
        if error.statement:
            raise
        return False, f"unusable: {error.orig}"
    ahead = unknown_revision_error(heads, ScriptDirectory(str(script_location())))
    if ahead is not None:
        return True, (
            f"ahead of this package (head {ahead.head}): at revision {ahead.revision}, "
            "migrated by a newer release"
        )
    missing = _pending(heads)
    if not missing:
        return True, f"at head {heads[0]}"
    if not heads:
        return False, "empty (not migrated)"
    return False, f"at revision {heads[0]} ({len(missing)} pending)"


__all__ = ["Revision", "WaitResult", "history", "pending", "wait_for_head"]
