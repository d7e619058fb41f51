BEGIN;

-- Running downgrade 004 -> 003

DROP TABLE domain_suppression;

DROP TABLE client_suppression;

DROP TABLE global_suppression;

DROP TABLE leads;

UPDATE agency_models_version SET version_num='003' WHERE agency_models_version.version_num = '004';

COMMIT;

