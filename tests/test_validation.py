"""Bad input never reaches a table.

For every table, each class of bad input to its Create and Update schemas (unknown field, wrong
type, unknown enum value, malformed email/domain/URL, out-of-range number, naive datetime,
server-owned field) raises a ``ValidationError`` naming the field and the error type, and
nothing is written. The same invariants broken by raw SQL, bypassing the models, are refused by
PostgreSQL and reported through the package's engine as ``ConstraintViolationError`` /
``DuplicateRecordError`` naming the constraint (unknown enum labels as SQLSTATE 22P02).
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import UnionType
from typing import Any, Union, get_args, get_origin

import annotated_types
import pytest
import sqlalchemy as sa
from pydantic import ValidationError

import agency_models
import factories
from agency_models import (
    Activity,
    ActivityStats,
    Campaign,
    CampaignCreate,
    CampaignResource,
    CampaignSequence,
    Client,
    ClientSuppression,
    DomainSuppression,
    GlobalSuppression,
    Lead,
    Membership,
    User,
)
from agency_models.base import Domain, Email, NormalizedText, WebUrl
from agency_models.base.types import unwrap
from agency_models.enums import PgEnum
from agency_models.exceptions import ConstraintViolationError, DuplicateRecordError
from factories.tables import (
    ActivityFactory,
    ActivityStatsFactory,
    CampaignCreateFactory,
    CampaignFactory,
    CampaignResourceFactory,
    CampaignSequenceFactory,
    ClientFactory,
    ClientSuppressionFactory,
    DomainSuppressionFactory,
    GlobalSuppressionFactory,
    LeadFactory,
    MembershipFactory,
    UserFactory,
)

NAIVE = "2024-05-01T09:00:00"
AWARE = "2024-05-01T09:00:00+10:00"
SOME_ID = "3f1c6a53-6f5e-4c1e-9a55-0d8b7f0c2a11"

# --------------------------------------------------------------------------------------------
# The cases: per table, its schemas, factories and the bad inputs it must refuse.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """One bad value for one field, and the single error it must cause."""

    kind: str
    field: str
    value: Any
    error: str
    loc: tuple[str | int, ...] | None = None

    @property
    def where(self) -> tuple[str | int, ...]:
        return self.loc or (self.field,)


def owned(*names: str, **values: Any) -> dict[str, Any]:
    """Server-owned fields with plausible values (only their presence is wrong)."""
    stamps = {"id": SOME_ID, "created_at": AWARE, "updated_at": AWARE, "deleted_at": AWARE}
    return {**{name: stamps[name] for name in names}, **values}


@dataclass(frozen=True)
class Table:
    """A table's cases; its schemas and factories are found by name (``Lead`` ->
    ``LeadCreate``, ``LeadUpdate``, ``LeadFactory``, ``LeadCreateFactory``)."""

    model: Any
    bad: tuple[Bad, ...]
    server_owned: Mapping[str, Any]
    """Fields a Create (and an Update) must refuse as ``extra_forbidden``."""
    valid_update: Mapping[str, Any]
    """An update the Update schema accepts and that changes a factory-made row."""
    fixed: Mapping[str, Any] = field(default_factory=dict)
    """Fields set at creation that an Update must refuse as ``extra_forbidden``."""

    @property
    def name(self) -> str:
        return str(self.model.__tablename__)

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

    def __str__(self) -> str:
        return self.name

    @property
    def create_bad(self) -> list[Bad]:
        return [
            Bad("unknown-field", "nickname", "x", "extra_forbidden"),
            *(bad for bad in self.bad if bad.field in self.create.model_fields),
            *(
                Bad(f"server-owned-{name}", name, value, "extra_forbidden")
                for name, value in self.server_owned.items()
            ),
        ]

    @property
    def update_bad(self) -> list[Bad]:
        return [
            Bad("unknown-field", "nickname", "x", "extra_forbidden"),
            *(bad for bad in self.bad if bad.field in self.update.model_fields),
            *(
                Bad(f"server-owned-{name}", name, value, "extra_forbidden")
                for name, value in self.server_owned.items()
            ),
            *(
                Bad(f"fixed-{name}", name, value, "extra_forbidden")
                for name, value in self.fixed.items()
            ),
        ]


TABLES = [
    Table(
        Client,
        bad=(
            Bad("wrong-type", "digest_send_hour", "seven", "int_parsing"),
            Bad("unknown-enum-permission-mode", "default_permission_mode", "yolo", "enum"),
            Bad(
                "malformed-email",
                "digest_recipients",
                ["not-an-email"],
                "email",
                ("digest_recipients", 0),
            ),
            Bad("malformed-url", "website_url", "not a url", "url"),
            Bad("out-of-range-high", "digest_send_hour", 24, "less_than_equal"),
            Bad("out-of-range-low", "digest_send_hour", -1, "greater_than_equal"),
            Bad("naive-datetime", "paused_at", NAIVE, "timezone_aware"),
        ),
        server_owned=owned(
            "id",
            "created_at",
            "updated_at",
            "deleted_at",
            conversion_sample_count=3,
            tier="dominance",
            subscription_status="active",
            credits_remaining=1_000_000,
            stripe_customer_id="cus_123",
            stripe_subscription_id="sub_123",
            credits_reset_at=AWARE,
            last_digest_sent_at=AWARE,
            als_learned_weights={"timing": 0.2},
        ),
        valid_update={"digest_send_hour": 23},
    ),
    Table(
        User,
        bad=(
            Bad("wrong-type", "notification_email", "maybe", "bool_parsing"),
            Bad("malformed-email", "email", "not-an-email", "email"),
            Bad("malformed-url", "avatar_url", "not a url", "url"),
        ),
        # UserCreate takes ``id`` on purpose: it is the Supabase auth user's id.
        server_owned=owned("created_at", "updated_at", is_platform_admin=True),
        fixed={"id": SOME_ID},
        valid_update={"full_name": "Ada Lovelace"},
    ),
    Table(
        Membership,
        bad=(
            Bad("wrong-type", "accepted_at", "not a date", "datetime_from_date_parsing"),
            Bad("wrong-type-email", "invited_email", 42, "email"),
            Bad("unknown-enum", "role", "superuser", "enum"),
            Bad("malformed-email", "invited_email", "jane@", "email"),
            Bad("naive-datetime", "accepted_at", NAIVE, "timezone_aware"),
        ),
        server_owned=owned("id", "created_at", "updated_at", "deleted_at"),
        fixed={"client_id": SOME_ID, "user_id": SOME_ID, "invited_by": SOME_ID},
        valid_update={"role": "admin"},
    ),
    Table(
        Campaign,
        bad=(
            Bad("wrong-type", "daily_limit", "many", "int_parsing"),
            Bad("unknown-enum", "status", "archived", "enum"),
            Bad("unknown-enum-type", "campaign_type", "viral", "enum"),
            Bad("out-of-range-zero", "daily_limit", 0, "greater_than_equal"),
            Bad("out-of-range-high", "daily_limit", 501, "less_than_equal"),
            Bad("out-of-range-percent", "allocation_sms", 101, "less_than_equal"),
            Bad("out-of-range-weekday", "work_days", [1, 8], "less_than_equal", ("work_days", 1)),
            Bad("naive-datetime", "paused_at", NAIVE, "timezone_aware"),
        ),
        server_owned=owned(
            "id",
            "created_at",
            "updated_at",
            "deleted_at",
            lead_count=10,
            total_leads=10,
            leads_contacted=5,
            leads_replied=2,
            leads_converted=1,
        ),
        fixed={"client_id": SOME_ID, "created_by": SOME_ID},
        valid_update={"daily_limit": 120},
    ),
    Table(
        CampaignResource,
        bad=(
            Bad("wrong-type", "is_warmed", "maybe", "bool_parsing"),
            Bad("unknown-enum", "channel", "fax", "enum"),
            Bad("out-of-range", "daily_limit", -1, "greater_than_equal"),
        ),
        server_owned=owned(
            "id",
            "created_at",
            "updated_at",
            daily_used=5,
            last_used_at=AWARE,
            last_reset_at=AWARE,
        ),
        fixed={"client_id": SOME_ID, "campaign_id": SOME_ID},
        valid_update={"daily_limit": 250},
    ),
    Table(
        CampaignSequence,
        bad=(
            Bad("wrong-type", "delay_days", "soon", "int_parsing"),
            Bad("unknown-enum", "channel", "fax", "enum"),
            Bad("out-of-range-step", "step_number", 0, "greater_than_equal"),
            Bad("out-of-range-delay", "delay_days", -1, "greater_than_equal"),
        ),
        server_owned=owned("id", "created_at", "updated_at"),
        fixed={"client_id": SOME_ID, "campaign_id": SOME_ID},
        valid_update={"delay_days": 9},
    ),
    Table(
        Lead,
        bad=(
            Bad("wrong-type", "current_sequence_step", "three", "int_parsing"),
            Bad("unknown-enum", "status", "hot", "enum"),
            Bad("unknown-enum-rejection", "rejection_reason", "too_expensive", "enum"),
            Bad("malformed-email", "email", "not-an-email", "email"),
            Bad("malformed-personal-email", "personal_email", "jane@example", "email"),
            Bad("malformed-domain", "domain", "not a domain", "domain"),
            Bad("malformed-url", "linkedin_url", "not a url", "url"),
            Bad("out-of-range", "current_sequence_step", -1, "greater_than_equal"),
            Bad("out-of-range-employees", "organization_employee_count", -5, "greater_than_equal"),
            Bad("naive-datetime", "next_outreach_at", NAIVE, "timezone_aware"),
        ),
        server_owned=owned(
            "id",
            "created_at",
            "updated_at",
            "deleted_at",
            als_score=85,
            als_tier="hot",
            als_components={"timing": 10},
            scored_at=AWARE,
            enrichment_confidence=0.9,
            email_verified=True,
            dncr_checked=True,
            reply_count=1,
            bounce_count=1,
            meeting_booked=True,
            deal_value="1000.00",
        ),
        fixed={"client_id": SOME_ID},
        valid_update={"first_name": "Changed"},
    ),
    Table(
        GlobalSuppression,
        bad=(
            Bad("wrong-type", "extra_data", "not a mapping", "dict_type"),
            Bad("malformed-email", "email", "not-an-email", "email"),
        ),
        server_owned=owned("id", "created_at"),
        valid_update={"reason": "court order"},
    ),
    Table(
        ClientSuppression,
        bad=(
            Bad("wrong-type", "added_by", "nobody", "uuid_parsing"),
            Bad("malformed-email", "email", "jane@@example.com", "email"),
        ),
        server_owned=owned("id", "created_at"),
        fixed={"client_id": SOME_ID},
        valid_update={"reason": "court order"},
    ),
    Table(
        DomainSuppression,
        bad=(
            Bad("wrong-type", "added_by", 42, "string_type"),
            Bad("malformed-domain", "domain", "not_a_domain", "domain"),
        ),
        server_owned=owned("id", "created_at"),
        valid_update={"reason": "court order"},
    ),
    Table(
        Activity,
        bad=(
            Bad("wrong-type", "email_open_count", "twice", "int_parsing"),
            Bad("wrong-type-ip", "ip_address", "not-an-ip", "ip_any_address"),
            Bad("unknown-enum", "channel", "fax", "enum"),
            Bad("unknown-enum-intent", "intent", "angry", "enum"),
            Bad("out-of-range", "intent_confidence", 1.5, "less_than_equal"),
            Bad("out-of-range-step", "sequence_step", -1, "greater_than_equal"),
            Bad("naive-datetime", "email_opened_at", NAIVE, "timezone_aware"),
        ),
        server_owned=owned("id", "created_at"),
        fixed={"client_id": SOME_ID, "campaign_id": SOME_ID, "lead_id": SOME_ID},
        valid_update={"email_opened": True, "email_open_count": 3},
    ),
    Table(
        ActivityStats,
        bad=(
            Bad("wrong-type", "email_sent", "ten", "int_parsing"),
            Bad("wrong-type-date", "date", "yesterday", "date_from_datetime_parsing"),
            Bad("out-of-range", "email_sent", -1, "greater_than_equal"),
            Bad("out-of-range-total", "total_converted", -1, "greater_than_equal"),
        ),
        server_owned=owned("id", "created_at", "updated_at"),
        fixed={
            "client_id": SOME_ID,
            "campaign_id": SOME_ID,
            "lead_id": SOME_ID,
            "date": "2026-01-01",
        },
        valid_update={"email_sent": 10, "total_sent": 10},
    ),
]


def _params(cases: Callable[[Table], list[Any]]) -> list[Any]:
    return [
        pytest.param(table, case, id=f"{table.name}-{getattr(case, 'kind', case)}")
        for table in TABLES
        for case in cases(table)
    ]


# --------------------------------------------------------------------------------------------
# Helpers: the flows a service uses, and what the database holds.
# --------------------------------------------------------------------------------------------

REFERENCES = ("client_id", "campaign_id", "lead_id", "user_id")


async def valid_payload(table: Table) -> dict[str, Any]:
    """A valid JSON Create payload whose references point at real rows of one tenant."""
    payload = table.create_factory.build().model_dump(mode="json")
    wanted = set(table.create.model_fields) & set(REFERENCES)
    refs: dict[str, Any] = {}
    if wanted & {"client_id", "campaign_id", "lead_id"}:
        lead = await LeadFactory.create_async()
        refs |= {"client_id": lead.client_id, "campaign_id": lead.campaign_id, "lead_id": lead.id}
    if "user_id" in wanted:
        refs["user_id"] = (await UserFactory.create_async()).id
    return {**payload, **{name: str(refs[name]) for name in wanted}}


async def create_through_schema(session: Any, table: Table, payload: Mapping[str, Any]) -> Any:
    """What a service does with a request body: validate, build the row, flush."""
    row = table.model.model_validate(table.create.model_validate(payload))
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


def assert_single_error(error: ValidationError, bad: Bad) -> None:
    """Exactly the one expected error: the rest of the payload was valid."""
    assert [(e["loc"], e["type"]) for e in error.errors()] == [(bad.where, bad.error)]


# --------------------------------------------------------------------------------------------
# Schemas refuse bad input, and nothing is written.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "bad"), _params(lambda table: table.create_bad))
async def test_create_refuses_bad_input_and_writes_nothing(agency_session, table, bad):
    payload = await valid_payload(table)
    before = await row_count(agency_session, table.name)

    with pytest.raises(ValidationError) as raised:
        await create_through_schema(agency_session, table, {**payload, bad.field: bad.value})
    assert_single_error(raised.value, bad)
    await agency_session.flush()
    assert await row_count(agency_session, table.name) == before

    # The same flow with the untouched payload does write: the count above is meaningful.
    await create_through_schema(agency_session, table, payload)
    assert await row_count(agency_session, table.name) == before + 1


@pytest.mark.parametrize(("table", "bad"), _params(lambda table: table.update_bad))
async def test_update_refuses_bad_input_and_writes_nothing(agency_session, table, bad):
    row = await table.factory.create_async()
    before = await stored_row(agency_session, table.name, row.id)

    with pytest.raises(ValidationError) as raised:
        update_through_schema(row, table, {bad.field: bad.value})
    assert_single_error(raised.value, bad)
    await agency_session.flush()
    assert await stored_row(agency_session, table.name, row.id) == before

    # A valid update through the same flow does change the stored row.
    update_through_schema(row, table, table.valid_update)
    await agency_session.flush()
    after = await stored_row(agency_session, table.name, row.id)
    assert after != before
    assert {name: after[name] for name in table.valid_update} == table.valid_update


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_create_and_update_refuse_every_server_owned_column(table):
    """Beyond the hand-picked ones above: every column a Create (or Update) does not declare
    is refused, not silently dropped."""
    payload = table.create_factory.build().model_dump(mode="json")
    update_refuses = set(table.model.model_fields) - set(table.update.model_fields)
    create_refuses = set(table.model.model_fields) - set(table.create.model_fields)
    assert set(table.server_owned) <= create_refuses
    assert set(table.server_owned) | set(table.fixed) <= update_refuses
    for name in sorted(create_refuses):
        with pytest.raises(ValidationError) as raised:
            table.create.model_validate({**payload, name: None})
        assert_single_error(raised.value, Bad("", name, None, "extra_forbidden"))
    for name in sorted(update_refuses):
        with pytest.raises(ValidationError) as raised:
            table.update.model_validate({name: None})
        assert_single_error(raised.value, Bad("", name, None, "extra_forbidden"))


def _required(model: Any, name: str) -> bool:
    """The field's type does not admit None."""
    annotation = model.model_fields[name].annotation
    return get_origin(annotation) not in (Union, UnionType) or type(None) not in get_args(
        annotation
    )


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_schemas_refuse_null_for_every_not_null_column(table):
    columns = sa.inspect(table.model).columns
    payload = table.create_factory.build().model_dump(mode="json")
    for schema, base in ((table.create, payload), (table.update, {})):
        not_null = [name for name in schema.model_fields if not columns[name].nullable]
        assert not_null, schema
        for name in not_null:
            with pytest.raises(ValidationError) as raised:
                schema.model_validate({**base, name: None})
            assert [e["loc"][0] for e in raised.value.errors()] == [name], (schema, name)


