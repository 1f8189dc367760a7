"""The `banso` command line as an operator runs it: a client of a real ingest's admin API."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from banso_cli.parser import SCOPES
from banso_kit.auth import SCOPES as KIT_SCOPES
from tests.ingest.service.support import BIN, IngestServer, running_ingest

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def ingest(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[IngestServer]:
    with running_ingest(tmp_path_factory.mktemp("cli"), bootstrap=kafka_bootstrap) as server:
        yield server


def banso(
    ingest: IngestServer, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "banso"), *args],
        env={**ingest.env, "BANSO_ACTOR": "ana", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def as_json(ingest: IngestServer, *args: str) -> Any:
    done = banso(ingest, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_workspace_commands_create_list_rename_and_delete(ingest: IngestServer) -> None:
    created = as_json(ingest, "workspace", "create", "Sora 株式会社")
    workspace = created["workspace_id"]
    assert created["name"] == "Sora 株式会社"
    listed = as_json(ingest, "workspace", "list", "--limit", "500")
    assert workspace in [w["workspace_id"] for w in listed["items"]]
    text = banso(ingest, "workspace", "list").stdout
    assert f"{workspace}\tSora 株式会社" in text

    assert as_json(ingest, "workspace", "rename", workspace, "Sora KK")["name"] == "Sora KK"
    deleted = as_json(ingest, "workspace", "delete", workspace, "--yes")
    assert deleted["workspace_id"] == workspace
    unconfirmed = banso(ingest, "workspace", "delete", ingest.workspace_id)
    assert unconfirmed.returncode == 2
    assert "--yes" in unconfirmed.stderr


def test_source_commands_show_the_key_once_then_only_its_prefix(ingest: IngestServer) -> None:
    workspace = as_json(ingest, "workspace", "create", "Keys")["workspace_id"]
    created = as_json(ingest, "source", "create", workspace, "web")
    assert created["write_key"].startswith("wk_")
    listed = as_json(ingest, "source", "list", workspace)
    assert [(s["source_id"], s["key_prefix"]) for s in listed] == [
        (created["source_id"], created["write_key"][: len(listed[0]["key_prefix"])])
    ]
    assert created["write_key"] not in banso(ingest, "source", "list", workspace).stdout

    rotated = as_json(ingest, "source", "rotate", workspace, created["source_id"], "--grace", "60")
    assert rotated["write_key"] != created["write_key"]
    assert rotated["previous_key_expires_at"] is not None
    text = banso(ingest, "source", "revoke", workspace, created["source_id"]).stdout
    assert text.strip() == f"source {created['source_id']} (web) revoked"


def test_token_commands_issue_list_and_revoke(ingest: IngestServer) -> None:
    workspace = as_json(ingest, "workspace", "create", "Tokens")["workspace_id"]
    issued = as_json(
        ingest, "token", "issue", workspace, "--scope", "read", "--days", "7", "--name", "BI"
    )
    assert issued["token"].count(".") == 2
    plain = banso(ingest, "token", "issue", workspace, "--scope", "admin").stdout.strip()
    assert plain.count(".") == 2  # the text form is the token alone, for scripts
    listed = as_json(ingest, "token", "list", workspace)
    assert [(t["name"], t["scopes"]) for t in listed] == [
        ("BI", ["read"]),
        ("api token", ["admin"]),
    ]
    revoked = as_json(ingest, "token", "revoke", workspace, issued["token_id"])
    assert revoked["status"] == "revoked"


def test_audit_list_shows_what_the_cli_did_and_who_did_it(ingest: IngestServer) -> None:
    workspace = as_json(ingest, "workspace", "create", "Audit")["workspace_id"]
    as_json(ingest, "workspace", "rename", workspace, "Audit 2")
    log = as_json(ingest, "audit", "list", "--workspace", workspace)
    assert [(e["action"], e["actor"]) for e in log["items"]] == [
        ("workspace.renamed", "admin-token (ana)"),
        ("workspace.created", "admin-token (ana)"),
    ]
    text = banso(ingest, "audit", "list", "--workspace", workspace, "--limit", "1").stdout
    assert "workspace.renamed" in text
    assert "(more: --before" in text


def test_refusals_and_an_unreachable_ingest_are_explained_with_exit_status_1(
    ingest: IngestServer,
) -> None:
    unknown = banso(ingest, "source", "create", "ws_missing", "web")
    assert unknown.returncode == 1
    assert unknown.stderr == "banso: HTTP 404: workspace 'ws_missing' does not exist\n"
    empty = banso(ingest, "workspace", "create", "")
    assert empty.returncode == 1
    assert "name:" in empty.stderr
    wrong = banso(ingest, "workspace", "list", "--admin-token", "wrong")
    assert wrong.returncode == 1
    assert "HTTP 401: the admin token is wrong" in wrong.stderr
    nowhere = banso(ingest, "--url", "http://127.0.0.1:9", "workspace", "list")
    assert nowhere.returncode == 1
    assert "cannot reach ingest at http://127.0.0.1:9" in nowhere.stderr


def test_version_and_topics_list(ingest: IngestServer) -> None:
    version = banso(ingest, "--version")
    assert version.stdout.strip() == "banso 0.1.0"
    topics = as_json(ingest, "topics", "list")
    assert f"{ingest.prefix}banso.token-revocations.v1" in [t["topic"] for t in topics]


def test_the_command_lines_scopes_are_the_apis() -> None:
    assert SCOPES == KIT_SCOPES
