BEGIN;

-- Running downgrade 010 -> 009

ALTER TABLE campaign_resources DROP CONSTRAINT fk_campaign_resources_client_id_client_resource_id_cli_fc71a0ed;

DROP INDEX ix_campaign_resources_client_id_client_resource_id;

DROP TABLE client_personas;

DROP TABLE client_resources;

DROP TABLE resource_pool;

DROP FUNCTION agency_private.count_resource_assignments();

DROP FUNCTION agency_private.guard_current_clients();

UPDATE agency_models_version SET version_num='009' WHERE agency_models_version.version_num = '010';

COMMIT;

