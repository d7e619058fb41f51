"""Where the database is: ``DATABASE_URL`` and ``DATABASE_DIRECT_URL``."""

from __future__ import annotations

import os

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from agency_models.exceptions import ConfigurationError

DATABASE_URL = "DATABASE_URL"
"""The application's URL; in production, the transaction pooler (Supavisor, port 6543)."""
DATABASE_DIRECT_URL = "DATABASE_DIRECT_URL"
"""A direct connection (port 5432), preferred for migrations when set."""

_SSL_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})


def database_url(url: str | URL | None = None, *, direct: bool = False) -> URL:
    """The asyncpg URL to connect to.

    ``url`` wins when given; otherwise ``DATABASE_URL`` (for migrations, ``direct=True``:
    ``DATABASE_DIRECT_URL`` first, then ``DATABASE_URL``). Raises :class:`ConfigurationError`
    naming the variable to set when none is set or the value is not a PostgreSQL URL.
    """
    if url is not None:
        return asyncpg_url(url, source="the url argument")
    names = (DATABASE_DIRECT_URL, DATABASE_URL) if direct else (DATABASE_URL,)
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return asyncpg_url(value, source=name)
    wanted = " or ".join(names)
    raise ConfigurationError(
        f"no database configured: set {wanted} to a PostgreSQL URL, "
        "for example postgresql://user:password@host:5432/database"
    )


def asyncpg_url(url: str | URL, *, source: str) -> URL:
    """``url`` as a ``postgresql+asyncpg`` URL (``postgres://``, ``postgresql://`` and
    ``postgresql+psycopg://`` are accepted; libpq's ``sslmode`` becomes asyncpg's ``ssl``)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(
            f"{source} is not a valid database URL; expected "
            "postgresql://user:password@host:5432/database"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("postgresql", "postgres"):
        raise ConfigurationError(
            f"{source} must point at PostgreSQL (postgresql://...), not {parsed.drivername!r}"
        )
    if not parsed.database:
        raise ConfigurationError(
            f"{source} names no database; expected postgresql://user:password@host:5432/database"
        )
    query = dict(parsed.query)
    sslmode = query.pop("sslmode", None)
    if isinstance(sslmode, str) and "ssl" not in query:
        if sslmode not in _SSL_MODES:
            raise ConfigurationError(f"{source} has an unknown sslmode {sslmode!r}")
        query["ssl"] = sslmode
    return parsed.set(drivername="postgresql+asyncpg", query=query)
