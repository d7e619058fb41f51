"""Database CHECKs derived from field declarations, so an invariant is written once.

A field declared ``Field(ge=0, le=100)`` (or typed :data:`Count`, :data:`Percent`, …) gets
``CHECK (col >= 0 AND col <= 100)`` named ``<field>_range``; a text type gets
``CHECK (char_length(col) <= n)`` named ``<field>_length`` (with the lower bound of a
``min_length``); a lower-cased text type (:class:`Email`, :class:`Domain`) gets
``CHECK (col = lower(btrim(col)))`` named ``<field>_normalized``; a ``jsonb`` column gets
the shape of its type (an object; an array of objects or strings, not too long) named
``<field>_shape``. Writers that bypass the
models (raw SQL, COPY) meet the same rules, and rows they write still validate as ``XRead``.
"""

from __future__ import annotations

from typing import Any, get_args, get_origin

import annotated_types
import sqlalchemy as sa
from pydantic.fields import FieldInfo
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapper
from sqlalchemy.sql.elements import conv

from agency_models.base.model import AgencyModel, fitted_name
from agency_models.base.types import (
    TEXT_LIST_MAX_ITEMS,
    NormalizedText,
    TextType,
    annotated_metadata,
    unwrap,
)

_BOUNDS = (
    (annotated_types.Ge, "ge", ">="),
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Le, "le", "<="),
    (annotated_types.Lt, "lt", "<"),
)


def field_constraints(field: FieldInfo) -> list[Any]:
    """Every constraint on ``field``: ``Field(...)`` arguments and the ``Annotated`` metadata of
    its type, also inside ``X | None``."""
    return [*field.metadata, *annotated_metadata(field.annotation)]


def field_checks(table_class: type[AgencyModel], table: sa.Table) -> list[sa.CheckConstraint]:
    """The CHECK constraints the fields of ``table_class`` imply for ``table``."""
    mapper = sa.inspect(table_class)
    checks = []
    for name, field in table_class.model_fields.items():
        column = mapper.columns.get(name)
        if column is None:
            continue
        constraints = field_constraints(field)
        bounds = [
            f"{column.name} {operator} {getattr(meta, attribute)}"
            for meta in constraints
            for kind, attribute, operator in _BOUNDS
            if isinstance(meta, kind)
        ]
        if bounds:
            checks.append(sa.CheckConstraint(" AND ".join(bounds), name=f"{name}_range"))
        value_type = unwrap(field.annotation)
        if isinstance(column.type, postgresql.JSONB):
            checks.append(_shape_check(name, column.name, value_type, constraints))
        if not isinstance(value_type, type):
            continue
        if issubclass(value_type, (TextType, NormalizedText)):
            checks.append(_length_check(name, column.name, value_type.max_length, constraints))
        if issubclass(value_type, NormalizedText) and value_type.lower_case:
            checks.append(
                sa.CheckConstraint(
                    f"{column.name} = lower(btrim({column.name}))", name=f"{name}_normalized"
                )
            )
    return [_fitted(check, table.name) for check in checks]


def _fitted(check: sa.CheckConstraint, table: str) -> sa.CheckConstraint:
    """``check`` with the final name PostgreSQL keeps when the convention's is too long."""
    full = f"ck_{table}_{check.name}"
    if fitted_name(full) != full:
        check.name = conv(fitted_name(full))
    return check


def _shape_check(
    name: str, column: str, value_type: Any, constraints: list[Any]
) -> sa.CheckConstraint:
    """What a ``jsonb`` column holds: an object, or an array (of objects, or of strings) no
    longer than the field allows."""
    if get_origin(value_type) is not list:
        return sa.CheckConstraint(f"jsonb_typeof({column}) = 'object'", name=f"{name}_shape")
    (item,) = get_args(value_type)
    item_type = (
        "string"
        if isinstance(unwrap(item), type) and issubclass(unwrap(item), (TextType, NormalizedText))
        else "object"
    )
    longest = min(
        (meta.max_length for meta in constraints if isinstance(meta, annotated_types.MaxLen)),
        default=TEXT_LIST_MAX_ITEMS,
    )
    return sa.CheckConstraint(
        f"jsonb_typeof({column}) = 'array' AND jsonb_array_length({column}) <= {longest}"
        f" AND NOT jsonb_path_exists({column}, '$[*] ? (@.type() != \"{item_type}\")')",
        name=f"{name}_shape",
    )


def _length_check(
    name: str, column: str, max_length: int, constraints: list[Any]
) -> sa.CheckConstraint:
    shortest = max(
        (meta.min_length for meta in constraints if isinstance(meta, annotated_types.MinLen)),
        default=0,
    )
    longest = min(
        [
            max_length,
            *(meta.max_length for meta in constraints if isinstance(meta, annotated_types.MaxLen)),
        ]
    )
    bounds = [f"char_length({column}) >= {shortest}"] if shortest else []
    bounds.append(f"char_length({column}) <= {longest}")
    return sa.CheckConstraint(" AND ".join(bounds), name=f"{name}_length")


@event.listens_for(AgencyModel, "after_mapper_constructed", propagate=True)
def _add_field_checks(mapper: Mapper[Any], table_class: type[AgencyModel]) -> None:
    table = mapper.local_table
    if isinstance(table, sa.Table):
        for check in field_checks(table_class, table):
            table.append_constraint(check)
