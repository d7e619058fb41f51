"""How each table and its schemas are put together.

A table ``X`` is assembled from plain models that each hold one kind of field:

========== ================================================================================
``XBase``    what the author of a row sets when creating it and may change later
``XKeys``    set once at creation, then fixed: references and natural keys
``XState``   what changes as the row is worked (status, schedule, outcomes, engagement) and
             the times such things happened: sent in updates, never at creation, so new rows
             start from the defaults
``XManaged`` what the platform computes or records (scores, counters, verification results,
             billing): in no Create or Update schema
========== ================================================================================

and one record base of :mod:`agency_models.base.mixins` (``Record``, ``DeletableTenantRecord``,
…) for the id, timestamps, tenant and soft delete. A table leaves out the parts it does not
need. Then::

    X        = XBase + XKeys + XState + XManaged + record base, table=True
    XCreate  = XBase + XKeys (+ TenantMixin)
    XUpdate  = XBase + XState, every field optional (UpdateSchema)
    XRead    = everything X has (ReadSchema)

So a Create never takes an id (``users.id``, the auth user's, excepted), a timestamp or a
computed value, and an Update never moves a row to another tenant or parent.
"""

from __future__ import annotations

from typing import Any

from agency_models.base.model import AgencyModel


def _drop_defaults(schema: dict[str, Any]) -> None:
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


class UpdateSchema(AgencyModel):
    """A partial update: every field is ``X | None`` with no default but ``None``, so
    ``model_dump(exclude_unset=True)`` and ``model_dump(exclude_none=True)`` both give what the
    caller sent (the first also keeps an explicit ``null`` clearing a nullable column).

    Fields inherited from the parts that have another default, or that a NOT NULL column
    backs, must be redeclared as ``name: Omittable[X] = None`` (an explicit ``null`` is then a
    validation error); a subclass that forgets one fails at import with a ``TypeError`` naming
    it. The JSON Schema shows no defaults.
    """

    model_config = {"json_schema_extra": _drop_defaults}  # noqa: RUF012 (pydantic config)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, field in cls.model_fields.items():
            if not (
                field.default is None
                and field.default_factory is None
                and type(None) in getattr(field.annotation, "__args__", ())
            ):
                raise TypeError(
                    f"{cls.__name__}.{name} has a default or a type without None: redeclare "
                    f"it as `{name}: Omittable[...] = None` (or `... | None = None`)"
                )


class ReadSchema(AgencyModel):
    """What an API returns: validated from a table object (``XRead.model_validate(row)``);
    its JSON Schema in serialization mode requires every field, so generated clients treat
    ids, timestamps and NOT NULL columns as always present (nullable ones as ``X | null``)."""

    model_config = {"json_schema_serialization_defaults_required": True}  # noqa: RUF012
