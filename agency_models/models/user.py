"""Users: people who sign in (Supabase Auth), linked to clients through memberships."""

from typing import TYPE_CHECKING

from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    Email,
    Omittable,
    ReadSchema,
    Record,
    ShortText,
    TimeZoneName,
    UpdateSchema,
    UUIDMixin,
    WebUrl,
    relationship,
)

if TYPE_CHECKING:
    from agency_models.models.membership import Membership


class UserBase(AgencyModel):
    email: Omittable[Email] = None
    full_name: ShortText | None = None
    avatar_url: WebUrl | None = None
    timezone: Omittable[TimeZoneName] = None
    notification_email: Omittable[bool] = None
    notification_sms: Omittable[bool] = None


class UserManaged(AgencyModel):
    """Granted by the platform only; never from the user's own input."""

    is_platform_admin: bool = False


class UserCreate(UserBase, UUIDMixin):
    """A new profile; pass the auth user's ``id`` (a fresh one is generated otherwise)."""

    email: Email = Field(index=True)
    timezone: TimeZoneName = "Australia/Sydney"
    notification_email: bool = True
    notification_sms: bool = False


class UserRow(UserCreate, UserManaged, Record):
    pass


class User(UserRow, table=True):
    """A user profile. On Supabase ``id`` is the ``auth.users`` id of the same person; it is a
    plain uuid here because ``auth.users`` is not one of this package's tables."""

    __tablename__ = "users"

    memberships: list["Membership"] = relationship(
        back_populates="user", foreign_keys="Membership.user_id", passive_deletes="all"
    )


class UserRead(UserRow, ReadSchema):
    pass


class UserUpdate(UserBase, UpdateSchema):
    pass
