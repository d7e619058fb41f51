BEGIN;

-- Running upgrade 006 -> 007

DO $$
DECLARE pending record;
BEGIN
    FOR pending IN SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE NOT c.convalidated AND t.relnamespace = current_schema()::regnamespace ORDER BY 1, 2 LOOP
        EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', pending.conrelid, pending.conname);
    END LOOP;
END
$$;

UPDATE agency_models_version SET version_num='007' WHERE agency_models_version.version_num = '006';

COMMIT;

