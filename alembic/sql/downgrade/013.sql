BEGIN;

-- Running downgrade 013 -> 012

CREATE TYPE webhook_event_type AS ENUM ('lead.created', 'lead.enriched', 'lead.scored', 'lead.converted', 'campaign.started', 'campaign.paused', 'campaign.completed', 'reply.received', 'meeting.booked');

CREATE TYPE audit_action AS ENUM ('create', 'update', 'delete', 'login', 'logout', 'export', 'import', 'webhook_sent', 'webhook_failed');

UPDATE agency_models_version SET version_num='012' WHERE agency_models_version.version_num = '013';

COMMIT;

