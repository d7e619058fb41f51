BEGIN;

-- Running upgrade 011 -> 012

CREATE TABLE client_intelligence (
    deleted_at TIMESTAMP WITH TIME ZONE, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    website_scraped_at TIMESTAMP WITH TIME ZONE, 
    linkedin_scraped_at TIMESTAMP WITH TIME ZONE, 
    twitter_scraped_at TIMESTAMP WITH TIME ZONE, 
    facebook_scraped_at TIMESTAMP WITH TIME ZONE, 
    instagram_scraped_at TIMESTAMP WITH TIME ZONE, 
    g2_scraped_at TIMESTAMP WITH TIME ZONE, 
    capterra_scraped_at TIMESTAMP WITH TIME ZONE, 
    trustpilot_scraped_at TIMESTAMP WITH TIME ZONE, 
    google_scraped_at TIMESTAMP WITH TIME ZONE, 
    last_full_scrape_at TIMESTAMP WITH TIME ZONE, 
    website_tagline TEXT, 
    website_value_prop TEXT, 
    website_services JSONB DEFAULT '[]'::jsonb NOT NULL, 
    website_case_studies JSONB DEFAULT '[]'::jsonb NOT NULL, 
    website_testimonials JSONB DEFAULT '[]'::jsonb NOT NULL, 
    website_team_bios JSONB DEFAULT '[]'::jsonb NOT NULL, 
    website_blog_topics TEXT[], 
    linkedin_url TEXT, 
    linkedin_follower_count INTEGER, 
    linkedin_employee_count INTEGER, 
    linkedin_description TEXT, 
    linkedin_specialties TEXT[], 
    linkedin_recent_posts JSONB DEFAULT '[]'::jsonb NOT NULL, 
    twitter_handle TEXT, 
    twitter_follower_count INTEGER, 
    twitter_bio TEXT, 
    twitter_recent_posts JSONB DEFAULT '[]'::jsonb NOT NULL, 
    twitter_topics TEXT[], 
    facebook_url TEXT, 
    facebook_follower_count INTEGER, 
    facebook_about TEXT, 
    facebook_recent_posts JSONB DEFAULT '[]'::jsonb NOT NULL, 
    instagram_handle TEXT, 
    instagram_follower_count INTEGER, 
    instagram_bio TEXT, 
    instagram_recent_posts JSONB DEFAULT '[]'::jsonb NOT NULL, 
    g2_url TEXT, 
    g2_rating NUMERIC(2, 1), 
    g2_review_count INTEGER, 
    g2_top_reviews JSONB DEFAULT '[]'::jsonb NOT NULL, 
    g2_ai_summary TEXT, 
    capterra_url TEXT, 
    capterra_rating NUMERIC(2, 1), 
    capterra_review_count INTEGER, 
    capterra_top_reviews JSONB DEFAULT '[]'::jsonb NOT NULL, 
    trustpilot_url TEXT, 
    trustpilot_rating NUMERIC(2, 1), 
    trustpilot_review_count INTEGER, 
    trustpilot_top_reviews JSONB DEFAULT '[]'::jsonb NOT NULL, 
    google_business_url TEXT, 
    google_rating NUMERIC(2, 1), 
    google_review_count INTEGER, 
    google_top_reviews JSONB DEFAULT '[]'::jsonb NOT NULL, 
    proof_metrics JSONB DEFAULT '[]'::jsonb NOT NULL, 
    proof_clients TEXT[], 
    proof_industries TEXT[], 
    common_pain_points TEXT[], 
    differentiators TEXT[], 
    total_scrape_cost_aud NUMERIC(10, 4) DEFAULT 0 NOT NULL, 
    scrape_errors JSONB DEFAULT '[]'::jsonb NOT NULL, 
    CONSTRAINT pk_client_intelligence PRIMARY KEY (id), 
    CONSTRAINT ck_client_intelligence_capterra_rating_range CHECK (capterra_rating >= 0 AND capterra_rating <= 5), 
    CONSTRAINT ck_client_intelligence_capterra_review_count_range CHECK (capterra_review_count >= 0), 
    CONSTRAINT ck_client_intelligence_capterra_url_length CHECK (char_length(capterra_url) <= 2048), 
    CONSTRAINT ck_client_intelligence_facebook_about_length CHECK (char_length(facebook_about) <= 100000), 
    CONSTRAINT ck_client_intelligence_facebook_url_length CHECK (char_length(facebook_url) <= 2048), 
    CONSTRAINT ck_client_intelligence_g2_ai_summary_length CHECK (char_length(g2_ai_summary) <= 100000), 
    CONSTRAINT ck_client_intelligence_g2_url_length CHECK (char_length(g2_url) <= 2048), 
    CONSTRAINT ck_client_intelligence_google_business_url_length CHECK (char_length(google_business_url) <= 2048), 
    CONSTRAINT ck_client_intelligence_instagram_bio_length CHECK (char_length(instagram_bio) <= 100000), 
    CONSTRAINT ck_client_intelligence_instagram_handle_length CHECK (char_length(instagram_handle) <= 255), 
    CONSTRAINT ck_client_intelligence_linkedin_description_length CHECK (char_length(linkedin_description) <= 100000), 
    CONSTRAINT ck_client_intelligence_linkedin_url_length CHECK (char_length(linkedin_url) <= 2048), 
    CONSTRAINT ck_client_intelligence_trustpilot_url_length CHECK (char_length(trustpilot_url) <= 2048), 
    CONSTRAINT ck_client_intelligence_twitter_bio_length CHECK (char_length(twitter_bio) <= 100000), 
    CONSTRAINT ck_client_intelligence_twitter_handle_length CHECK (char_length(twitter_handle) <= 255), 
    CONSTRAINT ck_client_intelligence_website_tagline_length CHECK (char_length(website_tagline) <= 100000), 
    CONSTRAINT ck_client_intelligence_website_value_prop_length CHECK (char_length(website_value_prop) <= 100000), 
    CONSTRAINT ck_client_intelligence_facebook_follower_count_range CHECK (facebook_follower_count >= 0), 
    CONSTRAINT ck_client_intelligence_g2_rating_range CHECK (g2_rating >= 0 AND g2_rating <= 5), 
    CONSTRAINT ck_client_intelligence_g2_review_count_range CHECK (g2_review_count >= 0), 
    CONSTRAINT ck_client_intelligence_google_rating_range CHECK (google_rating >= 0 AND google_rating <= 5), 
    CONSTRAINT ck_client_intelligence_google_review_count_range CHECK (google_review_count >= 0), 
    CONSTRAINT ck_client_intelligence_instagram_follower_count_range CHECK (instagram_follower_count >= 0), 
    CONSTRAINT ck_client_intelligence_linkedin_employee_count_range CHECK (linkedin_employee_count >= 0), 
    CONSTRAINT ck_client_intelligence_linkedin_follower_count_range CHECK (linkedin_follower_count >= 0), 
    CONSTRAINT ck_client_intelligence_total_scrape_cost_aud_range CHECK (total_scrape_cost_aud >= 0), 
    CONSTRAINT ck_client_intelligence_trustpilot_rating_range CHECK (trustpilot_rating >= 0 AND trustpilot_rating <= 5), 
    CONSTRAINT ck_client_intelligence_trustpilot_review_count_range CHECK (trustpilot_review_count >= 0), 
    CONSTRAINT ck_client_intelligence_twitter_follower_count_range CHECK (twitter_follower_count >= 0), 
    CONSTRAINT fk_client_intelligence_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_client_intelligence_client_id_id UNIQUE (client_id, id)
);

