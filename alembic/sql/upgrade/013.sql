BEGIN;

-- Running upgrade 012 -> 013

DROP TYPE webhook_event_type;

DROP TYPE audit_action;

UPDATE agency_models_version SET version_num='013' WHERE agency_models_version.version_num = '012';

COMMIT;

