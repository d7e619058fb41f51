BEGIN;

-- Running upgrade 007 -> 008

CREATE TABLE lead_pool (
    deleted_at TIMESTAMP WITH TIME ZONE, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    enriched_at TIMESTAMP WITH TIME ZONE, 
    last_enriched_at TIMESTAMP WITH TIME ZONE, 
    dataforseo_domain_rank INTEGER, 
    dataforseo_organic_traffic INTEGER, 
    dataforseo_backlinks INTEGER, 
    dataforseo_spam_score DOUBLE PRECISION, 
    dataforseo_enriched_at TIMESTAMP WITH TIME ZONE, 
    dncr_checked BOOLEAN DEFAULT false NOT NULL, 
    dncr_result BOOLEAN, 
    dncr_checked_at TIMESTAMP WITH TIME ZONE, 
    als_score INTEGER, 
    als_tier als_tier, 
    als_components JSONB, 
    scored_at TIMESTAMP WITH TIME ZONE, 
    sdk_enrichment JSONB, 
    sdk_signals TEXT[], 
    sdk_cost_aud NUMERIC(10, 4), 
    sdk_enriched_at TIMESTAMP WITH TIME ZONE, 
    first_contacted_at TIMESTAMP WITH TIME ZONE, 
    last_contacted_at TIMESTAMP WITH TIME ZONE, 
    total_touches INTEGER DEFAULT 0 NOT NULL, 
    channels_used TEXT[] DEFAULT '{}' NOT NULL, 
    has_replied BOOLEAN DEFAULT false NOT NULL, 
    replied_at TIMESTAMP WITH TIME ZONE, 
    reply_intent intent_type, 
    pool_status pool_status DEFAULT 'available' NOT NULL, 
    client_id UUID, 
    campaign_id UUID, 
    email_status email_status_type DEFAULT 'unknown' NOT NULL, 
    is_bounced BOOLEAN DEFAULT false NOT NULL, 
    bounced_at TIMESTAMP WITH TIME ZONE, 
    bounce_reason TEXT, 
    is_unsubscribed BOOLEAN DEFAULT false NOT NULL, 
    unsubscribed_at TIMESTAMP WITH TIME ZONE, 
    unsubscribe_reason TEXT, 
    email TEXT NOT NULL, 
    apollo_id TEXT, 
    linkedin_url TEXT, 
    first_name TEXT, 
    last_name TEXT, 
    title TEXT, 
    seniority TEXT, 
    linkedin_headline TEXT, 
    photo_url TEXT, 
    twitter_url TEXT, 
    phone TEXT, 
    personal_email TEXT, 
    city TEXT, 
    state TEXT, 
    country TEXT, 
    timezone TEXT, 
    departments TEXT[], 
    employment_history JSONB, 
    current_role_start_date DATE, 
    company_name TEXT, 
    company_domain TEXT, 
    company_website TEXT, 
    company_linkedin_url TEXT, 
    company_description TEXT, 
    company_logo_url TEXT, 
    company_industry TEXT, 
    company_sub_industry TEXT, 
    company_employee_count INTEGER, 
    company_revenue BIGINT, 
    company_revenue_range TEXT, 
    company_founded_year INTEGER, 
    company_country TEXT, 
    company_city TEXT, 
    company_state TEXT, 
    company_postal_code TEXT, 
    company_is_hiring BOOLEAN, 
    company_latest_funding_stage TEXT, 
    company_latest_funding_date DATE, 
    company_total_funding BIGINT, 
    company_technologies TEXT[], 
    company_keywords TEXT[], 
    enrichment_source TEXT, 
    enrichment_confidence DOUBLE PRECISION, 
    enrichment_data JSONB, 
    CONSTRAINT pk_lead_pool PRIMARY KEY (id), 
    CONSTRAINT ck_lead_pool_als_score_range CHECK (als_score >= 0 AND als_score <= 100), 
    CONSTRAINT ck_lead_pool_campaign_needs_client CHECK (campaign_id IS NULL OR client_id IS NOT NULL), 
    CONSTRAINT ck_lead_pool_apollo_id_length CHECK (char_length(apollo_id) <= 255), 
    CONSTRAINT ck_lead_pool_bounce_reason_length CHECK (char_length(bounce_reason) <= 100000), 
    CONSTRAINT ck_lead_pool_city_length CHECK (char_length(city) <= 255), 
    CONSTRAINT ck_lead_pool_company_city_length CHECK (char_length(company_city) <= 255), 
    CONSTRAINT ck_lead_pool_company_country_length CHECK (char_length(company_country) <= 255), 
    CONSTRAINT ck_lead_pool_company_description_length CHECK (char_length(company_description) <= 100000), 
    CONSTRAINT ck_lead_pool_company_domain_length CHECK (char_length(company_domain) <= 253), 
    CONSTRAINT ck_lead_pool_company_industry_length CHECK (char_length(company_industry) <= 255), 
    CONSTRAINT ck_lead_pool_company_latest_funding_stage_length CHECK (char_length(company_latest_funding_stage) <= 255), 
    CONSTRAINT ck_lead_pool_company_linkedin_url_length CHECK (char_length(company_linkedin_url) <= 2048), 
    CONSTRAINT ck_lead_pool_company_logo_url_length CHECK (char_length(company_logo_url) <= 2048), 
    CONSTRAINT ck_lead_pool_company_name_length CHECK (char_length(company_name) <= 255), 
    CONSTRAINT ck_lead_pool_company_postal_code_length CHECK (char_length(company_postal_code) <= 255), 
    CONSTRAINT ck_lead_pool_company_revenue_range_length CHECK (char_length(company_revenue_range) <= 255), 
    CONSTRAINT ck_lead_pool_company_state_length CHECK (char_length(company_state) <= 255), 
    CONSTRAINT ck_lead_pool_company_sub_industry_length CHECK (char_length(company_sub_industry) <= 255), 
    CONSTRAINT ck_lead_pool_company_website_length CHECK (char_length(company_website) <= 2048), 
    CONSTRAINT ck_lead_pool_country_length CHECK (char_length(country) <= 255), 
    CONSTRAINT ck_lead_pool_email_length CHECK (char_length(email) <= 254), 
    CONSTRAINT ck_lead_pool_enrichment_source_length CHECK (char_length(enrichment_source) <= 255), 
    CONSTRAINT ck_lead_pool_first_name_length CHECK (char_length(first_name) <= 255), 
    CONSTRAINT ck_lead_pool_last_name_length CHECK (char_length(last_name) <= 255), 
    CONSTRAINT ck_lead_pool_linkedin_headline_length CHECK (char_length(linkedin_headline) <= 255), 
    CONSTRAINT ck_lead_pool_linkedin_url_length CHECK (char_length(linkedin_url) <= 2048), 
    CONSTRAINT ck_lead_pool_personal_email_length CHECK (char_length(personal_email) <= 254), 
    CONSTRAINT ck_lead_pool_phone_length CHECK (char_length(phone) <= 255), 
    CONSTRAINT ck_lead_pool_photo_url_length CHECK (char_length(photo_url) <= 2048), 
    CONSTRAINT ck_lead_pool_seniority_length CHECK (char_length(seniority) <= 255), 
    CONSTRAINT ck_lead_pool_state_length CHECK (char_length(state) <= 255), 
    CONSTRAINT ck_lead_pool_title_length CHECK (char_length(title) <= 255), 
    CONSTRAINT ck_lead_pool_twitter_url_length CHECK (char_length(twitter_url) <= 2048), 
    CONSTRAINT ck_lead_pool_unsubscribe_reason_length CHECK (char_length(unsubscribe_reason) <= 100000), 
    CONSTRAINT ck_lead_pool_company_domain_normalized CHECK (company_domain = lower(btrim(company_domain))), 
    CONSTRAINT ck_lead_pool_company_employee_count_range CHECK (company_employee_count >= 0), 
    CONSTRAINT ck_lead_pool_company_revenue_range CHECK (company_revenue >= 0), 
    CONSTRAINT ck_lead_pool_company_total_funding_range CHECK (company_total_funding >= 0), 
    CONSTRAINT ck_lead_pool_dataforseo_backlinks_range CHECK (dataforseo_backlinks >= 0), 
    CONSTRAINT ck_lead_pool_dataforseo_domain_rank_range CHECK (dataforseo_domain_rank >= 0), 
    CONSTRAINT ck_lead_pool_dataforseo_organic_traffic_range CHECK (dataforseo_organic_traffic >= 0), 
    CONSTRAINT ck_lead_pool_dataforseo_spam_score_range CHECK (dataforseo_spam_score >= 0 AND dataforseo_spam_score <= 100), 
    CONSTRAINT ck_lead_pool_email_normalized CHECK (email = lower(btrim(email))), 
    CONSTRAINT ck_lead_pool_enrichment_confidence_range CHECK (enrichment_confidence >= 0 AND enrichment_confidence <= 1), 
    CONSTRAINT ck_lead_pool_personal_email_normalized CHECK (personal_email = lower(btrim(personal_email))), 
    CONSTRAINT ck_lead_pool_sdk_cost_aud_range CHECK (sdk_cost_aud >= 0), 
    CONSTRAINT ck_lead_pool_total_touches_range CHECK (total_touches >= 0), 
    CONSTRAINT fk_lead_pool_client_id_campaign_id_campaigns FOREIGN KEY(client_id, campaign_id) REFERENCES campaigns (client_id, id) ON DELETE SET NULL (campaign_id), 
    CONSTRAINT fk_lead_pool_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE SET NULL
);

