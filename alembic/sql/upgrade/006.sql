BEGIN;

-- Running upgrade 005 -> 006

ALTER TABLE domain_suppression ADD CONSTRAINT ck_domain_suppression_added_by_length CHECK (char_length(added_by) <= 255) NOT VALID;

ALTER TABLE domain_suppression ADD CONSTRAINT ck_domain_suppression_domain_length CHECK (char_length(domain) <= 253) NOT VALID;

ALTER TABLE domain_suppression ADD CONSTRAINT ck_domain_suppression_reason_length CHECK (char_length(reason) >= 1 AND char_length(reason) <= 255) NOT VALID;

ALTER TABLE global_suppression ADD CONSTRAINT ck_global_suppression_added_by_length CHECK (char_length(added_by) <= 255) NOT VALID;

ALTER TABLE global_suppression ADD CONSTRAINT ck_global_suppression_email_length CHECK (char_length(email) <= 254) NOT VALID;

ALTER TABLE global_suppression ADD CONSTRAINT ck_global_suppression_reason_length CHECK (char_length(reason) >= 1 AND char_length(reason) <= 255) NOT VALID;

ALTER TABLE global_suppression ADD CONSTRAINT ck_global_suppression_source_length CHECK (char_length(source) <= 255) NOT VALID;

ALTER TABLE users ADD CONSTRAINT ck_users_avatar_url_length CHECK (char_length(avatar_url) <= 2048) NOT VALID;

ALTER TABLE users ADD CONSTRAINT ck_users_email_length CHECK (char_length(email) <= 254) NOT VALID;

ALTER TABLE users ADD CONSTRAINT ck_users_full_name_length CHECK (char_length(full_name) <= 255) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_company_description_length CHECK (char_length(company_description) <= 100000) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_default_offer_length CHECK (char_length(default_offer) <= 100000) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_digest_frequency_length CHECK (char_length(digest_frequency) <= 255) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_icp_extraction_source_length CHECK (char_length(icp_extraction_source) <= 255) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_icp_revenue_range_length CHECK (char_length(icp_revenue_range) <= 255) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_name_length CHECK (char_length(name) >= 1 AND char_length(name) <= 255) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_pause_reason_length CHECK (char_length(pause_reason) <= 100000) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_stripe_customer_id_length CHECK (char_length(stripe_customer_id) <= 255) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_stripe_subscription_id_length CHECK (char_length(stripe_subscription_id) <= 255) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_value_proposition_length CHECK (char_length(value_proposition) <= 100000) NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_website_url_length CHECK (char_length(website_url) <= 2048) NOT VALID;

ALTER TABLE campaigns ADD CONSTRAINT ck_campaigns_ai_suggestion_reason_length CHECK (char_length(ai_suggestion_reason) <= 100000) NOT VALID;

ALTER TABLE campaigns ADD CONSTRAINT ck_campaigns_description_length CHECK (char_length(description) <= 100000) NOT VALID;

ALTER TABLE campaigns ADD CONSTRAINT ck_campaigns_name_length CHECK (char_length(name) >= 1 AND char_length(name) <= 255) NOT VALID;

ALTER TABLE campaigns ADD CONSTRAINT ck_campaigns_pause_reason_length CHECK (char_length(pause_reason) <= 100000) NOT VALID;

ALTER TABLE client_suppression ADD CONSTRAINT ck_client_suppression_email_length CHECK (char_length(email) <= 254) NOT VALID;

ALTER TABLE client_suppression ADD CONSTRAINT ck_client_suppression_reason_length CHECK (char_length(reason) >= 1 AND char_length(reason) <= 255) NOT VALID;

ALTER TABLE memberships ADD CONSTRAINT ck_memberships_invited_email_length CHECK (char_length(invited_email) <= 254) NOT VALID;

ALTER TABLE campaign_resources ADD CONSTRAINT ck_campaign_resources_resource_id_length CHECK (char_length(resource_id) >= 1 AND char_length(resource_id) <= 255) NOT VALID;

ALTER TABLE campaign_resources ADD CONSTRAINT ck_campaign_resources_resource_name_length CHECK (char_length(resource_name) <= 255) NOT VALID;

ALTER TABLE campaign_sequences ADD CONSTRAINT ck_campaign_sequences_body_template_length CHECK (char_length(body_template) >= 1 AND char_length(body_template) <= 100000) NOT VALID;

ALTER TABLE campaign_sequences ADD CONSTRAINT ck_campaign_sequences_purpose_length CHECK (char_length(purpose) <= 255) NOT VALID;

ALTER TABLE campaign_sequences ADD CONSTRAINT ck_campaign_sequences_skip_if_length CHECK (char_length(skip_if) <= 255) NOT VALID;

ALTER TABLE campaign_sequences ADD CONSTRAINT ck_campaign_sequences_subject_template_length CHECK (char_length(subject_template) <= 100000) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_assigned_email_resource_length CHECK (char_length(assigned_email_resource) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_assigned_linkedin_seat_length CHECK (char_length(assigned_linkedin_seat) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_assigned_phone_resource_length CHECK (char_length(assigned_phone_resource) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_company_length CHECK (char_length(company) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_domain_length CHECK (char_length(domain) <= 253) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_email_length CHECK (char_length(email) <= 254) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_enrichment_source_length CHECK (char_length(enrichment_source) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_enrichment_version_length CHECK (char_length(enrichment_version) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_first_name_length CHECK (char_length(first_name) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_last_name_length CHECK (char_length(last_name) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_linkedin_url_length CHECK (char_length(linkedin_url) <= 2048) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_organization_country_length CHECK (char_length(organization_country) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_organization_industry_length CHECK (char_length(organization_industry) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_organization_linkedin_url_length CHECK (char_length(organization_linkedin_url) <= 2048) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_organization_website_length CHECK (char_length(organization_website) <= 2048) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_personal_email_length CHECK (char_length(personal_email) <= 254) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_phone_length CHECK (char_length(phone) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_rejection_notes_length CHECK (char_length(rejection_notes) <= 100000) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_seniority_level_length CHECK (char_length(seniority_level) <= 255) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_title_length CHECK (char_length(title) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_ab_variant_length CHECK (char_length(ab_variant) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_action_length CHECK (char_length(action) >= 1 AND char_length(action) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_ai_model_used_length CHECK (char_length(ai_model_used) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_content_preview_length CHECK (char_length(content_preview) <= 100000) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_device_type_length CHECK (char_length(device_type) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_full_message_body_length CHECK (char_length(full_message_body) <= 100000) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_geo_city_length CHECK (char_length(geo_city) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_geo_country_length CHECK (char_length(geo_country) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_in_reply_to_length CHECK (char_length(in_reply_to) <= 100000) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_link_clicked_length CHECK (char_length(link_clicked) <= 100000) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_prompt_version_length CHECK (char_length(prompt_version) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_provider_length CHECK (char_length(provider) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_provider_message_id_length CHECK (char_length(provider_message_id) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_provider_status_length CHECK (char_length(provider_status) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_sender_domain_length CHECK (char_length(sender_domain) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_subject_length CHECK (char_length(subject) <= 100000) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_thread_id_length CHECK (char_length(thread_id) <= 255) NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_user_agent_length CHECK (char_length(user_agent) <= 100000) NOT VALID;

UPDATE agency_models_version SET version_num='006' WHERE agency_models_version.version_num = '005';

COMMIT;

