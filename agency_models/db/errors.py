"""Every database failure as one of the package's errors, described by the server's message
where that names only objects, else by its kind and the names of what it concerns (SQLSTATE,
table, column, constraint); never by values or the statement's parameters, which may be
personal data."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sqlalchemy.engine import ExceptionContext

from agency_models.exceptions import (
    AgencyModelsError,
    ConstraintViolationError,
    DatabaseError,
    DatabaseUnavailableError,
    DuplicateRecordError,
    InvalidDataError,
    PermissionDeniedError,
    TransactionConflictError,
)

_BY_SQLSTATE: dict[str, type[DatabaseError]] = {
    "23505": DuplicateRecordError,
    "42501": PermissionDeniedError,
    "54000": InvalidDataError,
    "40001": TransactionConflictError,
    "40P01": TransactionConflictError,
    "55P03": TransactionConflictError,
    "57P01": DatabaseUnavailableError,
    "57P02": DatabaseUnavailableError,
    "57P03": DatabaseUnavailableError,
    "53300": DatabaseUnavailableError,
}
_BY_CLASS: dict[str, type[DatabaseError]] = {
    "22": InvalidDataError,
    "23": ConstraintViolationError,
    "08": DatabaseUnavailableError,
}
VALUE_FREE_CLASSES = frozenset({"08", "23", "40", "42", "53", "55", "57"})
"""SQLSTATE classes whose primary server message names objects, never values (class 22's
quotes the rejected input; class 23's values are in the detail line, kept out)."""
UNREACHABLE = (OSError, asyncio.TimeoutError)
"""What connecting raises, unwrapped by the driver, when the server cannot be reached."""


def translate(context: ExceptionContext) -> BaseException | None:
    """``handle_error`` hook: the package's error for a failed statement, commit or connect."""
    original = context.original_exception
    if isinstance(original, AgencyModelsError):
        return original
    driver_error = original.__cause__ or original
    sqlstate = _sqlstate(driver_error) or _sqlstate(original)
    if context.is_disconnect and not _is_server_report(sqlstate):
        return unavailable(driver_error)
    return database_error(driver_error, sqlstate)


def unavailable(error: BaseException, *, commit_unknown: bool = False) -> DatabaseUnavailableError:
    """The database could not be reached or the connection was lost."""
    return DatabaseUnavailableError(
        f"database unavailable: {_kind(error)}", commit_unknown=commit_unknown
    )


def database_error(driver_error: BaseException, sqlstate: str | None) -> DatabaseError:
    error_class = _BY_SQLSTATE.get(sqlstate or "") or _BY_CLASS.get((sqlstate or "")[:2])
    names = {
        name: _text(getattr(driver_error, f"{name}_name", None))
        for name in ("table", "column", "constraint")
    }
    if sqlstate == "23502":  # NOT NULL is named by its column
        names["constraint"] = names["constraint"] or names["column"]
    where = "".join(
        f", {name} {names[name]}" for name in ("table", "column", "constraint") if names[name]
    )
    server_message = _text(getattr(driver_error, "message", None))
    if server_message and (sqlstate or "")[:2] in VALUE_FREE_CLASSES:
        message = f"{server_message} (SQLSTATE {sqlstate}{where})"
    else:
        message = f"{_kind(driver_error)} (SQLSTATE {sqlstate or 'unknown'}{where})"
    return (error_class or DatabaseError)(
        message,
        sqlstate=sqlstate,
        detail=_text(getattr(driver_error, "detail", None)),
        **names,
    )


def _is_server_report(sqlstate: str | None) -> bool:
    """An error the server reported with a code of its own (not a lost connection)."""
    return bool(sqlstate) and not (sqlstate or "").startswith("08")


def _sqlstate(error: BaseException) -> str | None:
    return _text(getattr(error, "sqlstate", None) or getattr(error, "pgcode", None))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _kind(error: BaseException) -> str:
    """``InvalidTextRepresentationError`` -> ``invalid text representation``."""
    name = type(error).__name__.removesuffix("Error") or type(error).__name__
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()
