"""Relationships that never load implicitly: under asyncio an implicit lazy load would fail
with ``MissingGreenlet`` in the middle of request handling, so every relationship refuses to
emit SQL on attribute access (rows already in the session still resolve). Load them with
``selectinload()`` / ``joinedload()`` or ``await session.refresh(obj, ["name"])``."""

from __future__ import annotations

from typing import Any

from sqlmodel import Relationship


def relationship(*, back_populates: str | None = None, **options: Any) -> Any:
    """A SQLModel ``Relationship`` with ``lazy="raise_on_sql"``; ``options`` go to SQLAlchemy's
    ``relationship()`` (``primaryjoin``, ``foreign_keys``, ``order_by``, …)."""
    return Relationship(
        back_populates=back_populates,
        sa_relationship_kwargs={"lazy": "raise_on_sql", **options},
    )
