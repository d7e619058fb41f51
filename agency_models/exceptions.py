"""Errors raised by agency-models; every one subclasses :class:`AgencyModelsError`."""

from __future__ import annotations


class AgencyModelsError(Exception):
    """Root of every error this package raises."""


class ConfigurationError(AgencyModelsError):
    """A required setting (such as ``DATABASE_URL``) is missing or malformed."""


class DatabaseError(AgencyModelsError):
    """The database refused an operation; the original driver error is ``__cause__``."""


class ConstraintViolationError(DatabaseError):
    """A write broke a rule the database enforces: a CHECK, a foreign key, NOT NULL.

    ``constraint`` names the constraint (for example ``ck_leads_als_score_range``); ``detail`` is
    PostgreSQL's detail line, which quotes the offending values and so is kept out of the
    message (and out of logs that print it).
    """

    def __init__(
        self, message: str, *, constraint: str | None = None, detail: str | None = None
    ) -> None:
        super().__init__(message)
        self.constraint = constraint
        self.detail = detail


class DuplicateRecordError(ConstraintViolationError):
    """A write violated a unique constraint or unique index (such as
    ``unique_lead_per_client``)."""


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

    Usually the database was migrated by a newer release of agency-models.
    """


class SchemaDriftError(MigrationError):
    """The database schema differs from the models (``agency-models db check``)."""


__all__ = [
    "AgencyModelsError",
    "ConfigurationError",
    "ConstraintViolationError",
    "DatabaseError",
    "DuplicateRecordError",
    "EncryptionError",
    "HardDeleteError",
    "MigrationError",
    "NaiveDatetimeError",
    "SchemaDriftError",
    "TenantIsolationError",
    "UnknownRevisionError",
]
