"""clients_users_memberships

Clients (the tenants), users and memberships, with the row-level-security helper functions
every tenant policy uses: the requesting user's clients (by membership role), their teammates,
and whether they are a platform admin.

Revision ID: 002
Revises: 001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agency_models.migrations import ddl

revision: str = "002"
down_revision: str | None = "001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CREATE_HELPER_FUNCTIONS = (
    """
CREATE FUNCTION agency_private.current_user_client_ids(roles public.membership_role[])
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
    SELECT m.client_id
    FROM public.memberships m
    JOIN public.clients c ON c.id = m.client_id AND c.deleted_at IS NULL
    WHERE m.user_id = (SELECT auth.uid()) AND m.deleted_at IS NULL AND m.role = ANY (roles)
$$
""",
    """
CREATE FUNCTION agency_private.current_user_teammate_ids()
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
    SELECT DISTINCT teammate.user_id
    FROM public.memberships own
    JOIN public.memberships teammate
        ON teammate.client_id = own.client_id AND teammate.deleted_at IS NULL
    WHERE own.user_id = (SELECT auth.uid()) AND own.deleted_at IS NULL
$$
""",
    """
CREATE FUNCTION agency_private.current_user_is_platform_admin()
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
    SELECT coalesce(
        (SELECT u.is_platform_admin FROM public.users u WHERE u.id = (SELECT auth.uid())),
        false
    )
