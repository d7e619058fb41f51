BEGIN;

-- Running upgrade 003 -> 004

CREATE TABLE leads (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    campaign_id UUID NOT NULL, 
    email TEXT NOT NULL, 
    phone TEXT, 
    first_name TEXT, 
    last_name TEXT, 
    title TEXT, 
    company TEXT, 
    linkedin_url TEXT, 
    domain TEXT, 
    personal_email TEXT, 
    seniority_level TEXT, 
    employment_start_date DATE, 
    timezone TEXT, 
    timezone_offset INTEGER, 
    organization_industry TEXT, 
    organization_employee_count INTEGER, 
    organization_country TEXT, 
    organization_founded_year INTEGER, 
    organization_is_hiring BOOLEAN, 
    organization_latest_funding_date DATE, 
    organization_website TEXT, 
    organization_linkedin_url TEXT, 
    status lead_status DEFAULT 'new' NOT NULL, 
    current_sequence_step INTEGER DEFAULT 0 NOT NULL, 
    next_outreach_at TIMESTAMP WITH TIME ZONE, 
    rejection_reason rejection_reason_type, 
    rejection_notes TEXT, 
    rejection_at TIMESTAMP WITH TIME ZONE, 
    objections_raised TEXT[], 
    assigned_email_resource TEXT, 
    assigned_linkedin_seat TEXT, 
    assigned_phone_resource TEXT, 
    als_score INTEGER, 
    als_tier als_tier, 
    als_data_quality INTEGER, 
    als_authority INTEGER, 
    als_company_fit INTEGER, 
    als_timing INTEGER, 
    als_risk INTEGER, 
    als_components JSONB, 
    als_weights_used JSONB, 
    scored_at TIMESTAMP WITH TIME ZONE, 
    enrichment_source TEXT, 
    enrichment_confidence DOUBLE PRECISION, 
    enrichment_version TEXT, 
    enriched_at TIMESTAMP WITH TIME ZONE, 
    deep_research_data JSONB DEFAULT '{}'::jsonb NOT NULL, 
    deep_research_run_at TIMESTAMP WITH TIME ZONE, 
    sdk_enrichment JSONB, 
    sdk_signals TEXT[], 
    sdk_cost_aud NUMERIC(10, 4), 
    sdk_enriched_at TIMESTAMP WITH TIME ZONE, 
    sdk_voice_kb JSONB, 
    sdk_email_content JSONB, 
    dncr_checked BOOLEAN DEFAULT false NOT NULL, 
    dncr_result BOOLEAN, 
    email_verified BOOLEAN, 
    phone_verified BOOLEAN, 
    last_contacted_at TIMESTAMP WITH TIME ZONE, 
    last_replied_at TIMESTAMP WITH TIME ZONE, 
    last_opened_at TIMESTAMP WITH TIME ZONE, 
    last_clicked_at TIMESTAMP WITH TIME ZONE, 
    reply_count INTEGER DEFAULT 0 NOT NULL, 
    bounce_count INTEGER DEFAULT 0 NOT NULL, 
    lead_pool_id UUID, 
    assignment_id UUID, 
    meeting_booked BOOLEAN DEFAULT false NOT NULL, 
    meeting_booked_at TIMESTAMP WITH TIME ZONE, 
    meeting_id UUID, 
    deal_id UUID, 
    deal_value NUMERIC(12, 2), 
    deal_won BOOLEAN, 
    deal_won_at TIMESTAMP WITH TIME ZONE, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    deleted_at TIMESTAMP WITH TIME ZONE, 
    CONSTRAINT pk_leads PRIMARY KEY (id), 
    CONSTRAINT ck_leads_current_sequence_step_range CHECK (current_sequence_step >= 0), 
    CONSTRAINT ck_leads_reply_count_range CHECK (reply_count >= 0), 
    CONSTRAINT ck_leads_bounce_count_range CHECK (bounce_count >= 0), 
    CONSTRAINT ck_leads_als_authority_range CHECK (als_authority >= 0 AND als_authority <= 25), 
    CONSTRAINT ck_leads_als_company_fit_range CHECK (als_company_fit >= 0 AND als_company_fit <= 25), 
    CONSTRAINT ck_leads_als_data_quality_range CHECK (als_data_quality >= 0 AND als_data_quality <= 20), 
    CONSTRAINT ck_leads_als_risk_range CHECK (als_risk >= 0 AND als_risk <= 15), 
    CONSTRAINT ck_leads_als_score_range CHECK (als_score >= 0 AND als_score <= 100), 
    CONSTRAINT ck_leads_als_timing_range CHECK (als_timing >= 0 AND als_timing <= 15), 
    CONSTRAINT ck_leads_deal_value_range CHECK (deal_value >= 0), 
    CONSTRAINT ck_leads_enrichment_confidence_range CHECK (enrichment_confidence >= 0 AND enrichment_confidence <= 1), 
    CONSTRAINT ck_leads_organization_employee_count_range CHECK (organization_employee_count >= 0), 
    CONSTRAINT ck_leads_sdk_cost_aud_range CHECK (sdk_cost_aud >= 0), 
    CONSTRAINT ck_leads_domain_normalized CHECK (domain = lower(btrim(domain))), 
    CONSTRAINT ck_leads_email_normalized CHECK (email = lower(btrim(email))), 
    CONSTRAINT ck_leads_personal_email_normalized CHECK (personal_email = lower(btrim(personal_email))), 
    CONSTRAINT fk_leads_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_leads_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT fk_leads_client_id_campaign_id_campaigns FOREIGN KEY(client_id, campaign_id) REFERENCES campaigns (client_id, id)
);