BOUNDS = (annotated_types.Ge, annotated_types.Gt, annotated_types.Le, annotated_types.Lt)


def _classes(model: Any) -> set[str]:
    """The classes of bad input a schema's fields can receive."""
    found = set()
    for info in model.model_fields.values():
        value_type = unwrap(info.annotation)
        items = getattr(value_type, "__args__", (value_type,))
        for item in map(unwrap, items):
            if isinstance(item, type) and issubclass(item, PgEnum):
                found.add("unknown-enum")
            if item is Email:
                found.add("malformed-email")
            if item is Domain:
                found.add("malformed-domain")
            if item is WebUrl:
                found.add("malformed-url")
            if item is datetime:
                found.add("naive-datetime")
        if any(isinstance(meta, BOUNDS) for meta in info.metadata):
            found.add("out-of-range")
    return found


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_the_cases_cover_every_class_of_bad_input_the_table_can_get(table):
    """A new enum, email, datetime or bounded field on a Create schema needs a case above."""
    covered = {kind for bad in table.bad for kind in _classes_of(bad.kind)}
    assert covered >= _classes(table.create)
    assert {"wrong-type"} <= covered


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_every_case_reaches_a_schema(table):
    """A case whose field is in neither the Create nor the Update schema tests nothing."""
    schemas = set(table.create.model_fields) | set(table.update.model_fields)
    assert [bad.kind for bad in table.bad if bad.field not in schemas] == []


