BEGIN;

-- Running upgrade 015 -> 016

CREATE FUNCTION agency_private.keep_client_id() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    IF NEW.client_id IS DISTINCT FROM OLD.client_id THEN
        RAISE EXCEPTION 'client_id of a row of % cannot change', TG_TABLE_NAME
            USING ERRCODE = 'check_violation', CONSTRAINT = 'client_id_immutable',
                  SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'client_id';
    END IF;
    RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION agency_private.keep_client_id() FROM PUBLIC;

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON activities FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON activity_stats FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON campaign_resources FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON campaign_sequences FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON campaigns FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON client_intelligence FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON client_linkedin_credentials FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON client_personas FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON client_resources FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON client_suppression FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON conversion_pattern_history FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON conversion_patterns FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON lead_social_posts FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON leads FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON linkedin_connections FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON linkedin_seats FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON memberships FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

CREATE TRIGGER keep_client_id BEFORE UPDATE OF client_id ON sdk_usage_log FOR EACH ROW EXECUTE FUNCTION agency_private.keep_client_id();

UPDATE agency_models_version SET version_num='016' WHERE agency_models_version.version_num = '015';

COMMIT;

