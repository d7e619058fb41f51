BEGIN;

-- Running downgrade 015 -> 014

UPDATE agency_models_version SET version_num='014' WHERE agency_models_version.version_num = '015';

COMMIT;

