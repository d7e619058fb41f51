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


class TimestampMixin(AgencyModel):
    """``created_at`` and ``updated_at``, set by the server.

    A trigger keeps ``updated_at`` current for every writer, ORM or not; the ORM reads both
    back with ``RETURNING``, so they are never stale after a flush.
    """

    created_at: AwareDatetime = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now()}
    )
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
