BEGIN;

-- Running downgrade 006 -> 005

ALTER TABLE domain_suppression DROP CONSTRAINT ck_domain_suppression_added_by_length;

ALTER TABLE domain_suppression DROP CONSTRAINT ck_domain_suppression_domain_length;

ALTER TABLE domain_suppression DROP CONSTRAINT ck_domain_suppression_reason_length;

ALTER TABLE global_suppression DROP CONSTRAINT ck_global_suppression_added_by_length;

ALTER TABLE global_suppression DROP CONSTRAINT ck_global_suppression_email_length;

ALTER TABLE global_suppression DROP CONSTRAINT ck_global_suppression_reason_length;

ALTER TABLE global_suppression DROP CONSTRAINT ck_global_suppression_source_length;

ALTER TABLE users DROP CONSTRAINT ck_users_avatar_url_length;

ALTER TABLE users DROP CONSTRAINT ck_users_email_length;

ALTER TABLE users DROP CONSTRAINT ck_users_full_name_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_company_description_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_default_offer_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_digest_frequency_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_icp_extraction_source_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_icp_revenue_range_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_name_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_pause_reason_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_stripe_customer_id_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_stripe_subscription_id_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_value_proposition_length;

ALTER TABLE clients DROP CONSTRAINT ck_clients_website_url_length;

ALTER TABLE campaigns DROP CONSTRAINT ck_campaigns_ai_suggestion_reason_length;

ALTER TABLE campaigns DROP CONSTRAINT ck_campaigns_description_length;

ALTER TABLE campaigns DROP CONSTRAINT ck_campaigns_name_length;

ALTER TABLE campaigns DROP CONSTRAINT ck_campaigns_pause_reason_length;

ALTER TABLE client_suppression DROP CONSTRAINT ck_client_suppression_email_length;

ALTER TABLE client_suppression DROP CONSTRAINT ck_client_suppression_reason_length;

ALTER TABLE memberships DROP CONSTRAINT ck_memberships_invited_email_length;

ALTER TABLE campaign_resources DROP CONSTRAINT ck_campaign_resources_resource_id_length;

ALTER TABLE campaign_resources DROP CONSTRAINT ck_campaign_resources_resource_name_length;

ALTER TABLE campaign_sequences DROP CONSTRAINT ck_campaign_sequences_body_template_length;

ALTER TABLE campaign_sequences DROP CONSTRAINT ck_campaign_sequences_purpose_length;

ALTER TABLE campaign_sequences DROP CONSTRAINT ck_campaign_sequences_skip_if_length;

ALTER TABLE campaign_sequences DROP CONSTRAINT ck_campaign_sequences_subject_template_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_assigned_email_resource_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_assigned_linkedin_seat_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_assigned_phone_resource_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_company_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_domain_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_email_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_enrichment_source_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_enrichment_version_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_first_name_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_last_name_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_linkedin_url_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_organization_country_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_organization_industry_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_organization_linkedin_url_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_organization_website_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_personal_email_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_phone_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_rejection_notes_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_seniority_level_length;

ALTER TABLE leads DROP CONSTRAINT ck_leads_title_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_ab_variant_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_action_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_ai_model_used_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_content_preview_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_device_type_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_full_message_body_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_geo_city_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_geo_country_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_in_reply_to_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_link_clicked_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_prompt_version_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_provider_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_provider_message_id_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_provider_status_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_sender_domain_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_subject_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_thread_id_length;

ALTER TABLE activities DROP CONSTRAINT ck_activities_user_agent_length;

UPDATE agency_models_version SET version_num='005' WHERE agency_models_version.version_num = '006';

COMMIT;

