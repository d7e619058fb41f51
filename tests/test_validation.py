"""Bad input never reaches a table.

Every table is found from ``agency_models.metadata``. Each field of its Create and Update
schemas gets every class of bad input its annotation admits (wrong type, unknown enum label,
malformed email/domain/URL, unknown time zone, text too long, too short or holding NUL, number
out of range or too precise, naive datetime, aware time of day, non-JSON value, too many list
items), and so do unknown and server-owned fields: each raises a ``ValidationError`` naming that
one field and the error type, and nothing is written. The same invariants broken by raw SQL,
bypassing the models, are refused by PostgreSQL: every bounded field, lower-cased column, NOT
NULL column, enum column, unique key and foreign key (all found from the metadata), and the
table-level CHECKs; the package's engine reports them as ``ConstraintViolationError`` /
``DuplicateRecordError`` naming the constraint (unknown enum labels as SQLSTATE 22P02).
"""

from __future__ import annotations

import inspect
import math
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import UnionType
from typing import Any, Union, get_args, get_origin

import annotated_types
import pytest
import sqlalchemy as sa
from pydantic import IPvAnyAddress, Secret, ValidationError
from pydantic.fields import FieldInfo

import agency_models
import factories
from agency_models import CampaignCreate
from agency_models.base import (
    AwareDatetime,
    CalendarDate,
    Domain,
    Email,
    IntegerType,
    JsonObject,
    NormalizedText,
    TenantMixin,
    TextType,
    TimeOfDay,
    TimeZoneName,
    WebUrl,
    mapper_registry,
)
from agency_models.base.checks import field_checks, field_constraints
from agency_models.base.model import fitted_name
from agency_models.base.types import annotated_metadata, unwrap
from agency_models.enums import PgEnum
from agency_models.exceptions import (
    ConstraintViolationError,
    DatabaseError,
    DuplicateRecordError,
    InvalidDataError,
)
from factories import (
    CampaignCreateFactory,
    CampaignFactory,
    ClientFactory,
    ClientResourceFactory,
    LeadPoolFactory,
    ResourcePoolFactory,
)
from tests.helpers import revealed_payload, row_from_create

NAIVE = "2024-05-01T09:00:00"

# --------------------------------------------------------------------------------------------
# The tables, and the few ways they differ.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table class with its schemas and factories, found by name (``Lead`` -> ``LeadCreate``,
    ``LeadUpdate``, ``LeadFactory``, ``LeadCreateFactory``)."""

    model: Any

    @property
    def name(self) -> str:
        return str(self.model.__tablename__)

    @property
    def table(self) -> sa.Table:
        return self.model.__table__

    @property
    def create(self) -> Any:
        return getattr(agency_models, f"{self.model.__name__}Create")

    @property
    def update(self) -> Any:
        return getattr(agency_models, f"{self.model.__name__}Update")

    @property
    def factory(self) -> Any:
        return getattr(factories, f"{self.model.__name__}Factory")

    @property
    def create_factory(self) -> Any:
        return getattr(factories, f"{self.model.__name__}CreateFactory")

    def column(self, name: str) -> str:
        return str(sa.inspect(self.model).columns[name].name)

    def __str__(self) -> str:
        return self.name


METADATA = agency_models.metadata
"""Every table of the package (reading it loads them all into ``mapper_registry``)."""
_CLASSES = {mapper.local_table.name: mapper.class_ for mapper in mapper_registry.mappers}
TABLES = [Table(_CLASSES[name]) for name in sorted(METADATA.tables)]
BY_NAME = {table.name: table for table in TABLES}

APPEND_ONLY = {
    "conversion_pattern_history": "versions are archived by a trigger and never change",
    "sdk_usage_log": "a logged agent run never changes (the platform only soft-deletes it)",
}
"""Tables whose Update schema has no field: an update to them is refused or empty, so the
update tests have no valid change to make."""

GUARDED = {("resource_pool", "current_clients"): "ck_resource_pool_current_clients"}
"""Columns a trigger keeps: it refuses every direct write, before their CHECK could, naming
this constraint."""


async def _assigned_to_a_client() -> dict[str, Any]:
    return {"client_id": (await ClientFactory.create_async()).id}


RAW_ROW = {"lead_pool": _assigned_to_a_client}
"""How the raw-SQL cases make a table's row when its factory's default will not do: a pool
lead starts unassigned, and its reference to a campaign only holds once it has a client."""


def _params(cases: Callable[[Table], Iterator[tuple[str, Any]]]) -> list[Any]:
    return [
        pytest.param(table, case, id=f"{table.name}-{kind}")
        for table in TABLES
        for kind, case in cases(table)
    ]


def _table_checks(table: Table) -> dict[str, sa.CheckConstraint]:
    """The CHECKs written on the table itself, not derived from one field's declaration."""
    derived = {
        name if name.startswith("ck_") else f"ck_{table.name}_{name}"
        for name in (str(check.name) for check in field_checks(table.model, table.table))
    }
    return {
        str(check.name): check
        for check in table.table.constraints
        if isinstance(check, sa.CheckConstraint) and str(check.name) not in derived
    }


def _entangled(table: Table) -> set[str]:
    """Fields a one-field change could break a rule of other columns or rows with: references,
    unique keys and the columns of table-level CHECKs."""
    columns = table.table.columns
    keys = [index.columns for index in table.table.indexes if index.unique] + [
        constraint.columns
        for constraint in table.table.constraints
        if isinstance(constraint, sa.UniqueConstraint)
    ]
    entangled = {column.key for column in columns if column.foreign_keys}
    entangled |= {column.key for key in keys for column in key}
    for check in _table_checks(table).values():
        words = set(re.findall(r"\w+", str(check.sqltext)))
        entangled |= {column.key for column in columns if column.name in words}
    return entangled


