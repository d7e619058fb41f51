"""The shape of a company's social profiles as scrapers report them (Pydantic only, no table).

Every field is optional: a scraper fills what it found. Unknown fields are refused, and every
model round-trips through JSON (``SocialProfiles``' computed totals included: they are
serialised, and ignored when read back, since they follow from the profiles).
"""

from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import Field, computed_field, model_validator

from agency_models.base import AgencyModel, Count, Int32, LongText, ShortText, TextList, WebUrl

Rating = Annotated[float, Ge(0), Le(5)]


class LinkedInCompanyProfile(AgencyModel):
    name: ShortText | None = None
    followers: Count | None = None
    employee_count: Count | None = None
    employee_range: ShortText | None = None
    specialties: TextList = Field(default_factory=list)
    description: LongText | None = None
    industry: ShortText | None = None
    headquarters: ShortText | None = None
    website: WebUrl | None = None
    founded_year: Int32 | None = None
    linkedin_url: WebUrl | None = None


class InstagramProfile(AgencyModel):
    username: ShortText | None = None
    followers: Count | None = None
    following: Count | None = None
    posts_count: Count | None = None
    bio: LongText | None = None
    is_verified: bool = False
    full_name: ShortText | None = None
    profile_pic_url: WebUrl | None = None
    external_url: WebUrl | None = None
    instagram_url: WebUrl | None = None


class FacebookPageProfile(AgencyModel):
    name: ShortText | None = None
    likes: Count | None = None
    followers: Count | None = None
    category: ShortText | None = None
    about: LongText | None = None
    rating: Rating | None = None
    review_count: Count | None = None
    website: WebUrl | None = None
    phone: ShortText | None = None
    address: ShortText | None = None
    facebook_url: WebUrl | None = None


class GoogleBusinessProfile(AgencyModel):
    name: ShortText | None = None
    rating: Rating | None = None
    review_count: Count | None = None
    address: ShortText | None = None
    phone: ShortText | None = None
    website: WebUrl | None = None
    category: ShortText | None = None
    place_id: ShortText | None = None
    google_maps_url: WebUrl | None = None
    opening_hours: TextList | None = None


COMPUTED = (
    "total_social_followers",
    "platforms_found",
    "has_profiles",
    "average_rating",
    "total_reviews",
)


class SocialProfiles(AgencyModel):
    """The profiles found for one company, with totals across them."""

    linkedin: LinkedInCompanyProfile | None = None
    instagram: InstagramProfile | None = None
    facebook: FacebookPageProfile | None = None
    google_business: GoogleBusinessProfile | None = None

    @model_validator(mode="before")
    @classmethod
    def _ignore_computed(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in COMPUTED}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_social_followers(self) -> int:
        """LinkedIn, Instagram and Facebook followers together."""
        profiles = (self.linkedin, self.instagram, self.facebook)
        return sum(profile.followers or 0 for profile in profiles if profile is not None)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def platforms_found(self) -> list[str]:
        return [
            name
            for name in ("linkedin", "instagram", "facebook", "google_business")
            if getattr(self, name) is not None
        ]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def has_profiles(self) -> bool:
        return bool(self.platforms_found)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def average_rating(self) -> float | None:
        """The mean of the Facebook and Google ratings present."""
        ratings = [
            profile.rating
            for profile in (self.facebook, self.google_business)
            if profile is not None and profile.rating is not None
        ]
        return sum(ratings) / len(ratings) if ratings else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_reviews(self) -> int:
        """Facebook and Google reviews together."""
        profiles = (self.facebook, self.google_business)
        return sum(profile.review_count or 0 for profile in profiles if profile is not None)
