"""FastAPI integration (the ``agency-models[fastapi]`` extra): sessions whose commit happens
before the response is sent, and the package's errors as HTTP responses.

::

    from fastapi import FastAPI
    from agency_models.fastapi import DbSession, exception_handlers, tenant_db_session

    app = FastAPI(exception_handlers=exception_handlers)
    TenantDb = tenant_db_session(current_client_id)  # your dependency returning a UUID

    @app.post("/leads", status_code=201)
    async def create_lead(payload: LeadCreate, db: TenantDb) -> LeadRead:
        lead = Lead.model_validate(payload)
        db.add(lead)
        await db.flush()
        await db.refresh(lead)  # the server's defaults (created_at, …)
        return LeadRead.model_validate(lead)  # committed before the 201 leaves

A dependency that yields runs its exit code after the response is sent unless declared with
``scope="function"``; these are, so a failed commit becomes an error response, never a 2xx.
Sessions use ``app.state.agency_engine`` when the application sets one, else the process-wide
engine (``DATABASE_URL``).
"""

import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from agency_models.db import AgencySession, get_db_session
from agency_models.exceptions import (
    AgencyModelsError,
    ConstraintViolationError,
    DatabaseError,
    DatabaseUnavailableError,
    DuplicateRecordError,
    HardDeleteError,
    InvalidDataError,
    PermissionDeniedError,
    TenantIsolationError,
    TransactionConflictError,
)

RETRY_AFTER_SECONDS = 5
"""``Retry-After`` of a 503 when the database is unavailable."""


def _engine(request: Request) -> AsyncEngine | None:
    return getattr(request.app.state, "agency_engine", None)


async def _db_session(request: Request) -> AsyncIterator[AgencySession]:
    async with get_db_session(engine=_engine(request)) as session:
        yield session


DbSession = Annotated[AgencySession, Depends(_db_session, scope="function")]
"""A session for the request, committed after the endpoint returns and before the response is
sent (rolled back if the endpoint raises)."""


def tenant_db_session(client_id: Callable[..., Any]) -> Any:
    """An ``Annotated`` dependency like :data:`DbSession`, bound to the tenant the dependency
    ``client_id`` returns for the request (for example, from the caller's token)."""

    async def tenant_session(
        request: Request, tenant: Annotated[uuid.UUID, Depends(client_id)]
    ) -> AsyncIterator[AgencySession]:
        async with get_db_session(client_id=tenant, engine=_engine(request)) as session:
            yield session

    return Annotated[AgencySession, Depends(tenant_session, scope="function")]


_STATUS: tuple[tuple[type[AgencyModelsError], int, str], ...] = (
    (DuplicateRecordError, 409, "duplicate_record"),
    (TransactionConflictError, 409, "transaction_conflict"),
    (InvalidDataError, 422, "invalid_data"),
    (TenantIsolationError, 403, "tenant_isolation"),
    (PermissionDeniedError, 403, "permission_denied"),
    (HardDeleteError, 409, "hard_delete_refused"),
    (DatabaseUnavailableError, 503, "database_unavailable"),
)
_CONSTRAINT_STATUS = {"23503": (409, "foreign_key_violation"), "23505": (409, "duplicate_record")}
"""A broken foreign key or uniqueness conflicts with other rows (409); a CHECK or NOT NULL is
the request's own data (422)."""


def _status(error: AgencyModelsError) -> tuple[int, str]:
    if isinstance(error, ConstraintViolationError) and not isinstance(error, DuplicateRecordError):
        return _CONSTRAINT_STATUS.get(error.sqlstate or "", (422, "constraint_violation"))
    for error_class, status, code in _STATUS:
        if isinstance(error, error_class):
            return status, code
    return 500, "database_error" if isinstance(error, DatabaseError) else "internal_error"


async def handle_package_error(request: Request, error: Exception) -> JSONResponse:
    """The response for one of the package's errors: a status and a code, the constraint's
    name where there is one; never a row's values or another tenant's ids."""
    assert isinstance(error, AgencyModelsError)
    status, code = _status(error)
    body: dict[str, Any] = {"error": code}
    constraint = getattr(error, "constraint", None)
    if constraint:
        body["constraint"] = constraint
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return JSONResponse(body, status_code=status, headers=headers)


exception_handlers: Mapping[Any, Callable[..., Any]] = {AgencyModelsError: handle_package_error}
"""For ``FastAPI(exception_handlers=exception_handlers)``: every package error (matched by its
class, so subclasses included) as the status above."""

__all__ = [
    "RETRY_AFTER_SECONDS",
    "DbSession",
    "exception_handlers",
    "handle_package_error",
    "tenant_db_session",
]
