"""A whole tenant in one call: client, users with memberships, campaigns, leads, activities;
or one row in every table of the package, all of one tenant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from agency_models import (
    Activity,
    Campaign,
    Client,
    Lead,
    Membership,
    MembershipRole,
    User,
    metadata,
)
from agency_models.base import AgencyModel, TenantMixin, mapper_registry
from factories import tables
from factories.base import current_session
from factories.tables import (
    ActivityFactory,
    CampaignFactory,
    ClientFactory,
    LeadFactory,
    MembershipFactory,
    UserFactory,
)


@dataclass
class Tenant:
    client: Client
    users: list[User] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)

    @property
    def owner(self) -> User:
        """The first user, who owns the client."""
        return self.users[0]


async def create_tenant(
    *,
    users: int = 2,
    campaigns: int = 1,
    leads_per_campaign: int = 3,
    activities_per_lead: int = 1,
) -> Tenant:
    """Persist a client with ``users`` members (the first one the owner, the others members),
    ``campaigns`` campaigns, their leads and each lead's activities, all in one tenant."""
    tenant = Tenant(client=await ClientFactory.create_async())
    scope = {"client_id": tenant.client.id}
    for number in range(users):
        user = await UserFactory.create_async()
        role = MembershipRole.OWNER if number == 0 else MembershipRole.MEMBER
        tenant.users.append(user)
        tenant.memberships.append(
            await MembershipFactory.create_async(**scope, user_id=user.id, role=role)
        )
    for _ in range(campaigns):
        campaign = await CampaignFactory.create_async(**scope, created_by=tenant.owner.id)
        tenant.campaigns.append(campaign)
        leads = await LeadFactory.create_batch_async(
            leads_per_campaign, **scope, campaign_id=campaign.id
        )
        tenant.leads += leads
        activities = [
            ActivityFactory.build(
                client_id=tenant.client.id, campaign_id=campaign.id, lead_id=lead.id
            )
            for lead in leads
            for _ in range(activities_per_lead)
        ]
        current_session().add_all(activities)
        await current_session().flush()
        tenant.activities += activities
    return tenant


async def create_row_per_table(client_id: uuid.UUID | None = None) -> dict[str, AgencyModel]:
    """Persist one row in every table of the package (table name -> row), each referencing the
    rows created before it, so every reference stays inside one tenant: ``client_id``'s, or a
    new client's. Tables are visited in dependency order; a new table needs no change here."""
    models = {mapper.class_.__tablename__: mapper.class_ for mapper in mapper_registry.mappers}
    rows: dict[str, AgencyModel] = {}
    if client_id is not None:
        client = await current_session().get(Client, client_id)
        if client is None:
            raise LookupError(f"no client {client_id}")
        rows["clients"] = client
    for table in metadata.sorted_tables:
        if table.name in rows:
            continue
        model = models[table.name]
        references: dict[str, Any] = {}
        for column in table.columns:
            for key in column.foreign_keys:
                target = rows.get(key.column.table.name)
                if key.column.name == "id" and target is not None:
                    references[column.key] = target.id  # type: ignore[attr-defined]
        if issubclass(model, TenantMixin) and "clients" in rows:
            references["client_id"] = rows["clients"].id  # type: ignore[attr-defined]
        rows[table.name] = await _factory(model).create_async(**references)
    return rows


def _factory(model: type[AgencyModel]) -> Any:
    return getattr(tables, f"{model.__name__}Factory")