CREATE UNIQUE INDEX unique_client_intelligence ON client_intelligence (client_id) WHERE deleted_at IS NULL;

CREATE TABLE sdk_usage_log (
    deleted_at TIMESTAMP WITH TIME ZONE, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    lead_id UUID, 
    campaign_id UUID, 
    user_id UUID, 
    agent_type TEXT NOT NULL, 
    model_used TEXT NOT NULL, 
    input_tokens INTEGER DEFAULT 0 NOT NULL, 
    output_tokens INTEGER DEFAULT 0 NOT NULL, 
    cached_tokens INTEGER DEFAULT 0 NOT NULL, 
    cost_aud NUMERIC(10, 6) DEFAULT 0 NOT NULL, 
    turns_used INTEGER DEFAULT 1 NOT NULL, 
    duration_ms INTEGER DEFAULT 0 NOT NULL, 
    tool_calls JSONB DEFAULT '[]'::jsonb NOT NULL, 
    success BOOLEAN DEFAULT true NOT NULL, 
    error_message TEXT, 
    signals_used TEXT[], 
    output_schema TEXT, 
    CONSTRAINT pk_sdk_usage_log PRIMARY KEY (id), 
    CONSTRAINT ck_sdk_usage_log_cached_tokens_range CHECK (cached_tokens >= 0), 
    CONSTRAINT ck_sdk_usage_log_agent_type_length CHECK (char_length(agent_type) >= 1 AND char_length(agent_type) <= 255), 
    CONSTRAINT ck_sdk_usage_log_error_message_length CHECK (char_length(error_message) <= 100000), 
    CONSTRAINT ck_sdk_usage_log_model_used_length CHECK (char_length(model_used) >= 1 AND char_length(model_used) <= 255), 
    CONSTRAINT ck_sdk_usage_log_output_schema_length CHECK (char_length(output_schema) <= 255), 
    CONSTRAINT ck_sdk_usage_log_cost_aud_range CHECK (cost_aud >= 0), 
    CONSTRAINT ck_sdk_usage_log_duration_ms_range CHECK (duration_ms >= 0), 
    CONSTRAINT ck_sdk_usage_log_input_tokens_range CHECK (input_tokens >= 0), 
    CONSTRAINT ck_sdk_usage_log_output_tokens_range CHECK (output_tokens >= 0), 
    CONSTRAINT ck_sdk_usage_log_turns_used_range CHECK (turns_used >= 0), 
    CONSTRAINT fk_sdk_usage_log_client_id_campaign_id_campaigns FOREIGN KEY(client_id, campaign_id) REFERENCES campaigns (client_id, id) ON DELETE SET NULL (campaign_id), 
    CONSTRAINT fk_sdk_usage_log_client_id_lead_id_leads FOREIGN KEY(client_id, lead_id) REFERENCES leads (client_id, id) ON DELETE SET NULL (lead_id), 
    CONSTRAINT fk_sdk_usage_log_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT fk_sdk_usage_log_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE SET NULL, 
    CONSTRAINT uq_sdk_usage_log_client_id_id UNIQUE (client_id, id)
);