def _classes_of(kind: str) -> set[str]:
    return {
        prefix
        for prefix in (
            "wrong-type",
            "unknown-enum",
            "malformed-email",
            "malformed-domain",
            "malformed-url",
            "out-of-range",
            "naive-datetime",
        )
        if kind.startswith(prefix)
    }


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


def _column(model: Any, name: str) -> str:
    return str(sa.inspect(model).columns[name].name)


def _out_of_range(model: Any, name: str) -> list[tuple[str, Any]]:
    """(side, value just outside the bound) for each bound of a field."""
    value_type = unwrap(model.model_fields[name].annotation)
    cast = value_type if value_type in (float, Decimal) else int
    values = []
    for meta in model.model_fields[name].metadata:
        if isinstance(meta, annotated_types.Ge):
            values.append(("low", cast(meta.ge) - 1))
        elif isinstance(meta, annotated_types.Gt):
            values.append(("low", cast(meta.gt)))
        elif isinstance(meta, annotated_types.Le):
            values.append(("high", cast(meta.le) + 1))
        elif isinstance(meta, annotated_types.Lt):
            values.append(("high", cast(meta.lt)))
    return values


RANGES = [
    pytest.param(table, name, value, id=f"{table.name}-{name}-{side}")
    for table in TABLES
    for name in table.model.model_fields
    for side, value in _out_of_range(table.model, name)
]


