BEGIN;

-- Running downgrade 014 -> 013

ALTER TABLE global_suppression DROP CONSTRAINT ck_global_suppression_extra_data_shape;

ALTER TABLE resource_pool DROP CONSTRAINT ck_resource_pool_provider_metadata_shape;

ALTER TABLE clients DROP CONSTRAINT ck_clients_als_learned_weights_shape;

ALTER TABLE clients DROP CONSTRAINT ck_clients_als_weights_shape;

ALTER TABLE clients DROP CONSTRAINT ck_clients_branding_shape;

ALTER TABLE clients DROP CONSTRAINT ck_clients_digest_recipients_shape;

ALTER TABLE conversion_pattern_history DROP CONSTRAINT ck_conversion_pattern_history_patterns_shape;

ALTER TABLE conversion_patterns DROP CONSTRAINT ck_conversion_patterns_patterns_shape;

ALTER TABLE lead_pool DROP CONSTRAINT ck_lead_pool_als_components_shape;

ALTER TABLE lead_pool DROP CONSTRAINT ck_lead_pool_sdk_enrichment_shape;

ALTER TABLE lead_pool DROP CONSTRAINT ck_lead_pool_enrichment_data_shape;

ALTER TABLE lead_pool DROP CONSTRAINT ck_lead_pool_employment_history_shape;

ALTER TABLE leads DROP CONSTRAINT ck_leads_als_components_shape;

ALTER TABLE leads DROP CONSTRAINT ck_leads_als_weights_used_shape;

ALTER TABLE leads DROP CONSTRAINT ck_leads_deep_research_data_shape;

ALTER TABLE leads DROP CONSTRAINT ck_leads_sdk_enrichment_shape;

ALTER TABLE leads DROP CONSTRAINT ck_leads_sdk_voice_kb_shape;

ALTER TABLE leads DROP CONSTRAINT ck_leads_sdk_email_content_shape;

ALTER TABLE activities DROP CONSTRAINT ck_activities_provider_response_shape;

ALTER TABLE activities DROP CONSTRAINT ck_activities_content_snapshot_shape;

ALTER TABLE activities DROP CONSTRAINT ck_activities_extra_data_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_website_services_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_website_case_studies_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_website_testimonials_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_website_team_bios_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_linkedin_recent_posts_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_twitter_recent_posts_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_facebook_recent_posts_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_instagram_recent_posts_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_g2_top_reviews_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_capterra_top_reviews_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_trustpilot_top_reviews_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_google_top_reviews_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_proof_metrics_shape;

ALTER TABLE client_intelligence DROP CONSTRAINT ck_client_intelligence_scrape_errors_shape;

ALTER TABLE sdk_usage_log DROP CONSTRAINT ck_sdk_usage_log_tool_calls_shape;

UPDATE agency_models_version SET version_num='013' WHERE agency_models_version.version_num = '014';

COMMIT;

