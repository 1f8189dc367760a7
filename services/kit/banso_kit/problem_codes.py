"""A validation problem as a stable code and its parameters, beside the English message, so a
client can word it in its reader's language (the console does, from its catalogues).

The code of a pydantic error is pydantic's own error type (``missing``, ``extra_forbidden``,
``greater_than_equal``, ...), its parameters the error's context (``{"ge": 0}``); problems found
outside pydantic use codes of their own (``yaml_syntax``, ``not_mapping``, ...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic_core import ErrorDetails

Params = dict[str, str | int | float | bool]


def _plain(value: Any) -> str | int | float | bool:
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def code_of(error: ErrorDetails) -> tuple[str, Params]:
    """Pydantic's error type and its context's values (JSON-safe; the raised exception of a
    ``value_error`` is left out: its message is the English text already)."""
    context: Mapping[str, Any] = error.get("ctx") or {}
    params = {key: _plain(value) for key, value in context.items() if key != "error"}
    if "discriminator" in params:
        params["discriminator"] = str(params["discriminator"]).strip("'")
    return error["type"], params