# --------------------------------------------------------------------------------------------
# Bad input, derived from each field's annotation.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """One bad value for one field, and the single error it must cause (at ``field`` followed
    by ``below``: a list item's index)."""

    kind: str
    field: str
    value: Any
    error: str
    below: tuple[int, ...] = ()

    @property
    def expected(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [((self.field, *self.below), self.error)]


Case = tuple[str, Any, str, tuple[int, ...]]
"""(kind, value, error type, location below the field)."""

NORMALIZED = {
    Email: (
        "jane@example.com",
        ["not-an-email", "jane@", "jane@example", "jane@@example.com", "jane..doe@example.com"],
        "j" * 250 + "@example.com",
    ),
    Domain: ("example.com", ["not a domain", "not_a_domain", "localhost"], "a" * 60 + ".com" * 49),
    WebUrl: (
        "https://example.com",
        ["not a url", "ftp://example.com/file", "https://"],
        "https://example.com/" + "x" * 2048,
    ),
}
"""Per pattern-validated text type: a valid value, malformed ones, one too long."""


def _flat(constraints: list[Any]) -> list[Any]:
    """Constraints, with those of a ``Field(...)`` inside an ``Annotated`` lifted out."""
    nested = [meta for info in constraints if isinstance(info, FieldInfo) for meta in info.metadata]
    return [*constraints, *nested]


def _setting(constraints: list[Any], name: str) -> Any:
    values = [getattr(meta, name, None) for meta in _flat(constraints)]
    return next((value for value in values if value is not None), None)


def _beyond(constraints: list[Any], cast: Any, low: Any = None, high: Any = None) -> list[Case]:
    """Values just outside the tightest bound on each side (the type's own bounds included)."""
    lows = [(cast(low), cast(low) - 1, "greater_than_equal")] if low is not None else []
    highs = [(cast(high), cast(high) + 1, "less_than_equal")] if high is not None else []
    for meta in _flat(constraints):
        if isinstance(meta, annotated_types.Ge):
            lows.append((cast(meta.ge), cast(meta.ge) - 1, "greater_than_equal"))
        elif isinstance(meta, annotated_types.Gt):
            lows.append((cast(meta.gt) + 1, cast(meta.gt), "greater_than"))
        elif isinstance(meta, annotated_types.Le):
            highs.append((cast(meta.le), cast(meta.le) + 1, "less_than_equal"))
        elif isinstance(meta, annotated_types.Lt):
            highs.append((cast(meta.lt) - 1, cast(meta.lt), "less_than"))
    found = []
    if lows:
        found.append(max(lows, key=lambda bound: bound[0]))
    if highs:
        found.append(min(highs, key=lambda bound: bound[0]))
    return [("out-of-range", value, error, ()) for _, value, error in found]


def _text_cases(value_type: Any, constraints: list[Any]) -> tuple[Any, list[Case]]:
    flat = _flat(constraints)
    longest = min(
        [value_type.max_length]
        + [meta.max_length for meta in flat if isinstance(meta, annotated_types.MaxLen)]
    )
    shortest = max(
        [0] + [meta.min_length for meta in flat if isinstance(meta, annotated_types.MinLen)]
    )
    cases: list[Case] = [
        ("wrong-type", 42, "string_type", ()),
        ("too-long", "x" * (longest + 1), "string_too_long", ()),
        ("nul-in-text", "a\x00b", "text_nul", ()),
    ]
    if shortest:
        cases.append(("too-short", "x" * (shortest - 1), "too_short", ()))
    return "x" * max(shortest, 1), cases


def _decimal_cases(constraints: list[Any]) -> list[Case]:
    cases = [("wrong-type", "lots", "decimal_parsing", ()), *_beyond(constraints, Decimal)]
    digits, places = _setting(constraints, "max_digits"), _setting(constraints, "decimal_places")
    if places is not None:
        cases.append(("too-many-decimal-places", f"0.{'0' * places}1", "decimal_max_places", ()))
    bounded_above = any(
        isinstance(meta, annotated_types.Le | annotated_types.Lt) for meta in _flat(constraints)
    )
    if digits is not None and places is not None and not bounded_above:
        cases.append(("too-many-digits", 10 ** (digits - places), "decimal_whole_digits", ()))
    return cases


def _cases(annotation: Any, constraints: list[Any]) -> tuple[Any, list[Case]]:
    """A valid value of the annotated type, and the bad values it must refuse. An unknown type
    has none (see test_every_field_of_every_schema_gets_bad_input_of_its_type)."""
    value_type = unwrap(annotation)
    if get_origin(value_type) is Secret:
        (inner,) = get_args(value_type)
        return _cases(inner, annotated_metadata(inner))
    if get_origin(value_type) is list:
        (item,) = get_args(value_type)
        item_value, item_cases = _cases(item, annotated_metadata(item))
        cases: list[Case] = [("wrong-type", "not a list", "list_type", ())]
        longest = _setting(constraints, "max_length")
        if longest is not None:
            cases.append(("too-many-items", [item_value] * (longest + 1), "too_long", ()))
        cases += [(kind, [value], error, (0, *below)) for kind, value, error, below in item_cases]
        return [item_value], cases
    if not isinstance(value_type, type):
        return None, []
    if issubclass(value_type, PgEnum):
        labels = [member.value for member in value_type]
        return labels[0], [
            ("wrong-type", 42, "enum", ()),
            ("unknown-enum", "no-such-label", "enum", ()),
        ]
    if issubclass(value_type, NormalizedText):
        valid, malformed, too_long = NORMALIZED[value_type]
        error = value_type.error_type
        return valid, [
            ("wrong-type", 42, error, ()),
            *((f"malformed-{error}", value, error, ()) for value in malformed),
            ("too-long", too_long, error, ()),
        ]
    if issubclass(value_type, TextType):
        return _text_cases(value_type, constraints)
    if value_type is TimeZoneName:
        return "UTC", [
            ("wrong-type", 42, "time_zone", ()),
            ("unknown-time-zone", "Mars/Olympus_Mons", "time_zone", ()),
        ]
    if issubclass(value_type, IntegerType):
        low, high = value_type.bounds
        cases = [("wrong-type", "seven", "int_parsing", ()), *_beyond(constraints, int, low, high)]
        return max(0, _setting(constraints, "ge") or 0), cases
    if value_type is float:
        cases = [("wrong-type", "half", "float_parsing", ()), *_beyond(constraints, float)]
        return 0.5, cases
    if issubclass(value_type, Decimal):
        return "0", _decimal_cases(constraints)
    if value_type is bool:
        return True, [("wrong-type", "maybe", "bool_parsing", ())]
    if value_type is uuid.UUID:
        return str(uuid.uuid4()), [("wrong-type", "nobody", "uuid_parsing", ())]
    if value_type is IPvAnyAddress:
        return "203.0.113.7", [("wrong-type", "not-an-ip", "ip_any_address", ())]
    if value_type is AwareDatetime:
        return "2024-05-01T09:00:00+10:00", [
            ("wrong-type", "not a date", "datetime_from_date_parsing", ()),
            ("naive-datetime", NAIVE, "timezone_aware", ()),
            ("out-of-range", "0001-01-01T00:00:00+00:00", "greater_than_equal", ()),
            ("out-of-range", "9999-12-31T23:59:59.999999+00:00", "less_than_equal", ()),
        ]
    if value_type is CalendarDate:
        return "2024-05-01", [
            ("wrong-type", "yesterday", "date_from_datetime_parsing", ()),
            ("out-of-range", "0001-01-01", "greater_than_equal", ()),
            ("out-of-range", "9999-12-31", "less_than_equal", ()),
        ]
    if value_type is TimeOfDay:
        return "09:00:00", [
            ("wrong-type", "noon", "time_parsing", ()),
            ("aware-time", "09:00:00+10:00", "timezone_naive", ()),
        ]
    if value_type is JsonObject:
        return {}, [
            ("wrong-type", "not a mapping", "dict_type", ()),
            ("not-json", {"score": math.nan}, "json_value", ()),
        ]
    return None, []


def bad_inputs(name: str, info: FieldInfo) -> list[Bad]:
    _, cases = _cases(info.annotation, field_constraints(info))
    return [Bad(kind, name, value, error, below) for kind, value, error, below in cases]


def _forbidden(kind: str, model: Any, names: set[str]) -> list[Bad]:
    """Fields the schema does not declare, with plausible values: only their presence is wrong."""
    return [
        Bad(kind, name, _cases(info.annotation, field_constraints(info))[0], "extra_forbidden")
        for name, info in model.model_fields.items()
        if name in names
    ]


def create_bad(table: Table) -> list[Bad]:
    create = set(table.create.model_fields)
    return [
        Bad("unknown-field", "nickname", "x", "extra_forbidden"),
        *_forbidden("server-owned", table.model, set(table.model.model_fields) - create),
        *(
            bad
            for name, info in table.create.model_fields.items()
            for bad in bad_inputs(name, info)
        ),
    ]


def update_bad(table: Table) -> list[Bad]:
    create, update = set(table.create.model_fields), set(table.update.model_fields)
    return [
        Bad("unknown-field", "nickname", "x", "extra_forbidden"),
        *_forbidden("server-owned", table.model, set(table.model.model_fields) - create - update),
        *_forbidden("fixed", table.create, create - update),
        *(
            bad
            for name, info in table.update.model_fields.items()
            for bad in bad_inputs(name, info)
        ),
    ]


# --------------------------------------------------------------------------------------------
# Helpers: the flows a service uses, and what the database holds.
# --------------------------------------------------------------------------------------------


def _references(table: Table) -> set[str]:
    return {column.key for column in table.table.columns if column.foreign_keys}


async def valid_payload(session: Any, table: Table) -> dict[str, Any]:
    """A valid Create payload whose references point at real rows of one tenant: those of a
    factory-made row, deleted again so it takes no unique slot (one credential per client…)."""
    payload = revealed_payload(table.create_factory.build())
    wanted = _references(table) & set(table.create.model_fields)
    if wanted:
        row = await table.factory.create_async()
        refs = {name: getattr(row, name) for name in wanted}
        await session.exec(
            sa.text(f"DELETE FROM {table.name} WHERE id = :id"), params={"id": row.id}
        )
        session.expunge(row)
        payload |= {name: None if value is None else str(value) for name, value in refs.items()}
    return payload


async def create_through_schema(session: Any, table: Table, payload: Mapping[str, Any]) -> Any:
    """What a service does with a request body: validate, build the row, flush."""
    row = row_from_create(table.model, table.create.model_validate(payload))
    session.add(row)
    await session.flush()
    return row


def update_through_schema(row: Any, table: Table, payload: Mapping[str, Any]) -> None:
    """What a service does with a PATCH body: validate, apply only what was sent."""
    row.sqlmodel_update(table.update.model_validate(payload).model_dump(exclude_unset=True))


async def scalar(session: Any, sql: str, **params: Any) -> Any:
    return (await session.exec(sa.text(sql), params=params)).scalar_one()


async def row_count(session: Any, table: str) -> int:
    return int(await scalar(session, f"SELECT count(*) FROM {table}"))


async def stored_row(session: Any, table: str, row_id: Any) -> dict[str, Any]:
    """The row as PostgreSQL holds it (raw SQL: no ORM cache, no soft-delete filter)."""
    return dict(
        await scalar(session, f"SELECT to_jsonb(t) FROM {table} t WHERE id = :id", id=row_id)
    )


async def assign_and_flush(session: Any, row: Any, name: str, value: Any) -> None:
    """Set an attribute of a table object and flush, in a savepoint."""
    async with session.begin_nested():
        setattr(row, name, value)
        await session.flush()


def errors_of(error: ValidationError) -> list[tuple[tuple[str | int, ...], str]]:
    return [(e["loc"], e["type"]) for e in error.errors()]


def valid_change(table: Table, row: Any) -> dict[str, Any]:
    """One field of the Update set to a valid value the row does not have: free text, else a
    flag, an enum, a time or a count, on a field no other column's or row's rule involves."""
    entangled = _entangled(table)
    fields = sorted(
        (name, unwrap(info.annotation))
        for name, info in table.update.model_fields.items()
        if name not in entangled
    )
    for kind in (TextType, bool, PgEnum, AwareDatetime, IntegerType):
        for name, value_type in fields:
            if not (isinstance(value_type, type) and issubclass(value_type, kind)):
                continue
            current = getattr(row, name)
            if kind is TextType:
                return {name: "changed by the test"}
            if kind is bool:
                return {name: not current}
            if kind is PgEnum:
                return {name: next(label for label in value_type if label != current).value}
            if kind is AwareDatetime:
                return {name: datetime.now(UTC).isoformat()}
            low = _setting(field_constraints(table.update.model_fields[name]), "ge") or 0
            return {name: low + 1 if current == low else low}
    raise LookupError(f"{table.update.__name__} has no field a valid change can be made to")


# --------------------------------------------------------------------------------------------
# Schemas refuse bad input, and nothing is written.
# --------------------------------------------------------------------------------------------


def misjudged(bad: Bad, error: ValidationError | None) -> list[Any]:
    """Nothing when ``error`` is exactly the one error ``bad`` must cause; else what happened."""
    got = "accepted" if error is None else errors_of(error)
    return [] if got == bad.expected else [(bad.kind, bad.field, bad.value, got)]


@pytest.mark.parametrize("table", TABLES, ids=str)
async def test_create_refuses_bad_input_and_writes_nothing(agency_session, table):
    payload = await valid_payload(agency_session, table)
    before = await row_count(agency_session, table.name)

    wrong = []
    for bad in create_bad(table):
        try:
            await create_through_schema(agency_session, table, {**payload, bad.field: bad.value})
        except ValidationError as error:
            wrong += misjudged(bad, error)
        else:
            wrong += misjudged(bad, None)
    assert wrong == []
    await agency_session.flush()
    assert await row_count(agency_session, table.name) == before

    # The same flow with the untouched payload does write: the count above is meaningful.
    await create_through_schema(agency_session, table, payload)
    assert await row_count(agency_session, table.name) == before + 1


@pytest.mark.parametrize("table", TABLES, ids=str)
async def test_update_refuses_bad_input_and_writes_nothing(agency_session, table):
    row = await table.factory.create_async()
    before = await stored_row(agency_session, table.name, row.id)

    wrong = []
    for bad in update_bad(table):
        try:
            update_through_schema(row, table, {bad.field: bad.value})
        except ValidationError as error:
            wrong += misjudged(bad, error)
        else:
            wrong += misjudged(bad, None)
    assert wrong == []
    await agency_session.flush()
    assert await stored_row(agency_session, table.name, row.id) == before

    if table.name in APPEND_ONLY:
        assert table.update.model_validate({}).model_dump(exclude_unset=True) == {}
        return
    # A valid update through the same flow does change the stored row.
    change = valid_change(table, row)
    update_through_schema(row, table, change)
    await agency_session.flush()
    after = await stored_row(agency_session, table.name, row.id)
    assert after != before
    stored = {name: after[table.column(name)] for name in change}
    assert table.update.model_validate(stored).model_dump(exclude_unset=True) == (
        table.update.model_validate(change).model_dump(exclude_unset=True)
    )


def test_append_only_tables_are_those_whose_update_has_no_field():
    assert {table.name for table in TABLES if not table.update.model_fields} == set(APPEND_ONLY)


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_every_field_of_every_schema_gets_bad_input_of_its_type(table):
    """A field of a type the derivation above does not know would silently get no case."""
    unknown = [
        (schema.__name__, name)
        for schema in (table.create, table.update)
        for name, info in schema.model_fields.items()
        if "wrong-type" not in {bad.kind for bad in bad_inputs(name, info)}
    ]
    assert unknown == []


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_what_the_platform_computes_is_in_no_create_or_update(table):
    """The ``XManaged`` part of a table (scores, counters, verification, usage) and its
    timestamps are written by the platform only."""
    managed = {
        name
        for part in table.model.__mro__
        if part.__name__ == f"{table.model.__name__}Managed"
        for name in part.model_fields
    } | ({"created_at", "updated_at", "deleted_at"} & set(table.model.model_fields))
    exposed = set(table.create.model_fields) | set(table.update.model_fields)
    assert managed & exposed == set()


REASSIGNABLE = {"linkedin_seats": {"resource_id", "persona_id"}}
"""References an Update may change: a seat is moved to another of its client's pooled resources
or personas. (A pool lead's client and campaign are no creation fields at all: assigning the
lead is its state.)"""


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_update_never_moves_a_row_to_another_tenant_or_parent(table):
    """References set at creation are fixed: an Update refuses them (the ``fixed`` cases)."""
    fixed = _references(table) & set(table.create.model_fields)
    assert fixed & set(table.update.model_fields) == REASSIGNABLE.get(table.name, set())


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_schemas_refuse_null_for_every_not_null_column(table):
    columns = sa.inspect(table.model).columns
    payload = revealed_payload(table.create_factory.build())
    wrong, checked = [], []
    for schema, base in ((table.create, payload), (table.update, {})):
        for name in schema.model_fields:
            if name not in columns or columns[name].nullable:
                continue
            checked.append(name)
            try:
                schema.model_validate({**base, name: None})
            except ValidationError as error:
                if [e["loc"][0] for e in error.errors()] != [name]:
                    wrong.append((schema.__name__, name, errors_of(error)))
            else:
                wrong.append((schema.__name__, name, "accepted"))
    assert checked
    assert wrong == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"allocation_email": 50}, id="campaigns-allocation-not-100"),
        pytest.param(
            {"start_date": "2025-03-01", "end_date": "2025-02-01"}, id="campaigns-end-before-start"
        ),
    ],
)
def test_campaign_create_refuses_what_the_campaign_checks_refuse(change):
    payload = {**CampaignCreateFactory.build().model_dump(mode="json"), **change}
    with pytest.raises(ValidationError) as raised:
        CampaignCreate.model_validate(payload)
    (error,) = raised.value.errors()
    assert error["type"] == "value_error"


