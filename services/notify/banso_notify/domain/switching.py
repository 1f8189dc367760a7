"""Turning a playbook on or off as a new version, keeping the rest of its text as it was typed."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode


def with_enabled(source: str, definition: dict[str, Any], enabled: bool) -> str:
    """The playbook's text with ``enabled`` set: the top-level value replaced in place (comments
    and layout kept), or the field added; a text that is not a block mapping (JSON, a flow
    mapping) is written again from the definition."""
    word = "true" if enabled else "false"
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        root = None
    if isinstance(root, MappingNode) and not root.flow_style:
        for key, value in root.value:
            if getattr(key, "value", None) == "enabled":
                start, end = value.start_mark.index, value.end_mark.index
                return source[:start] + word + source[end:]
        return source.rstrip("\n") + f"\nenabled: {word}\n"
    return yaml.safe_dump({**definition, "enabled": enabled}, allow_unicode=True, sort_keys=False)