async def _refused(session: Any, statement: Any, **params: Any) -> BaseException:
    """Run ``statement`` in a savepoint, expecting the database to refuse it."""
    with pytest.raises((ConstraintViolationError, sa.exc.DBAPIError)) as raised:
        async with session.begin_nested():
            await session.exec(statement, params=params)
    return raised.value


@pytest.mark.parametrize(("table", "name", "value"), RANGES)
async def test_every_bounded_field_is_a_database_check(agency_session, table, name, value):
    """Each ge/le/gt of every table field (managed ones included) is validated by the model
    and enforced by PostgreSQL, for raw SQL and for rows changed through the ORM."""
    if name in table.create.model_fields:
        payload = {**table.create_factory.build().model_dump(mode="json"), name: value}
        with pytest.raises(ValidationError) as raised:
            table.create.model_validate(payload)
    else:
        create = table.create_factory.build()
        with pytest.raises(ValidationError) as raised:
            table.model.model_validate(create, update={name: value})
    assert [e["loc"] for e in raised.value.errors()] == [(name,)]

    row = await table.factory.create_async()
    before = await stored_row(agency_session, table.name, row.id)
    constraint = f"ck_{table.name}_{name}_range"
    column = _column(table.model, name)
    sql = sa.text(f"UPDATE {table.name} SET {column} = :value WHERE id = :id")
    with pytest.raises(ConstraintViolationError) as raised:
        async with agency_session.begin_nested():
            await agency_session.exec(sql, params={"value": value, "id": row.id})
    assert type(raised.value) is ConstraintViolationError
    assert raised.value.constraint == constraint
    assert raised.value.__cause__.sqlstate == "23514"
    assert await stored_row(agency_session, table.name, row.id) == before

    # Table objects do not validate on assignment: the database is the last line.
    row_id = row.id
    with pytest.raises(ConstraintViolationError) as raised:
        await assign_and_flush(agency_session, row, name, value)
    assert raised.value.constraint == constraint
    assert await stored_row(agency_session, table.name, row_id) == before


