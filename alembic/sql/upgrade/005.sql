BEGIN;

-- Running upgrade 004 -> 005

CREATE TABLE activities (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    campaign_id UUID NOT NULL, 
    lead_id UUID NOT NULL, 
    channel channel_type NOT NULL, 
    action TEXT NOT NULL, 
    provider TEXT, 
    provider_message_id TEXT, 
    provider_status TEXT, 
    provider_response JSONB, 
    thread_id TEXT, 
    in_reply_to TEXT, 
    conversation_thread_id UUID, 
    sender_domain TEXT, 
    sequence_step INTEGER, 
    touch_number INTEGER, 
    days_since_last_touch INTEGER, 
    sequence_position INTEGER, 
    subject TEXT, 
    content_preview TEXT, 
    full_message_body TEXT, 
    template_id UUID, 
    ab_test_id UUID, 
    ab_variant TEXT, 
    links_included TEXT[], 
    personalization_fields_used TEXT[], 
    ai_model_used TEXT, 
    prompt_version TEXT, 
    content_snapshot JSONB, 
    email_opened BOOLEAN DEFAULT false NOT NULL, 
    email_opened_at TIMESTAMP WITH TIME ZONE, 
    email_open_count INTEGER DEFAULT 0 NOT NULL, 
    email_clicked BOOLEAN DEFAULT false NOT NULL, 
    email_clicked_at TIMESTAMP WITH TIME ZONE, 
    email_click_count INTEGER DEFAULT 0 NOT NULL, 
    link_clicked TEXT, 
    time_to_open_minutes INTEGER, 
    time_to_click_minutes INTEGER, 
    time_to_reply_minutes INTEGER, 
    lead_local_time TIME WITHOUT TIME ZONE, 
    lead_timezone TEXT, 
    lead_local_day_of_week INTEGER, 
    device_type TEXT, 
    user_agent TEXT, 
    ip_address INET, 
    geo_country TEXT, 
    geo_city TEXT, 
    intent intent_type, 
    intent_confidence DOUBLE PRECISION, 
    processed_at TIMESTAMP WITH TIME ZONE, 
    led_to_booking BOOLEAN DEFAULT false NOT NULL, 
    metadata JSONB DEFAULT '{}'::jsonb NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    CONSTRAINT pk_activities PRIMARY KEY (id), 
    CONSTRAINT ck_activities_email_open_count_range CHECK (email_open_count >= 0), 
    CONSTRAINT ck_activities_email_click_count_range CHECK (email_click_count >= 0), 
    CONSTRAINT ck_activities_days_since_last_touch_range CHECK (days_since_last_touch >= 0), 
    CONSTRAINT ck_activities_intent_confidence_range CHECK (intent_confidence >= 0 AND intent_confidence <= 1), 
    CONSTRAINT ck_activities_sequence_position_range CHECK (sequence_position >= 0), 
    CONSTRAINT ck_activities_sequence_step_range CHECK (sequence_step >= 0), 
    CONSTRAINT ck_activities_time_to_click_minutes_range CHECK (time_to_click_minutes >= 0), 
    CONSTRAINT ck_activities_time_to_open_minutes_range CHECK (time_to_open_minutes >= 0), 
    CONSTRAINT ck_activities_time_to_reply_minutes_range CHECK (time_to_reply_minutes >= 0), 
    CONSTRAINT ck_activities_touch_number_range CHECK (touch_number >= 0), 
    CONSTRAINT fk_activities_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_activities_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT fk_activities_client_id_campaign_id_campaigns FOREIGN KEY(client_id, campaign_id) REFERENCES campaigns (client_id, id), 
    CONSTRAINT fk_activities_client_id_lead_id_leads FOREIGN KEY(client_id, lead_id) REFERENCES leads (client_id, id) ON DELETE CASCADE
);

CREATE INDEX ix_activities_client_id_campaign_id_created_at ON activities (client_id, campaign_id, created_at DESC);

CREATE INDEX ix_activities_client_id_created_at ON activities (client_id, created_at DESC);

CREATE INDEX ix_activities_client_id_lead_id_created_at ON activities (client_id, lead_id, created_at DESC);

CREATE INDEX ix_activities_provider_message_id ON activities (provider_message_id);

CREATE INDEX ix_activities_sender_domain ON activities (sender_domain);

CREATE INDEX ix_activities_thread_id ON activities (thread_id);

