BEGIN;

-- Running upgrade 002 -> 003

CREATE TABLE campaigns (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    name TEXT NOT NULL, 
    description TEXT, 
    status campaign_status DEFAULT 'draft' NOT NULL, 
    campaign_type campaign_type DEFAULT 'custom' NOT NULL, 
    ai_suggestion_reason TEXT, 
    permission_mode permission_mode, 
    paused_at TIMESTAMP WITH TIME ZONE, 
    pause_reason TEXT, 
    paused_by_user_id UUID, 
    target_industries TEXT[], 
    target_titles TEXT[], 
    target_company_sizes TEXT[], 
    target_locations TEXT[], 
    lead_allocation_pct INTEGER DEFAULT 100 NOT NULL, 
    allocation_email INTEGER DEFAULT 100 NOT NULL, 
    allocation_sms INTEGER DEFAULT 0 NOT NULL, 
    allocation_linkedin INTEGER DEFAULT 0 NOT NULL, 
    allocation_voice INTEGER DEFAULT 0 NOT NULL, 
    allocation_mail INTEGER DEFAULT 0 NOT NULL, 
    start_date DATE, 
    end_date DATE, 
    daily_limit INTEGER DEFAULT 50 NOT NULL, 
    timezone TEXT DEFAULT 'Australia/Sydney' NOT NULL, 
    work_hours_start TIME WITHOUT TIME ZONE DEFAULT '09:00:00' NOT NULL, 
    work_hours_end TIME WITHOUT TIME ZONE DEFAULT '17:00:00' NOT NULL, 
    work_days INTEGER[] DEFAULT '{1,2,3,4,5}' NOT NULL, 
    sequence_steps INTEGER DEFAULT 5 NOT NULL, 
    sequence_delay_days INTEGER DEFAULT 3 NOT NULL, 
    uses_default_sequence BOOLEAN DEFAULT true NOT NULL, 
    created_by UUID, 
    lead_count INTEGER DEFAULT 0 NOT NULL, 
    total_leads INTEGER DEFAULT 0 NOT NULL, 
    leads_contacted INTEGER DEFAULT 0 NOT NULL, 
    leads_replied INTEGER DEFAULT 0 NOT NULL, 
    leads_converted INTEGER DEFAULT 0 NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    deleted_at TIMESTAMP WITH TIME ZONE, 
    CONSTRAINT pk_campaigns PRIMARY KEY (id), 
    CONSTRAINT ck_campaigns_lead_count_range CHECK (lead_count >= 0), 
    CONSTRAINT ck_campaigns_total_leads_range CHECK (total_leads >= 0), 
    CONSTRAINT ck_campaigns_leads_contacted_range CHECK (leads_contacted >= 0), 
    CONSTRAINT ck_campaigns_leads_replied_range CHECK (leads_replied >= 0), 
    CONSTRAINT ck_campaigns_leads_converted_range CHECK (leads_converted >= 0), 
    CONSTRAINT ck_campaigns_allocation_email_range CHECK (allocation_email >= 0 AND allocation_email <= 100), 
    CONSTRAINT ck_campaigns_allocation_linkedin_range CHECK (allocation_linkedin >= 0 AND allocation_linkedin <= 100), 
    CONSTRAINT ck_campaigns_allocation_mail_range CHECK (allocation_mail >= 0 AND allocation_mail <= 100), 
    CONSTRAINT ck_campaigns_allocation_sms_range CHECK (allocation_sms >= 0 AND allocation_sms <= 100), 
    CONSTRAINT ck_campaigns_allocation_voice_range CHECK (allocation_voice >= 0 AND allocation_voice <= 100), 
    CONSTRAINT ck_campaigns_daily_limit_range CHECK (daily_limit >= 1 AND daily_limit <= 500), 
    CONSTRAINT ck_campaigns_lead_allocation_pct_range CHECK (lead_allocation_pct >= 0 AND lead_allocation_pct <= 100), 
    CONSTRAINT ck_campaigns_sequence_delay_days_range CHECK (sequence_delay_days >= 0), 
    CONSTRAINT ck_campaigns_sequence_steps_range CHECK (sequence_steps >= 1), 
    CONSTRAINT fk_campaigns_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_campaigns_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT ck_campaigns_dates_in_order CHECK (end_date >= start_date), 
    CONSTRAINT ck_campaigns_valid_allocation CHECK (allocation_email + allocation_sms + allocation_linkedin + allocation_voice + allocation_mail = 100), 
    CONSTRAINT ck_campaigns_valid_work_days CHECK (work_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]), 
    CONSTRAINT fk_campaigns_created_by_users FOREIGN KEY(created_by) REFERENCES users (id) ON DELETE SET NULL, 
    CONSTRAINT fk_campaigns_paused_by_user_id_users FOREIGN KEY(paused_by_user_id) REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX ix_campaigns_client_id_status ON campaigns (client_id, status) WHERE deleted_at IS NULL;

