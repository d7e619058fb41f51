BEGIN;

-- Running upgrade 013 -> 014

ALTER TABLE global_suppression ADD CONSTRAINT ck_global_suppression_extra_data_shape CHECK (jsonb_typeof(metadata) = 'object') NOT VALID;

ALTER TABLE resource_pool ADD CONSTRAINT ck_resource_pool_provider_metadata_shape CHECK (jsonb_typeof(provider_metadata) = 'object') NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_als_learned_weights_shape CHECK (jsonb_typeof(als_learned_weights) = 'object') NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_als_weights_shape CHECK (jsonb_typeof(als_weights) = 'object') NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_branding_shape CHECK (jsonb_typeof(branding) = 'object') NOT VALID;

ALTER TABLE clients ADD CONSTRAINT ck_clients_digest_recipients_shape CHECK (jsonb_typeof(digest_recipients) = 'array' AND jsonb_array_length(digest_recipients) <= 100 AND NOT jsonb_path_exists(digest_recipients, '$[*] ? (@.type() != "string")')) NOT VALID;

ALTER TABLE conversion_pattern_history ADD CONSTRAINT ck_conversion_pattern_history_patterns_shape CHECK (jsonb_typeof(patterns) = 'object') NOT VALID;

ALTER TABLE conversion_patterns ADD CONSTRAINT ck_conversion_patterns_patterns_shape CHECK (jsonb_typeof(patterns) = 'object') NOT VALID;

ALTER TABLE lead_pool ADD CONSTRAINT ck_lead_pool_als_components_shape CHECK (jsonb_typeof(als_components) = 'object') NOT VALID;

ALTER TABLE lead_pool ADD CONSTRAINT ck_lead_pool_sdk_enrichment_shape CHECK (jsonb_typeof(sdk_enrichment) = 'object') NOT VALID;

ALTER TABLE lead_pool ADD CONSTRAINT ck_lead_pool_enrichment_data_shape CHECK (jsonb_typeof(enrichment_data) = 'object') NOT VALID;

ALTER TABLE lead_pool ADD CONSTRAINT ck_lead_pool_employment_history_shape CHECK (jsonb_typeof(employment_history) = 'array' AND jsonb_array_length(employment_history) <= 1000 AND NOT jsonb_path_exists(employment_history, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_als_components_shape CHECK (jsonb_typeof(als_components) = 'object') NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_als_weights_used_shape CHECK (jsonb_typeof(als_weights_used) = 'object') NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_deep_research_data_shape CHECK (jsonb_typeof(deep_research_data) = 'object') NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_sdk_enrichment_shape CHECK (jsonb_typeof(sdk_enrichment) = 'object') NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_sdk_voice_kb_shape CHECK (jsonb_typeof(sdk_voice_kb) = 'object') NOT VALID;

ALTER TABLE leads ADD CONSTRAINT ck_leads_sdk_email_content_shape CHECK (jsonb_typeof(sdk_email_content) = 'object') NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_provider_response_shape CHECK (jsonb_typeof(provider_response) = 'object') NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_content_snapshot_shape CHECK (jsonb_typeof(content_snapshot) = 'object') NOT VALID;

ALTER TABLE activities ADD CONSTRAINT ck_activities_extra_data_shape CHECK (jsonb_typeof(metadata) = 'object') NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_website_services_shape CHECK (jsonb_typeof(website_services) = 'array' AND jsonb_array_length(website_services) <= 1000 AND NOT jsonb_path_exists(website_services, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_website_case_studies_shape CHECK (jsonb_typeof(website_case_studies) = 'array' AND jsonb_array_length(website_case_studies) <= 1000 AND NOT jsonb_path_exists(website_case_studies, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_website_testimonials_shape CHECK (jsonb_typeof(website_testimonials) = 'array' AND jsonb_array_length(website_testimonials) <= 1000 AND NOT jsonb_path_exists(website_testimonials, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_website_team_bios_shape CHECK (jsonb_typeof(website_team_bios) = 'array' AND jsonb_array_length(website_team_bios) <= 1000 AND NOT jsonb_path_exists(website_team_bios, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_linkedin_recent_posts_shape CHECK (jsonb_typeof(linkedin_recent_posts) = 'array' AND jsonb_array_length(linkedin_recent_posts) <= 1000 AND NOT jsonb_path_exists(linkedin_recent_posts, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_twitter_recent_posts_shape CHECK (jsonb_typeof(twitter_recent_posts) = 'array' AND jsonb_array_length(twitter_recent_posts) <= 1000 AND NOT jsonb_path_exists(twitter_recent_posts, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_facebook_recent_posts_shape CHECK (jsonb_typeof(facebook_recent_posts) = 'array' AND jsonb_array_length(facebook_recent_posts) <= 1000 AND NOT jsonb_path_exists(facebook_recent_posts, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_instagram_recent_posts_shape CHECK (jsonb_typeof(instagram_recent_posts) = 'array' AND jsonb_array_length(instagram_recent_posts) <= 1000 AND NOT jsonb_path_exists(instagram_recent_posts, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_g2_top_reviews_shape CHECK (jsonb_typeof(g2_top_reviews) = 'array' AND jsonb_array_length(g2_top_reviews) <= 1000 AND NOT jsonb_path_exists(g2_top_reviews, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_capterra_top_reviews_shape CHECK (jsonb_typeof(capterra_top_reviews) = 'array' AND jsonb_array_length(capterra_top_reviews) <= 1000 AND NOT jsonb_path_exists(capterra_top_reviews, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_trustpilot_top_reviews_shape CHECK (jsonb_typeof(trustpilot_top_reviews) = 'array' AND jsonb_array_length(trustpilot_top_reviews) <= 1000 AND NOT jsonb_path_exists(trustpilot_top_reviews, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_google_top_reviews_shape CHECK (jsonb_typeof(google_top_reviews) = 'array' AND jsonb_array_length(google_top_reviews) <= 1000 AND NOT jsonb_path_exists(google_top_reviews, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_proof_metrics_shape CHECK (jsonb_typeof(proof_metrics) = 'array' AND jsonb_array_length(proof_metrics) <= 1000 AND NOT jsonb_path_exists(proof_metrics, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE client_intelligence ADD CONSTRAINT ck_client_intelligence_scrape_errors_shape CHECK (jsonb_typeof(scrape_errors) = 'array' AND jsonb_array_length(scrape_errors) <= 1000 AND NOT jsonb_path_exists(scrape_errors, '$[*] ? (@.type() != "object")')) NOT VALID;

ALTER TABLE sdk_usage_log ADD CONSTRAINT ck_sdk_usage_log_tool_calls_shape CHECK (jsonb_typeof(tool_calls) = 'array' AND jsonb_array_length(tool_calls) <= 1000 AND NOT jsonb_path_exists(tool_calls, '$[*] ? (@.type() != "object")')) NOT VALID;

UPDATE agency_models_version SET version_num='014' WHERE agency_models_version.version_num = '013';

COMMIT;