# --------------------------------------------------------------------------------------------
# The database refuses the same invariants broken by raw SQL.
# --------------------------------------------------------------------------------------------


def _required(info: FieldInfo) -> bool:
    """The field's type does not admit None."""
    annotation = info.annotation
    return get_origin(annotation) not in (Union, UnionType) or type(None) not in get_args(
        annotation
    )


def _out_of_range(info: FieldInfo) -> list[Any]:
    """The value just outside each bound the field's CHECK enforces."""
    value_type = unwrap(info.annotation)
    cast = value_type if value_type in (float, Decimal) else int
    values = []
    for meta in field_constraints(info):
        if isinstance(meta, annotated_types.Ge):
            values.append(cast(meta.ge) - 1)
        elif isinstance(meta, annotated_types.Gt):
            values.append(cast(meta.gt))
        elif isinstance(meta, annotated_types.Le):
            values.append(cast(meta.le) + 1)
        elif isinstance(meta, annotated_types.Lt):
            values.append(cast(meta.lt))
    return values


def _bounds(table: Table) -> list[tuple[str, Any]]:
    columns = sa.inspect(table.model).columns
    return [
        (name, value)
        for name, info in table.model.model_fields.items()
        if name in columns
        for value in _out_of_range(info)
    ]


async def _attempt(session: Any, statement: Any, **params: Any) -> BaseException | None:
    """Run ``statement`` in a savepoint that is undone either way; what the database raised."""
    try:
        async with session.begin_nested() as savepoint:
            await session.exec(statement, params=params)
            await savepoint.rollback()
    except DatabaseError as error:
        return error
    return None