CREATE TABLE activity_stats (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    campaign_id UUID, 
    lead_id UUID, 
    date DATE DEFAULT (now() AT TIME ZONE 'utc')::date NOT NULL, 
    email_sent INTEGER DEFAULT 0 NOT NULL, 
    email_delivered INTEGER DEFAULT 0 NOT NULL, 
    email_opened INTEGER DEFAULT 0 NOT NULL, 
    email_clicked INTEGER DEFAULT 0 NOT NULL, 
    email_replied INTEGER DEFAULT 0 NOT NULL, 
    email_bounced INTEGER DEFAULT 0 NOT NULL, 
    sms_sent INTEGER DEFAULT 0 NOT NULL, 
    sms_delivered INTEGER DEFAULT 0 NOT NULL, 
    sms_replied INTEGER DEFAULT 0 NOT NULL, 
    linkedin_sent INTEGER DEFAULT 0 NOT NULL, 
    linkedin_accepted INTEGER DEFAULT 0 NOT NULL, 
    linkedin_replied INTEGER DEFAULT 0 NOT NULL, 
    voice_called INTEGER DEFAULT 0 NOT NULL, 
    voice_answered INTEGER DEFAULT 0 NOT NULL, 
    voice_voicemail INTEGER DEFAULT 0 NOT NULL, 
    mail_sent INTEGER DEFAULT 0 NOT NULL, 
    mail_delivered INTEGER DEFAULT 0 NOT NULL, 
    total_sent INTEGER DEFAULT 0 NOT NULL, 
    total_replied INTEGER DEFAULT 0 NOT NULL, 
    total_converted INTEGER DEFAULT 0 NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    CONSTRAINT pk_activity_stats PRIMARY KEY (id), 
    CONSTRAINT ck_activity_stats_email_sent_range CHECK (email_sent >= 0), 
    CONSTRAINT ck_activity_stats_email_delivered_range CHECK (email_delivered >= 0), 
    CONSTRAINT ck_activity_stats_email_opened_range CHECK (email_opened >= 0), 
    CONSTRAINT ck_activity_stats_email_clicked_range CHECK (email_clicked >= 0), 
    CONSTRAINT ck_activity_stats_email_replied_range CHECK (email_replied >= 0), 
    CONSTRAINT ck_activity_stats_email_bounced_range CHECK (email_bounced >= 0), 
    CONSTRAINT ck_activity_stats_sms_sent_range CHECK (sms_sent >= 0), 
    CONSTRAINT ck_activity_stats_sms_delivered_range CHECK (sms_delivered >= 0), 
    CONSTRAINT ck_activity_stats_sms_replied_range CHECK (sms_replied >= 0), 
    CONSTRAINT ck_activity_stats_linkedin_sent_range CHECK (linkedin_sent >= 0), 
    CONSTRAINT ck_activity_stats_linkedin_accepted_range CHECK (linkedin_accepted >= 0), 
    CONSTRAINT ck_activity_stats_linkedin_replied_range CHECK (linkedin_replied >= 0), 
    CONSTRAINT ck_activity_stats_voice_called_range CHECK (voice_called >= 0), 
    CONSTRAINT ck_activity_stats_voice_answered_range CHECK (voice_answered >= 0), 
    CONSTRAINT ck_activity_stats_voice_voicemail_range CHECK (voice_voicemail >= 0), 
    CONSTRAINT ck_activity_stats_mail_sent_range CHECK (mail_sent >= 0), 
    CONSTRAINT ck_activity_stats_mail_delivered_range CHECK (mail_delivered >= 0), 
    CONSTRAINT ck_activity_stats_total_sent_range CHECK (total_sent >= 0), 
    CONSTRAINT ck_activity_stats_total_replied_range CHECK (total_replied >= 0), 
    CONSTRAINT ck_activity_stats_total_converted_range CHECK (total_converted >= 0), 
    CONSTRAINT fk_activity_stats_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_activity_stats_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT fk_activity_stats_client_id_campaign_id_campaigns FOREIGN KEY(client_id, campaign_id) REFERENCES campaigns (client_id, id) ON DELETE CASCADE, 
    CONSTRAINT fk_activity_stats_client_id_lead_id_leads FOREIGN KEY(client_id, lead_id) REFERENCES leads (client_id, id) ON DELETE CASCADE, 
    CONSTRAINT unique_activity_stats UNIQUE NULLS NOT DISTINCT (client_id, campaign_id, lead_id, date)
);

CREATE INDEX ix_activity_stats_client_id_lead_id ON activity_stats (client_id, lead_id);

REVOKE ALL ON activities FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON activities TO authenticated, service_role;

GRANT SELECT ON activities TO anon;

ALTER TABLE activities ENABLE ROW LEVEL SECURITY;

CREATE POLICY activities_select ON activities FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY activities_insert ON activities FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member}')));

CREATE TRIGGER set_updated_at BEFORE UPDATE ON activity_stats FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON activity_stats FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON activity_stats TO authenticated, service_role;

GRANT SELECT ON activity_stats TO anon;

ALTER TABLE activity_stats ENABLE ROW LEVEL SECURITY;

CREATE POLICY activity_stats_select ON activity_stats FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

UPDATE agency_models_version SET version_num='005' WHERE agency_models_version.version_num = '004';

COMMIT;

