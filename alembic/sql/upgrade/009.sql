BEGIN;

-- Running upgrade 008 -> 009

CREATE TABLE conversion_patterns (
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    computed_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    pattern_type pattern_type NOT NULL, 
    patterns JSONB NOT NULL, 
    sample_size INTEGER NOT NULL, 
    confidence DOUBLE PRECISION NOT NULL, 
    valid_until TIMESTAMP WITH TIME ZONE NOT NULL, 
    CONSTRAINT pk_conversion_patterns PRIMARY KEY (id), 
    CONSTRAINT ck_conversion_patterns_confidence_range CHECK (confidence >= 0 AND confidence <= 1), 
    CONSTRAINT ck_conversion_patterns_sample_size_range CHECK (sample_size >= 0), 
    CONSTRAINT fk_conversion_patterns_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_conversion_patterns_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT unique_client_pattern_type UNIQUE (client_id, pattern_type)
);

CREATE TABLE conversion_pattern_history (
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    pattern_type pattern_type NOT NULL, 
    patterns JSONB NOT NULL, 
    sample_size INTEGER NOT NULL, 
    confidence DOUBLE PRECISION NOT NULL, 
    computed_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    CONSTRAINT pk_conversion_pattern_history PRIMARY KEY (id), 
    CONSTRAINT ck_conversion_pattern_history_confidence_range CHECK (confidence >= 0 AND confidence <= 1), 
    CONSTRAINT ck_conversion_pattern_history_sample_size_range CHECK (sample_size >= 0), 
    CONSTRAINT fk_conversion_pattern_history_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_conversion_pattern_history_client_id_id UNIQUE (client_id, id)
);

CREATE INDEX ix_conversion_pattern_history_client_id_type_computed_at ON conversion_pattern_history (client_id, pattern_type, computed_at DESC);

CREATE FUNCTION agency_private.record_conversion_pattern() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.patterns, NEW.sample_size, NEW.confidence, NEW.computed_at)
            IS NOT DISTINCT FROM (OLD.patterns, OLD.sample_size, OLD.confidence, OLD.computed_at)
    THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.conversion_pattern_history
        (client_id, pattern_type, patterns, sample_size, confidence, computed_at)
    VALUES
        (NEW.client_id, NEW.pattern_type, NEW.patterns, NEW.sample_size, NEW.confidence,
         NEW.computed_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER record_conversion_pattern AFTER INSERT OR UPDATE OF patterns, sample_size, confidence, computed_at ON conversion_patterns FOR EACH ROW EXECUTE FUNCTION agency_private.record_conversion_pattern();

REVOKE EXECUTE ON FUNCTION agency_private.record_conversion_pattern() FROM PUBLIC;

CREATE TRIGGER set_updated_at BEFORE UPDATE ON conversion_patterns FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

REVOKE ALL ON conversion_patterns FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON conversion_patterns TO authenticated, service_role;

GRANT SELECT ON conversion_patterns TO anon;

ALTER TABLE conversion_patterns ENABLE ROW LEVEL SECURITY;

CREATE POLICY conversion_patterns_select ON conversion_patterns FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

REVOKE ALL ON conversion_pattern_history FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON conversion_pattern_history TO authenticated, service_role;

GRANT SELECT ON conversion_pattern_history TO anon;

ALTER TABLE conversion_pattern_history ENABLE ROW LEVEL SECURITY;

CREATE POLICY conversion_pattern_history_select ON conversion_pattern_history FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

UPDATE agency_models_version SET version_num='009' WHERE agency_models_version.version_num = '008';

COMMIT;