async def _refused(session: Any, statement: Any, **params: Any) -> BaseException:
    """Run ``statement`` in a savepoint, expecting the database to refuse it."""
    error = await _attempt(session, statement, **params)
    assert error is not None, f"accepted: {statement} {params}"
    return error


async def _assigned(session: Any, row: Any, name: str, value: Any) -> BaseException | None:
    """Set an attribute of a table object and flush, in a savepoint; what the database raised.
    The row is reloaded afterwards."""
    try:
        await assign_and_flush(session, row, name, value)
    except ConstraintViolationError as error:
        return error
    finally:
        await session.refresh(row)
    return None


def verdict(error: BaseException | None) -> Any:
    """(error class, constraint, SQLSTATE): what the database said, comparable."""
    if error is None:
        return "accepted"
    names = getattr(error, "constraint", None), getattr(error, "sqlstate", None)
    return type(error).__name__, *names


def _schema_refusal(table: Table, name: str, value: Any) -> Any:
    """The error locations of a Create (or, for a managed field, the table model itself)
    given ``value`` for ``name``."""
    try:
        if name in table.create.model_fields:
            table.create.model_validate(
                {**revealed_payload(table.create_factory.build()), name: value}
            )
        else:
            row = table.factory.build().model_dump(exclude_none=True)
            table.model.model_validate({**row, name: value})
    except ValidationError as error:
        return [e["loc"] for e in error.errors()]
    return "accepted"


