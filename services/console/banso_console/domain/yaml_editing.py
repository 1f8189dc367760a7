"""Editing YAML documents (a scorecard, a playbook) in a form: what was typed, checked before it
is sent, and the service's validation problems placed on the lines they are about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Literal

MAX_YAML_BYTES = 256 * 1024
DraftProblem = Literal["required", "too_long"]


def normalise(text: str) -> str:
    """A textarea's text as the YAML to send: browsers post line breaks as CR LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_draft(text: str, *, max_bytes: int = MAX_YAML_BYTES) -> DraftProblem | None:
    if not text.strip():
        return "required"
    if len(text.encode("utf-8")) > max_bytes:
        return "too_long"
    return None


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """One problem a service found: the field (None for the YAML itself), the 1-based line it
    is on (None when unknown), the line's text, the service's message (English), and its code
    and parameters when the service gave them (to word it in the reader's language)."""

    field: str | None
    line: int | None
    excerpt: str | None
    message: str
    code: str | None = None
    params: dict[str, str | int | float | bool] = dataclass_field(default_factory=dict)


def _excerpt(text: str, line: int | None) -> str | None:
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return None
    return lines[line - 1].strip() or None


def plain_params(value: Any) -> dict[str, str | int | float | bool]:
    """A service's ``params`` for a problem: its plain values (nothing else is worded)."""
    if not isinstance(value, Mapping):
        return {}
    return {
        str(key): item for key, item in value.items() if isinstance(item, str | int | float | bool)
    }


# Notify's names for "the document itself" rather than a field of it.
WHOLE_DOCUMENT = frozenset({"(yaml)", "(root)"})


def located_problems(refusal: Any, text: str) -> list[YamlProblem]:
    """A service's 422 answer as problems on lines: scoring's ``detail.located`` or notify's
    ``detail.errors`` (field, line, message each); scoring's plain ``detail.problems``
    sentences when it gave no lines."""
    detail = refusal.get("detail") if isinstance(refusal, Mapping) else None
    if not isinstance(detail, Mapping):
        return []
    found: list[YamlProblem] = []
    for entry in [*(detail.get("located") or []), *(detail.get("errors") or [])]:
        if not isinstance(entry, Mapping):
            continue
        line = entry.get("line") if isinstance(entry.get("line"), int) else None
        name = entry.get("field") or None
        code = entry.get("code")
        found.append(
            YamlProblem(
                field=None if name in WHOLE_DOCUMENT else name,
                line=line,
                excerpt=_excerpt(text, line),
                message=str(entry.get("message") or ""),
                code=code if isinstance(code, str) else None,
                params=plain_params(entry.get("params")),
            )
        )
    if not found:
        for sentence in detail.get("problems") or []:
            found.append(YamlProblem(None, None, None, str(sentence)))
    return found


def page_offset(value: str, *, page: int) -> int:
    """A page's offset as a form sent it; the first page for anything else."""
    text = value.strip()
    if not text.isdigit() or len(text) > 7:
        return 0
    offset = int(text)
    return offset - offset % page
