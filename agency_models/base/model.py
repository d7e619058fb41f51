"""The package's own SQLModel base, registry and ``MetaData``."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from datetime import time
from decimal import Decimal
from enum import Enum
from functools import cache, partial
from typing import Any, ClassVar, Self, TypeVar, cast

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic.config import ExtraValues
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, from_json
from sqlalchemy import event
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapper, registry
from sqlmodel import SQLModel
from sqlmodel._compat import finish_init
from sqlmodel.main import FieldInfoMetadata

from agency_models.base.types import annotated_metadata, column_type, is_secret

IDENTIFIER_LENGTH = 63
"""PostgreSQL's longest identifier (in bytes; the package's names are ASCII)."""


def fitted_name(name: str) -> str:
    """``name``, or when longer than PostgreSQL keeps, its first 54 characters and a hash of the
    whole (PostgreSQL would truncate it silently, and names could then collide)."""
    if len(name) <= IDENTIFIER_LENGTH:
        return name
    digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{name[: IDENTIFIER_LENGTH - 9]}_{digest}"


def _column_names(constraint: Any) -> str:
    keys = getattr(constraint, "column_keys", None)
    return "_".join(keys if keys else (column.name for column in constraint.columns))


def _index_name(index: Any, table: sa.Table) -> str:
    return fitted_name(f"ix_{table.name}_{_column_names(index)}")


def _unique_name(constraint: Any, table: sa.Table) -> str:
    return fitted_name(f"uq_{table.name}_{_column_names(constraint)}")


def _foreign_key_name(constraint: Any, table: sa.Table) -> str:
    referred = constraint.elements[0].target_fullname.rsplit(".", 1)[0].rsplit(".", 1)[-1]
    return fitted_name(f"fk_{table.name}_{_column_names(constraint)}_{referred}")


NAMING_CONVENTION: Mapping[str, Any] = {
    "fitted_ix": _index_name,
    "fitted_uq": _unique_name,
    "fitted_fk": _foreign_key_name,
    "ix": "%(fitted_ix)s",
    "uq": "%(fitted_uq)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "%(fitted_fk)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint and index names: ``ix_<table>_<columns>``, ``uq_<table>_<columns>``,
``ck_<table>_<name>``, ``fk_<table>_<columns>_<referred table>``, ``pk_<table>``; generated
index, unique and foreign-key names are fitted to PostgreSQL's 63 characters
(:func:`fitted_name`), and so are the CHECKs :func:`field_checks` derives. A name given
explicitly (``unique_lead_per_client``) is kept."""

metadata = sa.MetaData(naming_convention=dict(NAMING_CONVENTION))
"""Every table of agency-models, and nothing else: services' own models use their own."""

mapper_registry = registry(metadata=metadata)