@pytest.mark.parametrize("table", [table for table in TABLES if _bounds(table)], ids=str)
async def test_every_bounded_field_is_a_database_check(agency_session, table):
    """Each ge/le/gt of every table field (managed ones included) is validated by the model
    and enforced by PostgreSQL, for raw SQL and for rows changed through the ORM (table
    objects do not validate on assignment: the database is the last line)."""
    row = await table.factory.create_async()
    row_id = row.id
    before = await stored_row(agency_session, table.name, row_id)

    wrong = []
    for name, value in _bounds(table):
        constraint = GUARDED.get((table.name, name), fitted_name(f"ck_{table.name}_{name}_range"))
        refused = ("ConstraintViolationError", constraint, "23514")
        sql = sa.text(f"UPDATE {table.name} SET {table.column(name)} = :value WHERE id = :id")
        outcomes = {
            "schema": (_schema_refusal(table, name, value), [(name,)]),
            "raw SQL": (
                verdict(await _attempt(agency_session, sql, value=value, id=row_id)),
                refused,
            ),
            "ORM": (verdict(await _assigned(agency_session, row, name, value)), refused),
        }
        wrong += [
            (way, name, value, got) for way, (got, expected) in outcomes.items() if got != expected
        ]
    assert wrong == []
    assert await stored_row(agency_session, table.name, row_id) == before


LOWER_CASED = [
    pytest.param(table, name, id=f"{table.name}-{name}")
    for table in TABLES
    for name, info in table.model.model_fields.items()
    if isinstance(unwrap(info.annotation), type)
    and issubclass(unwrap(info.annotation), NormalizedText)
    and unwrap(info.annotation).lower_case
]


