"""Rows built from validated schemas (``Lead.model_validate(lead_create)``): the values are
copied, not validated twice, and the row is the one validation would build, persisted and
updated like any other."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import ValidationError, create_model
from sqlmodel._compat import sqlmodel_table_construct, sqlmodel_validate

import agency_models
import factories
from agency_models import AgencyModel, Lead, LeadCreate, LeadStatus, LinkedInCredential, ShortText
from agency_models.base import mapper_registry
from agency_models.base.model import _copy_plan
from tests.helpers import revealed_payload

_CLASSES = {mapper.local_table.name: mapper.class_ for mapper in mapper_registry.mappers}
BUILT_FROM_CREATE = [
    pytest.param(model, id=name)
    for name, model in sorted(_CLASSES.items())
    if model is not LinkedInCredential and name in agency_models.metadata.tables
]
"""Every table but LinkedIn credentials (built from plaintext secrets by ``from_create``)."""


def create_of(model: Any) -> Any:
    schema = getattr(agency_models, f"{model.__name__}Create")
    built = getattr(factories, f"{model.__name__}CreateFactory").build()
    return schema.model_validate(revealed_payload(built))


def fields(row: Any) -> dict[str, Any]:
    """The row's values but its generated id."""
    return {
        name: value for name, value in vars(row).items() if name not in {"id", "_sa_instance_state"}
    }


@pytest.mark.parametrize("model", BUILT_FROM_CREATE)
def test_a_row_copied_from_its_create_equals_the_row_validation_builds(model):
    create = create_of(model)
    assert _copy_plan(model, type(create)) is not None
    copied = model.model_validate(create)
    validated = sqlmodel_validate(model, create)
    assert fields(copied) == fields(validated)
    assert copied.model_fields_set == validated.model_fields_set
    assert sa.inspect(copied).transient


def test_a_copied_row_gets_fresh_mutable_defaults():
    create = create_of(Lead)
    first, second = Lead.model_validate(create), Lead.model_validate(create)
    assert first.deep_research_data == {}
    assert first.deep_research_data is not second.deep_research_data


@pytest.mark.parametrize("model", BUILT_FROM_CREATE)
def test_a_row_constructed_from_keywords_is_the_row_sqlmodel_constructs(model):
    """``Lead(**values)`` takes the values as given and defaults the rest, as SQLModel's table
    ``__init__`` does, without its per-field ``setattr``."""
    values = dict(vars(create_of(model)))
    constructed = model(**values)
    sqlmodels = sqlmodel_table_construct(
        self_instance=model._sa_class_manager.new_instance(), values=dict(values)
    )
    assert fields(constructed) == fields(sqlmodels)
    assert constructed.model_fields_set == sqlmodels.model_fields_set == set(values)
    assert sa.inspect(constructed).transient


def test_constructed_rows_get_fresh_mutable_defaults_and_track_changes():
    ids = {"client_id": uuid.uuid4(), "campaign_id": uuid.uuid4()}
    first, second = Lead(email="a@example.com", **ids), Lead(email="b@example.com", **ids)
    assert first.deep_research_data == {}
    assert first.deep_research_data is not second.deep_research_data
    first.first_name = "Ada"
    assert sa.inspect(first).attrs.first_name.history.added == ["Ada"]


async def test_a_constructed_row_is_inserted_with_its_relationship(agency_session):
    campaign = await factories.CampaignFactory.create_async()
    lead = Lead(client_id=campaign.client_id, campaign=campaign, email="grace@example.com")
    agency_session.add(lead)
    await agency_session.flush()
    agency_session.expunge_all()
    stored = await agency_session.get(Lead, lead.id)
    assert stored is not None
    assert (stored.campaign_id, stored.email, stored.status) == (
        campaign.id,
        "grace@example.com",
        LeadStatus.NEW,
    )


def test_an_object_of_a_looser_schema_is_validated_not_copied():
    fields = {name: (info.annotation, info) for name, info in LeadCreate.model_fields.items()}
    loose = create_model("LooseLead", __base__=AgencyModel, **{**fields, "email": (ShortText, ...)})
    payload = {"client_id": uuid.uuid4(), "campaign_id": uuid.uuid4(), "email": "not an address"}
    assert _copy_plan(Lead, loose) is None
    with pytest.raises(ValidationError, match="email"):
        Lead.model_validate(loose(**payload))


async def test_a_copied_row_is_inserted_and_then_updated_like_any_row(agency_session):
    campaign = await factories.CampaignFactory.create_async()
    create = LeadCreate.model_validate(
        {"client_id": campaign.client_id, "campaign_id": campaign.id, "email": "ada@example.com"}
    )
    lead = Lead.model_validate(create)
    agency_session.add(lead)
    await agency_session.flush()
    assert lead.id is not None
    assert lead.created_at.tzinfo is not None

    lead.first_name = "Ada"
    await agency_session.flush()
    agency_session.expunge_all()
    stored = await agency_session.get(Lead, lead.id)
    assert stored is not None
    assert (stored.email, stored.first_name, stored.status) == (
        "ada@example.com",
        "Ada",
        LeadStatus.NEW,
    )


def test_a_row_built_first_thing_in_a_process_has_working_attributes():
    """Built before any mapper is configured (a service's first request), the row's attributes
    are instrumented: setting one records the change."""
    script = (
        "import uuid\n"
        "from agency_models import Lead, LeadCreate\n"
        "ids = {'client_id': uuid.uuid4(), 'campaign_id': uuid.uuid4()}\n"
        "create = LeadCreate(email='a@example.com', **ids)\n"
        "for source in (create, {'email': 'b@example.com', **ids}):\n"
        "    lead = Lead.model_validate(source)\n"
        "    lead.first_name = 'Ada'\n"
        "    assert sqlalchemy.inspect(lead).attrs.first_name.history.added == ['Ada']\n"
    )
    subprocess.run([sys.executable, "-c", "import sqlalchemy\n" + script], check=True)
