"""Where in a YAML text a field is: the line a person fixes when validation names the field
(scoring's scorecards, notify's playbooks)."""

from __future__ import annotations

from collections.abc import Sequence

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode


def compose(text: str) -> Node | None:
    """The YAML's node tree (positions kept), or None when it does not parse."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def line_of(root: Node | None, loc: Sequence[int | str]) -> int | None:
    """The 1-based line of the field at ``loc`` (pydantic's error location): the line of its key
    in a mapping, of its item in a list; for a field that is missing, the line of the nearest
    enclosing one that is there. Parts that name no node (a union's tag) are skipped."""
    if root is None:
        return None
    node: Node = root
    line = node.start_mark.line + 1
    for part in loc:
        child = _child(node, part)
        if child is None:
            continue
        key, node = child
        line = key.start_mark.line + 1
    return line


def dotted(path: str) -> list[int | str]:
    """``steps.1.send.channel`` as a location: ``["steps", 1, "send", "channel"]``."""
    return [int(part) if part.isdigit() else part for part in path.split(".") if part]


def syntax_error_line(text: str) -> int | None:
    """The 1-based line where the YAML stops parsing, or None when it parses."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return None if mark is None else mark.line + 1
    except yaml.YAMLError:
        return None
    return None


def _child(node: Node, part: int | str) -> tuple[Node, Node] | None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == str(part):
                return key, value
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: Node = node.value[part]
        return item, item
    return None