CREATE INDEX ix_lead_pool_client_id_campaign_id ON lead_pool (client_id, campaign_id);

CREATE INDEX ix_lead_pool_company_country ON lead_pool (company_country);

CREATE INDEX ix_lead_pool_company_domain ON lead_pool (company_domain);

CREATE INDEX ix_lead_pool_company_employee_count ON lead_pool (company_employee_count);

CREATE INDEX ix_lead_pool_company_industry ON lead_pool (company_industry);

CREATE INDEX ix_lead_pool_company_name ON lead_pool (company_name);

CREATE INDEX ix_lead_pool_pool_status ON lead_pool (pool_status);

CREATE UNIQUE INDEX unique_apollo_id_in_pool ON lead_pool (apollo_id) WHERE deleted_at IS NULL;

CREATE UNIQUE INDEX unique_email_in_pool ON lead_pool (email) WHERE deleted_at IS NULL;

CREATE TABLE lead_social_posts (
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    lead_id UUID NOT NULL, 
    source TEXT NOT NULL, 
    post_content TEXT, 
    post_date DATE, 
    summary_hook TEXT, 
    CONSTRAINT pk_lead_social_posts PRIMARY KEY (id), 
    CONSTRAINT ck_lead_social_posts_post_content_length CHECK (char_length(post_content) <= 100000), 
    CONSTRAINT ck_lead_social_posts_source_length CHECK (char_length(source) >= 1 AND char_length(source) <= 255), 
    CONSTRAINT ck_lead_social_posts_summary_hook_length CHECK (char_length(summary_hook) <= 100000), 
    CONSTRAINT fk_lead_social_posts_client_id_lead_id_leads FOREIGN KEY(client_id, lead_id) REFERENCES leads (client_id, id) ON DELETE CASCADE, 
    CONSTRAINT fk_lead_social_posts_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_lead_social_posts_client_id_id UNIQUE (client_id, id)
);

