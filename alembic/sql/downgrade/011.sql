BEGIN;

-- Running downgrade 011 -> 010

DROP TABLE linkedin_connections;

DROP TABLE linkedin_seats;

DROP TABLE client_linkedin_credentials;

UPDATE agency_models_version SET version_num='010' WHERE agency_models_version.version_num = '011';

COMMIT;