NORMALIZED = [
    pytest.param(table, name, id=f"{table.name}-{name}")
    for table in TABLES
    for name, info in table.model.model_fields.items()
    if isinstance(unwrap(info.annotation), type)
    and issubclass(unwrap(info.annotation), NormalizedText)
    and unwrap(info.annotation).lower_case
]


@pytest.mark.parametrize(("table", "name"), NORMALIZED)
async def test_every_lower_cased_column_refuses_raw_mixed_case(agency_session, table, name):
    """Schemas store emails and domains trimmed and lower-case; raw SQL must too."""
    is_email = unwrap(table.model.model_fields[name].annotation) is Email
    given = " Upper@Example.COM " if is_email else " Example.COM "
    payload = {**table.create_factory.build().model_dump(mode="json"), name: given}
    assert getattr(table.create.model_validate(payload), name) == given.strip().lower()

    row = await table.factory.create_async()
    before = await stored_row(agency_session, table.name, row.id)
    sql = sa.text(f"UPDATE {table.name} SET {_column(table.model, name)} = :value WHERE id = :id")
    for value in (given, given.strip()):
        with pytest.raises(ConstraintViolationError) as raised:
            async with agency_session.begin_nested():
                await agency_session.exec(sql, params={"value": value, "id": row.id})
        assert type(raised.value) is ConstraintViolationError
        assert raised.value.constraint == f"ck_{table.name}_{name}_normalized"
    assert await stored_row(agency_session, table.name, row.id) == before

    async with agency_session.begin_nested():
        await agency_session.exec(sql, params={"value": given.strip().lower(), "id": row.id})
    assert (await stored_row(agency_session, table.name, row.id))[name] == given.strip().lower()


