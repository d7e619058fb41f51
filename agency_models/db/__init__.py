"""Runtime layer: engine, sessions and configuration. Models never import this package."""

from agency_models.db.bulk import BulkResult, RejectedRow, bulk_insert, bulk_upsert
from agency_models.db.config import DATABASE_DIRECT_URL, DATABASE_URL, database_url
from agency_models.db.engine import create_engine, dispose_engine, get_engine
from agency_models.db.reads import read_all
from agency_models.db.scoping import ALLOW_HARD_DELETE, INCLUDE_DELETED
from agency_models.db.session import (
    AgencySession,
    act_as_user,
    allow_hard_delete,
    get_db,
    get_db_session,
    get_session_factory,
    run_transaction,
    tenant_session,
)

__all__ = [
    "ALLOW_HARD_DELETE",
    "DATABASE_DIRECT_URL",
    "DATABASE_URL",
    "INCLUDE_DELETED",
    "AgencySession",
    "BulkResult",
    "RejectedRow",
    "act_as_user",
    "allow_hard_delete",
    "bulk_insert",
    "bulk_upsert",
    "create_engine",
    "database_url",
    "dispose_engine",
    "get_db",
    "get_db_session",
    "get_engine",
    "get_session_factory",
    "read_all",
    "run_transaction",
    "tenant_session",
]