@pytest.mark.parametrize(("table", "name"), LOWER_CASED)
async def test_every_lower_cased_column_refuses_raw_mixed_case(agency_session, table, name):
    """Schemas store emails and domains trimmed and lower-case; raw SQL must too."""
    is_email = unwrap(table.model.model_fields[name].annotation) is Email
    given = " Upper@Example.COM " if is_email else " Example.COM "
    if name in table.create.model_fields:
        validated = table.create.model_validate(
            {**revealed_payload(table.create_factory.build()), name: given}
        )
    else:
        validated = table.update.model_validate({name: given})
    assert getattr(validated, name) == given.strip().lower()

    row = await table.factory.create_async()
    before = await stored_row(agency_session, table.name, row.id)
    sql = sa.text(f"UPDATE {table.name} SET {table.column(name)} = :value WHERE id = :id")
    for value in (given, given.strip()):
        error = await _refused(agency_session, sql, value=value, id=row.id)
        assert type(error) is ConstraintViolationError
        assert error.constraint == fitted_name(f"ck_{table.name}_{name}_normalized")
    assert await stored_row(agency_session, table.name, row.id) == before

    async with agency_session.begin_nested():
        await agency_session.exec(sql, params={"value": given.strip().lower(), "id": row.id})
    stored = await stored_row(agency_session, table.name, row.id)
    assert stored[table.column(name)] == given.strip().lower()


def _not_null(table: Table) -> list[str]:
    """Fields whose type admits no None (``updated_at``: see the test after this one)."""
    columns = sa.inspect(table.model).columns
    return [
        name
        for name, info in table.model.model_fields.items()
        if name in columns and _required(info) and name != "updated_at"
    ]


@pytest.mark.parametrize("table", TABLES, ids=str)
async def test_every_required_field_is_not_null_in_the_database(agency_session, table):
    row = await table.factory.create_async()
    before = await stored_row(agency_session, table.name, row.id)

    wrong = []
    for name in _not_null(table):
        column = table.column(name)
        sql = sa.text(f"UPDATE {table.name} SET {column} = NULL WHERE id = :id")
        if (table.name, name) in GUARDED:
            refused = ("ConstraintViolationError", GUARDED[table.name, name], "23514")
        elif name == "client_id" and issubclass(table.model, TenantMixin):
            # the trigger keeping a row's tenant fires before the NOT NULL check
            refused = ("ConstraintViolationError", "client_id_immutable", "23514")
        else:  # PostgreSQL names the column for NOT NULL
            refused = ("ConstraintViolationError", column, "23502")
        if (got := verdict(await _attempt(agency_session, sql, id=row.id))) != refused:
            wrong.append((name, got))
    assert wrong == []
    assert await stored_row(agency_session, table.name, row.id) == before


@pytest.mark.parametrize(
    "table", [table for table in TABLES if "updated_at" in table.model.model_fields], ids=str
)
async def test_updated_at_is_never_null_even_when_raw_sql_says_so(agency_session, table):
    """The updated_at trigger overrides an explicit NULL instead of failing the statement."""
    row = await table.factory.create_async()
    await agency_session.exec(
        sa.text(f"UPDATE {table.name} SET updated_at = NULL WHERE id = :id"), params={"id": row.id}
    )
    assert (await stored_row(agency_session, table.name, row.id))["updated_at"] is not None


@dataclass(frozen=True)
class Raw:
    """A raw statement (``:id`` is a factory-made row's id) that the database refuses with
    ``bad`` and accepts with ``good``. Values may be functions of that row (sync or async)."""

    table: Table
    kind: str
    sql: str
    bad: Any
    good: Any
    constraint: str | None = None
    """None: an unknown enum label, refused with SQLSTATE 22P02 (not a constraint)."""


def _set(table: Table, column: str) -> str:
    return f"UPDATE {table.name} SET {column} = :value WHERE id = :id"


def _another_label(column: sa.Column[Any]) -> Callable[[Any], str]:
    """A label of the column's enum the row does not already have."""
    return lambda row: next(
        label for label in column.type.enums if label != getattr(row, column.key)
    )


def _unknown_id(row: Any) -> uuid.UUID:
    return uuid.uuid4()


def _new_row(target: Table) -> Callable[[Any], Any]:
    """A new row of ``target`` (in the row's tenant, when both belong to one) to point at."""

    async def create(row: Any) -> uuid.UUID:
        tenant = getattr(row, "client_id", None)
        same_tenant = issubclass(target.model, TenantMixin) and tenant is not None
        return (
            await target.factory.create_async(**({"client_id": tenant} if same_tenant else {}))
        ).id

    return create


def _enum_cases(table: Table) -> Iterator[Raw]:
    for column in table.table.columns:
        if isinstance(column.type, sa.Enum):
            yield Raw(
                table,
                f"unknown-{column.name}-label",
                _set(table, column.name),
                "no-such-label",
                _another_label(column),
            )


def _reference_cases(table: Table) -> Iterator[Raw]:
    """An unknown id for each foreign key. The tenant's own key (``client_id`` alone) only
    where it may change at all: a tenant table's row never changes tenant (a trigger refuses
    it first, see ``test_tenant_guard``), and a composite key holds it to parents of its
    tenant too."""
    keys = table.table.foreign_key_constraints
    pinned = any(
        not column.nullable
        for key in keys
        if len(key.columns) > 1
        for column in key.columns
        if column.name != "client_id"
    )
    for key in sorted(keys, key=lambda key: str(key.name)):
        free = [column for column in key.columns if column.name != "client_id"]
        if not free and (pinned or issubclass(table.model, TenantMixin)):
            continue
        (column,) = free or list(key.columns)
        target = BY_NAME[key.referred_table.name]
        sql = _set(table, column.name)
        yield Raw(
            table, f"unknown-{column.name}", sql, _unknown_id, _new_row(target), str(key.name)
        )


