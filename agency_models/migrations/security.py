"""What the database must hold besides tables: row-level-security policies, privileges of the
API roles, triggers and the package's own functions. ``agency-models db check`` compares the
database with this, expression by expression as PostgreSQL renders them.

The revisions create these; this module states the result, so a policy rewritten by hand, a
dropped trigger or an emptied function is reported as drift. A revision that changes one of
them changes this module in the same commit (``db check`` on a migrated database fails until
it does).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from agency_models.base import AgencyModel
from agency_models.migrations.ddl import EVERY_ROLE, MANAGER_ROLES, WRITER_ROLES, client_ids_with
from agency_models.models import (
    Client,
    ClientUpdate,
    LinkedInCredential,
    LinkedInCredentialRead,
    User,
    UserUpdate,
)

API_ROLES = ("anon", "authenticated", "service_role")
"""The roles whose privileges are compared (the owner's are not)."""
EVERY_COMMAND = ("SELECT", "INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class Policy:
    """The ``<table>_<command>`` policy for ``authenticated``."""

    command: str
    using: str | None = None
    check: str | None = None


@dataclass(frozen=True)
class TableSecurity:
    policies: tuple[Policy, ...]
    table_privileges: Mapping[str, frozenset[str]]
    """Role -> privileges granted on the whole table."""
    column_privileges: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """(role, privilege) -> the columns it is granted on (column grants only)."""
    triggers: Mapping[str, str] = field(default_factory=dict)
    """Trigger name -> the function it executes (``set_updated_at`` is added for tables with
    ``updated_at`` by :func:`expected_triggers`)."""


def _privileges(*names: str) -> frozenset[str]:
    return frozenset(names)


ALL_FOUR = _privileges(*EVERY_COMMAND)
API_GRANTS: Mapping[str, frozenset[str]] = {
    "anon": _privileges("SELECT"),
    "authenticated": ALL_FOUR,
    "service_role": ALL_FOUR,
}
"""``ddl.grant_api_access``: members read and write (as policies allow), anon reads nothing."""


def tenant_policies(
    commands: tuple[str, ...] = EVERY_COMMAND, column: str = "client_id"
) -> tuple[Policy, ...]:
    """``ddl.create_tenant_policies``: every member reads, writers insert and update, managers
    delete."""
    readable = f"{column} IN {client_ids_with(EVERY_ROLE)}"
    writable = f"{column} IN {client_ids_with(WRITER_ROLES)}"
    managed = f"{column} IN {client_ids_with(MANAGER_ROLES)}"
    policies = {
        "SELECT": Policy("SELECT", using=readable),
        "INSERT": Policy("INSERT", check=writable),
        "UPDATE": Policy("UPDATE", using=writable, check=writable),
        "DELETE": Policy("DELETE", using=managed),
    }
    return tuple(policies[command] for command in commands)


def tenant_table(commands: tuple[str, ...] = EVERY_COMMAND, **triggers: str) -> TableSecurity:
    return TableSecurity(tenant_policies(commands), API_GRANTS, triggers=triggers)


def platform_table(**triggers: str) -> TableSecurity:
    """``ddl.secure_platform_table``: platform admins read, the service role writes."""
    admins = "(SELECT agency_private.current_user_is_platform_admin())"
    return TableSecurity((Policy("SELECT", using=admins),), API_GRANTS, triggers=triggers)


OWN_PROFILE = "id = (SELECT auth.uid())"


def _columns(model: type[AgencyModel], schema: type[AgencyModel]) -> tuple[str, ...]:
    """The columns of ``model`` behind the fields of ``schema``."""
    attributes = sa.inspect(model).column_attrs
    return tuple(attributes[name].columns[0].name for name in schema.model_fields)


USER_EDITABLE_COLUMNS = _columns(User, UserUpdate)
"""What a user may change of their own profile (``authenticated``'s column grants)."""
CLIENT_EDITABLE_COLUMNS = _columns(Client, ClientUpdate)
"""What a client's managers may change (never the billing or platform-computed columns)."""
CREDENTIAL_PUBLIC_COLUMNS = _columns(LinkedInCredential, LinkedInCredentialRead)
"""What the API roles may read of a LinkedIn credential: everything but the ciphertexts."""
_MEMBER = f"client_id IN {client_ids_with(EVERY_ROLE)}"
_MEMBERSHIP_MANAGER = (
    f"client_id IN {client_ids_with(MANAGER_ROLES)}"
    f" AND (role <> 'owner' OR client_id IN {client_ids_with('{owner}')})"
)
_CLIENT_MANAGER = f"id IN {client_ids_with(MANAGER_ROLES)}"

TABLES: Mapping[str, TableSecurity] = {
    "users": TableSecurity(
        (
            Policy(
                "SELECT",
                using=f"{OWN_PROFILE} OR id IN (SELECT agency_private.current_user_teammate_ids())",
            ),
            Policy("INSERT", check=OWN_PROFILE),
            Policy("UPDATE", using=OWN_PROFILE, check=OWN_PROFILE),
        ),
        {"anon": _privileges("SELECT"), "authenticated": _privileges("SELECT")}
        | {"service_role": ALL_FOUR},
        {
            ("authenticated", "INSERT"): frozenset(("id", *USER_EDITABLE_COLUMNS)),
            ("authenticated", "UPDATE"): frozenset(USER_EDITABLE_COLUMNS),
        },
    ),
    "clients": TableSecurity(
        (
            Policy("SELECT", using=f"id IN {client_ids_with(EVERY_ROLE)}"),
            Policy("UPDATE", using=_CLIENT_MANAGER, check=_CLIENT_MANAGER),
            Policy("DELETE", using=f"id IN {client_ids_with('{owner}')}"),
        ),
        {
            "anon": _privileges("SELECT"),
            "authenticated": _privileges("SELECT", "DELETE"),
            "service_role": ALL_FOUR,
        },
        {("authenticated", "UPDATE"): frozenset(CLIENT_EDITABLE_COLUMNS)},
    ),
    "memberships": TableSecurity(
        (
            Policy("SELECT", using=_MEMBER),
            Policy("INSERT", check=_MEMBERSHIP_MANAGER),
            Policy("UPDATE", using=_MEMBERSHIP_MANAGER, check=_MEMBERSHIP_MANAGER),
            Policy("DELETE", using=_MEMBERSHIP_MANAGER),
        ),
        API_GRANTS,
    ),
    "campaigns": tenant_table(),
    "campaign_resources": tenant_table(),
    "campaign_sequences": tenant_table(),
    "leads": tenant_table(),
    "client_suppression": tenant_table(),
    "global_suppression": platform_table(),
    "domain_suppression": platform_table(),
    "activities": tenant_table(("SELECT", "INSERT")),
    "activity_stats": tenant_table(("SELECT",)),
    "lead_pool": platform_table(release_campaign="agency_private.release_pool_campaign"),
    "lead_social_posts": tenant_table(),
    "conversion_patterns": tenant_table(
        ("SELECT",), record_conversion_pattern="agency_private.record_conversion_pattern"
    ),
    "conversion_pattern_history": tenant_table(("SELECT",)),
    "resource_pool": platform_table(guard_current_clients="agency_private.guard_current_clients"),
    "client_resources": tenant_table(
        ("SELECT",), count_assignments="agency_private.count_resource_assignments"
    ),
    "client_personas": tenant_table(),
    "client_linkedin_credentials": TableSecurity(
        tenant_policies(),
        {"authenticated": _privileges("INSERT", "UPDATE", "DELETE"), "service_role": ALL_FOUR},
        {
            ("anon", "SELECT"): frozenset(CREDENTIAL_PUBLIC_COLUMNS),
            ("authenticated", "SELECT"): frozenset(CREDENTIAL_PUBLIC_COLUMNS),
        },
    ),
    "linkedin_seats": tenant_table(),
    "linkedin_connections": tenant_table(),
    "client_intelligence": tenant_table(),
    "sdk_usage_log": tenant_table(("SELECT",)),
}

FUNCTIONS: Mapping[str, str] = {
    "agency_private.count_resource_assignments()": (
        "90e7bf7e6ea1a8e1ceae14f5c52281ea77353f53b2c2173ee94379f7638ec7c2"
    ),
    "agency_private.current_user_client_ids(membership_role[])": (
        "431e635cbeba2a85b51d4c97a2c23d4a43c54923fba58781a2ef94e623d9948d"
    ),
    "agency_private.current_user_is_platform_admin()": (
        "3e1a6fbf91bc6bb27df9c713c151f00cea07283652877c9ad867d9537c1020b1"
    ),
    "agency_private.current_user_teammate_ids()": (
        "250f5556a2635d1c16166c3414b8381057e9c40bc4cb091ff8f245bfa764269f"
    ),
    "agency_private.guard_current_clients()": (
        "7fbb693ad22829146305ecf92dc75be3635d4d2b807c814560a70308b7fd607e"
    ),
    "agency_private.keep_client_id()": (
        "c5bfd235408a861a435bf9e2636bcea8e9177145ac9d98a74308bf14b7eb24ba"
    ),
    "agency_private.record_conversion_pattern()": (
        "f0899a5e0d65616167556d56c8f07efe551927ce81571b393f1825a2ce197373"
    ),
    "agency_private.release_pool_campaign()": (
        "22af89b3db3fcc0153b3d714357725c3cb03ae492abed6d8c392c87e7efa52da"
    ),
    "agency_private.set_updated_at()": (
        "0fe1293adac803e4c8e732cee5ddf8d634c7574eae33d73ce5defdb276351f6d"
    ),
}
"""``agency_private`` function signature -> :func:`function_fingerprint` of its definition
(body, language, security, settings, result). A revision that changes a function changes its
fingerprint here (``db check`` on a migrated database reports the difference until it does)."""


def expected_triggers(table: sa.Table) -> Mapping[str, str]:
    """Trigger name -> function, for ``table``: its own, ``set_updated_at`` where it has
    ``updated_at``, ``keep_client_id`` where it belongs to a tenant."""
    triggers = dict(TABLES[table.name].triggers)
    if "updated_at" in table.columns:
        triggers["set_updated_at"] = "agency_private.set_updated_at"
    if "client_id" in table.columns and not table.columns["client_id"].nullable:
        triggers["keep_client_id"] = "agency_private.keep_client_id"
    return triggers


FINGERPRINT_SQL = """
SELECT p.oid::regprocedure::text,
       encode(sha256(convert_to(concat_ws(E'\\n', l.lanname, p.prosecdef::text,
           p.provolatile::text, array_to_string(p.proconfig, ','),
           pg_get_function_result(p.oid), p.prosrc), 'UTF8')), 'hex')
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'agency_private'::regnamespace
"""
"""Signature -> fingerprint of every function in ``agency_private``."""
