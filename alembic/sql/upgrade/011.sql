BEGIN;

-- Running upgrade 010 -> 011

CREATE TABLE client_linkedin_credentials (
    linkedin_email_encrypted TEXT NOT NULL, 
    linkedin_password_encrypted TEXT NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    two_fa_requested_at TIMESTAMP WITH TIME ZONE, 
    last_error TEXT, 
    error_count INTEGER DEFAULT 0 NOT NULL, 
    last_error_at TIMESTAMP WITH TIME ZONE, 
    connected_at TIMESTAMP WITH TIME ZONE, 
    disconnected_at TIMESTAMP WITH TIME ZONE, 
    connection_status linkedin_credential_status DEFAULT 'pending' NOT NULL, 
    auth_method TEXT DEFAULT 'heyreach' NOT NULL, 
    heyreach_sender_id TEXT, 
    heyreach_account_id TEXT, 
    unipile_account_id TEXT, 
    linkedin_profile_url TEXT, 
    linkedin_profile_name TEXT, 
    linkedin_headline TEXT, 
    linkedin_connection_count INTEGER, 
    two_fa_method TEXT, 
    CONSTRAINT pk_client_linkedin_credentials PRIMARY KEY (id), 
    CONSTRAINT ck_client_linkedin_credentials_auth_method_length CHECK (char_length(auth_method) <= 255), 
    CONSTRAINT ck_client_linkedin_credentials_heyreach_account_id_length CHECK (char_length(heyreach_account_id) <= 255), 
    CONSTRAINT ck_client_linkedin_credentials_heyreach_sender_id_length CHECK (char_length(heyreach_sender_id) <= 255), 
    CONSTRAINT ck_client_linkedin_credentials_last_error_length CHECK (char_length(last_error) <= 100000), 
    CONSTRAINT ck_client_linkedin_credentials_linkedin_email_encrypted_length CHECK (char_length(linkedin_email_encrypted) <= 100000), 
    CONSTRAINT ck_client_linkedin_credentials_linkedin_headline_length CHECK (char_length(linkedin_headline) <= 255), 
    CONSTRAINT ck_client_linkedin_credentials_linkedin_password_encry_ede7b15a CHECK (char_length(linkedin_password_encrypted) <= 100000), 
    CONSTRAINT ck_client_linkedin_credentials_linkedin_profile_name_length CHECK (char_length(linkedin_profile_name) <= 255), 
    CONSTRAINT ck_client_linkedin_credentials_linkedin_profile_url_length CHECK (char_length(linkedin_profile_url) <= 2048), 
    CONSTRAINT ck_client_linkedin_credentials_two_fa_method_length CHECK (char_length(two_fa_method) <= 255), 
    CONSTRAINT ck_client_linkedin_credentials_unipile_account_id_length CHECK (char_length(unipile_account_id) <= 255), 
    CONSTRAINT ck_client_linkedin_credentials_error_count_range CHECK (error_count >= 0), 
    CONSTRAINT ck_client_linkedin_credentials_linkedin_connection_count_range CHECK (linkedin_connection_count >= 0), 
    CONSTRAINT fk_client_linkedin_credentials_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_client_linkedin_credentials_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT unique_linkedin_credential_per_client UNIQUE (client_id)
);

CREATE TABLE linkedin_seats (
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    accept_rate_7d NUMERIC(5, 4), 
    accept_rate_30d NUMERIC(5, 4), 
    pending_count INTEGER DEFAULT 0 NOT NULL, 
    status linkedin_seat_status DEFAULT 'pending' NOT NULL, 
    pending_connection_id TEXT, 
    activated_at TIMESTAMP WITH TIME ZONE, 
    warmup_completed_at TIMESTAMP WITH TIME ZONE, 
    restricted_at TIMESTAMP WITH TIME ZONE, 
    restricted_reason TEXT, 
    resource_id UUID, 
    persona_id UUID, 
    unipile_account_id TEXT, 
    account_email TEXT, 
    account_name TEXT, 
    profile_url TEXT, 
    daily_limit_override INTEGER, 
    CONSTRAINT pk_linkedin_seats PRIMARY KEY (id), 
    CONSTRAINT ck_linkedin_seats_accept_rate_30d_range CHECK (accept_rate_30d >= 0 AND accept_rate_30d <= 1), 
    CONSTRAINT ck_linkedin_seats_accept_rate_7d_range CHECK (accept_rate_7d >= 0 AND accept_rate_7d <= 1), 
    CONSTRAINT ck_linkedin_seats_account_email_normalized CHECK (account_email = lower(btrim(account_email))), 
    CONSTRAINT ck_linkedin_seats_account_email_length CHECK (char_length(account_email) <= 254), 
    CONSTRAINT ck_linkedin_seats_account_name_length CHECK (char_length(account_name) <= 255), 
    CONSTRAINT ck_linkedin_seats_pending_connection_id_length CHECK (char_length(pending_connection_id) <= 255), 
    CONSTRAINT ck_linkedin_seats_profile_url_length CHECK (char_length(profile_url) <= 2048), 
    CONSTRAINT ck_linkedin_seats_restricted_reason_length CHECK (char_length(restricted_reason) <= 100000), 
    CONSTRAINT ck_linkedin_seats_unipile_account_id_length CHECK (char_length(unipile_account_id) <= 255), 
    CONSTRAINT ck_linkedin_seats_daily_limit_override_range CHECK (daily_limit_override >= 0), 
    CONSTRAINT ck_linkedin_seats_pending_count_range CHECK (pending_count >= 0), 
    CONSTRAINT fk_linkedin_seats_client_id_persona_id_client_personas FOREIGN KEY(client_id, persona_id) REFERENCES client_personas (client_id, id) ON DELETE SET NULL (persona_id), 
    CONSTRAINT fk_linkedin_seats_client_id_resource_id_client_resources FOREIGN KEY(client_id, resource_id) REFERENCES client_resources (client_id, id) ON DELETE SET NULL (resource_id), 
    CONSTRAINT fk_linkedin_seats_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_linkedin_seats_client_id_id UNIQUE (client_id, id)
);

