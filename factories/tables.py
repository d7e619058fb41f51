"""One factory per table of agency-models, and one per Create schema.

``build()`` makes an unsaved, valid object; ``await create_async()`` also persists it (and the
parents it needs) through the bound session. A table's factory and its Create schema's
factory share one set of field values.
"""

from __future__ import annotations

import base64
import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

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
    ClientIntelligence,
    ClientIntelligenceCreate,
    ClientPersona,
    ClientPersonaCreate,
    ClientResource,
    ClientResourceCreate,
    ClientSuppression,
    ClientSuppressionCreate,
    ConversionPattern,
    ConversionPatternCreate,
    ConversionPatternHistory,
    ConversionPatternHistoryCreate,
    DomainSuppression,
    DomainSuppressionCreate,
    GlobalSuppression,
    GlobalSuppressionCreate,
    Lead,
    LeadCreate,
    LeadPool,
    LeadPoolCreate,
    LeadSocialPost,
    LeadSocialPostCreate,
    LinkedInConnection,
    LinkedInConnectionCreate,
    LinkedInCredential,
    LinkedInCredentialCreate,
    LinkedInSeat,
    LinkedInSeatCreate,
    Membership,
    MembershipCreate,
    ResourcePool,
    ResourcePoolCreate,
    SDKUsageLog,
    SDKUsageLogCreate,
    User,
    UserCreate,
)
from factories.base import AgencyFactory, pooled, unique_domain, unique_email

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
    first_name = Use(pooled(faker.first_name))
    last_name = Use(pooled(faker.last_name))
    title = Use(pooled(faker.job))
    company = Use(pooled(_company))
    phone = Use(pooled(faker.phone_number))


class SuppressionValues:
    reason = Use(_suppression_reason)


class ActivityValues:
    action = "sent"
    subject = Use(faker.sentence)


class LeadPoolValues:
    first_name = Use(faker.first_name)
    last_name = Use(faker.last_name)
    title = Use(faker.job)
    company_name = Use(_company)


class LeadSocialPostValues:
    source = "linkedin"
    post_content = Use(faker.paragraph)


def _valid_until() -> datetime:
    return datetime.now(UTC) + timedelta(days=30)


class ConversionPatternValues:
    patterns = Use(lambda: {"top_titles": [faker.job()], "lift": round(faker.pyfloat(0, 2), 2)})
    sample_size = Use(faker.random_int, 10, 500)
    confidence = Use(lambda: round(faker.pyfloat(0, 2, min_value=0, max_value=1), 2))
    valid_until = Use(_valid_until)


class ConversionPatternHistoryValues:
    patterns = Use(lambda: {"top_titles": [faker.job()]})
    sample_size = Use(faker.random_int, 10, 500)
    confidence = Use(lambda: round(faker.pyfloat(0, 2, min_value=0, max_value=1), 2))


class ResourcePoolValues:
    resource_value = Use(unique_domain)
    resource_name = Use(faker.domain_word)
    max_clients = 3


class ClientPersonaValues:
    first_name = Use(faker.first_name)
    last_name = Use(faker.last_name)
    title = Use(faker.job)
    email = Use(unique_email)


def _ciphertext() -> str:
    """Stands in for a service's ciphertext (factories never see a real secret)."""
    return "enc:" + base64.b64encode(faker.binary(24)).decode()


class LinkedInCredentialValues:
    linkedin_email_encrypted = Use(_ciphertext)
    linkedin_password_encrypted = Use(_ciphertext)


class LinkedInCredentialCreateValues:
    linkedin_email = Use(unique_email)
    linkedin_password = Use(faker.password)


class LinkedInSeatValues:
    account_name = Use(faker.name)
    account_email = Use(unique_email)


class ClientIntelligenceValues:
    website_tagline = Use(faker.catch_phrase)


class SDKUsageLogValues:
    agent_type = Use(lambda: faker.random_element(["icp_extraction", "email_writer", "scorer"]))
    model_used = "claude-sonnet"
    input_tokens = Use(faker.random_int, 100, 5000)
    output_tokens = Use(faker.random_int, 10, 2000)
    cost_aud = Use(lambda: Decimal(faker.random_int(1, 99999)) / Decimal(1_000_000))


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


class LeadPoolFactory(LeadPoolValues, AgencyFactory[LeadPool]):
    pass


class LeadPoolCreateFactory(LeadPoolValues, AgencyFactory[LeadPoolCreate]):
    pass


class LeadSocialPostFactory(LeadSocialPostValues, AgencyFactory[LeadSocialPost]):
    __parents__ = {"lead_id": LeadFactory}


class LeadSocialPostCreateFactory(LeadSocialPostValues, AgencyFactory[LeadSocialPostCreate]):
    pass


class ConversionPatternFactory(ConversionPatternValues, AgencyFactory[ConversionPattern]):
    __parents__ = {"client_id": ClientFactory}


class ConversionPatternCreateFactory(
    ConversionPatternValues, AgencyFactory[ConversionPatternCreate]
):
    pass


class ConversionPatternHistoryFactory(
    ConversionPatternHistoryValues, AgencyFactory[ConversionPatternHistory]
):
    __parents__ = {"client_id": ClientFactory}


class ConversionPatternHistoryCreateFactory(
    ConversionPatternHistoryValues, AgencyFactory[ConversionPatternHistoryCreate]
):
    pass


class ResourcePoolFactory(ResourcePoolValues, AgencyFactory[ResourcePool]):
    pass


class ResourcePoolCreateFactory(ResourcePoolValues, AgencyFactory[ResourcePoolCreate]):
    pass


class ClientResourceFactory(AgencyFactory[ClientResource]):
    __parents__ = {"client_id": ClientFactory, "resource_pool_id": ResourcePoolFactory}


class ClientResourceCreateFactory(AgencyFactory[ClientResourceCreate]):
    pass


class ClientPersonaFactory(ClientPersonaValues, AgencyFactory[ClientPersona]):
    __parents__ = {"client_id": ClientFactory}


class ClientPersonaCreateFactory(ClientPersonaValues, AgencyFactory[ClientPersonaCreate]):
    pass


class LinkedInCredentialFactory(LinkedInCredentialValues, AgencyFactory[LinkedInCredential]):
    __parents__ = {"client_id": ClientFactory}


class LinkedInCredentialCreateFactory(
    LinkedInCredentialCreateValues, AgencyFactory[LinkedInCredentialCreate]
):
    pass


class LinkedInSeatFactory(LinkedInSeatValues, AgencyFactory[LinkedInSeat]):
    __parents__ = {"client_id": ClientFactory}


class LinkedInSeatCreateFactory(LinkedInSeatValues, AgencyFactory[LinkedInSeatCreate]):
    pass


class LinkedInConnectionFactory(AgencyFactory[LinkedInConnection]):
    __parents__ = {"seat_id": LinkedInSeatFactory, "lead_id": LeadFactory}


class LinkedInConnectionCreateFactory(AgencyFactory[LinkedInConnectionCreate]):
    pass


class ClientIntelligenceFactory(ClientIntelligenceValues, AgencyFactory[ClientIntelligence]):
    __parents__ = {"client_id": ClientFactory}


class ClientIntelligenceCreateFactory(
    ClientIntelligenceValues, AgencyFactory[ClientIntelligenceCreate]
):
    pass


class SDKUsageLogFactory(SDKUsageLogValues, AgencyFactory[SDKUsageLog]):
    __parents__ = {"client_id": ClientFactory}


class SDKUsageLogCreateFactory(SDKUsageLogValues, AgencyFactory[SDKUsageLogCreate]):
    pass
