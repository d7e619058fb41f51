"""A whole tenant in one call: client, users with memberships, campaigns, leads, activities."""

from __future__ import annotations

from dataclasses import dataclass, field

from agency_models import Activity, Campaign, Client, Lead, Membership, MembershipRole, User
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
        for _ in range(leads_per_campaign):
            lead = await LeadFactory.create_async(**scope, campaign_id=campaign.id)
            tenant.leads.append(lead)
            for _ in range(activities_per_lead):
                tenant.activities.append(
                    await ActivityFactory.create_async(
                        **scope, campaign_id=campaign.id, lead_id=lead.id
                    )
                )
    return tenant