$$
""",
)

HELPER_FUNCTIONS = (
    "agency_private.current_user_client_ids(public.membership_role[])",
    "agency_private.current_user_teammate_ids()",
    "agency_private.current_user_is_platform_admin()",
)

USER_EDITABLE_COLUMNS = (
    "email",
    "full_name",
    "avatar_url",
    "timezone",
    "notification_email",
    "notification_sms",
)
"""What a user may write in their own profile: everything but ``is_platform_admin``."""

CLIENT_EDITABLE_COLUMNS = (
    "name",
    "default_permission_mode",
    "paused_at",
    "pause_reason",
    "paused_by_user_id",
    "digest_enabled",
    "digest_frequency",
    "digest_send_hour",
    "digest_timezone",
    "digest_recipients",
    "website_url",
    "company_description",
    "services_offered",
    "years_in_business",
    "team_size",
    "value_proposition",
    "default_offer",
    "icp_industries",
    "icp_company_sizes",
    "icp_revenue_range",
    "icp_locations",
    "icp_titles",
    "icp_pain_points",
    "icp_keywords",
    "icp_exclusions",
    "icp_confirmed_at",
    "als_weights",
    "branding",
)
"""What a client's owners and admins may change: not the subscription (tier, status, credits,
Stripe ids), the platform-maintained columns, nor ``deleted_at``."""


def upgrade() -> None:
    op.create_table(
        "users",
        ddl.id_column(),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("avatar_url", sa.Text(), nullable=True),
        sa.Column("timezone", sa.Text(), server_default="Australia/Sydney", nullable=False),
        sa.Column(
            "notification_email", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
        sa.Column(
            "notification_sms", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column(
            "is_platform_admin", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        *ddl.timestamp_columns(),
        *ddl.normalized_checks("users", "email"),
        ddl.primary_key("users"),
    )
    op.create_index(op.f("ix_users_email"), "users", ["email"], unique=False)

    op.create_table(
        "clients",
        ddl.id_column(),
        sa.Column("name", sa.Text(), nullable=False),
        ddl.enum_column("tier", "tier_type", nullable=False, default="ignition"),
        ddl.enum_column(
            "subscription_status", "subscription_status", nullable=False, default="trialing"
        ),
        sa.Column(
            "credits_remaining", sa.Integer(), server_default=sa.text("1250"), nullable=False
        ),
        ddl.enum_column(
            "default_permission_mode", "permission_mode", nullable=False, default="co_pilot"
        ),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("paused_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("digest_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("digest_frequency", sa.Text(), server_default="daily", nullable=False),
        sa.Column("digest_send_hour", sa.Integer(), server_default=sa.text("7"), nullable=False),
        sa.Column("digest_timezone", sa.Text(), server_default="Australia/Sydney", nullable=False),
        sa.Column(
            "digest_recipients",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("stripe_customer_id", sa.Text(), nullable=True),
        sa.Column("stripe_subscription_id", sa.Text(), nullable=True),
        sa.Column("website_url", sa.Text(), nullable=True),
        sa.Column("company_description", sa.Text(), nullable=True),
        sa.Column("services_offered", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("years_in_business", sa.Integer(), nullable=True),
        sa.Column("team_size", sa.Integer(), nullable=True),
        sa.Column("value_proposition", sa.Text(), nullable=True),
        sa.Column("default_offer", sa.Text(), nullable=True),
        sa.Column("icp_industries", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("icp_company_sizes", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("icp_revenue_range", sa.Text(), nullable=True),
        sa.Column("icp_locations", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("icp_titles", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("icp_pain_points", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("icp_keywords", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("icp_exclusions", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("icp_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "als_weights",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "branding",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("credits_reset_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_digest_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("icp_extracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("icp_extraction_source", sa.Text(), nullable=True),
        sa.Column("icp_extraction_job_id", sa.Uuid(), nullable=True),
        sa.Column(
            "als_learned_weights",
            postgresql.JSONB(),
            nullable=True,
        ),
        sa.Column("als_weights_updated_at", sa.DateTime(timezone=True), nullable=True),
        *ddl.counters("clients", "conversion_sample_count"),
        *ddl.timestamp_columns(deleted=True),
        *ddl.range_checks(
            "clients",
            credits_remaining=(0, None),
            digest_send_hour=(0, 23),
            team_size=(0, None),
            years_in_business=(0, None),
        ),
        ddl.user_reference("clients", "paused_by_user_id"),
        ddl.primary_key("clients"),
    )
    op.create_index(
        op.f("ix_clients_paused_by_user_id"), "clients", ["paused_by_user_id"], unique=False
    )

    op.create_table(
        "memberships",
        ddl.id_column(),
        ddl.client_id_column(),
        ddl.enum_column("role", "membership_role", nullable=False, default="member"),
        sa.Column("invited_email", sa.Text(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=True),
        *ddl.timestamp_columns(deleted=True),
        *ddl.normalized_checks("memberships", "invited_email"),
        *ddl.tenant_constraints("memberships"),
        ddl.user_reference("memberships", "invited_by"),
        ddl.user_reference("memberships", "user_id", ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_memberships_invited_by"), "memberships", ["invited_by"], unique=False)
    op.create_index(op.f("ix_memberships_user_id"), "memberships", ["user_id"], unique=False)
    op.create_index(
        "unique_membership",
        "memberships",
        ["user_id", "client_id"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )

    for statement in CREATE_HELPER_FUNCTIONS:
        op.execute(statement)
    for function in HELPER_FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC, anon")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO authenticated, service_role")
    op.execute("GRANT USAGE ON SCHEMA agency_private TO authenticated, service_role")

    for table in ("users", "clients", "memberships"):
        ddl.add_updated_at_trigger(table)
        ddl.enable_row_level_security(table)

    ddl.grant_column_access(
        "users", insert=("id", *USER_EDITABLE_COLUMNS), update=USER_EDITABLE_COLUMNS
    )
    own_profile = "id = (SELECT auth.uid())"
    ddl.create_policy(
        "users",
        "SELECT",
        using=f"{own_profile} OR id IN (SELECT agency_private.current_user_teammate_ids())",
    )
    ddl.create_policy("users", "INSERT", check=own_profile)
    ddl.create_policy("users", "UPDATE", using=own_profile, check=own_profile)

    ddl.grant_column_access("clients", update=CLIENT_EDITABLE_COLUMNS, delete=True)
    ddl.create_policy("clients", "SELECT", using=f"id IN {ddl.client_ids_with(ddl.EVERY_ROLE)}")
    managed = f"id IN {ddl.client_ids_with(ddl.MANAGER_ROLES)}"
    ddl.create_policy("clients", "UPDATE", using=managed, check=managed)
    ddl.create_policy("clients", "DELETE", using=f"id IN {ddl.client_ids_with('{owner}')}")

    ddl.grant_api_access("memberships")
    member = f"client_id IN {ddl.client_ids_with(ddl.EVERY_ROLE)}"
    manager = (
        f"client_id IN {ddl.client_ids_with(ddl.MANAGER_ROLES)}"
        f" AND (role <> 'owner' OR client_id IN {ddl.client_ids_with('{owner}')})"
    )
    ddl.create_policy("memberships", "SELECT", using=member)
    ddl.create_policy("memberships", "INSERT", check=manager)
    ddl.create_policy("memberships", "UPDATE", using=manager, check=manager)
    ddl.create_policy("memberships", "DELETE", using=manager)


def downgrade() -> None:
    op.drop_table("memberships")
    op.drop_table("clients")
    op.drop_table("users")
    for function in reversed(HELPER_FUNCTIONS):
        op.execute(f"DROP FUNCTION {function}")
    op.execute("REVOKE USAGE ON SCHEMA agency_private FROM authenticated, service_role")
