"""A change that would break a consumer of a published schema version fails here.

Every current schema (generated from the models) is compared with every committed version of
its file and with the checked-in working copy; a breaking change needs a new version file.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from banso_contracts.compat import breaking_changes
from banso_contracts.events import ALL_EVENTS, Event
from banso_contracts.schemagen import contracts_root
from banso_contracts.schemas import event_schema, render_json
from tests.contracts.git_history import committed_versions, ever_committed

SCHEMAS = contracts_root() / "schemas"


def _published(path: Path) -> list[tuple[str, str]]:
    """Every published version of ``path``: git history plus the working copy."""
    versions = committed_versions(path)
    if path.exists():
        versions.append(("working copy", path.read_text(encoding="utf-8")))
    return versions


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda c: c.EVENT_TYPE)
def test_current_schema_is_compatible_with_every_published_version(
    event_class: type[Event],
) -> None:
    path = SCHEMAS / f"{event_class.EVENT_TYPE}.json"
    current = event_schema(event_class)
    published = _published(path)
    assert published, f"{path.name} is not checked in: run python -m banso_contracts.schemagen"

    problems = [
        f"{version}: {problem}"
        for version, text in published
        for problem in breaking_changes(json.loads(text), current)
    ]

    assert problems == [], (
        f"{event_class.EVENT_TYPE} changed incompatibly; add a new version instead:\n"
        + "\n".join(problems)
    )


def test_no_published_schema_file_was_deleted() -> None:
    missing = sorted(name for name in ever_committed(SCHEMAS) if not (SCHEMAS / name).exists())
    assert missing == []


def _commit(repo: Path, message: str) -> None:
    git = [
        "git",
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "-c",
        "commit.gpgsign=false",
    ]
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True, capture_output=True)
    subprocess.run([*git, "commit", "-qm", message], cwd=repo, check=True, capture_output=True)


def test_history_reader_finds_every_committed_version(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    schemas = tmp_path / "contracts" / "schemas"
    schemas.mkdir(parents=True)
    path = schemas / "banso.x.v1.json"
    v1 = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    path.write_text(render_json(v1))
    _commit(tmp_path, "v1")
    v2 = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
    v2["required"] = ["a"]
    path.write_text(render_json(v2))
    _commit(tmp_path, "v2: optional field")
    broken = {"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"]}
    path.write_text(render_json(broken))

    versions = _published(path)

    assert [json.loads(text) for _, text in versions] == [v2, v1, broken]
    assert [
        problem for _, t in versions[:2] for problem in breaking_changes(json.loads(t), v2)
    ] == []
    assert breaking_changes(json.loads(versions[1][1]), broken) == [
        "a: field removed",
        "b: new required field (old payloads lack it)",
    ]
    path.unlink()
    _commit(tmp_path, "delete")
    assert ever_committed(schemas) == {"banso.x.v1.json"}


def test_without_git_history_the_working_copy_is_still_compared(tmp_path: Path) -> None:
    path = tmp_path / "banso.x.v1.json"
    path.write_text(render_json({"type": "object"}))
    assert committed_versions(path) == []
    assert _published(path) == [("working copy", render_json({"type": "object"}))]
