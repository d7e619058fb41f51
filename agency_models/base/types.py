"""The package's value types, each defined once: the Python annotation a field uses and the
PostgreSQL column type it maps to."""

from __future__ import annotations

import functools
import ipaddress
import types
import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Union, get_args, get_origin

import sqlalchemy as sa
from pydantic import AwareDatetime as _PydanticAwareDatetime
from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema
from sqlalchemy.dialects import postgresql as pg

from agency_models.enums import PgEnum
from agency_models.exceptions import NaiveDatetimeError

EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
"""The WHATWG "valid email address" grammar, with at least one dot in the domain."""
DOMAIN_PATTERN = r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
URL_PATTERN = (
    r"^(?:[Hh][Tt][Tt][Pp][Ss]?://)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}(?::[0-9]{1,5})?(?:[/?#][^\s]*)?$"
)
"""A web address, with or without its ``http(s)://`` scheme (as scraped data often is)."""


class NormalizedText:
    """Text validated by one pattern inside pydantic-core, with no Python per value.

    Subclasses set the pattern, the longest accepted value, whether values are lower-cased,
    and the error reported for anything else. Validated values are plain ``str``; surrounding
    white space is removed. Lower-cased types get a database CHECK keeping stored values
    trimmed and lower-case.
    """

    pattern: ClassVar[str]
    max_length: ClassVar[int]
    lower_case: ClassVar[bool]
    error_type: ClassVar[str]
    error_message: ClassVar[str]
    json_format: ClassVar[str]

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.custom_error_schema(
            core_schema.str_schema(
                strip_whitespace=True,
                to_lower=cls.lower_case,
                max_length=cls.max_length,
                pattern=cls.pattern,
            ),
            custom_error_type=cls.error_type,
            custom_error_message=cls.error_message,
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": cls.json_format, "maxLength": cls.max_length}


if TYPE_CHECKING:
    Email = Annotated[str, ...]
    Domain = Annotated[str, ...]
    WebUrl = Annotated[str, ...]
else:

    class Email(NormalizedText):
        """An email address, lower-cased; every email column uses this type."""

        pattern = EMAIL_PATTERN
        max_length = 254
        lower_case = True
        error_type = "email"
        error_message = "value is not a valid email address"
        json_format = "email"

    class Domain(NormalizedText):
        """An internet domain name such as ``acme.com.au``, lower-cased."""

        pattern = DOMAIN_PATTERN
        max_length = 253
        lower_case = True
        error_type = "domain"
        error_message = "value is not a valid domain name"
        json_format = "hostname"

    class WebUrl(NormalizedText):
        """A web address (:data:`URL_PATTERN`), kept as given apart from surrounding space."""

        pattern = URL_PATTERN
        max_length = 2048
        lower_case = False
        error_type = "url"
        error_message = "value is not a valid web address"
        json_format = "uri"


AwareDatetime = Annotated[datetime, _PydanticAwareDatetime]
"""A timezone-aware datetime; a naive one fails validation with "Input should have timezone
info". Columns of this type are ``timestamptz``."""


class AwareDateTime(sa.TypeDecorator[datetime]):
    """``timestamptz`` that refuses naive datetimes on the way in.

    Values come back from asyncpg already aware (UTC), so there is no result processing.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise NaiveDatetimeError(
                f"naive datetime {value.isoformat()} given for a timestamptz column; "
                "pass an aware datetime such as datetime.now(UTC)"
            )
        return value


TIMESTAMPTZ = AwareDateTime()
JSONB = pg.JSONB(none_as_null=True)


@functools.cache
def pg_enum(enum: type[PgEnum]) -> sa.Enum:
    """The one SQLAlchemy type of ``enum``: its PostgreSQL type, storing member values."""
    return sa.Enum(
        enum,
        name=enum.__pg_type__,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


_SCALAR_TYPES: dict[Any, sa.types.TypeEngine[Any]] = {
    NormalizedText: sa.Text(),
    bool: sa.Boolean(),
    int: sa.Integer(),
    float: sa.Double(),
    str: sa.Text(),
    datetime: TIMESTAMPTZ,
    date: sa.Date(),
    time: sa.Time(),
    uuid.UUID: sa.Uuid(),
    ipaddress.IPv4Address: pg.INET(),
    ipaddress.IPv6Address: pg.INET(),
}


def unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` down to the value type."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def column_type(
    annotation: Any, *, max_digits: int | None = None, decimal_places: int | None = None
) -> sa.types.TypeEngine[Any]:
    """The PostgreSQL type of a field annotated ``annotation``.

    ``str`` is ``text``, datetimes ``timestamptz``, ``dict``/models ``jsonb``, lists of scalars
    arrays, :class:`PgEnum` subclasses their named ENUM type. A field's explicit ``sa_type``
    always wins over this mapping.
    """
    value_type = unwrap(annotation)
    origin = get_origin(value_type)
    if origin in (list, tuple, set, frozenset):
        (item,) = {unwrap(arg) for arg in get_args(value_type) if arg is not Ellipsis} or {Any}
        if (
            item is Any
            or get_origin(item) is dict
            or item is dict
            or (isinstance(item, type) and issubclass(item, BaseModel))
        ):
            return JSONB
        return pg.ARRAY(column_type(item))
    if origin is dict or value_type is dict:
        return JSONB
    if isinstance(value_type, type):
        if issubclass(value_type, PgEnum):
            return pg_enum(value_type)
        if issubclass(value_type, BaseModel):
            return JSONB
        if issubclass(value_type, Decimal):
            return sa.Numeric(max_digits, decimal_places)
        for python_type in value_type.__mro__:
            if python_type in _SCALAR_TYPES:
                return _SCALAR_TYPES[python_type]
    raise TypeError(f"no PostgreSQL column type for {annotation!r}; give the field an sa_type")
