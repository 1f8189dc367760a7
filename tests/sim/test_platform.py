"""Talking to a running Bansō: the CLI makes a tenant, /metrics says how far consumers got."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from banso_kit.auth import verify_token
from banso_sim.platform.metrics import parse
from banso_sim.platform.provision import ProvisionFailed, provision
from tests.ingest.service.support import admin_headers, running_ingest

METRICS = """
# HELP banso_scoring_consumer_lag Messages not yet applied, by topic.
# TYPE banso_scoring_consumer_lag gauge
banso_scoring_consumer_lag{topic="banso.usage.v1"} 120.0
banso_scoring_consumer_lag{topic="banso.feedback.v1"} 3.0
# HELP banso_scoring_messages_processed_total Consumed messages by topic and result.
# TYPE banso_scoring_messages_processed_total counter
banso_scoring_messages_processed_total{result="applied",topic="banso.usage.v1"} 1000.0
banso_scoring_messages_processed_total{result="dead_lettered",topic="banso.usage.v1"} 2.0
banso_ingest_consumer_lag{topic="banso.usage.v1"} 99.0
"""


def test_lag_and_processed_counts_are_summed_for_the_service() -> None:
    progress = parse("scoring", METRICS)
    assert progress.lag == 123.0
    assert progress.processed == 1002.0
    assert parse("notify", METRICS).lag is None


@pytest.mark.kafka
def test_provision_makes_a_workspace_a_write_key_and_an_admin_token_through_the_admin_api(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    secret = "sim-test-secret-0123456789abcdef0123456789"
    with running_ingest(
        tmp_path, bootstrap=kafka_bootstrap, extra_env={"BANSO_SECRET": secret}
    ) as ingest:
        tenant = provision("Sora Analytics (test)", env=ingest.env)
        assert tenant.workspace_id.startswith("ws_")
        assert tenant.write_key
        principal = verify_token(secret, tenant.token)
        assert principal.workspace_id == tenant.workspace_id
        assert "admin" in principal.scopes
        with httpx.Client(base_url=ingest.url, headers=admin_headers(ingest)) as http:
            sources = http.get(f"/v1/admin/workspaces/{tenant.workspace_id}/sources").json()
        assert [s["source_id"] for s in sources] == [tenant.source_id]


def test_provision_explains_an_unreachable_ingest(tmp_path: Path) -> None:
    env = {**os.environ, "BANSO_INGEST_URL": "http://127.0.0.1:9"}
    with pytest.raises(ProvisionFailed, match="cannot reach ingest at http://127.0.0.1:9"):
        provision("Nowhere", env=env)
