"""The base every factory of the package builds on."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, time
from typing import Any, ClassVar, Generic, TypeVar

from polyfactory.exceptions import ConfigurationException
from polyfactory.factories.pydantic_factory import ModelFactory, PydanticFieldMeta
from polyfactory.field_meta import FieldMeta
from polyfactory.persistence import AsyncPersistenceProtocol
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel.main import FieldInfoMetadata

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    CalendarDate,
    Domain,
    Email,
    Int32,
    Int64,
    JsonObject,
    LongText,
    ShortText,
    TimeOfDay,
    TimeZoneName,
    WebUrl,
)
from agency_models.base.types import IntegerType, TextType

T = TypeVar("T", bound=AgencyModel)

_unique_numbers = itertools.count(1)
_GENERATING: ContextVar[bool] = ContextVar("agency_factories_generating", default=False)
_TIME_ZONES = ("Australia/Sydney", "Australia/Perth", "Pacific/Auckland", "Europe/London", "UTC")


class _BoundSession:
    session: AsyncSession | None = None


def current_session() -> AsyncSession:
    """The session factories persist through (see :func:`bind_factories`)."""
    if _BoundSession.session is None:
        raise ConfigurationException(
            "no session bound to the factories: use the agency_session fixture, or wrap the "
            "calls in factories.bind_factories(session)"
        )
    return _BoundSession.session


@contextmanager
def bind_factories(session: AsyncSession) -> Iterator[AsyncSession]:
    """Make every factory's ``create_async`` persist through ``session`` inside the block."""
    previous, _BoundSession.session = _BoundSession.session, session
    try:
        yield session
    finally:
        _BoundSession.session = previous


class SessionPersistence(AsyncPersistenceProtocol[Any]):
    """Adds built rows to the bound session and flushes, so the test's transaction owns them."""

    async def save(self, data: Any) -> Any:
        session = current_session()
        session.add(data)
        await session.flush()
        return data

    async def save_many(self, data: list[Any]) -> list[Any]:
        session = current_session()
        session.add_all(data)
        await session.flush()
        return data


def pooled(make: Callable[[], Any], size: int = 512) -> Callable[[], Any]:
    """``make``'s values drawn from a pool of ``size`` made on first use: as realistic, and
    far cheaper than Faker's weighted draws on every call."""
    pool: list[Any] = []

    def draw() -> Any:
        if not pool:
            pool.extend(make() for _ in range(size))
        return ModelFactory.__faker__.random.choice(pool)

    return draw


_user_name = pooled(lambda: ModelFactory.__faker__.user_name())
_domain_name = pooled(lambda: ModelFactory.__faker__.domain_name())


def unique_email() -> str:
    """A realistic address that no other call in this process returns."""
    return f"{_user_name()}.{next(_unique_numbers)}@{_domain_name()}".lower()


def unique_domain() -> str:
    """A realistic domain name that no other call in this process returns."""
    word = ModelFactory.__faker__.domain_word()
    return f"{word}-{next(_unique_numbers)}.{ModelFactory.__faker__.tld()}".lower()


def web_url() -> str:
    return str(ModelFactory.__faker__.url())