NOT_NULL = [
    pytest.param(table, name, id=f"{table.name}-{name}-null")
    for table in TABLES
    for name in table.model.model_fields
    if name in sa.inspect(table.model).columns and _required(table.model, name)
    if name != "updated_at"  # see test_updated_at_is_never_null_even_when_raw_sql_says_so
]


@pytest.mark.parametrize(("table", "name"), NOT_NULL)
async def test_every_required_field_is_not_null_in_the_database(agency_session, table, name):
    row = await table.factory.create_async()
    before = await stored_row(agency_session, table.name, row.id)
    column = _column(table.model, name)
    with pytest.raises(ConstraintViolationError) as raised:
        async with agency_session.begin_nested():
            await agency_session.exec(
                sa.text(f"UPDATE {table.name} SET {column} = NULL WHERE id = :id"),
                params={"id": row.id},
            )
    assert type(raised.value) is ConstraintViolationError
    assert raised.value.__cause__.sqlstate == "23502"
    assert raised.value.constraint == column  # PostgreSQL names the column for NOT NULL
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

    kind: str
    factory: Any
    sql: str
    bad: Any
    good: Any
    constraint: str | None = None
    """None: an unknown enum label, refused with SQLSTATE 22P02 (not a constraint)."""
    error: type[BaseException] = ConstraintViolationError

    @property
    def table(self) -> str:
        return str(self.factory.__model__.__tablename__)


def _set(column: str) -> str:
    return f"UPDATE {{table}} SET {column} = :value WHERE id = :id"


def _another_channel(row: Any) -> str:
    """A channel the factory-made row does not already have (its channel is random)."""
    return "voice" if row.channel != "voice" else "sms"


def _other_user(row: Any) -> Any:
    async def create() -> uuid.UUID:
        return (await UserFactory.create_async()).id

    return create()


def _same_tenant(factory: Any) -> Callable[[Any], Any]:
    def make(row: Any) -> Any:
        async def create() -> uuid.UUID:
            return (await factory.create_async(client_id=row.client_id)).id

        return create()

    return make


def _unknown_id(row: Any) -> uuid.UUID:
    return uuid.uuid4()


