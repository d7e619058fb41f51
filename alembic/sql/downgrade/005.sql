BEGIN;

-- Running downgrade 005 -> 004

DROP TABLE activity_stats;

DROP TABLE activities;

UPDATE agency_models_version SET version_num='004' WHERE agency_models_version.version_num = '005';

COMMIT;

