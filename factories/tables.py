"""One factory per table of agency-models, and one per Create schema.

``build()`` makes an unsaved, valid object; ``await create_async()`` also persists it (and the
parents it needs) through the bound session.
"""

from __future__ import annotations

import itertools

from polyfactory import Use
from polyfactory.factories.pydantic_factory import ModelFactory

from agency_models import (
    Activity,
    ActivityCreate,
    ActivityStats,
    ActivityStatsCreate,
    Campaign,
    CampaignCreate,
    CampaignResource,
    CampaignResourceCreate,
    CampaignSequence,
    CampaignSequenceCreate,
    Client,
    ClientCreate,
    ClientSuppression,
    ClientSuppressionCreate,
    DomainSuppression,
    DomainSuppressionCreate,
    GlobalSuppression,
    GlobalSuppressionCreate,
    Lead,
    LeadCreate,
    Membership,
    MembershipCreate,
    User,
    UserCreate,
)
from factories.base import AgencyFactory

faker = ModelFactory.__faker__
_step_numbers = itertools.count(1)


def _company() -> str:
    return str(faker.company())


def _campaign_name() -> str:
    return f"{faker.catch_phrase()} ({faker.month_name()})"


def _suppression_reason() -> str:
    return str(faker.random_element(["unsubscribed", "hard bounce", "complaint", "requested"]))


class ClientFactory(AgencyFactory[Client]):
    name = Use(_company)


class ClientCreateFactory(AgencyFactory[ClientCreate]):
    name = Use(_company)


class UserFactory(AgencyFactory[User]):
    full_name = Use(faker.name)


class UserCreateFactory(AgencyFactory[UserCreate]):
    full_name = Use(faker.name)


class MembershipFactory(AgencyFactory[Membership]):
    __parents__ = {"client_id": ClientFactory, "user_id": UserFactory}


class MembershipCreateFactory(AgencyFactory[MembershipCreate]):
    pass


class CampaignFactory(AgencyFactory[Campaign]):
    __parents__ = {"client_id": ClientFactory}
    name = Use(_campaign_name)


class CampaignCreateFactory(AgencyFactory[CampaignCreate]):
    name = Use(_campaign_name)


class CampaignResourceFactory(AgencyFactory[CampaignResource]):
    __parents__ = {"campaign_id": CampaignFactory}
    resource_id = Use(faker.uuid4)
    daily_limit = Use(faker.random_int, 10, 200)


class CampaignResourceCreateFactory(AgencyFactory[CampaignResourceCreate]):
    resource_id = Use(faker.uuid4)
    daily_limit = Use(faker.random_int, 10, 200)


class CampaignSequenceFactory(AgencyFactory[CampaignSequence]):
    __parents__ = {"campaign_id": CampaignFactory}
    step_number = Use(lambda: next(_step_numbers))
    body_template = Use(faker.paragraph)


class CampaignSequenceCreateFactory(AgencyFactory[CampaignSequenceCreate]):
    step_number = Use(lambda: next(_step_numbers))
    body_template = Use(faker.paragraph)


class LeadFactory(AgencyFactory[Lead]):
    __parents__ = {"campaign_id": CampaignFactory}
    first_name = Use(faker.first_name)
    last_name = Use(faker.last_name)
    company = Use(_company)


class LeadCreateFactory(AgencyFactory[LeadCreate]):
    first_name = Use(faker.first_name)
    last_name = Use(faker.last_name)
    company = Use(_company)


class GlobalSuppressionFactory(AgencyFactory[GlobalSuppression]):
    reason = Use(_suppression_reason)


class GlobalSuppressionCreateFactory(AgencyFactory[GlobalSuppressionCreate]):
    reason = Use(_suppression_reason)


class ClientSuppressionFactory(AgencyFactory[ClientSuppression]):
    __parents__ = {"client_id": ClientFactory}
    reason = Use(_suppression_reason)


class ClientSuppressionCreateFactory(AgencyFactory[ClientSuppressionCreate]):
    reason = Use(_suppression_reason)


class DomainSuppressionFactory(AgencyFactory[DomainSuppression]):
    reason = Use(_suppression_reason)


class DomainSuppressionCreateFactory(AgencyFactory[DomainSuppressionCreate]):
    reason = Use(_suppression_reason)


class ActivityFactory(AgencyFactory[Activity]):
    __parents__ = {"lead_id": LeadFactory}
    action = "sent"


class ActivityCreateFactory(AgencyFactory[ActivityCreate]):
    action = "sent"


class ActivityStatsFactory(AgencyFactory[ActivityStats]):
    __parents__ = {"client_id": ClientFactory}


class ActivityStatsCreateFactory(AgencyFactory[ActivityStatsCreate]):
    pass
