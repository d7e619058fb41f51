"""The package's value types, each defined once: the Python annotation a field uses, the rules
its values obey, and the PostgreSQL column type it maps to.

Every value a schema accepts is storable: text carries no NUL and no lone surrogate and has a
length limit, integers fit their column, datetimes are aware and inside PostgreSQL's (and
Python's) range, ``jsonb`` holds JSON only. The rules run inside pydantic-core wherever they
can; only :data:`JsonObject` walks its value in Python.

Model fields use these types rather than bare ``str``, ``int``, ``dict``, ``date``,
``datetime`` or ``time``, which :func:`column_type` refuses, so no field can forget a rule.
"""

from __future__ import annotations

import functools
import importlib.resources
import ipaddress
import math
import types
import uuid
import zoneinfo
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar, Union, get_args, get_origin

import annotated_types
import sqlalchemy as sa
from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler, Secret, SecretStr
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema
from sqlalchemy.dialects import postgresql as pg

from agency_models.enums import PgEnum
from agency_models.exceptions import NaiveDatetimeError

SHORT_TEXT_MAX_LENGTH = 255
"""Characters in a :data:`ShortText`: names, titles, identifiers, labels. At most 1,020 bytes
of UTF-8, so up to two such columns fit in one btree index entry (limit: 2,704 bytes)."""
LONG_TEXT_MAX_LENGTH = 100_000
"""Characters in a :data:`LongText`: descriptions, notes, message bodies, templates."""
TEXT_LIST_MAX_ITEMS = 1_000
"""Items in a :data:`TextList`."""
JSON_MAX_DEPTH = 32
"""Nesting levels of arrays and objects in a :data:`JsonObject`."""
JSON_MAX_SIZE = 1_000_000
"""Approximate characters of a :data:`JsonObject` written as JSON."""
INT4_RANGE = (-(2**31), 2**31 - 1)
INT8_RANGE = (-(2**63), 2**63 - 1)
EARLIEST = datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, 23, 59, 59, 999998, tzinfo=UTC)
"""The range of :data:`AwareDatetime`, in UTC: what both PostgreSQL and Python represent, less
Python's first and last instant, which asyncpg writes as ``-infinity`` and ``infinity``."""
FIRST_DAY = date(1, 1, 2)
LAST_DAY = date(9999, 12, 30)
"""The range of :data:`CalendarDate`: Python's, less the two days asyncpg writes as
``-infinity`` and ``infinity``."""

_DOMAIN_BODY = (
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
)
_EMAIL_LOCAL_CHARACTER = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
EMAIL_PATTERN = rf"^{_EMAIL_LOCAL_CHARACTER}+(?:\.{_EMAIL_LOCAL_CHARACTER}+)*@{_DOMAIN_BODY}$"
"""An address: dot-separated atoms (no leading, trailing or doubled dot) before the ``@``, a
domain name with a real top-level domain after it (letters or ``xn--`` punycode, so no bare IP
address and no numeric TLD)."""
DOMAIN_PATTERN = rf"^{_DOMAIN_BODY}$"
URL_PATTERN = (
    rf"^(?:[Hh][Tt][Tt][Pp][Ss]?://)?{_DOMAIN_BODY}(?::[0-9]{{1,5}})?(?:[/?#][^\s\x00]*)?$"
)
"""A web address, with or without its ``http(s)://`` scheme (as scraped data often is)."""

_NUL_FREE = core_schema.custom_error_schema(
    core_schema.str_schema(pattern=r"^[^\x00]*$"),
    custom_error_type="text_nul",
    custom_error_message="Text must not contain NUL (\\x00) characters",
)


class TextType:
    """Free text of at most ``max_length`` characters, without NUL (which PostgreSQL cannot
    store); a lone surrogate fails as ``string_unicode``. Stored as ``text`` with a
    ``<field>_length`` CHECK. ``Field(min_length=...)`` narrows it further."""

    max_length: ClassVar[int]

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.chain_schema(
            [core_schema.str_schema(max_length=cls.max_length), _NUL_FREE]
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "maxLength": cls.max_length}


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


