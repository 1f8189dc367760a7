"""The operator's glossary file (`BRIDGE_GLOSSARY_PATH`): read once at start, checked, kept as text."""

from __future__ import annotations

from pathlib import Path

from banso_bridge.domain.text.glossary import parse_glossary


def read_glossary(path: str) -> str:
    """The file's text ("" when `path` is empty). A missing file or a malformed line stops the
    bridge at start (FileNotFoundError, ValueError) rather than linking themes without it."""
    if not path:
        return ""
    text = Path(path).read_text("utf-8")
    parse_glossary(text)
    return text
