BEGIN;

-- Running downgrade 016 -> 015

DROP TRIGGER keep_client_id ON activities;

DROP TRIGGER keep_client_id ON activity_stats;

DROP TRIGGER keep_client_id ON campaign_resources;

DROP TRIGGER keep_client_id ON campaign_sequences;

DROP TRIGGER keep_client_id ON campaigns;

DROP TRIGGER keep_client_id ON client_intelligence;

DROP TRIGGER keep_client_id ON client_linkedin_credentials;

DROP TRIGGER keep_client_id ON client_personas;

DROP TRIGGER keep_client_id ON client_resources;

DROP TRIGGER keep_client_id ON client_suppression;

DROP TRIGGER keep_client_id ON conversion_pattern_history;

DROP TRIGGER keep_client_id ON conversion_patterns;

DROP TRIGGER keep_client_id ON lead_social_posts;

DROP TRIGGER keep_client_id ON leads;

DROP TRIGGER keep_client_id ON linkedin_connections;

DROP TRIGGER keep_client_id ON linkedin_seats;

DROP TRIGGER keep_client_id ON memberships;

DROP TRIGGER keep_client_id ON sdk_usage_log;

DROP FUNCTION agency_private.keep_client_id();

UPDATE agency_models_version SET version_num='015' WHERE agency_models_version.version_num = '016';

COMMIT;

