"""Offline SQL of the package's revisions: what ``alembic upgrade --sql`` prints, without a
database."""

from __future__ import annotations

import io

from alembic import command
from alembic.script import ScriptDirectory

from agency_models.migrations import alembic_config, script_location

_OFFLINE_URL = "postgresql://offline@localhost/offline"


def revisions() -> list[str]:
    """Every revision this package ships, oldest first."""
    scripts = ScriptDirectory(str(script_location()))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def sql(revision_range: str = "head", *, downgrade: bool = False) -> str:
    """What ``alembic upgrade RANGE --sql`` (or ``downgrade``) prints, without a database:
    ``revision_range`` is a target (``head``, ``004``: from base) or a range ``003:004``; a
    downgrade needs a range (``004:003``)."""
    config = alembic_config(_OFFLINE_URL)
    output = io.StringIO()
    config.output_buffer = output
    if downgrade:
        command.downgrade(config, revision_range, sql=True)
    else:
        command.upgrade(config, revision_range, sql=True)
    return output.getvalue()


def revision_sql(revision: str, *, downgrade: bool = False) -> str:
    """The SQL ``revision`` runs on its own: from its parent up to it, or (``downgrade``) from
    it down to its parent."""
    scripts = ScriptDirectory(str(script_location()))
    parent = scripts.get_revision(revision).down_revision or "base"
    assert isinstance(parent, str), "the package's history is linear"
    config = alembic_config(_OFFLINE_URL)
    output = io.StringIO()
    config.output_buffer = output
    if downgrade:
        command.downgrade(config, f"{revision}:{parent}", sql=True)
    elif parent == "base":
        command.upgrade(config, revision, sql=True)
    else:
        command.upgrade(config, f"{parent}:{revision}", sql=True)
    return output.getvalue()


__all__ = ["revision_sql", "revisions", "sql"]