RAW = [
    # Unknown enum labels.
    Raw("unknown-enum", ClientFactory, _set("tier"), "platinum", "velocity"),
    Raw("unknown-enum", MembershipFactory, _set("role"), "superuser", "admin"),
    Raw("unknown-enum", CampaignFactory, _set("status"), "archived", "active"),
    Raw("unknown-enum", CampaignResourceFactory, _set("channel"), "fax", _another_channel),
    Raw("unknown-enum", CampaignSequenceFactory, _set("channel"), "fax", _another_channel),
    Raw("unknown-enum", LeadFactory, _set("status"), "hot", "enriched"),
    Raw("unknown-enum", ActivityFactory, _set("intent"), "angry", "interested"),
    # CHECKs over several columns, or over array items.
    Raw(
        "valid-allocation",
        CampaignFactory,
        "UPDATE campaigns SET allocation_email = :value, allocation_sms = 40 WHERE id = :id",
        50,
        60,
        "ck_campaigns_valid_allocation",
    ),
    Raw(
        "dates-in-order",
        CampaignFactory,
        "UPDATE campaigns SET start_date = DATE '2025-03-01', end_date = :value WHERE id = :id",
        date(2025, 2, 28),
        date(2025, 3, 31),
        "ck_campaigns_dates_in_order",
    ),
    Raw(
        "valid-work-days",
        CampaignFactory,
        _set("work_days"),
        [1, 8],
        [1, 7],
        "ck_campaigns_valid_work_days",
    ),
    # Uniqueness.
    Raw(
        "duplicate",
        UserFactory,
        "INSERT INTO users (id, email) VALUES (:value, 'dup@example.com')",
        lambda row: row.id,
        _unknown_id,
        "pk_users",
        DuplicateRecordError,
    ),
    Raw(
        "duplicate",
        MembershipFactory,
        "INSERT INTO memberships (client_id, user_id) SELECT client_id, :value FROM memberships"
        " WHERE id = :id",
        lambda row: row.user_id,
        _other_user,
        "unique_membership",
        DuplicateRecordError,
    ),
    Raw(
        "duplicate",
        CampaignResourceFactory,
        "INSERT INTO campaign_resources (client_id, campaign_id, channel, resource_id, daily_limit)"
        " SELECT client_id, campaign_id, channel, :value, daily_limit FROM campaign_resources"
        " WHERE id = :id",
        lambda row: row.resource_id,
        "another-mailbox",
        "unique_campaign_resource",
        DuplicateRecordError,
    ),
    Raw(
        "duplicate",
        CampaignSequenceFactory,
        "INSERT INTO campaign_sequences (client_id, campaign_id, step_number, channel,"
        " body_template) SELECT client_id, campaign_id, :value, channel, body_template"
        " FROM campaign_sequences WHERE id = :id",
        lambda row: row.step_number,
        lambda row: row.step_number + 1,
        "unique_sequence_step",
        DuplicateRecordError,
    ),
    Raw(
        "duplicate",
        LeadFactory,
        "INSERT INTO leads (client_id, campaign_id, email) SELECT client_id, campaign_id, :value"
        " FROM leads WHERE id = :id",
        lambda row: row.email,
        "someone.else@example.com",
        "unique_lead_per_client",
        DuplicateRecordError,
    ),
    Raw(
        "duplicate",
        GlobalSuppressionFactory,
        "INSERT INTO global_suppression (email, reason) VALUES (:value, 'complaint')",
        lambda row: row.email,
        "someone.else@example.com",
        "uq_global_suppression_email",
        DuplicateRecordError,
    ),
    Raw(
        "duplicate",
        ClientSuppressionFactory,
        "INSERT INTO client_suppression (client_id, email, reason) SELECT client_id, :value,"
        " reason FROM client_suppression WHERE id = :id",
        lambda row: row.email,
        "someone.else@example.com",
        "unique_client_suppression",
        DuplicateRecordError,
    ),
    Raw(
        "duplicate",
        DomainSuppressionFactory,
        "INSERT INTO domain_suppression (domain, reason) VALUES (:value, 'competitor')",
        lambda row: row.domain,
        "someone-else.example.com",
        "uq_domain_suppression_domain",
        DuplicateRecordError,
    ),
    Raw(
        "duplicate",
        ActivityStatsFactory,
        "INSERT INTO activity_stats (client_id, date) SELECT client_id, :value FROM"
        " activity_stats WHERE id = :id",
        lambda row: row.date,
        lambda row: row.date - timedelta(days=1),
        "unique_activity_stats",
        DuplicateRecordError,
    ),
    # References to rows that do not exist.
    Raw(
        "unknown-reference",
        ClientFactory,
        _set("paused_by_user_id"),
        _unknown_id,
        _other_user,
        "fk_clients_paused_by_user_id_users",
    ),
    Raw(
        "unknown-reference",
        MembershipFactory,
        _set("user_id"),
        _unknown_id,
        _other_user,
        "fk_memberships_user_id_users",
    ),
    Raw(
        "unknown-reference",
        CampaignFactory,
        _set("created_by"),
        _unknown_id,
        _other_user,
        "fk_campaigns_created_by_users",
    ),
    Raw(
        "unknown-reference",
        CampaignResourceFactory,
        _set("campaign_id"),
        _unknown_id,
        _same_tenant(CampaignFactory),
        "fk_campaign_resources_client_id_campaign_id_campaigns",
    ),
    Raw(
        "unknown-reference",
        CampaignSequenceFactory,
        _set("campaign_id"),
        _unknown_id,
        _same_tenant(CampaignFactory),
        "fk_campaign_sequences_client_id_campaign_id_campaigns",
    ),
    Raw(
        "unknown-reference",
        LeadFactory,
        _set("campaign_id"),
        _unknown_id,
        _same_tenant(CampaignFactory),
        "fk_leads_client_id_campaign_id_campaigns",
    ),
    Raw(
        "unknown-reference",
        ClientSuppressionFactory,
        _set("added_by"),
        _unknown_id,
        _other_user,
        "fk_client_suppression_added_by_users",
    ),
    Raw(
        "unknown-reference",
        ActivityFactory,
        _set("lead_id"),
        _unknown_id,
        _same_tenant(LeadFactory),
        "fk_activities_client_id_lead_id_leads",
    ),
    Raw(
        "unknown-reference",
        ActivityStatsFactory,
        _set("campaign_id"),
        _unknown_id,
        _same_tenant(CampaignFactory),
        "fk_activity_stats_client_id_campaign_id_campaigns",
    ),
]


