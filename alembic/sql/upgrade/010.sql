BEGIN;

-- Running upgrade 009 -> 010

CREATE TABLE resource_pool (
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    current_clients INTEGER DEFAULT 0 NOT NULL, 
    reputation_score INTEGER DEFAULT 0 NOT NULL, 
    sends_30d INTEGER DEFAULT 0 NOT NULL, 
    bounces_30d INTEGER DEFAULT 0 NOT NULL, 
    complaints_30d INTEGER DEFAULT 0 NOT NULL, 
    bounce_rate NUMERIC(5, 4) DEFAULT 0 NOT NULL, 
    complaint_rate NUMERIC(6, 5) DEFAULT 0 NOT NULL, 
    health_status health_status DEFAULT 'good' NOT NULL, 
    health_checked_at TIMESTAMP WITH TIME ZONE, 
    status resource_status DEFAULT 'available' NOT NULL, 
    warmup_started_at TIMESTAMP WITH TIME ZONE, 
    warmup_completed_at TIMESTAMP WITH TIME ZONE, 
    resource_type resource_type NOT NULL, 
    resource_value TEXT NOT NULL, 
    resource_name TEXT, 
    max_clients INTEGER DEFAULT 1 NOT NULL, 
    provider TEXT, 
    provider_id TEXT, 
    provider_metadata JSONB DEFAULT '{}'::jsonb NOT NULL, 
    daily_limit_override INTEGER, 
    CONSTRAINT pk_resource_pool PRIMARY KEY (id), 
    CONSTRAINT ck_resource_pool_bounce_rate_range CHECK (bounce_rate >= 0 AND bounce_rate <= 1), 
    CONSTRAINT ck_resource_pool_bounces_30d_range CHECK (bounces_30d >= 0), 
    CONSTRAINT ck_resource_pool_provider_length CHECK (char_length(provider) <= 255), 
    CONSTRAINT ck_resource_pool_provider_id_length CHECK (char_length(provider_id) <= 255), 
    CONSTRAINT ck_resource_pool_resource_name_length CHECK (char_length(resource_name) <= 255), 
    CONSTRAINT ck_resource_pool_resource_value_length CHECK (char_length(resource_value) <= 255), 
    CONSTRAINT ck_resource_pool_complaint_rate_range CHECK (complaint_rate >= 0 AND complaint_rate <= 1), 
    CONSTRAINT ck_resource_pool_complaints_30d_range CHECK (complaints_30d >= 0), 
    CONSTRAINT ck_resource_pool_capacity CHECK (current_clients <= max_clients), 
    CONSTRAINT ck_resource_pool_current_clients_range CHECK (current_clients >= 0), 
    CONSTRAINT ck_resource_pool_daily_limit_override_range CHECK (daily_limit_override >= 0), 
    CONSTRAINT ck_resource_pool_max_clients_range CHECK (max_clients >= 1), 
    CONSTRAINT ck_resource_pool_reputation_score_range CHECK (reputation_score >= 0 AND reputation_score <= 100), 
    CONSTRAINT ck_resource_pool_sends_30d_range CHECK (sends_30d >= 0), 
    CONSTRAINT uq_resource_pool_resource_value UNIQUE (resource_value)
);

CREATE INDEX ix_resource_pool_resource_type_status ON resource_pool (resource_type, status);

CREATE TABLE client_resources (
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    assigned_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    total_sends INTEGER DEFAULT 0 NOT NULL, 
    last_used_at TIMESTAMP WITH TIME ZONE, 
    released_at TIMESTAMP WITH TIME ZONE, 
    resource_pool_id UUID NOT NULL, 
    CONSTRAINT pk_client_resources PRIMARY KEY (id), 
    CONSTRAINT ck_client_resources_total_sends_range CHECK (total_sends >= 0), 
    CONSTRAINT fk_client_resources_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT fk_client_resources_resource_pool_id_resource_pool FOREIGN KEY(resource_pool_id) REFERENCES resource_pool (id), 
    CONSTRAINT uq_client_resources_client_id_id UNIQUE (client_id, id)
);

CREATE INDEX ix_client_resources_resource_pool_id ON client_resources (resource_pool_id);

CREATE UNIQUE INDEX unique_client_resource ON client_resources (client_id, resource_pool_id) WHERE released_at IS NULL;

