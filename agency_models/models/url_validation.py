"""The result of checking a web address (Pydantic only, no table)."""

from typing import Annotated

from annotated_types import Ge, Le
from pydantic import Field

from agency_models.base import AgencyModel, Int32, LongText, ShortText, URLValidationErrorType

HttpStatus = Annotated[Int32, Ge(100), Le(599)]


class URLValidationResult(AgencyModel):
    """Whether a URL answers, where it ends up, and why not when it fails."""

    valid: bool
    canonical_url: LongText | None = None
    """The address after redirects (kept as text: it may be any URL the site redirected to)."""
    redirected: bool = False
    redirect_chain: list[LongText] = Field(default_factory=list, max_length=50)
    error: LongText | None = None
    error_type: URLValidationErrorType | None = None
    status_code: HttpStatus | None = None
    is_parked: bool = False
    domain: ShortText | None = None
