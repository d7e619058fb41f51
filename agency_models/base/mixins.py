"""Columns every table shares. A table lists the mixins it needs after its ``XBase``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, col

from agency_models.base.model import AgencyModel
from agency_models.base.types import AwareDatetime


class UUIDMixin(AgencyModel):
    """UUID primary key, generated in Python so it is known before flush, and by the server
    (``gen_random_uuid()``) for rows inserted by raw SQL."""

    id: uuid.UUID = Field(
        default_factory=uuid.uuid4,
        primary_key=True,
        sa_column_kwargs={"server_default": sa.text("gen_random_uuid()"), "insert_sentinel": True},
    )


class CreatedAtMixin(AgencyModel):
    """``created_at``, set by the server when the row is inserted (read back with ``RETURNING``)."""

    created_at: AwareDatetime = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now()}
    )


class TimestampMixin(CreatedAtMixin):
    """``created_at`` and ``updated_at``, set by the server.

    A trigger keeps ``updated_at`` current for every writer, ORM or not; the ORM reads it back
    with ``RETURNING``, so it is never stale after a flush.
    """

    updated_at: AwareDatetime = Field(
        default=None,
        sa_column_kwargs={"server_default": sa.func.now(), "server_onupdate": sa.FetchedValue()},
    )


class SoftDeleteMixin(AgencyModel):
    """``deleted_at``: a row is deleted by stamping it, and restored by clearing it."""

    deleted_at: AwareDatetime | None = None

    @hybrid_property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @is_deleted.inplace.expression
    @classmethod
    def _is_deleted_expression(cls) -> ColumnElement[bool]:
        return col(cls.deleted_at).is_not(None)

    def soft_delete(self) -> None:
        self.deleted_at = datetime.now(UTC)

    def restore(self) -> None:
        self.deleted_at = None


class TenantMixin(AgencyModel):
    """``client_id``: the tenant owning the row; deleting the client deletes the row.

    A tenant table also puts :func:`tenant_key` in its ``__table_args__``: the unique
    ``(client_id, id)`` that indexes ``client_id`` and that other tables of the same tenant
    reference with composite foreign keys.
    """

    client_id: uuid.UUID = Field(foreign_key="clients.id", ondelete="CASCADE")


def tenant_key() -> sa.UniqueConstraint:
    """``UNIQUE (client_id, id)`` of a tenant table (a fresh object for each table)."""
    return sa.UniqueConstraint("client_id", "id")


def tenant_reference(
    column: str, target: str, *, on_delete: str | None = None
) -> sa.ForeignKeyConstraint:
    """``FOREIGN KEY (client_id, column) REFERENCES target (client_id, id)``: the referenced row
    must belong to the same tenant, whatever writes the row.

    ``on_delete`` defaults to NO ACTION; ``"SET NULL"`` clears only ``column`` (PostgreSQL 15),
    never ``client_id``.
    """
    action = f"SET NULL ({column})" if on_delete == "SET NULL" else on_delete
    return sa.ForeignKeyConstraint(
        ["client_id", column], [f"{target}.client_id", f"{target}.id"], ondelete=action
    )


class Entry(UUIDMixin, CreatedAtMixin):
    """A row that is appended and rarely changed: ``id`` and ``created_at``."""


class Record(UUIDMixin, TimestampMixin):
    """A row that changes: ``id``, ``created_at`` and ``updated_at``."""


class DeletableRecord(Record, SoftDeleteMixin):
    """A :class:`Record` that is soft-deleted."""


class TenantEntry(TenantMixin, Entry):
    """An :class:`Entry` of one tenant."""


class TenantRecord(TenantMixin, Record):
    """A :class:`Record` of one tenant."""


class DeletableTenantRecord(TenantMixin, DeletableRecord):
    """A :class:`DeletableRecord` of one tenant."""