async def _value(value: Any, row: Any) -> Any:
    if callable(value):
        value = value(row)
        if inspect.isawaitable(value):
            value = await value
    return value


async def _state(session: Any, table: str, row_id: Any) -> tuple[int, dict[str, Any]]:
    return await row_count(session, table), await stored_row(session, table, row_id)


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=f"{case.table}-{case.kind}") for case in RAW]
)
async def test_database_refuses_raw_sql_that_breaks_an_invariant(agency_session, case):
    row = await case.factory.create_async()
    row_id = row.id
    bad, good = await _value(case.bad, row), await _value(case.good, row)
    statement = sa.text(case.sql.format(table=case.table))
    before = await _state(agency_session, case.table, row_id)

    error = await _refused(agency_session, statement, value=bad, id=row_id)
    if case.constraint is None:
        assert not isinstance(error, ConstraintViolationError)
        assert error.orig.sqlstate == "22P02"  # invalid_text_representation
        assert f'"{bad}"' in str(error.orig)
    else:
        assert type(error) is case.error
        assert error.constraint == case.constraint
    assert await _state(agency_session, case.table, row_id) == before

    # The same statement with a valid value goes through: only the bad value was refused.
    async with agency_session.begin_nested():
        await agency_session.exec(statement, params={"value": good, "id": row_id})
    assert await _state(agency_session, case.table, row_id) != before


@pytest.mark.parametrize("table", TABLES, ids=str)
def test_raw_cases_cover_every_table_enum_and_unique(table):
    """Every table with an enum column has an unknown-label case; every unique constraint or
    unique index has a duplicate case."""
    kinds = {case.kind for case in RAW if case.table == table.name}
    db_table = table.model.__table__
    if any(isinstance(column.type, sa.Enum) for column in db_table.columns):
        assert "unknown-enum" in kinds
    uniques = {
        constraint.name
        for constraint in db_table.constraints
        if isinstance(constraint, sa.UniqueConstraint) and len(constraint.columns) > 0
    } | {index.name for index in db_table.indexes if index.unique}
    tested = {case.constraint for case in RAW if case.table == table.name}
    tenant_keys = {f"uq_{table.name}_client_id_id"}
    assert uniques - tenant_keys <= tested
