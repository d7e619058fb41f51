"""The shared value types: every value they accept is storable, and each kind of value
PostgreSQL (or asyncpg, or Python reading the row back) would refuse is a ``ValidationError``
first, through ``model_validate`` and ``model_validate_json`` alike."""

from __future__ import annotations

import json
import math
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from agency_models import Activity, ActivityCreate, Lead, LeadCreate
from agency_models.base import (
    EARLIEST,
    JSON_MAX_DEPTH,
    JSON_MAX_SIZE,
    LATEST,
    LONG_TEXT_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    TIMESTAMPTZ,
    AgencyModel,
    AwareDatetime,
    CalendarDate,
    Email,
    Int32,
    Int64,
    JsonObject,
    LongText,
    ShortText,
    TextList,
    TimeOfDay,
    TimeZoneName,
    WebUrl,
)
from agency_models.exceptions import NaiveDatetimeError
from factories import ActivityCreateFactory, LeadCreateFactory, LeadFactory


class Sample(AgencyModel):
    short: ShortText | None = None
    long: LongText | None = None
    tags: TextList | None = None
    email: Email | None = None
    url: WebUrl | None = None
    small: Int32 | None = None
    big: Int64 | None = None
    at: AwareDatetime | None = None
    day: CalendarDate | None = None
    wall_clock: TimeOfDay | None = None
    zone: TimeZoneName | None = None
    data: JsonObject | None = None


def refused(payload: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """The errors of ``payload``, the same through Python and JSON input."""
    with pytest.raises(ValidationError) as from_python:
        Sample.model_validate(payload)
    errors = [(error["loc"], error["type"]) for error in from_python.value.errors()]
    try:
        as_json = json.dumps(payload)
    except (TypeError, ValueError):
        return errors  # not expressible as JSON (a Python object, NaN): Python input only
    with pytest.raises(ValidationError) as from_json:
        Sample.model_validate_json(as_json)
    assert [(e["loc"], e["type"]) for e in from_json.value.errors()] == errors
    return errors


def accepted(payload: dict[str, Any]) -> Sample:
    from_python = Sample.model_validate(payload)
    assert Sample.model_validate_json(json.dumps(payload, default=str)) == from_python
    return from_python


# Text -------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["short", "long"])
def test_text_with_a_nul_character_is_refused(field):
    assert refused({field: "Jane\x00Doe"}) == [((field,), "text_nul")]


def test_nul_is_refused_in_text_arrays_urls_and_emails():
    assert refused({"tags": ["ok", "bad\x00"]}) == [(("tags", 1), "text_nul")]
    assert refused({"url": "https://example.com/a\x00b"}) == [(("url",), "url")]
    assert refused({"email": "jane\x00@example.com"}) == [(("email",), "email")]


def test_a_lone_surrogate_is_refused():
    with pytest.raises(ValidationError) as raised:
        Sample.model_validate({"short": "Jane \ud800"})
    assert [(e["loc"], e["type"]) for e in raised.value.errors()] == [
        (("short",), "string_unicode")
    ]
    with pytest.raises(ValidationError):
        Sample.model_validate_json('{"short": "Jane \\ud800"}')


def test_text_is_bounded_by_its_kind():
    assert accepted({"short": "é" * SHORT_TEXT_MAX_LENGTH}).short
    assert refused({"short": "x" * (SHORT_TEXT_MAX_LENGTH + 1)}) == [
        (("short",), "string_too_long")
    ]
    assert refused({"short": "x" * 1_000_000}) == [(("short",), "string_too_long")]
    assert accepted({"long": "x" * LONG_TEXT_MAX_LENGTH}).long
    assert refused({"long": "x" * (LONG_TEXT_MAX_LENGTH + 1)}) == [(("long",), "string_too_long")]
    assert refused({"tags": ["x"] * 1001}) == [(("tags",), "too_long")]


def test_a_megabyte_first_name_is_refused_by_the_lead_schema():
    payload = {**LeadCreateFactory.build().model_dump(mode="json"), "first_name": "x" * 2**20}
    with pytest.raises(ValidationError) as raised:
        LeadCreate.model_validate(payload)
    assert [(e["loc"], e["type"]) for e in raised.value.errors()] == [
        (("first_name",), "string_too_long")
    ]


@pytest.mark.parametrize("field", ["thread_id", "sender_domain", "provider_message_id"])
def test_indexed_text_is_refused_before_it_outgrows_a_btree_entry(field):
    payload = {**ActivityCreateFactory.build().model_dump(mode="json"), field: "x" * 3000}
    with pytest.raises(ValidationError) as raised:
        ActivityCreate.model_validate_json(json.dumps(payload))
    assert [(e["loc"], e["type"]) for e in raised.value.errors()] == [((field,), "string_too_long")]


async def test_the_longest_accepted_indexed_text_is_stored(agency_session):
    """Four-byte characters at the limit: the widest value an index entry can get."""
    lead = await LeadFactory.create_async()
    widest = "😀" * SHORT_TEXT_MAX_LENGTH
    create = ActivityCreateFactory.build(
        client_id=lead.client_id,
        campaign_id=lead.campaign_id,
        lead_id=lead.id,
        thread_id=widest,
        sender_domain=widest,
        provider_message_id=widest,
    )
    agency_session.add(Activity.model_validate(create))
    await agency_session.flush()


# Emails -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "jane..doe@example.com",
        ".jane@example.com",
        "jane.@example.com",
        "a@123.45.67.89",
        "jane@example.123",
        "jane@[203.0.113.7]",
        "jane@example.c",
    ],
)
def test_malformed_local_parts_ip_domains_and_numeric_tlds_are_refused(email):
    assert refused({"email": email}) == [(("email",), "email")]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("  Jane.Doe@Example.COM ", "jane.doe@example.com"),
        ("o'brien+leads@mail.agency.com.au", "o'brien+leads@mail.agency.com.au"),
        ("ivan@пример.xn--p1ai".replace("пример", "xn--e1afmkfd"), "ivan@xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_valid_emails_are_trimmed_and_lower_cased(given, stored):
    assert accepted({"email": given}).email == stored


# Integers ---------------------------------------------------------------------------------


def test_integers_fit_their_column():
    assert accepted({"small": 2**31 - 1, "big": 2**63 - 1}).small == 2**31 - 1
    assert refused({"small": 2**31}) == [(("small",), "less_than_equal")]
    assert refused({"small": -(2**31) - 1}) == [(("small",), "greater_than_equal")]
    assert refused({"big": 2**63}) == [(("big",), "less_than_equal")]


def test_integers_with_thousands_of_digits_are_refused():
    with pytest.raises(ValidationError):
        Sample.model_validate({"small": 10**5000})
    with pytest.raises(ValidationError):
        Sample.model_validate_json('{"small": ' + "9" * 5000 + "}")
    with pytest.raises(ValidationError):
        Sample.model_validate({"small": "9" * 5000})


def test_an_unbounded_lead_integer_is_refused_beyond_int4():
    payload = LeadCreateFactory.build().model_dump(mode="json")
    for field in ("timezone_offset", "organization_employee_count", "organization_founded_year"):
        with pytest.raises(ValidationError) as raised:
            LeadCreate.model_validate({**payload, field: 2**31})
        assert [e["loc"] for e in raised.value.errors()] == [(field,)]


# Datetimes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("9999-12-31T23:59:59-14:00", "less_than_equal"),
        ("0001-01-01T00:00:00+14:00", "greater_than_equal"),
        ("2026-01-01T09:00:00", "timezone_aware"),
        ("0001-01-01T00:00:00Z", "greater_than_equal"),
        ("9999-12-31T23:59:59.999999Z", "less_than_equal"),
    ],
)
def test_datetimes_are_aware_and_inside_the_storable_range(value, error):
    assert refused({"at": value}) == [(("at",), error)]


