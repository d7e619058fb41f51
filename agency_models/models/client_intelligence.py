"""What the platform scraped about a client's own business (website, social profiles, review
sites), the proof its outreach can cite."""

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, TypeVar

import sqlalchemy as sa
from annotated_types import Ge, Le
from sqlmodel import Field

from agency_models.base import (
    AgencyModel,
    AwareDatetime,
    Count,
    DeletableTenantRecord,
    JsonList,
    LongText,
    Omittable,
    ReadSchema,
    ShortText,
    TenantMixin,
    TextList,
    UpdateSchema,
    WebUrl,
    relationship,
    tenant_key,
)
from agency_models.models.social_profile import (
    FacebookPageProfile,
    GoogleBusinessProfile,
    InstagramProfile,
    LinkedInCompanyProfile,
    SocialProfiles,
)

if TYPE_CHECKING:
    from agency_models.models.client import Client

Rating = Annotated[Decimal, Ge(0), Le(5), Field(max_digits=2, decimal_places=1)]
"""A review-site rating out of 5, to one decimal."""


class ClientIntelligenceBase(AgencyModel):
    website_tagline: LongText | None = None
    website_value_prop: LongText | None = None
    website_services: Omittable[JsonList] = None
    website_case_studies: Omittable[JsonList] = None
    website_testimonials: Omittable[JsonList] = None
    website_team_bios: Omittable[JsonList] = None
    website_blog_topics: TextList | None = None

    linkedin_url: WebUrl | None = None
    linkedin_follower_count: Count | None = None
    linkedin_employee_count: Count | None = None
    linkedin_description: LongText | None = None
    linkedin_specialties: TextList | None = None
    linkedin_recent_posts: Omittable[JsonList] = None

    twitter_handle: ShortText | None = None
    twitter_follower_count: Count | None = None
    twitter_bio: LongText | None = None
    twitter_recent_posts: Omittable[JsonList] = None
    twitter_topics: TextList | None = None

    facebook_url: WebUrl | None = None
    facebook_follower_count: Count | None = None
    facebook_about: LongText | None = None
    facebook_recent_posts: Omittable[JsonList] = None

    instagram_handle: ShortText | None = None
    instagram_follower_count: Count | None = None
    instagram_bio: LongText | None = None
    instagram_recent_posts: Omittable[JsonList] = None

    g2_url: WebUrl | None = None
    g2_rating: Rating | None = None
    g2_review_count: Count | None = None
    g2_top_reviews: Omittable[JsonList] = None
    g2_ai_summary: LongText | None = None

    capterra_url: WebUrl | None = None
    capterra_rating: Rating | None = None
    capterra_review_count: Count | None = None
    capterra_top_reviews: Omittable[JsonList] = None

    trustpilot_url: WebUrl | None = None
    trustpilot_rating: Rating | None = None
    trustpilot_review_count: Count | None = None
    trustpilot_top_reviews: Omittable[JsonList] = None

    google_business_url: WebUrl | None = None
    google_rating: Rating | None = None
    google_review_count: Count | None = None
    google_top_reviews: Omittable[JsonList] = None

    proof_metrics: Omittable[JsonList] = None
    proof_clients: TextList | None = None
    proof_industries: TextList | None = None
    common_pain_points: TextList | None = None
    differentiators: TextList | None = None

    total_scrape_cost_aud: Omittable[Decimal] = Field(
        default=None, ge=0, max_digits=10, decimal_places=4
    )
    scrape_errors: Omittable[JsonList] = None


class ClientIntelligenceState(AgencyModel):
    """When each source was last scraped."""

    website_scraped_at: AwareDatetime | None = None
    linkedin_scraped_at: AwareDatetime | None = None
    twitter_scraped_at: AwareDatetime | None = None
    facebook_scraped_at: AwareDatetime | None = None
    instagram_scraped_at: AwareDatetime | None = None
    g2_scraped_at: AwareDatetime | None = None
    capterra_scraped_at: AwareDatetime | None = None
    trustpilot_scraped_at: AwareDatetime | None = None
    google_scraped_at: AwareDatetime | None = None
    last_full_scrape_at: AwareDatetime | None = None


class ClientIntelligenceCreate(ClientIntelligenceBase, TenantMixin):
    website_services: JsonList = Field(default_factory=list)
    website_case_studies: JsonList = Field(default_factory=list)
    website_testimonials: JsonList = Field(default_factory=list)
    website_team_bios: JsonList = Field(default_factory=list)
    linkedin_recent_posts: JsonList = Field(default_factory=list)
    twitter_recent_posts: JsonList = Field(default_factory=list)
    facebook_recent_posts: JsonList = Field(default_factory=list)
    instagram_recent_posts: JsonList = Field(default_factory=list)
    g2_top_reviews: JsonList = Field(default_factory=list)
    capterra_top_reviews: JsonList = Field(default_factory=list)
    trustpilot_top_reviews: JsonList = Field(default_factory=list)
    google_top_reviews: JsonList = Field(default_factory=list)
    proof_metrics: JsonList = Field(default_factory=list)
    total_scrape_cost_aud: Decimal = Field(
        default=Decimal(0), ge=0, max_digits=10, decimal_places=4
    )
    scrape_errors: JsonList = Field(default_factory=list)


class ClientIntelligenceRow(
    ClientIntelligenceCreate, ClientIntelligenceState, DeletableTenantRecord
):
    def social_profiles(self) -> SocialProfiles:
        """The scraped profiles in the shape of :class:`SocialProfiles` (its computed totals
        included)."""
        return SocialProfiles(
            linkedin=_present(
                LinkedInCompanyProfile(
                    linkedin_url=self.linkedin_url,
                    followers=self.linkedin_follower_count,
                    employee_count=self.linkedin_employee_count,
                    description=self.linkedin_description,
                    specialties=self.linkedin_specialties or [],
                )
            ),
            instagram=_present(
                InstagramProfile(
                    username=self.instagram_handle,
                    followers=self.instagram_follower_count,
                    bio=self.instagram_bio,
                )
            ),
            facebook=_present(
                FacebookPageProfile(
                    facebook_url=self.facebook_url,
                    followers=self.facebook_follower_count,
                    about=self.facebook_about,
                )
            ),
            google_business=_present(
                GoogleBusinessProfile(
                    google_maps_url=self.google_business_url,
                    rating=None if self.google_rating is None else float(self.google_rating),
                    review_count=self.google_review_count,
                )
            ),
        )


P = TypeVar("P", bound=AgencyModel)


def _present(profile: P) -> P | None:
    """``profile``, or None when nothing of it was scraped."""
    return profile if profile.model_dump(exclude_defaults=True) else None


class ClientIntelligence(ClientIntelligenceRow, table=True):
    """A client's scraped intelligence: one live row per client."""

    __tablename__ = "client_intelligence"
    __table_args__ = (
        tenant_key(),
        sa.Index(
            "unique_client_intelligence",
            "client_id",
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
        ),
    )

    client: "Client" = relationship(back_populates="intelligence")


class ClientIntelligenceRead(ClientIntelligenceRow, ReadSchema):
    pass


class ClientIntelligenceUpdate(ClientIntelligenceBase, ClientIntelligenceState, UpdateSchema):
    pass
