"""Conversion Intelligence: what converts for a client (who, what, when, how), and its history.

Each change of a pattern is archived by the database itself: the trigger
``record_conversion_pattern`` copies every inserted or changed pattern into
``conversion_pattern_history``, whoever writes it (the ORM, raw SQL, COPY).
"""

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    Count,
    JsonObject,
    Omittable,
    PatternType,
    Ratio,
    ReadSchema,
    TenantEntry,
    TenantMixin,
    TenantRecord,
    UpdateSchema,
    relationship,
    tenant_key,
)

if TYPE_CHECKING:
    from agency_models.models.client import Client

NOW = {"server_default": sa.func.now()}


class ConversionPatternBase(AgencyModel):
    patterns: Omittable[JsonObject] = None
    sample_size: Omittable[Count] = None
    """How many conversions the patterns were learned from."""
    confidence: Omittable[Ratio] = None
    valid_until: Omittable[AwareDatetime] = None


class ConversionPatternKeys(AgencyModel):
    pattern_type: PatternType


class ConversionPatternState(AgencyModel):
    computed_at: Omittable[AwareDatetime] = None
    """When the patterns were last computed (set it with each recomputation)."""


class ConversionPatternCreate(ConversionPatternBase, ConversionPatternKeys, TenantMixin):
    patterns: JsonObject
    sample_size: Count
    confidence: Ratio
    valid_until: AwareDatetime


class ConversionPatternRow(ConversionPatternCreate, ConversionPatternState, TenantRecord):
    computed_at: AwareDatetime = Field(default=None, sa_column_kwargs=NOW)


class ConversionPattern(ConversionPatternRow, table=True):
    """The current patterns of one client and type (one row per pair)."""

    __tablename__ = "conversion_patterns"
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("client_id", "pattern_type", name="unique_client_pattern_type"),
    )

    client: "Client" = relationship(back_populates="conversion_patterns")
    history: list["ConversionPatternHistory"] = relationship(
        primaryjoin="and_("
        "ConversionPattern.client_id == foreign(ConversionPatternHistory.client_id), "
        "ConversionPattern.pattern_type == foreign(ConversionPatternHistory.pattern_type))",
        order_by="ConversionPatternHistory.computed_at.desc()",
        viewonly=True,
    )


class ConversionPatternRead(ConversionPatternRow, ReadSchema):
    pass


class ConversionPatternUpdate(ConversionPatternBase, ConversionPatternState, UpdateSchema):
    pass


class ConversionPatternHistoryBase(AgencyModel):
    """Nothing changes once archived."""


class ConversionPatternHistoryKeys(AgencyModel):
    pattern_type: PatternType
    patterns: JsonObject
    sample_size: Count
    confidence: Ratio


class ConversionPatternHistoryCreate(
    ConversionPatternHistoryBase, ConversionPatternHistoryKeys, TenantMixin
):
    """An archived version; the trigger on ``conversion_patterns`` writes these."""


class ConversionPatternHistoryRow(ConversionPatternHistoryCreate, TenantEntry):
    computed_at: AwareDatetime = Field(default=None, sa_column_kwargs=NOW)


class ConversionPatternHistory(ConversionPatternHistoryRow, table=True):
    """Every version a client's patterns have had, newest last."""

    __tablename__ = "conversion_pattern_history"
    __table_args__ = (
        tenant_key(),
        sa.Index(
            "ix_conversion_pattern_history_client_id_type_computed_at",
            "client_id",
            "pattern_type",
            sa.text("computed_at DESC"),
        ),
    )


class ConversionPatternHistoryRead(ConversionPatternHistoryRow, ReadSchema):
    pass


class ConversionPatternHistoryUpdate(ConversionPatternHistoryBase, UpdateSchema):
    """History is never changed: this schema has no fields."""
