BEGIN;

-- Running downgrade 008 -> 007

ALTER TABLE leads DROP CONSTRAINT fk_leads_lead_pool_id_lead_pool;

DROP INDEX ix_leads_lead_pool_id;

DROP TABLE lead_social_posts;

DROP TABLE lead_pool;

DROP FUNCTION agency_private.release_pool_campaign();

UPDATE agency_models_version SET version_num='007' WHERE agency_models_version.version_num = '008';

COMMIT;