CREATE TABLE client_personas (
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    first_name TEXT NOT NULL, 
    last_name TEXT NOT NULL, 
    title TEXT, 
    email TEXT, 
    phone TEXT, 
    display_name TEXT, 
    photo_url TEXT, 
    calendar_link TEXT, 
    assigned_mailbox_ids UUID[] DEFAULT '{}' NOT NULL, 
    assigned_phone_ids UUID[] DEFAULT '{}' NOT NULL, 
    assigned_linkedin_seat_ids UUID[] DEFAULT '{}' NOT NULL, 
    is_active BOOLEAN DEFAULT true NOT NULL, 
    is_default BOOLEAN DEFAULT false NOT NULL, 
    CONSTRAINT pk_client_personas PRIMARY KEY (id), 
    CONSTRAINT ck_client_personas_calendar_link_length CHECK (char_length(calendar_link) <= 2048), 
    CONSTRAINT ck_client_personas_display_name_length CHECK (char_length(display_name) <= 255), 
    CONSTRAINT ck_client_personas_email_length CHECK (char_length(email) <= 254), 
    CONSTRAINT ck_client_personas_first_name_length CHECK (char_length(first_name) >= 1 AND char_length(first_name) <= 255), 
    CONSTRAINT ck_client_personas_last_name_length CHECK (char_length(last_name) >= 1 AND char_length(last_name) <= 255), 
    CONSTRAINT ck_client_personas_phone_length CHECK (char_length(phone) <= 255), 
    CONSTRAINT ck_client_personas_photo_url_length CHECK (char_length(photo_url) <= 2048), 
    CONSTRAINT ck_client_personas_title_length CHECK (char_length(title) <= 255), 
    CONSTRAINT ck_client_personas_email_normalized CHECK (email = lower(btrim(email))), 
    CONSTRAINT fk_client_personas_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_client_personas_client_id_id UNIQUE (client_id, id)
);

CREATE UNIQUE INDEX unique_default_persona ON client_personas (client_id) WHERE is_default;

CREATE INDEX ix_campaign_resources_client_id_client_resource_id ON campaign_resources (client_id, client_resource_id);

ALTER TABLE campaign_resources ADD CONSTRAINT fk_campaign_resources_client_id_client_resource_id_cli_fc71a0ed FOREIGN KEY(client_id, client_resource_id) REFERENCES client_resources (client_id, id) ON DELETE SET NULL (client_resource_id);

CREATE FUNCTION agency_private.count_resource_assignments() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.released_at IS NULL THEN
        UPDATE public.resource_pool SET current_clients = current_clients - 1
        WHERE id = OLD.resource_pool_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.released_at IS NULL THEN
        UPDATE public.resource_pool SET current_clients = current_clients + 1
        WHERE id = NEW.resource_pool_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION agency_private.guard_current_clients() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.current_clients := 0;
    ELSIF NEW.current_clients IS DISTINCT FROM OLD.current_clients
        AND pg_trigger_depth() < 2
    THEN
        RAISE EXCEPTION 'resource_pool.current_clients counts client_resources; assign or '
            'release the resource instead'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_resource_pool_current_clients',
                  TABLE = 'resource_pool', COLUMN = 'current_clients';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER count_assignments AFTER INSERT OR UPDATE OR DELETE ON client_resources FOR EACH ROW EXECUTE FUNCTION agency_private.count_resource_assignments();

CREATE TRIGGER guard_current_clients BEFORE INSERT OR UPDATE ON resource_pool FOR EACH ROW EXECUTE FUNCTION agency_private.guard_current_clients();

REVOKE EXECUTE ON FUNCTION agency_private.count_resource_assignments() FROM PUBLIC;

CREATE TRIGGER set_updated_at BEFORE UPDATE ON resource_pool FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

CREATE TRIGGER set_updated_at BEFORE UPDATE ON client_resources FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

CREATE TRIGGER set_updated_at BEFORE UPDATE ON client_personas FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON resource_pool FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON resource_pool TO authenticated, service_role;

GRANT SELECT ON resource_pool TO anon;

ALTER TABLE resource_pool ENABLE ROW LEVEL SECURITY;

CREATE POLICY resource_pool_select ON resource_pool FOR SELECT TO authenticated USING ((SELECT agency_private.current_user_is_platform_admin()));

REVOKE ALL ON client_resources FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON client_resources TO authenticated, service_role;

GRANT SELECT ON client_resources TO anon;

ALTER TABLE client_resources ENABLE ROW LEVEL SECURITY;

CREATE POLICY client_resources_select ON client_resources FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

REVOKE ALL ON client_personas FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON client_personas TO authenticated, service_role;

GRANT SELECT ON client_personas TO anon;

ALTER TABLE client_personas ENABLE ROW LEVEL SECURITY;

CREATE POLICY client_personas_select ON client_personas FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY client_personas_insert ON client_personas FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY client_personas_update ON client_personas FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY client_personas_delete ON client_personas FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

UPDATE agency_models_version SET version_num='010' WHERE agency_models_version.version_num = '009';

COMMIT;