CREATE INDEX ix_sdk_usage_log_agent_type ON sdk_usage_log (agent_type);

CREATE INDEX ix_sdk_usage_log_client_id_campaign_id ON sdk_usage_log (client_id, campaign_id);

CREATE INDEX ix_sdk_usage_log_client_id_created_at ON sdk_usage_log (client_id, created_at DESC);

CREATE INDEX ix_sdk_usage_log_client_id_lead_id ON sdk_usage_log (client_id, lead_id);

CREATE INDEX ix_sdk_usage_log_user_id ON sdk_usage_log (user_id);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON client_intelligence FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON client_intelligence FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON client_intelligence TO authenticated, service_role;

GRANT SELECT ON client_intelligence TO anon;

ALTER TABLE client_intelligence ENABLE ROW LEVEL SECURITY;

CREATE POLICY client_intelligence_select ON client_intelligence FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY client_intelligence_insert ON client_intelligence FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY client_intelligence_update ON client_intelligence FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}'))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE POLICY client_intelligence_delete ON client_intelligence FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

REVOKE ALL ON sdk_usage_log FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON sdk_usage_log TO authenticated, service_role;

GRANT SELECT ON sdk_usage_log TO anon;

ALTER TABLE sdk_usage_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY sdk_usage_log_select ON sdk_usage_log FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

UPDATE agency_models_version SET version_num='012' WHERE agency_models_version.version_num = '011';

COMMIT;