CAMPAIGNS = BY_NAME["campaigns"]
CHECK_CASES = [
    Raw(
        CAMPAIGNS,
        "valid-allocation",
        "UPDATE campaigns SET allocation_email = :value, allocation_sms = 40 WHERE id = :id",
        50,
        60,
        "ck_campaigns_valid_allocation",
    ),
    Raw(
        CAMPAIGNS,
        "dates-in-order",
        "UPDATE campaigns SET start_date = DATE '2025-03-01', end_date = :value WHERE id = :id",
        date(2025, 2, 28),
        date(2025, 3, 31),
        "ck_campaigns_dates_in_order",
    ),
    Raw(
        CAMPAIGNS,
        "valid-work-days",
        _set(CAMPAIGNS, "work_days"),
        [1, 8],
        [1, 7],
        "ck_campaigns_valid_work_days",
    ),
]
"""CHECKs over several columns or over array items, which no field declaration implies."""

CHECKED_BY_THEIR_OWN_TEST = {"ck_lead_pool_campaign_needs_client", "ck_resource_pool_capacity"}
"""Table-level CHECKs whose refusal needs more than one statement: see the tests at the end."""


def _raw_cases(table: Table) -> Iterator[tuple[str, Raw]]:
    cases = [*_enum_cases(table), *_reference_cases(table)]
    cases += [case for case in CHECK_CASES if case.table is table]
    return ((case.kind, case) for case in cases)


async def _value(value: Any, row: Any) -> Any:
    if callable(value):
        value = value(row)
        if inspect.isawaitable(value):
            value = await value
    return value


async def _state(session: Any, table: str, row_id: Any) -> tuple[int, dict[str, Any]]:
    return await row_count(session, table), await stored_row(session, table, row_id)


@pytest.mark.parametrize(("table", "case"), _params(_raw_cases))
async def test_database_refuses_raw_sql_that_breaks_an_invariant(agency_session, table, case):
    setup = RAW_ROW.get(table.name)
    row = await table.factory.create_async(**(await setup() if setup else {}))
    row_id = row.id
    bad, good = await _value(case.bad, row), await _value(case.good, row)
    statement = sa.text(case.sql)
    before = await _state(agency_session, table.name, row_id)

    error = await _refused(agency_session, statement, value=bad, id=row_id)
    if case.constraint is None:
        assert type(error) is InvalidDataError
        assert error.sqlstate == "22P02"  # invalid_text_representation
        assert str(bad) not in str(error)
    else:
        assert type(error) is ConstraintViolationError
        assert error.constraint == case.constraint
    assert await _state(agency_session, table.name, row_id) == before

    # The same statement with a valid value goes through: only the bad value was refused.
    async with agency_session.begin_nested():
        await agency_session.exec(statement, params={"value": good, "id": row_id})
    assert await _state(agency_session, table.name, row_id) != before


def test_every_table_level_check_has_a_raw_case():
    """CHECKs over several columns cannot be derived from one field: each needs a case."""
    covered = {case.constraint for case in CHECK_CASES}
    covered |= set(CHECKED_BY_THEIR_OWN_TEST)
    assert {name for table in TABLES for name in _table_checks(table)} - covered == set()


@dataclass(frozen=True)
class Key:
    """A unique constraint or unique index: its name, columns and partial-index predicate."""

    name: str
    columns: tuple[sa.Column[Any], ...]
    where: str | None = None
    nulls_not_distinct: bool = False


def _unique_keys(table: Table) -> Iterator[tuple[str, Key]]:
    """Every unique key but the tenant key ``(client_id, id)`` (the primary key already makes
    it unique); the primary key only where a Create takes the id (``users``: the auth id)."""
    for constraint in table.table.constraints:
        columns = tuple(constraint.columns)
        if isinstance(constraint, sa.UniqueConstraint):
            if [column.name for column in columns] == ["client_id", "id"]:
                continue
            options = constraint.dialect_options["postgresql"]
            yield (
                str(constraint.name),
                Key(str(constraint.name), columns, None, bool(options["nulls_not_distinct"])),
            )
        elif isinstance(constraint, sa.PrimaryKeyConstraint) and "id" in table.create.model_fields:
            yield str(constraint.name), Key(str(constraint.name), columns)
    for index in table.table.indexes:
        if index.unique:
            where = index.dialect_options["postgresql"]["where"]
            yield (
                str(index.name),
                Key(str(index.name), tuple(index.columns), None if where is None else str(where)),
            )


def _row_inside(key: Key, table: Table) -> dict[str, Any]:
    """Values that put a row inside a partial index: a boolean predicate column set."""
    if key.where is None or re.fullmatch(r"\w+ IS NULL", key.where):
        return {}
    (column,) = [column for column in table.table.columns if column.name == key.where]
    return {column.key: True}


def _other(value: Any) -> Any:
    """A value unlike ``value`` that a factory would not otherwise vary (enum label, day)."""
    if isinstance(value, PgEnum):
        return next(member for member in type(value) if member != value)
    if type(value) is date:
        return value - timedelta(days=1)
    return None


async def _refuse_a_second_row_of_the_tenant(
    session: Any, table: Table, key: Key, first: Any, inside: dict[str, Any]
) -> None:
    """A key of one row per tenant: no row changes tenant, so the second row is inserted;
    once the first is gone, it goes in."""
    with pytest.raises(DuplicateRecordError) as raised:
        async with session.begin_nested():
            await table.factory.create_async(client_id=first.client_id, **inside)
    assert raised.value.constraint == key.name
    await session.exec(sa.text(f"DELETE FROM {table.name} WHERE id = :id"), params={"id": first.id})
    async with session.begin_nested():
        await table.factory.create_async(client_id=first.client_id, **inside)


