BEGIN;

-- Running downgrade 003 -> 002

DROP TABLE campaign_sequences;

DROP TABLE campaign_resources;

DROP TABLE campaigns;

UPDATE agency_models_version SET version_num='002' WHERE agency_models_version.version_num = '003';

COMMIT;

