BEGIN;

-- Running downgrade 012 -> 011

DROP TABLE sdk_usage_log;

DROP TABLE client_intelligence;

UPDATE agency_models_version SET version_num='011' WHERE agency_models_version.version_num = '012';

COMMIT;

