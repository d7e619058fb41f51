BEGIN;

-- Running downgrade 007 -> 006

UPDATE agency_models_version SET version_num='006' WHERE agency_models_version.version_num = '007';

COMMIT;

