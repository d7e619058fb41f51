"""Every table: create through its factory, read back through XRead, update through XUpdate,
soft delete and restore — all round-tripped through PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from agency_models import (
    ActivityRead,
    ActivityStatsRead,
    ActivityStatsUpdate,
    ActivityUpdate,
    AgencyModel,
    CampaignRead,
    CampaignResourceRead,
    CampaignResourceUpdate,
    CampaignSequenceRead,
    CampaignSequenceUpdate,
    CampaignStatus,
    CampaignUpdate,
    ClientRead,
    ClientSuppressionRead,
    ClientSuppressionUpdate,
    ClientUpdate,
    DomainSuppressionRead,
    DomainSuppressionUpdate,
    GlobalSuppressionRead,
    GlobalSuppressionUpdate,
    IntentType,
    LeadRead,
    LeadStatus,
    LeadUpdate,
    MembershipRead,
    MembershipRole,
    MembershipUpdate,
    SoftDeleteMixin,
    UserRead,
    UserUpdate,
)
from agency_models.db import INCLUDE_DELETED
from factories.tables import (
    ActivityFactory,
    ActivityStatsFactory,
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


@dataclass
class TableCase:
    factory: Any
    read: type[AgencyModel]
    update: type[AgencyModel]
    changes: dict[str, Any]
    expected: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> Any:
        return self.factory.__model__

    def __str__(self) -> str:
        return self.model.__tablename__


CASES = [
    TableCase(
        ClientFactory,
        ClientRead,
        ClientUpdate,
        {"name": "Renamed Pty Ltd", "digest_send_hour": 9, "digest_timezone": "Europe/London"},
    ),
    TableCase(UserFactory, UserRead, UserUpdate, {"full_name": "Ada Lovelace", "timezone": "UTC"}),
    TableCase(
        MembershipFactory,
        MembershipRead,
        MembershipUpdate,
        {"role": "admin"},
        {"role": MembershipRole.ADMIN},
    ),
    TableCase(
        CampaignFactory,
        CampaignRead,
        CampaignUpdate,
        {"status": "active", "allocation_email": 60, "allocation_sms": 40, "daily_limit": 120},
        {"status": CampaignStatus.ACTIVE},
    ),
    TableCase(
        CampaignResourceFactory,
        CampaignResourceRead,
        CampaignResourceUpdate,
        {"daily_limit": 80, "is_warmed": True},
    ),
    TableCase(
        CampaignSequenceFactory,
        CampaignSequenceRead,
        CampaignSequenceUpdate,
        {"delay_days": 5, "subject_template": "Quick question, {{first_name}}"},
    ),
    TableCase(
        LeadFactory,
        LeadRead,
        LeadUpdate,
        {
            "status": "enriched",
            "email": " New.Address@Example.COM ",
            "linkedin_url": "https://linkedin.com/in/jane",
        },
        {"status": LeadStatus.ENRICHED, "email": "new.address@example.com"},
    ),
    TableCase(
        GlobalSuppressionFactory,
        GlobalSuppressionRead,
        GlobalSuppressionUpdate,
        {"reason": "complaint", "extra_data": {"ticket": 42}},
    ),
    TableCase(
        ClientSuppressionFactory,
        ClientSuppressionRead,
        ClientSuppressionUpdate,
        {"reason": "asked twice"},
    ),
    TableCase(
        DomainSuppressionFactory,
        DomainSuppressionRead,
        DomainSuppressionUpdate,
        {"reason": "competitor", "added_by": "ops@agency"},
    ),
    TableCase(
        ActivityFactory,
        ActivityRead,
        ActivityUpdate,
        {
            "email_opened": True,
            "email_open_count": 2,
            "intent": "interested",
            "ip_address": "203.0.113.7",
            "extra_data": {"source": "webhook"},
        },
        {"intent": IntentType.INTERESTED},
    ),
    TableCase(
        ActivityStatsFactory,
        ActivityStatsRead,
        ActivityStatsUpdate,
        {"email_sent": 10, "email_opened": 4, "total_sent": 10},
    ),
]


async def _reload(session, model, row_id, **options):
    session.expunge_all()
    return await session.get(model, row_id, execution_options=options)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_create_read_update_round_trip(agency_session, case):
    row = await case.factory.create_async()
    loaded = await _reload(agency_session, case.model, row.id)

    read = case.read.model_validate(loaded)
    assert read.id == row.id
    assert read.created_at is not None
    assert read.created_at.utcoffset() is not None
    assert abs(read.created_at - datetime.now(UTC)).total_seconds() < 60
    assert read.model_dump(exclude={"created_at", "updated_at"}) == case.read.model_validate(
        row
    ).model_dump(exclude={"created_at", "updated_at"})

    update = case.update.model_validate(case.changes)
    loaded.sqlmodel_update(update.model_dump(exclude_unset=True))
    await agency_session.flush()
    reloaded = await _reload(agency_session, case.model, row.id)

    expected = {**update.model_dump(exclude_unset=True), **case.expected}
    for name, value in expected.items():
        assert getattr(reloaded, name) == value, name
    untouched = set(case.read.model_fields) - set(expected) - {"updated_at"}
    for name in untouched:
        assert getattr(reloaded, name) == getattr(read, name), name


@pytest.mark.parametrize(
    "case", [case for case in CASES if issubclass(case.model, SoftDeleteMixin)], ids=str
)
async def test_soft_delete_hides_the_row_and_restore_brings_it_back(agency_session, case):
    row = await case.factory.create_async()
    row.soft_delete()
    await agency_session.flush()

    assert await _reload(agency_session, case.model, row.id) is None
    deleted = await _reload(agency_session, case.model, row.id, **{INCLUDE_DELETED: True})
    assert deleted.is_deleted
    assert deleted.deleted_at.utcoffset() is not None
    assert case.read.model_validate(deleted).deleted_at == deleted.deleted_at

    deleted.restore()
    await agency_session.flush()
    restored = await _reload(agency_session, case.model, row.id)
    assert restored is not None
    assert not restored.is_deleted
