"""What every Create, Read and Update schema promises its callers and their generated API
clients: Updates change only what was sent and carry no defaults, Reads always return what a row
always has, Creates take nothing the server owns. Tables and schemas are found from
``agency_models.metadata``, so a new table is covered without editing this file."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

import agency_models
from agency_models.base import (
    SHORT_TEXT_MAX_LENGTH,
    Int32,
    NormalizedText,
    Omittable,
    ShortText,
    TextType,
    UpdateSchema,
    mapper_registry,
)
from agency_models.base.types import unwrap
from agency_models.models.client import ClientSubscription
from factories import AgencyFactory

TABLES = sorted(
    (mapper.class_ for mapper in mapper_registry.mappers), key=lambda model: model.__tablename__
)
BTREE_ENTRY_LIMIT = 2704
"""The largest btree index entry PostgreSQL accepts with 8 kB pages, in bytes."""
BILLING = set(ClientSubscription.model_fields)
SERVER_STAMPS = {"created_at", "updated_at", "deleted_at"}


def schema(model: Any, suffix: str) -> Any:
    return getattr(agency_models, f"{model.__name__}{suffix}")


def by_table() -> list[Any]:
    return [pytest.param(model, id=model.__tablename__) for model in TABLES]


def admits_null(field_schema: dict[str, Any]) -> bool:
    return field_schema.get("type") == "null" or any(
        option.get("type") == "null" for option in field_schema.get("anyOf", ())
    )


def payload_without_nulls(model: Any) -> dict[str, Any]:
    """A valid update payload with a value for every field the Update has."""
    update = schema(model, "Update")
    factory = AgencyFactory.create_factory(
        update, __use_defaults__=False, __allow_none_optionals__=False
    )
    return factory.build().model_dump(mode="json", exclude_none=True)


# Update -----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", by_table())
def test_update_dumps_exactly_what_was_sent_whichever_exclude_is_used(model):
    update = schema(model, "Update")
    sent = payload_without_nulls(model)
    assert set(sent) == set(update.model_fields)
    for name, value in sent.items():
        validated = update.model_validate({name: value})
        assert validated.model_dump(exclude_unset=True) == validated.model_dump(exclude_none=True)
        assert list(validated.model_dump(exclude_unset=True)) == [name]
    validated = update.model_validate(sent)
    assert validated.model_dump(exclude_unset=True, mode="json") == validated.model_dump(
        exclude_none=True, mode="json"
    )
    assert set(validated.model_dump(exclude_none=True)) == set(sent)
    assert update.model_validate({}).model_dump(exclude_none=True) == {}


@pytest.mark.parametrize("model", by_table())
def test_update_refuses_null_exactly_for_not_null_columns(model):
    update = schema(model, "Update")
    columns = sa.inspect(model).columns
    for name in update.model_fields:
        if columns[name].nullable:
            assert update.model_validate({name: None}).model_dump(exclude_unset=True) == {
                name: None
            }
        else:
            with pytest.raises(ValidationError) as raised:
                update.model_validate({name: None})
            assert [error["loc"] for error in raised.value.errors()] == [(name,)]


@pytest.mark.parametrize("model", by_table())
def test_update_json_schema_has_no_defaults_and_requires_nothing(model):
    json_schema = schema(model, "Update").model_json_schema()
    assert "required" not in json_schema
    for name, field in json_schema["properties"].items():
        assert "default" not in field, name


@pytest.mark.parametrize("model", by_table())
def test_update_fields_are_typed_as_possibly_none(model):
    for name, field in schema(model, "Update").model_fields.items():
        assert field.default is None, name
        assert type(None) in field.annotation.__args__, name


def test_an_update_schema_with_a_default_fails_at_import():
    with pytest.raises(TypeError, match="Omittable"):
        type("StepUpdate", (UpdateSchema,), {"__annotations__": {"step": Int32}, "step": 0})


def test_omittable_accepts_omission_and_values_but_not_null():
    class Rename(UpdateSchema):
        name: Omittable[ShortText] = None

    assert Rename.model_validate({}).name is None
    with pytest.raises(ValidationError):
        Rename.model_validate({"name": None})


# Read -------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", by_table())
def test_read_json_schema_requires_every_field_and_nulls_only_where_the_column_allows(model):
    read = schema(model, "Read")
    json_schema = read.model_json_schema(mode="serialization")
    assert set(json_schema["required"]) == set(read.model_fields)
    columns = sa.inspect(model).columns
    for name, field in json_schema["properties"].items():
        assert admits_null(field) == columns[name].nullable, name
    for name in ("id", "created_at"):
        assert name in json_schema["required"]


# Create -----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", by_table())
def test_create_takes_no_id_timestamp_or_billing_field(model):
    create = schema(model, "Create")
    fields = set(create.model_fields)
    assert not fields & SERVER_STAMPS
    assert not fields & BILLING
    if model.__tablename__ != "users":  # a user's id is their Supabase auth id
        assert "id" not in fields
    assert not [name for name in fields if name.endswith("_at")]
    exposed = set(create.model_json_schema()["properties"])
    assert not exposed & (SERVER_STAMPS | BILLING)


def test_billing_has_its_own_schema():
    billing = agency_models.ClientBilling.model_validate({"credits_remaining": 500})
    assert billing.model_dump(exclude_unset=True) == {"credits_remaining": 500}
    for schema_class in (agency_models.ClientCreate, agency_models.ClientUpdate):
        with pytest.raises(ValidationError):
            schema_class.model_validate({"credits_remaining": 10**6})


# Storage ----------------------------------------------------------------------------------


def _widest_bytes(column: sa.Column[Any], model: Any) -> int:
    field = model.model_fields.get(column.key)
    value_type = unwrap(field.annotation) if field is not None else None
    if isinstance(value_type, type) and issubclass(value_type, (TextType, NormalizedText)):
        return 4 * value_type.max_length + 4
    if isinstance(column.type, sa.Enum):
        return 64  # a label is at most 63 bytes
    if isinstance(column.type, sa.Text | sa.String):
        raise AssertionError(f"{column} is indexed text without a length limit")
    return 16


@pytest.mark.parametrize("model", by_table())
def test_every_btree_index_entry_fits_whatever_the_text(model):
    table = model.__table__
    keys = [
        list(constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, sa.UniqueConstraint | sa.PrimaryKeyConstraint)
    ] + [list(index.columns) for index in table.indexes]
    for columns in keys:
        assert sum(_widest_bytes(column, model) for column in columns) < BTREE_ENTRY_LIMIT


def test_short_text_leaves_room_for_two_columns_in_one_index():
    assert 2 * (4 * SHORT_TEXT_MAX_LENGTH + 4) < BTREE_ENTRY_LIMIT
