"""The factory base every table factory builds on."""

from __future__ import annotations

from datetime import datetime

from pydantic import TypeAdapter

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    Email,
    LeadStatus,
    ShortText,
    SoftDeleteMixin,
    TimestampMixin,
)
from factories import AgencyFactory


class Prospect(SoftDeleteMixin, TimestampMixin, AgencyModel):
    email: Email
    name: ShortText
    status: LeadStatus = LeadStatus.NEW
    met_at: AwareDatetime
    followed_up_at: AwareDatetime | None = None


class ProspectFactory(AgencyFactory[Prospect]):
    pass


def test_built_rows_leave_defaults_and_server_columns_alone():
    for prospect in ProspectFactory.batch(50):
        assert prospect.deleted_at is None
        assert not prospect.is_deleted
        assert prospect.created_at is None
        assert prospect.updated_at is None
        assert prospect.status is LeadStatus.NEW
        assert prospect.followed_up_at is None


def test_built_datetimes_are_aware():
    for prospect in ProspectFactory.batch(50):
        assert isinstance(prospect.met_at, datetime)
        assert prospect.met_at.utcoffset() is not None


def test_built_emails_are_valid_lower_case_and_unique():
    prospects = ProspectFactory.batch(500)
    emails = [prospect.email for prospect in prospects]
    assert len(set(emails)) == len(emails)
    for email in emails:
        assert TypeAdapter(Email).validate_python(email) == email


def test_asked_for_values_win():
    deleted = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    prospect = ProspectFactory.build(deleted_at=deleted, status=LeadStatus.BOUNCED)
    assert prospect.is_deleted
    assert prospect.status is LeadStatus.BOUNCED