CREATE INDEX ix_linkedin_seats_client_id_persona_id ON linkedin_seats (client_id, persona_id);

CREATE INDEX ix_linkedin_seats_client_id_resource_id ON linkedin_seats (client_id, resource_id);

CREATE TABLE linkedin_connections (
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    requested_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    status linkedin_connection_status DEFAULT 'pending' NOT NULL, 
    profile_viewed_at TIMESTAMP WITH TIME ZONE, 
    responded_at TIMESTAMP WITH TIME ZONE, 
    follow_up_sent_at TIMESTAMP WITH TIME ZONE, 
    seat_id UUID NOT NULL, 
    lead_id UUID NOT NULL, 
    campaign_id UUID, 
    unipile_request_id TEXT, 
    note_included BOOLEAN DEFAULT false NOT NULL, 
    note_content TEXT, 
    follow_up_scheduled_for TIMESTAMP WITH TIME ZONE, 
    CONSTRAINT pk_linkedin_connections PRIMARY KEY (id), 
    CONSTRAINT ck_linkedin_connections_note_content_length CHECK (char_length(note_content) <= 100000), 
    CONSTRAINT ck_linkedin_connections_unipile_request_id_length CHECK (char_length(unipile_request_id) <= 255), 
    CONSTRAINT fk_linkedin_connections_client_id_campaign_id_campaigns FOREIGN KEY(client_id, campaign_id) REFERENCES campaigns (client_id, id) ON DELETE SET NULL (campaign_id), 
    CONSTRAINT fk_linkedin_connections_client_id_lead_id_leads FOREIGN KEY(client_id, lead_id) REFERENCES leads (client_id, id) ON DELETE CASCADE, 
    CONSTRAINT fk_linkedin_connections_client_id_seat_id_linkedin_seats FOREIGN KEY(client_id, seat_id) REFERENCES linkedin_seats (client_id, id) ON DELETE CASCADE, 
    CONSTRAINT fk_linkedin_connections_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_linkedin_connections_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT unique_lead_seat UNIQUE (client_id, lead_id, seat_id)
);

CREATE INDEX ix_linkedin_connections_client_id_campaign_id ON linkedin_connections (client_id, campaign_id);

CREATE INDEX ix_linkedin_connections_client_id_seat_id ON linkedin_connections (client_id, seat_id);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON client_linkedin_credentials FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

CREATE TRIGGER set_updated_at BEFORE UPDATE ON linkedin_seats FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

CREATE TRIGGER set_updated_at BEFORE UPDATE ON linkedin_connections FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON client_linkedin_credentials FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT (id, client_id, created_at, updated_at, connection_status, auth_method, heyreach_sender_id, heyreach_account_id, unipile_account_id, linkedin_profile_url, linkedin_profile_name, linkedin_headline, linkedin_connection_count, two_fa_method, two_fa_requested_at, last_error, error_count, last_error_at, connected_at, disconnected_at) ON client_linkedin_credentials TO anon, authenticated;

GRANT INSERT, UPDATE, DELETE ON client_linkedin_credentials TO authenticated;

GRANT SELECT, INSERT, UPDATE, DELETE ON client_linkedin_credentials TO service_role;

ALTER TABLE client_linkedin_credentials ENABLE ROW LEVEL SECURITY;

CREATE POLICY client_linkedin_credentials_select ON client_linkedin_credentials FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY client_linkedin_credentials_insert ON client_linkedin_credentials FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY client_linkedin_credentials_update ON client_linkedin_credentials FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY client_linkedin_credentials_delete ON client_linkedin_credentials FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

REVOKE ALL ON linkedin_seats FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON linkedin_seats TO authenticated, service_role;

GRANT SELECT ON linkedin_seats TO anon;

ALTER TABLE linkedin_seats ENABLE ROW LEVEL SECURITY;

CREATE POLICY linkedin_seats_select ON linkedin_seats FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY linkedin_seats_insert ON linkedin_seats FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY linkedin_seats_update ON linkedin_seats FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY linkedin_seats_delete ON linkedin_seats FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

REVOKE ALL ON linkedin_connections FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON linkedin_connections TO authenticated, service_role;

GRANT SELECT ON linkedin_connections TO anon;

ALTER TABLE linkedin_connections ENABLE ROW LEVEL SECURITY;

CREATE POLICY linkedin_connections_select ON linkedin_connections FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY linkedin_connections_insert ON linkedin_connections FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY linkedin_connections_update ON linkedin_connections FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY linkedin_connections_delete ON linkedin_connections FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

UPDATE agency_models_version SET version_num='011' WHERE agency_models_version.version_num = '010';

COMMIT;

