"""The Pydantic-only models (scraper output: URL checks and social profiles): exported, strict
about unknown fields and values, lossless through JSON, ``SocialProfiles``' totals as the
original computes them, and storable in ``client_intelligence`` (jsonb and its own columns)."""

from __future__ import annotations

import copy
import math
import typing
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from polyfactory import Use
from polyfactory.field_meta import FieldMeta
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import JSONB

import agency_models
from agency_models import (
    LONG_TEXT_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    AgencyModel,
    ClientIntelligence,
    ClientIntelligenceRead,
    FacebookPageProfile,
    GoogleBusinessProfile,
    InstagramProfile,
    LinkedInCompanyProfile,
    LongText,
    ShortText,
    SocialProfiles,
    URLValidationErrorType,
    URLValidationResult,
    WebUrl,
)
from agency_models.base import Count
from agency_models.models import social_profile, url_validation
from factories.base import AgencyFactory
from factories.tables import ClientIntelligenceFactory


def models_of(module: ModuleType) -> list[type[AgencyModel]]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, AgencyModel)
        and value.__module__ == module.__name__
    ]


MODELS = (*models_of(url_validation), *models_of(social_profile))
COMPUTED = social_profile.COMPUTED
ORIGINAL_ERROR_TYPES = {"dns_failure", "timeout", "ssl_error", "parked_domain", "invalid_format"}
"""``URLValidationResult.error_type`` values of the original (reference/original-schema.md)."""


def model_id(model: type) -> str:
    return model.__name__


def factory(model: type[AgencyModel], *, every_field: bool) -> type[AgencyFactory[Any]]:
    """Builds ``model``: with its defaults (only required fields generated), or with every
    field, nested profiles included, set to a generated value."""

    class Factory(AgencyFactory[model]):  # type: ignore[valid-type]
        __model__ = model
        __use_defaults__ = not every_field
        __allow_none_optionals__ = not every_field

        @classmethod
        def get_constrained_field_value(
            cls, annotation: Any, field_meta: FieldMeta, *args: Any, **kwargs: Any
        ) -> Any:
            """Lists of a few items (polyfactory fills a list to its 1,000-item limit)."""
            if typing.get_origin(annotation) is list:
                field_meta = copy.copy(field_meta)
                field_meta.constraints = {**(field_meta.constraints or {}), "max_length": 5}
            return super().get_constrained_field_value(annotation, field_meta, *args, **kwargs)

    if every_field:
        for name, nested in nested_models(model).items():
            setattr(Factory, name, Use(factory(nested, every_field=True).build))
    return Factory


def nested_models(model: type[AgencyModel]) -> dict[str, type[AgencyModel]]:
    """Fields of ``model`` that hold another model (``SocialProfiles``' profiles)."""
    return {
        name: nested
        for name, field in model.model_fields.items()
        for nested in typing.get_args(field.annotation)
        if isinstance(nested, type) and issubclass(nested, AgencyModel)
    }


def unset_fields(instance: AgencyModel, prefix: str = "") -> list[str]:
    """Paths of the fields of ``instance`` (and its nested models) that are None."""
    unset = []
    for name in type(instance).model_fields:
        value = getattr(instance, name)
        if value is None:
            unset.append(prefix + name)
        elif isinstance(value, AgencyModel):
            unset += unset_fields(value, f"{prefix}{name}.")
    return unset


def fields_of_type(model: type[AgencyModel], value_type: Any) -> list[str]:
    """Fields of ``model`` typed ``value_type`` or ``value_type | None``."""
    return [
        name
        for name, field in model.model_fields.items()
        if field.annotation == value_type or field.annotation == value_type | None
    ]


def fields_by_model(value_type: Any) -> list[tuple[type[AgencyModel], str]]:
    return [(model, name) for model in MODELS for name in fields_of_type(model, value_type)]


def refused(model: type[AgencyModel], **values: Any) -> list[str]:
    """The error types ``model`` gives ``values``; fails if it accepts them."""
    with pytest.raises(ValidationError) as raised:
        model.model_validate(values)
    return [error["type"] for error in raised.value.errors()]


def required(model: type[AgencyModel]) -> dict[str, Any]:
    """The fewest values a valid ``model`` needs."""
    return factory(model, every_field=False).build().model_dump(include=REQUIRED_FIELDS[model])


PROFILES = tuple(nested_models(SocialProfiles).values())
REQUIRED_FIELDS = {
    model: {name for name, field in model.model_fields.items() if field.is_required()}
    for model in MODELS
}


# --- the package's surface --------------------------------------------------------------------


def test_the_six_models_are_exported_from_the_top_level():
    assert {model.__name__ for model in MODELS} == {
        "URLValidationResult",
        "SocialProfiles",
        "LinkedInCompanyProfile",
        "InstagramProfile",
        "FacebookPageProfile",
        "GoogleBusinessProfile",
    }
    for model in MODELS:
        assert getattr(agency_models, model.__name__) is model
        assert model.__name__ in agency_models.__all__
        assert not model.model_config.get("table")


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_unknown_fields_are_refused(model):
    assert refused(model, **required(model), unexpected="value") == ["extra_forbidden"]


