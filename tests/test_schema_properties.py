"""Property: whatever a Create or Update schema accepts is stored (or raises one of the
package's errors), never a raw driver error, and nothing is written when it fails.

For every table (found from ``agency_models.metadata``), hypothesis draws payloads that start
from a valid factory payload and replace some fields with values of the kinds PostgreSQL or
asyncpg refuse: NUL and lone surrogates in text, arrays, URLs and JSON; integers beyond
int4/int8 and with thousands of digits; datetimes past PostgreSQL's range in either direction
and the instants asyncpg writes as infinity; NaN, infinities and Python objects in JSON; text
far beyond any limit; unknown enum labels and time zones. References point at real rows of one
tenant, so an accepted payload has every reason to be stored.

The number of examples per schema is ``AGENCY_MODELS_PROPERTY_EXAMPLES`` (default 40), so the
gate stays fast; raise it locally to search harder.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, get_args, get_origin

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import domains, urls
from pydantic import BaseModel, ValidationError

import agency_models
import factories
from agency_models.base import (
    AwareDatetime,
    CalendarDate,
    Domain,
    Email,
    IntegerType,
    JsonObject,
    TextType,
    TimeOfDay,
    TimeZoneName,
    WebUrl,
    mapper_registry,
)
from agency_models.base.types import annotated_metadata, unwrap
from agency_models.enums import PgEnum
from agency_models.exceptions import AgencyModelsError
from factories import UserFactory, create_row_per_table
from tests.helpers import revealed_payload, row_from_create

EXAMPLES = int(os.environ.get("AGENCY_MODELS_PROPERTY_EXAMPLES", "40"))
TABLES = sorted(
    (mapper.class_ for mapper in mapper_registry.mappers), key=lambda model: model.__tablename__
)

# Values of each kind, the storable and the not.

ANY_CHARACTER = st.characters(codec=None, categories=None)
"""Every code point, lone surrogates and NUL included."""
EDGE_TEXT = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "😀" * 64, "é" * 255, "x" * 256]
) | st.integers(0, 3).map(lambda index: "x" * (1000, 3000, 100_001, 2**20)[index])
TEXT = st.text(ANY_CHARACTER, max_size=40) | EDGE_TEXT
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
DATETIMES = (
    st.datetimes(timezones=st.none() | st.just(UTC) | OFFSETS)
    | st.sampled_from(
        [
            datetime.min.replace(tzinfo=UTC),
            datetime.max.replace(tzinfo=UTC),
            datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-14))),
            datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14))),
        ]
    )
).map(lambda value: value.isoformat())
INTEGERS = st.integers() | st.sampled_from(
    [2**31 - 1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**40, "9" * 5000, 1.5, True]
)
JSON_LEAVES = (
    st.none()
    | st.booleans()
    | INTEGERS
    | st.floats()
    | st.text(ANY_CHARACTER, max_size=10)
    | st.uuids()
    | st.datetimes()
    | st.binary(max_size=4)
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(ANY_CHARACTER, max_size=5), children, max_size=3)
        | st.frozensets(st.integers(), max_size=2)
    ),
    max_leaves=12,
)


def _nested(depth: int) -> dict[str, Any]:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return {"deep": value}


JSON_OBJECTS = (
    st.dictionaries(st.text(ANY_CHARACTER, max_size=5), JSON_VALUES, max_size=4)
    | st.sampled_from([_nested(31), _nested(33), _nested(200), {"n": math.nan}])
    | st.just("not an object")
)
EMAILS = (
    st.emails()
    | st.sampled_from(
        [
            "jane..doe@example.com",
            ".jane@example.com",
            "jane.@example.com",
            "a@123.45.67.89",
            " Jane@Example.COM ",
        ]
    )
    | TEXT
)


def _values(annotation: Any) -> st.SearchStrategy[Any]:
    """Values a JSON body or a Python caller might send for a field of ``annotation``."""
    value_type = unwrap(annotation)
    origin = get_origin(value_type)
    if origin is list:
        (item,) = get_args(value_type)
        return st.lists(_values(item), max_size=4) | st.just(["x"] * 1001) | TEXT
    if not isinstance(value_type, type):
        return st.none()
    kinds: list[tuple[type, st.SearchStrategy[Any]]] = [
        (Email, EMAILS),
        (Domain, domains() | TEXT),
        (WebUrl, urls() | TEXT),
        (TextType, TEXT),
        (TimeZoneName, st.sampled_from(["Australia/Sydney", "UTC", "Mars/Olympus_Mons"]) | TEXT),
        (IntegerType, INTEGERS),
        (AwareDatetime, DATETIMES),
        (CalendarDate, st.dates().map(date.isoformat) | TEXT),
        (TimeOfDay, st.times(timezones=st.none() | OFFSETS).map(time.isoformat)),
        (JsonObject, JSON_OBJECTS),
        (bool, st.booleans() | TEXT),
        (float, st.floats() | INTEGERS),
        (Decimal, st.decimals().map(str) | INTEGERS),
        (uuid.UUID, st.uuids().map(str) | TEXT),
        (PgEnum, st.sampled_from([member.value for member in value_type]) | TEXT)
        if issubclass(value_type, PgEnum)
        else (PgEnum, st.nothing()),
        (BaseModel, st.none()),
    ]
    for kind, strategy in kinds:
        if issubclass(value_type, kind):
            return strategy
    if any(getattr(meta, "sa_type", None) is not None for meta in annotated_metadata(annotation)):
        return st.none()
    return st.ip_addresses().map(str) | TEXT


def _references(model: Any) -> set[str]:
    """Fields holding a foreign key: the test points them at real rows instead."""
    return {
        column.key
        for column in sa.inspect(model).columns
        if column.foreign_keys and column.key != "id"
    } | {"client_id"}


def payloads(model: Any, schema: Any, base: Callable[[], dict[str, Any]]) -> Any:
    """(a valid payload, up to three fields to replace in it, whether to send it as JSON)."""
    values = {
        name: st.none() | _values(field.annotation)
        for name, field in schema.model_fields.items()
        if name not in _references(model)
    }
    overrides = (
        st.lists(st.sampled_from(sorted(values)), max_size=3, unique=True).flatmap(
            lambda names: st.fixed_dictionaries({name: values[name] for name in names})
        )
        if values
        else st.just({})
    )
    return st.tuples(st.builds(base), overrides, st.booleans())


def _as_json(payload: dict[str, Any]) -> str | None:
    try:
        return json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError):
        return None


def validate(schema: Any, payload: dict[str, Any], as_json: bool) -> Any:
    text = _as_json(payload) if as_json else None
    return schema.model_validate_json(text) if text else schema.model_validate(payload)


def on_loop(loop: asyncio.AbstractEventLoop) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """Run a coroutine on the test's event loop from hypothesis's thread, and wait for it."""

    def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=60)

    return run


PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


async def tenant_references() -> dict[str, Any]:
    """Table name -> the id of a real row, all of one tenant."""
    rows = await create_row_per_table()
    rows["users"] = await UserFactory.create_async()
    return {table: row.id for table, row in rows.items()}


def pointed(
    model: Any, schema: Any, payload: dict[str, Any], targets: dict[str, Any]
) -> dict[str, Any]:
    """``payload`` with every reference the schema takes pointing at a real row."""
    for column in sa.inspect(model).columns:
        for key in column.foreign_keys:
            if key.column.name == "id" and column.key in schema.model_fields:
                payload[column.key] = str(targets[key.column.table.name])
    return payload


async def stored(session: Any, table: str, row_id: Any) -> Any:
    sql = sa.text(f"SELECT to_jsonb(t) FROM {table} t WHERE id = :id")
    return await session.scalar(sql, {"id": row_id})


async def count(session: Any, table: str) -> int:
    return int(await session.scalar(sa.text(f"SELECT count(*) FROM {table}")))


@pytest.mark.parametrize("model", [pytest.param(m, id=m.__tablename__) for m in TABLES])
async def test_whatever_a_create_schema_accepts_is_stored(agency_session, model):
    create = getattr(agency_models, f"{model.__name__}Create")
    factory = getattr(factories, f"{model.__name__}CreateFactory")
    targets = await tenant_references()
    run = on_loop(asyncio.get_running_loop())
    reached = 0
    """Accepted payloads that reached the database (stored, or refused by it with a package
    error: a second row for a reference that admits one, such as a client's credentials)."""

    async def attempt(payload: dict[str, Any], as_json: bool) -> None:
        nonlocal reached
        try:
            row = row_from_create(model, validate(create, payload, as_json))
        except ValidationError:
            return
        before = await count(agency_session, model.__tablename__)
        reached += 1
        try:
            async with agency_session.begin_nested():
                agency_session.add(row)
                await agency_session.flush()
        except AgencyModelsError:
            assert await count(agency_session, model.__tablename__) == before

    @PROPERTY_SETTINGS
    @given(payloads(model, create, lambda: revealed_payload(factory.build())))
    def check(drawn: tuple[dict[str, Any], dict[str, Any], bool]) -> None:
        base, overrides, as_json = drawn
        run(attempt(pointed(model, create, {**base, **overrides}, targets), as_json))

    await asyncio.to_thread(check)
    assert reached > 0, "no accepted payload: the property was never exercised"


@pytest.mark.parametrize("model", [pytest.param(m, id=m.__tablename__) for m in TABLES])
async def test_whatever_an_update_schema_accepts_is_applied(agency_session, model):
    update = getattr(agency_models, f"{model.__name__}Update")
    row = await getattr(factories, f"{model.__name__}Factory").create_async()
    row_id = row.id
    run = on_loop(asyncio.get_running_loop())
    applied = 0

    async def attempt(payload: dict[str, Any], as_json: bool) -> None:
        nonlocal applied
        try:
            changes = validate(update, payload, as_json).model_dump(exclude_unset=True)
        except ValidationError:
            return
        before = await stored(agency_session, model.__tablename__, row_id)
        try:
            async with agency_session.begin_nested():
                row.sqlmodel_update(changes)
                await agency_session.flush()
            applied += 1
        except AgencyModelsError:
            assert await stored(agency_session, model.__tablename__, row_id) == before
        await agency_session.refresh(row)

    @PROPERTY_SETTINGS
    @given(payloads(model, update, dict))
    def check(drawn: tuple[dict[str, Any], dict[str, Any], bool]) -> None:
        _, overrides, as_json = drawn
        run(attempt(overrides, as_json))

    await asyncio.to_thread(check)
    assert applied > 0, "no accepted payload: the property was never exercised"