class AgencyFactory(ModelFactory[T], Generic[T]):
    """Builds valid rows and schemas of agency-models.

    * A field with a default keeps it unless the factory declares a value: ``deleted_at``
      stays None, server-owned columns (``created_at``, ``updated_at``) are left to the
      server, ids come from the model.
    * Datetimes are timezone-aware (UTC); emails are realistic and unique.
    * ``create_async`` persists through the bound session (flush, no commit) and first creates
      the parents listed in ``__parents__`` that were not given, in the same tenant; the
      references a parent already has (its ``client_id``, ``campaign_id``, …) are reused, so a
      new activity's lead, campaign and client all agree.
    """

    __is_base_factory__ = True
    __use_defaults__ = True
    __check_model__ = False
    __async_persistence__ = SessionPersistence()
    __parents__: ClassVar[Mapping[str, type[AgencyFactory[Any]]]] = {}
    """Foreign key field -> factory of the row it references, created on ``create_async``
    when the field is not given (in the child's tenant, ``client_id``, when both have one)."""

    @classmethod
    def get_provider_map(cls) -> dict[Any, Callable[[], Any]]:
        """polyfactory's providers with the package's value types; built once per factory
        (polyfactory asks for it several times per build)."""
        cached: dict[Any, Callable[[], Any]] | None = cls.__dict__.get("_provider_map")
        if cached is None:
            cached = cls._build_provider_map()
            type.__setattr__(cls, "_provider_map", cached)
        return cached

    @classmethod
    def _build_provider_map(cls) -> dict[Any, Callable[[], Any]]:
        faker = cls.__faker__

        def aware_datetime() -> datetime:
            return faker.date_time_between("-2y", "now", tzinfo=UTC)

        return {
            **super().get_provider_map(),
            datetime: aware_datetime,
            AwareDatetime: aware_datetime,
            CalendarDate: lambda: faker.date_between("-2y", "+1y"),
            TimeOfDay: lambda: time(faker.random_int(0, 23), faker.random_int(0, 59)),
            Email: unique_email,
            Domain: unique_domain,
            WebUrl: web_url,
            ShortText: lambda: faker.word(),
            LongText: lambda: faker.paragraph(),
            Int32: lambda: faker.random_int(0, 1000),
            Int64: lambda: faker.random_int(0, 1000),
            TimeZoneName: lambda: faker.random_element(_TIME_ZONES),
            JsonObject: dict,
        }

    @classmethod
    def get_model_fields(cls) -> list[FieldMeta]:
        """polyfactory's field metadata, read without SQLModel's column spec: it holds no value
        constraint, and polyfactory would deep-copy it (column types, server defaults) for
        every field, about half a second per factory on its first build. While
        :meth:`process_kwargs` runs, only the fields it generates."""
        if "_fields_metadata" not in cls.__dict__:
            config = cls.__model__.model_config
            by_name = bool(
                cls.__by_name__ or config.get("validate_by_name") or config.get("populate_by_name")
            )
            fields: list[FieldMeta] = []
            for name, info in cls.__model__.model_fields.items():
                plain = copy.copy(info)
                plain.metadata = [m for m in info.metadata if not isinstance(m, FieldInfoMetadata)]
                fields.append(
                    PydanticFieldMeta.from_field_info(
                        field_name=name, field_info=plain, use_alias=not by_name
                    )
                )
            cls._fields_metadata = fields
            type.__setattr__(
                cls,
                "_generated_fields_metadata",
                [meta for meta in fields if not cls.should_use_default_value(meta)],
            )
        if _GENERATING.get():
            generated: list[FieldMeta] = cls.__dict__["_generated_fields_metadata"]
            return generated
        return cls._fields_metadata

    @classmethod
    def get_constrained_field_value(
        cls,
        annotation: Any,
        field_meta: FieldMeta,
        field_build_parameters: Any | None = None,
        build_context: Any | None = None,
    ) -> Any:
        """Constrained values of the package's value types, generated as the plain ``int`` or
        ``str`` they are, within the type's own bounds too."""
        if isinstance(annotation, type) and issubclass(annotation, (IntegerType, TextType)):
            constraints: dict[str, Any] = dict(field_meta.constraints or {})
            if issubclass(annotation, IntegerType):
                plain: type = int
                low, high = annotation.bounds
                constraints["ge"] = max(constraints.get("ge", low), low)
                constraints["le"] = min(constraints.get("le", high), high)
            else:
                plain = str
                constraints["max_length"] = min(
                    constraints.get("max_length", annotation.max_length), annotation.max_length
                )
            field_meta = copy.copy(field_meta)
            field_meta.constraints = constraints  # type: ignore[assignment]
            annotation = plain
        return super().get_constrained_field_value(
            annotation, field_meta, field_build_parameters, build_context
        )

    @classmethod
    def process_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        """polyfactory's, looping only over the fields it generates (:meth:`get_model_fields`):
        a field that keeps its default is left to the model; given as a keyword, it is passed
        through all the same."""
        token = _GENERATING.set(True)
        try:
            return super().process_kwargs(**kwargs)
        finally:
            _GENERATING.reset(token)

    @classmethod
    def should_use_default_value(cls, field_meta: FieldMeta) -> bool:
        """Keep a field's default unless the factory declares a value for it."""
        return field_meta.name not in cls._declared() and super().should_use_default_value(
            field_meta
        )

    @classmethod
    def _declared(cls) -> frozenset[str]:
        """The fields this factory declares a value for (computed once per factory)."""
        declared: frozenset[str] | None = cls.__dict__.get("_declared_fields")
        if declared is None:
            declared = frozenset(
                name
                for name in cls.__model__.model_fields
                if hasattr(cls, name) and not hasattr(ModelFactory, name)
            )
            type.__setattr__(cls, "_declared_fields", declared)
        return declared

    @classmethod
    def _create_model(cls, _build_context: Any, **kwargs: Any) -> T:
        """Validate what is built, so a given value is normalised (a mixed-case email is stored
        lower-case) or rejected, never written as the database would refuse it."""
        return cls.__model__.model_validate(kwargs)

    @classmethod
    async def create_async(cls, **kwargs: Any) -> T:
        fields = cls.__model__.model_fields
        for field, factory in cls.__parents__.items():
            if kwargs.get(field) is not None:
                continue
            parent_fields = factory.__model__.model_fields
            inherited = {
                name: kwargs[name]
                for name in ("client_id",)
                if name in kwargs and name in parent_fields
            }
            parent = await factory.create_async(**inherited)
            kwargs[field] = parent.id
            for name in fields.keys() & parent_fields.keys():
                if name.endswith("_id") and kwargs.get(name) is None:
                    kwargs[name] = getattr(parent, name)
        return await super().create_async(**kwargs)

    @classmethod
    async def create_batch_async(cls, size: int, **kwargs: Any) -> list[T]:
        """``size`` rows. With every parent given they are built first and persisted in one
        flush (one multi-row ``INSERT … RETURNING``); otherwise one after another, each with
        parents of its own."""
        if all(kwargs.get(field) is not None for field in cls.__parents__):
            return await super().create_batch_async(size, **kwargs)
        return [await cls.create_async(**kwargs) for _ in range(size)]
