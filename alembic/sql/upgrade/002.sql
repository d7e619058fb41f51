BEGIN;

-- Running upgrade 001 -> 002

CREATE TABLE users (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    email TEXT NOT NULL, 
    full_name TEXT, 
    avatar_url TEXT, 
    timezone TEXT DEFAULT 'Australia/Sydney' NOT NULL, 
    notification_email BOOLEAN DEFAULT true NOT NULL, 
    notification_sms BOOLEAN DEFAULT false NOT NULL, 
    is_platform_admin BOOLEAN DEFAULT false NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    CONSTRAINT pk_users PRIMARY KEY (id), 
    CONSTRAINT ck_users_email_normalized CHECK (email = lower(btrim(email)))
);

CREATE INDEX ix_users_email ON users (email);

CREATE TABLE clients (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    name TEXT NOT NULL, 
    tier tier_type DEFAULT 'ignition' NOT NULL, 
    subscription_status subscription_status DEFAULT 'trialing' NOT NULL, 
    credits_remaining INTEGER DEFAULT 1250 NOT NULL, 
    default_permission_mode permission_mode DEFAULT 'co_pilot' NOT NULL, 
    paused_at TIMESTAMP WITH TIME ZONE, 
    pause_reason TEXT, 
    paused_by_user_id UUID, 
    digest_enabled BOOLEAN DEFAULT true NOT NULL, 
    digest_frequency TEXT DEFAULT 'daily' NOT NULL, 
    digest_send_hour INTEGER DEFAULT 7 NOT NULL, 
    digest_timezone TEXT DEFAULT 'Australia/Sydney' NOT NULL, 
    digest_recipients JSONB DEFAULT '[]'::jsonb NOT NULL, 
    stripe_customer_id TEXT, 
    stripe_subscription_id TEXT, 
    website_url TEXT, 
    company_description TEXT, 
    services_offered TEXT[], 
    years_in_business INTEGER, 
    team_size INTEGER, 
    value_proposition TEXT, 
    default_offer TEXT, 
    icp_industries TEXT[], 
    icp_company_sizes TEXT[], 
    icp_revenue_range TEXT, 
    icp_locations TEXT[], 
    icp_titles TEXT[], 
    icp_pain_points TEXT[], 
    icp_keywords TEXT[], 
    icp_exclusions TEXT[], 
    icp_confirmed_at TIMESTAMP WITH TIME ZONE, 
    als_weights JSONB DEFAULT '{}'::jsonb NOT NULL, 
    branding JSONB DEFAULT '{}'::jsonb NOT NULL, 
    credits_reset_at TIMESTAMP WITH TIME ZONE, 
    last_digest_sent_at TIMESTAMP WITH TIME ZONE, 
    icp_extracted_at TIMESTAMP WITH TIME ZONE, 
    icp_extraction_source TEXT, 
    icp_extraction_job_id UUID, 
    als_learned_weights JSONB, 
    als_weights_updated_at TIMESTAMP WITH TIME ZONE, 
    conversion_sample_count INTEGER DEFAULT 0 NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    deleted_at TIMESTAMP WITH TIME ZONE, 
    CONSTRAINT pk_clients PRIMARY KEY (id), 
    CONSTRAINT ck_clients_conversion_sample_count_range CHECK (conversion_sample_count >= 0), 
    CONSTRAINT ck_clients_credits_remaining_range CHECK (credits_remaining >= 0), 
    CONSTRAINT ck_clients_digest_send_hour_range CHECK (digest_send_hour >= 0 AND digest_send_hour <= 23), 
    CONSTRAINT ck_clients_team_size_range CHECK (team_size >= 0), 
    CONSTRAINT ck_clients_years_in_business_range CHECK (years_in_business >= 0), 
    CONSTRAINT fk_clients_paused_by_user_id_users FOREIGN KEY(paused_by_user_id) REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX ix_clients_paused_by_user_id ON clients (paused_by_user_id);

CREATE TABLE memberships (
    id UUID DEFAULT gen_random_uuid() NOT NULL, 
    client_id UUID NOT NULL, 
    role membership_role DEFAULT 'member' NOT NULL, 
    invited_email TEXT, 
    accepted_at TIMESTAMP WITH TIME ZONE, 
    user_id UUID NOT NULL, 
    invited_by UUID, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    deleted_at TIMESTAMP WITH TIME ZONE, 
    CONSTRAINT pk_memberships PRIMARY KEY (id), 
    CONSTRAINT ck_memberships_invited_email_normalized CHECK (invited_email = lower(btrim(invited_email))), 
    CONSTRAINT fk_memberships_client_id_clients FOREIGN KEY(client_id) REFERENCES clients (id) ON DELETE CASCADE, 
    CONSTRAINT uq_memberships_client_id_id UNIQUE (client_id, id), 
    CONSTRAINT fk_memberships_invited_by_users FOREIGN KEY(invited_by) REFERENCES users (id) ON DELETE SET NULL, 
    CONSTRAINT fk_memberships_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX ix_memberships_invited_by ON memberships (invited_by);

CREATE INDEX ix_memberships_user_id ON memberships (user_id);

CREATE UNIQUE INDEX unique_membership ON memberships (user_id, client_id) WHERE deleted_at IS NULL;

CREATE FUNCTION agency_private.current_user_client_ids(roles public.membership_role[])
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
    SELECT m.client_id
    FROM public.memberships m
    JOIN public.clients c ON c.id = m.client_id AND c.deleted_at IS NULL
    WHERE m.user_id = (SELECT auth.uid()) AND m.deleted_at IS NULL AND m.role = ANY (roles)
$$;

CREATE FUNCTION agency_private.current_user_teammate_ids()
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
    SELECT DISTINCT teammate.user_id
    FROM public.memberships own
    JOIN public.memberships teammate
        ON teammate.client_id = own.client_id AND teammate.deleted_at IS NULL
    WHERE own.user_id = (SELECT auth.uid()) AND own.deleted_at IS NULL
$$;

CREATE FUNCTION agency_private.current_user_is_platform_admin()
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
    SELECT coalesce(
        (SELECT u.is_platform_admin FROM public.users u WHERE u.id = (SELECT auth.uid())),
        false
    )
$$;

REVOKE ALL ON FUNCTION agency_private.current_user_client_ids(public.membership_role[]) FROM PUBLIC, anon;

GRANT EXECUTE ON FUNCTION agency_private.current_user_client_ids(public.membership_role[]) TO authenticated, service_role;

REVOKE ALL ON FUNCTION agency_private.current_user_teammate_ids() FROM PUBLIC, anon;

GRANT EXECUTE ON FUNCTION agency_private.current_user_teammate_ids() TO authenticated, service_role;

REVOKE ALL ON FUNCTION agency_private.current_user_is_platform_admin() FROM PUBLIC, anon;

GRANT EXECUTE ON FUNCTION agency_private.current_user_is_platform_admin() TO authenticated, service_role;

GRANT USAGE ON SCHEMA agency_private TO authenticated, service_role;

CREATE TRIGGER set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

ALTER TABLE users ENABLE ROW LEVEL SECURITY;

CREATE TRIGGER set_updated_at BEFORE UPDATE ON clients FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

ALTER TABLE clients ENABLE ROW LEVEL SECURITY;

CREATE TRIGGER set_updated_at BEFORE UPDATE ON memberships FOR EACH ROW EXECUTE FUNCTION agency_private.set_updated_at();

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;

REVOKE ALL ON users FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT ON users TO anon, authenticated;

GRANT INSERT (id, email, full_name, avatar_url, timezone, notification_email, notification_sms) ON users TO authenticated;

GRANT UPDATE (email, full_name, avatar_url, timezone, notification_email, notification_sms) ON users TO authenticated;

GRANT SELECT, INSERT, UPDATE, DELETE ON users TO service_role;

CREATE POLICY users_select ON users FOR SELECT TO authenticated USING (id = (SELECT auth.uid()) OR id IN (SELECT agency_private.current_user_teammate_ids()));

CREATE POLICY users_insert ON users FOR INSERT TO authenticated WITH CHECK (id = (SELECT auth.uid()));

CREATE POLICY users_update ON users FOR UPDATE TO authenticated USING (id = (SELECT auth.uid())) WITH CHECK (id = (SELECT auth.uid()));

REVOKE ALL ON clients FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT ON clients TO anon, authenticated;

GRANT UPDATE (name, default_permission_mode, paused_at, pause_reason, paused_by_user_id, digest_enabled, digest_frequency, digest_send_hour, digest_timezone, digest_recipients, website_url, company_description, services_offered, years_in_business, team_size, value_proposition, default_offer, icp_industries, icp_company_sizes, icp_revenue_range, icp_locations, icp_titles, icp_pain_points, icp_keywords, icp_exclusions, icp_confirmed_at, als_weights, branding) ON clients TO authenticated;

GRANT DELETE ON clients TO authenticated;

GRANT SELECT, INSERT, UPDATE, DELETE ON clients TO service_role;

CREATE POLICY clients_select ON clients FOR SELECT TO authenticated USING (id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY clients_update ON clients FOR UPDATE TO authenticated USING (id IN (SELECT agency_private.current_user_client_ids('{owner,admin}'))) WITH CHECK (id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')));

CREATE POLICY clients_delete ON clients FOR DELETE TO authenticated USING (id IN (SELECT agency_private.current_user_client_ids('{owner}')));

REVOKE ALL ON memberships FROM PUBLIC, anon, authenticated, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO authenticated, service_role;

GRANT SELECT ON memberships TO anon;

CREATE POLICY memberships_select ON memberships FOR SELECT TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin,member,viewer}')));

CREATE POLICY memberships_insert ON memberships FOR INSERT TO authenticated WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')) AND (role <> 'owner' OR client_id IN (SELECT agency_private.current_user_client_ids('{owner}'))));

CREATE POLICY memberships_update ON memberships FOR UPDATE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')) AND (role <> 'owner' OR client_id IN (SELECT agency_private.current_user_client_ids('{owner}')))) WITH CHECK (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')) AND (role <> 'owner' OR client_id IN (SELECT agency_private.current_user_client_ids('{owner}'))));

CREATE POLICY memberships_delete ON memberships FOR DELETE TO authenticated USING (client_id IN (SELECT agency_private.current_user_client_ids('{owner,admin}')) AND (role <> 'owner' OR client_id IN (SELECT agency_private.current_user_client_ids('{owner}'))));

UPDATE agency_models_version SET version_num='002' WHERE agency_models_version.version_num = '001';

COMMIT;

