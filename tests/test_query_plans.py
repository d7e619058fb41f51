"""The queries services run are index scans without a sort, on a realistically sized table."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import URL

from factories.testdb import throwaway_database
from tests.helpers import column, query

LEADS = 1_000_000
TENANTS = 20

POPULATE = f"""
WITH tenants AS (
    INSERT INTO clients (name) SELECT 'Tenant ' || n FROM generate_series(1, {TENANTS}) n
    RETURNING id
), campaigns AS (
    INSERT INTO campaigns (client_id, name) SELECT id, 'Campaign' FROM tenants
    RETURNING client_id, id
), numbered AS (
    SELECT client_id, id AS campaign_id, row_number() OVER () AS tenant_number FROM campaigns
)
INSERT INTO leads (client_id, campaign_id, email, status, als_score, created_at, deleted_at)
SELECT n.client_id, n.campaign_id, 'lead' || i || '@example.com',
       (ARRAY['new','enriched','scored','in_sequence']::lead_status[])[1 + i % 4],
       i % 101,
       now() - (i || ' seconds')::interval,
       CASE WHEN i % 10 = 0 THEN now() ELSE NULL END
FROM generate_series(1, {LEADS}) i
JOIN numbered n ON n.tenant_number = 1 + i % {TENANTS}
"""


@pytest.fixture(scope="module")
def million_leads() -> Iterator[URL]:
    with throwaway_database() as url:
        query(url, POPULATE)
        query(url, "ANALYZE")
        yield url


def _plan(url: URL, sql: str) -> dict:
    (plan,) = column(url, f"EXPLAIN (FORMAT JSON) {sql}")
    return json.loads(plan)[0]["Plan"]


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _tenant(url: URL) -> str:
    return str(column(url, "SELECT id FROM clients ORDER BY name LIMIT 1")[0])


def test_newest_live_leads_of_a_tenant_is_an_index_scan_without_a_sort(million_leads):
    assert column(million_leads, "SELECT count(*) FROM leads") == [LEADS]
    plan = _plan(
        million_leads,
        f"SELECT * FROM leads WHERE client_id = '{_tenant(million_leads)}' "
        "AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 50",
    )
    nodes = list(_nodes(plan))
    assert not [node for node in nodes if node["Node Type"] in ("Sort", "Incremental Sort")]
    (scan,) = [node for node in nodes if "Scan" in node["Node Type"]]
    assert scan["Node Type"] == "Index Scan", plan
    assert scan["Index Name"] == "ix_leads_client_id_created_at"


@pytest.mark.parametrize(
    ("where_and_order", "index"),
    [
        ("AND status = 'scored' ORDER BY created_at DESC", "ix_leads_client_id_status"),
        ("ORDER BY als_score DESC NULLS LAST", "ix_leads_client_id_als_score"),
    ],
)
def test_leads_by_status_and_by_score_within_a_tenant_use_their_index(
    million_leads, where_and_order, index
):
    plan = _plan(
        million_leads,
        f"SELECT id FROM leads WHERE client_id = '{_tenant(million_leads)}' "
        f"AND deleted_at IS NULL {where_and_order} LIMIT 50",
    )
    nodes = list(_nodes(plan))
    assert not [node for node in nodes if node["Node Type"] in ("Sort", "Incremental Sort")]
    assert index in {node.get("Index Name") for node in nodes}, plan


def test_a_lookup_by_email_uses_the_tenant_unique_index(million_leads):
    plan = _plan(
        million_leads,
        f"SELECT id FROM leads WHERE client_id = '{_tenant(million_leads)}' "
        "AND email = 'lead21@example.com' AND deleted_at IS NULL",
    )
    assert "unique_lead_per_client" in {node.get("Index Name") for node in _nodes(plan)}, plan
