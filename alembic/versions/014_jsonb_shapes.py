"""jsonb shapes

Every ``jsonb`` column gets the shape its schema type promises, as a CHECK named
``ck_<table>_<field>_shape``: an object (``JsonObject`` and typed models), or an array no longer
than the field allows whose items are all objects (``JsonList``) or all strings (e-mail lists).
Raw SQL and COPY can no longer store a row that then fails ``XRead``. Added NOT VALID (new
writes are checked at once, without scanning or long-locking the tables); 015 validates the
existing rows. Additive for running services: the models already refuse these values.

Revision ID: 014
Revises: 013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from agency_models.migrations import ddl

revision: str = "014"
down_revision: str | None = "013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OBJECTS: dict[str, tuple[str, ...]] = {
    "global_suppression": ("extra_data:metadata",),
    "resource_pool": ("provider_metadata",),
    "clients": (
        "als_learned_weights",
        "als_weights",
        "branding",
    ),
    "conversion_pattern_history": ("patterns",),
    "conversion_patterns": ("patterns",),
    "lead_pool": (
        "als_components",
        "sdk_enrichment",
        "enrichment_data",
    ),
    "leads": (
        "als_components",
        "als_weights_used",
        "deep_research_data",
        "sdk_enrichment",
        "sdk_voice_kb",
        "sdk_email_content",
    ),
    "activities": (
        "provider_response",
        "content_snapshot",
        "extra_data:metadata",
    ),
}
ARRAYS: dict[str, tuple[tuple[str, int, str], ...]] = {
    "clients": (("digest_recipients", 100, "string"),),
    "client_intelligence": (
        ("website_services", 1000, "object"),
        ("website_case_studies", 1000, "object"),
        ("website_testimonials", 1000, "object"),
        ("website_team_bios", 1000, "object"),
        ("linkedin_recent_posts", 1000, "object"),
        ("twitter_recent_posts", 1000, "object"),
        ("facebook_recent_posts", 1000, "object"),
        ("instagram_recent_posts", 1000, "object"),
        ("g2_top_reviews", 1000, "object"),
        ("capterra_top_reviews", 1000, "object"),
        ("trustpilot_top_reviews", 1000, "object"),
        ("google_top_reviews", 1000, "object"),
        ("proof_metrics", 1000, "object"),
        ("scrape_errors", 1000, "object"),
    ),
    "lead_pool": (("employment_history", 1000, "object"),),
    "sdk_usage_log": (("tool_calls", 1000, "object"),),
}
"""Table -> ``jsonb`` object columns, as ``field`` or ``field:column`` where they differ."""


def _split(key: str) -> tuple[str, str]:
    field, _, column = key.partition(":")
    return field, column or field


def _checks(table: str) -> dict[str, str]:
    checks = {}
    for key in OBJECTS.get(table, ()):
        field, column = _split(key)
        checks[f"ck_{table}_{field}_shape"] = f"jsonb_typeof({column}) = 'object'"
    for key, longest, item_type in ARRAYS.get(table, ()):
        field, column = _split(key)
        checks[f"ck_{table}_{field}_shape"] = (
            f"jsonb_typeof({column}) = 'array' AND jsonb_array_length({column}) <= {longest}"
            f" AND NOT jsonb_path_exists({column}, '$[*] ? (@.type() != \"{item_type}\")')"
        )
    return checks


TABLES = tuple(dict.fromkeys([*OBJECTS, *ARRAYS]))


def upgrade() -> None:
    for table in TABLES:
        ddl.add_checks_not_valid(table, _checks(table))


def downgrade() -> None:
    for table in TABLES:
        ddl.drop_constraints(table, _checks(table))
