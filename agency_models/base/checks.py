"""Database CHECKs derived from field declarations, so an invariant is written once.

A field declared ``Field(ge=0, le=100)`` gets ``CHECK (col >= 0 AND col <= 100)`` named
``<field>_range``; a lower-cased text type (:class:`Email`, :class:`Domain`) gets
``CHECK (col = lower(btrim(col)))`` named ``<field>_normalized``. Writers that bypass the
models (raw SQL, COPY) meet the same rules.
"""

from __future__ import annotations

from typing import Any

import annotated_types
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapper

from agency_models.base.model import AgencyModel
from agency_models.base.types import NormalizedText, unwrap

_BOUNDS = (
    (annotated_types.Ge, "ge", ">="),
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Le, "le", "<="),
    (annotated_types.Lt, "lt", "<"),
)


def field_checks(table_class: type[AgencyModel], table: sa.Table) -> list[sa.CheckConstraint]:
    """The CHECK constraints the fields of ``table_class`` imply for ``table``."""
    mapper = sa.inspect(table_class)
    checks = []
    for name, field in table_class.model_fields.items():
        column = mapper.columns.get(name)
        if column is None:
            continue
        bounds = [
            f"{column.name} {operator} {getattr(meta, attribute)}"
            for meta in field.metadata
            for kind, attribute, operator in _BOUNDS
            if isinstance(meta, kind)
        ]
        if bounds:
            checks.append(sa.CheckConstraint(" AND ".join(bounds), name=f"{name}_range"))
        value_type = unwrap(field.annotation)
        if (
            isinstance(value_type, type)
            and issubclass(value_type, NormalizedText)
            and value_type.lower_case
        ):
            checks.append(
                sa.CheckConstraint(
                    f"{column.name} = lower(btrim({column.name}))", name=f"{name}_normalized"
                )
            )
    return checks


@event.listens_for(AgencyModel, "after_mapper_constructed", propagate=True)
def _add_field_checks(mapper: Mapper[Any], table_class: type[AgencyModel]) -> None:
    table = mapper.local_table
    if isinstance(table, sa.Table):
        for check in field_checks(table_class, table):
            table.append_constraint(check)
