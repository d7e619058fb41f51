BEGIN;

-- Running downgrade 009 -> 008

DROP TABLE conversion_pattern_history;

DROP TABLE conversion_patterns;

DROP FUNCTION agency_private.record_conversion_pattern();

UPDATE agency_models_version SET version_num='008' WHERE agency_models_version.version_num = '009';

COMMIT;

