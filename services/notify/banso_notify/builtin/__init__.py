"""The playbooks every workspace starts with (Japanese and English), shipped as YAML."""

from __future__ import annotations

from importlib.resources import files

from banso_notify.domain.playbook import Playbook, parse_playbook


def builtin_playbook_sources() -> dict[str, str]:
    """Playbook id → YAML text, in a stable order."""
    folder = files(__package__).joinpath("playbooks")
    sources = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".yaml"):
            sources[entry.name.removesuffix(".yaml")] = entry.read_text(encoding="utf-8")
    return sources


def builtin_playbooks() -> list[Playbook]:
    return [parse_playbook(source) for source in builtin_playbook_sources().values()]
