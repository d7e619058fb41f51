BEGIN;

-- Running downgrade 001 -> 

DROP TYPE linkedin_connection_status;

DROP TYPE linkedin_seat_status;

DROP TYPE linkedin_credential_status;

DROP TYPE email_status_type;

DROP TYPE pool_status;

DROP TYPE health_status;

DROP TYPE resource_status;

DROP TYPE resource_type;

DROP TYPE pattern_type;

DROP TYPE audit_action;

DROP TYPE webhook_event_type;

DROP TYPE intent_type;

DROP TYPE channel_type;

DROP TYPE rejection_reason_type;

DROP TYPE als_tier;

DROP TYPE lead_status;

DROP TYPE campaign_type;

DROP TYPE campaign_status;

DROP TYPE permission_mode;

DROP TYPE membership_role;

DROP TYPE subscription_status;

DROP TYPE tier_type;

DROP FUNCTION agency_private.set_updated_at();

DROP SCHEMA agency_private;

DO $$
BEGIN
    IF obj_description('auth'::regnamespace, 'pg_namespace') IS DISTINCT FROM 'agency-models stand-in for Supabase' THEN
        RETURN;
    END IF;
    DROP FUNCTION auth.role();
    DROP FUNCTION auth.uid();
    DROP FUNCTION auth.jwt();
    DROP TABLE auth.users;
    DROP SCHEMA auth;
END
$$;

DO $$
DECLARE
    role_oid oid;
BEGIN
    FOR role_oid IN
        SELECT oid FROM pg_roles
        WHERE rolname IN ('anon', 'authenticated', 'service_role')
          AND shobj_description(oid, 'pg_authid') = 'agency-models stand-in for Supabase'
          AND NOT EXISTS (
              SELECT FROM pg_shdepend WHERE refclassid = 'pg_authid'::regclass AND refobjid = oid
          )
    LOOP
        EXECUTE format('DROP ROLE %I', role_oid::regrole);
    END LOOP;
END
$$;

DELETE FROM agency_models_version WHERE agency_models_version.version_num = '001';

COMMIT;

