"""One factory per table of agency-models, and one per Create schema.

``build()`` makes an unsaved, valid object; ``await create_async()`` also persists it (and the
parents it needs) through the bound session. A table's factory and its Create schema's
factory share one set of field values.
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


class ClientValues:
    name = Use(_company)
    website_url = Use(faker.url)


class UserValues:
    full_name = Use(faker.name)


class CampaignValues:
    name = Use(_campaign_name)


class CampaignResourceValues:
    resource_id = Use(faker.uuid4)
    resource_name = Use(faker.email)
    daily_limit = Use(faker.random_int, 10, 200)


class CampaignSequenceValues:
    step_number = Use(lambda: next(_step_numbers))
    subject_template = Use(faker.sentence)
    body_template = Use(faker.paragraph)


class LeadValues:
    first_name = Use(faker.first_name)
    last_name = Use(faker.last_name)
    title = Use(faker.job)
    company = Use(_company)
    phone = Use(faker.phone_number)


class SuppressionValues:
    reason = Use(_suppression_reason)


class ActivityValues:
    action = "sent"
    subject = Use(faker.sentence)


class ClientFactory(ClientValues, AgencyFactory[Client]):
    pass


class ClientCreateFactory(ClientValues, AgencyFactory[ClientCreate]):
    pass


class UserFactory(UserValues, AgencyFactory[User]):
    pass


class UserCreateFactory(UserValues, AgencyFactory[UserCreate]):
    pass


class MembershipFactory(AgencyFactory[Membership]):
    __parents__ = {"client_id": ClientFactory, "user_id": UserFactory}


class MembershipCreateFactory(AgencyFactory[MembershipCreate]):
    pass


class CampaignFactory(CampaignValues, AgencyFactory[Campaign]):
    __parents__ = {"client_id": ClientFactory}


class CampaignCreateFactory(CampaignValues, AgencyFactory[CampaignCreate]):
    pass


class CampaignResourceFactory(CampaignResourceValues, AgencyFactory[CampaignResource]):
    __parents__ = {"campaign_id": CampaignFactory}


class CampaignResourceCreateFactory(CampaignResourceValues, AgencyFactory[CampaignResourceCreate]):
    pass


class CampaignSequenceFactory(CampaignSequenceValues, AgencyFactory[CampaignSequence]):
    __parents__ = {"campaign_id": CampaignFactory}


class CampaignSequenceCreateFactory(CampaignSequenceValues, AgencyFactory[CampaignSequenceCreate]):
    pass


class LeadFactory(LeadValues, AgencyFactory[Lead]):
    __parents__ = {"campaign_id": CampaignFactory}


class LeadCreateFactory(LeadValues, AgencyFactory[LeadCreate]):
    pass


class GlobalSuppressionFactory(SuppressionValues, AgencyFactory[GlobalSuppression]):
    pass


class GlobalSuppressionCreateFactory(SuppressionValues, AgencyFactory[GlobalSuppressionCreate]):
    pass


class ClientSuppressionFactory(SuppressionValues, AgencyFactory[ClientSuppression]):
    __parents__ = {"client_id": ClientFactory}


class ClientSuppressionCreateFactory(SuppressionValues, AgencyFactory[ClientSuppressionCreate]):
    pass


class DomainSuppressionFactory(SuppressionValues, AgencyFactory[DomainSuppression]):
    pass


class DomainSuppressionCreateFactory(SuppressionValues, AgencyFactory[DomainSuppressionCreate]):
    pass


class ActivityFactory(ActivityValues, AgencyFactory[Activity]):
    __parents__ = {"lead_id": LeadFactory}


class ActivityCreateFactory(ActivityValues, AgencyFactory[ActivityCreate]):
    pass


class ActivityStatsFactory(AgencyFactory[ActivityStats]):
    __parents__ = {"client_id": ClientFactory}


class ActivityStatsCreateFactory(AgencyFactory[ActivityStatsCreate]):
    pass
