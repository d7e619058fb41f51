BEGIN;

CREATE TABLE agency_models_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT agency_models_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 001

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
                EXECUTE format('COMMENT ON ROLE %I IS %L', role_name, 'agency-models stand-in for Supabase');
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by a migration of another database
            END;
        END IF;
    END LOOP;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth') THEN
        RETURN;
    END IF;
    CREATE SCHEMA auth;
    COMMENT ON SCHEMA auth IS 'agency-models stand-in for Supabase';
    CREATE TABLE auth.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text,
        raw_app_meta_data jsonb NOT NULL DEFAULT '{}'::jsonb,
        raw_user_meta_data jsonb NOT NULL DEFAULT '{}'::jsonb,
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
$$;

CREATE SCHEMA agency_private;

COMMENT ON SCHEMA agency_private IS 'agency-models helper functions; not exposed';

CREATE FUNCTION agency_private.set_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION agency_private.set_updated_at() FROM PUBLIC;

CREATE TYPE tier_type AS ENUM ('ignition', 'velocity', 'dominance');

CREATE TYPE subscription_status AS ENUM ('trialing', 'active', 'past_due', 'cancelled', 'paused');

CREATE TYPE membership_role AS ENUM ('owner', 'admin', 'member', 'viewer');

CREATE TYPE permission_mode AS ENUM ('autopilot', 'co_pilot', 'manual');

CREATE TYPE campaign_status AS ENUM ('draft', 'active', 'paused', 'completed');

CREATE TYPE campaign_type AS ENUM ('ai_suggested', 'custom');

CREATE TYPE lead_status AS ENUM ('new', 'enriched', 'scored', 'in_sequence', 'converted', 'unsubscribed', 'bounced');

CREATE TYPE als_tier AS ENUM ('hot', 'warm', 'cool', 'cold', 'dead');

CREATE TYPE rejection_reason_type AS ENUM ('timing_not_now', 'budget_constraints', 'using_competitor', 'not_decision_maker', 'no_need', 'bad_experience', 'too_busy', 'not_interested_generic', 'do_not_contact', 'wrong_contact', 'company_policy', 'other');

CREATE TYPE channel_type AS ENUM ('email', 'sms', 'linkedin', 'voice', 'mail');

CREATE TYPE intent_type AS ENUM ('meeting_request', 'interested', 'question', 'not_interested', 'unsubscribe', 'out_of_office', 'auto_reply', 'referral', 'wrong_person', 'angry_or_complaint');

CREATE TYPE webhook_event_type AS ENUM ('lead.created', 'lead.enriched', 'lead.scored', 'lead.converted', 'campaign.started', 'campaign.paused', 'campaign.completed', 'reply.received', 'meeting.booked');

CREATE TYPE audit_action AS ENUM ('create', 'update', 'delete', 'login', 'logout', 'export', 'import', 'webhook_sent', 'webhook_failed');

CREATE TYPE pattern_type AS ENUM ('who', 'what', 'when', 'how');

CREATE TYPE resource_type AS ENUM ('email_domain', 'phone_number', 'linkedin_seat');

CREATE TYPE resource_status AS ENUM ('available', 'assigned', 'warming', 'retired');

CREATE TYPE health_status AS ENUM ('good', 'warning', 'critical');

CREATE TYPE pool_status AS ENUM ('available', 'assigned', 'converted', 'bounced', 'unsubscribed', 'invalid');

CREATE TYPE email_status_type AS ENUM ('verified', 'guessed', 'invalid', 'catch_all', 'unknown');

CREATE TYPE linkedin_credential_status AS ENUM ('pending', 'connecting', 'awaiting_2fa', 'connected', 'failed', 'disconnected', 'credentials_required');

CREATE TYPE linkedin_seat_status AS ENUM ('pending', 'awaiting_2fa', 'warmup', 'active', 'restricted', 'disconnected');

CREATE TYPE linkedin_connection_status AS ENUM ('pending', 'accepted', 'ignored', 'declined', 'withdrawn');

REVOKE ALL ON TABLE agency_models_version FROM PUBLIC, anon, authenticated;

INSERT INTO agency_models_version (version_num) VALUES ('001') RETURNING agency_models_version.version_num;

COMMIT;