CREATE INDEX ix_leads_client_id_als_score ON leads (client_id, als_score DESC NULLS LAST) WHERE deleted_at IS NULL;

CREATE INDEX ix_leads_client_id_campaign_id ON leads (client_id, campaign_id);

CREATE INDEX ix_leads_client_id_created_at ON leads (client_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE INDEX ix_leads_client_id_status ON leads (client_id, status, created_at DESC) WHERE deleted_at IS NULL;

CREATE INDEX ix_leads_domain ON leads (domain);

CREATE INDEX ix_leads_next_outreach_at ON leads (next_outreach_at) WHERE deleted_at IS NULL AND next_outreach_at IS NOT NULL;

CREATE UNIQUE INDEX unique_lead_per_client ON leads (client_id, email) WHERE deleted_at IS NULL;

CREATE TABLE global_suppression (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    email TEXT NOT NULL, 
    source TEXT, 
    added_by TEXT, 
    metadata JSONB DEFAULT '{}'::jsonb NOT NULL, 
    reason TEXT NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    CONSTRAINT pk_global_suppression PRIMARY KEY (id), 
    CONSTRAINT ck_global_suppression_email_normalized CHECK (email = lower(btrim(email))), 
    CONSTRAINT uq_global_suppression_email UNIQUE (email)
);

CREATE TABLE client_suppression (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    email TEXT NOT NULL, 
    added_by UUID, 
    reason TEXT NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    CONSTRAINT pk_client_suppression PRIMARY KEY (id), 
    CONSTRAINT ck_client_suppression_email_normalized CHECK (email = lower(btrim(email))), 
    CONSTRAINT fk_client_suppression_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_client_suppression_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT fk_client_suppression_added_by_users FOREIGN KEY(added_by) REFERENCES users (id) ON DELETE SET NULL, 
    CONSTRAINT unique_client_suppression UNIQUE (client_id, email)
);

CREATE INDEX ix_client_suppression_added_by ON client_suppression (added_by);

CREATE TABLE domain_suppression (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    domain TEXT NOT NULL, 
    added_by TEXT, 
    reason TEXT NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    CONSTRAINT pk_domain_suppression PRIMARY KEY (id), 
    CONSTRAINT ck_domain_suppression_domain_normalized CHECK (domain = lower(btrim(domain))), 
    CONSTRAINT uq_domain_suppression_domain UNIQUE (domain)
);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON leads FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON leads FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON leads TO authenticated, service_role;

GRANT SELECT ON leads TO anon;

ALTER TABLE leads ENABLE ROW LEVEL SECURITY;

CREATE POLICY leads_select ON leads FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY leads_insert ON leads FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY leads_update ON leads FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY leads_delete ON leads FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

REVOKE ALL ON client_suppression FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON client_suppression TO authenticated, service_role;

GRANT SELECT ON client_suppression TO anon;

ALTER TABLE client_suppression ENABLE ROW LEVEL SECURITY;

CREATE POLICY client_suppression_select ON client_suppression FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY client_suppression_insert ON client_suppression FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY client_suppression_update ON client_suppression FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY client_suppression_delete ON client_suppression FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

REVOKE ALL ON global_suppression FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON global_suppression TO authenticated, service_role;

GRANT SELECT ON global_suppression TO anon;

ALTER TABLE global_suppression ENABLE ROW LEVEL SECURITY;

CREATE POLICY global_suppression_select ON global_suppression FOR SELECT TO authenticated USING ((SELECT agency_private.current_user_is_platform_admin()));

REVOKE ALL ON domain_suppression FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON domain_suppression TO authenticated, service_role;

GRANT SELECT ON domain_suppression TO anon;

ALTER TABLE domain_suppression ENABLE ROW LEVEL SECURITY;

CREATE POLICY domain_suppression_select ON domain_suppression FOR SELECT TO authenticated USING ((SELECT agency_private.current_user_is_platform_admin()));

UPDATE agency_models_version SET version_num='004' WHERE agency_models_version.version_num = '003';

COMMIT;