CREATE INDEX ix_campaigns_created_by ON campaigns (created_by);

CREATE INDEX ix_campaigns_paused_by_user_id ON campaigns (paused_by_user_id);

CREATE TABLE campaign_resources (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    channel channel_type NOT NULL, 
    resource_id TEXT NOT NULL, 
    resource_name TEXT, 
    daily_limit INTEGER NOT NULL, 
    is_active BOOLEAN DEFAULT true NOT NULL, 
    is_warmed BOOLEAN DEFAULT false NOT NULL, 
    client_resource_id UUID, 
    daily_used INTEGER DEFAULT 0 NOT NULL, 
    last_used_at TIMESTAMP WITH TIME ZONE, 
    last_reset_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    campaign_id UUID NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    CONSTRAINT pk_campaign_resources PRIMARY KEY (id), 
    CONSTRAINT ck_campaign_resources_daily_used_range CHECK (daily_used >= 0), 
    CONSTRAINT ck_campaign_resources_daily_limit_range CHECK (daily_limit >= 0), 
    CONSTRAINT fk_campaign_resources_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_campaign_resources_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT fk_campaign_resources_client_id_campaign_id_campaigns FOREIGN KEY(client_id, campaign_id) REFERENCES campaigns (client_id, id) ON DELETE CASCADE, 
    CONSTRAINT unique_campaign_resource UNIQUE (client_id, campaign_id, channel, resource_id)
);

CREATE TABLE campaign_sequences (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    step_number INTEGER NOT NULL, 
    channel channel_type NOT NULL, 
    delay_days INTEGER DEFAULT 3 NOT NULL, 
    subject_template TEXT, 
    body_template TEXT NOT NULL, 
    skip_if_replied BOOLEAN DEFAULT true NOT NULL, 
    skip_if_bounced BOOLEAN DEFAULT true NOT NULL, 
    purpose TEXT, 
    skip_if TEXT, 
    campaign_id UUID NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    CONSTRAINT pk_campaign_sequences PRIMARY KEY (id), 
    CONSTRAINT ck_campaign_sequences_delay_days_range CHECK (delay_days >= 0), 
    CONSTRAINT ck_campaign_sequences_step_number_range CHECK (step_number >= 1), 
    CONSTRAINT fk_campaign_sequences_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_campaign_sequences_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT fk_campaign_sequences_client_id_campaign_id_campaigns FOREIGN KEY(client_id, campaign_id) REFERENCES campaigns (client_id, id) ON DELETE CASCADE, 
    CONSTRAINT unique_sequence_step UNIQUE (client_id, campaign_id, step_number)
);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON campaigns FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON campaigns TO authenticated, service_role;

GRANT SELECT ON campaigns TO anon;

ALTER TABLE campaigns ENABLE ROW LEVEL SECURITY;

CREATE POLICY campaigns_select ON campaigns FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY campaigns_insert ON campaigns FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY campaigns_update ON campaigns FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY campaigns_delete ON campaigns FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

CREATE TRIGGER set_updated_at BEFORE UPDATE ON campaign_resources FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON campaign_resources FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON campaign_resources TO authenticated, service_role;

GRANT SELECT ON campaign_resources TO anon;

ALTER TABLE campaign_resources ENABLE ROW LEVEL SECURITY;

CREATE POLICY campaign_resources_select ON campaign_resources FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY campaign_resources_insert ON campaign_resources FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY campaign_resources_update ON campaign_resources FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY campaign_resources_delete ON campaign_resources FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

CREATE TRIGGER set_updated_at BEFORE UPDATE ON campaign_sequences FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON campaign_sequences FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON campaign_sequences TO authenticated, service_role;

GRANT SELECT ON campaign_sequences TO anon;

ALTER TABLE campaign_sequences ENABLE ROW LEVEL SECURITY;

CREATE POLICY campaign_sequences_select ON campaign_sequences FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY campaign_sequences_insert ON campaign_sequences FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY campaign_sequences_update ON campaign_sequences FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY campaign_sequences_delete ON campaign_sequences FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

UPDATE agency_models_version SET version_num='003' WHERE agency_models_version.version_num = '002';

COMMIT;

