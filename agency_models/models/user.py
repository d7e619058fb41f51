"""Users: people who sign in (Supabase Auth), linked to clients through memberships."""

from typing import TYPE_CHECKING

from sqlmodel import Field

from agency_models.base import AgencyModel, Email, TimestampMixin, UUIDMixin, WebUrl, relationship

if TYPE_CHECKING:
    from agency_models.models.membership import Membership


class UserBase(AgencyModel):
    email: Email = Field(index=True)
    full_name: str | None = None
    avatar_url: WebUrl | None = None
    timezone: str = "Australia/Sydney"
    notification_email: bool = True
    notification_sms: bool = False


class UserManaged(AgencyModel):
    """Granted by the platform only; never from the user's own input."""

    is_platform_admin: bool = False


class User(UserBase, UserManaged, UUIDMixin, TimestampMixin, table=True):
    """A user profile. On Supabase ``id`` is the ``auth.users`` id of the same person; it is a
    plain uuid here because ``auth.users`` is not one of this package's tables."""

    __tablename__ = "users"

    memberships: list["Membership"] = relationship(
        back_populates="user", foreign_keys="Membership.user_id", passive_deletes="all"
    )


class UserCreate(UserBase, UUIDMixin):
    """A new profile; pass the auth user's ``id`` (a fresh one is generated otherwise)."""


class UserRead(UserBase, UserManaged, UUIDMixin, TimestampMixin):
    pass


class UserUpdate(UserBase):
    email: Email = Field(default=None)
