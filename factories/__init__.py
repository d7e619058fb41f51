"""polyfactory factories for every table and Create schema of agency-models.

``build()`` makes valid unsaved objects; ``await create_async()`` persists through the session
bound with :func:`bind_factories` (the ``agency_session`` fixture of ``factories.pytest_plugin``
binds it for each test), creating the parents a row needs in the same tenant.
:func:`create_tenant` persists a whole tenant in one call.
"""

from factories.base import AgencyFactory, SessionPersistence, bind_factories, unique_email
from factories.tables import (
    ActivityCreateFactory,
    ActivityFactory,
    ActivityStatsCreateFactory,
    ActivityStatsFactory,
    CampaignCreateFactory,
    CampaignFactory,
    CampaignResourceCreateFactory,
    CampaignResourceFactory,
    CampaignSequenceCreateFactory,
    CampaignSequenceFactory,
    ClientCreateFactory,
    ClientFactory,
    ClientSuppressionCreateFactory,
    ClientSuppressionFactory,
    DomainSuppressionCreateFactory,
    DomainSuppressionFactory,
    GlobalSuppressionCreateFactory,
    GlobalSuppressionFactory,
    LeadCreateFactory,
    LeadFactory,
    MembershipCreateFactory,
    MembershipFactory,
    UserCreateFactory,
    UserFactory,
)
from factories.tenant import Tenant, create_tenant

__all__ = [
    "ActivityCreateFactory",
    "ActivityFactory",
    "ActivityStatsCreateFactory",
    "ActivityStatsFactory",
    "AgencyFactory",
    "CampaignCreateFactory",
    "CampaignFactory",
    "CampaignResourceCreateFactory",
    "CampaignResourceFactory",
    "CampaignSequenceCreateFactory",
    "CampaignSequenceFactory",
    "ClientCreateFactory",
    "ClientFactory",
    "ClientSuppressionCreateFactory",
    "ClientSuppressionFactory",
    "DomainSuppressionCreateFactory",
    "DomainSuppressionFactory",
    "GlobalSuppressionCreateFactory",
    "GlobalSuppressionFactory",
    "LeadCreateFactory",
    "LeadFactory",
    "MembershipCreateFactory",
    "MembershipFactory",
    "SessionPersistence",
    "Tenant",
    "UserCreateFactory",
    "UserFactory",
    "bind_factories",
    "create_tenant",
    "unique_email",
]