class AgencyModel(SQLModel, registry=mapper_registry):
    """Base of every model of the package, table or schema.

    Column types follow the field annotations through :func:`column_type` (``str`` is ``text``,
    datetimes ``timestamptz``, enums their named PostgreSQL type), and a field's Python default
    also becomes its server default, so rows inserted by raw SQL get the same values.
    Unknown input fields are rejected, and so are NaN and infinite floats.
    """

    model_config = {
        "extra": "forbid",
        "allow_inf_nan": False,
        "ignored_types": (hybrid_property,),
        "defer_build": True,
    }
    __mapper_args__: ClassVar[dict[str, Any]] = {"eager_defaults": True}

    def __init__(self, **data: Any) -> None:
        """SQLModel's ``__init__``, marked as pydantic's base one: to pydantic a custom
        ``__init__`` means validating every schema twice (building the instance, then again
        inside ``__init__``); marked, pydantic-core fills instances directly. A table's row is
        filled as SQLModel fills it (the values as given, unvalidated; defaults for the rest),
        but in its ``__dict__`` rather than through ~80 instrumented ``setattr`` calls:
        SQLAlchemy reads a new row's values from there."""
        if self.model_config.get("table") and finish_init.get():
            _fill_row(self, data)
        else:
            super().__init__(**data)

    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for field in cls.model_fields.values():
            _complete_column_spec(field)

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: ExtraValues | None = None,
        from_attributes: bool | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
        update: dict[str, Any] | None = None,
    ) -> Self:
        """Validate ``obj``: schemas go straight to pydantic (SQLModel's own path costs about
        half the throughput); a table builds its row without SQLModel's per-field
        ``__setattr__`` (:func:`build_row`), and from one of its own validated schemas
        (``Lead.model_validate(lead_create)``) copies the values instead of validating them
        twice. ``update`` takes SQLModel's path."""
        if update is not None:
            return super().model_validate(
                obj, strict=strict, from_attributes=from_attributes, context=context, update=update
            )
        if cls.model_config.get("table"):
            return build_row(
                cls, obj, strict=strict, from_attributes=from_attributes, context=context
            )
        return super(SQLModel, cls).model_validate(
            obj,
            strict=strict,
            extra=extra,
            from_attributes=from_attributes,
            context=context,
            by_alias=by_alias,
            by_name=by_name,
        )

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: ExtraValues | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate JSON; a table validates it like :meth:`model_validate` does (SQLModel's own
        path would build the row from the raw, unvalidated values)."""
        if cls.model_config.get("table"):
            return cls.model_validate(from_json(json_data), strict=strict, context=context)
        return super().model_validate_json(
            json_data,
            strict=strict,
            extra=extra,
            context=context,
            by_alias=by_alias,
            by_name=by_name,
        )


_TableModel = TypeVar("_TableModel", bound=AgencyModel)


def build_row(
    table: type[_TableModel],
    obj: Any,
    *,
    strict: bool | None = None,
    from_attributes: bool | None = None,
    context: Any | None = None,
) -> _TableModel:
    """A new row of ``table`` from ``obj``, validated by pydantic-core straight into an
    instrumented instance: SQLAlchemy reads a pending row's values from its ``__dict__``, so
    no per-field attribute event is needed. An instance of a schema whose fields are all
    fields of ``table`` with the same type and checks (its Create) is already valid: its
    values are copied and ``table``'s defaults fill the rest. Mappers are configured first, as
    SQLAlchemy's own ``__init__`` would (the instance's attributes need them)."""
    table.__mapper__.registry.configure(cascade=True)  # type: ignore[attr-defined]
    copy_plan = _copy_plan(table, type(obj)) if isinstance(obj, BaseModel) else None
    if copy_plan is not None and not strict and context is None:
        return copy_plan.build(table, obj)
    row = table._sa_class_manager.new_instance()  # type: ignore[attr-defined]
    state = row.__dict__["_sa_instance_state"]
    table.__pydantic_validator__.validate_python(
        obj, strict=strict, from_attributes=from_attributes, context=context, self_instance=row
    )
    row.__dict__["_sa_instance_state"] = state
    relationships = table.__sqlmodel_relationships__
    if relationships:
        source = obj if isinstance(obj, Mapping) else getattr(obj, "__dict__", {})
        for key in relationships.keys() & source.keys():
            setattr(row, key, source[key])
    return cast(_TableModel, row)


_IMMUTABLE_DEFAULTS = (type(None), str, int, float, bool, Decimal, Enum, time, tuple, frozenset)
_REQUIRED = object()


def _default(field: FieldInfo) -> tuple[Any, Callable[..., Any] | None, bool]:
    """How a row gets a field it is not given: ``(value, None, False)`` for an immutable default
    every row shares; ``(None, make, takes_data)`` for a default made anew for each row (its
    factory, or a deep copy of a mutable default); ``(_REQUIRED, None, False)`` for none."""
    if field.is_required():
        return _REQUIRED, None, False
    if field.default_factory is not None:
        return None, field.default_factory, bool(field.default_factory_takes_validated_data)
    if isinstance(field.default, _IMMUTABLE_DEFAULTS):
        return field.default, None, False
    return None, partial(copy.deepcopy, field.default), False


def _fill_row(row: AgencyModel, data: dict[str, Any]) -> None:
    table = type(row)
    values = row.__dict__
    given = set()
    for name, default, make, takes_data in _fill_plan(table):
        if name in data:
            values[name] = data[name]
            given.add(name)
        elif make is not None:
            values[name] = make(values) if takes_data else make()
        elif default is not _REQUIRED:
            values[name] = default
    object.__setattr__(row, "__pydantic_fields_set__", given)
    object.__setattr__(row, "__pydantic_extra__", None)
    if table.__pydantic_post_init__:
        row.model_post_init(None)
    else:
        object.__setattr__(row, "__pydantic_private__", None)
    for key in table.__sqlmodel_relationships__.keys() & data.keys():
        setattr(row, key, data[key])


@cache
def _fill_plan(table: type[AgencyModel]) -> tuple[tuple[Any, ...], ...]:
    """Each field of ``table`` in order, with its :func:`_default`."""
    return tuple((name, *_default(field)) for name, field in table.model_fields.items())


class _CopyPlan:
    """How to build a row of a table from an instance of one schema: the fields to copy and
    the defaults of the others."""

    def __init__(self, copied: frozenset[str], defaults: dict[str, FieldInfo]) -> None:
        self.copied = copied
        self.constants: dict[str, Any] = {}
        self.factories: list[tuple[str, Callable[..., Any], bool]] = []
        for name, field in defaults.items():
            default, make, takes_data = _default(field)
            if make is None:
                self.constants[name] = default
            else:
                self.factories.append((name, make, takes_data))

    def build(self, table: type[_TableModel], source: BaseModel) -> _TableModel:
        row = table._sa_class_manager.new_instance()  # type: ignore[attr-defined]
        values = row.__dict__
        values.update(source.__dict__)
        values.update(self.constants)
        for name, factory, takes_data in self.factories:
            values[name] = factory(values) if takes_data else factory()
        object.__setattr__(row, "__pydantic_fields_set__", set(self.copied))
        object.__setattr__(row, "__pydantic_extra__", None)
        object.__setattr__(row, "__pydantic_private__", None)
        return cast(_TableModel, row)


@cache
def _copy_plan(table: type[AgencyModel], schema: type[BaseModel]) -> _CopyPlan | None:
    """The plan when every field of ``schema`` is a field of ``table`` with the same type,
    constraints and validators, ``table`` adds no validator and no required field, and both
    keep no extra or private values; else None (the row is validated)."""
    if not issubclass(schema, AgencyModel) or schema.model_config.get("table"):
        return None
    if schema.__pydantic_post_init__ or table.__pydantic_post_init__:
        return None
    table_fields, schema_fields = table.__pydantic_fields__, schema.__pydantic_fields__
    if not schema_fields.keys() <= table_fields.keys():
        return None
    table_checks, schema_checks = _validators(table), _validators(schema)
    if not table_checks <= schema_checks:
        return None
    for name, field in schema_fields.items():
        if _field_rules(field) != _field_rules(table_fields[name]):
            return None
    defaults = {n: f for n, f in table_fields.items() if n not in schema_fields}
    if any(field.is_required() for field in defaults.values()):
        return None
    return _CopyPlan(frozenset(schema_fields), defaults)


def _validators(model: type[BaseModel]) -> set[tuple[str, Any]]:
    decorators = model.__pydantic_decorators__
    found: set[tuple[str, Any]] = {("model", d.func) for d in decorators.model_validators.values()}
    for validator in decorators.field_validators.values():
        found.update((field, validator.func) for field in validator.info.fields)
    return found


def _field_rules(field: FieldInfo) -> tuple[Any, ...]:
    metadata = [meta for meta in field.metadata if not isinstance(meta, FieldInfoMetadata)]
    return (field.annotation, repr(metadata), field.validate_default, field.discriminator)


@event.listens_for(AgencyModel, "after_mapper_constructed", propagate=True)
def _instrument_validated_rows(mapper: Mapper[Any], table_class: type[AgencyModel]) -> None:
    """Tables keep SQLModel's ``__init__`` as a custom one: pydantic then builds the rows it
    validates (``model_validate_json``, FastAPI bodies) through it, with SQLAlchemy's state."""
    table_class.__pydantic_custom_init__ = True