class IntegerType:
    """An integer within its column type's range (``integer`` or ``bigint``)."""

    bounds: ClassVar[tuple[int, int]]
    sa_type: ClassVar[sa.types.TypeEngine[int]]

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        low, high = cls.bounds
        return core_schema.int_schema(ge=low, le=high)


@functools.cache
def time_zone_names() -> frozenset[str]:
    """Every IANA time zone name of the ``tzdata`` package (the same on every machine with the
    same ``tzdata``, whatever the operating system ships)."""
    try:
        zones = importlib.resources.files("tzdata").joinpath("zones").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return frozenset(zoneinfo.available_timezones())
    return frozenset(zones.split())


T = TypeVar("T")

if TYPE_CHECKING:
    ShortText = Annotated[str, ...]
    LongText = Annotated[str, ...]
    Email = Annotated[str, ...]
    Domain = Annotated[str, ...]
    WebUrl = Annotated[str, ...]
    TimeZoneName = Annotated[str, ...]
    Int32 = Annotated[int, ...]
    Int64 = Annotated[int, ...]
    AwareDatetime = Annotated[datetime, ...]
    CalendarDate = Annotated[date, ...]
    TimeOfDay = Annotated[time, ...]
    JsonObject = dict[str, Any]
else:

    class ShortText(TextType):
        """Names, titles, identifiers, labels: up to :data:`SHORT_TEXT_MAX_LENGTH`."""

        max_length = SHORT_TEXT_MAX_LENGTH

    class LongText(TextType):
        """Descriptions, notes, message bodies: up to :data:`LONG_TEXT_MAX_LENGTH`."""

        max_length = LONG_TEXT_MAX_LENGTH

    class Email(NormalizedText):
        """An email address (:data:`EMAIL_PATTERN`), lower-cased."""

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

    class TimeZoneName:
        """An IANA time zone name such as ``Australia/Sydney`` (:func:`time_zone_names`)."""

        @classmethod
        def __get_pydantic_core_schema__(
            cls, source: Any, handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            return core_schema.custom_error_schema(
                core_schema.literal_schema(sorted(time_zone_names())),
                custom_error_type="time_zone",
                custom_error_message="value is not an IANA time zone name",
            )

        @classmethod
        def __get_pydantic_json_schema__(
            cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
        ) -> JsonSchemaValue:
            return {"type": "string", "format": "iana-time-zone", "examples": ["Australia/Sydney"]}

    class Int32(IntegerType):
        """An ``integer`` (int4)."""

        bounds = INT4_RANGE
        sa_type = sa.Integer()

    class Int64(IntegerType):
        """A ``bigint`` (int8)."""

        bounds = INT8_RANGE
        sa_type = sa.BigInteger()

    class AwareDatetime:
        """A timezone-aware datetime whose UTC value lies between :data:`EARLIEST` and
        :data:`LATEST`; a naive one fails with "Input should have timezone info". Columns of
        this type are ``timestamptz``."""

        @classmethod
        def __get_pydantic_core_schema__(
            cls, source: Any, handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            return core_schema.datetime_schema(tz_constraint="aware", ge=EARLIEST, le=LATEST)

    class CalendarDate:
        """A calendar day (``date``) between :data:`FIRST_DAY` and :data:`LAST_DAY`."""

        @classmethod
        def __get_pydantic_core_schema__(
            cls, source: Any, handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            return core_schema.date_schema(ge=FIRST_DAY, le=LAST_DAY)

    class TimeOfDay:
        """A wall-clock time (``time`` without time zone); a time with an offset is refused
        rather than stored without it."""

        @classmethod
        def __get_pydantic_core_schema__(
            cls, source: Any, handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            return core_schema.time_schema(tz_constraint="naive")

    class JsonObject:
        """A JSON object stored as ``jsonb``: only JSON values (no Python objects), finite
        numbers, integers within int8, strings without NUL or lone surrogates, at most
        :data:`JSON_MAX_DEPTH` levels deep and about :data:`JSON_MAX_SIZE` characters."""

        @classmethod
        def __get_pydantic_core_schema__(
            cls, source: Any, handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            return core_schema.no_info_plain_validator_function(
                _validated_json_object,
                json_schema_input_schema=core_schema.dict_schema(core_schema.str_schema()),
            )

        @classmethod
        def __get_pydantic_json_schema__(
            cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
        ) -> JsonSchemaValue:
            return {"type": "object"}


Count = Annotated[Int32, annotated_types.Ge(0)]
"""How many of something: an ``integer`` >= 0 (a ``<field>_range`` CHECK)."""
Percent = Annotated[Int32, annotated_types.Ge(0), annotated_types.Le(100)]
Ratio = Annotated[float, annotated_types.Ge(0), annotated_types.Le(1)]
"""A fraction from 0 to 1 (confidence, rate)."""
Weekday = Annotated[Int32, annotated_types.Ge(1), annotated_types.Le(7)]
"""ISO day of the week: 1 is Monday, 7 Sunday."""
NonEmptyText = Annotated[ShortText, annotated_types.MinLen(1)]
"""A :data:`ShortText` of at least one character (names, reasons)."""
TextList = Annotated[list[ShortText], annotated_types.MaxLen(TEXT_LIST_MAX_ITEMS)]
"""A ``text[]`` of :data:`ShortText` items, at most :data:`TEXT_LIST_MAX_ITEMS` of them."""
JsonList = Annotated[list[JsonObject], annotated_types.MaxLen(TEXT_LIST_MAX_ITEMS)]
"""A ``jsonb`` array of :data:`JsonObject` items (scraped posts, reviews, tool calls)."""


class _NotNull:
    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        return schema["schema"] if schema["type"] == "nullable" else schema


Omittable = Annotated[T | None, _NotNull()]
"""An update field for a NOT NULL column: ``None`` when the caller left it out, and an explicit
``null`` is a validation error (the column cannot hold it)."""


class _JsonError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        self.path: list[str | int] = []


def _json_size(value: Any, depth: int) -> int:
    """The approximate length of ``value`` written as JSON; raises :class:`_JsonError` for
    anything ``jsonb`` (or JSON) cannot hold."""
    if isinstance(value, str):
        if "\x00" in value:
            raise _JsonError("text with a NUL (\\x00) character")
        if not value.isascii():
            try:
                value.encode()
            except UnicodeEncodeError:
                raise _JsonError("text with a lone surrogate") from None
        return len(value) + 2
    if value is None or isinstance(value, bool):
        return 5
    if isinstance(value, int):
        if not INT8_RANGE[0] <= value <= INT8_RANGE[1]:
            raise _JsonError("an integer beyond 64 bits")
        return 20
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _JsonError(f"{value}, which JSON cannot represent")
        return 24
    if isinstance(value, (dict, list, tuple)):
        if depth >= JSON_MAX_DEPTH:
            raise _JsonError(f"more than {JSON_MAX_DEPTH} levels of nesting")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        size = 2
        for key, item in items:
            try:
                if isinstance(value, dict):
                    if not isinstance(key, str):
                        raise _JsonError(f"a {type(key).__name__} object key")
                    size += _json_size(key, depth)
                size += _json_size(item, depth + 1) + 1
            except _JsonError as error:
                error.path.insert(0, key)
                raise
        return size
    raise _JsonError(f"a {type(value).__name__}, which is not a JSON value")


def _validated_json_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PydanticCustomError("dict_type", "Input should be a valid dictionary")
    try:
        size = _json_size(value, 0)
    except _JsonError as error:
        where = "".join(f"[{key!r}]" for key in error.path) or "the value"
        raise PydanticCustomError(
            "json_value", "{where} is {problem}", {"where": where, "problem": error.message}
        ) from None
    if size > JSON_MAX_SIZE:
        raise PydanticCustomError(
            "json_too_large",
            "JSON value of about {size} characters; at most {limit} are accepted",
            {"size": size, "limit": JSON_MAX_SIZE},
        )
    return value


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


_VALIDATED_TYPES: dict[type, type] = {
    TextType: str,
    NormalizedText: str,
    TimeZoneName: str,
    AwareDatetime: datetime,
    CalendarDate: date,
    TimeOfDay: time,
    JsonObject: dict,
    IntegerType: int,
}


def validated_type(value_type: type) -> type:
    """The class of the values pydantic gives a field of ``value_type``: the Python type one of
    the package's value types validates to (``Email``: ``str``), else ``value_type``."""
    for base in value_type.__mro__:
        if base in _VALIDATED_TYPES:
            return _VALIDATED_TYPES[base]
    return value_type


_SCALAR_TYPES: dict[Any, sa.types.TypeEngine[Any]] = {
    TextType: sa.Text(),
    NormalizedText: sa.Text(),
    TimeZoneName: sa.Text(),
    AwareDatetime: TIMESTAMPTZ,
    CalendarDate: sa.Date(),
    TimeOfDay: sa.Time(),
    JsonObject: JSONB,
    bool: sa.Boolean(),
    float: sa.Double(),
    uuid.UUID: sa.Uuid(),
    ipaddress.IPv4Address: pg.INET(),
    ipaddress.IPv6Address: pg.INET(),
}

_UNBOUNDED = {
    str: "ShortText or LongText",
    int: "Int32, Int64 or Count",
    dict: "JsonObject",
    datetime: "AwareDatetime",
    date: "CalendarDate",
    time: "TimeOfDay",
    Any: "a type of agency_models.base",
}
"""Bare types a field may not use, and what to use instead: they would accept values
PostgreSQL cannot store."""


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


def annotated_metadata(annotation: Any) -> list[Any]:
    """The ``Annotated`` metadata anywhere along ``annotation``'s ``X | None`` unwrapping
    (pydantic lifts only the outermost into ``FieldInfo.metadata``)."""
    found: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *metadata = get_args(annotation)
            found.extend(metadata)
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return found
            annotation = members[0]
        else:
            return found


def is_secret(annotation: Any) -> bool:
    """Whether the field holds a pydantic ``Secret`` / ``SecretStr``: plaintext a schema passes
    to an encryption hook, never a column."""
    value_type = unwrap(annotation)
    return get_origin(value_type) is Secret or (
        isinstance(value_type, type) and issubclass(value_type, (Secret, SecretStr))
    )


def column_type(
    annotation: Any, *, max_digits: int | None = None, decimal_places: int | None = None
) -> sa.types.TypeEngine[Any]:
    """The PostgreSQL type of a field annotated ``annotation``.

    Text types are ``text``, :class:`IntegerType` subclasses ``integer`` / ``bigint``,
    datetimes ``timestamptz``, days ``date``, :data:`JsonObject` and models ``jsonb``, lists of
    scalars arrays, :class:`PgEnum` subclasses their named ENUM type. A bare ``str``, ``int``,
    ``dict``, ``date``, ``datetime``, ``time`` or ``Any`` raises ``TypeError``. A field's explicit
    ``sa_type`` always wins over this mapping.
    """
    value_type = unwrap(annotation)
    origin = get_origin(value_type)
    if origin in (list, tuple, set, frozenset):
        (item,) = {unwrap(arg) for arg in get_args(value_type) if arg is not Ellipsis} or {Any}
        if item is JsonObject or (isinstance(item, type) and issubclass(item, BaseModel)):
            return JSONB
        return pg.ARRAY(column_type(item))
    if value_type in _UNBOUNDED or origin is dict:
        unbounded = _UNBOUNDED.get(value_type, _UNBOUNDED[dict])
        raise TypeError(f"{annotation!r} is unbounded: annotate the field with {unbounded}")
    if isinstance(value_type, type):
        if issubclass(value_type, PgEnum):
            return pg_enum(value_type)
        if issubclass(value_type, Enum):
            return sa.Text()
        if issubclass(value_type, BaseModel):
            return JSONB
        if issubclass(value_type, IntegerType):
            return value_type.sa_type
        if issubclass(value_type, Decimal):
            return sa.Numeric(max_digits, decimal_places)
        for python_type in value_type.__mro__:
            if python_type in _SCALAR_TYPES:
                return _SCALAR_TYPES[python_type]
    raise TypeError(f"no PostgreSQL column type for {annotation!r}; give the field an sa_type")
