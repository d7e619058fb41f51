"""Keeps docs/schema-decisions.md honest about the columns of the 24 tables.

``ORIGINAL_COLUMNS`` is transcribed from the original system's fact sheet
(``reference/original-schema.md``, outside this repository): per table, the ORM columns followed
by the SQL-only ones, under their SQL names (``metadata``, not the ORM attribute
``extra_data``). Every original column must be a column of ours or be listed under "Dropped
columns" in the document; every column of ours the original lacked must be listed under
"Added columns". Both lists are backquoted ``table.column`` entries.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from agency_models import Activity, GlobalSuppression, metadata

DOC = Path(__file__).resolve().parents[1] / "docs" / "schema-decisions.md"


def _columns(orm: str, sql_only: str = "") -> tuple[str, ...]:
    """Whitespace-separated column names: the ORM's, then those only the SQL had."""
    return (*orm.split(), *sql_only.split())


ORIGINAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "clients": _columns(
        """
        id name tier subscription_status credits_remaining credits_reset_at paused_at
        pause_reason paused_by_user_id digest_enabled digest_frequency digest_send_hour
        digest_timezone digest_recipients last_digest_sent_at default_permission_mode
        stripe_customer_id stripe_subscription_id website_url company_description
        services_offered years_in_business team_size value_proposition default_offer
        icp_industries icp_company_sizes icp_revenue_range icp_locations icp_titles
        icp_pain_points icp_keywords icp_exclusions als_weights branding
        icp_extracted_at icp_extraction_source icp_confirmed_at icp_extraction_job_id
        created_at updated_at deleted_at
        """,
        sql_only="als_learned_weights als_weights_updated_at conversion_sample_count",
    ),
    "users": _columns(
        """
        id email full_name avatar_url timezone notification_email notification_sms
        is_platform_admin created_at updated_at
        """,
    ),
    "memberships": _columns(
        """
        id user_id client_id role invited_by invited_email accepted_at created_at
        updated_at deleted_at
        """,
    ),
    "campaigns": _columns(
        """
        id client_id created_by name description status paused_at pause_reason
        paused_by_user_id campaign_type lead_allocation_pct lead_count
        ai_suggestion_reason permission_mode target_industries target_titles
        target_company_sizes target_locations allocation_email allocation_sms
        allocation_linkedin allocation_voice allocation_mail start_date end_date
        daily_limit timezone work_hours_start work_hours_end work_days total_leads
        leads_contacted leads_replied leads_converted sequence_steps sequence_delay_days
        uses_default_sequence created_at updated_at deleted_at
        """,
    ),
    "campaign_resources": _columns(
        """
        id campaign_id channel resource_id resource_name daily_limit daily_used
        last_used_at last_reset_at is_active is_warmed created_at updated_at
        """,
        sql_only="client_resource_id",
    ),
    "campaign_sequences": _columns(
        """
        id campaign_id step_number channel delay_days subject_template body_template
        skip_if_replied skip_if_bounced purpose skip_if created_at updated_at
        """,
    ),
    "leads": _columns(
        """
        id client_id campaign_id email phone first_name last_name title company
        linkedin_url domain als_score als_tier als_data_quality als_authority
        als_company_fit als_timing als_risk organization_industry
        organization_employee_count organization_country organization_founded_year
        organization_is_hiring organization_latest_funding_date organization_website
        organization_linkedin_url employment_start_date personal_email seniority_level
        status current_sequence_step next_outreach_at enrichment_source
        enrichment_confidence enrichment_version enriched_at deep_research_data
        deep_research_run_at sdk_enrichment sdk_signals sdk_cost_aud sdk_enriched_at
        sdk_voice_kb sdk_email_content dncr_checked dncr_result email_verified
        phone_verified last_contacted_at last_replied_at last_opened_at last_clicked_at
        reply_count bounce_count rejection_reason rejection_notes rejection_at
        objections_raised timezone timezone_offset assigned_email_resource
        assigned_linkedin_seat assigned_phone_resource created_at updated_at deleted_at
        """,
        sql_only="""
        als_components als_weights_used scored_at lead_pool_id assignment_id
        meeting_booked meeting_booked_at meeting_id deal_id deal_value deal_won
        deal_won_at
        """,
    ),
    # ORM attribute ``extra_data``, SQL column ``metadata``: one column, listed once.
    "global_suppression": _columns(
        """
        id email reason source added_by metadata created_at
        """,
    ),
    "client_suppression": _columns(
        """
        id client_id email reason added_by created_at
        """,
    ),
    "domain_suppression": _columns(
        """
        id domain reason added_by created_at
        """,
    ),
    # ``template_id`` is ORM-only; ``metadata`` is the ORM's ``extra_data``.
    "activities": _columns(
        """
        id client_id campaign_id lead_id channel action provider_message_id thread_id
        in_reply_to sender_domain sequence_step subject content_preview template_id
        ab_test_id ab_variant full_message_body links_included
        personalization_fields_used ai_model_used prompt_version content_snapshot
        conversation_thread_id email_opened email_opened_at email_open_count
        email_clicked email_clicked_at email_click_count time_to_open_minutes
        time_to_click_minutes time_to_reply_minutes touch_number days_since_last_touch
        sequence_position lead_local_time lead_timezone lead_local_day_of_week provider
        provider_status provider_response metadata link_clicked device_type user_agent
        ip_address geo_country geo_city intent intent_confidence processed_at created_at
        """,
        sql_only="led_to_booking",
    ),
    "activity_stats": _columns(
        """
        id client_id campaign_id lead_id date email_sent email_delivered email_opened
        email_clicked email_replied email_bounced sms_sent sms_delivered sms_replied
        linkedin_sent linkedin_accepted linkedin_replied voice_called voice_answered
        voice_voicemail mail_sent mail_delivered total_sent total_replied
        total_converted updated_at
        """,
    ),
    "lead_pool": _columns(
        """
        id client_id campaign_id apollo_id email linkedin_url first_name last_name title
        seniority linkedin_headline photo_url twitter_url phone personal_email city state
        country timezone departments employment_history current_role_start_date
        company_name company_domain company_website company_linkedin_url
        company_description company_logo_url company_industry company_sub_industry
        company_employee_count company_revenue company_revenue_range company_founded_year
        company_country company_city company_state company_postal_code company_is_hiring
        company_latest_funding_stage company_latest_funding_date company_total_funding
        company_technologies company_keywords email_status enrichment_source
        enrichment_confidence enriched_at last_enriched_at enrichment_data
        dataforseo_domain_rank dataforseo_organic_traffic dataforseo_backlinks
        dataforseo_spam_score dataforseo_enriched_at pool_status is_bounced bounced_at
        bounce_reason is_unsubscribed unsubscribed_at unsubscribe_reason dncr_checked
        dncr_result dncr_checked_at als_score als_tier als_components scored_at
        first_contacted_at last_contacted_at total_touches channels_used has_replied
        replied_at reply_intent created_at updated_at
        """,
        sql_only="sdk_enrichment sdk_signals sdk_cost_aud sdk_enriched_at",
    ),
    "lead_social_posts": _columns(
        """
        id lead_id source post_content post_date summary_hook created_at
        """,
    ),
    "conversion_patterns": _columns(
        """
        id client_id pattern_type patterns sample_size confidence computed_at valid_until
        created_at updated_at
        """,
    ),
    "conversion_pattern_history": _columns(
        """
        id client_id pattern_type patterns sample_size confidence computed_at
        """,
    ),
    "resource_pool": _columns(
        """
        id resource_type resource_value resource_name max_clients current_clients status
        warmup_started_at warmup_completed_at reputation_score provider provider_id
        provider_metadata sends_30d bounces_30d complaints_30d bounce_rate complaint_rate
        health_status daily_limit_override health_checked_at created_at updated_at
        """,
    ),
    "client_resources": _columns(
        """
        id client_id resource_pool_id assigned_at released_at total_sends last_used_at
        created_at updated_at
        """,
    ),
    "client_personas": _columns(
        """
        id client_id first_name last_name title email phone display_name photo_url
        calendar_link assigned_mailbox_ids assigned_phone_ids assigned_linkedin_seat_ids
        is_active is_default created_at updated_at
        """,
    ),
    "client_linkedin_credentials": _columns(
        """
        id client_id linkedin_email_encrypted linkedin_password_encrypted connection_status
        heyreach_sender_id heyreach_account_id linkedin_profile_url linkedin_profile_name
        linkedin_headline linkedin_connection_count two_fa_method two_fa_requested_at
        last_error error_count last_error_at connected_at disconnected_at created_at
        updated_at
        """,
        sql_only="unipile_account_id auth_method",
    ),
    "linkedin_seats": _columns(
        """
        id client_id resource_id persona_id unipile_account_id account_email account_name
        profile_url status pending_connection_id activated_at warmup_completed_at
        daily_limit_override accept_rate_7d accept_rate_30d pending_count restricted_at
        restricted_reason created_at updated_at
        """,
    ),
    "linkedin_connections": _columns(
        """
        id lead_id seat_id campaign_id unipile_request_id status note_included note_content
        requested_at profile_viewed_at responded_at follow_up_scheduled_for
        follow_up_sent_at created_at
        """,
    ),
    "client_intelligence": _columns(
        """
        id client_id website_tagline website_value_prop website_services
        website_case_studies website_testimonials website_team_bios website_blog_topics
        website_scraped_at linkedin_url linkedin_follower_count linkedin_employee_count
        linkedin_description linkedin_specialties linkedin_recent_posts linkedin_scraped_at
        twitter_handle twitter_follower_count twitter_bio twitter_recent_posts
        twitter_topics twitter_scraped_at facebook_url facebook_follower_count
        facebook_about facebook_recent_posts facebook_scraped_at instagram_handle
        instagram_follower_count instagram_bio instagram_recent_posts instagram_scraped_at
        g2_url g2_rating g2_review_count g2_top_reviews g2_ai_summary g2_scraped_at
        capterra_url capterra_rating capterra_review_count capterra_top_reviews
        capterra_scraped_at trustpilot_url trustpilot_rating trustpilot_review_count
        trustpilot_top_reviews trustpilot_scraped_at google_business_url google_rating
        google_review_count google_top_reviews google_scraped_at proof_metrics
        proof_clients proof_industries common_pain_points differentiators
        total_scrape_cost_aud last_full_scrape_at scrape_errors created_at updated_at
        deleted_at
        """,
    ),
    "sdk_usage_log": _columns(
        """
        id client_id lead_id campaign_id user_id agent_type model_used input_tokens
        output_tokens cached_tokens cost_aud turns_used duration_ms tool_calls success
        error_message created_at deleted_at
        """,
        sql_only="signals_used output_schema",
    ),
}