def test_a_python_datetime_past_the_range_is_refused():
    far_west = timezone(timedelta(hours=-14))
    with pytest.raises(ValidationError) as raised:
        Sample.model_validate({"at": datetime(9999, 12, 31, 23, 0, tzinfo=far_west)})
    assert raised.value.errors()[0]["type"] == "less_than_equal"


@pytest.mark.parametrize(
    "edge",
    [
        EARLIEST,
        LATEST,
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=14))),
    ],
)
async def test_the_edges_of_the_range_round_trip_through_timestamptz(agency_session, edge):
    validated = accepted({"at": edge.isoformat()}).at
    stored = await agency_session.scalar(sa.select(sa.literal(validated, TIMESTAMPTZ)))
    assert stored == edge


def test_naive_datetimes_raise_a_clear_validation_error():
    with pytest.raises(ValidationError) as raised:
        Sample(at=datetime(2026, 1, 1, 9, 0))
    (error,) = raised.value.errors()
    assert (error["loc"], error["type"]) == (("at",), "timezone_aware")


def test_aware_datetimes_of_any_offset_are_accepted():
    seen = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=10)))
    assert Sample(at=seen).at == seen
    assert Sample(at="2026-01-01T09:00:00+10:00").at == seen


async def test_naive_datetimes_never_reach_a_timestamptz_column(agency_session):
    naive = datetime(2026, 1, 1, 9, 0)
    with pytest.raises(NaiveDatetimeError, match="naive datetime"):
        await agency_session.exec(sa.select(sa.literal(naive, TIMESTAMPTZ)))


