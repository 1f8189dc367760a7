"""Simple comparisons playbook authors write: ``{field: plan, op: in, value: [trial, starter]}``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

_MISSING = object()


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    IN = "in"
    NOT_IN = "not_in"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    CONTAINS = "contains"
    EXISTS = "exists"
    MISSING = "missing"


#: operators that take no value
UNARY = frozenset({Op.EXISTS, Op.MISSING})
#: operators whose value is a list
LISTED = frozenset({Op.IN, Op.NOT_IN})
ORDERED = frozenset({Op.GT, Op.GTE, Op.LT, Op.LTE})


def check_value_shape(op: Op, value: Any) -> None:
    """Raise ValueError when ``value`` cannot be used with ``op`` (caught at validation time)."""
    if op in UNARY:
        if value is not None:
            raise ValueError(f"operator '{op}' takes no value")
    elif op in LISTED:
        if not isinstance(value, list) or not value:
            raise ValueError(f"operator '{op}' needs a non-empty list as value")
    elif op in ORDERED:
        if not _is_number(value) and not isinstance(value, str):
            raise ValueError(f"operator '{op}' needs a number or text as value")
    elif value is None:
        raise ValueError(f"operator '{op}' needs a value")


def compare(op: Op, actual: Any, expected: Any) -> bool:
    """Evaluate one test; a missing or mistyped value never matches (except ``missing``)."""
    if op is Op.EXISTS:
        return actual is not _MISSING and actual is not None
    if op is Op.MISSING:
        return actual is _MISSING or actual is None
    if actual is _MISSING or actual is None:
        # "not equal"/"not in" on an unknown value is not evidence: stay conservative and skip.
        return False
    if op is Op.EQ:
        return _eq(actual, expected)
    if op is Op.NE:
        return not _eq(actual, expected)
    if op is Op.IN:
        return any(_eq(actual, item) for item in expected)
    if op is Op.NOT_IN:
        return not any(_eq(actual, item) for item in expected)
    if op is Op.CONTAINS:
        if isinstance(actual, str):
            return isinstance(expected, str) and expected.lower() in actual.lower()
        if isinstance(actual, Sequence):
            return any(_eq(item, expected) for item in actual)
        return False
    return _ordered(op, actual, expected)


def lookup(data: Mapping[str, Any], path: str) -> Any:
    """Read ``a.b.c`` from nested mappings; the sentinel for anything absent."""
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


def _eq(actual: Any, expected: Any) -> bool:
    if _is_number(actual) and _is_number(expected):
        return float(actual) == float(expected)
    if isinstance(actual, str) and isinstance(expected, str):
        # trait values arrive from many SDKs; "Enterprise" and "enterprise" mean the same plan
        return actual.casefold() == expected.casefold()
    return bool(actual == expected)


def _ordered(op: Op, actual: Any, expected: Any) -> bool:
    if _is_number(actual) and _is_number(expected):
        left: Any = float(actual)
        right: Any = float(expected)
    elif isinstance(actual, str) and isinstance(expected, str):
        left, right = actual, expected  # ISO dates compare correctly as text
    else:
        return False
    if op is Op.GT:
        return bool(left > right)
    if op is Op.GTE:
        return bool(left >= right)
    if op is Op.LT:
        return bool(left < right)
    return bool(left <= right)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