ENTRY = re.compile(r"`([a-z_]+)\.([a-z_0-9]+)`")


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"{DOC.name} has no '## {title}' section"
    return match.group(1)


def _entries(title: str) -> set[tuple[str, str]]:
    return set(ENTRY.findall(_section(title)))


def _ours(table: str) -> set[str]:
    return {column.name for column in metadata.tables[table].c}


def test_every_table_is_transcribed() -> None:
    assert set(ORIGINAL_COLUMNS) == set(metadata.tables)


def test_transcription_has_no_duplicates() -> None:
    for table, columns in ORIGINAL_COLUMNS.items():
        assert len(columns) == len(set(columns)), table


def test_document_has_a_section_per_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [table for table in ORIGINAL_COLUMNS if f"### `{table}`" not in text]
    assert not missing, f"no '### `table`' section for {missing}"


@pytest.mark.parametrize("table", list(ORIGINAL_COLUMNS))
def test_original_columns_are_kept_or_documented_as_dropped(table: str) -> None:
    dropped = {column for name, column in _entries("Dropped columns") if name == table}
    ours = _ours(table)
    missing = [c for c in ORIGINAL_COLUMNS[table] if c not in ours and c not in dropped]
    assert not missing, f"{table}: original columns neither kept nor listed as dropped: {missing}"