def test_unknown_fields_of_nested_profiles_are_refused():
    for name in ("linkedin", "instagram", "facebook", "google_business"):
        with pytest.raises(ValidationError) as raised:
            SocialProfiles.model_validate({name: {"handle": "acme"}})
        assert [(error["type"], error["loc"]) for error in raised.value.errors()] == [
            ("extra_forbidden", (name, "handle"))
        ]


# --- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_round_trips_through_json_with_defaults_and_with_every_field_set(model):
    minimal = [factory(model, every_field=False).build()]
    complete = factory(model, every_field=True).batch(20)
    assert not [unset_fields(instance) for instance in complete if unset_fields(instance)]
    for instance in (*minimal, *complete):
        assert model.model_validate_json(instance.model_dump_json()) == instance
        assert model.model_validate(instance.model_dump()) == instance
        assert model.model_validate(instance.model_dump(mode="json")) == instance


# --- SocialProfiles' computed totals ----------------------------------------------------------


TOTALS_CASES = {
    "no-profiles": (
        SocialProfiles(),
        {
            "total_social_followers": 0,
            "platforms_found": [],
            "has_profiles": False,
            "average_rating": None,
            "total_reviews": 0,
        },
    ),
    "empty-profiles-are-found": (
        SocialProfiles(instagram=InstagramProfile(), facebook=FacebookPageProfile()),
        {
            "total_social_followers": 0,
            "platforms_found": ["instagram", "facebook"],
            "has_profiles": True,
            "average_rating": None,
            "total_reviews": 0,
        },
    ),
    "every-platform": (
        SocialProfiles(
            google_business=GoogleBusinessProfile(rating=5.0, review_count=7),
            facebook=FacebookPageProfile(followers=30, likes=999, rating=4.0, review_count=5),
            instagram=InstagramProfile(followers=20, following=500),
            linkedin=LinkedInCompanyProfile(followers=10, employee_count=80),
        ),
        {
            "total_social_followers": 60,
            "platforms_found": ["linkedin", "instagram", "facebook", "google_business"],
            "has_profiles": True,
            "average_rating": 4.5,
            "total_reviews": 12,
        },
    ),
    "only-google-rated": (
        SocialProfiles(
            facebook=FacebookPageProfile(review_count=3),
            google_business=GoogleBusinessProfile(rating=3.5),
        ),
        {
            "total_social_followers": 0,
            "platforms_found": ["facebook", "google_business"],
            "has_profiles": True,
            "average_rating": 3.5,
            "total_reviews": 3,
        },
    ),
}


@pytest.mark.parametrize(("profiles", "totals"), TOTALS_CASES.values(), ids=TOTALS_CASES.keys())
def test_social_profiles_totals_are_serialised_as_in_the_original(profiles, totals):
    assert set(COMPUTED) == set(totals)
    assert {name: getattr(profiles, name) for name in COMPUTED} == totals
    for dump in (profiles.model_dump(), profiles.model_dump(mode="json")):
        assert list(dump) == [*SocialProfiles.model_fields, *COMPUTED]
        assert {name: dump[name] for name in COMPUTED} == totals
    assert SocialProfiles.model_validate_json(profiles.model_dump_json()) == profiles


def test_totals_read_back_are_recomputed_not_taken_from_the_input():
    profiles = SocialProfiles(facebook=FacebookPageProfile(followers=5, review_count=2))
    tampered = {
        **profiles.model_dump(mode="json"),
        "total_social_followers": 1_000_000,
        "platforms_found": ["linkedin"],
        "has_profiles": False,
        "average_rating": 5.0,
        "total_reviews": 999,
    }
    read_back = SocialProfiles.model_validate(tampered)
    assert read_back == profiles
    assert read_back.model_dump(mode="json") == profiles.model_dump(mode="json")
    assert (read_back.total_social_followers, read_back.total_reviews) == (5, 2)
    with pytest.raises(AttributeError):
        read_back.total_reviews = 3  # type: ignore[misc]


def test_computed_totals_are_always_present_in_the_output_json_schema():
    serialised = SocialProfiles.model_json_schema(mode="serialization")
    assert set(COMPUTED) <= set(serialised["properties"])
    assert set(COMPUTED) <= set(serialised["required"])


# --- field validation -----------------------------------------------------------------------------


def test_web_addresses_are_validated():
    web_fields = fields_by_model(WebUrl)
    assert {model for model, _ in web_fields} == set(PROFILES)
    for model, name in web_fields:
        for bad in ("acme", "javascript:alert(1)", "ftp://acme.com", "https://acme.com/a b"):
            assert refused(model, **{name: bad}) == ["url"], (model, name, bad)
        given = model.model_validate({name: " https://acme.com.au/x?y=1 "})
        assert getattr(given, name) == "https://acme.com.au/x?y=1"


def test_counts_are_whole_numbers_from_zero_within_integer_range():
    count_fields = fields_by_model(Count)
    assert {model for model, _ in count_fields} == set(PROFILES)
    for model, name in count_fields:
        assert getattr(model.model_validate({name: 0}), name) == 0
        assert refused(model, **{name: -1}) == ["greater_than_equal"], (model, name)
        assert refused(model, **{name: 2**31}), (model, name)
        assert refused(model, **{name: 1.5}) == ["int_from_float"], (model, name)


