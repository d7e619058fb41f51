"""foundation

The enum types, the updated_at trigger function and the private schema for helper functions;
on plain PostgreSQL (not Supabase) also the roles anon, authenticated and service_role and a
minimal auth schema (auth.users, auth.uid(), auth.jwt(), auth.role()).

Revision ID: 001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUM_TYPES: dict[str, tuple[str, ...]] = {
    "tier_type": ("ignition", "velocity", "dominance"),
    "subscription_status": ("trialing", "active", "past_due", "cancelled", "paused"),
    "membership_role": ("owner", "admin", "member", "viewer"),
    "permission_mode": ("autopilot", "co_pilot", "manual"),
    "campaign_status": ("draft", "active", "paused", "completed"),
    "campaign_type": ("ai_suggested", "custom"),
    "lead_status": (
        "new",
        "enriched",
        "scored",
        "in_sequence",
        "converted",
        "unsubscribed",
        "bounced",
    ),
    "als_tier": ("hot", "warm", "cool", "cold", "dead"),
    "rejection_reason_type": (
        "timing_not_now",
        "budget_constraints",
        "using_competitor",
        "not_decision_maker",
        "no_need",
        "bad_experience",
        "too_busy",
        "not_interested_generic",
        "do_not_contact",
        "wrong_contact",
        "company_policy",
        "other",
    ),
    "channel_type": ("email", "sms", "linkedin", "voice", "mail"),
    "intent_type": (
        "meeting_request",
        "interested",
        "question",
        "not_interested",
        "unsubscribe",
        "out_of_office",
        "auto_reply",
        "referral",
        "wrong_person",
        "angry_or_complaint",
    ),
    "webhook_event_type": (
        "lead.created",
        "lead.enriched",
        "lead.scored",
        "lead.converted",
        "campaign.started",
        "campaign.paused",
        "campaign.completed",
        "reply.received",
        "meeting.booked",
    ),
    "audit_action": (
        "create",
        "update",
        "delete",
        "login",
        "logout",
        "export",
        "import",
        "webhook_sent",
        "webhook_failed",
    ),
    "pattern_type": ("who", "what", "when", "how"),
    "resource_type": ("email_domain", "phone_number", "linkedin_seat"),
    "resource_status": ("available", "assigned", "warming", "retired"),
    "health_status": ("good", "warning", "critical"),
    "pool_status": ("available", "assigned", "converted", "bounced", "unsubscribed", "invalid"),
    "email_status_type": ("verified", "guessed", "invalid", "catch_all", "unknown"),
    "linkedin_credential_status": (
        "pending",
        "connecting",
        "awaiting_2fa",
        "connected",
        "failed",
        "disconnected",
        "credentials_required",
    ),
    "linkedin_seat_status": (
        "pending",
        "awaiting_2fa",
        "warmup",
        "active",
        "restricted",
        "disconnected",
    ),
    "linkedin_connection_status": ("pending", "accepted", "ignored", "declined", "withdrawn"),
}

STAND_IN = "agency-models stand-in for Supabase"
"""Comment marking the roles and ``auth`` schema this revision created (absent on Supabase)."""

CREATE_SUPABASE_ROLES = f"""
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format(
                    'CREATE ROLE %I NOLOGIN NOINHERIT%s',
                    role_name,
                    CASE WHEN role_name = 'service_role' THEN ' BYPASSRLS' ELSE '' END
                );
                EXECUTE format('COMMENT ON ROLE %I IS %L', role_name, '{STAND_IN}');
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by a migration of another database
            END;
        END IF;
    END LOOP;
END
$$
"""

CREATE_AUTH_SCHEMA = f"""
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth') THEN
        RETURN;
    END IF;
    CREATE SCHEMA auth;
    COMMENT ON SCHEMA auth IS '{STAND_IN}';
    CREATE TABLE auth.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text,
        raw_app_meta_data jsonb NOT NULL DEFAULT '{{}}'::jsonb,
        raw_user_meta_data jsonb NOT NULL DEFAULT '{{}}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $fn$
        SELECT coalesce(
            nullif(current_setting('request.jwt.claim', true), ''),
            nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
    $fn$;
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$
        SELECT coalesce(
            nullif(current_setting('request.jwt.claim.sub', true), ''),
            nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
        )::uuid
    $fn$;
    CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $fn$
        SELECT coalesce(
            nullif(current_setting('request.jwt.claim.role', true), ''),
            nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
        )::text
    $fn$;
    GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
    GRANT EXECUTE ON FUNCTION auth.jwt(), auth.uid(), auth.role()
        TO anon, authenticated, service_role;
END
$$
"""

DROP_AUTH_SCHEMA = f"""
DO $$
BEGIN
    IF obj_description('auth'::regnamespace, 'pg_namespace') IS DISTINCT FROM '{STAND_IN}' THEN
        RETURN;
    END IF;
    DROP FUNCTION auth.role();
    DROP FUNCTION auth.uid();
    DROP FUNCTION auth.jwt();
    DROP TABLE auth.users;
    DROP SCHEMA auth;
END
$$
"""

DROP_UNUSED_SUPABASE_ROLES = f"""
DO $$
DECLARE
    role_oid oid;
BEGIN
    FOR role_oid IN
        SELECT oid FROM pg_roles
        WHERE rolname IN ('anon', 'authenticated', 'service_role')
          AND shobj_description(oid, 'pg_authid') = '{STAND_IN}'
          AND NOT EXISTS (
              SELECT FROM pg_shdepend WHERE refclassid = 'pg_authid'::regclass AND refobjid = oid
          )
    LOOP
        EXECUTE format('DROP ROLE %I', role_oid::regrole);
    END LOOP;
END
$$
"""

CREATE_UPDATED_AT_FUNCTION = """
CREATE FUNCTION agency_private.set_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    op.execute(CREATE_SUPABASE_ROLES)
    op.execute(CREATE_AUTH_SCHEMA)
    op.execute("CREATE SCHEMA agency_private")
    op.execute("COMMENT ON SCHEMA agency_private IS 'agency-models helper functions; not exposed'")
    op.execute(CREATE_UPDATED_AT_FUNCTION)
    op.execute("REVOKE ALL ON FUNCTION agency_private.set_updated_at() FROM PUBLIC")
    for name, labels in ENUM_TYPES.items():
        quoted = ", ".join(f"'{label}'" for label in labels)
        op.execute(f"CREATE TYPE {name} AS ENUM ({quoted})")
    op.execute("REVOKE ALL ON TABLE agency_models_version FROM PUBLIC, anon, authenticated")


def downgrade() -> None:
    for name in reversed(ENUM_TYPES):
        op.execute(f"DROP TYPE {name}")
    op.execute("DROP FUNCTION agency_private.set_updated_at()")
    op.execute("DROP SCHEMA agency_private")
    op.execute(DROP_AUTH_SCHEMA)
    op.execute(DROP_UNUSED_SUPABASE_ROLES)
