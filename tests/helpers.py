"""Small helpers shared by the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from pydantic import Secret
from sqlalchemy.engine import URL

from agency_models import Lead, LinkedInCredential
from agency_models.migrations.environment import run_sync
from factories.testdb import libpq_dsn


def query(url: URL, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Run ``sql`` on its own connection (outside any test transaction) and fetch the rows."""

    async def fetch() -> list[asyncpg.Record]:
        connection = await asyncpg.connect(libpq_dsn(url))
        try:
            return await connection.fetch(sql, *args)
        finally:
            await connection.close()

    return run_sync(fetch())


def column(url: URL, sql: str, *args: Any) -> list[Any]:
    """The first column of ``query``'s rows."""
    return [row[0] for row in query(url, sql, *args)]


def fake_encrypt(plaintext: str) -> str:
    """A stand-in for a service's encryption hook: reversible, and never the plaintext."""
    return "enc:" + plaintext.encode()[::-1].hex()


def row_from_create(model: Any, create: Any) -> Any:
    """The table row a service builds from a validated Create schema."""
    if model is LinkedInCredential:
        return model.from_create(create, encrypt=fake_encrypt)
    return model.model_validate(create)


def revealed_payload(schema_object: Any) -> dict[str, Any]:
    """``schema_object`` as the JSON body that produced it: secrets (masked in every dump)
    revealed."""
    payload = schema_object.model_dump(mode="json")
    for name, value in vars(schema_object).items():
        if isinstance(value, Secret):
            payload[name] = value.get_secret_value()
    return payload


@dataclass
class Tenants:
    """A lead of the tenant a session is bound to, and one of another tenant."""

    mine: Lead
    theirs: Lead