def test_ratings_are_finite_and_between_zero_and_five():
    rating_fields = fields_by_model(social_profile.Rating)
    assert {model for model, _ in rating_fields} == {FacebookPageProfile, GoogleBusinessProfile}
    for model, name in rating_fields:
        for good in (0, 2.5, 5):
            assert getattr(model.model_validate({name: good}), name) == good
        for bad in (-0.1, 5.01, math.nan, math.inf):
            assert refused(model, **{name: bad}), (model, name, bad)


def test_text_fields_refuse_their_limit_and_nul():
    for value_type, limit in ((ShortText, SHORT_TEXT_MAX_LENGTH), (LongText, LONG_TEXT_MAX_LENGTH)):
        for model, name in fields_by_model(value_type):
            values = required(model)
            assert model.model_validate({**values, name: "x" * limit})
            assert refused(model, **values, **{name: "x" * (limit + 1)}) == ["string_too_long"]
            assert refused(model, **values, **{name: "a\x00b"}) == ["text_nul"]
    with pytest.raises(ValidationError):
        LinkedInCompanyProfile(specialties=["ok", "x" * (SHORT_TEXT_MAX_LENGTH + 1)])


def test_url_validation_result_values():
    assert {member.value for member in URLValidationErrorType} == ORIGINAL_ERROR_TYPES
    result = URLValidationResult.model_validate({"valid": False, "error_type": "timeout"})
    assert result.error_type is URLValidationErrorType.TIMEOUT
    assert (result.redirected, result.redirect_chain, result.is_parked) == (False, [], False)
    assert refused(URLValidationResult) == ["missing"]
    assert refused(URLValidationResult, valid=False, error_type="refused") == ["enum"]
    for status in (100, 599):
        assert URLValidationResult(valid=True, status_code=status).status_code == status
    for status in (99, 600):
        assert refused(URLValidationResult, valid=True, status_code=status)
    assert refused(URLValidationResult, valid=True, redirect_chain=["https://a.com"] * 51) == [
        "too_long"
    ]


# --- stored in client_intelligence ----------------------------------------------------------


JSONB_COLUMNS = tuple(
    column.name for column in ClientIntelligence.__table__.columns if isinstance(column.type, JSONB)
)


async def test_model_dumps_survive_every_jsonb_column_of_client_intelligence(agency_session):
    assert JSONB_COLUMNS
    originals = [factory(model, every_field=True).build() for model in MODELS]
    payload = [original.model_dump(mode="json") for original in originals]
    row = await ClientIntelligenceFactory.create_async(**dict.fromkeys(JSONB_COLUMNS, payload))
    columns = ", ".join(JSONB_COLUMNS)
    types = ", ".join(f"jsonb_typeof({name} -> 0)" for name in JSONB_COLUMNS)
    stored = (
        await agency_session.exec(
            sa.text(f"SELECT {columns}, {types} FROM client_intelligence WHERE id = :id"),
            params={"id": row.id},
        )
    ).one()
    assert set(stored[len(JSONB_COLUMNS) :]) == {"object"}
    for name, items in zip(JSONB_COLUMNS, stored[: len(JSONB_COLUMNS)], strict=True):
        read_back = [model.model_validate(item) for model, item in zip(MODELS, items, strict=True)]
        assert read_back == originals, name


async def test_social_profiles_of_a_stored_row_are_typed_profiles(agency_session):
    row = await ClientIntelligenceFactory.create_async(
        linkedin_url="https://linkedin.com/company/acme",
        linkedin_follower_count=1200,
        linkedin_employee_count=45,
        linkedin_specialties=["outbound", "seo"],
        instagram_handle="acme",
        instagram_follower_count=300,
        facebook_url="https://facebook.com/acme",
        facebook_follower_count=80,
        google_business_url="https://maps.google.com/?cid=1",
        google_rating=Decimal("4.5"),
        google_review_count=19,
    )
    await agency_session.refresh(row)
    expected = SocialProfiles(
        linkedin=LinkedInCompanyProfile(
            linkedin_url="https://linkedin.com/company/acme",
            followers=1200,
            employee_count=45,
            specialties=["outbound", "seo"],
        ),
        instagram=InstagramProfile(username="acme", followers=300),
        facebook=FacebookPageProfile(facebook_url="https://facebook.com/acme", followers=80),
        google_business=GoogleBusinessProfile(
            google_maps_url="https://maps.google.com/?cid=1", rating=4.5, review_count=19
        ),
    )
    profiles = row.social_profiles()
    assert profiles == expected
    assert (profiles.total_social_followers, profiles.average_rating) == (1580, 4.5)
    assert ClientIntelligenceRead.model_validate(row).social_profiles() == expected
    bare = await ClientIntelligenceFactory.create_async()
    await agency_session.refresh(bare)
    assert bare.social_profiles() == SocialProfiles()
    assert not bare.social_profiles().has_profiles
