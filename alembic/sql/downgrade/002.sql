BEGIN;

-- Running downgrade 002 -> 001

DROP TABLE memberships;

DROP TABLE clients;

DROP TABLE users;

DROP FUNCTION agency_private.current_user_is_platform_admin();

DROP FUNCTION agency_private.current_user_teammate_ids();

DROP FUNCTION agency_private.current_user_client_ids(public.membership_role[]);

REVOKE USAGE ON SCHEMA agency_private FROM authenticated, service_role;

UPDATE agency_models_version SET version_num='001' WHERE agency_models_version.version_num = '002';

COMMIT;