async def test_aware_datetimes_round_trip_through_timestamptz(agency_session):
    sydney = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=11)))
    stored = await agency_session.scalar(sa.select(sa.literal(sydney, TIMESTAMPTZ)))
    assert stored == sydney
    assert stored.utcoffset() == timedelta(0)


def test_days_asyncpg_would_store_as_infinity_are_refused():
    assert refused({"day": "0001-01-01"}) == [(("day",), "greater_than_equal")]
    assert refused({"day": "9999-12-31"}) == [(("day",), "less_than_equal")]
    assert accepted({"day": "9999-12-30"}).day == date(9999, 12, 30)


def test_a_wall_clock_time_with_an_offset_is_refused_not_stripped():
    assert accepted({"wall_clock": "09:00"}).wall_clock == time(9, 0)
    assert refused({"wall_clock": "09:00+05:00"}) == [(("wall_clock",), "timezone_naive")]
    with pytest.raises(ValidationError):
        Sample(wall_clock=time(9, 0, tzinfo=UTC))


# Time zones -------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "australia/sydney", "GMT+25", "", "../etc"])
def test_time_zones_are_iana_names(zone):
    assert refused({"zone": zone}) == [(("zone",), "time_zone")]


@pytest.mark.parametrize("zone", ["Australia/Sydney", "UTC", "America/Argentina/Buenos_Aires"])
def test_iana_time_zones_are_accepted(zone):
    assert accepted({"zone": zone}).zone == zone


# JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"score": math.nan},
        {"score": math.inf},
        {"scores": [1.0, -math.inf]},
        {"note": "a\x00b"},
        {"a\x00": 1},
        {"id": uuid.uuid4()},
        {"when": datetime(2026, 1, 1, tzinfo=UTC)},
        {"day": date(2026, 1, 1)},
        {"tags": {"a", "b"}},
        {"raw": b"bytes"},
        {"n": 2**64},
        {"object": object()},
    ],
)
def test_json_holds_only_storable_json_values(value):
    (error,) = refused({"data": value})
    assert error == (("data",), "json_value")


@pytest.mark.parametrize("value", [{"note": "\ud800"}, {1: "integer key"}])
def test_json_from_python_holds_only_text_without_surrogates_and_text_keys(value):
    with pytest.raises(ValidationError) as raised:
        Sample.model_validate({"data": value})
    assert raised.value.errors()[0]["type"] == "json_value"


def test_json_errors_say_where_the_bad_value_is():
    with pytest.raises(ValidationError) as raised:
        Sample.model_validate({"data": {"a": [{"b": math.nan}]}})
    assert "['a'][0]['b']" in raised.value.errors()[0]["msg"]


def test_json_nesting_is_limited():
    def nested(depth: int) -> Any:
        value: Any = 1
        for _ in range(depth):
            value = [value]
        return value

    assert accepted({"data": {"x": nested(JSON_MAX_DEPTH - 1)}})
    assert refused({"data": {"x": nested(JSON_MAX_DEPTH)}}) == [(("data",), "json_value")]
    with pytest.raises(ValidationError):
        Sample.model_validate({"data": {"x": nested(5000)}})
    with pytest.raises(ValidationError):
        Sample.model_validate_json('{"data": {"x": ' + "[" * 5000 + "]" * 5000 + "}}")


def test_json_size_is_limited():
    assert refused({"data": {"blob": "x" * JSON_MAX_SIZE}}) == [(("data",), "json_too_large")]


def test_json_with_nan_from_a_json_body_is_refused():
    with pytest.raises(ValidationError):
        Sample.model_validate_json('{"data": {"score": NaN}}')


async def test_accepted_json_is_stored_as_given(agency_session):
    data = {"unicode": "ünïcødé 😀", "n": 2**63 - 1, "f": 0.1, "deep": [[{"ok": None}]]}
    lead = await LeadFactory.create_async(sdk_enrichment=accepted({"data": data}).data)
    stored = await agency_session.scalar(
        sa.text("SELECT sdk_enrichment FROM leads WHERE id = :id"), {"id": lead.id}
    )
    assert stored == data


def test_a_lead_refuses_a_json_field_holding_python_objects():
    create = LeadCreateFactory.build()
    with pytest.raises(ValidationError) as raised:
        Lead.model_validate(create, update={"als_components": {"at": datetime.now(UTC)}})
    assert [e["loc"] for e in raised.value.errors()] == [("als_components",)]


# Every field uses a shared type -----------------------------------------------------------


@pytest.mark.parametrize(
    "annotation", [str, int, dict[str, Any], date, datetime, time, list[str], Any]
)
def test_a_model_field_cannot_use_an_unbounded_type(annotation):
    with pytest.raises(TypeError, match="unbounded"):
        type("Loose", (AgencyModel,), {"__annotations__": {"value": annotation}})
