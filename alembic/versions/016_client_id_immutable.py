"""a row's client_id never changes

A trigger on every tenant table refuses an UPDATE that changes ``client_id`` (SQLSTATE 23514,
constraint ``client_id_immutable``), whoever sends it: a row cannot be moved into another tenant
through the API, raw SQL or an upsert's ``SET``. ``lead_pool.client_id`` is an assignment, not
ownership, and stays changeable. Additive for running services: none of them moves rows between
tenants.

Revision ID: 016
Revises: 015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "016"
down_revision: str | None = "015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "activities",
    "activity_stats",
    "campaign_resources",
    "campaign_sequences",
    "campaigns",
    "client_intelligence",
    "client_linkedin_credentials",
    "client_personas",
    "client_resources",
    "client_suppression",
    "conversion_pattern_history",
    "conversion_patterns",
    "lead_social_posts",
    "leads",
    "linkedin_connections",
    "linkedin_seats",
    "memberships",
    "sdk_usage_log",
)

CREATE_FUNCTION = """
CREATE FUNCTION agency_private.keep_client_id() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    IF NEW.client_id IS DISTINCT FROM OLD.client_id THEN
        RAISE EXCEPTION 'client_id of a row of % cannot change', TG_TABLE_NAME
            USING ERRCODE = 'check_violation', CONSTRAINT = 'client_id_immutable',
                  SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'client_id';
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    op.execute(CREATE_FUNCTION)
    op.execute("REVOKE ALL ON FUNCTION agency_private.keep_client_id() FROM PUBLIC")
    for table in TENANT_TABLES:
        op.execute(
            f"CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id()"
        )


def downgrade() -> None:
    for table in TENANT_TABLES:
        op.execute(f"DROP TRIGGER keep_client_id ON {table}")
    op.execute("DROP FUNCTION agency_private.keep_client_id()")
