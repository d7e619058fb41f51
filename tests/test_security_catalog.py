"""Row-level security as PostgreSQL's catalog records it: the shape of every table's policies
and of the helper functions they call."""

from __future__ import annotations

import re

from agency_models import metadata
from tests.helpers import query


def test_every_table_has_row_level_security_and_one_policy_per_command(agency_db_url):
    enabled = {
        row["relname"]: row["relrowsecurity"]
        for row in query(
            agency_db_url,
            "SELECT relname, relrowsecurity FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
        )
    }
    assert {name: enabled[name] for name in metadata.tables} == dict.fromkeys(metadata.tables, True)
    policies = query(agency_db_url, "SELECT tablename, cmd, roles FROM pg_policies")
    commands = [(row["tablename"], row["cmd"]) for row in policies]
    assert len(commands) == len(set(commands))
    assert {table for table, _ in commands} == set(metadata.tables)
    assert all(list(row["roles"]) == ["authenticated"] for row in policies)


def test_policies_evaluate_the_user_and_helpers_once_per_query(agency_db_url):
    calls = re.compile(r"(auth\.uid\(\)|agency_private\.\w+\()")
    for row in query(agency_db_url, "SELECT tablename, cmd, qual, with_check FROM pg_policies"):
        for expression in (row["qual"], row["with_check"]):
            for match in calls.finditer(expression or ""):
                before = expression[: match.start()].rstrip()
                assert before.endswith("SELECT"), (row["tablename"], row["cmd"], expression)


def test_helper_functions_are_definer_functions_with_a_pinned_path_that_anon_cannot_run(
    agency_db_url,
):
    functions = query(
        agency_db_url,
        "SELECT p.proname, p.prosecdef, p.proconfig,"
        " has_function_privilege('anon', p.oid, 'EXECUTE') AS anon,"
        " has_function_privilege('authenticated', p.oid, 'EXECUTE') AS authenticated"
        " FROM pg_proc p WHERE p.pronamespace = 'agency_private'::regnamespace"
        " AND p.proname LIKE 'current_user_%'",
    )
    assert {row["proname"] for row in functions} == {
        "current_user_client_ids",
        "current_user_teammate_ids",
        "current_user_is_platform_admin",
    }
    for row in functions:
        assert row["prosecdef"], row["proname"]
        assert list(row["proconfig"]) == ['search_path=""'], row["proname"]
        assert (row["anon"], row["authenticated"]) == (False, True), row["proname"]
    schemas = query(
        agency_db_url,
        "SELECT has_schema_privilege('anon', 'agency_private', 'USAGE') AS anon,"
        " has_schema_privilege('authenticated', 'agency_private', 'USAGE') AS authenticated",
    )
    assert tuple(schemas[0]) == (False, True)


def test_every_foreign_key_is_indexed(agency_db_url):
    unindexed = query(
        agency_db_url,
        """
        SELECT c.conrelid::regclass::text AS table_name, c.conname
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
          AND NOT EXISTS (
              SELECT FROM pg_index i
              WHERE i.indrelid = c.conrelid
                AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey
                AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] <@ c.conkey
          )
        """,
    )
    assert [tuple(row) for row in unindexed] == []
