"""Errors raised by agency-models; every one subclasses :class:`AgencyModelsError`."""

from __future__ import annotations

from typing import Any


class AgencyModelsError(Exception):
    """Root of every error this package raises.

    ``str()`` and ``repr()`` never raise and never show a row's values: messages are built
    from names (table, column, constraint) and codes only.
    """

    def __str__(self) -> str:
        try:
            return str(self.args[0]) if self.args else type(self).__name__
        except Exception:
            return type(self).__name__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class ConfigurationError(AgencyModelsError):
    """A required setting (such as ``DATABASE_URL``) is missing or malformed."""


class DatabaseError(AgencyModelsError):
    """The database refused or failed an operation; the original driver error is
    ``__cause__``.

    ``sqlstate``, ``table``, ``column`` and ``constraint`` come from the server's report when it
    gives them; ``detail`` is PostgreSQL's detail line, which may quote the offending values and
    so is kept out of the message (and out of logs that print it). ``retryable`` says whether
    running the whole transaction again may succeed (see ``agency_models.db.run_transaction``).
    """

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        sqlstate: str | None = None,
        table: str | None = None,
        column: str | None = None,
        constraint: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.table = table
        self.column = column
        self.constraint = constraint
        self.detail = detail


class ConstraintViolationError(DatabaseError):
    """A write broke a rule the database enforces: a CHECK, a foreign key, NOT NULL
    (SQLSTATE class 23); ``constraint`` names it, for example ``ck_leads_als_score_range``."""


class DuplicateRecordError(ConstraintViolationError):
    """A write violated a unique constraint or unique index (such as
    ``unique_lead_per_client``)."""


class InvalidDataError(DatabaseError):
    """The database could not take a value: malformed, out of its type's range, too large for
    the server (SQLSTATE class 22, 54000)."""


class PermissionDeniedError(DatabaseError):
    """The role may not do this: a missing privilege or a row-level-security policy refusing
    the row (SQLSTATE 42501)."""


class TransactionConflictError(DatabaseError):
    """The transaction lost to a concurrent one: a serialization failure, a deadlock, a lock
    not granted in time (SQLSTATE 40001, 40P01, 55P03). Running it again may succeed."""

    retryable = True


class DatabaseUnavailableError(DatabaseError):
    """The database could not be reached or went away: connection refused, reset or lost, the
    server shutting down or starting (57P01, 57P03), too many connections, no pooled connection
    free in time. Retryable; ``commit_unknown`` is true when it happened during a commit, which
    the server may have applied."""

    retryable = True

    def __init__(self, message: str, *, commit_unknown: bool = False, **names: str | None) -> None:
        super().__init__(message, **names)
        self.commit_unknown = commit_unknown


class InvalidBatchError(AgencyModelsError, ValueError):
    """Rows of a bulk write failed their Create schema and the batch was rejected whole;
    ``rejected`` lists them (position and pydantic's errors, without the input)."""

    def __init__(self, message: str, *, rejected: list[Any]) -> None:
        super().__init__(message)
        self.rejected = rejected


class HardDeleteError(AgencyModelsError):
    """A soft-deletable row was hard-deleted without explicitly allowing it."""


class TenantIsolationError(AgencyModelsError):
    """An operation would read or write a row of a tenant other than the session's."""


class EncryptionError(AgencyModelsError):
    """An encryption hook returned something that is not ciphertext of the secret it was
    given (the plaintext itself, or text containing it)."""


class NaiveDatetimeError(AgencyModelsError, ValueError):
    """A datetime without a timezone reached a ``timestamptz`` column."""


class MigrationError(AgencyModelsError):
    """The database schema cannot be migrated as asked."""


class UnknownRevisionError(MigrationError):
    """The database is stamped with a revision this installed package does not know.

    Usually the database was migrated by a newer release of agency-models: ``revision`` is the
    database's, ``head`` this package's newest, ``newer_by`` how many revisions the database
    is ahead when both are numbered (``018`` is 2 past ``016``), else None.
    """

    def __init__(
        self,
        message: str,
        *,
        revision: str | None = None,
        head: str | None = None,
        newer_by: int | None = None,
    ) -> None:
        super().__init__(message)
        self.revision = revision
        self.head = head
        self.newer_by = newer_by


class SchemaDriftError(MigrationError):
    """The database schema differs from the models (``agency-models db check``);
    ``differences`` lists them, one line each."""

    def __init__(self, message: str, *, differences: list[str] | None = None) -> None:
        super().__init__(message)
        self.differences = differences or []


__all__ = [
    "AgencyModelsError",
    "ConfigurationError",
    "ConstraintViolationError",
    "DatabaseError",
    "DatabaseUnavailableError",
    "DuplicateRecordError",
    "EncryptionError",
    "HardDeleteError",
    "InvalidBatchError",
    "InvalidDataError",
    "MigrationError",
    "NaiveDatetimeError",
    "PermissionDeniedError",
    "SchemaDriftError",
    "TenantIsolationError",
    "TransactionConflictError",
    "UnknownRevisionError",
]
