"""What the playbook page's editing section shows an administrator: the YAML (as saved, or as
typed when it was refused), its problems, the versions with who made each, what just changed."""

from __future__ import annotations

from typing import Any

from banso_console.api.deps import ConsoleContext, SignedIn
from banso_console.domain.playbooks import made_by
from banso_console.domain.yaml_editing import YamlProblem

DONE = ("saved", "unchanged", "on", "off")


async def editing_values(
    context: ConsoleContext,
    signed_in: SignedIn,
    workspace_id: str,
    playbook: dict[str, Any],
    *,
    draft: str | None = None,
    problems: list[YamlProblem] | None = None,
    draft_problem: str | None = None,
    done: str | None = None,
) -> dict[str, Any] | None:
    """None for anyone but an administrator (who alone changes playbooks)."""
    if not signed_in.viewer.can("administer"):
        return None
    versions = [
        {**version, "made_by": made_by(version.get("created_by"))}
        for version in (await context.notify.versions(workspace_id, playbook["id"]))[::-1]
    ]
    # a version saved through the API names its token: by the token's name where ingest has it
    tokens = {v["made_by"].token for v in versions if v["made_by"] and v["made_by"].token}
    token_names = await context.token_names.of(
        tokens, actor=signed_in.viewer.email, scope=workspace_id
    )
    return {
        "draft": playbook["source"] if draft is None else draft,
        "problems": problems or [],
        "draft_problem": draft_problem,
        "versions": versions,
        "token_names": token_names,
        "done": done if done in DONE else None,
    }
