"""The shared value types: the one email type and the one aware-datetime type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from agency_models.base import TIMESTAMPTZ, AgencyModel, AwareDatetime, Email
from agency_models.exceptions import NaiveDatetimeError


class Contact(AgencyModel):
    email: Email
    seen_at: AwareDatetime | None = None


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("  Jane.Doe@Example.COM ", "jane.doe@example.com"),
        ("o'brien+leads@mail.agency.com.au", "o'brien+leads@mail.agency.com.au"),
    ],
)
def test_emails_are_trimmed_and_lower_cased(given, stored):
    assert Contact(email=given).email == stored


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "jane",
        "jane@",
        "@example.com",
        "jane@example",
        "jane doe@example.com",
        "jane@@example.com",
        "jane@-example.com",
        "x" * 250 + "@example.com",
        42,
    ],
)
def test_malformed_emails_raise_a_clear_validation_error(malformed):
    with pytest.raises(ValidationError) as raised:
        Contact.model_validate({"email": malformed})
    (error,) = raised.value.errors()
    assert error["loc"] == ("email",)
    assert error["type"] == "email"
    assert error["msg"] == "value is not a valid email address"


def test_naive_datetimes_raise_a_clear_validation_error():
    with pytest.raises(ValidationError) as raised:
        Contact(email="a@b.co", seen_at=datetime(2026, 1, 1, 9, 0))
    (error,) = raised.value.errors()
    assert (error["loc"], error["type"]) == (("seen_at",), "timezone_aware")


def test_aware_datetimes_of_any_offset_are_accepted():
    seen = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=10)))
    assert Contact(email="a@b.co", seen_at=seen).seen_at == seen
    assert Contact(email="a@b.co", seen_at="2026-01-01T09:00:00+10:00").seen_at == seen


async def test_naive_datetimes_never_reach_a_timestamptz_column(agency_session):
    naive = datetime(2026, 1, 1, 9, 0)
    with pytest.raises(NaiveDatetimeError, match="naive datetime"):
        await agency_session.exec(sa.select(sa.literal(naive, TIMESTAMPTZ)))


async def test_aware_datetimes_round_trip_through_timestamptz(agency_session):
    sydney = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=11)))
    stored = await agency_session.scalar(sa.select(sa.literal(sydney, TIMESTAMPTZ)))
    assert stored == sydney
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == sydney.astimezone(UTC)