@pytest.mark.parametrize(("table", "key"), _params(_unique_keys))
async def test_database_refuses_a_second_row_with_the_same_unique_key(agency_session, table, key):
    """A row given the key of another refuses; once the other is gone, the same change goes
    through."""
    inside = _row_inside(key, table)
    unset = {
        column.key: f"{column.name}-{uuid.uuid4().hex}"
        for column in key.columns
        if column.nullable and isinstance(column.type, sa.Text) and not key.nulls_not_distinct
    }
    first = await table.factory.create_async(**inside, **unset)
    names = [column.name for column in key.columns]
    if names == ["client_id"] and issubclass(table.model, TenantMixin):
        await _refuse_a_second_row_of_the_tenant(agency_session, table, key, first, inside)
        return
    shares_tenant = names != ["client_id"] and issubclass(table.model, TenantMixin)
    differing = {
        column.key: _other(getattr(first, column.key))
        for column in key.columns
        if not column.foreign_keys and _other(getattr(first, column.key)) is not None
    }
    second = await table.factory.create_async(
        **inside, **differing, **({"client_id": first.client_id} if shares_tenant else {})
    )
    values = (
        await agency_session.exec(
            sa.text(f"SELECT {', '.join(names)} FROM {table.name} WHERE id = :id"),
            params={"id": first.id},
        )
    ).one()
    params = {**dict(zip(names, values, strict=True)), "second": second.id}
    assignments = ", ".join(f"{name} = :{name}" for name in names)
    statement = sa.text(f"UPDATE {table.name} SET {assignments} WHERE id = :second")
    before = await _state(agency_session, table.name, second.id)

    error = await _refused(agency_session, statement, **params)
    assert type(error) is DuplicateRecordError
    assert error.constraint == key.name
    assert await _state(agency_session, table.name, second.id) == before

    await agency_session.exec(
        sa.text(f"DELETE FROM {table.name} WHERE id = :id"), params={"id": first.id}
    )
    async with agency_session.begin_nested():
        await agency_session.exec(statement, params=params)
    second_id = params.get("id", second.id)  # a primary key moves the row to the first's id
    moved = (
        await agency_session.exec(
            sa.text(f"SELECT {', '.join(names)} FROM {table.name} WHERE id = :id"),
            params={"id": second_id},
        )
    ).one()
    assert tuple(moved) == tuple(values)


# --------------------------------------------------------------------------------------------
# Invariants kept by triggers and CHECKs of one table.
# --------------------------------------------------------------------------------------------


async def test_a_pool_lead_points_only_at_a_campaign_of_its_client(agency_session):
    pool_lead = await LeadPoolFactory.create_async()
    campaign = await CampaignFactory.create_async()
    other_client = await ClientFactory.create_async()
    assign = sa.text(
        "UPDATE lead_pool SET client_id = :client, campaign_id = :campaign WHERE id = :id"
    )
    before = await stored_row(agency_session, "lead_pool", pool_lead.id)

    with_no_client = sa.text("UPDATE lead_pool SET campaign_id = :campaign WHERE id = :id")
    error = await _refused(agency_session, with_no_client, campaign=campaign.id, id=pool_lead.id)
    assert error.constraint == "ck_lead_pool_campaign_needs_client"
    error = await _refused(
        agency_session, assign, client=other_client.id, campaign=campaign.id, id=pool_lead.id
    )
    assert error.constraint == "fk_lead_pool_client_id_campaign_id_campaigns"
    assert await stored_row(agency_session, "lead_pool", pool_lead.id) == before

    params = {"client": campaign.client_id, "campaign": campaign.id, "id": pool_lead.id}
    await agency_session.exec(assign, params=params)
    assigned = await stored_row(agency_session, "lead_pool", pool_lead.id)
    assert (assigned["client_id"], assigned["campaign_id"]) == (
        str(campaign.client_id),
        str(campaign.id),
    )

    # Releasing the lead from its client releases it from the client's campaign too.
    release = sa.text("UPDATE lead_pool SET client_id = NULL WHERE id = :id")
    await agency_session.exec(release, params={"id": pool_lead.id})
    released = await stored_row(agency_session, "lead_pool", pool_lead.id)
    assert (released["client_id"], released["campaign_id"]) == (None, None)


async def test_resource_pool_counts_live_assignments_within_capacity(agency_session):
    resource = await ResourcePoolFactory.create_async(max_clients=1)

    async def current_clients() -> int:
        return int(
            await scalar(
                agency_session,
                "SELECT current_clients FROM resource_pool WHERE id = :id",
                id=resource.id,
            )
        )

    write = sa.text("UPDATE resource_pool SET current_clients = 1 WHERE id = :id")
    error = await _refused(agency_session, write, id=resource.id)
    assert error.constraint == "ck_resource_pool_current_clients"
    assert await current_clients() == 0

    first = await ClientResourceFactory.create_async(resource_pool_id=resource.id)
    assert await current_clients() == 1
    second_client = (await ClientFactory.create_async()).id
    assign = sa.text(
        "INSERT INTO client_resources (client_id, resource_pool_id) VALUES (:client, :resource)"
    )
    params = {"client": second_client, "resource": resource.id}
    assignments = await row_count(agency_session, "client_resources")
    error = await _refused(agency_session, assign, **params)
    assert type(error) is ConstraintViolationError
    assert error.constraint == "ck_resource_pool_capacity"
    assert await row_count(agency_session, "client_resources") == assignments
    assert await current_clients() == 1

    # Released, the first assignment no longer counts: the second client now fits.
    await agency_session.exec(
        sa.text("UPDATE client_resources SET released_at = now() WHERE id = :id"),
        params={"id": first.id},
    )
    assert await current_clients() == 0
    await agency_session.exec(assign, params=params)
    assert await current_clients() == 1
