"""Validation errors as ``path: message`` lines a person editing YAML can act on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from banso_kit.problem_codes import Params, code_of
from banso_scoring.domain.measure_specs import MEASURE_KINDS
from banso_scoring.domain.scoring_functions import SCORING_KINDS

# Pydantic puts the tag of a discriminated union into the error location
# (``measures.2.usage_trend.window``); people think of ``measures[2].window``.
_UNION_TAGS = MEASURE_KINDS | SCORING_KINDS
_PREFIXES = ("Value error, ", "Assertion failed, ")


def field_path(loc: Sequence[int | str]) -> str:
    """``('measures', 2, 'usage_trend', 'window')`` → ``measures[2].window``."""
    path = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in _UNION_TAGS and index > 0 and loc[index - 1] != "measure":
            continue
        else:
            path += f".{part}" if path else part
    return path


def _message(error: ErrorDetails) -> str:
    text = error["msg"]
    for prefix in _PREFIXES:
        text = text.removeprefix(prefix)
    if error["type"] == "union_tag_invalid":
        ctx = error.get("ctx") or {}
        field = str(ctx.get("discriminator", "kind")).strip("'")
        text = f"unknown {field} {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    elif error["type"] == "extra_forbidden":
        text = "unknown field"
    return text


def describe(error: ValidationError, *, prefix: Iterable[int | str] = ()) -> list[str]:
    """One ``path: message`` line per problem, in the order pydantic found them."""
    lines = []
    for found in problems_of(error, prefix=prefix):
        lines.append(f"{found.path}: {found.message}" if found.path else found.message)
    return lines


class FoundProblem(NamedTuple):
    """A validation problem: its field path, pydantic's location, the English message, and the
    stable code and parameters to word it in another language."""

    path: str
    loc: tuple[int | str, ...]
    message: str
    code: str
    params: Params


def problems_of(error: ValidationError, *, prefix: Iterable[int | str] = ()) -> list[FoundProblem]:
    """Each problem found, in the order pydantic found them."""
    found = []
    for detail in error.errors(include_url=False):
        loc = (*prefix, *detail["loc"])
        code, params = code_of(detail)
        found.append(FoundProblem(field_path(loc), loc, _message(detail), code, params))
    return found