def _complete_column_spec(field: FieldInfo) -> None:
    spec = next((meta for meta in field.metadata if isinstance(meta, FieldInfoMetadata)), None)
    if spec is None:
        spec = FieldInfoMetadata()
        field.metadata.append(spec)
    if spec.sa_column is not PydanticUndefined or is_secret(field.annotation):
        return
    if spec.sa_type is PydanticUndefined:
        spec.sa_type = column_type(
            field.annotation,
            max_digits=_constraint(field, "max_digits"),
            decimal_places=_constraint(field, "decimal_places"),
        )
    given_kwargs = spec.sa_column_kwargs
    column_kwargs = dict(given_kwargs) if isinstance(given_kwargs, Mapping) else {}
    if "server_default" not in column_kwargs:
        server_default = _server_default(field)
        if server_default is not None:
            column_kwargs["server_default"] = server_default
            spec.sa_column_kwargs = column_kwargs


def _constraint(field: FieldInfo, name: str) -> Any:
    """The constraint ``name`` (``max_digits``, …) given to the field or inside its type."""
    found = [*field.metadata, *annotated_metadata(field.annotation)]
    found += [meta for info in found if isinstance(info, FieldInfo) for meta in info.metadata]
    values = (getattr(meta, name, None) for meta in found)
    return next((value for value in values if value is not None), None)


def _server_default(field: FieldInfo) -> str | sa.TextClause | None:
    """The SQL default equal to the field's Python default, or None when it has none."""
    if field.default_factory is dict:
        return sa.text("'{}'::jsonb")
    if field.default_factory is list:
        return sa.text("'{}'") if _is_array(field) else sa.text("'[]'::jsonb")
    default = field.default
    if default is PydanticUndefined or default is None:
        return None
    if isinstance(default, Enum):
        return str(default.value)
    if isinstance(default, bool):
        return sa.text("true" if default else "false")
    if isinstance(default, (int, float, Decimal)):
        return sa.text(str(default))
    if isinstance(default, str):
        return default
    if isinstance(default, time):
        return sa.text(f"'{default.isoformat()}'")
    if isinstance(default, (list, tuple)) and _is_array(field):
        return sa.text("'{" + ",".join(str(item) for item in default) + "}'")
    return None


def _is_array(field: FieldInfo) -> bool:
    spec = next(meta for meta in field.metadata if isinstance(meta, FieldInfoMetadata))
    return isinstance(spec.sa_type, sa.ARRAY)