CREATE INDEX ix_lead_social_posts_client_id_lead_id ON lead_social_posts (client_id, lead_id);

CREATE INDEX ix_leads_lead_pool_id ON leads (lead_pool_id);

ALTER TABLE leads ADD CONSTRAINT fk_leads_lead_pool_id_lead_pool FOREIGN KEY(lead_pool_id) REFERENCES lead_pool (id) ON DELETE SET NULL;

CREATE FUNCTION agency_private.release_pool_campaign() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    IF NEW.client_id IS NULL THEN
        NEW.campaign_id := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER release_campaign BEFORE UPDATE OF client_id ON lead_pool FOR EACH ROW EXECUTE FUNCTION agency_private.release_pool_campaign();

CREATE TRIGGER set_updated_at BEFORE UPDATE ON lead_pool FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON lead_pool FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON lead_pool TO authenticated, service_role;

GRANT SELECT ON lead_pool TO anon;

ALTER TABLE lead_pool ENABLE ROW LEVEL SECURITY;

CREATE POLICY lead_pool_select ON lead_pool FOR SELECT TO authenticated USING ((SELECT agency_private.current_user_is_platform_admin()));

REVOKE ALL ON lead_social_posts FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON lead_social_posts TO authenticated, service_role;

GRANT SELECT ON lead_social_posts TO anon;

ALTER TABLE lead_social_posts ENABLE ROW LEVEL SECURITY;

CREATE POLICY lead_social_posts_select ON lead_social_posts FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY lead_social_posts_insert ON lead_social_posts FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY lead_social_posts_update ON lead_social_posts FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY lead_social_posts_delete ON lead_social_posts FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

UPDATE agency_models_version SET version_num='008' WHERE agency_models_version.version_num = '007';

COMMIT;