@pytest.mark.parametrize("table", list(ORIGINAL_COLUMNS))
def test_added_columns_are_documented(table: str) -> None:
    documented = {column for name, column in _entries("Added columns") if name == table}
    added = _ours(table) - set(ORIGINAL_COLUMNS[table])
    assert added <= documented, (
        f"{table}: columns not in the original, not listed as added: {sorted(added - documented)}"
    )


@pytest.mark.parametrize("model", [Activity, GlobalSuppression])
def test_extra_data_is_stored_in_metadata(model: type) -> None:
    assert sa.inspect(model).columns["extra_data"].name == "metadata"


def test_documented_lists_are_true() -> None:
    """An entry of either list must still describe the schema: a dropped column is an original
    column we lack, an added column one of ours the original lacked."""
    wrong = []
    for table, column in _entries("Dropped columns"):
        if table not in ORIGINAL_COLUMNS or column not in ORIGINAL_COLUMNS[table]:
            wrong.append(f"dropped {table}.{column} is not an original column")
        elif column in _ours(table):
            wrong.append(f"dropped {table}.{column} is still a column")
    for table, column in _entries("Added columns"):
        if table not in ORIGINAL_COLUMNS or column not in _ours(table):
            wrong.append(f"added {table}.{column} is not a column of ours")
        elif column in ORIGINAL_COLUMNS[table]:
            wrong.append(f"added {table}.{column} was in the original")
    assert not wrong, wrong
